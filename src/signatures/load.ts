/**
 * Loads and validates the signature database (signatures/ at the package root, or a folder the
 * user names). The program refuses a database of a schema version it does not know (STYLE.md §8),
 * and one whose files do not validate against the JSON Schemas kept beside them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { TrackscanError } from '../errors.js';
import { SIGNATURE_SCHEMA_VERSION, type IosCapabilityData, type PermissionData, type SdkSignature, type SignatureDatabase } from './types.js';

/** signatures/ in the installed package (dist/signatures/load.js and src/signatures/load.ts are both two levels down) */
export const DEFAULT_SIGNATURES_DIR = fileURLToPath(new URL('../../signatures/', import.meta.url));

const cache = new Map<string, SignatureDatabase>();

export function loadSignatures(dir: string = DEFAULT_SIGNATURES_DIR): SignatureDatabase {
  const key = path.resolve(dir);
  let db = cache.get(key);
  if (!db) {
    db = readDatabase(key);
    cache.set(key, db);
  }
  return db;
}

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

function readDatabase(dir: string): SignatureDatabase {
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

  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validateSdk = ajv.compile(readJson(path.join(dir, 'schema/sdk.schema.json')) as object);
  const sdkFiles = readdirSync(path.join(dir, 'sdks'))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const sdks: SdkSignature[] = [];
  for (const f of sdkFiles) {
    const entry = read(`sdks/${f}`);
    if (!validateSdk(entry)) {
      fail(`invalid signature: ${ajv.errorsText(validateSdk.errors)}`, path.join(dir, 'sdks', f));
    }
    const sdk = entry as SdkSignature;
    if (`${sdk.id}.json` !== f) fail(`signature id ${sdk.id} does not match its file name`, path.join(dir, 'sdks', f));
    sdks.push(sdk);
  }

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

  return {
    schemaVersion: SIGNATURE_SCHEMA_VERSION,
    version: meta.version,
    sha256: hash.digest('hex'),
    sdks,
    permissions,
    ios,
  };
}
