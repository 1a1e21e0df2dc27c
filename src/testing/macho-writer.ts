/**
 * Builds small, valid 64-bit Mach-O files for fixtures and tests (checked against Debian's
 * llvm-objdump / llvm-nm in test/formats/macho-llvm.test.ts).
 * Specs: see src/formats/macho-constants.ts (loader.h, fat.h, nlist.h, reloc.h, fixup-chains.h,
 * cs_blobs.h, objc-runtime-new.h).
 *
 * What it writes:
 *  - `buildMachO`: a linked image (MH_EXECUTE, MH_DYLIB or MH_BUNDLE; arm64, arm64e or x86_64) with
 *    __PAGEZERO (executables), __TEXT (__text, __cstring, __objc_classname, __objc_methname,
 *    __objc_methtype), __DATA_CONST (__objc_classlist, __objc_imageinfo, __objc_const), __DATA
 *    (__objc_data) and __LINKEDIT; LC_ID_DYLIB, LC_LOAD_*DYLIB, LC_RPATH, LC_UUID, LC_BUILD_VERSION
 *    or LC_VERSION_MIN_IPHONEOS, LC_MAIN, LC_SYMTAB, optional LC_ENCRYPTION_INFO(_64), optional
 *    LC_DYLD_CHAINED_FIXUPS (pointers as DYLD_CHAINED_PTR_64 / 64_OFFSET / ARM64E rebases) and an
 *    optional LC_CODE_SIGNATURE with a SuperBlob (CodeDirectory with real SHA-256 page hashes,
 *    identifier and team id; empty requirements; XML and/or DER entitlements).
 *    Each ObjC class gets class_t + metaclass + class_ro_t and an instance method list.
 *  - `buildMachOObject`: an MH_OBJECT (one unnamed LC_SEGMENT_64 holding all sections), pointers
 *    as relocations (extern for __objc_classlist, as clang emits them; section-relative elsewhere).
 *  - `buildFat`: a fat file (32- or 64-bit arch table) of thin images or archives.
 *  - `buildArchive`: a BSD ar static library (`#1/` long names, `__.SYMDEF SORTED`).
 * Not written: dyld bind/rebase info, exports trie, function starts, LC_DYSYMTAB, superclasses
 * (every class is a root class), ivars, properties, protocols.
 */
import { ByteOut } from './byte-out.js';
import { createHash } from 'node:crypto';
import * as C from '../formats/macho-constants.js';

export type WriterArch = 'arm64' | 'arm64e' | 'x86_64';

export interface MachOWriterClass {
  name: string;
  /** instance method selectors (default none) */
  methods?: string[];
}

export interface MachOWriterDylib {
  name: string;
  kind?: 'load' | 'weak' | 'reexport' | 'lazy' | 'upward';
  /** 'a.b.c' (default '1.0.0') */
  currentVersion?: string;
  compatVersion?: string;
}

export interface MachOWriterCodeSignature {
  identifier: string;
  teamId?: string;
  /** XML plist text for the 0xfade7171 blob */
  entitlements?: string;
  /** DER bytes for the 0xfade7172 blob */
  derEntitlements?: Uint8Array;
}

export interface MachOWriterInput {
  /** default 'execute' */
  fileType?: 'execute' | 'dylib' | 'bundle';
  /** default 'arm64' */
  arch?: WriterArch;
  /** LC_ID_DYLIB name for dylibs (default '@rpath/Sample.framework/Sample') */
  installName?: string;
  dylibs?: MachOWriterDylib[];
  rpaths?: string[];
  /** 'XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX'; default a fixed value; null = no LC_UUID */
  uuid?: string | null;
  /** default PLATFORM_IOS */
  platform?: number;
  /** default '14.0' */
  minOS?: string;
  /** default '17.0' */
  sdk?: string;
  /** write LC_VERSION_MIN_IPHONEOS instead of LC_BUILD_VERSION */
  versionMin?: boolean;
  classes?: MachOWriterClass[];
  /** extra names for __objc_classname only (e.g. protocol names) */
  extraClassNames?: string[];
  /** undefined external symbols (imports) written after the defined ones: `_OBJC_CLASS_$_CLLocationManager`, `_stat` */
  importedSymbols?: string[];
  /** extra selectors for __objc_methname */
  selectors?: string[];
  cStrings?: string[];
  /** LC_ENCRYPTION_INFO_64 (or LC_ENCRYPTION_INFO when `command32`) over the __TEXT sections by default */
  encryption?: { cryptid: number; cryptoff?: number; cryptsize?: number; command32?: boolean };
  codeSignature?: MachOWriterCodeSignature;
  /** how pointers in __DATA_CONST/__DATA are stored (default 'plain') */
  pointerFormat?: 'plain' | 'chained-64' | 'chained-64-offset' | 'chained-arm64e';
  /** segment alignment (default 0x4000 for arm64/arm64e, 0x1000 for x86_64) */
  pageSize?: number;
}

export interface MachOObjectInput {
  arch?: WriterArch;
  classes?: MachOWriterClass[];
  extraClassNames?: string[];
  selectors?: string[];
  cStrings?: string[];
  platform?: number;
  minOS?: string;
  sdk?: string;
}

function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

/** 'a.b.c' → xxxx.yy.zz nibble-packed */
export function encodeVersion(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  return ((a << 16) | (b << 8) | c) >>> 0;
}

function cpuOf(arch: WriterArch): [number, number] {
  switch (arch) {
    case 'arm64':
      return [C.CPU_TYPE_ARM64, C.CPU_SUBTYPE_ARM64_ALL];
    case 'arm64e':
      return [C.CPU_TYPE_ARM64, (C.CPU_SUBTYPE_ARM64E | C.CPU_SUBTYPE_PTRAUTH_ABI) >>> 0];
    default:
      return [C.CPU_TYPE_X86_64, C.CPU_SUBTYPE_X86_64_ALL];
  }
}

// ---- sections with pointers (shared by the linked and the object writer) -------------------------

interface Sec {
  seg: string;
  name: string;
  align: number;
  flags: number;
  data: ByteOut;
  /** pointers to fill in: location in this section → target section + offset, or a symbol */
  ptrs: { at: number; sec?: Sec; off?: number; symbol?: string }[];
  addr: number;
  fileoff: number;
  index: number;
}

