/**
 * View model for the human-readable documents (HTML and Markdown): the Report arranged the way a
 * journalist reads it — who made the app, what it can reach, who receives data, how sure we are
 * and why, what we could not see. Templates only lay this out; every sentence is decided here, so
 * the HTML page and the Markdown summary say the same thing.
 *
 * Strings copied from the bundle (app name, class names, purpose texts, hosts) are
 * attacker-controlled; the view model keeps them as plain text and the renderers escape them.
 */
import type { CapabilityUse } from '../analysis/attribution.js';
import type { CapabilityEvidence } from '../analysis/capabilities.js';
import type { EmbeddedCodeFinding, ObfuscationReport } from '../analysis/obfuscation.js';
import type { StatusEvidence, TrackerState, TrackerStatus } from '../analysis/status.js';
import type { TrackerFinding } from '../analysis/trackers.js';
import type { Provenance } from '../evidence/types.js';

import type { Report, ReportCapability, ReportPermission, ReportTracker } from './model.js';
import { describeEvidence, evidenceLabel } from './text.js';
import { describeUse, EFFECTS, requiredReasonMessage, STATE_LABEL } from './text-attribution.js';

import { NON_TRACKING_CATEGORIES } from '../signatures/types.js';
import { CATEGORY_TITLES, categoryTitle } from './categories.js';

export { CATEGORY_TITLES, categoryTitle };

/** Categories that do not make an SDK a tracker. */
export const NON_TRACKING: ReadonlySet<string> = NON_TRACKING_CATEGORIES;

/** A finding is a tracker when one of its categories is a tracking one. */
export function isTracker(t: { categories: readonly string[] }): boolean {
  return t.categories.some((c) => !NON_TRACKING.has(c));
}

/** Display order: the titled categories first, then any other, alphabetically. */
function categoryRank(c: string): number {
  const i = Object.keys(CATEGORY_TITLES).indexOf(c);
  return i < 0 ? 1000 : i;
}

export interface Fact {
  label: string;
  value: string;
  /** a hash, a package name: shown in a monospace font */
  mono?: boolean;
}

export interface EvidenceView {
  /** one sentence: what was found */
  text: string;
  /** where: `classes2.dex: com.facebook.FacebookSdk`, `AndroidManifest.xml: manifest/application/…` */
  where: string[];
}

export interface AccessCard {
  id: string;
  title: string;
  description: string;
  sensitivity: 'high' | 'medium' | 'low';
  /** short list of what it comes from: `READ_CONTACTS`, `NSContactsUsageDescription`, `bluetooth-scan + location-precise` */
  basis: string[];
  evidence: EvidenceView[];
  /** iOS: the purpose texts the user is shown when asked, verbatim */
  quotes: { key: string; text: string }[];
  /** who uses it in code (SDKs first, then the app's own code); absent when no code was found using it or the code was not walked */
  usedBy?: UseView[];
  /** one quotable sentence: which SDKs, not the app, use it (or the app's own code), or that no code was found using it */
  usedBySummary?: string;
}

/** One user of a capability in code: an SDK or the app's own code. */
export interface UseView {
  /** SDK id, or `app` for code no signature claims */
  by: string;
  app: boolean;
  /** `the app’s own code`, or the SDK's name */
  who: string;
  /** the SDK's company, when it is a finding of the report */
  vendor?: string;
  /** the SDK's status, when it is a finding of the report */
  status?: { state: TrackerState; label: string };
  /** what the code does: `scans for Bluetooth LE devices and beacons` */
  actions: string[];
  /** the APIs called: `android.bluetooth.le.BluetoothLeScanner.startScan`, `CLLocationManager.startUpdatingLocation` */
  apis: string[];
  /** where, quotable: `classes.dex: com.phunware.azul.AzulBeaconScanner.start` (class and method; iOS: binary and selector) */
  sites: string[];
  /** callers beyond those listed */
  more: number;
  /** the text report's line: `Phunware Location SDK: scans for … (in com.phunware.azul.AzulBeaconScanner)` */
  sentence: string;
}

