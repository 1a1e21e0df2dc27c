// Builds the bench inputs into bench/out/ (git-ignored), once: a rebuild happens only when
// INPUTS_VERSION changes or a file is missing.
//
//   apidemos.apk, settings.apk, uiautomator2.apk   the real APKs of the npm devDependencies
//   large.apk        ≥ 100 MB multidex: uiautomator2's manifest, resources.arsc and META-INF, then
//                    the 26 real DEX files of the three npm APKs, three times over, renamed
//                    classes.dex … classes78.dex (deflated), plus native libraries (stored, as AGP
//                    writes them for extractNativeLibs=false), drawables (stored) and assets (deflated)
//   large.ipa        an app whose main executable is a Mach-O of tens of MB (20,000 Objective-C
//                    classes, 300,000 C strings), 8 frameworks (1,500 classes each; tracker-like
//                    names), an app extension, privacy manifests, and ~350 MB of assets that a
//                    scan must not read (Assets.car, videos, images, localisations)
//   large-noassets.ipa  the same app without the assets: the pair shows what unread assets cost
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deflateRawSync, crc32 } from 'node:zlib';
import { ZipOut } from './zipout.mjs';

const INPUTS_VERSION = 4;
const require = createRequire(import.meta.url);

export const REAL_APKS = [
  { id: 'apidemos.apk', from: 'android-apidemos/apks/ApiDemos-debug.apk' },
  { id: 'settings.apk', from: 'io.appium.settings/apks/settings_apk-debug.apk' },
  { id: 'uiautomator2.apk', from: 'appium-uiautomator2-server/apks/appium-uiautomator2-server-v10.6.6.apk' },
];

function packageFile(rel) {
  const [scope, ...rest] = rel.split('/');
  const pkgJson = require.resolve(`${scope}/package.json`);
  return join(dirname(pkgJson), ...rest);
}

/** Deterministic pseudo-random bytes (xorshift32): incompressible, and the same on every build. */
function noise(length, seed) {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return new Uint8Array(words.buffer, 0, length);
}

/** Compressible text-like bytes (JSON-ish records), for deflated assets. */
function textish(length, seed) {
  const parts = [];
  let n = 0;
  for (let i = 0; n < length; i++) {
    const s = `{"id":${seed * 1000003 + i},"name":"item ${i % 977}","tags":["t${i % 31}","u${i % 17}"],"score":${(i * 7919) % 10007}}\n`;
    parts.push(s);
    n += s.length;
  }
  return new TextEncoder().encode(parts.join('')).subarray(0, length);
}

async function dist(rel) {
  return import(new URL(`../dist/${rel}`, import.meta.url).href);
}

async function buildLargeApk(out, realPaths) {
  const { ZipArchive } = await dist('archive/zip.js');
  const z = new ZipOut(out);
  const base = ZipArchive.openFile(realPaths['uiautomator2.apk']);
  for (const e of base.entries) {
    if (e.isDirectory || /^classes\d*\.dex$/.test(e.name)) continue;
    z.add(e.name, base.read(e), { compress: e.method !== 0 });
  }
  // DEX: every real DEX file, in each APK's load order, deflated once and written three times.
  const dexes = [];
  for (const id of ['uiautomator2.apk', 'apidemos.apk', 'settings.apk']) {
    const a = ZipArchive.openFile(realPaths[id]);
    const names = a.entries.map((e) => e.name).filter((n) => /^classes\d*\.dex$/.test(n));
    names.sort((x, y) => (Number(/\d+/.exec(x)?.[0] ?? 1) - Number(/\d+/.exec(y)?.[0] ?? 1)));
    for (const n of names) {
      const bytes = a.read(n);
      dexes.push({ bytes, pre: { deflated: deflateRawSync(bytes, { level: 6 }), crc: crc32(bytes) } });
    }
    a.close();
  }
  let k = 1;
  for (let copy = 0; copy < 3; copy++) {
    for (const d of dexes) {
      z.add(k === 1 ? 'classes.dex' : `classes${k}.dex`, d.bytes, { pre: d.pre });
      k++;
    }
  }
  // Native libraries: 4 ABIs × 6 libraries, stored.
  const libs = ['libflutter.so', 'libapp.so', 'libreactnativejni.so', 'libcrashlytics.so', 'libsqlcipher.so', 'libimagepipeline.so'];
  const sizes = [5_500_000, 2_400_000, 1_500_000, 300_000, 1_200_000, 400_000];
  ['arm64-v8a', 'armeabi-v7a', 'x86', 'x86_64'].forEach((abi, ai) => {
    libs.forEach((lib, li) => z.add(`lib/${abi}/${lib}`, noise(sizes[li], 1000 + ai * 10 + li), { compress: false }));
  });
  // Drawables (stored: PNGs do not compress) and assets (deflated).
  for (let i = 0; i < 2500; i++) {
    const density = ['mdpi', 'hdpi', 'xhdpi', 'xxhdpi', 'xxxhdpi'][i % 5];
    z.add(`res/drawable-${density}-v4/img_${i}.png`, noise(4000 + (i % 13) * 500, 5000 + i), { compress: false });
  }
  for (let i = 0; i < 12; i++) z.add(`assets/data/catalog_${i}.json`, textish(1_500_000, i), { level: 6 });
  base.close();
  return z.close();
}

