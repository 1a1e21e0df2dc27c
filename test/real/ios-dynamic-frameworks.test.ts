/**
 * Real vendor iOS dynamic frameworks (../shared/REAL-DATA.md), embedded the way Xcode embeds them
 * and scanned; and real apps without trackers, scanned. Issue 12.
 *
 * Each framework comes from a pinned npm package (test/helpers/real-data.ts: `npm pack` into the
 * git-ignored `.cache/real-data/`, SHA-256 pinned in test/real-data.lock.json; skipped when the
 * registry cannot be reached, a failure under CI). Nothing of it is committed: the IPAs are built
 * in a temporary folder.
 *
 * Two IPAs per framework, each a minimal app (Info.plist and a main executable written by the
 * project's Mach-O writer) with the vendor's framework in `Payload/RealSdkHost.app/Frameworks/`:
 *   - as shipped: `Name.framework/` with the vendor's Info.plist and binary, the executable linking
 *     `@rpath/Name.framework/Name` — the SDK is named from its classes, its framework name and its
 *     Info.plist's CFBundleIdentifier;
 *   - renamed: `Lib1.framework/Lib1`, CFBundleIdentifier blanked, CFBundleExecutable/CFBundleName
 *     renamed, the executable linking `@rpath/Lib1.framework/Lib1` — only what is inside the vendor's
 *     Mach-O (its Objective-C classes) may name it.
 *
 * Then each real SDK archive scanned directly, as a reviewer vetting an SDK would (platform iOS: a
 * static library `.a`, a static framework folder, an xcframework folder; platform Android: a jar or
 * an aar): the SDK is named, from evidence in its code. A known miss states its root cause and is
 * asserted as a miss, so that fixing the cause makes the case fail until it is updated.
 *
 * The run's outcome is the table in test/real/RESULTS.md (also in the README's "Real vendor SDKs"
 * section): `UPDATE_REAL_RESULTS=1 npx vitest run test/real` rewrites both; otherwise the test
 * checks that they are still true.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTracker } from '../../src/analysis/trackers.js';
import { isDict, parsePlist, type PlistDict, type PlistValue } from '../../src/formats/plist.js';
import type { Report, ReportTracker } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { appInfo, buildIpa, embeddedFramework, FOUNDATION, LIBOBJC, LIBSYSTEM, mainExecutable, objcClasses, UIKIT, type AppFile, type PlistDictValue } from '../../src/testing/ios-samples.js';
import { writeBinaryPlist, type WritableValue } from '../../src/testing/plist-writer.js';
import { realFile, realPackage } from '../helpers/real-data.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = path.join(ROOT, 'test', 'real', 'RESULTS.md');
const README = path.join(ROOT, 'README.md');
const UPDATE = process.env.UPDATE_REAL_RESULTS === '1';
const HOST = 'RealSdkHost';

interface FrameworkCase {
  /** signature id the SDK must be reported as */
  sdk: string;
  /** the SDK's name in the table */
  label: string;
  spec: string;
  /** the `.framework` folder inside the package */
  dir: string;
  kind: string;
  /**
   * classes the scan must attribute (the count this version of the signatures reaches, so a lost
   * prefix is noticed): Instabug's IBG and Smartlook's Smartlook prefixes came from these binaries
   */
  minClasses: number;
}

