/**
 * Property lists: binary (`bplist00`) and XML. Pure: bytes in, value plus anomalies out.
 *
 * Binary format: Apple's CFBinaryPList.c (https://opensource.apple.com/source/CF/CF-1153.18/CFBinaryPList.c),
 * the trailer and object markers documented at its top. XML: Apple's PropertyList-1.0.dtd, read
 * with fast-xml-parser (a project dependency) in order-preserving mode.
 *
 * Why the binary reader is ours and not the `bplist-parser` package: that parser decodes an object
 * again each time it is referenced, so a crafted plist whose arrays reference each other (a
 * "billion laughs" in binary form: an array of 1,000 references to an array of 1,000 references …)
 * takes exponential time, and a reference cycle recurses until the stack overflows. Ours decodes
 * each object once (shared objects are shared JS values), detects cycles, and bounds depth and
 * object count.
 *
 * XML plists: entities are NOT expanded beyond the five predefined ones and character references,
 * as CFPropertyList does; a DOCTYPE's entity declarations (billion laughs, external entities) are
 * ignored, never fetched.
 */
import { lazyXmlParser } from '../lazy-require.js';
import { FormatError } from '../errors.js';
import type { Anomaly } from './bytes.js';

export type PlistValue = string | number | bigint | boolean | Date | Uint8Array | PlistUid | PlistValue[] | PlistDict | null;
export interface PlistDict {
  [key: string]: PlistValue;
}
export class PlistUid {
  constructor(readonly uid: number) {}
}

export interface Plist {
  format: 'binary' | 'xml';
  value: PlistValue;
  anomalies: Anomaly[];
}

const FORMAT = 'plist';
export const BPLIST_MAGIC = 'bplist00';
export const BPLIST_TRAILER_SIZE = 32;
/** most objects a binary plist may hold (Info.plists have hundreds; SKAdNetwork lists ~200) */
export const MAX_OBJECTS = 1_000_000;
export const MAX_DEPTH = 256;
/** CFAbsoluteTime epoch: 2001-01-01T00:00:00Z, in Unix milliseconds */
const CF_EPOCH_MS = 978307200000;

// Object markers (high nibble), CFBinaryPList.c
const MARKER_SIMPLE = 0x0;
const MARKER_INT = 0x1;
const MARKER_REAL = 0x2;
const MARKER_DATE = 0x3;
const MARKER_DATA = 0x4;
const MARKER_ASCII_STRING = 0x5;
const MARKER_UNICODE_STRING = 0x6;
const MARKER_UTF8_STRING = 0x7;
const MARKER_UID = 0x8;
const MARKER_ARRAY = 0xa;
const MARKER_ORD_SET = 0xb;
const MARKER_SET = 0xc;
const MARKER_DICT = 0xd;

const utf16be = new TextDecoder('utf-16be');
const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Parses a binary or XML property list. Throws FormatError when neither is readable. */
export function parsePlist(bytes: Uint8Array): Plist {
  if (bytes.length >= 8 && latin1.decode(bytes.subarray(0, 8)) === BPLIST_MAGIC) return parseBinaryPlist(bytes);
  let start = 0;
  while (start < bytes.length && start < 1024 && (bytes[start] === 0x20 || bytes[start] === 0x0a || bytes[start] === 0x0d || bytes[start] === 0x09 || bytes[start] === 0xef || bytes[start] === 0xbb || bytes[start] === 0xbf)) start++;
  if (bytes[start] === 0x3c /* < */) return parseXmlPlist(utf8.decode(bytes));
  if (bytes.length >= 6 && latin1.decode(bytes.subarray(0, 6)) === 'bplist') {
    throw new FormatError(FORMAT, `binary plist version ${latin1.decode(bytes.subarray(6, 8))} is not supported`);
  }
  throw new FormatError(FORMAT, 'neither a binary nor an XML property list');
}

// ------------------------------------------------------------------------------------------------
// Binary