/** Whether a tracker is switched on, and why we think so. */
export interface StatusView {
  state: TrackerState;
  /** `active`, `disabled by configuration`, `present but never referenced`, `status unknown` */
  label: string;
  /** why, in plain language */
  reason: string;
  /** parts a partial switch turns off while the SDK stays on: `advertising ID` */
  switchedOff: string[];
  /** what the status rests on: switches, auto-start components, who refers to it */
  evidence: EvidenceView[];
}

/** How much of the code is renamed, and packers that hide it (Android). */
export interface ObfuscationView {
  level: ObfuscationReport['level'];
  /** `no renaming found`, `some code renamed`, `heavily renamed`, `code hidden` */
  label: string;
  /** the measure, one sentence */
  measure: string;
  /** set when code is hidden or heavily renamed: "no trackers found" does not mean none */
  note?: string;
  packers: { name: string; vendor: string; kind: 'packer' | 'protector'; found: string[]; source: string }[];
  /** packages with the most renamed classes */
  packages: { name: string; classes: number; shortNamed: number }[];
  /** entries holding DEX code Android does not load by itself; empty when none */
  embedded: EmbeddedCodeView[];
}

/** An entry holding hidden DEX code (a plugin APK, a JAR, a raw DEX under another name). */
export interface EmbeddedCodeView {
  /** the entry, from the bundle: `assets/plugin.apk`, `assets/a.zip!b.apk` */
  entry: string;
  format: 'dex' | 'zip';
  /** `DEX file` or `archive` */
  kind: string;
  /** the DEX files read, as evidence names them (`assets/plugin.apk!classes.dex`) */
  dexFiles: string[];
  classes: number;
  /** `a DEX file, 3 classes` / `an archive with 2 DEX files, 1,024 classes` */
  summary: string;
}

export interface TrackerView {
  id: string;
  name: string;
  version?: string;
  vendor: string;
  parent?: string;
  /** ISO country code and its English name */
  country?: { code: string; name: string };
  categories: string[];
  description: string;
  confidence: 'high' | 'medium' | 'low';
  confidenceText: string;
  firstParty: boolean;
  /** whether it is switched on; absent when the analysis gave none */
  status?: StatusView;
  evidence: EvidenceView[];
  sources: string[];
}

export interface TrackerGroup {
  category: string;
  title: string;
  trackers: TrackerView[];
}

export interface PermissionView {
  name: string;
  /** `READ_CONTACTS` for android.permission.READ_CONTACTS */
  short: string;
  protectionLevel?: string;
  meaning?: string;
  capabilities: string[];
  maxSdkVersion?: number;
  purpose?: string;
  where: string;
  /** set when some API of our data needs this permission and the code was walked: whether code uses it */
  exercised?: boolean;
  /** who exercises it: SDK names, `the app’s own code` */
  exercisedBy?: string[];
}

export interface PrivacyView {
  manifests: string[];
  declaresTracking: boolean;
  declaredDomains: string[];
  detectedDomains: string[];
  checks: { kind: string; message: string }[];
  /** required-reason APIs a binary uses without a declared reason */
  requiredReasons: string[];
  collected: { manifest: string; type: string; linked?: boolean; tracking?: boolean; purposes: string[] }[];
}

export interface ViewModel {
  title: string;
  subtitle: string;
  platform: 'Android' | 'iOS';
  /** one paragraph: the headline numbers */
  summary: string;
  identity: Fact[];
  signers: { subject: string; issuer: string; sha256: string; schemes: string; validity: string }[];
  /** notices that change how the report must be read (FairPlay encryption, unsigned) */
  notices: string[];
  access: AccessCard[];
  /** low-sensitivity capabilities, by title */
  alsoAccess: string[];
  trackerGroups: TrackerGroup[];
  trackerCount: number;
  companies: string[];
  weakHints: TrackerView[];
  consent: TrackerView[];
  /** SDKs that are not trackers (category `library`): what else is inside */
  libraries: TrackerView[];
  chart: { category: string; title: string; count: number }[];
  permissions: PermissionView[];
  /** requested permissions no code exercises (short names) */
  unexercised: string[];
  /** Android: renamed code and packers */
  obfuscation?: ObfuscationView;
  privacy?: PrivacyView;
  domains: { host: string; trackers: string[]; where: string }[];
  details: Fact[];
  warnings: { code: string; message: string; entry?: string }[];
  limits: string[];
  footer: string;
}

