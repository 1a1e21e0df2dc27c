/**
 * Loads and validates the signature database (signatures/ at the package root, or a folder the
 * user names), optionally merged with user signature directories (`scan --signatures <dir>`).
 * The program refuses a database of a schema version it does not know (STYLE.md §8), and one
 * whose files do not validate against the JSON Schemas kept beside them; every error names the
 * file (and so the entry) at fault. The built-in database is validated once, when trackscan is
 * built, and then loaded from its compiled form (builtin.ts) while its files are unchanged.
 *
 * The owner graph (companies.json) is resolved here: each entry gets its vendor, parent and
 * country from its `company` (or its company from its `vendor` name), and the chain of owners.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { TrackscanError } from '../errors.js';
import { newAjv } from './ajv.js';
import { DEFAULT_SIGNATURES_DIR, prebuiltValidators, prevalidated } from './builtin.js';
import {
  SIGNATURE_SCHEMA_VERSION,
  type Company,
  type IosCapabilityData,
  type Owner,
  type PermissionData,
  type SdkSignature,
  type SignatureDatabase,
} from './types.js';

export { DEFAULT_SIGNATURES_DIR };

const cache = new Map<string, SignatureDatabase>();

/**
 * The database in `dir` (the default database unless named), merged with the user signature
 * directories `extraDirs` (see readUserSignatures for their layout). Cached per argument list.
 */
export function loadSignatures(dir: string = DEFAULT_SIGNATURES_DIR, extraDirs: readonly string[] = []): SignatureDatabase {
  const key = [path.resolve(dir), ...extraDirs.map((d) => path.resolve(d))].join('\0');
  let db = cache.get(key);
  if (!db) {
    const base = extraDirs.length ? loadSignatures(dir) : readDatabase(path.resolve(dir));
    db = extraDirs.length ? mergeUserSignatures(base, extraDirs.map((d) => path.resolve(d))) : base;
    cache.set(key, db);
  }
  return db;
}

/**
 * The database folder `dir`, from the compiled file `compiledFile` when that holds it validated
 * and still fresh (builtin.ts; by default only the built-in database has one, written by the
 * build), validated now otherwise.
 */
export function readDatabase(dir: string, compiledFile?: string): SignatureDatabase {
  return prevalidated(dir, compiledFile)?.database ?? validateDatabase(dir);
}

/** The default database merged with user signature directories: what `scan --signatures <dir>` calls. */
export function loadSignaturesWithUserDirs(userDirs: readonly string[]): SignatureDatabase {
  return loadSignatures(DEFAULT_SIGNATURES_DIR, userDirs);
}

/** The message says what is wrong and `file` which file (as every TrackscanError does): the CLI writes `<file>: <message>`, so naming the file in the message too would name it twice. */
function fail(message: string, file?: string): never {
  throw new TrackscanError('SIGNATURES_INVALID', message, { file });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`cannot read signature file: ${(e as Error).message}`, file);
  }
}

/** Schema validators of one database directory (the schemas are data, kept beside the entries). */
interface Validators {
  sdk: ValidateFunction;
  companies: ValidateFunction;
  errorsText(v: ValidateFunction): string;
}

function validators(ajv: Ajv2020, dir: string): Validators {
  const sdk = ajv.compile(readJson(path.join(dir, 'schema/sdk.schema.json')) as object);
  const companiesSchema = path.join(dir, 'schema/companies.schema.json');
  const companies = ajv.compile(readJson(existsSync(companiesSchema) ? companiesSchema : path.join(DEFAULT_SIGNATURES_DIR, 'schema/companies.schema.json')) as object);
  return { sdk, companies, errorsText: (v) => ajv.errorsText(v.errors, { dataVar: 'entry' }) };
}

/**
 * Validators of the built-in schemas, for user signature directories: the build's standalone
 * code while the schemas are unchanged (builtin.ts), compiled by ajv otherwise. ajv is loaded
 * for the standalone ones only to word an error.
 */
function userValidators(): Validators {
  const prebuilt = prebuiltValidators();
  if (!prebuilt) return validators(newAjv(), DEFAULT_SIGNATURES_DIR);
  return { sdk: prebuilt.sdk, companies: prebuilt.companies, errorsText: (v) => newAjv().errorsText(v.errors, { dataVar: 'entry' }) };
}

