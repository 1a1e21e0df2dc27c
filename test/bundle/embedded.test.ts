/**
 * Code hidden inside an APK (src/bundle/android/embedded.ts): a plugin APK, a JAR or a raw DEX
 * under a misleading name is found by content and scanned like classes*.dex, with provenance
 * naming the path inside; plain assets add nothing; nesting, size and zip bombs are bounded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipArchive } from '../../src/archive/zip.js';
import { DEFAULT_EMBEDDED_LIMITS, findEmbeddedCode, type EmbeddedLimits } from '../../src/bundle/android/embedded.js';
import type { Warning } from '../../src/evidence/types.js';
import { renderJson } from '../../src/report/json.js';
import type { Report } from '../../src/report/model.js';
import { renderText } from '../../src/report/text.js';
import { Scanner, type ScanOptions } from '../../src/scan.js';
import { buildDex, type DexWriterInput } from '../../src/testing/dex-writer.js';
import { buildApk, classes, launcherActivity, manifest, type ApkSpec } from '../../src/testing/samples.js';
import { writeZip, type ZipWriterEntry } from '../../src/testing/zip-writer.js';

const PKG = 'org.example.hider';
const ADJUST = ['com.adjust.sdk.Adjust', 'com.adjust.sdk.AdjustConfig', 'com.adjust.sdk.ActivityHandler'];
const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../schema/report.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const scanner = new Scanner();
let tmp: string;

beforeAll(() => void (tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-embedded-'))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function appSpec(files: ZipWriterEntry[] = []): ApkSpec {
  return {
    manifest: manifest({ packageName: PKG, permissions: ['android.permission.INTERNET'], application: [launcherActivity('.MainActivity')] }),
    dex: [{ entry: 'classes.dex', input: { classes: classes([`${PKG}.MainActivity`, `${PKG}.PluginLoader`], { [`${PKG}.MainActivity`]: 'android.app.Activity' }) } }],
    files,
  };
}

const adjustDex = (): Uint8Array => buildDex({ classes: classes(ADJUST), strings: ['https://app.adjust.com/session'] } satisfies DexWriterInput);
/** a plugin APK holding the Adjust SDK in its classes.dex */
const pluginApk = (): Uint8Array => writeZip([{ name: 'AndroidManifest.xml', data: 'not read' }, { name: 'classes.dex', data: adjustDex() }]);

let n = 0;
function scan(files: ZipWriterEntry[] = [], options: ScanOptions = {}): Report {
  const file = path.join(tmp, `app-${n++}.apk`);
  writeFileSync(file, buildApk(appSpec(files)));
  return scanner.scanFile(file, options);
}

const adjust = (r: Report) => r.trackers.find((t) => t.id === 'adjust');
const entriesOf = (r: Report, id: string) => r.trackers.find((t) => t.id === id)!.evidence.flatMap((e) => e.locations.map((l) => l.entry));
const hiddenWarnings = (r: Report) => r.warnings.filter((w) => w.code.startsWith('embedded-'));

