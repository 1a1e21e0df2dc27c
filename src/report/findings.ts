/**
 * Findings: the Report flattened into a list of things a reviewer acts on — a tracker, a
 * capability, a privacy-manifest discrepancy, a risky configuration flag. SARIF (one rule per
 * kind) and the policy gate read this list, so both agree on what a finding is.
 *
 * Finding kinds are a closed union with an exhaustive documentation table (STYLE.md §11): a new
 * kind without a title, description and help text does not compile.
 */
import { NON_TRACKING_CATEGORIES } from '../signatures/types.js';
import type { Provenance } from '../evidence/types.js';
import type { PrivacyCheckKind } from '../analysis/privacy.js';
import type { Report } from './model.js';

export type FindingKind =
  | 'tracker'
  | 'tracker-weak-hint'
  | 'consent-platform'
  | 'library'
  | 'capability'
  | PrivacyCheckKind
  | 'debuggable'
  | 'allow-backup'
  | 'cleartext-traffic'
  | 'ats-arbitrary-loads';

export type FindingLevel = 'error' | 'warning' | 'note';

export interface FindingKindDoc {
  /** SARIF rule id: stable, hierarchical */
  ruleId: string;
  /** SARIF rule name: PascalCase */
  name: string;
  title: string;
  description: string;
  /** what to do about it; plain text */
  help: string;
  /** the default level; some findings choose their own (a capability's sensitivity) */
  level: FindingLevel;
  tags: string[];
}