/** Reads and schema-validates `sdks/*.json` of a folder (or the folder's own *.json files). */
function readEntries(files: string[], v: Validators, hash: ReturnType<typeof createHash>, root: string): SdkSignature[] {
  const sdks: SdkSignature[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    hash.update(path.relative(root, file).split(path.sep).join('/')).update('\0').update(bytes).update('\0');
    const entry = readJson(file);
    if (!v.sdk(entry)) fail(`invalid signature: ${v.errorsText(v.sdk)}`, file);
    const sdk = entry as SdkSignature;
    if (`${sdk.id}.json` !== path.basename(file)) fail(`signature id ${sdk.id} does not match its file name`, file);
    sdk.file = file;
    sdks.push(sdk);
  }
  return sdks;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

function readCompanies(file: string, v: Validators, hash: ReturnType<typeof createHash>, root: string): Record<string, Company> {
  if (!existsSync(file)) return {};
  hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  const data = readJson(file);
  if (!v.companies(data)) fail(`invalid owner graph: ${v.errorsText(v.companies)}`, file);
  return (data as { companies: Record<string, Company> }).companies;
}

/** The attribution data files of a database folder, covered by its SHA-256. */
const ATTRIBUTION_FILES = ['sensitive-apis.json', 'sdk-switches.json', 'packers.json'];

/** Reads and validates the database folder `dir` (not cached: `signatures validate` and the build call it). */
export function validateDatabase(dir: string): SignatureDatabase {
  const hash = createHash('sha256');
  const read = (rel: string): unknown => {
    const file = path.join(dir, rel);
    if (!existsSync(file)) fail(`missing ${rel}`, dir);
    hash.update(rel).update('\0').update(readFileSync(file)).update('\0');
    return readJson(file);
  };

  const meta = read('database.json') as { schemaVersion?: unknown; version?: unknown };
  if (meta.schemaVersion !== SIGNATURE_SCHEMA_VERSION) {
    fail(`signature database schema version ${String(meta.schemaVersion)} is not supported by this trackscan (it reads version ${SIGNATURE_SCHEMA_VERSION})`, path.join(dir, 'database.json'));
  }
  if (typeof meta.version !== 'string') fail('database.json has no version', path.join(dir, 'database.json'));

  const ajv = newAjv();
  const v = validators(ajv, dir);
  const sdks = readEntries(jsonFiles(path.join(dir, 'sdks')), v, hash, dir);
  const companies = readCompanies(path.join(dir, 'companies.json'), v, hash, dir);
  checkCompanyGraph(companies, path.join(dir, 'companies.json'));
  resolveEntries(sdks, companies);

  const permissions = read('permissions.json') as PermissionData;
  const permSchemaFile = path.join(dir, 'schema/permissions.schema.json');
  if (existsSync(permSchemaFile)) {
    const validatePerm = ajv.compile(readJson(permSchemaFile) as object);
    if (!validatePerm(permissions)) fail(`invalid permissions data: ${ajv.errorsText(validatePerm.errors)}`, path.join(dir, 'permissions.json'));
  }

  const ios = read('ios-capabilities.json') as IosCapabilityData;
  const validateIos = ajv.compile(readJson(path.join(dir, 'schema/ios-capabilities.schema.json')) as object);
  if (!validateIos(ios)) fail(`invalid iOS capability data: ${ajv.errorsText(validateIos.errors)}`, path.join(dir, 'ios-capabilities.json'));
  const known = new Set(permissions.capabilities.map((c) => c.id));
  for (const list of [ios.usageKeys, ios.backgroundModes, ios.entitlements, ios.frameworks]) {
    for (const item of list) for (const c of item.capabilities) if (!known.has(c)) fail(`unknown capability ${c}`, path.join(dir, 'ios-capabilities.json'));
  }

  // The attribution data (sensitive APIs, SDK switches, packers) decides findings too, so the
  // report's SHA-256 names it; it is read and validated by attribution-data.ts.
  for (const rel of ATTRIBUTION_FILES) {
    const file = path.join(dir, rel);
    if (existsSync(file)) hash.update(rel).update('\0').update(readFileSync(file)).update('\0');
  }

  return {
    schemaVersion: SIGNATURE_SCHEMA_VERSION,
    version: meta.version,
    sha256: hash.digest('hex'),
    sdks,
    companies,
    permissions,
    ios,
  };
}

/**
 * The entries of a user signature directory, schema-validated against the default database's
 * schema. Layout: `<dir>/sdks/*.json` (as the database, and as `signatures import` writes) or
 * `<dir>/*.json`; an optional `<dir>/companies.json` adds companies to the owner graph.
 */
export function readUserSignatures(dir: string): { sdks: SdkSignature[]; companies: Record<string, Company>; sha256: string } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail('not a directory of signatures', dir);
  const hash = createHash('sha256');
  const v = userValidators();
  const sdkDir = existsSync(path.join(dir, 'sdks')) ? path.join(dir, 'sdks') : dir;
  const files = jsonFiles(sdkDir).filter((f) => !(sdkDir === dir && ['companies.json', 'database.json', 'permissions.json', 'ios-capabilities.json'].includes(path.basename(f))));
  const sdks = readEntries(files, v, hash, dir);
  const companies = readCompanies(path.join(dir, 'companies.json'), v, hash, dir);
  return { sdks, companies, sha256: hash.digest('hex') };
}

