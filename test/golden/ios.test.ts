/**
 * iOS golden tests (STYLE.md §13): the demo sample samples/campaign-app.ipa as committed, and the
 * iOS fixtures of src/testing/ios-samples.ts built here (deterministically) → their JSON reports,
 * compared with snapshots `ios-<name>.json` next to this file. `UPDATE_GOLDEN=1 npx vitest run
 * test/golden` rewrites them. Volatile fields are normalised as in golden.test.ts; what each
 * fixture is about is also asserted explicitly, so a snapshot rewrite cannot hide a regression.
 */
import { expectGoldenFile } from './golden-file.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { renderText } from '../../src/report/text.js';
import { Scanner } from '../../src/scan.js';
import {
  appFolderSpec,
  buildIpa,
  CAMPAIGN_IOS_BUNDLE_ID,
  CAMPAIGN_IOS_DISPLAY_NAME,
  CAMPAIGN_USAGE_TEXT,
  campaignIpa,
  LOOKALIKE_CLASSES,
  SAMPLE_TEAM_ID,
  USAGE_KEYS_APP,
  USAGE_KEYS_EXTENSION,
  USAGE_KEYS_TEMPORARY_LOCATION,
} from '../../src/testing/ios-samples.js';
import { writeIosFixtures } from '../ios/fixtures.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const SAMPLE = path.join(ROOT, 'samples', 'campaign-app.ipa');

const scanner = new Scanner();
let tmp: string;
let files = new Map<string, string>();
const reports = new Map<string, Report>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-ios-golden-'));
  files = writeIosFixtures(tmp);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function scan(name: string): Report {
  let r = reports.get(name);
  if (!r) reports.set(name, (r = scanner.scanFile(name === 'campaign-app.ipa' ? SAMPLE : files.get(name)!)));
  return r;
}

/** `ios-fat-static.ipa` → `ios-fat-static.json`; the demo sample → `ios-campaign-app.json`. */
function expectGolden(name: string, report: Report): void {
  const base = name === 'campaign-app.ipa' ? 'ios-campaign-app' : name.replace(/\.(ipa|zip|app)$/, '');
  expectGoldenFile(path.join(HERE, `${base}.json`), report);
}