export const FINDING_KINDS: Readonly<Record<FindingKind, FindingKindDoc>> = {
  tracker: {
    ruleId: 'tracker',
    name: 'TrackerSdk',
    title: 'Tracking SDK in the bundle',
    description: 'The bundle contains a third-party SDK from the signature database that collects data about the user or the device (advertising, attribution, analytics, location, profiling and similar).',
    help: 'Check whether the SDK is needed and what it is configured to collect; declare it in the store privacy labels and privacy policy. The evidence lists the classes, manifest entries or files that identify it. Presence is not use: the code may be dead or disabled by configuration.',
    level: 'warning',
    tags: ['privacy', 'tracker'],
  },
  'tracker-weak-hint': {
    ruleId: 'tracker/weak-hint',
    name: 'TrackerWeakHint',
    title: 'Code refers to a tracking SDK it does not contain',
    description: 'The app code references types of a known SDK, but the SDK itself is not in the bundle (low confidence): it may be loaded at run time, stripped, or referenced by a wrapper library.',
    help: 'Usually harmless; check whether the SDK is loaded dynamically or shipped in another split.',
    level: 'note',
    tags: ['privacy', 'tracker'],
  },
  'consent-platform': {
    ruleId: 'tracker/consent',
    name: 'ConsentManagementPlatform',
    title: 'Consent management platform',
    description: 'The bundle contains a consent management SDK. It is not a tracker, but shows the app expects to ask for consent to tracking.',
    help: 'No action needed; listed so that reviewers see that consent is asked.',
    level: 'note',
    tags: ['privacy', 'consent'],
  },
  library: {
    ruleId: 'tracker/library',
    name: 'NonTrackingLibrary',
    title: 'Known non-tracking library',
    description: 'The bundle contains a library from the signature database that is not a tracker (listed so that reviewers see what else is inside).',
    help: 'No action needed.',
    level: 'note',
    tags: ['inventory'],
  },
  capability: {
    ruleId: 'capability',
    name: 'SensitiveCapability',
    title: 'The app can access sensitive data or device features',
    description: 'A capability (contacts, location, Bluetooth, identifiers, …) derived from the permissions, usage-description keys, background modes or entitlements the app declares.',
    help: 'Check that the capability is needed for a feature the user sees, and that the store privacy labels declare the data. A requested permission may never be used.',
    level: 'warning',
    tags: ['privacy', 'capability'],
  },
  'app-without-manifest': {
    ruleId: 'privacy/app-without-manifest',
    name: 'AppWithoutPrivacyManifest',
    title: 'Tracking SDKs but no privacy manifest',
    description: 'The iOS app contains tracking SDKs but ships no PrivacyInfo.xcprivacy of its own.',
    help: 'Add a privacy manifest to the app that declares tracking (NSPrivacyTracking) and the tracking domains, as Apple requires.',
    level: 'warning',
    tags: ['privacy', 'ios', 'privacy-manifest'],
  },
  'app-declares-no-tracking': {
    ruleId: 'privacy/app-declares-no-tracking',
    name: 'AppDeclaresNoTracking',
    title: 'Privacy manifest declares no tracking, but tracking SDKs are present',
    description: "The app's privacy manifest sets NSPrivacyTracking to false (or leaves it out) although the bundle contains SDKs whose purpose is tracking.",
    help: 'Set NSPrivacyTracking to true and list the tracking domains, or remove the tracking SDKs.',
    level: 'warning',
    tags: ['privacy', 'ios', 'privacy-manifest'],
  },
  'tracking-sdk-without-manifest': {
    ruleId: 'privacy/tracking-sdk-without-manifest',
    name: 'TrackingSdkWithoutPrivacyManifest',
    title: 'Tracking SDK ships no privacy manifest',
    description: 'A tracking SDK in the bundle has no PrivacyInfo.xcprivacy of its own; SDK releases since spring 2024 include one.',
    help: 'Update the SDK to a release that ships a privacy manifest.',
    level: 'warning',
    tags: ['privacy', 'ios', 'privacy-manifest'],
  },
  'tracking-sdk-declares-no-tracking': {
    ruleId: 'privacy/tracking-sdk-declares-no-tracking',
    name: 'TrackingSdkDeclaresNoTracking',
    title: "A tracking SDK's privacy manifest declares no tracking",
    description: 'An SDK of a tracking category ships a privacy manifest that does not declare tracking.',
    help: "Check the SDK's configuration and documentation; the app's own manifest must declare the tracking either way.",
    level: 'warning',
    tags: ['privacy', 'ios', 'privacy-manifest'],
  },
  'undeclared-tracking-domain': {
    ruleId: 'privacy/undeclared-tracking-domain',
    name: 'UndeclaredTrackingDomain',
    title: 'Tracking domain not declared in any privacy manifest',
    description: "A host name of a tracking SDK is in the code but in no privacy manifest's NSPrivacyTrackingDomains; iOS blocks undeclared tracking domains when the user has not allowed tracking.",
    help: 'Add the domain to NSPrivacyTrackingDomains in the privacy manifest.',
    level: 'warning',
    tags: ['privacy', 'ios', 'privacy-manifest'],
  },
  debuggable: {
    ruleId: 'config/debuggable',
    name: 'DebuggableApp',
    title: 'The app is debuggable',
    description: 'android:debuggable is true: anyone with the phone and a USB cable can attach a debugger and read the app’s private data.',
    help: 'Build release versions with debuggable set to false.',
    level: 'warning',
    tags: ['security', 'android'],
  },
  'allow-backup': {
    ruleId: 'config/allow-backup',
    name: 'BackupAllowed',
    title: 'App data can be backed up',
    description: 'android:allowBackup is not false: the app’s private data is included in device and cloud backups and can be extracted with adb on older Android versions.',
    help: 'Set android:allowBackup to false, or exclude sensitive files with backup rules.',
    level: 'note',
    tags: ['security', 'android'],
  },
  'cleartext-traffic': {
    ruleId: 'config/cleartext-traffic',
    name: 'CleartextTraffic',
    title: 'Unencrypted network traffic allowed',
    description: 'android:usesCleartextTraffic is true: the app may send data over plain HTTP, readable by anyone on the network path.',
    help: 'Use HTTPS only; allow plain HTTP for specific hosts with a network security configuration if needed.',
    level: 'warning',
    tags: ['security', 'android', 'network'],
  },
  'ats-arbitrary-loads': {
    ruleId: 'config/ats-arbitrary-loads',
    name: 'AppTransportSecurityDisabled',
    title: 'App Transport Security disabled',
    description: 'NSAllowsArbitraryLoads is true: the app may load resources over unencrypted connections.',
    help: 'Remove NSAllowsArbitraryLoads and list exception domains only where unavoidable.',
    level: 'warning',
    tags: ['security', 'ios', 'network'],
  },
};

