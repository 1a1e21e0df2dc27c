/**
 * The Evidence model: one normalised description of what a bundle declares and contains, shared by
 * the Android and iOS readers. Every item carries its provenance (STYLE.md §6): the bundle entry it
 * came from, where inside that entry, and which collector produced it. Analysis reads only this.
 */

export type Platform = 'android' | 'ios';

export interface Provenance {
  /** bundle entry path, e.g. `classes2.dex`, `AndroidManifest.xml`, `lib/arm64-v8a/libfoo.so` */
  entry: string;
  /** where inside the entry: a class, an element path, a section */
  location?: string;
  /** the collector that produced it (see src/bundle/android/collectors.ts) */
  collector: string;
}

export interface AppIdentity {
  platform: Platform;
  /** Android package name / iOS bundle identifier */
  id: string;
  name?: string;
  versionCode?: number;
  versionName?: string;
  minSdk?: number;
  targetSdk?: number;
  compileSdk?: number;
  /** iOS CFBundleVersion */
  build?: string;
  /** iOS MinimumOSVersion */
  minOS?: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  sha256: string;
  validFrom: string;
  validTo: string;
}

export interface SigningEvidence {
  /** signature schemes found: v1 (JAR), v2, v3, v3.1 */
  schemes: string[];
  certificates: (CertificateInfo & { schemes: string[] })[];
}

export interface PermissionEvidence {
  /** Android permission name, or iOS Info.plist usage-description key */
  name: string;
  /** `uses-permission`, `uses-permission-sdk-23`, or `Info.plist` */
  element: string;
  maxSdkVersion?: number;
  /** iOS: the purpose text the user is shown (NS…UsageDescription value) */
  purpose?: string;
  provenance: Provenance;
}

export interface DeclaredPermission {
  name: string;
  protectionLevel?: string;
  provenance: Provenance;
}

export interface IntentFilterEvidence {
  actions: string[];
  categories: string[];
  data: Record<string, string>[];
}

export type ComponentKind = 'activity' | 'activity-alias' | 'service' | 'receiver' | 'provider';

export interface ComponentEvidence {
  kind: ComponentKind;
  /** fully qualified class name (relative names resolved against the package) */
  name: string;
  /** android:exported as written; undefined when absent */
  exported?: boolean;
  /** exported as Android decides it: explicit value, else true when there are intent filters (before API 31) */
  effectivelyExported: boolean;
  enabled?: boolean;
  permission?: string;
  authorities?: string[];
  intentFilters: IntentFilterEvidence[];
  provenance: Provenance;
}

export interface MetaDataEvidence {
  name: string;
  value?: string;
  /** the element holding it: application, or a component's class name */
  parent: string;
  provenance: Provenance;
}

export interface QueriesEvidence {
  packages: string[];
  intents: IntentFilterEvidence[];
  providers: string[];
}

export interface AppFlags {
  debuggable?: boolean;
  allowBackup?: boolean;
  usesCleartextTraffic?: boolean;
  networkSecurityConfig?: string;
}

/** Classes found in code. `defined` is strong evidence; `referenced` (used but not defined) is weak. */
export interface CodeEvidence {
  /** Java class name → the DEX entry defining it (first one when defined twice) */
  defined: Map<string, string>;
  /** Java class name → a DEX entry referencing it; only types not defined anywhere in the bundle */
  referenced: Map<string, string>;
  /** number of code files read (DEX files, Mach-O binaries) */
  binaries: number;
  /** sensitive API use per calling class (Android) or per binary (iOS); present when asked for */
  apiUse?: ApiUseEvidence[];
  /** references from one group of code to another (app code → an SDK, SDK → SDK); see ApiQuery.classGroup */
  crossRefs?: CodeReferenceEvidence[];
  /** what the bytecode walk covered */
  walk?: CodeWalkStats;
}

/**
 * What analysis asks the code collectors to record (like `wantedStrings`): built once per
 * signature database by src/analysis/attribution.ts. Keys are as the binary spells them.
 */
