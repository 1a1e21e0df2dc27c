/**
 * Cross-check of the bytecode walker with Debian's `dexdump -d` (AOSP's disassembler, an
 * independent decoder): for every method with code, the number of instructions (payload
 * pseudo-instructions included) and the sequence of method indices its instructions name must be
 * the same. Run on writer-built DEX using every instruction format and on the real APKs' DEX.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { RefKind, walkCode } from '../../src/formats/dex-code.js';
import { descriptorToJavaName, parseDex } from '../../src/formats/dex.js';
import { buildDex, everyFormatDex, sampleDexInput } from '../../src/testing/dex-writer.js';
import { realApks, requireTool } from '../helpers/tools.js';

const haveDexdump = requireTool('dexdump');
const tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-dexcode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface MethodWalk {
  instructions: number;
  /** method@ indices named by the method's instructions, in order */
  methods: number[];
}

/** `dexdump -d`: per method (`pkg.Class.name:sig`), instruction lines and their method@ indices. */
function dexdumpMethods(file: string): Map<string, MethodWalk> {
  const out = execFileSync('dexdump', ['-d', file], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] }).toString('latin1');
  const methods = new Map<string, MethodWalk>();
  let current: MethodWalk | undefined;
  for (const line of out.split('\n')) {
    const header = /^[0-9a-f]{6}:\s+\|\[[0-9a-f]+\] (.*)$/.exec(line);
    if (header) {
      current = { instructions: 0, methods: [] };
      methods.set(header[1], current);
      continue;
    }
    if (!current || !/^[0-9a-f]{6}: [0-9a-f .]*\|[0-9a-f]{4}: /.test(line)) continue;
    current.instructions++;
    const m = /\/\/ method@([0-9a-f]+)(, proto@[0-9a-f]+)?$/.exec(line);
    if (m) current.methods.push(parseInt(m[1], 16));
  }
  return methods;
}

/** The same, from our reader and walker. Only ASCII names (dexdump prints raw MUTF-8). */
function ourMethods(bytes: Uint8Array): Map<string, MethodWalk> {
  const dex = parseDex(bytes);
  const methods = new Map<string, MethodWalk>();
  for (const cls of dex.definedClasses()) {
    const data = dex.classData(cls.index, cls.entry);
    for (const m of [...data.directMethods, ...data.virtualMethods]) {
      if (!m.codeOff) continue;
      const code = dex.codeItem(m.codeOff)!;
      const ref = dex.methodRef(m.methodIdx, cls.entry);
      const walk: MethodWalk = { instructions: 0, methods: [] };
      const r = walkCode(code.insns(), (_op, kind, index) => {
        if (kind === RefKind.Method) walk.methods.push(index);
      });
      expect(r.anomaly, `${ref.classDescriptor}->${ref.name}`).toBeUndefined();
      walk.instructions = r.instructions;
      methods.set(`${descriptorToJavaName(cls.descriptor)}.${ref.name}:${ref.signature}`, walk);
    }
  }
  return methods;
}

function expectSame(bytes: Uint8Array, name: string): number {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  const theirs = dexdumpMethods(file);
  const ours = ourMethods(bytes);
  const ascii = (k: string) => /^[\x20-\x7e]*$/.test(k);
  const keys = [...ours.keys()].filter(ascii).sort();
  expect(keys).toEqual([...theirs.keys()].filter(ascii).sort());
  let instructions = 0;
  for (const k of keys) {
    expect(ours.get(k), k).toEqual(theirs.get(k));
    instructions += ours.get(k)!.instructions;
  }
  return instructions;
}

describe.skipIf(!haveDexdump)('walker vs dexdump -d', () => {
  it('agrees on writer-built DEX using every instruction format and the three payloads', () => {
    expect(expectSame(buildDex(everyFormatDex()), 'formats.dex')).toBeGreaterThan(30);
    expect(expectSame(buildDex(sampleDexInput()), 'sample.dex')).toBeGreaterThan(5);
  });

  it('agrees on the real APKs’ DEX files (first of each)', { timeout: 120_000 }, async () => {
    const apks = realApks();
    if (!apks.length) return;
    let total = 0;
    for (const apk of apks.slice(0, 3)) {
      const zip = await JSZip.loadAsync(await import('node:fs').then((fs) => fs.readFileSync(apk.path)));
      const dexNames = Object.keys(zip.files).filter((n) => /^classes\d*\.dex$/.test(n)).sort().slice(0, 1);
      for (const n of dexNames) total += expectSame(await zip.file(n)!.async('uint8array'), `${apk.name}-${n}`);
    }
    expect(total).toBeGreaterThan(10_000);
  });
});
