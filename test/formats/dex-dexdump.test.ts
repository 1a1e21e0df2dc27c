/**
 * Cross-checks with Debian's dexdump (an independent reader, with ART's structural verifier):
 * writer output must be accepted and must list the same classes; for the real APKs from
 * devDependencies, every classes*.dex must give the same class descriptors and header counts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDex, type DexFile } from '../../src/formats/dex.js';
import { decodeMutf8 } from '../../src/formats/mutf8.js';
import { buildDex, sampleDexInput, type DexWriterInput } from '../../src/testing/dex-writer.js';
import { realApks, requireTool, runTool } from '../helpers/tools.js';

/**
 * dexdump prints names as their raw MUTF-8 bytes (a supplementary character comes out as two
 * 3-byte surrogate sequences, which a UTF-8 decoder would turn into U+FFFD), so read its output as
 * latin1 (one char per byte) and decode the captured names as MUTF-8.
 */
function runDexdumpLatin1(args: string[]): string {
  return execFileSync('dexdump', args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] }).toString('latin1');
}

function fromLatin1Mutf8(s: string): string {
  return decodeMutf8(Buffer.from(s, 'latin1'), 0).value;
}

const haveDexdump = requireTool('dexdump');

interface DexdumpSummary {
  version: string;
  counts: Record<string, number>;
  classes: string[];
}

/** Parses `dexdump -f` output: header fields and the `Class descriptor` lines, in order. */
function dexdump(file: string): DexdumpSummary {
  const out = runDexdumpLatin1(['-f', file]);
  const version = /DEX version '(\d+)'/.exec(out)?.[1] ?? '';
  const counts: Record<string, number> = {};
  for (const m of out.matchAll(/^(\w+_size)\s+: (\d+)$/gm)) counts[m[1]] = Number(m[2]);
  const classes = [...out.matchAll(/^ {2}Class descriptor {2}: '(.*)'$/gm)].map((m) => fromLatin1Mutf8(m[1]));
  return { version, counts, classes };
}

function expectSameAsDexdump(dex: DexFile, dump: DexdumpSummary): void {
  expect(dex.definedClassDescriptors()).toEqual(dump.classes);
  const e = dex.entries[0];
  expect(e.declaredCounts).toEqual({
    strings: dump.counts.string_ids_size,
    types: dump.counts.type_ids_size,
    protos: dump.counts.proto_ids_size,
    fields: dump.counts.field_ids_size,
    methods: dump.counts.method_ids_size,
    classDefs: dump.counts.class_defs_size,
  });
  expect(e.counts).toEqual(e.declaredCounts);
}

describe.skipIf(!haveDexdump)('dexdump cross-check', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trackscan-dex-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // dexdump 11 (Debian) reads 035–040; version 041 containers are newer than it.
  it.each([35, 37, 38, 39, 40])('accepts writer output, version %i, and lists the same classes', (version) => {
    const bytes = buildDex(sampleDexInput(version));
    const file = path.join(dir, `sample-${version}.dex`);
    writeFileSync(file, bytes);
    expect(runTool('dexdump', ['-c', file])).toContain('Checksum verified');
    const dump = dexdump(file);
    expect(dump.version).toBe(String(version).padStart(3, '0'));
    const dex = parseDex(bytes);
    expect(dex.anomalies).toEqual([]);
    expectSameAsDexdump(dex, dump);
  });

  it('accepts a larger generated file whose pools need careful sorting', () => {
    // names chosen to stress UTF-16 code-unit ordering: case, '$', digits, non-ASCII, astral chars
    const names = ['a', 'B', 'Z$1', 'z', 'é', 'ß', '日本', '😀x', '\uffef', 'a$b', 'A0', '_'];
    const input: DexWriterInput = {
      classes: names.flatMap((n, i) => [
        {
          descriptor: `Lpkg${i % 3}/${n};`,
          superclass: i > 0 ? `Lpkg${(i - 1) % 3}/${names[i - 1]};` : undefined,
          instanceFields: [{ name: `f${n}`, type: i % 2 ? 'I' : `Lpkg${i % 3}/${n};` }],
          virtualMethods: [{ name: `m${n}`, returnType: i % 2 ? 'J' : 'Ljava/lang/Object;', parameters: i % 2 ? ['D', 'I'] : ['[I'] }],
          directMethods: [{ name: '<init>' }, { name: `s${n}`, accessFlags: 0x9, returnType: 'F', parameters: [`Lpkg${i % 3}/${n};`] }],
        },
      ]),
      strings: names.map((n) => `const ${n} \u0000 ${n}`),
    };
    const bytes = buildDex(input);
    const file = path.join(dir, 'sorted.dex');
    writeFileSync(file, bytes);
    const dex = parseDex(bytes);
    expect(dex.anomalies).toEqual([]);
    expectSameAsDexdump(dex, dexdump(file));
    expect(new Set(dex.definedClassDescriptors())).toEqual(new Set(input.classes.map((c) => c.descriptor)));
  });

  const apks = realApks();
  it.skipIf(apks.length === 0).each(apks.map((a) => [a.name, a.path]))(
    'agrees with dexdump on every DEX of %s',
    async (_name, apkPath) => {
      const zip = await JSZip.loadAsync(readFileSync(apkPath));
      const dexNames = Object.keys(zip.files).filter((n) => /^classes\d*\.dex$/.test(n));
      expect(dexNames.length).toBeGreaterThan(0);
      for (const name of dexNames) {
        const bytes = await zip.file(name)!.async('uint8array');
        const started = performance.now();
        const dex = parseDex(bytes);
        const classes = dex.definedClassDescriptors();
        const ms = performance.now() - started;
        // tens of ms even for a 7 MB DEX (checksum included); generous bound for slow CI machines
        expect(ms, `${name}: ${ms.toFixed(1)} ms`).toBeLessThan(1000);
        expect(dex.anomalies, name).toEqual([]);
        const file = path.join(dir, `${path.basename(apkPath)}-${name}`);
        writeFileSync(file, bytes);
        const dump = dexdump(file);
        expect(classes.length, name).toBe(dump.classes.length);
        expectSameAsDexdump(dex, dump);
        rmSync(file);
      }
    },
    120_000,
  );
});
