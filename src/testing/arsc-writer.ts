/**
 * Test-only writer for a minimal resources.arsc: one package, its types, entries in dense,
 * offset16 or sparse type chunks, optionally compact entries, bags and a library chunk.
 *
 * Spec: AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h
 * https://android.googlesource.com/platform/frameworks/base/+/refs/heads/main/libs/androidfw/include/androidfw/ResourceTypes.h
 */
import {
  FLAG_COMPACT,
  FLAG_COMPLEX,
  FLAG_OFFSET16,
  FLAG_SPARSE,
  NO_ENTRY,
  RES_TABLE_LIBRARY_TYPE,
  RES_TABLE_PACKAGE_TYPE,
  RES_TABLE_TYPE,
  RES_TABLE_TYPE_SPEC_TYPE,
  RES_TABLE_TYPE_TYPE,
} from '../formats/arsc.js';
import type { TypedValue } from '../formats/res-value.js';
import { ByteWriter, encodeValue, writeStringPool } from './axml-writer.js';

export interface ArscEntry {
  key: string;
  /** string → TYPE_STRING, number → TYPE_INT_DEC, boolean → TYPE_INT_BOOLEAN */
  value?: TypedValue | string | number | boolean;
  bag?: { parent?: number; items: { name: number; value: TypedValue }[] };
}

export interface ArscConfig {
  language?: string;
  country?: string;
  density?: number;
  sdkVersion?: number;
}

export interface ArscTypeChunk {
  config?: ArscConfig;
  /** by entry index; null = no entry */
  entries: (ArscEntry | null)[];
  sparse?: boolean;
  offset16?: boolean;
  /** write simple entries as compact entries (FLAG_COMPACT) */
  compact?: boolean;
}

export interface ArscType {
  name: string;
  chunks: ArscTypeChunk[];
}

export interface ArscWriteOptions {
  packageId?: number;
  packageName?: string;
  /** type IDs are 1-based positions in this list */
  types: ArscType[];
  /** RES_TABLE_LIBRARY_TYPE entries */
  libraries?: { packageId: number; name: string }[];
  /** insert an unknown chunk inside the package */
  unknownChunk?: boolean;
  utf8?: boolean;
}

function norm(v: NonNullable<ArscEntry['value']>): TypedValue {
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'number') return { type: 'int', value: v };
  if (typeof v === 'boolean') return { type: 'boolean', value: v };
  return v;
}

function interner(): { list: string[]; get: (s: string) => number } {
  const list: string[] = [];
  const map = new Map<string, number>();
  return {
    list,
    get(s) {
      let i = map.get(s);
      if (i === undefined) {
        i = list.length;
        list.push(s);
        map.set(s, i);
      }
      return i;
    },
  };
}

function char16(w: ByteWriter, s: string, units: number): void {
  for (let i = 0; i < units; i++) w.u16(i < s.length ? s.charCodeAt(i) : 0);
}

function writeConfig(w: ByteWriter, c: ArscConfig | undefined): void {
  const cfg = new Uint8Array(64);
  const dv = new DataView(cfg.buffer);
  dv.setUint32(0, 64, true);
  if (c?.language) for (let i = 0; i < 2; i++) cfg[8 + i] = c.language.charCodeAt(i) || 0;
  if (c?.country) for (let i = 0; i < 2; i++) cfg[10 + i] = c.country.charCodeAt(i) || 0;
  if (c?.density) dv.setUint16(14, c.density, true);
  if (c?.sdkVersion) dv.setUint16(24, c.sdkVersion, true);
  w.bytes(cfg);
}