const ids = (r: Report) => r.trackers.map((t) => t.id).sort();
const codes = (r: Report) => r.warnings.map((w) => w.code);
const finding = (r: Report, id: string) => {
  const f = r.trackers.find((t) => t.id === id);
  if (!f) throw new Error(`no ${id} finding; found ${ids(r).join(', ') || 'none'}`);
  return f;
};
const kinds = (r: Report, id: string) => [...new Set(finding(r, id).evidence.map((e) => e.kind))];
const ios = (r: Report) => {
  if (!r.ios) throw new Error('no ios group in the report');
  return r.ios;
};
const purpose = (r: Report, key: string) => r.permissions.find((p) => p.name === key)?.purpose;
const checkKinds = (r: Report) => ios(r).declaredVsDetected.checks.map((c) => `${c.kind}${c.tracker ? `:${c.tracker}` : ''}${c.domain ? `:${c.domain}` : ''}`);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('samples/campaign-app.ipa (the iOS twin of campaign-app.apk)', () => {
  it('is what `npm run samples` builds today (rebuild and commit it after changing the builder)', () => {
    expect(sha256(campaignIpa())).toBe(sha256(readFileSync(SAMPLE)));
    expect(sha256(campaignIpa())).toBe(sha256(campaignIpa()));
  });

  it('names the app, its trackers and what it can reach, and matches its golden report', () => {
    const r = scan('campaign-app.ipa');
    expect(r.platform).toBe('ios');
    expect(r.app).toEqual({ id: CAMPAIGN_IOS_BUNDLE_ID, name: CAMPAIGN_IOS_DISPLAY_NAME, versionName: '2.0.3', build: '20201103', minOS: '12.0' });
    expect(ids(r)).toEqual(['facebook-app-events', 'facebook-login', 'firebase-analytics', 'phunware-core', 'phunware-engagement', 'phunware-location', 'phunware-mapping']);
    expect(r.trackers.every((t) => t.confidence === 'high' && !t.firstParty)).toBe(true);
    expect(r.warnings).toEqual([]);

    // every usage key with the exact sentence the user is shown
    expect(r.permissions.map((p) => p.name).sort()).toEqual(Object.keys(CAMPAIGN_USAGE_TEXT).sort());
    for (const [key, text] of Object.entries(CAMPAIGN_USAGE_TEXT)) expect(purpose(r, key), key).toBe(text);
    expect(r.capabilities.map((c) => c.id)).toEqual(expect.arrayContaining(['contacts', 'location-precise', 'location-background', 'bluetooth-scan', 'beacons', 'advertising-id', 'push-messaging']));

    // Firebase Analytics linked statically: known by its classes in the main executable
    const fir = finding(r, 'firebase-analytics').evidence.find((e) => e.kind === 'code-defined' && e.searchedFor === 'FIRAnalytics')!;
    expect(fir.examples).toEqual(['FIRAnalytics', 'FIRAnalyticsConfiguration']);
    expect(fir.locations.every((l) => l.entry === 'Payload/Campaign2020.app/Campaign2020')).toBe(true);
    // Facebook: embedded frameworks, linked by the executable, configured in Info.plist; Login shows its Graph API permissions
    expect(kinds(r, 'facebook-app-events')).toEqual(['code-defined', 'framework', 'linked-library', 'plist-key', 'domain']);
    expect(finding(r, 'facebook-app-events').version).toBe('17.0.0');
    expect(finding(r, 'facebook-login').evidence.find((e) => e.kind === 'login-scope')?.examples).toEqual(['email', 'public_profile', 'user_friends', 'user_location']);
    // Phunware: the MaaS frameworks
    for (const [id, fw] of [
      ['phunware-core', 'PWCore'],
      ['phunware-location', 'PWLocation'],
      ['phunware-mapping', 'PWMapKit'],
      ['phunware-engagement', 'PWEngagement'],
    ]) {
      expect(finding(r, id).evidence.find((e) => e.kind === 'framework')?.searchedFor, id).toBe(fw);
    }

    const i = ios(r);
    expect(i.encrypted).toBe(false);
    expect(i.teamId).toBe(SAMPLE_TEAM_ID);
    expect(i.entitlements['aps-environment']).toBe('production');
    expect(i.backgroundModes).toEqual(['location', 'bluetooth-central', 'remote-notification']);
    expect(i.skAdNetworks).toEqual(['v9wttpbfk9.skadnetwork', 'n38lu8286q.skadnetwork', 'cstr6suwn9.skadnetwork']);
    expect(i.queriesSchemes).toEqual(['fbapi', 'fb-messenger-share-api', 'fbauth2', 'fbshareextension']);
    expect(i.urlSchemes).toEqual(['fb000000000000000', 'campaign2020']);
    expect(i.ats.exceptionDomains).toEqual(['media.campaign2020.example.com']);
    expect(i.googleService?.BUNDLE_ID).toBe(CAMPAIGN_IOS_BUNDLE_ID);
    expect(i.bundles.map((b) => `${b.kind} ${b.name} ${b.bundleId ?? '-'}`)).toEqual([
      `app Campaign2020 ${CAMPAIGN_IOS_BUNDLE_ID}`,
      `bundle Campaign2020Resources ${CAMPAIGN_IOS_BUNDLE_ID}.resources`,
      'framework FBSDKCoreKit com.facebook.sdk.FBSDKCoreKit',
      'framework FBSDKLoginKit com.facebook.sdk.FBSDKLoginKit',
      'framework PWCore com.phunware.PWCore',
      'framework PWEngagement com.phunware.PWEngagement',
      'framework PWLocation com.phunware.PWLocation',
      'framework PWMapKit com.phunware.PWMapKit',
    ]);
    const main = i.binaries.find((b) => b.role === 'main')!;
    expect(main.linked.filter((l) => l.system && l.framework).map((l) => l.framework)).toEqual(
      expect.arrayContaining(['Contacts', 'CoreLocation', 'CoreBluetooth', 'AdSupport', 'AppTrackingTransparency']),
    );

    // declared vs detected: the app says it does not track, yet ships Facebook; Firebase and Phunware ship no manifest
    const dvd = i.declaredVsDetected;
    expect(dvd.manifests).toBe(3);
    expect(dvd.declaresTracking).toBe(true); // FBSDKCoreKit's manifest
    expect(dvd.declaredTrackingDomains).toEqual(['ep1.facebook.com']);
    expect(checkKinds(r)).toEqual(
      expect.arrayContaining([
        'app-declares-no-tracking',
        'tracking-sdk-without-manifest:firebase-analytics',
        'tracking-sdk-without-manifest:phunware-core',
        'undeclared-tracking-domain:graph.facebook.com',
        'undeclared-tracking-domain:app-measurement.com',
      ]),
    );
    expect(checkKinds(r)).not.toContain('tracking-sdk-without-manifest:facebook-app-events');
    expect(checkKinds(r)).not.toContain('undeclared-tracking-domain:ep1.facebook.com');
    expect(r.domains.filter((d) => d.host.endsWith('.campaign2020.example.com')).map((d) => d.trackers)).toEqual([[], []]);

    // attribution (issue 6): the Phunware location/beacon framework, not the app, scans Bluetooth,
    // requests location and ranges beacons; the app's own executable reads the address book
    const PWLOCATION = 'Payload/Campaign2020.app/Frameworks/PWLocation.framework/PWLocation';
    const usedBy = (id: string) => (r.capabilities.find((c) => c.id === id)?.usedBy ?? []).map((u) => `${u.by}: ${u.callers.join(', ')}`);
    expect(usedBy('bluetooth-scan')).toEqual([`phunware-location: ${PWLOCATION}`]);
    expect(usedBy('location-precise')).toEqual([`phunware-location: ${PWLOCATION}`]);
    expect(usedBy('location-background')).toEqual([`phunware-location: ${PWLOCATION}`]);
    expect(usedBy('beacons')).toEqual([`phunware-location: ${PWLOCATION}`]);
    expect(usedBy('contacts')).toEqual(['app: Payload/Campaign2020.app/Campaign2020']);
    expect(usedBy('advertising-id')).toEqual(['facebook-app-events: Payload/Campaign2020.app/Frameworks/FBSDKCoreKit.framework/FBSDKCoreKit']);

    // the text report quotes the purpose sentences (what a journalist quotes)
    const text = renderText(r);
    expect(text).toContain(`→ Phunware Location SDK: scans for nearby Bluetooth devices (in ${PWLOCATION})`);
    expect(text).toContain(`→ Phunware Location SDK: monitors geographic or beacon regions (geofencing); requests location updates (in ${PWLOCATION})`);
    expect(text).toContain('→ the app’s own code: reads the address book (in Payload/Campaign2020.app/Campaign2020)');
    expect(text).toContain('Campaign 2020 (synthetic demo) (org.example.campaign2020)');
    expect(text).toContain(CAMPAIGN_USAGE_TEXT.NSContactsUsageDescription.slice(0, 60));
    expectGolden('campaign-app.ipa', r);
  });
});

