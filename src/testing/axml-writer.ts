/**
 * Test-only writer for Android binary XML (AXML): builds valid documents from a small element
 * tree, plus the adversarial variants the parser tests need (lying counts, unknown chunks,
 * renamed attribute strings, zero chunk sizes, namespace masking, …).
 *
 * Spec: AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h
 * https://android.googlesource.com/platform/frameworks/base/+/refs/heads/main/libs/androidfw/include/androidfw/ResourceTypes.h
 */
import { ANDROID_NS, androidAttrId } from '../formats/android-attrs.js';
import {
  RES_XML_CDATA_TYPE,
  RES_XML_END_ELEMENT_TYPE,
  RES_XML_END_NAMESPACE_TYPE,
  RES_XML_RESOURCE_MAP_TYPE,
  RES_XML_START_ELEMENT_TYPE,
  RES_XML_START_NAMESPACE_TYPE,
  RES_XML_TYPE,
} from '../formats/axml.js';
import {
  TYPE_ATTRIBUTE,
  TYPE_DIMENSION,
  TYPE_DYNAMIC_ATTRIBUTE,
  TYPE_DYNAMIC_REFERENCE,
  TYPE_FLOAT,
  TYPE_FRACTION,
  TYPE_INT_BOOLEAN,
  TYPE_INT_COLOR_ARGB4,
  TYPE_INT_COLOR_ARGB8,
  TYPE_INT_COLOR_RGB4,
  TYPE_INT_COLOR_RGB8,
  TYPE_INT_DEC,
  TYPE_INT_HEX,
  TYPE_NULL,
  TYPE_REFERENCE,
  TYPE_STRING,
  type TypedValue,
} from '../formats/res-value.js';
import { RES_STRING_POOL_TYPE, UTF8_FLAG } from '../formats/stringpool.js';

/** Little-endian growable byte buffer with patching. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private grow(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u8(v: number): this {
    this.grow(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.grow(2);
    this.buf[this.length++] = v & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    return this;
  }
  u32(v: number): this {
    this.grow(4);
    for (let i = 0; i < 4; i++) this.buf[this.length++] = (v >>> (8 * i)) & 0xff;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  zeros(n: number): this {
    this.grow(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }
  align4(): this {
    while (this.length % 4 !== 0) this.u8(0);
    return this;
  }
  setU16(at: number, v: number): void {
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
  }
  setU32(at: number, v: number): void {
    for (let i = 0; i < 4; i++) this.buf[at + i] = (v >>> (8 * i)) & 0xff;
  }
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export interface StringPoolWriteOptions {
  utf8?: boolean;
  /** added to the stringCount field (a lie) */
  stringCountDelta?: number;
  /** written as styleCount (a lie: no style offsets are written) */
  styleCount?: number;
  /** headerSize other than 28: the header is padded with zeros */
  headerSize?: number;
  /** written as stringsStart instead of the real value */
  stringsStart?: number;
  /** written as the chunk size instead of the real value (e.g. 0) */
  chunkSize?: number;
  /** mark the pool SORTED */
  sorted?: boolean;
}

function lenUtf8Prefix(w: ByteWriter, n: number): void {
  if (n > 0x7f) w.u8(0x80 | ((n >> 8) & 0x7f)).u8(n & 0xff);
  else w.u8(n);
}

