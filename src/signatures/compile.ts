/**
 * Writes the prevalidated form of a database folder and its standalone schema validators
 * (builtin.ts describes both): what `npm run build` does for signatures/ through
 * scripts/compile-signatures.mjs. Throws, naming the file, when the folder does not validate, so
 * a broken database fails the build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { newAjv } from './ajv.js';
import { readAttributionData } from './attribution-data.js';
import { serializeCompiled, sourcesDigest } from './builtin.js';
import { validateDatabase } from './load.js';

export function compileDatabase(dir: string, file: string, validatorsFile?: string): { entries: number; version: string; sha256: string } {
  const root = path.resolve(dir);
  // hashed before validating: a file changed meanwhile leaves the compiled file stale, not wrong
  const sources = sourcesDigest(root);
  const database = validateDatabase(root);
  const attribution = readAttributionData(root, database.permissions);
  writeFileSync(file, serializeCompiled(root, sources, { database, attribution }));
  if (validatorsFile !== undefined) writeFileSync(validatorsFile, standaloneValidators(root, sources));
  return { entries: database.sdks.length, version: database.version, sha256: database.sha256 };
}

/** CommonJS source exporting `sdk` and `companies` (ajv standalone code) and `sources`. */
export function standaloneValidators(dir: string, sources: string): string {
  const standaloneCode = createRequire(import.meta.url)('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js').default;
  const ajv = newAjv({ code: { source: true } });
  const schema = (name: string) => JSON.parse(readFileSync(path.join(dir, 'schema', `${name}.schema.json`), 'utf8')) as object;
  ajv.addSchema(schema('sdk'), 'sdk').addSchema(schema('companies'), 'companies');
  return `${standaloneCode(ajv, { sdk: 'sdk', companies: 'companies' })}\nexports.sources = ${JSON.stringify(sources)};\n`;
}
