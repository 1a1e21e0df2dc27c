/**
 * The iOS fixtures and the demo IPA as a whole: each report validates against
 * schema/report.schema.json, scanning twice (and with a fresh Scanner) gives byte-identical JSON,
 * the builders are deterministic, and independent tools (plistutil, llvm-objdump) read the bytes
 * the way the report describes them.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { Scanner } from '../../src/scan.js';
import { appFiles, buildIpa, buildZippedApp, campaignIpaSpec, IOS_FIXTURES, type IosAppSpec } from '../../src/testing/ios-samples.js';
import { requireTool, runTool } from '../helpers/tools.js';
import { writeIosFixtures } from './fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLE = path.join(ROOT, 'samples', 'campaign-app.ipa');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const scanner = new Scanner();
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let tmp: string;
let inputs: [string, string][] = [];
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-ios-'));
  inputs = [['campaign-app.ipa', SAMPLE], ...writeIosFixtures(tmp)];
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('iOS reports', () => {
  it('validate against schema/report.schema.json', () => {
    for (const [name, file] of inputs) {
      const report = JSON.parse(renderJson(scanner.scanFile(file)));
      validate(report);
      expect(validate.errors ?? [], name).toEqual([]);
      expect(report.platform, name).toBe('ios');
      expect(report.android, name).toBeUndefined();
    }
  });

  it('with --timing still validate', () => {
    const timed = JSON.parse(renderJson(scanner.scanFile(SAMPLE, { timing: true })));
    validate(timed);
    expect(validate.errors ?? []).toEqual([]);
    expect(Object.keys(timed.timing)).toEqual(expect.arrayContaining(['collect.info-plist', 'collect.macho', 'total']));
  });

  it('are byte-identical across two scans and across Scanners', () => {
    for (const [name, file] of inputs) {
      const a = renderJson(scanner.scanFile(file));
      expect(renderJson(scanner.scanFile(file)), name).toBe(a);
      expect(renderJson(new Scanner().scanFile(file)), name).toBe(a);
    }
  });
});

describe('iOS builders', () => {
  it('build the same bytes twice', () => {
    for (const f of [{ name: 'campaign-app.ipa', kind: 'ipa' as const, spec: campaignIpaSpec }, ...IOS_FIXTURES]) {
      const build = (s: IosAppSpec) => (f.kind === 'zipped-app' ? buildZippedApp(s) : buildIpa(s));
      expect(sha256(build(f.spec())), f.name).toBe(sha256(build(f.spec())));
    }
  });
});

/** The main executable and Info.plist of a fixture, written out for the tools. */
function extract(spec: IosAppSpec, dir: string): { exe: string; info: string; files: Map<string, Uint8Array | string> } {
  const files = new Map(appFiles(spec).map((f) => [f.path, f.data]));
  const exeName = typeof spec.info.CFBundleExecutable === 'string' ? spec.info.CFBundleExecutable : spec.name;
  const exe = path.join(dir, `${spec.name}.exe`);
  const info = path.join(dir, `${spec.name}.Info.plist`);
  writeFileSync(exe, files.get(exeName)!);
  writeFileSync(info, files.get('Info.plist')!);
  return { exe, info, files };
}

/** Class names from llvm-objdump's __objc_classlist listing (class + metaclass de-duplicated). */
function llvmClasses(file: string, arch?: string): string[] {
  const out = runTool('llvm-objdump', ['--macho', '--objc-meta-data', ...(arch ? ['--arch', arch] : []), file]);
  const blocks = out.split(/^(?=Contents of \()/m).filter((b) => /^Contents of \([^,]+,__objc_classlist\) section/.test(b));
  return [...new Set(blocks.flatMap((b) => [...b.matchAll(/^ {10,}name (?:0x[0-9a-f]+|\S+) (.+)$/gm)].map((m) => m[1])))].sort();
}

describe('independent tools read the iOS fixtures as the report does', () => {
  const havePlistutil = requireTool('plistutil', 'libplist-utils');
  const haveLlvm = requireTool('llvm-objdump', 'llvm');

  it.runIf(havePlistutil)('plistutil: the binary Info.plist of every fixture gives the identity in the report', () => {
    for (const [name, file] of inputs) {
      const f = [{ name: 'campaign-app.ipa', spec: campaignIpaSpec }, ...IOS_FIXTURES].find((x) => x.name === name)!;
      const { info } = extract(f.spec(), tmp);
      const xml = runTool('plistutil', ['-i', info, '-f', 'xml']);
      const value = (key: string) => new RegExp(`<key>${key}</key>\\s*<string>([^<]*)</string>`).exec(xml)?.[1];
      const r = scanner.scanFile(file);
      expect(r.app.id, name).toBe(value('CFBundleIdentifier'));
      expect(r.app.name, name).toBe(value('CFBundleDisplayName') ?? value('CFBundleName'));
      expect(r.app.versionName, name).toBe(value('CFBundleShortVersionString'));
      expect(r.app.build, name).toBe(value('CFBundleVersion'));
      expect(r.app.minOS, name).toBe(value('MinimumOSVersion'));
      const usageKeys = [...xml.matchAll(/<key>(NS\w+UsageDescription(?:Dictionary)?|NFCReaderUsageDescription)<\/key>/g)].map((m) => m[1]).sort();
      const fromApp = r.permissions.filter((p) => p.provenance.entry.endsWith(`${f.spec().name}.app/Info.plist`) || p.provenance.entry === 'Info.plist').map((p) => p.name).sort();
      expect(fromApp, name).toEqual(usageKeys);
    }
  });

  it.runIf(haveLlvm)('llvm-objdump: classes, linked libraries and encryption of every main executable', () => {
    for (const [name, file] of inputs) {
      const f = [{ name: 'campaign-app.ipa', spec: campaignIpaSpec }, ...IOS_FIXTURES].find((x) => x.name === name)!;
      const { exe } = extract(f.spec(), tmp);
      const r = scanner.scanFile(file);
      const main = r.ios!.binaries.find((b) => b.role === 'main')!;
      const arch = main.archs.includes('arm64') ? 'arm64' : main.archs[0];
      const headers = runTool('llvm-objdump', ['--macho', '--private-headers', '--arch', arch, exe]);
      const cryptid = /cmd LC_ENCRYPTION_INFO(?:_64)?[\s\S]*?cryptid (\d+)/.exec(headers)?.[1];
      expect(main.cryptid === undefined ? undefined : String(main.cryptid), name).toBe(cryptid);
      if (!main.encrypted) expect(main.classCount, name).toBe(llvmClasses(exe, arch).length);
      const used = runTool('llvm-objdump', ['--macho', '--dylibs-used', '--arch', arch, exe]);
      const names = [...used.matchAll(/^\t(.+) \(compatibility version/gm)].map((x) => x[1]).sort();
      expect(main.linked.map((l) => l.name).sort(), name).toEqual(names);
      expect(main.uuid, name).toBe(/^\s*uuid (\S+)$/m.exec(headers)?.[1]);
    }
  });
});