export function parseBinaryPlist(bytes: Uint8Array): Plist {
  const anomalies: Anomaly[] = [];
  if (bytes.length < 8 + BPLIST_TRAILER_SIZE) throw new FormatError(FORMAT, 'binary plist too short for its trailer');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t = bytes.length - BPLIST_TRAILER_SIZE;
  const offsetIntSize = bytes[t + 6];
  const objectRefSize = bytes[t + 7];
  const numObjects = Number(dv.getBigUint64(t + 8));
  const topObject = Number(dv.getBigUint64(t + 16));
  const offsetTableOffset = Number(dv.getBigUint64(t + 24));
  if (![1, 2, 4, 8].includes(offsetIntSize) || ![1, 2, 4, 8].includes(objectRefSize)) {
    throw new FormatError(FORMAT, `bad trailer: offset size ${offsetIntSize}, reference size ${objectRefSize}`, t);
  }
  if (numObjects < 1 || numObjects > MAX_OBJECTS) throw new FormatError(FORMAT, `bad trailer: ${numObjects} objects`, t);
  if (offsetTableOffset < 8 || offsetTableOffset + numObjects * offsetIntSize > t) {
    throw new FormatError(FORMAT, 'offset table lies outside the data', t);
  }
  if (topObject >= numObjects) throw new FormatError(FORMAT, `top object ${topObject} out of range`, t);

  const readUInt = (pos: number, size: number): number => {
    switch (size) {
      case 1:
        return bytes[pos];
      case 2:
        return dv.getUint16(pos);
      case 4:
        return dv.getUint32(pos);
      default:
        return Number(dv.getBigUint64(pos));
    }
  };
  const offsetOf = (ref: number): number => readUInt(offsetTableOffset + ref * offsetIntSize, offsetIntSize);

  const done = new Map<number, PlistValue>();
  const inProgress = new Set<number>();

  const fail = (msg: string, pos?: number): never => {
    throw new FormatError(FORMAT, msg, pos);
  };
  const need = (pos: number, n: number) => {
    if (pos < 8 || pos + n > offsetTableOffset) fail(`object data (${n} bytes at ${pos}) lies outside the object area`, pos);
  };

  /** Reads the length that follows a marker: the low nibble, or 0xF followed by an int object. */
  const lengthAt = (pos: number): [number, number] => {
    const low = bytes[pos] & 0x0f;
    if (low !== 0x0f) return [low, pos + 1];
    need(pos + 1, 1);
    const m = bytes[pos + 1];
    if (m >> 4 !== MARKER_INT) fail('bad length marker', pos + 1);
    const size = 1 << (m & 0x0f);
    if (size > 8) fail('length too large', pos + 1);
    need(pos + 2, size);
    return [readUInt(pos + 2, size), pos + 2 + size];
  };

  const parse = (ref: number, depth: number): PlistValue => {
    if (ref >= numObjects) {
      anomalies.push({ code: 'plist-reference-out-of-range', message: `object reference ${ref} out of range (${numObjects})` });
      return null;
    }
    const known = done.get(ref);
    if (known !== undefined) return known;
    if (inProgress.has(ref)) fail(`object ${ref} contains itself (reference cycle)`);
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    const pos = offsetOf(ref);
    need(pos, 1);
    const marker = bytes[pos];
    const type = marker >> 4;
    let value: PlistValue;
    switch (type) {
      case MARKER_SIMPLE:
        value = marker === 0x08 ? false : marker === 0x09 ? true : null;
        break;
      case MARKER_INT: {
        const size = 1 << (marker & 0x0f);
        need(pos + 1, size);
        if (size <= 4) value = readUInt(pos + 1, size);
        else if (size === 8) {
          const v = dv.getBigInt64(pos + 1);
          value = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
        } else if (size === 16) {
          value = Number(dv.getBigInt64(pos + 9)); // 128-bit ints: the low 64 bits, as CF does for values that fit
        } else value = fail(`integer of ${size} bytes`, pos);
        break;
      }
      case MARKER_REAL: {
        const size = 1 << (marker & 0x0f);
        need(pos + 1, size);
        value = size === 4 ? dv.getFloat32(pos + 1) : size === 8 ? dv.getFloat64(pos + 1) : fail(`real of ${size} bytes`, pos);
        break;
      }
      case MARKER_DATE:
        need(pos + 1, 8);
        value = new Date(CF_EPOCH_MS + dv.getFloat64(pos + 1) * 1000);
        break;
      case MARKER_DATA: {
        const [len, at] = lengthAt(pos);
        need(at, len);
        value = bytes.slice(at, at + len);
        break;
      }
      case MARKER_ASCII_STRING: {
        const [len, at] = lengthAt(pos);
        need(at, len);
        value = latin1.decode(bytes.subarray(at, at + len));
        break;
      }
      case MARKER_UNICODE_STRING: {
        const [len, at] = lengthAt(pos);
        need(at, len * 2);
        value = utf16be.decode(bytes.subarray(at, at + len * 2));
        break;
      }
      case MARKER_UTF8_STRING: {
        const [len, at] = lengthAt(pos);
        need(at, len);
        value = utf8.decode(bytes.subarray(at, at + len));
        break;
      }
      case MARKER_UID: {
        const size = (marker & 0x0f) + 1;
        need(pos + 1, size);
        value = new PlistUid(size <= 4 ? readUInt(pos + 1, size) : Number(dv.getBigUint64(pos + 1)));
        break;
      }
      case MARKER_ARRAY:
      case MARKER_ORD_SET:
      case MARKER_SET: {
        const [len, at] = lengthAt(pos);
        need(at, len * objectRefSize);
        inProgress.add(ref);
        const arr: PlistValue[] = new Array(len);
        for (let i = 0; i < len; i++) arr[i] = parse(readUInt(at + i * objectRefSize, objectRefSize), depth + 1);
        inProgress.delete(ref);
        value = arr;
        break;
      }
      case MARKER_DICT: {
        const [len, at] = lengthAt(pos);
        need(at, len * 2 * objectRefSize);
        inProgress.add(ref);
        const dict: PlistDict = Object.create(null);
        for (let i = 0; i < len; i++) {
          const k = parse(readUInt(at + i * objectRefSize, objectRefSize), depth + 1);
          const v = parse(readUInt(at + (len + i) * objectRefSize, objectRefSize), depth + 1);
          if (typeof k !== 'string') {
            anomalies.push({ code: 'plist-non-string-key', message: 'dictionary key is not a string; entry skipped', offset: pos });
            continue;
          }
          dict[k] = v;
        }
        inProgress.delete(ref);
        value = dict;
        break;
      }
      default:
        anomalies.push({ code: 'plist-unknown-marker', message: `unknown object marker 0x${marker.toString(16)}`, offset: pos });
        value = null;
    }
    done.set(ref, value);
    return value;
  };

  return { format: 'binary', value: parse(topObject, 0), anomalies };
}

