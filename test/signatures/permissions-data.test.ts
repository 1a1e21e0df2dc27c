import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';

// Plain-code checks of signatures/permissions.json (schema validation with ajv is
// done elsewhere; nothing here depends on it).

interface Capability {
  id: string;
  title: string;
  description: string;
  sensitivity: 'high' | 'medium' | 'low';
}

interface Permission {
  name: string;
  protectionLevel: string;
  capabilities: string[];
  meaning: string;
  addedInApi?: number;
  deprecatedInApi?: number;
  notes?: string;
}

interface PermissionData {
  capabilities: Capability[];
  permissions: Permission[];
  sources: string[];
}

const dataPath = fileURLToPath(new URL('../../signatures/permissions.json', import.meta.url));
const schemaPath = fileURLToPath(new URL('../../signatures/schema/permissions.schema.json', import.meta.url));
const raw = readFileSync(dataPath, 'utf8');
const data = JSON.parse(raw) as PermissionData;
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;

const BASE_LEVELS = new Set(['normal', 'dangerous', 'signature', 'internal']);
const LEVEL_FLAGS = new Set([
  'privileged', 'system', 'development', 'appop', 'pre23', 'installer', 'verifier', 'preinstalled',
  'setup', 'instant', 'runtime', 'oem', 'vendorPrivileged', 'textClassifier', 'configurator',
  'incidentReportApprover', 'appPredictor', 'companion', 'retailDemo', 'recents', 'role',
  'knownSigner', 'module',
]);

const CAPABILITY_WITHOUT_PERMISSIONS = new Set(['beacons']);

const REQUIRED_CAPABILITIES = [
  'contacts', 'location-precise', 'location-approximate', 'location-background', 'bluetooth-scan',
  'bluetooth-connect', 'bluetooth-advertise', 'beacons', 'nearby-wifi', 'wifi-state', 'phone-state',
  'phone-numbers', 'phone-calls', 'call-log', 'sms', 'calendar', 'camera', 'microphone', 'accounts',
  'installed-apps', 'advertising-id', 'activity-recognition', 'body-sensors', 'storage', 'media',
  'notifications', 'accessibility', 'nearby-devices', 'network', 'boot', 'foreground-service-location',
  'usage-stats', 'overlay', 'install-packages', 'biometric',
];

const REQUIRED_DANGEROUS = [
  'READ_CONTACTS', 'ACCESS_FINE_LOCATION', 'ACCESS_COARSE_LOCATION', 'ACCESS_BACKGROUND_LOCATION',
  'BLUETOOTH_SCAN', 'READ_PHONE_STATE', 'READ_CALL_LOG', 'READ_SMS', 'READ_CALENDAR', 'CAMERA',
  'RECORD_AUDIO', 'ACTIVITY_RECOGNITION', 'BODY_SENSORS',
].map((n) => `android.permission.${n}`);

const isSentence = (s: string): boolean => /^[A-Z]/.test(s) && s.endsWith('.') && s.trim() === s;
const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = new Map(data.permissions.map((p) => [p.name, p]));