describe('code hidden inside an APK', () => {
  it('without the hidden code there is no Adjust (the control)', () => {
    const r = scan();
    expect(adjust(r)).toBeUndefined();
    expect(r.obfuscation?.embeddedCode).toBeUndefined();
  });

  it('a tracker whose only classes live in assets/plugin.apk is found, with the path inside as provenance', () => {
    const r = scan([{ name: 'assets/plugin.apk', data: pluginApk() }]);
    expect(adjust(r)?.confidence).toBe('high');
    expect(entriesOf(r, 'adjust')).toContain('assets/plugin.apk!classes.dex');
    expect(r.code.binaries).toBe(2);
    expect(r.obfuscation?.embeddedCode).toEqual([{ entry: 'assets/plugin.apk', format: 'zip', dexFiles: ['assets/plugin.apk!classes.dex'], classes: 3 }]);
    expect(r.obfuscation?.note).toMatch(/^code hidden in assets\/plugin\.apk \(1 DEX file, 3 classes\), outside the classes\*\.dex Android loads: the app can load it at run time/);
    expect(r.domains.find((d) => d.host === 'app.adjust.com')?.provenance.entry).toBe('assets/plugin.apk!classes.dex');
    const text = renderText(r);
    expect(text).toContain('HIDDEN CODE code hidden in assets/plugin.apk');
    expect(text).toContain('hidden code   assets/plugin.apk: 1 DEX file, 3 classes, outside classes*.dex (scanned)');
    expect(hiddenWarnings(r)).toEqual([]);
  });

  it('a raw DEX under a misleading name (assets/payload.bin), deflated or stored, is found by its magic', () => {
    for (const compress of [true, false]) {
      const r = scan([{ name: 'assets/payload.bin', data: adjustDex(), compress }]);
      expect(entriesOf(r, 'adjust')).toContain('assets/payload.bin');
      expect(r.obfuscation?.embeddedCode).toEqual([{ entry: 'assets/payload.bin', format: 'dex', dexFiles: ['assets/payload.bin'], classes: 3 }]);
    }
  });

  it('a JAR holding classes.dex, renamed res/raw/x.png and stored, is found', () => {
    const r = scan([{ name: 'res/raw/x.png', data: writeZip([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\n' }, { name: 'classes.dex', data: adjustDex() }]), compress: false }]);
    expect(entriesOf(r, 'adjust')).toContain('res/raw/x.png!classes.dex');
  });

  it('an archive inside an archive (depth 2) is read; deeper is a warning, not a hang', () => {
    const two = scan([{ name: 'assets/bundle.zip', data: writeZip([{ name: 'plugins/p.apk', data: pluginApk() }]) }]);
    expect(entriesOf(two, 'adjust')).toContain('assets/bundle.zip!plugins/p.apk!classes.dex');
    expect(two.obfuscation?.embeddedCode?.map((x) => x.entry)).toEqual(['assets/bundle.zip!plugins/p.apk']);

    let deep = pluginApk();
    for (let i = 0; i < 5; i++) deep = writeZip([{ name: `level${i}.zip`, data: deep }]);
    const r = scan([{ name: 'assets/deep.zip', data: deep }]);
    expect(adjust(r)).toBeUndefined();
    expect(hiddenWarnings(r).map((w) => w.code)).toEqual(['embedded-code-too-deep']);
    expect(hiddenWarnings(r)[0].entry).toBe('assets/deep.zip!level4.zip!level3.zip');
  });

  it('plain assets (a zip of text, a large non-code file, a short file) add nothing', () => {
    const base = scan();
    const big = new Uint8Array(24 * 1024 * 1024).fill(7); // deflates to ~24 KB; sniffing inflates a few bytes of it
    const plain = writeZip([{ name: 'levels/1.json', data: '{"level":1}'.repeat(50) }, { name: 'levels/2.json', data: '{"level":2}'.repeat(50) }]);
    // a per-entry limit below the big asset's size: inflating it whole would be an error
    const r = scan([{ name: 'assets/levels.zip', data: plain }, { name: 'assets/big.bin', data: big }, { name: 'assets/dex', data: 'dex\n035\0' }], { limits: { maxEntrySize: 4 * 1024 * 1024 } });
    expect(r.obfuscation?.embeddedCode).toBeUndefined();
    expect(r.warnings).toEqual(base.warnings);
    expect(r.code).toEqual(base.code);
    expect(r.trackers).toEqual(base.trackers);
  });

  it('a zip bomb inside an asset stops the search with a warning; the report stands', () => {
    // classes.dex inside the plugin declares 200 bytes and inflates to 64 MB of zeros
    const bomb = deflateRawSync(new Uint8Array(64 * 1024 * 1024));
    const plugin = writeZip([{ name: 'classes.dex', data: bomb, compress: false, methodOverride: 8, sizeOverride: 200 }]);
    const started = performance.now();
    const r = scan([{ name: 'assets/plugin.apk', data: plugin }, { name: 'assets/zz.bin', data: adjustDex() }], { limits: { maxEntrySize: 8 * 1024 * 1024 } });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(hiddenWarnings(r).map((w) => w.code)).toEqual(['embedded-code-limit']);
    expect(hiddenWarnings(r)[0].entry).toBe('assets/plugin.apk!classes.dex');
    expect(r.app.id).toBe(PKG);
    // the search stopped at the bomb: what came after it was not read
    expect(adjust(r)).toBeUndefined();
  });

  it('an entry that starts like a zip but is not one is a warning', () => {
    const r = scan([{ name: 'assets/broken.apk', data: new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Uint8Array(300)]) }]);
    expect(hiddenWarnings(r).map((w) => w.code)).toEqual(['embedded-archive-unreadable']);
  });

  it('is deterministic: the same JSON twice, with a fresh scanner too', () => {
    const files: ZipWriterEntry[] = [
      { name: 'assets/plugin.apk', data: pluginApk() },
      { name: 'assets/payload.bin', data: adjustDex() },
    ];
    const bytes = buildApk(appSpec(files));
    const file = path.join(tmp, 'twice.apk');
    writeFileSync(file, bytes);
    const a = renderJson(scanner.scanFile(file));
    expect(renderJson(new Scanner().scanFile(file))).toBe(a);
    expect(JSON.parse(a).obfuscation.embeddedCode.map((x: { entry: string }) => x.entry)).toEqual(['assets/payload.bin', 'assets/plugin.apk']);
  });

  it('the report with hidden code validates against schema/report.schema.json', () => {
    const r = JSON.parse(renderJson(scan([{ name: 'assets/plugin.apk', data: pluginApk() }, { name: 'assets/payload.bin', data: adjustDex() }])));
    expect(r.obfuscation.embeddedCode.length).toBe(2);
    validate(r);
    expect(validate.errors ?? []).toEqual([]);
    // and the schema is strict about the new block
    r.obfuscation.embeddedCode[0].extra = 1;
    expect(validate(r)).toBe(false);
  });

  it('in a split set, provenance keeps the split (base.apk!assets/plugin.apk!classes.dex)', () => {
    const apks = writeZip([{ name: 'splits/base.apk', data: buildApk(appSpec([{ name: 'assets/plugin.apk', data: pluginApk() }])), compress: false }]);
    const file = path.join(tmp, 'set.apks');
    writeFileSync(file, apks);
    const r = scanner.scanFile(file);
    expect(entriesOf(r, 'adjust')).toContain('splits/base.apk!assets/plugin.apk!classes.dex');
    expect(r.obfuscation?.embeddedCode?.[0]).toMatchObject({ entry: 'splits/base.apk!assets/plugin.apk', dexFiles: ['splits/base.apk!assets/plugin.apk!classes.dex'] });
  });
});

describe('findEmbeddedCode limits', () => {
  const run = (entries: ZipWriterEntry[], limits: Partial<EmbeddedLimits>) => {
    const warnings: Warning[] = [];
    const read: string[] = [];
    const zip = ZipArchive.fromBytes(writeZip(entries), 'x.apk');
    const out = findEmbeddedCode(zip, { dex: (entry) => (read.push(entry), []), warn: (w) => warnings.push(w) }, { ...DEFAULT_EMBEDDED_LIMITS, ...limits });
    return { out, warnings, read };
  };

  it('stops after maxContainers entries holding code, with one warning', () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({ name: `assets/p${i}.bin`, data: adjustDex() }));
    const { out, warnings, read } = run(entries, { maxContainers: 4 });
    expect(out.length).toBe(4);
    expect(read).toEqual(['assets/p0.bin', 'assets/p1.bin', 'assets/p2.bin', 'assets/p3.bin']);
    expect(warnings.map((w) => `${w.code} ${w.entry}`)).toEqual(['embedded-code-too-many assets/p4.bin']);
  });

  it('does not open an archive larger than maxArchiveBytes', () => {
    const { out, warnings } = run([{ name: 'assets/plugin.apk', data: pluginApk() }], { maxArchiveBytes: 100 });
    expect(out).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['embedded-code-not-searched']);
  });

  it('stops after maxArchives archives and after maxSniffed entries', () => {
    const zips = Array.from({ length: 5 }, (_, i) => ({ name: `assets/z${i}.zip`, data: writeZip([{ name: 'a.txt', data: 'x'.repeat(200) }]) }));
    expect(run(zips, { maxArchives: 2 }).warnings.map((w) => `${w.code} ${w.entry}`)).toEqual(['embedded-code-search-stopped assets/z2.zip']);
    // the entries of an opened archive are sniffed too: z0.zip, z0.zip!a.txt, z1.zip, then the limit
    expect(run(zips, { maxSniffed: 3 }).warnings.map((w) => `${w.code} ${w.entry}`)).toEqual(['embedded-code-search-stopped assets/z1.zip!a.txt']);
  });

  it('bounds what sniffing inflates: highly compressible entries exhaust the sniff budget, not memory', () => {
    const zeros = Array.from({ length: 40 }, (_, i) => ({ name: `assets/${String(i).padStart(2, '0')}.bin`, data: new Uint8Array(4 * 1024 * 1024) }));
    const { warnings } = run([...zeros, { name: 'assets/zz.bin', data: adjustDex() }], { maxSniffInflated: 1024 * 1024 });
    expect(warnings.map((w) => w.code)).toEqual(['embedded-code-search-stopped']);
  });
});
