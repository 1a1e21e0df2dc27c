/**
 * Builds small, valid DEX files for fixtures and tests (checked against Debian's `dexdump`).
 * Spec: https://source.android.com/docs/core/runtime/dex-format
 *
 * What it writes: header, the six id tables sorted as the spec requires, code items, type lists,
 * string data, class data and a map_list, with a correct adler32 checksum and SHA-1 signature.
 * Not written: annotations, static values, debug info, call sites, method handles.
 * Classes are emitted superclass/interfaces first (stable topological order), as the verifier wants.
 */
import { createHash } from 'node:crypto';
import {
  ACC_ABSTRACT,
  ACC_CONSTRUCTOR,
  ACC_NATIVE,
  ACC_PUBLIC,
  ACC_STATIC,
  adler32,
  DEX_CONTAINER_VERSION,
  ENDIAN_CONSTANT,
  HEADER_SIZE,
  HEADER_SIZE_V41,
  NO_INDEX,
  TYPE_CLASS_DATA_ITEM,
  TYPE_CLASS_DEF_ITEM,
  TYPE_CODE_ITEM,
  TYPE_FIELD_ID_ITEM,
  TYPE_HEADER_ITEM,
  TYPE_MAP_LIST,
  TYPE_METHOD_ID_ITEM,
  TYPE_PROTO_ID_ITEM,
  TYPE_STRING_DATA_ITEM,
  TYPE_STRING_ID_ITEM,
  TYPE_TYPE_ID_ITEM,
  TYPE_TYPE_LIST,
} from '../formats/dex.js';
import { encodeMutf8 } from '../formats/mutf8.js';

export interface DexWriterCode {
  registersSize: number;
  insSize: number;
  outsSize: number;
  /** 16-bit code units */
  insns: number[];
}

export interface DexWriterField {
  name: string;
  type: string;
  /** default ACC_PUBLIC (ACC_STATIC is added for static fields) */
  accessFlags?: number;
}

export interface DexWriterMethod {
  name: string;
  /** default 'V' */
  returnType?: string;
  parameters?: string[];
  /** default ACC_PUBLIC; ACC_CONSTRUCTOR is added for <init>/<clinit> */
  accessFlags?: number;
  /**
   * Code to emit. Default: a minimal body returning void/zero/null for the return type, or no code
   * when the method is abstract or native. `null` forces no code.
   */
  code?: DexWriterCode | null;
}

export interface DexWriterClass {
  descriptor: string;
  /** default 'Ljava/lang/Object;'; null for none (only java.lang.Object itself) */
  superclass?: string | null;
  /** default ACC_PUBLIC */
  accessFlags?: number;
  interfaces?: string[];
  sourceFile?: string;
  staticFields?: DexWriterField[];
  instanceFields?: DexWriterField[];
  directMethods?: DexWriterMethod[];
  virtualMethods?: DexWriterMethod[];
}

export interface DexWriterMethodRef {
  classDescriptor: string;
  name: string;
  returnType: string;
  parameters?: string[];
}

export interface DexWriterFieldRef {
  classDescriptor: string;
  name: string;
  type: string;
}

export interface DexWriterInput {
  classes: DexWriterClass[];
  /** extra string constants for the pool */
  strings?: string[];
  /** extra referenced types */
  types?: string[];
  methodRefs?: DexWriterMethodRef[];
  fieldRefs?: DexWriterFieldRef[];
  /** magic version, default 35 */
  version?: number;
}

