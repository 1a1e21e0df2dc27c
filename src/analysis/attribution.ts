/**
 * Attribution: which code uses which sensitive API, and so which SDK (or the app itself) reaches
 * the user's contacts, location, Bluetooth and identifiers (issue 6).
 *
 *  - `AttributionAnalyzer.query(ev?)` compiles signatures/sensitive-apis.json into the ApiQuery the
 *    code collectors record against (class descriptor → member → API id, wanted strings, and a
 *    classifier from class names to SDK ids for reachability).
 *  - `attribute(ev, capabilities, permissions)` turns the recorded API use into `usedBy` on each
 *    capability and `exercisedBy` on each requested permission: calling class → SDK (through the
 *    signature database's package trie, the app's own package excepted) or the app's code. iOS
 *    use is attributed to the binary that holds the reference: an SDK's framework, or the app.
 *  - `requiredReasonChecks(ev)` (iOS) sets the required-reason API categories each binary uses
 *    against the reasons its bundle's privacy manifest declares.
 */
import type { ApiQuery, ApiUseEvidence, Evidence, Provenance } from '../evidence/types.js';
import type { AndroidSensitiveApi, AttributionData, IosSensitiveApi, IosSensitiveSymbol, SensitiveString } from '../signatures/attribution-data.js';
import type { Capability, SdkSignature } from '../signatures/types.js';
import type { CapabilityFinding } from './capabilities.js';
import type { TrackerMatcher } from './trackers.js';

/** Who used an API: an SDK of the database, or the app's own (or unattributed) code. */
export interface CapabilityUse {
  /** SDK id, or `app` for code no signature claims */
  by: string;
  /** the SDK's name, or `app code` */
  name: string;
  /** what the code does, from the API data: `requests location updates` */
  actions: string[];
  /** API ids used (`android.location.LocationManager.requestLocationUpdates`, `string:content://…`) */
  apis: string[];
  /** call sites (Android) or binaries (iOS) */
  count: number;
  /** up to EXAMPLES calling classes (Android) or binaries (iOS), sorted */
  callers: string[];
  /** how many distinct callers there are */
  callerCount: number;
  locations: Provenance[];
}

/** An iOS binary's required-reason API use against its privacy manifest. */
export interface RequiredReasonCheck {
  binary: string;
  /** SDK id or `app` */
  by: string;
  category: string;
  /** symbols and selectors found */
  found: string[];
  /** reasons declared for the category in the bundle's privacy manifest (empty: not declared) */
  declaredReasons: string[];
  /** the bundle's privacy manifest, when there is one */
  privacyManifest?: string;
  ok: boolean;
}

const EXAMPLES = 3;
export const APP = 'app';
/** reachability group of code outside the app's package that no signature claims (libraries, or app code elsewhere) */
export const OTHER = 'other';

interface ApiInfo {
  capabilities: string[];
  permissions: string[];
  action: string;
  /** Android: counted only when the caller also holds this string (`string:<value>`) */
  withString?: string;
  /** iOS usage keys that grant it */
  usageKeys?: string[];
}

export class AttributionAnalyzer {
  private readonly apis = new Map<string, ApiInfo>();
  private readonly methods = new Map<string, Map<string, string>>();
  private readonly fields = new Map<string, Map<string, string>>();
  private readonly stringExact = new Map<string, string>();
  private readonly stringPrefixes: { prefix: string; id: string }[] = [];
  private readonly iosSelectors = new Map<string, Map<string, string>>();
  private readonly iosSymbols = new Map<string, string>();
  private readonly iosBareSelectors = new Map<string, string>();
  /** required-reason API id → category */
  private readonly requiredReason = new Map<string, string>();
  private readonly sdkById = new Map<string, SdkSignature>();
  private readonly frameworkSdk = new Map<string, string>();
  private readonly sdkIds: string[];
  readonly extraCapabilities: Capability[];

