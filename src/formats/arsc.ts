/**
 * resources.arsc (the compiled resource table).
 *
 * Spec: AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h (ResTable_header,
 * ResTable_package, ResTable_typeSpec, ResTable_type, ResTable_config, ResTable_entry,
 * ResTable_map_entry, ResTable_sparseTypeEntry, ResTable_lib_header) and ResourceTypes.cpp /
 * LoadedArsc.cpp for how Android reads them.
 * https://android.googlesource.com/platform/frameworks/base/+/refs/heads/main/libs/androidfw/include/androidfw/ResourceTypes.h
 *
 * The chunk structure (packages, type chunks and their configs) is walked eagerly, which is cheap;
 * entries and strings are decoded only when asked for, and cached. A resource ID is 0xPPTTEEEE
 * (package, type, entry). Malformed-but-readable input yields anomalies (also from later lookups,
 * so `table.anomalies` can grow as the table is used); FormatError only when nothing is readable.
 */
import { FormatError } from '../errors.js';
import { ByteView, type Anomaly } from './bytes.js';
import { decodeValue, type TypedValue } from './res-value.js';
import { pushAnomaly, RES_STRING_POOL_TYPE, RES_TABLE_TYPE, StringPool } from './stringpool.js';
export { RES_TABLE_TYPE } from './stringpool.js';

export type { TypedValue } from './res-value.js';

export const RES_TABLE_PACKAGE_TYPE = 0x0200;
export const RES_TABLE_TYPE_TYPE = 0x0201;
export const RES_TABLE_TYPE_SPEC_TYPE = 0x0202;
export const RES_TABLE_LIBRARY_TYPE = 0x0203;
export const RES_TABLE_OVERLAYABLE_TYPE = 0x0204;
export const RES_TABLE_OVERLAYABLE_POLICY_TYPE = 0x0205;
export const RES_TABLE_STAGED_ALIAS_TYPE = 0x0206;

/** ResTable_entry.flags */
export const FLAG_COMPLEX = 0x0001;
export const FLAG_PUBLIC = 0x0002;
export const FLAG_WEAK = 0x0004;
export const FLAG_COMPACT = 0x0008;

/** ResTable_type.flags */
export const FLAG_SPARSE = 0x01;
export const FLAG_OFFSET16 = 0x02;

/** ResTable_type offsets: no entry */
export const NO_ENTRY = 0xffffffff;
const NO_ENTRY16 = 0xffff;

const TABLE_HEADER_SIZE = 12;
/** sizeof(ResTable_package) without / with typeIdOffset */
const PACKAGE_HEADER_MIN = 284;
/** ResTable_type fields before the config */
const TYPE_HEADER_FIXED = 20;
/** ResTable_lib_entry: u32 packageId + char16 packageName[128] */
const LIB_ENTRY_SIZE = 260;
/** Longest reference chain resolveString follows */
export const MAX_REFERENCE_DEPTH = 32;

/** The parts of ResTable_config we decode (all zero = the default configuration). */
export interface ResTableConfig {
  size: number;
  mcc: number;
  mnc: number;
  /** '' when unset; 2 or 3 letters */
  language: string;
  country: string;
  orientation: number;
  touchscreen: number;
  density: number;
  keyboard: number;
  navigation: number;
  inputFlags: number;
  screenWidth: number;
  screenHeight: number;
  sdkVersion: number;
  minorVersion: number;
  screenLayout: number;
  uiMode: number;
  smallestScreenWidthDp: number;
  screenWidthDp: number;
  screenHeightDp: number;
  localeScript: string;
  localeVariant: string;
  /** every byte after `size` is zero */
  isDefault: boolean;
  /** short qualifier string such as `default`, `fr`, `en-rUS-hdpi-v21` (partial: the main qualifiers) */
  qualifiers: string;
}

export interface ResourceBag {
  parent: number;
  items: { name: number; value: TypedValue }[];
}

export interface ResourceEntry {
  id: number;
  /** the entry's key (name) from the package key pool */
  key: string;
  flags: number;
  config: ResTableConfig;
  /** the value of a simple entry */
  value?: TypedValue;
  /** the map of a complex entry (FLAG_COMPLEX) */
  bag?: ResourceBag;
}

