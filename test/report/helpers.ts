/**
 * Reports for the renderer tests: the committed Android sample, a small IPA built here with our
 * writers (the same shape as the demo iOS sample), and a hostile copy of a report whose every
 * bundle-controlled string tries to break out of its context. Volatile fields (tool and database
 * versions, input path) are normalised so golden files change only when the rendering does.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { buildMachO, sampleMachOInput } from '../../src/testing/macho-writer.js';
import { writeBinaryPlist, writeXmlPlist } from '../../src/testing/plist-writer.js';
import { buildApk, campaignAppSpec, type ApkSpec } from '../../src/testing/samples.js';
import { writeZip } from '../../src/testing/zip-writer.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const SAMPLE_APK = path.join(ROOT, 'samples', 'campaign-app.apk');
export const UPDATE = process.env.UPDATE_GOLDEN === '1';

let scanner: Scanner | undefined;
export function getScanner(): Scanner {
  return (scanner ??= new Scanner());
}

let tmp: string | undefined;
export function tmpFile(name: string, data: Uint8Array): string {
  tmp ??= mkdtempSync(path.join(tmpdir(), 'trackscan-report-'));
  const file = path.join(tmp, name);
  writeFileSync(file, data);
  return file;
}

/** Volatile fields fixed, so goldens depend on the rendering and the findings only. */
export function normalise(r: Report, inputPath: string): Report {
  const copy = structuredClone(r);
  copy.input.path = inputPath;
  copy.tool.version = '0.0.0-test';
  copy.signatures = { version: '0.0.0-test', sha256: '0'.repeat(64), sdks: 0 };
  return copy;
}

export function androidReport(): Report {
  return normalise(getScanner().scanFile(SAMPLE_APK), 'samples/campaign-app.apk');
}

/** A small campaign-style IPA: usage keys with purpose texts, background modes, a privacy manifest that declares no tracking, Facebook's framework. */
export function buildIpa(overrides: { info?: Record<string, unknown> } = {}): Uint8Array {
  const app = 'Payload/Campaign.app/';
  const main = buildMachO(
    sampleMachOInput({
      codeSignature: {
        identifier: 'org.example.campaign',
        teamId: 'ABCDE12345',
        entitlements: writeXmlPlist({ 'aps-environment': 'production', 'com.apple.developer.networking.wifi-info': true }),
      },
    }),
  );
  const fb = buildMachO({
    fileType: 'dylib',
    installName: '@rpath/FBSDKCoreKit.framework/FBSDKCoreKit',
    classes: [{ name: 'FBSDKSettings' }, { name: 'FBSDKAppEventsUtility' }],
    cStrings: ['https://graph.facebook.com'],
  });
  const info = {
    CFBundleIdentifier: 'org.example.campaign',
    CFBundleExecutable: 'Campaign',
    CFBundleName: 'Campaign',
    CFBundleShortVersionString: '2.0',
    CFBundleVersion: '20',
    MinimumOSVersion: '13.0',
    NSContactsUsageDescription: 'Invite your friends to the campaign',
    NSLocationAlwaysAndWhenInUseUsageDescription: 'Find events near you, always',
    NSBluetoothAlwaysUsageDescription: 'Check you in at rallies with beacons',
    UIBackgroundModes: ['location', 'bluetooth-central'],
    FacebookAppID: '1234567890',
    SKAdNetworkItems: [{ SKAdNetworkIdentifier: 'v9wttpbfk9.skadnetwork' }],
    ...overrides.info,
  };
  const privacy = {
    NSPrivacyTracking: false,
    NSPrivacyTrackingDomains: [],
    NSPrivacyCollectedDataTypes: [
      {
        NSPrivacyCollectedDataType: 'NSPrivacyCollectedDataTypePreciseLocation',
        NSPrivacyCollectedDataTypeLinked: true,
        NSPrivacyCollectedDataTypeTracking: false,
        NSPrivacyCollectedDataTypePurposes: ['NSPrivacyCollectedDataTypePurposeAppFunctionality'],
      },
    ],
  };
  return writeZip([
    { name: app + 'Info.plist', data: writeBinaryPlist(info) },
    { name: app + 'Campaign', data: main },
    { name: app + 'PrivacyInfo.xcprivacy', data: writeXmlPlist(privacy) },
    { name: app + 'Frameworks/FBSDKCoreKit.framework/Info.plist', data: writeXmlPlist({ CFBundleIdentifier: 'com.facebook.sdk.FBSDKCoreKit', CFBundleExecutable: 'FBSDKCoreKit', CFBundleShortVersionString: '9.0.1' }) },
    { name: app + 'Frameworks/FBSDKCoreKit.framework/FBSDKCoreKit', data: fb },
  ]);
}

