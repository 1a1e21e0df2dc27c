/**
 * Worker-thread entry: one Scanner (signature database compiled once), one bundle at a time.
 * Receives `{ id, path, timing }`, answers `{ id, record }` with a report record (JSON already
 * serialised here, off the main thread; with the policy's verdict when the batch has one) or an
 * error record. Runs as compiled JS from dist/.
 *
 * Start-up data ({@link WorkerData}): the signature database the main thread validated (with the
 * user's `--signatures` folders merged), so every worker — a replacement started hours later
 * too — scans with exactly the data the outputs were checked against, and nothing is validated
 * twice; and the policy, already parsed. Both are plain data (structured clone). Measured (2
 * cores, 518 entries): cloning the database costs the main thread ~3 ms per worker started and
 * the worker ~35 ms to build its Scanner, against ~0.5 ms and ~43 ms when the worker is given the
 * folders and loads and validates them itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ZipLimits } from '../archive/zip.js';
import { TrackscanError } from '../errors.js';
import type { Policy } from '../report/policy.js';
import { Scanner } from '../scan.js';
import type { SignatureDatabase } from '../signatures/types.js';
import { reportRecord, type BatchRecord, type ErrorRecord, type PolicyVerdict } from './records.js';
import { verdictOf } from './verdict.js';

export interface WorkerData {
  /** the database to scan with (default: the built-in one, loaded by the worker) */
  database?: SignatureDatabase;
  /** the batch's policy, evaluated on every report */
  policy?: Policy;
}

export interface WorkerRequest {
  id: number;
  path: string;
  sha256?: string;
  size?: number;
  timing?: boolean;
  limits?: Partial<ZipLimits>;
}

export interface WorkerReady {
  ready: true;
}

export interface WorkerResponse {
  id: number;
  record: BatchRecord;
}

/** Turns a scan failure into an error record (TrackscanError codes; anything else is INTERNAL). */
export function errorRecordFor(req: Pick<WorkerRequest, 'path' | 'sha256' | 'size'>, e: unknown): ErrorRecord {
  const base = { type: 'error' as const, path: req.path, ...(req.sha256 ? { sha256: req.sha256 } : {}), ...(req.size !== undefined ? { size: req.size } : {}) };
  if (e instanceof TrackscanError) {
    const file = e.file;
    const entry = file && file.startsWith(`${req.path}!`) ? file.slice(req.path.length + 1) : undefined;
    return { ...base, code: e.code, message: e.message, ...(entry ? { entry } : {}) };
  }
  const err = e as Error;
  return { ...base, code: 'INTERNAL', message: `internal error (${err?.name ?? 'Error'}: ${err?.message ?? String(e)}); please report it with the file if you can share it` };
}

if (parentPort) {
  const port = parentPort;
  const data = (workerData ?? {}) as WorkerData;
  const scanner = new Scanner(data.database);
  const evaluate = data.policy ? (await import('../report/policy.js')).evaluatePolicy : undefined;
  port.on('message', (req: WorkerRequest) => {
    let record: BatchRecord;
    try {
      const known = req.sha256 && req.size !== undefined ? { sha256: req.sha256, size: req.size } : undefined;
      const report = scanner.scanFile(req.path, { timing: req.timing, dexThread: false, ...(known ? { known } : {}), ...(req.limits ? { limits: req.limits } : {}) });
      const verdict: PolicyVerdict | undefined = evaluate && data.policy ? verdictOf(evaluate(data.policy, report)) : undefined;
      record = reportRecord(report, verdict);
    } catch (e) {
      record = errorRecordFor(req, e);
    }
    port.postMessage({ id: req.id, record } satisfies WorkerResponse);
  });
  // the pool starts a job's clock only once the database is compiled
  port.postMessage({ ready: true } satisfies WorkerReady);
}
