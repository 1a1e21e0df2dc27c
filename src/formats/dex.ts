/**
 * DEX (Dalvik Executable) reader. Pure: bytes in, typed lazy view out; no I/O.
 * Spec: https://source.android.com/docs/core/runtime/dex-format
 *
 * Design:
 *  - `parseDex` reads and sanity-checks the header(s) and clamps every id table to what fits in the
 *    data; nothing else is decoded up front. Strings are decoded on demand and cached, so listing the
 *    defined classes touches only class_defs → type_ids → string_ids → those strings.
 *  - Hostile input is normal. Counts and offsets that do not fit are clamped and recorded as
 *    anomalies; every loop is bounded by the data length. The only error thrown is FormatError, and
 *    only from `parseDex` when nothing is readable (not `dex\n` magic, header truncated).
 *  - Bad indices never throw: lookups return a placeholder (`<invalid string #N>`,
 *    `<invalid type #N>`, …, see {@link isDexPlaceholder}) and add an anomaly, so the class listing
 *    stays available even when some strings are damaged.
 *  - Version 041 "container" files hold several dex headers back to back (each header's `file_size`
 *    is the distance to the next header, `container_size` the whole file); all offsets are relative
 *    to the start of the container. Every entry is parsed; the list accessors merge the entries, and
 *    the index-based accessors take an optional `entry` number (default 0).
 */
import { Anomaly, ByteView } from './bytes.js';
import { FormatError } from '../errors.js';
import { asciiDecoder, decodeMutf8, measureMutf8 } from './mutf8.js';

const FORMAT = 'dex';

// ---- header_item ---------------------------------------------------------------------------------

/** "dex\n" — the first four bytes of DEX_FILE_MAGIC; then three version digits and "\0". */
export const DEX_FILE_MAGIC_PREFIX = Uint8Array.of(0x64, 0x65, 0x78, 0x0a);
/** Versions defined by the spec (036 was never used but is harmless to read). */
export const KNOWN_DEX_VERSIONS: readonly number[] = [35, 36, 37, 38, 39, 40, 41];
/** First version with the container format (header_item grows container_size and header_offset). */
export const DEX_CONTAINER_VERSION = 41;
export const ENDIAN_CONSTANT = 0x12345678;
export const REVERSE_ENDIAN_CONSTANT = 0x78563412;
export const NO_INDEX = 0xffffffff;
/** header_size of versions ≤ 040 */
export const HEADER_SIZE = 0x70;
/** header_size of versions ≥ 041 */
export const HEADER_SIZE_V41 = 0x78;

// header_item field offsets
const H_CHECKSUM = 0x08;
const H_FILE_SIZE = 0x20;
const H_HEADER_SIZE = 0x24;
const H_ENDIAN_TAG = 0x28;
const H_MAP_OFF = 0x34;
const H_STRING_IDS_SIZE = 0x38;
const H_TYPE_IDS_SIZE = 0x40;
const H_PROTO_IDS_SIZE = 0x48;
const H_FIELD_IDS_SIZE = 0x50;
const H_METHOD_IDS_SIZE = 0x58;
const H_CLASS_DEFS_SIZE = 0x60;
const H_CONTAINER_SIZE = 0x70;
const H_HEADER_OFFSET = 0x74;

// ---- map_list type codes -------------------------------------------------------------------------
export const TYPE_HEADER_ITEM = 0x0000;
export const TYPE_STRING_ID_ITEM = 0x0001;
export const TYPE_TYPE_ID_ITEM = 0x0002;
export const TYPE_PROTO_ID_ITEM = 0x0003;
export const TYPE_FIELD_ID_ITEM = 0x0004;
export const TYPE_METHOD_ID_ITEM = 0x0005;
export const TYPE_CLASS_DEF_ITEM = 0x0006;
export const TYPE_CALL_SITE_ID_ITEM = 0x0007;
export const TYPE_METHOD_HANDLE_ITEM = 0x0008;
export const TYPE_MAP_LIST = 0x1000;
export const TYPE_TYPE_LIST = 0x1001;
export const TYPE_ANNOTATION_SET_REF_LIST = 0x1002;
export const TYPE_ANNOTATION_SET_ITEM = 0x1003;
export const TYPE_CLASS_DATA_ITEM = 0x2000;
export const TYPE_CODE_ITEM = 0x2001;
export const TYPE_STRING_DATA_ITEM = 0x2002;
export const TYPE_DEBUG_INFO_ITEM = 0x2003;
export const TYPE_ANNOTATION_ITEM = 0x2004;
export const TYPE_ENCODED_ARRAY_ITEM = 0x2005;
export const TYPE_ANNOTATIONS_DIRECTORY_ITEM = 0x2006;
export const TYPE_HIDDENAPI_CLASS_DATA_ITEM = 0xf000;

// ---- access_flags --------------------------------------------------------------------------------
export const ACC_PUBLIC = 0x1;
export const ACC_PRIVATE = 0x2;
export const ACC_PROTECTED = 0x4;
export const ACC_STATIC = 0x8;
export const ACC_FINAL = 0x10;
export const ACC_SYNCHRONIZED = 0x20;
export const ACC_VOLATILE = 0x40;
export const ACC_BRIDGE = 0x40;
export const ACC_TRANSIENT = 0x80;
export const ACC_VARARGS = 0x80;
export const ACC_NATIVE = 0x100;
export const ACC_INTERFACE = 0x200;
export const ACC_ABSTRACT = 0x400;
export const ACC_STRICT = 0x800;
export const ACC_SYNTHETIC = 0x1000;
export const ACC_ANNOTATION = 0x2000;
export const ACC_ENUM = 0x4000;
export const ACC_CONSTRUCTOR = 0x10000;
export const ACC_DECLARED_SYNCHRONIZED = 0x20000;

// item sizes (bytes)
const STRING_ID_ITEM_SIZE = 4;
const TYPE_ID_ITEM_SIZE = 4;
const PROTO_ID_ITEM_SIZE = 12;
const FIELD_ID_ITEM_SIZE = 8;
const METHOD_ID_ITEM_SIZE = 8;
const CLASS_DEF_ITEM_SIZE = 32;
const MAP_ITEM_SIZE = 12;
const CODE_ITEM_HEADER_SIZE = 16;

