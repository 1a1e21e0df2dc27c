/**
 * ResStringPool decoding, shared by binary XML (AXML) and resources.arsc.
 *
 * Spec: AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h
 * (struct ResStringPool_header, ResStringPool_ref) and ResourceTypes.cpp (ResStringPool::setTo,
 * stringAt / string8At).
 * https://android.googlesource.com/platform/frameworks/base/+/refs/heads/main/libs/androidfw/include/androidfw/ResourceTypes.h
 *
 * Layout of a pool chunk (offsets from the chunk start):
 *   ResChunk_header  { u16 type = RES_STRING_POOL_TYPE; u16 headerSize; u32 size }
 *   u32 stringCount, u32 styleCount, u32 flags, u32 stringsStart, u32 stylesStart
 *   u32 stringOffsets[stringCount]   at headerSize (not necessarily 28: Android uses headerSize)
 *   u32 styleOffsets[styleCount]
 *   string data at stringsStart, each string at stringsStart + stringOffsets[i]
 * UTF-16 string: u16 length (high bit set => 31-bit length over two u16), chars, u16 NUL.
 * UTF-8 string: utf16 length (1 or 2 bytes), utf8 byte length (1 or 2 bytes), bytes, NUL.
 * Style data is ignored (we never need spans).
 *
 * Tolerant: counts that do not fit are clamped, strings running past the chunk are truncated,
 * invalid encodings decode to U+FFFD; each is recorded as an anomaly. Decoding is lazy and cached.
 */
import type { Anomaly } from './bytes.js';

export const RES_NULL_TYPE = 0x0000;
export const RES_STRING_POOL_TYPE = 0x0001;
export const RES_TABLE_TYPE = 0x0002;

/** ResStringPool_header.flags */
export const SORTED_FLAG = 1 << 0;
export const UTF8_FLAG = 1 << 8;

/** The fixed part of ResStringPool_header (ResChunk_header + 5 u32). */
export const STRING_POOL_HEADER_SIZE = 28;

/** An absent ResStringPool_ref. */
export const NO_STRING = 0xffffffff;

/** At most this many anomalies are kept per list: a hostile file cannot make us allocate without bound. */
export const MAX_ANOMALIES = 200;

