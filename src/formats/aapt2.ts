/**
 * aapt2's protobuf formats, as found in an Android App Bundle (.aab): each module's
 * `manifest/AndroidManifest.xml` is an `XmlNode`, `resources.pb` a `ResourceTable`.
 *
 * Spec: AOSP frameworks/base/tools/aapt2/Resources.proto, decoded with protobufjs from the excerpt
 * in ./aapt2/Resources.proto (read by ./aapt2/schema.ts). The XmlNode becomes the same
 * AxmlDocument tree the binary (APK) manifest reader builds, so the manifest reader is shared:
 * attributes are named by their framework resource ID, as in parseAxml, and compiled values become
 * the same TypedValues. Any failure to decode is a FormatError; nothing else escapes.
 */
import type protobufjs from 'protobufjs';
import { protobuf } from '../lazy-require.js';
import { FormatError } from '../errors.js';
import { androidAttrName, isFrameworkResourceId } from './android-attrs.js';
import type { Anomaly } from './bytes.js';
import type { AxmlAttribute, AxmlDocument, AxmlElement, AxmlNamespace } from './axml.js';
import { complexToFloat, type TypedValue } from './res-value.js';
import { resourcesProto } from './aapt2/schema.js';

/** Deepest element nesting we build (as parseAxml); deeper elements are dropped with an anomaly. */
export const MAX_PROTO_XML_DEPTH = 512;

let schema: { xmlNode: protobufjs.Type; resourceTable: protobufjs.Type } | undefined;

function types(): { xmlNode: protobufjs.Type; resourceTable: protobufjs.Type } {
  if (!schema) {
    const root = protobuf().parse(resourcesProto(), { keepCase: true }).root;
    schema = { xmlNode: root.lookupType('aapt.pb.XmlNode'), resourceTable: root.lookupType('aapt.pb.ResourceTable') };
  }
  return schema;
}

// ---- the decoded messages (keepCase: field names as in the .proto) ----------------------------------

interface PbReference {
  type?: number;
  id?: number;
  name?: string;
}
interface PbPrimitive {
  null_value?: object | null;
  empty_value?: object | null;
  float_value?: number;
  dimension_value?: number;
  fraction_value?: number;
  int_decimal_value?: number;
  int_hexadecimal_value?: number;
  boolean_value?: boolean;
  color_argb8_value?: number;
  color_rgb8_value?: number;
  color_argb4_value?: number;
  color_rgb4_value?: number;
  oneof_value?: string;
}
interface PbItem {
  ref?: PbReference | null;
  str?: { value?: string } | null;
  raw_str?: { value?: string } | null;
  styled_str?: { value?: string } | null;
  file?: { path?: string } | null;
  prim?: PbPrimitive | null;
  value?: string;
}
interface PbXmlAttribute {
  namespace_uri?: string;
  name?: string;
  value?: string;
  resource_id?: number;
  compiled_item?: PbItem | null;
}
interface PbXmlElement {
  namespace_declaration?: { prefix?: string; uri?: string }[];
  namespace_uri?: string;
  name?: string;
  attribute?: PbXmlAttribute[];
  child?: PbXmlNode[];
}
interface PbXmlNode {
  element?: PbXmlElement | null;
  text?: string;
  node?: string;
  source?: { line_number?: number } | null;
}
interface PbResourceTable {
  package?: {
    package_id?: { id?: number } | null;
    package_name?: string;
    type?: {
      type_id?: { id?: number } | null;
      name?: string;
      entry?: { entry_id?: { id?: number } | null; name?: string; config_value?: { config?: Uint8Array; value?: { item?: PbItem | null } | null }[] }[];
    }[];
  }[];
}

function decode<T>(type: protobufjs.Type, bytes: Uint8Array, format: string): T {
  try {
    return type.decode(bytes) as unknown as T;
  } catch (e) {
    // protobufjs throws RangeError/Error for truncated or invalid input; a stack overflow on
    // absurdly deep nesting is a RangeError too
    throw new FormatError(format, `not a decodable ${type.name} message: ${(e as Error)?.message ?? String(e)}`);
  }
}

