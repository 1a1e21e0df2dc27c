/**
 * A batch scan: discover inputs, hash them (main thread, a few at a time), skip what the outputs
 * already hold, scan the rest in a worker pool, stream every record to every output as it
 * arrives, and end with a summary. Every input file gets exactly one record: a report, an error
 * or a duplicate.
 *
 * One output holds the results of one signature database: every worker scans with the database
 * the main thread loaded (the built-in one, or it merged with `--signatures` folders), and a run
 * refuses to append to an output whose reports were made with another (a usage error naming
 * both), so that no table of results mixes two databases without saying so.
 *
 * With a policy, each worker evaluates it on each report (the verdict goes in the record); the
 * summary names every bundle of the results that a rule matches — on a resumed output, also those
 * scanned by an earlier run, checked from their stored reports — and the CLI exits 1 when there is
 * one (3, when an input failed, comes first).
 */
import type { ZipLimits } from '../archive/zip.js';
import type { Policy, evaluatePolicy } from '../report/policy.js';
import type { Report } from '../report/model.js';
import type { SignatureDatabase } from '../signatures/types.js';
import ora from 'ora';
import { CsvSink } from './csv.js';
import { discover, readListFile } from './discover.js';
import { hashInOrder, sha256Hex, shardOf } from './hash.js';
import { NdjsonSink } from './ndjson.js';
import { BatchUsageError, DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S, defaultWorkers } from './options.js';
import { WorkerPool } from './pool.js';
import { errorLine, type BatchRecord, type ErrorRecord } from './records.js';
import type { Sink, StatsInput } from './sink.js';
import { SqliteSink } from './sqlite.js';
import { renderStats, StatsAggregator, type ConfidenceLevel, type Stats } from './stats.js';
import { renderPolicyOutcome, verdictOf, type BatchPolicyOutcome } from './verdict.js';

export { EXIT_INTERRUPTED } from '../cli/exit-codes.js';
export { BatchUsageError, DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S, defaultWorkers } from './options.js';

export interface BatchOptions {
  inputs: string[];
  list?: string;
  format: 'ndjson' | 'csv';
  output?: string;
  db?: string;
  workers?: number;
  timeoutMs?: number;
  maxMemoryMb?: number;
  shard?: { index: number; count: number };
  retryFailed?: boolean;
  quiet?: boolean;
  timing?: boolean;
  limits?: Partial<ZipLimits>;
  minConfidence?: ConfidenceLevel;
  /** the signature database to scan with, validated (default: the built-in one) */
  signatures?: SignatureDatabase;
  /** a policy (`--fail-on`, `--policy`) to evaluate on every bundle */
  policy?: Policy;
}

export interface BatchIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stderrIsTTY?: boolean;
  /** for tests: called after each record is written */
  onRecord?(r: BatchRecord): void;
  /** an abort signal that stops the batch as Ctrl-C does (default: SIGINT on the process) */
  signal?: AbortSignal;
}

export interface BatchResult {
  stats: Stats;
  /** records written by this run */
  written: number;
  /** inputs already in the outputs, not redone */
  alreadyDone: number;
  /** inputs left to other shards */
  otherShards: number;
  skippedNotBundles: number;
  interrupted: boolean;
  elapsedMs: number;
  /** with a policy: which bundles of the results it matched */
  policy?: BatchPolicyOutcome;
}