export function writeArsc(o: ArscWriteOptions): Uint8Array {
  const values = interner();
  const keys = interner();
  const typeNames = o.types.map((t) => t.name);
  // Intern keys first in a stable order.
  for (const t of o.types) for (const c of t.chunks) for (const e of c.entries) if (e) keys.get(e.key);

  const pkgBody = new ByteWriter();
  if (o.libraries?.length) {
    pkgBody.u16(RES_TABLE_LIBRARY_TYPE).u16(12).u32(12 + 260 * o.libraries.length).u32(o.libraries.length);
    for (const l of o.libraries) {
      pkgBody.u32(l.packageId);
      char16(pkgBody, l.name, 128);
    }
  }
  if (o.unknownChunk) pkgBody.u16(0x02ff).u16(8).u32(16).u32(1).u32(2);
  o.types.forEach((t, ti) => {
    const typeId = ti + 1;
    const entryCount = Math.max(0, ...t.chunks.map((c) => c.entries.length));
    pkgBody.u16(RES_TABLE_TYPE_SPEC_TYPE).u16(16).u32(16 + 4 * entryCount).u8(typeId).u8(0).u16(t.chunks.length).u32(entryCount);
    for (let i = 0; i < entryCount; i++) pkgBody.u32(0);
    for (const c of t.chunks) {
      // Entry data first, to know offsets.
      const data = new ByteWriter();
      const offsets: (number | undefined)[] = [];
      for (const e of c.entries) {
        if (!e) {
          offsets.push(undefined);
          continue;
        }
        offsets.push(data.length);
        const key = keys.get(e.key);
        if (e.bag) {
          data.u16(16).u16(FLAG_COMPLEX).u32(key).u32(e.bag.parent ?? 0).u32(e.bag.items.length);
          for (const it of e.bag.items) {
            const [dt, d] = encodeValue(it.value, values.get);
            data.u32(it.name).u16(8).u8(0).u8(dt).u32(d);
          }
        } else {
          const [dt, d] = encodeValue(norm(e.value ?? { type: 'null', empty: false }), values.get);
          if (c.compact) data.u16(key).u16(FLAG_COMPACT | (dt << 8)).u32(d);
          else data.u16(8).u16(0).u32(key).u16(8).u8(0).u8(dt).u32(d);
        }
      }
      const idx = new ByteWriter();
      let count = 0;
      if (c.sparse) {
        offsets.forEach((off, i) => {
          if (off === undefined) return;
          idx.u16(i).u16(off / 4);
          count++;
        });
      } else {
        for (const off of offsets) {
          if (c.offset16) idx.u16(off === undefined ? 0xffff : off / 4);
          else idx.u32(off === undefined ? NO_ENTRY : off);
        }
        count = offsets.length;
      }
      idx.align4();
      const headerSize = 20 + 64;
      const entriesStart = headerSize + idx.length;
      const flags = (c.sparse ? FLAG_SPARSE : 0) | (c.offset16 && !c.sparse ? FLAG_OFFSET16 : 0);
      pkgBody.u16(RES_TABLE_TYPE_TYPE).u16(headerSize).u32(entriesStart + data.length);
      pkgBody.u8(typeId).u8(flags).u16(0).u32(count).u32(entriesStart);
      writeConfig(pkgBody, c.config);
      pkgBody.bytes(idx.toBytes()).bytes(data.toBytes());
    }
  });

  const typePool = writeStringPool(typeNames, { utf8: o.utf8 });
  const keyPool = writeStringPool(keys.list, { utf8: o.utf8 });
  const pkg = new ByteWriter();
  const pkgHeader = 288;
  pkg.u16(RES_TABLE_PACKAGE_TYPE).u16(pkgHeader).u32(pkgHeader + typePool.length + keyPool.length + pkgBody.length);
  pkg.u32(o.packageId ?? 0x7f);
  char16(pkg, o.packageName ?? 'com.example.app', 128);
  pkg.u32(pkgHeader).u32(typeNames.length).u32(pkgHeader + typePool.length).u32(keys.list.length).u32(0);
  pkg.bytes(typePool).bytes(keyPool).bytes(pkgBody.toBytes());

  const globalPool = writeStringPool(values.list, { utf8: o.utf8 ?? true });
  const out = new ByteWriter();
  out.u16(RES_TABLE_TYPE).u16(12).u32(12 + globalPool.length + pkg.length).u32(1);
  out.bytes(globalPool).bytes(pkg.toBytes());
  return out.toBytes();
}