interface TypeChunk {
  typeId: number;
  flags: number;
  /** absolute offset of the chunk and its end */
  start: number;
  end: number;
  entryCount: number;
  /** absolute offset of the offsets array and of the entry data */
  offsetsAt: number;
  entriesAt: number;
  config: ResTableConfig;
}

export interface ResPackage {
  id: number;
  name: string;
  /** type chunks by type ID; default-config chunks first, then the rest in file order */
  types: Map<number, TypeChunk[]>;
  /** entryCount from ResTable_typeSpec by type ID */
  specEntryCounts: Map<number, number>;
  /** RES_TABLE_LIBRARY_TYPE entries: build-time package ID → library package name */
  libraries: { packageId: number; name: string }[];
  typeIdOffset: number;
  /** type name pool ("string", "drawable", …) and key pool */
  typeStrings: StringPool | undefined;
  keyStrings: StringPool | undefined;
}

export function parseArsc(bytes: Uint8Array): ResourceTable {
  return new ResourceTable(bytes);
}

const FORMAT = 'arsc';

export class ResourceTable {
  readonly packages: ResPackage[] = [];
  /** global value string pool */
  readonly strings: StringPool | undefined;
  readonly anomalies: Anomaly[] = [];

  private readonly b: Uint8Array;
  /** bounds-checked reads: a missed check becomes a FormatError, never a RangeError or garbage */
  private readonly v: ByteView;
  private readonly cache = new Map<number, ResourceEntry | null>();

