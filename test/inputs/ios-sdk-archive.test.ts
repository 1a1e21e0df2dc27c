/**
 * iOS SDK archives as inputs (src/bundle/ios/sdk-archive.ts): a static library `.a` (thin or fat ar
 * of MH_OBJECT members), a `.framework` (folder, or zip holding it; static or dynamic), an
 * `.xcframework` (folder or zip; one library per platform, ios-arm64 first). Fixtures from the
 * project's Mach-O, plist and zip writers; the real vendor archives are in test/real.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackscanError } from '../../src/errors.js';
import * as C from '../../src/formats/macho-constants.js';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { appInfo, buildIpa, framework, mainExecutable, objcClasses, type AppFile } from '../../src/testing/ios-samples.js';
import { buildArchive, buildFat, buildMachOObject } from '../../src/testing/macho-writer.js';
import { writeBinaryPlist, writeXmlPlist } from '../../src/testing/plist-writer.js';
import { writeZip } from '../../src/testing/zip-writer.js';

const scanner = new Scanner();
let tmp: string;
beforeAll(() => (tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-ios-sdk-'))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const put = (name: string, bytes: Uint8Array) => {
  const f = path.join(tmp, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, bytes);
  return f;
};
const putFolder = (root: string, files: AppFile[]) => {
  for (const f of files) put(path.join(root, f.path), typeof f.data === 'string' ? new TextEncoder().encode(f.data) : f.data);
  return path.join(tmp, root);
};
const tracker = (r: Report, id: string) => r.trackers.find((t) => t.id === id);
const kinds = (r: Report, id: string) => [...new Set(tracker(r, id)?.evidence.map((e) => e.kind) ?? [])].sort();

const AF_CLASSES = ['AppsFlyerLib', 'AppsFlyerTracker', 'AFSDKHelper'];
const afObject = (arch: 'arm64' | 'x86_64', n: number) =>
  buildMachOObject({ arch, classes: objcClasses(n === 0 ? AF_CLASSES.slice(0, 2) : AF_CLASSES.slice(2)), cStrings: n === 0 ? ['https://launches.appsflyersdk.com/api/v6.3/iosevent'] : [] });
const afArchive = (arch: 'arm64' | 'x86_64') =>
  buildArchive([
    { name: 'AppsFlyerLib.o', bytes: afObject(arch, 0) },
    { name: 'AFSDKHelper.o', bytes: afObject(arch, 1) },
  ]);

/** Branch as a dynamic framework's files, relative to the framework's parent folder. */
const branchFramework = (extraClass?: string): AppFile[] =>
  framework({ name: 'Branch', bundleId: 'com.branch.ios-carthage', version: '0.20.2', classes: ['BNCPreferenceHelper', 'BranchUniversalObject', ...(extraClass ? [extraClass] : [])], cStrings: ['https://api2.branch.io/v1/open'] }).map((f) => ({
    ...f,
    path: f.path.replace(/^Frameworks\//, ''),
  }));

/** Adjust as a static framework: an ar archive for a binary, an Info.plist, a privacy manifest. */
const adjustStaticFramework = (): AppFile[] => [
  {
    path: 'AdjustSdk.framework/Info.plist',
    data: writeBinaryPlist({ CFBundleExecutable: 'AdjustSdk', CFBundleIdentifier: 'com.adjust.sdk', CFBundlePackageType: 'FMWK', CFBundleShortVersionString: '4.29.6', CFBundleVersion: '4.29.6' }),
  },
  {
    path: 'AdjustSdk.framework/AdjustSdk',
    data: buildArchive([{ name: 'ADJConfig.o', bytes: buildMachOObject({ classes: objcClasses(['ADJConfig', 'ADJEvent', 'ADJActivityHandler']), cStrings: ['https://app.adjust.com/session'] }) }]),
  },
  { path: 'AdjustSdk.framework/Headers/Adjust.h', data: '// header\n' },
  { path: 'AdjustSdk.framework/PrivacyInfo.xcprivacy', data: writeXmlPlist({ NSPrivacyTracking: true, NSPrivacyTrackingDomains: ['app.adjust.com'] }) },
];

describe('static libraries (.a)', () => {
  it('a thin ar of MH_OBJECT members: platform ios, classes and hosts from every member', () => {
    const r = scanner.scanFile(put('thin/libAppsFlyerLib.a', afArchive('arm64')));
    expect(r.platform).toBe('ios');
    expect(r.app.id).toBe('libAppsFlyerLib');
    const t = tracker(r, 'appsflyer')!;
    expect(t).toBeDefined();
    expect(t.confidence).toBe('high');
    expect(kinds(r, 'appsflyer')).toEqual(['code-defined', 'domain']);
    expect(t.evidence.find((e) => e.kind === 'code-defined')!.locations[0].entry).toBe('libAppsFlyerLib.a');
    expect(r.ios!.binaries).toMatchObject([{ path: 'libAppsFlyerLib.a', archs: ['arm64'], fileType: 'MH_OBJECT', classCount: 3 }]);
  });

  it('a fat file of two ar archives (arm64 + x86_64): read once, arm64 preferred', () => {
    const fat = buildFat([
      { bytes: afArchive('x86_64'), cpuType: C.CPU_TYPE_X86_64, cpuSubtype: 3 },
      { bytes: afArchive('arm64'), cpuType: C.CPU_TYPE_ARM64, cpuSubtype: 0 },
    ]);
    const r = scanner.scanFile(put('fat/libAppsFlyerLib.a', fat));
    expect(r.platform).toBe('ios');
    expect(tracker(r, 'appsflyer')).toBeDefined();
    expect(r.ios!.binaries[0].archs).toEqual(['arm64', 'x86_64']);
    expect(r.ios!.binaries[0].classCount).toBe(3);
  });
});

describe('.framework', () => {
  it('a static framework folder given directly: classes, framework name, bundle id, version, privacy manifest', () => {
    const dir = putFolder('fw-folder', adjustStaticFramework());
    const r = scanner.scanFile(path.join(dir, 'AdjustSdk.framework'));
    expect(r.platform).toBe('ios');
    expect(r.app).toMatchObject({ id: 'com.adjust.sdk', name: 'AdjustSdk', versionName: '4.29.6' });
    const t = tracker(r, 'adjust')!;
    expect(kinds(r, 'adjust')).toEqual(['code-defined', 'domain', 'framework']);
    expect(t.version).toBe('4.29.6');
    // provenance reads as inside the framework, not as an app at the top of the input
    expect(t.evidence.find((e) => e.kind === 'code-defined')!.locations[0].entry).toBe('AdjustSdk.framework/AdjustSdk');
    expect(r.ios!.bundles).toMatchObject([{ path: 'AdjustSdk.framework', kind: 'framework', name: 'AdjustSdk', bundleId: 'com.adjust.sdk', version: '4.29.6' }]);
    expect(r.ios!.bundles.some((b) => b.kind === 'app')).toBe(false);
  });

  it('a zip holding a dynamic framework: the same as the folder', () => {
    const r = scanner.scanFile(put('Branch.framework.zip', writeZip(branchFramework().map((f) => ({ name: f.path, data: f.data })))));
    expect(r.platform).toBe('ios');
    expect(r.app).toMatchObject({ id: 'com.branch.ios-carthage', name: 'Branch', versionName: '0.20.2' });
    expect(kinds(r, 'branch')).toEqual(['bundle-id', 'code-defined', 'domain', 'framework']);
    expect(r.ios!.binaries).toMatchObject([{ path: 'Branch.framework/Branch', role: 'framework', fileType: 'MH_DYLIB' }]);
  });

  it('a folder holding the framework (no Info.plist at its top) is read too', () => {
    const dir = putFolder('holder', adjustStaticFramework());
    expect(tracker(scanner.scanFile(dir), 'adjust')).toBeDefined();
  });
});

describe('.xcframework', () => {
  const xcInfo = writeXmlPlist({
    AvailableLibraries: [
      { LibraryIdentifier: 'ios-arm64_x86_64-simulator', LibraryPath: 'Branch.framework', SupportedArchitectures: ['arm64', 'x86_64'], SupportedPlatform: 'ios', SupportedPlatformVariant: 'simulator' },
      { LibraryIdentifier: 'ios-arm64', LibraryPath: 'Branch.framework', SupportedArchitectures: ['arm64'], SupportedPlatform: 'ios' },
    ],
    CFBundlePackageType: 'XFWK',
    XCFrameworkFormatVersion: '1.0',
  });
  const xcFiles = (): AppFile[] => [
    { path: 'Branch.xcframework/Info.plist', data: xcInfo },
    ...branchFramework().map((f) => ({ ...f, path: `Branch.xcframework/ios-arm64/${f.path}` })),
    ...branchFramework('BNCSimulatorOnly').map((f) => ({ ...f, path: `Branch.xcframework/ios-arm64_x86_64-simulator/${f.path}` })),
  ];

  it('a zipped xcframework: one library per platform, ios-arm64 first', () => {
    const r = scanner.scanFile(put('Branch.xcframework.zip', writeZip(xcFiles().map((f) => ({ name: f.path, data: f.data })))));
    expect(r.platform).toBe('ios');
    expect(r.ios!.binaries.map((b) => b.path)).toEqual(['Branch.xcframework/ios-arm64/Branch.framework/Branch', 'Branch.xcframework/ios-arm64_x86_64-simulator/Branch.framework/Branch']);
    const t = tracker(r, 'branch')!;
    expect(t.evidence.find((e) => e.kind === 'framework')!.locations[0].entry).toBe('Branch.xcframework/ios-arm64/Branch.framework');
    expect(r.app).toMatchObject({ id: 'com.branch.ios-carthage', name: 'Branch' });
  });

  it('an xcframework folder given directly', () => {
    const dir = putFolder('xc', xcFiles());
    const r = scanner.scanFile(path.join(dir, 'Branch.xcframework'));
    expect(r.ios!.binaries[0].path).toBe('Branch.xcframework/ios-arm64/Branch.framework/Branch');
    expect(kinds(r, 'branch')).toEqual(['bundle-id', 'code-defined', 'domain', 'framework']);
  });

  it('a static xcframework (LibraryPath libX.a)', () => {
    const info = writeXmlPlist({ AvailableLibraries: [{ LibraryIdentifier: 'ios-arm64', LibraryPath: 'libAppsFlyerLib.a', SupportedPlatform: 'ios', HeadersPath: 'Headers' }], CFBundlePackageType: 'XFWK' });
    const zip = writeZip([
      { name: 'AppsFlyerLib.xcframework/Info.plist', data: info },
      { name: 'AppsFlyerLib.xcframework/ios-arm64/libAppsFlyerLib.a', data: afArchive('arm64') },
    ]);
    const r = scanner.scanFile(put('AppsFlyerLib.xcframework.zip', zip));
    expect(tracker(r, 'appsflyer')).toBeDefined();
    expect(r.ios!.binaries[0].path).toBe('AppsFlyerLib.xcframework/ios-arm64/libAppsFlyerLib.a');
  });
});

describe('dispatch', () => {
  it('an IPA with the same framework embedded is still an app', () => {
    const ipa = buildIpa({
      name: 'Host',
      info: appInfo({ name: 'Host', bundleId: 'org.example.host' }),
      executable: mainExecutable({ seed: 'Host', classes: objcClasses(['HostAppDelegate']) }),
      files: branchFramework().map((f) => ({ ...f, path: `Frameworks/${f.path}` })),
    });
    const r = scanner.scanFile(put('Host.ipa', ipa));
    expect(r.app.id).toBe('org.example.host');
    expect(r.ios!.bundles[0].kind).toBe('app');
  });

  it('a zip with neither framework nor app is not a bundle', () => {
    const f = put('other.zip', writeZip([{ name: 'README.txt', data: 'hello' }]));
    expect(() => scanner.scanFile(f)).toThrow(TrackscanError);
  });

  it('a file with a Mach-O magic but nothing readable reports a warning, not a crash', () => {
    const r = scanner.scanFile(put('broken.a', new TextEncoder().encode('!<arch>\nnot really an archive')));
    expect(r.platform).toBe('ios');
    expect(r.trackers).toEqual([]);
  });
});
