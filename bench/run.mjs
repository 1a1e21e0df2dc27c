// `npm run bench`: trackscan against the floor and the peers, side by side, in one run.
// See bench/README.md for what is measured and why; results go to bench/results/<date>.md.
//
// Environment: BENCH_RUNS (measured runs per case, default 5; one warm-up run precedes them),
// BENCH_ONLY (comma-separated input ids), BENCH_SKIP_PEERS=1 (trackscan and the floor only),
// BENCH_SKIP_BATCH=1 (no batch case), BENCH_BATCH_COUNT (bundles in the batch case, default 200).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInputs } from './inputs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(here, 'out');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ONLY = process.env.BENCH_ONLY?.split(',');
const SKIP_PEERS = process.env.BENCH_SKIP_PEERS === '1';
/** a case whose warm-up takes longer than this is measured once (the warm-up is that run) */
const SLOW_MS = 20_000;
/** … longer than this, three times */
const MEDIUM_MS = 5_000;
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const log = (...a) => process.stderr.write(a.join(' ') + '\n');
const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

// ---- peers present ---------------------------------------------------------------------------------

function versionOf(cmd, args, pick = (s) => s.split('\n')[0]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 || r.stdout ? pick(`${r.stdout}${r.stderr}`.trim()) : undefined;
}

function peers() {
  const p = {};
  const missing = [];
  if (has('dexdump') && has('perl')) p.dexdump = 'dexdump (Debian ' + (versionOf('dpkg-query', ['-W', '-f=${Version}', 'dexdump']) ?? '?') + ')';
  else missing.push('Exodus method: needs `dexdump` (Debian package dexdump) and perl');
  if (has('aapt')) p.aapt = 'aapt (Debian ' + (versionOf('dpkg-query', ['-W', '-f=${Version}', 'aapt']) ?? '?') + ')';
  else missing.push('aapt: Debian package aapt not installed');
  const ag = spawnSync(PYTHON, ['-c', 'import androguard; print(androguard.__version__)'], { encoding: 'utf8' });
  if (ag.status === 0 && has('androguard')) p.androguard = `androguard ${ag.stdout.trim()}`;
  else missing.push('androguard: Debian package androguard not installed');
  try {
    const v = JSON.parse(readFileSync(join(root, 'node_modules/app-info-parser/package.json'), 'utf8')).version;
    p.appInfo = `app-info-parser ${v} (npm)`;
  } catch {
    missing.push('app-info-parser: run npm install');
  }
  return { p, missing };
}

// ---- running cases --------------------------------------------------------------------------------

