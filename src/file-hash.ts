/**
 * The input's SHA-256, computed while the scan reads the bundle. A report quotes the SHA-256 of
 * the whole file; hashing a 351 MB IPA takes ~270 ms on one core, longer than the rest of its
 * scan, and reads 348 MB of assets that the scan itself never touches. So a large file is hashed
 * on a second thread (a `worker_threads` worker) while the main thread scans, and the main thread
 * collects the digest when it needs it; a small file is hashed at once, as a worker's start-up
 * (~37 ms of CPU time, 1-4 ms of it on this thread) would cost more than it saves.
 *
 * The worker reads the file descriptor opened here with positioned reads (so the file is opened
 * once, and an open failure is reported before the scan exactly as before), and reports through a
 * SharedArrayBuffer: `result()` waits synchronously (Atomics.wait) so that `Scanner.scanFile`
 * stays synchronous. The worker is unref'd and ends by itself after its one file; `cancel()` (a
 * scan that failed) stops it between two reads and waits for that before the descriptor is closed,
 * so the worker never reads a descriptor number that has been reused (short of a worker that
 * shows no progress for 10 s, which is given up on and the file hashed here).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { TrackscanError } from './errors.js';
import { idleCore } from './parallel/idle-core.js';

export interface FileDigest {
  size: number;
  sha256: string;
}

/** A hash under way. `result()` or `cancel()`, called once, closes the file. */
export interface PendingHash {
  /** true when a worker thread computes it */
  readonly inWorker: boolean;
  /** waits for the digest; throws the IO error of `hashFile` when the file could not be read */
  result(): FileDigest;
  /** abandons the hash (a scan failed); returns the hash's own error when it had failed already */
  cancel(): TrackscanError | undefined;
}

/**
 * Files from this size are hashed in a worker. Measured on this machine (2 shared cores): a worker
 * costs this thread 1-4 ms to start and ~37 ms of CPU time to boot before it hashes; hashing
 * costs ~1 ms per MB. With a core to spare the worker pays from ~8 MB; when the other core is
 * busy (a shared machine) its boot competes with the scan, and below ~32 MB that cost more than it
 * saved (an 18 MB APK scanned 10-50 ms slower in-process).
 */
export const WORKER_HASH_MIN_BYTES = 32 << 20;

const CHUNK = 1 << 20;

/** Size and SHA-256 of a file, read in 1 MiB chunks (never loaded whole), on this thread. */
export function hashFile(path: string): FileDigest {
  const fd = openFile(path);
  try {
    return hashFd(fd, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens `path` (throwing the IO error of `hashFile` when it cannot) and starts hashing it: in a
 * worker when it holds at least `minBytes` and a core looks idle (or `evenWhenBusy`), else here
 * and now.
 */
export function startFileHash(path: string, minBytes: number = WORKER_HASH_MIN_BYTES, evenWhenBusy = false): PendingHash {
  const fd = openFile(path);
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (e) {
    closeSync(fd);
    throw readError(path, codeOf(e), e);
  }
  if (size >= minBytes && (evenWhenBusy || idleCore())) {
    const pending = WorkerHash.start(fd, path);
    if (pending) return pending;
  }
  let digest: FileDigest;
  try {
    digest = hashFd(fd, path);
  } finally {
    closeSync(fd);
  }
  return { inWorker: false, result: () => digest, cancel: () => undefined };
}

function openFile(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw new TrackscanError('IO', `cannot open: ${codeOf(e)}`, { file: path, cause: e });
  }
}

function hashFd(fd: number, path: string): FileDigest {
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, size);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      size += n;
    }
    return { size, sha256: hash.digest('hex') };
  } catch (e) {
    throw readError(path, codeOf(e), e);
  }
}

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function readError(path: string, code: string, cause?: unknown): TrackscanError {
  return new TrackscanError('IO', `cannot read: ${code}`, { file: path, ...(cause === undefined ? {} : { cause }) });
}

// ---- the worker ----------------------------------------------------------------------------------

