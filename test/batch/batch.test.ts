/**
 * Acceptance tests of the batch mode (issue 7): a crawl-like folder with good bundles, damaged
 * files, a zip bomb and a duplicate; every file is accounted for exactly once in every output;
 * kill and Ctrl-C mid-run, rerun, and nothing finished is redone; shards merge into what one run
 * gives.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsvLine, trackersFileFor } from '../../src/batch/csv.js';
import { renderJson } from '../../src/report/json.js';
import { Scanner } from '../../src/scan.js';
import { cli, ensureBuilt, makeCorpus, root, type Corpus } from './helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-batch-'));
let corpus: Corpus;
const scanner = new Scanner();

type Rec = Record<string, unknown> & { type?: string; path?: string; input?: { path: string; sha256: string } };
const ndjson = (file: string): Rec[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Rec);
const pathOf = (r: Rec) => (r.type ? (r.path as string) : r.input!.path);
const sorted = (xs: string[]) => [...xs].sort();
const allInputs = () => sorted([...corpus.good, ...corpus.bad, ...corpus.duplicates.map(([p]) => p)]);

beforeAll(() => {
  ensureBuilt();
  corpus = makeCorpus(path.join(tmp, 'crawl'));
});

describe('a folder of good, damaged, hostile and duplicate bundles', () => {
  it('NDJSON and SQLite: every file exactly once, reports equal to single scans, exit code 3', async () => {
    const out = path.join(tmp, 'all.ndjson');
    const db = path.join(tmp, 'all.sqlite');
    const r = await cli(['scan', corpus.dir, '-o', out, '--db', db, '--workers', '2']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    // one stderr line per failed file, then the summary
    for (const bad of corpus.bad) expect(r.stderr).toContain(`trackscan: ${bad}`);
    expect(r.stderr).toMatch(/files in folders skipped \(not app bundles\)/);

    const recs = ndjson(out);
    expect(sorted(recs.map(pathOf))).toEqual(allInputs());
    for (const p of corpus.notBundles) expect(recs.map(pathOf)).not.toContain(p);
    for (const good of corpus.good) {
      const rec = recs.find((x) => !x.type && x.input!.path === good)!;
      expect(rec, good).toBeDefined();
      // the same JSON as `trackscan scan --format json`
      expect(rec).toEqual(JSON.parse(renderJson(scanner.scanFile(good))));
    }
    const errors = recs.filter((x) => x.type === 'error');
    expect(sorted(errors.map(pathOf))).toEqual(sorted(corpus.bad));
    const codeOf = (name: string) => errors.find((e) => (e.path as string).endsWith(name))!.code;
    expect(codeOf('bomb.apk')).toBe('ARCHIVE_LIMIT');
    expect(codeOf('empty.apk')).toBe('ARCHIVE_INVALID');
    expect(codeOf('not-a-zip.apk')).toBe('ARCHIVE_INVALID');
    expect(codeOf('truncated.apk')).toBe('ARCHIVE_INVALID');
    expect(errors.find((e) => (e.path as string).endsWith('bomb.apk'))!.entry).toBe('classes3.dex');
    for (const e of errors) expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['code', 'message', 'path', 'type']));
    const dups = recs.filter((x) => x.type === 'duplicate');
    expect(dups.map((d) => [d.path, d.duplicateOf])).toEqual(corpus.duplicates);

    const sql = new Database(db, { readonly: true });
    try {
      expect(sql.pragma('integrity_check', { simple: true })).toBe('ok');
      const files = sql.prepare('SELECT path, status FROM files').all() as { path: string; status: string }[];
      expect(sorted(files.map((f) => f.path))).toEqual(allInputs());
      expect(sorted(files.filter((f) => f.status === 'scanned').map((f) => f.path))).toEqual(sorted(corpus.good));
      expect((sql.prepare('SELECT count(*) n FROM errors').get() as { n: number }).n).toBe(corpus.bad.length);
      const campaign = sql.prepare("SELECT * FROM bundles WHERE path LIKE '%campaign-app.apk'").get() as Record<string, unknown>;
      expect(campaign.app_id).toBe('org.example.campaign2020');
      expect(JSON.parse(campaign.report as string)).toEqual(recs.find((x) => !x.type && x.input!.path.endsWith('campaign-app.apk')));
      const trackerRows = (sql.prepare('SELECT count(*) n FROM trackers').get() as { n: number }).n;
      const reportTrackers = recs.filter((x) => !x.type).reduce((n, x) => n + (x.trackers as unknown[]).length, 0);
      expect(trackerRows).toBe(reportTrackers);
      // the README's query: share of apps embedding each advertising SDK
      const shares = sql
        .prepare(
          `SELECT t.tracker_id, count(DISTINCT t.sha256) AS apps,
                  round(100.0 * count(DISTINCT t.sha256) / (SELECT count(*) FROM bundles), 1) AS pct
             FROM trackers t JOIN tracker_categories c USING (sha256, tracker_id)
            WHERE c.category = 'advertising' AND t.confidence IN ('high', 'medium')
            GROUP BY t.tracker_id ORDER BY apps DESC`,
        )
        .all() as { tracker_id: string; apps: number }[];
      expect(shares.length).toBeGreaterThan(0);
      const contacts = sql.prepare("SELECT b.path FROM permissions p JOIN bundles b USING (sha256) WHERE p.name = 'android.permission.READ_CONTACTS'").all() as { path: string }[];
      expect(contacts.map((c) => c.path)).toContain(corpus.good[0]);
    } finally {
      sql.close();
    }

    // stats from either output agree, and count what the run wrote
    const a = await cli(['stats', out, '--format', 'json']);
    const b = await cli(['stats', db, '--format', 'json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
    const stats = JSON.parse(a.stdout);
    expect(stats).toMatchObject({ files: allInputs().length, scanned: corpus.good.length, failed: corpus.bad.length, duplicates: corpus.duplicates.length });
    expect(stats.failuresByCode).toEqual({ ARCHIVE_INVALID: 3, ARCHIVE_LIMIT: 1 });
    const android = stats.platforms.find((p: { platform: string }) => p.platform === 'android');
    expect(android.apps).toBe(corpus.good.length);
    expect(android.trackers.find((t: { id: string }) => t.id === 'phunware-location').apps).toBeGreaterThanOrEqual(2);
    expect((await cli(['stats', out])).stdout).toMatch(/^\d+ files: \d+ bundles scanned, 4 failed, 1 duplicate\n/);
  });

  it('CSV: one row per file, one row per (bundle, tracker)', async () => {
    const out = path.join(tmp, 'all.csv');
    const r = await cli(['scan', corpus.dir, '--format', 'csv', '-o', out, '-q']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').map(parseCsvLine);
    const [header, ...body] = rows;
    expect(header.slice(0, 3)).toEqual(['path', 'sha256', 'status']);
    expect(sorted(body.map((b) => b[0]))).toEqual(allInputs());
    expect(body.filter((b) => b[2] === 'scanned')).toHaveLength(corpus.good.length);
    expect(body.filter((b) => b[2] === 'error')).toHaveLength(corpus.bad.length);
    const trackerRows = readFileSync(trackersFileFor(out), 'utf8').trimEnd().split('\n').slice(1).map(parseCsvLine);
    const campaignSha = body.find((b) => b[0].endsWith('campaign-app.apk'))![1];
    expect(trackerRows.filter((t) => t[0] === campaignSha).map((t) => t[3])).toContain('phunware-location');
  });

  it('a single bundle with no batch option keeps the one-report output', async () => {
    const r = await cli(['scan', corpus.good[0], '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderJson(scanner.scanFile(corpus.good[0])));
  });
});

/** Spawns the CLI and SIGKILLs (or SIGINTs) it once the output has `after` complete lines. */
function spawnAndStop(args: string[], watch: string, after: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/trackscan.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setInterval(() => {
      if (!existsSync(watch)) return;
      const lines = readFileSync(watch, 'utf8').split('\n').length - 1;
      if (lines >= after) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearInterval(timer);
      resolve({ code, signal: sig, stderr });
    });
  });
}