export interface ApiQuery {
  /** Android: class descriptor (`Landroid/location/LocationManager;`) → method name → API id */
  androidMethods: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Android: class descriptor → field name → API id */
  androidFields: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** const-string values wanted exactly → API id */
  stringExact: ReadonlyMap<string, string>;
  /** const-string prefixes → API id (few; checked once per distinct string) */
  stringPrefixes: readonly { prefix: string; id: string }[];
  /**
   * Group of a class for reachability: an SDK id; '' for the app's own package; `other` for code
   * outside it that no signature claims. `appId` is the app's package, so a broad SDK prefix does
   * not claim the app's code.
   */
  classGroup(javaName: string, appId: string): string;
  /** iOS: Objective-C class → selector → API id */
  iosSelectors: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** iOS: undefined (imported) symbol → API id (C functions, constants, class symbols) */
  iosSymbols: ReadonlyMap<string, string>;
  /** iOS: selector alone → API id (required-reason selectors such as systemUptime) */
  iosBareSelectors: ReadonlyMap<string, string>;
}

/** One sensitive API used by one caller. */
export interface ApiUseEvidence {
  /** the API's id: `android.location.LocationManager.requestLocationUpdates`, `string:content://…`, `ios:CLLocationManager.startUpdatingLocation` */
  api: string;
  /** Android: the calling class (Java name); iOS: the binary's entry path */
  caller: string;
  /** call sites (instructions) in that caller; 1 per binary on iOS */
  count: number;
  /** Android: one calling method, `name(params)return` */
  method?: string;
  provenance: Provenance;
}

/** Code of group `from` ('' = the app's package, `other` = unclaimed code outside it, or an SDK id) refers to SDK `to`. */
export interface CodeReferenceEvidence {
  from: string;
  to: string;
  /** an example: the referring class and the class it refers to */
  fromClass: string;
  toClass: string;
  /** references counted (instructions, superclass and interface links) */
  count: number;
  provenance: Provenance;
}

export interface CodeWalkStats {
  /** methods with code whose instructions were walked */
  methods: number;
  instructions: number;
  /** code units walked */
  units: number;
  /** methods whose walk ended early (unused opcode, truncated instruction) */
  incomplete: number;
  /** milliseconds spent walking (not in the deterministic report) */
  ms: number;
}

export interface DomainEvidence {
  host: string;
  /** an example of the string the host was found in (a URL, trimmed) */
  sample: string;
  provenance: Provenance;
}

export interface VersionFileEvidence {
  /** Maven `group:artifact` when recognisable, else the file's stem */
  artifact: string;
  /** `group_artifact` as in the file name, used for exact lookups */
  key: string;
  version: string;
  provenance: Provenance;
}

export interface NativeLibraryEvidence {
  name: string;
  abis: string[];
  provenance: Provenance;
}

export interface FileEvidence {
  path: string;
  provenance: Provenance;
}

export interface Warning {
  code: string;
  message: string;
  entry?: string;
}

/** What only Android bundles have: the manifest's declarations and the library files. */
export interface AndroidEvidence {
  declaredPermissions: DeclaredPermission[];
  components: ComponentEvidence[];
  metaData: MetaDataEvidence[];
  queries: QueriesEvidence;
  flags: AppFlags;
  versionFiles: VersionFileEvidence[];
  nativeLibraries: NativeLibraryEvidence[];
  /** code hidden in other entries (src/bundle/android/embedded.ts); absent when there is none */
  embeddedCode?: EmbeddedCodeEvidence[];
}

/**
 * An entry that holds DEX code Android does not load by itself (the app can load it at run time):
 * a raw DEX file, or an archive holding classes*.dex. `provenance.entry` is the entry
 * (`assets/plugin.apk`, `assets/a.zip!b.apk`); its DEX files were read like classes*.dex.
 */
export interface EmbeddedCodeEvidence {
  format: 'dex' | 'zip';
  /** for an archive: the DEX files read in it (`classes.dex`, …); empty for a raw DEX file */
  dexFiles: string[];
  /** distinct classes defined in its DEX files */
  classes: number;
  provenance: Provenance;
}

