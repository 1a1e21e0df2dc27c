import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/report/findings.js';
import type { Report } from '../../src/report/model.js';
import { buildSarif, FINGERPRINT_KEY, renderSarif, toUri } from '../../src/report/sarif.js';
import { realPackage } from '../helpers/real-data.js';
import { realApks } from '../helpers/tools.js';
import { androidReport, getScanner, hostile, iosReport, UPDATE } from './helpers.js';

// The official SARIF 2.1.0 schema as Microsoft ships it with the SARIF Multitool (npm
// @microsoft/sarif-multitool-linux, a Linux-only 43 MB package, so fetched into the real-data
// cache by the tests that need it rather than installed for everyone); it declares draft 2020-12.
const multitool = realPackage('@microsoft/sarif-multitool-linux@5.7.0');
if (!multitool.ok) console.warn(`[skipped] SARIF schema and Multitool checks: ${multitool.reason}`);
const multitoolDir = multitool.ok ? path.join(multitool.dir, 'package') : '';
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = multitool.ok ? ajv.compile(JSON.parse(readFileSync(path.join(multitoolDir, 'sarif-2.1.0.json'), 'utf8'))) : undefined;

type Log = { runs: { tool: { driver: { rules: { id: string }[] } }; results: Result[]; artifacts: { location: { uri: string }; parentIndex?: number }[] }[] };
type Result = { ruleId: string; ruleIndex: number; level: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string; index: number } }; logicalLocations?: { fullyQualifiedName: string; kind: string }[] }[]; properties: Record<string, unknown> };

function valid(r: Report) {
  const log = JSON.parse(renderSarif(r));
  if (validate) {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  }
  return log as Log;
}

describe('SARIF 2.1.0', () => {
  it('validates against the official schema: samples, real APKs, hostile strings', () => {
    valid(androidReport());
    valid(iosReport());
    valid(hostile(androidReport()));
    valid(hostile(iosReport()));
    for (const apk of realApks()) valid(getScanner().scanFile(apk.path));
  });

  it('matches the golden file for the Android sample', () => {
    const file = path.join(__dirname, 'golden', 'campaign-app.sarif');
    const actual = renderSarif(androidReport());
    if (UPDATE || !existsSync(file)) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });

  it('has one rule per finding kind, with help text, and every result points at its rule', () => {
    const log = valid(iosReport());
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(Object.values(FINDING_KINDS).map((k) => k.ruleId));
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const k of Object.values(FINDING_KINDS)) expect(k.help.length).toBeGreaterThan(10);
    for (const res of log.runs[0].results) expect(rules[res.ruleIndex].id).toBe(res.ruleId);
    const ids = new Set(log.runs[0].results.map((r) => r.ruleId));
    expect([...ids].sort()).toEqual(['capability', 'privacy/app-declares-no-tracking', 'privacy/tracking-sdk-without-manifest', 'privacy/undeclared-tracking-domain', 'tracker']);
  });

  it('locates results at the bundle and the entry inside it', () => {
    const log = valid(androidReport());
    const run = log.runs[0];
    expect(run.artifacts[0].location.uri).toBe('samples/campaign-app.apk');
    const fb = run.results.find((r) => r.properties.trackerId === 'facebook-app-events')!;
    expect(fb.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'samples/campaign-app.apk', index: 0 });
    expect(fb.locations[0].logicalLocations![0]).toEqual({ name: 'com.facebook.FacebookSdk', fullyQualifiedName: 'classes2.dex!com.facebook.FacebookSdk', kind: 'type' });
    for (const a of run.artifacts.slice(1)) expect(a.parentIndex).toBe(0);
    expect(run.artifacts.map((a) => a.location.uri)).toContain('AndroidManifest.xml');
    expect(toUri('/tmp/a b.apk')).toBe('file:///tmp/a%20b.apk');
    expect(toUri('dir/x#1.apk')).toBe('dir/x%231.apk');
  });

  it('fingerprints a finding by kind, app and finding: stable across versions and file names, distinct across apps', () => {
    const fp = (r: Report) => new Map((buildSarif(r) as unknown as Log).runs[0].results.map((x) => [`${x.ruleId} ${JSON.stringify(x.properties)}`, x.partialFingerprints[FINGERPRINT_KEY]]));
    const v1 = androidReport();
    const v2 = structuredClone(v1);
    v2.app.versionName = '9.9.9';
    v2.app.versionCode = 999;
    v2.input = { path: '/elsewhere/renamed.apk', size: 1, sha256: 'f'.repeat(64) };
    v2.trackers.forEach((t) => (t.version = '99.0'));
    v2.trackers.forEach((t) => t.evidence.forEach((e) => e.locations.forEach((l) => (l.entry = 'classes9.dex'))));
    expect(fp(v2)).toEqual(fp(v1));
    const other = structuredClone(v1);
    other.app.id = 'org.example.other';
    const a = fp(v1);
    for (const [k, v] of fp(other)) expect(v, k).not.toBe(a.get(k));
    expect(new Set(a.values()).size).toBe(a.size);
  });

  it.skipIf(!multitool.ok)('passes the SARIF Multitool validator with no errors', () => {
    const tool = path.join(multitoolDir, 'Sarif.Multitool');
    // the package's postinstall makes the binary executable; npm pack + tar does not run it
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      chmodSync(tool, 0o755);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'trackscan-sarif-'));
    for (const [name, r] of [['android', androidReport()], ['ios', iosReport()], ['hostile', hostile(iosReport())]] as const) {
      const file = path.join(dir, `${name}.sarif`);
      writeFileSync(file, renderSarif(r));
      const run = spawnSync(tool, ['validate', file, '--output', path.join(dir, `${name}.validation.sarif`)], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const out = JSON.parse(readFileSync(path.join(dir, `${name}.validation.sarif`), 'utf8'));
      const errors = (out.runs[0].results ?? []).filter((x: { level?: string }) => x.level === 'error');
      expect(errors, JSON.stringify(errors, null, 2)).toEqual([]);
    }
  }, 300_000);
});
