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
  'library',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Categories that are not tracking: consent-management platforms and common non-tracking libraries
 * (listed for "what else is inside"). A finding whose categories are all of these is never counted
 * as a tracker.
 */
export const NON_TRACKING_CATEGORIES: ReadonlySet<Category> = new Set(['consent', 'library']);

/** True when an SDK (or a finding) with these categories is a tracker: at least one tracking category. */
export function isTrackerCategories(categories: readonly Category[]): boolean {
  return categories.some((c) => !NON_TRACKING_CATEGORIES.has(c));
}

export interface SdkSignature {
  id: string;
  name: string;
  /** company id in companies.json (the owner graph); resolved by the loader from `vendor` when absent */
  company?: string;
  /** the vendor's name; the loader fills it from `company` when the file leaves it out */
  vendor: string;
  /** the vendor's direct parent company, by name (filled from the owner graph) */
  parent?: string;
  /** the vendor's country (filled from the owner graph) */
  country?: string;
  /** ids of the entries this one is a module of: its signatures may nest inside theirs */
  within?: string[];
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
    /** Swift/Clang module names (pod module_name, SPM target) matched against Swift class modules */
    modules?: string[];
  };
  domains?: string[];
  sources: string[];
  notes?: string;
  /** set by the loader: the vendor and its parents up the owner graph, vendor first */
  owners?: Owner[];
  /** set by the loader: the file the entry was read from */
  file?: string;
}

/** A company of the owner graph (signatures/companies.json). */
export interface Company {
  name: string;
  aliases?: string[];
  /** id of the direct parent company */
  parent?: string;
  /** ISO 3166-1 alpha-2 country of the headquarters */
  country: string;
  website?: string;
  notes?: string;
  sources?: string[];
}

/** One link of an owner chain, as the report and `signatures show` print it. */
export interface Owner {
  id: string;
  name: string;
  country: string;
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
  /** the owner graph: company id → company */
  companies: Record<string, Company>;
  /** user signature directories merged into this database (absolute paths), if any */
  userDirs?: string[];
  permissions: PermissionData;
  ios: IosCapabilityData;
}