/** Int32 slots of the shared buffer */
const STATE = 0; // RUNNING, then DONE, FAILED or CANCELLED
const CANCEL = 1; // set to 1 by the main thread
const PROGRESS = 2; // chunks read so far (the main thread's sign of life)
const ERROR_LENGTH = 3; // bytes of the error code
const RUNNING = 0;
const DONE = 1;
const FAILED = 2;
const CANCELLED = 3;
/** byte offsets: size as a Float64, the 32-byte digest, the error code */
const SIZE_AT = 16;
const DIGEST_AT = 24;
const ERROR_AT = 56;
const ERROR_MAX = 200;
const SHARED_BYTES = ERROR_AT + ERROR_MAX;

/** How long the main thread waits without any progress from the worker before it hashes on its own. */
const STALL_MS = 10_000;

/**
 * The worker's code, run as CommonJS (`eval: true`) so that it is the same from src/ (tests run
 * TypeScript through vitest) and from dist/, without a build step to find. Every path, an error
 * included, ends by storing a final state and notifying the waiting thread.
 */
const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { fd, shared } = workerData;
const state = new Int32Array(shared, 0, 4);
let final = ${FAILED};
try {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(${CHUNK});
  let size = 0;
  for (;;) {
    if (Atomics.load(state, ${CANCEL}) !== 0) { final = ${CANCELLED}; break; }
    const n = readSync(fd, buf, 0, buf.length, size);
    if (n === 0) {
      new Float64Array(shared, ${SIZE_AT}, 1)[0] = size;
      new Uint8Array(shared, ${DIGEST_AT}, 32).set(hash.digest());
      final = ${DONE};
      break;
    }
    hash.update(buf.subarray(0, n));
    size += n;
    Atomics.add(state, ${PROGRESS}, 1);
  }
} catch (e) {
  const code = Buffer.from(String((e && e.code) || (e && e.message) || e)).subarray(0, ${ERROR_MAX});
  new Uint8Array(shared, ${ERROR_AT}, ${ERROR_MAX}).set(code);
  Atomics.store(state, ${ERROR_LENGTH}, code.length);
} finally {
  Atomics.store(state, ${STATE}, final);
  Atomics.notify(state, ${STATE});
}
`;

class WorkerHash implements PendingHash {
  readonly inWorker = true;
  private readonly state: Int32Array;
  private closed = false;

  private constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly shared: SharedArrayBuffer,
  ) {
    this.state = new Int32Array(shared, 0, 4);
  }

  /** undefined when no worker can be started (the caller then hashes inline) */
  static start(fd: number, path: string): WorkerHash | undefined {
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    try {
      // execArgv: [] — not the parent's flags (`--input-type=module` would make the source ESM, without `require`)
      const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { fd, shared }, stdout: false, stderr: false });
      worker.unref(); // never keeps the process alive; it ends by itself after its one file
      worker.on('error', () => {}); // reported through the shared state (or by the stall fallback)
    } catch {
      return undefined;
    }
    return new WorkerHash(fd, path, shared);
  }

  result(): FileDigest {
    if (this.closed) throw new Error('hash result read after the file was closed');
    try {
      const final = this.wait();
      if (final === DONE) {
        const size = new Float64Array(this.shared, SIZE_AT, 1)[0];
        const sha256 = Buffer.from(new Uint8Array(this.shared, DIGEST_AT, 32)).toString('hex');
        return { size, sha256 };
      }
      if (final === FAILED) throw this.error();
      // the worker stalled: hash here, as for a small file
      return hashFd(this.fd, this.path);
    } finally {
      this.close();
    }
  }

  cancel(): TrackscanError | undefined {
    if (this.closed) return undefined;
    Atomics.store(this.state, CANCEL, 1);
    try {
      return this.wait() === FAILED ? this.error() : undefined;
    } finally {
      this.close();
    }
  }

  private error(): TrackscanError {
    const n = Atomics.load(this.state, ERROR_LENGTH);
    return readError(this.path, Buffer.from(new Uint8Array(this.shared, ERROR_AT, n)).toString());
  }

  /** Waits until the worker ends (or shows no progress for STALL_MS); returns its final state. */
  private wait(): number {
    let progress = -1;
    for (;;) {
      const s = Atomics.load(this.state, STATE);
      if (s !== RUNNING) return s;
      const now = Atomics.load(this.state, PROGRESS);
      if (now === progress) {
        // no chunk read for STALL_MS: give up on the worker (it stops at its next check)
        Atomics.store(this.state, CANCEL, 1);
        return CANCELLED;
      }
      progress = now;
      Atomics.wait(this.state, STATE, RUNNING, STALL_MS);
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