function newSec(seg: string, name: string, align: number, flags = 0): Sec {
  return { seg, name, align, flags, data: new ByteOut(), ptrs: [], addr: 0, fileoff: 0, index: 0 };
}

interface ObjcSections {
  text: Sec;
  cstring: Sec;
  classname: Sec;
  methname: Sec;
  methtype: Sec;
  classlist: Sec;
  imageinfo: Sec;
  objcConst: Sec;
  objcData: Sec;
  /** class symbol name → [section, offset] */
  symbols: { name: string; sec: Sec; off: number }[];
}

/** Lays out the ObjC metadata and strings; pointers are recorded, not yet written. */
function buildObjcSections(
  classes: MachOWriterClass[],
  extraClassNames: string[],
  selectors: string[],
  cStrings: string[],
  arch: WriterArch,
  dataSeg: [string, string],
): ObjcSections {
  const s: ObjcSections = {
    text: newSec('__TEXT', '__text', 4, C.S_ATTR_PURE_INSTRUCTIONS | C.S_ATTR_SOME_INSTRUCTIONS),
    cstring: newSec('__TEXT', '__cstring', 1, C.S_CSTRING_LITERALS),
    classname: newSec('__TEXT', '__objc_classname', 1, C.S_CSTRING_LITERALS),
    methname: newSec('__TEXT', '__objc_methname', 1, C.S_CSTRING_LITERALS),
    methtype: newSec('__TEXT', '__objc_methtype', 1, C.S_CSTRING_LITERALS),
    classlist: newSec(dataSeg[0], '__objc_classlist', 8, C.S_REGULAR | C.S_ATTR_NO_DEAD_STRIP),
    imageinfo: newSec(dataSeg[0], '__objc_imageinfo', 4),
    objcConst: newSec(dataSeg[0], '__objc_const', 8),
    objcData: newSec(dataSeg[1], '__objc_data', 8),
    symbols: [],
  };
  // __text: one `ret` per method (arm64: 0xd65f03c0; x86_64: 0xc3 padded with nop)
  const methodImps = new Map<string, number>();
  const ret = (): number => {
    const at = s.text.data.len;
    if (arch === 'x86_64') s.text.data.u32(0x909090c3);
    else s.text.data.u32(0xd65f03c0);
    return at;
  };
  ret();
  const strIn = (sec: Sec, cache: Map<string, number>, v: string): number => {
    let at = cache.get(v);
    if (at === undefined) {
      at = sec.data.len;
      sec.data.cstr(v);
      cache.set(v, at);
    }
    return at;
  };
  const cstrCache = new Map<string, number>();
  const classnameCache = new Map<string, number>();
  const methnameCache = new Map<string, number>();
  const methtypeCache = new Map<string, number>();
  for (const v of cStrings) strIn(s.cstring, cstrCache, v);
  for (const v of selectors) strIn(s.methname, methnameCache, v);
  s.imageinfo.data.u32(0);
  s.imageinfo.data.u32(0x40); // flags: "optimized by dyld" is not claimed; 0x40 = HasCategoryClassProperties

  const ptr = (sec: Sec, target: Sec, off: number): void => {
    sec.ptrs.push({ at: sec.data.len, sec: target, off });
    sec.data.u64(0);
  };
  const nullPtr = (sec: Sec): void => sec.data.u64(0);

  const writeRo = (flags: number, instanceStart: number, instanceSize: number, nameOff: number, methodsOff: number | undefined): number => {
    const ro = s.objcConst;
    ro.data.align(8);
    const at = ro.data.len;
    ro.data.u32(flags);
    ro.data.u32(instanceStart);
    ro.data.u32(instanceSize);
    ro.data.u32(0); // reserved
    nullPtr(ro); // ivarLayout
    ptr(ro, s.classname, nameOff); // name
    if (methodsOff === undefined) nullPtr(ro);
    else ptr(ro, ro, methodsOff); // baseMethods
    nullPtr(ro); // baseProtocols
    nullPtr(ro); // ivars
    nullPtr(ro); // weakIvarLayout
    nullPtr(ro); // baseProperties
    return at;
  };

  for (const cls of classes) {
    const nameOff = strIn(s.classname, classnameCache, cls.name);
    let methodsOff: number | undefined;
    if (cls.methods && cls.methods.length > 0) {
      const ro = s.objcConst;
      ro.data.align(8);
      methodsOff = ro.data.len;
      ro.data.u32(24); // entsizeAndFlags: method_t is 3 pointers
      ro.data.u32(cls.methods.length);
      for (const m of cls.methods) {
        ptr(ro, s.methname, strIn(s.methname, methnameCache, m));
        ptr(ro, s.methtype, strIn(s.methtype, methtypeCache, 'v16@0:8'));
        let imp = methodImps.get(`${cls.name} ${m}`);
        if (imp === undefined) {
          imp = ret();
          methodImps.set(`${cls.name} ${m}`, imp);
        }
        ptr(ro, s.text, imp);
      }
    }
    const metaRo = writeRo(C.RO_META | C.RO_ROOT, 40, 40, nameOff, undefined);
    const classRo = writeRo(C.RO_ROOT, 8, 8, nameOff, methodsOff);
    // metaclass, then class (class_t: isa, superclass, cache, vtable, data)
    const d = s.objcData;
    const metaAt = d.data.len;
    ptr(d, d, metaAt); // a root metaclass's isa is itself
    ptr(d, d, metaAt + 40); // a root metaclass's superclass is its class
    nullPtr(d);
    nullPtr(d);
    ptr(d, s.objcConst, metaRo);
    const classAt = d.data.len;
    ptr(d, d, metaAt); // isa → metaclass
    nullPtr(d); // superclass (root class)
    nullPtr(d);
    nullPtr(d);
    ptr(d, s.objcConst, classRo);
    s.symbols.push({ name: `_OBJC_METACLASS_$_${cls.name}`, sec: d, off: metaAt });
    s.symbols.push({ name: `_OBJC_CLASS_$_${cls.name}`, sec: d, off: classAt });
    s.classlist.ptrs.push({ at: s.classlist.data.len, sec: d, off: classAt, symbol: `_OBJC_CLASS_$_${cls.name}` });
    s.classlist.data.u64(0);
  }
  for (const v of extraClassNames) strIn(s.classname, classnameCache, v);
  return s;
}

