import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../src/formats/bytes.js';
import { StringPool } from '../../src/formats/stringpool.js';
import { writeStringPool, type StringPoolWriteOptions } from '../../src/testing/axml-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';

// The last string needs the two-unit UTF-16 length form; UTF-8 pools cap lengths at 0x7fff.
const STRINGS = ['', 'a', 'hello', 'Café', '日本語', '😀 emoji', 'x'.repeat(300), 'y'.repeat(0x8100)];
const STRINGS8 = STRINGS.slice(0, 7).concat('z'.repeat(0x7000));

function pool(bytes: Uint8Array, size = bytes.length): { p: StringPool; anomalies: Anomaly[] } {
  const anomalies: Anomaly[] = [];
  return { p: new StringPool(bytes, 0, size, anomalies), anomalies };
}

describe('StringPool', () => {
  for (const utf8 of [false, true]) {
    it(`decodes ${utf8 ? 'UTF-8' : 'UTF-16'} pools, including long lengths (two-unit length prefix)`, () => {
      const list = utf8 ? STRINGS8 : STRINGS;
      const { p, anomalies } = pool(writeStringPool(list, { utf8 }));
      expect(p.utf8).toBe(utf8);
      expect(p.count).toBe(list.length);
      expect(list.map((_, i) => p.get(i)) .join('|')).toBe(list.join('|'));
      expect(p.get(3)).toBe('Café'); // cached path
      expect(anomalies).toEqual([]);
    });
  }

  it('out-of-range index → undefined / "" plus an anomaly, never a throw', () => {
    const { p, anomalies } = pool(writeStringPool(['a']));
    expect(p.get(1)).toBeUndefined();
    expect(p.getOr(99)).toBe('');
    expect(p.get(-5)).toBeUndefined();
    expect(p.get(0xffffffff)).toBeUndefined(); // "no string": no anomaly
    expect(anomalies.map((a) => a.code)).toEqual(['string-index-out-of-range', 'string-index-out-of-range', 'string-index-out-of-range']);
  });

  const lies: [string, StringPoolWriteOptions, string][] = [
    ['stringCount too large', { stringCountDelta: 0x10000000 }, 'string-pool-count'],
    ['styleCount too large', { styleCount: 1000 }, 'string-pool-style-count'],
    ['header size not 28', { headerSize: 32 }, 'string-pool-header-size'],
    ['stringsStart outside the chunk', { stringsStart: 0xfffffff0 }, 'string-pool-strings-start'],
  ];
  for (const [what, o, code] of lies) {
    it(`tolerates ${what}`, () => {
      const { p, anomalies } = pool(writeStringPool(['one', 'two', 'three'], o));
      expect(anomalies.map((a) => a.code)).toContain(code);
      expect([p.get(0), p.get(1), p.get(2)]).toEqual(['one', 'two', 'three']);
    });
  }

  it('truncates a string running past the chunk', () => {
    const bytes = writeStringPool(['abcdefgh']);
    const { p, anomalies } = pool(bytes, bytes.length - 8); // cut 4 chars + NUL + padding
    expect(p.get(0)).toBe('abcde'.slice(0, p.get(0)!.length));
    expect(p.get(0)!.length).toBeLessThan(8);
    expect(anomalies.map((a) => a.code)).toContain('string-truncated');
  });

  it('replaces invalid UTF-8 and unpaired surrogates with U+FFFD', () => {
    const u8 = writeStringPool(['abc'], { utf8: true });
    u8[28 + 4 + 2 + 1] = 0xff; // second byte of the string
    const a = pool(u8);
    expect(a.p.get(0)).toBe('a\uFFFDc');
    expect(a.anomalies.map((x) => x.code)).toEqual(['string-invalid-utf8']);

    const u16 = writeStringPool(['ab']);
    new DataView(u16.buffer).setUint16(28 + 4 + 2, 0xd800, true);
    const b = pool(u16);
    expect(b.p.get(0)).toBe('\uFFFDb');
    expect(b.anomalies.map((x) => x.code)).toEqual(['string-invalid-utf16']);
  });

  it('a chunk too small for its header reads as an empty pool', () => {
    const { p, anomalies } = pool(new Uint8Array(10));
    expect(p.count).toBe(0);
    expect(p.get(0)).toBeUndefined();
    expect(anomalies[0].code).toBe('string-pool-truncated');
  });

  it('caps the anomaly list', () => {
    const { p, anomalies } = pool(writeStringPool(['a']));
    for (let i = 0; i < 1000; i++) p.get(5 + i);
    expect(anomalies.length).toBe(200);
    expect(anomalies[199].code).toBe('too-many-anomalies');
  });

  it('fuzz: never throws, bounded time', () => {
    const seeds = [writeStringPool(STRINGS.slice(0, 7)), writeStringPool(STRINGS.slice(0, 7), { utf8: true })];
    const failures = fuzzParser(
      seeds,
      (b) => {
        const { p } = pool(b);
        for (let i = 0; i < Math.min(p.count, 50); i++) p.get(i);
      },
      () => false,
      { iterations: 3000, seed: 7, maxMs: 200 },
    );
    expect(failures).toEqual([]);
  });
});
