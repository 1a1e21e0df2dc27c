/**
 * `trackscan stats` and `trackscan merge`: the work on batch outputs (NDJSON, CSV, SQLite), in a
 * module of its own so that run.ts loads it, and SQLite, only for these commands.
 */
import { CsvSink } from '../batch/csv.js';
import { head, mergeResults } from '../batch/merge.js';
import { NdjsonSink, readNdjson } from '../batch/ndjson.js';
import { BatchUsageError } from '../batch/options.js';
import type { PolicyVerdict } from '../batch/records.js';
import type { Sink } from '../batch/sink.js';
import { SqliteSink, isSqliteFile, openResultsDb, readSqliteSummaries } from '../batch/sqlite.js';
import { StatsAggregator, type ConfidenceLevel, type Stats } from '../batch/stats.js';

export { renderStats } from '../batch/stats.js';

/** Statistics of an NDJSON output or an SQLite database, with the policy verdicts it holds. */
export function statsOf(file: string, minConfidence: ConfidenceLevel): Stats {
  const agg = new StatsAggregator(minConfidence);
  if (isSqliteFile(head(file))) {
    const db = openResultsDb(file, { readonly: true });
    try {
      readSqliteSummaries(db, (r) => agg.add(r));
      const hasPolicy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'policy'").get() !== undefined;
      if (hasPolicy) {
        for (const p of db.prepare('SELECT p.verdict FROM policy p JOIN bundles b ON b.sha256 = p.sha256').iterate() as IterableIterator<{ verdict: string }>) {
          agg.addVerdict(JSON.parse(p.verdict) as PolicyVerdict);
        }
      }
    } finally {
      db.close();
    }
  } else {
    readNdjson(file, (r) => {
      agg.add(r);
      if (r.type === 'report' && r.policy) agg.addVerdict(r.policy);
    });
  }
  return agg.result();
}

/** Merges batch outputs into -o (NDJSON, or CSV), --db, or stdout when neither is given. */
export function mergeOutputs(inputs: string[], opts: { format: 'ndjson' | 'csv'; output?: string; db?: string }, stdout: (text: string) => void): void {
  const sinks: Sink[] = [];
  try {
    if (opts.output || !opts.db) {
      if (opts.format === 'csv') {
        if (!opts.output) throw new BatchUsageError('--format csv needs -o <file.csv>');
        sinks.push(new CsvSink(opts.output));
      } else sinks.push(new NdjsonSink(opts.output ?? '(stdout)', opts.output, stdout));
    }
    if (opts.db) sinks.push(new SqliteSink(opts.db));
    mergeResults(inputs, sinks);
  } finally {
    for (const s of sinks) s.close();
  }
}
