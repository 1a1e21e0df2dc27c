import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import {
  ACC_ABSTRACT,
  ACC_CONSTRUCTOR,
  ACC_INTERFACE,
  ACC_NATIVE,
  ACC_PUBLIC,
  adler32,
  descriptorToJavaName,
  isDexPlaceholder,
  parseDex,
  type DexFile,
} from '../../src/formats/dex.js';
import { buildDex, buildDexContainer, sampleDexInput, type DexWriterInput } from '../../src/testing/dex-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';

const SAMPLE_CLASSES = [
  'Lcom/example/tracker/Base;',
  'Lcom/example/tracker/Api;',
  'Lcom/example/tracker/Impl;',
  'Lcom/example/tracker/Impl$Inner;',
  'Lcom/example/ünïcødé/Klasse;',
  'LNoPackage;',
];

const small: DexWriterInput = {
  classes: [{ descriptor: 'Lio/sdk/Second;', directMethods: [{ name: '<init>' }] }, { descriptor: 'Lio/sdk/Third;' }],
  strings: ['second dex'],
};

function codes(dex: DexFile): string[] {
  return dex.anomalies.map((a) => a.code);
}

/** Rewrites the adler32 checksum after a deliberate edit, so only the edit is reported. */
function fixChecksum(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(8, adler32(bytes, 12), true);
  return bytes;
}

function indexOfBytes(hay: Uint8Array, needle: string): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle, 'utf8'));
}

