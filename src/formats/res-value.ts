/**
 * Res_value: the typed value shared by binary XML attributes and resources.arsc entries.
 *
 * Spec: AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h (struct Res_value)
 * https://android.googlesource.com/platform/frameworks/base/+/refs/heads/main/libs/androidfw/include/androidfw/ResourceTypes.h
 * Layout: u16 size (8), u8 res0, u8 dataType, u32 data.
 */

export const TYPE_NULL = 0x00;
export const TYPE_REFERENCE = 0x01;
export const TYPE_ATTRIBUTE = 0x02;
export const TYPE_STRING = 0x03;
export const TYPE_FLOAT = 0x04;
export const TYPE_DIMENSION = 0x05;
export const TYPE_FRACTION = 0x06;
export const TYPE_DYNAMIC_REFERENCE = 0x07;
export const TYPE_DYNAMIC_ATTRIBUTE = 0x08;
export const TYPE_FIRST_INT = 0x10;
export const TYPE_INT_DEC = 0x10;
export const TYPE_INT_HEX = 0x11;
export const TYPE_INT_BOOLEAN = 0x12;
export const TYPE_FIRST_COLOR_INT = 0x1c;
export const TYPE_INT_COLOR_ARGB8 = 0x1c;
export const TYPE_INT_COLOR_RGB8 = 0x1d;
export const TYPE_INT_COLOR_ARGB4 = 0x1e;
export const TYPE_INT_COLOR_RGB4 = 0x1f;
export const TYPE_LAST_COLOR_INT = 0x1f;
export const TYPE_LAST_INT = 0x1f;

/** TYPE_NULL data values */
export const DATA_NULL_UNDEFINED = 0;
export const DATA_NULL_EMPTY = 1;

/** Complex (dimension / fraction) encoding */
export const COMPLEX_UNIT_SHIFT = 0;
export const COMPLEX_UNIT_MASK = 0xf;
export const COMPLEX_UNIT_PX = 0;
export const COMPLEX_UNIT_DIP = 1;
export const COMPLEX_UNIT_SP = 2;
export const COMPLEX_UNIT_PT = 3;
export const COMPLEX_UNIT_IN = 4;
export const COMPLEX_UNIT_MM = 5;
export const COMPLEX_UNIT_FRACTION = 0;
export const COMPLEX_UNIT_FRACTION_PARENT = 1;
export const COMPLEX_RADIX_SHIFT = 4;
export const COMPLEX_RADIX_MASK = 0x3;
export const COMPLEX_MANTISSA_SHIFT = 8;
export const COMPLEX_MANTISSA_MASK = 0xffffff;

export type DimensionUnit = 'px' | 'dip' | 'sp' | 'pt' | 'in' | 'mm' | 'unknown';
export type ColorFormat = 'argb8' | 'rgb8' | 'argb4' | 'rgb4';

/** A decoded Res_value. Strings are already looked up in the relevant string pool. */
export type TypedValue =
  | { type: 'null'; empty: boolean }
  | { type: 'reference'; id: number }
  | { type: 'attribute'; id: number }
  | { type: 'string'; value: string }
  | { type: 'float'; value: number }
  | { type: 'dimension'; value: number; unit: DimensionUnit }
  | { type: 'fraction'; value: number; parent: boolean }
  | { type: 'dynamic-reference'; id: number }
  | { type: 'dynamic-attribute'; id: number }
  | { type: 'int'; value: number }
  | { type: 'hex'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'color'; argb: number; format: ColorFormat }
  | { type: 'unknown'; dataType: number; data: number };

const RADIX_MULTS = [1 / (1 << 8), 1 / (1 << 15), 1 / (1 << 23), 1 / 2 ** 31];
const UNITS: DimensionUnit[] = ['px', 'dip', 'sp', 'pt', 'in', 'mm'];

/** Value of a complex (dimension/fraction) data word, as Android's complexToFloat. */
export function complexToFloat(data: number): number {
  const mantissa = (data & 0xffffff00) | 0; // signed 24-bit mantissa in the high bits
  return mantissa * RADIX_MULTS[(data >>> COMPLEX_RADIX_SHIFT) & COMPLEX_RADIX_MASK];
}

