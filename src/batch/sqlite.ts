/**
 * SQLite output (`--db`), with better-sqlite3. WAL journal; one transaction per record, so a
 * killed run loses at most the bundles in flight and the database stays consistent.
 */
import Database from 'better-sqlite3';
import type { Report } from '../report/model.js';
import { TOOL_VERSION } from '../version.js';
import { parseRecordJson, recordPath, recordSha, type BatchRecord, type BundleSummary, type PolicyVerdict } from './records.js';
import { OutputFormatError, OutputIndex, type Sink, type StatsInput } from './sink.js';
import { SQLITE_POLICY_SCHEMA, SQLITE_SCHEMA, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';

type Db = Database.Database;

export function isSqliteFile(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(0, 16)).toString('latin1') === 'SQLite format 3\0';
}

export function openResultsDb(file: string, options: { readonly?: boolean } = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    if (!hasMeta && tables > 0) throw new OutputFormatError(`${file}: an SQLite database that trackscan did not write`);
    if (hasMeta) {
      const v = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (Number(v?.value) !== SQLITE_SCHEMA_VERSION) throw new OutputFormatError(`${file}: results schema version ${v?.value ?? '?'}, this trackscan writes version ${SQLITE_SCHEMA_VERSION}`);
      if (!options.readonly) {
        db.exec(SQLITE_POLICY_SCHEMA);
        recordDatabases(db);
      }
    } else if (!options.readonly) {
      db.exec(SQLITE_SCHEMA);
      const meta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      meta.run('schema_version', String(SQLITE_SCHEMA_VERSION));
      meta.run('tool_version', TOOL_VERSION);
      meta.run('signatures_recorded', '1');
    }
  } catch (e) {
    if (e instanceof OutputFormatError) throw e;
    throw new OutputFormatError(`${file}: ${(e as Error).message}`);
  }
  return db;
}

/**
 * A database written before the `signatures:<sha256>` meta rows existed gets them, once, from its
 * reports (each report names its database); later inserts keep them up to date.
 */
function recordDatabases(db: Db): void {
  if (db.prepare("SELECT 1 FROM meta WHERE key = 'signatures_recorded'").get()) return;
  db.transaction(() => {
    const add = db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('signatures:' || ?, ?)");
    const rows = db.prepare("SELECT DISTINCT json_extract(report, '$.signatures.sha256') AS sha256, signatures_version AS version FROM bundles").all() as { sha256: string | null; version: string }[];
    for (const r of rows) if (r.sha256) add.run(r.sha256, r.version);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('signatures_recorded', '1')").run();
  })();
}

/** The signature databases the reports of a results database were made with: SHA-256 → version. */
export function databasesOf(db: Db): Map<string, string> {
  const rows = db.prepare("SELECT substr(key, 12) AS sha256, value AS version FROM meta WHERE key LIKE 'signatures:%'").all() as { sha256: string; version: string }[];
  return new Map(rows.map((r) => [r.sha256, r.version]));
}

/** Every record of a results database; reports rebuilt from the stored JSON, with their policy verdict. */
export function readSqliteRecords(db: Db, onRecord: (r: BatchRecord) => void): void {
  const hasPolicy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'policy'").get() !== undefined;
  const verdictOf = hasPolicy ? db.prepare('SELECT verdict FROM policy WHERE sha256 = ?') : undefined;
  for (const f of db.prepare('SELECT path, sha256, status, duplicate_of FROM files ORDER BY rowid').iterate() as IterableIterator<{ path: string; sha256: string | null; status: string; duplicate_of: string | null }>) {
    if (f.status === 'scanned') {
      const b = db.prepare('SELECT report FROM bundles WHERE sha256 = ?').get(f.sha256) as { report: string } | undefined;
      const v = verdictOf?.get(f.sha256) as { verdict: string } | undefined;
      if (b) onRecord(v ? { ...(parseRecordJson(b.report) as Extract<BatchRecord, { type: 'report' }>), policy: JSON.parse(v.verdict) as PolicyVerdict } : parseRecordJson(b.report));
    } else if (f.status === 'error') {
      const e = db.prepare('SELECT path, sha256, size, code, message, entry FROM errors WHERE path = ?').get(f.path) as
        | { path: string; sha256: string | null; size: number | null; code: string; message: string; entry: string | null }
        | undefined;
      if (e)
        onRecord({
          type: 'error',
          path: e.path,
          ...(e.sha256 ? { sha256: e.sha256 } : {}),
          ...(e.size !== null ? { size: e.size } : {}),
          code: e.code as never,
          message: e.message,
          ...(e.entry ? { entry: e.entry } : {}),
        });
    } else {
      onRecord({ type: 'duplicate', path: f.path, sha256: f.sha256 ?? '', duplicateOf: f.duplicate_of ?? '' });
    }
  }
}