/** Encodes a ResStringPool chunk. */
export function writeStringPool(strings: string[], o: StringPoolWriteOptions = {}): Uint8Array {
  const headerSize = o.headerSize ?? 28;
  const data = new ByteWriter();
  const offsets: number[] = [];
  const enc = new TextEncoder();
  for (const s of strings) {
    offsets.push(data.length);
    if (o.utf8) {
      const b = enc.encode(s);
      lenUtf8Prefix(data, s.length);
      lenUtf8Prefix(data, b.length);
      data.bytes(b).u8(0);
    } else {
      if (s.length > 0x7fff) data.u16(0x8000 | (s.length >>> 16)).u16(s.length & 0xffff);
      else data.u16(s.length);
      for (let i = 0; i < s.length; i++) data.u16(s.charCodeAt(i));
      data.u16(0);
    }
  }
  data.align4();
  const w = new ByteWriter();
  const stringsStart = headerSize + 4 * strings.length;
  const size = stringsStart + data.length;
  w.u16(RES_STRING_POOL_TYPE).u16(headerSize).u32(o.chunkSize ?? size);
  w.u32(strings.length + (o.stringCountDelta ?? 0)).u32(o.styleCount ?? 0);
  w.u32((o.utf8 ? UTF8_FLAG : 0) | (o.sorted ? 1 : 0));
  w.u32(o.stringsStart ?? (strings.length ? stringsStart : 0)).u32(0);
  w.zeros(headerSize - 28);
  for (const off of offsets) w.u32(off);
  w.bytes(data.toBytes());
  return w.toBytes();
}

/** Encodes a float as a complex (dimension/fraction) data word, choosing the finest radix that fits. */
export function floatToComplex(v: number, unit: number): number {
  const shifts = [23, 15, 7, 0];
  const radixOf = [3, 2, 1, 0];
  for (let i = 0; i < shifts.length; i++) {
    const m = Math.round(v * 2 ** shifts[i]);
    if (m >= -(1 << 23) && m < 1 << 23) return ((m << 8) | (radixOf[i] << 4) | unit) >>> 0;
  }
  return unit;
}

const UNIT_CODES: Record<string, number> = { px: 0, dip: 1, sp: 2, pt: 3, in: 4, mm: 5 };

/** Encodes a TypedValue as [dataType, data]; strings go through `str` (pool index). */
export function encodeValue(v: TypedValue, str: (s: string) => number): [number, number] {
  switch (v.type) {
    case 'null':
      return [TYPE_NULL, v.empty ? 1 : 0];
    case 'reference':
      return [TYPE_REFERENCE, v.id];
    case 'attribute':
      return [TYPE_ATTRIBUTE, v.id];
    case 'string':
      return [TYPE_STRING, str(v.value)];
    case 'float': {
      const dv = new DataView(new ArrayBuffer(4));
      dv.setFloat32(0, v.value);
      return [TYPE_FLOAT, dv.getUint32(0)];
    }
    case 'dimension':
      return [TYPE_DIMENSION, floatToComplex(v.value, UNIT_CODES[v.unit] ?? 0)];
    case 'fraction':
      return [TYPE_FRACTION, floatToComplex(v.value, v.parent ? 1 : 0)];
    case 'dynamic-reference':
      return [TYPE_DYNAMIC_REFERENCE, v.id];
    case 'dynamic-attribute':
      return [TYPE_DYNAMIC_ATTRIBUTE, v.id];
    case 'int':
      return [TYPE_INT_DEC, v.value >>> 0];
    case 'hex':
      return [TYPE_INT_HEX, v.value >>> 0];
    case 'boolean':
      return [TYPE_INT_BOOLEAN, v.value ? 0xffffffff : 0];
    case 'color':
      return [{ argb8: TYPE_INT_COLOR_ARGB8, rgb8: TYPE_INT_COLOR_RGB8, argb4: TYPE_INT_COLOR_ARGB4, rgb4: TYPE_INT_COLOR_RGB4 }[v.format], v.argb >>> 0];
    case 'unknown':
      return [v.dataType, v.data >>> 0];
  }
}

export interface WAttr {
  /** namespace URI; defaults to the android namespace when `android` is true */
  ns?: string;
  /** shorthand for ns = ANDROID_NS */
  android?: boolean;
  name: string;
  /** string → TYPE_STRING (raw value too), number → TYPE_INT_DEC, boolean → TYPE_INT_BOOLEAN */
  value: TypedValue | string | number | boolean;
  /** resource ID; defaults to the framework ID for android attributes; null = none */
  resourceId?: number | null;
  /** raw value string; defaults to the string for string values, none otherwise */
  raw?: string;
}