export function buildViewModel(report: Report): ViewModel {
  const a = report.app;
  const platform = report.platform === 'ios' ? 'iOS' : 'Android';
  const byId: TrackerIndex = new Map(report.trackers.map((t) => [t.id, t]));
  const trackerView = (t: ReportTracker) => toTrackerView(t, byId);
  const strong = report.trackers.filter((t) => isTracker(t) && t.confidence !== 'low');
  // a tracker is listed once, under its first tracking category
  const primary = (t: TrackerFinding) => t.categories.find((c) => !NON_TRACKING.has(c)) ?? t.categories[0];
  const groupCats = [...new Set(strong.map(primary))].sort((x, y) => categoryRank(x) - categoryRank(y) || (x < y ? -1 : 1));
  const trackerGroups: TrackerGroup[] = groupCats.map((category) => ({ category, title: categoryTitle(category), trackers: strong.filter((t) => primary(t) === category).map(trackerView) }));
  const chartCats = [...new Set(strong.flatMap((t) => t.categories.filter((c) => !NON_TRACKING.has(c))))];
  const chart = chartCats
    .map((category) => ({ category, title: categoryTitle(category), count: strong.filter((t) => t.categories.includes(category)).length }))
    .sort((x, y) => y.count - x.count || categoryRank(x.category) - categoryRank(y.category) || (x.category < y.category ? -1 : 1));
  const companies = [...new Set(strong.map((t) => t.parent ?? t.vendor))].sort();
  const sensitive = report.capabilities.filter((c) => c.sensitivity !== 'low');

  const version = [a.versionName ? `version ${a.versionName}` : '', a.versionCode !== undefined ? `code ${a.versionCode}` : '', a.build ? `build ${a.build}` : ''].filter(Boolean);
  const identity: Fact[] = [
    { label: 'App', value: a.name ?? a.id },
    { label: platform === 'iOS' ? 'Bundle ID' : 'Package', value: a.id, mono: true },
  ];
  if (version.length) identity.push({ label: 'Version', value: version.join(', ') });
  if (a.minSdk !== undefined || a.targetSdk !== undefined) {
    identity.push({ label: 'Android', value: [a.minSdk !== undefined ? `min SDK ${a.minSdk}` : '', a.targetSdk !== undefined ? `target SDK ${a.targetSdk}` : ''].filter(Boolean).join(', ') });
  }
  if (a.minOS) identity.push({ label: 'iOS', value: `minimum iOS ${a.minOS}` });
  identity.push({ label: 'File', value: `${report.input.path} (${formatBytes(report.input.size)})`, mono: true });
  identity.push({ label: 'SHA-256', value: report.input.sha256, mono: true });
  if (report.ios?.teamId) identity.push({ label: 'Apple team', value: report.ios.teamId, mono: true });

  const notices: string[] = [];
  if (report.ios?.encrypted) {
    notices.push('The main executable is FairPlay-encrypted (an App Store download): its own classes and strings could not be read. Frameworks, plists and privacy manifests were. Scan a decrypted copy to see the rest.');
  }
  if (report.signing && report.signing.certificates.length === 0) notices.push('The bundle is not signed: it cannot be installed as it is, and its origin cannot be checked.');
  if (report.obfuscation?.note) notices.push(`Hidden code: ${report.obfuscation.note}`);

  const privacy = report.ios
    ? {
        manifests: report.ios.privacyManifests.map((m) => m.path),
        declaresTracking: report.ios.declaredVsDetected.declaresTracking,
        declaredDomains: report.ios.declaredVsDetected.declaredTrackingDomains,
        detectedDomains: report.ios.declaredVsDetected.detectedTrackingDomains,
        checks: report.ios.declaredVsDetected.checks.map((c) => ({ kind: c.kind, message: c.message })),
        requiredReasons: (report.ios.requiredReasonApis ?? []).filter((c) => !c.ok).map(requiredReasonMessage),
        collected: report.ios.privacyManifests.flatMap((m) =>
          m.collectedDataTypes.map((d) => ({
            manifest: m.path,
            type: d.type.replace(/^NSPrivacyCollectedDataType/, ''),
            ...(d.linked !== undefined ? { linked: d.linked } : {}),
            ...(d.tracking !== undefined ? { tracking: d.tracking } : {}),
            purposes: d.purposes.map((p) => p.replace(/^NSPrivacyCollectedDataTypePurpose/, '')),
          })),
        ),
      }
    : undefined;

  const trackerName = new Map(report.trackers.map((t) => [t.id, t.name]));
  const domains = [...report.domains]
    .sort((x, y) => Number(y.trackers.length > 0) - Number(x.trackers.length > 0))
    .map((d) => ({ host: d.host, trackers: d.trackers.map((id) => trackerName.get(id) ?? id), where: where(d.provenance) }));

  return {
    title: a.name ?? a.id,
    subtitle: [a.name ? a.id : '', ...version, `${platform} app`].filter(Boolean).join(' · '),
    platform,
    summary: summary(strong.length, companies.length, sensitive.length, report),
    identity,
    signers: (report.signing?.certificates ?? []).map((c) => ({
      subject: c.subject || '(unreadable certificate)',
      issuer: c.issuer,
      sha256: c.sha256,
      schemes: c.schemes.join(', '),
      validity: `${c.validFrom.slice(0, 10)} to ${c.validTo.slice(0, 10)}`,
    })),
    notices,
    access: sensitive.map((c) => accessCard(c, byId, report.permissions)),
    alsoAccess: report.capabilities.filter((c) => c.sensitivity === 'low').map((c) => c.title),
    trackerGroups,
    trackerCount: strong.length,
    companies,
    weakHints: report.trackers.filter((t) => isTracker(t) && t.confidence === 'low').map(trackerView),
    consent: report.trackers.filter((t) => !isTracker(t) && t.categories.includes('consent')).map(trackerView),
    libraries: report.trackers.filter((t) => !isTracker(t) && !t.categories.includes('consent')).map(trackerView),
    chart,
    permissions: report.permissions.map((p) => ({
      name: p.name,
      short: p.name.replace(/^android\.permission\./, ''),
      ...(p.protectionLevel ? { protectionLevel: p.protectionLevel } : {}),
      ...(p.meaning ? { meaning: p.meaning } : {}),
      capabilities: p.capabilities,
      ...(p.maxSdkVersion !== undefined ? { maxSdkVersion: p.maxSdkVersion } : {}),
      ...(p.purpose !== undefined ? { purpose: p.purpose } : {}),
      where: where(p.provenance),
      ...(p.exercised !== undefined ? { exercised: p.exercised } : {}),
      ...(p.exercisedBy?.length ? { exercisedBy: p.exercisedBy.map(whoUses) } : {}),
    })),
    unexercised: report.permissions.filter((p) => p.exercised === false).map((p) => p.name.replace(/^android\.permission\./, '')),
    ...(report.obfuscation ? { obfuscation: obfuscationView(report.obfuscation) } : {}),
    ...(privacy ? { privacy } : {}),
    domains,
    details: details(report),
    warnings: report.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.entry ? { entry: w.entry } : {}) })),
    limits: [...LIMITS],
    footer: `trackscan ${report.tool.version} · signature database ${report.signatures.version} (${report.signatures.sdks} SDKs, SHA-256 ${report.signatures.sha256.slice(0, 12)}…) · report schema ${report.schemaVersion}`,
  };
}