/** Growable little-endian byte buffer. */
class Out {
  buf = new Uint8Array(256);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
  }
  u16(v: number): void {
    this.u8(v);
    this.u8(v >>> 8);
  }
  u32(v: number): void {
    this.u16(v & 0xffff);
    this.u16(v >>> 16);
  }
  uleb(v: number): void {
    let x = v >>> 0;
    do {
      let b = x & 0x7f;
      x >>>= 7;
      if (x !== 0) b |= 0x80;
      this.u8(b);
    } while (x !== 0);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  align(n: number): void {
    while (this.len % n !== 0) this.u8(0);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function shortyChar(descriptor: string): string {
  return descriptor[0] === 'L' || descriptor[0] === '[' ? 'L' : descriptor[0];
}

/** Number of 32-bit registers an argument of this type takes. */
function words(descriptor: string): number {
  return descriptor === 'J' || descriptor === 'D' ? 2 : 1;
}

/** Default body: return void / 0 / 0L / null according to the return type. */
function defaultCode(returnType: string, parameters: string[], isStatic: boolean): DexWriterCode {
  const ins = parameters.reduce((n, p) => n + words(p), isStatic ? 0 : 1);
  if (returnType === 'V') return { registersSize: ins, insSize: ins, outsSize: 0, insns: [0x000e] }; // return-void
  if (returnType === 'J' || returnType === 'D') {
    // const-wide/16 v0, #0 ; return-wide v0
    return { registersSize: ins + 2, insSize: ins, outsSize: 0, insns: [0x0016, 0x0000, 0x0010] };
  }
  const ret = returnType[0] === 'L' || returnType[0] === '[' ? 0x0011 /* return-object v0 */ : 0x000f; /* return v0 */
  return { registersSize: ins + 1, insSize: ins, outsSize: 0, insns: [0x0012 /* const/4 v0, #0 */, ret] };
}

interface ProtoKey {
  shorty: string;
  returnType: string;
  parameters: string[];
}

function protoKey(returnType: string, parameters: string[]): string {
  return `(${parameters.join('')})${returnType}`;
}

function compareStrings(a: string, b: string): number {
  // UTF-16 code unit order, as the spec requires for string_ids
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Emits superclasses and interfaces defined in the same file before their subclasses. */
function orderClasses(classes: DexWriterClass[]): DexWriterClass[] {
  const byName = new Map(classes.map((c) => [c.descriptor, c]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: DexWriterClass[] = [];
  const visit = (c: DexWriterClass): void => {
    if (done.has(c.descriptor) || visiting.has(c.descriptor)) return;
    visiting.add(c.descriptor);
    const deps = [...(c.superclass ? [c.superclass] : []), ...(c.interfaces ?? [])];
    for (const d of deps) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    visiting.delete(c.descriptor);
    done.add(c.descriptor);
    out.push(c);
  };
  classes.forEach(visit);
  return out;
}

/** Builds one DEX file. */
export function buildDex(input: DexWriterInput): Uint8Array {
  return buildEntries([input], input.version ?? 35);
}

/**
 * Builds a version 041 container holding one dex per input, back to back; every offset is
 * relative to the start of the container.
 */
export function buildDexContainer(inputs: DexWriterInput[]): Uint8Array {
  return buildEntries(inputs, DEX_CONTAINER_VERSION);
}

function buildEntries(inputs: DexWriterInput[], version: number): Uint8Array {
  if (inputs.length > 1 && version < DEX_CONTAINER_VERSION) throw new Error('several dex entries need version 041');
  const parts: Uint8Array[] = [];
  let base = 0;
  for (const input of inputs) {
    const part = buildEntry(input, version, base);
    parts.push(part);
    base += part.length;
  }
  const out = new Uint8Array(base);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  const dv = new DataView(out.buffer);
  // Patch container_size into every v041 header, then sign and checksum each entry.
  at = 0;
  for (const p of parts) {
    if (version >= DEX_CONTAINER_VERSION) dv.setUint32(at + 0x70, out.length, true);
    const sig = createHash('sha1').update(out.subarray(at + 32, at + p.length)).digest();
    out.set(sig, at + 12);
    dv.setUint32(at + 8, adler32(out, at + 12, at + p.length), true);
    at += p.length;
  }
  return out;
}

/** Builds one entry whose header will sit at `base` in the final file (offsets are absolute). */
function buildEntry(input: DexWriterInput, version: number, base: number): Uint8Array {
  const classes = orderClasses(input.classes);
  const headerSize = version >= DEX_CONTAINER_VERSION ? HEADER_SIZE_V41 : HEADER_SIZE;

  // ---- collect everything that must be in the pools ------------------------------------------------
  const strings = new Set<string>(input.strings ?? []);
  const types = new Set<string>(input.types ?? []);
  const protos = new Map<string, ProtoKey>();
  const fieldSet = new Map<string, DexWriterFieldRef>();
  const methodSet = new Map<string, DexWriterMethodRef>();

  const addType = (t: string): void => {
    types.add(t);
    strings.add(t);
  };
  const addProto = (returnType: string, parameters: string[]): void => {
    const key = protoKey(returnType, parameters);
    if (protos.has(key)) return;
    const shorty = shortyChar(returnType) + parameters.map(shortyChar).join('');
    protos.set(key, { shorty, returnType, parameters });
    strings.add(shorty);
    addType(returnType);
    parameters.forEach(addType);
  };
  const addField = (f: DexWriterFieldRef): void => {
    addType(f.classDescriptor);
    addType(f.type);
    strings.add(f.name);
    fieldSet.set(`${f.classDescriptor}->${f.name}:${f.type}`, f);
  };
  const addMethod = (m: DexWriterMethodRef): void => {
    addType(m.classDescriptor);
    strings.add(m.name);
    addProto(m.returnType, m.parameters ?? []);
    methodSet.set(`${m.classDescriptor}->${m.name}${protoKey(m.returnType, m.parameters ?? [])}`, m);
  };

  for (const t of input.types ?? []) addType(t);
  for (const c of classes) {
    addType(c.descriptor);
    const sup = c.superclass === undefined ? 'Ljava/lang/Object;' : c.superclass;
    if (sup) addType(sup);
    (c.interfaces ?? []).forEach(addType);
    if (c.sourceFile !== undefined) strings.add(c.sourceFile);
    for (const f of [...(c.staticFields ?? []), ...(c.instanceFields ?? [])]) addField({ classDescriptor: c.descriptor, name: f.name, type: f.type });
    for (const m of [...(c.directMethods ?? []), ...(c.virtualMethods ?? [])]) {
      addMethod({ classDescriptor: c.descriptor, name: m.name, returnType: m.returnType ?? 'V', parameters: m.parameters ?? [] });
    }
  }
  (input.fieldRefs ?? []).forEach(addField);
  (input.methodRefs ?? []).forEach(addMethod);

  // ---- sort the id tables ------------------------------------------------------------------------
  const stringList = [...strings].sort(compareStrings);
  const stringIdx = new Map(stringList.map((s, i) => [s, i]));
  const typeList = [...types].sort((a, b) => stringIdx.get(a)! - stringIdx.get(b)!);
  const typeIdx = new Map(typeList.map((t, i) => [t, i]));
  const compareTypeLists = (a: string[], b: string[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = typeIdx.get(a[i])! - typeIdx.get(b[i])!;
      if (d !== 0) return d;
    }
    return a.length - b.length;
  };
  const protoList = [...protos.values()].sort(
    (a, b) => typeIdx.get(a.returnType)! - typeIdx.get(b.returnType)! || compareTypeLists(a.parameters, b.parameters),
  );
  const protoIdx = new Map(protoList.map((p, i) => [protoKey(p.returnType, p.parameters), i]));
  const fieldList = [...fieldSet.values()].sort(
    (a, b) =>
      typeIdx.get(a.classDescriptor)! - typeIdx.get(b.classDescriptor)! ||
      stringIdx.get(a.name)! - stringIdx.get(b.name)! ||
      typeIdx.get(a.type)! - typeIdx.get(b.type)!,
  );
  const fieldIdx = new Map(fieldList.map((f, i) => [`${f.classDescriptor}->${f.name}:${f.type}`, i]));
  const methodList = [...methodSet.values()].sort(
    (a, b) =>
      typeIdx.get(a.classDescriptor)! - typeIdx.get(b.classDescriptor)! ||
      stringIdx.get(a.name)! - stringIdx.get(b.name)! ||
      protoIdx.get(protoKey(a.returnType, a.parameters ?? []))! - protoIdx.get(protoKey(b.returnType, b.parameters ?? []))!,
  );
  const methodIdx = new Map(methodList.map((m, i) => [`${m.classDescriptor}->${m.name}${protoKey(m.returnType, m.parameters ?? [])}`, i]));

  // ---- layout: id tables after the header, then the data section ---------------------------------
  const stringIdsOff = base + headerSize;
  const typeIdsOff = stringIdsOff + 4 * stringList.length;
  const protoIdsOff = typeIdsOff + 4 * typeList.length;
  const fieldIdsOff = protoIdsOff + 12 * protoList.length;
  const methodIdsOff = fieldIdsOff + 8 * fieldList.length;
  const classDefsOff = methodIdsOff + 8 * methodList.length;
  const dataOff = classDefsOff + 32 * classes.length;

  // The data section is built in `data`, whose byte 0 sits at absolute offset dataOff.
  const data = new Out();
  const abs = (): number => dataOff + data.len;

  // code items (4-byte aligned)
  interface EncMethod {
    idx: number;
    flags: number;
    codeOff: number;
  }
  let codeCount = 0;
  let codeStart = 0;
  const classMethods = new Map<DexWriterClass, { direct: EncMethod[]; virtual: EncMethod[] }>();
  for (const c of classes) {
    const enc = (list: DexWriterMethod[] | undefined): EncMethod[] =>
      (list ?? []).map((m) => {
        const returnType = m.returnType ?? 'V';
        const parameters = m.parameters ?? [];
        let flags = m.accessFlags ?? ACC_PUBLIC;
        if (m.name === '<init>' || m.name === '<clinit>') flags |= ACC_CONSTRUCTOR;
        let code: DexWriterCode | null = null;
        if (m.code !== undefined) code = m.code;
        else if ((flags & (ACC_ABSTRACT | ACC_NATIVE)) === 0) code = defaultCode(returnType, parameters, (flags & ACC_STATIC) !== 0);
        let codeOff = 0;
        if (code) {
          data.align(4);
          if (codeCount === 0) codeStart = abs();
          codeCount++;
          codeOff = abs();
          data.u16(code.registersSize);
          data.u16(code.insSize);
          data.u16(code.outsSize);
          data.u16(0); // tries_size
          data.u32(0); // debug_info_off
          data.u32(code.insns.length);
          for (const u of code.insns) data.u16(u);
        }
        const idx = methodIdx.get(`${c.descriptor}->${m.name}${protoKey(returnType, parameters)}`)!;
        return { idx, flags, codeOff };
      });
    classMethods.set(c, { direct: enc(c.directMethods), virtual: enc(c.virtualMethods) });
  }

  // type lists (4-byte aligned, deduplicated): proto parameters and class interfaces
  const typeListOffs = new Map<string, number>();
  let typeListStart = 0;
  const typeListOff = (list: string[]): number => {
    if (list.length === 0) return 0;
    const key = list.join('');
    let off = typeListOffs.get(key);
    if (off === undefined) {
      data.align(4);
      if (typeListOffs.size === 0) typeListStart = abs();
      off = abs();
      data.u32(list.length);
      for (const t of list) data.u16(typeIdx.get(t)!);
      typeListOffs.set(key, off);
    }
    return off;
  };
  const protoParamOffs = protoList.map((p) => typeListOff(p.parameters));
  const interfaceOffs = classes.map((c) => typeListOff(c.interfaces ?? []));

  // string data
  const stringDataStart = abs();
  const stringDataOffs = stringList.map((s) => {
    const off = abs();
    data.uleb(s.length);
    data.bytes(encodeMutf8(s));
    data.u8(0);
    return off;
  });

  // class data
  let classDataCount = 0;
  let classDataStart = 0;
  const classDataOffs = classes.map((c) => {
    const sf = (c.staticFields ?? []).map((f) => ({ idx: fieldIdx.get(`${c.descriptor}->${f.name}:${f.type}`)!, flags: (f.accessFlags ?? ACC_PUBLIC) | ACC_STATIC }));
    const inf = (c.instanceFields ?? []).map((f) => ({ idx: fieldIdx.get(`${c.descriptor}->${f.name}:${f.type}`)!, flags: f.accessFlags ?? ACC_PUBLIC }));
    const { direct, virtual } = classMethods.get(c)!;
    if (sf.length + inf.length + direct.length + virtual.length === 0) return 0;
    if (classDataCount === 0) classDataStart = abs();
    classDataCount++;
    const off = abs();
    data.uleb(sf.length);
    data.uleb(inf.length);
    data.uleb(direct.length);
    data.uleb(virtual.length);
    // each list is sorted by index and stored as differences
    const fields = (list: { idx: number; flags: number }[]): void => {
      let prev = 0;
      for (const f of [...list].sort((a, b) => a.idx - b.idx)) {
        data.uleb(f.idx - prev);
        data.uleb(f.flags);
        prev = f.idx;
      }
    };
    const methods = (list: EncMethod[]): void => {
      let prev = 0;
      for (const m of [...list].sort((a, b) => a.idx - b.idx)) {
        data.uleb(m.idx - prev);
        data.uleb(m.flags);
        data.uleb(m.codeOff);
        prev = m.idx;
      }
    };
    fields(sf);
    fields(inf);
    methods(direct);
    methods(virtual);
    return off;
  });

  // map_list (4-byte aligned, last)
  data.align(4);
  const mapOff = abs();
  const mapItems: [number, number, number][] = [[TYPE_HEADER_ITEM, 1, base]];
  const section = (type: number, size: number, off: number): void => {
    if (size > 0) mapItems.push([type, size, off]);
  };
  section(TYPE_STRING_ID_ITEM, stringList.length, stringIdsOff);
  section(TYPE_TYPE_ID_ITEM, typeList.length, typeIdsOff);
  section(TYPE_PROTO_ID_ITEM, protoList.length, protoIdsOff);
  section(TYPE_FIELD_ID_ITEM, fieldList.length, fieldIdsOff);
  section(TYPE_METHOD_ID_ITEM, methodList.length, methodIdsOff);
  section(TYPE_CLASS_DEF_ITEM, classes.length, classDefsOff);
  section(TYPE_CODE_ITEM, codeCount, codeStart);
  section(TYPE_TYPE_LIST, typeListOffs.size, typeListStart);
  section(TYPE_STRING_DATA_ITEM, stringList.length, stringDataStart);
  section(TYPE_CLASS_DATA_ITEM, classDataCount, classDataStart);
  mapItems.push([TYPE_MAP_LIST, 1, mapOff]);
  mapItems.sort((a, b) => a[2] - b[2]);
  data.u32(mapItems.length);
  for (const [type, size, off] of mapItems) {
    data.u16(type);
    data.u16(0);
    data.u32(size);
    data.u32(off);
  }
  const fileEnd = abs();

  // ---- header and id tables ------------------------------------------------------------------------
  const out = new Out();
  out.bytes(Uint8Array.of(0x64, 0x65, 0x78, 0x0a, ...String(version).padStart(3, '0').split('').map((c) => c.charCodeAt(0)), 0));
  out.u32(0); // checksum, patched later
  out.bytes(new Uint8Array(20)); // signature, patched later
  out.u32(fileEnd - base); // file_size (v041: distance to the next header)
  out.u32(headerSize);
  out.u32(ENDIAN_CONSTANT);
  out.u32(0); // link_size
  out.u32(0); // link_off
  out.u32(mapOff);
  const idTable = (size: number, off: number): void => {
    out.u32(size);
    out.u32(size === 0 ? 0 : off);
  };
  idTable(stringList.length, stringIdsOff);
  idTable(typeList.length, typeIdsOff);
  idTable(protoList.length, protoIdsOff);
  idTable(fieldList.length, fieldIdsOff);
  idTable(methodList.length, methodIdsOff);
  idTable(classes.length, classDefsOff);
  if (version >= DEX_CONTAINER_VERSION) {
    out.u32(0); // data_size: unused in v041
    out.u32(0); // data_off: unused in v041
    out.u32(0); // container_size, patched once the container is assembled
    out.u32(base); // header_offset
  } else {
    out.u32(fileEnd - dataOff);
    out.u32(dataOff);
  }

  for (const off of stringDataOffs) out.u32(off);
  for (const t of typeList) out.u32(stringIdx.get(t)!);
  protoList.forEach((p, i) => {
    out.u32(stringIdx.get(p.shorty)!);
    out.u32(typeIdx.get(p.returnType)!);
    out.u32(protoParamOffs[i]);
  });
  for (const f of fieldList) {
    out.u16(typeIdx.get(f.classDescriptor)!);
    out.u16(typeIdx.get(f.type)!);
    out.u32(stringIdx.get(f.name)!);
  }
  for (const m of methodList) {
    out.u16(typeIdx.get(m.classDescriptor)!);
    out.u16(protoIdx.get(protoKey(m.returnType, m.parameters ?? []))!);
    out.u32(stringIdx.get(m.name)!);
  }
  classes.forEach((c, i) => {
    const sup = c.superclass === undefined ? 'Ljava/lang/Object;' : c.superclass;
    out.u32(typeIdx.get(c.descriptor)!);
    out.u32(c.accessFlags ?? ACC_PUBLIC);
    out.u32(sup ? typeIdx.get(sup)! : NO_INDEX);
    out.u32(interfaceOffs[i]);
    out.u32(c.sourceFile !== undefined ? stringIdx.get(c.sourceFile)! : NO_INDEX);
    out.u32(0); // annotations_off
    out.u32(classDataOffs[i]);
    out.u32(0); // static_values_off
  });
  if (base + out.len !== dataOff) throw new Error(`dex-writer layout bug: ids end at ${base + out.len}, data at ${dataOff}`);
  out.bytes(data.result());
  return out.result();
}

/**
 * A small but varied program used by the DEX tests and as a fuzzing seed: an interface, an abstract
 * class, a subclass declared before its superclass, inner classes, fields, static/instance/abstract/
 * native methods, non-ASCII, surrogate-pair and U+0000 strings, and references to SDK methods/fields.
 */
export function sampleDexInput(version = 35): DexWriterInput {
  return {
    version,
    classes: [
      {
        descriptor: 'Lcom/example/tracker/Impl;',
        superclass: 'Lcom/example/tracker/Base;',
        interfaces: ['Lcom/example/tracker/Api;', 'Ljava/lang/Runnable;'],
        accessFlags: ACC_PUBLIC | 0x10 /* ACC_FINAL */,
        sourceFile: 'Impl.java',
        staticFields: [{ name: 'INSTANCE', type: 'Lcom/example/tracker/Impl;' }, { name: 'COUNT', type: 'I', accessFlags: 0x2 | 0x10 }],
        instanceFields: [{ name: 'id', type: 'J', accessFlags: 0x2 }, { name: 'name', type: 'Ljava/lang/String;' }],
        directMethods: [
          { name: '<init>', parameters: [] },
          { name: '<clinit>', accessFlags: ACC_STATIC },
          { name: 'helper', returnType: 'J', parameters: ['I', 'D', '[Ljava/lang/String;'], accessFlags: 0x2 },
        ],
        virtualMethods: [
          { name: 'run' },
          { name: 'track', returnType: 'Z', parameters: ['Ljava/lang/String;'] },
          { name: 'nativeHash', returnType: 'I', parameters: ['[B'], accessFlags: ACC_PUBLIC | ACC_NATIVE },
          { name: 'id', returnType: 'Ljava/lang/String;', code: { registersSize: 2, insSize: 1, outsSize: 0, insns: [0x0012, 0x0011] } },
        ],
      },
      {
        descriptor: 'Lcom/example/tracker/Base;',
        accessFlags: ACC_PUBLIC | ACC_ABSTRACT,
        sourceFile: 'Base.java',
        directMethods: [{ name: '<init>' }],
        virtualMethods: [{ name: 'track', returnType: 'Z', parameters: ['Ljava/lang/String;'], accessFlags: ACC_PUBLIC | ACC_ABSTRACT }],
      },
      {
        descriptor: 'Lcom/example/tracker/Api;',
        accessFlags: ACC_PUBLIC | 0x200 /* ACC_INTERFACE */ | ACC_ABSTRACT,
        virtualMethods: [{ name: 'track', returnType: 'Z', parameters: ['Ljava/lang/String;'], accessFlags: ACC_PUBLIC | ACC_ABSTRACT }],
      },
      { descriptor: 'Lcom/example/tracker/Impl$Inner;', accessFlags: 0x10 },
      { descriptor: 'Lcom/example/ünïcødé/Klasse;', sourceFile: 'Klasse.kt' },
      { descriptor: 'LNoPackage;' },
    ],
    strings: ['https://tracker.example.com/collect', 'naïve café', 'emoji 😀 pair', 'nul\u0000inside', '日本語', ''],
    types: ['Landroid/location/LocationManager;', '[[I'],
    methodRefs: [
      { classDescriptor: 'Landroid/location/LocationManager;', name: 'getLastKnownLocation', returnType: 'Landroid/location/Location;', parameters: ['Ljava/lang/String;'] },
      { classDescriptor: 'Ljava/lang/Object;', name: '<init>', returnType: 'V' },
    ],
    fieldRefs: [{ classDescriptor: 'Landroid/os/Build;', name: 'SERIAL', type: 'Ljava/lang/String;' }],
  };
}
