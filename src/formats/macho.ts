/**
 * Mach-O reader for iOS app executables, frameworks and static libraries. Pure: bytes in, typed
 * data + anomalies out; no I/O.
 * Specs (constants in ./macho-constants.ts, named as the headers name them):
 *  - <mach-o/loader.h> https://github.com/apple-oss-distributions/xnu/blob/main/EXTERNAL_HEADERS/mach-o/loader.h
 *  - <mach-o/fat.h>    https://github.com/apple-oss-distributions/xnu/blob/main/EXTERNAL_HEADERS/mach-o/fat.h
 *  - <mach-o/nlist.h>, <mach-o/reloc.h> (cctools), ar(5) of cctools for BSD archives
 *  - chained fixups: dyld's <mach-o/fixup-chains.h>; LLVM llvm/BinaryFormat/MachO.h
 *  - objc4 runtime/objc-runtime-new.h for class_t / class_ro_t
 *  - code signature: ./macho-codesign.ts
 *
 * Design:
 *  - `parseMachO` recognises a thin Mach-O (either byte order, 32 or 64 bit), a fat file (32- or
 *    64-bit arch table), and an ar static library (BSD `#1/` and GNU long names; `__.SYMDEF*`
 *    skipped), including fat files whose slices are archives. Every Mach-O image found becomes a
 *    `MachOSlice`: load commands are decoded eagerly (they are small); section contents are read
 *    only by the lazy accessors on the slice.
 *  - Hostile input is normal: load commands that are too small, unaligned, or run past sizeofcmds,
 *    huge ncmds, fat slices that overlap or lie outside the data, sections outside the file,
 *    pointers that map nowhere, unterminated strings → an anomaly and a clamp, never a throw. All
 *    loops are bounded by the data length or an option. The only error thrown is FormatError, from
 *    `parseMachO`, when nothing is readable (unknown magic, truncated header).
 *  - Encrypted binaries (LC_ENCRYPTION_INFO(_64) with cryptid ≠ 0; App Store FairPlay): the string
 *    accessors withhold any section that overlaps the encrypted file range and say so in an
 *    anomaly, since those bytes are ciphertext.
 *  - Anomalies from the whole file (all slices, and the lazy accessors as they run) go to one list,
 *    `MachOFile.anomalies`; messages name the slice (`arm64`, `libX.a(foo.o) arm64`).
 *
 * What `__objc_classname` holds (checked on Branch.framework 0.20.2 and libAppsFlyerLib.a 4.8.10
 * against llvm-objdump): the names of the classes *defined* in the image, plus the names of every
 * protocol it defines or adopts (including system ones: NSObject, NSCoding, NSUserActivityDelegate,
 * …), category names, and ld64's ivar layout byte strings. `objcClassNames` drops the ivar layouts;
 * the rest is a superset of `objcClassList`, which lists exactly the classes defined (the
 * `__objc_classlist` entries). References to classes of other images are symbols (binds), not
 * strings, and appear in neither.
 */
import { Buffer, isAscii } from 'node:buffer';
import type { Anomaly } from './bytes.js';
import { FormatError } from '../errors.js';
import * as C from './macho-constants.js';
import { parseCodeSignature, type CodeSignature } from './macho-codesign.js';
import { asciiDecoder } from './mutf8.js';

export * from './macho-constants.js';
export type { CodeSignature, CodeDirectoryInfo, CodeSignatureBlob } from './macho-codesign.js';

const FORMAT = 'macho';

// ---- public types --------------------------------------------------------------------------------

export type DylibKind = 'load' | 'weak' | 'reexport' | 'lazy' | 'upward';

export interface MachODylib {
  name: string;
  kind: DylibKind;
  /** 'a.b.c' as otool/llvm-objdump print it */
  currentVersion: string;
  compatVersion: string;
  timestamp: number;
}

export interface MachOSegment {
  name: string;
  vmaddr: number;
  vmsize: number;
  /** relative to the start of the slice */
  fileoff: number;
  filesize: number;
  maxprot: number;
  initprot: number;
  flags: number;
  nsects: number;
}

export interface MachOSection {
  /** section name, e.g. '__objc_classname' */
  name: string;
  /** the segname field of the section header (in MH_OBJECT files the segment itself is unnamed) */
  segment: string;
  addr: number;
  size: number;
  /** relative to the start of the slice; 0 for zero-fill sections */
  offset: number;
  align: number;
  reloff: number;
  nreloc: number;
  flags: number;
  /** index of the LC_SEGMENT(_64) it belongs to */
  segmentIndex: number;
}

export interface MachOEncryptionInfo {
  /** file offset relative to the slice */
  cryptoff: number;
  cryptsize: number;
  /** 0 = not encrypted (decrypted or never encrypted); non-zero = FairPlay ciphertext */
  cryptid: number;
  is64: boolean;
}

export interface MachOLoadCommand {
  cmd: number;
  cmdsize: number;
  /** absolute offset in the input */
  offset: number;
}

export interface MachOSymbol {
  name: string;
  type: number;
  sect: number;
  desc: number;
  value: number;
}

/**
 * The strings of a C-string section as byte ranges of the input, decoded only when asked: a caller
 * that looks for a few strings among hundreds of thousands (hosts, wanted selectors) reads bytes
 * instead of building 300,000 strings. Same strings, limits and anomalies as the string accessors.
 */
export interface MachOStringTable {
  /** number of strings (empty strings between NULs are skipped; at most `maxStrings`) */
  readonly count: number;
  /** the whole input: string i is bytes [starts[i], ends[i]) of it, without its NUL, cut to `maxStringLength` */
  readonly bytes: Uint8Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  /** string i decoded as the string accessors decode it: ASCII as is, anything else as UTF-8 */
  text(i: number): string;
  /** absolute offset of the first `byte` at or after `from` inside the section, or -1 (a native search) */
  indexOf(byte: number, from: number): number;
}

/** Lazily decoded contents of one Mach-O image. */
export interface MachOSlice {
  /** absolute offset and size of the image in the input */
  offset: number;
  size: number;
  /** archive member name when the image is an object inside a static library */
  member?: string;
  cpuType: number;
  cpuSubtype: number;
  /** 'arm64' | 'arm64e' | 'x86_64' | 'armv7' | 'i386' | … | 'cpu-N-M' */
  arch: string;
  fileType: number;
  /** 'MH_EXECUTE', 'MH_DYLIB', 'MH_OBJECT', … */
  fileTypeName: string;
  is64: boolean;
  littleEndian: boolean;
  flags: number;
  ncmds: number;
  sizeofcmds: number;
  loadCommands: MachOLoadCommand[];
  /** 'XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX' (upper case) */
  uuid?: string;
  /** LC_BUILD_VERSION platform number, or the platform implied by LC_VERSION_MIN_* */
  platform?: number;
  /** 'ios', 'iossimulator', 'macos', … */
  platformName?: string;
  minOS?: string;
  sdk?: string;
  dylibs: MachODylib[];
  idDylib?: MachODylib;
  rpaths: string[];
  encryption?: MachOEncryptionInfo;
  /** LC_CODE_SIGNATURE: where the signature lies (relative to the slice) */
  codeSignatureCommand?: { dataoff: number; datasize: number };
  /** LC_MAIN */
  entryPoint?: { entryoff: number; stacksize: number };
  symtab?: { symoff: number; nsyms: number; stroff: number; strsize: number };
  chainedFixupsCommand?: { dataoff: number; datasize: number };
  segments: MachOSegment[];
  sections: MachOSection[];