/** Runs a command once: wall-clock ms (from spawn to exit) and peak RSS of the largest process (KB). */
function runProcess(argv, { cwd = root } = {}) {
  const rssFile = join(tmpdir(), `trackscan-bench-rss-${process.pid}`);
  const full = TIME ? [TIME, '-f', '%M', '-o', rssFile, ...argv] : argv;
  const t = performance.now();
  const r = spawnSync(full[0], full.slice(1), { cwd, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  let rssKB;
  if (TIME) {
    rssKB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rmSync(rssFile, { force: true });
  }
  return { ms, rssKB, stdout: r.stdout, stderr: r.stderr };
}

/** In-process cases, interleaved, in one Node process of their own (bench/inproc.mjs). */
function runInProcess(specs, runs) {
  const r = spawnSync(process.execPath, [join(here, 'inproc.mjs'), '1', String(runs), ...specs], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`inproc ${specs.join(' ')}: ${r.stderr.slice(0, 800)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  for (const c of out.cases) c.info.setupMs = out.setupMs;
  return out.cases;
}

/**
 * Process cases of one input, interleaved: a warm-up of each, then run k of every case before run
 * k+1 of any, so that a burst of load on this shared machine lands on all of them alike.
 */
function measureProcesses(cases) {
  const results = {};
  for (const c of cases) {
    try {
      const w = runProcess(c.argv);
      c.check?.(w);
      c.runs = w.ms > SLOW_MS ? 0 : w.ms > MEDIUM_MS ? 3 : RUNS;
      results[c.id] = { ms: c.runs === 0 ? [w.ms] : [], rssKB: [w.rssKB], note: c.note, runs: c.runs };
      log(`    ${c.id}: warm-up ${Math.round(w.ms)} ms${c.runs === 0 ? ' (slow: measured once)' : ''}`);
    } catch (e) {
      results[c.id] = { error: String(e.message).split('\n')[0] };
      c.runs = -1;
      log(`    ${c.id}: FAILED ${results[c.id].error}`);
    }
  }
  for (let k = 0; k < RUNS; k++) {
    for (const c of cases) {
      if (k >= c.runs) continue;
      try {
        const r = runProcess(c.argv);
        results[c.id].ms.push(r.ms);
        results[c.id].rssKB.push(r.rssKB);
      } catch (e) {
        // e.g. dist/ rebuilt mid-run by someone else on a shared tree: keep the runs so far
        log(`    ${c.id}: run ${k + 1} FAILED ${String(e.message).split('\n')[0]}`);
        c.runs = k;
      }
    }
  }
  for (const r of Object.values(results)) {
    if (r.error) continue;
    r.median = median(r.ms);
    r.rssMB = Math.max(...r.rssKB.filter((x) => x !== undefined)) / 1024;
  }
  return results;
}

// ---- Exodus signatures from ours ----------------------------------------------------------------

/** Our Android package prefixes as Exodus code signatures: `a.b|c.d`, unanchored, dots as wildcards. */
function exodusSignatures() {
  const dir = join(root, 'signatures/sdks');
  const sigs = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const s = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const packages = s.android?.packages ?? [];
    if (packages.length) sigs.push({ name: s.name ?? s.id, code_signature: packages.join('|') });
  }
  const file = join(out, 'exodus-signatures.json');
  writeFileSync(file, JSON.stringify(sigs, null, 1));
  return { file, count: sigs.length };
}

// ---- main ---------------------------------------------------------------------------------------------

const started = Date.now();
const load0 = loadavg();
if (!existsSync(join(root, 'dist/scan.js'))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');
log('bench: building inputs (cached in bench/out/) …');
let inputs = await buildInputs(out, log);
if (ONLY) inputs = inputs.filter((i) => ONLY.includes(i.id));
const { p: peer, missing } = SKIP_PEERS ? { p: {}, missing: ['peers skipped (BENCH_SKIP_PEERS=1)'] } : peers();
const exo = exodusSignatures();
const cli = join(root, 'bin/trackscan.js');

log('bench: Node start-up …');
const startup = measureProcesses([{ id: 'node', argv: [process.execPath, '-e', '0'] }]).node;

const rows = [];
for (const input of inputs) {
  log(`bench: ${input.id} (${(input.size / 1e6).toFixed(1)} MB)`);
  // scan: as `trackscan scan` does it (a second thread for a large APK's DEX files when a core
  // looks idle); scan1: on one thread, as a batch worker does it.
  const android = input.kind === 'apk';
  const [floor, scan, scan1] = runInProcess([`floor:${input.path}`, `scan:${input.path}`, ...(android ? [`scan1:${input.path}`] : [])], RUNS);
  log(`    floor ${median(floor.ms).toFixed(0)} ms, scan in-process ${median(scan.ms).toFixed(0)} ms${scan1 ? `, one thread ${median(scan1.ms).toFixed(0)} ms` : ''}`);
  const cases = [{ id: 'trackscan', argv: [process.execPath, cli, 'scan', input.path, '--format', 'json', '-o', '/dev/null'] }];
  if (input.kind === 'apk') {
    if (peer.dexdump) cases.push({ id: 'exodus', argv: [PYTHON, join(here, 'exodus.py'), input.path, exo.file] });
    if (peer.aapt) cases.push({ id: 'aapt', argv: ['aapt', 'dump', 'badging', input.path] });
    if (peer.androguard) {
      cases.push({ id: 'androguard-apkid', argv: ['androguard', 'apkid', input.path] });
      cases.push({ id: 'androguard-classes', argv: [PYTHON, join(here, 'androguard_classes.py'), input.path] });
    }
  }
  if (peer.appInfo) cases.push({ id: 'app-info-parser', argv: [process.execPath, join(here, 'app-info.mjs'), input.path] });
  const procs = measureProcesses(cases);
  rows.push({ input, floor, scan, scan1, procs });
}
// Unread assets: the IPA with and without them, scanned alternately in one process.
let assets;
const ipaFull = inputs.find((i) => i.id === 'large.ipa');
const ipaLean = inputs.find((i) => i.id === 'large-noassets.ipa');
if (ipaFull && ipaLean) {
  log('bench: large.ipa vs large-noassets.ipa, interleaved …');
  const [a, b] = runInProcess([`scan:${ipaFull.path}`, `scan:${ipaLean.path}`], RUNS + 2);
  assets = { a, b };
}
const elapsedS = (Date.now() - started) / 1000;
const load1 = loadavg();

// ---- report ------------------------------------------------------------------------------------------

const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const mb = (b) => (b / 1e6).toFixed(1);
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(a / b < 10 ? 1 : 0)}×` : '–');
const proc = (r, id) => r.procs[id];
const pm = (r, id) => proc(r, id)?.median;
const cell = (r, id) => {
  const p = proc(r, id);
  if (!p) return 'n/a';
  if (p.error) return 'failed';
  return `${f0(p.median)}${p.runs === 0 ? ' (n=1)' : p.runs === 3 ? ' (n=3)' : ''}`;
};

const lines = [];
const date = new Date().toISOString().slice(0, 10);
lines.push(`# trackscan benchmark — ${date}`, '');
lines.push(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
    `shared and noisy (load average ${load0[0].toFixed(1)} at the start, ${load1[0].toFixed(1)} at the end). ` +
    `Medians of ${RUNS} runs after one warm-up (n=3 or n=1 where a case is slow); whole-process cases interleaved. ` +
    `One bench run took ${Math.round(elapsedS)} s. Node start-up (\`node -e 0\`): ${f0(startup.median)} ms.`,
  '',
);
lines.push('Peers: ' + (Object.values(peer).join(', ') || 'none') + '.' + (missing.length ? ' Skipped: ' + missing.join('; ') + '.' : ''), '');
lines.push(`Exodus method: ${exo.count} code signatures made from our signature database's Android package prefixes.`, '');

lines.push('## Time (ms, median)', '');
lines.push('In-process columns exclude Node start-up; whole-process columns are wall-clock from spawn to exit.', '');
lines.push('| input | size MB | needed entries (inflated MB) | floor | trackscan in-process | ×floor | one thread | ×floor | trackscan process | Exodus method | ×trackscan | aapt badging | androguard apkid | androguard classes | app-info-parser |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const fl = median(r.floor.ms);
  const sc = median(r.scan.ms);
  const s1 = r.scan1 ? median(r.scan1.ms) : NaN;
  lines.push(
    `| ${r.input.id} | ${mb(r.input.size)} | ${r.floor.info.neededEntries} of ${r.floor.info.entries} (${mb(r.floor.info.inflated)}) | ${f0(fl)} | ${f0(sc)} | ${ratio(sc, fl)} | ${r.scan1 ? f0(s1) : '–'} | ${r.scan1 ? ratio(s1, fl) : '–'} | ${cell(r, 'trackscan')} | ${cell(r, 'exodus')} | ${proc(r, 'exodus') ? ratio(pm(r, 'exodus'), pm(r, 'trackscan')) : 'n/a'} | ${cell(r, 'aapt')} | ${cell(r, 'androguard-apkid')} | ${cell(r, 'androguard-classes')} | ${cell(r, 'app-info-parser')} |`,
  );
}
lines.push('', '"one thread": the same scan with no DEX worker thread (as in a batch, whose workers keep the cores busy); iOS scans use one thread for parsing.');
lines.push('');

lines.push('## trackscan in-process, per phase (ms, median)', '');
const phaseNames = [...new Set(rows.flatMap((r) => Object.keys(r.scan.phases)))].filter((k) => k !== 'collect' && k !== 'total');
lines.push(`| input | ${phaseNames.join(' | ')} | total | floor |`);
lines.push(`| --- | ${phaseNames.map(() => '---:').join(' | ')} | ---: | ---: |`);
for (const r of rows) {
  lines.push(`| ${r.input.id} | ${phaseNames.map((k) => (r.scan.phases[k] ? f1(median(r.scan.phases[k])) : '')).join(' | ')} | ${f0(median(r.scan.ms))} | ${f0(median(r.floor.ms))} |`);
}
lines.push('', '`walk` (the DEX bytecode walk) is part of `collect.dex`; `collect` (the sum of the collectors) is left out.', '', `Floor and trackscan in-process runs alternate in one process per input. Loading the modules and the signature database before the first scan (part of every trackscan process's start, not of the columns above): ${f0(median(rows.map((r) => r.scan.info.setupMs)))} ms.`, '');

lines.push('## Peak memory (MB, peak RSS of the largest process)', '');
lines.push('| input | needed inflated MB | budget (needed + 200) | trackscan process | within budget | Exodus method | aapt | androguard classes | app-info-parser |');
lines.push('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const budget = r.floor.info.inflated / 2 ** 20 + 200;
  const ts = proc(r, 'trackscan')?.rssMB;
  const m = (id) => (proc(r, id)?.rssMB ? f0(proc(r, id).rssMB) : 'n/a');
  lines.push(
    `| ${r.input.id} | ${mb(r.floor.info.inflated)} | ${f0(budget)} | ${ts ? f0(ts) : '–'} | ${ts ? (ts <= budget ? 'yes' : '**no**') : '–'} | ${m('exodus')} | ${m('aapt')} | ${m('androguard-classes')} | ${m('app-info-parser')} |`,
  );
}
lines.push('');

// Targets
const byId = Object.fromEntries(rows.map((r) => [r.input.id, r]));
const t = [];
for (const id of ['large.apk', 'large.ipa']) {
  const r = byId[id];
  if (!r) continue;
  const sc = median(r.scan.ms);
  const fl = median(r.floor.ms);
  const hash = median(r.scan.phases.hash ?? []);
  t.push(
    `- Full scan ≤ 2× floor on ${id}: ${sc <= 2 * fl ? '**met**' : '**missed**'} — ${f0(sc)} ms vs floor ${f0(fl)} ms (${ratio(sc, fl)}); ` +
      `without the SHA-256 of the whole file (${f0(hash)} ms, which the floor does not do) ${f0(sc - hash)} ms (${ratio(sc - hash, fl)}).`,
  );
}
const apkRows = rows.filter((r) => r.input.kind === 'apk' && proc(r, 'exodus')?.median);
if (apkRows.length) {
  const worst = Math.min(...apkRows.map((r) => pm(r, 'exodus') / pm(r, 'trackscan')));
  t.push(
    `- ≥ 10× faster than the Exodus method on every APK (whole process vs whole process): ${worst >= 10 ? '**met**' : '**missed**'} — ` +
      apkRows.map((r) => `${r.input.id} ${ratio(pm(r, 'exodus'), pm(r, 'trackscan'))}`).join(', ') +
      `; without Node's own start-up (${f0(startup.median)} ms, which the Exodus method's Python and dexdump do not pay): ` +
      apkRows.map((r) => `${r.input.id} ${ratio(pm(r, 'exodus'), pm(r, 'trackscan') - startup.median)}`).join(', ') +
      '; in-process (without start-up, modules or signature database): ' +
      apkRows.map((r) => `${r.input.id} ${ratio(pm(r, 'exodus'), median(r.scan.ms))}`).join(', ') +
      '.',
  );
}
const memRows = rows.filter((r) => proc(r, 'trackscan')?.rssMB);
if (memRows.length) {
  const over = memRows.filter((r) => proc(r, 'trackscan').rssMB > r.floor.info.inflated / 2 ** 20 + 200);
  t.push(
    `- Peak memory ≤ needed entries' inflated size + 200 MB: ${over.length ? `**missed** on ${over.map((r) => r.input.id).join(', ')}` : '**met** on every input'} — ` +
      memRows.map((r) => `${r.input.id} ${f0(proc(r, 'trackscan').rssMB)} of ${f0(r.floor.info.inflated / 2 ** 20 + 200)} MB`).join(', ') +
      '.',
  );
}
if (assets) {
  const a = { ...byId['large.ipa'], scan: assets.a };
  const b = { ...byId['large-noassets.ipa'], scan: assets.b };
  const nonHash = (r) => median(r.scan.ms.map((ms, i) => ms - (r.scan.phases.hash?.[i] ?? 0)));
  const d = nonHash(a) - nonHash(b);
  const extraMB = (a.input.size - b.input.size) / 1e6;
  const ok = Math.abs(d) <= Math.max(20, 0.05 * nonHash(b));
  t.push(
    `- An IPA's unread assets cost nothing: ${ok ? '**met** for reading and analysis' : '**missed**'} — the ${f1(extraMB)} MB of assets change the scan without hashing by ${d >= 0 ? '+' : ''}${f0(d)} ms ` +
      `(${f0(nonHash(a))} vs ${f0(nonHash(b))} ms) and peak memory by ${f0((proc(a, 'trackscan')?.rssMB ?? NaN) - (proc(b, 'trackscan')?.rssMB ?? NaN))} MB; ` +
      `they are never read or inflated. Hashing the whole input for the report's SHA-256 does read them: ${f0(median(a.scan.phases.hash))} vs ${f0(median(b.scan.phases.hash))} ms.`,
  );
}
lines.push('## Targets', '', ...t, '');
lines.push(
  '## What the floor reads',
  '',
  'Android: AndroidManifest.xml, resources.arsc, every classes*.dex, META-INF/*.version, META-INF/*.RSA|DSA|EC and the APK Signing Block. ' +
    'iOS: the Info.plist of the app and of every nested bundle, GoogleService-Info.plist, every PrivacyInfo.xcprivacy, and the executables of the app, its frameworks and its extensions. ' +
    'Everything else (native libraries, resources, assets) is only listed. The floor finds the central directory, reads each needed entry and inflates it with `inflateRawSync` (one output buffer of the declared size); no CRC, no parsing, no hashing (bench/floor.mjs).',
  '',
);

// The batch case (issue 7): apps/second with 1 worker and with the default pool, peak memory.
if (!process.env.BENCH_SKIP_BATCH) {
  const batch = spawnSync(process.execPath, [join(here, 'batch.mjs'), process.env.BENCH_BATCH_COUNT ?? '200'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  lines.push('## Batch (bench/batch.mjs)', '', batch.status === 0 ? batch.stdout.trim() : `batch bench failed: ${(batch.stderr || '').trim().split('\n').pop()}`, '');
}

const md = lines.join('\n');
mkdirSync(join(here, 'results'), { recursive: true });
const resultFile = join(here, 'results', `${date}.md`);
writeFileSync(resultFile, md);
writeFileSync(join(out, 'last-run.json'), JSON.stringify({ date, rows: rows.map((r) => ({ ...r, input: { id: r.input.id, size: r.input.size } })), startup }, null, 1));
process.stdout.write(md + '\n');
log(`bench: wrote ${resultFile} (${Math.round(elapsedS)} s)`);
