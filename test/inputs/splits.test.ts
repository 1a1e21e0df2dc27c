/**
 * Split sets scan as one app: the campaign app as one APK and as `.apks`, `.xapk`, `.apkm`, a
 * folder of splits and a zip holding an APK or a split set gives the same trackers and
 * permissions; evidence keeps the split it came from; config splits are recognised.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipArchive } from '../../src/archive/zip.js';
import { classifySplit, collectSplitSetEvidence } from '../../src/bundle/android/splits.js';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { buildApk } from '../../src/testing/samples.js';
import { writeZip } from '../../src/testing/zip-writer.js';
import { campaignApkm, campaignApks, campaignScratch, campaignSplits, campaignWholeSpec, campaignXapk } from './fixtures.js';

const scanner = new Scanner();
const scratch = campaignScratch('trackscan-splits-', scanner);
const put = scratch.put;

const trackerIds = (r: Report) => r.trackers.map((t) => t.id).sort();
const permissions = (r: Report) => r.permissions.map((p) => `${p.name} ${p.maxSdkVersion ?? ''} ${p.capabilities.join(',')}`).sort();

function sameApp(r: Report): void {
  expect(r.platform).toBe('android');
  expect(r.app).toEqual(scratch.whole.app);
  expect(trackerIds(r)).toEqual(trackerIds(scratch.whole));
  expect(r.trackers.map((t) => `${t.id} ${t.confidence}`).sort()).toEqual(scratch.whole.trackers.map((t) => `${t.id} ${t.confidence}`).sort());
  expect(permissions(r)).toEqual(permissions(scratch.whole));
  expect(r.code.classesDefined).toBe(scratch.whole.code.classesDefined);
  expect(r.android!.nativeLibraries.map((l) => `${l.name} ${l.abis.join(',')}`)).toEqual(scratch.whole.android!.nativeLibraries.map((l) => `${l.name} ${l.abis.join(',')}`));
  expect(r.android!.components.map((c) => c.name).sort()).toEqual(scratch.whole.android!.components.map((c) => c.name).sort());
  expect(r.domains.map((d) => d.host)).toEqual(scratch.whole.domains.map((d) => d.host));
  expect(r.capabilities.map((c) => c.id).sort()).toEqual(scratch.whole.capabilities.map((c) => c.id).sort());
}

describe('split sets', () => {
  it('the whole APK finds trackers (the baseline is not empty)', () => {
    expect(trackerIds(scratch.whole).length).toBeGreaterThan(2);
    expect(scratch.whole.permissions.length).toBeGreaterThan(5);
  });

  it('.apks (bundletool) gives the same app as the one APK', () => {
    const r = scanner.scanFile(put('campaign.apks', campaignApks()));
    sameApp(r);
    expect(r.warnings.filter((w) => w.code.startsWith('split-'))).toEqual([]);
  });

  it('.xapk with an OBB file gives the same app', () => {
    sameApp(scanner.scanFile(put('campaign.xapk', campaignXapk())));
  });

  it('.apkm gives the same app', () => {
    sameApp(scanner.scanFile(put('campaign.apkm', campaignApkm())));
  });

  it('a folder of split APKs gives the same app', () => {
    const dir = path.join(scratch.dir, 'splits-folder');
    mkdirSync(dir);
    for (const s of campaignSplits()) writeFileSync(path.join(dir, s.file), s.bytes);
    sameApp(scanner.scanFile(dir));
  });

  it('evidence keeps the split it came from', () => {
    const r = scanner.scanFile(put('prov.apkm', campaignApkm()));
    const lib = r.android!.nativeLibraries.find((l) => l.name === 'libpwcore.so')!;
    expect(lib.provenance.entry).toMatch(/^split_config\.(arm64_v8a|armeabi_v7a)\.apk!lib\//);
    expect(r.permissions.every((p) => p.provenance.entry === 'base.apk!AndroidManifest.xml')).toBe(true);
    const fb = r.trackers.find((t) => t.id.includes('facebook'));
    expect(fb).toBeDefined();
    expect(JSON.stringify(fb)).toContain('split_social.apk!classes.dex');
    expect(r.domains.find((d) => d.host === 'graph.facebook.com')?.provenance.entry).toBe('split_social.apk!classes.dex');
  });

  it('recognises config splits by dimension', () => {
    const view = ZipArchive.fromBytes(campaignApkm(), 'x.apkm');
    const { splits } = collectSplitSetEvidence(view);
    const byFile = Object.fromEntries(splits.map((s) => [s.file, s]));
    expect(byFile['base.apk'].role).toBe('base');
    expect(byFile['split_social.apk']).toMatchObject({ role: 'feature', split: 'social' });
    expect(byFile['split_config.arm64_v8a.apk']).toMatchObject({ role: 'config', config: 'abi', value: 'arm64_v8a' });
    expect(byFile['split_config.xxhdpi.apk']).toMatchObject({ role: 'config', config: 'density', value: 'xxhdpi' });
    expect(byFile['split_config.fr.apk']).toMatchObject({ role: 'config', config: 'language', value: 'fr' });
    expect(classifySplit('a.apk', 'config.astc').config).toBe('other');
    expect(classifySplit('a.apk', 'config.pt_BR').config).toBe('language');
  });

  it('a set without its base scans with a warning', () => {
    const r = scanner.scanFile(put('nobase.apks', campaignApks({ base: false })));
    expect(r.warnings.map((w) => w.code)).toContain('split-base-missing');
    expect(r.app.id).toBe(scratch.whole.app.id);
    expect(trackerIds(r).length).toBeGreaterThan(0);
  });

  it('an APK inside a zip, and an .apks inside a zip, are found', () => {
    sameApp(scanner.scanFile(put('wrapped.zip', writeZip([{ name: 'download/campaign.apk', data: buildApk(campaignWholeSpec()) }]))));
    const r = scanner.scanFile(put('wrapped-apks.zip', writeZip([{ name: 'campaign.apks', data: campaignApks() }])));
    sameApp(r);
    expect(r.android!.nativeLibraries[0].provenance.entry).toMatch(/^campaign\.apks!splits\/base-arm/);
  });

  it('nesting is bounded by maxNesting', () => {
    let inner: Uint8Array = writeZip([{ name: 'campaign.apk', data: buildApk(campaignWholeSpec()) }]);
    for (let i = 0; i < 5; i++) inner = writeZip([{ name: `level${i}.zip`, data: inner }]);
    const file = put('deep.zip', inner);
    expect(() => scanner.scanFile(file)).toThrow(/no readable APK|nested/);
  });

  it('a damaged split is a warning; the rest is read', () => {
    const splits = campaignSplits();
    const file = put('damaged.apkm', writeZip([...splits.map((s) => ({ name: s.file, data: s.bytes })), { name: 'split_broken.apk', data: 'not a zip at all' }]));
    const r = scanner.scanFile(file);
    expect(r.warnings.some((w) => w.entry === 'split_broken.apk')).toBe(true);
    sameApp(r);
  });
});

describe('batch discovery by content', () => {
  it('recognises split sets without their extension', async () => {
    const { isBundleEntryList } = await import('../../src/batch/discover.js');
    expect(isBundleEntryList(['toc.pb', 'splits/base-master.apk'])).toBe(true);
    expect(isBundleEntryList(['manifest.json', 'org.example.apk'])).toBe(true);
    expect(isBundleEntryList(['readme.txt', 'splits/notes.txt'])).toBe(false);
  });
});