// ---- load commands -------------------------------------------------------------------------------

function lcDylib(out: ByteOut, cmd: number, d: MachOWriterDylib): void {
  const size = alignUp(C.DYLIB_COMMAND_SIZE + new TextEncoder().encode(d.name).length + 1, 8);
  const start = out.len;
  out.u32(cmd);
  out.u32(size);
  out.u32(C.DYLIB_COMMAND_SIZE);
  out.u32(2); // timestamp
  out.u32(encodeVersion(d.currentVersion ?? '1.0.0'));
  out.u32(encodeVersion(d.compatVersion ?? '1.0.0'));
  out.cstr(d.name);
  out.padTo(start + size);
}

function lcPath(out: ByteOut, cmd: number, path: string): void {
  const size = alignUp(12 + new TextEncoder().encode(path).length + 1, 8);
  const start = out.len;
  out.u32(cmd);
  out.u32(size);
  out.u32(12);
  out.cstr(path);
  out.padTo(start + size);
}

const DYLIB_CMD: Record<NonNullable<MachOWriterDylib['kind']>, number> = {
  load: C.LC_LOAD_DYLIB,
  weak: C.LC_LOAD_WEAK_DYLIB,
  reexport: C.LC_REEXPORT_DYLIB,
  lazy: C.LC_LAZY_LOAD_DYLIB,
  upward: C.LC_LOAD_UPWARD_DYLIB,
};

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`bad uuid ${uuid}`);
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

interface SymbolOut {
  name: string;
  type: number;
  sect: number;
  value: number;
}

/** nlist_64 table + string table (index 0 is the empty string, as ld64 writes " \0"). */
function symbolTables(symbols: SymbolOut[]): { table: Uint8Array; strings: Uint8Array } {
  const strs = new ByteOut();
  strs.u8(0x20);
  strs.u8(0);
  const table = new ByteOut();
  for (const s of symbols) {
    const strx = strs.len;
    strs.cstr(s.name);
    table.u32(strx);
    table.u8(s.type);
    table.u8(s.sect);
    table.u16(0);
    table.u64(s.value);
  }
  strs.align(8);
  return { table: table.result(), strings: strs.result() };
}

// ---- linked image --------------------------------------------------------------------------------

