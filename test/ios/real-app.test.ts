/**
 * A real iOS app: `TestApp.app.zip` from ios-test-app@1.0.1 (Appium's test app, a 32-bit i386
 * simulator build shared as a zipped `.app`), fetched through test/helpers/real-data.ts. Its
 * identity is checked against plistutil's reading of its Info.plist and its classes and linked
 * libraries against llvm-objdump. The archive is opened with jszip, not with our zip reader, so
 * the tools see bytes our code did not touch.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { realFile } from '../helpers/real-data.js';
import { requireTool, runTool } from '../helpers/tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP = realFile('ios-test-app@1.0.1', 'TestApp.app.zip');

describe.skipIf(!APP)('ios-test-app@1.0.1: TestApp.app.zip (a real simulator app)', () => {
  let tmp: string;
  let info: string;
  let exe: string;
  let report: Report;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-real-ios-'));
    const zip = await JSZip.loadAsync(readFileSync(APP!));
    info = path.join(tmp, 'Info.plist');
    exe = path.join(tmp, 'TestApp');
    writeFileSync(info, await zip.file('TestApp.app/Info.plist')!.async('uint8array'));
    writeFileSync(exe, await zip.file('TestApp.app/TestApp')!.async('uint8array'));
    report = new Scanner().scanFile(APP!);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is scanned as an iOS app with no trackers and no warnings, and its report validates', () => {
    expect(report.platform).toBe('ios');
    expect(report.trackers).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.ios!.bundles.map((b) => [b.kind, b.path])).toEqual([['app', 'TestApp.app']]);
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    validate(JSON.parse(renderJson(report)));
    expect(validate.errors ?? []).toEqual([]);
  });

  it.runIf(requireTool('plistutil', 'libplist-utils'))('identity agrees with plistutil', () => {
    const xml = runTool('plistutil', ['-i', info, '-f', 'xml']);
    const value = (key: string) => new RegExp(`<key>${key}</key>\\s*<string>([^<]*)</string>`).exec(xml)?.[1];
    expect(value('CFBundleIdentifier')).toBe('io.appium.TestApp');
    expect(report.app.id).toBe(value('CFBundleIdentifier'));
    expect(report.app.name).toBe(value('CFBundleDisplayName'));
    expect(report.app.versionName).toBe(value('CFBundleShortVersionString'));
    expect(report.app.build).toBe(value('CFBundleVersion'));
    // no usage keys in this Info.plist, so no permissions
    expect(xml).not.toMatch(/UsageDescription/);
    expect(report.permissions).toEqual([]);
    // the keys the report lists are the plist's keys
    const keys = [...xml.matchAll(/^\t<key>([^<]+)<\/key>/gm)].map((m) => m[1]).sort();
    expect(report.ios!.plistKeys.map((k) => k.key)).toEqual(keys);
  });

  describe.runIf(requireTool('llvm-objdump', 'llvm'))('Mach-O agrees with llvm-objdump', () => {
    const classList = () => {
      const out = runTool('llvm-objdump', ['--macho', '--objc-meta-data', exe]);
      const blocks = out.split(/^(?=Contents of \()/m).filter((b) => /^Contents of \([^,]+,__objc_classlist\) section/.test(b));
      return [...new Set(blocks.flatMap((b) => [...b.matchAll(/^ {10,}name (?:0x[0-9a-f]+|\S+) (.+)$/gm)].map((m) => m[1])))].sort();
    };

    it('linked libraries, architecture, UUID and minimum OS', () => {
      const main = report.ios!.binaries[0];
      expect(main).toMatchObject({ path: 'TestApp.app/TestApp', role: 'main', archs: ['i386'], fileType: 'MH_EXECUTE', encrypted: false });
      const used = runTool('llvm-objdump', ['--macho', '--dylibs-used', exe]);
      expect(main.linked.map((l) => l.name).sort()).toEqual([...used.matchAll(/^\t(.+) \(compatibility version/gm)].map((x) => x[1]).sort());
      const headers = runTool('llvm-objdump', ['--macho', '--private-headers', exe]);
      expect(main.uuid).toBe(/^\s*uuid (\S+)$/m.exec(headers)?.[1]);
      expect(main.minOS).toBe(/cmd LC_VERSION_MIN_IPHONEOS[\s\S]*?version (\S+)/.exec(headers)?.[1]);
      expect(main.linked.filter((l) => l.system).map((l) => l.framework ?? l.name)).toEqual(
        expect.arrayContaining(['AddressBook', 'CoreLocation', 'MapKit', 'UIKit', 'Foundation', 'CoreGraphics', '/usr/lib/libobjc.A.dylib']),
      );
    });

    it('llvm-objdump lists the three classes the app defines', () => {
      expect(classList()).toEqual(['GestureTestViewController', 'MyViewControllerViewController', 'TA2AppDelegate']);
    });

    // __objc_classname also holds the names of protocols the classes adopt (UIApplicationDelegate,
    // NSObject, …); the classes come from __objc_classlist, as llvm-objdump lists them.
    it('the report counts the classes llvm-objdump lists, not the protocol names beside them', () => {
      expect(report.ios!.binaries[0].classCount).toBe(classList().length);
      expect(report.code.classesDefined).toBe(classList().length);
    });
  });
});
