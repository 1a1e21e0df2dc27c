/**
 * What a batch writes, whatever the output format: one record per input file.
 *
 * - a **report**: the bundle was scanned; the same JSON as `trackscan scan --format json` (compact,
 *   one line in NDJSON). It has no `type` field; it is recognised by `schemaVersion`.
 * - an **error** record: the file could not be scanned (`code` says why, see {@link BatchErrorCode}).
 * - a **duplicate** record: the file has the same SHA-256 as one already recorded (`duplicateOf`),
 *   so it was not scanned again.
 *
 * With a policy (`--fail-on`, `--policy`), a report record also carries the bundle's verdict
 * ({@link PolicyVerdict}); in NDJSON it is one more top-level field of the report line, `policy`.
 *
 * Every input file is accounted for by exactly one record, keyed by its path; every SHA-256 has
 * at most one report or error. The Report is read generically here (platform, app, trackers,
 * capabilities, permissions, domains), so new platform groups pass through untouched.
 */
import type { ErrorCode } from '../errors.js';
import type { Report } from '../report/model.js';

export type BatchErrorCode =
  | ErrorCode
  /** the scan took longer than `--timeout`; the worker was stopped and replaced */
  | 'TIMEOUT'
  /** the worker ran out of its heap (`--max-memory`); it was replaced */
  | 'OUT_OF_MEMORY'
  /** the worker thread died for another reason; it was replaced */
  | 'WORKER_CRASHED'
  /** an unexpected exception in the scanner (a trackscan bug) */
  | 'INTERNAL';

export interface ErrorRecord {
  type: 'error';
  path: string;
  /** absent when the file could not even be read */
  sha256?: string;
  size?: number;
  code: BatchErrorCode;
  message: string;
  /** the entry inside the bundle the problem is in, when it is one entry (`classes2.dex`) */
  entry?: string;
}

export interface DuplicateRecord {
  type: 'duplicate';
  path: string;
  sha256: string;
  /** the path recorded (scanned or failed) for this SHA-256 */
  duplicateOf: string;
}

export interface TrackerSummary {
  id: string;
  name: string;
  vendor: string;
  categories: string[];
  confidence: string;
  firstParty: boolean;
}

/** The part of a Report that statistics and CSV need; computed once (in the worker). */
export interface BundleSummary {
  path: string;
  sha256: string;
  size: number;
  platform: string;
  appId: string;
  appName?: string;
  versionName?: string;
  versionCode?: number;
  trackers: TrackerSummary[];
  capabilities: string[];
  permissions: number;
  domains: number;
  warnings: number;
  /** the signature database the report was made with (absent in CSV rows written before it was recorded) */
  signatures?: SignaturesId;
}

/** Which signature database made a report: its version and SHA-256, as the report names them. */
export interface SignaturesId {
  version: string;
  sha256: string;
}

/** A bundle's verdict under the batch's policy (from evaluatePolicy, as plain data). */
export interface PolicyVerdict {
  passed: boolean;
  /** the rules that matched, as written, each once, in policy order */
  rules: string[];
  /** what each rule matched (waived matches are not here) */
  violations: { rule: string; subject: string; message: string }[];
  /** matches an allowance of the policy file waived */
  waived: { rule: string; subject: string; justification: string }[];
}

export interface ReportRecord {
  type: 'report';
  /** the report as compact JSON (one NDJSON line, without the newline and without `policy`) */
  json: string;
  summary: BundleSummary;
  /** the verdict of the policy the run that scanned the bundle had, if it had one */
  policy?: PolicyVerdict;
}

export type BatchRecord = ReportRecord | ErrorRecord | DuplicateRecord;

export function summarize(report: Report): BundleSummary {
  return {
    path: report.input.path,
    sha256: report.input.sha256,
    size: report.input.size,
    platform: report.platform,
    appId: report.app.id,
    ...(report.app.name !== undefined ? { appName: report.app.name } : {}),
    ...(report.app.versionName !== undefined ? { versionName: report.app.versionName } : {}),
    ...(report.app.versionCode !== undefined ? { versionCode: report.app.versionCode } : {}),
    trackers: report.trackers.map((t) => ({
      id: t.id,
      name: t.name,
      vendor: t.vendor,
      categories: [...t.categories],
      confidence: t.confidence,
      firstParty: t.firstParty,
    })),
    capabilities: report.capabilities.map((c) => c.id),
    permissions: report.permissions.length,
    domains: report.domains.length,
    warnings: report.warnings.length,
    ...(report.signatures ? { signatures: { version: report.signatures.version, sha256: report.signatures.sha256 } } : {}),
  };
}

export function reportRecord(report: Report, policy?: PolicyVerdict): ReportRecord {
  return { type: 'report', json: JSON.stringify(report), summary: summarize(report), ...(policy ? { policy } : {}) };
}

/** The NDJSON line of a record (without the newline): a report line carries its verdict as `policy`. */
export function recordLine(r: BatchRecord): string {
  if (r.type !== 'report') return JSON.stringify(r);
  return r.policy ? `${r.json.slice(0, -1)},"policy":${JSON.stringify(r.policy)}}` : r.json;
}

/** Parses one NDJSON line (or a stored report) into a record; throws on anything else. */
export function parseRecordJson(json: string): BatchRecord {
  const obj = JSON.parse(json) as Record<string, unknown>;
  if (obj && typeof obj === 'object') {
    if (obj.type === 'error' && typeof obj.path === 'string' && typeof obj.code === 'string') return obj as unknown as ErrorRecord;
    if (obj.type === 'duplicate' && typeof obj.path === 'string' && typeof obj.sha256 === 'string') return obj as unknown as DuplicateRecord;
    if (typeof obj.schemaVersion === 'number' && obj.input && typeof (obj.input as { sha256?: unknown }).sha256 === 'string') {
      if (obj.policy === undefined) return { type: 'report', json, summary: summarize(obj as unknown as Report) };
      // the verdict is beside the report, not part of it: the report JSON is given back without it
      const policy = obj.policy as PolicyVerdict;
      delete obj.policy;
      return { type: 'report', json: JSON.stringify(obj), summary: summarize(obj as unknown as Report), policy };
    }
  }
  throw new Error('not a trackscan report, error or duplicate record');
}

export function recordPath(r: BatchRecord): string {
  return r.type === 'report' ? r.summary.path : r.path;
}

export function recordSha(r: BatchRecord): string | undefined {
  return r.type === 'report' ? r.summary.sha256 : r.sha256;
}

/** One line for stderr, as the single-file scan prints. */
export function errorLine(r: ErrorRecord): string {
  return `trackscan: ${r.path}${r.entry ? `!${r.entry}` : ''}: ${r.message}`;
}