export const LIMITS: readonly string[] = [
  'This is static analysis: the app was read, not run. Code that is present may never run, and a permission that is requested may never be used.',
  'What is not in the bundle is not seen: code downloaded at run time, server-side tracking, and the pages shown in web views.',
  'Obfuscation can rename an SDK’s classes; manifest entries, files and host names often survive it, and the confidence level says what was found.',
  'A host name in the code shows the app can contact that host, not that it does.',
  'An SDK missing from the signature database is not reported; “no known trackers” is not “no trackers”.',
];

function summary(trackers: number, companies: number, sensitive: number, report: Report): string {
  const t = trackers ? `${plural(trackers, 'tracking SDK')} from ${plural(companies, 'company', 'companies')}` : 'no known tracking SDKs';
  const c = sensitive ? `can access ${plural(sensitive, 'kind')} of sensitive data or device features` : 'asks for no sensitive permissions';
  const hosts = report.domains.filter((d) => d.trackers.length).length;
  return `This app contains ${t} and ${c}.${hosts ? ` Its code names ${plural(hosts, 'host')} belonging to trackers.` : ''}`;
}

type TrackerIndex = ReadonlyMap<string, ReportTracker>;

function accessCard(c: ReportCapability, byId: TrackerIndex, permissions: readonly ReportPermission[]): AccessCard {
  const users = c.usedBy?.length ? c.usedBy.map((u) => useView(u, byId)) : undefined;
  // no user, and every permission behind it is one the walk could check and found unused
  const behind = c.evidence.map((e) => (e.kind === 'permission' ? permissions.find((p) => p.name === e.permission) : undefined));
  const unused = !users && behind.length > 0 && behind.every((p) => p?.exercised === false);
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    sensitivity: c.sensitivity,
    basis: [...new Set(c.evidence.map(evidenceLabel))],
    evidence: c.evidence.map(capabilityEvidence),
    quotes: c.evidence.flatMap((e) => (e.kind === 'usage-key' && e.purpose ? [{ key: e.key, text: e.purpose }] : [])),
    ...(users ? { usedBy: users, usedBySummary: usedBySummary(users) } : unused ? { usedBySummary: 'No code in the app was found using it: the permissions it rests on are never exercised.' } : {}),
  };
}

