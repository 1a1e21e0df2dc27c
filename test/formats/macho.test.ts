import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import {
  CPU_TYPE_ARM64,
  CPU_TYPE_X86_64,
  FAT_ARCH_SIZE,
  LC_BUILD_VERSION,
  LC_CODE_SIGNATURE,
  LC_LOAD_DYLIB,
  LC_UUID,
  MH_DYLIB,
  MH_EXECUTE,
  MH_OBJECT,
  PLATFORM_IOS,
  archName,
  parseMachO,
  preferredSlices,
  type MachOFile,
  type MachOSlice,
} from '../../src/formats/macho.js';
import { buildArchive, buildFat, buildMachO, buildMachOObject, sampleMachOInput, type MachOWriterInput } from '../../src/testing/macho-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';

const CLASSES = ['AppDelegate', 'FBSDKAppEvents', 'AppsFlyerLib'];

function codes(file: MachOFile): string[] {
  return file.anomalies.map((a) => a.code);
}

function thin(bytes: Uint8Array): { file: MachOFile; slice: MachOSlice } {
  const file = parseMachO(bytes);
  expect(file.slices).toHaveLength(1);
  return { file, slice: file.slices[0] };
}

function dv(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Runs every accessor of every slice (what a collector would do). */
function exercise(file: MachOFile): void {
  for (const s of file.slices) {
    s.objcClassNames();
    s.objcClassList();
    s.objcCategoryNames();
    s.objcSelectorNames();
    s.cStrings();
    s.symbols();
    s.codeSignature();
    for (const sec of s.sections) s.sectionBytes(sec);
  }
  preferredSlices(file);
}

const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>aps-environment</key><string>production</string></dict></plist>\n';

describe('parseMachO: thin images from the writer', () => {
  it('reads header, load commands, dylibs, uuid, build version, rpaths and sections of an executable', () => {
    const { file, slice } = thin(buildMachO(sampleMachOInput()));
    expect(file.kind).toBe('thin');
    expect(file.anomalies).toEqual([]);
    expect(slice).toMatchObject({
      cpuType: CPU_TYPE_ARM64,
      arch: 'arm64',
      fileType: MH_EXECUTE,
      fileTypeName: 'MH_EXECUTE',
      is64: true,
      littleEndian: true,
      offset: 0,
      uuid: '0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9',
      platform: PLATFORM_IOS,
      platformName: 'ios',
      minOS: '14.0',
      sdk: '17.0',
      rpaths: ['@executable_path/Frameworks'],
    });
    expect(slice.idDylib).toBeUndefined();
    expect(slice.encryption).toBeUndefined();
    expect(slice.entryPoint?.entryoff).toBeGreaterThan(0);
    expect(slice.dylibs.map((d) => [d.name, d.kind, d.currentVersion, d.compatVersion])).toEqual([
      ['/System/Library/Frameworks/Foundation.framework/Foundation', 'load', '1953.255.0', '300.0.0'],
      ['/System/Library/Frameworks/AdSupport.framework/AdSupport', 'weak', '1.0.0', '1.0.0'],
      ['@rpath/FBSDKCoreKit.framework/FBSDKCoreKit', 'load', '9.0.0', '1.0.0'],
      ['/usr/lib/libobjc.A.dylib', 'load', '228.0.0', '1.0.0'],
      ['/usr/lib/libSystem.B.dylib', 'load', '1319.0.0', '1.0.0'],
    ]);
    expect(slice.segments.map((s) => s.name)).toEqual(['__PAGEZERO', '__TEXT', '__DATA_CONST', '__DATA', '__LINKEDIT']);
    expect(slice.section('__objc_classlist')?.segment).toBe('__DATA_CONST');
    expect(slice.section('__cstring', '__TEXT')).toBeDefined();
    expect(slice.loadCommands.map((c) => c.cmd)).toContain(LC_UUID);
  });

  it('lists ObjC class names, the defined class list, selectors, C strings and symbols', () => {
    const { file, slice } = thin(buildMachO(sampleMachOInput()));
    // __objc_classname also holds the protocol name; the class list only the defined classes
    expect(slice.objcClassNames()).toEqual([...CLASSES, 'FBSDKAppEventsProtocol']);
    expect(slice.objcClassList()).toEqual(CLASSES);
    expect(slice.objcSelectorNames()).toEqual(['init', 'dealloc', 'application:didFinishLaunchingWithOptions:', 'logEvent:', 'activateApp', 'start']);
    expect(slice.cStrings()).toEqual(['https://graph.facebook.com/v9.0/', 'api.appsflyer.com', 'hello']);
    const syms = slice.symbols().map((s) => s.name);
    expect(syms).toContain('_OBJC_CLASS_$_FBSDKAppEvents');
    expect(syms).toContain('__mh_execute_header');
    expect(slice.codeSignature()).toBeUndefined();
    expect(file.anomalies).toEqual([]);
  });

  it('reads a dylib: LC_ID_DYLIB, x86_64, vm addresses from 0', () => {
    const { slice } = thin(buildMachO(sampleMachOInput({ fileType: 'dylib', arch: 'x86_64', installName: '@rpath/Tracker.framework/Tracker' })));
    expect(slice.fileType).toBe(MH_DYLIB);
    expect(slice.arch).toBe('x86_64');
    expect(slice.cpuType).toBe(CPU_TYPE_X86_64);
    expect(slice.idDylib).toMatchObject({ name: '@rpath/Tracker.framework/Tracker', currentVersion: '1.2.3', compatVersion: '1.0.0' });
    expect(slice.segments[0].name).toBe('__TEXT');
    expect(slice.objcClassList()).toEqual(CLASSES);
  });

  it('reads every dylib kind and LC_VERSION_MIN_IPHONEOS', () => {
    const kinds = ['load', 'weak', 'reexport', 'lazy', 'upward'] as const;
    const { slice } = thin(buildMachO({ versionMin: true, minOS: '12.1.2', sdk: '16.4', dylibs: kinds.map((kind) => ({ name: `/usr/lib/lib${kind}.dylib`, kind })) }));
    expect(slice.dylibs.map((d) => d.kind)).toEqual(kinds);
    expect(slice).toMatchObject({ platform: PLATFORM_IOS, platformName: 'ios', minOS: '12.1.2', sdk: '16.4' });
  });

  it('follows chained-fixup pointers (DYLD_CHAINED_PTR_64, 64_OFFSET, ARM64E) to the same classes', () => {
    for (const pointerFormat of ['chained-64', 'chained-64-offset', 'chained-arm64e'] as const) {
      for (const fileType of ['execute', 'dylib'] as const) {
        const { file, slice } = thin(buildMachO(sampleMachOInput({ pointerFormat, fileType, arch: pointerFormat === 'chained-arm64e' ? 'arm64e' : 'arm64' })));
        expect(slice.chainedFixupsCommand).toBeDefined();
        expect(slice.objcClassList(), `${pointerFormat} ${fileType}`).toEqual(CLASSES);
        expect(file.anomalies).toEqual([]);
      }
    }
    expect(thin(buildMachO({ arch: 'arm64e' })).slice.arch).toBe('arm64e');
  });

  it('names architectures as the tools do', () => {
    expect(archName(12, 9)).toBe('armv7');
    expect(archName(12, 11)).toBe('armv7s');
    expect(archName(7, 3)).toBe('i386');
    expect(archName(0x0100000c, 0x80000002)).toBe('arm64e');
    expect(archName(99, 1)).toBe('cpu-99-1');
  });
});

describe('encryption', () => {
  it('withholds strings and class names inside an encrypted range, with an anomaly', () => {
    const { file, slice } = thin(buildMachO(sampleMachOInput({ encryption: { cryptid: 1 } })));
    expect(slice.encryption).toMatchObject({ cryptid: 1, is64: true });
    expect(slice.encrypted).toBe(true);
    expect(slice.objcClassNames()).toEqual([]);
    expect(slice.cStrings()).toEqual([]);
    expect(slice.objcSelectorNames()).toEqual([]);
    expect(slice.objcClassList()).toEqual([]);
    expect(codes(file).filter((c) => c === 'macho-encrypted-section').length).toBe(4);
    // load commands are outside the encrypted range and still read
    expect(slice.dylibs.length).toBe(5);
  });

  it('reads everything when cryptid is 0 or the range does not cover the sections', () => {
    // (LC_ENCRYPTION_INFO is 20 bytes: in a 64-bit image its size is not a multiple of 8)
    for (const encryption of [{ cryptid: 0 }, { cryptid: 1, cryptoff: 0x100000, cryptsize: 0 }, { cryptid: 0, command32: true }]) {
      const { file, slice } = thin(buildMachO(sampleMachOInput({ encryption })));
      expect(slice.objcClassNames()).toHaveLength(4);
      expect(slice.objcClassList()).toEqual(CLASSES);
      expect(codes(file).filter((c) => c !== 'macho-encryption-range' && c !== 'macho-load-command-unaligned')).toEqual([]);
    }
    expect(thin(buildMachO(sampleMachOInput({ encryption: { cryptid: 0, command32: true } }))).slice.encryption?.is64).toBe(false);
  });
});

describe('code signature', () => {
  it('reads the CodeDirectory identifier, team id, hash type and XML entitlements', () => {
    const { file, slice } = thin(buildMachO(sampleMachOInput({ codeSignature: { identifier: 'com.example.campaign', teamId: 'ABCDE12345', entitlements: xml } })));
    expect(slice.codeSignatureCommand?.datasize).toBeGreaterThan(0);
    const cs = slice.codeSignature();
    expect(cs).toMatchObject({ identifier: 'com.example.campaign', teamId: 'ABCDE12345', entitlementsXml: xml, hasCmsSignature: false });
    expect(cs?.codeDirectory).toMatchObject({ hashType: 2, hashTypeName: 'sha256', hashSize: 32, version: 0x20400 });
    expect(cs?.blobs.map((b) => b.magic)).toEqual([0xfade0c02, 0xfade0c01, 0xfade7171, 0xfade0b01]);
    expect(file.anomalies).toEqual([]);
  });

  it('reads DER entitlements as bytes and an ad hoc signature without team id', () => {
    const der = Uint8Array.of(0x70, 0x03, 0x02, 0x01, 0x01);
    const cs = thin(buildMachO({ codeSignature: { identifier: 'adhoc', derEntitlements: der } })).slice.codeSignature();
    expect(cs?.identifier).toBe('adhoc');
    expect(cs?.teamId).toBeUndefined();
    expect(cs?.entitlementsXml).toBeUndefined();
    expect(Array.from(cs?.entitlementsDer ?? [])).toEqual(Array.from(der));
  });

  it('reports a signature whose magic is wrong or that lies outside the file', () => {
    const bytes = buildMachO({ codeSignature: { identifier: 'x' } });
    const { slice } = thin(bytes);
    const off = slice.codeSignatureCommand!.dataoff;
    bytes[off] = 0;
    const f1 = parseMachO(bytes);
    expect(f1.slices[0].codeSignature()).toBeUndefined();
    expect(codes(f1)).toContain('macho-codesign-bad-magic');
    const lc = slice.loadCommands.find((c) => c.cmd === LC_CODE_SIGNATURE)!;
    dv(bytes).setUint32(lc.offset + 8, bytes.length + 100, true);
    const f2 = parseMachO(bytes);
    expect(f2.slices[0].codeSignature()).toBeUndefined();
    expect(codes(f2)).toContain('macho-codesign-outside-file');
  });
});

describe('fat files and static libraries', () => {
  it('parses each slice of a fat file (32- and 64-bit arch tables) and prefers arm64', () => {
    for (const fat64 of [false, true]) {
      const file = parseMachO(buildFat([buildMachO(sampleMachOInput({ arch: 'x86_64' })), buildMachO(sampleMachOInput())], { fat64 }));
      expect(file.kind).toBe('fat');
      expect(file.anomalies).toEqual([]);
      expect(file.fatArchs.map((a) => [a.arch, a.content])).toEqual([
        ['x86_64', 'macho'],
        ['arm64', 'macho'],
      ]);
      expect(file.slices.map((s) => s.arch)).toEqual(['x86_64', 'arm64']);
      expect(file.slices[1].offset).toBe(file.fatArchs[1].offset);
      expect(file.slices.map((s) => s.objcClassList())).toEqual([CLASSES, CLASSES]);
      expect(preferredSlices(file).map((s) => s.arch)).toEqual(['arm64']);
    }
  });

  it('reads a BSD ar static library of MH_OBJECT members (relocated pointers, long names, __.SYMDEF)', () => {
    const a = buildMachOObject({ classes: [{ name: 'AppsFlyerTracker', methods: ['trackEvent:'] }], cStrings: ['https://t.appsflyer.com'] });
    const b = buildMachOObject({ classes: [{ name: 'AFSDKDeviceInfo' }, { name: 'AFSDKNetwork' }] });
    const file = parseMachO(buildArchive([
      { name: 'AppsFlyerTracker.o', bytes: a },
      { name: 'AFSDKDeviceInfo-and-a-long-object-name.o', bytes: b },
    ]));
    expect(file.kind).toBe('archive');
    expect(file.anomalies).toEqual([]);
    expect(file.members.map((m) => [m.name, m.content])).toEqual([
      ['__.SYMDEF SORTED', 'symdef'],
      ['AppsFlyerTracker.o', 'macho'],
      ['AFSDKDeviceInfo-and-a-long-object-name.o', 'macho'],
    ]);
    expect(file.slices.map((s) => [s.member, s.fileTypeName])).toEqual([
      ['AppsFlyerTracker.o', 'MH_OBJECT'],
      ['AFSDKDeviceInfo-and-a-long-object-name.o', 'MH_OBJECT'],
    ]);
    const [sa, sb] = file.slices;
    expect(sa.fileType).toBe(MH_OBJECT);
    expect(sa.segments).toHaveLength(1);
    expect(sa.segments[0].name).toBe('');
    expect(sa.section('__objc_classname')?.segment).toBe('__TEXT');
    expect(sa.objcClassNames()).toEqual(['AppsFlyerTracker']);
    expect(sa.objcClassList()).toEqual(['AppsFlyerTracker']);
    expect(sa.cStrings()).toEqual(['https://t.appsflyer.com']);
    expect(sb.objcClassList()).toEqual(['AFSDKDeviceInfo', 'AFSDKNetwork']);
    expect(sb.symbols().map((s) => s.name)).toContain('_OBJC_CLASS_$_AFSDKNetwork');
    expect(file.anomalies).toEqual([]);
  });

  it('reads a fat static library (an archive per arch) and GNU-style member names', () => {
    const lib = (arch: 'arm64' | 'x86_64'): Uint8Array => buildArchive([{ name: 'A.o', bytes: buildMachOObject({ arch, classes: [{ name: 'GADMobileAds' }] }) }]);
    const file = parseMachO(buildFat([{ bytes: lib('arm64'), cpuType: CPU_TYPE_ARM64, cpuSubtype: 0 }, { bytes: lib('x86_64'), cpuType: CPU_TYPE_X86_64, cpuSubtype: 3 }]));
    expect(file.kind).toBe('archive');
    expect(file.fatArchs.map((a) => a.content)).toEqual(['archive', 'archive']);
    expect(file.slices.map((s) => [s.member, s.arch])).toEqual([
      ['A.o', 'arm64'],
      ['A.o', 'x86_64'],
    ]);
    expect(file.members.filter((m) => m.content === 'macho').map((m) => m.arch)).toEqual(['arm64', 'x86_64']);
    expect(preferredSlices(file).map((s) => s.objcClassList())).toEqual([['GADMobileAds']]);

    // GNU ar: short name "x.o/", no symbol table
    const obj = buildMachOObject({ classes: [{ name: 'GnuClass' }] });
    const head = new TextEncoder().encode(`!<arch>\n${'x.o/'.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'644'.padEnd(8)}${String(obj.length).padEnd(10)}\`\n`);
    const gnu = new Uint8Array(head.length + obj.length);
    gnu.set(head);
    gnu.set(obj, head.length);
    const g = parseMachO(gnu);
    expect(g.slices.map((s) => [s.member, s.objcClassList()])).toEqual([['x.o', ['GnuClass']]]);
  });
});

describe('malformed input', () => {
  it('throws FormatError only when nothing is readable', () => {
    expect(() => parseMachO(new Uint8Array(0))).toThrow(FormatError);
    expect(() => parseMachO(new TextEncoder().encode('PK\x03\x04 not a mach-o'))).toThrow(FormatError);
    const bytes = buildMachO();
    expect(() => parseMachO(bytes.subarray(0, 20))).toThrow(/header truncated/);
    expect(() => parseMachO(Uint8Array.of(0xca, 0xfe, 0xba, 0xbe))).toThrow(FormatError);
  });

  it('stops at a load command of size 0 and keeps what was read', () => {
    const bytes = buildMachO(sampleMachOInput());
    const slice = parseMachO(bytes).slices[0];
    const lc = slice.loadCommands.find((c) => c.cmd === LC_UUID)!;
    dv(bytes).setUint32(lc.offset + 4, 0, true);
    const file = parseMachO(bytes);
    expect(codes(file)).toContain('macho-load-command-size');
    expect(file.slices[0].dylibs.length).toBe(5); // read before the bad command
    expect(file.slices[0].uuid).toBeUndefined();
    exercise(file);
  });

  it('reports unaligned command sizes, huge ncmds and sizeofcmds past the end', () => {
    const bytes = buildMachO(sampleMachOInput());
    const lc = parseMachO(bytes).slices[0].loadCommands.find((c) => c.cmd === LC_BUILD_VERSION)!;
    const b1 = bytes.slice();
    dv(b1).setUint32(lc.offset + 4, 28, true); // BUILD_VERSION grows by 4: unaligned, then the next command is misread
    const f1 = parseMachO(b1);
    expect(codes(f1)).toContain('macho-load-command-unaligned');
    exercise(f1);
    const b2 = bytes.slice();
    dv(b2).setUint32(16, 0xffffffff, true);
    const f2 = parseMachO(b2);
    expect(codes(f2)).toContain('macho-ncmds');
    expect(f2.slices[0].dylibs.length).toBe(5);
    const b3 = bytes.slice();
    dv(b3).setUint32(20, 0x7fffffff, true);
    const f3 = parseMachO(b3);
    expect(codes(f3)).toContain('macho-sizeofcmds');
    expect(f3.slices[0].objcClassList()).toEqual(CLASSES);
  });

  it('reports a dylib name offset outside its command', () => {
    const bytes = buildMachO(sampleMachOInput());
    const lc = parseMachO(bytes).slices[0].loadCommands.find((c) => c.cmd === LC_LOAD_DYLIB)!;
    dv(bytes).setUint32(lc.offset + 8, 4000, true);
    const file = parseMachO(bytes);
    expect(codes(file)).toContain('macho-lc-str-offset');
    expect(file.slices[0].dylibs[0].name).toBe('');
  });

  it('reports sections outside the file and reads nothing from them', () => {
    const bytes = buildMachO(sampleMachOInput());
    const slice = parseMachO(bytes).slices[0];
    // section_64.offset is at +48 in the section header; find the __cstring header by name
    const sec = slice.section('__cstring')!;
    const name = new TextEncoder().encode('__cstring');
    let hdr = -1;
    for (let i = 0; i < 4096 && hdr < 0; i++) if (name.every((c, j) => bytes[i + j] === c)) hdr = i;
    expect(dv(bytes).getUint32(hdr + 48, true)).toBe(sec.offset);
    dv(bytes).setUint32(hdr + 48, bytes.length - 2, true);
    const file = parseMachO(bytes);
    expect(codes(file)).toContain('macho-section-outside-file');
    expect(file.slices[0].cStrings().length).toBeLessThanOrEqual(1);
    exercise(file);
  });

  it('reports string sections without a terminator and class lists that point nowhere or repeat', () => {
    const bytes = buildMachO(sampleMachOInput({ classes: [{ name: 'Solo' }], extraClassNames: [] }));
    const slice = parseMachO(bytes).slices[0];
    const cn = slice.section('__objc_classname')!;
    bytes[cn.offset + cn.size - 1] = 0x41; // 'Solo' loses its NUL
    const list = slice.section('__objc_classlist')!;
    const withDup = new Uint8Array(bytes);
    const f1 = parseMachO(withDup);
    expect(f1.slices[0].objcClassNames()).toEqual(['SoloA']);
    // ivar layouts share the section in ld64 output; they are not names
    const layouts = buildMachO({ extraClassNames: ['\x01\x11', 'q', 'GoodName', '\x12\x32'] });
    expect(parseMachO(layouts).slices[0].objcClassNames()).toEqual(['GoodName']);
    expect(codes(f1)).toContain('macho-string-unterminated');

    // two-entry class list: point the only entry outside the file → unresolved
    dv(bytes).setBigUint64(list.offset, 0xdeadbeef000n, true);
    const f2 = parseMachO(bytes);
    expect(f2.slices[0].objcClassList()).toEqual([]);
    expect(codes(f2)).toContain('macho-classlist-unresolved');

    // a list whose entries all name the same class (a cycle in a linked walker) is read once
    const two = buildMachO({ classes: [{ name: 'A' }, { name: 'B' }] });
    const s2 = parseMachO(two).slices[0];
    const l2 = s2.section('__objc_classlist')!;
    dv(two).setBigUint64(l2.offset + 8, dv(two).getBigUint64(l2.offset, true), true);
    const f3 = parseMachO(two);
    expect(f3.slices[0].objcClassList()).toEqual(['A']);
    expect(codes(f3)).toContain('macho-classlist-duplicate');

    // entries out of address order, repeated after others: each class once, each repeat reported
    const three = buildMachO({ classes: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] });
    const l3 = parseMachO(three).slices[0].section('__objc_classlist')!;
    const entry = (k: number) => dv(three).getBigUint64(l3.offset + 8 * k, true);
    const [a, b, c] = [entry(0), entry(1), entry(2)];
    for (const [order, names] of [
      [[c, a, c], ['C', 'A']],
      [[a, b, a], ['A', 'B']],
      [[b, a, c], ['B', 'A', 'C']],
    ] as const) {
      order.forEach((p, k) => dv(three).setBigUint64(l3.offset + 8 * k, p, true));
      const f = parseMachO(three);
      expect(f.slices[0].objcClassList()).toEqual(names);
      expect(codes(f).filter((x) => x === 'macho-classlist-duplicate')).toHaveLength(3 - names.length);
    }
  });

  it('skips fat slices that overlap or lie outside the data, and clamps a huge arch count', () => {
    const a = buildMachO({ pageSize: 0x1000 });
    const fat = buildFat([a, buildMachO({ arch: 'x86_64', pageSize: 0x1000 })]);
    const v = dv(fat);
    const b1 = fat.slice();
    dv(b1).setUint32(8 + FAT_ARCH_SIZE + 8, v.getUint32(8 + 8, false), false); // second slice starts where the first does
    const f1 = parseMachO(b1);
    expect(codes(f1)).toContain('macho-fat-slice-overlap');
    expect(f1.slices.map((s) => s.arch)).toEqual(['arm64']);
    expect(f1.fatArchs[1].content).toBe('skipped');
    const b2 = fat.slice();
    dv(b2).setUint32(8 + 12, 0x7fffffff, false); // first slice size past the end
    const f2 = parseMachO(b2);
    expect(codes(f2)).toContain('macho-fat-slice-outside');
    expect(f2.slices.map((s) => s.arch)).toEqual(['x86_64']);
    const b3 = fat.slice();
    dv(b3).setUint32(4, 0xffffffff, false);
    const f3 = parseMachO(b3);
    expect(codes(f3)).toContain('macho-fat-arch-count');
    exercise(f3);
  });

  it('reports a damaged archive member header', () => {
    const ar = buildArchive([{ name: 'a.o', bytes: buildMachOObject({ classes: [{ name: 'X' }] }) }, { name: 'b.o', bytes: buildMachOObject({ classes: [{ name: 'Y' }] }) }]);
    const file = parseMachO(ar);
    const second = file.members[2];
    // the header of member b.o precedes its long name; break its "`\n"
    const hdr = second.offset - 60 - 4;
    const broken = ar.slice();
    broken[hdr + 58] = 0x20;
    const f = parseMachO(broken);
    expect(codes(f)).toContain('macho-ar-bad-header');
    expect(f.slices.map((s) => s.objcClassList())).toEqual([['X']]);
  });
});

