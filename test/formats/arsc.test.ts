import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { parseArsc } from '../../src/formats/arsc.js';
import { writeArsc, type ArscWriteOptions } from '../../src/testing/arsc-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';

const STRING = 0x7f010000; // type 1 = string
const codes = (t: { anomalies: { code: string }[] }) => t.anomalies.map((a) => a.code);

function table(variant: { sparse?: boolean; offset16?: boolean; compact?: boolean } = {}): ArscWriteOptions {
  return {
    packageName: 'com.example.app',
    types: [
      {
        name: 'string',
        chunks: [
          {
            ...variant,
            entries: [
              { key: 'app_name', value: 'Example App' },
              null,
              { key: 'alias', value: { type: 'reference', id: STRING } },
              { key: 'alias2', value: { type: 'reference', id: STRING + 2 } },
              { key: 'loop_a', value: { type: 'reference', id: STRING + 5 } },
              { key: 'loop_b', value: { type: 'reference', id: STRING + 4 } },
              { key: 'dangling', value: { type: 'reference', id: 0x7f05ffff } },
              { key: 'number', value: 12 },
            ],
          },
          { config: { language: 'fr' }, entries: [{ key: 'app_name', value: 'Appli Exemple' }, { key: 'only_fr', value: 'Seulement' }] },
        ],
      },
      {
        name: 'style',
        chunks: [{ entries: [{ key: 'AppTheme', bag: { parent: 0x01030005, items: [{ name: 0x01010030, value: { type: 'color', argb: 0xff000000, format: 'argb8' } }] } }] }],
      },
    ],
  };
}

