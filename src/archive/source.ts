/**
 * Random-access byte sources under the zip reader: a file read with positioned reads (never
 * loaded whole: IPAs reach several GB), or bytes already in memory (a nested archive).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { TrackscanError } from '../errors.js';

export interface ByteSource {
  /** total size in bytes */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset`; throws when the range is outside the source. */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | undefined;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
      const st = fstatSync(this.fd);
      if (!st.isFile()) throw new Error('not a regular file');
      this.size = st.size;
    } catch (e) {
      if (this.fd !== undefined) closeSync(this.fd);
      throw new TrackscanError('IO', `cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        file: path,
        cause: e,
      });
    }
  }

  read(offset: number, length: number): Uint8Array {
    if (this.fd === undefined) throw new TrackscanError('IO', 'read after close', { file: this.path });
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new TrackscanError('ENTRY_UNREADABLE', `read of ${length} bytes at ${offset} is outside the file (${this.size} bytes)`, {
        file: this.path,
      });
    }
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw new TrackscanError('IO', `unexpected end of file at ${offset + done}`, { file: this.path });
      done += n;
    }
    return buf;
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

export class MemorySource implements ByteSource {
  readonly size: number;

  constructor(private readonly bytes: Uint8Array, private readonly label: string) {
    this.size = bytes.byteLength;
  }

  read(offset: number, length: number): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new TrackscanError('ENTRY_UNREADABLE', `read of ${length} bytes at ${offset} is outside the data (${this.size} bytes)`, {
        file: this.label,
      });
    }
    return this.bytes.subarray(offset, offset + length);
  }

  close(): void {}
}
