/**
 * View model for the human-readable documents (HTML and Markdown): the Report arranged the way a
 * journalist reads it — who made the app, what it can reach, who receives data, how sure we are
 * and why, what we could not see. Templates only lay this out; every sentence is decided here, so
 * the HTML page and the Markdown summary say the same thing.
 *
 * Strings copied from the bundle (app name, class names, purpose texts, hosts) are
 * attacker-controlled; the view model keeps them as plain text and the renderers escape them.
 */
import type { CapabilityEvidence, CapabilityFinding } from '../analysis/capabilities.js';
import type { TrackerFinding } from '../analysis/trackers.js';
import type { Provenance } from '../evidence/types.js';

import type { Report } from './model.js';
import { describeEvidence, evidenceLabel } from './text.js';

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
}

export interface PrivacyView {
  manifests: string[];
  declaresTracking: boolean;
  declaredDomains: string[];
  detectedDomains: string[];
  checks: { kind: string; message: string }[];
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

  const privacy = report.ios
    ? {
        manifests: report.ios.privacyManifests.map((m) => m.path),
        declaresTracking: report.ios.declaredVsDetected.declaresTracking,
        declaredDomains: report.ios.declaredVsDetected.declaredTrackingDomains,
        detectedDomains: report.ios.declaredVsDetected.detectedTrackingDomains,
        checks: report.ios.declaredVsDetected.checks.map((c) => ({ kind: c.kind, message: c.message })),
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
    access: sensitive.map(accessCard),
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
    })),
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

function accessCard(c: CapabilityFinding): AccessCard {
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    sensitivity: c.sensitivity,
    basis: [...new Set(c.evidence.map(evidenceLabel))],
    evidence: c.evidence.map(capabilityEvidence),
    quotes: c.evidence.flatMap((e) => (e.kind === 'usage-key' && e.purpose ? [{ key: e.key, text: e.purpose }] : [])),
  };
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

function trackerView(t: TrackerFinding): TrackerView {
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