describe('parseDex on writer-built files', () => {
  const bytes = buildDex(sampleDexInput());
  const dex = parseDex(bytes);

  it('reads the header without anomalies', () => {
    expect(dex.version).toBe(35);
    expect(dex.anomalies).toEqual([]);
    expect(dex.entries).toHaveLength(1);
    expect(dex.entries[0].checksumValid).toBe(true);
    expect(dex.counts.classDefs).toBe(6);
    expect(dex.counts).toEqual(dex.entries[0].declaredCounts);
  });

  it('lists defined classes in file order (superclass and interfaces first)', () => {
    expect(dex.definedClassDescriptors()).toEqual(SAMPLE_CLASSES);
  });

  it('decodes class_defs: flags, superclass, interfaces, source file', () => {
    const defs = dex.definedClasses();
    const impl = defs.find((c) => c.descriptor === 'Lcom/example/tracker/Impl;')!;
    expect(impl).toMatchObject({
      accessFlags: ACC_PUBLIC | 0x10,
      superclass: 'Lcom/example/tracker/Base;',
      interfaces: ['Lcom/example/tracker/Api;', 'Ljava/lang/Runnable;'],
      sourceFile: 'Impl.java',
      entry: 0,
      index: 2,
    });
    const api = defs.find((c) => c.descriptor === 'Lcom/example/tracker/Api;')!;
    expect(api.accessFlags & ACC_INTERFACE).toBe(ACC_INTERFACE);
    expect(api.sourceFile).toBeUndefined();
    expect(api.superclass).toBe('Ljava/lang/Object;');
    expect(defs.find((c) => c.descriptor === 'Lcom/example/tracker/Impl$Inner;')!.classDataOff).toBe(0);
  });

  it('returns every string constant, including non-ASCII, surrogate pairs and U+0000', () => {
    const all = [...dex.strings()];
    expect(all).toHaveLength(dex.counts.strings);
    for (const s of ['https://tracker.example.com/collect', 'naïve café', 'emoji 😀 pair', 'nul\u0000inside', '日本語', '']) {
      expect(all).toContain(s);
    }
    // string_ids are sorted by UTF-16 code units
    expect(all).toEqual([...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(dex.string(all.indexOf('日本語'))).toBe('日本語');
  });

  it('lists referenced types, method refs and field refs', () => {
    const types = dex.referencedTypes();
    expect(types).toContain('Landroid/location/LocationManager;');
    expect(types).toContain('[[I');
    expect(types).toContain('Ljava/lang/Runnable;');
    const methods = [...dex.methodRefs()];
    expect(methods).toContainEqual({
      classDescriptor: 'Landroid/location/LocationManager;',
      name: 'getLastKnownLocation',
      shorty: 'LL',
      returnType: 'Landroid/location/Location;',
      parameters: ['Ljava/lang/String;'],
      signature: '(Ljava/lang/String;)Landroid/location/Location;',
    });
    expect(methods.find((m) => m.name === 'helper')!.signature).toBe('(ID[Ljava/lang/String;)J');
    expect(methods.find((m) => m.name === 'helper')!.shorty).toBe('JIDL');
    expect([...dex.fieldRefs()]).toContainEqual({ classDescriptor: 'Landroid/os/Build;', name: 'SERIAL', type: 'Ljava/lang/String;' });
    expect(dex.anomalies).toEqual([]);
  });

  it('decodes class_data and code items on demand', () => {
    const impl = dex.definedClasses().find((c) => c.descriptor === 'Lcom/example/tracker/Impl;')!;
    const data = dex.classData(impl.index, impl.entry);
    expect(data.staticFields.map((f) => dex.fieldRef(f.fieldIdx).name).sort()).toEqual(['COUNT', 'INSTANCE']);
    expect(data.instanceFields.map((f) => dex.fieldRef(f.fieldIdx))).toContainEqual({ classDescriptor: 'Lcom/example/tracker/Impl;', name: 'id', type: 'J' });
    expect(data.directMethods.map((m) => dex.methodRef(m.methodIdx).name).sort()).toEqual(['<clinit>', '<init>', 'helper']);
    const init = data.directMethods.find((m) => dex.methodRef(m.methodIdx).name === '<init>')!;
    expect(init.accessFlags).toBe(ACC_PUBLIC | ACC_CONSTRUCTOR);
    const virtual = new Map(data.virtualMethods.map((m) => [dex.methodRef(m.methodIdx).name, m]));
    expect([...virtual.keys()].sort()).toEqual(['id', 'nativeHash', 'run', 'track']);
    expect(virtual.get('nativeHash')!.codeOff).toBe(0);
    expect(virtual.get('nativeHash')!.accessFlags & ACC_NATIVE).toBe(ACC_NATIVE);

    const run = dex.codeItem(virtual.get('run')!.codeOff)!;
    expect(run).toMatchObject({ registersSize: 1, insSize: 1, outsSize: 0, triesSize: 0, insnsSize: 1 });
    expect([...run.insns()]).toEqual([0x000e]);
    const id = dex.codeItem(virtual.get('id')!.codeOff)!;
    expect(id).toMatchObject({ registersSize: 2, insSize: 1 });
    expect([...id.insns()]).toEqual([0x0012, 0x0011]);
    const helper = dex.codeItem(data.directMethods.find((m) => dex.methodRef(m.methodIdx).name === 'helper')!.codeOff)!;
    expect(helper.insSize).toBe(1 + 1 + 2 + 1); // this + I + D(wide) + String[]
    expect([...helper.insns()]).toEqual([0x0016, 0x0000, 0x0010]);

    const base = dex.definedClasses().find((c) => c.descriptor === 'Lcom/example/tracker/Base;')!;
    const abstractTrack = dex.classData(base.index).virtualMethods[0];
    expect(abstractTrack.accessFlags & ACC_ABSTRACT).toBe(ACC_ABSTRACT);
    expect(abstractTrack.codeOff).toBe(0);
    expect(dex.anomalies).toEqual([]);
  });

  it('reads code units from an unaligned copy of the file', () => {
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const d = parseDex(shifted.subarray(1));
    const impl = d.definedClasses().find((c) => c.descriptor === 'Lcom/example/tracker/Impl;')!;
    const id = d.classData(impl.index).virtualMethods.find((m) => d.methodRef(m.methodIdx).name === 'id')!;
    expect([...d.codeItem(id.codeOff)!.insns()]).toEqual([0x0012, 0x0011]);
    expect(d.anomalies).toEqual([]);
  });

  it.each([35, 36, 37, 38, 39, 40, 41])('reads version %i', (version) => {
    const d = parseDex(buildDex(sampleDexInput(version)));
    expect(d.version).toBe(version);
    expect(d.anomalies).toEqual([]);
    expect(d.definedClassDescriptors()).toEqual(SAMPLE_CLASSES);
  });

  it('parses every dex of a version 041 container and merges the lists', () => {
    const container = buildDexContainer([sampleDexInput(41), small]);
    const d = parseDex(container);
    expect(d.anomalies).toEqual([]);
    expect(d.entries.map((e) => e.headerOffset)).toEqual([0, d.entries[1].headerOffset]);
    expect(d.entries[1].headerOffset).toBeGreaterThan(0);
    expect(d.entries.every((e) => e.checksumValid)).toBe(true);
    expect(d.definedClassDescriptors()).toEqual([...SAMPLE_CLASSES, 'Lio/sdk/Second;', 'Lio/sdk/Third;']);
    expect(d.counts.classDefs).toBe(8);
    expect([...d.strings()]).toContain('second dex');
    const second = d.definedClasses().find((c) => c.descriptor === 'Lio/sdk/Second;')!;
    expect(second.entry).toBe(1);
    const init = d.classData(second.index, second.entry).directMethods[0];
    expect(d.methodRef(init.methodIdx, 1).name).toBe('<init>');
    expect([...d.codeItem(init.codeOff)!.insns()]).toEqual([0x000e]);
  });

  it('decodes only what is asked for: listing classes of a large file is fast', () => {
    const many: DexWriterInput = {
      classes: Array.from({ length: 3000 }, (_, i) => ({ descriptor: `Lcom/big/C${i};`, virtualMethods: [{ name: `m${i}` }] })),
      strings: Array.from({ length: 20000 }, (_, i) => `constant number ${i} ü`),
    };
    const big = buildDex(many);
    const started = performance.now();
    const d = parseDex(big);
    expect(d.definedClassDescriptors()).toHaveLength(3000);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('descriptorToJavaName', () => {
  it.each([
    ['Lcom/foo/Bar$Baz;', 'com.foo.Bar$Baz'],
    ['LNoPackage;', 'NoPackage'],
    ['[I', 'int[]'],
    ['[[Lfoo/A;', 'foo.A[][]'],
    ['J', 'long'],
    ['V', 'void'],
    ['[V', '[V'],
    ['L;', 'L;'],
    ['garbage', 'garbage'],
    ['<invalid type #7>', '<invalid type #7>'],
  ])('%s → %s', (descriptor, name) => {
    expect(descriptorToJavaName(descriptor)).toBe(name);
  });
});

describe('parseDex on malformed input', () => {
  const good = buildDex(sampleDexInput());

  it('throws FormatError on a wrong magic, an empty input or a truncated header', () => {
    expect(() => parseDex(new Uint8Array(0))).toThrow(FormatError);
    expect(() => parseDex(Uint8Array.from(Buffer.from('PK\x03\x04 not a dex at all, no no no')))).toThrow(FormatError);
    expect(() => parseDex(good.subarray(0, 0x6f))).toThrow(FormatError);
    const cdex = good.slice();
    cdex.set([0x63, 0x64, 0x65, 0x78], 0); // compact dex "cdex"
    expect(() => parseDex(cdex)).toThrow(FormatError);
  });

  it('reads an unknown version and records it', () => {
    const b = good.slice();
    b.set([0x30, 0x39, 0x39], 4); // "099"
    const d = parseDex(fixChecksum(b));
    expect(d.version).toBe(99);
    expect(codes(d)).toEqual(['dex-version-unknown']);
    expect(d.definedClassDescriptors()).toEqual(SAMPLE_CLASSES);
  });

  it('records a checksum mismatch (tampered file) but still reads it', () => {
    const b = good.slice();
    b[b.length - 20] ^= 0xff; // inside the map_list, harmless to the reader
    const d = parseDex(b);
    expect(codes(d)).toContain('dex-checksum-mismatch');
    expect(d.entries[0].checksumValid).toBe(false);
    expect(parseDex(b, { verifyChecksum: false }).entries[0].checksumValid).toBeUndefined();
  });

  it('clamps absurd counts to what fits and records an anomaly', () => {
    const b = good.slice();
    const dv = new DataView(b.buffer);
    dv.setUint32(0x38, 0xffffffff, true); // string_ids_size
    dv.setUint32(0x60, 0xfffffff0, true); // class_defs_size
    const started = performance.now();
    const d = parseDex(fixChecksum(b));
    expect(codes(d)).toContain('dex-section-truncated');
    expect(d.entries[0].declaredCounts.strings).toBe(0xffffffff);
    expect(d.counts.strings).toBeLessThan(b.length / 4);
    expect(d.counts.classDefs).toBeLessThan(b.length / 32);
    const classes = d.definedClassDescriptors(); // garbage past the real ones, but bounded
    expect(classes.slice(0, 6)).toEqual(SAMPLE_CLASSES);
    [...d.strings()];
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('records sections that lie outside the file', () => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(0x64, 0x7fffff00, true); // class_defs_off
    const d = parseDex(fixChecksum(b));
    expect(codes(d)).toContain('dex-section-out-of-range');
    expect(d.definedClassDescriptors()).toEqual([]);
  });

  it('returns a placeholder and an anomaly for out-of-range indices', () => {
    const d = parseDex(good);
    expect(d.string(1_000_000)).toBe('<invalid string #1000000>');
    expect(isDexPlaceholder(d.string(-1))).toBe(true);
    expect(d.typeDescriptor(65535)).toBe('<invalid type #65535>');
    expect(d.methodRef(99999).name).toBe('<invalid method #99999>');
    expect(d.fieldRef(99999).type).toBe('<invalid field #99999>');
    expect(d.classData(42)).toEqual({ staticFields: [], instanceFields: [], directMethods: [], virtualMethods: [] });
    expect(d.codeItem(good.length + 100)).toBeUndefined();
    expect(codes(d)).toEqual(
      expect.arrayContaining(['dex-string-index', 'dex-type-index', 'dex-method-index', 'dex-field-index', 'dex-class-def-index', 'dex-code-item-out-of-range']),
    );
  });

  it('keeps listing classes when a class_def points at a bad type index', () => {
    const b = good.slice();
    const classDefsOff = new DataView(b.buffer).getUint32(0x64, true);
    new DataView(b.buffer).setUint32(classDefsOff, 0xfff0, true); // class_idx of the first class
    const d = parseDex(fixChecksum(b));
    const list = d.definedClassDescriptors();
    expect(list[0]).toBe('<invalid type #65520>');
    expect(list.slice(1)).toEqual(SAMPLE_CLASSES.slice(1));
    expect(codes(d)).toContain('dex-type-index');
  });

  it('decodes invalid MUTF-8 with U+FFFD and records an anomaly', () => {
    const b = good.slice();
    const at = indexOfBytes(b, 'LNoPackage;');
    b[at + 1] = 0xff;
    const d = parseDex(fixChecksum(b));
    expect(d.definedClassDescriptors()).toContain('L\ufffdoPackage;');
    expect(codes(d)).toContain('dex-string-invalid-mutf8');
  });

  it('caps the number of anomalies recorded', () => {
    const d = parseDex(good);
    for (let i = 0; i < 10_000; i++) d.string(1_000_000 + i);
    expect(d.anomalies.length).toBeLessThanOrEqual(201);
    expect(codes(d)).toContain('dex-anomalies-suppressed');
  });

  it('survives truncation at every 7th byte without throwing anything but FormatError', () => {
    for (let n = 0; n < good.length; n += 7) {
      let d: DexFile;
      try {
        d = parseDex(good.subarray(0, n));
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        expect(n).toBeLessThan(0x70);
        continue;
      }
      exercise(d);
      expect(codes(d)).toContain('dex-file-size-mismatch');
    }
  });
});

/** Touches every accessor, the way a collector would. */
function exercise(d: DexFile): void {
  d.definedClassDescriptors();
  for (const c of d.definedClasses()) {
    const data = d.classData(c.index, c.entry);
    for (const m of [...data.directMethods, ...data.virtualMethods]) {
      d.methodRef(m.methodIdx, c.entry);
      if (m.codeOff !== 0) d.codeItem(m.codeOff)?.insns();
    }
    for (const f of [...data.staticFields, ...data.instanceFields]) d.fieldRef(f.fieldIdx, c.entry);
  }
  for (const s of d.strings()) void s;
  for (const m of d.methodRefs()) void m;
  for (const f of d.fieldRefs()) void f;
  d.referencedTypes();
  for (const t of d.referencedTypes()) descriptorToJavaName(t);
}

describe('parseDex fuzzing', () => {
  const seeds = [
    buildDex(sampleDexInput()),
    buildDex(sampleDexInput(39)),
    buildDexContainer([sampleDexInput(41), small]),
    buildDex(small),
  ];
  const parseAll = (bytes: Uint8Array): void => exercise(parseDex(bytes));

  it.each([1, 2, 3])('mutants of writer-built seeds only throw FormatError (seed %i)', (seed) => {
    const failures = fuzzParser(seeds, parseAll, (e) => e instanceof FormatError, { iterations: 2000, seed, maxMs: 500 });
    expect(failures).toEqual([]);
  });
});
