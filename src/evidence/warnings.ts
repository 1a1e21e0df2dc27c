/**
 * Parser anomalies → report warnings. Anomalies of one kind in one entry are grouped into one
 * warning: an obfuscated manifest can carry a renamed-attribute anomaly per attribute, and a
 * report with hundreds of identical lines hides the ones that matter.
 */
import { TrackscanError } from '../errors.js';
import type { Anomaly } from '../formats/bytes.js';
import type { Warning } from './types.js';

export function anomalyWarnings(entry: string, anomalies: readonly Anomaly[]): (Warning & { entry: string })[];
export function anomalyWarnings(entry: undefined, anomalies: readonly Anomaly[]): Warning[];
export function anomalyWarnings(entry: string | undefined, anomalies: readonly Anomaly[]): Warning[] {
  const byCode = new Map<string, { first: Anomaly; count: number }>();
  for (const a of anomalies) {
    const g = byCode.get(a.code);
    if (g) g.count++;
    else byCode.set(a.code, { first: a, count: 1 });
  }
  const out: Warning[] = [];
  for (const [code, { first, count }] of byCode) {
    const message = count === 1 ? first.message : `${first.message} (and ${count - 1} more like it)`;
    out.push(entry === undefined ? { code, message } : { code, message, entry });
  }
  return out;
}

/** A TrackscanError from one entry as a warning; limits (zip bombs) and bugs are rethrown. */
export function entryFailure(entry: string, e: unknown): Warning & { entry: string } {
  if (e instanceof TrackscanError) {
    if (e.code === 'ARCHIVE_LIMIT') throw e; // a bomb stops the bundle, not just the entry
    return { code: e.code.toLowerCase().replace(/_/g, '-'), message: e.message, entry };
  }
  throw e;
}

/**
 * Runs one step of a collector: a TrackscanError becomes a warning naming the entry, and the value
 * is undefined; limits (zip bombs) and bugs are rethrown (see entryFailure).
 */
export function guardEntry<T>(warnings: Warning[], entry: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    warnings.push(entryFailure(entry, e));
    return undefined;
  }
}