export async function runBatch(opts: BatchOptions, io: BatchIo): Promise<BatchResult> {
  const t0 = performance.now();
  const inputs = [...opts.inputs];
  if (opts.list) {
    try {
      inputs.push(...readListFile(opts.list));
    } catch (e) {
      throw new BatchUsageError(`cannot read --list ${opts.list}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (inputs.length === 0) throw new BatchUsageError('no inputs: give bundles, folders or --list');

  const progress = io.stderrIsTTY && !opts.quiet ? ora({ text: 'discovering bundles…', stream: process.stderr }).start() : undefined;
  const { files, skipped } = discover(inputs);

  const stats = new StatsAggregator(opts.minConfidence ?? 'medium');
  const existingErrors = new Map<string, string>();
  const feedExisting = (r: StatsInput) => {
    stats.add(r);
    if (r.type === 'error') existingErrors.set(r.path, r.code);
  };
  const sinks: Sink[] = [];
  try {
    if (opts.output || !opts.db) {
      if (opts.format === 'csv') {
        if (!opts.output) throw new BatchUsageError('--format csv needs -o <file.csv> (it writes two files)');
        sinks.push(new CsvSink(opts.output, feedExisting));
      } else {
        sinks.push(new NdjsonSink(opts.output ?? '(stdout)', opts.output, io.stdout, feedExisting));
      }
    }
    if (opts.db) sinks.push(new SqliteSink(opts.db, sinks.length ? undefined : feedExisting));
    if (opts.signatures) checkDatabase(sinks, opts.signatures);
  } catch (e) {
    progress?.stop();
    for (const s of sinks) s.close();
    throw e;
  }
  const primary = sinks[0];
  const accounted = (p: string) => sinks.every((s) => s.index.byPath.has(p));

  if (opts.retryFailed) {
    const wanted = new Set(files);
    const retry = new Set(primary.index.errorPaths.filter((p) => wanted.has(p)));
    for (const s of sinks) s.dropErrors(retry);
    for (const p of retry) stats.forgetError(existingErrors.get(p)!);
  }

  let policy: BatchPolicyOutcome | undefined;
  let storedPaths = new Set<string>();
  if (opts.policy) {
    try {
      const { evaluatePolicy } = await import('../report/policy.js');
      ({ outcome: policy, paths: storedPaths } = checkStoredReports(sinks, opts.policy, evaluatePolicy));
    } catch (e) {
      progress?.stop();
      for (const s of sinks) s.close();
      throw e;
    }
  }

  const workers = opts.workers ?? defaultWorkers();
  const pool = new WorkerPool({
    workers,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000,
    maxMemoryMb: opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB,
    timing: opts.timing,
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.signatures ? { database: opts.signatures } : {}),
    ...(opts.policy ? { policy: opts.policy } : {}),
  });

  let interrupted = false;
  let onInterrupt: () => void = () => {};
  const interruptedP = new Promise<void>((resolve) => (onInterrupt = resolve));
  const interrupt = () => {
    interrupted = true;
    onInterrupt();
  };
  const signal = io.signal;
  const sigint = () => interrupt();
  if (signal?.aborted) interrupt();
  else if (signal) signal.addEventListener('abort', interrupt, { once: true });
  else process.on('SIGINT', sigint);

  let written = 0;
  let alreadyDone = 0;
  let otherShards = 0;
  let scanned = 0;
  let failedNow = 0;
  let total = files.length;
  let done = 0;
  const tStart = performance.now();
  const render = () => {
    if (!progress) return;
    const elapsed = (performance.now() - tStart) / 1000;
    const rate = scanned / Math.max(elapsed, 0.001);
    const left = total - done;
    const eta = rate > 0 ? formatDuration(left / rate) : '?';
    progress.text = `${done}/${total} · ${rate.toFixed(1)} apps/s · ETA ${eta} · ${failedNow} error${failedNow === 1 ? '' : 's'}`;
  };
  const ticker = progress ? setInterval(render, 1000) : undefined;

  const emit = (r: BatchRecord) => {
    for (const s of sinks) s.write(r);
    stats.add(r);
    written++;
    done++;
    if (r.type === 'report') {
      scanned++;
      if (policy && r.policy && !storedPaths.has(r.summary.path)) {
        policy.checked++;
        if (!r.policy.passed) policy.matched.push({ path: r.summary.path, appId: r.summary.appId, verdict: r.policy });
        else if (r.policy.waived.length) policy.waivedOnly++;
      }
    }
    if (r.type === 'error') {
      failedNow++;
      if (!opts.quiet) {
        progress?.clear();
        io.stderr(errorLine(r) + '\n');
        progress?.render();
      }
    }
    render();
    io.onRecord?.(r);
  };

  const seen = new Map<string, string>(); // sha256 → path recorded by this run
  const inflight = new Set<Promise<void>>();
  try {
    for await (const h of hashInOrder(files)) {
      if (interrupted) break;
      const sha = 'sha256' in h ? h.sha256 : undefined;
      if (opts.shard && shardOf(sha ?? sha256Hex(h.path), opts.shard.count) !== opts.shard.index) {
        otherShards++;
        total--;
        render();
        continue;
      }
      if (accounted(h.path)) {
        alreadyDone++;
        done++;
        render();
        continue;
      }
      if (!('sha256' in h)) {
        const code = h.error.code;
        emit({ type: 'error', path: h.path, code: 'IO', message: code === 'EISDIR' ? 'is a directory' : `cannot read: ${code ?? h.error.message}` } satisfies ErrorRecord);
        continue;
      }
      const holder = seen.get(h.sha256) ?? primary.index.bySha.get(h.sha256)?.path;
      if (holder !== undefined) {
        emit({ type: 'duplicate', path: h.path, sha256: h.sha256, duplicateOf: holder });
        continue;
      }
      seen.set(h.sha256, h.path);
      const job = pool.run({ path: h.path, sha256: h.sha256, size: h.size }).then((r) => {
        if (!interrupted) emit(r);
      });
      inflight.add(job);
      void job.finally(() => inflight.delete(job));
      // backpressure: keep a couple of jobs queued per worker, no more
      while (pool.pending >= workers * 2 && !interrupted) await Promise.race([...inflight, interruptedP]);
    }
    if (!interrupted) await Promise.race([Promise.all(inflight), interruptedP]);
  } finally {
    if (ticker) clearInterval(ticker);
    if (signal) signal.removeEventListener('abort', interrupt);
    else process.off('SIGINT', sigint);
    await pool.close();
    for (const s of sinks) s.close();
    progress?.stop();
  }

  return {
    stats: stats.result(),
    written,
    alreadyDone,
    otherShards,
    skippedNotBundles: skipped.length,
    interrupted,
    elapsedMs: performance.now() - t0,
    ...(policy ? { policy } : {}),
  };
}

/**
 * Refuses outputs whose reports were made with another signature database than `db`: appending
 * would mix two databases in one set of results, and a rescan would throw away finished work
 * the user may want (say, after forgetting a `--signatures` folder).
 */
function checkDatabase(sinks: Sink[], db: SignatureDatabase): void {
  for (const s of sinks) {
    for (const [sha, version] of s.index.databases) {
      if (sha === db.sha256) continue;
      throw new BatchUsageError(
        `${s.name} holds reports made with signature database ${version} (sha256 ${sha}), not with this run's ${db.version} (sha256 ${db.sha256}); ` +
          'a resumed output keeps one database: rerun with the database it was made with (the same trackscan version and --signatures folders), or write to a new output',
      );
    }
  }
}

