/**
 * Worker-thread entry: one Scanner (signature database compiled once), one bundle at a time.
 * Receives `{ id, path, timing }`, answers `{ id, record }` with a report record (JSON already
 * serialised here, off the main thread) or an error record. Runs as compiled JS from dist/.
 */
import { parentPort } from 'node:worker_threads';
import type { ZipLimits } from '../archive/zip.js';
import { TrackscanError } from '../errors.js';
import { Scanner } from '../scan.js';
import { reportRecord, type BatchRecord, type ErrorRecord } from './records.js';

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
  const scanner = new Scanner();
  port.on('message', (req: WorkerRequest) => {
    let record: BatchRecord;
    try {
      const known = req.sha256 && req.size !== undefined ? { sha256: req.sha256, size: req.size } : undefined;
      record = reportRecord(scanner.scanFile(req.path, { timing: req.timing, dexThread: false, ...(known ? { known } : {}), ...(req.limits ? { limits: req.limits } : {}) }));
    } catch (e) {
      record = errorRecordFor(req, e);
    }
    port.postMessage({ id: req.id, record } satisfies WorkerResponse);
  });
  // the pool starts a job's clock only once the database is compiled
  port.postMessage({ ready: true } satisfies WorkerReady);
}