export function buildMachO(input: MachOWriterInput = {}): Uint8Array {
  const arch = input.arch ?? 'arm64';
  const [cpuType, cpuSubtype] = cpuOf(arch);
  const fileType = input.fileType === 'dylib' ? C.MH_DYLIB : input.fileType === 'bundle' ? C.MH_BUNDLE : C.MH_EXECUTE;
  const page = input.pageSize ?? (arch === 'x86_64' ? 0x1000 : 0x4000);
  const base = fileType === C.MH_EXECUTE ? 0x1_0000_0000 : 0;
  const pointerFormat = input.pointerFormat ?? 'plain';
  const objc = buildObjcSections(
    input.classes ?? [],
    input.extraClassNames ?? [],
    input.selectors ?? [],
    input.cStrings ?? [],
    arch,
    ['__DATA_CONST', '__DATA'],
  );
  const textSecs = [objc.text, objc.cstring, objc.classname, objc.methname, objc.methtype];
  const constSecs = [objc.classlist, objc.imageinfo, objc.objcConst];
  const dataSecs = [objc.objcData];
  const allSecs = [...textSecs, ...constSecs, ...dataSecs];
  allSecs.forEach((s, i) => (s.index = i + 1));

  // ---- load command sizes (independent of offsets) ----
  const hasPagezero = fileType === C.MH_EXECUTE;
  const segCmd = (n: number): number => C.SEGMENT_COMMAND_64_SIZE + n * C.SECTION_64_SIZE;
  let sizeofcmds = (hasPagezero ? segCmd(0) : 0) + segCmd(textSecs.length) + segCmd(constSecs.length) + segCmd(dataSecs.length) + segCmd(0);
  let ncmds = (hasPagezero ? 1 : 0) + 4;
  const extra = new ByteOut(); // commands whose bytes do not depend on the layout
  const countCmd = (before: number): void => {
    ncmds++;
    sizeofcmds += extra.len - before;
  };
  let b = extra.len;
  if (fileType === C.MH_DYLIB) {
    lcDylib(extra, C.LC_ID_DYLIB, { name: input.installName ?? '@rpath/Sample.framework/Sample', currentVersion: '1.2.3', compatVersion: '1.0.0' });
    countCmd(b);
  }
  for (const d of input.dylibs ?? [{ name: '/usr/lib/libobjc.A.dylib', currentVersion: '228.0.0' }, { name: '/usr/lib/libSystem.B.dylib', currentVersion: '1319.0.0' }]) {
    b = extra.len;
    lcDylib(extra, DYLIB_CMD[d.kind ?? 'load'], d);
    countCmd(b);
  }
  for (const r of input.rpaths ?? []) {
    b = extra.len;
    lcPath(extra, C.LC_RPATH, r);
    countCmd(b);
  }
  const uuid = input.uuid === undefined ? '0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9' : input.uuid;
  if (uuid) {
    b = extra.len;
    extra.u32(C.LC_UUID);
    extra.u32(24);
    extra.bytes(uuidBytes(uuid));
    countCmd(b);
  }
  b = extra.len;
  if (input.versionMin) {
    extra.u32(C.LC_VERSION_MIN_IPHONEOS);
    extra.u32(16);
    extra.u32(encodeVersion(input.minOS ?? '14.0'));
    extra.u32(encodeVersion(input.sdk ?? '17.0'));
  } else {
    extra.u32(C.LC_BUILD_VERSION);
    extra.u32(24);
    extra.u32(input.platform ?? C.PLATFORM_IOS);
    extra.u32(encodeVersion(input.minOS ?? '14.0'));
    extra.u32(encodeVersion(input.sdk ?? '17.0'));
    extra.u32(0); // ntools
  }
  countCmd(b);
  // layout-dependent commands: LC_SYMTAB 24, LC_MAIN 24, LC_ENCRYPTION_INFO(_64) 24/20,
  // LC_DYLD_CHAINED_FIXUPS 16, LC_CODE_SIGNATURE 16
  const chained = pointerFormat !== 'plain';
  const enc32 = input.encryption?.command32 === true;
  sizeofcmds += 24 + (fileType === C.MH_EXECUTE ? 24 : 0) + (input.encryption ? (enc32 ? 20 : 24) : 0) + (chained ? 16 : 0) + (input.codeSignature ? 16 : 0);
  ncmds += 1 + (fileType === C.MH_EXECUTE ? 1 : 0) + (input.encryption ? 1 : 0) + (chained ? 1 : 0) + (input.codeSignature ? 1 : 0);
  const headerEnd = C.MACH_HEADER_64_SIZE + sizeofcmds;

  // ---- layout: __TEXT sections start on the second page (the first holds header + commands) ----
  const textStart = alignUp(headerEnd, page);
  let off = textStart;
  for (const s of textSecs) {
    off = alignUp(off, s.align);
    s.fileoff = off;
    s.addr = base + off;
    off += s.data.len;
  }
  const textSize = alignUp(off, page);
  const placeSegment = (secs: Sec[], start: number): number => {
    let o = start;
    for (const s of secs) {
      o = alignUp(o, s.align);
      s.fileoff = o;
      s.addr = base + o;
      o += s.data.len;
    }
    return alignUp(Math.max(o, start + 1), page) - start;
  };
  const constOff = textSize;
  const constSize = placeSegment(constSecs, constOff);
  const dataOff = constOff + constSize;
  const dataSize = placeSegment(dataSecs, dataOff);
  const linkOff = dataOff + dataSize;

  // ---- pointers ----
  const fixups: { fileoff: number; target: number }[] = [];
  for (const s of [...constSecs, ...dataSecs]) {
    for (const p of s.ptrs) if (p.sec) fixups.push({ fileoff: s.fileoff + p.at, target: p.sec.addr + (p.off ?? 0) });
  }

  // ---- __LINKEDIT: chained fixups, symbols, strings, code signature ----
  const link = new ByteOut();
  let chainedBlob: Uint8Array | undefined;
  const segs = [
    ...(hasPagezero ? [{ name: '__PAGEZERO', fileoff: 0, size: 0, vmaddr: 0, vmsize: base }] : []),
    { name: '__TEXT', fileoff: 0, size: textSize, vmaddr: base, vmsize: textSize },
    { name: '__DATA_CONST', fileoff: constOff, size: constSize, vmaddr: base + constOff, vmsize: constSize },
    { name: '__DATA', fileoff: dataOff, size: dataSize, vmaddr: base + dataOff, vmsize: dataSize },
  ];
  if (chained) chainedBlob = chainedFixups(segs, fixups, pointerFormat, base, page);
  let chainedOff = 0;
  if (chainedBlob) {
    chainedOff = linkOff + link.len;
    link.bytes(chainedBlob);
    link.align(8);
  }
  const syms: SymbolOut[] = objc.symbols.map((s) => ({ name: s.name, type: C.N_SECT | C.N_EXT, sect: s.sec.index, value: s.sec.addr + s.off }));
  if (fileType === C.MH_EXECUTE) syms.push({ name: '__mh_execute_header', type: C.N_SECT | C.N_EXT, sect: 1, value: base });
  syms.sort((a, c) => (a.name < c.name ? -1 : a.name > c.name ? 1 : 0));
  // imports after the defined symbols, as ld64 orders them (N_UNDF | N_EXT, no section, value 0)
  for (const name of [...new Set(input.importedSymbols ?? [])].sort()) syms.push({ name, type: C.N_UNDF | C.N_EXT, sect: 0, value: 0 });
  const tables = symbolTables(syms);
  const symOff = linkOff + link.len;
  link.bytes(tables.table);
  const strOff = linkOff + link.len;
  link.bytes(tables.strings);
  link.align(16);
  const sigOff = linkOff + link.len;
  const sigSize = input.codeSignature ? codeSignatureSize(input.codeSignature, sigOff) : 0;
  const fileSize = sigOff + sigSize;
  const linkSize = fileSize - linkOff;

  // ---- write ----
  const out = new ByteOut();
  out.u32(C.MH_MAGIC_64);
  out.u32(cpuType);
  out.u32(cpuSubtype);
  out.u32(fileType);
  out.u32(ncmds);
  out.u32(sizeofcmds);
  out.u32(C.MH_NOUNDEFS | C.MH_DYLDLINK | C.MH_TWOLEVEL | (fileType === C.MH_EXECUTE ? C.MH_PIE : 0));
  out.u32(0);
  const segment = (name: string, vmaddr: number, vmsize: number, fileoff: number, filesize: number, prot: number, secs: Sec[]): void => {
    out.u32(C.LC_SEGMENT_64);
    out.u32(segCmd(secs.length));
    out.fixed(name, 16);
    out.u64(vmaddr);
    out.u64(vmsize);
    out.u64(fileoff);
    out.u64(filesize);
    out.u32(prot);
    out.u32(prot);
    out.u32(secs.length);
    out.u32(0);
    for (const s of secs) sectionHeader(out, s, s.fileoff, 0, 0);
  };
  if (hasPagezero) segment('__PAGEZERO', 0, base, 0, 0, 0, []);
  segment('__TEXT', base, textSize, 0, textSize, 5, textSecs);
  segment('__DATA_CONST', base + constOff, constSize, constOff, constSize, 3, constSecs);
  segment('__DATA', base + dataOff, dataSize, dataOff, dataSize, 3, dataSecs);
  segment('__LINKEDIT', base + linkOff, alignUp(linkSize, page), linkOff, linkSize, 1, []);
  out.bytes(extra.result());
  out.u32(C.LC_SYMTAB);
  out.u32(24);
  out.u32(symOff);
  out.u32(syms.length);
  out.u32(strOff);
  out.u32(tables.strings.length);
  if (fileType === C.MH_EXECUTE) {
    out.u32(C.LC_MAIN);
    out.u32(24);
    out.u64(objc.text.fileoff);
    out.u64(0);
  }
  if (input.encryption) {
    out.u32(enc32 ? C.LC_ENCRYPTION_INFO : C.LC_ENCRYPTION_INFO_64);
    out.u32(enc32 ? 20 : 24);
    out.u32(input.encryption.cryptoff ?? textStart);
    out.u32(input.encryption.cryptsize ?? textSize - textStart);
    out.u32(input.encryption.cryptid);
    if (!enc32) out.u32(0);
  }
  if (chainedBlob) {
    out.u32(C.LC_DYLD_CHAINED_FIXUPS);
    out.u32(16);
    out.u32(chainedOff);
    out.u32(chainedBlob.length);
  }
  if (input.codeSignature) {
    out.u32(C.LC_CODE_SIGNATURE);
    out.u32(16);
    out.u32(sigOff);
    out.u32(sigSize);
  }
  if (out.len !== headerEnd) throw new Error(`internal: load commands are ${out.len - C.MACH_HEADER_64_SIZE} bytes, expected ${sizeofcmds}`);
  for (const s of allSecs) {
    out.padTo(s.fileoff);
    out.bytes(s.data.result());
  }
  out.padTo(linkOff);
  out.bytes(link.result());
  const bytes = new Uint8Array(fileSize);
  bytes.set(out.result().subarray(0, Math.min(out.len, fileSize)));
  const dv = new DataView(bytes.buffer);
  if (!chained) for (const f of fixups) dv.setBigUint64(f.fileoff, BigInt(f.target), true);
  else writeChains(dv, segs, fixups, pointerFormat, base, page);
  if (input.codeSignature) {
    const sig = codeSignature(input.codeSignature, bytes.subarray(0, sigOff), fileType === C.MH_EXECUTE, textSize);
    if (sig.length !== sigSize) throw new Error('internal: code signature size');
    bytes.set(sig, sigOff);
  }
  return bytes;
}