describe('performance', () => {
  it('lists 20,000 class names quickly and without copying the input', () => {
    const classes = Array.from({ length: 20_000 }, (_, i) => ({ name: `TRKClass${i.toString(36)}` }));
    const bytes = buildMachO({ classes });
    const started = performance.now();
    const file = parseMachO(bytes);
    const slice = file.slices[0];
    const list = slice.objcClassList();
    const names = slice.objcClassNames();
    const ms = performance.now() - started;
    expect(list).toHaveLength(20_000);
    expect(names).toHaveLength(20_000);
    expect(list[19_999]).toBe(classes[19_999].name);
    expect(slice.sectionBytes(slice.section('__objc_classname')!)!.buffer).toBe(bytes.buffer);
    expect(ms).toBeLessThan(500); // typically 20–50 ms
  });
});

describe('parseMachO fuzzing', () => {
  const small: MachOWriterInput = { pageSize: 0x100, classes: [{ name: 'FuzzA', methods: ['m1'] }, { name: 'FuzzB' }], cStrings: ['a.example.com'], selectors: ['s'] };
  const seeds = [
    buildMachO({ ...small, codeSignature: { identifier: 'com.fuzz', teamId: 'TEAM123456', entitlements: '<plist/>' }, rpaths: ['@loader_path'] }),
    buildMachO({ ...small, pointerFormat: 'chained-64', fileType: 'dylib', encryption: { cryptid: 1, cryptoff: 0x100, cryptsize: 0x40 } }),
    buildMachO({ ...small, pointerFormat: 'chained-arm64e', arch: 'arm64e' }),
    buildArchive([{ name: 'a.o', bytes: buildMachOObject({ classes: [{ name: 'ObjA', methods: ['x'] }] }) }, { name: 'b.o', bytes: buildMachOObject({ classes: [{ name: 'ObjB' }] }) }]),
    buildFat([buildMachO({ ...small, pageSize: 0x40 }), buildMachO({ ...small, pageSize: 0x40, arch: 'x86_64' })]),
  ];
  const parseAll = (bytes: Uint8Array): void => exercise(parseMachO(bytes));

  it('seeds parse cleanly', () => {
    for (const s of seeds) expect(codes(parseMachO(s))).toEqual([]);
  });

  it.each([1, 2, 3])('mutants of writer-built seeds only throw FormatError (seed %i)', (seed) => {
    const failures = fuzzParser(seeds, parseAll, (e) => e instanceof FormatError, { iterations: 3000, seed, maxMs: 500 });
    expect(failures).toEqual([]);
  });
});
