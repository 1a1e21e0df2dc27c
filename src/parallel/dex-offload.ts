/**
 * A second core for the DEX files of one large APK. The main thread reads (inflates) every
 * classes*.dex in order and hands a file to a worker thread (dex-worker.ts) whenever the worker
 * has fewer than two files queued; it reads the others itself. Then it waits for the worker's
 * parts, and the collector merges all parts in load order — so the report is the same whichever
 * thread read which file.
 *
 * The collectors are synchronous, so the wait is too: the worker counts finished files in a
 * SharedArrayBuffer (Atomics.wait/notify) and posts each part on a MessagePort that the main
 * thread drains with receiveMessageOnPort. A worker that fails on a file, or stops making
 * progress, is not trusted with the rest: the collector reads what is missing itself.
 *
 * Not used in a batch, whose workers keep every core busy already.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { DexOffload, DexOffloadFactory, DexPart } from '../bundle/android/dex-collect.js';
import type { AttributionData } from '../signatures/attribution-data.js';
import type { SdkSignature } from '../signatures/types.js';
import type { DexJob, DexJobResult, DexWorkerData } from './dex-protocol.js';
import { idleCore } from './idle-core.js';

/**
 * DEX bytes (declared, all files) from which a second thread pays: starting one costs ~100-150 ms
 * of the other core, and reading DEX runs at roughly 60-100 MB/s a core (bench/README.md).
 */
export const DEFAULT_OFFLOAD_MIN_BYTES = 16 * 1024 * 1024;
/** files queued in the worker before the main thread reads the next one itself */
const MAX_QUEUED = 2;
/** a worker that finishes no file for this long is given up on */
const STALL_MS = 30_000;
/** a worker not started after this long (it failed to load) is given up on */
const START_MS = 10_000;

export interface OffloadOptions {
  wantedStrings: ReadonlySet<string>;
  /** what the worker needs to build the Scanner's ApiQuery; absent: no bytecode walk */
  attribution?: { data: AttributionData; sdks: SdkSignature[]; permissionNames: string[] };
  /** default DEFAULT_OFFLOAD_MIN_BYTES */
  minBytes?: number;
  /** start a worker even when no core looks idle (tests) */
  evenWhenBusy?: boolean;
}

/**
 * Logical CPUs from which a DEX worker is started. On the 2-vCPU bench machine the second CPU
 * gives ~1.3× of one (two equal CPU-bound threads take 1.5-2× the time of one, as hyperthreads of
 * one core do), and two bench runs of large.apk measured the worker at 930 against 1,001 ms and
 * at 1,117 against 986 ms: no gain to count on. The DEX work is all CPU (unlike the input's hash,
 * which a second CPU does take off the scan), so it waits for a machine with real cores to spare.
 */
export const DEX_WORKER_MIN_CPUS = 4;

/**
 * The factory the Android collector calls; undefined on a single core. A worker is started only
 * on DEX_WORKER_MIN_CPUS or more, when a core looks idle (see idle-core.ts).
 */
export function dexOffloadFactory(options: OffloadOptions): DexOffloadFactory | undefined {
  const cpus = availableParallelism();
  if (cpus < 2) return undefined;
  const minBytes = options.minBytes ?? DEFAULT_OFFLOAD_MIN_BYTES;
  return (dexBytes, appId) => {
    if (dexBytes < minBytes || !(options.evenWhenBusy || (cpus >= DEX_WORKER_MIN_CPUS && idleCore()))) return undefined;
    try {
      return new WorkerOffload(options, appId);
    } catch {
      return undefined; // no worker (script missing, thread limits): this thread reads every file
    }
  };
}

/** The compiled worker script (from src/ under vitest: the build output in dist/). */
function workerScript(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/parallel/dex-worker.js', here) : new URL('./dex-worker.js', here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`worker script ${fileURLToPath(url)} is missing; run \`npm run build\``);
  return url;
}

class WorkerOffload implements DexOffload {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly progress: Int32Array;
  private taken = 0;
  private readonly parts = new Map<number, DexPart>();
  private failed = false;

  constructor(options: OffloadOptions, appId: string) {
    const { port1, port2 } = new MessageChannel();
    const progress = new SharedArrayBuffer(8);
    const data: DexWorkerData = {
      wantedStrings: [...options.wantedStrings],
      appId,
      ...(options.attribution ? { attribution: options.attribution } : {}),
      port: port2,
      progress,
    };
    this.worker = new Worker(workerScript(), { workerData: data, transferList: [port2] });
    this.worker.unref();
    // Errors surface as missing parts (read again on this thread); an 'error' event must not crash the scan.
    this.worker.on('error', () => void (this.failed = true));
    this.port = port1;
    this.progress = new Int32Array(progress);
  }

  wants(): boolean {
    return !this.failed && this.taken - Atomics.load(this.progress, 0) < MAX_QUEUED;
  }

  take(index: number, entry: string, bytes: Uint8Array): void {
    // Hand over the memory when the bytes own all of it; otherwise a copy (a view into a shared pool).
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    const sent = own ? bytes : bytes.slice();
    const job: DexJob = { index, entry, bytes: sent };
    this.worker.postMessage(job, [sent.buffer as ArrayBuffer]);
    this.taken++;
  }

  finish(): Map<number, DexPart> {
    let seen = Atomics.load(this.progress, 0);
    let lastProgress = performance.now();
    while (!this.failed) {
      this.drain();
      if (seen >= this.taken) break;
      Atomics.wait(this.progress, 0, seen, 1000);
      const now = Atomics.load(this.progress, 0);
      if (now !== seen) {
        seen = now;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > (Atomics.load(this.progress, 1) === 1 ? STALL_MS : START_MS)) {
        this.failed = true;
      }
    }
    this.drain();
    void this.worker.terminate();
    this.port.close();
    return this.parts;
  }

  cancel(): void {
    this.failed = true;
    void this.worker.terminate();
    this.port.close();
  }

  private drain(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const r = m.message as DexJobResult;
      if ('part' in r) this.parts.set(r.index, r.part);
      else this.failed = true; // the collector reads this file (and any not finished) itself
    }
  }
}