/** `the app’s own code` or the SDK's name, as the text report says it. */
export function whoUses(u: CapabilityUse): string {
  return u.by === 'app' ? 'the app’s own code' : u.name;
}

/** A user of a capability, with the call sites a journalist can quote. */
export function useView(u: CapabilityUse, byId: TrackerIndex = new Map()): UseView {
  const t = u.by === 'app' ? undefined : byId.get(u.by);
  return {
    by: u.by,
    app: u.by === 'app',
    who: whoUses(u),
    ...(t ? { vendor: t.parent ?? t.vendor } : {}),
    ...(t?.status ? { status: { state: t.status.state, label: STATE_LABEL[t.status.state] } } : {}),
    actions: u.actions,
    apis: u.apis.map((a) => a.replace(/^ios:/, '')),
    sites: u.locations.map(where),
    more: Math.max(0, u.callerCount - u.locations.length),
    sentence: describeUse(u),
  };
}

/** Who uses a capability, in one sentence: the SDKs by name and whether the app's own code does. */
export function usedBySummary(users: readonly { app: boolean; who: string }[]): string {
  const sdks = users.filter((u) => !u.app).map((u) => u.who);
  const app = users.some((u) => u.app);
  if (!sdks.length) return 'Used by the app’s own code.';
  const names = joinAnd(sdks);
  if (app) return `Used by the app’s own code and by ${sdks.length === 1 ? 'a third-party SDK' : 'third-party SDKs'}: ${names}.`;
  return `Used in code by ${sdks.length === 1 ? 'a third-party SDK' : 'third-party SDKs'}, ${names}, not by the app’s own code.`;
}

/** A tracker's status as the reports say it: the text report's label, the analysis's reason, the partial switches. */
export function statusView(s: TrackerStatus, byId: TrackerIndex = new Map()): StatusView {
  const partial = s.evidence.filter((e) => (e.kind === 'switch' && e.scope === 'part') || e.kind === 'permission-absent');
  const switchedOff = [...new Set(partial.map((e) => (e.kind === 'switch' || e.kind === 'permission-absent' ? (EFFECTS[e.effect] ?? e.effect) : '')))];
  return { state: s.state, label: STATE_LABEL[s.state], reason: s.summary, switchedOff, evidence: s.evidence.map((e) => statusEvidence(e, byId)) };
}