describe('signatures/permissions.json', () => {
  it('has exactly the top-level keys the schema allows', () => {
    expect(Object.keys(data).sort()).toEqual(['capabilities', 'permissions', 'sources']);
    expect(schema['additionalProperties']).toBe(false);
  });

  it('is formatted exactly as JSON.stringify(data, null, 2) plus a newline', () => {
    expect(raw).toBe(JSON.stringify(data, null, 2) + '\n');
  });

  it('lists capabilities sorted by id and permissions sorted by name', () => {
    const ids = data.capabilities.map((c) => c.id);
    expect(ids).toEqual([...ids].sort(codeUnitOrder));
    const names = data.permissions.map((p) => p.name);
    expect(names).toEqual([...names].sort(codeUnitOrder));
    for (const p of data.permissions) {
      expect(p.capabilities, p.name).toEqual([...p.capabilities].sort(codeUnitOrder));
    }
  });

  it('has unique capability ids, permission names and per-permission capabilities', () => {
    const ids = data.capabilities.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const names = data.permissions.map((p) => p.name);
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dupes).toEqual([]);
    for (const p of data.permissions) {
      expect(new Set(p.capabilities).size, p.name).toBe(p.capabilities.length);
    }
  });

  it('only uses the fields the schema defines', () => {
    const capKeys = new Set(['id', 'title', 'description', 'sensitivity']);
    const permKeys = new Set(['name', 'protectionLevel', 'capabilities', 'meaning', 'addedInApi', 'deprecatedInApi', 'notes']);
    for (const c of data.capabilities) {
      for (const k of Object.keys(c)) expect(capKeys.has(k), `${c.id}.${k}`).toBe(true);
      expect(['high', 'medium', 'low']).toContain(c.sensitivity);
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.title.length).toBeGreaterThan(1);
    }
    for (const p of data.permissions) {
      for (const k of Object.keys(p)) expect(permKeys.has(k), `${p.name}.${k}`).toBe(true);
      expect(p.name).toMatch(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/);
      expect(p.capabilities.length, p.name).toBeGreaterThan(0);
      for (const key of ['addedInApi', 'deprecatedInApi'] as const) {
        const v = p[key];
        if (v !== undefined) expect(Number.isInteger(v) && v >= 1, `${p.name}.${key}`).toBe(true);
      }
      if (p.addedInApi !== undefined && p.deprecatedInApi !== undefined) {
        expect(p.deprecatedInApi, p.name).toBeGreaterThanOrEqual(p.addedInApi);
      }
      if (p.notes !== undefined) expect(p.notes.length, p.name).toBeGreaterThan(0);
    }
    expect(data.sources.length).toBeGreaterThan(0);
    for (const s of data.sources) expect(s).toMatch(/^https:\/\/\S+$/);
    expect(data.sources).toContain('https://developer.android.com/reference/android/Manifest.permission');
  });

  it('references only capabilities that exist', () => {
    const ids = new Set(data.capabilities.map((c) => c.id));
    const missing = data.permissions.flatMap((p) => p.capabilities.filter((c) => !ids.has(c)).map((c) => `${p.name} -> ${c}`));
    expect(missing).toEqual([]);
  });

  it('defines the expected capabilities, each with a permission except derived ones', () => {
    const ids = new Set(data.capabilities.map((c) => c.id));
    for (const id of REQUIRED_CAPABILITIES) expect(ids.has(id), id).toBe(true);
    const used = new Set(data.permissions.flatMap((p) => p.capabilities));
    const empty = data.capabilities.map((c) => c.id).filter((id) => !used.has(id));
    expect(empty).toEqual([...CAPABILITY_WITHOUT_PERMISSIONS]);
  });

  it('uses protection levels from the allowed set', () => {
    for (const p of data.permissions) {
      const [base, ...flags] = p.protectionLevel.split('|');
      expect(BASE_LEVELS.has(base ?? ''), `${p.name}: ${p.protectionLevel}`).toBe(true);
      for (const f of flags) expect(LEVEL_FLAGS.has(f), `${p.name}: ${p.protectionLevel}`).toBe(true);
      expect(new Set(flags).size, p.name).toBe(flags.length);
    }
  });

  it('lists the runtime permissions that matter, as dangerous', () => {
    for (const name of REQUIRED_DANGEROUS) {
      const p = byName.get(name);
      expect(p, name).toBeDefined();
      expect(p?.protectionLevel, name).toBe('dangerous');
    }
  });

  it('writes meanings and descriptions as full sentences', () => {
    for (const p of data.permissions) expect(isSentence(p.meaning), `${p.name}: ${p.meaning}`).toBe(true);
    for (const c of data.capabilities) expect(isSentence(c.description), `${c.id}: ${c.description}`).toBe(true);
  });

  it('keeps a reasonable size', () => {
    expect(data.permissions.length).toBeGreaterThanOrEqual(80);
    expect(data.permissions.length).toBeLessThanOrEqual(130);
  });
});
