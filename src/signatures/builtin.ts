/**
 * The built-in database, validated once at build time instead of at every start.
 *
 * `npm run build` runs scripts/compile-signatures.mjs after tsc: it loads `signatures/` through
 * the validating loaders (load.ts, attribution-data.ts: JSON Schemas, owner graph, references)
 * and writes what they return to dist/signatures/builtin.json, one file:
 *
 *   line 1  {"format":1,"sources":"<SHA-256 of the database files>","payload":"<SHA-256 of line 2>"}
 *   line 2  {"database": SignatureDatabase, "attribution": AttributionData}
 *
 * At run time the loaders take that file instead of validating, when it is present, of this
 * format, intact (its payload hashes to the header's value: a truncated or hand-edited file is
 * not trusted) and fresh: the files of `signatures/` on disk hash to `sources`. Anything else
 * falls back to the validating load, so an edited database is never used unvalidated.
 *
 * Freshness is checked on the files' contents, not their modification times or sizes: reading
 * and hashing the ~530 small files costs ~10-15 ms, stat-ing them ~5 ms, and mtimes do not say
 * whether a file changed (npm sets every packed file to 1985-10-26, `cp -p` and archive tools
 * restore old times, an edit can keep the size). For ~5-10 ms more the check is exact: the bytes
 * in use are the bytes that were validated.
 *
 * The build also writes dist/signatures/validators.cjs, the entry and owner-graph schemas
 * compiled by ajv into standalone code, for user signature directories (`scan --signatures`):
 * used only while builtin.json is fresh and was written with it (same `sources`), so the schemas
 * it was compiled from are those on disk; otherwise ajv compiles them.
 *
 * Under vitest the modules run from src/, where neither file exists: the tests always validate.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { AttributionData } from './attribution-data.js';
import type { SignatureDatabase } from './types.js';

/** signatures/ in the installed package (dist/signatures/*.js and src/signatures/*.ts are both two levels down) */
export const DEFAULT_SIGNATURES_DIR = fileURLToPath(new URL('../../signatures/', import.meta.url));

/** dist/signatures/builtin.json, beside the compiled loaders */
export const BUILTIN_FILE = fileURLToPath(new URL('./builtin.json', import.meta.url));

/** dist/signatures/validators.cjs: the entry and owner-graph schemas as standalone validators */
export const VALIDATORS_FILE = fileURLToPath(new URL('./validators.cjs', import.meta.url));

/** Version of the compiled file's layout; a file of another format is not read. */
const FORMAT = 1;

export interface CompiledDatabase {
  /** as the validating load returns it, each entry's `file` relative to the database folder */
  database: SignatureDatabase;
  attribution: AttributionData;
  /** the sourcesDigest the file was written for (from its header) */
  sources: string;
}

/** The validators of validators.cjs, with the sourcesDigest of the schemas they were compiled from. */
export interface PrebuiltValidators {
  sdk: ValidateFunction;
  companies: ValidateFunction;
  sources: string;
}

interface Header {
  format: number;
  sources: string;
  payload: string;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * SHA-256 over every JSON file of a database folder (entries, owner graph, data, schemas) with
 * its path: a file added, removed, renamed or changed changes it.
 */
export function sourcesDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const sub of ['', 'sdks', 'schema']) {
    const folder = path.join(dir, sub);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      hash.update(rel).update('\0').update(readFileSync(path.join(folder, name))).update('\0');
    }
  }
  return hash.digest('hex');
}

/** The compiled file's text for a validated database (see the layout above). */
export function serializeCompiled(dir: string, sources: string, compiled: Omit<CompiledDatabase, 'sources'>): string {
  const database = {
    ...compiled.database,
    // the package may be installed elsewhere than it was built: paths relative to the folder
    sdks: compiled.database.sdks.map((s) => ({ ...s, file: s.file && path.relative(dir, s.file).split(path.sep).join('/') })),
  };
  const payload = JSON.stringify({ database, attribution: compiled.attribution });
  const header: Header = { format: FORMAT, sources, payload: sha256(payload) };
  return `${JSON.stringify(header)}\n${payload}`;
}

/**
 * The database compiled into `file` for the folder `dir`, or undefined when the file is missing,
 * of another format, damaged, or stale (see above); never throws.
 */
export function readCompiled(file: string, dir: string): CompiledDatabase | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  let header: Header;
  try {
    header = JSON.parse(text.slice(0, newline)) as Header;
  } catch {
    return undefined;
  }
  const payload = text.slice(newline + 1);
  if (header.format !== FORMAT || header.payload !== sha256(payload) || header.sources !== sourcesDigest(dir)) return undefined;
  const compiled = JSON.parse(payload) as Omit<CompiledDatabase, 'sources'>;
  // assigning keeps each key where the validating load put it, so entries print the same
  for (const s of compiled.database.sdks) if (s.file !== undefined) s.file = path.join(dir, s.file);
  return { ...compiled, sources: header.sources };
}

let builtin: { compiled: CompiledDatabase | undefined } | undefined;

/**
 * The prevalidated database of the folder `dir` from the compiled file `file`, or undefined when
 * there is none fit to use (the caller validates). Without `file`: the built-in folder's
 * dist/signatures/builtin.json, read once per process; no compiled file for any other folder.
 */
export function prevalidated(dir: string, file?: string): CompiledDatabase | undefined {
  if (file !== undefined) return readCompiled(file, dir);
  if (path.resolve(dir) !== path.resolve(DEFAULT_SIGNATURES_DIR)) return undefined;
  builtin ??= { compiled: readCompiled(BUILTIN_FILE, DEFAULT_SIGNATURES_DIR) };
  return builtin.compiled;
}

/**
 * The standalone validators in `file` when they were built from the schemas whose sourcesDigest
 * is `sources`; undefined otherwise (missing, unloadable, or of other schemas).
 */
export function readValidators(file: string, sources: string): PrebuiltValidators | undefined {
  try {
    const v = createRequire(import.meta.url)(file) as Partial<PrebuiltValidators>;
    return v.sources === sources && typeof v.sdk === 'function' && typeof v.companies === 'function' ? (v as PrebuiltValidators) : undefined;
  } catch {
    return undefined;
  }
}

/** The built-in schemas' standalone validators, when they and builtin.json are fresh (see above). */
export function prebuiltValidators(): PrebuiltValidators | undefined {
  const compiled = prevalidated(DEFAULT_SIGNATURES_DIR);
  return compiled && readValidators(VALIDATORS_FILE, compiled.sources);
}