const FRAMEWORKS: FrameworkCase[] = [
  { sdk: 'branch', label: 'Branch', spec: 'branch-cordova-sdk@3.0.1', dir: 'src/ios/Branch.framework', kind: 'dynamic framework (fat)', minClasses: 27 },
  { sdk: 'sentry', label: 'Sentry Cocoa', spec: 'sentry-cordova@0.10.2', dir: 'src/ios/Carthage/Build/iOS/Sentry.framework', kind: 'dynamic framework (fat)', minClasses: 21 },
  { sdk: 'instabug', label: 'Instabug', spec: 'instabug-cordova@1.11.0', dir: 'src/ios/Instabug.framework', kind: 'dynamic framework (fat)', minClasses: 262 },
  { sdk: 'instabug', label: 'Instabug (InstabugCore)', spec: 'instabug-cordova@1.11.0', dir: 'src/ios/InstabugCore.framework', kind: 'dynamic framework (fat)', minClasses: 226 },
  {
    sdk: 'smartlook',
    label: 'Smartlook',
    spec: 'cordova-plugin-smartlook@2.0.2',
    dir: 'src/ios/SmartlookAnalytics.xcframework/ios-arm64/SmartlookAnalytics.framework',
    kind: 'dynamic xcframework (ios-arm64)',
    minClasses: 116,
  },
  {
    sdk: 'kochava',
    label: 'Kochava (KochavaCore)',
    spec: 'react-native-kochava-tracker@2.8.2',
    dir: 'ios/Frameworks/KochavaCore.xcframework/ios-arm64/KochavaCore.framework',
    kind: 'dynamic xcframework (ios-arm64)',
    minClasses: 36,
  },
  {
    sdk: 'kochava',
    label: 'Kochava (KochavaTracker)',
    spec: 'react-native-kochava-tracker@2.8.2',
    dir: 'ios/Frameworks/KochavaTracker.xcframework/ios-arm64/KochavaTracker.framework',
    kind: 'dynamic xcframework (ios-arm64)',
    minClasses: 40,
  },
];

/** Real SDK archives scanned directly, as a reviewer vetting an SDK would (issue 12: static libraries and frameworks, jars, aars). */
interface ArchiveCase {
  sdk: string;
  label: string;
  spec: string;
  /** file or folder inside the package */
  file: string;
  platform: 'iOS' | 'Android';
  kind: string;
  /** the SDK's version (REAL-DATA.md), shown when the archive does not state it */
  version: string;
  /**
   * a known miss and its root cause: the test asserts the SDK is NOT reported, so fixing the cause
   * fails it and the case must be updated
   */
  knownMiss?: string;
}

