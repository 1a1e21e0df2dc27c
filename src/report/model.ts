/**
 * The Report: the one stable, versioned model every renderer reads (STYLE.md §10). Built from the
 * Evidence and the analysis results; deterministic — the same file and signature database give the
 * same Report, apart from the optional `timing` block. Its JSON Schema is schema/report.schema.json.
 */
import type { CapabilityUse, RequiredReasonCheck } from '../analysis/attribution.js';
import type { CapabilityFinding } from '../analysis/capabilities.js';
import type { ObfuscationReport } from '../analysis/obfuscation.js';
import type { TrackerStatus } from '../analysis/status.js';
import type { DeclaredVsDetected } from '../analysis/privacy.js';
import type { TrackerFinding } from '../analysis/trackers.js';
import type {
  AppFlags,
  ComponentEvidence,
  DeclaredPermission,
  DomainEvidence,
  Evidence,
  IosBinaryEvidence,
  IosBundleEvidence,
  IosEvidence,
  PrivacyManifestEvidence,
  MetaDataEvidence,
  NativeLibraryEvidence,
  Platform,
  Provenance,
  QueriesEvidence,
  SigningEvidence,
  VersionFileEvidence,
  Warning,
} from '../evidence/types.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportPermission {
  /** Android permission name, or iOS Info.plist usage-description key */
  name: string;
  element: string;
  maxSdkVersion?: number;
  /** Android's protection level, when the permission is in our data */
  protectionLevel?: string;
  /** iOS: the purpose text the user is shown */
  purpose?: string;
  capabilities: string[];
  meaning?: string;
  /**
   * Set when the code was walked and some sensitive API of our data needs this permission:
   * whether code uses such an API (or names the permission), and who.
   */
  exercised?: boolean;
  exercisedBy?: CapabilityUse[];
  provenance: Provenance;
}

/** A capability, with who uses it in code when the code was walked. */
export type ReportCapability = CapabilityFinding & { usedBy?: CapabilityUse[] };
/** A tracker, with whether it is switched on. */
export type ReportTracker = TrackerFinding & { status?: TrackerStatus };

export interface ReportDomain {
  host: string;
  sample: string;
  /** ids of the trackers whose signature names this host's domain */
  trackers: string[];
  provenance: Provenance;
}

/** iOS-only parts of the report. */
export interface IosReport {
  /** the main executable is FairPlay-encrypted: its own classes and strings were not readable */
  encrypted: boolean;
  teamId?: string;
  backgroundModes: string[];
  ats: IosEvidence['ats'];
  queriesSchemes: string[];
  urlSchemes: string[];
  skAdNetworks: string[];
  plistKeys: IosEvidence['plistKeys'];
  googleService?: IosEvidence['googleService'];
  entitlements: IosEvidence['entitlements'];
  bundles: IosBundleEvidence[];
  binaries: IosBinaryEvidence[];
  privacyManifests: PrivacyManifestEvidence[];
  declaredVsDetected: DeclaredVsDetected;
  /** required-reason APIs each binary uses, against its bundle's privacy manifest */
  requiredReasonApis?: RequiredReasonCheck[];
}

/** Android-only parts of the report: the manifest's declarations and library files. */
export interface AndroidReport {
  flags: AppFlags;
  customPermissions: DeclaredPermission[];
  components: ComponentEvidence[];
  metaData: MetaDataEvidence[];
  queries: QueriesEvidence;
  versionFiles: VersionFileEvidence[];
  nativeLibraries: NativeLibraryEvidence[];
}

export interface Report {
  schemaVersion: number;
  tool: { name: 'trackscan'; version: string };
  signatures: { version: string; sha256: string; sdks: number };
  input: { path: string; size: number; sha256: string };
  platform: Platform;
  app: {
    id: string;
    name?: string;
    /** Android versionName / iOS CFBundleShortVersionString */
    versionName?: string;
    /** Android versionCode */
    versionCode?: number;
    /** iOS CFBundleVersion */
    build?: string;
    minSdk?: number;
    targetSdk?: number;
    compileSdk?: number;
    /** iOS MinimumOSVersion */
    minOS?: string;
  };
  signing?: SigningEvidence;
  /** what the app asks the user for: Android permissions, iOS usage-description keys with their text */
  permissions: ReportPermission[];
  capabilities: ReportCapability[];
  trackers: ReportTracker[];
  domains: ReportDomain[];
  /** code files read (DEX files, Mach-O binaries) and the classes found in them; what the bytecode walk covered */
  code: { binaries: number; classesDefined: number; typesReferenced: number; walk?: { methods: number; instructions: number; incomplete: number } };
  /** how much of the code is renamed, and packers or protectors that hide it */
  obfuscation?: ObfuscationReport;
  /** platform-specific parts: exactly one of these is present, matching `platform` */
  android?: AndroidReport;
  ios?: IosReport;
  warnings: Warning[];
  timing?: Record<string, number>;
}

