import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { buildDex } from '../../src/testing/dex-writer.js';
import { buildApk, classes, launcherActivity, manifest } from '../../src/testing/samples.js';
import { writeZip } from '../../src/testing/zip-writer.js';
import { realApks, requireTool, runTool } from '../helpers/tools.js';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-cli-'));
const apks = realApks();
const find = (name: string) => apks.find((a) => a.name === name);

/** Java dotted class names from dexdump's "Class descriptor" lines, for every classes*.dex in the APK. */
function dexdumpClasses(apk: string): string[] {
  const out = runTool('dexdump', [apk]);
  const names = new Set<string>();
  for (const m of out.matchAll(/^\s*Class descriptor\s*:\s*'L(.*);'$/gm)) names.add(m[1].replace(/\//g, '.'));
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('trackscan inspect classes', () => {
  const haveDexdump = requireTool('dexdump');
  for (const apk of apks) {
    it.skipIf(!haveDexdump)(`prints the same class set as dexdump for ${apk.name}`, async () => {
      const r = await cli('inspect', 'classes', apk.path);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const ours = r.stdout.trimEnd().split('\n');
      expect(ours.length).toBeGreaterThan(10);
      expect(ours).toEqual(dexdumpClasses(apk.path));
    });
  }
});

describe('trackscan inspect classes --hidden', () => {
  // the app's own classes.dex, and a plugin APK in assets/ whose classes.dex holds the Adjust SDK
  const pkg = 'org.example.hider';
  const own = [`${pkg}.MainActivity`, `${pkg}.PluginLoader`];
  const plugin = writeZip([
    { name: 'AndroidManifest.xml', data: 'not read' },
    { name: 'classes.dex', data: buildDex({ classes: classes(['com.adjust.sdk.Adjust', 'com.adjust.sdk.AdjustConfig']) }) },
  ]);
  const file = path.join(tmp, 'hider.apk');
  writeFileSync(
    file,
    buildApk({
      manifest: manifest({ packageName: pkg, application: [launcherActivity('.MainActivity')] }),
      dex: [{ entry: 'classes.dex', input: { classes: classes(own, { [own[0]]: 'android.app.Activity' }) } }],
      files: [{ name: 'assets/plugin.apk', data: plugin }],
    }),
  );

  it('by default lists only the top-level classes*.dex (unchanged)', async () => {
    const r = await cli('inspect', 'classes', file);
    expect(r).toEqual({ code: 0, stdout: own.join('\n') + '\n', stderr: '' });
  });

  it('with --hidden also lists the classes of code hidden in other entries, sorted with the rest', async () => {
    const r = await cli('inspect', 'classes', '--hidden', file);
    expect(r).toEqual({ code: 0, stdout: ['com.adjust.sdk.Adjust', 'com.adjust.sdk.AdjustConfig', ...own].join('\n') + '\n', stderr: '' });
    const w = await cli('inspect', 'classes', '--hidden', '--warnings', file);
    expect(w.stdout).toBe(r.stdout);
  });

  it('an APK without hidden code: --hidden prints the same as the default', async () => {
    const plain = path.join(tmp, 'plain.apk');
    writeFileSync(plain, buildApk({ manifest: manifest({ packageName: pkg, application: [launcherActivity('.MainActivity')] }), dex: [{ entry: 'classes.dex', input: { classes: classes(own) } }] }));
    expect(await cli('inspect', 'classes', '--hidden', plain)).toEqual(await cli('inspect', 'classes', plain));
  });
});

describe('trackscan inspect manifest', () => {
  const haveAapt = requireTool('aapt');
  for (const apk of apks) {
    it.skipIf(!haveAapt)(`prints well-formed XML that agrees with aapt for ${apk.name}`, async () => {
      const r = await cli('inspect', 'manifest', apk.path);
      expect(r.code).toBe(0);
      const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.stdout, true);
      const m = xml.manifest;
      const badging = runTool('aapt', ['dump', 'badging', apk.path]);
      const pkg = /^package: name='([^']*)' versionCode='([^']*)' versionName='([^']*)'/m.exec(badging)!;
      expect(m.package).toBe(pkg[1]);
      expect(String(m['android:versionCode'] ?? '')).toBe(pkg[2]);
      expect(String(m['android:versionName'] ?? '')).toBe(pkg[3]);
      // aapt adds permissions Android implies (READ_ from WRITE_EXTERNAL_STORAGE); those are not in the manifest
      const implied = new Set([...badging.matchAll(/^uses-implied-permission: name='([^']*)'/gm)].map((x) => x[1]));
      const permissions = [...badging.matchAll(/^uses-permission: name='([^']*)'/gm)].map((x) => x[1]).filter((p) => !implied.has(p)).sort();
      const ours = ([] as { 'android:name': string }[]).concat(m['uses-permission'] ?? []).map((p) => p['android:name']).sort();
      expect([...new Set(ours)]).toEqual([...new Set(permissions)]);
      const label = /^application-label:'(.*)'$/m.exec(badging);
      if (label) expect(m.application['android:label']).toBe(label[1]);
    });
  }

  it('resolves @string references through resources.arsc (ApiDemos label)', async () => {
    const apk = find('ApiDemos-debug.apk');
    if (!apk) return;
    const r = await cli('inspect', 'manifest', apk.path);
    expect(r.stdout).toMatch(/<application[^>]*android:label="API Demos"/);
  });
});

describe('damaged and wrong inputs: one line naming the file, exit code 3', () => {
  it('a file that is not a zip', async () => {
    const file = path.join(tmp, 'not-a-zip.apk');
    writeFileSync(file, 'garbage '.repeat(100));
    const r = await cli('inspect', 'manifest', file);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/not a zip archive/);
  });

  it('a zip without a manifest', async () => {
    const file = path.join(tmp, 'no-manifest.apk');
    writeFileSync(file, writeZip([{ name: 'classes.dex', data: 'x' }]));
    const r = await cli('inspect', 'manifest', file);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no-manifest\.apk: no AndroidManifest\.xml/);
  });

  it('a missing file', async () => {
    const r = await cli('inspect', 'classes', path.join(tmp, 'nope.apk'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/nope\.apk: cannot open: ENOENT/);
  });

  it('a truncated real APK', async () => {
    const apk = apks[0];
    if (!apk) return;
    const bytes = execFileSync('head', ['-c', '100000', apk.path]);
    const file = path.join(tmp, 'truncated.apk');
    writeFileSync(file, bytes);
    const r = await cli('inspect', 'classes', file);
    expect(r.code).toBe(3);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('truncated.apk');
  });

  it('usage errors exit 2', async () => {
    expect((await cli('inspect', 'manifest')).code).toBe(2);
    expect((await cli('no-such-command')).code).toBe(2);
    expect((await cli('--version')).code).toBe(0);
  });
});

describe('the installed launcher (bin/trackscan.js)', () => {
  const root = path.resolve(__dirname, '../..');
  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist/cli/main.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  });

  it('prints one line and exits 3 on a damaged bundle, with no stack trace', () => {
    const file = path.join(tmp, 'damaged.apk');
    writeFileSync(file, writeZip([{ name: 'AndroidManifest.xml', data: 'x'.repeat(500) }]).subarray(0, 200));
    const r = spawnSync(process.execPath, [path.join(root, 'bin/trackscan.js'), 'inspect', 'manifest', file], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^trackscan: .*damaged\.apk: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
