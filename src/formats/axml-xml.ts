/**
 * Renders a parsed AXML document as readable XML text (like `aapt dump xmltree`, but XML).
 *
 * Choices (deterministic; the same document always gives the same text):
 * - Namespace prefixes come from the document's declarations, all declared on the root element;
 *   a URI used but not declared gets `android` (for the android URI) or `ns0`, `ns1`, ….
 * - Values are shown as Android shows them (see formatTypedValue): `true`/`false`, decimal ints,
 *   `0x…` hex, `#aarrggbb` colors, `16dip`, `50%`. A reference is shown as the string it
 *   resolves to when `resolve` gives one (so `android:label="API Demos"`), otherwise as
 *   `@0x7f0a0001`; theme attributes as `?0x7f010000`.
 * - Attribute and element names that are not valid XML names (obfuscated junk) have their
 *   invalid characters replaced by `_` (an empty name becomes `_`); a repeated attribute name on
 *   one element gets a `_2`, `_3`, … suffix so the output stays well-formed.
 * - Control characters that XML 1.0 cannot carry become U+FFFD; tab/newline/CR in attribute
 *   values are written as character references.
 * - Top-level elements after the first (which Android ignores) are noted in a comment.
 */
import { ANDROID_NS } from './android-attrs.js';
import type { AxmlAttribute, AxmlDocument, AxmlElement } from './axml.js';
import { formatTypedValue, hex8 } from './res-value.js';

const INDENT = '  ';

export function renderAxmlAsXml(doc: AxmlDocument, resolve?: (id: number) => string | undefined): string {
  const prefixes = new Map<string, string>();
  const used = new Set<string>();
  for (const n of doc.namespaces) {
    if (prefixes.has(n.uri)) continue;
    let p = xmlName(n.prefix || 'ns');
    if (used.has(p)) p = freshPrefix(used);
    prefixes.set(n.uri, p);
    used.add(p);
  }
  const prefixOf = (uri: string): string => {
    let p = prefixes.get(uri);
    if (p === undefined) {
      p = uri === ANDROID_NS && !used.has('android') ? 'android' : freshPrefix(used);
      prefixes.set(uri, p);
      used.add(p);
    }
    return p;
  };
  const qname = (name: string, uri: string | undefined): string => (uri ? `${prefixOf(uri)}:${xmlName(name)}` : xmlName(name));

  const valueText = (a: AxmlAttribute): string => {
    const v = a.value;
    if ((v.type === 'reference' || v.type === 'dynamic-reference') && resolve && v.id !== 0) {
      const s = resolve(v.id);
      if (s !== undefined) return s;
    }
    if (v.type === 'reference' || v.type === 'dynamic-reference') return '@' + hex8(v.id);
    if (v.type === 'null' && a.rawValue !== undefined) return a.rawValue;
    return formatTypedValue(v);
  };

  const body: string[] = [];
  const renderEl = (el: AxmlElement, depth: number): void => {
    const pad = INDENT.repeat(depth);
    const seen = new Map<string, number>();
    const attrs: string[] = [];
    for (const a of el.attributes) {
      let n = qname(a.name, a.namespaceUri);
      const k = (seen.get(n) ?? 0) + 1;
      seen.set(n, k);
      if (k > 1) n = `${n}_${k}`;
      attrs.push(`${n}="${escapeAttr(valueText(a))}"`);
    }
    // qname may allocate prefixes; the root's xmlns list is built after the whole tree is walked.
    const tag = qname(el.name, el.namespaceUri);
    const open = `${pad}<${tag}${depth === 0 ? '\u0000XMLNS\u0000' : ''}${attrs.length ? ' ' + attrs.join(' ') : ''}`;
    const text = el.text !== undefined && el.text.trim() !== '' ? escapeText(el.text) : undefined;
    if (el.children.length === 0 && text === undefined) {
      body.push(`${open} />`);
      return;
    }
    if (el.children.length === 0) {
      body.push(`${open}>${text}</${tag}>`);
      return;
    }
    body.push(`${open}>`);
    if (text !== undefined) body.push(`${pad}${INDENT}${text}`);
    for (const c of el.children) renderEl(c, depth + 1);
    body.push(`${pad}</${tag}>`);
  };
  if (doc.root) renderEl(doc.root, 0);
  const xmlns = [...prefixes].map(([uri, p]) => ` xmlns:${p}="${escapeAttr(uri)}"`).join('');
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', ...body.map((l) => l.replace('\u0000XMLNS\u0000', xmlns))];
  if (doc.otherRoots.length > 0) lines.push(`<!-- ${doc.otherRoots.length} further top-level element(s) not shown: Android reads only the first -->`);
  return lines.join('\n') + '\n';
}

function freshPrefix(used: Set<string>): string {
  for (let i = 0; ; i++) if (!used.has(`ns${i}`)) return `ns${i}`;
}

/** Replaces characters that cannot appear in an XML name. */
function xmlName(s: string): string {
  if (s === '') return '_';
  let out = s.replace(/[^A-Za-z0-9_.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/g, '_');
  if (!/^[A-Za-z_\u00C0-\uFFFD]/.test(out)) out = '_' + out;
  return out;
}

function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

function escapeText(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return clean(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
