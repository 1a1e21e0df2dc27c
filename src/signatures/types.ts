/**
 * Types of the signature database (signatures/, schema in signatures/schema/*.schema.json).
 * The JSON Schema is the source of truth; these types mirror it.
 */

export const SIGNATURE_SCHEMA_VERSION = 1;

export const CATEGORIES = [
  'analytics',
  'advertising',
  'attribution',
  'crash-reporting',
  'performance',
  'session-replay',
  'location',
  'identification',
  'profiling',
  'social',
  'engagement',
  'consent',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface SdkSignature {
  id: string;
  name: string;
  vendor: string;
  parent?: string;
  country?: string;
  categories: Category[];
  description: string;
  website?: string;
  android?: {
    packages?: string[];
    excludePackages?: string[];
    components?: string[];
    metaData?: string[];
    versionArtifacts?: string[];
    nativeLibraries?: string[];
    files?: string[];
  };
  ios?: {
    frameworks?: string[];
    bundleIds?: string[];
    classPrefixes?: string[];
    plistKeys?: string[];
  };
  domains?: string[];
  sources: string[];
  notes?: string;
}

export interface Capability {
  id: string;
  title: string;
  description: string;
  sensitivity: 'high' | 'medium' | 'low';
}

export interface PermissionInfo {
  name: string;
  protectionLevel: string;
  capabilities: string[];
  meaning: string;
  addedInApi?: number;
  deprecatedInApi?: number;
  notes?: string;
}

export interface PermissionData {
  capabilities: Capability[];
  permissions: PermissionInfo[];
  sources: string[];
}

export interface IosCapabilitySource {
  capabilities: string[];
  meaning: string;
}

export interface IosCapabilityData {
  usageKeys: (IosCapabilitySource & { key: string })[];
  backgroundModes: (IosCapabilitySource & { mode: string })[];
  entitlements: (IosCapabilitySource & { key: string })[];
  frameworks: { name: string; capabilities: string[]; grantsWithoutKey?: boolean }[];
  sources: string[];
}

export interface SignatureDatabase {
  schemaVersion: number;
  version: string;
  /** SHA-256 over the database files, so a report names exactly the data it was made with */
  sha256: string;
  sdks: SdkSignature[];
  permissions: PermissionData;
  ios: IosCapabilityData;
}