/**
 * Decodes a Res_value's dataType/data. `str` looks up TYPE_STRING indices in the string pool
 * that applies (the XML's own pool or the resource table's global pool).
 */
export function decodeValue(dataType: number, data: number, str: (index: number) => string): TypedValue {
  data >>>= 0;
  switch (dataType) {
    case TYPE_NULL:
      return { type: 'null', empty: data === DATA_NULL_EMPTY };
    case TYPE_REFERENCE:
      return { type: 'reference', id: data };
    case TYPE_ATTRIBUTE:
      return { type: 'attribute', id: data };
    case TYPE_STRING:
      return { type: 'string', value: str(data) };
    case TYPE_FLOAT: {
      const b = new DataView(new ArrayBuffer(4));
      b.setUint32(0, data);
      return { type: 'float', value: b.getFloat32(0) };
    }
    case TYPE_DIMENSION:
      return { type: 'dimension', value: complexToFloat(data), unit: UNITS[data & COMPLEX_UNIT_MASK] ?? 'unknown' };
    case TYPE_FRACTION:
      return { type: 'fraction', value: complexToFloat(data), parent: (data & COMPLEX_UNIT_MASK) === COMPLEX_UNIT_FRACTION_PARENT };
    case TYPE_DYNAMIC_REFERENCE:
      return { type: 'dynamic-reference', id: data };
    case TYPE_DYNAMIC_ATTRIBUTE:
      return { type: 'dynamic-attribute', id: data };
    case TYPE_INT_DEC:
      return { type: 'int', value: data | 0 };
    case TYPE_INT_HEX:
      return { type: 'hex', value: data };
    case TYPE_INT_BOOLEAN:
      return { type: 'boolean', value: data !== 0 };
    case TYPE_INT_COLOR_ARGB8:
      return { type: 'color', argb: data, format: 'argb8' };
    case TYPE_INT_COLOR_RGB8:
      return { type: 'color', argb: data, format: 'rgb8' };
    case TYPE_INT_COLOR_ARGB4:
      return { type: 'color', argb: data, format: 'argb4' };
    case TYPE_INT_COLOR_RGB4:
      return { type: 'color', argb: data, format: 'rgb4' };
    default:
      return { type: 'unknown', dataType, data };
  }
}

/** Shortest decimal that reads back as the same float32 (like Java's Float.toString, without "E"). */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}

export function hex8(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Text form of a value, as Android / aapt show it:
 * booleans `true`/`false`, ints decimal, hex `0x` + hex digits, references `@0x7f0a0001`,
 * attributes `?0x7f010000`, colors `#aarrggbb` (or `#rrggbb` for the RGB formats),
 * dimensions `16.0dip`-style without the trailing `.0` (`16dip`), fractions `50%` / `50%p`,
 * null `''`. Strings are returned as is.
 */
export function formatTypedValue(v: TypedValue): string {
  switch (v.type) {
    case 'null':
      return '';
    case 'reference':
    case 'dynamic-reference':
      return '@' + hex8(v.id);
    case 'attribute':
    case 'dynamic-attribute':
      return '?' + hex8(v.id);
    case 'string':
      return v.value;
    case 'float':
      return formatFloat32(v.value);
    case 'dimension':
      return formatFloat32(v.value) + v.unit;
    case 'fraction':
      return formatFloat32(v.value * 100) + (v.parent ? '%p' : '%');
    case 'int':
      return String(v.value);
    case 'hex':
      return '0x' + v.value.toString(16);
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'color':
      return '#' + (v.format === 'rgb8' || v.format === 'rgb4' ? (v.argb & 0xffffff).toString(16).padStart(6, '0') : v.argb.toString(16).padStart(8, '0'));
    case 'unknown':
      return `(type ${hex8(v.dataType).slice(-2)})${hex8(v.data)}`;
  }
}
