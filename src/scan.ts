/**
 * One bundle in, one Report out. The Scanner compiles the signature database once (matcher,
 * capability tables) and can then scan any number of bundles — the batch mode reuses it.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import { AttributionAnalyzer } from './analysis/attribution.js';
import { CapabilityAnalyzer } from './analysis/capabilities.js';
import { ObfuscationAnalyzer } from './analysis/obfuscation.js';
import { StatusAnalyzer } from './analysis/status.js';
import { FACEBOOK_GRAPH_PERMISSIONS, attachLoginScopes } from './analysis/scopes.js';
import { declaredVsDetected } from './analysis/privacy.js';
import { TrackerMatcher } from './analysis/trackers.js';
import { FolderArchive } from './archive/folder.js';
import { ZipArchive, type ZipLimits } from './archive/zip.js';
import { collectAabEvidence, isAab } from './bundle/android/aab.js';
import { collectAndroidEvidence } from './bundle/android/collectors.js';
import type { DexOffloadFactory } from './bundle/android/dex-collect.js';
import { MANIFEST_ENTRY } from './bundle/android/entries.js';
import { collectSdkArchiveEvidence, isAar, isJar } from './bundle/android/sdk-archive.js';
import { collectSplitSetEvidence, looksLikeSplitSet } from './bundle/android/splits.js';
import { collectIosEvidence } from './bundle/ios/collectors.js';
import { findApp } from './bundle/ios/layout.js';
import { collectIosSdkArchiveEvidence, isIosBinaryFile, isIosSdkArchive, SingleFileView } from './bundle/ios/sdk-archive.js';
import type { Evidence } from './evidence/types.js';
import { TrackscanError } from './errors.js';
import { dexOffloadFactory } from './parallel/dex-offload.js';
import { hashFile, startFileHash, type PendingHash } from './file-hash.js';
import { buildReport, type Report } from './report/model.js';
import { loadAttributionData } from './signatures/attribution-data.js';
import { DEFAULT_SIGNATURES_DIR, loadSignatures } from './signatures/load.js';
import type { Capability, SignatureDatabase } from './signatures/types.js';
import { TOOL_VERSION } from './version.js';

export interface ScanOptions {
  /** add a `timing` block (milliseconds per phase); off by default so output is deterministic */
  timing?: boolean;
  /** archive limits (zip bombs): inflated bytes per entry and per bundle, entries, nesting */
  limits?: Partial<ZipLimits>;
  /** the file's size and SHA-256 when the caller has them already (a batch hashes to deduplicate) */
  known?: { size: number; sha256: string };
  /**
   * the file's hash, started by the caller with `startInputHash(path)` (e.g. before building the
   * Scanner, whose signature database takes longer to load than a large file to hash); scanFile
   * collects or cancels it.
   */
  hash?: PendingHash;
  /**
   * read the DEX files of a large APK on a second core too (default true; a batch, whose workers
   * keep every core busy already, turns it off). The report is the same either way.
   */
  dexThread?: boolean;
}

const WANTED_STRINGS: ReadonlySet<string> = new Set(FACEBOOK_GRAPH_PERMISSIONS);

export class Scanner {
  readonly db: SignatureDatabase;
  private readonly matcher: TrackerMatcher;
  private readonly capabilities: CapabilityAnalyzer;
  private readonly attribution: AttributionAnalyzer;
  private readonly status: StatusAnalyzer;
  private readonly obfuscation: ObfuscationAnalyzer;
  private readonly allCapabilities: Map<string, Capability>;

  private offload?: DexOffloadFactory | null;
  /** the factory of DEX worker threads, made once per Scanner (null on one core) */
  private dexOffload(): DexOffloadFactory | undefined {
    if (this.offload === undefined) {
      this.offload =
        dexOffloadFactory({
          wantedStrings: WANTED_STRINGS,
          attribution: { data: this.attribution.data, sdks: this.db.sdks, permissionNames: this.db.permissions.permissions.map((p) => p.name) },
        }) ?? null;
    }
    return this.offload ?? undefined;
  }

  constructor(db: SignatureDatabase = loadSignatures()) {
    this.db = db;
    this.matcher = new TrackerMatcher(db);
    const data = loadAttributionData(DEFAULT_SIGNATURES_DIR, db.permissions);
    this.attribution = new AttributionAnalyzer(data, this.matcher, db.sdks, db.permissions.permissions.map((p) => p.name));
    this.capabilities = new CapabilityAnalyzer(
      { ...db.permissions, capabilities: [...db.permissions.capabilities, ...this.attribution.extraCapabilities] },
      db.ios,
    );
    this.allCapabilities = new Map([...db.permissions.capabilities, ...this.attribution.extraCapabilities].map((c) => [c.id, c]));
    this.status = new StatusAnalyzer(data.switches);
    this.obfuscation = new ObfuscationAnalyzer(data.packers);
  }