// ------------------------------------------------------------------------------------------------
// XML

type XmlNode = { [tag: string]: XmlNode[] | string | undefined } & { ':@'?: Record<string, string>; '#text'?: string };

const xml = lazyXmlParser({
  preserveOrder: true,
  ignoreAttributes: true,
  processEntities: false,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Predefined entities and character references only (as CFPropertyList); anything else stays as written. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (m, e: string) => {
    if (e[0] !== '#') return PREDEFINED[e];
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/**
 * Removes a DOCTYPE (with its internal subset) before parsing: CFPropertyList ignores the DTD, and
 * so must we — its entity declarations are where billion-laughs and external-entity attacks live.
 * One linear scan, no regular expression.
 */
function stripDoctype(text: string, anomalies: Anomaly[]): string {
  const start = text.indexOf('<!DOCTYPE');
  if (start < 0) return text;
  let i = start + 9;
  let inSubset = false;
  let quote = '';
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') inSubset = true;
    else if (ch === ']') inSubset = false;
    else if (ch === '>' && !inSubset) break;
  }
  const doctype = text.slice(start, i + 1);
  if (doctype.includes('<!ENTITY')) anomalies.push({ code: 'plist-doctype-entities', message: 'the DOCTYPE declares entities; they are ignored, as Apple\'s parser does' });
  return text.slice(0, start) + text.slice(i + 1);
}

export function parseXmlPlist(text: string): Plist {
  const anomalies: Anomaly[] = [];
  let nodes: XmlNode[];
  try {
    nodes = xml().parse(stripDoctype(text, anomalies)) as XmlNode[];
  } catch (e) {
    throw new FormatError(FORMAT, `XML not readable: ${(e as Error).message}`);
  }
  const tagOf = (n: XmlNode): string | undefined => Object.keys(n).find((k) => k !== ':@');
  const childrenOf = (n: XmlNode, tag: string): XmlNode[] => (Array.isArray(n[tag]) ? (n[tag] as XmlNode[]) : []);
  const textOf = (n: XmlNode, tag: string): string =>
    decodeEntities(
      childrenOf(n, tag)
        .map((c) => (typeof c['#text'] === 'string' ? c['#text'] : ''))
        .join(''),
    );
  const elements = (list: XmlNode[]) => list.filter((c) => {
    const t = tagOf(c);
    return t !== undefined && t !== '#text' && !t.startsWith('!') && !t.startsWith('?');
  });

  const convert = (n: XmlNode, depth: number): PlistValue => {
    if (depth > MAX_DEPTH) throw new FormatError(FORMAT, `nesting deeper than ${MAX_DEPTH}`);
    const tag = tagOf(n)!;
    switch (tag) {
      case 'string':
        return textOf(n, tag);
      case 'integer': {
        const s = textOf(n, tag).trim();
        if (!/^[+-]?(0x[0-9a-fA-F]+|\d+)$/.test(s)) {
          anomalies.push({ code: 'plist-bad-integer', message: `integer ${JSON.stringify(s.slice(0, 40))} not readable` });
          return null;
        }
        const neg = s.startsWith('-');
        const body = s.replace(/^[+-]/, '');
        const big = BigInt(body) * (neg ? -1n : 1n);
        return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      case 'real':
        return Number(textOf(n, tag).trim());
      case 'true':
        return true;
      case 'false':
        return false;
      case 'date': {
        const d = new Date(textOf(n, tag).trim());
        return Number.isNaN(d.getTime()) ? null : d;
      }
      case 'data':
        return new Uint8Array(Buffer.from(textOf(n, tag).replace(/\s+/g, ''), 'base64'));
      case 'array':
        return elements(childrenOf(n, tag)).map((c) => convert(c, depth + 1));
      case 'dict': {
        const dict: PlistDict = Object.create(null);
        const kids = elements(childrenOf(n, tag));
        for (let i = 0; i < kids.length; i++) {
          if (tagOf(kids[i]) !== 'key') {
            anomalies.push({ code: 'plist-dict-without-key', message: `<${tagOf(kids[i])}> in a <dict> without a <key> before it; skipped` });
            continue;
          }
          const key = textOf(kids[i], 'key');
          const v = kids[i + 1];
          if (!v || tagOf(v) === 'key') {
            anomalies.push({ code: 'plist-key-without-value', message: `key ${JSON.stringify(key)} has no value` });
            continue;
          }
          dict[key] = convert(v, depth + 1);
          i++;
        }
        return dict;
      }
      default:
        anomalies.push({ code: 'plist-unknown-element', message: `unknown element <${tag}>` });
        return null;
    }
  };

  const top = elements(nodes);
  const plist = top.find((n) => tagOf(n) === 'plist');
  const body = plist ? elements(childrenOf(plist, 'plist')) : top;
  if (!body.length) throw new FormatError(FORMAT, 'XML plist has no value');
  if (body.length > 1) anomalies.push({ code: 'plist-multiple-values', message: 'more than one top-level value; the first is used' });
  return { format: 'xml', value: convert(body[0], 0), anomalies };
}

/** Narrowing helpers for readers of Info.plist-like dictionaries. */
export function isDict(v: PlistValue | undefined): v is PlistDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array) && !(v instanceof PlistUid);
}

export function asString(v: PlistValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asStringArray(v: PlistValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
