/**
 * inflatePrefix must agree with zlib wherever it answers: on data deflated by zlib at every level
 * and strategy, cut short as a sniff cuts it, and on random bytes (where it must not throw).
 */
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflatePrefix } from '../../src/archive/inflate-prefix.js';
import { buildDex, sampleDexInput } from '../../src/testing/dex-writer.js';
import { rng } from '../helpers/fuzz.js';

const random = rng(42);
const dex = buildDex(sampleDexInput());

function sample(): Uint8Array {
  const kind = Math.floor(random() * 4);
  const n = 16 + Math.floor(random() * 3000);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = kind === 0 ? Math.floor(random() * 256) : kind === 1 ? 0x41 + Math.floor(random() * 4) : kind === 2 ? dex[i % dex.length] : (i * 31) & 0xff;
  }
  if (random() < 0.3) out.set([0x64, 0x65, 0x78, 0x0a, 0x30, 0x33, 0x35, 0x00].slice(0, Math.min(8, n)));
  if (random() < 0.2) out.set([0x50, 0x4b, 0x03, 0x04].slice(0, Math.min(4, n)));
  return out;
}

describe('inflatePrefix', () => {
  it('gives zlib’s first bytes, or nothing, on zlib output of every level and strategy, whole and cut short', () => {
    let answered = 0;
    let total = 0;
    const strategies = [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FIXED];
    for (let i = 0; i < 1500; i++) {
      const data = sample();
      const level = Math.floor(random() * 10);
      const strategy = strategies[Math.floor(random() * strategies.length)];
      const compressed = deflateRawSync(data, { level, strategy });
      for (const cut of [compressed.length, 128, 16, 3]) {
        const input = compressed.subarray(0, Math.min(cut, compressed.length));
        const want = 8;
        const got = inflatePrefix(input, want);
        total++;
        if (got === undefined) continue;
        answered++;
        const expected = data.subarray(0, Math.min(want, data.length));
        expect([...got], `sample ${i} level ${level} strategy ${strategy} cut ${cut}`).toEqual([...expected.subarray(0, got.length)]);
        if (got.length < want) expect(got.length, 'short only when the data is').toBe(data.length);
      }
    }
    expect(answered / total).toBeGreaterThan(0.5);
  });

  it('reads a DEX file’s magic from its first 128 compressed bytes, as the sniff does', () => {
    const compressed = deflateRawSync(dex, { level: 6 });
    expect([...inflatePrefix(compressed.subarray(0, 128), 8)!]).toEqual([...dex.subarray(0, 8)]);
    const zlibOut = inflateRawSync(compressed.subarray(0, 128), { finishFlush: constants.Z_SYNC_FLUSH });
    expect([...zlibOut.subarray(0, 8)]).toEqual([...dex.subarray(0, 8)]);
  });

  it('never throws and never answers wrongly on random bytes', () => {
    for (let i = 0; i < 20000; i++) {
      const n = Math.floor(random() * 64);
      const bytes = new Uint8Array(n);
      for (let k = 0; k < n; k++) bytes[k] = Math.floor(random() * 256);
      const got = inflatePrefix(bytes, 8);
      if (!got) continue;
      let ref: Buffer | undefined;
      try {
        ref = inflateRawSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
      } catch {
        ref = undefined;
      }
      // where zlib reads the same bytes it must agree; zlib may refuse what we stopped reading before
      if (ref) expect([...got], `random ${i}`).toEqual([...ref.subarray(0, got.length)]);
    }
  });
});
