/**
 * The data behind attribution and status (issue 6), kept apart from the SDK signatures:
 *  - signatures/sensitive-apis.json: platform APIs → capability (Android methods, fields, content
 *    URIs; iOS classes + selectors, C symbols, required-reason API categories);
 *  - signatures/sdk-switches.json: documented configuration switches per SDK, and components
 *    that start an SDK without the app calling it;
 *  - signatures/packers.json: files and stubs that packers and protectors leave.
 * Each validates against its JSON Schema in signatures/schema/; capability ids must exist. The
 * built-in folder's data was validated when trackscan was built (builtin.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TrackscanError } from '../errors.js';
import { newAjv } from './ajv.js';
import { prevalidated } from './builtin.js';
import type { Capability, PermissionData } from './types.js';

export interface AndroidSensitiveApi {
  /** Java class name, inner classes with `$` */
  class: string;
  kind: 'method' | 'field';
  members: string[];
  capabilities: string[];
  permissions?: string[];
  /** counted only when the calling class also holds this string constant */
  withString?: string;
  action: string;
  source: string;
}

export interface SensitiveString {
  value: string;
  match: 'exact' | 'prefix';
  capabilities: string[];
  permissions?: string[];
  action: string;
  source: string;
}

export interface IosSensitiveApi {
  class: string;
  selectors: string[];
  capabilities: string[];
  usageKeys?: string[];
  action: string;
  source: string;
}

export interface IosSensitiveSymbol {
  symbol: string;
  capabilities: string[];
  action: string;
  source: string;
}

export interface RequiredReasonApi {
  category: string;
  symbols: string[];
  selectors: string[];
  source: string;
}

export interface SensitiveApiData {
  capabilities: Capability[];
  android: { apis: AndroidSensitiveApi[]; strings: SensitiveString[] };
  ios: { apis: IosSensitiveApi[]; symbols: IosSensitiveSymbol[]; requiredReasonApis: RequiredReasonApi[] };
  sources: string[];
}

export type SwitchEffect = 'collection-off' | 'auto-init-off' | 'auto-logging-off' | 'ad-id-off' | 'device-id-off' | 'ads-personalization-off';

export interface SdkSwitch {
  sdks: string[];
  platform: 'android' | 'ios';
  metaData?: string;
  plistKey?: string;
  value: string;
  effect: SwitchEffect;
  scope: 'all' | 'part';
  description: string;
  source: string;
}

export interface SdkSwitchData {
  switches: SdkSwitch[];
  permissionAbsent: { sdks: string[]; permission: string; minTargetSdk?: number; effect: SwitchEffect; scope: 'all' | 'part'; description: string; source: string }[];
  autoStart: { component: string; sdks?: string[]; description: string; source: string }[];
  sources: string[];
}

export interface PackerSignature {
  id: string;
  name: string;
  vendor: string;
  kind: 'packer' | 'protector';
  nativeLibraries?: string[];
  files?: string[];
  classes?: string[];
  source: string;
}

export interface PackerData {
  packers: PackerSignature[];
  sources: string[];
}

export interface AttributionData {
  sensitiveApis: SensitiveApiData;
  switches: SdkSwitchData;
  packers: PackerData;
  /** SHA-256 over the three files, for the report */
  sha256: string;
}

const cache = new Map<string, AttributionData>();

/** Loads and validates the attribution data of a signature folder (cached per folder). */
export function loadAttributionData(dir: string, permissions: PermissionData): AttributionData {
  const key = path.resolve(dir);
  let data = cache.get(key);
  if (!data) {
    data = prevalidated(key)?.attribution ?? readAttributionData(key, permissions);
    cache.set(key, data);
  }
  return data;
}

function fail(message: string, file: string): never {
  throw new TrackscanError('SIGNATURES_INVALID', message, { file });
}

/** Reads and validates the attribution data of a folder (not cached; the build calls it). */
export function readAttributionData(dir: string, permissions: PermissionData): AttributionData {
  const ajv = newAjv();
  const hash = createHash('sha256');
  const load = <T>(name: string): T => {
    const file = path.join(dir, `${name}.json`);
    const schemaFile = path.join(dir, 'schema', `${name}.schema.json`);
    if (!existsSync(file)) fail('missing', file);
    let value: unknown;
    try {
      const bytes = readFileSync(file);
      hash.update(name).update('\0').update(bytes).update('\0');
      value = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      fail(`cannot read: ${(e as Error).message}`, file);
    }
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    if (!validate(value)) fail(`invalid: ${ajv.errorsText(validate.errors, { dataVar: name })}`, file);
    return value as T;
  };
  const sensitiveApis = load<SensitiveApiData>('sensitive-apis');
  const switches = load<SdkSwitchData>('sdk-switches');
  const packers = load<PackerData>('packers');

  const file = path.join(dir, 'sensitive-apis.json');
  const known = new Set(permissions.capabilities.map((c) => c.id));
  for (const c of sensitiveApis.capabilities) {
    if (known.has(c.id)) fail(`capability ${c.id} is already defined in permissions.json`, file);
    known.add(c.id);
  }
  const lists = [sensitiveApis.android.apis, sensitiveApis.android.strings, sensitiveApis.ios.apis, sensitiveApis.ios.symbols];
  for (const list of lists) {
    for (const item of list) for (const c of item.capabilities) if (!known.has(c)) fail(`unknown capability ${c}`, file);
  }
  return { sensitiveApis, switches, packers, sha256: hash.digest('hex') };
}
