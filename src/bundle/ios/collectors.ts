/**
 * The iOS collectors, in one registry read top to bottom (STYLE.md §5): Info.plist, bundles and
 * privacy manifests, Mach-O binaries. Same Evidence model as Android; every item keeps the entry
 * it came from. A collector that fails on one entry records a warning and the others go on.
 *
 * References: Apple's Information Property List and Entitlements documentation; "Privacy manifest
 * files" (https://developer.apple.com/documentation/bundleresources/privacy-manifest-files).
 */
import { TrackscanError } from '../../errors.js';
import { hostsInString } from '../../evidence/hosts.js';
import type { ApiQuery, ApiUseEvidence, DomainEvidence, Evidence, IosBinaryEvidence, IosEvidence, PrivacyManifestEvidence } from '../../evidence/types.js';
import { baseEvidence } from '../../evidence/provenance.js';
import { anomalyWarnings, entryFailure, guardEntry } from '../../evidence/warnings.js';
import { parseMachO, preferredSlices } from '../../formats/macho.js';
import { asString, asStringArray, isDict, parsePlist, type PlistDict, type PlistValue } from '../../formats/plist.js';
import type { BundleView } from '../view.js';
import { forEachDottedOrWanted, forEachWanted, sieveOf, StringSieve } from './strings.js';
import { findApp, frameworkOfInstallName, isSystemInstallName, owningBundle, type AppLayout, type NestedBundle } from './layout.js';

/** hosts kept per bundle */
const MAX_HOSTS = 5000;
/** Info.plist string values longer than this are not kept in `plistKeys` */
const MAX_PLIST_VALUE = 200;
const N_TYPE = 0x0e;
const N_UNDF = 0x0;
const N_EXT = 0x01;
const OBJC_CLASS_SYMBOL = '_OBJC_CLASS_$_';

export interface IosContext {
  view: BundleView;
  layout: AppLayout;
  wantedStrings: ReadonlySet<string>;
  /** parsed Info.plist per bundle path */
  plists: Map<string, PlistDict>;
  /** sensitive classes, selectors and symbols to record per binary */
  apis?: ApiQuery;
}

export interface IosCollector {
  id: string;
  reads: string;
  produces: string;
  collect(ctx: IosContext, ev: Evidence): void;
}

