/**
 * Java class files: the class's own name, its superclass and interfaces' names, every class its
 * constant pool names (CONSTANT_Class), and its string constants (CONSTANT_String). Enough to say
 * which SDK a `.jar` or an `.aar`'s classes.jar holds; methods, fields and attributes are not read.
 *
 * Spec: The Java Virtual Machine Specification, Java SE 21, §4.1 (ClassFile) and §4.4 (the
 * constant pool) <https://docs.oracle.com/javase/specs/jvms/se21/html/jvms-4.html>. Big-endian.
 * Strings are modified UTF-8 (§4.4.7), decoded with src/formats/mutf8.ts.
 *
 * Pure: bytes in, a struct out. A pool cut short or an index out of range is an anomaly; only a
 * file without the magic or without a readable pool count throws (FormatError).
 */
import { FormatError } from '../errors.js';
import type { Anomaly } from './bytes.js';
import { decodeMutf8 } from './mutf8.js';

export const CLASS_MAGIC = 0xcafebabe;

// JVMS §4.4, Table 4.4-B: constant pool tags
export const CONSTANT_Utf8 = 1;
export const CONSTANT_Integer = 3;
export const CONSTANT_Float = 4;
export const CONSTANT_Long = 5;
export const CONSTANT_Double = 6;
export const CONSTANT_Class = 7;
export const CONSTANT_String = 8;
export const CONSTANT_Fieldref = 9;
export const CONSTANT_Methodref = 10;
export const CONSTANT_InterfaceMethodref = 11;
export const CONSTANT_NameAndType = 12;
export const CONSTANT_MethodHandle = 15;
export const CONSTANT_MethodType = 16;
export const CONSTANT_Dynamic = 17;
export const CONSTANT_InvokeDynamic = 18;
export const CONSTANT_Module = 19;
export const CONSTANT_Package = 20;

/** Bytes after the tag, for the fixed-size entries. */
const FIXED_SIZE: Readonly<Record<number, number>> = {
  [CONSTANT_Integer]: 4,
  [CONSTANT_Float]: 4,
  [CONSTANT_Long]: 8,
  [CONSTANT_Double]: 8,
  [CONSTANT_Class]: 2,
  [CONSTANT_String]: 2,
  [CONSTANT_Fieldref]: 4,
  [CONSTANT_Methodref]: 4,
  [CONSTANT_InterfaceMethodref]: 4,
  [CONSTANT_NameAndType]: 4,
  [CONSTANT_MethodHandle]: 3,
  [CONSTANT_MethodType]: 2,
  [CONSTANT_Dynamic]: 4,
  [CONSTANT_InvokeDynamic]: 4,
  [CONSTANT_Module]: 2,
  [CONSTANT_Package]: 2,
};

/** magic u4, minor u2, major u2, constant_pool_count u2 (§4.1) */
const HEADER_SIZE = 10;

export interface ClassFile {
  minorVersion: number;
  majorVersion: number;
  /** internal form (`com/example/Foo`), when this_class resolves */
  thisClass?: string;
  superClass?: string;
  interfaces: string[];
  /** every CONSTANT_Class name, internal form, in pool order, unique (arrays as written: `[Lcom/x/Y;`) */
  classNames: string[];
  /** CONSTANT_String values, in pool order, unique */
  strings: string[];
  anomalies: Anomaly[];
}