export interface WElement {
  name: string;
  ns?: string;
  attrs?: WAttr[];
  children?: WElement[];
  /** character data written as a CDATA node after the start tag */
  text?: string;
  line?: number;
}

export type ZeroSizeTarget = 'file' | 'string-pool' | 'resource-map' | 'namespace' | 'start-element' | 'end-element';
export type UnknownChunkPlace = 'before-pool' | 'after-pool' | 'after-resource-map' | 'in-tree';

export interface AxmlWriteOptions {
  utf8?: boolean;
  /** namespace declarations around the root; default: android when any android attribute is used */
  namespaces?: { prefix: string; uri: string }[];
  /** string pool lies (see StringPoolWriteOptions) */
  pool?: Omit<StringPoolWriteOptions, 'utf8' | 'chunkSize'>;
  /** replaces the name string of attributes that have a resource ID (the obfuscator trick) */
  renameAttribute?: (name: string, resourceId: number) => string;
  /** inserts an unknown chunk (type 0x0777, 16 bytes) at these places */
  unknownChunks?: UnknownChunkPlace[];
  /** writes 0 as the size of these chunks */
  zeroSize?: ZeroSizeTarget[];
  /** attributeStart / attributeSize of every start element (attribute records are padded to attributeSize) */
  attributeStart?: number;
  attributeSize?: number;
  /** written as attributeCount of the root element (a lie) */
  rootAttributeCount?: number;
  /** the android namespace URI string is replaced by this junk everywhere (IDs stay) */
  maskNamespaceUri?: string;
  /** drop this many of the last END_ELEMENT chunks */
  omitEndElements?: number;
  /** a second top-level element written after the first */
  extraRoot?: WElement;
  /** an END_ELEMENT node before the first start tag */
  leadingEndElement?: boolean;
  /** file header type instead of RES_XML_TYPE */
  headerType?: number;
}

interface Strings {
  list: string[];
  index: Map<string, number>;
  resIds: number[];
}

function attrResId(a: WAttr): number | undefined {
  if (a.resourceId === null) return undefined;
  if (a.resourceId !== undefined) return a.resourceId;
  const ns = a.ns ?? (a.android ? ANDROID_NS : undefined);
  return ns === ANDROID_NS ? androidAttrId(a.name) : undefined;
}

function normValue(v: WAttr['value']): TypedValue {
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'number') return { type: 'int', value: v };
  if (typeof v === 'boolean') return { type: 'boolean', value: v };
  return v;
}