/** Type-list entries definedClasses decodes at least (see its budget). */
const MIN_TYPE_LIST_BUDGET = 1 << 16;

/** Anomalies are capped so a hostile file cannot make the list itself huge. */
const MAX_ANOMALIES_PER_CODE = 20;
const MAX_ANOMALIES = 200;

// ---- public types --------------------------------------------------------------------------------

export interface DexCounts {
  strings: number;
  types: number;
  protos: number;
  fields: number;
  methods: number;
  classDefs: number;
}

/** One dex inside the file: always one before v041, one or more in a v041 container. */
export interface DexEntryInfo {
  /** offset of this entry's header_item in the file */
  headerOffset: number;
  version: number;
  /** the header's counts after clamping to the data */
  counts: DexCounts;
  /** the counts as the header claims them */
  declaredCounts: DexCounts;
  checksum: number;
  /** true/false when the adler32 checksum was verified, undefined when not checked */
  checksumValid?: boolean;
}

export interface DexClassDef {
  /** 'Lcom/foo/Bar;' */
  descriptor: string;
  accessFlags: number;
  /** absent for java.lang.Object (superclass_idx = NO_INDEX) */
  superclass?: string;
  interfaces: string[];
  sourceFile?: string;
  annotationsOff: number;
  /** 0 when the class has no fields or methods */
  classDataOff: number;
  staticValuesOff: number;
  /** position in its entry's class_defs (the `classDefIndex` for {@link DexFile.classData}) */
  index: number;
  /** type_ids indices of the class, its superclass (-1 for none) and its interfaces */
  typeIndex: number;
  superclassIndex: number;
  interfaceIndices: number[];
  /** container entry number (0 except in multi-dex v041 containers) */
  entry: number;
}

export interface DexMethodRef {
  classDescriptor: string;
  name: string;
  shorty: string;
  returnType: string;
  parameters: string[];
  /** '(Ljava/lang/String;I)V', as dexdump prints method types */
  signature: string;
}

export interface DexFieldRef {
  classDescriptor: string;
  name: string;
  type: string;
}

export interface DexEncodedField {
  /** index into field_ids (already un-diffed) */
  fieldIdx: number;
  accessFlags: number;
}

export interface DexEncodedMethod {
  /** index into method_ids (already un-diffed) */
  methodIdx: number;
  accessFlags: number;
  /** offset of the code_item, 0 for abstract/native methods; see {@link DexFile.codeItem} */
  codeOff: number;
}

export interface DexClassData {
  staticFields: DexEncodedField[];
  instanceFields: DexEncodedField[];
  directMethods: DexEncodedMethod[];
  virtualMethods: DexEncodedMethod[];
}

/** code_item header plus where its instructions are; instructions are not decoded here. */
export interface DexCodeItem {
  offset: number;
  registersSize: number;
  insSize: number;
  outsSize: number;
  triesSize: number;
  debugInfoOff: number;
  /** byte offset of insns[0] in the file */
  insnsOff: number;
  /** number of 16-bit code units (clamped to the data) */
  insnsSize: number;
  /** the code units (a view when aligned, otherwise a copy) */
  insns(): Uint16Array;
}

export interface ParseDexOptions {
  /** verify each entry's adler32 checksum (default true; a mismatch is an anomaly) */
  verifyChecksum?: boolean;
}

export interface DexFile {
  /** version of the first entry, e.g. 35..41 (0 when the digits are not a number) */
  version: number;
  /** anomalies found so far; lazy accessors append to it as they find damage */
  anomalies: Anomaly[];
  /** sum over all entries of the clamped counts */
  counts: DexCounts;
  /** every dex in the container (one element before v041) */
  entries: DexEntryInfo[];

  /** string_ids[idx] decoded (cached). Bad index → placeholder + anomaly. */
  string(idx: number, entry?: number): string;
  /** descriptor of type_ids[idx], e.g. 'Lcom/foo/Bar;'. Bad index → placeholder + anomaly. */
  typeDescriptor(idx: number, entry?: number): string;
  methodRef(idx: number, entry?: number): DexMethodRef;
  fieldRef(idx: number, entry?: number): DexFieldRef;
  /** descriptors of all class_defs, in file order (all entries). Decodes nothing else. */
  definedClassDescriptors(): string[];
  /** all class_defs, decoded (all entries) */
  definedClasses(): DexClassDef[];
  /** every type_ids descriptor (types the file references or defines; all entries) */
  referencedTypes(): string[];
  methodRefs(): Iterable<DexMethodRef>;
  fieldRefs(): Iterable<DexFieldRef>;
  /** every string_ids string (all entries) */
  strings(): Iterable<string>;
  /** decodes class_data_item of class_defs[classDefIndex]; empty lists when the class has none */
  classData(classDefIndex: number, entry?: number): DexClassData;
  /** reads a code_item header at `codeOff`; undefined (plus anomaly) when it does not fit */
  codeItem(codeOff: number): DexCodeItem | undefined;

  // ---- for hot loops (the bytecode walk): indices in, indices out, nothing decoded or allocated ----

  /** class_idx (a type_ids index) of method_ids[idx]; -1 when idx is out of range (no anomaly) */
  methodClassIndex(idx: number, entry?: number): number;
  /** class_idx of field_ids[idx]; -1 when idx is out of range (no anomaly) */
  fieldClassIndex(idx: number, entry?: number): number;
  /**
   * Calls `fn(methodIdx, codeOff)` for each direct, then virtual, method of class_defs[classDefIndex]
   * — what {@link classData} lists, with the same anomalies, without building the lists. `fn`
   * must not call forEachMethod itself (the lists are read into one reused array).
   */
  forEachMethod(classDefIndex: number, entry: number, fn: (methodIdx: number, codeOff: number) => void): void;
  /** The whole file as 16-bit code units (a view, or one aligned copy), for {@link codeSpan}. */
  codeUnits(): Uint16Array;
  /**
   * Where the instructions of the code_item at `codeOff` lie in {@link codeUnits}: sets
   * `span.start`/`span.end` (code-unit indices) and returns Span; None, with the anomalies of
   * {@link codeItem}, when the item does not fit. A code_item at an odd offset (misaligned on
   * purpose) has no span and nothing is recorded: Unaligned says to read it with codeItem().
   */
  codeSpan(codeOff: number, span: { start: number; end: number }): CodeSpanResult;
  /**
   * Indices (in `entry`) of the strings `filter` keeps; decodes none of them. While it looks for
   * each string's end it gathers the OR and the AND of `filter.classes` over its bytes, so that
   * `filter.keep` can decide without another pass in most cases. Strings that are damaged are
   * always selected (decode them with {@link string}, which records what is wrong), so skipping a
   * string never hides damage.
   */
  selectStrings(entry: number, filter: StringFilter): number[];
}

