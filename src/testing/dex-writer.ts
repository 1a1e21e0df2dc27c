/**
 * Builds small, valid DEX files for fixtures and tests (checked against Debian's `dexdump`).
 * Spec: https://source.android.com/docs/core/runtime/dex-format
 *
 * What it writes: header, the six id tables sorted as the spec requires, code items, type lists,
 * string data, class data and a map_list, with a correct adler32 checksum and SHA-1 signature.
 * Not written: annotations, static values, debug info, call sites, method handles.
 * Classes are emitted superclass/interfaces first (stable topological order), as the verifier wants.
 */
import { ByteOut } from './byte-out.js';
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
  /**
   * 16-bit code units; a reference item stands for a pool index the writer fills in once the pools
   * are sorted (one unit, or two for `wide` string indices of const-string/jumbo). Build them with
   * {@link asm}.
   */
  insns: DexCodeUnit[];
}

/** A pool index inside an instruction, resolved when the pools are laid out. */
export type DexIndexRef =
  | { ref: 'string'; value: string; wide?: boolean }
  | { ref: 'type'; value: string }
  | { ref: 'field'; value: DexWriterFieldRef }
  | { ref: 'method'; value: DexWriterMethodRef }
  | { ref: 'proto'; returnType: string; parameters: string[] };