// ---- values ----------------------------------------------------------------------------------------

/** An aapt2 Item as the TypedValue a binary manifest would hold; undefined when it carries none. */
export function itemToTypedValue(item: PbItem | null | undefined): TypedValue | undefined {
  if (!item) return undefined;
  switch (item.value) {
    case 'ref':
      return item.ref?.type === 1 ? { type: 'attribute', id: (item.ref.id ?? 0) >>> 0 } : { type: 'reference', id: (item.ref?.id ?? 0) >>> 0 };
    case 'str':
      return { type: 'string', value: item.str?.value ?? '' };
    case 'raw_str':
      return { type: 'string', value: item.raw_str?.value ?? '' };
    case 'styled_str':
      return { type: 'string', value: item.styled_str?.value ?? '' };
    case 'file':
      return { type: 'string', value: item.file?.path ?? '' };
    case 'prim':
      return primitiveToTypedValue(item.prim);
    default:
      return undefined;
  }
}

function primitiveToTypedValue(p: PbPrimitive | null | undefined): TypedValue | undefined {
  if (!p) return undefined;
  switch (p.oneof_value) {
    case 'null_value':
      return { type: 'null', empty: false };
    case 'empty_value':
      return { type: 'null', empty: true };
    case 'float_value':
      return { type: 'float', value: p.float_value ?? 0 };
    case 'dimension_value':
      return { type: 'dimension', value: complexToFloat(p.dimension_value ?? 0), unit: (['px', 'dip', 'sp', 'pt', 'in', 'mm'] as const)[(p.dimension_value ?? 0) & 0xf] ?? 'unknown' };
    case 'fraction_value':
      return { type: 'fraction', value: complexToFloat(p.fraction_value ?? 0), parent: ((p.fraction_value ?? 0) & 0xf) === 1 };
    case 'int_decimal_value':
      return { type: 'int', value: p.int_decimal_value ?? 0 };
    case 'int_hexadecimal_value':
      return { type: 'hex', value: (p.int_hexadecimal_value ?? 0) >>> 0 };
    case 'boolean_value':
      return { type: 'boolean', value: p.boolean_value === true };
    case 'color_argb8_value':
      return { type: 'color', argb: (p.color_argb8_value ?? 0) >>> 0, format: 'argb8' };
    case 'color_rgb8_value':
      return { type: 'color', argb: (p.color_rgb8_value ?? 0) >>> 0, format: 'rgb8' };
    case 'color_argb4_value':
      return { type: 'color', argb: (p.color_argb4_value ?? 0) >>> 0, format: 'argb4' };
    case 'color_rgb4_value':
      return { type: 'color', argb: (p.color_rgb4_value ?? 0) >>> 0, format: 'rgb4' };
    default:
      return undefined;
  }
}

// ---- XmlNode → AxmlDocument ------------------------------------------------------------------------

