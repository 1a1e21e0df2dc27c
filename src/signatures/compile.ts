/**
 * Writes the prevalidated form of a database folder (builtin.ts describes it): what
 * `npm run build` does for signatures/ through scripts/compile-signatures.mjs. Throws, naming the
 * file, when the folder does not validate, so a broken database fails the build.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { readAttributionData } from './attribution-data.js';
import { serializeCompiled, sourcesDigest } from './builtin.js';
import { validateDatabase } from './load.js';

export function compileDatabase(dir: string, file: string): { entries: number; version: string; sha256: string } {
  const root = path.resolve(dir);
  // hashed before validating: a file changed meanwhile leaves the compiled file stale, not wrong
  const sources = sourcesDigest(root);
  const database = validateDatabase(root);
  const attribution = readAttributionData(root, database.permissions);
  writeFileSync(file, serializeCompiled(root, sources, { database, attribution }));
  return { entries: database.sdks.length, version: database.version, sha256: database.sha256 };
}
