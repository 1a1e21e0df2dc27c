/**
 * What the CLI needs of the batch before it runs one: defaults for its help text and the usage
 * error. Kept apart from batch.ts, which loads ora, SQLite and the worker pool, so that a
 * process scanning one bundle does not.
 */
import { availableParallelism } from 'node:os';

export const DEFAULT_TIMEOUT_S = 600;
export const DEFAULT_MAX_MEMORY_MB = 2048;

/** A batch command line (or merge) that cannot run as given: exit code 2. */
export class BatchUsageError extends Error {}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}