async function buildIpas(outFull, outLean) {
  const { buildMachO } = await dist('testing/macho-writer.js');
  const { writeBinaryPlist, writeXmlPlist } = await dist('testing/plist-writer.js');
  const full = new ZipOut(outFull);
  const lean = new ZipOut(outLean);
  const both = (name, data, opts) => {
    const pre = full.add(name, data, opts);
    lean.add(name, data, { ...opts, pre: pre.deflated ? pre : undefined });
  };
  const app = 'Payload/BenchApp.app/';
  const infoPlist = (id, exe, extra = {}) =>
    writeBinaryPlist({ CFBundleIdentifier: id, CFBundleExecutable: exe, CFBundleName: exe, CFBundleShortVersionString: '4.2.0', CFBundleVersion: '420', MinimumOSVersion: '15.0', ...extra });

  both(
    `${app}Info.plist`,
    infoPlist('org.example.benchapp', 'BenchApp', {
      CFBundleDisplayName: 'Bench App',
      NSLocationWhenInUseUsageDescription: 'Shows shops near you.',
      NSContactsUsageDescription: 'Find friends who use the app.',
      NSBluetoothAlwaysUsageDescription: 'Connects to beacons in stores.',
      NSUserTrackingUsageDescription: 'Personalised ads.',
      UIBackgroundModes: ['location', 'bluetooth-central', 'remote-notification'],
      FacebookAppID: '1234567890',
      GADApplicationIdentifier: 'ca-app-pub-0000000000000000~0000000000',
      LSApplicationQueriesSchemes: ['fb', 'fbapi', 'instagram'],
      SKAdNetworkItems: Array.from({ length: 40 }, (_, i) => ({ SKAdNetworkIdentifier: `${i.toString(36)}abcdef.skadnetwork` })),
    }),
  );
  both(`${app}GoogleService-Info.plist`, writeXmlPlist({ API_KEY: 'AIzaSyBENCHBENCHBENCHBENCHBENCHBENCH', GCM_SENDER_ID: '123456789012', BUNDLE_ID: 'org.example.benchapp', PROJECT_ID: 'bench-app', IS_ANALYTICS_ENABLED: true }));
  both(`${app}PrivacyInfo.xcprivacy`, writeXmlPlist({ NSPrivacyTracking: false, NSPrivacyTrackingDomains: [], NSPrivacyCollectedDataTypes: [], NSPrivacyAccessedAPITypes: [] }));

  // Main executable: tens of MB, thousands of Objective-C classes, many C strings (some URLs).
  const classes = [];
  for (let i = 0; i < 20000; i++) {
    const prefix = ['BA', 'BAK', 'RCT', 'SD', 'AF', 'MBX'][i % 6];
    classes.push({ name: `${prefix}Component${i}ViewController`, methods: Array.from({ length: 5 }, (_, j) => `handle${j}Event${i}:withOptions:`) });
  }
  const cStrings = [];
  for (let i = 0; i < 300000; i++) {
    if (i % 101 === 0) cStrings.push(`https://api${i % 900}.benchapp-backend.com/v2/items/${i}?lang=%@`);
    else if (i % 1009 === 0) cStrings.push(`cdn${i % 50}.benchapp-static.net`);
    else cStrings.push(`[BenchApp] component ${i} finished step %d of %d with status %@`);
  }
  const mainBinary = buildMachO({
    classes,
    cStrings,
    selectors: ['init', 'dealloc', 'viewDidLoad'],
    dylibs: [
      { name: '/System/Library/Frameworks/Foundation.framework/Foundation' },
      { name: '/System/Library/Frameworks/UIKit.framework/UIKit' },
      { name: '/System/Library/Frameworks/CoreLocation.framework/CoreLocation' },
      { name: '/System/Library/Frameworks/AdSupport.framework/AdSupport', kind: 'weak' },
      { name: '/usr/lib/libobjc.A.dylib' },
      { name: '/usr/lib/libSystem.B.dylib' },
    ],
    rpaths: ['@executable_path/Frameworks'],
    codeSignature: { identifier: 'org.example.benchapp', teamId: 'BENCH12345' },
  });
  both(`${app}BenchApp`, mainBinary);

  // Frameworks (tracker-like names and class prefixes, as real apps embed them).
  const frameworks = [
    ['FBSDKCoreKit', 'FBSDK', 'https://graph.facebook.com/v17.0/'],
    ['FirebaseAnalytics', 'FIR', 'https://app-measurement.com/a'],
    ['AppsFlyerLib', 'AppsFlyer', 'https://launches.appsflyer.com/api/'],
    ['GoogleMobileAds', 'GAD', 'https://googleads.g.doubleclick.net/'],
    ['Alamofire', 'AF', ''],
    ['SDWebImage', 'SDWeb', ''],
    ['Lottie', 'LOT', ''],
    ['Realm', 'RLM', ''],
  ];
  frameworks.forEach(([name, prefix, url], fi) => {
    const dir = `${app}Frameworks/${name}.framework/`;
    both(`${dir}Info.plist`, infoPlist(`org.cocoapods.${name}`, name));
    const fwClasses = Array.from({ length: 1500 }, (_, i) => ({ name: `${prefix}${['Manager', 'Client', 'Request', 'Cache', 'Logger'][i % 5]}${i}`, methods: ['start', `run${i}:`] }));
    const fwStrings = Array.from({ length: 20000 }, (_, i) => (url && i % 500 === 0 ? `${url}${i}` : `${name}: internal message ${i} %@`));
    both(`${dir}${name}`, buildMachO({ fileType: 'dylib', installName: `@rpath/${name}.framework/${name}`, classes: fwClasses, cStrings: fwStrings, uuid: `0000${fi}000-0000-0000-0000-000000000000` }));
    if (fi < 4) both(`${dir}PrivacyInfo.xcprivacy`, writeXmlPlist({ NSPrivacyTracking: fi % 2 === 0, NSPrivacyTrackingDomains: url ? [new URL(url).hostname] : [], NSPrivacyCollectedDataTypes: [], NSPrivacyAccessedAPITypes: [] }));
    both(`${dir}_CodeSignature/CodeResources`, writeXmlPlist({ files: { [`${name}`]: 'x' } }));
  });
  // An app extension.
  both(`${app}PlugIns/BenchWidget.appex/Info.plist`, infoPlist('org.example.benchapp.widget', 'BenchWidget'));
  both(`${app}PlugIns/BenchWidget.appex/BenchWidget`, buildMachO({ classes: [{ name: 'BenchWidgetProvider' }], cStrings: ['widget'] }));

  // Assets: only in the full IPA. A scan must list them and never read them.
  full.add(`${app}Assets.car`, noise(120_000_000, 7), { compress: false });
  for (let i = 0; i < 3; i++) full.add(`${app}Videos/onboarding_${i}.mp4`, noise(60_000_000, 70 + i), { compress: false });
  for (let i = 0; i < 2000; i++) full.add(`${app}Images/photo_${i}.png`, noise(20_000 + (i % 7) * 1000, 9000 + i), { compress: false });
  for (let i = 0; i < 40; i++) full.add(`${app}l${i}.lproj/Localizable.strings`, textish(200_000, 300 + i), { level: 6 });
  full.add(`${app}Frameworks/FBSDKCoreKit.framework/FacebookSDKStrings.bundle/Info.plist`, infoPlist('com.facebook.sdk.strings', 'FacebookSDKStrings'));
  lean.add(`${app}Frameworks/FBSDKCoreKit.framework/FacebookSDKStrings.bundle/Info.plist`, infoPlist('com.facebook.sdk.strings', 'FacebookSDKStrings'));
  return [full.close(), lean.close()];
}

