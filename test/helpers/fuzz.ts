/** The fuzzing core lives in src/testing/fuzz.ts (shared with `npm run fuzz`). */
export { fuzzParser, iterationRng, mutantAt, mutate, rng } from '../../src/testing/fuzz.js';