  /** true when cryptid ≠ 0 and the encrypted range is non-empty */
  readonly encrypted: boolean;
  /** first section with this name (and segname, when given) */
  section(sectname: string, segname?: string): MachOSection | undefined;
  /** a view of a section's bytes (undefined for zero-fill or out-of-file sections) */
  sectionBytes(section: MachOSection): Uint8Array | undefined;
  /** names from `__TEXT,__objc_classname`; withheld (empty + anomaly) when encrypted */
  objcClassNames(): string[];
  /** names of the classes defined in the image: `__objc_classlist` → class_t → class_ro_t → name */
  objcClassList(): string[];
  /** names of the categories defined in the image: `__objc_catlist` → category_t → name */
  objcCategoryNames(): string[];
  /** selector names from `__TEXT,__objc_methname` */
  objcSelectorNames(): string[];
  /** C strings from `__TEXT,__cstring` (bounded count and length) */
  cStrings(): string[];
  /** `cStrings()` as byte ranges, decoded on demand (same limits and anomalies) */
  cStringTable(): MachOStringTable;
  /** `objcSelectorNames()` as byte ranges, decoded on demand (same limits and anomalies) */
  objcSelectorTable(): MachOStringTable;
  /**
   * LC_SYMTAB entries (names decoded; bounded). With `select`, only the entries whose n_type it
   * accepts are returned and only their names decoded (anomalies are those of the whole table).
   */
  symbols(select?: (type: number) => boolean): MachOSymbol[];
  /** the embedded code signature, when LC_CODE_SIGNATURE points at a readable SuperBlob */
  codeSignature(): CodeSignature | undefined;
  /** maps a vm address to an absolute input offset, or -1 */
  vmaddrToOffset(vmaddr: number): number;
}

export interface FatArch {
  cpuType: number;
  cpuSubtype: number;
  arch: string;
  offset: number;
  size: number;
  align: number;
  /** what the slice holds; 'skipped' when it overlapped another or lay outside the data */
  content: 'macho' | 'archive' | 'unknown' | 'skipped';
}

export interface ArchiveMember {
  name: string;
  /** absolute offset of the member's data (after header and BSD long name) */
  offset: number;
  size: number;
  /** the fat arch the archive came from, when fat */
  arch?: string;
  content: 'symdef' | 'macho' | 'bitcode' | 'other';
}

export interface MachOFile {
  /**
   * 'thin': one Mach-O image; 'fat': a universal file of Mach-O images; 'archive': a static
   * library (ar of MH_OBJECT members), possibly universal — then `fatArchs` lists its archs.
   */
  kind: 'thin' | 'fat' | 'archive';
  /** every Mach-O image found: the thin image, each fat slice, or each archive object member */
  slices: MachOSlice[];
  /** the fat arch table (empty when not fat) */
  fatArchs: FatArch[];
  /** archive members of every arch (empty when not an archive) */
  members: ArchiveMember[];
  /** anomalies of the whole file; lazy accessors append as they run */
  anomalies: Anomaly[];
}

export interface ParseMachOOptions {
  /** load commands read per image (default 4096; ld64 output has tens) */
  maxLoadCommands?: number;
  /** archive members read per archive (default 100000) */
  maxArchiveMembers?: number;
  /** strings returned per accessor call (default 1,000,000) */
  maxStrings?: number;
  /** characters kept per string (default 4096; longer ones are cut, with an anomaly) */
  maxStringLength?: number;
  /** symbols returned by `symbols()` (default 2,000,000) */
  maxSymbols?: number;
}

/** Chooses one slice per image for work that need not be repeated per arch (arm64 first). */
export function preferredSlices(file: MachOFile): MachOSlice[] {
  const order = ['arm64', 'arm64e', 'x86_64', 'armv7s', 'armv7', 'arm64_32', 'i386'];
  const archs = [...new Set(file.slices.map((s) => s.arch))];
  if (archs.length <= 1) return file.slices;
  const rank = (a: string): number => {
    const i = order.indexOf(a);
    return i < 0 ? order.length : i;
  };
  const best = archs.sort((a, b) => rank(a) - rank(b))[0];
  return file.slices.filter((s) => s.arch === best);
}

/** 'arm64', 'arm64e', 'x86_64', 'armv7', … for a cputype/cpusubtype pair. */
export function archName(cpuType: number, cpuSubtype: number): string {
  const sub = (cpuSubtype & ~C.CPU_SUBTYPE_MASK) >>> 0;
  switch (cpuType) {
    case C.CPU_TYPE_ARM64:
      return sub === C.CPU_SUBTYPE_ARM64E ? 'arm64e' : 'arm64';
    case C.CPU_TYPE_ARM64_32:
      return 'arm64_32';
    case C.CPU_TYPE_X86_64:
      return sub === C.CPU_SUBTYPE_X86_64_H ? 'x86_64h' : 'x86_64';
    case C.CPU_TYPE_X86:
      return 'i386';
    case C.CPU_TYPE_ARM:
      switch (sub) {
        case C.CPU_SUBTYPE_ARM_V6:
          return 'armv6';
        case C.CPU_SUBTYPE_ARM_V7:
          return 'armv7';
        case C.CPU_SUBTYPE_ARM_V7S:
          return 'armv7s';
        case C.CPU_SUBTYPE_ARM_V7K:
          return 'armv7k';
        default:
          return 'arm';
      }
    case C.CPU_TYPE_POWERPC:
      return 'ppc';
    case C.CPU_TYPE_POWERPC64:
      return 'ppc64';
    default:
      return `cpu-${cpuType}-${sub}`;
  }
}

