/**
 * Golden tests (STYLE.md §13): each fixture bundle → its JSON report, compared with a snapshot
 * stored next to this file as `<name>.json`. Fixtures are built here, deterministically, by the
 * builders in src/testing/samples.ts; the demo sample samples/campaign-app.apk is scanned as
 * committed. `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites the snapshots.
 *
 * Volatile fields are normalised (input path, tool version, signature-database version, hash and
 * size), so a new signature does not rewrite every snapshot; the tracker ids of each fixture are
 * therefore also asserted explicitly, and a real change in what is found fails here too.
 */
import { expectGoldenFile } from './golden-file.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { buildDex } from '../../src/testing/dex-writer.js';
import {
  admobAppsflyerSpec,
  buildApk,
  campaignApp,
  GOLDEN_FIXTURES,
  ownPackagePrefixSpec,
  type ApkSpec,
} from '../../src/testing/samples.js';
import { requireTool, runTool } from '../helpers/tools.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const SAMPLE = path.join(ROOT, 'samples', 'campaign-app.apk');

const scanner = new Scanner();
let tmp: string;
const files = new Map<string, string>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-golden-'));
  for (const f of GOLDEN_FIXTURES) files.set(f.name, write(f.name, f.spec()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, spec: ApkSpec): string {
  const file = path.join(tmp, name);
  writeFileSync(file, buildApk(spec));
  return file;
}

function scan(file: string): Report {
  return scanner.scanFile(file);
}

function expectGolden(name: string, report: Report): void {
  expectGoldenFile(path.join(HERE, name.replace(/\.apk$/, '.json')), report);
}

const ids = (r: Report) => r.trackers.map((t) => t.id);
const codes = (r: Report) => r.warnings.map((w) => w.code);
const capabilityIds = (r: Report) => r.capabilities.map((c) => c.id);
const finding = (r: Report, id: string) => {
  const f = r.trackers.find((t) => t.id === id);
  if (!f) throw new Error(`no ${id} finding; found ${ids(r).join(', ') || 'none'}`);
  return f;
};
const kinds = (r: Report, id: string) => [...new Set(finding(r, id).evidence.map((e) => e.kind))];
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('samples/campaign-app.apk', () => {
  it('is what `npm run samples` builds today (rebuild and commit it after changing the builder)', () => {
    expect(sha256(campaignApp())).toBe(sha256(readFileSync(SAMPLE)));
  });

  it('matches its golden report', () => {
    const r = scan(SAMPLE);
    expect(ids(r)).toEqual([
      'facebook-app-events',
      'facebook-login',
      'firebase-analytics',
      'phunware-analytics',
      'phunware-core',
      'phunware-engagement',
      'phunware-location',
      'phunware-mapping',
    ]);
    expect(r.trackers.every((t) => t.confidence === 'high' && !t.firstParty)).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.app).toMatchObject({
      id: 'org.example.campaign2020',
      name: 'Campaign 2020 (synthetic demo)',
      versionCode: 20201103,
      versionName: '2.0.3-synthetic',
      minSdk: 21,
      targetSdk: 30,
    });
    expect(capabilityIds(r)).toEqual(expect.arrayContaining(['contacts', 'location-precise', 'location-approximate', 'location-background', 'bluetooth-scan', 'bluetooth-connect', 'beacons', 'advertising-id', 'phone-state', 'boot']));
    // Facebook Login shows the Graph API permissions in the code
    const scopes = finding(r, 'facebook-login').evidence.find((e) => e.kind === 'login-scope');
    expect(scopes?.examples).toEqual(['email', 'public_profile', 'user_friends', 'user_location']);
    // the Firebase version file names the library version
    expect(finding(r, 'firebase-analytics').version).toBe('17.4.4');
    // the advertising-ID client alone is not AdMob
    expect(ids(r)).not.toContain('google-mobile-ads');
    expect(r.signing?.schemes).toEqual(['v2']);
    expect(r.signing?.certificates[0].subject).toContain('CN=Campaign 2020 (synthetic demo)');
    expect(r.domains.filter((d) => d.host.endsWith('.campaign2020.example.com')).map((d) => d.trackers)).toEqual([[], []]);

    // attribution (issue 6): the Phunware location/beacon SDK, not the app, scans Bluetooth and
    // requests location; the app's own ContactsUploader reads the address book
    const usedBy = (id: string) => (r.capabilities.find((c) => c.id === id)?.usedBy ?? []).map((u) => `${u.by}: ${u.callers.join(', ')}`);
    expect(usedBy('bluetooth-scan')).toEqual(['phunware-location: com.phunware.azul.AzulBeaconScanner']);
    expect(usedBy('location-precise')).toEqual(['phunware-engagement: com.phunware.engagement.location.GeozoneMonitor', 'phunware-location: com.phunware.location.provider.BeaconLocationProvider']);
    expect(usedBy('location-approximate')).toEqual(usedBy('location-precise'));
    expect(usedBy('location-background')).toEqual(['phunware-engagement: com.phunware.engagement.location.GeozoneMonitor']);
    expect(usedBy('contacts')).toEqual(['app: org.example.campaign2020.contacts.ContactsUploader']);
    expect(usedBy('phone-state')).toEqual(['app: org.example.campaign2020.api.CampaignApi']);
    expect(usedBy('advertising-id')).toEqual(['firebase-analytics: com.google.android.gms.measurement.AppMeasurement']);
    const locationUse = r.capabilities.find((c) => c.id === 'location-precise')!.usedBy!.find((u) => u.by === 'phunware-location')!;
    expect(locationUse.apis).toEqual(expect.arrayContaining(['android.location.LocationManager.requestLocationUpdates', 'android.location.LocationManager.getLastKnownLocation']));
    for (const id of ['bluetooth-scan', 'location-precise', 'location-approximate', 'location-background']) expect(usedBy(id).some((u) => u.startsWith('app:')), id).toBe(false);
    // is it switched on? the app calls Phunware Core (which starts Location) and Mapping; Phunware Analytics is never called
    expect(finding(r, 'phunware-analytics').status?.state).toBe('unreferenced');
    for (const id of ['phunware-core', 'phunware-location', 'phunware-mapping']) expect(finding(r, id).status?.state, id).toBe('active');
    const text = renderText(r);
    expect(text).toContain('→ Phunware Location SDK: scans for Bluetooth LE devices and beacons (in com.phunware.azul.AzulBeaconScanner)');
    expect(text).toContain('→ Phunware Location SDK: reads the last known location; requests location updates (in com.phunware.location.provider.BeaconLocationProvider)');
    expect(text).toContain('→ the app’s own code: reads the address book (in org.example.campaign2020.contacts.ContactsUploader)');
    expectGolden('campaign-app.apk', r);
  });
});