/** Decodes a protobuf XmlNode (an App Bundle module's AndroidManifest.xml) into an AxmlDocument. */
export function parseProtoXml(bytes: Uint8Array): AxmlDocument {
  const node = decode<PbXmlNode>(types().xmlNode, bytes, 'aapt2-xml');
  const anomalies: Anomaly[] = [];
  const namespaces: AxmlNamespace[] = [];
  let tooDeep = false;

  const convert = (el: PbXmlElement, depth: number, line: number | undefined): AxmlElement | undefined => {
    if (depth > MAX_PROTO_XML_DEPTH) {
      tooDeep = true;
      return undefined;
    }
    for (const ns of el.namespace_declaration ?? []) {
      const prefix = ns.prefix ?? '';
      const uri = ns.uri ?? '';
      if (!namespaces.some((n) => n.prefix === prefix && n.uri === uri)) namespaces.push({ prefix, uri });
    }
    const attributes: AxmlAttribute[] = [];
    for (const a of el.attribute ?? []) {
      const fileName = a.name ?? '';
      const resourceId = a.resource_id ? a.resource_id >>> 0 : undefined;
      const frameworkName = resourceId !== undefined && isFrameworkResourceId(resourceId) ? androidAttrName(resourceId) : undefined;
      const name = frameworkName ?? fileName;
      const rawValue = a.value ?? '';
      const value = itemToTypedValue(a.compiled_item) ?? { type: 'string', value: rawValue };
      const attr: AxmlAttribute = { name, value };
      if (a.namespace_uri) attr.namespaceUri = a.namespace_uri;
      if (name !== fileName) attr.nameString = fileName;
      if (resourceId !== undefined) attr.resourceId = resourceId;
      if (rawValue !== '' || value.type === 'string') attr.rawValue = rawValue;
      attributes.push(attr);
    }
    const children: AxmlElement[] = [];
    let text: string | undefined;
    for (const c of el.child ?? []) {
      if (c.element) {
        const child = convert(c.element, depth + 1, c.source?.line_number || undefined);
        if (child) children.push(child);
      } else if (c.node === 'text' && c.text) {
        text = (text ?? '') + c.text;
      }
    }
    const out: AxmlElement = { name: el.name ?? '', attributes, children };
    if (el.namespace_uri) out.namespaceUri = el.namespace_uri;
    if (text !== undefined) out.text = text;
    if (line) out.lineNumber = line;
    return out;
  };

  let root: AxmlElement | undefined;
  if (node.element) root = convert(node.element, 0, node.source?.line_number || undefined);
  else anomalies.push({ code: 'proto-xml-no-element', message: 'the XmlNode holds no element' });
  if (tooDeep) anomalies.push({ code: 'depth-limit', message: `elements nested deeper than ${MAX_PROTO_XML_DEPTH} levels were dropped` });
  return { root, otherRoots: [], namespaces, resourceIds: [], anomalies };
}

// ---- resources.pb ----------------------------------------------------------------------------------

/**
 * The part of a ResourceTable the manifest reader needs: values by resource ID, default
 * configuration first (its `config` is an empty message), else the first configuration.
 * Structurally compatible with the `resolve`/`resolveString` of arsc.ts's ResourceTable.
 */
export class ProtoResourceTable {
  private readonly values = new Map<number, TypedValue>();
  readonly anomalies: Anomaly[] = [];

  constructor(table: PbResourceTable) {
    for (const pkg of table.package ?? []) {
      const pid = (pkg.package_id?.id ?? 0x7f) & 0xff;
      for (const type of pkg.type ?? []) {
        const tid = (type.type_id?.id ?? 0) & 0xff;
        if (!tid) continue;
        for (const entry of type.entry ?? []) {
          const eid = (entry.entry_id?.id ?? 0) & 0xffff;
          const configs = entry.config_value ?? [];
          const chosen = configs.find((c) => !c.config || c.config.length === 0) ?? configs[0];
          const v = itemToTypedValue(chosen?.value?.item);
          if (!v) continue;
          const id = ((pid << 24) | (tid << 16) | eid) >>> 0;
          if (!this.values.has(id)) this.values.set(id, v);
        }
      }
    }
  }

  get size(): number {
    return this.values.size;
  }

  /** The value for an ID, following references (bounded). */
  resolve(id: number): TypedValue | undefined {
    let v = this.values.get(id >>> 0);
    for (let hops = 0; v && v.type === 'reference' && hops < 8; hops++) v = this.values.get(v.id);
    return v && v.type !== 'reference' ? v : undefined;
  }

  resolveString(id: number): string | undefined {
    const v = this.resolve(id);
    return v?.type === 'string' ? v.value : undefined;
  }
}

/** Decodes a module's resources.pb. */
export function parseProtoResources(bytes: Uint8Array): ProtoResourceTable {
  const table = decode<PbResourceTable>(types().resourceTable, bytes, 'aapt2-resources');
  try {
    return new ProtoResourceTable(table);
  } catch (e) {
    throw new FormatError('aapt2-resources', `unreadable resource table: ${(e as Error)?.message ?? String(e)}`);
  }
}