  constructor(bytes: Uint8Array) {
    this.b = bytes;
    this.v = new ByteView(bytes, 'arsc');
    if (bytes.length < TABLE_HEADER_SIZE) throw new FormatError(FORMAT, `file too short (${bytes.length} bytes)`);
    const type = this.u16(0);
    let headerSize = this.u16(2);
    const size = this.u32(4);
    if (type !== RES_TABLE_TYPE) throw new FormatError(FORMAT, `not a resource table: header type 0x${type.toString(16)}`, 0);
    if (headerSize < TABLE_HEADER_SIZE || headerSize > bytes.length) {
      this.anomaly('table-header-size', `table headerSize ${headerSize} is invalid; using ${TABLE_HEADER_SIZE}`, 0);
      headerSize = TABLE_HEADER_SIZE;
    }
    let end = bytes.length;
    if (size !== bytes.length) {
      if (size > bytes.length || size < headerSize) this.anomaly('table-size', `table size ${size} does not match the data length ${bytes.length}`, 0);
      else {
        this.anomaly('table-trailing-data', `${bytes.length - size} bytes after the table`, size);
        end = size;
      }
    }
    const packageCount = this.u32(8);
    let strings: StringPool | undefined;
    this.walk(headerSize, end, (pos, ctype, chs, csize) => {
      if (ctype === RES_STRING_POOL_TYPE) {
        if (strings) this.anomaly('duplicate-string-pool', 'second global string pool ignored', pos);
        else strings = new StringPool(bytes, pos, csize, this.anomalies);
      } else if (ctype === RES_TABLE_PACKAGE_TYPE) {
        try {
          this.readPackage(pos, chs, csize);
        } catch (e) {
          // A read we did not bound: lose this package, not the table.
          if (!(e instanceof FormatError)) throw e;
          this.anomaly('chunk-unreadable', `package at ${pos}: ${e.message}`, pos);
        }
      } else {
        this.anomaly('unknown-chunk', `skipped chunk type 0x${ctype.toString(16)} in the table`, pos);
      }
    });
    this.strings = strings;
    if (!strings) this.anomaly('no-string-pool', 'the table has no global string pool');
    if (this.packages.length !== packageCount) {
      this.anomaly('package-count', `header says ${packageCount} packages, found ${this.packages.length}`, 8);
    }
    if (!strings && this.packages.length === 0) throw new FormatError(FORMAT, 'no string pool and no package: nothing readable');
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

  /** Calls `f` for each chunk in [start, end); a chunk with an unusable size ends the walk (anomaly). */
  private walk(start: number, end: number, f: (pos: number, type: number, headerSize: number, size: number) => void): void {
    let pos = start;
    while (pos + 8 <= end) {
      const type = this.u16(pos);
      const hs = this.u16(pos + 2);
      let size = this.u32(pos + 4);
      if (size < 8 || hs < 8 || hs > size || pos + size > end) {
        this.anomaly('chunk-size-invalid', `chunk type 0x${type.toString(16)} at ${pos} has size ${size} (headerSize ${hs}, ${end - pos} bytes left)`, pos);
        if (hs < 8 || pos + hs > end) return;
        size = end - pos; // read what is there, then stop
      }
      f(pos, type, hs, size);
      pos += size;
    }
  }

  private readPackage(pos: number, hs: number, size: number): void {
    const end = pos + size;
    if (hs < PACKAGE_HEADER_MIN || hs > size) {
      this.anomaly('package-header-size', `package headerSize ${hs} is smaller than ResTable_package`, pos);
      if (size < PACKAGE_HEADER_MIN) return;
      hs = Math.max(hs, PACKAGE_HEADER_MIN);
    }
    const id = this.u32(pos + 8);
    let name = '';
    for (let i = 0; i < 128; i++) {
      const c = this.u16(pos + 12 + 2 * i);
      if (c === 0) break;
      name += String.fromCharCode(c);
    }
    const typeStringsOff = this.u32(pos + 268);
    const keyStringsOff = this.u32(pos + 276);
    const typeIdOffset = hs >= 288 ? this.u32(pos + 284) : 0;
    const pkg: ResPackage = { id, name, types: new Map(), specEntryCounts: new Map(), libraries: [], typeIdOffset, typeStrings: undefined, keyStrings: undefined };
    if (id > 0xff) this.anomaly('package-id', `package id ${id} does not fit in a byte`, pos);
    const poolAt = (off: number, what: string): StringPool | undefined => {
      const at = pos + off;
      if (off >= hs && at + 8 <= end && this.u16(at) === RES_STRING_POOL_TYPE) {
        const s = this.u32(at + 4);
        return new StringPool(this.b, at, Math.min(s, end - at), this.anomalies);
      }
      this.anomaly('package-pool-offset', `package ${name}: ${what} offset ${off} does not point at a string pool`, pos);
      return undefined;
    };
    pkg.typeStrings = poolAt(typeStringsOff, 'typeStrings');
    pkg.keyStrings = poolAt(keyStringsOff, 'keyStrings');
    let poolsSeen = 0;
    this.walk(pos + hs, end, (cpos, ctype, chs, csize) => {
      switch (ctype) {
        case RES_STRING_POOL_TYPE:
          // Normally the two pools the header points at; if it did not, take them in order.
          if (poolsSeen === 0 && !pkg.typeStrings) pkg.typeStrings = new StringPool(this.b, cpos, csize, this.anomalies);
          if (poolsSeen === 1 && !pkg.keyStrings) pkg.keyStrings = new StringPool(this.b, cpos, csize, this.anomalies);
          poolsSeen++;
          return;
        case RES_TABLE_TYPE_SPEC_TYPE:
          if (csize >= 16) pkg.specEntryCounts.set(this.v.u8(cpos + 8), this.u32(cpos + 12));
          return;
        case RES_TABLE_TYPE_TYPE:
          this.readType(pkg, cpos, chs, csize);
          return;
        case RES_TABLE_LIBRARY_TYPE: {
          const count = csize >= 12 ? this.u32(cpos + 8) : 0;
          const fits = Math.floor((csize - chs) / LIB_ENTRY_SIZE);
          if (count > fits) this.anomaly('library-count', `library chunk claims ${count} entries, ${fits} fit`, cpos);
          for (let i = 0; i < Math.min(count, fits); i++) {
            const at = cpos + chs + i * LIB_ENTRY_SIZE;
            let lname = '';
            for (let k = 0; k < 128; k++) {
              const c = this.u16(at + 4 + 2 * k);
              if (c === 0) break;
              lname += String.fromCharCode(c);
            }
            pkg.libraries.push({ packageId: this.u32(at), name: lname });
          }
          return;
        }
        case RES_TABLE_OVERLAYABLE_TYPE:
        case RES_TABLE_OVERLAYABLE_POLICY_TYPE:
        case RES_TABLE_STAGED_ALIAS_TYPE:
          return;
        default:
          this.anomaly('unknown-chunk', `skipped chunk type 0x${ctype.toString(16)} in package ${name}`, cpos);
      }
    });
    for (const [tid, list] of pkg.types) {
      // Default configuration first (stable sort keeps file order otherwise).
      pkg.types.set(tid, [...list.filter((t) => t.config.isDefault), ...list.filter((t) => !t.config.isDefault)]);
    }
    this.packages.push(pkg);
  }

  private readType(pkg: ResPackage, pos: number, hs: number, size: number): void {
    const end = pos + size;
    if (hs < TYPE_HEADER_FIXED + 4 || size < TYPE_HEADER_FIXED + 4) {
      this.anomaly('type-header-size', `type chunk headerSize ${hs} too small`, pos);
      return;
    }
    const typeId = this.v.u8(pos + 8);
    const flags = this.v.u8(pos + 9);
    let entryCount = this.u32(pos + 12);
    const entriesStart = this.u32(pos + 16);
    const config = this.readConfig(pos + TYPE_HEADER_FIXED, Math.min(this.u32(pos + TYPE_HEADER_FIXED), hs - TYPE_HEADER_FIXED));
    if (typeId === 0) {
      this.anomaly('type-id-zero', 'type chunk with type id 0', pos);
      return;
    }
    const offsetsAt = pos + hs;
    const stride = flags & FLAG_SPARSE ? 4 : flags & FLAG_OFFSET16 ? 2 : 4;
    const entriesAt = pos + entriesStart;
    if (entriesStart < hs || entriesAt > end) {
      this.anomaly('type-entries-start', `type chunk entriesStart ${entriesStart} lies outside the chunk`, pos);
      return;
    }
    const fits = Math.floor((entriesAt - offsetsAt) / stride);
    if (entryCount > fits) {
      this.anomaly('type-entry-count', `type chunk claims ${entryCount} entries, offsets for ${fits} fit`, pos);
      entryCount = fits;
    }
    const chunk: TypeChunk = { typeId, flags, start: pos, end, entryCount, offsetsAt, entriesAt, config };
    const list = pkg.types.get(typeId);
    if (list) list.push(chunk);
    else pkg.types.set(typeId, [chunk]);
  }

  private readConfig(at: number, size: number): ResTableConfig {
    const n = Math.max(0, Math.min(size, this.b.length - at));
    const u8 = (o: number): number => (o < n ? this.b[at + o] : 0);
    const u16 = (o: number): number => u8(o) | (u8(o + 1) << 8);
    const chars = (o: number, len: number): string => {
      let s = '';
      for (let i = 0; i < len; i++) {
        const c = u8(o + i);
        if (c === 0) break;
        s += String.fromCharCode(c);
      }
      return s;
    };
    let isDefault = true;
    for (let o = 4; o < n; o++) if (this.b[at + o] !== 0) isDefault = false;
    const c: ResTableConfig = {
      size,
      mcc: u16(4),
      mnc: u16(6),
      language: unpackLocale(u8(8), u8(9), 0x61),
      country: unpackLocale(u8(10), u8(11), 0x30),
      orientation: u8(12),
      touchscreen: u8(13),
      density: u16(14),
      keyboard: u8(16),
      navigation: u8(17),
      inputFlags: u8(18),
      screenWidth: u16(20),
      screenHeight: u16(22),
      sdkVersion: u16(24),
      minorVersion: u16(26),
      screenLayout: u8(28),
      uiMode: u8(29),
      smallestScreenWidthDp: u16(30),
      screenWidthDp: u16(32),
      screenHeightDp: u16(34),
      localeScript: chars(36, 4),
      localeVariant: chars(40, 8),
      isDefault,
      qualifiers: '',
    };
    c.qualifiers = qualifierString(c);
    return c;
  }

  /** The package for a resource ID's package byte (tolerating shared libraries, whose ID is 0). */
  private packageFor(pp: number): ResPackage | undefined {
    const exact = this.packages.find((p) => p.id === pp);
    if (exact) return exact;
    if (pp === 0 && this.packages.length === 1) return this.packages[0];
    if (pp === 0x7f || pp === 0) return this.packages.find((p) => p.id === 0);
    return undefined;
  }

  private typeName(pkg: ResPackage, typeId: number): string | undefined {
    return pkg.typeStrings?.get(typeId - 1 - pkg.typeIdOffset);
  }

  /** Finds entry `e` in a type chunk; returns the absolute entry offset or undefined. */
  private entryOffset(t: TypeChunk, e: number): number | undefined {
    let rel: number | undefined;
    if (t.flags & FLAG_SPARSE) {
      // ResTable_sparseTypeEntry { u16 idx; u16 offset / 4 }, sorted by idx.
      let lo = 0;
      let hi = t.entryCount - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const idx = this.u16(t.offsetsAt + 4 * mid);
        if (idx === e) {
          rel = this.u16(t.offsetsAt + 4 * mid + 2) * 4;
          break;
        }
        if (idx < e) lo = mid + 1;
        else hi = mid - 1;
      }
    } else if (e < t.entryCount) {
      if (t.flags & FLAG_OFFSET16) {
        const o = this.u16(t.offsetsAt + 2 * e);
        if (o !== NO_ENTRY16) rel = o * 4;
      } else {
        const o = this.u32(t.offsetsAt + 4 * e);
        if (o !== NO_ENTRY) rel = o;
      }
    }
    if (rel === undefined) return undefined;
    const at = t.entriesAt + rel;
    if (at + 8 > t.end) {
      this.anomaly('entry-out-of-range', `entry ${e} of type ${t.typeId} lies outside its chunk`, t.start);
      return undefined;
    }
    return at;
  }

