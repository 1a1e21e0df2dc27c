/**
 * Android binary XML (AXML), as found in AndroidManifest.xml and compiled res/xml/*.xml.
 *
 * Spec: AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h (ResXMLTree_header,
 * ResXMLTree_node, ResXMLTree_attrExt, ResXMLTree_attribute, …) and ResourceTypes.cpp
 * (ResXMLTree::setTo, ResXMLParser::nextNode), which define what Android itself accepts.
 * https://android.googlesource.com/platform/frameworks/base/+/refs/heads/main/libs/androidfw/include/androidfw/ResourceTypes.h
 *
 * File: ResXMLTree_header (a ResChunk_header of type RES_XML_TYPE), then chunks:
 *   RES_STRING_POOL_TYPE, RES_XML_RESOURCE_MAP_TYPE (u32 resource ID per attribute-name string
 *   index), then the node chunks (namespace / element / cdata), each
 *   ResXMLTree_node { header; u32 lineNumber; u32 comment } followed by its extension at
 *   node + headerSize.
 *
 * We read the way Android reads, not the way aapt/apktool do, so that anti-analysis tricks that
 * still install are decoded: framework attributes are named by resource ID (not by their name
 * strings), attributes are located with the element's own attributeStart/attributeSize, unknown
 * chunks are skipped by size, and bogus sizes/counts are repaired or clamped. Every such repair is
 * recorded as an anomaly. FormatError only when nothing is readable.
 */
import { FormatError } from '../errors.js';
import { ByteView, type Anomaly } from './bytes.js';
import { ANDROID_NS, androidAttrName, isFrameworkResourceId } from './android-attrs.js';
import { decodeValue, TYPE_STRING, type TypedValue } from './res-value.js';
import { NO_STRING, pushAnomaly, RES_STRING_POOL_TYPE, STRING_POOL_HEADER_SIZE, StringPool } from './stringpool.js';

export { ANDROID_NS } from './android-attrs.js';
export type { TypedValue } from './res-value.js';
export { RES_NULL_TYPE, RES_STRING_POOL_TYPE, RES_TABLE_TYPE } from './stringpool.js';

export const RES_XML_TYPE = 0x0003;
export const RES_XML_FIRST_CHUNK_TYPE = 0x0100;
export const RES_XML_START_NAMESPACE_TYPE = 0x0100;
export const RES_XML_END_NAMESPACE_TYPE = 0x0101;
export const RES_XML_START_ELEMENT_TYPE = 0x0102;
export const RES_XML_END_ELEMENT_TYPE = 0x0103;
export const RES_XML_CDATA_TYPE = 0x0104;
export const RES_XML_LAST_CHUNK_TYPE = 0x017f;
export const RES_XML_RESOURCE_MAP_TYPE = 0x0180;

/** sizeof(ResChunk_header), sizeof(ResXMLTree_node), sizeof(ResXMLTree_attrExt), sizeof(ResXMLTree_attribute) */
const CHUNK_HEADER_SIZE = 8;
const NODE_HEADER_SIZE = 16;
const ATTR_EXT_SIZE = 20;
const ATTRIBUTE_SIZE = 20;

/** Deepest element nesting we build; deeper elements are dropped (with an anomaly). */
export const MAX_DEPTH = 512;

export interface AxmlAttribute {
  namespaceUri?: string;
  /** the attribute's name: for framework attributes, the name its resource ID stands for */
  name: string;
  /** the name string from the file, when it differs from `name` (renamed by an obfuscator) */
  nameString?: string;
  /** from RES_XML_RESOURCE_MAP_TYPE; what Android matches attributes on */
  resourceId?: number;
  /** the raw (source) string value, when present */
  rawValue?: string;
  value: TypedValue;
}

export interface AxmlElement {
  name: string;
  namespaceUri?: string;
  attributes: AxmlAttribute[];
  children: AxmlElement[];
  /** concatenated character data directly inside this element */
  text?: string;
  lineNumber?: number;
}

export interface AxmlNamespace {
  prefix: string;
  uri: string;
}

export interface AxmlDocument {
  /** the first top-level element (the one Android reads) */
  root: AxmlElement | undefined;
  /** further top-level elements, which Android ignores (anomaly `multiple-roots`) */
  otherRoots: AxmlElement[];
  /** namespace declarations in document order, de-duplicated */
  namespaces: AxmlNamespace[];
  /** resource IDs by attribute-name string index */
  resourceIds: number[];
  anomalies: Anomaly[];
}