  constructor(
    readonly data: AttributionData,
    private readonly matcher: TrackerMatcher,
    sdks: SdkSignature[],
    permissionNames: readonly string[],
  ) {
    this.extraCapabilities = data.sensitiveApis.capabilities;
    this.sdkIds = sdks.map((s) => s.id);
    for (const s of sdks) {
      this.sdkById.set(s.id, s);
      for (const f of s.ios?.frameworks ?? []) if (!this.frameworkSdk.has(f)) this.frameworkSdk.set(f, s.id);
    }
    const a = data.sensitiveApis.android;
    for (const api of a.apis) this.addAndroidApi(api);
    for (const s of a.strings) this.addString(s);
    // permission names as string constants: code that checks or requests the permission
    for (const p of permissionNames) this.stringExact.set(p, `permission:${p}`);
    const ios = data.sensitiveApis.ios;
    for (const api of ios.apis) this.addIosApi(api);
    for (const s of ios.symbols) this.addIosSymbol(s);
    for (const r of ios.requiredReasonApis) {
      for (const sym of r.symbols) {
        const id = `required-reason:${sym}`;
        if (!this.iosSymbols.has(sym)) this.iosSymbols.set(sym, id);
        this.requiredReason.set(this.iosSymbols.get(sym)!, r.category);
        this.requiredReason.set(id, r.category);
      }
      for (const sel of r.selectors) {
        const id = `required-reason:${sel}`;
        this.iosBareSelectors.set(sel, id);
        this.requiredReason.set(id, r.category);
      }
    }
  }

  private addAndroidApi(api: AndroidSensitiveApi): void {
    const descriptor = `L${api.class.replace(/\./g, '/')};`;
    const table = api.kind === 'method' ? this.methods : this.fields;
    let members = table.get(descriptor);
    if (!members) table.set(descriptor, (members = new Map()));
    for (const m of api.members) {
      const id = `${api.class}.${m}`;
      members.set(m, id);
      this.apis.set(id, {
        capabilities: api.capabilities,
        permissions: api.permissions ?? [],
        action: api.action,
        ...(api.withString !== undefined ? { withString: `string:${api.withString}` } : {}),
      });
    }
    if (api.withString !== undefined) this.stringExact.set(api.withString, `string:${api.withString}`);
  }

  private addString(s: SensitiveString): void {
    const id = `string:${s.value}`;
    if (s.match === 'exact') this.stringExact.set(s.value, id);
    else this.stringPrefixes.push({ prefix: s.value, id });
    this.apis.set(id, { capabilities: s.capabilities, permissions: s.permissions ?? [], action: s.action });
  }

  private addIosApi(api: IosSensitiveApi): void {
    let sels = this.iosSelectors.get(api.class);
    if (!sels) this.iosSelectors.set(api.class, (sels = new Map()));
    for (const sel of api.selectors) {
      const id = `ios:${api.class}.${sel}`;
      sels.set(sel, id);
      this.apis.set(id, { capabilities: api.capabilities, permissions: [], action: api.action, ...(api.usageKeys ? { usageKeys: api.usageKeys } : {}) });
    }
  }

  private addIosSymbol(s: IosSensitiveSymbol): void {
    const id = `ios:${s.symbol}`;
    this.iosSymbols.set(s.symbol, id);
    this.apis.set(id, { capabilities: s.capabilities, permissions: [], action: s.action });
  }

  /** The SDK a Java class belongs to, or '' (the app's own package is never claimed by a broader prefix). */
  classGroup(javaName: string, appId: string): string {
    const hit = this.matcher.lookupClass(javaName);
    if (!hit) return '';
    if (appId && (javaName === appId || javaName.startsWith(appId + '.')) && hit.depth < appId.split('.').length) return '';
    return this.sdkIdAt(hit.sdk);
  }

  /** the matcher's SDK numbers are positions in the list it was built from */
  private sdkIdAt(i: number): string {
    return this.sdkIds[i] ?? '';
  }

  /** The query the code collectors record against. */
  query(): ApiQuery {
    return {
      androidMethods: this.methods,
      androidFields: this.fields,
      stringExact: this.stringExact,
      stringPrefixes: this.stringPrefixes,
      classGroup: (name, appId) => this.classGroup(name, appId) || (appId && (name === appId || name.startsWith(appId + '.')) ? '' : OTHER),
      iosSelectors: this.iosSelectors,
      iosSymbols: this.iosSymbols,
      iosBareSelectors: this.iosBareSelectors,
    };
  }