/** Ensures every input exists; returns [{ id, path, size }]. */
export async function buildInputs(outDir, log = () => {}) {
  mkdirSync(outDir, { recursive: true });
  const stampFile = join(outDir, 'inputs.json');
  const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : {};
  const fresh = stamp.version === INPUTS_VERSION;
  const inputs = [];
  const realPaths = {};
  for (const r of REAL_APKS) {
    const src = packageFile(r.from);
    const path = join(outDir, r.id);
    if (!fresh || !existsSync(path)) copyFileSync(src, path);
    realPaths[r.id] = path;
    inputs.push({ id: r.id, path, kind: 'apk', real: true });
  }
  const large = join(outDir, 'large.apk');
  if (!fresh || !existsSync(large)) {
    log('building large.apk …');
    await buildLargeApk(large, realPaths);
  }
  inputs.push({ id: 'large.apk', path: large, kind: 'apk' });
  const ipa = join(outDir, 'large.ipa');
  const lean = join(outDir, 'large-noassets.ipa');
  if (!fresh || !existsSync(ipa) || !existsSync(lean)) {
    log('building large.ipa and large-noassets.ipa …');
    await buildIpas(ipa, lean);
  }
  inputs.push({ id: 'large.ipa', path: ipa, kind: 'ipa' });
  inputs.push({ id: 'large-noassets.ipa', path: lean, kind: 'ipa' });
  writeFileSync(stampFile, JSON.stringify({ version: INPUTS_VERSION }) + '\n');
  for (const i of inputs) i.size = statSync(i.path).size;
  return inputs;
}
