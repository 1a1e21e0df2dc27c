/**
 * The DEX collector's work on one classes*.dex, as plain data (a DexPart), and the merge of the
 * parts into the bundle's Evidence in load order. Splitting it so lets a worker thread take some
 * of the DEX files of a large APK (src/parallel/): a part does not depend on the parts before it,
 * and the merge alone decides what comes first, so the report is the same whichever thread read
 * which file.
 */
import { descriptorToJavaName, parseDex, type StringFilter } from '../../formats/dex.js';
import { HOST_BYTE_CLASSES, hostsInString, mayHoldHostByClasses, type HostHit } from '../../evidence/hosts.js';
import type { ApiUseEvidence, CodeReferenceEvidence, CodeWalkStats, Evidence, Warning } from '../../evidence/types.js';
import { anomalyWarnings, entryFailure } from '../../evidence/warnings.js';
import { walkDex, type WalkState } from './code-walk.js';

/** hosts kept per bundle (and per part); more are counted in a warning */
export const MAX_HOSTS = 5000;

/** What the DEX collector found in one classes*.dex. */
export interface DexPart {
  entry: string;
  /** the file could not be parsed at all (its warning says why) */
  failed?: true;
  /** descriptors of the classes defined, in file order (`Lcom/foo/Bar;`; type_ids are unique in a file) */
  defined: string[];
  /** descriptors of the class types referenced, in file order (defined ones included) */
  referenced: string[];
  /** wanted strings present */
  wanted: string[];
  /** hosts in string constants, in the order first met, each once, at most MAX_HOSTS */
  hosts: HostHit[];
  /** further distinct hosts past MAX_HOSTS */
  droppedHosts: number;
  /** the bytecode walk's findings, when there was an ApiQuery */
  apiUse?: ApiUseEvidence[];
  crossRefs?: CodeReferenceEvidence[];
  stats?: CodeWalkStats;
  /** the file's anomalies as warnings, or why it could not be read at all */
  warnings: Warning[];
}

/**
 * Another thread that reads some DEX files of a bundle (src/parallel/dex-offload.ts). It is handed
 * a file's bytes (and then owns them) while its queue is short; `finish` waits for it and returns
 * the parts by file number. A file it could not finish is missing from the map.
 */
export interface DexOffload {
  wants(bytes: number): boolean;
  take(index: number, entry: string, bytes: Uint8Array): void;
  finish(): Map<number, DexPart>;
  /** stops the worker without waiting (the scan failed: a limit, a bug) */
  cancel(): void;
}

/**
 * Called with the declared size of a bundle's DEX files and the app's package; returns an offload
 * when the files are worth one (a thread costs ~100 ms to start), else undefined.
 */
export type DexOffloadFactory = (dexBytes: number, appId: string) => DexOffload | undefined;

export interface DexPartOptions {
  wantedStrings: ReadonlySet<string>;
  /** no walk without it */
  walk?: WalkState;
}

/** Reads one classes*.dex (`bytes` of bundle entry `entry`). Never throws: a file that cannot be parsed is a warning. */
export function collectDexPart(bytes: Uint8Array, entry: string, options: DexPartOptions): DexPart {
  const part: DexPart = { entry, defined: [], referenced: [], wanted: [], hosts: [], droppedHosts: 0, warnings: [] };
  let dex;
  try {
    dex = parseDex(bytes);
  } catch (e) {
    part.warnings.push(entryFailure(entry, e));
    part.failed = true;
    return part;
  }
  // Descriptors, not Java names: the merge converts each distinct class once for the whole bundle.
  part.defined = dex.definedClassDescriptors();
  part.referenced = dex.referencedTypes().filter((desc) => desc.startsWith('L') && desc.endsWith(';'));

  // Strings are decoded only when they may matter: a wanted string's length, or bytes that may
  // hold a host name (most of a DEX's strings are names and descriptors, and are skipped).
  const wantedStrings = options.wantedStrings;
  const wantedLengths = new Set([...wantedStrings].map((s) => s.length));
  const filter: StringFilter = {
    classes: HOST_BYTE_CLASSES,
    keep: (any, all, utf16Size, b, start, end) => wantedLengths.has(utf16Size) || mayHoldHostByClasses(any, all, b, start, end),
  };
  const wanted = new Set<string>();
  const hosts = new Map<string, HostHit>();
  const dropped = new Set<string>();
  for (let en = 0; en < dex.entries.length; en++) {
    for (const idx of dex.selectStrings(en, filter)) {
      const s = dex.string(idx, en);
      if (wantedStrings.has(s)) wanted.add(s);
      for (const hit of hostsInString(s)) {
        if (hosts.has(hit.host)) continue;
        if (hosts.size < MAX_HOSTS) hosts.set(hit.host, hit);
        else if (dropped.size < MAX_HOSTS * 20) dropped.add(hit.host);
      }
    }
  }
  part.wanted = [...wanted];
  part.hosts = [...hosts.values()];
  part.droppedHosts = dropped.size;

  if (options.walk) {
    const w = walkDex(dex, entry, options.walk);
    dex.anomalies.push(...w.anomalies);
    part.apiUse = w.apiUse;
    part.crossRefs = w.crossRefs;
    part.stats = w.stats;
  }
  part.warnings.push(...anomalyWarnings(entry, dex.anomalies));
  return part;
}

