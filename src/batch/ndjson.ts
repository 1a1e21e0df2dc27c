/**
 * NDJSON output: one record per line — a report (the same JSON as a single scan, compact) or an
 * error or duplicate record (records.ts). Each record is written with one `write` as it arrives;
 * a run killed mid-write leaves at most a torn last line, which the next run cuts off.
 */
import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { forEachLine, truncateTo } from './lines.js';
import { parseRecordJson, recordLine, recordPath, recordSha, type BatchRecord } from './records.js';
import { OutputFormatError, OutputIndex, type Sink, type StatsInput } from './sink.js';

/** Reads every record of an NDJSON output; a torn last line is reported, not returned. */
export function readNdjson(file: string, onRecord: (r: BatchRecord) => void): { completeBytes: number; torn: boolean } {
  return forEachLine(file, (line, lineNo) => {
    if (line.trim() === '') return;
    let r: BatchRecord;
    try {
      r = parseRecordJson(line);
    } catch (e) {
      throw new OutputFormatError(`${file}:${lineNo}: not a trackscan record (${(e as Error).message})`);
    }
    onRecord(r);
  });
}

export class NdjsonSink implements Sink {
  readonly index = new OutputIndex();
  private fd: number | undefined;

  /** `file` undefined: stdout through `out` (no resume). */
  constructor(
    readonly name: string,
    private readonly file: string | undefined,
    private readonly out: (text: string) => void,
    onExisting?: (r: StatsInput) => void,
  ) {
    if (file && existsSync(file)) {
      const { completeBytes, torn } = readNdjson(file, (r) => {
        this.index.add(r.type, recordPath(r), recordSha(r));
        if (r.type === 'report') this.index.addDatabase(r.summary.signatures);
        onExisting?.(r);
      });
      if (torn) truncateTo(file, completeBytes);
    }
    if (file) this.fd = openSync(file, 'a');
  }

  dropErrors(paths: ReadonlySet<string>): void {
    if (!this.file || this.fd === undefined) return;
    const drop = [...paths].filter((p) => this.index.byPath.get(p)?.type === 'error');
    if (drop.length === 0) return;
    const dropSet = new Set(drop);
    closeSync(this.fd);
    const tmp = `${this.file}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
      forEachLine(this.file, (line) => {
        if (line.trim() === '') return;
        const r = parseRecordJson(line);
        if (r.type === 'error' && dropSet.has(r.path)) return;
        writeSync(fd, line + '\n');
      });
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    for (const p of drop) this.index.delete(p);
    this.fd = openSync(this.file, 'a');
  }

  forEachStoredReport(onReport: (json: string) => void): boolean {
    if (!this.file || !existsSync(this.file)) return true;
    readNdjson(this.file, (r) => {
      if (r.type === 'report') onReport(r.json);
    });
    return true;
  }

  write(record: BatchRecord): void {
    const path = recordPath(record);
    if (this.index.byPath.has(path)) return;
    const line = recordLine(record) + '\n';
    if (this.fd !== undefined) writeSync(this.fd, line);
    else this.out(line);
    this.index.add(record.type, path, recordSha(record));
    if (record.type === 'report') this.index.addDatabase(record.summary.signatures);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
