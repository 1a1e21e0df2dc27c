/**
 * Tracker matching: the signature database compiled once into lookup structures (STYLE.md §9):
 * a trie over Java package segments, and exact-name maps for components, meta-data keys,
 * version files, native libraries, files and domains. No regular expression runs per class or per
 * signature, so a hostile bundle cannot make matching slow.
 *
 * Every finding explains itself (STYLE.md §7): each evidence item says what was searched for, what
 * was found, how much and where.
 */
import type { Evidence, Provenance } from '../evidence/types.js';
import { isTrackerCategories, type Category, type SdkSignature, type SignatureDatabase } from '../signatures/types.js';

export type Confidence = 'high' | 'medium' | 'low';

export type TrackerEvidenceKind =
  | 'code-defined'
  | 'code-referenced'
  | 'component'
  | 'meta-data'
  | 'version-file'
  | 'native-library'
  | 'file'
  /** iOS: an embedded framework bundle of that name */
  | 'framework'
  /** iOS: a binary links the SDK's framework (load command) */
  | 'linked-library'
  /** iOS: a nested bundle's CFBundleIdentifier */
  | 'bundle-id'
  /** iOS: a key the SDK reads from the app's Info.plist */
  | 'plist-key'
  | 'domain'
  /** Graph API permission names in the code of an app with Facebook Login (src/analysis/scopes.ts) */
  | 'login-scope';

export interface TrackerEvidence {
  kind: TrackerEvidenceKind;
  /** the signature value that matched (a package prefix, a component name, a domain, …) */
  searchedFor: string;
  /** how many items matched (classes under a prefix, hosts under a domain, …) */
  count: number;
  /** up to EXAMPLES of the matching items, sorted (every item for login scopes) */
  examples: string[];
  /** where the first examples were found */
  locations: Provenance[];
}

export interface TrackerFinding {
  id: string;
  name: string;
  vendor: string;
  parent?: string;
  country?: string;
  categories: Category[];
  description: string;
  confidence: Confidence;
  /** the app itself belongs to the SDK's vendor (e.g. Meta's SDK inside a Meta app) */
  firstParty: boolean;
  /** library version, when a version file names it */
  version?: string;
  evidence: TrackerEvidence[];
  sources: string[];
}

const EXAMPLES = 3;

/** Node of the package trie. `owner` is the SDK claiming this prefix, or EXCLUDED. */
interface TrieNode {
  children: Map<string, TrieNode>;
  owner?: { sdk: number; prefix: string } | typeof EXCLUDED;
}
const EXCLUDED = Symbol('excluded');

/** Kinds that are independent of each other for the "several kinds of evidence" rule. */
const MANIFEST_OR_FILE_KINDS: ReadonlySet<TrackerEvidenceKind> = new Set([
  'component',
  'meta-data',
  'version-file',
  'native-library',
  'file',
  'framework',
  'linked-library',
  'bundle-id',
  'plist-key',
]);

/** Shortest Objective-C class prefix a signature may use (schema minimum). */
const MIN_CLASS_PREFIX = 3;

export class TrackerMatcher {
  private readonly sdks: SdkSignature[];
  private readonly root: TrieNode = { children: new Map() };
  private readonly components = new Map<string, number>();
  private readonly metaData = new Map<string, number[]>();
  private readonly versionFiles = new Map<string, { sdk: number; artifact: string }>();
  private readonly nativeLibs = new Map<string, number[]>();
  private readonly files = new Map<string, number[]>();
  private readonly domains = new Map<string, number[]>();
  private readonly classPrefixes = new Map<string, number>();
  private readonly frameworks = new Map<string, number>();
  /** Swift/Clang module names that differ from framework names (statically linked Swift SDKs) */
  private readonly modules = new Map<string, number>();
  private readonly bundleIds = new Map<string, number>();
  private readonly plistKeys = new Map<string, number[]>();