  private readEntry(id: number, pkg: ResPackage, t: TypeChunk, at: number): ResourceEntry {
    const sizeOrKey = this.u16(at);
    const flags = this.u16(at + 2);
    const str = (i: number): string => this.strings?.get(i) ?? '';
    if (flags & FLAG_COMPACT) {
      // Compact entry: key index in the size field, data type in the high byte of flags, data in `data`.
      return { id, key: pkg.keyStrings?.get(sizeOrKey) ?? '', flags, config: t.config, value: decodeValue(flags >>> 8, this.u32(at + 4), str) };
    }
    const key = pkg.keyStrings?.get(this.u32(at + 4)) ?? '';
    if (flags & FLAG_COMPLEX) {
      const entry: ResourceEntry = { id, key, flags, config: t.config, bag: { parent: 0, items: [] } };
      if (at + 16 > t.end) {
        this.anomaly('entry-truncated', `map entry ${hex(id)} runs past its chunk`, at);
        return entry;
      }
      const parent = this.u32(at + 8);
      let count = this.u32(at + 12);
      const mapsAt = at + sizeOrKey;
      const fits = mapsAt >= at + 16 && mapsAt <= t.end ? Math.floor((t.end - mapsAt) / 12) : 0;
      if (count > fits) {
        this.anomaly('map-count', `map entry ${hex(id)} claims ${count} items, ${fits} fit`, at);
        count = fits;
      }
      const items: { name: number; value: TypedValue }[] = [];
      for (let i = 0; i < count; i++) {
        const m = mapsAt + 12 * i;
        items.push({ name: this.u32(m), value: decodeValue(this.v.u8(m + 7), this.u32(m + 8), str) });
      }
      entry.bag = { parent, items };
      return entry;
    }
    const v = at + sizeOrKey;
    if (sizeOrKey < 8 || v + 8 > t.end) {
      this.anomaly('entry-truncated', `entry ${hex(id)} value lies outside its chunk`, at);
      return { id, key, flags, config: t.config };
    }
    return { id, key, flags, config: t.config, value: decodeValue(this.v.u8(v + 3), this.u32(v + 4), str) };
  }