/** Writes an AXML document whose root is `root`. */
export function writeAxml(root: WElement, o: AxmlWriteOptions = {}): Uint8Array {
  const mask = (uri: string | undefined): string | undefined => (uri === ANDROID_NS && o.maskNamespaceUri !== undefined ? o.maskNamespaceUri : uri);
  const attrNs = (a: WAttr): string | undefined => mask(a.ns ?? (a.android ? ANDROID_NS : undefined));
  const roots = o.extraRoot ? [root, o.extraRoot] : [root];

  // 1. Resource-ID'd attribute names first (one pool slot per ID), then all other strings.
  const s: Strings = { list: [], index: new Map(), resIds: [] };
  const idSlot = new Map<number, number>();
  const walk = (el: WElement, f: (el: WElement) => void): void => {
    f(el);
    for (const c of el.children ?? []) walk(c, f);
  };
  for (const r of roots)
    walk(r, (el) => {
      for (const a of el.attrs ?? []) {
        const id = attrResId(a);
        if (id === undefined || idSlot.has(id)) continue;
        idSlot.set(id, s.list.length);
        s.list.push(o.renameAttribute ? o.renameAttribute(a.name, id) : a.name);
        s.resIds.push(id);
      }
    });
  const str = (x: string): number => {
    let i = s.index.get(x);
    if (i === undefined) {
      i = s.list.length;
      s.list.push(x);
      s.index.set(x, i);
    }
    return i;
  };
  const usesAndroid = roots.some((r) => {
    let found = false;
    walk(r, (el) => (found ||= (el.attrs ?? []).some((a) => (a.ns ?? (a.android ? ANDROID_NS : undefined)) === ANDROID_NS)));
    return found;
  });
  const namespaces = (o.namespaces ?? (usesAndroid ? [{ prefix: 'android', uri: ANDROID_NS }] : [])).map((n) => ({ prefix: n.prefix, uri: mask(n.uri) ?? '' }));

  const zero = new Set(o.zeroSize ?? []);
  const unknown = new Set(o.unknownChunks ?? []);
  const attrStart = o.attributeStart ?? 20;
  const attrSize = o.attributeSize ?? 20;
  const NONE = 0xffffffff;

  // 2. Nodes (strings are interned as we go, so the pool is written last but placed first).
  const nodes: Uint8Array[] = [];
  const unknownChunk = (): Uint8Array => new ByteWriter().u16(0x0777).u16(8).u32(16).u32(0xdeadbeef).u32(0xcafebabe).toBytes();
  // Between nodes Android validates every chunk as a ResXMLTree_node (headerSize >= 16), then skips unknown types.
  const unknownNode = (): Uint8Array => new ByteWriter().u16(0x0777).u16(16).u32(24).u32(0).u32(0xffffffff).u32(0xdeadbeef).u32(0xcafebabe).toBytes();
  const node = (type: number, line: number, ext: ByteWriter, target: ZeroSizeTarget): void => {
    const w = new ByteWriter();
    const size = 16 + ext.length;
    w.u16(type).u16(16).u32(zero.has(target) ? 0 : size).u32(line).u32(NONE).bytes(ext.toBytes());
    nodes.push(w.toBytes());
  };
  if (o.leadingEndElement) node(RES_XML_END_ELEMENT_TYPE, 1, new ByteWriter().u32(NONE).u32(str(root.name)), 'end-element');
  for (const n of namespaces) node(RES_XML_START_NAMESPACE_TYPE, 1, new ByteWriter().u32(str(n.prefix)).u32(str(n.uri)), 'namespace');
  const ends: Uint8Array[][] = [];
  let line = 2;
  const element = (el: WElement, isRoot: boolean): void => {
    const ext = new ByteWriter();
    const attrs = el.attrs ?? [];
    const elNs = mask(el.ns);
    ext.u32(elNs === undefined ? NONE : str(elNs)).u32(str(el.name));
    ext.u16(attrStart).u16(attrSize).u16(isRoot && o.rootAttributeCount !== undefined ? o.rootAttributeCount : attrs.length);
    ext.u16(0).u16(0).u16(0);
    ext.zeros(attrStart - 20);
    for (const a of attrs) {
      const id = attrResId(a);
      const ns = attrNs(a);
      const value = normValue(a.value);
      const raw = a.raw ?? (value.type === 'string' ? value.value : undefined);
      const [dataType, data] = encodeValue(value, str);
      ext.u32(ns === undefined ? NONE : str(ns));
      ext.u32(id !== undefined ? (idSlot.get(id) as number) : str(a.name));
      ext.u32(raw === undefined ? NONE : str(raw));
      ext.u16(8).u8(0).u8(dataType).u32(data);
      ext.zeros(attrSize - 20);
    }
    node(RES_XML_START_ELEMENT_TYPE, el.line ?? line++, ext, 'start-element');
    if (el.text !== undefined) node(RES_XML_CDATA_TYPE, line, new ByteWriter().u32(str(el.text)).u16(8).u8(0).u8(0).u32(0), 'end-element');
    if (unknown.has('in-tree') && isRoot) nodes.push(unknownNode());
    for (const c of el.children ?? []) element(c, false);
    const endW = new ByteWriter().u32(elNs === undefined ? NONE : str(elNs)).u32(str(el.name));
    node(RES_XML_END_ELEMENT_TYPE, line++, endW, 'end-element');
  };
  element(root, true);
  for (const n of [...namespaces].reverse()) node(RES_XML_END_NAMESPACE_TYPE, line, new ByteWriter().u32(str(n.prefix)).u32(str(n.uri)), 'namespace');
  if (o.extraRoot) element(o.extraRoot, false);
  void ends;
  if (o.omitEndElements) {
    let left = o.omitEndElements;
    for (let i = nodes.length - 1; i >= 0 && left > 0; i--) {
      const type = nodes[i][0] | (nodes[i][1] << 8);
      if (type === RES_XML_END_ELEMENT_TYPE) {
        nodes.splice(i, 1);
        left--;
      }
    }
  }

  // 3. Assemble.
  const body = new ByteWriter();
  if (unknown.has('before-pool')) body.bytes(unknownChunk());
  const pool = writeStringPool(s.list, { ...o.pool, utf8: o.utf8, chunkSize: zero.has('string-pool') ? 0 : undefined });
  body.bytes(pool);
  if (unknown.has('after-pool')) body.bytes(unknownChunk());
  if (s.resIds.length > 0) {
    body.u16(RES_XML_RESOURCE_MAP_TYPE).u16(8).u32(zero.has('resource-map') ? 0 : 8 + 4 * s.resIds.length);
    for (const id of s.resIds) body.u32(id);
  }
  if (unknown.has('after-resource-map')) body.bytes(unknownChunk());
  for (const n of nodes) body.bytes(n);
  const out = new ByteWriter();
  out.u16(o.headerType ?? RES_XML_TYPE).u16(8).u32(zero.has('file') ? 0 : 8 + body.length).bytes(body.toBytes());
  return out.toBytes();
}