  constructor(db: Pick<SignatureDatabase, 'sdks'>) {
    this.sdks = db.sdks;
    // Exclusions first: when one SDK excludes a prefix that another SDK claims (Phunware Core
    // excludes com.phunware.core.analytics, which Phunware Analytics claims), the claim wins.
    for (const sdk of db.sdks) for (const p of sdk.android?.excludePackages ?? []) this.insert(p, EXCLUDED);
    db.sdks.forEach((sdk, i) => {
      const a = sdk.android ?? {};
      for (const p of a.packages ?? []) this.insert(p, { sdk: i, prefix: p });
      for (const c of a.components ?? []) this.components.set(c, i);
      for (const m of a.metaData ?? []) push(this.metaData, m, i);
      for (const v of a.versionArtifacts ?? []) {
        const [group, artifact] = v.split(':');
        this.versionFiles.set(`${group}_${artifact}`, { sdk: i, artifact: v });
      }
      for (const l of a.nativeLibraries ?? []) push(this.nativeLibs, l, i);
      for (const f of a.files ?? []) push(this.files, f, i);
      for (const d of sdk.domains ?? []) push(this.domains, d, i);
      const ios = sdk.ios ?? {};
      for (const p of ios.classPrefixes ?? []) this.classPrefixes.set(p, i);
      for (const f of ios.frameworks ?? []) this.frameworks.set(f, i);
      for (const m of ios.modules ?? []) this.modules.set(m, i);
      for (const b of ios.bundleIds ?? []) this.bundleIds.set(b, i);
      for (const k of ios.plistKeys ?? []) push(this.plistKeys, k, i);
    });
  }

