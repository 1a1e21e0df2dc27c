/**
 * Real vendor binaries (REAL-DATA.md), fetched once per machine through test/helpers/real-data.ts
 * (`npm pack <pkg>@<version>` into the git-ignored `.cache/real-data/`, SHA-256 pinned in
 * test/real-data.lock.json). Skips when the registry cannot be reached (not under CI) or
 * llvm-objdump is absent. Compares our reader with llvm-objdump per arch: dylibs, UUID, ObjC class list.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMachO } from '../../src/formats/macho.js';
import { realFile } from '../helpers/real-data.js';
import { requireTool, runTool } from '../helpers/tools.js';

const BINARIES: [string, string][] = [
  ['branch-cordova-sdk@3.0.1', 'src/ios/Branch.framework/Branch'],
  ['cordova-plugin-appsflyer-sdk@4.4.14', 'src/ios/libAppsFlyerLib.a'],
];
const haveLlvm = requireTool('llvm-objdump', 'llvm');
const present = haveLlvm ? BINARIES.map(([spec, rel]) => realFile(spec, rel)).filter((p): p is string => p !== undefined) : [];

/** class_ro_t names (space-indented `name` lines) of one arch, class + metaclass de-duplicated */
function llvmClasses(file: string, arch: string): string[] {
  const out = runTool('llvm-objdump', ['--macho', '--objc-meta-data', '--arch', arch, file]);
  const blocks = out.split(/^(?=Contents of \()/m).filter((b) => /^Contents of \([^,]+,__objc_classlist\) section/.test(b));
  return [...new Set(blocks.flatMap((b) => [...b.matchAll(/^ {10,}name (?:0x[0-9a-f]+|\S+) (.+)$/gm)].map((m) => m[1])))];
}

describe.skipIf(present.length === 0)('real vendor Mach-O binaries', () => {
  it.each(present.map((p) => [path.basename(p), p]))('%s agrees with llvm-objdump', (_name, file) => {
    const bytes = new Uint8Array(readFileSync(file));
    const m = parseMachO(bytes);
    expect(m.slices.length).toBeGreaterThan(0);
    const archs = [...new Set(m.slices.map((s) => s.arch))];
    for (const arch of archs) {
      const slices = m.slices.filter((s) => s.arch === arch);
      const ours = slices.flatMap((s) => s.objcClassList());
      const theirs = llvmClasses(file, arch);
      expect(new Set(ours), arch).toEqual(new Set(theirs));
      const out = runTool('llvm-objdump', ['--macho', '--objc-meta-data', '--arch', arch, file]);
      const catBlocks = out.split(/^(?=Contents of \()/m).filter((b) => /^Contents of \([^,]+,__objc_catlist\) section/.test(b));
      // llvm-objdump 14 prints a 32-bit category's name pointer without the string: compare counts there
      const theirCats = catBlocks.flatMap((b) => [...b.matchAll(/^ {10,}name (?:0x[0-9a-f]+|\S+)(?: (.+))?$/gm)].map((x) => x[1] ?? '?'));
      const ourCats = slices.flatMap((s) => s.objcCategoryNames());
      if (slices[0].is64) expect(ourCats.sort(), `${arch} categories`).toEqual(theirCats.sort());
      else expect(ourCats.length, `${arch} categories`).toBe(theirCats.length);
      if (m.kind !== 'archive') {
        const used = runTool('llvm-objdump', ['--macho', '--dylibs-used', '--arch', arch, file]);
        const names = [...used.matchAll(/^\t(.+) \(compatibility version/gm)].map((x) => x[1]);
        const s = slices[0];
        expect([...(s.idDylib ? [s.idDylib.name] : []), ...s.dylibs.map((d) => d.name)]).toEqual(names);
        const uuid = /^\s*uuid (\S+)$/m.exec(runTool('llvm-objdump', ['--macho', '--private-headers', '--arch', arch, file]))?.[1];
        expect(s.uuid).toBe(uuid);
      }
    }
    const anomalies = m.anomalies.map((a) => a.code);
    expect(anomalies).toEqual([]);
  });
});