/** Finds an attribute by name; `namespaceUri` defaults to the android namespace ('' = no namespace). */
export function findAttribute(el: AxmlElement, name: string, namespaceUri: string = ANDROID_NS): AxmlAttribute | undefined {
  const ns = namespaceUri === '' ? undefined : namespaceUri;
  return el.attributes.find((a) => a.name === name && a.namespaceUri === ns);
}

/** The value of a string attribute, or undefined. */
export function attributeString(el: AxmlElement, name: string, namespaceUri: string = ANDROID_NS): string | undefined {
  const a = findAttribute(el, name, namespaceUri);
  if (!a) return undefined;
  return a.value.type === 'string' ? a.value.value : a.rawValue;
}

interface Chunk {
  type: number;
  headerSize: number;
  size: number;
}

export function parseAxml(bytes: Uint8Array): AxmlDocument {
  return new AxmlReader(bytes).read();
}

class AxmlReader {
  private readonly b: Uint8Array;
  /** bounds-checked reads: a missed check becomes a FormatError, never a RangeError or garbage */
  private readonly v: ByteView;
  private end: number;
  private readonly anomalies: Anomaly[] = [];
  private pool: StringPool | undefined;
  private resIds: number[] = [];
  private readonly namespaces: AxmlNamespace[] = [];
  private readonly stack: AxmlElement[] = [];
  private root: AxmlElement | undefined;
  private readonly otherRoots: AxmlElement[] = [];
  /** elements opened beyond MAX_DEPTH that we are not building */
  private skippedDepth = 0;
  private sawNode = false;
  /** junk namespace URIs used by framework-ID attributes (namespace masking) */
  private readonly maskedUris = new Set<string>();

  constructor(bytes: Uint8Array) {
    this.b = bytes;
    this.v = new ByteView(bytes, 'axml');
    this.end = bytes.length;
  }

  private u16(o: number): number {
    return this.v.u16(o);
  }
  private u32(o: number): number {
    return this.v.u32(o);
  }
  private anomaly(code: string, message: string, offset?: number): void {
    pushAnomaly(this.anomalies, code, message, offset);
  }
  private str(index: number): string | undefined {
    if (index === NO_STRING) return undefined;
    if (!this.pool) {
      this.anomaly('string-index-out-of-range', `string ${index} referenced but the file has no string pool`);
      return undefined;
    }
    return this.pool.get(index);
  }

  read(): AxmlDocument {
    const b = this.b;
    if (b.length < CHUNK_HEADER_SIZE) throw new FormatError('axml', `file too short (${b.length} bytes)`);
    const type = this.u16(0);
    let headerSize = this.u16(2);
    const size = this.u32(4);
    if (type !== RES_XML_TYPE) {
      // Android's ResXMLTree::setTo does not check the type; accept when a pool or node follows.
      const next = b.length >= 16 ? this.u16(8) : -1;
      const plausible = next === RES_STRING_POOL_TYPE || next === RES_XML_RESOURCE_MAP_TYPE || (next >= RES_XML_FIRST_CHUNK_TYPE && next <= RES_XML_LAST_CHUNK_TYPE);
      if (!plausible || headerSize !== CHUNK_HEADER_SIZE) {
        throw new FormatError('axml', `not binary XML: header type 0x${type.toString(16)}`, 0);
      }
      this.anomaly('xml-header-type', `file header type is 0x${type.toString(16)}, expected RES_XML_TYPE`, 0);
    }
    if (headerSize < CHUNK_HEADER_SIZE || headerSize >= b.length) {
      this.anomaly('xml-header-size', `file headerSize ${headerSize} is invalid; using ${CHUNK_HEADER_SIZE}`, 0);
      headerSize = CHUNK_HEADER_SIZE;
    }
    if (size !== b.length) {
      if (size > b.length || size <= headerSize) {
        this.anomaly('xml-size', `file header size ${size} does not match the data length ${b.length}; using the data length`, 0);
      } else {
        this.anomaly('xml-trailing-data', `${b.length - size} bytes after the document end (header size ${size})`, size);
        this.end = size;
      }
    }

    let pos = headerSize;
    while (pos + CHUNK_HEADER_SIZE <= this.end) {
      const chunk = this.chunkAt(pos);
      try {
        this.handle(pos, chunk);
      } catch (e) {
        // A read we did not bound: lose this chunk, not the document.
        if (!(e instanceof FormatError)) throw e;
        this.anomaly('chunk-unreadable', `chunk type 0x${chunk.type.toString(16)} at ${pos}: ${e.message}`, pos);
      }
      pos += chunk.size;
    }
    if (pos < this.end) this.anomaly('xml-trailing-bytes', `${this.end - pos} bytes that do not form a chunk`, pos);

    if (!this.pool && !this.sawNode) throw new FormatError('axml', 'no string pool and no XML node: nothing readable');
    if (this.stack.length > 0 || this.skippedDepth > 0) {
      this.anomaly('missing-end-element', `${this.stack.length + this.skippedDepth} element(s) not closed at end of document`);
    }
    if (!this.root) this.anomaly('no-root-element', 'the document has no element');
    this.unmaskNamespaces();
    return {
      root: this.root,
      otherRoots: this.otherRoots,
      namespaces: this.namespaces,
      resourceIds: this.resIds,
      anomalies: this.anomalies,
    };
  }