/** What {@link DexFile.selectStrings} keeps. */
export interface StringFilter {
  /** per byte value (256 entries), class bits */
  classes: Uint8Array;
  /**
   * Keep the string whose MUTF-8 bytes (up to its NUL) are `bytes[start, end)`, of `utf16Size`
   * UTF-16 units, whose bytes' classes OR to `any` and AND to `all`?
   */
  keep(any: number, all: number, utf16Size: number, bytes: Uint8Array, start: number, end: number): boolean;
}

/** What {@link DexFile.codeSpan} found. */
export const CodeSpanResult = { Span: 1, None: 0, Unaligned: -1 } as const;
export type CodeSpanResult = (typeof CodeSpanResult)[keyof typeof CodeSpanResult];

const PLACEHOLDER_RE = /^<invalid (string|type|proto|field|method|class_def) #-?\d+>$/;

/** True for the placeholders returned by index lookups that failed. */
export function isDexPlaceholder(s: string): boolean {
  return s.startsWith('<invalid ') && PLACEHOLDER_RE.test(s);
}

const PRIMITIVES: Record<string, string> = {
  V: 'void',
  Z: 'boolean',
  B: 'byte',
  S: 'short',
  C: 'char',
  I: 'int',
  J: 'long',
  F: 'float',
  D: 'double',
};

/**
 * 'Lcom/foo/Bar$Baz;' → 'com.foo.Bar$Baz'; '[I' → 'int[]'; '[[Lfoo/A;' → 'foo.A[][]'; 'J' → 'long'.
 * Anything that is not a well-formed type descriptor is returned unchanged.
 */
export function descriptorToJavaName(descriptor: string): string {
  let dims = 0;
  while (dims < descriptor.length && descriptor.charCodeAt(dims) === 0x5b /* [ */) dims++;
  const base = descriptor.slice(dims);
  let name: string;
  if (base.length >= 3 && base[0] === 'L' && base.endsWith(';')) {
    name = base.slice(1, -1).replaceAll('/', '.');
  } else if (base.length === 1 && base in PRIMITIVES && !(dims > 0 && base === 'V')) {
    name = PRIMITIVES[base];
  } else {
    return descriptor;
  }
  return dims === 0 ? name : name + '[]'.repeat(dims);
}

// ---- adler32 -------------------------------------------------------------------------------------

