// A streaming zip writer for bench inputs: entries go straight to the file, so building a
// several-hundred-MB IPA never holds it in memory. Plain PKWARE APPNOTE 6.3 records (no ZIP64:
// bench inputs stay below 4 GiB and 65,535 entries). src/testing/zip-writer.ts builds whole
// archives in memory with adversarial knobs; this one only needs to be big and well-formed.
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

const enc = new TextEncoder();

export class ZipOut {
  constructor(path) {
    this.path = path;
    this.fd = openSync(path, 'w');
    this.offset = 0;
    this.central = [];
  }

  write(bytes) {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.offset += bytes.length;
  }

  /**
   * Adds one entry. `data` is the inflated content; `compress` deflates it (level 6 unless `level`).
   * `pre` may carry an already deflated form ({ deflated, crc }) to reuse for duplicates.
   */
  add(name, data, { compress = true, level = 6, pre } = {}) {
    const bytes = typeof data === 'string' ? enc.encode(data) : data;
    const crc = pre?.crc ?? crc32(bytes);
    const stored = compress ? (pre?.deflated ?? deflateRawSync(bytes, { level })) : bytes;
    const method = compress ? 8 : 0;
    const nameBytes = enc.encode(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(bytes.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const at = this.offset;
    this.write(local);
    this.write(nameBytes);
    this.write(stored);
    this.central.push({ nameBytes, method, crc, csize: stored.length, size: bytes.length, at });
    return { deflated: compress ? stored : undefined, crc };
  }

  close() {
    const cdStart = this.offset;
    for (const e of this.central) {
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(0x0800, 8);
      c.writeUInt16LE(e.method, 10);
      c.writeUInt16LE(0, 12);
      c.writeUInt16LE(0x21, 14);
      c.writeUInt32LE(e.crc >>> 0, 16);
      c.writeUInt32LE(e.csize, 20);
      c.writeUInt32LE(e.size, 24);
      c.writeUInt16LE(e.nameBytes.length, 28);
      c.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      c.writeUInt32LE(e.at, 42);
      this.write(c);
      this.write(e.nameBytes);
    }
    const cdSize = this.offset - cdStart;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.central.length, 8);
    end.writeUInt16LE(this.central.length, 10);
    end.writeUInt32LE(cdSize, 12);
    end.writeUInt32LE(cdStart, 16);
    this.write(end);
    closeSync(this.fd);
    return this.offset;
  }
}