  /** Reads a chunk header at pos and returns it with a usable size (repaired when it lies). */
  private chunkAt(pos: number): Chunk {
    const type = this.u16(pos);
    const headerSize = this.u16(pos + 2);
    const size = this.u32(pos + 4);
    const remaining = this.end - pos;
    if (size >= CHUNK_HEADER_SIZE && headerSize >= CHUNK_HEADER_SIZE && headerSize <= size && size <= remaining) {
      return { type, headerSize, size };
    }
    const repaired = this.repairSize(pos, type, headerSize);
    this.anomaly('chunk-size-invalid', `chunk type 0x${type.toString(16)} at ${pos} has size ${size} (headerSize ${headerSize}, ${remaining} bytes left); using ${repaired}`, pos);
    return { type, headerSize: Math.max(CHUNK_HEADER_SIZE, Math.min(headerSize, repaired)), size: repaired };
  }

  /** A size for a chunk whose own size is unusable: the natural size of a node, else up to the next plausible chunk. */
  private repairSize(pos: number, type: number, headerSize: number): number {
    const remaining = this.end - pos;
    const hs = headerSize >= NODE_HEADER_SIZE && headerSize < remaining ? headerSize : NODE_HEADER_SIZE;
    let natural = 0;
    switch (type) {
      case RES_XML_START_NAMESPACE_TYPE:
      case RES_XML_END_NAMESPACE_TYPE:
      case RES_XML_END_ELEMENT_TYPE:
        natural = hs + 8;
        break;
      case RES_XML_CDATA_TYPE:
        natural = hs + 12;
        break;
      case RES_XML_START_ELEMENT_TYPE:
        if (pos + hs + ATTR_EXT_SIZE <= this.end) {
          const ext = pos + hs;
          natural = hs + Math.max(ATTR_EXT_SIZE, this.u16(ext + 8) + this.u16(ext + 12) * this.u16(ext + 10));
        }
        break;
    }
    if (natural > 0) return Math.min(natural, remaining);
    // Resynchronise: the next 4-aligned offset that starts a plausible chunk.
    for (let q = pos + 8; q + CHUNK_HEADER_SIZE <= this.end; q += 4) {
      const t = this.u16(q);
      const h = this.u16(q + 2);
      const s = this.u32(q + 4);
      const known =
        (t === RES_STRING_POOL_TYPE && h === STRING_POOL_HEADER_SIZE) ||
        (t === RES_XML_RESOURCE_MAP_TYPE && h === CHUNK_HEADER_SIZE) ||
        (t >= RES_XML_START_NAMESPACE_TYPE && t <= RES_XML_CDATA_TYPE && h === NODE_HEADER_SIZE);
      if (known && s >= h && q + s <= this.end) return q - pos;
    }
    return remaining;
  }

