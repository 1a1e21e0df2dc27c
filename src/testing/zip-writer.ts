/**
 * A zip writer for fixtures, with knobs for the malformations Android tolerates and analysers
 * choke on. Normal fixture and sample bundles are built with jszip; this writer exists for the
 * bytes jszip will not produce (encrypted flags on plain data, local/central disagreement,
 * unknown methods, overlapping entries, ZIP64 records, maximum comments).
 *
 * Spec: PKWARE APPNOTE.TXT 6.3.x.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import {
  CENTRAL_FILE_HEADER_SIGNATURE,
  END_OF_CENTRAL_DIR_SIGNATURE,
  LOCAL_FILE_HEADER_SIGNATURE,
  METHOD_DEFLATED,
  METHOD_STORED,
  ZIP64_END_OF_CENTRAL_DIR_LOCATOR_SIGNATURE,
  ZIP64_END_OF_CENTRAL_DIR_SIGNATURE,
  ZIP64_EXTRA_FIELD_ID,
} from '../archive/zip.js';

export interface ZipWriterEntry {
  name: string;
  data: Uint8Array | string;
  /** default deflated */
  compress?: boolean;
  /** general purpose flags written in both headers (e.g. 1 = "encrypted") */
  flags?: number;
  /** method value written in the headers, whatever the data really is */
  methodOverride?: number;
  /** name written in the local header instead of `name` */
  localName?: string;
  /** method written in the local header only */
  localMethod?: number;
  /** CRC written instead of the real one */
  crcOverride?: number;
  /** declared uncompressed size instead of the real one */
  sizeOverride?: number;
  /** point the central record at another entry's local header (overlap), by index */
  shareDataWith?: number;
}

export interface ZipWriterOptions {
  comment?: Uint8Array | string;
  /** write ZIP64 end records and saturate the 32-bit fields */
  zip64?: boolean;
  /** bytes placed before the first local header */
  prefix?: Uint8Array;
  /** value written as the entry count instead of the real one */
  countOverride?: number;
  /** value written as central directory offset instead of the real one */
  cdOffsetOverride?: number;
}

const enc = new TextEncoder();
const bytesOf = (d: Uint8Array | string): Uint8Array => (typeof d === 'string' ? enc.encode(d) : d);

export function writeZip(entries: ZipWriterEntry[], options: ZipWriterOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    offset += b.length;
  };
  if (options.prefix) push(options.prefix);

  interface Written {
    entry: ZipWriterEntry;
    name: Uint8Array;
    method: number;
    crc: number;
    csize: number;
    usize: number;
    lho: number;
  }
  const written: Written[] = [];
  for (const entry of entries) {
    const raw = bytesOf(entry.data);
    const compress = entry.compress ?? true;
    const payload = compress ? deflateRawSync(raw) : raw;
    const method = entry.methodOverride ?? (compress ? METHOD_DEFLATED : METHOD_STORED);
    const crc = entry.crcOverride ?? crc32(raw);
    const usize = entry.sizeOverride ?? raw.length;
    const name = enc.encode(entry.name);
    if (entry.shareDataWith !== undefined) {
      const other = written[entry.shareDataWith];
      written.push({ entry, name, method: other.method, crc: other.crc, csize: other.csize, usize: other.usize, lho: other.lho });
      continue;
    }
    const localName = entry.localName === undefined ? name : enc.encode(entry.localName);
    const lh = new DataView(new ArrayBuffer(30));
    lh.setUint32(0, LOCAL_FILE_HEADER_SIGNATURE, true);
    lh.setUint16(4, 20, true);
    lh.setUint16(6, entry.flags ?? 0, true);
    lh.setUint16(8, entry.localMethod ?? method, true);
    lh.setUint32(14, crc, true);
    lh.setUint32(18, payload.length, true);
    lh.setUint32(22, usize, true);
    lh.setUint16(26, localName.length, true);
    const lho = offset;
    push(new Uint8Array(lh.buffer));
    push(localName);
    push(payload);
    written.push({ entry, name, method, crc, csize: payload.length, usize, lho });
  }

  const cdStart = offset;
  for (const w of written) {
    const extra = options.zip64 ? zip64Extra(w.usize, w.csize, w.lho) : new Uint8Array(0);
    const ch = new DataView(new ArrayBuffer(46));
    ch.setUint32(0, CENTRAL_FILE_HEADER_SIGNATURE, true);
    ch.setUint16(4, 0x0314, true);
    ch.setUint16(6, options.zip64 ? 45 : 20, true);
    ch.setUint16(8, w.entry.flags ?? 0, true);
    ch.setUint16(10, w.method, true);
    ch.setUint32(16, w.crc, true);
    ch.setUint32(20, options.zip64 ? 0xffffffff : w.csize, true);
    ch.setUint32(24, options.zip64 ? 0xffffffff : w.usize, true);
    ch.setUint16(28, w.name.length, true);
    ch.setUint16(30, extra.length, true);
    ch.setUint32(42, options.zip64 ? 0xffffffff : w.lho, true);
    push(new Uint8Array(ch.buffer));
    push(w.name);
    push(extra);
  }
  const cdSize = offset - cdStart;
  const count = options.countOverride ?? written.length;

  if (options.zip64) {
    const z = new DataView(new ArrayBuffer(56));
    z.setUint32(0, ZIP64_END_OF_CENTRAL_DIR_SIGNATURE, true);
    z.setBigUint64(4, 44n, true);
    z.setUint16(12, 45, true);
    z.setUint16(14, 45, true);
    z.setBigUint64(24, BigInt(count), true);
    z.setBigUint64(32, BigInt(count), true);
    z.setBigUint64(40, BigInt(cdSize), true);
    z.setBigUint64(48, BigInt(options.cdOffsetOverride ?? cdStart), true);
    const z64Offset = offset;
    push(new Uint8Array(z.buffer));
    const loc = new DataView(new ArrayBuffer(20));
    loc.setUint32(0, ZIP64_END_OF_CENTRAL_DIR_LOCATOR_SIGNATURE, true);
    loc.setBigUint64(8, BigInt(z64Offset), true);
    loc.setUint32(16, 1, true);
    push(new Uint8Array(loc.buffer));
  }

  const comment = bytesOf(options.comment ?? '');
  const e = new DataView(new ArrayBuffer(22));
  e.setUint32(0, END_OF_CENTRAL_DIR_SIGNATURE, true);
  e.setUint16(8, options.zip64 ? 0xffff : count, true);
  e.setUint16(10, options.zip64 ? 0xffff : count, true);
  e.setUint32(12, options.zip64 ? 0xffffffff : cdSize, true);
  e.setUint32(16, options.zip64 ? 0xffffffff : (options.cdOffsetOverride ?? cdStart), true);
  e.setUint16(20, comment.length, true);
  push(new Uint8Array(e.buffer));
  push(comment);

  const out = new Uint8Array(offset);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

function zip64Extra(usize: number, csize: number, lho: number): Uint8Array {
  const d = new DataView(new ArrayBuffer(4 + 24));
  d.setUint16(0, ZIP64_EXTRA_FIELD_ID, true);
  d.setUint16(2, 24, true);
  d.setBigUint64(4, BigInt(usize), true);
  d.setBigUint64(12, BigInt(csize), true);
  d.setBigUint64(20, BigInt(lho), true);
  return new Uint8Array(d.buffer);
}