export const IOS_COLLECTORS: readonly IosCollector[] = [
  {
    id: 'info-plist',
    reads: 'Info.plist of the app and of every nested bundle, GoogleService-Info.plist',
    produces: 'identity, usage descriptions with their text, background modes, ATS exceptions, URL and query schemes, SKAdNetwork ids, plist keys, bundles',
    collect(ctx, ev) {
      const ios = iosOf(ev);
      const { view, layout } = ctx;
      for (const b of layout.bundles) {
        const file = `${b.path === '' ? '' : b.path + '/'}Info.plist`;
        if (!view.has(file)) continue;
        guardEntry(ev.warnings, file, () => {
          const p = parsePlist(view.read(file));
          ev.warnings.push(...anomalyWarnings(file, p.anomalies));
          if (isDict(p.value)) ctx.plists.set(b.path, p.value);
          else ev.warnings.push({ code: 'info-plist-not-a-dictionary', message: 'Info.plist is not a dictionary', entry: file });
        });
      }
      const app = layout.bundles[0];
      const info = ctx.plists.get(app.path);
      if (!info) {
        throw new TrackscanError('NOT_A_BUNDLE', `${ios.infoPlist} is missing or unreadable: cannot identify the app`, { file: view.name });
      }
      const where = (location: string) => ({ entry: ios.infoPlist, location, collector: 'info-plist' });
      ev.identity = {
        platform: 'ios',
        id: asString(info.CFBundleIdentifier) ?? '',
        ...optional('name', asString(info.CFBundleDisplayName) ?? asString(info.CFBundleName)),
        ...optional('versionName', asString(info.CFBundleShortVersionString)),
        ...optional('build', asString(info.CFBundleVersion)),
        ...optional('minOS', asString(info.MinimumOSVersion) ?? asString(info.LSMinimumSystemVersion)),
      };
      if (!ev.identity.id) ev.warnings.push({ code: 'bundle-id-missing', message: 'Info.plist has no CFBundleIdentifier', entry: ios.infoPlist });

      // Usage descriptions: the app's, then its extensions' (an extension asks the user too,
      // with its own sentence, so a key the app also declares is reported again).
      for (const b of layout.bundles) {
        if (b.kind !== 'app' && b.kind !== 'extension') continue;
        const plist = ctx.plists.get(b.path);
        if (!plist) continue;
        const file = `${b.path === '' ? '' : b.path + '/'}Info.plist`;
        for (const key of Object.keys(plist).sort()) {
          if (!isUsageKey(key)) continue;
          const v = plist[key];
          ev.permissions.push({
            name: key,
            element: 'Info.plist',
            purpose: typeof v === 'string' ? v : JSON.stringify(plainJson(v)),
            provenance: { entry: file, location: key, collector: 'info-plist' },
          });
        }
      }

      ios.backgroundModes = asStringArray(info.UIBackgroundModes);
      const ats = info.NSAppTransportSecurity;
      if (isDict(ats)) {
        ios.ats = {
          ...optional('allowsArbitraryLoads', typeof ats.NSAllowsArbitraryLoads === 'boolean' ? ats.NSAllowsArbitraryLoads : undefined),
          ...optional('allowsArbitraryLoadsInWebContent', typeof ats.NSAllowsArbitraryLoadsInWebContent === 'boolean' ? ats.NSAllowsArbitraryLoadsInWebContent : undefined),
          exceptionDomains: isDict(ats.NSExceptionDomains) ? Object.keys(ats.NSExceptionDomains).sort() : [],
        };
      }
      ios.queriesSchemes = asStringArray(info.LSApplicationQueriesSchemes);
      ios.urlSchemes = (Array.isArray(info.CFBundleURLTypes) ? info.CFBundleURLTypes : []).flatMap((t) => (isDict(t) ? asStringArray(t.CFBundleURLSchemes) : []));
      ios.skAdNetworks = (Array.isArray(info.SKAdNetworkItems) ? info.SKAdNetworkItems : [])
        .map((x) => (isDict(x) ? asString(x.SKAdNetworkIdentifier) : undefined))
        .filter((x): x is string => !!x)
        .map((x) => x.toLowerCase());
      ios.plistKeys = Object.keys(info)
        .sort()
        .map((key) => {
          const v = info[key];
          // booleans and numbers too: SDK switches (FIREBASE_ANALYTICS_COLLECTION_ENABLED = false) are read from them
          if (typeof v === 'boolean' || typeof v === 'number') return { key, value: String(v), provenance: where(key) };
          return typeof v === 'string' && v.length <= MAX_PLIST_VALUE ? { key, value: v, provenance: where(key) } : { key, provenance: where(key) };
        });

      const gs = `${layout.root}GoogleService-Info.plist`;
      if (view.has(gs)) {
        guardEntry(ev.warnings, gs, () => {
          const p = parsePlist(view.read(gs));
          if (isDict(p.value)) {
            const out: Record<string, string | boolean> = {};
            for (const k of Object.keys(p.value).sort()) {
              const v = p.value[k];
              if (typeof v === 'string' || typeof v === 'boolean') out[k] = v;
            }
            ios.googleService = out;
          }
        });
      }

      ios.bundles = layout.bundles.map((b) => {
        const plist = ctx.plists.get(b.path);
        const pm = layout.privacyManifests.find((m) => owningBundle(layout.bundles, m).path === b.path);
        return {
          path: b.path,
          kind: b.kind,
          name: b.name,
          ...optional('bundleId', asString(plist?.CFBundleIdentifier) || undefined),
          ...optional('version', asString(plist?.CFBundleShortVersionString) ?? asString(plist?.CFBundleVersion)),
          ...optional('executable', asString(plist?.CFBundleExecutable)),
          ...optional('privacyManifest', pm),
        };
      });
    },
  },
  {
    id: 'privacy-manifests',
    reads: 'every PrivacyInfo.xcprivacy (app, frameworks, resource bundles)',
    produces: 'declared tracking, tracking domains, collected data types, required-reason API use',
    collect(ctx, ev) {
      const ios = iosOf(ev);
      for (const file of ctx.layout.privacyManifests) {
        guardEntry(ev.warnings, file, () => {
          const p = parsePlist(ctx.view.read(file));
          ev.warnings.push(...anomalyWarnings(file, p.anomalies));
          if (!isDict(p.value)) {
            ev.warnings.push({ code: 'privacy-manifest-not-a-dictionary', message: 'privacy manifest is not a dictionary', entry: file });
            return;
          }
          ios.privacyManifests.push(readPrivacyManifest(p.value, file, owningBundle(ctx.layout.bundles, file).path));
        });
      }
    },
  },
  {
    id: 'macho',
    reads: 'the main executable, every framework binary, every app extension binary',
    produces: 'Objective-C classes defined and referenced, linked libraries, encryption, entitlements and team id, hosts in C strings',
    collect(ctx, ev) {
      const ios = iosOf(ev);
      const hosts = new Map<string, DomainEvidence>();
      let dropped = 0;
      for (const b of ctx.layout.bundles) {
        if (b.kind === 'bundle') continue;
        const plist = ctx.plists.get(b.path);
        const exe = asString(plist?.CFBundleExecutable) ?? b.name;
        const file = `${b.path === '' ? '' : b.path + '/'}${exe}`;
        if (!ctx.view.has(file)) {
          if (b.kind === 'app') ev.warnings.push({ code: 'executable-missing', message: `the main executable ${exe} is not in the bundle`, entry: file });
          continue;
        }
        guardEntry(ev.warnings, file, () => {
          const bin = readBinary(ctx, ev, b, file, (host, sample) => {
            if (hosts.has(host)) return;
            if (hosts.size >= MAX_HOSTS) {
              dropped++;
              return;
            }
            hosts.set(host, { host, sample, provenance: { entry: file, collector: 'macho' } });
          });
          ios.binaries.push(bin);
          ev.code.binaries++;
          if (b.kind === 'app') ios.encrypted = bin.encrypted;
          else if (bin.encrypted) {
            ev.warnings.push({ code: 'fairplay-encrypted-framework', message: `${b.name} is FairPlay-encrypted: its classes and strings cannot be read; its name, Info.plist and load commands were`, entry: file });
          }
        });
      }
      for (const name of ev.code.defined.keys()) ev.code.referenced.delete(name);
      ev.domains = [...hosts.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
      if (dropped) ev.warnings.push({ code: 'too-many-hosts', message: `${dropped} further host names in code were not recorded (limit ${MAX_HOSTS})` });
      if (ios.encrypted) {
        ev.warnings.push({
          code: 'fairplay-encrypted',
          message:
            'the main executable is FairPlay-encrypted (an App Store download): its classes and strings cannot be read. Frameworks, plists, privacy manifests and load commands were still read; scan a decrypted copy to see the app’s own code',
          entry: ios.binaries.find((x) => x.role === 'main')?.path,
        });
      }
    },
  },
  {
    id: 'files',
    reads: 'the entry list',
    produces: 'every entry path',
    collect(ctx, ev) {
      ev.files = ctx.view.entries
        .filter((e) => !e.isDirectory)
        .map((e) => e.name)
        .sort();
    },
  },
];

export function readBinary(ctx: IosContext, ev: Evidence, b: NestedBundle, file: string, addHost: (host: string, sample: string) => void): IosBinaryEvidence {
  const m = parseMachO(ctx.view.read(file));
  const slices = preferredSlices(m);
  const s = slices[0];
  const role = b.kind === 'app' ? 'main' : b.kind === 'framework' ? 'framework' : 'extension';
  const bin: IosBinaryEvidence = {
    path: file,
    role,
    bundle: b.path,
    archs: [...new Set(m.slices.map((x) => x.arch))].sort(),
    fileType: s?.fileTypeName ?? m.kind,
    encrypted: false,
    linked: [],
    classCount: 0,
  };
  if (!s) {
    ev.warnings.push(...anomalyWarnings(file, m.anomalies));
    ev.warnings.push({ code: 'macho-no-image', message: 'no readable Mach-O image', entry: file });
    return bin;
  }
  // LC_VERSION_MIN_IPHONEOS says "iOS" for simulator builds too; their Intel arch gives them away
  if (s.platformName) bin.platform = s.platformName === 'ios' && (s.arch === 'i386' || s.arch === 'x86_64') ? 'iossimulator' : s.platformName;
  if (s.minOS) bin.minOS = s.minOS;
  if (s.uuid) bin.uuid = s.uuid;
  if (s.encryption) bin.cryptid = s.encryption.cryptid;
  bin.encrypted = s.encrypted;
  const linked = new Map<string, string>();
  for (const sl of slices) for (const d of sl.dylibs) if (!linked.has(d.name)) linked.set(d.name, d.kind);
  bin.linked = [...linked]
    .map(([name, kind]) => ({ name, kind, ...optional('framework', frameworkOfInstallName(name)), system: isSystemInstallName(name) }))
    .sort((x, y) => (x.name < y.name ? -1 : 1));

  // Classes defined in every image of the preferred arch (an archive has many objects), from
  // __objc_classlist. __objc_classname also names adopted protocols and categories
  // (UIApplicationDelegate, NSObject…), so it is used only when the class list gives nothing.
  const defined = new Set<string>();
  for (const sl of slices) {
    const list = sl.objcClassList();
    for (const n of list.length ? list : sl.objcClassNames()) defined.add(n);
  }
  for (const n of defined) if (!ev.code.defined.has(n)) ev.code.defined.set(n, file);
  bin.classCount = defined.size;
  const wanted = sieveOf(ctx.wantedStrings);
  for (const sl of slices) {
    for (const sym of sl.symbols(isImport)) {
      if (!sym.name.startsWith(OBJC_CLASS_SYMBOL)) continue;
      const n = sym.name.slice(OBJC_CLASS_SYMBOL.length);
      if (!ev.code.referenced.has(n)) ev.code.referenced.set(n, file);
    }
    if (!sl.encrypted) {
      // only the strings that can hold a host (a '.') or be a wanted string are decoded
      const table = sl.cStringTable();
      forEachDottedOrWanted(table, wanted, (i) => {
        const str = table.text(i);
        if (ctx.wantedStrings.has(str)) {
          const list = ev.stringHits.get(str);
          if (!list) ev.stringHits.set(str, [file]);
          else if (!list.includes(file)) list.push(file);
        }
        for (const h of hostsInString(str)) addHost(h.host, h.sample);
      });
    }
  }
  if (ctx.apis) recordApiUse(ctx.apis, slices, file, (ev.code.apiUse ??= []));
  if (role === 'main') {
    const sig = s.codeSignature();
    if (sig) {
      if (sig.teamId) bin.teamId = sig.teamId;
      if (sig.identifier) bin.signingIdentifier = sig.identifier;
      const ios = iosOf(ev);
      if (sig.teamId) ios.teamId = sig.teamId;
      if (sig.entitlementsXml) {
        try {
          const p = parsePlist(new TextEncoder().encode(sig.entitlementsXml));
          if (isDict(p.value)) ios.entitlements = flattenEntitlements(p.value);
        } catch (e) {
          ev.warnings.push(entryFailure(file, e));
        }
      }
    }
  }
  ev.warnings.push(...anomalyWarnings(file, m.anomalies));
  return bin;
}

/**
 * Sensitive API use of one binary: a class it imports (`_OBJC_CLASS_$_CLLocationManager`) together
 * with one of that class's selectors in its `__objc_methname`, an imported C symbol
 * (`_ABAddressBookCopyArrayOfAllPeople`, `_mach_absolute_time`), or a required-reason selector.
 * Attributed to the binary (its framework, or the app); one record per API per binary.
 */
function recordApiUse(q: ApiQuery, slices: ReturnType<typeof preferredSlices>, file: string, out: ApiUseEvidence[]): void {
  const imported = new Set<string>();
  const classes = new Set<string>();
  // the binary's selectors that the query asks about (all that the lookups below can find)
  const selectors = new Set<string>();
  const wanted = selectorSieve(q);
  for (const sl of slices) {
    for (const sym of sl.symbols(isImport)) {
      imported.add(sym.name);
      if (sym.name.startsWith(OBJC_CLASS_SYMBOL)) classes.add(sym.name.slice(OBJC_CLASS_SYMBOL.length));
    }
    if (!sl.encrypted) forEachWanted(sl.objcSelectorTable(), wanted, (sel) => selectors.add(sel));
  }
  const found = new Map<string, string>(); // api id → location
  for (const cls of classes) {
    const sels = q.iosSelectors.get(cls);
    if (!sels) continue;
    for (const [sel, id] of sels) if (selectors.has(sel) && !found.has(id)) found.set(id, `${OBJC_CLASS_SYMBOL}${cls} + ${sel}`);
  }
  for (const sym of imported) {
    const id = q.iosSymbols.get(sym);
    if (id !== undefined && !found.has(id)) found.set(id, `symbol ${sym}`);
  }
  for (const [sel, id] of q.iosBareSelectors) if (selectors.has(sel) && !found.has(id)) found.set(id, `selector ${sel}`);
  for (const [api, location] of [...found].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out.push({ api, caller: file, count: 1, provenance: { entry: file, location, collector: 'macho' } });
  }
}

/** an undefined external symbol: one the binary imports from another image */
function isImport(type: number): boolean {
  return (type & N_TYPE) === N_UNDF && (type & N_EXT) !== 0;
}

/** The selectors an ApiQuery looks up, as a sieve; one per query data (the same for every bundle). */
const selectorSieves = new WeakMap<ApiQuery['iosSelectors'], { bare: ApiQuery['iosBareSelectors']; sieve: StringSieve }>();

function selectorSieve(q: ApiQuery): StringSieve {
  const cached = selectorSieves.get(q.iosSelectors);
  if (cached && cached.bare === q.iosBareSelectors) return cached.sieve;
  const names = new Set<string>(q.iosBareSelectors.keys());
  for (const sels of q.iosSelectors.values()) for (const sel of sels.keys()) names.add(sel);
  const sieve = new StringSieve(names);
  selectorSieves.set(q.iosSelectors, { bare: q.iosBareSelectors, sieve });
  return sieve;
}

export function readPrivacyManifest(d: PlistDict, path: string, bundle: string): PrivacyManifestEvidence {
  const collected = (Array.isArray(d.NSPrivacyCollectedDataTypes) ? d.NSPrivacyCollectedDataTypes : []).filter(isDict).map((x) => ({
    type: asString(x.NSPrivacyCollectedDataType) ?? '',
    ...optional('linked', typeof x.NSPrivacyCollectedDataTypeLinked === 'boolean' ? x.NSPrivacyCollectedDataTypeLinked : undefined),
    ...optional('tracking', typeof x.NSPrivacyCollectedDataTypeTracking === 'boolean' ? x.NSPrivacyCollectedDataTypeTracking : undefined),
    purposes: asStringArray(x.NSPrivacyCollectedDataTypePurposes),
  }));
  const apis = (Array.isArray(d.NSPrivacyAccessedAPITypes) ? d.NSPrivacyAccessedAPITypes : []).filter(isDict).map((x) => ({
    type: asString(x.NSPrivacyAccessedAPIType) ?? '',
    reasons: asStringArray(x.NSPrivacyAccessedAPITypeReasons),
  }));
  return {
    path,
    bundle,
    ...optional('tracking', typeof d.NSPrivacyTracking === 'boolean' ? d.NSPrivacyTracking : undefined),
    trackingDomains: asStringArray(d.NSPrivacyTrackingDomains).map((x) => x.toLowerCase()),
    collectedDataTypes: collected,
    accessedApiTypes: apis,
  };
}

/** Runs every collector over an iOS app. Throws only when there is no app or its Info.plist is unreadable. */
export function collectIosEvidence(view: BundleView, wantedStrings: ReadonlySet<string> = new Set(), timing?: Record<string, number>, apis?: ApiQuery): Evidence {
  const layout = findApp(view.entries);
  if (!layout) throw new TrackscanError('NOT_A_BUNDLE', 'no Payload/<Name>.app/Info.plist: not an iOS app', { file: view.name });
  const ev = emptyIosEvidence(`${layout.root}Info.plist`);
  if (layout.otherApps.length) {
    ev.warnings.push({ code: 'several-apps', message: `the input holds ${layout.otherApps.length + 1} apps; only ${layout.root} was scanned` });
  }
  const ctx: IosContext = { view, layout, wantedStrings, plists: new Map(), ...(apis ? { apis } : {}) };
  if (apis) ev.code.apiUse = [];
  for (const c of IOS_COLLECTORS) {
    const started = performance.now();
    if (c.id === 'info-plist') c.collect(ctx, ev);
    else guardEntry(ev.warnings, c.id, () => c.collect(ctx, ev));
    if (timing) timing[`collect.${c.id}`] = Math.round((performance.now() - started) * 10) / 10;
  }
  // the archive's anomalies last: reading entries adds to them (encrypted flags, unknown methods, CRC)
  ev.warnings.unshift(...anomalyWarnings(undefined, view.anomalies));
  return ev;
}

export function emptyIosEvidence(infoPlist: string): Evidence {
  const ios: IosEvidence = {
    infoPlist,
    backgroundModes: [],
    ats: { exceptionDomains: [] },
    queriesSchemes: [],
    urlSchemes: [],
    skAdNetworks: [],
    plistKeys: [],
    entitlements: {},
    bundles: [],
    binaries: [],
    privacyManifests: [],
    encrypted: false,
  };
  return { ...baseEvidence('ios'), ios };
}

function iosOf(ev: Evidence): IosEvidence {
  if (!ev.ios) throw new Error('iOS collector run on non-iOS evidence');
  return ev.ios;
}

function isUsageKey(key: string): boolean {
  return /^NS[A-Za-z]+UsageDescription(Dictionary)?$/.test(key) || key === 'NFCReaderUsageDescription';
}

function flattenEntitlements(d: PlistDict): Record<string, string | boolean | string[]> {
  const out: Record<string, string | boolean | string[]> = {};
  for (const k of Object.keys(d).sort()) {
    const v = d[k];
    if (typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v)) out[k] = asStringArray(v);
    else if (isDict(v)) out[k] = Object.keys(v).sort();
  }
  return out;
}

/** Plist values as plain JSON (for dictionary-valued usage keys). */
function plainJson(v: PlistValue): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.map(plainJson);
  if (isDict(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, plainJson(v[k])]));
  return v;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