function mergeUserSignatures(base: SignatureDatabase, dirs: string[]): SignatureDatabase {
  const companies: Record<string, Company> = { ...base.companies };
  const byId = new Map(base.sdks.map((s) => [s.id, s]));
  const added: SdkSignature[] = [];
  const hash = createHash('sha256').update(base.sha256);
  for (const dir of dirs) {
    const user = readUserSignatures(dir);
    hash.update(user.sha256);
    for (const [id, c] of Object.entries(user.companies)) {
      if (companies[id] && JSON.stringify(companies[id]) !== JSON.stringify(c)) fail(`company ${id} is already defined differently in the database`, path.join(dir, 'companies.json'));
      companies[id] = c;
    }
    for (const sdk of user.sdks) {
      const other = byId.get(sdk.id);
      if (other) fail(`signature id ${sdk.id} is already used by ${other.file ?? 'the database'}; give the user entry another id`, sdk.file);
      byId.set(sdk.id, sdk);
      added.push(sdk);
    }
  }
  checkCompanyGraph(companies, dirs[0]);
  // resolve the user entries only: the base entries were resolved (and are shared with the cache)
  resolveEntries(added, companies, byId);
  const digest = hash.digest('hex');
  return {
    ...base,
    version: `${base.version}+user.${digest.slice(0, 8)}`,
    sha256: digest,
    sdks: [...base.sdks, ...added],
    companies,
    userDirs: dirs,
  };
}

/** Every parent exists and no chain loops. */
function checkCompanyGraph(companies: Record<string, Company>, file: string): void {
  for (const [id, c] of Object.entries(companies)) {
    const seen = new Set([id]);
    let p = c.parent;
    while (p !== undefined) {
      if (!companies[p]) fail(`company ${id}: unknown parent company ${p}`, file);
      if (seen.has(p)) fail(`company ${id}: ownership cycle through ${p}`, file);
      seen.add(p);
      p = companies[p].parent;
    }
  }
}

/** The owner chain of a company, itself first. */
export function ownerChain(companies: Record<string, Company>, id: string): Owner[] {
  const out: Owner[] = [];
  for (let c: string | undefined = id; c !== undefined && companies[c]; c = companies[c].parent) {
    out.push({ id: c, name: companies[c].name, country: companies[c].country });
    if (out.length > 32) break;
  }
  return out;
}

/** Lower-cased company names and aliases → id, to find the company of an entry that names only its vendor. */
export function companyNameIndex(companies: Record<string, Company>): Map<string, string> {
  const index = new Map<string, string>();
  for (const [id, c] of Object.entries(companies)) for (const n of [c.name, ...(c.aliases ?? [])]) index.set(n.toLowerCase(), id);
  return index;
}

/**
 * Fills vendor, parent, country and owners from the owner graph, and checks the references
 * (`company`, `within`) point somewhere. `known` holds every entry id of the merged database.
 */
function resolveEntries(sdks: SdkSignature[], companies: Record<string, Company>, known: Map<string, SdkSignature> = new Map(sdks.map((s) => [s.id, s]))): void {
  const names = companyNameIndex(companies);
  for (const sdk of sdks) {
    for (const w of sdk.within ?? []) {
      if (w === sdk.id) fail(`${sdk.id} cannot be within itself`, sdk.file);
      if (!known.has(w)) fail(`${sdk.id}: "within" names an unknown entry ${w}`, sdk.file);
    }
    if (sdk.company !== undefined && !companies[sdk.company]) fail(`${sdk.id}: unknown company ${sdk.company} (not in companies.json)`, sdk.file);
    const company = sdk.company ?? (sdk.vendor ? names.get(sdk.vendor.toLowerCase()) : undefined);
    if (company === undefined) continue;
    const chain = ownerChain(companies, company);
    sdk.owners = chain;
    if (sdk.company === undefined) sdk.company = company;
    sdk.vendor ??= chain[0].name;
    if (sdk.parent === undefined && chain.length > 1) sdk.parent = chain[1].name;
    sdk.country ??= chain[0].country;
  }
}