  private insert(prefix: string, owner: TrieNode['owner']): void {
    let node = this.root;
    for (const seg of prefix.split('.')) {
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { children: new Map() }));
      node = next;
    }
    node.owner = owner;
  }

  /**
   * The deepest prefix claiming a Java class name, matched at segment boundaries; the last segment
   * also matches without its `$Inner` suffix, so a class-name prefix covers its inner classes.
   */
  lookupClass(className: string): { sdk: number; prefix: string; depth: number } | undefined {
    let node: TrieNode | undefined = this.root;
    let best: { sdk: number; prefix: string; depth: number } | undefined;
    let excludedAt = -1;
    let start = 0;
    let depth = 0;
    while (node) {
      const dot = className.indexOf('.', start);
      let seg = dot < 0 ? className.slice(start) : className.slice(start, dot);
      if (dot < 0) {
        const dollar = seg.indexOf('$');
        if (dollar > 0 && !node.children.has(seg)) seg = seg.slice(0, dollar);
      }
      node = node.children.get(seg);
      if (!node) break;
      depth++;
      if (node.owner === EXCLUDED) excludedAt = depth;
      else if (node.owner) best = { ...node.owner, depth };
      if (dot < 0) break;
      start = dot + 1;
    }
    if (best && excludedAt > best.depth) return undefined;
    return best;
  }

  /**
   * The longest Objective-C class prefix claiming a class name. The prefix must end at a
   * CamelCase word boundary: the name ends, or continues with `_` or a digit, or with a capital
   * that starts a word (followed by a lower-case letter): `FIR` claims `FIRApp` and
   * `FBSDK` claims `FBSDKLoginManager`, but `FIR` does not claim `FIRSTViewController` (the word
   * is FIRST) nor `Firebase`. The price: a prefix followed by an acronym (`GADURLSession`) is not
   * matched; an SDK has many other classes that are.
   * Swift classes (`_TtC9AppsFlyer…`) are matched by their module name against framework names
   * and the signatures' `ios.modules` names.
   */
  lookupObjcClass(name: string): { sdk: number; prefix: string } | undefined {
    const swiftModule = swiftModuleOf(name);
    if (swiftModule !== undefined) {
      const sdk = this.frameworks.get(swiftModule) ?? this.modules.get(swiftModule);
      return sdk === undefined ? undefined : { sdk, prefix: `Swift module ${swiftModule}` };
    }
    // The prefixes that share the name's first three characters, longest first: one lookup and a
    // few startsWith instead of a slice and a lookup per length (20,000 classes of a large app).
    if (name.length < MIN_CLASS_PREFIX) return undefined;
    const candidates = this.classPrefixIndex().get(name.slice(0, MIN_CLASS_PREFIX));
    for (const { prefix, sdk } of candidates ?? []) {
      if (name.startsWith(prefix) && wordBoundaryAt(name, prefix.length)) return { sdk, prefix };
    }
    return undefined;
  }

  private prefixIndex?: Map<string, { prefix: string; sdk: number }[]>;
  /** classPrefixes by their first MIN_CLASS_PREFIX characters, each list longest first */
  private classPrefixIndex(): Map<string, { prefix: string; sdk: number }[]> {
    if (!this.prefixIndex) {
      this.prefixIndex = new Map();
      for (const [prefix, sdk] of this.classPrefixes) push(this.prefixIndex, prefix.slice(0, MIN_CLASS_PREFIX), { prefix, sdk });
      for (const list of this.prefixIndex.values()) list.sort((a, b) => b.prefix.length - a.prefix.length || cmp(a.prefix, b.prefix));
    }
    return this.prefixIndex;
  }

  /** A signature bundle id equal to `id` or a dot-boundary prefix of it. */
  private lookupBundleId(id: string): { sdk: number; id: string } | undefined {
    let candidate = id;
    for (;;) {
      const sdk = this.bundleIds.get(candidate);
      if (sdk !== undefined) return { sdk, id: candidate };
      const dot = candidate.lastIndexOf('.');
      if (dot <= 0) return undefined;
      candidate = candidate.slice(0, dot);
    }
  }

  /** ids of the SDKs whose domains cover `host`, sorted */
  sdkIdsForHost(host: string): string[] {
    const ids = new Set<string>();
    for (const [, sdks] of suffixMatches(this.domains, host)) for (const i of sdks) ids.add(this.sdks[i].id);
    return [...ids].sort(cmp);
  }

  match(ev: Evidence): TrackerFinding[] {
    const acc = new Map<number, Map<string, TrackerEvidence>>();
    const versions = new Map<number, string>();
    const add = (sdk: number, kind: TrackerEvidenceKind, searchedFor: string, found: string, where: Provenance) => {
      let items = acc.get(sdk);
      if (!items) acc.set(sdk, (items = new Map()));
      const key = `${kind}\0${searchedFor}`;
      let item = items.get(key);
      if (!item) items.set(key, (item = { kind, searchedFor, count: 0, examples: [], locations: [] }));
      item.count++;
      addExample(item, found, where);
    };

    // An SDK archive's identity is the SDK itself: no own-package or first-party rule applies.
    const appPackage = ev.subject === 'sdk-archive' ? '' : ev.identity.id;
    const appDepth = appPackage ? appPackage.split('.').length : 0;
    const inAppPackage = (cls: string) => appPackage !== '' && (cls.startsWith(appPackage + '.') || cls === appPackage);

    const matchClasses = (classes: Map<string, string>, kind: TrackerEvidenceKind) => {
      for (const [cls, entry] of classes) {
        const hit = this.lookupClass(cls);
        if (!hit) continue;
        // The app's own code is not a third-party tracker: a broad prefix (com.dv) does not claim
        // the classes of an app whose package lies under it (com.dv.adm).
        if (hit.depth < appDepth && inAppPackage(cls)) continue;
        add(hit.sdk, kind, hit.prefix, cls, { entry, location: cls, collector: 'dex-classes' });
      }
    };
    const matchObjcClasses = (classes: Map<string, string>, kind: TrackerEvidenceKind) => {
      for (const [cls, entry] of classes) {
        const hit = this.lookupObjcClass(cls);
        if (hit) add(hit.sdk, kind, hit.prefix, cls, { entry, location: cls, collector: 'macho' });
      }
    };
    if (ev.platform === 'ios') {
      matchObjcClasses(ev.code.defined, 'code-defined');
      matchObjcClasses(ev.code.referenced, 'code-referenced');
    } else {
      matchClasses(ev.code.defined, 'code-defined');
      matchClasses(ev.code.referenced, 'code-referenced');
    }

    const ios = ev.ios;
    for (const b of ios?.bundles ?? []) {
      if (b.kind === 'framework') {
        const sdk = this.frameworks.get(b.name);
        if (sdk !== undefined) add(sdk, 'framework', b.name, `${b.name}.framework${b.version ? ` ${b.version}` : ''}`, { entry: b.path, collector: 'info-plist' });
        if (sdk !== undefined && b.version && !versions.has(sdk)) versions.set(sdk, b.version);
      }
      if (b.kind !== 'app' && b.bundleId) {
        const hit = this.lookupBundleId(b.bundleId);
        if (hit) add(hit.sdk, 'bundle-id', hit.id, `${b.bundleId} (${b.path.split('/').pop()})`, { entry: `${b.path}/Info.plist`, location: 'CFBundleIdentifier', collector: 'info-plist' });
      }
    }
    for (const bin of ios?.binaries ?? []) {
      for (const l of bin.linked) {
        const fw = l.framework;
        const sdk = fw === undefined || l.system ? undefined : this.frameworks.get(fw);
        if (sdk !== undefined) add(sdk, 'linked-library', fw!, `${bin.path.split('/').pop()} links ${l.name}`, { entry: bin.path, location: 'load commands', collector: 'macho' });
      }
    }
    for (const k of ios?.plistKeys ?? []) {
      for (const sdk of this.plistKeys.get(k.key) ?? []) add(sdk, 'plist-key', k.key, k.value === undefined ? k.key : `${k.key} = ${k.value}`, k.provenance);
    }

    const android = ev.android;
    for (const c of android?.components ?? []) {
      const sdk = this.components.get(c.name);
      if (sdk !== undefined) add(sdk, 'component', c.name, `${c.kind} ${c.name}`, c.provenance);
    }
    for (const m of android?.metaData ?? []) {
      for (const sdk of this.metaData.get(m.name) ?? []) add(sdk, 'meta-data', m.name, m.value === undefined ? m.name : `${m.name} = ${m.value}`, m.provenance);
    }
    for (const v of android?.versionFiles ?? []) {
      const hit = this.versionFiles.get(v.key);
      if (hit) {
        add(hit.sdk, 'version-file', hit.artifact, `${hit.artifact} ${v.version}`, v.provenance);
        if (!versions.has(hit.sdk) && v.version) versions.set(hit.sdk, v.version);
      }
    }
    for (const l of android?.nativeLibraries ?? []) {
      for (const sdk of this.nativeLibs.get(l.name) ?? []) add(sdk, 'native-library', l.name, `${l.name} (${l.abis.join(', ')})`, l.provenance);
    }
    for (const f of ev.files) {
      for (const sdk of this.files.get(f) ?? []) add(sdk, 'file', f, f, { entry: f, collector: 'files' });
    }
    // Domains support a finding made on other evidence. A host name alone is not a finding: any
    // app may hold a vendor's URL (a link, an allow-list); the report lists such hosts as domains.
    for (const d of ev.domains) {
      for (const [domain, sdks] of suffixMatches(this.domains, d.host)) {
        for (const sdk of sdks) if (acc.has(sdk)) add(sdk, 'domain', domain, d.host, d.provenance);
      }
    }

    const findings: TrackerFinding[] = [];
    for (const [i, items] of acc) {
      const sdk = this.sdks[i];
      const evidence = [...items.values()].sort(compareEvidence);
      findings.push({
        id: sdk.id,
        name: sdk.name,
        vendor: sdk.vendor,
        ...(sdk.parent ? { parent: sdk.parent } : {}),
        ...(sdk.country ? { country: sdk.country } : {}),
        categories: sdk.categories,
        description: sdk.description,
        confidence: confidenceOf(evidence),
        firstParty: isFirstParty(appPackage, sdk),
        ...(versions.has(i) ? { version: versions.get(i) } : {}),
        evidence,
        sources: sdk.sources,
      });
    }
    return findings.sort((a, b) => CONFIDENCE_RANK[a.confidence] - CONFIDENCE_RANK[b.confidence] || cmp(a.id, b.id));
  }
}