const FB = 'cordova-plugin-facebook4@1.9.1';
const FIREBASE = 'cordova-plugin-firebase@0.1.19';
const BUGSNAG = (a: string) => `android/com/bugsnag/${a}/5.0.1-react-native/${a}-5.0.1-react-native.aar`;
const KOCHAVA_RN = 'react-native-kochava-tracker@2.8.2';
const EXPLODED = 'android/build/intermediates/exploded-aar';
const ARCHIVES: ArchiveCase[] = [
  { sdk: 'appsflyer', label: 'AppsFlyer', spec: 'cordova-plugin-appsflyer-sdk@4.4.14', file: 'src/ios/libAppsFlyerLib.a', platform: 'iOS', kind: 'static library (fat ar)', version: '4.8.10' },
  { sdk: 'onesignal', label: 'OneSignal', spec: 'react-native-onesignal@1.2.0', file: 'ios/Frameworks/OneSignal.framework', platform: 'iOS', kind: 'static framework', version: '1.x' },
  { sdk: 'adjust', label: 'Adjust', spec: 'com.adjust.sdk@4.29.1', file: 'src/ios/AdjustSdk.framework', platform: 'iOS', kind: 'static framework', version: '4.29.6' },
  { sdk: 'facebook-app-events', label: 'Facebook SDK (FBSDKCoreKit)', spec: FB, file: 'src/ios/FBSDKCoreKit.framework', platform: 'iOS', kind: 'static framework', version: '4.22.1' },
  { sdk: 'facebook-login', label: 'Facebook SDK (FBSDKLoginKit)', spec: FB, file: 'src/ios/FBSDKLoginKit.framework', platform: 'iOS', kind: 'static framework', version: '4.22.1' },
  { sdk: 'facebook-share', label: 'Facebook SDK (FBSDKShareKit)', spec: FB, file: 'src/ios/FBSDKShareKit.framework', platform: 'iOS', kind: 'static framework', version: '4.22.1' },
  {
    sdk: 'bolts',
    label: 'Bolts (Facebook SDK dependency; a library, not a tracker)',
    spec: FB,
    file: 'src/ios/Bolts.framework',
    platform: 'iOS',
    kind: 'static framework',
    version: '1.8.4',
  },
  { sdk: 'facebook-audience-network', label: 'Facebook Audience Network', spec: 'cordova-facebook-audnet-sdk@4.26.2', file: 'FBAudienceNetwork.framework', platform: 'iOS', kind: 'static framework', version: '4.26.0' },
  { sdk: 'google-mobile-ads', label: 'Google Mobile Ads', spec: 'cordova-admob-sdk@0.4.0', file: 'src/ios/GoogleMobileAds.framework', platform: 'iOS', kind: 'static framework', version: '7.17.0' },
  { sdk: 'firebase-analytics', label: 'Firebase Analytics', spec: FIREBASE, file: 'src/ios/Firebase/Analytics/FirebaseAnalytics.framework', platform: 'iOS', kind: 'static framework', version: '3.4.0' },
  { sdk: 'firebase-crash-reporting-legacy', label: 'Firebase Crash Reporting', spec: FIREBASE, file: 'src/ios/Firebase/Crash/FirebaseCrash.framework', platform: 'iOS', kind: 'static framework', version: '3.4.0' },
  { sdk: 'firebase-cloud-messaging', label: 'Firebase Messaging', spec: FIREBASE, file: 'src/ios/Firebase/Messaging/FirebaseMessaging.framework', platform: 'iOS', kind: 'static framework', version: '3.4.0' },
  { sdk: 'google-analytics-legacy', label: 'Google Analytics', spec: 'cordova-plugin-google-analytics@0.8.1', file: 'ios/libGoogleAnalyticsServices.a', platform: 'iOS', kind: 'static library (fat ar)', version: '3.14' },
  { sdk: 'fabric-crashlytics', label: 'Crashlytics', spec: 'cordova-fabric-plugin@1.1.10', file: 'lib/ios/Crashlytics.framework', platform: 'iOS', kind: 'static framework', version: '3.9.3' },
  { sdk: 'fabric-crashlytics', label: 'Crashlytics (Fabric)', spec: 'cordova-fabric-plugin@1.1.10', file: 'lib/ios/Fabric.framework', platform: 'iOS', kind: 'static framework', version: '1.7.2' },
  { sdk: 'repro', label: 'Repro', spec: 'react-native-repro@2.3.0', file: 'sdk-ios/Repro.framework', platform: 'iOS', kind: 'static framework', version: '4.7.1' },
  { sdk: 'smartlook', label: 'Smartlook', spec: 'cordova-plugin-smartlook@2.0.2', file: 'src/ios/SmartlookAnalytics.xcframework', platform: 'iOS', kind: 'dynamic xcframework', version: '2.2.7' },
  { sdk: 'kochava', label: 'Kochava (KochavaTracker)', spec: KOCHAVA_RN, file: 'ios/Frameworks/KochavaTracker.xcframework', platform: 'iOS', kind: 'dynamic xcframework', version: '7.6.0' },
  { sdk: 'branch', label: 'Branch', spec: 'branch-cordova-sdk@3.0.1', file: 'src/android/dependencies/Branch.jar', platform: 'Android', kind: 'jar', version: '2.17.1' },
  { sdk: 'adjust', label: 'Adjust', spec: 'com.adjust.sdk@4.29.1', file: 'src/android/adjust-android.jar', platform: 'Android', kind: 'jar', version: '4.28.5' },
  { sdk: 'adjust', label: 'Adjust', spec: 'react-native-adjust@4.12.3', file: 'android/libs/adjust-android.jar', platform: 'Android', kind: 'jar', version: '4.12.4' },
  ...['KochavaCore', 'KochavaTracker', 'KochavaTrackerDatapointNetwork', 'KochavaTrackerEngagement', 'KochavaTrackerEvents'].map(
    (n): ArchiveCase => ({
      sdk: 'kochava',
      label: `Kochava (${n})`,
      spec: KOCHAVA_RN,
      file: `android/libs/${n}.aar`,
      platform: 'Android',
      kind: 'aar',
      version: '7.6.0',
    }),
  ),
  ...['bugsnag-android-core', 'bugsnag-plugin-android-anr', 'bugsnag-plugin-android-ndk', 'bugsnag-plugin-react-native', 'bugsnag-android', 'bugsnag-android-ndk'].map(
    (n): ArchiveCase => ({ sdk: 'bugsnag', label: `Bugsnag (${n})`, spec: '@bugsnag/react-native@7.3.1', file: BUGSNAG(n), platform: 'Android', kind: 'aar', version: '5.0.1' }),
  ),
  { sdk: 'repro', label: 'Repro', spec: 'react-native-repro@2.3.0', file: 'sdk-android/io/repro/repro-android-sdk/4.4.1/repro-android-sdk-4.4.1.aar', platform: 'Android', kind: 'aar', version: '4.4.1' },
  { sdk: 'onesignal', label: 'OneSignal', spec: 'react-native-onesignal@3.0.0', file: `${EXPLODED}/com.onesignal/OneSignal/3.4.0/jars/classes.jar`, platform: 'Android', kind: 'classes.jar of the aar', version: '3.4.0' },
  { sdk: 'google-analytics-legacy', label: 'Google Analytics (play-services-analytics)', spec: 'react-native-onesignal@3.0.0', file: `${EXPLODED}/com.google.android.gms/play-services-analytics/9.8.00/jars/classes.jar`, platform: 'Android', kind: 'classes.jar of the aar', version: '9.8.0' },
  { sdk: 'google-analytics-legacy', label: 'Google Analytics (play-services-analytics-impl)', spec: 'react-native-onesignal@3.0.0', file: `${EXPLODED}/com.google.android.gms/play-services-analytics-impl/9.8.00/jars/classes.jar`, platform: 'Android', kind: 'classes.jar of the aar', version: '9.8.0' },
];

