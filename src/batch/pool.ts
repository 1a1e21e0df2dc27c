/**
 * A pool of worker threads that scan one bundle each at a time. Parsing is CPU-bound and
 * synchronous, so the only way to stop a scan that runs too long is to terminate its thread; a
 * thread that times out, runs out of heap (`resourceLimits`) or dies is replaced and the bundle
 * becomes an error record. The pool never rejects: every job resolves to a record.
 */
import type { ZipLimits } from '../archive/zip.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Policy } from '../report/policy.js';
import type { SignatureDatabase } from '../signatures/types.js';
import type { BatchRecord, ErrorRecord } from './records.js';
import type { WorkerData, WorkerReady, WorkerRequest, WorkerResponse } from './worker.js';

export interface PoolOptions {
  workers: number;
  /** per-bundle wall-clock limit, milliseconds */
  timeoutMs: number;
  /** V8 old-generation heap limit per worker, MiB */
  maxMemoryMb: number;
  timing?: boolean;
  limits?: Partial<ZipLimits>;
  /** the signature database every worker scans with (default: the built-in one) */
  database?: SignatureDatabase;
  /** a policy every worker evaluates on each report */
  policy?: Policy;
}

export interface Job {
  path: string;
  sha256?: string;
  size?: number;
}

interface Slot {
  worker: Worker;
  job?: { id: number; req: WorkerRequest; resolve: (r: BatchRecord) => void; timer: NodeJS.Timeout };
  /** set once the worker is being terminated on purpose */
  retiring?: boolean;
  /** the worker has compiled the signature database and waits for jobs */
  ready?: boolean;
}

/**
 * The compiled worker script. From dist/batch/pool.js it sits alongside; when this module is
 * loaded from source (tests run src/ through vitest) it is the build output in dist/.
 */
export function workerScript(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/batch/worker.js', here) : new URL('./worker.js', here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`worker script ${fileURLToPath(url)} is missing; run \`npm run build\``);
  return url;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: { req: WorkerRequest; resolve: (r: BatchRecord) => void }[] = [];
  private nextId = 1;
  private readyWaiters: (() => void)[] = [];
  private closed = false;
  private readonly script = workerScript();
  /** workers replaced after a timeout, out-of-memory or crash */
  replaced = 0;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.workers; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Resolves once every worker has built its Scanner (the first jobs then go one to each worker). */
  ready(): Promise<void> {
    return new Promise((resolve) => {
      if (this.slots.every((s) => s.ready)) resolve();
      else this.readyWaiters.push(resolve);
    });
  }

  /** jobs running or queued */
  get pending(): number {
    return this.waiting.length + this.slots.filter((s) => s.job).length;
  }

  run(job: Job): Promise<BatchRecord> {
    if (this.closed) throw new Error('pool closed');
    return new Promise((resolve) => {
      const req: WorkerRequest = { id: this.nextId++, path: job.path, ...(job.sha256 ? { sha256: job.sha256 } : {}), ...(job.size !== undefined ? { size: job.size } : {}), ...(this.options.timing ? { timing: true } : {}), ...(this.options.limits ? { limits: this.options.limits } : {}) };
      this.waiting.push({ req, resolve });
      this.dispatch();
    });
  }

  /** Stops every worker; running and queued jobs are abandoned (their promises never settle). */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    await Promise.all(
      this.slots.map((s) => {
        s.retiring = true;
        if (s.job) clearTimeout(s.job.timer);
        s.job = undefined;
        return s.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const workerData: WorkerData = { ...(this.options.database ? { database: this.options.database } : {}), ...(this.options.policy ? { policy: this.options.policy } : {}) };
    const worker = new Worker(this.script, {
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxMemoryMb },
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker };
    worker.on('message', (msg: WorkerResponse | WorkerReady) => {
      if ('ready' in msg) {
        slot.ready = true;
        if (this.slots.every((s) => s.ready)) for (const w of this.readyWaiters.splice(0)) w();
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      clearTimeout(job.timer);
      slot.job = undefined;
      job.resolve(msg.record);
      this.dispatch();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.fail(slot, oom ? 'OUT_OF_MEMORY' : 'WORKER_CRASHED', oom ? `the scan ran out of memory (worker heap limit ${this.options.maxMemoryMb} MiB)` : `the worker died: ${err.message}`);
    });
    worker.on('exit', (code) => {
      if (!slot.retiring) this.fail(slot, 'WORKER_CRASHED', `the worker exited with code ${code}`);
    });
    return slot;
  }

  /** Ends the slot's job with an error record and puts a fresh worker in its place. */
  private fail(slot: Slot, code: ErrorRecord['code'], message: string): void {
    if (slot.retiring) return;
    slot.retiring = true;
    const job = slot.job;
    slot.job = undefined;
    if (job) clearTimeout(job.timer);
    void slot.worker.terminate();
    const i = this.slots.indexOf(slot);
    if (!this.closed && i >= 0) {
      this.slots[i] = this.spawn();
      this.replaced++;
    }
    if (job) {
      const { req } = job;
      job.resolve({ type: 'error', path: req.path, ...(req.sha256 ? { sha256: req.sha256 } : {}), ...(req.size !== undefined ? { size: req.size } : {}), code, message });
    }
    this.dispatch();
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.job || slot.retiring || !slot.ready) continue;
      const { req, resolve } = this.waiting.shift()!;
      const timer = setTimeout(() => this.fail(slot, 'TIMEOUT', `the scan took longer than ${formatSeconds(this.options.timeoutMs)} (--timeout)`), this.options.timeoutMs);
      slot.job = { id: req.id, req, resolve, timer };
      slot.worker.postMessage(req);
    }
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}