/**
 * The policy's outcome on the reports the outputs already hold (a resumed run): each checked from
 * its stored report, so the summary and the exit code cover the whole results, as exit code 3
 * does for failures. A CSV row is not the full report: an output of CSV alone that already
 * holds scanned bundles cannot be checked, and is refused.
 */
function checkStoredReports(sinks: Sink[], policy: Policy, evaluate: typeof evaluatePolicy): { outcome: BatchPolicyOutcome; paths: Set<string> } {
  const outcome: BatchPolicyOutcome = { checked: 0, stored: 0, matched: [], waivedOnly: 0, expired: [] };
  const today = new Date().toISOString().slice(0, 10);
  outcome.expired = policy.allow.filter((a) => a.expires !== undefined && a.expires < today);
  const seen = new Set<string>();
  const holdsReports = sinks.some((s) => [...s.index.byPath.values()].some((e) => e.type === 'report'));
  if (!holdsReports) return { outcome, paths: seen };
  const check = (json: string) => {
    const report = JSON.parse(json) as Report;
    if (seen.has(report.input.path)) return;
    seen.add(report.input.path);
    const verdict = verdictOf(evaluate(policy, report, { today }));
    outcome.checked++;
    outcome.stored++;
    if (!verdict.passed) outcome.matched.push({ path: report.input.path, appId: report.app.id, verdict });
    else if (verdict.waived.length) outcome.waivedOnly++;
  };
  for (const s of sinks) if (s.forEachStoredReport(check)) return { outcome, paths: seen };
  throw new BatchUsageError(
    `${sinks[0].name} already holds scanned bundles, and a CSV row is not the full report, so the policy cannot check them: add the --db or NDJSON output of that run, or write to a new output`,
  );
}

export function renderBatchSummary(r: BatchResult, workers: number): string {
  const s = r.elapsedMs / 1000;
  const scannedNow = r.written;
  const head = [
    `${r.interrupted ? 'interrupted' : 'done'} in ${formatDuration(s)}: ${scannedNow} record${scannedNow === 1 ? '' : 's'} written this run (${workers} worker${workers === 1 ? '' : 's'})`,
    r.alreadyDone ? `${r.alreadyDone} already in the output${r.alreadyDone === 1 ? '' : 's'}, not redone` : '',
    r.otherShards ? `${r.otherShards} left to other shards` : '',
    r.skippedNotBundles ? `${r.skippedNotBundles} file${r.skippedNotBundles === 1 ? '' : 's'} in folders skipped (not app bundles)` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return `${head}\n${renderStats(r.stats, { top: 10 })}${r.policy ? renderPolicyOutcome(r.policy) : ''}${r.interrupted ? 'rerun the same command to finish the rest\n' : ''}`;
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