describe('parseArsc', () => {
  for (const variant of [{}, { sparse: true }, { offset16: true }, { compact: true }, { sparse: true, compact: true }]) {
    it(`resolves values in ${JSON.stringify(variant)} type chunks`, () => {
      const t = parseArsc(writeArsc(table(variant)));
      expect(t.packages.map((p) => [p.id, p.name])).toEqual([[0x7f, 'com.example.app']]);
      expect(t.resolve(STRING)).toEqual({ type: 'string', value: 'Example App' });
      expect(t.resolve(STRING + 7)).toEqual({ type: 'int', value: 12 });
      expect(t.resolve(STRING + 8)).toBeUndefined(); // past the last entry
      expect(t.entryName(STRING)).toBe('@string/app_name');
      expect(t.entryName(STRING, { withPackage: true })).toBe('@com.example.app:string/app_name');
      expect(t.resolveString(STRING + 3)).toBe('Example App'); // alias2 → alias → app_name
      // Entry 1 is empty in the default configuration: falls back to the fr one.
      expect(t.resolve(STRING + 1)).toEqual({ type: 'string', value: 'Seulement' });
      expect(t.resolveAll(STRING).map((e) => [e.config.qualifiers, e.value])).toEqual([
        ['default', { type: 'string', value: 'Example App' }],
        ['fr', { type: 'string', value: 'Appli Exemple' }],
      ]);
      expect(t.anomalies.filter((a) => a.code !== 'reference-out-of-range')).toEqual([]);
    });
  }

  it('falls back to the first configuration that has the entry', () => {
    const t = parseArsc(writeArsc(table()));
    // only_fr is entry 1 in the fr chunk; entry 1 of the default chunk is empty.
    expect(t.resolveAll(STRING + 1).map((e) => e.key)).toEqual(['only_fr']);
    expect(t.resolveString(STRING + 1)).toBe('Seulement');
  });

  it('reads complex (bag) entries', () => {
    const t = parseArsc(writeArsc(table()));
    const e = t.resolveEntry(0x7f020000)!;
    expect(e.key).toBe('AppTheme');
    expect(e.bag).toEqual({ parent: 0x01030005, items: [{ name: 0x01010030, value: { type: 'color', argb: 0xff000000, format: 'argb8' } }] });
    expect(t.resolve(0x7f020000)).toBeUndefined();
    expect(t.entryName(0x7f020000)).toBe('@style/AppTheme');
  });

  it('detects reference cycles and dangling references', () => {
    const t = parseArsc(writeArsc(table()));
    expect(t.resolveString(STRING + 4)).toBeUndefined();
    expect(codes(t)).toContain('reference-cycle');
    expect(t.resolveString(STRING + 6)).toBeUndefined();
    expect(t.resolve(0x7f05ffff)).toBeUndefined();
    expect(t.resolve(0x7f010999)).toBeUndefined();
    expect(t.resolve(0x12010000)).toBeUndefined();
    expect(codes(t).filter((c) => c === 'reference-out-of-range').length).toBeGreaterThanOrEqual(3);
  });

  it('handles shared-library packages (id 0) and library chunks', () => {
    const t = parseArsc(writeArsc({ ...table(), packageId: 0, libraries: [{ packageId: 2, name: 'com.lib' }], unknownChunk: true }));
    expect(t.packages[0].id).toBe(0);
    expect(t.packages[0].libraries).toEqual([{ packageId: 2, name: 'com.lib' }]);
    expect(t.resolveString(0x00010000)).toBe('Example App');
    expect(t.resolveString(0x7f010000)).toBe('Example App');
    expect(codes(t)).toContain('unknown-chunk');
  });

  it('UTF-16 pools work too', () => {
    const t = parseArsc(writeArsc({ ...table(), utf8: false }));
    expect(t.resolveString(STRING)).toBe('Example App');
  });

  it('throws FormatError only when nothing is readable', () => {
    expect(() => parseArsc(new Uint8Array(3))).toThrow(FormatError);
    expect(() => parseArsc(new Uint8Array(64))).toThrow(FormatError);
    expect(() => parseArsc(new Uint8Array([2, 0, 12, 0, 12, 0, 0, 0, 0, 0, 0, 0]))).toThrow(FormatError);
  });

  it('clamps lying entry counts and offsets', () => {
    const bytes = writeArsc(table());
    const dv = new DataView(bytes.buffer);
    // Find the first RES_TABLE_TYPE_TYPE chunk and inflate its entryCount.
    for (let i = 0; i + 4 < bytes.length; i += 4) {
      if (dv.getUint16(i, true) === 0x0201 && dv.getUint16(i + 2, true) === 84) {
        dv.setUint32(i + 12, 0x00ffffff, true);
        break;
      }
    }
    const t = parseArsc(bytes);
    expect(codes(t)).toContain('type-entry-count');
    expect(t.resolveString(STRING)).toBe('Example App');
  });

  it('parses a large table quickly (lazy entries)', () => {
    const entries = Array.from({ length: 60000 }, (_, i) => ({ key: `k${i}`, value: `value number ${i}` }));
    const bytes = writeArsc({ types: [{ name: 'string', chunks: [{ entries }, { config: { language: 'de' }, entries }] }] });
    expect(bytes.length).toBeGreaterThan(2_000_000);
    const started = performance.now();
    const t = parseArsc(bytes);
    expect(t.resolveString(STRING + 59999)).toBe('value number 59999');
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('parseArsc: fuzz', () => {
  const seeds = [writeArsc(table()), writeArsc(table({ sparse: true, compact: true })), writeArsc(table({ offset16: true })), writeArsc({ ...table(), packageId: 0, libraries: [{ packageId: 2, name: 'l' }] })];
  for (const seed of [11, 12]) {
    it(`only FormatError escapes, lookups included (seed ${seed})`, () => {
      const failures = fuzzParser(
        seeds,
        (b) => {
          const t = parseArsc(b); // may throw FormatError
          try {
            // lookups never throw, not even FormatError
            for (let e = 0; e < 9; e++) {
              t.resolveString(STRING + e);
              t.entryName(STRING + e);
              t.resolveAll(STRING + e);
            }
            t.resolveEntry(0x7f020000);
          } catch (e) {
            throw new Error(`lookup threw: ${String(e)}`);
          }
        },
        (e) => e instanceof FormatError,
        { iterations: 2500, seed, maxMs: 500 },
      );
      expect(failures).toEqual([]);
    });
  }
});