/**
 * True when a finding counts as a tracker: at least one of its categories is a tracking one.
 * Consent platforms and common libraries (`consent`, `library`) are reported apart, never counted.
 */
export function isTracker(t: Pick<TrackerFinding, 'categories'>): boolean {
  return isTrackerCategories(t.categories);
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };
const KIND_RANK: Record<TrackerEvidenceKind, number> = {
  'code-defined': 0,
  component: 1,
  'meta-data': 2,
  'version-file': 3,
  'native-library': 4,
  file: 5,
  framework: 6,
  'linked-library': 7,
  'bundle-id': 8,
  'plist-key': 9,
  domain: 10,
  'code-referenced': 11,
  'login-scope': 12,
};

function compareEvidence(a: TrackerEvidence, b: TrackerEvidence): number {
  return KIND_RANK[a.kind] - KIND_RANK[b.kind] || cmp(a.searchedFor, b.searchedFor);
}

/**
 * high: classes defined in the app's code, or two or more independent manifest/file kinds;
 * medium: one manifest/file kind (a component, a meta-data key, a version file, a library);
 * low: only types referenced but not shipped (plus, perhaps, a domain).
 */
export function confidenceOf(evidence: TrackerEvidence[]): Confidence {
  const kinds = new Set(evidence.map((e) => e.kind));
  if (kinds.has('code-defined')) return 'high';
  const strong = [...kinds].filter((k) => MANIFEST_OR_FILE_KINDS.has(k)).length;
  if (strong >= 2) return 'high';
  if (strong === 1) return 'medium';
  return 'low';
}