function sectionHeader(out: ByteOut, s: Sec, fileoff: number, reloff: number, nreloc: number): void {
  out.fixed(s.name, 16);
  out.fixed(s.seg, 16);
  out.u64(s.addr);
  out.u64(s.data.len);
  out.u32(fileoff);
  out.u32(Math.log2(s.align));
  out.u32(reloff);
  out.u32(nreloc);
  out.u32(s.flags);
  out.u32(0);
  out.u32(0);
  out.u32(0);
}

// ---- chained fixups ------------------------------------------------------------------------------

interface SegLayout {
  name: string;
  fileoff: number;
  size: number;
  vmaddr: number;
}

function pointerFormatNumber(f: MachOWriterInput['pointerFormat']): number {
  return f === 'chained-64' ? C.DYLD_CHAINED_PTR_64 : f === 'chained-64-offset' ? C.DYLD_CHAINED_PTR_64_OFFSET : C.DYLD_CHAINED_PTR_ARM64E;
}

function fixupsByPage(seg: SegLayout, fixups: { fileoff: number; target: number }[], page: number): Map<number, { fileoff: number; target: number }[]> {
  const m = new Map<number, { fileoff: number; target: number }[]>();
  for (const f of fixups) {
    if (f.fileoff < seg.fileoff || f.fileoff >= seg.fileoff + seg.size) continue;
    const p = Math.floor((f.fileoff - seg.fileoff) / page);
    let list = m.get(p);
    if (!list) m.set(p, (list = []));
    list.push(f);
  }
  for (const list of m.values()) list.sort((a, b) => a.fileoff - b.fileoff);
  return m;
}

/** dyld_chained_fixups_header + starts_in_image + one starts_in_segment per segment with fixups. */
function chainedFixups(segs: SegLayout[], fixups: { fileoff: number; target: number }[], format: MachOWriterInput['pointerFormat'], base: number, page: number): Uint8Array {
  const out = new ByteOut();
  const startsOff = 32;
  const allSegs = [...segs, { name: '__LINKEDIT', fileoff: 0, size: 0, vmaddr: 0 }];
  const starts = new ByteOut();
  starts.u32(allSegs.length);
  const segInfos: Uint8Array[] = [];
  let infoOff = alignUp(4 + 4 * allSegs.length, 8);
  const offsets: number[] = [];
  for (const seg of allSegs) {
    const pages = seg.size > 0 ? fixupsByPage(seg, fixups, page) : new Map();
    if (pages.size === 0) {
      offsets.push(0);
      continue;
    }
    const pageCount = Math.ceil(seg.size / page);
    const info = new ByteOut();
    info.u32(22 + 2 * pageCount);
    info.u16(page);
    info.u16(pointerFormatNumber(format));
    info.u64(seg.vmaddr - base);
    info.u32(0);
    info.u16(pageCount);
    for (let p = 0; p < pageCount; p++) {
      const list = pages.get(p);
      info.u16(list ? list[0].fileoff - seg.fileoff - p * page : C.DYLD_CHAINED_PTR_START_NONE);
    }
    info.align(8);
    offsets.push(infoOff);
    infoOff += info.len;
    segInfos.push(info.result());
  }
  for (const o of offsets) starts.u32(o);
  starts.align(8);
  for (const i of segInfos) starts.bytes(i);
  const startsBytes = starts.result();
  const importsOff = startsOff + startsBytes.length;
  out.u32(0); // fixups_version
  out.u32(startsOff);
  out.u32(importsOff);
  out.u32(importsOff); // symbols_offset
  out.u32(0); // imports_count
  out.u32(C.DYLD_CHAINED_IMPORT);
  out.u32(0); // symbols_format: uncompressed
  out.padTo(startsOff);
  out.bytes(startsBytes);
  out.u32(0); // empty symbol pool
  out.align(8);
  return out.result();
}

function writeChains(dv: DataView, segs: SegLayout[], fixups: { fileoff: number; target: number }[], format: MachOWriterInput['pointerFormat'], base: number, page: number): void {
  const stride = format === 'chained-arm64e' ? 8 : 4;
  for (const seg of segs) {
    if (seg.size === 0) continue;
    for (const list of fixupsByPage(seg, fixups, page).values()) {
      list.forEach((f, i) => {
        const next = i + 1 < list.length ? (list[i + 1].fileoff - f.fileoff) / stride : 0;
        let v: bigint;
        if (format === 'chained-arm64e') {
          // dyld_chained_ptr_arm64e_rebase: target 43 (vmaddr), high8 8, next 11, bind 0, auth 0
          v = BigInt(f.target) | (BigInt(next) << 51n);
        } else {
          // dyld_chained_ptr_64_rebase: target 36, high8 8, reserved 7, next 12, bind 0
          const target = format === 'chained-64' ? f.target : f.target - base;
          v = BigInt(target) | (BigInt(next) << 51n);
        }
        dv.setBigUint64(f.fileoff, v, true);
      });
    }
  }
}

