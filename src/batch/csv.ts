/**
 * CSV output for spreadsheets (RFC 4180 quoting, one record per line: newlines inside values are
 * replaced by spaces). Two files: `<name>.csv` has one row per input file (scanned, failed or
 * duplicate); `<name>.trackers.csv` has one row per (bundle, tracker). A bundle's tracker rows are
 * written before its row in the main file, so after a kill the main file says what is complete
 * and the next run drops tracker rows of bundles it does not list.
 *
 * A scanned row names the signature database of its report (`signatures_version`,
 * `signatures_sha256`) and, when the batch had a policy, the verdict: `policy` is `passed` or
 * `failed`, `policy_violations` the matches as `<rule>=<subject>`, `;`-separated. A file written
 * before these columns existed is given them (empty in its old rows) when a run appends to it.
 */
import { isTrackerCategories, type Category } from '../signatures/types.js';
import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { forEachLine, truncateTo } from './lines.js';
import type { BatchRecord, BundleSummary, PolicyVerdict } from './records.js';
import { OutputFormatError, OutputIndex, type Sink, type StatsInput } from './sink.js';

export const BUNDLE_COLUMNS = [
  'path',
  'sha256',
  'status',
  'platform',
  'app_id',
  'app_name',
  'version_name',
  'version_code',
  'size',
  'tracker_count',
  'trackers',
  'categories',
  'capabilities',
  'error_code',
  'error_message',
  'duplicate_of',
  'signatures_version',
  'signatures_sha256',
  'policy',
  'policy_violations',
] as const;

/** The columns of files written before the database and the policy were recorded. */
const LEGACY_BUNDLE_COLUMNS = BUNDLE_COLUMNS.slice(0, BUNDLE_COLUMNS.indexOf('signatures_version'));

export const TRACKER_COLUMNS = ['sha256', 'path', 'app_id', 'tracker_id', 'tracker_name', 'vendor', 'categories', 'confidence', 'first_party'] as const;

export function trackersFileFor(file: string): string {
  return file.toLowerCase().endsWith('.csv') ? `${file.slice(0, -4)}.trackers.csv` : `${file}.trackers.csv`;
}

