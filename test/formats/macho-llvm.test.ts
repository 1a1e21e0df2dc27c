/**
 * Cross-checks with Debian's llvm-objdump and llvm-nm (independent Mach-O readers): what the writer
 * produces must be accepted, and our reader must agree with them on dylibs, UUID, build version,
 * encryption info, code signature location, ObjC class names and symbols.
 * (LLVM 14's --objc-meta-data does not decode chained fixups, so those files are checked for
 * acceptance and load commands only.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { N_EXT, N_TYPE, N_UNDF, parseMachO, type MachOSlice } from '../../src/formats/macho.js';
import { buildArchive, buildFat, buildMachO, buildMachOObject, sampleMachOInput, type MachOWriterInput } from '../../src/testing/macho-writer.js';
import { requireTool, runTool } from '../helpers/tools.js';

const haveObjdump = requireTool('llvm-objdump', 'llvm');
const haveNm = requireTool('llvm-nm', 'llvm');

interface PrivateHeaders {
  uuid?: string;
  platform?: string;
  minos?: string;
  sdk?: string;
  encryption?: { cryptoff: number; cryptsize: number; cryptid: number };
  codeSignature?: { dataoff: number; datasize: number };
  loadDylibs: string[];
}

/** Parses one image's `llvm-objdump --macho --private-headers` output. */
function privateHeaders(out: string): PrivateHeaders {
  const r: PrivateHeaders = { loadDylibs: [] };
  const commands = out.split(/^Load command \d+$/m).slice(1);
  for (const c of commands) {
    const cmd = /^\s*cmd (\w+)/m.exec(c)?.[1];
    const field = (name: string): string | undefined => new RegExp(`^\\s*${name} (.+)$`, 'm').exec(c)?.[1].trim();
    if (cmd === 'LC_UUID') r.uuid = field('uuid');
    if (cmd === 'LC_BUILD_VERSION' || cmd === 'LC_VERSION_MIN_IPHONEOS') {
      r.platform = cmd === 'LC_VERSION_MIN_IPHONEOS' ? 'ios' : field('platform');
      r.minos = field('minos') ?? field('version');
      r.sdk = field('sdk');
    }
    if (cmd === 'LC_ENCRYPTION_INFO_64' || cmd === 'LC_ENCRYPTION_INFO') {
      r.encryption = { cryptoff: Number(field('cryptoff')), cryptsize: Number(field('cryptsize')), cryptid: Number(field('cryptid')) };
    }
    if (cmd === 'LC_CODE_SIGNATURE') r.codeSignature = { dataoff: Number(field('dataoff')), datasize: Number(field('datasize')) };
    if (cmd && /^LC_(LOAD|LOAD_WEAK|REEXPORT|LAZY_LOAD|LOAD_UPWARD)_DYLIB$/.test(cmd)) r.loadDylibs.push(field('name')!.replace(/ \(offset \d+\)$/, ''));
  }
  return r;
}

/** `--dylibs-used` lines: name (compatibility version X, current version Y[, weak|reexport|…]) */
function dylibsUsed(out: string): { name: string; compat: string; current: string; tag?: string }[] {
  return [...out.matchAll(/^\t(.+) \(compatibility version ([\d.]+), current version ([\d.]+)(?:, (\w+))?\)$/gm)].map((m) => ({
    name: m[1],
    compat: m[2],
    current: m[3],
    tag: m[4],
  }));
}

/** class_ro_t names from `--objc-meta-data` (space-indented `name` lines; method names are tab-indented), de-duplicated (class + metaclass). */
function objcClassNames(out: string): string[] {
  return [...new Set(llvmSection(out, '__objc_classlist').flatMap((b) => [...b.matchAll(/^ {10,}name (?:0x[0-9a-f]+|\S+) (.+)$/gm)].map((m) => m[1])))];
}