// ---- code signature ------------------------------------------------------------------------------

const CS_PAGE_SHIFT = 12;
const CD_HEADER_SIZE = 88; // version 0x20400: … execSegBase, execSegLimit, execSegFlags

function blob(magic: number, payload: Uint8Array): Uint8Array {
  const o = new ByteOut();
  o.be32(magic);
  o.be32(8 + payload.length);
  o.bytes(payload);
  return o.result();
}

function sigBlobs(cs: MachOWriterCodeSignature): { type: number; bytes: Uint8Array }[] {
  const requirements = new ByteOut();
  requirements.be32(C.CSMAGIC_REQUIREMENTS);
  requirements.be32(12);
  requirements.be32(0);
  const list = [{ type: C.CSSLOT_REQUIREMENTS, bytes: requirements.result() }];
  if (cs.entitlements !== undefined) list.push({ type: C.CSSLOT_ENTITLEMENTS, bytes: blob(C.CSMAGIC_EMBEDDED_ENTITLEMENTS, new TextEncoder().encode(cs.entitlements)) });
  if (cs.derEntitlements) list.push({ type: C.CSSLOT_DER_ENTITLEMENTS, bytes: blob(C.CSMAGIC_EMBEDDED_DER_ENTITLEMENTS, cs.derEntitlements) });
  return list;
}

function cdSize(cs: MachOWriterCodeSignature, codeLimit: number): number {
  const nCode = Math.ceil(codeLimit / (1 << CS_PAGE_SHIFT));
  const nSpecial = cs.derEntitlements ? 7 : 5;
  const ident = new TextEncoder().encode(cs.identifier).length + 1;
  const team = cs.teamId ? new TextEncoder().encode(cs.teamId).length + 1 : 0;
  return CD_HEADER_SIZE + ident + team + (nSpecial + nCode) * 32;
}

function codeSignatureSize(cs: MachOWriterCodeSignature, codeLimit: number): number {
  const blobs = sigBlobs(cs);
  const n = blobs.length + 2; // + CodeDirectory + empty CMS wrapper
  const total = 12 + 8 * n + cdSize(cs, codeLimit) + blobs.reduce((a, b) => a + b.bytes.length, 0) + 8;
  return alignUp(total, 16);
}

function codeSignature(cs: MachOWriterCodeSignature, code: Uint8Array, mainBinary: boolean, execSegLimit: number): Uint8Array {
  const enc = new TextEncoder();
  const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
  const blobs = sigBlobs(cs);
  const nSpecial = cs.derEntitlements ? 7 : 5;
  const nCode = Math.ceil(code.length / (1 << CS_PAGE_SHIFT));
  const special: Uint8Array[] = Array.from({ length: nSpecial }, () => new Uint8Array(32));
  for (const b of blobs) special[b.type - 1] = sha256(b.bytes); // slot -N at index N-1
  const ident = enc.encode(cs.identifier);
  const team = cs.teamId ? enc.encode(cs.teamId) : undefined;
  const identOffset = CD_HEADER_SIZE;
  const teamOffset = team ? identOffset + ident.length + 1 : 0;
  const hashOffset = identOffset + ident.length + 1 + (team ? team.length + 1 : 0) + nSpecial * 32;
  const cd = new ByteOut();
  cd.be32(C.CSMAGIC_CODEDIRECTORY);
  cd.be32(cdSize(cs, code.length));
  cd.be32(C.CS_SUPPORTSEXECSEG);
  cd.be32(cs.teamId ? 0 : C.CS_ADHOC); // flags
  cd.be32(hashOffset);
  cd.be32(identOffset);
  cd.be32(nSpecial);
  cd.be32(nCode);
  cd.be32(code.length); // codeLimit
  cd.u8(32); // hashSize
  cd.u8(C.CS_HASHTYPE_SHA256);
  cd.u8(0); // platform
  cd.u8(CS_PAGE_SHIFT);
  cd.be32(0); // spare2
  cd.be32(0); // scatterOffset
  cd.be32(teamOffset);
  cd.be32(0); // spare3
  cd.be64(0); // codeLimit64
  cd.be64(0); // execSegBase
  cd.be64(execSegLimit);
  cd.be64(mainBinary ? 1 : 0); // CS_EXECSEG_MAIN_BINARY
  cd.bytes(ident);
  cd.u8(0);
  if (team) {
    cd.bytes(team);
    cd.u8(0);
  }
  for (let i = nSpecial - 1; i >= 0; i--) cd.bytes(special[i]);
  for (let p = 0; p < nCode; p++) cd.bytes(sha256(code.subarray(p << CS_PAGE_SHIFT, Math.min(code.length, (p + 1) << CS_PAGE_SHIFT))));
  const all = [{ type: C.CSSLOT_CODEDIRECTORY, bytes: cd.result() }, ...blobs, { type: C.CSSLOT_SIGNATURESLOT, bytes: blob(C.CSMAGIC_BLOBWRAPPER, new Uint8Array(0)) }];
  const out = new ByteOut();
  const total = 12 + 8 * all.length + all.reduce((a, b) => a + b.bytes.length, 0);
  out.be32(C.CSMAGIC_EMBEDDED_SIGNATURE);
  out.be32(total);
  out.be32(all.length);
  let at = 12 + 8 * all.length;
  for (const b of all) {
    out.be32(b.type);
    out.be32(at);
    at += b.bytes.length;
  }
  for (const b of all) out.bytes(b.bytes);
  out.align(16);
  return out.result();
}

// ---- MH_OBJECT -----------------------------------------------------------------------------------