/** Appends an anomaly unless the list is full (the last slot says that more were dropped). */
export function pushAnomaly(list: Anomaly[], code: string, message: string, offset?: number): void {
  if (list.length < MAX_ANOMALIES - 1) {
    list.push(offset === undefined ? { code, message } : { code, message, offset });
  } else if (list.length === MAX_ANOMALIES - 1) {
    list.push({ code: 'too-many-anomalies', message: `more than ${MAX_ANOMALIES - 1} anomalies; the rest were dropped` });
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export class StringPool {
  /** number of strings that can be addressed (after clamping) */
  readonly count: number;
  readonly utf8: boolean;
  readonly sorted: boolean;
  /** offset of the pool chunk in the enclosing data */
  readonly offset: number;
  readonly anomalies: Anomaly[];

  private readonly data: Uint8Array;
  private readonly dv: DataView;
  /** absolute offset of the string offsets array */
  private readonly offsetsAt: number;
  /** absolute offset of string data */
  private readonly stringsAt: number;
  /** absolute end of the chunk (exclusive), clamped to the data */
  private readonly end: number;
  private readonly cache: (string | undefined)[];

  /**
   * @param data    the whole file (offsets in anomalies are relative to it)
   * @param offset  where the pool chunk starts
   * @param size    the chunk size to trust (the caller clamps/repairs a lying header size)
   * @param anomalies list the pool reports to (shared with the caller)
   */
  constructor(data: Uint8Array, offset: number, size: number, anomalies: Anomaly[]) {
    this.data = data;
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.offset = offset;
    this.anomalies = anomalies;
    this.end = Math.min(data.length, offset + Math.max(0, size));
    const avail = this.end - offset;
    if (avail < STRING_POOL_HEADER_SIZE) {
      pushAnomaly(anomalies, 'string-pool-truncated', `string pool header needs ${STRING_POOL_HEADER_SIZE} bytes, only ${Math.max(0, avail)} available`, offset);
      this.count = 0;
      this.utf8 = false;
      this.sorted = false;
      this.offsetsAt = this.stringsAt = this.end;
      this.cache = [];
      return;
    }
    let headerSize = this.dv.getUint16(offset + 2, true);
    const stringCount = this.dv.getUint32(offset + 8, true);
    const styleCount = this.dv.getUint32(offset + 12, true);
    const flags = this.dv.getUint32(offset + 16, true);
    const stringsStart = this.dv.getUint32(offset + 20, true);
    this.utf8 = (flags & UTF8_FLAG) !== 0;
    this.sorted = (flags & SORTED_FLAG) !== 0;
    if (headerSize !== STRING_POOL_HEADER_SIZE) {
      pushAnomaly(anomalies, 'string-pool-header-size', `string pool headerSize is ${headerSize}, expected ${STRING_POOL_HEADER_SIZE}`, offset);
      if (headerSize < STRING_POOL_HEADER_SIZE || headerSize > avail) headerSize = STRING_POOL_HEADER_SIZE;
    }
    this.offsetsAt = offset + headerSize;
    // String data start: where the header says, unless that lies outside the chunk; then right
    // after the offset arrays (the only other sensible place).
    let stringsAt = offset + stringsStart;
    if (stringsStart === 0 && stringCount === 0) {
      stringsAt = this.end;
    } else if (stringsStart < headerSize || stringsAt > this.end) {
      const guess = Math.min(this.end, this.offsetsAt + 4 * (Math.min(stringCount, avail) + Math.min(styleCount, avail)));
      pushAnomaly(anomalies, 'string-pool-strings-start', `stringsStart ${stringsStart} lies outside the pool (size ${avail}); using ${guess - offset}`, offset);
      stringsAt = guess;
    }
    this.stringsAt = stringsAt;
    // The offsets array must fit before the end of the chunk (and, normally, before the string data).
    const limit = stringsAt > this.offsetsAt ? stringsAt : this.end;
    const fits = Math.max(0, Math.floor((limit - this.offsetsAt) / 4));
    let count = stringCount;
    if (count > fits) {
      pushAnomaly(anomalies, 'string-pool-count', `stringCount ${stringCount} does not fit in the pool; clamped to ${fits}`, offset);
      count = fits;
    }
    if (styleCount > 0 && this.offsetsAt + 4 * (count + styleCount) > this.end) {
      pushAnomaly(anomalies, 'string-pool-style-count', `styleCount ${styleCount} does not fit in the pool`, offset);
    }
    this.count = count;
    this.cache = new Array(Math.min(count, 1 << 20));
  }

  /**
   * The string at `index`, or undefined (plus an anomaly) when the index is out of range.
   * `NO_STRING` (0xFFFFFFFF) gives undefined without an anomaly: it means "no string".
   */
  get(index: number): string | undefined {
    if (index === NO_STRING || index === -1) return undefined;
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      pushAnomaly(this.anomalies, 'string-index-out-of-range', `string index ${index} is outside the pool (${this.count} strings)`, this.offset);
      return undefined;
    }
    if (index < this.cache.length) {
      const hit = this.cache[index];
      if (hit !== undefined) return hit;
    }
    const s = this.decode(index);
    if (index < this.cache.length) this.cache[index] = s;
    return s;
  }

  /** Like get, but '' for an absent or invalid index. */
  getOr(index: number, fallback = ''): string {
    return this.get(index) ?? fallback;
  }

  /** True when `index` addresses a string of this pool. */
  has(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.count;
  }

  private decode(index: number): string {
    const at = this.stringsAt + this.dv.getUint32(this.offsetsAt + 4 * index, true);
    if (at >= this.end || at < this.stringsAt) {
      pushAnomaly(this.anomalies, 'string-offset-out-of-range', `string ${index} starts outside the pool`, this.offset);
      return '';
    }
    return this.utf8 ? this.decodeUtf8(index, at) : this.decodeUtf16(index, at);
  }

  private decodeUtf16(index: number, at: number): string {
    const end = this.end;
    if (at + 2 > end) return this.truncated(index, '');
    let len = this.dv.getUint16(at, true);
    let pos = at + 2;
    if (len & 0x8000) {
      if (pos + 2 > end) return this.truncated(index, '');
      len = ((len & 0x7fff) << 16) | this.dv.getUint16(pos, true);
      pos += 2;
    }
    let n = len;
    let cut = false;
    if (pos + 2 * n > end) {
      n = Math.floor((end - pos) / 2);
      cut = true;
    }
    // Decode in slices to avoid huge argument lists; check surrogate pairing as we go.
    const units = new Uint16Array(n);
    for (let i = 0; i < n; i++) units[i] = this.dv.getUint16(pos + 2 * i, true);
    let bad = false;
    for (let i = 0; i < n; i++) {
      const u = units[i];
      if (u >= 0xd800 && u <= 0xdbff) {
        if (i + 1 < n && units[i + 1] >= 0xdc00 && units[i + 1] <= 0xdfff) i++;
        else {
          units[i] = 0xfffd;
          bad = true;
        }
      } else if (u >= 0xdc00 && u <= 0xdfff) {
        units[i] = 0xfffd;
        bad = true;
      }
    }
    let s = '';
    for (let i = 0; i < n; i += 8192) s += String.fromCharCode.apply(null, Array.from(units.subarray(i, i + 8192)));
    if (bad) pushAnomaly(this.anomalies, 'string-invalid-utf16', `string ${index} has unpaired surrogates`, at);
    return cut ? this.truncated(index, s) : s;
  }

  private decodeUtf8(index: number, at: number): string {
    const end = this.end;
    // First the length in UTF-16 units (unused except as a sanity hint), then the byte length.
    let pos = at;
    const u16len = this.readLen8(pos);
    if (u16len === undefined) return this.truncated(index, '');
    pos = u16len[1];
    const u8len = this.readLen8(pos);
    if (u8len === undefined) return this.truncated(index, '');
    pos = u8len[1];
    let n = u8len[0];
    let cut = false;
    if (pos + n > end) {
      n = end - pos;
      cut = true;
    }
    const bytes = this.data.subarray(pos, pos + n);
    let s: string;
    try {
      s = utf8Strict.decode(bytes);
    } catch {
      s = utf8Decoder.decode(bytes);
      pushAnomaly(this.anomalies, 'string-invalid-utf8', `string ${index} is not valid UTF-8`, at);
    }
    return cut ? this.truncated(index, s) : s;
  }

  /** UTF-8 pool length: one byte, or two when the high bit is set (15 bits). */
  private readLen8(pos: number): [number, number] | undefined {
    if (pos >= this.end) return undefined;
    const b = this.data[pos];
    if ((b & 0x80) === 0) return [b, pos + 1];
    if (pos + 1 >= this.end) return undefined;
    return [((b & 0x7f) << 8) | this.data[pos + 1], pos + 2];
  }

  private truncated(index: number, s: string): string {
    pushAnomaly(this.anomalies, 'string-truncated', `string ${index} runs past the end of the pool`, this.offset);
    return s;
  }
}

/** Reads a pool chunk at `offset` whose usable size is `size` (see StringPool). */
export function readStringPool(data: Uint8Array, offset: number, size: number, anomalies: Anomaly[]): StringPool {
  return new StringPool(data, offset, size, anomalies);
}
