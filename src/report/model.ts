/**
 * The Report: the one stable, versioned model every renderer reads (STYLE.md §10). Built from the
 * Evidence and the analysis results; deterministic — the same file and signature database give the
 * same Report, apart from the optional `timing` block. Its JSON Schema is schema/report.schema.json.
 */
import type { CapabilityFinding } from '../analysis/capabilities.js';
import type { TrackerFinding } from '../analysis/trackers.js';
import type {
  AppFlags,
  ComponentEvidence,
  DeclaredPermission,
  DomainEvidence,
  Evidence,
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
  provenance: Provenance;
}

export interface ReportDomain {
  host: string;
  sample: string;
  /** ids of the trackers whose signature names this host's domain */
  trackers: string[];
  provenance: Provenance;
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
  capabilities: CapabilityFinding[];
  trackers: TrackerFinding[];
  domains: ReportDomain[];
  /** code files read (DEX files, Mach-O binaries) and the classes found in them */
  code: { binaries: number; classesDefined: number; typesReferenced: number };
  /** platform-specific parts: exactly one of these is present, matching `platform` */
  android?: AndroidReport;
  warnings: Warning[];
  timing?: Record<string, number>;
}

export interface ReportInputs {
  input: Report['input'];
  tool: Report['tool'];
  signatures: Report['signatures'];
  evidence: Evidence;
  capabilities: CapabilityFinding[];
  trackers: TrackerFinding[];
  permissionInfo: (name: string) => { protectionLevel: string; capabilities: string[]; meaning: string } | undefined;
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
  const permissions: ReportPermission[] = ev.permissions.map((p) => {
    const info = r.permissionInfo(p.name);
    return {
      name: p.name,
      element: p.element,
      ...(p.maxSdkVersion !== undefined ? { maxSdkVersion: p.maxSdkVersion } : {}),
      ...(info ? { protectionLevel: info.protectionLevel } : {}),
      ...(p.purpose !== undefined ? { purpose: p.purpose } : {}),
      ...(info ? { meaning: info.meaning } : {}),
      capabilities: info?.capabilities ?? [],
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
    trackers: r.trackers,
    domains,
    code: { binaries: ev.code.binaries, classesDefined: ev.code.defined.size, typesReferenced: ev.code.referenced.size },
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
    warnings: ev.warnings,
  };
}