/** xxxx.yy.zz nibble-packed version → 'x.y.z' (dylib versions) */
export function formatDylibVersion(v: number): string {
  return `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/** xxxx.yy.zz nibble-packed version → 'x.y' or 'x.y.z' when z ≠ 0 (OS versions, as llvm-objdump prints) */
export function formatOsVersion(v: number): string {
  const z = v & 0xff;
  return `${v >>> 16}.${(v >>> 8) & 0xff}${z ? `.${z}` : ''}`;
}

// ---- shared reading context ----------------------------------------------------------------------

const MAX_ANOMALIES_PER_CODE = 20;
const MAX_ANOMALIES = 300;
const MAX_FAT_ARCHS = 64;
const utf8 = new TextDecoder('utf-8', { fatal: false });

interface Limits {
  maxLoadCommands: number;
  maxArchiveMembers: number;
  maxStrings: number;
  maxStringLength: number;
  maxSymbols: number;
}

class Context {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
  readonly len: number;
  readonly anomalies: Anomaly[] = [];
  readonly limits: Limits;
  private readonly perCode = new Map<string, number>();
  private suppressed = false;
  /** native decoding of ASCII byte ranges of `bytes` */
  readonly asciiRange: (start: number, end: number) => string;

  constructor(bytes: Uint8Array, options: ParseMachOOptions) {
    this.bytes = bytes;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.len = bytes.byteLength;
    this.asciiRange = asciiDecoder(bytes);
    this.limits = {
      maxLoadCommands: options.maxLoadCommands ?? 4096,
      maxArchiveMembers: options.maxArchiveMembers ?? 100_000,
      maxStrings: options.maxStrings ?? 1_000_000,
      maxStringLength: options.maxStringLength ?? 4096,
      maxSymbols: options.maxSymbols ?? 2_000_000,
    };
  }

  anomaly(code: string, message: string, offset?: number): void {
    const n = this.perCode.get(code) ?? 0;
    this.perCode.set(code, n + 1);
    if (n >= MAX_ANOMALIES_PER_CODE || this.anomalies.length >= MAX_ANOMALIES) {
      if (!this.suppressed) {
        this.suppressed = true;
        this.anomalies.push({ code: 'macho-anomalies-suppressed', message: 'further anomalies of the same kind were not recorded' });
      }
      return;
    }
    this.anomalies.push(offset === undefined ? { code, message } : { code, message, offset });
  }

  has(off: number, size: number): boolean {
    return off >= 0 && size >= 0 && off + size <= this.len;
  }

  /** u32 in the given byte order, or -1 outside the data */
  u32(off: number, le: boolean): number {
    return off >= 0 && off + 4 <= this.len ? this.dv.getUint32(off, le) : -1;
  }

  /** u64 as a Number (exact below 2^53), or -1 outside the data */
  u64(off: number, le: boolean): number {
    if (off < 0 || off + 8 > this.len) return -1;
    const a = this.dv.getUint32(off, le);
    const b = this.dv.getUint32(off + 4, le);
    return le ? b * 0x1_0000_0000 + a : a * 0x1_0000_0000 + b;
  }

  /** fixed-size NUL-padded name (segname, sectname, ar_name) */
  fixedString(off: number, size: number): string {
    let s = '';
    for (let i = 0; i < size && off + i < this.len; i++) {
      const c = this.bytes[off + i];
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  }

  /** The bytes [start, end) decoded as `cString` decodes them: ASCII sliced natively, else UTF-8. */
  text(start: number, end: number): string {
    const bytes = this.bytes;
    for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return decodeString(bytes, start, end);
    return this.asciiRange(start, end);
  }

  /** C string starting at `off`, ending before `limit`; `terminated` false when no NUL was found */
  cString(off: number, limit: number, maxLen: number): { value: string; end: number; terminated: boolean } {
    const lim = Math.min(limit, this.len);
    const bytes = this.bytes;
    let e = off;
    let ascii = off >= 0;
    while (e < lim) {
      const c = bytes[e];
      if (c === 0) break;
      if (c >= 0x80) ascii = false;
      e++;
    }
    const terminated = e < lim;
    const stop = Math.min(e, off + maxLen);
    // ASCII (class names, selectors, almost every C string) is sliced natively: building it a
    // character at a time made half of a large binary's scan time garbage collection.
    const value = ascii ? this.asciiRange(off, stop) : decodeString(bytes, off, stop);
    return { value, end: e, terminated };
  }
}

/** ASCII fast path (class and selector names are almost always ASCII), UTF-8 otherwise. */
function decodeString(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return utf8.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(bytes.subarray(start, end));
}

function isMachOMagic(m: number): boolean {
  return m === C.MH_MAGIC || m === C.MH_MAGIC_64 || m === C.MH_CIGAM || m === C.MH_CIGAM_64;
}

function isArchive(ctx: Context, off: number): boolean {
  if (!ctx.has(off, C.SARMAG)) return false;
  for (let i = 0; i < C.SARMAG; i++) if (ctx.bytes[off + i] !== C.ARMAG.charCodeAt(i)) return false;
  return true;
}

function isBitcode(ctx: Context, off: number): boolean {
  const m = ctx.u32(off, true);
  return m === 0xdec04342 /* 'BC' 0xC0DE */ || m === 0x0b17c0de /* bitcode wrapper */;
}

// ---- top level -----------------------------------------------------------------------------------

export function parseMachO(bytes: Uint8Array, options: ParseMachOOptions = {}): MachOFile {
  const ctx = new Context(bytes, options);
  const file: MachOFile = { kind: 'thin', slices: [], fatArchs: [], members: [], anomalies: ctx.anomalies };
  if (ctx.len < 4) throw new FormatError(FORMAT, `too short to be Mach-O (${ctx.len} bytes)`, 0);
  const magicBE = ctx.u32(0, false);
  if (isArchive(ctx, 0)) {
    file.kind = 'archive';
    readArchive(ctx, file, 0, ctx.len, undefined);
    return file;
  }
  if (magicBE === C.FAT_MAGIC || magicBE === C.FAT_MAGIC_64) {
    readFat(ctx, file, magicBE === C.FAT_MAGIC_64);
    return file;
  }
  const magicLE = ctx.u32(0, true);
  if (!isMachOMagic(magicLE)) {
    throw new FormatError(FORMAT, `not a Mach-O, fat or ar file (magic 0x${magicBE.toString(16).padStart(8, '0')})`, 0);
  }
  file.slices.push(readImage(ctx, 0, ctx.len, ''));
  return file;
}

function readFat(ctx: Context, file: MachOFile, is64: boolean): void {
  file.kind = 'fat';
  const entrySize = is64 ? C.FAT_ARCH_64_SIZE : C.FAT_ARCH_SIZE;
  if (ctx.len < 8) throw new FormatError(FORMAT, 'fat header truncated', 0);
  let n = ctx.u32(4, false);
  const fits = Math.floor((ctx.len - 8) / entrySize);
  if (n > fits || n > MAX_FAT_ARCHS) {
    const keep = Math.min(fits, MAX_FAT_ARCHS);
    ctx.anomaly('macho-fat-arch-count', `fat header claims ${n} archs, ${keep} can be read`, 4);
    n = keep;
  }
  if (n === 0) ctx.anomaly('macho-fat-empty', 'fat file has no archs', 4);
  const taken: [number, number][] = [];
  const tableEnd = 8 + n * entrySize;
  let anyArchive = false;
  for (let i = 0; i < n; i++) {
    const at = 8 + i * entrySize;
    const cpuType = ctx.u32(at, false);
    const cpuSubtype = ctx.u32(at + 4, false);
    const offset = is64 ? ctx.u64(at + 8, false) : ctx.u32(at + 8, false);
    const size = is64 ? ctx.u64(at + 16, false) : ctx.u32(at + 12, false);
    const align = ctx.u32(at + (is64 ? 24 : 16), false);
    const arch: FatArch = { cpuType, cpuSubtype, arch: archName(cpuType, cpuSubtype), offset, size, align, content: 'skipped' };
    file.fatArchs.push(arch);
    if (size === 0 || offset < tableEnd || offset + size > ctx.len) {
      ctx.anomaly('macho-fat-slice-outside', `fat slice ${i} (${arch.arch}) at ${offset}+${size} lies outside the data (length ${ctx.len}) or over the fat header`, at);
      continue;
    }
    if (taken.some(([o, s]) => offset < o + s && o < offset + size)) {
      ctx.anomaly('macho-fat-slice-overlap', `fat slice ${i} (${arch.arch}) overlaps another slice`, at);
      continue;
    }
    taken.push([offset, size]);
    if (align < 32 && offset % 2 ** align !== 0) {
      ctx.anomaly('macho-fat-slice-misaligned', `fat slice ${i} (${arch.arch}) offset ${offset} is not aligned to 2^${align}`, at);
    }
    if (isArchive(ctx, offset)) {
      arch.content = 'archive';
      anyArchive = true;
      readArchive(ctx, file, offset, size, arch.arch);
      continue;
    }
    if (!isMachOMagic(ctx.u32(offset, true))) {
      arch.content = 'unknown';
      ctx.anomaly('macho-fat-slice-not-macho', `fat slice ${i} (${arch.arch}) is neither Mach-O nor an archive`, offset);
      continue;
    }
    try {
      const slice = readImage(ctx, offset, size, `${arch.arch} `);
      arch.content = 'macho';
      if (slice.cpuType !== cpuType || slice.cpuSubtype !== cpuSubtype) {
        ctx.anomaly('macho-fat-cpu-mismatch', `fat slice ${i} says ${arch.arch}, its header says ${slice.arch}`, offset);
      }
      file.slices.push(slice);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      arch.content = 'unknown';
      ctx.anomaly('macho-fat-slice-unreadable', `fat slice ${i} (${arch.arch}): ${e.message}`, offset);
    }
  }
  if (anyArchive) file.kind = 'archive';
}

// ---- ar ------------------------------------------------------------------------------------------

function readArchive(ctx: Context, file: MachOFile, start: number, size: number, arch: string | undefined): void {
  const end = Math.min(ctx.len, start + size);
  let at = start + C.SARMAG;
  let longNames: { off: number; size: number } | undefined; // GNU '//' member
  let count = 0;
  const where = arch ? ` (${arch})` : '';
  while (at < end) {
    if (at + C.AR_HDR_SIZE > end) {
      // a trailing pad byte or two is normal; anything larger is truncation
      if (end - at > 1) ctx.anomaly('macho-ar-truncated', `archive${where} ends inside a member header`, at);
      break;
    }
    if (count >= ctx.limits.maxArchiveMembers) {
      ctx.anomaly('macho-ar-too-many-members', `archive${where} has more than ${ctx.limits.maxArchiveMembers} members; the rest are skipped`, at);
      break;
    }
    count++;
    if (ctx.bytes[at + 58] !== 0x60 || ctx.bytes[at + 59] !== 0x0a) {
      ctx.anomaly('macho-ar-bad-header', `archive${where} member header at ${at} has no "\`\\n" terminator`, at + 58);
      break;
    }
    let name = ctx.fixedString(at, 16).trimEnd();
    const sizeText = ctx.fixedString(at + 48, 10).trim();
    let memberSize = /^\d+$/.test(sizeText) ? Number(sizeText) : -1;
    let dataOff = at + C.AR_HDR_SIZE;
    if (memberSize < 0 || dataOff + memberSize > end) {
      ctx.anomaly('macho-ar-member-size', `archive${where} member "${name}" size "${sizeText}" runs past the archive`, at + 48);
      if (memberSize < 0) break;
      memberSize = end - dataOff;
    }
    const next = dataOff + memberSize + ((dataOff + memberSize - start) & 1);
    if (name.startsWith(C.AR_EFMT1)) {
      const nameLen = Number(name.slice(3));
      if (!Number.isInteger(nameLen) || nameLen < 0 || nameLen > memberSize) {
        ctx.anomaly('macho-ar-long-name', `archive${where} member long name length "${name}" is invalid`, at);
        at = next;
        continue;
      }
      name = ctx.fixedString(dataOff, nameLen);
      dataOff += nameLen;
      memberSize -= nameLen;
    } else if (name === '//') {
      longNames = { off: dataOff, size: memberSize };
      at = next;
      continue;
    } else if (name === '/' || name === '/SYM64/') {
      file.members.push({ name, offset: dataOff, size: memberSize, arch, content: 'symdef' });
      at = next;
      continue;
    } else if (/^\/\d+$/.test(name) && longNames) {
      const o = Number(name.slice(1));
      if (o < longNames.size) {
        const s = ctx.cString(longNames.off + o, longNames.off + longNames.size, 1024).value;
        const nl = s.indexOf('\n');
        name = (nl >= 0 ? s.slice(0, nl) : s).replace(/\/$/, '');
      }
    } else if (name.endsWith('/')) {
      name = name.slice(0, -1); // GNU short names end in '/'
    }
    const member: ArchiveMember = { name, offset: dataOff, size: memberSize, arch, content: 'other' };
    file.members.push(member);
    if (name.startsWith('__.SYMDEF')) {
      member.content = 'symdef';
    } else if (isMachOMagic(ctx.u32(dataOff, true))) {
      member.content = 'macho';
      try {
        const slice = readImage(ctx, dataOff, memberSize, `${name}${arch ? ` ${arch}` : ''} `);
        slice.member = name;
        file.slices.push(slice);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        ctx.anomaly('macho-ar-member-unreadable', `archive member "${name}"${where}: ${e.message}`, dataOff);
      }
    } else if (isBitcode(ctx, dataOff)) {
      member.content = 'bitcode';
    }
    if (next <= at) break; // cannot happen (header is 60 bytes) but keeps the loop provably finite
    at = next;
  }
}

// ---- one Mach-O image ----------------------------------------------------------------------------

function readImage(ctx: Context, start: number, size: number, label: string): MachOSlice {
  const end = Math.min(ctx.len, start + size);
  const magic = ctx.u32(start, true);
  const le = magic === C.MH_MAGIC || magic === C.MH_MAGIC_64;
  const is64 = magic === C.MH_MAGIC_64 || magic === C.MH_CIGAM_64;
  const headerSize = is64 ? C.MACH_HEADER_64_SIZE : C.MACH_HEADER_SIZE;
  if (!isMachOMagic(magic)) throw new FormatError(FORMAT, 'bad Mach-O magic', start);
  if (start + headerSize > end) throw new FormatError(FORMAT, `Mach-O header truncated (${end - start} bytes, need ${headerSize})`, start);
  return new Image(ctx, start, end, le, is64, label);
}

interface PtrFormatInfo {
  /** per segment index: chained pointer format, 0 when the segment has no fixups */
  formats: number[];
}

class Image implements MachOSlice {
  offset: number;
  size: number;
  member?: string;
  cpuType: number;
  cpuSubtype: number;
  arch: string;
  fileType: number;
  fileTypeName: string;
  is64: boolean;
  littleEndian: boolean;
  flags: number;
  ncmds: number;
  sizeofcmds: number;
  loadCommands: MachOLoadCommand[] = [];
  uuid?: string;
  platform?: number;
  platformName?: string;
  minOS?: string;
  sdk?: string;
  dylibs: MachODylib[] = [];
  idDylib?: MachODylib;
  rpaths: string[] = [];
  encryption?: MachOEncryptionInfo;
  codeSignatureCommand?: { dataoff: number; datasize: number };
  entryPoint?: { entryoff: number; stacksize: number };
  symtab?: { symoff: number; nsyms: number; stroff: number; strsize: number };
  chainedFixupsCommand?: { dataoff: number; datasize: number };
  segments: MachOSegment[] = [];
  sections: MachOSection[] = [];

  // hidden state (non-enumerable so that slices compare and print cleanly)
  declare private ctx: Context;
  declare private label: string;
  declare private end: number;
  declare private imageBase: number;
  declare private ptrFormats: PtrFormatInfo | undefined;
  declare private relocCache: Map<number, Map<number, [number, number]>>;
  declare private symbolValueCache: Map<number, number>;

  constructor(ctx: Context, start: number, end: number, le: boolean, is64: boolean, label: string) {
    Object.defineProperties(this, {
      ctx: { value: ctx, enumerable: false },
      label: { value: label, enumerable: false },
      end: { value: end, enumerable: false },
      imageBase: { value: 0, enumerable: false, writable: true },
      ptrFormats: { value: undefined, enumerable: false, writable: true },
      relocCache: { value: new Map(), enumerable: false },
      symbolValueCache: { value: new Map(), enumerable: false },
    });
    this.offset = start;
    this.size = end - start;
    this.littleEndian = le;
    this.is64 = is64;
    this.cpuType = ctx.u32(start + 4, le);
    this.cpuSubtype = ctx.u32(start + 8, le);
    this.arch = archName(this.cpuType, this.cpuSubtype);
    this.fileType = ctx.u32(start + 12, le);
    this.fileTypeName = C.FILE_TYPE_NAMES[this.fileType] ?? `MH_UNKNOWN_${this.fileType}`;
    this.ncmds = ctx.u32(start + 16, le);
    this.sizeofcmds = ctx.u32(start + 20, le);
    this.flags = ctx.u32(start + 24, le);
    if (!(this.fileType in C.FILE_TYPE_NAMES)) this.anomaly('macho-unknown-filetype', `unknown file type ${this.fileType}`, start + 12);
    this.readLoadCommands();
    const text = this.segments.find((s) => s.fileoff === 0 && s.filesize > 0);
    this.imageBase = text ? text.vmaddr : 0;
  }

  get encrypted(): boolean {
    return !!this.encryption && this.encryption.cryptid !== 0 && this.encryption.cryptsize > 0;
  }

  private anomaly(code: string, message: string, offset?: number): void {
    this.ctx.anomaly(code, `${this.label ? `[${this.label.trim()}] ` : ''}${message}`, offset);
  }

  private u32(off: number): number {
    return off + 4 <= this.end ? this.ctx.u32(off, this.littleEndian) : -1;
  }

  private u64(off: number): number {
    return off + 8 <= this.end ? this.ctx.u64(off, this.littleEndian) : -1;
  }

  // ---- load commands -----------------------------------------------------------------------------

  private readLoadCommands(): void {
    const ctx = this.ctx;
    const headerSize = this.is64 ? C.MACH_HEADER_64_SIZE : C.MACH_HEADER_SIZE;
    const first = this.offset + headerSize;
    let cmdsEnd = first + this.sizeofcmds;
    if (cmdsEnd > this.end) {
      this.anomaly('macho-sizeofcmds', `sizeofcmds ${this.sizeofcmds} runs past the image (${this.size} bytes)`, this.offset + 20);
      cmdsEnd = this.end;
    }
    let n = this.ncmds;
    const maxByData = Math.floor((cmdsEnd - first) / 8);
    if (n > ctx.limits.maxLoadCommands || n > maxByData) {
      const keep = Math.min(ctx.limits.maxLoadCommands, maxByData);
      this.anomaly('macho-ncmds', `ncmds ${n} cannot fit in sizeofcmds (${this.sizeofcmds}) or exceeds the limit; reading at most ${keep}`, this.offset + 16);
      n = keep;
    }
    const align = this.is64 ? 8 : 4;
    let at = first;
    let segIndex = 0;
    for (let i = 0; i < n; i++) {
      if (at + 8 > cmdsEnd) {
        this.anomaly('macho-load-commands-truncated', `load command ${i} starts past sizeofcmds`, at);
        break;
      }
      const cmd = this.u32(at);
      const cmdsize = this.u32(at + 4);
      if (cmdsize < 8) {
        this.anomaly('macho-load-command-size', `load command ${i} (0x${cmd.toString(16)}) has cmdsize ${cmdsize}`, at + 4);
        break;
      }
      if (at + cmdsize > cmdsEnd) {
        this.anomaly('macho-load-commands-truncated', `load command ${i} (0x${cmd.toString(16)}, ${cmdsize} bytes) runs past sizeofcmds`, at);
        break;
      }
      if (cmdsize % align !== 0) {
        this.anomaly('macho-load-command-unaligned', `load command ${i} (0x${cmd.toString(16)}) size ${cmdsize} is not a multiple of ${align}`, at + 4);
      }
      this.loadCommands.push({ cmd, cmdsize, offset: at });
      this.readCommand(cmd, at, cmdsize, segIndex);
      if (cmd === C.LC_SEGMENT || cmd === C.LC_SEGMENT_64) segIndex = this.segments.length;
      at += cmdsize;
    }
  }

  private lcString(cmdAt: number, cmdsize: number, fieldAt: number): string {
    const rel = this.u32(fieldAt);
    if (rel < 8 || rel >= cmdsize) {
      this.anomaly('macho-lc-str-offset', `string offset ${rel} is outside its load command`, fieldAt);
      return '';
    }
    const s = this.ctx.cString(cmdAt + rel, cmdAt + cmdsize, this.ctx.limits.maxStringLength);
    if (!s.terminated) this.anomaly('macho-lc-str-unterminated', 'load command string has no NUL inside the command', cmdAt + rel);
    return s.value;
  }

  private need(cmd: number, at: number, cmdsize: number, min: number): boolean {
    if (cmdsize >= min) return true;
    this.anomaly('macho-load-command-too-small', `load command 0x${cmd.toString(16)} is ${cmdsize} bytes, needs ${min}`, at);
    return false;
  }

  private readCommand(cmd: number, at: number, cmdsize: number, segIndex: number): void {
    switch (cmd) {
      case C.LC_SEGMENT:
      case C.LC_SEGMENT_64:
        this.readSegment(cmd === C.LC_SEGMENT_64, at, cmdsize, segIndex);
        return;
      case C.LC_LOAD_DYLIB:
      case C.LC_LOAD_WEAK_DYLIB:
      case C.LC_REEXPORT_DYLIB:
      case C.LC_LAZY_LOAD_DYLIB:
      case C.LC_LOAD_UPWARD_DYLIB:
      case C.LC_ID_DYLIB: {
        if (!this.need(cmd, at, cmdsize, C.DYLIB_COMMAND_SIZE)) return;
        const kind: DylibKind =
          cmd === C.LC_LOAD_WEAK_DYLIB ? 'weak' : cmd === C.LC_REEXPORT_DYLIB ? 'reexport' : cmd === C.LC_LAZY_LOAD_DYLIB ? 'lazy' : cmd === C.LC_LOAD_UPWARD_DYLIB ? 'upward' : 'load';
        const d: MachODylib = {
          name: this.lcString(at, cmdsize, at + 8),
          kind,
          timestamp: this.u32(at + 12),
          currentVersion: formatDylibVersion(this.u32(at + 16)),
          compatVersion: formatDylibVersion(this.u32(at + 20)),
        };
        if (cmd === C.LC_ID_DYLIB) {
          if (this.idDylib) this.anomaly('macho-duplicate-command', 'more than one LC_ID_DYLIB', at);
          else this.idDylib = d;
        } else {
          this.dylibs.push(d);
        }
        return;
      }
      case C.LC_UUID: {
        if (!this.need(cmd, at, cmdsize, 24)) return;
        const h = Array.from(this.ctx.bytes.subarray(at + 8, at + 24), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
        this.uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
        return;
      }
      case C.LC_RPATH:
        if (this.need(cmd, at, cmdsize, 12)) this.rpaths.push(this.lcString(at, cmdsize, at + 8));
        return;
      case C.LC_ENCRYPTION_INFO:
      case C.LC_ENCRYPTION_INFO_64: {
        if (!this.need(cmd, at, cmdsize, 20)) return;
        const e: MachOEncryptionInfo = { cryptoff: this.u32(at + 8), cryptsize: this.u32(at + 12), cryptid: this.u32(at + 16), is64: cmd === C.LC_ENCRYPTION_INFO_64 };
        if (e.cryptoff + e.cryptsize > this.size) {
          this.anomaly('macho-encryption-range', `encrypted range ${e.cryptoff}+${e.cryptsize} runs past the image`, at + 8);
        }
        if (this.encryption) this.anomaly('macho-duplicate-command', 'more than one LC_ENCRYPTION_INFO', at);
        if (!this.encryption || (e.cryptid !== 0 && this.encryption.cryptid === 0)) this.encryption = e;
        return;
      }
      case C.LC_CODE_SIGNATURE:
        if (this.need(cmd, at, cmdsize, 16)) this.codeSignatureCommand = { dataoff: this.u32(at + 8), datasize: this.u32(at + 12) };
        return;
      case C.LC_DYLD_CHAINED_FIXUPS:
        if (this.need(cmd, at, cmdsize, 16)) this.chainedFixupsCommand = { dataoff: this.u32(at + 8), datasize: this.u32(at + 12) };
        return;
      case C.LC_MAIN:
        if (this.need(cmd, at, cmdsize, 24)) this.entryPoint = { entryoff: this.u64(at + 8), stacksize: this.u64(at + 16) };
        return;
      case C.LC_SYMTAB:
        if (this.need(cmd, at, cmdsize, 24)) {
          this.symtab = { symoff: this.u32(at + 8), nsyms: this.u32(at + 12), stroff: this.u32(at + 16), strsize: this.u32(at + 20) };
        }
        return;
      case C.LC_BUILD_VERSION:
        if (!this.need(cmd, at, cmdsize, 24)) return;
        // LC_BUILD_VERSION wins over LC_VERSION_MIN_* (a binary should not have both)
        this.platform = this.u32(at + 8);
        this.platformName = C.PLATFORM_NAMES[this.platform] ?? `platform-${this.platform}`;
        this.minOS = formatOsVersion(this.u32(at + 12));
        this.sdk = formatOsVersion(this.u32(at + 16));
        return;
      case C.LC_VERSION_MIN_IPHONEOS:
      case C.LC_VERSION_MIN_MACOSX:
      case C.LC_VERSION_MIN_TVOS:
      case C.LC_VERSION_MIN_WATCHOS: {
        if (!this.need(cmd, at, cmdsize, 16) || this.platform !== undefined) return;
        const platform =
          cmd === C.LC_VERSION_MIN_MACOSX ? C.PLATFORM_MACOS : cmd === C.LC_VERSION_MIN_TVOS ? C.PLATFORM_TVOS : cmd === C.LC_VERSION_MIN_WATCHOS ? C.PLATFORM_WATCHOS : C.PLATFORM_IOS;
        this.platform = platform;
        this.platformName = C.PLATFORM_NAMES[platform];
        this.minOS = formatOsVersion(this.u32(at + 8));
        this.sdk = formatOsVersion(this.u32(at + 12));
        return;
      }
      default:
        return;
    }
  }

  private readSegment(is64: boolean, at: number, cmdsize: number, segIndex: number): void {
    const cmdSize = is64 ? C.SEGMENT_COMMAND_64_SIZE : C.SEGMENT_COMMAND_SIZE;
    const sectSize = is64 ? C.SECTION_64_SIZE : C.SECTION_SIZE;
    if (is64 !== this.is64) this.anomaly('macho-segment-width', `${is64 ? 'LC_SEGMENT_64' : 'LC_SEGMENT'} in a ${this.is64 ? '64' : '32'}-bit image`, at);
    if (!this.need(is64 ? C.LC_SEGMENT_64 : C.LC_SEGMENT, at, cmdsize, cmdSize)) return;
    const word = (off: number): number => (is64 ? this.u64(off) : this.u32(off));
    const w = is64 ? 8 : 4;
    const seg: MachOSegment = {
      name: this.ctx.fixedString(at + 8, 16),
      vmaddr: word(at + 24),
      vmsize: word(at + 24 + w),
      fileoff: word(at + 24 + 2 * w),
      filesize: word(at + 24 + 3 * w),
      maxprot: this.u32(at + 24 + 4 * w),
      initprot: this.u32(at + 28 + 4 * w),
      nsects: this.u32(at + 32 + 4 * w),
      flags: this.u32(at + 36 + 4 * w),
    };
    if (seg.filesize > 0 && seg.fileoff + seg.filesize > this.size) {
      this.anomaly('macho-segment-outside-file', `segment ${seg.name} file range ${seg.fileoff}+${seg.filesize} runs past the image (${this.size} bytes)`, at);
    }
    this.segments.push(seg);
    let nsects = seg.nsects;
    const fits = Math.floor((cmdsize - cmdSize) / sectSize);
    if (nsects > fits) {
      this.anomaly('macho-nsects', `segment ${seg.name} claims ${nsects} sections, ${fits} fit in its command`, at);
      nsects = fits;
    }
    for (let i = 0; i < nsects; i++) {
      const s = at + cmdSize + i * sectSize;
      const sec: MachOSection = {
        name: this.ctx.fixedString(s, 16),
        segment: this.ctx.fixedString(s + 16, 16),
        addr: word(s + 32),
        size: word(s + 32 + w),
        offset: this.u32(s + 32 + 2 * w),
        align: this.u32(s + 36 + 2 * w),
        reloff: this.u32(s + 40 + 2 * w),
        nreloc: this.u32(s + 44 + 2 * w),
        flags: this.u32(s + 48 + 2 * w),
        segmentIndex: segIndex,
      };
      if (!isZeroFill(sec) && sec.size > 0 && (sec.offset + sec.size > this.size || sec.offset < 0)) {
        this.anomaly('macho-section-outside-file', `section ${sec.segment},${sec.name} file range ${sec.offset}+${sec.size} runs past the image`, s);
      }
      this.sections.push(sec);
    }
  }

  // ---- sections ----------------------------------------------------------------------------------

  section(sectname: string, segname?: string): MachOSection | undefined {
    return this.sections.find((s) => s.name === sectname && (segname === undefined || s.segment === segname));
  }

  sectionBytes(sec: MachOSection): Uint8Array | undefined {
    if (isZeroFill(sec) || sec.size <= 0) return undefined;
    const start = this.offset + sec.offset;
    const avail = this.end - start;
    if (sec.offset < 0 || avail <= 0) return undefined;
    return this.ctx.bytes.subarray(start, start + Math.min(sec.size, avail));
  }

  /** true (plus an anomaly) when the absolute range overlaps the encrypted range */
  private isEncryptedRange(absStart: number, length: number, what: string): boolean {
    if (!this.encrypted || !this.encryption) return false;
    const eStart = this.offset + this.encryption.cryptoff;
    const eEnd = eStart + this.encryption.cryptsize;
    if (absStart < eEnd && eStart < absStart + length) {
      this.anomaly('macho-encrypted-section', `${what} lies in the encrypted range (cryptid ${this.encryption.cryptid}); its contents are withheld`, absStart);
      return true;
    }
    return false;
  }

  /** strings of a C-string section, or [] when it is missing, outside the file, or encrypted */
  private sectionStrings(sectname: string, segnames: string[]): string[] {
    const table = this.stringTable(sectname, segnames);
    return table.texts();
  }

  /**
   * The strings of a C-string section as byte ranges, found with a native search for each NUL
   * (Buffer#indexOf): 300,000 strings of an 18 MB __cstring in 6-9 ms, where decoding
   * them all (one latin1 slice split at the NULs) took 40 ms and their garbage collection more.
   * Empty when the section is missing, zero-fill, outside the file or encrypted.
   */
  private stringTable(sectname: string, segnames: string[]): StringTable {
    const sec = this.sections.find((s) => s.name === sectname && segnames.includes(s.segment));
    if (!sec || isZeroFill(sec) || sec.size <= 0) return new StringTable(this.ctx, 0, 0);
    const start = this.offset + sec.offset;
    const end = Math.min(this.end, start + sec.size);
    if (sec.offset < 0 || start >= end) return new StringTable(this.ctx, 0, 0);
    if (this.isEncryptedRange(start, end - start, `section ${sec.segment},${sec.name}`)) return new StringTable(this.ctx, 0, 0);
    const table = new StringTable(this.ctx, start, end);
    const { maxStrings, maxStringLength } = this.ctx.limits;
    const bytes = this.ctx.bytes;
    let at = start;
    while (at < end) {
      if (bytes[at] === 0) {
        at++;
        continue;
      }
      if (table.count >= maxStrings) {
        this.anomaly('macho-too-many-strings', `section ${sec.segment},${sec.name} has more than ${maxStrings} strings; the rest are skipped`, at);
        break;
      }
      let nul = table.indexOf(0, at);
      if (nul < 0) {
        nul = end;
        this.anomaly('macho-string-unterminated', `the last string of ${sec.segment},${sec.name} has no NUL terminator`, at);
      }
      if (nul - at > maxStringLength) this.anomaly('macho-string-too-long', `a string of ${nul - at} bytes in ${sec.segment},${sec.name} was cut to ${maxStringLength}`, at);
      table.push(at, Math.min(nul, at + maxStringLength));
      at = nul + 1;
    }
    return table;
  }

  objcClassNames(): string[] {
    // ld64 also stores ivar layouts (short nibble-encoded byte strings such as "\x01\x11") in
    // __objc_classname; keep only strings that look like class or protocol names (identifier
    // characters, at least 2 long: a one-byte layout such as "q" is indistinguishable from a name).
    return this.sectionStrings('__objc_classname', ['__TEXT']).filter((n) => OBJC_NAME_RE.test(n));
  }

  objcSelectorNames(): string[] {
    return this.sectionStrings('__objc_methname', ['__TEXT']);
  }

  cStrings(): string[] {
    return this.sectionStrings('__cstring', ['__TEXT']);
  }

  cStringTable(): MachOStringTable {
    return this.stringTable('__cstring', ['__TEXT']);
  }

  objcSelectorTable(): MachOStringTable {
    return this.stringTable('__objc_methname', ['__TEXT']);
  }

  // ---- addresses and pointers --------------------------------------------------------------------

  vmaddrToOffset(vmaddr: number): number {
    if (this.fileType === C.MH_OBJECT) {
      for (const s of this.sections) {
        if (!isZeroFill(s) && vmaddr >= s.addr && vmaddr < s.addr + s.size) {
          const off = this.offset + s.offset + (vmaddr - s.addr);
          return off < this.end ? off : -1;
        }
      }
      return -1;
    }
    for (const seg of this.segments) {
      if (seg.filesize > 0 && vmaddr >= seg.vmaddr && vmaddr < seg.vmaddr + seg.filesize) {
        const off = this.offset + seg.fileoff + (vmaddr - seg.vmaddr);
        return off < this.end ? off : -1;
      }
    }
    return -1;
  }

  /** index of the segment whose file range holds the absolute offset, or -1 */
  private segmentIndexOf(abs: number): number {
    const rel = abs - this.offset;
    for (let i = 0; i < this.segments.length; i++) {
      const s = this.segments[i];
      if (s.filesize > 0 && rel >= s.fileoff && rel < s.fileoff + s.filesize) return i;
    }
    return -1;
  }

  /** Reads dyld_chained_fixups_header → starts_in_image → each segment's pointer_format. */
  private chainedFormats(): PtrFormatInfo | undefined {
    if (this.ptrFormats !== undefined || !this.chainedFixupsCommand) return this.ptrFormats;
    const info: PtrFormatInfo = { formats: [] };
    this.ptrFormats = info;
    const { dataoff, datasize } = this.chainedFixupsCommand;
    const base = this.offset + dataoff;
    const end = Math.min(this.end, base + datasize);
    const bad = (msg: string, at: number): PtrFormatInfo => {
      this.anomaly('macho-chained-fixups', msg, at);
      return info;
    };
    if (dataoff < 0 || base + C.DYLD_CHAINED_FIXUPS_HEADER_SIZE > end) return bad('LC_DYLD_CHAINED_FIXUPS data lies outside the image', base);
    const startsOff = this.u32(base + 4);
    const starts = base + startsOff;
    if (startsOff < 0 || starts + 4 > end) return bad('chained fixups starts_offset lies outside the data', base + 4);
    const segCount = Math.min(this.u32(starts), Math.floor((end - starts - 4) / 4), this.segments.length + 16);
    for (let i = 0; i < segCount; i++) {
      const rel = this.u32(starts + 4 + 4 * i);
      if (rel === 0) {
        info.formats[i] = 0;
        continue;
      }
      const seg = starts + rel;
      if (seg + 8 > end) {
        this.anomaly('macho-chained-fixups', `chained starts for segment ${i} lie outside the data`, starts + 4 + 4 * i);
        info.formats[i] = 0;
        continue;
      }
      info.formats[i] = this.ctx.dv.getUint16(seg + 6, true);
    }
    return info;
  }

  /** relocations of a section of an MH_OBJECT: r_address → [info word, in-place index] */
  private relocations(secIndex: number): Map<number, [number, number]> {
    let m = this.relocCache.get(secIndex);
    if (m) return m;
    m = new Map();
    this.relocCache.set(secIndex, m);
    const sec = this.sections[secIndex];
    let n = sec.nreloc;
    const at = this.offset + sec.reloff;
    if (n > 0 && (sec.reloff <= 0 || at + n * C.RELOCATION_INFO_SIZE > this.end)) {
      this.anomaly('macho-relocations-outside-file', `relocations of ${sec.segment},${sec.name} lie outside the image`, at);
      n = Math.max(0, Math.floor((this.end - at) / C.RELOCATION_INFO_SIZE));
    }
    for (let i = 0; i < n; i++) {
      const addr = this.u32(at + i * 8);
      if (addr < 0 || (addr & C.R_SCATTERED) !== 0) continue;
      m.set(addr, [this.u32(at + i * 8 + 4), i]);
    }
    return m;
  }

  /** n_value of symbol `index` when it is defined in a section, else undefined */
  private symbolValue(index: number): number | undefined {
    const cached = this.symbolValueCache.get(index);
    if (cached !== undefined) return cached < 0 ? undefined : cached;
    let v = -1;
    const st = this.symtab;
    if (st && index < st.nsyms) {
      const size = this.is64 ? C.NLIST_64_SIZE : C.NLIST_SIZE;
      const at = this.offset + st.symoff + index * size;
      if (at + size <= this.end) {
        const type = this.ctx.bytes[at + 4];
        if ((type & C.N_STAB) === 0 && (type & C.N_TYPE) === C.N_SECT) v = this.is64 ? this.u64(at + 8) : this.u32(at + 8);
      }
    }
    this.symbolValueCache.set(index, v);
    return v < 0 ? undefined : v;
  }

  /**
   * Reads the pointer stored at absolute offset `abs` and returns the vm address it refers to, or
   * undefined for a bind (an external symbol), a null pointer, or a value that cannot be decoded.
   */
  private pointerAt(abs: number): number | undefined {
    const w = this.is64 ? 8 : 4;
    if (abs < this.offset || abs + w > this.end) return undefined;
    const le = this.littleEndian;
    const lo = this.ctx.dv.getUint32(le || !this.is64 ? abs : abs + 4, le);
    const hi = this.is64 ? this.ctx.dv.getUint32(le ? abs + 4 : abs, le) : 0;

    if (this.fileType === C.MH_OBJECT) {
      const secIndex = this.sections.findIndex((s) => !isZeroFill(s) && abs >= this.offset + s.offset && abs < this.offset + s.offset + s.size);
      if (secIndex >= 0 && this.sections[secIndex].nreloc > 0) {
        const r = this.relocations(secIndex).get(abs - this.offset - this.sections[secIndex].offset);
        if (r) {
          const info = r[0];
          const isExtern = ((info >>> 27) & 1) === 1;
          if (isExtern) {
            const v = this.symbolValue(info & 0xffffff);
            return v === undefined ? undefined : v + hi * 0x1_0000_0000 + lo;
          }
        }
      }
      const v = hi * 0x1_0000_0000 + lo;
      return v === 0 ? undefined : v;
    }

    const formats = this.chainedFormats();
    if (formats) {
      const seg = this.segmentIndexOf(abs);
      const fmt = seg >= 0 ? (formats.formats[seg] ?? 0) : 0;
      switch (fmt) {
        case 0:
          break;
        case C.DYLD_CHAINED_PTR_64:
        case C.DYLD_CHAINED_PTR_64_OFFSET: {
          if (hi >>> 31) return undefined; // bind
          const target = (hi & 0xf) * 0x1_0000_0000 + lo; // 36 bits
          return fmt === C.DYLD_CHAINED_PTR_64 ? target : this.imageBase + target;
        }
        case C.DYLD_CHAINED_PTR_ARM64E:
        case C.DYLD_CHAINED_PTR_ARM64E_USERLAND:
        case C.DYLD_CHAINED_PTR_ARM64E_USERLAND24:
          return this.decodeArm64e(lo, hi, fmt === C.DYLD_CHAINED_PTR_ARM64E);
        case C.DYLD_CHAINED_PTR_32: {
          if (lo >>> 31) return undefined; // bind
          return lo & 0x3ffffff; // 26-bit vmaddr
        }
        default:
          this.anomaly('macho-chained-format-unsupported', `chained pointer format ${fmt} is not decoded`, abs);
          return undefined;
      }
    }
    const v = hi * 0x1_0000_0000 + lo;
    if (v === 0) return undefined;
    // arm64e binaries of iOS 12–13 store pointers in the threaded (arm64e chained) form without
    // LC_DYLD_CHAINED_FIXUPS; try that when the plain value maps nowhere.
    if (this.arch === 'arm64e' && this.vmaddrToOffset(v) < 0) return this.decodeArm64e(lo, hi, true);
    return v;
  }

  private decodeArm64e(lo: number, hi: number, targetIsVmaddr: boolean): number | undefined {
    if ((hi >>> 30) & 1) return undefined; // bind
    if (hi >>> 31) return this.imageBase + lo; // auth rebase: 32-bit runtime offset
    const target = (hi & 0x7ff) * 0x1_0000_0000 + lo; // 43 bits
    return targetIsVmaddr ? target : this.imageBase + target;
  }

  objcClassList(): string[] {
    const list = this.sections.find((s) => s.name === '__objc_classlist' && s.segment.startsWith('__DATA'));
    if (!list) return [];
    const bytes = this.sectionBytes(list);
    if (!bytes) return [];
    const w = this.is64 ? 8 : 4;
    const start = this.offset + list.offset;
    const count = Math.floor(bytes.length / w);
    if (bytes.length % w !== 0) this.anomaly('macho-classlist-size', `__objc_classlist size ${list.size} is not a multiple of ${w}`, start);
    const seen = new SeenAddresses();
    const out: string[] = [];
    let unresolved = 0;
    let encrypted = 0;
    // class_t: isa, superclass, cache, vtable, data; class_ro_t.name after flags, instanceStart,
    // instanceSize, (reserved on 64-bit,) ivarLayout
    const dataField = 4 * w;
    const nameField = this.is64 ? 24 : 16;
    const dataMask = this.is64 ? 7 : 3;
    for (let i = 0; i < count && out.length < this.ctx.limits.maxStrings; i++) {
      const cls = this.pointerAt(start + i * w);
      if (cls === undefined || seen.check(cls)) {
        if (cls !== undefined) this.anomaly('macho-classlist-duplicate', `class at 0x${cls.toString(16)} is listed twice`, start + i * w);
        else unresolved++;
        continue;
      }
      const clsOff = this.vmaddrToOffset(cls);
      const data = clsOff < 0 ? undefined : this.pointerAt(clsOff + dataField);
      const ro = data === undefined ? -1 : this.vmaddrToOffset(data - (data % (dataMask + 1)));
      const namePtr = ro < 0 ? undefined : this.pointerAt(ro + nameField);
      const nameOff = namePtr === undefined ? -1 : this.vmaddrToOffset(namePtr);
      if (nameOff < 0) {
        unresolved++;
        continue;
      }
      if (this.encrypted && this.encryption) {
        const eStart = this.offset + this.encryption.cryptoff;
        if (nameOff >= eStart && nameOff < eStart + this.encryption.cryptsize) {
          encrypted++;
          continue;
        }
      }
      const s = this.ctx.cString(nameOff, this.end, this.ctx.limits.maxStringLength);
      if (!s.terminated) this.anomaly('macho-string-unterminated', 'a class name has no NUL terminator', nameOff);
      out.push(s.value);
    }
    if (unresolved > 0) {
      this.anomaly('macho-classlist-unresolved', `${unresolved} of ${count} __objc_classlist entries could not be followed to a name`, start);
    }
    if (encrypted > 0) {
      this.anomaly('macho-encrypted-section', `${encrypted} class names lie in the encrypted range (cryptid ${this.encryption?.cryptid}); withheld`, start);
    }
    return out;
  }

  objcCategoryNames(): string[] {
    const list = this.sections.find((s) => s.name === '__objc_catlist' && s.segment.startsWith('__DATA'));
    const bytes = list && this.sectionBytes(list);
    if (!list || !bytes) return [];
    const w = this.is64 ? 8 : 4;
    const start = this.offset + list.offset;
    const out: string[] = [];
    const seen = new SeenAddresses();
    let unresolved = 0;
    for (let i = 0; i < Math.floor(bytes.length / w) && out.length < this.ctx.limits.maxStrings; i++) {
      const cat = this.pointerAt(start + i * w);
      if (cat === undefined || seen.check(cat)) {
        if (cat === undefined) unresolved++;
        continue;
      }
      const catOff = this.vmaddrToOffset(cat);
      const namePtr = catOff < 0 ? undefined : this.pointerAt(catOff); // category_t.name is the first field
      const nameOff = namePtr === undefined ? -1 : this.vmaddrToOffset(namePtr);
      if (nameOff < 0) {
        unresolved++;
        continue;
      }
      if (this.isEncryptedRange(nameOff, 1, 'a category name')) continue;
      out.push(this.ctx.cString(nameOff, this.end, this.ctx.limits.maxStringLength).value);
    }
    if (unresolved > 0) this.anomaly('macho-catlist-unresolved', `${unresolved} __objc_catlist entries could not be followed to a name`, start);
    return out;
  }

  // ---- symbols -----------------------------------------------------------------------------------

  symbols(select?: (type: number) => boolean): MachOSymbol[] {
    const st = this.symtab;
    if (!st) return [];
    const size = this.is64 ? C.NLIST_64_SIZE : C.NLIST_SIZE;
    const symStart = this.offset + st.symoff;
    const strStart = this.offset + st.stroff;
    let strEnd = strStart + st.strsize;
    if (st.stroff < 0 || strEnd > this.end) {
      this.anomaly('macho-symtab-outside-file', `string table ${st.stroff}+${st.strsize} runs past the image`, strStart);
      strEnd = this.end;
    }
    let n = st.nsyms;
    const fits = Math.max(0, Math.floor((this.end - symStart) / size));
    if (st.symoff < 0 || n > fits) {
      this.anomaly('macho-symtab-outside-file', `symbol table claims ${n} entries, ${fits} fit in the image`, symStart);
      n = fits;
    }
    if (n > this.ctx.limits.maxSymbols) {
      this.anomaly('macho-too-many-symbols', `${n} symbols; reading the first ${this.ctx.limits.maxSymbols}`, symStart);
      n = this.ctx.limits.maxSymbols;
    }
    const out: MachOSymbol[] = [];
    let badNames = 0;
    const bytes = this.ctx.bytes;
    for (let i = 0; i < n; i++) {
      const at = symStart + i * size;
      const strx = this.u32(at);
      if (strx > 0 && strStart + strx >= strEnd) badNames++;
      const type = bytes[at + 4];
      if (select && !select(type)) continue;
      const name = strx > 0 && strStart + strx < strEnd ? this.ctx.cString(strStart + strx, strEnd, this.ctx.limits.maxStringLength).value : '';
      out.push({
        name,
        type,
        sect: this.ctx.bytes[at + 5],
        desc: this.littleEndian ? this.ctx.dv.getUint16(at + 6, true) : this.ctx.dv.getUint16(at + 6, false),
        value: this.is64 ? this.u64(at + 8) : this.u32(at + 8),
      });
    }
    if (badNames > 0) this.anomaly('macho-symbol-name-outside', `${badNames} symbol names point past the string table`, strStart);
    return out;
  }

  // ---- code signature ----------------------------------------------------------------------------

  codeSignature(): CodeSignature | undefined {
    const cs = this.codeSignatureCommand;
    if (!cs) return undefined;
    const start = this.offset + cs.dataoff;
    if (cs.dataoff < 0 || cs.datasize < 12 || start + 12 > this.end) {
      this.anomaly('macho-codesign-outside-file', `LC_CODE_SIGNATURE ${cs.dataoff}+${cs.datasize} lies outside the image`, start);
      return undefined;
    }
    let size = cs.datasize;
    if (start + size > this.end) {
      this.anomaly('macho-codesign-outside-file', `LC_CODE_SIGNATURE ${cs.dataoff}+${cs.datasize} runs past the image`, start);
      size = this.end - start;
    }
    return parseCodeSignature(this.ctx.bytes, start, size, (a) => this.anomaly(a.code, a.message, a.offset));
  }
}


/**
 * The addresses a list walk has met. ld64 writes __objc_classlist and __objc_catlist in address
 * order, so while addresses keep increasing none can repeat and a comparison answers; the first
 * one that does not increase turns it into a Set (20,000 classes: ~5 ms of Set work saved).
 */
class SeenAddresses {
  private last = -Infinity;
  private readonly inOrder: number[] = [];
  private set: Set<number> | undefined;

  /** true when `a` was met before; otherwise records it */
  check(a: number): boolean {
    if (this.set === undefined) {
      if (a > this.last) {
        this.last = a;
        this.inOrder.push(a);
        return false;
      }
      this.set = new Set(this.inOrder);
    }
    if (this.set.has(a)) return true;
    this.set.add(a);
    return false;
  }
}

class StringTable implements MachOStringTable {
  count = 0;
  readonly bytes: Uint8Array;
  starts: Uint32Array;
  ends: Uint32Array;
  /** the section's bytes as a Buffer: its indexOf is a native byte search, bounded by the section */
  private readonly section: Buffer;

  constructor(private readonly ctx: Context, private readonly start: number, end: number) {
    this.bytes = ctx.bytes;
    const b = ctx.bytes;
    this.section = Buffer.from(b.buffer, b.byteOffset + start, end - start);
    const capacity = Math.min(1024, end - start);
    this.starts = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
  }

  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const starts = new Uint32Array(Math.max(16, this.count * 2));
      const ends = new Uint32Array(starts.length);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[this.count] = start;
    this.ends[this.count++] = end;
  }

  text(i: number): string {
    return this.ctx.text(this.starts[i], this.ends[i]);
  }

  /** every string, decoded */
  texts(): string[] {
    const out = new Array<string>(this.count);
    if (this.count > 0 && isAscii(this.section)) {
      // one native decode of the whole section, then substrings (a native slice per string costs more)
      const text = this.ctx.asciiRange(this.start, this.start + this.section.length);
      for (let i = 0; i < this.count; i++) out[i] = text.slice(this.starts[i] - this.start, this.ends[i] - this.start);
    } else {
      for (let i = 0; i < this.count; i++) out[i] = this.text(i);
    }
    return out;
  }

  indexOf(byte: number, from: number): number {
    const rel = Math.max(0, from - this.start);
    const i = this.section.indexOf(byte, rel);
    return i < 0 ? -1 : this.start + i;
  }
}

/** an Objective-C class or protocol name, or a (mangled) Swift class name */
const OBJC_NAME_RE = /^[A-Za-z_$\u0080-\ufffc][\w$.\u0080-\ufffc]+$/;

function isZeroFill(s: MachOSection): boolean {
  const t = s.flags & C.SECTION_TYPE;
  return t === C.S_ZEROFILL || t === C.S_GB_ZEROFILL || t === C.S_THREAD_LOCAL_ZEROFILL;
}