  /** The API data behind an id (undefined for ids this database does not know). */
  apiInfo(id: string): ApiInfo | undefined {
    return this.apis.get(id);
  }

  /** Who a piece of API use belongs to: SDK id or APP. */
  ownerOf(use: ApiUseEvidence, ev: Evidence): string {
    if (ev.platform === 'ios') return this.binaryOwner(use.caller, ev);
    return this.classGroup(use.caller, ev.identity.id) || APP;
  }

  /** iOS: the SDK whose framework holds the binary, else APP. */
  binaryOwner(binaryPath: string, ev: Evidence): string {
    const bin = ev.ios?.binaries.find((b) => b.path === binaryPath);
    if (!bin || bin.role === 'main') return APP;
    const bundle = ev.ios?.bundles.find((b) => b.path === bin.bundle);
    const name = bundle?.name ?? bin.bundle.split('/').pop()?.replace(/\.[^.]+$/, '') ?? '';
    return this.frameworkSdk.get(name) ?? APP;
  }

  sdkName(by: string): string {
    return by === APP ? 'app code' : (this.sdkById.get(by)?.name ?? by);
  }

  /**
   * API use that counts: iOS uses and Android uses whose `withString` condition holds in the same
   * caller. Uses that only mark a string (`string:android_id` for Settings.Secure.getString) and
   * required-reason uses are not capability uses.
   */
  effectiveUses(ev: Evidence): ApiUseEvidence[] {
    const uses = ev.code.apiUse ?? [];
    const stringsByCaller = new Set(uses.filter((u) => u.api.startsWith('string:')).map((u) => `${u.caller}\0${u.api}`));
    return uses.filter((u) => {
      const info = this.apis.get(u.api);
      if (!info || info.capabilities.length === 0) return false;
      return info.withString === undefined || stringsByCaller.has(`${u.caller}\0${info.withString}`);
    });
  }