interface AppCase {
  label: string;
  spec: string;
  file: string;
  platform: 'Android' | 'iOS';
}

const TRACKER_FREE_APPS: AppCase[] = [
  { label: 'appium-unlock', spec: 'appium-unlock@2.0.0', file: 'bin/unlock_apk-debug.apk', platform: 'Android' },
  { label: 'appium-android-ime', spec: 'appium-android-ime@2.0.0', file: 'bin/UnicodeIME-debug.apk', platform: 'Android' },
  { label: 'ios-test-app (TestApp)', spec: 'ios-test-app@1.0.1', file: 'TestApp.app.zip', platform: 'iOS' },
];

/** One row of the results table, in the order of the cases above. */
interface Row {
  sdk: string;
  version: string;
  platform: string;
  kind: string;
  detected: string;
  evidence: string;
}
const rows = new Map<string, Row>();
let skipped = false;

// ---- building the IPAs -----------------------------------------------------------------------------

/** A parsed plist value back into something the plist writer takes (UIDs, nulls and 64-bit integers dropped). */
function writable(v: PlistValue): WritableValue | undefined {
  if (v === null || typeof v === 'bigint' || (typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array) && !Array.isArray(v) && !isDict(v))) return undefined;
  if (Array.isArray(v)) return v.map(writable).filter((x): x is WritableValue => x !== undefined);
  if (isDict(v)) return writableDict(v);
  return v as WritableValue;
}
function writableDict(d: PlistDict): PlistDictValue {
  const out: PlistDictValue = {};
  for (const [k, v] of Object.entries(d)) {
    const w = writable(v);
    if (w !== undefined) out[k] = w;
  }
  return out;
}

interface Embedded {
  /** framework (module) name: the folder's name without `.framework` */
  name: string;
  info: PlistDict;
  version: string;
  ipa: string;
}

/**
 * An IPA holding the framework at `dir` as `Frameworks/<as>.framework/<as>`. `renamed` rewrites its
 * Info.plist: CFBundleIdentifier blanked, CFBundleExecutable and CFBundleName the new name.
 */
