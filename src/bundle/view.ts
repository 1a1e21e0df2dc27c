/**
 * The read-only view of a bundle that bundle readers see (STYLE.md §4): list entries and read one,
 * lazily, bounded by the archive's limits. Never the OS, never extraction to disk.
 */
import type { Warning } from '../evidence/types.js';
import type { Anomaly } from '../formats/bytes.js';

/** What a view tells of one entry (a zip entry or a file in a folder). */
export interface BundleEntry {
  /** path inside the bundle, `/`-separated */
  readonly name: string;
  /** declared (zip) or actual (folder) size in bytes */
  readonly size: number;
  readonly isDirectory: boolean;
}

export interface BundleView {
  /** display name used in errors and provenance (a path, or `outer!inner` when nested) */
  readonly name: string;
  readonly entries: readonly BundleEntry[];
  readonly anomalies: readonly Anomaly[];
  has(path: string): boolean;
  read(path: string): Uint8Array;
  /** zip bundles: where the central directory starts, and raw reads of the container file */
  readonly centralDirectoryOffset?: number;
  readRaw?(offset: number, length: number): Uint8Array;
}

/** A problem with one entry of a bundle: reported, and the rest of the bundle is still read. */
export type EntryWarning = Warning & { entry: string };
