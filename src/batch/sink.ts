/**
 * Outputs of a batch. Each sink appends records as they arrive (nothing is held until the end),
 * knows what an earlier run already wrote (so a rerun resumes), and never records one path twice.
 */
import type { BatchRecord, BundleSummary, DuplicateRecord, ErrorRecord, SignaturesId } from './records.js';

/** What statistics need of a record. */
export type StatsInput = ErrorRecord | DuplicateRecord | { type: 'report'; summary: BundleSummary };

export interface IndexEntry {
  type: BatchRecord['type'];
  sha256?: string;
}

/** Paths and SHA-256s an output holds. */
export class OutputIndex {
  readonly byPath = new Map<string, IndexEntry>();
  /** SHA-256 → the path of its report or error (duplicates are not here) */
  readonly bySha = new Map<string, { type: 'report' | 'error'; path: string }>();
  /** the signature databases its reports were made with: SHA-256 → version */
  readonly databases = new Map<string, string>();

  addDatabase(id: SignaturesId | undefined): void {
    if (id && !this.databases.has(id.sha256)) this.databases.set(id.sha256, id.version);
  }

  add(type: BatchRecord['type'], path: string, sha256: string | undefined): void {
    this.byPath.set(path, sha256 ? { type, sha256 } : { type });
    if (sha256 && type !== 'duplicate') {
      const had = this.bySha.get(sha256);
      if (!had || (had.type === 'error' && type === 'report')) this.bySha.set(sha256, { type, path });
    }
  }

  delete(path: string): void {
    const e = this.byPath.get(path);
    if (!e) return;
    this.byPath.delete(path);
    if (e.sha256 && this.bySha.get(e.sha256)?.path === path) this.bySha.delete(e.sha256);
  }

  get errorPaths(): string[] {
    return [...this.byPath].filter(([, e]) => e.type === 'error').map(([p]) => p);
  }
}

export interface Sink {
  /** file name, for messages */
  readonly name: string;
  readonly index: OutputIndex;
  /** removes the error records of these paths (before `--retry-failed` scans them again) */
  dropErrors(paths: ReadonlySet<string>): void;
  /** appends a record; a path already recorded is ignored */
  write(record: BatchRecord): void;
  /**
   * Calls `onReport` with every report the output held when it was opened, as its full JSON, if
   * the output keeps full reports (NDJSON, SQLite); false when it does not (CSV). Call it before
   * writing.
   */
  forEachStoredReport(onReport: (json: string) => void): boolean;
  close(): void;
}

/** An output that holds something else than trackscan records: refuse to append to it. */
export class OutputFormatError extends Error {}