  /** Every configuration's entry for `id` (default configuration first). */
  resolveAll(id: number): ResourceEntry[] {
    return this.locate(id, true);
  }

  private locate(id: number, all: boolean): ResourceEntry[] {
    id >>>= 0;
    const pkg = this.packageFor(id >>> 24);
    const typeId = (id >>> 16) & 0xff;
    const e = id & 0xffff;
    const types = pkg?.types.get(typeId);
    if (!pkg || !types) {
      this.anomaly('reference-out-of-range', `resource ${hex(id)} names no package/type in the table`);
      return [];
    }
    const out: ResourceEntry[] = [];
    for (const t of types) {
      try {
        const at = this.entryOffset(t, e);
        if (at === undefined) continue;
        out.push(this.readEntry(id, pkg, t, at));
      } catch (err) {
        // Lookups never throw: an unbounded read costs this entry only.
        if (!(err instanceof FormatError)) throw err;
        this.anomaly('entry-unreadable', `resource ${hex(id)}: ${err.message}`, t.start);
        continue;
      }
      if (!all) break;
    }
    if (out.length === 0) this.anomaly('reference-out-of-range', `resource ${hex(id)} has no entry in any configuration`);
    return out;
  }

  /** The entry for `id` in the default configuration, else the first configuration that has it. */
  resolveEntry(id: number): ResourceEntry | undefined {
    id >>>= 0;
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit ?? undefined;
    const e = this.locate(id, false)[0];
    if (this.cache.size < 100_000) this.cache.set(id, e ?? null);
    return e;
  }

