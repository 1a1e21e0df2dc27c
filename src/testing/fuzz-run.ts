/**
 * `npm run fuzz`: mutation fuzzing of every format parser and of whole-bundle scans, bounded,
 * seeded and reproducible.
 *
 *   node dist/testing/fuzz-run.js [--seconds N | --iterations N] [--seed S] [--targets a,b]
 *                                 [--workers N] [--input-timeout MS] [--heap MB] [--report file.json]
 *
 * One worker thread per core runs (target, seed, iteration) work; iteration i of seed s is always
 * the same mutant. A worker publishes its position in shared memory before each execution, so
 * when an input throws anything but a TrackscanError (crash), stops making progress for
 * --input-timeout (hang), or exhausts the worker's heap (memory blow-up), the runner regenerates
 * that exact input and saves it under test/fixtures/fuzz-regressions/ — where the regression test
 * (test/hardening/fuzz-regressions.test.ts) runs it on every `npm test` — then carries on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { mutantAt } from './fuzz.js';
import { ROOT, seedsFor, TARGETS } from './fuzz-targets.js';

interface Options {
  seconds?: number;
  iterations?: number;
  seed: number;
  targets: string[];
  workers: number;
  inputTimeoutMs: number;
  heapMb: number;
  report?: string;
}

export interface TargetResult {
  target: string;
  executions: number;
  crashes: number;
  hangs: number;
  oom: number;
  seconds: number;
}

const REGRESSIONS = path.join(ROOT, 'test/fixtures/fuzz-regressions');

function parseArgs(argv: string[]): Options {
  const o: Options = { seed: 1, targets: TARGETS.map((t) => t.name), workers: Math.max(1, os.availableParallelism?.() ?? os.cpus().length), inputTimeoutMs: 10_000, heapMb: 1024 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--seconds':
        o.seconds = Number(v);
        i++;
        break;
      case '--iterations':
        o.iterations = Number(v);
        i++;
        break;
      case '--seed':
        o.seed = Number(v);
        i++;
        break;
      case '--targets':
        o.targets = v.split(',');
        i++;
        break;
      case '--workers':
        o.workers = Number(v);
        i++;
        break;
      case '--input-timeout':
        o.inputTimeoutMs = Number(v);
        i++;
        break;
      case '--heap':
        o.heapMb = Number(v);
        i++;
        break;
      case '--report':
        o.report = v;
        i++;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (o.seconds === undefined && o.iterations === undefined) o.seconds = 60;
  return o;
}

/** Runs one target for a budget across the worker pool; resolves with its figures. */
async function fuzzTarget(target: string, o: Options, log: (s: string) => void): Promise<TargetResult> {
  const seeds = seedsFor(target);
  const result: TargetResult = { target, executions: 0, crashes: 0, hangs: 0, oom: 0, seconds: 0 };
  if (!seeds.length) {
    log(`${target}: no seeds, skipped`);
    return result;
  }
  const started = performance.now();
  const deadline = o.seconds !== undefined ? started + (o.seconds * 1000) / o.targets.length : Infinity;
  const perWorker = o.iterations !== undefined ? Math.ceil(o.iterations / o.targets.length / o.workers) : Infinity;

  const save = (kind: string, iteration: number, detail: string) => {
    mkdirSync(REGRESSIONS, { recursive: true });
    const file = path.join(REGRESSIONS, `${target}-${kind}-s${o.seed}-i${iteration}.bin`);
    writeFileSync(file, mutantAt(seeds, o.seed, iteration));
    log(`${target}: ${kind} at seed ${o.seed} iteration ${iteration}: ${detail.split('\n')[0]} → ${path.relative(ROOT, file)}`);
  };

  // Worker w runs iterations w, w+W, w+2W, … from `next[w]` on; restarted after a hang or crash of the thread.
  const runWorker = (w: number, from: number, done: number): Promise<void> =>
    new Promise((resolve) => {
      const shared = new Int32Array(new SharedArrayBuffer(8)); // [current iteration, executions]
      shared[0] = -1;
      const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), {
        workerData: { target, seed: o.seed, from, step: o.workers, count: perWorker === Infinity ? -1 : Math.max(0, perWorker - done), deadline: deadline === Infinity ? -1 : deadline - performance.now() + Date.now(), shared },
        resourceLimits: { maxOldGenerationSizeMb: o.heapMb },
      });
      let lastExec = -1;
      let lastChange = performance.now();
      let finished = false;
      const finish = (restartFrom?: number, executed = 0) => {
        if (finished) return;
        finished = true;
        clearInterval(watch);
        result.executions += Atomics.load(shared, 1);
        if (restartFrom !== undefined && performance.now() < deadline && (perWorker === Infinity || done + executed < perWorker)) {
          void runWorker(w, restartFrom, done + executed + 1).then(resolve);
        } else resolve();
      };
      const watch = setInterval(() => {
        const exec = Atomics.load(shared, 1);
        if (exec !== lastExec) {
          lastExec = exec;
          lastChange = performance.now();
        } else if (performance.now() - lastChange > o.inputTimeoutMs) {
          const it = Atomics.load(shared, 0);
          result.hangs++;
          save('hang', it, `no progress for ${o.inputTimeoutMs} ms`);
          void worker.terminate();
          finish(it + o.workers, exec);
        }
      }, 250);
      worker.on('message', (m: { kind: 'crash'; iteration: number; error: string }) => {
        result.crashes++;
        save('crash', m.iteration, m.error);
      });
      worker.on('error', (e: Error & { code?: string }) => {
        const it = Atomics.load(shared, 0);
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          result.oom++;
          save('oom', it, 'worker heap exhausted');
        } else {
          result.crashes++;
          save('crash', it, `${e.name}: ${e.message}`);
        }
        finish(it + o.workers, Atomics.load(shared, 1));
      });
      worker.on('exit', () => finish());
    });

  await Promise.all(Array.from({ length: o.workers }, (_, w) => runWorker(w, w, 0)));
  result.seconds = Math.round((performance.now() - started) / 100) / 10;
  return result;
}

export async function runFuzz(argv: string[], log: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<TargetResult[]> {
  const o = parseArgs(argv);
  log(`fuzzing ${o.targets.join(', ')} with ${o.workers} worker${o.workers > 1 ? 's' : ''}, seed ${o.seed}, ${o.seconds !== undefined ? `${o.seconds} s` : `${o.iterations} iterations`}`);
  const results: TargetResult[] = [];
  for (const t of o.targets) {
    const r = await fuzzTarget(t, o, log);
    results.push(r);
    log(`${t.padEnd(14)} ${String(r.executions).padStart(9)} executions  ${String(r.seconds).padStart(6)} s  ${r.crashes} crashes  ${r.hangs} hangs  ${r.oom} out-of-memory`);
  }
  const total = results.reduce((a, r) => ({ ...a, executions: a.executions + r.executions, failures: a.failures + r.crashes + r.hangs + r.oom }), { executions: 0, failures: 0 });
  log(`total: ${total.executions} executions, ${total.failures} failures`);
  if (o.report) writeFileSync(o.report, JSON.stringify({ seed: o.seed, workers: o.workers, results }, null, 2) + '\n');
  return results;
}

// Entry point (compiled to dist/testing/fuzz-run.js)
if (import.meta.url === `file://${process.argv[1]}`) {
  runFuzz(process.argv.slice(2)).then(
    (results) => {
      process.exitCode = results.some((r) => r.crashes + r.hangs + r.oom > 0) ? 1 : 0;
    },
    (e) => {
      process.stderr.write(`fuzz: ${(e as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