export interface Finding {
  kind: FindingKind;
  /**
   * Identity of the finding within one app, stable across versions of it: the tracker id, the
   * capability id, the check kind plus the tracker or domain, the flag name. Never a path or a
   * version (SARIF partialFingerprints hash this with the app id).
   */
  key: string;
  /** one sentence, plain text */
  message: string;
  level: FindingLevel;
  /** where the evidence lies, strongest first; may be empty (a missing manifest has no location) */
  locations: Provenance[];
  /** extra machine-readable facts (tracker categories, confidence, vendor, …) */
  properties: Record<string, string | number | boolean | string[]>;
}

/** Categories that do not make an SDK a tracker (the signature database's consent and library). */
const NON_TRACKING: ReadonlySet<string> = NON_TRACKING_CATEGORIES;

/** The Report as findings, in report order: trackers, capabilities, privacy checks, flags. */
export function findings(report: Report): Finding[] {
  const out: Finding[] = [];
  for (const t of report.trackers) {
    const tracking = t.categories.some((c) => !NON_TRACKING.has(c));
    const kind: FindingKind = !tracking ? (t.categories.includes('consent') ? 'consent-platform' : 'library') : t.confidence === 'low' ? 'tracker-weak-hint' : 'tracker';
    const who = [t.vendor, t.parent ? `owned by ${t.parent}` : '', t.country ?? ''].filter(Boolean).join(', ');
    out.push({
      kind,
      key: t.id,
      message:
        kind === 'tracker-weak-hint'
          ? `The code refers to ${t.name} (${who}) but does not contain it (low confidence).`
          : `${t.name} (${who}; ${t.categories.join(', ')}) is in the bundle, ${t.confidence} confidence${t.firstParty ? "; the app is the vendor's own" : ''}.`,
      level: FINDING_KINDS[kind].level,
      locations: t.evidence.flatMap((e) => e.locations),
      properties: {
        trackerId: t.id,
        vendor: t.vendor,
        ...(t.parent ? { parent: t.parent } : {}),
        ...(t.country ? { country: t.country } : {}),
        categories: t.categories,
        confidence: t.confidence,
        firstParty: t.firstParty,
      },
    });
  }
  for (const c of report.capabilities) {
    const level: FindingLevel = c.sensitivity === 'high' ? 'warning' : 'note';
    out.push({
      kind: 'capability',
      key: c.id,
      message: `${c.title}: ${c.description}`,
      level,
      locations: c.evidence.flatMap((e) => ('provenance' in e ? [e.provenance] : [])),
      properties: { capability: c.id, sensitivity: c.sensitivity },
    });
  }
  for (const check of report.ios?.declaredVsDetected.checks ?? []) {
    out.push({
      kind: check.kind,
      key: [check.kind, check.tracker ?? check.domain ?? ''].filter(Boolean).join(':'),
      message: capitalise(check.message) + '.',
      level: FINDING_KINDS[check.kind].level,
      locations: check.manifests.map((m) => ({ entry: m, collector: 'privacy-manifest' })),
      properties: { check: check.kind, ...(check.tracker ? { trackerId: check.tracker } : {}), ...(check.domain ? { domain: check.domain } : {}) },
    });
  }
  const flags = report.android?.flags;
  if (flags) {
    const at = (attr: string): Provenance[] => [{ entry: 'AndroidManifest.xml', location: `manifest/application/@android:${attr}`, collector: 'manifest' }];
    if (flags.debuggable) out.push(flag('debuggable', 'android:debuggable is true.', at('debuggable')));
    if (flags.allowBackup !== false) out.push(flag('allow-backup', `android:allowBackup is ${flags.allowBackup === true ? 'true' : 'not set (defaults to true)'}.`, at('allowBackup')));
    if (flags.usesCleartextTraffic) out.push(flag('cleartext-traffic', 'android:usesCleartextTraffic is true.', at('usesCleartextTraffic')));
  }
  const ios = report.ios;
  if (ios?.ats.allowsArbitraryLoads) {
    const plist = ios.plistKeys.find((k) => k.key === 'NSAppTransportSecurity')?.provenance;
    out.push(flag('ats-arbitrary-loads', 'NSAppTransportSecurity/NSAllowsArbitraryLoads is true.', plist ? [{ ...plist, location: 'NSAppTransportSecurity/NSAllowsArbitraryLoads' }] : []));
  }
  return out;
}

function flag(kind: FindingKind, message: string, locations: Provenance[]): Finding {
  return { kind, key: kind, message, level: FINDING_KINDS[kind].level, locations, properties: {} };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