export function buildMachOObject(input: MachOObjectInput = {}): Uint8Array {
  const arch = input.arch ?? 'arm64';
  const [cpuType, cpuSubtype] = cpuOf(arch);
  const objc = buildObjcSections(input.classes ?? [], input.extraClassNames ?? [], input.selectors ?? [], input.cStrings ?? [], arch, ['__DATA', '__DATA']);
  const secs = [objc.text, objc.cstring, objc.classname, objc.methname, objc.methtype, objc.objcConst, objc.objcData, objc.classlist, objc.imageinfo];
  secs.forEach((s, i) => (s.index = i + 1));
  const sizeofcmds = C.SEGMENT_COMMAND_64_SIZE + secs.length * C.SECTION_64_SIZE + 24 + 24;
  const headerEnd = C.MACH_HEADER_64_SIZE + sizeofcmds;
  let addr = 0;
  for (const s of secs) {
    addr = alignUp(addr, s.align);
    s.addr = addr;
    s.fileoff = headerEnd + addr; // headerEnd is a multiple of 8, so alignment carries over
    addr += s.data.len;
  }
  const contentEnd = alignUp(headerEnd + addr, 8);
  // symbols: classes (extern, defined); index order = table order
  const syms: SymbolOut[] = objc.symbols.map((s) => ({ name: s.name, type: C.N_SECT | C.N_EXT, sect: s.sec.index, value: s.sec.addr + s.off }));
  const symIndex = new Map(syms.map((s, i) => [s.name, i]));
  // relocations
  const relocs = new Map<Sec, ByteOut>();
  for (const s of secs) {
    if (s.ptrs.length === 0) continue;
    const r = new ByteOut();
    // ld64 expects relocations in descending address order, as clang writes them
    for (const p of [...s.ptrs].sort((a, c) => c.at - a.at)) {
      const length = 3; // 8 bytes
      if (p.symbol !== undefined && symIndex.has(p.symbol)) {
        r.u32(p.at);
        r.u32((symIndex.get(p.symbol)! & 0xffffff) | (length << 25) | (1 << 27));
      } else if (p.sec) {
        r.u32(p.at);
        r.u32((p.sec.index & 0xffffff) | (length << 25));
      }
    }
    relocs.set(s, r);
  }
  let off = contentEnd;
  const relocOff = new Map<Sec, number>();
  for (const [s, r] of relocs) {
    relocOff.set(s, off);
    off += r.len;
  }
  const tables = symbolTables(syms);
  const symOff = off;
  const strOff = symOff + tables.table.length;
  const out = new ByteOut();
  out.u32(C.MH_MAGIC_64);
  out.u32(cpuType);
  out.u32(cpuSubtype);
  out.u32(C.MH_OBJECT);
  out.u32(3);
  out.u32(sizeofcmds);
  out.u32(C.MH_SUBSECTIONS_VIA_SYMBOLS);
  out.u32(0);
  out.u32(C.LC_SEGMENT_64);
  out.u32(C.SEGMENT_COMMAND_64_SIZE + secs.length * C.SECTION_64_SIZE);
  out.fixed('', 16);
  out.u64(0);
  out.u64(addr);
  out.u64(headerEnd);
  out.u64(addr);
  out.u32(7);
  out.u32(7);
  out.u32(secs.length);
  out.u32(0);
  for (const s of secs) sectionHeader(out, s, s.fileoff, relocOff.get(s) ?? 0, s.ptrs.filter((p) => p.sec || p.symbol).length);
  out.u32(C.LC_BUILD_VERSION);
  out.u32(24);
  out.u32(input.platform ?? C.PLATFORM_IOS);
  out.u32(encodeVersion(input.minOS ?? '14.0'));
  out.u32(encodeVersion(input.sdk ?? '17.0'));
  out.u32(0);
  out.u32(C.LC_SYMTAB);
  out.u32(24);
  out.u32(symOff);
  out.u32(syms.length);
  out.u32(strOff);
  out.u32(tables.strings.length);
  for (const s of secs) {
    out.padTo(s.fileoff);
    out.bytes(s.data.result());
  }
  out.padTo(contentEnd);
  for (const r of relocs.values()) out.bytes(r.result());
  out.bytes(tables.table);
  out.bytes(tables.strings);
  const bytes = out.result();
  // in-place values: section-relative pointers hold the target address; extern ones hold 0
  const dv = new DataView(bytes.buffer);
  for (const s of secs) {
    for (const p of s.ptrs) {
      if (p.sec && !(p.symbol !== undefined && symIndex.has(p.symbol))) dv.setBigUint64(s.fileoff + p.at, BigInt(p.sec.addr + (p.off ?? 0)), true);
    }
  }
  return bytes;
}

// ---- fat -----------------------------------------------------------------------------------------

export interface FatInput {
  bytes: Uint8Array;
  /** required for archives; read from the Mach-O header otherwise */
  cpuType?: number;
  cpuSubtype?: number;
}

/** A fat file; slices aligned to 2^14 (2^12 for x86 slices), in the given order. */
export function buildFat(slices: (Uint8Array | FatInput)[], options: { fat64?: boolean } = {}): Uint8Array {
  const entries = slices.map((s) => (s instanceof Uint8Array ? { bytes: s } : s));
  const is64 = options.fat64 === true;
  const headerSize = 8 + entries.length * (is64 ? C.FAT_ARCH_64_SIZE : C.FAT_ARCH_SIZE);
  let off = headerSize;
  const placed = entries.map((e) => {
    const dv = new DataView(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength);
    const isMachO = e.bytes.length >= 12 && dv.getUint32(0, true) === C.MH_MAGIC_64;
    const cpuType = e.cpuType ?? (isMachO ? dv.getUint32(4, true) : C.CPU_TYPE_ARM64);
    const cpuSubtype = e.cpuSubtype ?? (isMachO ? dv.getUint32(8, true) : 0);
    const align = cpuType === C.CPU_TYPE_X86_64 || cpuType === C.CPU_TYPE_X86 ? 12 : 14;
    off = alignUp(off, 1 << align);
    const at = off;
    off += e.bytes.length;
    return { ...e, cpuType, cpuSubtype, align, at };
  });
  const out = new ByteOut();
  out.be32(is64 ? C.FAT_MAGIC_64 : C.FAT_MAGIC);
  out.be32(entries.length);
  for (const p of placed) {
    out.be32(p.cpuType);
    out.be32(p.cpuSubtype);
    if (is64) {
      out.be64(p.at);
      out.be64(p.bytes.length);
      out.be32(p.align);
      out.be32(0);
    } else {
      out.be32(p.at);
      out.be32(p.bytes.length);
      out.be32(p.align);
    }
  }
  for (const p of placed) {
    out.padTo(p.at);
    out.bytes(p.bytes);
  }
  return out.result();
}