export type DexCodeUnit = number | DexIndexRef;

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

  const addCodeRefs = (code: DexWriterCode | null | undefined): void => {
    for (const u of code?.insns ?? []) {
      if (typeof u === 'number') continue;
      if (u.ref === 'string') strings.add(u.value);
      else if (u.ref === 'type') addType(u.value);
      else if (u.ref === 'field') addField(u.value);
      else if (u.ref === 'method') addMethod(u.value);
      else addProto(u.returnType, u.parameters);
    }
  };

  for (const t of input.types ?? []) addType(t);
  for (const c of classes) {
    for (const m of [...(c.directMethods ?? []), ...(c.virtualMethods ?? [])]) addCodeRefs(m.code);
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
  const data = new ByteOut();
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
          const units = resolveUnits(code.insns);
          data.u32(units.length);
          for (const u of units) data.u16(u);
        }
        const idx = methodIdx.get(`${c.descriptor}->${m.name}${protoKey(returnType, parameters)}`)!;
        return { idx, flags, codeOff };
      });
    classMethods.set(c, { direct: enc(c.directMethods), virtual: enc(c.virtualMethods) });
  }

  function resolveUnits(insns: DexCodeUnit[]): number[] {
    const out: number[] = [];
    for (const u of insns) {
      if (typeof u === 'number') {
        out.push(u & 0xffff);
        continue;
      }
      let idx: number;
      if (u.ref === 'string') idx = stringIdx.get(u.value)!;
      else if (u.ref === 'type') idx = typeIdx.get(u.value)!;
      else if (u.ref === 'field') idx = fieldIdx.get(`${u.value.classDescriptor}->${u.value.name}:${u.value.type}`)!;
      else if (u.ref === 'method') idx = methodIdx.get(`${u.value.classDescriptor}->${u.value.name}${protoKey(u.value.returnType, u.value.parameters ?? [])}`)!;
      else idx = protoIdx.get(protoKey(u.returnType, u.parameters))!;
      if (u.ref === 'string' && u.wide) out.push(idx & 0xffff, idx >>> 16);
      else {
        if (idx > 0xffff) throw new Error(`dex-writer: ${u.ref} index ${idx} does not fit 16 bits`);
        out.push(idx);
      }
    }
    return out;
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
  const out = new ByteOut();
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

// ---- an assembler for the instructions tests need ----------------------------------------------------
// Encodings from https://source.android.com/docs/core/runtime/instruction-formats; opcodes from
// https://source.android.com/docs/core/runtime/dalvik-bytecode. Each helper returns the code units
// of one instruction (pool indices as references the writer resolves).

const u4 = (v: number, name: string): number => {
  if (!(v >= 0 && v <= 15)) throw new Error(`asm: ${name} ${v} does not fit 4 bits`);
  return v;
};
const u8 = (v: number, name: string): number => {
  if (!(v >= 0 && v <= 255)) throw new Error(`asm: ${name} ${v} does not fit 8 bits`);
  return v;
};
const lo16 = (v: number) => v & 0xffff;
const hi16 = (v: number) => (v >>> 16) & 0xffff;

export type InvokeKind = 'virtual' | 'super' | 'direct' | 'static' | 'interface';
const INVOKE_OPS: Record<InvokeKind, number> = { virtual: 0x6e, super: 0x6f, direct: 0x70, static: 0x71, interface: 0x72 };
const INVOKE_RANGE_OPS: Record<InvokeKind, number> = { virtual: 0x74, super: 0x75, direct: 0x76, static: 0x77, interface: 0x78 };
/** iget..iput-short (0x52..0x5f) and sget..sput-short (0x60..0x6d) share this order */
export type FieldOpKind = '' | '-wide' | '-object' | '-boolean' | '-byte' | '-char' | '-short';
const FIELD_KINDS: FieldOpKind[] = ['', '-wide', '-object', '-boolean', '-byte', '-char', '-short'];

/** 35c register list: up to five registers C, D, E, F, G and the count A. */
function regs35(op: number, args: number[]): number[] {
  if (args.length > 5) throw new Error('asm: 35c takes at most 5 registers');
  const [c = 0, d = 0, e = 0, f = 0, g = 0] = args.map((r, i) => u4(r, `register ${i}`));
  return [op | (args.length << 12) | (g << 8), (f << 12) | (e << 8) | (d << 4) | c];
}

export const asm = {
  nop: (): DexCodeUnit[] => [0x0000],
  returnVoid: (): DexCodeUnit[] => [0x000e],
  /** return / return-wide / return-object vAA */
  ret: (reg: number, kind: '' | '-wide' | '-object' = ''): DexCodeUnit[] => [(kind === '' ? 0x0f : kind === '-wide' ? 0x10 : 0x11) | (u8(reg, 'register') << 8)],
  /** move-result / -wide / -object vAA */
  moveResult: (reg: number, kind: '' | '-wide' | '-object' = ''): DexCodeUnit[] => [(kind === '' ? 0x0a : kind === '-wide' ? 0x0b : 0x0c) | (u8(reg, 'register') << 8)],
  /** move/from16 vAA, vBBBB (22x) */
  moveFrom16: (a: number, b: number): DexCodeUnit[] => [0x02 | (u8(a, 'register') << 8), lo16(b)],
  /** move/16 vAAAA, vBBBB (32x) */
  move16: (a: number, b: number): DexCodeUnit[] => [0x03, lo16(a), lo16(b)],
  /** const/4 vA, #+B (11n) */
  const4: (reg: number, value: number): DexCodeUnit[] => [0x12 | (u4(reg, 'register') << 8) | ((value & 0xf) << 12)],
  /** const/16 vAA, #+BBBB (21s) */
  const16: (reg: number, value: number): DexCodeUnit[] => [0x13 | (u8(reg, 'register') << 8), lo16(value)],
  /** const vAA, #+BBBBBBBB (31i) */
  const32: (reg: number, value: number): DexCodeUnit[] => [0x14 | (u8(reg, 'register') << 8), lo16(value), hi16(value)],
  /** const/high16 vAA, #+BBBB0000 (21h) */
  constHigh16: (reg: number, high: number): DexCodeUnit[] => [0x15 | (u8(reg, 'register') << 8), lo16(high)],
  /** const-wide vAA, #+BBBBBBBBBBBBBBBB (51l), value as a bigint */
  constWide: (reg: number, value: bigint): DexCodeUnit[] => {
    const v = BigInt.asUintN(64, value);
    return [0x18 | (u8(reg, 'register') << 8), ...[0n, 16n, 32n, 48n].map((s) => Number((v >> s) & 0xffffn))];
  },
  /** const-string vAA, string@BBBB (21c) */
  constString: (reg: number, value: string): DexCodeUnit[] => [0x1a | (u8(reg, 'register') << 8), { ref: 'string', value }],
  /** const-string/jumbo vAA, string@BBBBBBBB (31c) */
  constStringJumbo: (reg: number, value: string): DexCodeUnit[] => [0x1b | (u8(reg, 'register') << 8), { ref: 'string', value, wide: true }],
  /** const-class vAA, type@BBBB */
  constClass: (reg: number, type: string): DexCodeUnit[] => [0x1c | (u8(reg, 'register') << 8), { ref: 'type', value: type }],
  /** check-cast vAA, type@BBBB */
  checkCast: (reg: number, type: string): DexCodeUnit[] => [0x1f | (u8(reg, 'register') << 8), { ref: 'type', value: type }],
  /** instance-of vA, vB, type@CCCC (22c) */
  instanceOf: (a: number, b: number, type: string): DexCodeUnit[] => [0x20 | (u4(a, 'register') << 8) | (u4(b, 'register') << 12), { ref: 'type', value: type }],
  /** new-instance vAA, type@BBBB */
  newInstance: (reg: number, type: string): DexCodeUnit[] => [0x22 | (u8(reg, 'register') << 8), { ref: 'type', value: type }],
  /** new-array vA, vB, type@CCCC */
  newArray: (a: number, b: number, type: string): DexCodeUnit[] => [0x23 | (u4(a, 'register') << 8) | (u4(b, 'register') << 12), { ref: 'type', value: type }],
  /** filled-new-array {vC..vG}, type@BBBB (35c) */
  filledNewArray: (type: string, args: number[]): DexCodeUnit[] => {
    const [first, second] = regs35(0x24, args);
    return [first, { ref: 'type', value: type }, second];
  },
  /** filled-new-array/range {vCCCC .. vNNNN}, type@BBBB (3rc) */
  filledNewArrayRange: (type: string, first: number, count: number): DexCodeUnit[] => [0x25 | (u8(count, 'count') << 8), { ref: 'type', value: type }, lo16(first)],
  /** throw vAA */
  throw: (reg: number): DexCodeUnit[] => [0x27 | (u8(reg, 'register') << 8)],
  /** goto +AA (10t) */
  goto: (offset: number): DexCodeUnit[] => [0x28 | ((offset & 0xff) << 8)],
  /** goto/16 +AAAA (20t) */
  goto16: (offset: number): DexCodeUnit[] => [0x29, lo16(offset)],
  /** goto/32 +AAAAAAAA (30t) */
  goto32: (offset: number): DexCodeUnit[] => [0x2a, lo16(offset), hi16(offset)],
  /** packed-switch / sparse-switch / fill-array-data vAA, +BBBBBBBB (31t): offset to the payload */
  packedSwitch: (reg: number, offset: number): DexCodeUnit[] => [0x2b | (u8(reg, 'register') << 8), lo16(offset), hi16(offset)],
  sparseSwitch: (reg: number, offset: number): DexCodeUnit[] => [0x2c | (u8(reg, 'register') << 8), lo16(offset), hi16(offset)],
  fillArrayData: (reg: number, offset: number): DexCodeUnit[] => [0x26 | (u8(reg, 'register') << 8), lo16(offset), hi16(offset)],
  /** if-eq..if-le vA, vB, +CCCC (22t); test 0..5 */
  ifTest: (test: number, a: number, b: number, offset: number): DexCodeUnit[] => [(0x32 + test) | (u4(a, 'register') << 8) | (u4(b, 'register') << 12), lo16(offset)],
  /** if-eqz..if-lez vAA, +BBBB (21t); test 0..5 */
  ifTestZ: (test: number, reg: number, offset: number): DexCodeUnit[] => [(0x38 + test) | (u8(reg, 'register') << 8), lo16(offset)],
  /** cmpkind / arrayop / binop vAA, vBB, vCC (23x) */
  op23x: (op: number, a: number, b: number, c: number): DexCodeUnit[] => [op | (u8(a, 'register') << 8), u8(b, 'register') | (u8(c, 'register') << 8)],
  /** unop / binop/2addr vA, vB (12x) */
  op12x: (op: number, a: number, b: number): DexCodeUnit[] => [op | (u4(a, 'register') << 8) | (u4(b, 'register') << 12)],
  /** binop/lit16 vA, vB, #+CCCC (22s) */
  op22s: (op: number, a: number, b: number, lit: number): DexCodeUnit[] => [op | (u4(a, 'register') << 8) | (u4(b, 'register') << 12), lo16(lit)],
  /** binop/lit8 vAA, vBB, #+CC (22b) */
  op22b: (op: number, a: number, b: number, lit: number): DexCodeUnit[] => [op | (u8(a, 'register') << 8), u8(b, 'register') | ((lit & 0xff) << 8)],
  /** iget{kind} vA, vB, field@CCCC (22c) */
  iget: (a: number, obj: number, field: DexWriterFieldRef, kind: FieldOpKind = ''): DexCodeUnit[] => [(0x52 + FIELD_KINDS.indexOf(kind)) | (u4(a, 'register') << 8) | (u4(obj, 'register') << 12), { ref: 'field', value: field }],
  /** iput{kind} vA, vB, field@CCCC (22c) */
  iput: (a: number, obj: number, field: DexWriterFieldRef, kind: FieldOpKind = ''): DexCodeUnit[] => [(0x59 + FIELD_KINDS.indexOf(kind)) | (u4(a, 'register') << 8) | (u4(obj, 'register') << 12), { ref: 'field', value: field }],
  /** sget{kind} vAA, field@BBBB (21c) */
  sget: (reg: number, field: DexWriterFieldRef, kind: FieldOpKind = ''): DexCodeUnit[] => [(0x60 + FIELD_KINDS.indexOf(kind)) | (u8(reg, 'register') << 8), { ref: 'field', value: field }],
  /** sput{kind} vAA, field@BBBB (21c) */
  sput: (reg: number, field: DexWriterFieldRef, kind: FieldOpKind = ''): DexCodeUnit[] => [(0x67 + FIELD_KINDS.indexOf(kind)) | (u8(reg, 'register') << 8), { ref: 'field', value: field }],
  /** invoke-{kind} {vC, vD, vE, vF, vG}, meth@BBBB (35c) */
  invoke: (kind: InvokeKind, method: DexWriterMethodRef, args: number[] = []): DexCodeUnit[] => {
    const [first, second] = regs35(INVOKE_OPS[kind], args);
    return [first, { ref: 'method', value: method }, second];
  },
  /** invoke-{kind}/range {vCCCC .. vNNNN}, meth@BBBB (3rc) */
  invokeRange: (kind: InvokeKind, method: DexWriterMethodRef, first: number, count: number): DexCodeUnit[] => [INVOKE_RANGE_OPS[kind] | (u8(count, 'count') << 8), { ref: 'method', value: method }, lo16(first)],
  /** invoke-polymorphic {vC..vG}, meth@BBBB, proto@HHHH (45cc) */
  invokePolymorphic: (method: DexWriterMethodRef, args: number[], proto: { returnType: string; parameters: string[] }): DexCodeUnit[] => {
    const [first, second] = regs35(0xfa, args);
    return [first, { ref: 'method', value: method }, second, { ref: 'proto', ...proto }];
  },
  /** invoke-polymorphic/range {vCCCC .. vNNNN}, meth@BBBB, proto@HHHH (4rcc) */
  invokePolymorphicRange: (method: DexWriterMethodRef, first: number, count: number, proto: { returnType: string; parameters: string[] }): DexCodeUnit[] => [
    0xfb | (u8(count, 'count') << 8),
    { ref: 'method', value: method },
    lo16(first),
    { ref: 'proto', ...proto },
  ],
  /** const-method-type vAA, proto@BBBB (21c) */
  constMethodType: (reg: number, proto: { returnType: string; parameters: string[] }): DexCodeUnit[] => [0xff | (u8(reg, 'register') << 8), { ref: 'proto', ...proto }],
  /** packed-switch-payload: ident, size, first_key, targets (relative to the switch instruction) */
  packedSwitchPayload: (firstKey: number, targets: number[]): DexCodeUnit[] => [0x0100, targets.length, lo16(firstKey), hi16(firstKey), ...targets.flatMap((t) => [lo16(t), hi16(t)])],
  /** sparse-switch-payload: ident, size, sorted keys, targets */
  sparseSwitchPayload: (cases: [key: number, target: number][]): DexCodeUnit[] => [
    0x0200,
    cases.length,
    ...cases.flatMap(([k]) => [lo16(k), hi16(k)]),
    ...cases.flatMap(([, t]) => [lo16(t), hi16(t)]),
  ],
  /** fill-array-data-payload: ident, element_width, size, data (padded to whole code units) */
  fillArrayDataPayload: (width: number, elements: number[]): DexCodeUnit[] => {
    const bytes: number[] = [];
    for (const e of elements) for (let b = 0; b < width; b++) bytes.push(Number((BigInt.asUintN(64, BigInt(e)) >> BigInt(8 * b)) & 0xffn));
    if (bytes.length % 2) bytes.push(0);
    const units: number[] = [];
    for (let i = 0; i < bytes.length; i += 2) units.push(bytes[i] | (bytes[i + 1] << 8));
    return [0x0300, width, lo16(elements.length), hi16(elements.length), ...units];
  },
};

/** Concatenates instructions into a method body; `registers` must cover the arguments (ins) at the top. */
export function codeOf(registersSize: number, insSize: number, outsSize: number, ...instructions: DexCodeUnit[][]): DexWriterCode {
  return { registersSize, insSize, outsSize, insns: instructions.flat() };
}

// ---- fixtures using every instruction format ------------------------------------------------------

const EF_LM = 'Landroid/location/LocationManager;';
const efGetLast = { classDescriptor: EF_LM, name: 'getLastKnownLocation', returnType: 'Landroid/location/Location;', parameters: ['Ljava/lang/String;'] };
const efContactsUri = { classDescriptor: 'Landroid/provider/ContactsContract$Contacts;', name: 'CONTENT_URI', type: 'Landroid/net/Uri;' };

/**
 * Every instruction format of the spec, once (a method body for the walker tests and the dexdump
 * cross-check); branch offsets are not meant to be followed.
 */
export function everyFormatBody(): DexCodeUnit[][] {
  return [
    asm.nop(), // 10x
    asm.op12x(0x01, 0, 1), // 12x move
    asm.const4(0, 3), // 11n
    asm.moveResult(0), // 11x
    asm.goto(1), // 10t
    asm.goto16(2), // 20t
    asm.moveFrom16(2, 300), // 22x
    asm.ifTestZ(0, 0, 2), // 21t
    asm.const16(1, -5), // 21s
    asm.constHigh16(1, 0x4120), // 21h
    asm.constString(2, 'content://com.android.contacts/contacts'), // 21c string
    asm.newInstance(3, 'Lcom/example/Thing;'), // 21c type
    asm.sget(4, efContactsUri, '-object'), // 21c field
    asm.op23x(0x90, 0, 1, 2), // 23x add-int
    asm.op22b(0xd8, 0, 1, 7), // 22b add-int/lit8
    asm.ifTest(0, 0, 1, 2), // 22t
    asm.op22s(0xd0, 0, 1, 1000), // 22s add-int/lit16
    asm.instanceOf(0, 1, 'Lcom/example/Thing;'), // 22c type
    asm.iget(0, 1, { classDescriptor: 'Lcom/example/Thing;', name: 'count', type: 'I' }), // 22c field
    asm.goto32(3), // 30t
    asm.move16(300, 301), // 32x
    asm.const32(0, 0x12345678), // 31i
    asm.constStringJumbo(0, 'jumbo string'), // 31c
    asm.invoke('virtual', efGetLast, [5, 6]), // 35c method
    asm.filledNewArray('[I', [0, 1, 2]), // 35c type
    asm.invokeRange('static', { classDescriptor: 'Lcom/example/Thing;', name: 'many', returnType: 'V', parameters: ['I', 'I', 'I', 'I', 'I', 'I'] }, 10, 6), // 3rc
    asm.invokePolymorphic({ classDescriptor: 'Ljava/lang/invoke/MethodHandle;', name: 'invoke', returnType: 'Ljava/lang/Object;', parameters: ['[Ljava/lang/Object;'] }, [0, 1], { returnType: 'V', parameters: ['I'] }), // 45cc
    asm.invokePolymorphicRange({ classDescriptor: 'Ljava/lang/invoke/MethodHandle;', name: 'invokeExact', returnType: 'Ljava/lang/Object;', parameters: ['[Ljava/lang/Object;'] }, 10, 3, { returnType: 'V', parameters: ['I', 'I'] }), // 4rcc
    asm.constWide(0, 0x0123456789abcdefn), // 51l
    asm.constMethodType(0, { returnType: 'V', parameters: ['I'] }), // 21c proto
    asm.packedSwitch(0, 8), // 31t → packed payload
    asm.sparseSwitch(0, 14), // 31t → sparse payload
    asm.fillArrayData(0, 22), // 31t → array payload
    asm.returnVoid(),
    // payloads at even offsets (each preceded by padding when needed in the tests below)
  ];
}

/** A DEX whose methods use every format, through the writer (indices resolved by it). */
export function everyFormatDex(): DexWriterInput {
  const body = everyFormatBody();
  const flat = body.flat();
  const padded = flat.length % 2 === 0 ? [] : [asm.nop()];
  return {
    classes: [
      {
        descriptor: 'Lcom/example/Formats;',
        directMethods: [
          {
            name: 'all',
            accessFlags: 0x9,
            code: codeOf(
              400,
              0,
              10,
              // branch offsets in this body are not meant to be followed; the payloads follow it
              ...body,
              ...padded,
              asm.packedSwitchPayload(0, [2, 4]),
              asm.sparseSwitchPayload([[-1, 2], [7, 4]]),
              asm.fillArrayDataPayload(4, [1, 2, 3]),
            ),
          },
          { name: 'calls', accessFlags: 0x9, code: codeOf(3, 0, 2, asm.constString(0, 'gps'), asm.invoke('virtual', efGetLast, [1, 0]), asm.moveResult(2, '-object'), asm.returnVoid()) },
        ],
      },
      { descriptor: 'Lcom/example/Thing;', instanceFields: [{ name: 'count', type: 'I' }], directMethods: [{ name: 'many', accessFlags: 0x9, parameters: ['I', 'I', 'I', 'I', 'I', 'I'] }] },
    ],
  };
}