describe('interrupted runs resume', () => {
  it('SIGKILL mid-run (and a torn last line), rerun: finishes the rest without redoing finished bundles', async () => {
    const out = path.join(tmp, 'killed.ndjson');
    const db = path.join(tmp, 'killed.sqlite');
    const args = ['scan', corpus.dir, '-o', out, '--db', db, '--workers', '1', '-q'];
    const first = await spawnAndStop(args, out, 3, 'SIGKILL');
    expect(first.signal).toBe('SIGKILL');
    const before = ndjson(out).map(pathOf);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(allInputs().length);
    // a kill in the middle of a write leaves half a line
    appendFileSync(out, '{"schemaVersion":1,"tool":{"na');

    const second: string[] = [];
    const { run } = await import('../../src/cli/run.js');
    let stderr = '';
    const code = await run(args, { stdout: () => {}, stderr: (s) => (stderr += s) });
    expect(code, stderr).toBe(3);
    const after = ndjson(out);
    second.push(...after.map(pathOf).slice(before.length));
    // nothing recorded twice, nothing missing, nothing from the first run redone
    expect(sorted(after.map(pathOf))).toEqual(allInputs());
    expect(second.filter((p) => before.includes(p))).toEqual([]);
    const sql = new Database(db, { readonly: true });
    try {
      expect(sql.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(sorted((sql.prepare('SELECT path FROM files').all() as { path: string }[]).map((f) => f.path))).toEqual(allInputs());
    } finally {
      sql.close();
    }
    // a third run has nothing left to do
    const third = await cli(args);
    expect(third.code).toBe(3);
    expect(ndjson(out)).toHaveLength(allInputs().length);
  });

  it('Ctrl-C stops cleanly (exit 130, outputs valid), and the rerun completes', async () => {
    const out = path.join(tmp, 'sigint.ndjson');
    const db = path.join(tmp, 'sigint.sqlite');
    const args = ['scan', corpus.dir, '-o', out, '--db', db, '--workers', '1'];
    const first = await spawnAndStop(args, out, 2, 'SIGINT');
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/interrupted in .*\nrerun the same command to finish the rest\n$|rerun the same command/);
    const part = ndjson(out); // every line parses
    const sql = new Database(db, { readonly: true });
    expect((sql.prepare('SELECT count(*) n FROM files').get() as { n: number }).n).toBe(part.length);
    sql.close();
    const r = await cli([...args, '-q']);
    expect(r.code).toBe(3);
    expect(sorted(ndjson(out).map(pathOf))).toEqual(allInputs());
  });

  it('in process: an abort signal stops the batch like Ctrl-C', async () => {
    const out = path.join(tmp, 'abort.ndjson');
    const ac = new AbortController();
    ac.abort();
    const r = await cli(['scan', corpus.dir, '-o', out, '-q'], { signal: ac.signal });
    expect(r.code).toBe(130);
  });
});