// ---- ar ------------------------------------------------------------------------------------------

export interface ArchiveInput {
  name: string;
  bytes: Uint8Array;
}

function arHeader(out: ByteOut, name: string, size: number): void {
  const field = (v: string, n: number): void => out.fixed(v.padEnd(n, ' '), n);
  field(name, 16);
  field('0', 12);
  field('0', 6);
  field('0', 6);
  field('100644', 8);
  field(String(size), 10);
  out.fixed(C.ARFMAG, 2);
}

/** Defined external symbols of a 64-bit little-endian object (for the __.SYMDEF table). */
function definedSymbols(obj: Uint8Array): string[] {
  const dv = new DataView(obj.buffer, obj.byteOffset, obj.byteLength);
  if (obj.length < 32 || dv.getUint32(0, true) !== C.MH_MAGIC_64) return [];
  const ncmds = dv.getUint32(16, true);
  let at = 32;
  for (let i = 0; i < ncmds && at + 8 <= obj.length; i++) {
    const cmd = dv.getUint32(at, true);
    if (cmd === C.LC_SYMTAB) {
      const symoff = dv.getUint32(at + 8, true);
      const nsyms = dv.getUint32(at + 12, true);
      const stroff = dv.getUint32(at + 16, true);
      const names: string[] = [];
      for (let s = 0; s < nsyms; s++) {
        const e = symoff + s * 16;
        const type = obj[e + 4];
        if ((type & C.N_EXT) === 0 || (type & C.N_TYPE) === C.N_UNDF) continue;
        let p = stroff + dv.getUint32(e, true);
        let name = '';
        while (obj[p] !== 0) name += String.fromCharCode(obj[p++]);
        names.push(name);
      }
      return names;
    }
    at += dv.getUint32(at + 4, true);
  }
  return [];
}

/**
 * BSD ar static library as Apple's libtool writes it: `__.SYMDEF SORTED` first (ranlib_64-less
 * 32-bit table), every member named with `#1/N`, member data 8-byte aligned.
 */
export function buildArchive(members: ArchiveInput[], options: { symdef?: boolean } = {}): Uint8Array {
  const out = new ByteOut();
  out.fixed(C.ARMAG, C.SARMAG);
  const enc = new TextEncoder();
  const memberBlock = (name: string, data: Uint8Array): Uint8Array => {
    const nameBytes = enc.encode(name);
    // name padded so that header (60) + name keeps the data 8-byte aligned
    const nameLen = alignUp(nameBytes.length + 1, 4) + ((alignUp(nameBytes.length + 1, 4) + C.AR_HDR_SIZE) % 8 === 0 ? 0 : 4);
    const dataLen = alignUp(data.length, 8);
    const o = new ByteOut();
    arHeader(o, `${C.AR_EFMT1}${nameLen}`, nameLen + dataLen);
    o.bytes(nameBytes);
    o.padTo(C.AR_HDR_SIZE + nameLen);
    o.bytes(data);
    o.padTo(C.AR_HDR_SIZE + nameLen + dataLen);
    return o.result();
  };
  const blocks = members.map((m) => memberBlock(m.name, m.bytes));
  if (options.symdef !== false) {
    // ranlib { ran_strx, ran_off } entries, offsets of member headers; sized first, then filled
    const entries = members.flatMap((m, i) => definedSymbols(m.bytes).map((name) => ({ name, member: i })));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const strs = new ByteOut();
    const strx = entries.map((e) => {
      const at = strs.len;
      strs.cstr(e.name);
      return at;
    });
    strs.align(8);
    const build = (offsets: number[]): Uint8Array => {
      const d = new ByteOut();
      d.u32(entries.length * 8);
      entries.forEach((e, i) => {
        d.u32(strx[i]);
        d.u32(offsets[e.member]);
      });
      d.u32(strs.len);
      d.bytes(strs.result());
      return d.result();
    };
    const sizeProbe = memberBlock('__.SYMDEF SORTED', build(members.map(() => 0)));
    const offsets: number[] = [];
    let at = C.SARMAG + sizeProbe.length;
    for (const b of blocks) {
      offsets.push(at);
      at += b.length;
    }
    out.bytes(memberBlock('__.SYMDEF SORTED', build(offsets)));
  }
  for (const b of blocks) out.bytes(b);
  return out.result();
}

// ---- samples -------------------------------------------------------------------------------------

/** A tracker-flavoured sample used by several tests. */
export function sampleMachOInput(overrides: Partial<MachOWriterInput> = {}): MachOWriterInput {
  return {
    classes: [
      { name: 'AppDelegate', methods: ['application:didFinishLaunchingWithOptions:'] },
      { name: 'FBSDKAppEvents', methods: ['logEvent:', 'activateApp'] },
      { name: 'AppsFlyerLib', methods: ['start'] },
    ],
    extraClassNames: ['FBSDKAppEventsProtocol'],
    selectors: ['init', 'dealloc'],
    cStrings: ['https://graph.facebook.com/v9.0/', 'api.appsflyer.com', 'hello'],
    dylibs: [
      { name: '/System/Library/Frameworks/Foundation.framework/Foundation', currentVersion: '1953.255.0', compatVersion: '300.0.0' },
      { name: '/System/Library/Frameworks/AdSupport.framework/AdSupport', kind: 'weak' },
      { name: '@rpath/FBSDKCoreKit.framework/FBSDKCoreKit', currentVersion: '9.0.0' },
      { name: '/usr/lib/libobjc.A.dylib', currentVersion: '228.0.0' },
      { name: '/usr/lib/libSystem.B.dylib', currentVersion: '1319.0.0' },
    ],
    rpaths: ['@executable_path/Frameworks'],
    ...overrides,
  };
}