/** A typical AndroidManifest.xml tree for tests. */
export function sampleManifest(opts: { packageName?: string; label?: WAttr['value']; permissions?: string[] } = {}): WElement {
  return {
    name: 'manifest',
    attrs: [
      { android: true, name: 'versionCode', value: 42 },
      { android: true, name: 'versionName', value: '1.2.3' },
      { android: true, name: 'compileSdkVersion', value: 34 },
      { android: true, name: 'compileSdkVersionCodename', value: '14' },
      { name: 'package', value: opts.packageName ?? 'com.example.app' },
    ],
    children: [
      { name: 'uses-sdk', attrs: [{ android: true, name: 'minSdkVersion', value: 21 }, { android: true, name: 'targetSdkVersion', value: 34 }] },
      ...(opts.permissions ?? ['android.permission.INTERNET', 'android.permission.ACCESS_FINE_LOCATION']).map((p) => ({
        name: 'uses-permission',
        attrs: [{ android: true, name: 'name', value: p }],
      })),
      {
        name: 'application',
        attrs: [
          { android: true, name: 'label', value: opts.label ?? 'Example App' },
          { android: true, name: 'allowBackup', value: true },
          { android: true, name: 'debuggable', value: false },
        ],
        children: [
          {
            name: 'activity',
            attrs: [
              { android: true, name: 'name', value: '.MainActivity' },
              { android: true, name: 'exported', value: true },
            ],
            children: [
              {
                name: 'intent-filter',
                children: [
                  { name: 'action', attrs: [{ android: true, name: 'name', value: 'android.intent.action.MAIN' }] },
                  { name: 'category', attrs: [{ android: true, name: 'name', value: 'android.intent.category.LAUNCHER' }] },
                ],
              },
            ],
          },
          {
            name: 'meta-data',
            attrs: [
              { android: true, name: 'name', value: 'com.google.android.gms.ads.APPLICATION_ID' },
              { android: true, name: 'value', value: 'ca-app-pub-0000000000000000~0000000000' },
            ],
          },
        ],
      },
    ],
  };
}