/** Light records for statistics, from the tables (no report JSON parsed). */
export function readSqliteSummaries(db: Db, onRecord: (r: StatsInput) => void): void {
  const trackersOf = db.prepare('SELECT tracker_id, name, vendor, confidence, first_party FROM trackers WHERE sha256 = ?');
  const categoriesOf = db.prepare('SELECT tracker_id, category FROM tracker_categories WHERE sha256 = ?');
  const capabilitiesOf = db.prepare('SELECT capability_id FROM capabilities WHERE sha256 = ?');
  for (const b of db.prepare('SELECT sha256, path, size, platform, app_id, app_name, version_name, version_code FROM bundles').iterate() as IterableIterator<Record<string, string | number | null>>) {
    const sha = b.sha256 as string;
    const cats = new Map<string, string[]>();
    for (const c of categoriesOf.all(sha) as { tracker_id: string; category: string }[]) cats.set(c.tracker_id, [...(cats.get(c.tracker_id) ?? []), c.category]);
    const summary: BundleSummary = {
      path: b.path as string,
      sha256: sha,
      size: b.size as number,
      platform: b.platform as string,
      appId: b.app_id as string,
      ...(b.app_name !== null ? { appName: b.app_name as string } : {}),
      ...(b.version_name !== null ? { versionName: b.version_name as string } : {}),
      ...(b.version_code !== null ? { versionCode: b.version_code as number } : {}),
      trackers: (trackersOf.all(sha) as { tracker_id: string; name: string; vendor: string; confidence: string; first_party: number }[]).map((t) => ({
        id: t.tracker_id,
        name: t.name,
        vendor: t.vendor,
        categories: cats.get(t.tracker_id) ?? [],
        confidence: t.confidence,
        firstParty: t.first_party === 1,
      })),
      capabilities: (capabilitiesOf.all(sha) as { capability_id: string }[]).map((c) => c.capability_id),
      permissions: 0,
      domains: 0,
      warnings: 0,
    };
    onRecord({ type: 'report', summary });
  }
  for (const e of db.prepare('SELECT path, sha256, code, message FROM errors').iterate() as IterableIterator<{ path: string; sha256: string | null; code: string; message: string }>) {
    onRecord({ type: 'error', path: e.path, ...(e.sha256 ? { sha256: e.sha256 } : {}), code: e.code as never, message: e.message });
  }
  for (const d of db.prepare("SELECT path, sha256, duplicate_of FROM files WHERE status = 'duplicate'").iterate() as IterableIterator<{ path: string; sha256: string; duplicate_of: string }>) {
    onRecord({ type: 'duplicate', path: d.path, sha256: d.sha256, duplicateOf: d.duplicate_of });
  }
}

export class SqliteSink implements Sink {
  readonly index = new OutputIndex();
  private readonly db: Db;
  private readonly insert: (r: BatchRecord) => void;