function embed(dir: string, tmp: string, as: string | undefined): Embedded {
  const name = path.basename(dir, '.framework');
  const infoBytes = new Uint8Array(readFileSync(path.join(dir, 'Info.plist')));
  const info = parsePlist(infoBytes).value;
  if (!isDict(info)) throw new Error(`${dir}/Info.plist is not a dictionary`);
  const exeName = typeof info.CFBundleExecutable === 'string' ? info.CFBundleExecutable : name;
  const binary = new Uint8Array(readFileSync(path.join(dir, exeName)));
  const fwName = as ?? name;
  const files: AppFile[] = [
    {
      path: `Frameworks/${fwName}.framework/Info.plist`,
      data: as === undefined ? infoBytes : writeBinaryPlist({ ...writableDict(info), CFBundleIdentifier: '', CFBundleExecutable: as, CFBundleName: as }),
    },
    { path: `Frameworks/${fwName}.framework/${as ?? exeName}`, data: binary },
  ];
  const executable = mainExecutable({
    seed: `${HOST}.app/${HOST}`,
    classes: objcClasses(['RSHAppDelegate', 'RSHViewController']),
    dylibs: [FOUNDATION, UIKIT, embeddedFramework(fwName, as ?? exeName), LIBOBJC, LIBSYSTEM],
  });
  const ipaBytes = buildIpa({ name: HOST, info: appInfo({ name: HOST, bundleId: 'org.example.realsdkhost', displayName: 'Real SDK host' }), executable, files });
  const ipa = path.join(tmp, `${name}${as ? `-as-${as}` : ''}.ipa`);
  writeFileSync(ipa, ipaBytes);
  const version = typeof info.CFBundleShortVersionString === 'string' ? info.CFBundleShortVersionString : '?';
  return { name, info, version, ipa };
}

// ---- describing a finding ---------------------------------------------------------------------------

const KIND_WORDS: Record<string, string> = {
  'code-defined': 'classes',
  'code-referenced': 'referenced classes',
  framework: 'framework name',
  'linked-library': 'load command',
  'bundle-id': 'bundle id',
  'plist-key': 'Info.plist key',
  domain: 'domain',
};

