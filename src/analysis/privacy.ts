/**
 * Declared vs detected (iOS): what the privacy manifests (PrivacyInfo.xcprivacy) of the app and
 * its SDKs declare — tracking, tracking domains — set against the trackers and host names found
 * in the bundle. Apple requires these manifests since spring 2024 for new apps and for the SDKs on
 * its list; an SDK that tracks but ships no manifest, or declares no tracking, or a tracking
 * domain missing from the declared list, is a discrepancy a journalist or reviewer can quote.
 *
 * Reference: https://developer.apple.com/documentation/bundleresources/privacy-manifest-files
 */
import type { Evidence, PrivacyManifestEvidence } from '../evidence/types.js';
import type { Category, SdkSignature } from '../signatures/types.js';
import type { TrackerFinding } from './trackers.js';

/** Categories whose SDKs track in Apple's sense: they link user data with other companies' data, or share it with data brokers. */
export const TRACKING_CATEGORIES: ReadonlySet<Category> = new Set(['advertising', 'attribution', 'profiling', 'identification']);

export type PrivacyCheckKind =
  | 'tracking-sdk-without-manifest'
  | 'tracking-sdk-declares-no-tracking'
  | 'undeclared-tracking-domain'
  | 'app-declares-no-tracking'
  | 'app-without-manifest';

export interface PrivacyCheck {
  kind: PrivacyCheckKind;
  message: string;
  tracker?: string;
  domain?: string;
  /** the manifests this check looked at */
  manifests: string[];
}

export interface DeclaredVsDetected {
  /** how many privacy manifests the bundle holds */
  manifests: number;
  /** some manifest sets NSPrivacyTracking to true */
  declaresTracking: boolean;
  /** union of NSPrivacyTrackingDomains */
  declaredTrackingDomains: string[];
  /** host names in code that belong to tracking SDKs */
  detectedTrackingDomains: string[];
  checks: PrivacyCheck[];
}

export function declaredVsDetected(ev: Evidence, trackers: TrackerFinding[], sdks: readonly SdkSignature[]): DeclaredVsDetected | undefined {
  const ios = ev.ios;
  if (!ios) return undefined;
  const manifests = ios.privacyManifests;
  const byId = new Map(sdks.map((s) => [s.id, s]));
  const tracking = trackers.filter((t) => t.confidence !== 'low' && !t.firstParty && t.categories.some((c) => TRACKING_CATEGORIES.has(c)));
  const trackingIds = new Set(tracking.map((t) => t.id));
  const declaredDomains = [...new Set(manifests.flatMap((m) => m.trackingDomains))].sort();
  const checks: PrivacyCheck[] = [];

  const app = manifests.filter((m) => m.bundle === (ios.bundles[0]?.path ?? ''));
  if (tracking.length && !app.length) {
    checks.push({
      kind: 'app-without-manifest',
      message: `the app ships no privacy manifest of its own, yet contains ${tracking.length} tracking SDK${tracking.length > 1 ? 's' : ''}`,
      manifests: [],
    });
  } else if (tracking.length && app.every((m) => m.tracking !== true)) {
    checks.push({
      kind: 'app-declares-no-tracking',
      message: `the app's privacy manifest does not declare tracking (NSPrivacyTracking is ${app[0].tracking === false ? 'false' : 'absent'}), yet it contains ${tracking.map((t) => t.name).join(', ')}`,
      manifests: app.map((m) => m.path),
    });
  }

  for (const t of tracking) {
    const own = manifestsOf(t, byId.get(t.id), manifests);
    if (!own.length) {
      checks.push({
        kind: 'tracking-sdk-without-manifest',
        tracker: t.id,
        message: `${t.name} (${t.categories.join(', ')}) ships no privacy manifest in this bundle${t.version ? ` (version ${t.version})` : ''}; SDK releases from spring 2024 on include one`,
        manifests: [],
      });
    } else if (own.every((m) => m.tracking !== true)) {
      checks.push({
        kind: 'tracking-sdk-declares-no-tracking',
        tracker: t.id,
        message: `${t.name} is an ${t.categories.join('/')} SDK, but its privacy manifest does not declare tracking`,
        manifests: own.map((m) => m.path),
      });
    }
  }

  const detected = ev.domains
    .filter((d) => trackers.some((t) => trackingIds.has(t.id) && t.evidence.some((e) => e.kind === 'domain' && e.examples.includes(d.host))) || hostOfTrackingSdk(d.host, tracking, byId))
    .map((d) => d.host)
    .sort();
  for (const host of detected) {
    if (declaredDomains.some((dd) => host === dd || host.endsWith('.' + dd))) continue;
    checks.push({
      kind: 'undeclared-tracking-domain',
      domain: host,
      message: `${host} (a tracking SDK's host) is in the code but in no manifest's NSPrivacyTrackingDomains`,
      manifests: manifests.map((m) => m.path),
    });
  }

  return {
    manifests: manifests.length,
    declaresTracking: manifests.some((m) => m.tracking === true),
    declaredTrackingDomains: declaredDomains,
    detectedTrackingDomains: detected,
    checks,
  };
}

/** The manifests shipped with an SDK: in its framework, or in a resource bundle named after it. */
function manifestsOf(t: TrackerFinding, sdk: SdkSignature | undefined, manifests: PrivacyManifestEvidence[]): PrivacyManifestEvidence[] {
  const names = new Set<string>([...(sdk?.ios?.frameworks ?? [])]);
  for (const e of t.evidence) if (e.kind === 'framework' || e.kind === 'linked-library') names.add(e.searchedFor);
  if (!names.size) return [];
  return manifests.filter((m) => {
    const parts = m.path.split('/');
    return parts.some((p) => {
      const base = p.replace(/\.(framework|bundle)$/, '');
      if (base === p) return false;
      for (const n of names) if (base === n || base.startsWith(`${n}_`) || base.startsWith(`${n}-`)) return true;
      return false;
    });
  });
}

function hostOfTrackingSdk(host: string, tracking: TrackerFinding[], byId: Map<string, SdkSignature>): boolean {
  return tracking.some((t) => (byId.get(t.id)?.domains ?? []).some((d) => host === d || host.endsWith('.' + d)));
}
