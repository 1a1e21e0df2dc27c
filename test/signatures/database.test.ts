import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrackerMatcher } from '../../src/analysis/trackers.js';
import { TrackscanError } from '../../src/errors.js';
import { DEFAULT_SIGNATURES_DIR, loadSignatures, validateDatabase } from '../../src/signatures/load.js';

const db = loadSignatures();

function copyDb(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ts-sigs-'));
  cpSync(DEFAULT_SIGNATURES_DIR, dir, { recursive: true });
  return dir;
}

describe('the signature database', () => {
  it('loads, validates against its schema, and is versioned', () => {
    expect(db.schemaVersion).toBe(1);
    expect(db.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(db.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(db.sdks.length).toBeGreaterThanOrEqual(60);
    expect(readFileSync(path.join(DEFAULT_SIGNATURES_DIR, 'CHANGELOG.md'), 'utf8')).toContain(db.version);
  });

  it('its SHA-256 covers the attribution data too (sensitive APIs, SDK switches, packers)', () => {
    const base = validateDatabase(copyDb()).sha256;
    expect(base).toBe(db.sha256);
    for (const file of ['sensitive-apis.json', 'sdk-switches.json', 'packers.json']) {
      const dir = copyDb();
      const p = path.join(dir, file);
      writeFileSync(p, readFileSync(p, 'utf8') + '\n');
      expect(validateDatabase(dir).sha256, file).not.toBe(base);
    }
  });

  it('covers the SDKs real apps (and campaign apps) ship', () => {
    const ids = new Set(db.sdks.map((s) => s.id));
    const names = db.sdks.map((s) => `${s.id} ${s.name} ${s.vendor}`.toLowerCase()).join('\n');
    for (const want of [
      'analytics for firebase', 'crashlytics', 'google mobile ads', 'google analytics', 'tag manager', 'ima',
      'app events', 'facebook login', 'facebook sharing', 'audience network', 'appsflyer', 'adjust', 'branch', 'kochava',
      'singular', 'applovin', 'ironsource', 'unity ads', 'vungle', 'chartboost', 'inmobi', 'mintegral', 'pangle', 'flurry',
      'mixpanel', 'amplitude', 'segment', 'braze', 'clevertap', 'onesignal', 'sentry', 'bugsnag', 'instabug', 'new relic',
      'acra', 'yandex', 'huawei', 'umeng', 'tencent', 'baidu', 'phunware', 'tapit', 'foursquare', 'radar', 'gimbal',
      'x-mode', 'cuebiq',
    ]) {
      expect(names, want).toContain(want);
    }
    expect(ids.size).toBe(db.sdks.length);
  });

  it('every SDK has evidence to match on, at least one https source, and a one-sentence description', () => {
    for (const s of db.sdks) {
      const a = s.android ?? {};
      const ios = s.ios ?? {};
      const anything = [a.packages, a.components, a.metaData, a.versionArtifacts, a.nativeLibraries, a.files, ios.frameworks, ios.classPrefixes, ios.modules, ios.bundleIds].some((x) => x && x.length);
      // entries with only domains name a data destination (never a finding on their own): profiling
      const destination = !anything && (s.domains?.length ?? 0) > 0 && s.categories.includes('profiling');
      expect(anything || destination, s.id).toBe(true);
      expect(s.sources.length, s.id).toBeGreaterThan(0);
      expect(s.description, s.id).toMatch(/\.$/);
    }
  });

  it('no two SDKs claim the same package prefix, component, meta-data key, version file or native library', () => {
    const seen = new Map<string, string>();
    for (const s of db.sdks) {
      const a = s.android ?? {};
      for (const [kind, list] of Object.entries({ package: a.packages, component: a.components, meta: a.metaData, version: a.versionArtifacts, lib: a.nativeLibraries, file: a.files })) {
        for (const v of list ?? []) {
          const key = `${kind}:${v}`;
          expect(seen.get(key), `${key} claimed by ${seen.get(key)} and ${s.id}`).toBeUndefined();
          seen.set(key, s.id);
        }
      }
    }
  });

  it('no package prefix is a bare vendor root that also covers unrelated libraries', () => {
    const tooBroad = ['com.google', 'com.google.android', 'com.google.android.gms', 'com.google.firebase', 'com.facebook', 'com.amazon', 'com.microsoft', 'com.unity3d', 'io.fabric.sdk', 'androidx', 'android', 'com.android'];
    for (const s of db.sdks) for (const p of s.android?.packages ?? []) expect(tooBroad, `${s.id}: ${p}`).not.toContain(p);
  });

  it('compiles into a matcher where every package prefix finds its own SDK', () => {
    const m = new TrackerMatcher(db);
    for (const s of db.sdks) {
      for (const p of s.android?.packages ?? []) {
        const hit = m.lookupClass(`${p}.SomeClass`);
        expect(hit && db.sdks[hit.sdk].id, `${p}.SomeClass`).toBe(s.id);
      }
    }
  });

  it('refuses a database of an unknown schema version', () => {
    const dir = copyDb();
    writeFileSync(path.join(dir, 'database.json'), JSON.stringify({ schemaVersion: 2, version: '9.0.0' }));
    expect(() => loadSignatures(dir)).toThrow(TrackscanError);
    expect(() => loadSignatures(dir)).toThrow(/schema version 2 is not supported/);
  });

  it('refuses an entry that breaks the schema, naming the file', () => {
    const dir = copyDb();
    const file = path.join(dir, 'sdks', 'adjust.json');
    const entry = JSON.parse(readFileSync(file, 'utf8'));
    entry.android.packages.push('not a package');
    writeFileSync(file, JSON.stringify(entry));
    try {
      loadSignatures(dir);
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(TrackscanError);
      expect((e as TrackscanError).code).toBe('SIGNATURES_INVALID');
      expect((e as TrackscanError).file).toContain('adjust.json');
    }
  });

  it('refuses an entry whose id does not match its file name', () => {
    const dir = copyDb();
    const entry = JSON.parse(readFileSync(path.join(dir, 'sdks', 'adjust.json'), 'utf8'));
    writeFileSync(path.join(dir, 'sdks', 'adjust-copy.json'), JSON.stringify(entry));
    expect(() => loadSignatures(dir)).toThrow(/does not match its file name/);
  });
});
