/**
 * A batch with the user's own signatures (`--signatures`) and a policy (`--fail-on`): every
 * worker scans with the merged database (replacements too), every record names it, a resumed
 * output made with another database is refused, and the policy gates the whole batch.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsvLine } from '../../src/batch/csv.js';
import { WorkerPool } from '../../src/batch/pool.js';
import type { BatchRecord } from '../../src/batch/records.js';
import { loadSignatures, loadSignaturesWithUserDirs } from '../../src/signatures/load.js';
import { admobAppsflyerSpec, buildApk, classes, launcherActivity, manifest, ownPackagePrefixSpec } from '../../src/testing/samples.js';
import { cli, ensureBuilt } from './helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-batch-sigs-'));
const sigs = path.join(tmp, 'my-signatures');
const SDK = 'beaconkit';

type Rec = Record<string, unknown> & { type?: string; input?: { path: string }; trackers?: { id: string }[]; signatures?: { version: string; sha256: string }; policy?: { passed: boolean; rules: string[]; violations: { rule: string; subject: string }[] } };
const ndjson = (file: string): Rec[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Rec);

/** An app of its own package embedding BeaconKit, an SDK only the user's folder defines. */
function beaconApp(i: number): Uint8Array {
  const P = `org.example.study${i}`;
  return buildApk({
    manifest: manifest({ packageName: P, label: `Study app ${i}`, permissions: ['android.permission.INTERNET'], application: [launcherActivity(`${P}.MainActivity`)] }),
    dex: [{ entry: 'classes.dex', input: { classes: classes([`${P}.MainActivity`, 'net.example.beaconkit.Beacon', 'net.example.beaconkit.BeaconUploader', 'net.example.beaconkit.internal.Scanner']) } }],
  });
}

let beaconDir: string;
let beaconApps: string[];

beforeAll(() => {
  ensureBuilt();
  mkdirSync(path.join(sigs, 'sdks'), { recursive: true });
  writeFileSync(
    path.join(sigs, 'sdks', `${SDK}.json`),
    JSON.stringify({
      id: SDK,
      name: 'BeaconKit',
      vendor: 'Example Beacons Ltd',
      categories: ['location', 'advertising'],
      description: 'A test signature that only this folder defines.',
      sources: ['https://example.com/beaconkit'],
      android: { packages: ['net.example.beaconkit'] },
    }),
  );
  beaconDir = path.join(tmp, 'beacon-apps');
  mkdirSync(beaconDir, { recursive: true });
  beaconApps = [0, 1, 2, 3, 4, 5].map((i) => {
    const p = path.join(beaconDir, `study-${i}.apk`);
    writeFileSync(p, beaconApp(i));
    return p;
  });
});

