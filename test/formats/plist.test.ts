import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { parsePlist, PlistUid } from '../../src/formats/plist.js';
import { writeBinaryPlist, writeRawBinaryPlist, writeXmlPlist, type RawObject } from '../../src/testing/plist-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';
import { requireTool } from '../helpers/tools.js';

const infoPlist = {
  CFBundleIdentifier: 'org.example.campaign2020',
  CFBundleName: 'Campaign',
  CFBundleShortVersionString: '2.0.1',
  CFBundleVersion: '201',
  MinimumOSVersion: '13.0',
  NSContactsUsageDescription: 'We use your contacts to help you invite friends & family <3',
  NSLocationAlwaysAndWhenInUseUsageDescription: 'Ünïcode — location “always” for events near you',
  UIBackgroundModes: ['location', 'bluetooth-central'],
  LSRequiresIPhoneOS: true,
  UIRequiredDeviceCapabilities: { arm64: true },
  SKAdNetworkItems: [{ SKAdNetworkIdentifier: 'cstr6suwn9.skadnetwork' }, { SKAdNetworkIdentifier: 'v9wttpbfk9.skadnetwork' }],
  Build: 4294967296,
  Ratio: 1.5,
  Negative: -42,
  Built: new Date('2020-06-01T12:00:00Z'),
  Blob: new Uint8Array([0, 1, 2, 250]),
};

const norm = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? [...x] : typeof x === 'bigint' ? String(x) : x)));

describe('plist: XML and binary give the same value', () => {
  it('reads an XML plist with entities, nesting, every scalar type', () => {
    const p = parsePlist(Buffer.from(writeXmlPlist(infoPlist)));
    expect(p.format).toBe('xml');
    expect(p.anomalies).toEqual([]);
    expect(norm(p.value)).toEqual(norm(infoPlist));
  });

  it('reads a binary plist from our writer', () => {
    const p = parsePlist(writeBinaryPlist(infoPlist));
    expect(p.format).toBe('binary');
    expect(norm(p.value)).toEqual(norm(infoPlist));
  });

  it('reads a binary plist written by an independent encoder (bplist-creator)', async () => {
    const { default: create } = (await import('bplist-creator')) as unknown as { default: (v: unknown) => Buffer };
    const value = { CFBundleIdentifier: 'com.example', Items: [1, 2, 3], Flag: false, Nested: { A: 'ü' } };
    expect(norm(parsePlist(create(value)).value)).toEqual(norm(value));
  });

  it('agrees with plistutil (libplist) in both directions', () => {
    if (!requireTool('plistutil', 'libplist-utils')) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'ts-plist-'));
    const xml = path.join(dir, 'in.plist');
    const bin = path.join(dir, 'out.bplist');
    const back = path.join(dir, 'back.plist');
    const value = { ...infoPlist, Built: undefined, Blob: undefined, Build: 7 } as Record<string, unknown>;
    delete value.Built;
    delete value.Blob;
    writeFileSync(xml, writeXmlPlist(value as never));
    execFileSync('plistutil', ['-i', xml, '-o', bin, '-f', 'bin']);
    expect(norm(parsePlist(readFileSync(bin)).value)).toEqual(norm(value));
    writeFileSync(bin, writeBinaryPlist(value as never));
    execFileSync('plistutil', ['-i', bin, '-o', back, '-f', 'xml']);
    expect(norm(parsePlist(readFileSync(back)).value)).toEqual(norm(value));
  });

  it('decodes UIDs (keyed archives)', () => {
    const objects: RawObject[] = [{ t: 'dict', keys: [1], values: [2] }, { t: 'string', v: 'root' }, { t: 'uid', v: 7 }];
    const v = parsePlist(writeRawBinaryPlist(objects)).value as Record<string, unknown>;
    expect(v.root).toEqual(new PlistUid(7));
  });
});

describe('plist: hostile input', () => {
  it('a binary "billion laughs" (arrays sharing children) decodes each object once, fast', () => {
    // 30 levels, each an array of 1,000 references to the level below: 1000^30 leaves if expanded
    const objects: RawObject[] = [];
    const levels = 30;
    for (let l = 0; l < levels; l++) objects.push({ t: 'array', refs: Array(1000).fill(l + 1) });
    objects.push({ t: 'string', v: 'lol' });
    const started = performance.now();
    const p = parsePlist(writeRawBinaryPlist(objects));
    expect(performance.now() - started).toBeLessThan(500);
    expect((p.value as unknown[]).length).toBe(1000);
  });

  it('a reference cycle is a FormatError, not a stack overflow', () => {
    const objects: RawObject[] = [{ t: 'array', refs: [1] }, { t: 'array', refs: [0] }];
    expect(() => parsePlist(writeRawBinaryPlist(objects))).toThrow(/reference cycle/);
  });

  it('deep nesting is bounded', () => {
    const objects: RawObject[] = Array.from({ length: 1000 }, (_, i) => ({ t: 'array', refs: [i + 1] }) as RawObject);
    objects.push({ t: 'null' });
    expect(() => parsePlist(writeRawBinaryPlist(objects))).toThrow(FormatError);
    const xml = '<plist>' + '<array>'.repeat(2000) + '</array>'.repeat(2000) + '</plist>';
    expect(() => parsePlist(Buffer.from(xml))).toThrow(FormatError);
  });

  it('lying trailers are FormatErrors', () => {
    const good = writeBinaryPlist({ a: 'b' });
    expect(() => parsePlist(writeRawBinaryPlist([{ t: 'null' }], { numObjectsOverride: 2 ** 40 }))).toThrow(FormatError);
    expect(() => parsePlist(writeRawBinaryPlist([{ t: 'null' }], { topObject: 9 }))).toThrow(/top object/);
    expect(() => parsePlist(good.subarray(0, 20))).toThrow(FormatError);
  });

  it('XML entities: predefined and numeric only; DOCTYPE entities (billion laughs, external) are never expanded', () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE plist [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<plist version="1.0"><dict><key>A</key><string>&lol3;</string><key>B</key><string>&xxe;</string><key>C</key><string>&amp;&#x41;&#66;</string></dict></plist>`;
    const v = parsePlist(Buffer.from(lol)).value as Record<string, string>;
    expect(v.A).toBe('&lol3;');
    expect(v.B).toBe('&xxe;');
    expect(v.C).toBe('&AB');
  });

  it('rejects what is not a plist', () => {
    expect(() => parsePlist(Buffer.from('hello'))).toThrow(FormatError);
    expect(() => parsePlist(Buffer.from('bplist15xxxxxxxx'))).toThrow(/version 15/);
  });

  it('never throws anything but FormatError on mutated plists (fuzz)', () => {
    const seeds = [writeBinaryPlist(infoPlist), Buffer.from(writeXmlPlist(infoPlist))];
    const failures = fuzzParser(seeds, (b) => parsePlist(b), (e) => e instanceof FormatError, { iterations: 4000, seed: 77 });
    expect(failures).toEqual([]);
  });
});
