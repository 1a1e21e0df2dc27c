/**
 * Property list writers for fixtures: XML (what Xcode writes into most Info.plists before
 * compilation) and binary `bplist00` (what App Store builds ship). The binary writer also takes a
 * raw object table, so tests can build what no honest encoder makes: shared subtrees referenced a
 * thousand times, reference cycles, lying trailers.
 */

export type WritableValue = string | number | boolean | Date | Uint8Array | WritableValue[] | { [k: string]: WritableValue };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function writeXmlPlist(value: WritableValue): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">', '<plist version="1.0">'];
  const emit = (v: WritableValue, indent: string) => {
    if (typeof v === 'string') out.push(`${indent}<string>${esc(v)}</string>`);
    else if (typeof v === 'boolean') out.push(`${indent}<${v}/>`);
    else if (typeof v === 'number') out.push(Number.isInteger(v) ? `${indent}<integer>${v}</integer>` : `${indent}<real>${v}</real>`);
    else if (v instanceof Date) out.push(`${indent}<date>${v.toISOString().replace(/\.\d{3}Z$/, 'Z')}</date>`);
    else if (v instanceof Uint8Array) out.push(`${indent}<data>${Buffer.from(v).toString('base64')}</data>`);
    else if (Array.isArray(v)) {
      out.push(`${indent}<array>`);
      for (const x of v) emit(x, indent + '\t');
      out.push(`${indent}</array>`);
    } else {
      out.push(`${indent}<dict>`);
      for (const [k, x] of Object.entries(v)) {
        out.push(`${indent}\t<key>${esc(k)}</key>`);
        emit(x, indent + '\t');
      }
      out.push(`${indent}</dict>`);
    }
  };
  emit(value, '');
  out.push('</plist>', '');
  return out.join('\n');
}

/** One object of a raw binary plist table; containers hold object indices. */
export type RawObject =
  | { t: 'null' | 'true' | 'false' }
  | { t: 'int'; v: number }
  | { t: 'real'; v: number }
  | { t: 'date'; v: Date }
  | { t: 'data'; v: Uint8Array }
  | { t: 'string'; v: string }
  | { t: 'uid'; v: number }
  | { t: 'array'; refs: number[] }
  | { t: 'dict'; keys: number[]; values: number[] };

/** Flattens a value into a raw table (no sharing), top object at index 0. */
export function toRawObjects(value: WritableValue): RawObject[] {
  const objects: RawObject[] = [];
  const add = (v: WritableValue): number => {
    const i = objects.length;
    objects.push({ t: 'null' });
    let o: RawObject;
    if (typeof v === 'string') o = { t: 'string', v };
    else if (typeof v === 'boolean') o = { t: v ? 'true' : 'false' };
    else if (typeof v === 'number') o = Number.isInteger(v) ? { t: 'int', v } : { t: 'real', v };
    else if (v instanceof Date) o = { t: 'date', v };
    else if (v instanceof Uint8Array) o = { t: 'data', v };
    else if (Array.isArray(v)) o = { t: 'array', refs: v.map(add) };
    else {
      const entries = Object.entries(v);
      const keys = entries.map(([k]) => add(k));
      o = { t: 'dict', keys, values: entries.map(([, x]) => add(x)) };
    }
    objects[i] = o;
    return i;
  };
  add(value);
  return objects;
}

export function writeBinaryPlist(value: WritableValue): Uint8Array {
  return writeRawBinaryPlist(toRawObjects(value));
}

/** Writes a raw object table (top object 0) with 4-byte offsets and 4-byte references. */
export function writeRawBinaryPlist(objects: RawObject[], options: { topObject?: number; numObjectsOverride?: number } = {}): Uint8Array {
  const parts: number[] = [...Buffer.from('bplist00', 'latin1')];
  const offsets: number[] = [];
  const REF = 4;
  const pushUInt = (v: number, size: number) => {
    for (let b = size - 1; b >= 0; b--) parts.push(Math.floor(v / 2 ** (8 * b)) & 0xff);
  };
  const header = (type: number, len: number) => {
    if (len < 15) parts.push((type << 4) | len);
    else {
      parts.push((type << 4) | 0x0f, 0x12);
      pushUInt(len, 4);
    }
  };
  for (const o of objects) {
    offsets.push(parts.length);
    switch (o.t) {
      case 'null':
        parts.push(0x00);
        break;
      case 'false':
        parts.push(0x08);
        break;
      case 'true':
        parts.push(0x09);
        break;
      case 'int':
        parts.push(0x13);
        pushUInt(o.v, 8);
        break;
      case 'real': {
        parts.push(0x23);
        const b = Buffer.alloc(8);
        b.writeDoubleBE(o.v);
        parts.push(...b);
        break;
      }
      case 'date': {
        parts.push(0x33);
        const b = Buffer.alloc(8);
        b.writeDoubleBE((o.v.getTime() - 978307200000) / 1000);
        parts.push(...b);
        break;
      }
      case 'data':
        header(0x4, o.v.length);
        parts.push(...o.v);
        break;
      case 'string':
        if (/^[\x00-\x7f]*$/.test(o.v)) {
          header(0x5, o.v.length);
          parts.push(...Buffer.from(o.v, 'latin1'));
        } else {
          header(0x6, o.v.length);
          const b = Buffer.from(o.v, 'utf16le');
          b.swap16();
          parts.push(...b);
        }
        break;
      case 'uid':
        parts.push(0x83);
        pushUInt(o.v, 4);
        break;
      case 'array':
        header(0xa, o.refs.length);
        for (const r of o.refs) pushUInt(r, REF);
        break;
      case 'dict':
        header(0xd, o.keys.length);
        for (const r of o.keys) pushUInt(r, REF);
        for (const r of o.values) pushUInt(r, REF);
        break;
    }
  }
  const offsetTable = parts.length;
  for (const off of offsets) pushUInt(off, 4);
  const trailer = Buffer.alloc(32);
  trailer[6] = 4;
  trailer[7] = REF;
  trailer.writeBigUInt64BE(BigInt(options.numObjectsOverride ?? objects.length), 8);
  trailer.writeBigUInt64BE(BigInt(options.topObject ?? 0), 16);
  trailer.writeBigUInt64BE(BigInt(offsetTable), 24);
  parts.push(...trailer);
  return Uint8Array.from(parts);
}