  private handle(pos: number, c: Chunk): void {
    if (c.type === RES_STRING_POOL_TYPE || c.type === RES_XML_RESOURCE_MAP_TYPE) {
      if (this.sawNode) {
        // ResXMLTree::setTo only looks for these before the first node; nextNode skips them.
        this.anomaly('late-chunk', `chunk type 0x${c.type.toString(16)} after the first XML node is ignored (as Android does)`, pos);
        return;
      }
      if (c.type === RES_STRING_POOL_TYPE) {
        if (this.pool) this.anomaly('duplicate-string-pool', 'second string pool ignored (Android uses the first)', pos);
        else this.pool = new StringPool(this.b, pos, c.size, this.anomalies);
      } else {
        if (this.resIds.length > 0) this.anomaly('duplicate-resource-map', 'second resource map replaces the first (as Android does)', pos);
        const n = Math.max(0, Math.floor((c.size - c.headerSize) / 4));
        const ids = new Array<number>(n);
        for (let i = 0; i < n; i++) ids[i] = this.u32(pos + c.headerSize + 4 * i);
        this.resIds = ids;
      }
      return;
    }
    if (c.type >= RES_XML_FIRST_CHUNK_TYPE && c.type <= RES_XML_LAST_CHUNK_TYPE) {
      this.node(pos, c);
      return;
    }
    this.anomaly('unknown-chunk', `skipped unknown chunk type 0x${c.type.toString(16)} (${c.size} bytes)`, pos);
  }

  private node(pos: number, c: Chunk): void {
    this.sawNode = true;
    const chunkEnd = pos + c.size;
    let hs = c.headerSize;
    if (hs < NODE_HEADER_SIZE) {
      this.anomaly('node-header-size', `node headerSize ${hs} is smaller than ResXMLTree_node`, pos);
      hs = NODE_HEADER_SIZE;
    }
    const ext = pos + hs;
    const lineNumber = pos + 12 <= chunkEnd ? this.u32(pos + 8) : undefined;
    const need = (n: number): boolean => {
      if (ext + n <= chunkEnd) return true;
      this.anomaly('node-truncated', `node type 0x${c.type.toString(16)} too small for its extension`, pos);
      return false;
    };
    switch (c.type) {
      case RES_XML_START_NAMESPACE_TYPE: {
        if (!need(8)) return;
        const prefix = this.str(this.u32(ext)) ?? '';
        const uri = this.str(this.u32(ext + 4)) ?? '';
        if (!this.namespaces.some((n) => n.prefix === prefix && n.uri === uri)) this.namespaces.push({ prefix, uri });
        return;
      }
      case RES_XML_END_NAMESPACE_TYPE:
        return;
      case RES_XML_START_ELEMENT_TYPE:
        if (!need(ATTR_EXT_SIZE)) return;
        this.startElement(pos, ext, chunkEnd, lineNumber);
        return;
      case RES_XML_END_ELEMENT_TYPE: {
        if (!need(8)) return;
        if (this.skippedDepth > 0) {
          this.skippedDepth--;
          return;
        }
        const el = this.stack.pop();
        if (!el) {
          this.anomaly('unbalanced-end-element', 'end tag without a matching start tag', pos);
          return;
        }
        const name = this.str(this.u32(ext + 4)) ?? '';
        if (name !== el.name) this.anomaly('end-element-mismatch', `end tag </${name}> closes <${el.name}>`, pos);
        return;
      }
      case RES_XML_CDATA_TYPE: {
        if (!need(12)) return;
        const text = this.str(this.u32(ext)) ?? '';
        const top = this.stack[this.stack.length - 1];
        if (!top) {
          if (this.skippedDepth === 0 && text.trim() !== '') this.anomaly('text-outside-element', 'character data outside any element', pos);
          return;
        }
        top.text = (top.text ?? '') + text;
        return;
      }
      default:
        this.anomaly('unknown-node', `skipped unknown XML node type 0x${c.type.toString(16)}`, pos);
    }
  }

