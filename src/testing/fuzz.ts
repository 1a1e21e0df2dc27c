/**
 * Seeded mutation fuzzing, shared by the per-format property tests (vitest) and `npm run fuzz`.
 * Deterministic: iteration `i` of seed `s` always produces the same mutant (its random stream is
 * derived from `s` and `i` alone), so any failure is reproduced from three numbers.
 */

/** mulberry32: small, fast, good enough for picking mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The random stream of one iteration: depends only on (seed, iteration). */
export function iterationRng(seed: number, iteration: number): () => number {
  return rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(iteration + 1, 0x85ebca6b)) >>> 0);
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** Returns a mutated copy: bit flips, interesting 8/16/32-bit values, truncation, byte runs copied elsewhere, zeroed runs. */
export function mutate(input: Uint8Array, random: () => number): Uint8Array {
  let out = new Uint8Array(input);
  const n = 1 + Math.floor(random() * 8);
  for (let i = 0; i < n && out.length > 0; i++) {
    const pos = Math.floor(random() * out.length);
    switch (Math.floor(random() * 6)) {
      case 0:
        out[pos] ^= 1 << Math.floor(random() * 8);
        break;
      case 1:
        out[pos] = Math.floor(random() * 256);
        break;
      case 2: {
        const v = INTERESTING[Math.floor(random() * INTERESTING.length)];
        const width = [1, 2, 4][Math.floor(random() * 3)];
        for (let b = 0; b < width && pos + b < out.length; b++) out[pos + b] = (v >>> (8 * b)) & 0xff;
        break;
      }
      case 3:
        out = out.slice(0, pos);
        break;
      case 4: {
        const len = Math.min(out.length - pos, 1 + Math.floor(random() * 64));
        const to = Math.floor(random() * out.length);
        out.copyWithin(to, pos, pos + len);
        break;
      }
      default: {
        const len = Math.min(out.length - pos, Math.floor(random() * 16));
        out.fill(0, pos, pos + len);
      }
    }
  }
  return out;
}

/** The mutant of iteration `i`: seed input `i mod seeds`, mutated by the iteration's own random stream. */
export function mutantAt(seeds: readonly Uint8Array[], seed: number, iteration: number): Uint8Array {
  return mutate(seeds[iteration % seeds.length], iterationRng(seed, iteration));
}

/**
 * Runs `parse` over `iterations` mutants. Each call must return or throw an error accepted by
 * `isExpectedError`, within `maxMs`. Returns the failures (empty when all is well).
 */
export function fuzzParser(
  seeds: Uint8Array[],
  parse: (bytes: Uint8Array) => unknown,
  isExpectedError: (e: unknown) => boolean,
  options: { iterations: number; seed: number; maxMs?: number },
): string[] {
  const maxMs = options.maxMs ?? 2000;
  const failures: string[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const input = mutantAt(seeds, options.seed, i);
    const started = performance.now();
    try {
      parse(input);
    } catch (e) {
      if (!isExpectedError(e)) {
        failures.push(`seed ${options.seed} iteration ${i}: unexpected ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
      }
    }
    const ms = performance.now() - started;
    if (ms > maxMs) failures.push(`seed ${options.seed} iteration ${i}: took ${ms.toFixed(0)} ms`);
    if (failures.length >= 5) break;
  }
  return failures;
}
