/**
 * The DEX reader's accessors for hot loops (forEachMethod, codeSpan/codeUnits, methodClassIndex,
 * selectStrings) and walkUnits must agree with the decoding accessors they replace in the scan —
 * on writer-built files and on thousands of damaged mutants of them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttributionAnalyzer } from '../../src/analysis/attribution.js';
import { TrackerMatcher } from '../../src/analysis/trackers.js';
import { newWalkState } from '../../src/bundle/android/code-walk.js';
import { collectDexPart } from '../../src/bundle/android/dex-collect.js';
import { loadAttributionData } from '../../src/signatures/attribution-data.js';
import { DEFAULT_SIGNATURES_DIR, loadSignatures } from '../../src/signatures/load.js';
import { FormatError } from '../../src/errors.js';
import { walkCode, walkUnits } from '../../src/formats/dex-code.js';
import { CodeSpanResult, parseDex, type DexFile, type StringFilter } from '../../src/formats/dex.js';
import { decodeMutf8, encodeMutf8, measureMutf8 } from '../../src/formats/mutf8.js';
import { HOST_BYTE_CLASSES, hostsInString, mayHoldHostByClasses } from '../../src/evidence/hosts.js';
import { buildDex, buildDexContainer, everyFormatDex, sampleDexInput } from '../../src/testing/dex-writer.js';
import { mutantAt, rng } from '../helpers/fuzz.js';

const seeds = [
  buildDex(sampleDexInput()),
  buildDex(everyFormatDex()),
  buildDexContainer([sampleDexInput(41), everyFormatDex()]),
  buildDex({
    classes: [{ descriptor: 'Lio/sdk/Net;', directMethods: [{ name: '<init>' }] }],
    strings: ['https://api.tracker.example.com/v1', 'app-measurement.com', 'com.google.firebase', 'plain words', 'naïve.example.com', 'ünï://x.example.org'],
  }),
];

function parse(bytes: Uint8Array): DexFile | undefined {
  try {
    return parseDex(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return undefined;
  }
}

/** What a view of a file's methods and code collects, and how it records one method's code. */
function recorder() {
  const methods: [number, number][] = [];
  const code: number[][] = [];
  const walks: unknown[] = [];
  const record = (units: Uint16Array, start: number, end: number) => {
    code.push([...units.subarray(start, end)]);
    const refs: number[][] = [];
    walks.push({ ...walkUnits(units, start, end, (op, kind, index, pc) => refs.push([op, kind, index, pc])), refs });
  };
  return { methods, code, walks, record };
}

/** Everything the slow accessors (classData, codeItem, walkCode) say about the methods and code of a file, and the anomalies they record. */
function slowView(d: DexFile) {
  const { methods, code, walks } = recorder();
  for (const c of d.definedClasses()) {
    const data = d.classData(c.index, c.entry);
    for (const m of [...data.directMethods, ...data.virtualMethods]) {
      methods.push([m.methodIdx, m.codeOff]);
      if (m.codeOff === 0) continue;
      const item = d.codeItem(m.codeOff);
      if (!item) continue;
      const insns = item.insns();
      code.push([...insns]);
      const refs: number[][] = [];
      walks.push({ ...walkCode(insns, (op, kind, index, pc) => refs.push([op, kind, index, pc])), refs });
    }
  }
  return { methods, code, walks, anomalies: d.anomalies.map((a) => a.code) };
}

/** The same through the hot-loop accessors (forEachMethod, codeSpan over codeUnits, walkUnits). */
function fastView(d: DexFile) {
  const { methods, code, walks, record } = recorder();
  const units = d.codeUnits();
  const span = { start: 0, end: 0 };
  for (const c of d.definedClasses()) {
    d.forEachMethod(c.index, c.entry, (methodIdx, codeOff) => {
      methods.push([methodIdx, codeOff]);
      if (codeOff === 0) return;
      const found = d.codeSpan(codeOff, span);
      if (found === CodeSpanResult.Span) record(units, span.start, span.end);
      else if (found === CodeSpanResult.Unaligned) {
        const item = d.codeItem(codeOff); // odd offsets: no span, read as a copy
        if (item) record(item.insns(), 0, item.insnsSize);
      }
    });
  }
  return { methods, code, walks, anomalies: d.anomalies.map((a) => a.code) };
}