describe('shards', () => {
  it('four shards merged (NDJSON and SQLite) equal a single run', async () => {
    const small = makeCorpus(path.join(tmp, 'small'), { real: false });
    const all = sorted([...small.good, ...small.bad, ...small.duplicates.map(([p]) => p)]);
    const single = path.join(tmp, 'single.ndjson');
    expect((await cli(['scan', small.dir, '-o', single, '-q'])).code).toBe(3);
    const shards: string[] = [];
    const dbs: string[] = [];
    let total = 0;
    for (let i = 0; i < 4; i++) {
      const s = path.join(tmp, `shard-${i}.ndjson`);
      const d = path.join(tmp, `shard-${i}.sqlite`);
      const r = await cli(['scan', small.dir, '--shard', `${i}/4`, '-o', s, '--db', d, '-q', '--workers', '1']);
      expect([0, 3]).toContain(r.code);
      shards.push(s);
      dbs.push(d);
      total += ndjson(s).length;
    }
    expect(total).toBe(all.length); // each file in exactly one shard
    const key = (r: Rec) => `${pathOf(r)}`;
    const norm = (recs: Rec[]) => [...recs].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const merged = path.join(tmp, 'merged.ndjson');
    expect((await cli(['merge', ...shards, '-o', merged])).code).toBe(0);
    expect(norm(ndjson(merged))).toEqual(norm(ndjson(single)));

    // SQLite shards into one database, then back to NDJSON: the same records again
    const mergedDb = path.join(tmp, 'merged.sqlite');
    expect((await cli(['merge', ...dbs, '--db', mergedDb])).code).toBe(0);
    const fromDb = path.join(tmp, 'merged-from-db.ndjson');
    expect((await cli(['merge', mergedDb, '-o', fromDb])).code).toBe(0);
    expect(norm(ndjson(fromDb))).toEqual(norm(ndjson(single)));
    expect(JSON.parse((await cli(['stats', mergedDb, '--format', 'json'])).stdout)).toEqual(JSON.parse((await cli(['stats', single, '--format', 'json'])).stdout));

    // merging again changes nothing (each path once)
    expect((await cli(['merge', ...shards, '-o', merged])).code).toBe(0);
    expect(ndjson(merged)).toHaveLength(all.length);
  });
});