  /**
   * Adds `usedBy` to each capability finding (and findings for capabilities that only API use
   * reveals and that need no permission, e.g. device identifiers and the clipboard); returns, per
   * requested permission, who exercises it in code.
   */
  attribute(
    ev: Evidence,
    capabilities: CapabilityFinding[],
    allCapabilities: ReadonlyMap<string, Capability>,
  ): { capabilities: (CapabilityFinding & { usedBy?: CapabilityUse[] })[]; exercisedBy: Map<string, CapabilityUse[]>; checkable: Set<string> } {
    const uses = this.effectiveUses(ev);
    const requested = new Set(ev.permissions.map((p) => p.name));
    const iosKeys = ev.platform === 'ios' ? requested : new Set<string>();
    // capability id → owner → use
    const byCap = new Map<string, Map<string, CapabilityUse>>();
    const byPerm = new Map<string, Map<string, CapabilityUse>>();
    const add = (map: Map<string, Map<string, CapabilityUse>>, key: string, owner: string, u: ApiUseEvidence, info: ApiInfo) => {
      let owners = map.get(key);
      if (!owners) map.set(key, (owners = new Map()));
      let c = owners.get(owner);
      if (!c) owners.set(owner, (c = { by: owner, name: this.sdkName(owner), actions: [], apis: [], count: 0, callers: [], callerCount: 0, locations: [] }));
      if (!c.actions.includes(info.action)) c.actions.push(info.action);
      if (!c.apis.includes(u.api)) c.apis.push(u.api);
      c.count += u.count;
      if (!c.callers.includes(u.caller)) {
        c.callers.push(u.caller);
        c.locations.push(u.provenance);
      }
    };
    for (const u of uses) {
      const info = this.apis.get(u.api)!;
      const owner = this.ownerOf(u, ev);
      for (const cap of info.capabilities) add(byCap, cap, owner, u, info);
      for (const p of info.permissions) if (requested.has(p)) add(byPerm, p, owner, u, info);
      for (const k of info.usageKeys ?? []) if (iosKeys.has(k)) add(byPerm, k, owner, u, info);
    }
    // permission strings in code: the code checks or requests that permission
    for (const u of ev.code.apiUse ?? []) {
      if (!u.api.startsWith('permission:')) continue;
      const p = u.api.slice('permission:'.length);
      if (requested.has(p)) add(byPerm, p, this.ownerOf(u, ev), u, { capabilities: [], permissions: [p], action: `checks or requests ${p.replace(/^android\.permission\./, '')}` });
    }

    const out: (CapabilityFinding & { usedBy?: CapabilityUse[] })[] = capabilities.map((c) => ({ ...c }));
    const have = new Set(out.map((c) => c.id));
    for (const [capId, owners] of byCap) {
      if (have.has(capId)) continue;
      const cap = allCapabilities.get(capId);
      if (!cap) continue;
      // a capability behind a permission the app does not request is not reachable: not listed
      const permFree = [...owners.values()].some((o) =>
        o.apis.some((a) => {
          const info = this.apis.get(a);
          return info !== undefined && info.permissions.length === 0 && (info.usageKeys?.length ?? 0) === 0;
        }),
      );
      if (!permFree) continue;
      out.push({
        id: cap.id,
        title: cap.title,
        description: cap.description,
        sensitivity: cap.sensitivity,
        evidence: [{ kind: 'derived', from: [...new Set([...owners.values()].flatMap((o) => o.apis))].sort().slice(0, 10), explanation: 'code calls APIs that give this access without any permission' }],
      });
      have.add(capId);
    }
    for (const c of out) {
      const owners = byCap.get(c.id);
      if (owners) c.usedBy = finish(owners);
    }
    const rank = { high: 0, medium: 1, low: 2 } as const;
    out.sort((a, b) => rank[a.sensitivity] - rank[b.sensitivity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    const exercisedBy = new Map<string, CapabilityUse[]>();
    for (const [p, owners] of byPerm) exercisedBy.set(p, finish(owners));
    // permissions some API of the data needs: for these "never exercised" means something
    const checkable = new Set<string>();
    for (const info of this.apis.values()) for (const p of info.permissions) checkable.add(p);
    for (const info of this.apis.values()) for (const k of info.usageKeys ?? []) checkable.add(k);
    return { capabilities: out, exercisedBy, checkable };
  }

  /** iOS: required-reason API categories used per binary, against its bundle's privacy manifest. */
  requiredReasonChecks(ev: Evidence): RequiredReasonCheck[] {
    const ios = ev.ios;
    if (!ios) return [];
    const found = new Map<string, Map<string, Set<string>>>(); // binary → category → items
    for (const u of ev.code.apiUse ?? []) {
      const category = this.requiredReason.get(u.api);
      if (!category) continue;
      let cats = found.get(u.caller);
      if (!cats) found.set(u.caller, (cats = new Map()));
      let items = cats.get(category);
      if (!items) cats.set(category, (items = new Set()));
      items.add(u.api.replace(/^(required-reason|ios):/, ''));
    }
    const out: RequiredReasonCheck[] = [];
    for (const [binary, cats] of [...found].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const bin = ios.binaries.find((b) => b.path === binary);
      const manifest = ios.privacyManifests.find((m) => m.bundle === bin?.bundle);
      for (const [category, items] of [...cats].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const declaredReasons = manifest?.accessedApiTypes.find((t) => t.type === category)?.reasons ?? [];
        out.push({
          binary,
          by: this.binaryOwner(binary, ev),
          category,
          found: [...items].sort(),
          declaredReasons,
          ...(manifest ? { privacyManifest: manifest.path } : {}),
          ok: declaredReasons.length > 0,
        });
      }
    }
    return out;
  }
}

function finish(owners: Map<string, CapabilityUse>): CapabilityUse[] {
  const list = [...owners.values()];
  for (const c of list) {
    const order = c.callers.map((_, i) => i).sort((x, y) => (c.callers[x] < c.callers[y] ? -1 : c.callers[x] > c.callers[y] ? 1 : 0));
    c.callerCount = c.callers.length;
    c.callers = order.slice(0, EXAMPLES).map((i) => c.callers[i]);
    c.locations = order.slice(0, EXAMPLES).map((i) => c.locations[i]);
    c.actions.sort();
    c.apis.sort();
  }
  // SDKs first (the question is which SDK), then the app; by name
  return list.sort((a, b) => (a.by === APP ? 1 : 0) - (b.by === APP ? 1 : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