describe('batch --signatures <dir>', () => {
  it('every worker, and a worker started to replace one, scans with the merged database', async () => {
    const merged = loadSignaturesWithUserDirs([sigs]);
    const pool = new WorkerPool({ workers: 3, timeoutMs: 60_000, maxMemoryMb: 512, database: merged });
    try {
      const wave = async () => {
        await pool.ready();
        // three jobs on three idle, ready workers: one job each
        return Promise.all(beaconApps.slice(0, 3).map((p) => pool.run({ path: p })));
      };
      const check = (records: BatchRecord[]) => {
        for (const r of records) {
          expect(r.type).toBe('report');
          if (r.type !== 'report') continue;
          expect(r.summary.trackers.map((t) => t.id)).toContain(SDK);
          expect(r.summary.signatures).toEqual({ version: merged.version, sha256: merged.sha256 });
        }
      };
      check(await wave());
      // a worker dies (as after a timeout or a crash): its replacement gets the same start-up data
      const slots = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
      const dying = slots[1].worker;
      await dying.terminate();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pool.replaced).toBe(1);
      expect(slots[1].worker).not.toBe(dying);
      check(await wave());
    } finally {
      await pool.close();
    }
  });

  it('finds the user SDK in every bundle; every output names the merged database; --fail-on knows its id', async () => {
    const merged = loadSignaturesWithUserDirs([sigs]);
    const out = path.join(tmp, 'sigs.ndjson');
    const csv = path.join(tmp, 'sigs.csv');
    const db = path.join(tmp, 'sigs.sqlite');
    const r = await cli(['scan', beaconDir, '--signatures', sigs, '--workers', '2', '-o', out, '--db', db, '-q']);
    expect(r.code, r.stderr).toBe(0);
    const recs = ndjson(out);
    expect(recs).toHaveLength(beaconApps.length);
    for (const rec of recs) {
      expect(rec.trackers!.map((t) => t.id), rec.input!.path).toContain(SDK);
      expect(rec.signatures).toMatchObject({ version: merged.version, sha256: merged.sha256 });
      expect(rec.signatures!.version).toMatch(/\+user\.[0-9a-f]{8}$/);
    }
    const sql = new Database(db, { readonly: true });
    try {
      expect((sql.prepare('SELECT count(*) n FROM trackers WHERE tracker_id = ?').get(SDK) as { n: number }).n).toBe(beaconApps.length);
      expect(sql.prepare('SELECT DISTINCT signatures_version v FROM bundles').all()).toEqual([{ v: merged.version }]);
      expect(sql.prepare("SELECT key, value FROM meta WHERE key LIKE 'signatures:%'").all()).toEqual([{ key: `signatures:${merged.sha256}`, value: merged.version }]);
    } finally {
      sql.close();
    }

    const c = await cli(['scan', beaconDir, '--signatures', sigs, '--format', 'csv', '-o', csv, '-q']);
    expect(c.code, c.stderr).toBe(0);
    const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n').map(parseCsvLine);
    for (const row of rows) {
      expect(row[header.indexOf('trackers')].split(';')).toContain(SDK);
      expect(row[header.indexOf('signatures_sha256')]).toBe(merged.sha256);
    }

    // the policy is checked against the merged database: the user's id is known with the folder only
    expect((await cli(['scan', beaconDir, '--fail-on', `tracker:${SDK}`, '-q'])).code).toBe(2);
    const gate = await cli(['scan', beaconDir, '--signatures', sigs, '--fail-on', `tracker:${SDK}`]);
    expect(gate.code).toBe(1);
    for (const p of beaconApps) expect(gate.stderr).toContain(`✗ ${p} `);
  });

  it('a bad signature folder is a usage error before any worker starts', async () => {
    const bad = path.join(tmp, 'bad-signatures');
    mkdirSync(path.join(bad, 'sdks'), { recursive: true });
    writeFileSync(path.join(bad, 'sdks', 'broken.json'), JSON.stringify({ id: 'broken', name: 'x' }));
    const out = path.join(tmp, 'bad.ndjson');
    const r = await cli(['scan', beaconDir, '--signatures', bad, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('resume refuses an output made with another database, naming both hashes, and changes nothing', async () => {
    const merged = loadSignaturesWithUserDirs([sigs]);
    const builtin = loadSignatures();
    for (const target of [['-o', path.join(tmp, 'resume.ndjson')], ['--db', path.join(tmp, 'resume.sqlite')], ['--format', 'csv', '-o', path.join(tmp, 'resume.csv')]]) {
      const file = target[target.length - 1];
      rmSync(file, { force: true });
      // the first run scans half the folder with the user's signatures
      expect((await cli(['scan', ...beaconApps.slice(0, 3), '--signatures', sigs, ...target, '-q'])).code).toBe(0);
      const before = readFileSync(file);
      // the rerun forgets --signatures: refused, nothing written
      const r = await cli(['scan', beaconDir, ...target, '-q']);
      expect(r.code, target.join(' ')).toBe(2);
      expect(r.stderr).toContain(merged.sha256);
      expect(r.stderr).toContain(builtin.sha256);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(readFileSync(file).equals(before), target.join(' ')).toBe(true);
      // with the same folder it resumes: the rest is scanned, nothing redone
      const again = await cli(['scan', beaconDir, '--signatures', sigs, ...target]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/3 records? written this run.*3 already in the output/);
    }
  });

  it('a CSV written before the database and policy columns gets them when a run appends to it', async () => {
    const csv = path.join(tmp, 'legacy.csv');
    const legacyHeader = 'path,sha256,status,platform,app_id,app_name,version_name,version_code,size,tracker_count,trackers,categories,capabilities,error_code,error_message,duplicate_of';
    writeFileSync(csv, `${legacyHeader}\n/old/broken.apk,,error,,,,,,9,,,,,ARCHIVE_INVALID,not a zip,\n`);
    const r = await cli(['scan', beaconApps[0], beaconApps[1], '--format', 'csv', '-o', csv, '-q']);
    expect(r.code, r.stderr).toBe(3); // the old row's failure still counts
    const [header, old, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n').map(parseCsvLine);
    expect(header.slice(-4)).toEqual(['signatures_version', 'signatures_sha256', 'policy', 'policy_violations']);
    expect(old).toHaveLength(header.length);
    expect(old[0]).toBe('/old/broken.apk');
    expect(rows.map((x) => x[header.indexOf('signatures_sha256')])).toEqual([loadSignatures().sha256, loadSignatures().sha256]);
  });

  it('merge refuses shards made with different databases', async () => {
    const a = path.join(tmp, 'shard-user.ndjson');
    const b = path.join(tmp, 'shard-builtin.ndjson');
    rmSync(a, { force: true });
    rmSync(b, { force: true });
    expect((await cli(['scan', beaconApps[0], beaconApps[1], '--signatures', sigs, '-o', a, '-q'])).code).toBe(0);
    expect((await cli(['scan', beaconApps[2], beaconApps[3], '-o', b, '-q'])).code).toBe(0);
    const m = await cli(['merge', a, b, '-o', path.join(tmp, 'merged-mixed.ndjson')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/different signature databases/);
  });
});

describe('batch --fail-on / --policy (a gate over many bundles)', () => {
  let gateDir: string;
  let admob: string;
  let clean: string;

  beforeAll(() => {
    gateDir = path.join(tmp, 'submissions');
    mkdirSync(gateDir, { recursive: true });
    admob = path.join(gateDir, 'admob-appsflyer.apk');
    clean = path.join(gateDir, 'field-notes.apk');
    writeFileSync(admob, buildApk(admobAppsflyerSpec()));
    writeFileSync(clean, buildApk(ownPackagePrefixSpec()));
  });

  it('exit 1 and the matching bundle named in the summary; the verdict in every output', async () => {
    const out = path.join(tmp, 'gate.ndjson');
    const csv = path.join(tmp, 'gate.csv');
    const db = path.join(tmp, 'gate.sqlite');
    for (const f of [out, csv, db]) rmSync(f, { force: true });
    const r = await cli(['scan', gateDir, '--fail-on', 'tracker:advertising', '-o', out, '--db', db, '--workers', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/policy: FAILED — 1 of 2 bundles matched/);
    expect(r.stderr).toMatch(new RegExp(`✗ ${admob.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(org\\.example\\.admobflyer\\): tracker:advertising → tracker:google-mobile-ads`));
    expect(r.stderr).not.toContain(`✗ ${clean}`);

    const recs = ndjson(out);
    const byPath = (p: string) => recs.find((x) => x.input!.path === p)!;
    expect(byPath(admob).policy).toMatchObject({ passed: false, rules: ['tracker:advertising'] });
    expect(byPath(admob).policy!.violations.map((v) => v.subject)).toContain('tracker:google-mobile-ads');
    expect(byPath(clean).policy).toEqual({ passed: true, rules: [], violations: [], waived: [] });
    // a report line with its verdict is still a report of schema/report.schema.json
    const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../schema/report.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    for (const rec of [byPath(admob), byPath(clean)]) {
      validate(rec);
      expect(validate.errors ?? []).toEqual([]);
    }
    const sql = new Database(db, { readonly: true });
    try {
      const rows = sql.prepare('SELECT b.path, p.passed, p.rules FROM policy p JOIN bundles b USING (sha256) ORDER BY b.path').all();
      expect(rows).toEqual([
        { path: admob, passed: 0, rules: 'tracker:advertising' },
        { path: clean, passed: 1, rules: '' },
      ]);
      expect((sql.prepare('SELECT DISTINCT rule FROM policy_violations').all() as { rule: string }[]).map((x) => x.rule)).toEqual(['tracker:advertising']);
      // the stored report is the report alone, as a single scan writes it
      expect(JSON.parse((sql.prepare('SELECT report FROM bundles WHERE path = ?').get(admob) as { report: string }).report).policy).toBeUndefined();
    } finally {
      sql.close();
    }
    // merge carries the verdicts over
    const merged = path.join(tmp, 'gate-merged.ndjson');
    rmSync(merged, { force: true });
    expect((await cli(['merge', db, '-o', merged])).code).toBe(0);
    expect(ndjson(merged).find((x) => x.input!.path === admob)!.policy).toEqual(byPath(admob).policy);

    const c = await cli(['scan', gateDir, '--fail-on', 'tracker:advertising', '--format', 'csv', '-o', csv, '-q']);
    expect(c.code).toBe(1);
    expect(c.stderr).toBe('');
    const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n').map(parseCsvLine);
    const row = (p: string) => rows.find((x) => x[0] === p)!;
    expect(row(admob)[header.indexOf('policy')]).toBe('failed');
    expect(row(admob)[header.indexOf('policy_violations')]).toMatch(/^tracker:advertising=tracker:google-mobile-ads/);
    expect(row(clean)[header.indexOf('policy')]).toBe('passed');
  });

  it('exit 0 when no bundle matches; a policy file with an allowance waives a match', async () => {
    const r = await cli(['scan', gateDir, '--fail-on', 'capability:contacts,tracker:session-replay']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/policy: passed — no rule matched any of 2 bundles/);
    const policy = path.join(tmp, 'policy.json');
    writeFileSync(policy, JSON.stringify({ failOn: ['tracker:advertising'], allow: [{ rule: 'tracker:google-mobile-ads', justification: 'reviewed' }] }));
    const w = await cli(['scan', gateDir, '--policy', policy]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/1 bundle matched only what an allowance waives/);
  });

  it('a failed input keeps exit code 3, over the policy', async () => {
    const dir = path.join(tmp, 'submissions-with-a-broken-one');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'admob.apk'), buildApk(admobAppsflyerSpec()));
    writeFileSync(path.join(dir, 'broken.apk'), 'not a zip');
    const r = await cli(['scan', dir, '--fail-on', 'tracker:advertising']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/policy: FAILED — 1 of 1 bundle matched/);
    expect(r.stderr).toContain('broken.apk');
  });

  it('a resumed run gates the whole output: bundles stored by an earlier run are checked from their reports', async () => {
    const out = path.join(tmp, 'gate-resume.ndjson');
    rmSync(out, { force: true });
    // the first run, without a policy, records the AdMob app only
    expect((await cli(['scan', admob, clean, '-o', out, '-q'])).code).toBe(0);
    const r = await cli(['scan', admob, clean, path.join(beaconDir, 'study-0.apk'), '-o', out, '--fail-on', 'tracker:advertising']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/policy: FAILED — 1 of 3 bundles matched \(2 already in the output, checked from their stored reports\)/);
    expect(r.stderr).toContain(`✗ ${admob}`);
    // a CSV row is not the full report: a CSV output holding scanned bundles cannot be gated
    const csv = path.join(tmp, 'gate-resume.csv');
    rmSync(csv, { force: true });
    expect((await cli(['scan', admob, clean, '--format', 'csv', '-o', csv, '-q'])).code).toBe(0);
    const c = await cli(['scan', admob, clean, '--format', 'csv', '-o', csv, '--fail-on', 'tracker:advertising']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/a CSV row is not the full report/);
  });
});