/**
 * Adds the parts, in load order, to the Evidence: a class, string or host keeps the first entry
 * it was found in; a reference between two groups keeps its first example and sums its counts.
 */
export function mergeDexParts(ev: Evidence, parts: readonly DexPart[], walked: boolean): void {
  // descriptor → first entry, in order of first appearance; converted to Java names at the end
  const defined = new Map<string, string>();
  const referenced = new Map<string, string>();
  const hosts = new Map<string, Evidence['domains'][number]>();
  const dropped = new Set<string>();
  let droppedInParts = 0;
  const apiUse: ApiUseEvidence[] = [];
  const crossRefs = new Map<string, CodeReferenceEvidence>();
  const stats: CodeWalkStats = { methods: 0, instructions: 0, units: 0, incomplete: 0, ms: 0 };
  let binaries = 0;
  for (const part of parts) {
    const { entry } = part;
    ev.warnings.push(...part.warnings);
    if (part.failed) continue;
    binaries++;
    for (const desc of part.defined) if (!defined.has(desc)) defined.set(desc, entry);
    for (const desc of part.referenced) if (!referenced.has(desc)) referenced.set(desc, entry);
    for (const s of part.wanted) {
      const list = ev.stringHits.get(s);
      if (!list) ev.stringHits.set(s, [entry]);
      else if (!list.includes(entry)) list.push(entry);
    }
    for (const hit of part.hosts) {
      if (hosts.has(hit.host)) continue;
      if (hosts.size < MAX_HOSTS) hosts.set(hit.host, { host: hit.host, sample: hit.sample, provenance: { entry, collector: 'dex' } });
      else if (dropped.size < MAX_HOSTS * 20) dropped.add(hit.host);
    }
    droppedInParts += part.droppedHosts;
    if (part.apiUse) apiUse.push(...part.apiUse);
    for (const r of part.crossRefs ?? []) {
      const key = `${r.from}\0${r.to}`;
      const known = crossRefs.get(key);
      if (known) known.count += r.count;
      else crossRefs.set(key, { ...r });
    }
    if (part.stats) {
      stats.methods += part.stats.methods;
      stats.instructions += part.stats.instructions;
      stats.units += part.stats.units;
      stats.incomplete += part.stats.incomplete;
      stats.ms += part.stats.ms;
    }
  }
  if (walked) {
    ev.code.apiUse = apiUse.sort((a, b) => cmp(a.api, b.api) || cmp(a.caller, b.caller));
    ev.code.crossRefs = [...crossRefs.values()].sort((a, b) => cmp(a.to, b.to) || cmp(a.from, b.from));
    stats.ms = Math.round(stats.ms * 10) / 10;
    ev.code.walk = stats;
  }
  for (const [desc, entry] of defined) {
    const name = descriptorToJavaName(desc);
    if (!ev.code.defined.has(name)) ev.code.defined.set(name, entry);
  }
  for (const [desc, entry] of referenced) {
    const name = descriptorToJavaName(desc);
    if (!ev.code.referenced.has(name)) ev.code.referenced.set(name, entry);
  }
  for (const name of ev.code.defined.keys()) ev.code.referenced.delete(name);
  ev.code.binaries = binaries;
  ev.domains = [...hosts.values()].sort((a, b) => cmp(a.host, b.host));
  const droppedHosts = dropped.size + droppedInParts;
  if (droppedHosts) ev.warnings.push({ code: 'too-many-hosts', message: `${droppedHosts} further host names in code were not recorded (limit ${MAX_HOSTS})` });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
