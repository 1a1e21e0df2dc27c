/**
 * Split-set fixtures: the campaign app (src/testing/samples.ts) as one APK and as the same app cut
 * into splits the way bundletool cuts it — a base (manifest, the app's DEX, resources, version
 * files), a feature module with the SDKs' DEX, and configuration splits for two ABIs, a screen
 * density and a language — then packed as `.apks`, `.xapk`, `.apkm`, a folder and a plain zip.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Report } from '../../src/report/model.js';
import type { Scanner } from '../../src/scan.js';
import type { WElement } from '../../src/testing/axml-writer.js';
import { buildApk, campaignAppSpec, CAMPAIGN_PACKAGE, SAMPLE_CERTIFICATE_DER, type ApkSpec } from '../../src/testing/samples.js';
import { writeZip, type ZipWriterEntry } from '../../src/testing/zip-writer.js';

const A = (name: string, value: string | number | boolean) => ({ android: true, name, value });
const ELF_STUB = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

const NATIVE = [
  { name: 'lib/arm64-v8a/libpwcore.so', data: ELF_STUB },
  { name: 'lib/armeabi-v7a/libpwcore.so', data: ELF_STUB },
];

/** The campaign app with native libraries for two ABIs: the one-APK twin of the split set. */
export function campaignWholeSpec(): ApkSpec {
  const s = campaignAppSpec();
  return { ...s, files: [...(s.files ?? []), ...NATIVE] };
}

/** A split's manifest: `split="…"`, no code unless it carries DEX. */
export function splitManifest(split: string, hasCode: boolean, forSplit?: string): WElement {
  return {
    name: 'manifest',
    attrs: [
      A('versionCode', 20201103),
      { name: 'package', value: CAMPAIGN_PACKAGE },
      { name: 'split', value: split },
      ...(forSplit ? [{ name: 'configForSplit', value: forSplit }] : []),
    ],
    children: [{ name: 'application', attrs: [A('hasCode', hasCode)] }],
  };
}

export interface Split {
  /** file name as Play / a device names it (`base.apk`, `split_config.arm64_v8a.apk`) */
  file: string;
  /** bundletool's name in `splits/` */
  bundletool: string;
  bytes: Uint8Array;
}

/** The campaign app as base + feature + config splits. */
export function campaignSplits(options: { base?: boolean } = {}): Split[] {
  const whole = campaignAppSpec();
  const [dex1, dex2] = whole.dex!;
  const out: Split[] = [];
  if (options.base !== false) {
    out.push({ file: 'base.apk', bundletool: 'base-master.apk', bytes: buildApk({ ...whole, dex: [dex1] }) });
  }
  const cert = SAMPLE_CERTIFICATE_DER;
  out.push(
    { file: 'split_social.apk', bundletool: 'social-master.apk', bytes: buildApk({ manifest: splitManifest('social', true), dex: [{ entry: 'classes.dex', input: dex2.input }], certificate: cert }) },
    { file: 'split_config.arm64_v8a.apk', bundletool: 'base-arm64_v8a.apk', bytes: buildApk({ manifest: splitManifest('config.arm64_v8a', false), files: [NATIVE[0]], certificate: cert }) },
    { file: 'split_config.armeabi_v7a.apk', bundletool: 'base-armeabi_v7a.apk', bytes: buildApk({ manifest: splitManifest('config.armeabi_v7a', false), files: [NATIVE[1]], certificate: cert }) },
    { file: 'split_config.xxhdpi.apk', bundletool: 'base-xxhdpi.apk', bytes: buildApk({ manifest: splitManifest('config.xxhdpi', false), files: [{ name: 'res/drawable-xxhdpi-v4/icon.png', data: 'png' }], certificate: cert }) },
    { file: 'split_config.fr.apk', bundletool: 'base-fr.apk', bytes: buildApk({ manifest: splitManifest('config.fr', false), certificate: cert }) },
  );
  return out;
}

const stored = (name: string, data: Uint8Array | string): ZipWriterEntry => ({ name, data, compress: false });

/** bundletool's `.apks`: `splits/<module>-<config>.apk` and a `toc.pb` (left empty here: it is optional to us). */
export function campaignApks(options: { base?: boolean } = {}): Uint8Array {
  return writeZip([stored('toc.pb', new Uint8Array()), ...campaignSplits(options).map((s) => stored(`splits/${s.bundletool}`, s.bytes))]);
}

/** APKPure's `.xapk`: `manifest.json`, `<package>.apk` for the base, `config.*.apk`, an OBB file. */
export function campaignXapk(): Uint8Array {
  const splits = campaignSplits();
  const name = (s: Split) => (s.file === 'base.apk' ? `${CAMPAIGN_PACKAGE}.apk` : s.file.replace(/^split_/, ''));
  const manifestJson = JSON.stringify({
    xapk_version: 2,
    package_name: CAMPAIGN_PACKAGE,
    version_code: '20201103',
    split_apks: splits.map((s) => ({ file: name(s), id: s.file === 'base.apk' ? 'base' : s.file.slice(6, -4) })),
    expansions: [{ file: `Android/obb/${CAMPAIGN_PACKAGE}/main.20201103.${CAMPAIGN_PACKAGE}.obb`, install_location: 'EXTERNAL_STORAGE' }],
  });
  return writeZip([
    { name: 'manifest.json', data: manifestJson },
    ...splits.map((s) => stored(name(s), s.bytes)),
    stored(`Android/obb/${CAMPAIGN_PACKAGE}/main.20201103.${CAMPAIGN_PACKAGE}.obb`, 'obb data'),
  ]);
}

/** APKMirror's `.apkm`: `info.json` and the splits under their device names. */
export function campaignApkm(): Uint8Array {
  return writeZip([{ name: 'info.json', data: JSON.stringify({ pname: CAMPAIGN_PACKAGE, versioncode: 20201103 }) }, ...campaignSplits().map((s) => stored(s.file, s.bytes))]);
}

/**
 * A scratch folder for one test file, and the whole campaign APK scanned as the reference the
 * split and bundle forms are compared with; made in beforeAll, removed in afterAll.
 */
export function campaignScratch(prefix: string, scanner: Scanner): { put(name: string, bytes: Uint8Array): string; readonly dir: string; readonly whole: Report } {
  let tmp = '';
  let whole: Report | undefined;
  const put = (name: string, bytes: Uint8Array): string => {
    const file = path.join(tmp, name);
    writeFileSync(file, bytes);
    return file;
  };
  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), prefix));
    whole = scanner.scanFile(put('campaign.apk', buildApk(campaignWholeSpec())));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  return {
    put,
    get dir(): string {
      return tmp;
    },
    get whole(): Report {
      if (!whole) throw new Error('campaignScratch: used outside a test');
      return whole;
    },
  };
}