/** The app is the vendor's own when its package shares two or more leading segments with one of the SDK's packages. */
export function isFirstParty(appPackage: string, sdk: SdkSignature): boolean {
  if (!appPackage) return false;
  const app = appPackage.split('.');
  for (const p of [...(sdk.android?.packages ?? []), ...(sdk.ios?.bundleIds ?? [])]) {
    const segs = p.split('.');
    let common = 0;
    while (common < app.length && common < segs.length && app[common] === segs[common]) common++;
    if (common >= 2) return true;
  }
  return false;
}

function addExample(item: TrackerEvidence, found: string, where: Provenance): void {
  if (item.examples.includes(found)) return;
  if (item.examples.length < EXAMPLES) {
    item.examples.push(found);
    item.locations.push(where);
  } else if (found < item.examples[EXAMPLES - 1]) {
    item.examples[EXAMPLES - 1] = found;
    item.locations[EXAMPLES - 1] = where;
  } else {
    return;
  }
  // keep examples sorted (with their locations) so output does not depend on read order
  const order = item.examples.map((_, i) => i).sort((x, y) => cmp(item.examples[x], item.examples[y]));
  item.examples = order.map((i) => item.examples[i]);
  item.locations = order.map((i) => item.locations[i]);
}

/** The domains in `map` equal to `host` or a parent of it at a dot boundary. */
function suffixMatches(map: Map<string, number[]>, host: string): [string, number[]][] {
  const out: [string, number[]][] = [];
  let h = host;
  for (;;) {
    const sdks = map.get(h);
    if (sdks) out.push([h, sdks]);
    const dot = h.indexOf('.');
    if (dot < 0) break;
    h = h.slice(dot + 1);
  }
  return out;
}

const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;

/** True when `name` may be split at `i` without cutting a CamelCase word in two. */
function wordBoundaryAt(name: string, i: number): boolean {
  if (i >= name.length) return true;
  const c = name.charCodeAt(i);
  if (c === 0x5f || (c >= 0x30 && c <= 0x39)) return true;
  if (!isUpper(c)) return false;
  return i + 1 >= name.length || !isUpper(name.charCodeAt(i + 1));
}

/**
 * The module of a Swift class as the Objective-C runtime names it: `_TtC9AppsFlyer8Tracker` →
 * `AppsFlyer` (also nested `_TtCC…` and generic `_TtGC…` forms). Undefined for other names.
 */
export function swiftModuleOf(name: string): string | undefined {
  if (!name.startsWith('_Tt')) return undefined;
  const m = /^_Tt(?:G?C)+(\d+)/.exec(name);
  if (!m) return undefined;
  const len = Number(m[1]);
  const start = m[0].length;
  if (len <= 0 || start + len > name.length) return undefined;
  const module = name.slice(start, start + len);
  return module === 's' ? 'Swift' : module;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