  private startElement(pos: number, ext: number, chunkEnd: number, lineNumber: number | undefined): void {
    const nsUri = this.str(this.u32(ext));
    const name = this.str(this.u32(ext + 4)) ?? '';
    const attributeStart = this.u16(ext + 8);
    let attributeSize = this.u16(ext + 10);
    let attributeCount = this.u16(ext + 12);
    if (attributeStart !== ATTR_EXT_SIZE || attributeSize !== ATTRIBUTE_SIZE) {
      this.anomaly('attribute-layout', `element <${name}> has attributeStart ${attributeStart} and attributeSize ${attributeSize} (defaults ${ATTR_EXT_SIZE}/${ATTRIBUTE_SIZE}); using them as Android does`, pos);
    }
    if (attributeSize === 0 && attributeCount > 1) {
      this.anomaly('attribute-size-zero', `element <${name}> has attributeSize 0 with ${attributeCount} attributes; reading one`, pos);
      attributeCount = 1;
      attributeSize = ATTRIBUTE_SIZE;
    }
    // Bound the count by what fits in the chunk.
    const first = ext + attributeStart;
    const fits = first + ATTRIBUTE_SIZE > chunkEnd ? 0 : 1 + Math.floor((chunkEnd - first - ATTRIBUTE_SIZE) / Math.max(1, attributeSize));
    if (attributeCount > fits) {
      this.anomaly('attribute-count', `element <${name}> claims ${attributeCount} attributes, only ${fits} fit in the chunk`, pos);
      attributeCount = fits;
    }
    const el: AxmlElement = { name, attributes: [], children: [] };
    if (nsUri !== undefined) el.namespaceUri = nsUri;
    if (lineNumber !== undefined) el.lineNumber = lineNumber;
    if (name === '') this.anomaly('element-name-empty', 'element with an empty or invalid name', pos);
    for (let i = 0; i < attributeCount; i++) el.attributes.push(this.attribute(first + i * attributeSize, name));

    if (this.skippedDepth > 0 || this.stack.length >= MAX_DEPTH) {
      if (this.skippedDepth === 0) this.anomaly('depth-limit', `elements nested deeper than ${MAX_DEPTH} are dropped`, pos);
      this.skippedDepth++;
      return;
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(el);
    else if (!this.root) this.root = el;
    else {
      this.anomaly('multiple-roots', `second top-level element <${name}> (Android reads only the first)`, pos);
      this.otherRoots.push(el);
    }
    this.stack.push(el);
  }

  private attribute(at: number, elementName: string): AxmlAttribute {
    const nsIdx = this.u32(at);
    const nameIdx = this.u32(at + 4);
    const rawIdx = this.u32(at + 8);
    const dataType = this.v.u8(at + 15);
    const data = this.u32(at + 16);
    const resId = nameIdx < this.resIds.length && this.resIds[nameIdx] !== 0 ? this.resIds[nameIdx] : undefined;
    const nameString = this.str(nameIdx) ?? '';
    let ns = this.str(nsIdx);
    let name = nameString;
    const attr: AxmlAttribute = { name, value: { type: 'null', empty: false } };
    if (resId !== undefined) {
      attr.resourceId = resId;
      if (isFrameworkResourceId(resId)) {
        const real = androidAttrName(resId);
        if (real !== undefined && real !== nameString) {
          this.anomaly('attribute-name-mismatch', `attribute ${hexId(resId)} on <${elementName}> is named "${nameString}" in the string pool; its resource ID means android:${real}`, at);
          name = real;
        } else if (real === undefined && !/^[A-Za-z_][\w.-]*$/.test(nameString)) {
          this.anomaly('attribute-name-invalid', `framework attribute ${hexId(resId)} on <${elementName}> has an unusable name string`, at);
          name = `attr_${hexId(resId)}`;
        }
        if (ns !== ANDROID_NS) {
          this.anomaly('attribute-namespace-mismatch', `framework attribute android:${name} on <${elementName}> is in namespace "${ns ?? ''}"`, at);
          if (ns) this.maskedUris.add(ns);
          ns = ANDROID_NS;
        }
      }
    } else if (ns === ANDROID_NS) {
      this.anomaly('android-attribute-without-id', `android:${nameString} on <${elementName}> has no resource ID (Android ignores it)`, at);
    }
    attr.name = name;
    if (name !== nameString) attr.nameString = nameString;
    if (ns !== undefined) attr.namespaceUri = ns;
    const raw = this.str(rawIdx);
    if (raw !== undefined) attr.rawValue = raw;
    attr.value = decodeValue(dataType, data, (i) => this.str(i) ?? '');
    if (dataType === TYPE_STRING && raw !== undefined && attr.value.type === 'string' && raw !== attr.value.value) {
      this.anomaly('attribute-raw-value-mismatch', `attribute ${name} on <${elementName}>: raw value and typed string differ`, at);
    }
    return attr;
  }

  /** Namespace declarations whose junk URI only served to mask framework attributes: show them as android. */
  private unmaskNamespaces(): void {
    if (this.maskedUris.size === 0) return;
    const hasAndroid = this.namespaces.some((n) => n.uri === ANDROID_NS);
    for (const n of this.namespaces) {
      if (this.maskedUris.has(n.uri)) {
        this.anomaly('namespace-masked', `namespace "${n.uri}" (prefix ${n.prefix}) is used by framework attributes`);
        if (!hasAndroid) n.uri = ANDROID_NS;
      }
    }
  }
}

function hexId(id: number): string {
  return '0x' + (id >>> 0).toString(16).padStart(8, '0');
}