describe('golden fixtures', () => {
  it('adid-only.apk: the advertising-ID client and AD_ID are not Google Mobile Ads', () => {
    const r = scan(files.get('adid-only.apk')!);
    expect(ids(r)).toEqual([]);
    expect(capabilityIds(r)).toContain('advertising-id');
    expect(r.warnings).toEqual([]);
    expectGolden('adid-only.apk', r);
  });

  it('obfuscated-manifest.apk: renamed/blank attribute names and unknown chunks change nothing but the warnings', () => {
    const r = scan(files.get('obfuscated-manifest.apk')!);
    const plain = scan(write('admob-appsflyer-plain.apk', admobAppsflyerSpec()));
    expect(ids(r)).toEqual(['appsflyer', 'google-mobile-ads']);
    expect(r.trackers).toEqual(plain.trackers);
    expect(r.app).toEqual(plain.app);
    expect(r.permissions).toEqual(plain.permissions);
    expect(r.android).toEqual(plain.android);
    expect(r.capabilities).toEqual(plain.capabilities);
    expect(plain.warnings).toEqual([]);
    expect(new Set(codes(r))).toEqual(new Set(['attribute-name-mismatch', 'unknown-chunk']));
    expect(r.warnings.every((w) => w.entry === 'AndroidManifest.xml')).toBe(true);
    expect(kinds(r, 'google-mobile-ads')).toEqual(['code-defined', 'component', 'meta-data', 'version-file', 'domain']);
    expectGolden('obfuscated-manifest.apk', r);
  });

  it("vendor-own-app.apk: Meta's SDK inside a Meta app is first-party", () => {
    const r = scan(files.get('vendor-own-app.apk')!);
    expect(ids(r)).toEqual(['facebook-app-events']);
    expect(finding(r, 'facebook-app-events')).toMatchObject({ firstParty: true, confidence: 'high' });
    // the app's own classes (com.facebook.examplevendorapp.*) are not claimed
    expect(finding(r, 'facebook-app-events').evidence.flatMap((e) => e.examples).some((x) => x.includes('examplevendorapp'))).toBe(false);
    expectGolden('vendor-own-app.apk', r);
  });

  it("own-package-prefix.apk: a broad SDK prefix (com.gimbal) does not claim the app's own package under it", () => {
    const r = scan(files.get('own-package-prefix.apk')!);
    expect(r.app.id).toBe('com.gimbal.fieldnotes');
    expect(r.code.classesDefined).toBe(4);
    expect(ids(r)).toEqual([]);
    expect(r.warnings).toEqual([]);
    expectGolden('own-package-prefix.apk', r);
    // control: the same classes in an app with another package are Gimbal's
    const control = scan(write('own-package-prefix-control.apk', ownPackagePrefixSpec('org.example.fieldnotes')));
    expect(ids(control)).toEqual(['gimbal']);
  });

  it('manifest-only.apk: declarations without code give medium or high confidence, never code evidence', () => {
    const r = scan(files.get('manifest-only.apk')!);
    expect(ids(r)).toEqual(['firebase-analytics', 'facebook-app-events']);
    // components + meta-data + version file: several independent kinds → high
    expect(finding(r, 'firebase-analytics')).toMatchObject({ confidence: 'high', version: '21.5.0' });
    expect(kinds(r, 'firebase-analytics')).toEqual(['component', 'meta-data', 'version-file']);
    // one meta-data key alone → medium
    expect(finding(r, 'facebook-app-events').confidence).toBe('medium');
    expect(kinds(r, 'facebook-app-events')).toEqual(['meta-data']);
    expect(r.warnings).toEqual([]);
    expectGolden('manifest-only.apk', r);
  });

  it('multidex-split-sdk.apk: classes after a gap in the DEX numbering are still matched, with a warning', () => {
    const r = scan(files.get('multidex-split-sdk.apk')!);
    expect(ids(r)).toEqual(['adjust']);
    const code = finding(r, 'adjust').evidence.find((e) => e.kind === 'code-defined')!;
    expect(code.count).toBe(5);
    expect(new Set(code.locations.map((l) => l.entry))).toEqual(new Set(['classes.dex', 'classes3.dex']));
    expect(r.code.binaries).toBe(2);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'dex-not-loaded', entry: 'classes3.dex' })]);
    expectGolden('multidex-split-sdk.apk', r);
  });
});