export function parseClassFile(bytes: Uint8Array): ClassFile {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_SIZE) throw new FormatError('class', `${bytes.length} bytes: shorter than a class file header`);
  if (dv.getUint32(0) !== CLASS_MAGIC) throw new FormatError('class', `magic 0x${dv.getUint32(0).toString(16)} is not 0xcafebabe`, 0);
  const anomalies: Anomaly[] = [];
  const minorVersion = dv.getUint16(4);
  const majorVersion = dv.getUint16(6);
  const count = dv.getUint16(8);
  // pool index → [tag, offset of its data]; index 0 and the slot after a Long/Double are unused
  const tags = new Uint8Array(count);
  const offsets = new Uint32Array(count);
  let p = HEADER_SIZE;
  let complete = true;
  for (let i = 1; i < count; i++) {
    if (p >= bytes.length) {
      anomalies.push({ code: 'class-pool-truncated', message: `the constant pool ends after ${i - 1} of ${count - 1} entries`, offset: p });
      complete = false;
      break;
    }
    const tag = bytes[p];
    let size: number;
    if (tag === CONSTANT_Utf8) {
      if (p + 3 > bytes.length) {
        size = Infinity;
      } else {
        size = 2 + dv.getUint16(p + 1);
      }
    } else if (FIXED_SIZE[tag] !== undefined) {
      size = FIXED_SIZE[tag];
    } else {
      anomalies.push({ code: 'class-pool-unknown-tag', message: `constant pool entry ${i} has unknown tag ${tag}; the rest of the pool is not read`, offset: p });
      complete = false;
      break;
    }
    if (p + 1 + size > bytes.length) {
      anomalies.push({ code: 'class-pool-truncated', message: `constant pool entry ${i} runs past the end of the file`, offset: p });
      complete = false;
      break;
    }
    tags[i] = tag;
    offsets[i] = p + 1;
    p += 1 + size;
    if (tag === CONSTANT_Long || tag === CONSTANT_Double) i++; // takes two slots (§4.4.5)
  }

  const utf8Cache = new Map<number, string>();
  const utf8 = (index: number): string | undefined => {
    if (index <= 0 || index >= count || tags[index] !== CONSTANT_Utf8) return undefined;
    let s = utf8Cache.get(index);
    if (s === undefined) {
      const start = offsets[index] + 2;
      const d = decodeMutf8(bytes, start, start + dv.getUint16(offsets[index]));
      if (!d.valid) anomalies.push({ code: 'class-utf8-invalid', message: `constant pool entry ${index} is not valid modified UTF-8`, offset: start });
      s = d.value;
      utf8Cache.set(index, s);
    }
    return s;
  };
  const classAt = (index: number): string | undefined => {
    if (index <= 0 || index >= count || tags[index] !== CONSTANT_Class) return undefined;
    return utf8(dv.getUint16(offsets[index]));
  };

  const classNames = new Set<string>();
  const strings = new Set<string>();
  let badRefs = 0;
  for (let i = 1; i < count; i++) {
    const tag = tags[i];
    if (tag !== CONSTANT_Class && tag !== CONSTANT_String) continue;
    const s = utf8(dv.getUint16(offsets[i]));
    if (s === undefined) badRefs++;
    else if (tag === CONSTANT_Class) classNames.add(s);
    else strings.add(s);
  }
  if (badRefs) anomalies.push({ code: 'class-pool-bad-index', message: `${badRefs} Class/String constant(s) point at no Utf8 entry` });

  const out: ClassFile = { minorVersion, majorVersion, interfaces: [], classNames: [...classNames], strings: [...strings], anomalies };
  if (!complete) return out;
  // access_flags u2, this_class u2, super_class u2, interfaces_count u2, interfaces u2[] (§4.1)
  if (p + 8 > bytes.length) {
    anomalies.push({ code: 'class-header-truncated', message: 'the file ends before this_class', offset: p });
    return out;
  }
  const thisClass = classAt(dv.getUint16(p + 2));
  const superIndex = dv.getUint16(p + 4);
  const superClass = classAt(superIndex);
  if (thisClass !== undefined) out.thisClass = thisClass;
  else anomalies.push({ code: 'class-this-invalid', message: 'this_class is not a Class constant', offset: p + 2 });
  if (superClass !== undefined) out.superClass = superClass;
  else if (superIndex !== 0) anomalies.push({ code: 'class-super-invalid', message: 'super_class is not a Class constant', offset: p + 4 });
  const n = dv.getUint16(p + 6);
  if (p + 8 + 2 * n > bytes.length) {
    anomalies.push({ code: 'class-header-truncated', message: 'the file ends inside the interfaces table', offset: p + 8 });
    return out;
  }
  for (let k = 0; k < n; k++) {
    const name = classAt(dv.getUint16(p + 8 + 2 * k));
    if (name !== undefined) out.interfaces.push(name);
  }
  return out;
}

/**
 * `com/example/Foo$Bar` → `com.example.Foo$Bar`; array types (`[[Lcom/x/Y;`) → their element
 * class; primitive arrays → undefined.
 */
export function internalToJavaName(internal: string): string | undefined {
  let s = internal;
  if (s.startsWith('[')) {
    s = s.replace(/^\[+/, '');
    if (!(s.startsWith('L') && s.endsWith(';'))) return undefined;
    s = s.slice(1, -1);
  }
  return s === '' ? undefined : s.replace(/\//g, '.');
}