  constructor(
    readonly name: string,
    onExisting?: (r: StatsInput) => void,
  ) {
    this.db = openResultsDb(name);
    for (const f of this.db.prepare('SELECT path, sha256, status FROM files').iterate() as IterableIterator<{ path: string; sha256: string | null; status: string }>) {
      this.index.add(f.status === 'scanned' ? 'report' : (f.status as 'error' | 'duplicate'), f.path, f.sha256 ?? undefined);
    }
    for (const [sha, version] of databasesOf(this.db)) this.index.addDatabase({ sha256: sha, version });
    if (onExisting) readSqliteSummaries(this.db, onExisting);

    const db = this.db;
    const file = db.prepare('INSERT INTO files (path, sha256, status, duplicate_of) VALUES (?, ?, ?, ?)');
    const bundle = db.prepare(
      'INSERT INTO bundles (sha256, path, size, platform, app_id, app_name, version_name, version_code, tracker_count, signatures_version, tool_version, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const tracker = db.prepare('INSERT OR IGNORE INTO trackers (sha256, tracker_id, name, vendor, parent, country, confidence, first_party, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const category = db.prepare('INSERT OR IGNORE INTO tracker_categories (sha256, tracker_id, category) VALUES (?, ?, ?)');
    const evidence = db.prepare('INSERT INTO evidence (sha256, tracker_id, kind, searched_for, count, examples, entry) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const permission = db.prepare('INSERT OR IGNORE INTO permissions (sha256, name, protection_level, max_sdk_version, purpose) VALUES (?, ?, ?, ?, ?)');
    const capability = db.prepare('INSERT OR IGNORE INTO capabilities (sha256, capability_id, sensitivity) VALUES (?, ?, ?)');
    const domain = db.prepare('INSERT OR IGNORE INTO domains (sha256, host, trackers) VALUES (?, ?, ?)');
    const error = db.prepare('INSERT INTO errors (path, sha256, size, code, message, entry) VALUES (?, ?, ?, ?, ?, ?)');
    const database = db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('signatures:' || ?, ?)");
    const policy = db.prepare('INSERT OR REPLACE INTO policy (sha256, passed, rules, verdict) VALUES (?, ?, ?, ?)');
    const violation = db.prepare('INSERT INTO policy_violations (sha256, rule, subject, message) VALUES (?, ?, ?, ?)');
    this.insert = db.transaction((r: BatchRecord) => {
      if (r.type === 'duplicate') {
        file.run(r.path, r.sha256, 'duplicate', r.duplicateOf);
      } else if (r.type === 'error') {
        file.run(r.path, r.sha256 ?? null, 'error', null);
        error.run(r.path, r.sha256 ?? null, r.size ?? null, r.code, r.message, r.entry ?? null);
      } else {
        const rep = JSON.parse(r.json) as Report;
        const sha = rep.input.sha256;
        file.run(rep.input.path, sha, 'scanned', null);
        bundle.run(sha, rep.input.path, rep.input.size, rep.platform, rep.app.id, rep.app.name ?? null, rep.app.versionName ?? null, rep.app.versionCode ?? null, rep.trackers.length, rep.signatures.version, rep.tool.version, r.json);
        for (const t of rep.trackers) {
          tracker.run(sha, t.id, t.name, t.vendor, t.parent ?? null, t.country ?? null, t.confidence, t.firstParty ? 1 : 0, t.version ?? null);
          for (const c of t.categories) category.run(sha, t.id, c);
          for (const ev of t.evidence) evidence.run(sha, t.id, ev.kind, ev.searchedFor, ev.count, JSON.stringify(ev.examples), ev.locations[0]?.entry ?? null);
        }
        for (const p of rep.permissions) permission.run(sha, p.name, p.protectionLevel ?? null, p.maxSdkVersion ?? null, p.purpose ?? null);
        for (const c of rep.capabilities) capability.run(sha, c.id, c.sensitivity);
        for (const d of rep.domains) domain.run(sha, d.host, d.trackers.join(','));
        database.run(rep.signatures.sha256, rep.signatures.version);
        if (r.policy) {
          policy.run(sha, r.policy.passed ? 1 : 0, r.policy.rules.join(';'), JSON.stringify(r.policy));
          for (const v of r.policy.violations) violation.run(sha, v.rule, v.subject, v.message);
        }
      }
    });
  }

  dropErrors(paths: ReadonlySet<string>): void {
    const drop = [...paths].filter((p) => this.index.byPath.get(p)?.type === 'error');
    const delFile = this.db.prepare('DELETE FROM files WHERE path = ?');
    const delError = this.db.prepare('DELETE FROM errors WHERE path = ?');
    this.db.transaction(() => {
      for (const p of drop) {
        delFile.run(p);
        delError.run(p);
      }
    })();
    for (const p of drop) this.index.delete(p);
  }

  forEachStoredReport(onReport: (json: string) => void): boolean {
    for (const b of this.db.prepare('SELECT report FROM bundles').iterate() as IterableIterator<{ report: string }>) onReport(b.report);
    return true;
  }

  write(record: BatchRecord): void {
    const path = recordPath(record);
    if (this.index.byPath.has(path)) return;
    // a SHA-256 has one report: another path with a scanned SHA-256 is a duplicate of it
    const sha = recordSha(record);
    const holder = sha ? this.index.bySha.get(sha) : undefined;
    if (record.type === 'report' && holder?.type === 'report') {
      record = { type: 'duplicate', path, sha256: sha!, duplicateOf: holder.path };
    }
    this.insert(record);
    this.index.add(record.type, path, recordSha(record));
    if (record.type === 'report') this.index.addDatabase(record.summary.signatures);
  }

  close(): void {
    this.db.close();
  }
}