export interface ReportInputs {
  input: Report['input'];
  tool: Report['tool'];
  signatures: Report['signatures'];
  evidence: Evidence;
  capabilities: ReportCapability[];
  trackers: TrackerFinding[];
  /** tracker id → status */
  statuses?: Map<string, TrackerStatus>;
  /** permission → who exercises it; `checkable`: permissions an API of our data needs */
  exercisedBy?: Map<string, CapabilityUse[]>;
  checkable?: Set<string>;
  obfuscation?: ObfuscationReport;
  requiredReasonApis?: RequiredReasonCheck[];
  permissionInfo: (name: string) => { protectionLevel?: string; capabilities: string[]; meaning: string } | undefined;
  /** iOS: privacy manifests set against what was found */
  declaredVsDetected?: DeclaredVsDetected;
  /** domain → tracker ids, to label hosts */
  trackersForHost: (host: string) => string[];
}

export function buildReport(r: ReportInputs): Report {
  const ev = r.evidence;
  const id = ev.identity;
  const app: Report['app'] = { id: id.id };
  for (const k of ['name', 'versionName', 'versionCode', 'build', 'minSdk', 'targetSdk', 'compileSdk', 'minOS'] as const) {
    if (id[k] !== undefined) (app as Record<string, unknown>)[k] = id[k];
  }
  const walked = ev.code.walk !== undefined || (ev.platform === 'ios' && ev.code.apiUse !== undefined);
  const exercise = (name: string): { exercised?: boolean; exercisedBy?: CapabilityUse[] } => {
    const by = r.exercisedBy?.get(name);
    if (by?.length) return { exercised: true, exercisedBy: by };
    return walked && r.checkable?.has(name) ? { exercised: false } : {};
  };
  const permissions: ReportPermission[] = ev.permissions.map((p) => {
    const info = r.permissionInfo(p.name);
    return {
      name: p.name,
      element: p.element,
      ...(p.maxSdkVersion !== undefined ? { maxSdkVersion: p.maxSdkVersion } : {}),
      ...(info?.protectionLevel ? { protectionLevel: info.protectionLevel } : {}),
      ...(p.purpose !== undefined ? { purpose: p.purpose } : {}),
      ...(info ? { meaning: info.meaning } : {}),
      capabilities: info?.capabilities ?? [],
      ...exercise(p.name),
      provenance: p.provenance,
    };
  });
  const domains: ReportDomain[] = ev.domains.map((d: DomainEvidence) => ({ host: d.host, sample: d.sample, trackers: r.trackersForHost(d.host), provenance: d.provenance }));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: r.tool,
    signatures: r.signatures,
    input: r.input,
    platform: ev.platform,
    app,
    ...(ev.signing ? { signing: ev.signing } : {}),
    permissions,
    capabilities: r.capabilities,
    trackers: r.statuses ? r.trackers.map((t) => (r.statuses!.has(t.id) ? { ...t, status: r.statuses!.get(t.id)! } : t)) : r.trackers,
    domains,
    code: {
      binaries: ev.code.binaries,
      classesDefined: ev.code.defined.size,
      typesReferenced: ev.code.referenced.size,
      ...(ev.code.walk ? { walk: { methods: ev.code.walk.methods, instructions: ev.code.walk.instructions, incomplete: ev.code.walk.incomplete } } : {}),
    },
    ...(r.obfuscation ? { obfuscation: r.obfuscation } : {}),
    ...(ev.android
      ? {
          android: {
            flags: ev.android.flags,
            customPermissions: ev.android.declaredPermissions,
            components: ev.android.components,
            metaData: ev.android.metaData,
            queries: ev.android.queries,
            versionFiles: ev.android.versionFiles,
            nativeLibraries: ev.android.nativeLibraries,
          },
        }
      : {}),
    ...(ev.ios
      ? {
          ios: {
            encrypted: ev.ios.encrypted,
            ...(ev.ios.teamId ? { teamId: ev.ios.teamId } : {}),
            backgroundModes: ev.ios.backgroundModes,
            ats: ev.ios.ats,
            queriesSchemes: ev.ios.queriesSchemes,
            urlSchemes: ev.ios.urlSchemes,
            skAdNetworks: ev.ios.skAdNetworks,
            plistKeys: ev.ios.plistKeys,
            ...(ev.ios.googleService ? { googleService: ev.ios.googleService } : {}),
            entitlements: ev.ios.entitlements,
            bundles: ev.ios.bundles,
            binaries: ev.ios.binaries,
            privacyManifests: ev.ios.privacyManifests,
            declaredVsDetected: r.declaredVsDetected ?? { manifests: 0, declaresTracking: false, declaredTrackingDomains: [], detectedTrackingDomains: [], checks: [] },
            ...(r.requiredReasonApis ? { requiredReasonApis: r.requiredReasonApis } : {}),
          },
        }
      : {}),
    warnings: ev.warnings,
  };
}
