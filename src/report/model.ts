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
  name: string;
  element: string;
  maxSdkVersion?: number;
  /** Android's protection level, when the permission is in our data */
  protectionLevel?: string;
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

export interface Report {
  schemaVersion: number;
  tool: { name: 'trackscan'; version: string };
  signatures: { version: string; sha256: string; sdks: number };
  input: { path: string; size: number; sha256: string };
  platform: Platform;
  app: {
    id: string;
    name?: string;
    versionCode?: number;
    versionName?: string;
    minSdk?: number;
    targetSdk?: number;
    compileSdk?: number;
    flags: AppFlags;
  };
  signing?: SigningEvidence;
  permissions: ReportPermission[];
  capabilities: CapabilityFinding[];
  trackers: TrackerFinding[];
  domains: ReportDomain[];
  manifest: {
    customPermissions: DeclaredPermission[];
    components: ComponentEvidence[];
    metaData: MetaDataEvidence[];
    queries: QueriesEvidence;
  };
  code: { dexFiles: number; classesDefined: number; typesReferenced: number };
  libraries: { versionFiles: VersionFileEvidence[]; nativeLibraries: NativeLibraryEvidence[] };
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
  const app: Report['app'] = { id: id.id, flags: ev.flags };
  for (const k of ['name', 'versionCode', 'versionName', 'minSdk', 'targetSdk', 'compileSdk'] as const) {
    if (id[k] !== undefined) (app as Record<string, unknown>)[k] = id[k];
  }
  const permissions: ReportPermission[] = ev.permissions.map((p) => {
    const info = r.permissionInfo(p.name);
    return {
      name: p.name,
      element: p.element,
      ...(p.maxSdkVersion !== undefined ? { maxSdkVersion: p.maxSdkVersion } : {}),
      ...(info ? { protectionLevel: info.protectionLevel, meaning: info.meaning } : {}),
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
    manifest: {
      customPermissions: ev.declaredPermissions,
      components: ev.components,
      metaData: ev.metaData,
      queries: ev.queries,
    },
    code: { dexFiles: ev.code.dexFiles, classesDefined: ev.code.defined.size, typesReferenced: ev.code.referenced.size },
    libraries: { versionFiles: ev.versionFiles, nativeLibraries: ev.nativeLibraries },
    warnings: ev.warnings,
  };
}
