/**
 * ajv, loaded on first use. Loading it costs ~40 ms and compiling the schemas with it ~200 ms
 * more, which a scan with the prevalidated built-in database (builtin.ts) never needs; only a
 * database that is not prevalidated (a user signature directory, a stale build, the sources under
 * vitest) is validated here. `require` rather than `await import()` keeps the loaders synchronous.
 */
import { createRequire } from 'node:module';
import type { Ajv2020, Options } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);

/** A new validator with the project's settings: every error reported, strict schemas. */
export function newAjv(options: Options = {}): Ajv2020 {
  const ajv = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  return new ajv.Ajv2020({ allErrors: true, strict: true, ...options });
}
