import { describe, expect, it } from 'vitest';
import { decodeMutf8, encodeMutf8 } from '../../src/formats/mutf8.js';

/** MUTF-8 bytes of `s` followed by the NUL terminator, as stored in string_data_item. */
function terminated(s: string): Uint8Array {
  const body = encodeMutf8(s);
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  return out;
}

describe('MUTF-8', () => {
  it('decodes ASCII up to the NUL terminator (fast path)', () => {
    const bytes = Uint8Array.from([...Buffer.from('Lcom/foo/Bar;'), 0, 0x41]);
    expect(decodeMutf8(bytes, 0)).toEqual({ value: 'Lcom/foo/Bar;', valid: true, end: 14, terminated: true });
  });

  it('encodes U+0000 as C0 80 and never emits a 0x00 byte', () => {
    const bytes = encodeMutf8('a\u0000b');
    expect([...bytes]).toEqual([0x61, 0xc0, 0x80, 0x62]);
    expect(decodeMutf8(terminated('a\u0000b'), 0).value).toBe('a\u0000b');
  });

  it('encodes supplementary characters as two 3-byte surrogate sequences', () => {
    const bytes = encodeMutf8('😀'); // U+1F600 = D83D DE00
    expect([...bytes]).toEqual([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
    expect(decodeMutf8(terminated('😀'), 0)).toMatchObject({ value: '😀', valid: true });
  });

  it('round-trips non-ASCII, lone surrogates and long strings', () => {
    for (const s of ['naïve café', '日本語テキスト', '\ud800 lone', 'x\udc00', 'é'.repeat(20_000), 'a'.repeat(50_000), '']) {
      const d = decodeMutf8(terminated(s), 0);
      expect(d.value).toBe(s);
      expect(d.valid).toBe(true);
      expect(d.terminated).toBe(true);
    }
  });

  it('replaces malformed sequences with U+FFFD and reports them, without throwing', () => {
    const cases: [number[], string][] = [
      [[0x61, 0x80, 0x62, 0], 'a\ufffdb'], // stray continuation byte
      [[0xc3, 0x41, 0], '\ufffdA'], // truncated 2-byte sequence
      [[0xe6, 0x97, 0], '\ufffd\ufffd'], // truncated 3-byte sequence at the NUL
      [[0xff, 0xfe, 0], '\ufffd\ufffd'],
      [[0xe6], '\ufffd'], // runs off the end
    ];
    for (const [bytes, value] of cases) {
      const d = decodeMutf8(Uint8Array.from(bytes), 0);
      expect(d.value).toBe(value);
      expect(d.valid).toBe(false);
    }
  });

  it('decodes (but flags) standard UTF-8 four-byte sequences', () => {
    const d = decodeMutf8(Uint8Array.from([0xf0, 0x9f, 0x98, 0x80, 0]), 0);
    expect(d.value).toBe('😀');
    expect(d.valid).toBe(false);
  });

  it('stops at the limit and reports a missing terminator', () => {
    const bytes = Uint8Array.from([0x61, 0x62, 0x63, 0x64]);
    expect(decodeMutf8(bytes, 1, 3)).toEqual({ value: 'bc', valid: true, end: 3, terminated: false });
    expect(decodeMutf8(bytes, 10).value).toBe('');
    expect(decodeMutf8(bytes, -5).value).toBe('');
  });
});
