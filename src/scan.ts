/**
 * One bundle in, one Report out. The Scanner compiles the signature database once (matcher,
 * capability tables) and can then scan any number of bundles — the batch mode reuses it.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { CapabilityAnalyzer } from './analysis/capabilities.js';
import { FACEBOOK_GRAPH_PERMISSIONS, attachLoginScopes } from './analysis/scopes.js';
import { TrackerMatcher } from './analysis/trackers.js';
import { ZipArchive } from './archive/zip.js';
import { collectAndroidEvidence } from './bundle/android/collectors.js';
import { TrackscanError } from './errors.js';
import { buildReport, type Report } from './report/model.js';
import { loadSignatures } from './signatures/load.js';
import type { SignatureDatabase } from './signatures/types.js';
import { TOOL_VERSION } from './version.js';

export interface ScanOptions {
  /** add a `timing` block (milliseconds per phase); off by default so output is deterministic */
  timing?: boolean;
}

const WANTED_STRINGS: ReadonlySet<string> = new Set(FACEBOOK_GRAPH_PERMISSIONS);

export class Scanner {
  readonly db: SignatureDatabase;
  private readonly matcher: TrackerMatcher;
  private readonly capabilities: CapabilityAnalyzer;

  constructor(db: SignatureDatabase = loadSignatures()) {
    this.db = db;
    this.matcher = new TrackerMatcher(db);
    this.capabilities = new CapabilityAnalyzer(db.permissions);
  }

  scanFile(path: string, options: ScanOptions = {}): Report {
    const t0 = performance.now();
    const timing: Record<string, number> = {};
    const lap = (name: string, since: number) => (timing[name] = Math.round((performance.now() - since) * 10) / 10);

    let t = performance.now();
    const { size, sha256 } = hashFile(path);
    lap('hash', t);

    t = performance.now();
    const zip = ZipArchive.openFile(path);
    try {
      lap('archive', t);
      t = performance.now();
      const evidence = collectAndroidEvidence(zip, WANTED_STRINGS, options.timing ? timing : undefined);
      lap('collect', t);

      t = performance.now();
      const trackers = this.matcher.match(evidence);
      attachLoginScopes(trackers, evidence);
      const capabilities = this.capabilities.analyze(evidence);
      lap('analyze', t);

      const report = buildReport({
        input: { path, size, sha256 },
        tool: { name: 'trackscan', version: TOOL_VERSION },
        signatures: { version: this.db.version, sha256: this.db.sha256, sdks: this.db.sdks.length },
        evidence,
        capabilities,
        trackers,
        permissionInfo: (name) => this.capabilities.permissionInfo(name),
        trackersForHost: (host) => this.matcher.sdkIdsForHost(host),
      });
      if (options.timing) {
        lap('total', t0);
        report.timing = timing;
      }
      return report;
    } finally {
      zip.close();
    }
  }
}

/** Size and SHA-256 of a file, read in 1 MiB chunks (never loaded whole). */
export function hashFile(path: string): { size: number; sha256: string } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new TrackscanError('IO', `cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path, cause: e });
  }
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      size += n;
    }
    return { size, sha256: hash.digest('hex') };
  } catch (e) {
    throw new TrackscanError('IO', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path, cause: e });
  } finally {
    closeSync(fd);
  }
}