/** One bundle inside an iOS app: the app itself, an embedded framework, an app extension, a resource bundle. */
export interface IosBundleEvidence {
  /** bundle folder path inside the input, e.g. `Payload/X.app/Frameworks/Y.framework` */
  path: string;
  kind: 'app' | 'framework' | 'extension' | 'bundle';
  /** folder name without its extension (`Y` for `Y.framework`) */
  name: string;
  bundleId?: string;
  version?: string;
  executable?: string;
  /** entry path of its PrivacyInfo.xcprivacy, when it has one */
  privacyManifest?: string;
}

export interface IosBinaryEvidence {
  /** entry path of the Mach-O file */
  path: string;
  role: 'main' | 'framework' | 'extension';
  /** the bundle it belongs to */
  bundle: string;
  archs: string[];
  fileType: string;
  platform?: string;
  minOS?: string;
  uuid?: string;
  /** FairPlay: cryptid of the encryption load command (1 = App Store encrypted) */
  cryptid?: number;
  encrypted: boolean;
  /** linked libraries and frameworks: install name, load kind, framework name, whether Apple's */
  linked: { name: string; kind: string; framework?: string; system: boolean }[];
  /** Objective-C classes defined (and Swift classes visible to Objective-C) */
  classCount: number;
  teamId?: string;
  signingIdentifier?: string;
}

export interface PrivacyManifestEvidence {
  /** entry path of the PrivacyInfo.xcprivacy */
  path: string;
  /** the bundle it belongs to */
  bundle: string;
  tracking?: boolean;
  trackingDomains: string[];
  collectedDataTypes: { type: string; linked?: boolean; tracking?: boolean; purposes: string[] }[];
  accessedApiTypes: { type: string; reasons: string[] }[];
}

/** What only iOS bundles have. */
export interface IosEvidence {
  /** entry path of the app's Info.plist */
  infoPlist: string;
  backgroundModes: string[];
  /** NSAppTransportSecurity: what it relaxes */
  ats: { allowsArbitraryLoads?: boolean; allowsArbitraryLoadsInWebContent?: boolean; exceptionDomains: string[] };
  /** LSApplicationQueriesSchemes: other apps it can check for */
  queriesSchemes: string[];
  /** CFBundleURLTypes schemes it handles */
  urlSchemes: string[];
  /** SKAdNetworkItems: ad networks the app registers with for install attribution */
  skAdNetworks: string[];
  /** top-level keys of the app's Info.plist, with their value when it is a short string */
  plistKeys: { key: string; value?: string; provenance: Provenance }[];
  /** GoogleService-Info.plist (Firebase configuration), when present */
  googleService?: Record<string, string | boolean>;
  /** the main executable's entitlements (from its code signature) */
  entitlements: Record<string, string | boolean | string[]>;
  teamId?: string;
  bundles: IosBundleEvidence[];
  binaries: IosBinaryEvidence[];
  privacyManifests: PrivacyManifestEvidence[];
  /** the main executable is FairPlay-encrypted: its classes and strings cannot be read */
  encrypted: boolean;
}

export interface Evidence {
  platform: Platform;
  /**
   * What was scanned: an app (the default), or an SDK archive a reviewer vets (.jar, .aar, .a,
   * .framework, .xcframework) — then the identity is the SDK's own, so its classes are not "the
   * app's own code" and it is not "the vendor's own app".
   */
  subject?: 'app' | 'sdk-archive';
  identity: AppIdentity;
  signing?: SigningEvidence;
  /** what the app asks the user for: Android permissions, iOS usage-description keys */
  permissions: PermissionEvidence[];
  code: CodeEvidence;
  /**
   * String constants from code that analysis asked for by exact value (Graph API scopes, content
   * URIs, …): value → the entries holding it. All strings are not kept: a large app has
   * hundreds of thousands.
   */
  stringHits: Map<string, string[]>;
  domains: DomainEvidence[];
  /** every entry path in the bundle */
  files: string[];
  warnings: Warning[];
  android?: AndroidEvidence;
  ios?: IosEvidence;
}