export function iosReport(): Report {
  return normalise(getScanner().scanFile(tmpFile('campaign.ipa', buildIpa())), 'campaign.ipa');
}

export function scanSpec(name: string, spec: ApkSpec): Report {
  return getScanner().scanFile(tmpFile(name, buildApk(spec)));
}
export { campaignAppSpec };

export const HOSTILE_NAME = '<script>alert(1)</script>';
export const HOSTILE_PURPOSE = '"onmouseover="alert(2)" x=\'<img src=x onerror=alert(3)>';
export const HOSTILE_MD = '[click](https://evil.example/) ![img](https://evil.example/x.png) | cell | `code` **bold** <b>b</b>\nsecond line';
export const BIDI = 'safe\u202Eexe.txt';

/** The report with attacker-controlled strings everywhere the bundle supplies text. */
export function hostile(r: Report): Report {
  const h = structuredClone(r);
  h.app.name = `${HOSTILE_NAME}${BIDI}`;
  h.app.versionName = HOSTILE_PURPOSE;
  h.input.path = `dir/${HOSTILE_NAME}.apk`;
  for (const p of h.permissions) p.purpose = HOSTILE_PURPOSE;
  for (const c of h.capabilities) for (const e of c.evidence) if (e.kind === 'usage-key') e.purpose = HOSTILE_PURPOSE + HOSTILE_MD;
  for (const t of h.trackers) for (const e of t.evidence) e.examples = [`com.evil.${HOSTILE_NAME}`, HOSTILE_MD];
  for (const t of h.trackers) for (const e of t.evidence) for (const l of e.locations) l.location = HOSTILE_PURPOSE;
  h.domains.push({ host: `${HOSTILE_NAME}.example`, sample: HOSTILE_NAME, trackers: [], provenance: { entry: HOSTILE_NAME, collector: 'dex' } });
  h.warnings.push({ code: 'HOSTILE', message: HOSTILE_MD, entry: `../../${HOSTILE_NAME}` });
  if (h.signing?.certificates[0]) h.signing.certificates[0].subject = `CN=${HOSTILE_NAME}`;
  // who uses what, and tracker status: class names, method names and components come from the bundle
  for (const c of h.capabilities) {
    for (const u of c.usedBy ?? []) {
      u.callers = [`com.evil.${HOSTILE_NAME}`];
      u.apis = [...u.apis, `string:${HOSTILE_MD}`];
      u.locations = u.locations.map((l) => ({ ...l, location: `${HOSTILE_PURPOSE}${HOSTILE_MD}` }));
    }
  }
  for (const t of h.trackers) {
    if (!t.status) continue;
    t.status.summary = `starts by itself through ${HOSTILE_NAME}${HOSTILE_MD}`;
    t.status.evidence.push({ kind: 'referenced-by', from: 'app', fromClass: HOSTILE_NAME, toClass: HOSTILE_MD, count: 1, provenance: { entry: HOSTILE_NAME, location: HOSTILE_PURPOSE, collector: 'dex' } });
  }
  if (h.obfuscation) {
    h.obfuscation.level = 'hidden';
    h.obfuscation.packages.push({ name: `${HOSTILE_NAME}${HOSTILE_MD}`, classes: 2, shortNamed: 1 });
    h.obfuscation.packers.push({ id: 'hostile', name: 'Packer', vendor: 'Vendor', kind: 'packer', found: [`file assets/${HOSTILE_NAME}${HOSTILE_MD}`], source: 'https://example.org/packer' });
    // an entry holding hidden code: its path is the zip's, and a hostile zip names it as it likes
    const entry = `assets/../${HOSTILE_NAME}${HOSTILE_PURPOSE}${HOSTILE_MD}${BIDI}.apk`;
    h.obfuscation.embeddedCode = [...(h.obfuscation.embeddedCode ?? []), { entry, format: 'zip', dexFiles: [`${entry}!classes.dex`, `${entry}!${HOSTILE_MD}`], classes: 2 }];
  }
  return h;
}

/** Markdown with its code spans removed: inside them text is literal, outside nothing may be live. */
export function outsideCode(md: string): string {
  return md.replace(/(`+)[^\n]*?\1/g, '');
}
