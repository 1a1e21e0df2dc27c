/**
 * Merging shard outputs (NDJSON or SQLite, mixed) into one output. Streaming, in input order;
 * what is kept in memory is one entry per path and per SHA-256. Rules, so that merging the shards
 * of a run gives what one run would have given:
 * - a path is recorded once (the first record of it wins, but a report beats an error);
 * - a SHA-256 has one report; another path with the same SHA-256 becomes a duplicate of it;
 * - an error for a SHA-256 that another input scanned is dropped when it is the same path, and
 *   becomes a duplicate when it is another path.
 * Shards made with different signature databases (or an output holding reports of another) are
 * refused, as a resumed scan refuses them: one set of results, one database.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readNdjson } from './ndjson.js';
import { recordPath, recordSha, type BatchRecord } from './records.js';
import { OutputFormatError, type Sink } from './sink.js';
import { isSqliteFile, openResultsDb, readSqliteRecords } from './sqlite.js';

export function readResults(file: string, onRecord: (r: BatchRecord) => void): void {
  if (isSqliteFile(head(file))) {
    const db = openResultsDb(file, { readonly: true });
    try {
      readSqliteRecords(db, onRecord);
    } finally {
      db.close();
    }
  } else {
    readNdjson(file, onRecord);
  }
}

export function head(file: string, n = 16): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new OutputFormatError(`${file}: cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export interface MergeResult {
  read: number;
  written: number;
}

export function mergeResults(inputs: string[], sinks: Sink[]): MergeResult {
  // pass 1: which SHA-256s have a report somewhere, and under which path first
  const reported = new Map<string, string>();
  const reportedPaths = new Set<string>();
  const databases = new Map<string, string>(); // signatures SHA-256 → where first met
  for (const s of sinks) for (const [sha, version] of s.index.databases) databases.set(sha, `${s.name} (${version})`);
  for (const file of inputs) {
    readResults(file, (r) => {
      if (r.type === 'report') {
        if (!reported.has(r.summary.sha256)) reported.set(r.summary.sha256, r.summary.path);
        reportedPaths.add(r.summary.path);
        const db = r.summary.signatures;
        if (db && !databases.has(db.sha256)) databases.set(db.sha256, `${file} (${db.version})`);
      }
    });
  }
  if (databases.size > 1) {
    throw new OutputFormatError(`these results were made with different signature databases, and a merge keeps one: ${[...databases].map(([sha, where]) => `${where}, sha256 ${sha}`).join('; ')}`);
  }
  // pass 2: write
  let read = 0;
  let written = 0;
  const done = new Set<string>();
  const write = (r: BatchRecord) => {
    done.add(recordPath(r));
    for (const s of sinks) s.write(r);
    written++;
  };
  for (const file of inputs) {
    readResults(file, (r) => {
      read++;
      const path = recordPath(r);
      if (done.has(path)) return;
      const sha = recordSha(r);
      const holder = sha ? reported.get(sha) : undefined;
      if (r.type === 'report') {
        write(holder === path ? r : { type: 'duplicate', path, sha256: sha!, duplicateOf: holder! });
      } else if (r.type === 'error') {
        if (reportedPaths.has(path)) return; // scanned in another shard
        if (holder !== undefined) write({ type: 'duplicate', path, sha256: sha!, duplicateOf: holder });
        else write(r);
      } else {
        if (reportedPaths.has(path)) return;
        write(r);
      }
    });
  }
  return { read, written };
}
