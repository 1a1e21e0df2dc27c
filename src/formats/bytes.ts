/**
 * Bounds-checked little-endian reads over a byte array, shared by the binary format parsers.
 * Every read past the end throws a FormatError naming the format, so a parser never reads
 * garbage silently and never throws a bare RangeError.
 */
import { FormatError } from '../errors.js';

/** Malformed-but-readable input: recorded, not thrown (STYLE.md §3). */
export interface Anomaly {
  /** stable machine-readable code, e.g. `string-pool-size-mismatch` */
  code: string;
  message: string;
  offset?: number;
}

export class ByteView {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly length: number;
  readonly format: string;

  constructor(bytes: Uint8Array, format: string) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.byteLength;
    this.format = format;
  }

  /** True when [offset, offset+size) lies inside the data. */
  has(offset: number, size: number): boolean {
    return Number.isInteger(offset) && offset >= 0 && size >= 0 && offset + size <= this.length;
  }

  check(offset: number, size: number, what: string): void {
    if (!this.has(offset, size)) {
      throw new FormatError(this.format, `${what} lies outside the data (${size} bytes at ${offset}, length ${this.length})`, offset);
    }
  }

  u8(offset: number): number {
    this.check(offset, 1, 'u8');
    return this.bytes[offset];
  }

  u16(offset: number): number {
    this.check(offset, 2, 'u16');
    return this.view.getUint16(offset, true);
  }

  u32(offset: number): number {
    this.check(offset, 4, 'u32');
    return this.view.getUint32(offset, true);
  }

  i32(offset: number): number {
    this.check(offset, 4, 'i32');
    return this.view.getInt32(offset, true);
  }

  u64(offset: number): bigint {
    this.check(offset, 8, 'u64');
    return this.view.getBigUint64(offset, true);
  }

  /** A view of [offset, offset+size) sharing memory; throws when out of range. */
  slice(offset: number, size: number): Uint8Array {
    this.check(offset, size, 'slice');
    return this.bytes.subarray(offset, offset + size);
  }

  /** Unsigned LEB128 (at most 5 bytes, as DEX uses). Returns [value, nextOffset]. */
  uleb128(offset: number): [number, number] {
    let result = 0;
    let shift = 0;
    let pos = offset;
    for (let i = 0; i < 5; i++) {
      const b = this.u8(pos++);
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return [result >>> 0, pos];
      shift += 7;
    }
    return [result >>> 0, pos];
  }

  /** Signed LEB128 (at most 5 bytes). Returns [value, nextOffset]. */
  sleb128(offset: number): [number, number] {
    let result = 0;
    let shift = 0;
    let pos = offset;
    let b = 0;
    for (let i = 0; i < 5; i++) {
      b = this.u8(pos++);
      result |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    if (shift < 32 && (b & 0x40) !== 0) result |= -1 << shift;
    return [result | 0, pos];
  }
}