function statusEvidence(e: StatusEvidence, byId: TrackerIndex): EvidenceView {
  switch (e.kind) {
    case 'switch':
      return { text: `${e.key} = ${e.value}${e.scope === 'part' ? ` (turns off ${EFFECTS[e.effect] ?? e.effect} only)` : ''}: ${e.description}`, where: [where(e.provenance)] };
    case 'permission-absent':
      return { text: `${e.permission} is not requested (turns off ${EFFECTS[e.effect] ?? e.effect}): ${e.description}`, where: [] };
    case 'auto-start':
      return { text: `starts by itself through ${e.component}: ${e.description}`, where: [where(e.provenance)] };
    case 'entry-point':
      return { text: `declares the ${e.componentKind} ${e.component}, which the system can start`, where: [where(e.provenance)] };
    case 'referenced-by': {
      const from = e.from === 'app' ? 'the app’s own code' : e.from === 'other' ? 'code outside the app’s package that no signature claims' : (byId.get(e.from)?.name ?? e.from);
      return { text: `${from} refers to it: ${e.fromClass} → ${e.toClass} (${plural(e.count, 'reference')})`, where: [where(e.provenance)] };
    }
    case 'linked-by':
      return { text: `${e.binary} links it`, where: [where(e.provenance)] };
    case 'no-references':
      return { text: e.detail, where: [] };
  }
}

const OBFUSCATION_LABEL: Record<ObfuscationReport['level'], string> = {
  none: 'no renaming found',
  some: 'some code renamed',
  heavy: 'heavily renamed',
  hidden: 'code hidden',
};

export function obfuscationView(o: ObfuscationReport): ObfuscationView {
  const pct = Math.round(o.shortNamedShare * 100);
  const measure = o.classes
    ? `${o.shortNamedClasses} of ${plural(o.classes, 'class', 'classes')} (${pct} %) have renamed one- or two-character names; ${o.classesInRenamedPackages} are in renamed packages.`
    : 'The app holds no readable classes.';
  return {
    level: o.level,
    label: OBFUSCATION_LABEL[o.level],
    measure: `${o.packers.length ? `${plural(o.packers.length, 'packer or protector', 'packers or protectors')} found. ` : 'No packer or protector found. '}${measure}`,
    ...(o.note ? { note: o.note.charAt(0).toUpperCase() + o.note.slice(1) } : {}),
    packers: o.packers.map((p) => ({ name: p.name, vendor: p.vendor, kind: p.kind, found: p.found, source: p.source })),
    packages: o.packages,
    embedded: (o.embeddedCode ?? []).map(embeddedCodeView),
  };
}

export function embeddedCodeView(x: EmbeddedCodeFinding): EmbeddedCodeView {
  const classes = `${x.classes.toLocaleString('en-US')} ${x.classes === 1 ? 'class' : 'classes'}`;
  return {
    entry: x.entry,
    format: x.format,
    kind: x.format === 'dex' ? 'DEX file' : 'archive',
    dexFiles: x.dexFiles,
    classes: x.classes,
    summary: x.format === 'dex' ? `a DEX file, ${classes}` : `an archive with ${plural(x.dexFiles.length, 'DEX file')}, ${classes}`,
  };
}

/** iOS: a required-reason API category a binary uses without a declared reason (worded in text-attribution.ts, with the text report's other shared sentences). */
export { requiredReasonMessage };

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}


function capabilityEvidence(e: CapabilityEvidence): EvidenceView {
  const at = 'provenance' in e ? [where(e.provenance)] : [];
  switch (e.kind) {
    case 'permission':
      return { text: `requests ${e.permission}${e.maxSdkVersion !== undefined ? ` (up to API ${e.maxSdkVersion})` : ''} (${e.protectionLevel}): ${e.meaning}`, where: at };
    case 'usage-key':
      return { text: `declares ${e.key}: ${e.meaning}`, where: at };
    case 'background-mode':
      return { text: `background mode ${e.mode}: ${e.meaning}`, where: at };
    case 'entitlement':
      return { text: `entitlement ${e.key}: ${e.meaning}`, where: at };
    case 'linked-framework':
      return { text: `${e.binary} links the ${e.framework} framework`, where: at };
    case 'derived':
      return { text: `from ${e.from.join(' + ')}: ${e.explanation}`, where: [] };
    case 'manifest':
      return { text: e.detail, where: at };
  }
}