/** the bodies of every `Contents of (SEG,sectname) section` block with this section name */
function llvmSection(out: string, sectname: string): string[] {
  return out
    .split(/^(?=Contents of \()/m)
    .filter((b) => new RegExp(`^Contents of \\([^,]+,${sectname}\\) section`).test(b));
}

function expectAgrees(slice: MachOSlice, file: string, archFlag: string[] = []): void {
  const ph = privateHeaders(runTool('llvm-objdump', ['--macho', '--private-headers', ...archFlag, file]));
  expect(slice.uuid).toBe(ph.uuid);
  expect(slice.platformName).toBe(ph.platform);
  expect(slice.minOS).toBe(ph.minos);
  expect(slice.sdk).toBe(ph.sdk);
  if (ph.encryption) expect({ cryptoff: slice.encryption?.cryptoff, cryptsize: slice.encryption?.cryptsize, cryptid: slice.encryption?.cryptid }).toEqual(ph.encryption);
  else expect(slice.encryption).toBeUndefined();
  expect(slice.codeSignatureCommand).toEqual(ph.codeSignature);
  expect(slice.dylibs.map((d) => d.name)).toEqual(ph.loadDylibs);
  const used = dylibsUsed(runTool('llvm-objdump', ['--macho', '--dylibs-used', ...archFlag, file]));
  // --dylibs-used lists the LC_ID_DYLIB of a dylib first
  expect([...(slice.idDylib ? [slice.idDylib] : []), ...slice.dylibs].map((d) => ({ name: d.name, compat: d.compatVersion, current: d.currentVersion, weak: d.kind === 'weak' }))).toEqual(
    used.map((u) => ({ name: u.name, compat: u.compat, current: u.current, weak: u.tag === 'weak' })),
  );
}

describe.skipIf(!haveObjdump || !haveNm)('llvm-objdump / llvm-nm cross-check', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trackscan-macho-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, bytes: Uint8Array): string => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  const variants: [string, MachOWriterInput][] = [
    ['executable', sampleMachOInput()],
    ['dylib-x86_64', sampleMachOInput({ fileType: 'dylib', arch: 'x86_64', installName: '@rpath/Tracker.framework/Tracker' })],
    ['bundle', sampleMachOInput({ fileType: 'bundle', uuid: null })],
    ['encrypted', sampleMachOInput({ encryption: { cryptid: 1 } })],
    ['decrypted', sampleMachOInput({ encryption: { cryptid: 0 } })],
    ['signed', sampleMachOInput({ codeSignature: { identifier: 'com.example.app', teamId: 'ABCDE12345', entitlements: '<plist/>' } })],
    ['version-min', sampleMachOInput({ versionMin: true, minOS: '9.3' })],
  ];

  it.each(variants)('%s: load commands and ObjC classes agree', (name, input) => {
    const bytes = buildMachO(input);
    const file = write(name, bytes);
    const m = parseMachO(bytes);
    expect(m.anomalies).toEqual([]);
    const slice = m.slices[0];
    expectAgrees(slice, file);
    // llvm-objdump prints class names even from an "encrypted" range (it does not know); we withhold them
    const llvmClasses = objcClassNames(runTool('llvm-objdump', ['--macho', '--objc-meta-data', file]));
    expect(llvmClasses).toEqual((input.classes ?? []).map((c) => c.name));
    if (slice.encrypted) expect(slice.objcClassList()).toEqual([]);
    else expect(slice.objcClassList()).toEqual(llvmClasses);
  });

  it('accepts chained-fixup images (load commands agree)', () => {
    for (const pointerFormat of ['chained-64', 'chained-64-offset', 'chained-arm64e'] as const) {
      const bytes = buildMachO(sampleMachOInput({ pointerFormat }));
      const file = write(`chained-${pointerFormat}`, bytes);
      expectAgrees(parseMachO(bytes).slices[0], file);
      expect(runTool('llvm-objdump', ['--macho', '--private-headers', file])).toContain('LC_DYLD_CHAINED_FIXUPS');
    }
  });

  it('fat file: every arch agrees', () => {
    const bytes = buildFat([buildMachO(sampleMachOInput({ arch: 'x86_64' })), buildMachO(sampleMachOInput())]);
    const file = write('fat', bytes);
    const m = parseMachO(bytes);
    for (const slice of m.slices) {
      expectAgrees(slice, file, ['--arch', slice.arch]);
      const names = objcClassNames(runTool('llvm-objdump', ['--macho', '--objc-meta-data', '--arch', slice.arch, file]));
      expect(slice.objcClassList()).toEqual(names);
    }
  });

  it('static library: members, symbols and ObjC classes agree', () => {
    const members = [
      { name: 'AppsFlyerTracker.o', bytes: buildMachOObject({ classes: [{ name: 'AppsFlyerTracker', methods: ['trackEvent:'] }] }) },
      { name: 'AFSDKDeviceInfo-with-a-long-name.o', bytes: buildMachOObject({ classes: [{ name: 'AFSDKDeviceInfo' }, { name: 'AFSDKNetwork' }] }) },
    ];
    const bytes = buildArchive(members);
    const file = write('libTracker.a', bytes);
    const m = parseMachO(bytes);
    expect(m.anomalies).toEqual([]);
    const headers = runTool('llvm-objdump', ['--macho', '--archive-headers', file]);
    const memberNames = [...headers.matchAll(/^\S+\s+\d+\/\d+\s+\d+ .+ \d{4} (.+)$/gm)].map((x) => x[1]);
    expect(m.members.map((x) => x.name)).toEqual(memberNames);

    const nm = runTool('llvm-nm', ['--defined-only', '--extern-only', '-j', file]);
    const nmByMember = new Map<string, string[]>();
    let current = '';
    for (const line of nm.split('\n')) {
      const head = /\((.+)\):$/.exec(line);
      if (head) nmByMember.set((current = head[1]), []);
      else if (line.trim()) nmByMember.get(current)?.push(line.trim());
    }
    for (const slice of m.slices) {
      const ours = slice
        .symbols()
        .filter((s) => (s.type & N_EXT) !== 0 && (s.type & N_TYPE) !== N_UNDF)
        .map((s) => s.name)
        .sort();
      expect(ours).toEqual([...(nmByMember.get(slice.member!) ?? [])].sort());
    }
    const llvmClasses = objcClassNames(runTool('llvm-objdump', ['--macho', '--objc-meta-data', file]));
    expect(m.slices.flatMap((s) => s.objcClassList())).toEqual(llvmClasses);
    expect(llvmClasses).toEqual(['AppsFlyerTracker', 'AFSDKDeviceInfo', 'AFSDKNetwork']);
  });
});