/** `classes (123, e.g. BNCFoo), framework name (Branch), bundle id (io.branch.sdk)` */
function describeEvidence(t: ReportTracker): string {
  const byKind = new Map<string, { count: number; searched: string[]; example?: string }>();
  for (const e of t.evidence) {
    const k = KIND_WORDS[e.kind] ?? e.kind;
    let g = byKind.get(k);
    if (!g) byKind.set(k, (g = { count: 0, searched: [] }));
    g.count += e.count;
    g.searched.push(e.searchedFor);
    g.example ??= e.examples[0];
  }
  return [...byKind]
    .map(([k, g]) => {
      if (k === 'classes' || k === 'referenced classes') return `${k} (${g.count}: ${[...new Set(g.searched)].sort().map((s) => `\`${s}\``).join(', ')})`;
      return `${k} (${[...new Set(g.searched)].map((s) => `\`${s}\``).join(', ')})`;
    })
    .join('; ');
}

const classesClaimed = (t: ReportTracker) => t.evidence.filter((e) => e.kind === 'code-defined').reduce((n, e) => n + e.count, 0);

function codeEvidenceFrom(t: ReportTracker, binaryPath: string): number {
  return t.evidence.filter((e) => e.kind === 'code-defined' && e.locations.some((l) => l.entry.endsWith(binaryPath))).reduce((n, e) => n + e.count, 0);
}

// ---- the tests -------------------------------------------------------------------------------------

describe('real iOS dynamic frameworks embedded in an IPA', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-real-fw-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const c of FRAMEWORKS) {
    const pkg = realPackage(c.spec);
    if (!pkg.ok) skipped = true;
    const dir = pkg.ok ? path.join(pkg.dir, 'package', c.dir) : undefined;
    const fw = path.basename(c.dir);

    describe.skipIf(!dir)(`${c.spec}: ${fw}`, () => {
      it(`as Xcode embeds it (Frameworks/${fw}): named from its classes, framework name and Info.plist`, () => {
        const e = embed(dir!, tmp, undefined);
        const report = new Scanner().scanFile(e.ipa);
        const t = report.trackers.find((x) => x.id === c.sdk);
        rows.set(`${c.label}\0as shipped`, {
          sdk: c.label,
          version: e.version,
          platform: 'iOS',
          kind: `${c.kind}, \`${fw}\``,
          detected: t ? 'yes' : '**no**',
          evidence: t ? describeEvidence(t) : '—',
        });
        expect(t, `${c.sdk} not reported; trackers: ${report.trackers.map((x) => x.id).join(', ')}`).toBeDefined();
        expect(isTracker(t!)).toBe(true);
        expect(t!.confidence).toBe('high');
        const kinds = new Set(t!.evidence.map((x) => x.kind));
        expect([...kinds]).toEqual(expect.arrayContaining(['code-defined', 'framework', 'bundle-id', 'linked-library']));
        // the classes come from the vendor's binary, the bundle id from its Info.plist
        expect(codeEvidenceFrom(t!, `Frameworks/${fw}/${e.info.CFBundleExecutable ?? e.name}`)).toBeGreaterThan(0);
        const bid = t!.evidence.find((x) => x.kind === 'bundle-id')!;
        expect(bid.examples[0]).toContain(String(e.info.CFBundleIdentifier));
        expect(bid.locations[0].entry).toContain(`Frameworks/${fw}`);
        expect(t!.version).toBe(e.version);
        expect(classesClaimed(t!)).toBeGreaterThanOrEqual(c.minClasses);
        // nothing else in the minimal host app is a tracker
        expect(report.trackers.filter(isTracker).map((x) => x.id)).toEqual([c.sdk]);
      });

      it('renamed (Lib1.framework/Lib1, no bundle id, load command to Lib1): named from the Mach-O alone', () => {
        const e = embed(dir!, tmp, 'Lib1');
        const report = new Scanner().scanFile(e.ipa);
        const t = report.trackers.find((x) => x.id === c.sdk);
        rows.set(`${c.label}\0renamed`, {
          sdk: c.label,
          version: e.version,
          platform: 'iOS',
          kind: `${c.kind}, renamed \`Lib1.framework\`, bundle id blanked`,
          detected: t ? 'yes' : '**no**',
          evidence: t ? describeEvidence(t) : '—',
        });
        // the renamed bundle really carries nothing of the vendor's name outside the binary
        expect(report.ios!.bundles.find((b) => b.kind === 'framework')).toMatchObject({ name: 'Lib1' });
        expect(t, `${c.sdk} not reported; trackers: ${report.trackers.map((x) => x.id).join(', ')}`).toBeDefined();
        // classes, and what else the binary itself holds (host names in its strings, the frameworks it links)
        const kinds = [...new Set(t!.evidence.map((x) => x.kind))];
        expect(kinds).toContain('code-defined');
        expect(kinds.filter((k) => !['code-defined', 'code-referenced', 'domain', 'linked-library'].includes(k))).toEqual([]);
        for (const x of t!.evidence.filter((x) => x.kind === 'linked-library')) expect(x.locations[0].entry).toMatch(/Frameworks\/Lib1\.framework\/Lib1$/);
        expect(codeEvidenceFrom(t!, 'Frameworks/Lib1.framework/Lib1')).toBeGreaterThan(0);
        expect(classesClaimed(t!)).toBeGreaterThanOrEqual(c.minClasses);
        expect(report.trackers.filter(isTracker).map((x) => x.id)).toEqual([c.sdk]);
      });
    });
  }
});