/** adler32 of bytes[start, end) (RFC 1950), chunked so the sums never overflow 2^53. */
export function adler32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let a = 1;
  let b = 0;
  let i = start;
  while (i < end) {
    const stop = Math.min(end, i + 3792); // keeps b < 2^31 between reductions (237 blocks of 16)
    // 16 bytes at a time: b gains 16·a plus each byte weighted by how many sums it enters, a the
    // bytes' sum — the same values as byte by byte, ~40% faster (7 ms instead of 12 ms on 10 MB).
    for (const stop16 = stop - 15; i < stop16; i += 16) {
      const x0 = bytes[i], x1 = bytes[i + 1], x2 = bytes[i + 2], x3 = bytes[i + 3];
      const x4 = bytes[i + 4], x5 = bytes[i + 5], x6 = bytes[i + 6], x7 = bytes[i + 7];
      const x8 = bytes[i + 8], x9 = bytes[i + 9], x10 = bytes[i + 10], x11 = bytes[i + 11];
      const x12 = bytes[i + 12], x13 = bytes[i + 13], x14 = bytes[i + 14], x15 = bytes[i + 15];
      b += 16 * a + 16 * x0 + 15 * x1 + 14 * x2 + 13 * x3 + 12 * x4 + 11 * x5 + 10 * x6 + 9 * x7;
      b += 8 * x8 + 7 * x9 + 6 * x10 + 5 * x11 + 4 * x12 + 3 * x13 + 2 * x14 + x15;
      a += x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + x12 + x13 + x14 + x15;
    }
    for (; i < stop; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// ---- implementation ------------------------------------------------------------------------------

interface Table {
  off: number;
  size: number;
}

interface ProtoInfo {
  shorty: string;
  returnType: string;
  parameters: string[];
  signature: string;
}

/** One parsed header with its clamped tables. */
interface Entry {
  info: DexEntryInfo;
  strings: Table;
  types: Table;
  protos: Table;
  fields: Table;
  methods: Table;
  classDefs: Table;
  stringCache: (string | undefined)[];
  /** decoded proto_ids, filled lazily (methods share few protos; a bytecode walk asks for each call) */
  protoCache: (ProtoInfo | undefined)[];
}

/** Reads the version digits of `dex\nNNN\0`; -1 when they are not three digits + NUL. */
function readVersion(bytes: Uint8Array, at: number): number {
  const d0 = bytes[at + 4] - 0x30;
  const d1 = bytes[at + 5] - 0x30;
  const d2 = bytes[at + 6] - 0x30;
  if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || bytes[at + 7] !== 0) return -1;
  return d0 * 100 + d1 * 10 + d2;
}

function hasDexMagic(bytes: Uint8Array, at: number): boolean {
  return (
    at >= 0 &&
    at + 8 <= bytes.length &&
    bytes[at] === 0x64 &&
    bytes[at + 1] === 0x65 &&
    bytes[at + 2] === 0x78 &&
    bytes[at + 3] === 0x0a
  );
}

class DexReader implements DexFile {
  version = 0;
  anomalies: Anomaly[] = [];
  counts: DexCounts = { strings: 0, types: 0, protos: 0, fields: 0, methods: 0, classDefs: 0 };
  entries: DexEntryInfo[] = [];

  private readonly bytes: Uint8Array;
  private readonly dv: DataView;
  private readonly len: number;
  private readonly list: Entry[] = [];
  private readonly anomalyCounts = new Map<string, number>();
  private suppressed = 0;
  /** native decoding of ASCII byte ranges of `bytes` (string data is almost all ASCII) */
  private readonly ascii: (start: number, end: number) => string;

  constructor(bytes: Uint8Array, options: ParseDexOptions) {
    const view = new ByteView(bytes, FORMAT);
    this.bytes = view.bytes;
    this.dv = view.view;
    this.len = view.length;
    this.ascii = asciiDecoder(this.bytes);

    if (!hasDexMagic(bytes, 0)) {
      throw new FormatError(FORMAT, 'not a DEX file (magic is not "dex\\n")', 0);
    }
    if (this.len < HEADER_SIZE) {
      throw new FormatError(FORMAT, `header truncated (${this.len} bytes, need ${HEADER_SIZE})`, 0);
    }
    const verify = options.verifyChecksum ?? true;

    // Entry 0; then, for v041 containers, the following headers until container_size.
    const first = this.readEntry(0, verify);
    this.version = first.info.version;
    let containerEnd = this.len;
    if (first.info.version >= DEX_CONTAINER_VERSION && this.u32(H_HEADER_SIZE) >= HEADER_SIZE_V41 && this.len >= HEADER_SIZE_V41) {
      const containerSize = this.u32(H_CONTAINER_SIZE);
      const headerOffset = this.u32(H_HEADER_OFFSET);
      if (headerOffset !== 0) this.anomaly('dex-header-offset', `first header_offset is ${headerOffset}, expected 0`, H_HEADER_OFFSET);
      if (containerSize !== this.len) {
        this.anomaly('dex-container-size-mismatch', `container_size ${containerSize} but data is ${this.len} bytes`, H_CONTAINER_SIZE);
      }
      containerEnd = Math.min(containerSize, this.len);
      let at = 0;
      let next = this.u32(H_FILE_SIZE); // v041: distance from this header to the next one
      // Each step moves forward by at least one header, so this loop is bounded by len / 0x78.
      while (next >= at + HEADER_SIZE_V41 && next + HEADER_SIZE <= containerEnd) {
        if (!hasDexMagic(this.bytes, next)) {
          this.anomaly('dex-container-bad-entry', `no dex header at ${next} inside the container`, next);
          break;
        }
        const e = this.readEntry(next, verify);
        if (this.u32(next + H_HEADER_OFFSET) !== next) {
          this.anomaly('dex-header-offset', `header_offset ${this.u32(next + H_HEADER_OFFSET)} of the header at ${next}`, next + H_HEADER_OFFSET);
        }
        at = next;
        const fileSize = e.info.version >= DEX_CONTAINER_VERSION ? this.u32(at + H_FILE_SIZE) : 0;
        if (fileSize < HEADER_SIZE_V41) break;
        next = at + fileSize;
      }
    }
    for (const e of this.list) {
      this.entries.push(e.info);
      for (const k of Object.keys(this.counts) as (keyof DexCounts)[]) this.counts[k] += e.info.counts[k];
    }
  }

  // ---- raw reads: return -1 outside the data instead of throwing --------------------------------

  private u32(off: number): number {
    return off >= 0 && off + 4 <= this.len ? this.dv.getUint32(off, true) : -1;
  }

  private u16(off: number): number {
    return off >= 0 && off + 2 <= this.len ? this.dv.getUint16(off, true) : -1;
  }

  /** uleb128 at `off` → [value, next] or undefined when it runs off the data. */
  private uleb(off: number): [number, number] | undefined {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (off >= this.len || off < 0) return undefined;
      const b = this.bytes[off++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    return [result >>> 0, off];
  }

  private anomaly(code: string, message: string, offset?: number): void {
    const n = this.anomalyCounts.get(code) ?? 0;
    this.anomalyCounts.set(code, n + 1);
    if (n >= MAX_ANOMALIES_PER_CODE || this.anomalies.length >= MAX_ANOMALIES) {
      this.suppressed++;
      if (this.suppressed === 1) {
        this.anomalies.push({ code: 'dex-anomalies-suppressed', message: 'further anomalies of the same kind were not recorded' });
      }
      return;
    }
    this.anomalies.push(offset === undefined ? { code, message } : { code, message, offset });
  }

  // ---- header --------------------------------------------------------------------------------------

  private readEntry(at: number, verify: boolean): Entry {
    const version = readVersion(this.bytes, at);
    if (version < 0) this.anomaly('dex-version-malformed', 'version digits in the magic are malformed', at + 4);
    else if (!KNOWN_DEX_VERSIONS.includes(version)) this.anomaly('dex-version-unknown', `unknown DEX version ${String(version).padStart(3, '0')}`, at + 4);

    const endian = this.u32(at + H_ENDIAN_TAG);
    if (endian === REVERSE_ENDIAN_CONSTANT) {
      this.anomaly('dex-endian-reversed', 'big-endian (byte-swapped) DEX; read as little-endian', at + H_ENDIAN_TAG);
    } else if (endian !== ENDIAN_CONSTANT) {
      this.anomaly('dex-endian-tag', `endian_tag is 0x${(endian >>> 0).toString(16)}`, at + H_ENDIAN_TAG);
    }

    const headerSize = this.u32(at + H_HEADER_SIZE);
    // A container header (v041+) has container_size/header_offset; trust header_size to say so for
    // future versions too.
    const container = version >= DEX_CONTAINER_VERSION && headerSize >= HEADER_SIZE_V41;
    if (KNOWN_DEX_VERSIONS.includes(version)) {
      const expectedHeader = version >= DEX_CONTAINER_VERSION ? HEADER_SIZE_V41 : HEADER_SIZE;
      if (headerSize !== expectedHeader) {
        this.anomaly('dex-header-size', `header_size is ${headerSize}, expected ${expectedHeader}`, at + H_HEADER_SIZE);
      }
    } else if (headerSize < HEADER_SIZE) {
      this.anomaly('dex-header-size', `header_size is ${headerSize}, expected at least ${HEADER_SIZE}`, at + H_HEADER_SIZE);
    }
    const fileSize = this.u32(at + H_FILE_SIZE);
    // Before v041 file_size is the whole file; in a container it is the distance to the next header.
    if (!container && fileSize !== this.len) {
      this.anomaly('dex-file-size-mismatch', `file_size ${fileSize} but data is ${this.len} bytes`, at + H_FILE_SIZE);
    }
    const end = container ? Math.min(this.len, at + fileSize) : Math.min(this.len, fileSize);

    const checksum = this.u32(at + H_CHECKSUM);
    let checksumValid: boolean | undefined;
    if (verify && end > at + 12) {
      checksumValid = adler32(this.bytes, at + 12, end) === checksum;
      if (!checksumValid) this.anomaly('dex-checksum-mismatch', `adler32 checksum 0x${checksum.toString(16)} does not match the data`, at + H_CHECKSUM);
    }

    const table = (sizeField: number, itemSize: number, name: string, align: number): [Table, number] => {
      const declared = this.u32(at + sizeField);
      const off = this.u32(at + sizeField + 4);
      if (declared === 0) return [{ off: 0, size: 0 }, 0];
      if (off <= 0 || off >= this.len) {
        this.anomaly('dex-section-out-of-range', `${name} offset ${off} lies outside the data`, at + sizeField + 4);
        return [{ off: 0, size: 0 }, declared];
      }
      if (off % align !== 0) this.anomaly('dex-section-misaligned', `${name} offset ${off} is not ${align}-byte aligned`, at + sizeField + 4);
      const fits = Math.floor((this.len - off) / itemSize);
      if (declared > fits) {
        this.anomaly('dex-section-truncated', `${name} claims ${declared} items but only ${fits} fit in the data`, at + sizeField);
        return [{ off, size: fits }, declared];
      }
      return [{ off, size: declared }, declared];
    };
    const [strings, dS] = table(H_STRING_IDS_SIZE, STRING_ID_ITEM_SIZE, 'string_ids', 4);
    const [types, dT] = table(H_TYPE_IDS_SIZE, TYPE_ID_ITEM_SIZE, 'type_ids', 4);
    const [protos, dP] = table(H_PROTO_IDS_SIZE, PROTO_ID_ITEM_SIZE, 'proto_ids', 4);
    const [fields, dF] = table(H_FIELD_IDS_SIZE, FIELD_ID_ITEM_SIZE, 'field_ids', 4);
    const [methods, dM] = table(H_METHOD_IDS_SIZE, METHOD_ID_ITEM_SIZE, 'method_ids', 4);
    const [classDefs, dC] = table(H_CLASS_DEFS_SIZE, CLASS_DEF_ITEM_SIZE, 'class_defs', 4);

    this.checkMap(at);

    const entry: Entry = {
      info: {
        headerOffset: at,
        version: Math.max(0, version),
        counts: { strings: strings.size, types: types.size, protos: protos.size, fields: fields.size, methods: methods.size, classDefs: classDefs.size },
        declaredCounts: { strings: dS, types: dT, protos: dP, fields: dF, methods: dM, classDefs: dC },
        checksum,
        checksumValid,
      },
      strings,
      types,
      protos,
      fields,
      methods,
      classDefs,
      // holey array of the clamped size: bounded by the data length, filled lazily
      stringCache: new Array<string | undefined>(strings.size),
      protoCache: new Array<ProtoInfo | undefined>(protos.size),
    };
    this.list.push(entry);
    return entry;
  }

  /** Light map_list check: present, inside the data, and its id sections agree with the header. */
  private checkMap(at: number): void {
    const mapOff = this.u32(at + H_MAP_OFF);
    if (mapOff <= 0 || mapOff + 4 > this.len) {
      this.anomaly('dex-map-out-of-range', `map_off ${mapOff} lies outside the data`, at + H_MAP_OFF);
      return;
    }
    let n = this.u32(mapOff);
    const fits = Math.floor((this.len - mapOff - 4) / MAP_ITEM_SIZE);
    if (n > fits) {
      this.anomaly('dex-map-truncated', `map_list claims ${n} items but ${fits} fit`, mapOff);
      n = fits;
    }
    const headerFields: Record<number, number> = {
      [TYPE_STRING_ID_ITEM]: H_STRING_IDS_SIZE,
      [TYPE_TYPE_ID_ITEM]: H_TYPE_IDS_SIZE,
      [TYPE_PROTO_ID_ITEM]: H_PROTO_IDS_SIZE,
      [TYPE_FIELD_ID_ITEM]: H_FIELD_IDS_SIZE,
      [TYPE_METHOD_ID_ITEM]: H_METHOD_IDS_SIZE,
      [TYPE_CLASS_DEF_ITEM]: H_CLASS_DEFS_SIZE,
    };
    for (let i = 0; i < n; i++) {
      const p = mapOff + 4 + i * MAP_ITEM_SIZE;
      const type = this.u16(p);
      const field = headerFields[type];
      if (field === undefined) continue;
      const size = this.u32(p + 4);
      const off = this.u32(p + 8);
      if (size !== this.u32(at + field) || (size !== 0 && off !== this.u32(at + field + 4))) {
        this.anomaly('dex-map-header-mismatch', `map item 0x${type.toString(16).padStart(4, '0')} (${size} at ${off}) disagrees with the header`, p);
      }
    }
  }

  // ---- lookups ---------------------------------------------------------------------------------------

  private entryAt(entry: number): Entry {
    return this.list[entry] ?? this.list[0];
  }

  string(idx: number, entry = 0): string {
    const e = this.entryAt(entry);
    const cached = e.stringCache[idx];
    if (cached !== undefined) return cached;
    if (!(idx >= 0 && idx < e.strings.size)) {
      this.anomaly('dex-string-index', `string index ${idx} out of range (${e.strings.size})`);
      return `<invalid string #${idx}>`;
    }
    const dataOff = this.u32(e.strings.off + idx * STRING_ID_ITEM_SIZE);
    const bytes = this.bytes;
    const len = this.len;
    // utf16_size (uleb128), then the MUTF-8 bytes
    const start = this.ulebAt(dataOff);
    if (start < 0) {
      this.anomaly('dex-string-data-out-of-range', `string_data_off ${dataOff} of string ${idx} lies outside the data`, e.strings.off + idx * 4);
      return (e.stringCache[idx] = `<invalid string #${idx}>`);
    }
    const utf16Size = this.ulebValue;
    // Fast path: ASCII up to the NUL terminator, with the declared length.
    let end = start;
    while (end < len) {
      const b = bytes[end];
      if (b === 0 || b >= 0x80) break;
      end++;
    }
    if (end < len && bytes[end] === 0 && end - start === utf16Size) {
      const value = this.ascii(start, end);
      e.stringCache[idx] = value;
      return value;
    }
    const d = decodeMutf8(bytes, start, len);
    if (!d.valid) this.anomaly('dex-string-invalid-mutf8', `string ${idx} is not valid MUTF-8`, dataOff);
    else if (!d.terminated) this.anomaly('dex-string-unterminated', `string ${idx} has no NUL terminator`, dataOff);
    else if (d.value.length !== utf16Size) {
      this.anomaly('dex-string-length-mismatch', `string ${idx} declares ${utf16Size} UTF-16 units but has ${d.value.length}`, dataOff);
    }
    e.stringCache[idx] = d.value;
    return d.value;
  }

  typeDescriptor(idx: number, entry = 0): string {
    const e = this.entryAt(entry);
    if (!(idx >= 0 && idx < e.types.size)) {
      this.anomaly('dex-type-index', `type index ${idx} out of range (${e.types.size})`);
      return `<invalid type #${idx}>`;
    }
    return this.string(this.u32(e.types.off + idx * TYPE_ID_ITEM_SIZE), entry);
  }

  /** Reads a type_list at `off` (u32 size + u16 type indices) as descriptors. */
  private typeList(off: number, entry: number): string[] {
    if (off === 0) return [];
    const n = this.u32(off);
    if (n < 0 || off % 4 !== 0) {
      this.anomaly('dex-type-list-out-of-range', `type_list at ${off} lies outside the data or is misaligned`, off);
      if (n < 0) return [];
    }
    const fits = Math.max(0, Math.floor((this.len - off - 4) / 2));
    let count = n;
    if (count > fits) {
      this.anomaly('dex-type-list-truncated', `type_list at ${off} claims ${n} entries, ${fits} fit`, off);
      count = fits;
    }
    const out: string[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.typeDescriptor(this.u16(off + 4 + i * 2), entry);
    return out;
  }

  /** The type indices of a type_list (what {@link typeList} decodes; its anomalies are recorded there). */
  private typeIndexList(off: number): number[] {
    if (off === 0) return [];
    const n = this.u32(off);
    if (n < 0) return [];
    const count = Math.min(n, Math.max(0, Math.floor((this.len - off - 4) / 2)));
    const out: number[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.u16(off + 4 + i * 2);
    return out;
  }

  private protoInfo(idx: number, entry: number): ProtoInfo {
    const e = this.entryAt(entry);
    if (!(idx >= 0 && idx < e.protos.size)) {
      this.anomaly('dex-proto-index', `proto index ${idx} out of range (${e.protos.size})`);
      const bad = `<invalid proto #${idx}>`;
      return { shorty: bad, returnType: bad, parameters: [], signature: bad };
    }
    const cached = e.protoCache[idx];
    if (cached) return cached;
    const p = e.protos.off + idx * PROTO_ID_ITEM_SIZE;
    const shorty = this.string(this.u32(p), entry);
    const returnType = this.typeDescriptor(this.u32(p + 4), entry);
    const parameters = this.typeList(this.u32(p + 8), entry);
    return (e.protoCache[idx] = { shorty, returnType, parameters, signature: `(${parameters.join('')})${returnType}` });
  }

  methodRef(idx: number, entry = 0): DexMethodRef {
    const e = this.entryAt(entry);
    if (!(idx >= 0 && idx < e.methods.size)) {
      this.anomaly('dex-method-index', `method index ${idx} out of range (${e.methods.size})`);
      const bad = `<invalid method #${idx}>`;
      return { classDescriptor: bad, name: bad, shorty: bad, returnType: bad, parameters: [], signature: bad };
    }
    const p = e.methods.off + idx * METHOD_ID_ITEM_SIZE;
    const proto = this.protoInfo(this.u16(p + 2), entry);
    return {
      classDescriptor: this.typeDescriptor(this.u16(p), entry),
      name: this.string(this.u32(p + 4), entry),
      shorty: proto.shorty,
      returnType: proto.returnType,
      parameters: proto.parameters.slice(), // the cached list stays the parser's
      signature: proto.signature,
    };
  }

  fieldRef(idx: number, entry = 0): DexFieldRef {
    const e = this.entryAt(entry);
    if (!(idx >= 0 && idx < e.fields.size)) {
      this.anomaly('dex-field-index', `field index ${idx} out of range (${e.fields.size})`);
      const bad = `<invalid field #${idx}>`;
      return { classDescriptor: bad, name: bad, type: bad };
    }
    const p = e.fields.off + idx * FIELD_ID_ITEM_SIZE;
    return {
      classDescriptor: this.typeDescriptor(this.u16(p), entry),
      type: this.typeDescriptor(this.u16(p + 2), entry),
      name: this.string(this.u32(p + 4), entry),
    };
  }

  // ---- lists -----------------------------------------------------------------------------------------

  definedClassDescriptors(): string[] {
    const out: string[] = [];
    for (let en = 0; en < this.list.length; en++) {
      const e = this.list[en];
      for (let i = 0; i < e.classDefs.size; i++) {
        out.push(this.typeDescriptor(this.u32(e.classDefs.off + i * CLASS_DEF_ITEM_SIZE), en));
      }
    }
    return out;
  }

  definedClasses(): DexClassDef[] {
    const out: DexClassDef[] = [];
    // type_lists may be shared (dx shares identical ones), so class_defs pointing at one huge list
    // would decode it once per class: a file of 100 KB made 15 million entries. The interfaces of
    // all classes together get a budget of a few entries per byte of the file.
    let budget = Math.max(MIN_TYPE_LIST_BUDGET, this.len * 2);
    for (let en = 0; en < this.list.length; en++) {
      const e = this.list[en];
      for (let i = 0; i < e.classDefs.size; i++) {
        const p = e.classDefs.off + i * CLASS_DEF_ITEM_SIZE;
        const superIdx = this.u32(p + 8);
        const sourceIdx = this.u32(p + 16);
        const typeIndex = this.u32(p);
        let interfacesOff = this.u32(p + 12);
        const listed = interfacesOff > 0 ? Math.max(0, this.u32(interfacesOff)) : 0;
        if (listed > budget) {
          this.anomaly('dex-type-lists-excessive', `class_def ${i}: its interfaces (${listed}) exceed what the file's type_lists can hold unshared; not read`, p + 12);
          interfacesOff = 0;
        } else {
          budget -= listed;
        }
        const def: DexClassDef = {
          descriptor: this.typeDescriptor(typeIndex, en),
          accessFlags: this.u32(p + 4),
          interfaces: this.typeList(interfacesOff, en),
          annotationsOff: this.u32(p + 20),
          classDataOff: this.u32(p + 24),
          staticValuesOff: this.u32(p + 28),
          index: i,
          entry: en,
          typeIndex,
          superclassIndex: superIdx === NO_INDEX ? -1 : superIdx,
          interfaceIndices: this.typeIndexList(interfacesOff),
        };
        if (superIdx !== NO_INDEX) def.superclass = this.typeDescriptor(superIdx, en);
        if (sourceIdx !== NO_INDEX) def.sourceFile = this.string(sourceIdx, en);
        out.push(def);
      }
    }
    return out;
  }

  referencedTypes(): string[] {
    const out: string[] = [];
    for (let en = 0; en < this.list.length; en++) {
      for (let i = 0; i < this.list[en].types.size; i++) out.push(this.typeDescriptor(i, en));
    }
    return out;
  }

  *methodRefs(): Iterable<DexMethodRef> {
    for (let en = 0; en < this.list.length; en++) {
      for (let i = 0; i < this.list[en].methods.size; i++) yield this.methodRef(i, en);
    }
  }

  *fieldRefs(): Iterable<DexFieldRef> {
    for (let en = 0; en < this.list.length; en++) {
      for (let i = 0; i < this.list[en].fields.size; i++) yield this.fieldRef(i, en);
    }
  }

  *strings(): Iterable<string> {
    for (let en = 0; en < this.list.length; en++) {
      for (let i = 0; i < this.list[en].strings.size; i++) yield this.string(i, en);
    }
  }

  // ---- class data and code -----------------------------------------------------------------------------

  classData(classDefIndex: number, entry = 0): DexClassData {
    const result: DexClassData = { staticFields: [], instanceFields: [], directMethods: [], virtualMethods: [] };
    const e = this.entryAt(entry);
    if (!(classDefIndex >= 0 && classDefIndex < e.classDefs.size)) {
      this.anomaly('dex-class-def-index', `class_def index ${classDefIndex} out of range (${e.classDefs.size})`);
      return result;
    }
    const off = this.u32(e.classDefs.off + classDefIndex * CLASS_DEF_ITEM_SIZE + 24);
    if (off === 0) return result;
    const fail = (what: string): DexClassData => {
      this.anomaly('dex-class-data-truncated', `class_data_item at ${off} (class_def ${classDefIndex}): ${what}`, off);
      return result;
    };
    const sizes: number[] = [];
    let pos = off;
    for (let k = 0; k < 4; k++) {
      const r = this.uleb(pos);
      if (!r) return fail('header runs off the data');
      sizes.push(r[0]);
      pos = r[1];
    }
    // Each encoded field takes ≥ 2 bytes and each method ≥ 3, which bounds the loops below by the
    // bytes remaining even when the declared sizes are absurd.
    const readFields = (count: number, into: DexEncodedField[]): boolean => {
      let idx = 0;
      for (let i = 0; i < count; i++) {
        const d = this.uleb(pos);
        const f = d && this.uleb(d[1]);
        if (!d || !f) return false;
        idx += d[0];
        into.push({ fieldIdx: idx >>> 0, accessFlags: f[0] });
        pos = f[1];
      }
      return true;
    };
    const readMethods = (count: number, into: DexEncodedMethod[]): boolean => {
      let idx = 0;
      for (let i = 0; i < count; i++) {
        const d = this.uleb(pos);
        const f = d && this.uleb(d[1]);
        const c = f && this.uleb(f[1]);
        if (!d || !f || !c) return false;
        idx += d[0];
        into.push({ methodIdx: idx >>> 0, accessFlags: f[0], codeOff: c[0] });
        pos = c[1];
      }
      return true;
    };
    if (!readFields(sizes[0], result.staticFields)) return fail('static fields run off the data');
    if (!readFields(sizes[1], result.instanceFields)) return fail('instance fields run off the data');
    if (!readMethods(sizes[2], result.directMethods)) return fail('direct methods run off the data');
    if (!readMethods(sizes[3], result.virtualMethods)) return fail('virtual methods run off the data');
    return result;
  }

  codeItem(codeOff: number): DexCodeItem | undefined {
    const insnsSize = this.checkCodeItem(codeOff);
    if (insnsSize < 0) return undefined;
    const insnsOff = codeOff + CODE_ITEM_HEADER_SIZE;
    const bytes = this.bytes;
    const dv = this.dv;
    return {
      offset: codeOff,
      registersSize: this.u16(codeOff),
      insSize: this.u16(codeOff + 2),
      outsSize: this.u16(codeOff + 4),
      triesSize: this.u16(codeOff + 6),
      debugInfoOff: this.u32(codeOff + 8),
      insnsOff,
      insnsSize,
      insns(): Uint16Array {
        const abs = bytes.byteOffset + insnsOff;
        if (abs % 2 === 0 && LITTLE_ENDIAN_HOST) return new Uint16Array(bytes.buffer, abs, insnsSize);
        const out = new Uint16Array(insnsSize);
        for (let i = 0; i < insnsSize; i++) out[i] = dv.getUint16(insnsOff + i * 2, true);
        return out;
      },
    };
  }

  // ---- for hot loops -----------------------------------------------------------------------------------

  methodClassIndex(idx: number, entry = 0): number {
    const e = this.entryAt(entry);
    if (!(idx >= 0 && idx < e.methods.size)) return -1;
    const p = e.methods.off + idx * METHOD_ID_ITEM_SIZE;
    return this.bytes[p] | (this.bytes[p + 1] << 8);
  }

  fieldClassIndex(idx: number, entry = 0): number {
    const e = this.entryAt(entry);
    if (!(idx >= 0 && idx < e.fields.size)) return -1;
    const p = e.fields.off + idx * FIELD_ID_ITEM_SIZE;
    return this.bytes[p] | (this.bytes[p + 1] << 8);
  }

  /** uleb128 at `pos` into `this.ulebValue`; returns the next position, or -1 when it runs off the data */
  private ulebValue = 0;
  private ulebAt(pos: number): number {
    const bytes = this.bytes;
    let result = 0;
    for (let i = 0, shift = 0; i < 5; i++, shift += 7) {
      if (pos >= this.len || pos < 0) return -1;
      const b = bytes[pos++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
    }
    this.ulebValue = result >>> 0;
    return pos;
  }

  forEachMethod(classDefIndex: number, entry: number, fn: (methodIdx: number, codeOff: number) => void): void {
    const e = this.entryAt(entry);
    if (!(classDefIndex >= 0 && classDefIndex < e.classDefs.size)) {
      this.anomaly('dex-class-def-index', `class_def index ${classDefIndex} out of range (${e.classDefs.size})`);
      return;
    }
    const off = this.u32(e.classDefs.off + classDefIndex * CLASS_DEF_ITEM_SIZE + 24);
    if (off === 0) return;
    const fail = (what: string): void => this.anomaly('dex-class-data-truncated', `class_data_item at ${off} (class_def ${classDefIndex}): ${what}`, off);
    let pos = off;
    const sizes = [0, 0, 0, 0];
    for (let k = 0; k < 4; k++) {
      pos = this.ulebAt(pos);
      if (pos < 0) return fail('header runs off the data');
      sizes[k] = this.ulebValue;
    }
    // fields: (idx diff, flags) each; skipped, but checked as classData checks them
    for (let list = 0; list < 2; list++) {
      for (let i = 0; i < sizes[list]; i++) {
        pos = this.ulebAt(pos);
        if (pos >= 0) pos = this.ulebAt(pos);
        if (pos < 0) return fail(list === 0 ? 'static fields run off the data' : 'instance fields run off the data');
      }
    }
    // As classData does: both lists are read first (a list that runs off the data keeps the
    // methods read before the damage, and its anomaly comes before any of theirs), into a reused array.
    const found = this.methodScratch;
    let n = 0;
    for (let list = 2; list < 4; list++) {
      const count = sizes[list];
      let idx = 0;
      let i = 0;
      for (; i < count; i++) {
        let next = this.ulebAt(pos);
        if (next < 0) break;
        const diff = this.ulebValue;
        next = this.ulebAt(next);
        if (next < 0) break;
        next = this.ulebAt(next);
        if (next < 0) break;
        pos = next;
        idx += diff;
        found[n++] = idx >>> 0;
        found[n++] = this.ulebValue;
      }
      if (i < count) {
        fail(list === 2 ? 'direct methods run off the data' : 'virtual methods run off the data');
        break;
      }
    }
    for (let i = 0; i < n; i += 2) fn(found[i], found[i + 1]);
  }
  private methodScratch: number[] = [];

  private units?: Uint16Array;
  codeUnits(): Uint16Array {
    if (!this.units) {
      const bytes = this.bytes;
      const n = bytes.byteLength >>> 1;
      if (bytes.byteOffset % 2 === 0 && LITTLE_ENDIAN_HOST) this.units = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
      else {
        const out = new Uint16Array(n);
        for (let i = 0; i < n; i++) out[i] = this.dv.getUint16(i * 2, true);
        this.units = out;
      }
    }
    return this.units;
  }

  codeSpan(codeOff: number, span: { start: number; end: number }): CodeSpanResult {
    if (codeOff % 2 !== 0) return CodeSpanResult.Unaligned;
    const insnsSize = this.checkCodeItem(codeOff);
    if (insnsSize < 0) return CodeSpanResult.None;
    span.start = (codeOff + CODE_ITEM_HEADER_SIZE) >>> 1;
    span.end = span.start + insnsSize;
    return CodeSpanResult.Span;
  }

  selectStrings(entry: number, filter: StringFilter): number[] {
    const e = this.list[entry];
    const out: number[] = [];
    if (!e) return out;
    const bytes = this.bytes;
    const len = this.len;
    const classes = filter.classes;
    for (let idx = 0; idx < e.strings.size; idx++) {
      const start = this.ulebAt(this.dv.getUint32(e.strings.off + idx * STRING_ID_ITEM_SIZE, true));
      if (start < 0) {
        out.push(idx); // damaged: string() says how
        continue;
      }
      const utf16Size = this.ulebValue;
      let end = start;
      let any = 0;
      let all = 0xff;
      while (end < len) {
        const b = bytes[end];
        if (b === 0 || b >= 0x80) break;
        const c = classes[b];
        any |= c;
        all &= c;
        end++;
      }
      if (end < len && bytes[end] === 0 && end - start === utf16Size) {
        if (filter.keep(any, all, utf16Size, bytes, start, end)) out.push(idx);
        continue;
      }
      // Not plain ASCII (Kotlin metadata, localised text) or damaged: checked without decoding.
      const m = measureMutf8(bytes, start, len);
      if (!m.valid || !m.terminated || m.units !== utf16Size) {
        out.push(idx);
        continue;
      }
      for (let i = end; i < m.end - 1; i++) {
        const c = classes[bytes[i]];
        any |= c;
        all &= c;
      }
      if (filter.keep(any, all, utf16Size, bytes, start, m.end - 1)) out.push(idx);
    }
    return out;
  }

  /** Checks the code_item at `codeOff` (anomalies as codeItem records them): its insns_size clamped to the data, or -1. */
  private checkCodeItem(codeOff: number): number {
    if (!(codeOff > 0 && codeOff + CODE_ITEM_HEADER_SIZE <= this.len)) {
      this.anomaly('dex-code-item-out-of-range', `code_item at ${codeOff} lies outside the data`, codeOff);
      return -1;
    }
    if (codeOff % 4 !== 0) this.anomaly('dex-code-item-misaligned', `code_item at ${codeOff} is not 4-byte aligned`, codeOff);
    const declared = this.u32(codeOff + 12);
    const fits = Math.floor((this.len - codeOff - CODE_ITEM_HEADER_SIZE) / 2);
    if (declared > fits) {
      this.anomaly('dex-code-item-truncated', `code_item at ${codeOff} claims ${declared} code units, ${fits} fit`, codeOff);
      return fits;
    }
    return declared;
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Parses the header(s) of a DEX file and returns a lazy view over it (see the module comment).
 * Throws FormatError only when the data is not a DEX file or its header is truncated.
 */
export function parseDex(bytes: Uint8Array, options: ParseDexOptions = {}): DexFile {
  return new DexReader(bytes, options);
}