describe('iOS golden fixtures', () => {
  it('ios-fat-static.ipa: a fat arm64 + x86_64 executable with SDKs linked statically', () => {
    const r = scan('ios-fat-static.ipa');
    expect(ids(r)).toEqual(['adjust', 'appsflyer']);
    expect(r.trackers.every((t) => t.confidence === 'high')).toBe(true);
    expect(kinds(r, 'appsflyer')).toEqual(['code-defined', 'domain']);
    expect(finding(r, 'adjust').evidence.filter((e) => e.kind === 'code-defined').reduce((n, e) => n + e.count, 0)).toBe(5);
    const main = ios(r).binaries[0];
    expect(main).toMatchObject({ role: 'main', archs: ['arm64', 'x86_64'], fileType: 'MH_EXECUTE', encrypted: false });
    // both slices hold the same classes: counted once
    expect(main.classCount).toBe(12);
    expect(r.code.classesDefined).toBe(12);
    expect(r.warnings).toEqual([]);
    expectGolden('ios-fat-static.ipa', r);
  });

  it('ios-encrypted.ipa: FairPlay — a warning, nothing read from the encrypted range, frameworks still named', () => {
    const r = scan('ios-encrypted.ipa');
    const i = ios(r);
    expect(i.encrypted).toBe(true);
    expect(codes(r)).toContain('fairplay-encrypted');
    expect(r.warnings.find((w) => w.code === 'fairplay-encrypted')?.entry).toBe('Payload/Encrypted.app/Encrypted');
    expect(i.binaries.find((b) => b.role === 'main')).toMatchObject({ cryptid: 1, encrypted: true, classCount: 0 });
    // Firebase is linked statically inside the encrypted range: not seen, not guessed
    expect(ids(r)).toEqual(['facebook-app-events']);
    expect(r.trackers.flatMap((t) => t.evidence).some((e) => e.kind === 'code-defined')).toBe(false);
    expect(r.code.classesDefined).toBe(0);
    expect(r.domains).toEqual([]);
    // what lies outside it is still read: load commands, the framework folder and its Info.plist, the app's Info.plist
    expect(kinds(r, 'facebook-app-events')).toEqual(['framework', 'linked-library', 'plist-key']);
    expect(finding(r, 'facebook-app-events')).toMatchObject({ confidence: 'high', version: '14.1.0' });
    expect(i.binaries.find((b) => b.role === 'main')!.linked.map((l) => l.framework)).toContain('FBSDKCoreKit');
    expect(i.teamId).toBe(SAMPLE_TEAM_ID);
    expect(renderText(r)).toMatch(/FairPlay/);
    expectGolden('ios-encrypted.ipa', r);
  });

  it('ios-simulator.zip: a zipped .app (no Payload/) built for the simulator', () => {
    const r = scan('ios-simulator.zip');
    expect(r.app).toMatchObject({ id: 'org.example.simapp', name: 'Sim App' });
    expect(ids(r)).toEqual(['segment', 'sentry']);
    const i = ios(r);
    expect(i.bundles[0].path).toBe('SimApp.app');
    expect(i.binaries.map((b) => [b.path, b.archs, b.platform])).toEqual([
      ['SimApp.app/SimApp', ['x86_64'], 'iossimulator'],
      ['SimApp.app/Frameworks/Sentry.framework/Sentry', ['x86_64'], 'iossimulator'],
    ]);
    // ad-hoc signed: an identifier, no team
    expect(i.teamId).toBeUndefined();
    expect(i.binaries[0].signingIdentifier).toBe('org.example.simapp');
    expect(r.warnings).toEqual([]);
    expectGolden('ios-simulator.zip', r);
  });

  it('ios-app-folder.app: an .app folder reads like the same app zipped into an IPA', () => {
    const r = scan('ios-app-folder.app');
    expect(r.app).toMatchObject({ id: 'org.example.folderapp', name: 'Folder App', versionName: '3.0' });
    expect(ids(r)).toEqual(['mixpanel', 'onesignal']);
    expect(ios(r).binaries.map((b) => b.path)).toEqual(['FolderApp', 'Frameworks/OneSignal.framework/OneSignal']);
    const ipa = path.join(tmp, 'folder-as.ipa');
    writeFileSync(ipa, buildIpa(appFolderSpec()));
    const z = scanner.scanFile(ipa);
    const gist = (x: Report) => ({ app: x.app, trackers: x.trackers.map((t) => [t.id, t.confidence, t.evidence.map((e) => [e.kind, e.searchedFor, e.count, e.examples])]), permissions: x.permissions.map((p) => p.name), capabilities: x.capabilities.map((c) => c.id) });
    expect(gist(r)).toEqual(gist(z));
    expect(r.warnings).toEqual([]);
    expectGolden('ios-app-folder.app', r);
  });

  it('ios-renamed-framework.ipa: a renamed framework with a blank bundle id is found from its Mach-O classes alone', () => {
    const r = scan('ios-renamed-framework.ipa');
    expect(ids(r)).toEqual(['appsflyer']);
    const af = finding(r, 'appsflyer');
    expect(af.confidence).toBe('high');
    expect(kinds(r, 'appsflyer')).toEqual(['code-defined', 'domain']);
    const code = af.evidence.find((e) => e.kind === 'code-defined')!;
    expect(code.count).toBe(5);
    expect(code.locations.every((l) => l.entry === 'Payload/Renamed.app/Frameworks/Vendor01.framework/Vendor01')).toBe(true);
    const fw = ios(r).bundles.find((b) => b.kind === 'framework')!;
    expect(fw.name).toBe('Vendor01');
    expect(fw.bundleId ?? '').toBe('');
    expectGolden('ios-renamed-framework.ipa', r);
  });

  it('ios-swift.ipa: Swift classes are matched by their module; the app’s own module is not an SDK', () => {
    const r = scan('ios-swift.ipa');
    expect(ids(r)).toEqual(['amplitude', 'appsflyer', 'braze', 'datadog-rum']);
    const searched = (id: string) => finding(r, id).evidence.filter((e) => e.kind === 'code-defined').map((e) => [e.searchedFor, e.count]);
    expect(searched('braze')).toEqual([['Swift module BrazeKit', 3]]);
    expect(searched('amplitude')).toEqual([['Swift module AmplitudeSwift', 2]]);
    expect(searched('appsflyer')).toEqual([['Swift module AppsFlyerLib', 1]]);
    expect(searched('datadog-rum')).toEqual([['Swift module DatadogRUM', 1]]);
    expect(r.trackers.flatMap((t) => t.evidence.flatMap((e) => e.examples)).some((x) => x.includes('Pollster'))).toBe(false);
    expect(r.code.classesDefined).toBe(10);
    expectGolden('ios-swift.ipa', r);
  });

  describe('ios-no-trackers.ipa: class names that only look like SDK prefixes', () => {
    // BranchOfficeViewController: a bare `Branch` class prefix would claim it (`Office` starts a new
    // CamelCase word); Branch's signature lists its specific class names instead.
    for (const cls of LOOKALIKE_CLASSES) {
      it(`${cls} is claimed by no SDK`, () => {
        const r = scan('ios-no-trackers.ipa');
        const claimed = r.trackers.filter((t) => t.evidence.some((e) => e.examples.includes(cls))).map((t) => t.id);
        expect(claimed).toEqual([]);
      });
    }
    it('reports no tracker at all', () => {
      expect(ids(scan('ios-no-trackers.ipa'))).toEqual([]);
    });
    it('matches its golden report', () => {
      const r = scan('ios-no-trackers.ipa');
      expect(r.code.classesDefined).toBe(LOOKALIKE_CLASSES.length + 1);
      expect(r.warnings).toEqual([]);
      expectGolden('ios-no-trackers.ipa', r);
    });
  });

  it('ios-privacy-declared.ipa: when the manifests declare tracking and every tracking domain, no check fires', () => {
    const r = scan('ios-privacy-declared.ipa');
    expect(ids(r)).toEqual(['appsflyer', 'facebook-app-events']);
    const dvd = ios(r).declaredVsDetected;
    expect(dvd.checks).toEqual([]);
    expect(dvd.manifests).toBe(3);
    expect(dvd.declaresTracking).toBe(true);
    expect(dvd.declaredTrackingDomains).toEqual(['appsflyersdk.com', 'ep1.facebook.com', 'graph.facebook.com']);
    expect(dvd.detectedTrackingDomains).toEqual(['graph.facebook.com', 'launches.appsflyersdk.com']);
    expect(ios(r).bundles.filter((b) => b.privacyManifest).map((b) => b.name)).toEqual(['Declared', 'AppsFlyerLib', 'FBSDKCoreKit']);
    expectGolden('ios-privacy-declared.ipa', r);
  });

  describe('ios-usage-keys.ipa: every NS*UsageDescription key present, with its exact text', () => {
    const APP_PLIST = 'Payload/Meetups.app/Info.plist';
    const EXT_PLIST = 'Payload/Meetups.app/PlugIns/MeetupsKeyboard.appex/Info.plist';

    it('reports each key of the app and of its extension, with the sentence the user is shown', () => {
      const r = scan('ios-usage-keys.ipa');
      for (const [key, text] of Object.entries(USAGE_KEYS_APP)) {
        const p = r.permissions.find((x) => x.name === key);
        expect(p?.purpose, key).toBe(text);
        expect(p?.provenance.entry, key).toBe(APP_PLIST);
        expect(p?.element, key).toBe('Info.plist');
      }
      // the dictionary-valued key: every purpose string, keyed as in the plist
      const temp = r.permissions.find((x) => x.name === 'NSLocationTemporaryUsageDescriptionDictionary');
      expect(temp?.provenance.entry).toBe(APP_PLIST);
      expect(JSON.parse(temp!.purpose!)).toEqual(USAGE_KEYS_TEMPORARY_LOCATION);
      // a key only the extension asks for
      const siri = r.permissions.find((x) => x.name === 'NSSiriUsageDescription');
      expect(siri?.purpose).toBe(USAGE_KEYS_EXTENSION.NSSiriUsageDescription);
      expect(siri?.provenance.entry).toBe(EXT_PLIST);
      // look-alike keys are not usage descriptions
      const names = r.permissions.map((x) => x.name);
      for (const k of ['NSLocationDefaultAccuracyReduced', 'NSBonjourServices', 'NSHealthRequiredReadAuthorizationTypeIdentifiers', 'UsageDescriptionNote']) expect(names).not.toContain(k);
      // one entry per (key, bundle): only the microphone key is declared by both
      const perBundle = r.permissions.map((x) => `${x.name} ${x.provenance.entry}`);
      expect(perBundle.length).toBe(new Set(perBundle).size);
      expect(names.filter((n) => n === 'NSMicrophoneUsageDescription')).toHaveLength(2);
      expect(r.warnings).toEqual([]);
      expectGolden('ios-usage-keys.ipa', r);
    });

    it('keys our capability table does not know are still reported with their text', () => {
      const r = scan('ios-usage-keys.ipa');
      for (const key of ['NSFocusStatusUsageDescription', 'NSIdentityUsageDescription']) expect(purpose(r, key), key).toBe(USAGE_KEYS_APP[key]);
    });

    // The extension's keyboard asks for the microphone with its own sentence; the app asks with another.
    // Both prompts can be shown, so both texts are in the report.
    it("an extension's own text for a key the app also declares is reported too", () => {
      const r = scan('ios-usage-keys.ipa');
      const mic = r.permissions.filter((x) => x.name === 'NSMicrophoneUsageDescription');
      expect(mic.map((p) => [p.purpose, p.provenance.entry])).toEqual(
        expect.arrayContaining([
          [USAGE_KEYS_APP.NSMicrophoneUsageDescription, APP_PLIST],
          [USAGE_KEYS_EXTENSION.NSMicrophoneUsageDescription, EXT_PLIST],
        ]),
      );
    });
  });
});