describe('real SDK archives scanned directly', () => {
  for (const c of ARCHIVES) {
    const pkg = realPackage(c.spec);
    if (!pkg.ok) skipped = true;
    const file = pkg.ok ? realFile(c.spec, c.file) : undefined;
    const shown = path.basename(c.file);
    it.skipIf(!file)(`${c.spec}: ${c.file} is reported as ${c.sdk}, platform ${c.platform}`, () => {
      const report = new Scanner().scanFile(file!);
      const t = report.trackers.find((x) => x.id === c.sdk);
      rows.set(`${c.label}\0${c.spec}\0${c.file}`, {
        sdk: c.label,
        // the SDK's version; what the archive states when it differs (static frameworks' Info.plists often say 1.0)
        version: ((v) => (v && v !== c.version ? `${c.version} (archive says ${v})` : c.version))(t?.version ?? report.app.versionName),
        platform: c.platform,
        kind: `${c.kind}, \`${shown}\`, scanned directly`,
        detected: t ? 'yes' : '**no**',
        evidence: t ? describeEvidence(t) : c.knownMiss ? `— (${c.knownMiss})` : '—',
      });
      expect(report.platform).toBe(c.platform.toLowerCase());
      if (c.knownMiss) {
        expect(t, `${c.label} is now reported: remove its knownMiss`).toBeUndefined();
        return;
      }
      expect(t, `${c.sdk} not reported; trackers: ${report.trackers.map((x) => x.id).join(', ')}`).toBeDefined();
      expect(t!.evidence.some((e) => e.kind === 'code-defined' || e.kind === 'code-referenced')).toBe(true);
    });
  }
});

describe('real apps without trackers', () => {
  for (const a of TRACKER_FREE_APPS) {
    const pkg = realPackage(a.spec);
    if (!pkg.ok) skipped = true;
    const file = pkg.ok ? realFile(a.spec, a.file) : undefined;
    it.skipIf(!file)(`${a.spec}: ${a.file} reports no tracker`, () => {
      const report: Report = new Scanner().scanFile(file!);
      const trackers = report.trackers.filter(isTracker);
      rows.set(`${a.label}\0app`, {
        sdk: `${a.label} (no SDK)`,
        version: a.spec.slice(a.spec.lastIndexOf('@') + 1),
        platform: a.platform,
        kind: `tracker-free app, \`${a.file}\``,
        detected: trackers.length === 0 ? 'no tracker (expected)' : `**${trackers.map((t) => t.id).join(', ')}**`,
        evidence: report.trackers.length === 0 ? '—' : `libraries only: ${report.trackers.map((t) => t.id).join(', ')}`,
      });
      expect(report.platform).toBe(a.platform.toLowerCase());
      expect(trackers.map((t) => t.id)).toEqual([]);
    });
  }
});

// ---- the results table ----------------------------------------------------------------------------

const START = '<!-- real-results:start (generated by test/real/ios-dynamic-frameworks.test.ts) -->';
const END = '<!-- real-results:end -->';

function table(): string {
  const lines = ['| SDK | version | platform | kind | detected | by which evidence |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows.values()) lines.push(`| ${r.sdk} | ${r.version} | ${r.platform} | ${r.kind} | ${r.detected} | ${r.evidence} |`);
  return lines.join('\n') + '\n';
}

describe('test/real/RESULTS.md and the README table', () => {
  // runs after the cases above (vitest runs a file's tests in order); a skipped package leaves the files alone
  it.skipIf(skipped)('are the table this run produced (UPDATE_REAL_RESULTS=1 rewrites them)', () => {
    expect(rows.size).toBe(FRAMEWORKS.length * 2 + ARCHIVES.length + TRACKER_FREE_APPS.length);
    const body = table();
    const results = `# Real vendor SDKs: results\n\nGenerated by \`UPDATE_REAL_RESULTS=1 npx vitest run test/real\` from test/real/ios-dynamic-frameworks.test.ts; checked on every run.\n\n${body}`;
    const readme = readFileSync(README, 'utf8');
    const s = readme.indexOf(START);
    const e = readme.indexOf(END);
    expect(s, `README.md has no ${START} … ${END} block`).toBeGreaterThanOrEqual(0);
    expect(e).toBeGreaterThan(s);
    const newReadme = `${readme.slice(0, s + START.length)}\n${body}${readme.slice(e)}`;
    if (UPDATE) {
      writeFileSync(RESULTS, results);
      writeFileSync(README, newReadme);
    }
    expect(existsSync(RESULTS), 'test/real/RESULTS.md is missing: run UPDATE_REAL_RESULTS=1 npx vitest run test/real').toBe(true);
    expect(readFileSync(RESULTS, 'utf8')).toBe(results);
    expect(readFileSync(README, 'utf8')).toBe(newReadme);
  });
});
