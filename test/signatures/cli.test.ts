/**
 * `trackscan signatures …` commands, run through a small commander program (runSignatures), and
 * the Exodus import end to end: a fixture file imports, and the imported directory scans.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { run, type Io } from '../../src/cli/run.js';
import { registerSignatureCommands, runSignatures, signatureExitCode } from '../../src/cli/signatures.js';
import { Scanner } from '../../src/scan.js';
import { convertExodus, hostFromAlternative, prefixFromAlternative, splitAlternatives } from '../../src/signatures/exodus.js';
import { DEFAULT_SIGNATURES_DIR, loadSignatures, loadSignaturesWithUserDirs } from '../../src/signatures/load.js';
import { buildApk, campaignAppSpec, classes, launcherActivity, manifest } from '../../src/testing/samples.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/exodus-trackers.json', import.meta.url));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { stdout: (s) => (out += s), stderr: (s) => (err += s) };
  const code = await runSignatures(['signatures', ...argv], io);
  return { code, out, err };
}

describe('trackscan signatures', () => {
  it('list: one line per SDK, filtered by category and platform; --json', async () => {
    const all = await cli('list');
    expect(all.code).toBe(0);
    const n = loadSignatures().sdks.length;
    expect(all.out).toContain(`${n} of ${n} SDKs`);
    const loc = await cli('list', '--category', 'location', '--platform', 'ios');
    expect(loc.out).toMatch(/^estimote +Estimote SDK — Estimote, Inc\., US +\[location; android\+ios\]$/m);
    expect(loc.out).not.toMatch(/^jpush /m);
    const json = JSON.parse((await cli('list', '--category', 'consent', '--json')).out) as { id: string; categories: string[]; file?: string }[];
    expect(json.length).toBeGreaterThan(3);
    for (const s of json) {
      expect(s.categories).toContain('consent');
      expect(s.file).toBeUndefined();
    }
    expect((await cli('list', '--category', 'spying')).code).toBe(2);
  });

  it('show: evidence, owner chain to the parent company and country, sources', async () => {
    const r = await cli('show', 'umeng-push');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Umeng U-Push (umeng-push)');
    expect(r.out).toContain('owner            Umeng (CN) → Alibaba Group (CN)');
    expect(r.out).toContain('packages         com.umeng.message');
    expect(r.out).toContain('within           umeng');
    const pol = await cli('show', 'ngp-van');
    expect(pol.out).toContain('NGP VAN, Inc. (US) → Bonterra Tech, LLC (US) → Apax Partners (GB)');
    expect(pol.out).toContain('(hosts only: never a finding on its own)');
    const missing = await cli('show', 'umeng-pus');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no SDK with id umeng-pus \(did you mean umeng-push/);
    expect(JSON.parse((await cli('show', 'flurry', '--json')).out).owners.map((o: { id: string }) => o.id)).toEqual(['flurry', 'yahoo']);
  });

  it('stats: at least 450 entries with both engineers’ work, per category and platform, 200 with iOS evidence', async () => {
    const r = await cli('stats', '--json');
    expect(r.code).toBe(0);
    const st = JSON.parse(r.out);
    expect(st.entries).toBe(loadSignatures().sdks.length);
    expect(st.entries).toBeGreaterThanOrEqual(280);
    expect(st.withIosEvidence).toBeGreaterThanOrEqual(150);
    expect(st.categories.profiling).toBeGreaterThan(30);
    expect(st.platforms.domainsOnly).toBeGreaterThan(20);
    const text = (await cli('stats')).out;
    expect(text).toMatch(/entries +\d+/);
    expect(text).toMatch(/iOS evidence +\d+/);
  });

  it('validate: the built-in database is valid; a broken database is not (exit 1), an unreadable one exits 3', async () => {
    const ok = await cli('validate');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^valid: \d+ entries/m);
    const dir = mkdtempSync(path.join(tmpdir(), 'ts-val-'));
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ id: 'a', name: 'A SDK', vendor: 'A Inc.', categories: ['analytics'], description: 'Tracker A for tests.', android: { packages: ['com.aaa.sdk'] }, sources: ['https://a.example/'] }));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ id: 'b', name: 'B SDK', vendor: 'B Inc.', categories: ['analytics'], description: 'Tracker B for tests.', android: { packages: ['com.aaa.sdk.inner', 'com.adjust.sdk'] }, sources: ['https://b.example/'] }));
    const bad = await cli('validate', dir);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^error: b \(b\.json\): package prefix com\.aaa\.sdk\.inner lies inside a's com\.aaa\.sdk/m);
    expect(bad.out).toMatch(/^warning: b \(b\.json\): package prefix com\.adjust\.sdk is also claimed by adjust/m);
    writeFileSync(path.join(dir, 'b.json'), '{ not json');
    const unreadable = await cli('validate', dir);
    expect(unreadable.code).toBe(3);
    expect(unreadable.err).toMatch(/b\.json: cannot read signature file/);
  });

  it('registers on a caller’s program and keeps the exit code for it', async () => {
    const program = new Command('trackscan').exitOverride();
    registerSignatureCommands(program, { stdout: () => {}, stderr: () => {} });
    await program.parseAsync(['signatures', 'show', 'no-such-sdk'], { from: 'user' });
    expect(signatureExitCode(program)).toBe(2);
  });
});

describe('signatures import --from exodus', () => {
  it('reads regex alternatives as text: plain prefixes and hosts convert, everything else is reported', () => {
    expect(splitAlternatives('com\\.a\\.|com\\.(b|c)\\.|[|]x|d\\|e')).toEqual(['com\\.a\\.', 'com\\.(b|c)\\.', '[|]x', 'd\\|e']);
    expect(prefixFromAlternative('com\\.foo\\.')).toEqual({ prefix: 'com.foo' });
    expect(prefixFromAlternative('com.foo.bar')).toEqual({ prefix: 'com.foo.bar' });
    expect(prefixFromAlternative('^com\\.foo')).toEqual({ prefix: 'com.foo' });
    for (const bad of ['com', 'com\\.(a|b)', '.*\\.foo', '(a+)+b', 'com\\.foo\\.[A-Z]', 'com\\.foo$', 'com/foo/']) expect(prefixFromAlternative(bad)).toHaveProperty('reason');
    expect(hostFromAlternative('api\\.foo\\.com')).toEqual({ host: 'api.foo.com' });
    expect(hostFromAlternative('\\.foo\\.com')).toEqual({ host: 'foo.com' });
    expect(hostFromAlternative('foo[a-z]\\.com')).toHaveProperty('reason');
  });

  it('a hostile signature converts in linear time and is never run', () => {
    const evil = { trackers: { '1': { name: 'Evil', code_signature: `${'(a+)+'.repeat(3000)}b|com\\.evil\\.`, network_signature: '', categories: [] } } };
    const t0 = performance.now();
    const r = convertExodus(evil);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(r.sdks[0].android?.packages).toEqual(['com.evil']);
    expect(r.problems.some((p) => p.reason.includes('not a plain package prefix'))).toBe(true);
    expect(() => convertExodus({ nope: 1 })).toThrow(/not an Exodus Privacy tracker file/);
  });

  it('imports the fixture, reports what it could not convert, and the directory scans', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ts-exodus-'));
    const r = await cli('import', '--from', 'exodus', FIXTURE, '-o', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^imported 2 of 3 trackers into /);
    expect(r.err).toContain('not converted: 902 (Wildcard Ads): com\\.wildads\\.(core|ads)\\.: not a plain package prefix');
    expect(r.err).toContain('not converted: 902 (Wildcard Ads): category Spyware: unknown category');
    expect(r.err).toContain('not converted: 903 (Only Regex): (whole tracker): no code signature could be converted');
    expect(readdirSync(path.join(out, 'sdks')).sort()).toEqual(['exodus-901-acme-beacon-tracker.json', 'exodus-902-wildcard-ads.json']);
    const acme = JSON.parse(readFileSync(path.join(out, 'sdks', 'exodus-901-acme-beacon-tracker.json'), 'utf8'));
    expect(acme.android.packages).toEqual(['com.acmebeacon.legacy', 'com.acmebeacon.sdk', 'org.acmeb.core']);
    expect(acme.domains).toEqual(['acmeb-cdn.net', 'api.acmebeacon.io']);
    expect(acme.categories).toEqual(['location', 'profiling']);
    expect(acme.sources[0]).toBe('https://acmebeacon.example/');
    const wild = JSON.parse(readFileSync(path.join(out, 'sdks', 'exodus-902-wildcard-ads.json'), 'utf8'));
    expect(wild.android.packages).toEqual(['com.wildads.sdk']);
    expect(wild.website).toBeUndefined();

    expect((await cli('validate', out)).code).toBe(0);

    const db = loadSignaturesWithUserDirs([out]);
    expect(db.sdks.length).toBe(loadSignatures().sdks.length + 2);
    const apkDir = mkdtempSync(path.join(tmpdir(), 'ts-exodus-apk-'));
    mkdirSync(apkDir, { recursive: true });
    const apk = path.join(apkDir, 'acme.apk');
    writeFileSync(
      apk,
      buildApk({
        manifest: manifest({ packageName: 'org.example.beacons', application: [launcherActivity('org.example.beacons.MainActivity')] }),
        dex: [{ entry: 'classes.dex', input: { classes: classes(['org.example.beacons.MainActivity', 'com.acmebeacon.sdk.BeaconScanner', 'com.acmebeacon.sdkx.NotIt']) } }],
      }),
    );
    const report = new Scanner(db).scanFile(apk);
    const found = report.trackers.find((t) => t.id === 'exodus-901-acme-beacon-tracker');
    expect(found?.confidence).toBe('high');
    expect(found?.evidence[0]).toMatchObject({ kind: 'code-defined', searchedFor: 'com.acmebeacon.sdk', count: 1, examples: ['com.acmebeacon.sdk.BeaconScanner'] });
    expect(report.signatures.version).toMatch(/\+user\.[0-9a-f]{8}$/);
    expect(new Scanner().scanFile(apk).trackers.find((t) => t.id.startsWith('exodus-'))).toBeUndefined();
    expect(DEFAULT_SIGNATURES_DIR).toBeTruthy();
  });

  it('a bad user signature is named once, by its path, whichever command loads it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ts-bad-'));
    const file = path.join(dir, 'bad-one.json');
    writeFileSync(file, JSON.stringify({ id: 'bad-one', name: 'x' }));
    const apk = path.join(dir, 'app.apk');
    writeFileSync(apk, buildApk(campaignAppSpec()));
    const trackscan = async (...argv: string[]) => {
      let err = '';
      const code = await run(argv, { stdout: () => {}, stderr: (s) => (err += s) });
      return { code, err };
    };
    const runs = [
      await trackscan('scan', apk, '--signatures', dir),
      await trackscan('scan', apk, apk, '--signatures', dir, '-o', path.join(dir, 'out.ndjson')),
      await trackscan('signatures', 'list', '--signatures', dir),
      await trackscan('signatures', 'validate', dir),
    ];
    for (const r of runs) {
      expect(r.code, r.err).not.toBe(0);
      expect(r.err).toMatch(new RegExp(`^trackscan: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid signature: [^\n]+\n$`));
      expect(r.err.split('bad-one.json')).toHaveLength(2);
    }
  });

  it('import without -o or with an unknown format is a usage error', async () => {
    expect((await cli('import', '--from', 'exodus', FIXTURE)).code).toBe(2);
    expect((await cli('import', '--from', 'mobsf', FIXTURE, '-o', tmpdir())).code).toBe(2);
  });
});