export function csvField(v: string | number | boolean | undefined): string {
  if (v === undefined) return '';
  const s = String(v).replace(/[\r\n]+/g, ' ');
  return /[",]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: (string | number | boolean | undefined)[]): string {
  return values.map(csvField).join(',') + '\n';
}

/** Splits one CSV line (no embedded newlines, as we write them). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
    } else {
      const c = line.indexOf(',', i);
      out.push(c < 0 ? line.slice(i) : line.slice(i, c));
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) break;
    if (line[i] !== ',') throw new Error('junk after a quoted field');
    i++;
    if (i === line.length) {
      out.push('');
      break;
    }
  }
  return out;
}

const uniq = (xs: string[]) => [...new Set(xs)].sort();

const policyCells = (v: PolicyVerdict | undefined): [string | undefined, string | undefined] =>
  v ? [v.passed ? 'passed' : 'failed', v.violations.map((x) => `${x.rule}=${x.subject}`).join(';')] : [undefined, undefined];

export function bundleRow(r: BatchRecord): string {
  if (r.type === 'report') {
    const s: BundleSummary = r.summary;
    return csvLine([
      s.path,
      s.sha256,
      'scanned',
      s.platform,
      s.appId,
      s.appName,
      s.versionName,
      s.versionCode,
      s.size,
      trackersOf(s).length,
      trackersOf(s).map((t) => t.id).join(';'),
      uniq(trackersOf(s).flatMap((t) => t.categories)).join(';'),
      s.capabilities.join(';'),
      undefined,
      undefined,
      undefined,
      s.signatures?.version,
      s.signatures?.sha256,
      ...policyCells(r.policy),
    ]);
  }
  if (r.type === 'error') {
    return csvLine([r.path, r.sha256, 'error', '', '', '', '', '', r.size, '', '', '', '', r.code, r.entry ? `${r.entry}: ${r.message}` : r.message, '', '', '', '', '']);
  }
  return csvLine([r.path, r.sha256, 'duplicate', '', '', '', '', '', '', '', '', '', '', '', '', r.duplicateOf, '', '', '', '']);
}

/**
 * Reads the main CSV back into light records (for resume and statistics); `legacy` when the file
 * has the columns of an older trackscan (no database, no policy).
 */
export function readCsv(file: string, onRecord: (r: StatsInput) => void): { completeBytes: number; torn: boolean; legacy: boolean } {
  let legacy = false;
  const read = forEachLine(file, (line, lineNo) => {
    if (lineNo === 1) {
      legacy = line === LEGACY_BUNDLE_COLUMNS.join(',');
      if (line !== BUNDLE_COLUMNS.join(',') && !legacy) throw new OutputFormatError(`${file}: not a trackscan CSV (unexpected header)`);
      return;
    }
    if (line === '') return;
    let f: string[];
    try {
      f = parseCsvLine(line);
    } catch (e) {
      throw new OutputFormatError(`${file}:${lineNo}: ${(e as Error).message}`);
    }
    const col = (name: (typeof BUNDLE_COLUMNS)[number]) => f[BUNDLE_COLUMNS.indexOf(name)] ?? '';
    const status = col('status');
    if (status === 'scanned') {
      onRecord({
        type: 'report',
        summary: {
          path: col('path'),
          sha256: col('sha256'),
          size: Number(col('size')),
          platform: col('platform'),
          appId: col('app_id'),
          trackers: col('trackers')
            .split(';')
            .filter(Boolean)
            .map((id) => ({ id, name: id, vendor: '', categories: [], confidence: 'high', firstParty: false })),
          capabilities: col('capabilities').split(';').filter(Boolean),
          permissions: 0,
          domains: 0,
          warnings: 0,
          ...(col('signatures_sha256') ? { signatures: { version: col('signatures_version'), sha256: col('signatures_sha256') } } : {}),
        },
      });
    } else if (status === 'error') {
      onRecord({ type: 'error', path: col('path'), ...(col('sha256') ? { sha256: col('sha256') } : {}), code: col('error_code') as never, message: col('error_message') });
    } else if (status === 'duplicate') {
      onRecord({ type: 'duplicate', path: col('path'), sha256: col('sha256'), duplicateOf: col('duplicate_of') });
    } else {
      throw new OutputFormatError(`${file}:${lineNo}: unknown status ${JSON.stringify(status)}`);
    }
  });
  return { ...read, legacy };
}

export class CsvSink implements Sink {
  readonly index = new OutputIndex();
  private fd: number;
  private trackersFd: number;
  readonly trackersFile: string;

  constructor(
    readonly name: string,
    onExisting?: (r: StatsInput) => void,
  ) {
    this.trackersFile = trackersFileFor(name);
    const fresh = !existsSync(name);
    if (!fresh) {
      const { completeBytes, torn, legacy } = readCsv(name, (r) => {
        this.index.add(r.type, r.type === 'report' ? r.summary.path : r.path, r.type === 'report' ? r.summary.sha256 : r.sha256);
        if (r.type === 'report') this.index.addDatabase(r.summary.signatures);
        onExisting?.(r);
      });
      if (torn) truncateTo(name, completeBytes);
      if (legacy) this.addColumns();
    }
    this.fd = openSync(name, 'a');
    if (fresh) writeSync(this.fd, BUNDLE_COLUMNS.join(',') + '\n');
    this.rewriteTrackers(fresh);
    this.trackersFd = openSync(this.trackersFile, 'a');
  }

  /** Keeps the tracker rows of bundles the main file lists as scanned (drops a killed run's extra rows). */
  private rewriteTrackers(fresh: boolean): void {
    if (fresh || !existsSync(this.trackersFile)) {
      const fd = openSync(this.trackersFile, 'w');
      writeSync(fd, TRACKER_COLUMNS.join(',') + '\n');
      closeSync(fd);
      return;
    }
    const tmp = `${this.trackersFile}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, TRACKER_COLUMNS.join(',') + '\n');
      forEachLine(this.trackersFile, (line, lineNo) => {
        if (lineNo === 1 || line === '') return;
        const sha = line.slice(0, line.indexOf(','));
        const holder = this.index.bySha.get(sha);
        if (holder?.type === 'report') writeSync(fd, line + '\n');
      });
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.trackersFile);
  }

  /** Rewrites a file of the legacy columns with the current ones (the new cells empty). */
  private addColumns(): void {
    const pad = ','.repeat(BUNDLE_COLUMNS.length - LEGACY_BUNDLE_COLUMNS.length);
    const tmp = `${this.name}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
      forEachLine(this.name, (line, lineNo) => {
        if (lineNo === 1) writeSync(fd, BUNDLE_COLUMNS.join(',') + '\n');
        else if (line !== '') writeSync(fd, line + pad + '\n');
      });
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.name);
  }

  /** A CSV row is not the full report: nothing to give. */
  forEachStoredReport(): boolean {
    return false;
  }

  dropErrors(paths: ReadonlySet<string>): void {
    const drop = new Set([...paths].filter((p) => this.index.byPath.get(p)?.type === 'error'));
    if (drop.size === 0) return;
    closeSync(this.fd);
    const tmp = `${this.name}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
      forEachLine(this.name, (line, lineNo) => {
        if (lineNo > 1 && line !== '') {
          const f = parseCsvLine(line);
          if (f[2] === 'error' && drop.has(f[0])) return;
        }
        writeSync(fd, line + '\n');
      });
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.name);
    for (const p of drop) this.index.delete(p);
    this.fd = openSync(this.name, 'a');
  }

  write(record: BatchRecord): void {
    const path = record.type === 'report' ? record.summary.path : record.path;
    if (this.index.byPath.has(path)) return;
    if (record.type === 'report') {
      const s = record.summary;
      let rows = '';
      for (const t of s.trackers) rows += csvLine([s.sha256, s.path, s.appId, t.id, t.name, t.vendor, t.categories.join(';'), t.confidence, t.firstParty]);
      if (rows) writeSync(this.trackersFd, rows);
    }
    writeSync(this.fd, bundleRow(record));
    this.index.add(record.type, path, record.type === 'report' ? record.summary.sha256 : record.sha256);
    if (record.type === 'report') this.index.addDatabase(record.summary.signatures);
  }

  close(): void {
    closeSync(this.fd);
    closeSync(this.trackersFd);
  }
}

/** The bundle's trackers: consent platforms and libraries are in the per-SDK file, not counted here. */
function trackersOf(s: BundleSummary): BundleSummary['trackers'] {
  return s.trackers.filter((t) => isTrackerCategories(t.categories as Category[]));
}