function toTrackerView(t: ReportTracker, byId: TrackerIndex): TrackerView {
  return {
    id: t.id,
    name: t.name,
    ...(t.version ? { version: t.version } : {}),
    vendor: t.vendor,
    ...(t.parent ? { parent: t.parent } : {}),
    ...(t.country ? { country: { code: t.country, name: countryName(t.country) } } : {}),
    categories: t.categories.map(categoryTitle),
    description: t.description,
    confidence: t.confidence,
    confidenceText: CONFIDENCE_TEXT[t.confidence],
    firstParty: t.firstParty,
    ...(t.status ? { status: statusView(t.status, byId) } : {}),
    evidence: t.evidence.map((e) => ({ text: describeEvidence(e), where: e.locations.map(where) })),
    sources: t.sources,
  };
}

const CONFIDENCE_TEXT = {
  high: 'the SDK’s code is in the app, or two independent kinds of evidence agree',
  medium: 'one kind of evidence (a manifest entry, a file or a framework name)',
  low: 'the code only refers to the SDK; it is not in the bundle',
} as const;

function details(report: Report): Fact[] {
  const out: Fact[] = [];
  const unit = report.platform === 'android' ? 'DEX file' : 'Mach-O binary';
  out.push({ label: 'Code', value: `${report.code.classesDefined} classes in ${plural(report.code.binaries, unit, unit === 'DEX file' ? 'DEX files' : 'Mach-O binaries')}` });
  const android = report.android;
  if (android) {
    const exported = android.components.filter((c) => c.effectivelyExported).length;
    out.push({ label: 'Components', value: `${android.components.length} (${exported} exported)` });
    if (android.customPermissions.length) out.push({ label: 'Own permissions', value: android.customPermissions.map((p) => p.name).join(', '), mono: true });
    const f = android.flags;
    const risky = [f.debuggable ? 'debuggable' : '', f.allowBackup !== false ? 'allowBackup' : '', f.usesCleartextTraffic ? 'usesCleartextTraffic' : ''].filter(Boolean);
    if (risky.length) out.push({ label: 'Manifest flags', value: risky.join(', '), mono: true });
    const q = android.queries;
    if (q.packages.length) out.push({ label: 'Other apps it can see', value: q.packages.join(', '), mono: true });
    if (android.nativeLibraries.length) out.push({ label: 'Native libraries', value: android.nativeLibraries.map((l) => l.name).join(', '), mono: true });
  }
  const ios = report.ios;
  if (ios) {
    const fws = ios.bundles.filter((b) => b.kind === 'framework').length;
    const exts = ios.bundles.filter((b) => b.kind === 'extension').length;
    out.push({ label: 'Bundles', value: `${plural(fws, 'framework')}, ${plural(exts, 'extension')}` });
    if (ios.backgroundModes.length) out.push({ label: 'Background modes', value: ios.backgroundModes.join(', '), mono: true });
    if (ios.skAdNetworks.length) out.push({ label: 'SKAdNetwork', value: `registers with ${plural(ios.skAdNetworks.length, 'ad network')} for install attribution` });
    if (ios.queriesSchemes.length) out.push({ label: 'Other apps it can see', value: ios.queriesSchemes.join(', '), mono: true });
    if (ios.ats.allowsArbitraryLoads) out.push({ label: 'Network', value: 'App Transport Security disabled (NSAllowsArbitraryLoads): unencrypted connections allowed' });
    const ents = Object.keys(ios.entitlements);
    if (ents.length) out.push({ label: 'Entitlements', value: ents.join(', '), mono: true });
  }
  out.push({ label: 'Host names', value: `${report.domains.length} in code, ${report.domains.filter((d) => d.trackers.length).length} belonging to trackers` });
  return out;
}

/** `entry: location` — the place a journalist can point to. */
export function where(p: Provenance): string {
  return p.location ? `${p.entry}: ${p.location}` : p.entry;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

let regionNames: Intl.DisplayNames | undefined;
function countryName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * Makes invisible and direction-changing characters visible (`\u{202E}`): a hostile app name or
 * purpose text must not reorder or hide what the reader sees. Both renderers apply it to every
 * string from the report before escaping.
 */
export function visible(s: string): string {
  // C0 controls other than tab and newline, DEL and C1, bidirectional overrides and isolates,
  // the zero-width space, word joiner and invisible operators, the BOM (ZWJ and ZWNJ stay: emoji
  // and Persian need them), and lone surrogates
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u202a-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u{${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}}`);
}