describe('DEX accessors for hot loops', () => {
  it('agree with classData/codeItem/walkCode on writer-built files', () => {
    for (const bytes of seeds) {
      const slow = slowView(parseDex(bytes));
      expect(slow.methods.length).toBeGreaterThan(0);
      expect(fastView(parseDex(bytes))).toEqual(slow);
    }
  });

  it('agree on 3,000 damaged mutants, anomalies included', () => {
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = mutantAt(seeds, 7, i);
      const a = parse(bytes);
      const b = parse(bytes);
      if (!a || !b) continue;
      expect(fastView(b), `mutant ${i}`).toEqual(slowView(a));
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('methodClassIndex and fieldClassIndex read the class of method_ids and field_ids', () => {
    for (const bytes of seeds) {
      const d = parseDex(bytes);
      for (let en = 0; en < d.entries.length; en++) {
        for (let i = 0; i < d.entries[en].counts.methods; i++) {
          expect(d.typeDescriptor(d.methodClassIndex(i, en), en)).toBe(d.methodRef(i, en).classDescriptor);
        }
        for (let i = 0; i < d.entries[en].counts.fields; i++) {
          expect(d.typeDescriptor(d.fieldClassIndex(i, en), en)).toBe(d.fieldRef(i, en).classDescriptor);
        }
        expect(d.methodClassIndex(d.entries[en].counts.methods, en)).toBe(-1);
        expect(d.fieldClassIndex(-1, en)).toBe(-1);
      }
    }
  });

  it('walkUnits reports pcs relative to the method inside a larger array', () => {
    // invoke-static {} meth@0x0007 at 0, return-void at 3, preceded by 5 units of another method
    const units = Uint16Array.of(0, 0, 0, 0, 0, 0x0071, 0x0007, 0x0000, 0x000e);
    const seen: number[][] = [];
    const r = walkUnits(units, 5, 9, (op, kind, index, pc) => seen.push([op, kind, index, pc]));
    expect(seen).toEqual([[0x71, 4, 7, 0]]);
    expect(r).toEqual({ instructions: 2, payloads: 0, units: 4 });
    // cut inside the invoke: the anomaly's pc is relative too
    expect(walkUnits(units, 5, 7).anomaly).toMatchObject({ code: 'dex-code-truncated-instruction', pc: 0 });
  });
});

describe('selectStrings', () => {
  const anyHost: StringFilter = { classes: HOST_BYTE_CLASSES, keep: (any, all, _n, b, s, e) => mayHoldHostByClasses(any, all, b, s, e) };

  it('selects every string that holds a host, and skips plain names', () => {
    const d = parseDex(seeds[3]);
    const picked = d.selectStrings(0, anyHost).map((i) => d.string(i, 0));
    expect(picked).toEqual(expect.arrayContaining(['https://api.tracker.example.com/v1', 'app-measurement.com', 'ünï://x.example.org']));
    expect(picked).not.toContain('plain words');
    expect(picked).not.toContain('Lio/sdk/Net;');
  });

  it('never skips a string with a host, nor one whose decoding finds damage (mutants)', () => {
    let checked = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = mutantAt(seeds, 11, i);
      const d = parse(bytes);
      if (!d) continue;
      for (let en = 0; en < d.entries.length; en++) {
        const picked = new Set(d.selectStrings(en, anyHost));
        for (let idx = 0; idx < d.entries[en].counts.strings; idx++) {
          if (picked.has(idx)) continue;
          const before = d.anomalies.length;
          const s = d.string(idx, en);
          expect(hostsInString(s), `mutant ${i} string ${idx}`).toEqual([]);
          expect(d.anomalies.length, `mutant ${i} string ${idx} was damaged but skipped`).toBe(before);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

/** mayHoldHostByClasses over bytes whose classes are gathered here, as selectStrings gathers them */
function mayHoldHost(bytes: Uint8Array, start: number, end: number): boolean {
  let any = 0;
  let all = 0xff;
  for (let i = start; i < end; i++) {
    any |= HOST_BYTE_CLASSES[bytes[i]];
    all &= HOST_BYTE_CLASSES[bytes[i]];
  }
  return mayHoldHostByClasses(any, all, bytes, start, end);
}

describe('mayHoldHost and measureMutf8', () => {
  const random = rng(5);
  const alphabet = ['a', 'z', '0', '-', '.', ':', '/', 'A', ' ', 'é', '\u0000', '\ud83d\ude00', 'com', 'http', '://', 'example', '.com', '.io'];
  const randomString = () => {
    let s = '';
    const n = Math.floor(random() * 12);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
    return s;
  };

  it('mayHoldHost says yes to every string hostsInString finds a host in', () => {
    let hosts = 0;
    for (let i = 0; i < 20000; i++) {
      const s = randomString();
      const bytes = encodeMutf8(s);
      if (hostsInString(s).length > 0) {
        hosts++;
        expect(mayHoldHost(bytes, 0, bytes.length), JSON.stringify(s)).toBe(true);
      }
    }
    expect(hosts).toBeGreaterThan(100);
  });

  it('measureMutf8 agrees with decodeMutf8 on random bytes', () => {
    for (let i = 0; i < 5000; i++) {
      const n = Math.floor(random() * 24);
      const bytes = new Uint8Array(n);
      for (let k = 0; k < n; k++) bytes[k] = random() < 0.7 ? Math.floor(random() * 256) : 0x41;
      const start = Math.floor(random() * (n + 1));
      const d = decodeMutf8(bytes, start);
      expect(measureMutf8(bytes, start)).toEqual({ units: d.value.length, valid: d.valid, end: d.end, terminated: d.terminated });
    }
  });
});

describe('class data and type lists shared on purpose', () => {
  // A fuzz mutant (115 KB): 1,881 class_defs whose class data and interface lists overlap, which
  // asked the walk for 13.7 billion code units and definedClasses for 15 million interfaces.
  const bytes = readFileSync(path.resolve(__dirname, '../fixtures/fuzz-regressions/dex-scan-hang-s7-i727.bin'));

  it('are read within a budget, quickly, and say so', () => {
    const started = performance.now();
    const db = loadSignatures();
    const query = new AttributionAnalyzer(loadAttributionData(DEFAULT_SIGNATURES_DIR, db.permissions), new TrackerMatcher(db), db.sdks, []).query();
    const part = collectDexPart(bytes, 'classes.dex', { wantedStrings: new Set(), walk: newWalkState(query, 'com.example') });
    const codes = part.warnings.map((w) => w.code);
    expect(codes).toContain('dex-code-walk-budget');
    expect(codes).toContain('dex-type-lists-excessive');
    expect(part.stats!.units).toBeLessThan(bytes.length * 2);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