describe('per-bundle limits: the worker is replaced, the batch goes on', () => {
  const big = () => corpus.good.find((p) => p.endsWith('appium-uiautomator2-server-v10.6.6.apk'));
  const campaign = () => corpus.good.find((p) => p.endsWith('campaign-app.apk'))!;

  it('--timeout: the slow bundle is an error record, the next ones are scanned; --retry-failed scans it again', async () => {
    if (!big()) return;
    const out = path.join(tmp, 'timeout.ndjson');
    const fixtures = corpus.good.filter((p) => path.basename(p).startsWith('fixture-'));
    // the big APK needs ~0.4 s warm, far more in a fresh worker; the others a few ms (margins for a loaded CI)
    const r = await cli(['scan', big()!, campaign(), ...fixtures, '--timeout', '0.3', '--workers', '1', '-o', out, '-q']);
    expect(r.code).toBe(3);
    const recs = ndjson(out);
    expect(sorted(recs.map(pathOf))).toEqual(sorted([big()!, campaign(), ...fixtures]));
    expect(recs.find((x) => x.type === 'error' && x.path === big())).toMatchObject({ code: 'TIMEOUT' });
    expect(recs.filter((x) => x.type === 'error').map((x) => x.code)).toEqual(expect.arrayContaining(['TIMEOUT']));
    expect(recs.find((x) => !x.type && x.input!.path === campaign())).toBeDefined();

    const again = await cli(['scan', big()!, campaign(), ...fixtures, '--workers', '1', '-o', out, '-q', '--retry-failed']);
    expect(again.code).toBe(0);
    const final = ndjson(out);
    expect(final).toHaveLength(2 + fixtures.length);
    expect(final.filter((x) => x.type === 'error')).toEqual([]);
  });

  it('--max-memory: a bundle that needs more heap is OUT_OF_MEMORY, the others are scanned', async () => {
    if (!big()) return;
    const out = path.join(tmp, 'oom.ndjson');
    const r = await cli(['scan', big()!, campaign(), '--max-memory', '16', '--workers', '1', '-o', out, '-q']);
    expect(r.code).toBe(3);
    const recs = ndjson(out);
    expect(recs.find((x) => x.type === 'error')).toMatchObject({ path: big(), code: 'OUT_OF_MEMORY' });
    expect(recs.find((x) => !x.type)!.input!.path).toBe(campaign());
  });
});

describe('command line', () => {
  it('usage errors exit 2 with one line', async () => {
    for (const argv of [
      ['scan', corpus?.dir ?? '.', '--format', 'text'],
      ['scan', corpus?.dir ?? '.', '--shard', '4/4'],
      ['scan', corpus?.dir ?? '.', '--workers', '0'],
      ['scan', corpus?.dir ?? '.', '--format', 'csv'],
    ]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });

  it('refuses to append to a file that is not a trackscan output', async () => {
    const out = path.join(tmp, 'notes.txt');
    appendFileSync(out, 'my notes\nmore notes\n');
    const r = await cli(['scan', corpus.good[0], corpus.good[1], '-o', out, '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notes\.txt:1: not a trackscan record/);
    expect(readFileSync(out, 'utf8')).toBe('my notes\nmore notes\n');
  });

  it('--list adds paths from a file; NDJSON goes to stdout without -o', async () => {
    const list = path.join(tmp, 'list.txt');
    rmSync(list, { force: true });
    appendFileSync(list, `# two apps\n${corpus.good[0]}\n\n${corpus.good[1]}\n`);
    const r = await cli(['scan', '--list', list, '-q']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as Rec).input!.path)).toEqual(expect.arrayContaining([corpus.good[0], corpus.good[1]]));
  });
});