describe('determinism', () => {
  it('every fixture builds to the same bytes twice', () => {
    for (const f of GOLDEN_FIXTURES) expect(sha256(buildApk(f.spec())), f.name).toBe(sha256(buildApk(f.spec())));
  });

  it('scanning twice gives byte-identical JSON', () => {
    for (const file of [SAMPLE, ...files.values()]) {
      expect(renderJson(scan(file)), path.basename(file)).toBe(renderJson(scan(file)));
    }
  });

  it('a fresh Scanner gives the same JSON as a reused one', () => {
    for (const file of [SAMPLE, ...files.values()]) {
      expect(renderJson(new Scanner().scanFile(file)), path.basename(file)).toBe(renderJson(scan(file)));
    }
  });
});

describe('independent tools read the fixtures as we do', () => {
  const haveAapt = requireTool('aapt');
  const haveDexdump = requireTool('dexdump');

  it.runIf(haveAapt)('aapt dump badging: package, versions and label', () => {
    for (const [name, file] of [['campaign-app.apk', SAMPLE], ...files] as const) {
      const out = runTool('aapt', ['dump', 'badging', file]);
      const r = scan(file);
      const label = /^application-label:'([^']*)'/m.exec(out)?.[1];
      expect(out, name).toContain(`package: name='${r.app.id}' versionCode='${r.app.versionCode}' versionName='${r.app.versionName}'`);
      expect(out, name).toContain(`sdkVersion:'${r.app.minSdk}'`);
      expect(out, name).toContain(`targetSdkVersion:'${r.app.targetSdk}'`);
      expect(label, name).toBe(r.app.name);
    }
  });

  it.runIf(haveDexdump)('dexdump: as many classes as the report counts', () => {
    for (const f of GOLDEN_FIXTURES) {
      const spec = f.spec();
      const r = scan(files.get(f.name)!);
      let n = 0;
      for (const d of spec.dex ?? []) {
        const dexFile = path.join(tmp, `${f.name}.${d.entry}`);
        writeFileSync(dexFile, buildDex(d.input));
        n += (runTool('dexdump', [dexFile]).match(/^ {2}Class descriptor/gm) ?? []).length;
      }
      expect(r.code.classesDefined, f.name).toBe(n);
    }
  });
});