  /** The simple value of `id` (undefined for a missing id or a complex/bag entry). */
  resolve(id: number): TypedValue | undefined {
    return this.resolveEntry(id)?.value;
  }

  /**
   * The string `id` stands for, following reference chains (at most MAX_REFERENCE_DEPTH; a cycle
   * gives undefined and a `reference-cycle` anomaly). Non-string values give undefined.
   */
  resolveString(id: number): string | undefined {
    const seen = new Set<number>();
    let cur = id >>> 0;
    for (let depth = 0; depth < MAX_REFERENCE_DEPTH; depth++) {
      if (seen.has(cur)) {
        this.anomaly('reference-cycle', `reference cycle through ${hex(cur)}`);
        return undefined;
      }
      seen.add(cur);
      const v = this.resolve(cur);
      if (!v) return undefined;
      if (v.type === 'string') return v.value;
      if ((v.type === 'reference' || v.type === 'dynamic-reference') && v.id !== 0) {
        cur = v.id;
        continue;
      }
      return undefined;
    }
    this.anomaly('reference-depth', `reference chain from ${hex(id)} is longer than ${MAX_REFERENCE_DEPTH}`);
    return undefined;
  }

  /** Package, type and key names of `id`, without decoding its value. */
  entryInfo(id: number): { package: string; type: string; key: string } | undefined {
    id >>>= 0;
    const pkg = this.packageFor(id >>> 24);
    if (!pkg) return undefined;
    const type = this.typeName(pkg, (id >>> 16) & 0xff);
    const entry = this.resolveEntry(id);
    if (type === undefined || !entry) return undefined;
    return { package: pkg.name, type, key: entry.key };
  }

  /** `@string/app_name`, or `@com.example:string/app_name` with `withPackage`. */
  entryName(id: number, options: { withPackage?: boolean } = {}): string | undefined {
    const info = this.entryInfo(id);
    if (!info) return undefined;
    return options.withPackage ? `@${info.package}:${info.type}/${info.key}` : `@${info.type}/${info.key}`;
  }
}

/** Language/region codes: two chars, or three letters packed into 15 bits when the high bit is set. */
function unpackLocale(a: number, b: number, base: number): string {
  if (a & 0x80) {
    const first = b & 0x1f;
    const second = ((b & 0xe0) >> 5) | ((a & 0x03) << 3);
    const third = (a & 0x7c) >> 2;
    return String.fromCharCode(base + first, base + second, base + third);
  }
  if (a === 0) return '';
  return b === 0 ? String.fromCharCode(a) : String.fromCharCode(a, b);
}

const DENSITIES: Record<number, string> = { 120: 'ldpi', 160: 'mdpi', 213: 'tvdpi', 240: 'hdpi', 320: 'xhdpi', 480: 'xxhdpi', 640: 'xxxhdpi', 0xfffe: 'anydpi', 0xffff: 'nodpi' };

function qualifierString(c: ResTableConfig): string {
  if (c.isDefault) return 'default';
  const q: string[] = [];
  if (c.mcc) q.push(`mcc${c.mcc}`);
  if (c.mnc) q.push(`mnc${c.mnc}`);
  if (c.language) q.push(c.language);
  if (c.country) q.push(`r${c.country}`);
  if (c.smallestScreenWidthDp) q.push(`sw${c.smallestScreenWidthDp}dp`);
  if (c.screenWidthDp) q.push(`w${c.screenWidthDp}dp`);
  if (c.screenHeightDp) q.push(`h${c.screenHeightDp}dp`);
  if (c.orientation) q.push(['', 'port', 'land', 'square'][c.orientation] ?? `orientation${c.orientation}`);
  if ((c.uiMode & 0x30) === 0x20) q.push('night');
  if (c.density) q.push(DENSITIES[c.density] ?? `${c.density}dpi`);
  if (c.sdkVersion) q.push(`v${c.sdkVersion}`);
  return q.length ? q.join('-') : 'other';
}

function hex(id: number): string {
  return '0x' + (id >>> 0).toString(16).padStart(8, '0');
}

