/**
 * iOS attribution on hand-built IPAs: a binary that imports a sensitive class and holds one of its
 * selectors uses that API; the use belongs to the binary's framework (an SDK) or to the app;
 * required-reason APIs are set against the privacy manifest of the binary's bundle; Info.plist
 * switches disable an SDK.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { writeBinaryPlist, writeXmlPlist } from '../../src/testing/plist-writer.js';
import { buildMachO } from '../../src/testing/macho-writer.js';
import { appInfo, buildIpa, embeddedFramework, FOUNDATION, LIBOBJC, LIBSYSTEM, mainExecutable, objcClasses, privacyManifest, type AppFile, type PlistDictValue } from '../../src/testing/ios-samples.js';

const scanner = new Scanner();
const CLASS = '_OBJC_CLASS_$_';

function fw(name: string, o: { imports?: string[]; selectors?: string[]; classes?: string[]; privacy?: PlistDictValue }): AppFile[] {
  const dir = `Frameworks/${name}.framework`;
  const info: PlistDictValue = { CFBundleExecutable: name, CFBundleIdentifier: `com.example.${name}`, CFBundleName: name, CFBundlePackageType: 'FMWK', CFBundleShortVersionString: '1.0', CFBundleVersion: '1' };
  const bin = buildMachO({ fileType: 'dylib', installName: `@rpath/${name}.framework/${name}`, dylibs: [FOUNDATION, LIBOBJC, LIBSYSTEM], classes: objcClasses(o.classes ?? []), selectors: o.selectors ?? [], importedSymbols: o.imports ?? [] });
  const files: AppFile[] = [
    { path: `${dir}/Info.plist`, data: writeBinaryPlist(info) },
    { path: `${dir}/${name}`, data: bin },
  ];
  if (o.privacy) files.push({ path: `${dir}/PrivacyInfo.xcprivacy`, data: writeXmlPlist(o.privacy) });
  return files;
}

function scanIpa(o: { info?: PlistDictValue; imports?: string[]; selectors?: string[]; files?: AppFile[]; frameworks?: string[] }): Report {
  const dir = mkdtempSync(path.join(tmpdir(), 'trackscan-attr-ios-'));
  try {
    const file = path.join(dir, 'fixture.ipa');
    const exe = mainExecutable({
      seed: 'attr',
      dylibs: [FOUNDATION, LIBOBJC, LIBSYSTEM, ...(o.frameworks ?? []).map((n) => embeddedFramework(n))],
      classes: objcClasses(['AppDelegate']),
      selectors: o.selectors ?? [],
      importedSymbols: o.imports ?? [],
    });
    writeFileSync(file, buildIpa({ name: 'Demo', info: appInfo({ name: 'Demo', bundleId: 'org.example.demo' }, o.info ?? {}), executable: exe, files: o.files ?? [] }));
    return scanner.scanFile(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('iOS API use, attributed to the binary that holds the reference', () => {
  it('an SDK framework ranging beacons and scanning Bluetooth; the app reading contacts', () => {
    const r = scanIpa({
      info: { NSLocationWhenInUseUsageDescription: 'Find venues', NSBluetoothAlwaysUsageDescription: 'Beacons', NSContactsUsageDescription: 'Invite friends' },
      frameworks: ['PWLocation'],
      imports: [`${CLASS}CNContactStore`],
      selectors: ['enumerateContactsWithFetchRequest:error:usingBlock:'],
      files: fw('PWLocation', {
        classes: ['PWManagedLocationManager'],
        imports: [`${CLASS}CLLocationManager`, `${CLASS}CBCentralManager`],
        selectors: ['startRangingBeaconsSatisfyingConstraint:', 'startUpdatingLocation', 'scanForPeripheralsWithServices:options:'],
      }),
    });
    const by = (id: string) => r.capabilities.find((c) => c.id === id)?.usedBy?.map((u) => [u.by, u.callers]);
    const pw = 'Payload/Demo.app/Frameworks/PWLocation.framework/PWLocation';
    expect(by('bluetooth-scan')).toEqual([['phunware-location', [pw]]]);
    expect(by('location-precise')).toEqual([['phunware-location', [pw]]]);
    expect(by('contacts')).toEqual([['app', ['Payload/Demo.app/Demo']]]);
    const contacts = r.permissions.find((p) => p.name === 'NSContactsUsageDescription')!;
    expect(contacts.exercised).toBe(true);
    expect(contacts.exercisedBy![0].locations[0]).toMatchObject({ entry: 'Payload/Demo.app/Demo', location: `${CLASS}CNContactStore + enumerateContactsWithFetchRequest:error:usingBlock:`, collector: 'macho' });
  });

  it('a selector alone, without the class imported, is not use (many classes share selector names)', () => {
    const r = scanIpa({ info: { NSLocationWhenInUseUsageDescription: 'x' }, selectors: ['startUpdatingLocation'] });
    expect(r.capabilities.find((c) => c.id === 'location-precise')?.usedBy).toBeUndefined();
  });

  it('IDFA and the clipboard, which need no usage key', () => {
    const r = scanIpa({ imports: [`${CLASS}ASIdentifierManager`, `${CLASS}UIPasteboard`], selectors: ['advertisingIdentifier', 'string'] });
    expect(r.capabilities.find((c) => c.id === 'clipboard')?.usedBy?.[0].by).toBe('app');
  });

  it('required-reason APIs against the privacy manifest of each binary’s bundle', () => {
    const r = scanIpa({
      frameworks: ['PWLocation'],
      imports: ['_mach_absolute_time', `${CLASS}NSUserDefaults`],
      files: [
        ...fw('PWLocation', { imports: ['_stat', '_statfs'], selectors: ['systemUptime'], privacy: privacyManifest({ tracking: false, apis: [{ type: 'NSPrivacyAccessedAPICategoryFileTimestamp', reasons: ['C617.1'] }] }) }),
        { path: 'PrivacyInfo.xcprivacy', data: writeXmlPlist(privacyManifest({ tracking: false, apis: [{ type: 'NSPrivacyAccessedAPICategoryUserDefaults', reasons: ['CA92.1'] }] })) },
      ],
    });
    const checks = r.ios!.requiredReasonApis!.map((c) => [c.binary.split('/').pop(), c.by, c.category.replace('NSPrivacyAccessedAPICategory', ''), c.found, c.ok]);
    expect(checks).toEqual([
      ['Demo', 'app', 'SystemBootTime', ['_mach_absolute_time'], false],
      ['Demo', 'app', 'UserDefaults', ['_OBJC_CLASS_$_NSUserDefaults'], true],
      ['PWLocation', 'phunware-location', 'DiskSpace', ['_statfs'], false],
      ['PWLocation', 'phunware-location', 'FileTimestamp', ['_stat'], true],
      ['PWLocation', 'phunware-location', 'SystemBootTime', ['systemUptime'], false],
    ]);
  });

  it('an Info.plist switch disables an SDK; a framework the app links is active', () => {
    const r = scanIpa({
      frameworks: ['FirebaseAnalytics', 'PWLocation'],
      info: { FIREBASE_ANALYTICS_COLLECTION_DEACTIVATED: true },
      files: [...fw('FirebaseAnalytics', { classes: ['FIRAnalytics'] }), ...fw('PWLocation', { classes: ['PWManagedLocationManager'] })],
    });
    const fa = r.trackers.find((t) => t.id === 'firebase-analytics')!.status!;
    expect(fa.state).toBe('disabled');
    expect(fa.evidence[0]).toMatchObject({ kind: 'switch', key: 'FIREBASE_ANALYTICS_COLLECTION_DEACTIVATED', provenance: { location: 'FIREBASE_ANALYTICS_COLLECTION_DEACTIVATED' } });
    const pw = r.trackers.find((t) => t.id === 'phunware-location')!.status!;
    expect(pw.state).toBe('active');
    expect(pw.evidence).toContainEqual(expect.objectContaining({ kind: 'linked-by', binary: 'Payload/Demo.app/Demo' }));
  });
});