  scanFile(path: string, options: ScanOptions = {}): Report {
    const t0 = performance.now();
    const timing: Record<string, number> = {};
    const lap = (name: string, since: number) => (timing[name] = Math.round((performance.now() - since) * 10) / 10);

    let t = performance.now();
    const isFolder = isDirectory(path);
    // A large file is hashed on a second thread while this one scans; its digest is collected
    // before the report is built (see file-hash.ts). `hash` times this thread's share.
    if (options.known || isFolder) options.hash?.cancel();
    const known = options.known ?? (isFolder ? hashFolder(path) : undefined);
    let pending = known ? undefined : (options.hash ?? startFileHash(path));
    let hashMs = performance.now() - t;
    lap('hash', t); // the key's place; its value is set once the digest is in

    t = performance.now();
    let bundle: FolderArchive | SingleFileView | ZipArchive;
    try {
      bundle = isFolder ? new FolderArchive(path, options.limits) : isIosBinaryFile(path) ? new SingleFileView(path) : ZipArchive.openFile(path, options.limits);
    } catch (e) {
      throw hashFailure(pending, e);
    }
    try {
      lap('archive', t);
      t = performance.now();
      const collectTiming = options.timing ? timing : undefined;
      let evidence: Evidence;
      const apis = this.attribution.query();
      if (isAar(bundle)) evidence = collectSdkArchiveEvidence(bundle, WANTED_STRINGS, path);
      else if (bundle.has(MANIFEST_ENTRY)) evidence = collectAndroidEvidence(bundle, WANTED_STRINGS, collectTiming, apis, options.dexThread === false ? undefined : this.dexOffload());
      else if (isAab(bundle)) evidence = collectAabEvidence(bundle, WANTED_STRINGS, apis);
      else if (isIosSdkArchive(bundle, path)) evidence = collectIosSdkArchiveEvidence(bundle, WANTED_STRINGS, path, apis);
      else if (findApp(bundle.entries)) evidence = collectIosEvidence(bundle, WANTED_STRINGS, collectTiming, apis);
      else if (looksLikeSplitSet(bundle)) evidence = collectSplitSetEvidence(bundle, WANTED_STRINGS, apis).evidence;
      else if (isJar(bundle)) evidence = collectSdkArchiveEvidence(bundle, WANTED_STRINGS, path);
      else throw new TrackscanError('NOT_A_BUNDLE', 'neither an Android APK (no AndroidManifest.xml) nor an iOS app (no Payload/<Name>.app/Info.plist)', { file: path });
      lap('collect', t);

      t = performance.now();
      const trackers = this.matcher.match(evidence);
      attachLoginScopes(trackers, evidence);
      const privacy = declaredVsDetected(evidence, trackers, this.db.sdks);
      const attributed = this.attribution.attribute(evidence, this.capabilities.analyze(evidence), this.allCapabilities);
      const appId = evidence.identity.id;
      const statuses = this.status.statuses(
        evidence,
        trackers,
        (name) => this.attribution.classGroup(name, appId),
        (path) => this.attribution.binaryOwner(path, evidence),
      );
      const obfuscation = this.obfuscation.analyze(evidence);
      const requiredReasonApis = evidence.ios ? this.attribution.requiredReasonChecks(evidence) : undefined;
      lap('analyze', t);
      if (evidence.code.walk) timing['walk'] = evidence.code.walk.ms;

      t = performance.now();
      const { size, sha256 } = known ?? pending!.result();
      pending = undefined;
      hashMs += performance.now() - t;
      timing['hash'] = Math.round(hashMs * 10) / 10;

      const report = buildReport({
        input: { path, size, sha256 },
        tool: { name: 'trackscan', version: TOOL_VERSION },
        signatures: { version: this.db.version, sha256: this.db.sha256, sdks: this.db.sdks.length },
        evidence,
        capabilities: attributed.capabilities,
        trackers,
        statuses,
        exercisedBy: attributed.exercisedBy,
        checkable: attributed.checkable,
        ...(obfuscation ? { obfuscation } : {}),
        ...(requiredReasonApis ? { requiredReasonApis } : {}),
        declaredVsDetected: privacy,
        permissionInfo: (name) => this.capabilities.permissionInfo(name) ?? this.capabilities.usageKeyInfo(name),
        trackersForHost: (host) => this.matcher.sdkIdsForHost(host),
      });
      if (options.timing) {
        lap('total', t0);
        report.timing = timing;
      }
      return report;
    } catch (e) {
      throw hashFailure(pending, e);
    } finally {
      bundle.close();
    }
  }
}

/**
 * A scan failed while the file was being hashed: the hash is abandoned (its worker stopped, the
 * file closed). When the hash itself had failed, its error is the one reported, as it was when
 * the file was hashed before the scan began.
 */
function hashFailure(pending: PendingHash | undefined, e: unknown): unknown {
  return pending?.cancel() ?? e;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // hashFile reports the error with the file's name
  }
}

/**
 * A folder's size and a SHA-256 over its files: for each file in sorted path order, its path, a
 * NUL, its own SHA-256 and a newline. Stable for the same content wherever the folder lies.
 */
export function hashFolder(root: string): { size: number; sha256: string } {
  const folder = new FolderArchive(root);
  const hash = createHash('sha256');
  let size = 0;
  for (const e of folder.entries) {
    if (e.isDirectory) continue;
    const f = hashFile(pathJoin(root, e.name));
    size += f.size;
    hash.update(e.name).update('\0').update(f.sha256).update('\n');
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Starts hashing an input ahead of `scanFile` (pass the result as `options.hash`), so that a
 * caller with other work to do first — loading the signature database — overlaps the hash with
 * it too. Undefined for a folder, or a file that cannot be opened: scanFile reports that itself.
 * `evenWhenBusy`: hash in a worker even when no core looks idle (tests).
 */
export function startInputHash(path: string, evenWhenBusy = false): PendingHash | undefined {
  if (isDirectory(path)) return undefined;
  try {
    return startFileHash(path, undefined, evenWhenBusy);
  } catch {
    return undefined;
  }
}

export { hashFile, type PendingHash } from './file-hash.js';
