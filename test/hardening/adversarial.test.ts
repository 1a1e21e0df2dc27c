/**
 * Adversarial bundles, each named after its defect: a scan gives a report (with the trick noted
 * as a warning where the format allows) or one clear TrackscanError — never an uncaught
 * exception, never a hang. Built with our writers from the committed demo sample's parts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ZipArchive } from '../../src/archive/zip.js';
import { TrackscanError } from '../../src/errors.js';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { writeAxml } from '../../src/testing/axml-writer.js';
import { buildFat, buildMachO, sampleMachOInput } from '../../src/testing/macho-writer.js';
import { writeRawBinaryPlist, writeXmlPlist, type RawObject } from '../../src/testing/plist-writer.js';
import { campaignAppSpec } from '../../src/testing/samples.js';
import { writeZip, type ZipWriterEntry } from '../../src/testing/zip-writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ts-adversarial-'));
const scanner = new Scanner();
const sample = ZipArchive.fromBytes(readFileSync(path.resolve(__dirname, '../../samples/campaign-app.apk')), 'sample');
const sampleEntries = (): ZipWriterEntry[] => sample.entries.map((e) => ({ name: e.name, data: sample.read(e) }));

type Outcome = { report: Report } | { error: TrackscanError };
function scan(name: string, bytes: Uint8Array): Outcome {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const started = performance.now();
  try {
    const report = scanner.scanFile(file);
    expect(performance.now() - started).toBeLessThan(20_000);
    return { report };
  } catch (e) {
    if (!(e instanceof TrackscanError)) throw e; // the failure this suite exists to catch
    expect(e.message.length).toBeGreaterThan(5);
    return { error: e };
  }
}
const report = (o: Outcome): Report => {
  if ('error' in o) throw new Error(`expected a report, got ${o.error.code}: ${o.error.message}`);
  return o.report;
};
const codes = (r: Report) => r.warnings.map((w) => w.code);
const trackerIds = (r: Report) => r.trackers.map((t) => t.id).sort();
const baseline = trackerIds(report(scan('baseline.apk', writeZip(sampleEntries()))));

describe('zip tricks Android accepts: same trackers, the trick is a warning', () => {
  const cases: [string, (e: ZipWriterEntry[]) => Uint8Array, string][] = [
    ['encrypted-flag-on-plain-entries.apk', (e) => writeZip(e.map((x) => ({ ...x, flags: 1 }))), 'encrypted-flag-ignored'],
    ['local-central-header-disagreement.apk', (e) => writeZip(e.map((x) => ({ ...x, localName: 'decoy/' + x.name }))), ''],
    ['unknown-compression-method.apk', (e) => writeZip(e.map((x) => (x.name === 'AndroidManifest.xml' ? { ...x, compress: false, methodOverride: 0x1337 } : x))), 'unknown-compression-method'],
    ['duplicate-entry-names.apk', (e) => writeZip([...e, { name: 'classes.dex', data: 'decoy' }]), 'duplicate-entry'],
    ['path-traversal-names.apk', (e) => writeZip([...e, { name: '../../evil.so', data: 'x' }, { name: '/abs/path', data: 'y' }, { name: 'nul\0name', data: 'z' }, { name: 'cr\rname', data: 'w' }]), 'entry-name-path-traversal'],
    ['zip64-records.apk', (e) => writeZip(e, { zip64: true }), ''],
    ['maximum-comment.apk', (e) => writeZip(e, { comment: 'c'.repeat(0xffff) }), ''],
    ['central-directory-offset-outside-file.apk', (e) => writeZip(e, { cdOffsetOverride: 0x7fffffff }), 'central-directory-offset-wrong'],
  ];
  for (const [name, build, code] of cases) {
    it(name, () => {
      const r = report(scan(name, build(sampleEntries())));
      expect(trackerIds(r)).toEqual(baseline);
      if (code) expect(codes(r)).toContain(code);
    });
  }
});

describe('zip bombs and broken archives: a clear error', () => {
  it('overlapping-entries-bomb.apk (non-recursive zip bomb)', () => {
    const kernel = new Uint8Array(32 * 1024 * 1024);
    const entries: ZipWriterEntry[] = [...sampleEntries(), { name: 'res/raw/kernel', data: kernel }];
    const idx = entries.length - 1;
    for (let i = 0; i < 400; i++) entries.push({ name: `classes${i + 3}.dex`, data: '', shareDataWith: idx });
    const o = scan('overlapping-entries-bomb.apk', writeZip(entries));
    // either the bomb's DEX reads are refused (limit) or each fails as a DEX; never a crash or OOM
    if ('error' in o) expect(o.error.code).toBe('ARCHIVE_LIMIT');
    else expect(codes(o.report)).toContain('overlapping-entries');
  });

  it('high-ratio-single-entry.apk', () => {
    const bomb = deflateRawSync(new Uint8Array(1100 * 1024 * 1024 / 16).fill(0)); // 68 MB of zeros, stored as a few KB
    const entries = sampleEntries().map((x) => (x.name === 'classes.dex' ? { name: x.name, data: bomb, compress: false, methodOverride: 8, sizeOverride: 100 } : x));
    const o = scan('high-ratio-single-entry.apk', writeZip(entries));
    if ('report' in o) expect(codes(o.report).some((c) => c.startsWith('entry-') || c.startsWith('dex') || c === 'format-invalid')).toBe(true);
  });

  it('nested-bombs.zip: archives nested past the depth limit', () => {
    let bytes = writeZip(sampleEntries());
    for (let i = 0; i < 6; i++) bytes = writeZip([{ name: 'inner.apk', data: bytes, compress: false }]);
    const o = scan('nested-bombs.zip', bytes);
    expect('error' in o && o.error.code).toBe('NOT_A_BUNDLE');
  });

  it('truncated-archive.apk', () => {
    const full = writeZip(sampleEntries());
    expect('error' in scan('truncated-archive.apk', full.subarray(0, full.length >> 1))).toBe(true);
  });

  it('empty-file.apk and not-a-zip.apk', () => {
    expect((scan('empty-file.apk', new Uint8Array(0)) as { error: TrackscanError }).error.code).toBe('ARCHIVE_INVALID');
    expect((scan('not-a-zip.apk', new TextEncoder().encode('MZ\x90\x00 not an archive at all')) as { error: TrackscanError }).error.code).toBe('ARCHIVE_INVALID');
  });
});

describe('manifest tricks: the manifest is still read', () => {
  const spec = campaignAppSpec();
  const withManifest = (opts: Parameters<typeof writeAxml>[1]) => sampleEntries().map((x) => (x.name === 'AndroidManifest.xml' ? { ...x, data: writeAxml(spec.manifest, opts) } : x));
  const cases: [string, Parameters<typeof writeAxml>[1]][] = [
    ['manifest-string-pool-count-lie.apk', { pool: { stringCountDelta: 1000 } }],
    ['manifest-chunk-size-zero.apk', { zeroSize: ['namespace'] }],
    ['manifest-unknown-chunks.apk', { unknownChunks: ['before-pool', 'after-pool', 'in-tree'] }],
    ['manifest-masked-namespace.apk', { maskNamespaceUri: 'http://schemas.android.com/apk/res/androidx' }],
    ['manifest-renamed-attribute-strings.apk', { renameAttribute: () => '' }],
    ['manifest-huge-attribute-count.apk', { rootAttributeCount: 0xffff }],
    ['manifest-missing-end-tags.apk', { omitEndElements: 5 }],
  ];
  for (const [name, opts] of cases) {
    it(name, () => {
      const r = report(scan(name, writeZip(withManifest(opts))));
      expect(r.app.id).toBe('org.example.campaign2020');
      expect(trackerIds(r)).toEqual(baseline);
    });
  }
});

describe('DEX tricks: the rest of the report survives', () => {
  const corruptDex = (mutate: (dv: DataView, b: Uint8Array) => void) =>
    sampleEntries().map((x) => {
      if (x.name !== 'classes2.dex') return x;
      const b = new Uint8Array(x.data as Uint8Array);
      mutate(new DataView(b.buffer), b);
      return { ...x, data: b };
    });
  const cases: [string, (dv: DataView, b: Uint8Array) => void][] = [
    ['dex-giant-counts.apk', (dv) => [0x38, 0x40, 0x48, 0x50, 0x58, 0x60].forEach((o) => dv.setUint32(o, 0xffffffff, true))],
    ['dex-sections-outside-file.apk', (dv) => [0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64].forEach((o) => dv.setUint32(o, 0x7ffffff0, true))],
    ['dex-overlapping-sections.apk', (dv) => dv.setUint32(0x44, dv.getUint32(0x3c, true), true)],
    ['dex-bad-header-size.apk', (dv) => dv.setUint32(0x24, 0x10, true)],
    ['dex-invalid-mutf8.apk', (_dv, b) => b.fill(0xff, Math.floor(b.length / 2), Math.floor(b.length / 2) + 64)],
    ['dex-bad-magic.apk', (_dv, b) => b.set([0x64, 0x65, 0x79], 0)],
  ];
  for (const [name, mutate] of cases) {
    it(name, () => {
      const r = report(scan(name, writeZip(corruptDex(mutate))));
      expect(r.app.id).toBe('org.example.campaign2020');
      expect(r.warnings.some((w) => w.entry === 'classes2.dex')).toBe(true);
    });
  }
});

describe('iOS tricks: Mach-O and plists', () => {
  const app = 'Payload/X.app/';
  const ipa = (exe: Uint8Array, info: Uint8Array | string, extra: ZipWriterEntry[] = []) =>
    writeZip([{ name: app + 'Info.plist', data: info }, { name: app + 'X', data: exe }, ...extra]);
  const info = writeXmlPlist({ CFBundleIdentifier: 'org.example.x', CFBundleExecutable: 'X', NSContactsUsageDescription: 'Find friends' });
  const good = buildMachO(sampleMachOInput());

  it('macho-bogus-load-command-sizes.ipa', () => {
    const b = new Uint8Array(good);
    new DataView(b.buffer).setUint32(32 + 4, 0, true); // first load command's cmdsize = 0
    const r = report(scan('macho-bogus-load-command-sizes.ipa', ipa(b, info)));
    expect(r.app.id).toBe('org.example.x');
    expect(r.permissions.map((p) => p.name)).toEqual(['NSContactsUsageDescription']);
  });

  it('macho-fat-overlapping-slices.ipa', () => {
    const fat = buildFat([good, buildMachO(sampleMachOInput({ arch: 'x86_64' }))]);
    const dv = new DataView(fat.buffer, fat.byteOffset);
    dv.setUint32(8 + 20 + 8, dv.getUint32(8 + 8, false), false); // second slice's offset = first's
    const r = report(scan('macho-fat-overlapping-slices.ipa', ipa(fat, info)));
    expect(r.ios?.binaries.length).toBe(1);
  });

  it('macho-truncated.ipa and macho-not-a-binary.ipa', () => {
    expect(codes(report(scan('macho-truncated.ipa', ipa(good.subarray(0, 20), info))))).toContain('format-invalid');
    expect(codes(report(scan('macho-not-a-binary.ipa', ipa(new TextEncoder().encode('#!/bin/sh\necho hi\n'), info))))).toContain('format-invalid');
  });

  it('plist-reference-cycle.ipa: the Info.plist cannot be read, so the app cannot be identified', () => {
    const cyc: RawObject[] = [{ t: 'array', refs: [1] }, { t: 'array', refs: [0] }];
    const o = scan('plist-reference-cycle.ipa', ipa(good, writeRawBinaryPlist(cyc)));
    expect('error' in o && o.error.code).toBe('NOT_A_BUNDLE');
  });

  it('plist-billion-laughs.ipa and plist-external-entity.ipa: entities are never expanded', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>
<plist version="1.0"><dict><key>CFBundleIdentifier</key><string>org.example.x</string><key>CFBundleExecutable</key><string>X</string><key>NSContactsUsageDescription</key><string>&c;&x;</string></dict></plist>`;
    const r = report(scan('plist-billion-laughs.ipa', ipa(good, lol)));
    expect(r.permissions[0].purpose).toBe('&c;&x;');
    expect(codes(r)).toContain('plist-doctype-entities');
  });

  it('privacy-manifest-garbage.ipa: a broken manifest is a warning', () => {
    const r = report(scan('privacy-manifest-garbage.ipa', ipa(good, info, [{ name: app + 'PrivacyInfo.xcprivacy', data: 'bplist00garbage' }])));
    expect(r.warnings.some((w) => w.entry === app + 'PrivacyInfo.xcprivacy')).toBe(true);
  });
});
