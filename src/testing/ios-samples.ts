/**
 * Synthetic iOS apps built with the project's own writers (Mach-O, binary and XML plists, zip):
 * the demo sample `samples/campaign-app.ipa` (`npm run samples`, the iOS twin of
 * `samples/campaign-app.apk`) and the iOS golden-test fixtures (test/golden/ios.test.ts). Every
 * byte is deterministic: zip entries carry no dates, entries are written in sorted order, Mach-O
 * UUIDs are fixed, and the code signature's page hashes depend only on the bytes.
 *
 * Nothing here is a real app or real SDK code. Class names, framework names, bundle ids, Info.plist
 * keys and hosts are modelled on what SDK vendors document publicly; the apps' own identifiers and
 * hosts are fictional (`org.example.*`, `.example.com`).
 */
import * as C from '../formats/macho-constants.js';
import { buildFat, buildMachO, type MachOWriterClass, type MachOWriterDylib, type MachOWriterInput } from './macho-writer.js';
import { writeBinaryPlist, writeXmlPlist, type WritableValue } from './plist-writer.js';
import { writeZip, type ZipWriterEntry } from './zip-writer.js';

// ---- generic app building ------------------------------------------------------------------------

export type PlistDictValue = { [k: string]: WritableValue };

/** A file inside the `.app` folder, by its path relative to that folder. */
export interface AppFile {
  path: string;
  data: Uint8Array | string;
}

export interface IosAppSpec {
  /** folder name without `.app` (also the default executable name) */
  name: string;
  /** the app's Info.plist; CFBundleExecutable defaults to `name` */
  info: PlistDictValue;
  /** Info.plist encoding (App Store builds ship binary plists; default binary) */
  infoFormat?: 'binary' | 'xml';
  /** the main executable's bytes */
  executable: Uint8Array;
  /** frameworks, extensions, resource bundles, privacy manifests, other resources */
  files?: AppFile[];
}

/** Every file of the `.app` folder, sorted by path (Info.plist and the executable included). */
export function appFiles(spec: IosAppSpec): AppFile[] {
  const exe = typeof spec.info.CFBundleExecutable === 'string' ? spec.info.CFBundleExecutable : spec.name;
  const info = spec.infoFormat === 'xml' ? writeXmlPlist(spec.info) : writeBinaryPlist(spec.info);
  const files: AppFile[] = [{ path: 'Info.plist', data: info }, { path: exe, data: spec.executable }, { path: 'PkgInfo', data: 'APPL????' }, ...(spec.files ?? [])];
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`appFiles: ${f.path} twice in ${spec.name}.app`);
    seen.add(f.path);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Zip entries for the app under `prefix` (e.g. `Payload/X.app/`), with a directory entry for every folder, as `zip -r` and Xcode write them. */
function zipEntries(spec: IosAppSpec, prefix: string): ZipWriterEntry[] {
  const dirs = new Set<string>();
  const files = appFiles(spec);
  const addDirs = (p: string) => {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  };
  for (const f of files) addDirs(prefix + f.path);
  const entries: ZipWriterEntry[] = [...dirs].map((d) => ({ name: d, data: '', compress: false }));
  entries.push(...files.map((f) => ({ name: prefix + f.path, data: f.data })));
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** An `.ipa`: `Payload/<name>.app/…`. */
export function buildIpa(spec: IosAppSpec): Uint8Array {
  return writeZip(zipEntries(spec, `Payload/${spec.name}.app/`));
}

/** A zipped `.app` (how simulator builds are shared): `<name>.app/…` at the top, no Payload/. */
export function buildZippedApp(spec: IosAppSpec): Uint8Array {
  return writeZip(zipEntries(spec, `${spec.name}.app/`));
}

// ---- Mach-O helpers -------------------------------------------------------------------------------

export const FOUNDATION: MachOWriterDylib = { name: '/System/Library/Frameworks/Foundation.framework/Foundation', currentVersion: '1770.106.0', compatVersion: '300.0.0' };
export const UIKIT: MachOWriterDylib = { name: '/System/Library/Frameworks/UIKit.framework/UIKit', currentVersion: '4006.1.101', compatVersion: '1.0.0' };
export const LIBOBJC: MachOWriterDylib = { name: '/usr/lib/libobjc.A.dylib', currentVersion: '228.0.0' };
export const LIBSYSTEM: MachOWriterDylib = { name: '/usr/lib/libSystem.B.dylib', currentVersion: '1292.100.5' };

export function systemFramework(name: string, kind: MachOWriterDylib['kind'] = 'load'): MachOWriterDylib {
  return { name: `/System/Library/Frameworks/${name}.framework/${name}`, kind };
}

export function embeddedFramework(name: string, binary = name, kind: MachOWriterDylib['kind'] = 'load'): MachOWriterDylib {
  return { name: `@rpath/${name}.framework/${binary}`, kind };
}

/** Classes with one method each (a class without methods is as real, but methods make llvm-objdump's listing realistic). */
export function objcClasses(names: string[], method = 'init'): MachOWriterClass[] {
  return names.map((name) => ({ name, methods: [method] }));
}

/** A fixed, distinct UUID per binary name (the UUID of a real build is random; a fixture's must not be). */
export function fixtureUuid(seed: string): string {
  let h = 0x811c9dc5;
  const words: string[] = [];
  for (let w = 0; w < 4; w++) {
    for (const ch of `${seed}#${w}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    words.push(h.toString(16).padStart(8, '0').toUpperCase());
  }
  const hex = words.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A main executable: MH_EXECUTE, arm64 iOS by default, `@executable_path/Frameworks` as rpath. */
export function mainExecutable(input: MachOWriterInput & { seed: string }): Uint8Array {
  const { seed, ...rest } = input;
  return buildMachO({ rpaths: ['@executable_path/Frameworks'], uuid: fixtureUuid(seed), ...rest, fileType: 'execute' });
}

// ---- frameworks, bundles, extensions ---------------------------------------------------------------

export interface FrameworkSpec {
  /** framework (module) name: `Frameworks/<name>.framework/<name>` */
  name: string;
  /** folder name instead of `<name>.framework` (the renamed-framework fixture) */
  folder?: string;
  /** binary name instead of `<name>` */
  binaryName?: string;
  /** CFBundleIdentifier ('' writes an empty string) */
  bundleId: string;
  version: string;
  classes?: string[];
  cStrings?: string[];
  /** extra selectors for __objc_methname (the methods the framework calls) */
  selectors?: string[];
  /** undefined external symbols it imports: `_OBJC_CLASS_$_CLLocationManager` */
  importedSymbols?: string[];
  dylibs?: MachOWriterDylib[];
  arch?: MachOWriterInput['arch'];
  platform?: number;
  encryption?: MachOWriterInput['encryption'];
  privacyManifest?: PlistDictValue;
  /** further files inside the framework folder */
  files?: AppFile[];
}

/** The files of `Frameworks/<folder>/`: Info.plist (binary), the dylib, an optional privacy manifest. */
export function framework(f: FrameworkSpec): AppFile[] {
  const folder = f.folder ?? `${f.name}.framework`;
  const binary = f.binaryName ?? f.name;
  const dir = `Frameworks/${folder}`;
  const info: PlistDictValue = {
    CFBundleDevelopmentRegion: 'en',
    CFBundleExecutable: binary,
    CFBundleIdentifier: f.bundleId,
    CFBundleInfoDictionaryVersion: '6.0',
    CFBundleName: binary,
    CFBundlePackageType: 'FMWK',
    CFBundleShortVersionString: f.version,
    CFBundleSupportedPlatforms: [f.platform === C.PLATFORM_IOSSIMULATOR ? 'iPhoneSimulator' : 'iPhoneOS'],
    CFBundleVersion: f.version,
    MinimumOSVersion: '12.0',
  };
  const bin = buildMachO({
    fileType: 'dylib',
    arch: f.arch ?? 'arm64',
    installName: `@rpath/${folder}/${binary}`,
    uuid: fixtureUuid(`${folder}/${binary}`),
    dylibs: f.dylibs ?? [FOUNDATION, LIBOBJC, LIBSYSTEM],
    rpaths: ['@executable_path/Frameworks', '@loader_path/Frameworks'],
    classes: objcClasses(f.classes ?? []),
    cStrings: f.cStrings ?? [],
    ...(f.selectors ? { selectors: f.selectors } : {}),
    ...(f.importedSymbols ? { importedSymbols: f.importedSymbols } : {}),
    minOS: '12.0',
    ...(f.platform !== undefined ? { platform: f.platform } : {}),
    ...(f.encryption ? { encryption: f.encryption } : {}),
  });
  const files: AppFile[] = [
    { path: `${dir}/Info.plist`, data: writeBinaryPlist(info) },
    { path: `${dir}/${binary}`, data: bin },
  ];
  if (f.privacyManifest) files.push({ path: `${dir}/PrivacyInfo.xcprivacy`, data: writeXmlPlist(f.privacyManifest) });
  for (const x of f.files ?? []) files.push({ path: `${dir}/${x.path}`, data: x.data });
  return files;
}

/** An app extension `PlugIns/<name>.appex/` with its Info.plist and executable. */
export function appExtension(name: string, bundleId: string, info: PlistDictValue, classes: string[] = []): AppFile[] {
  const dir = `PlugIns/${name}.appex`;
  const plist: PlistDictValue = {
    CFBundleExecutable: name,
    CFBundleIdentifier: bundleId,
    CFBundleName: name,
    CFBundlePackageType: 'XPC!',
    CFBundleShortVersionString: '1.0',
    CFBundleVersion: '1',
    ...info,
  };
  const exe = buildMachO({ fileType: 'execute', uuid: fixtureUuid(`${dir}/${name}`), dylibs: [FOUNDATION, LIBOBJC, LIBSYSTEM], classes: objcClasses(classes) });
  return [
    { path: `${dir}/Info.plist`, data: writeBinaryPlist(plist) },
    { path: `${dir}/${name}`, data: exe },
  ];
}

/** A privacy manifest (PrivacyInfo.xcprivacy), as Xcode writes it (XML). */
export interface PrivacyManifestSpec {
  tracking: boolean;
  trackingDomains?: string[];
  collected?: { type: string; linked: boolean; tracking: boolean; purposes: string[] }[];
  apis?: { type: string; reasons: string[] }[];
}

export function privacyManifest(p: PrivacyManifestSpec): PlistDictValue {
  return {
    NSPrivacyTracking: p.tracking,
    NSPrivacyTrackingDomains: p.trackingDomains ?? [],
    NSPrivacyCollectedDataTypes: (p.collected ?? []).map((c) => ({
      NSPrivacyCollectedDataType: c.type,
      NSPrivacyCollectedDataTypeLinked: c.linked,
      NSPrivacyCollectedDataTypeTracking: c.tracking,
      NSPrivacyCollectedDataTypePurposes: c.purposes,
    })),
    NSPrivacyAccessedAPITypes: (p.apis ?? []).map((a) => ({ NSPrivacyAccessedAPIType: a.type, NSPrivacyAccessedAPITypeReasons: a.reasons })),
  };
}

/** The app's Info.plist keys every iOS app has; `extra` is merged over them. */
export function appInfo(o: { name: string; bundleId: string; displayName?: string; version?: string; build?: string; minOS?: string; simulator?: boolean }, extra: PlistDictValue = {}): PlistDictValue {
  return {
    CFBundleDevelopmentRegion: 'en',
    ...(o.displayName ? { CFBundleDisplayName: o.displayName } : {}),
    CFBundleExecutable: o.name,
    CFBundleIdentifier: o.bundleId,
    CFBundleInfoDictionaryVersion: '6.0',
    CFBundleName: o.name,
    CFBundlePackageType: 'APPL',
    CFBundleShortVersionString: o.version ?? '1.0',
    CFBundleSupportedPlatforms: [o.simulator ? 'iPhoneSimulator' : 'iPhoneOS'],
    CFBundleVersion: o.build ?? '1',
    DTPlatformName: o.simulator ? 'iphonesimulator' : 'iphoneos',
    DTSDKName: o.simulator ? 'iphonesimulator14.0' : 'iphoneos14.0',
    LSRequiresIPhoneOS: true,
    MinimumOSVersion: o.minOS ?? '12.0',
    UIDeviceFamily: [1, 2],
    UILaunchStoryboardName: 'LaunchScreen',
    ...extra,
  };
}

/** A ten-character Apple team id for the samples (fictional). */
export const SAMPLE_TEAM_ID = 'EXAMPLE020';

/** `_CodeSignature/CodeResources`: present in every signed app; its hashes are not checked by trackscan. */
const CODE_RESOURCES: AppFile = { path: '_CodeSignature/CodeResources', data: writeXmlPlist({ files: {}, files2: {}, rules: { '^.*': true }, rules2: { '^.*': true } }) };

// ---- the demo sample: samples/campaign-app.ipa ---------------------------------------------------

export const CAMPAIGN_IOS_BUNDLE_ID = 'org.example.campaign2020';
export const CAMPAIGN_IOS_DISPLAY_NAME = 'Campaign 2020 (synthetic demo)';

/** The purpose strings of the campaign app's usage keys (what the user is shown; what a journalist quotes). */
export const CAMPAIGN_USAGE_TEXT = {
  NSContactsUsageDescription:
    'Campaign 2020 uses your contacts to find friends and family who support the campaign and to help you invite them. Your contacts are sent to the campaign to match them with our supporter lists.',
  NSLocationAlwaysAndWhenInUseUsageDescription:
    'Campaign 2020 uses your location, also when the app is closed, to tell you about rallies and events near you and to check you in automatically when you arrive.',
  NSLocationWhenInUseUsageDescription: 'Campaign 2020 uses your location to show rallies, events and volunteer opportunities near you.',
  NSBluetoothAlwaysUsageDescription: 'Campaign 2020 uses Bluetooth to detect beacons at campaign events, so it can welcome you and send you updates about the event you are at.',
  NSUserTrackingUsageDescription: 'Allow tracking so the campaign can measure its advertising and show you more relevant messages in other apps and websites.',
} as const;

/**
 * `samples/campaign-app.ipa`: the iOS twin of `samples/campaign-app.apk` — a fictional campaign app
 * modelled on what was publicly reported about the 2020 US presidential campaign app (Phunware's
 * location/beacon platform, the address book, location, Bluetooth), with Google Analytics for
 * Firebase linked statically into the executable and the Facebook SDK (Core/App Events, Login)
 * embedded as dynamic frameworks.
 */
export function campaignIpaSpec(): IosAppSpec {
  const NAME = 'Campaign2020';
  const appClasses = [
    'C20AppDelegate',
    'C20SceneDelegate',
    'C20MainViewController',
    'C20EventCheckInViewController',
    'C20ContactsUploader',
    'C20FriendMatcher',
    'C20BeaconMonitor',
    'C20CampaignAPI',
  ];
  // Firebase Analytics as CocoaPods links it: static, into the main executable
  const firebase = ['FIRApp', 'FIROptions', 'FIRConfiguration', 'FIRComponentContainer', 'FIRAnalytics', 'FIRAnalyticsConfiguration', 'APMMeasurement', 'APMIdentity', 'GULAppDelegateSwizzler'];
  const executable = mainExecutable({
    seed: `${NAME}.app/${NAME}`,
    minOS: '12.0',
    classes: objcClasses([...appClasses, ...firebase]),
    // the app's own code reads the address book (C20ContactsUploader)
    importedSymbols: ['_OBJC_CLASS_$_CNContactStore'],
    selectors: ['enumerateContactsWithFetchRequest:error:usingBlock:'],
    cStrings: [
      'https://api.campaign2020.example.com/v1/',
      'https://api.campaign2020.example.com/v1/contacts/upload',
      'https://api.campaign2020.example.com/v1/events/checkin',
      'https://media.campaign2020.example.com/',
      'https://app-measurement.com/a',
      'app-measurement.com',
      // Facebook Login permissions the app asks for
      'public_profile',
      'email',
      'user_friends',
      'user_location',
    ],
    dylibs: [
      FOUNDATION,
      UIKIT,
      systemFramework('Contacts'),
      systemFramework('CoreLocation'),
      systemFramework('CoreBluetooth'),
      systemFramework('AdSupport', 'weak'),
      systemFramework('AppTrackingTransparency', 'weak'),
      systemFramework('UserNotifications'),
      embeddedFramework('FBSDKCoreKit'),
      embeddedFramework('FBSDKLoginKit'),
      embeddedFramework('PWCore'),
      embeddedFramework('PWLocation'),
      embeddedFramework('PWMapKit'),
      embeddedFramework('PWEngagement'),
      LIBOBJC,
      LIBSYSTEM,
    ],
    codeSignature: {
      identifier: CAMPAIGN_IOS_BUNDLE_ID,
      teamId: SAMPLE_TEAM_ID,
      entitlements: writeXmlPlist({
        'application-identifier': `${SAMPLE_TEAM_ID}.${CAMPAIGN_IOS_BUNDLE_ID}`,
        'aps-environment': 'production',
        'com.apple.developer.associated-domains': ['applinks:campaign2020.example.com'],
        'com.apple.developer.team-identifier': SAMPLE_TEAM_ID,
        'keychain-access-groups': [`${SAMPLE_TEAM_ID}.${CAMPAIGN_IOS_BUNDLE_ID}`],
      }),
    },
  });
  const info = appInfo(
    { name: NAME, bundleId: CAMPAIGN_IOS_BUNDLE_ID, displayName: CAMPAIGN_IOS_DISPLAY_NAME, version: '2.0.3', build: '20201103', minOS: '12.0' },
    {
      ...CAMPAIGN_USAGE_TEXT,
      UIBackgroundModes: ['location', 'bluetooth-central', 'remote-notification'],
      CFBundleURLTypes: [{ CFBundleURLSchemes: ['fb000000000000000'] }, { CFBundleURLName: CAMPAIGN_IOS_BUNDLE_ID, CFBundleURLSchemes: ['campaign2020'] }],
      LSApplicationQueriesSchemes: ['fbapi', 'fb-messenger-share-api', 'fbauth2', 'fbshareextension'],
      // Facebook SDK configuration keys (Facebook's iOS "Getting started" guide)
      FacebookAppID: '000000000000000',
      FacebookClientToken: '00000000000000000000000000000000',
      FacebookDisplayName: 'Campaign 2020',
      FacebookAutoLogAppEventsEnabled: true,
      FacebookAdvertiserIDCollectionEnabled: true,
      FIREBASE_ANALYTICS_COLLECTION_ENABLED: true,
      // ad networks the app registers with for SKAdNetwork attribution (Facebook's and Google's ids)
      SKAdNetworkItems: [{ SKAdNetworkIdentifier: 'v9wttpbfk9.skadnetwork' }, { SKAdNetworkIdentifier: 'n38lu8286q.skadnetwork' }, { SKAdNetworkIdentifier: 'cstr6suwn9.skadnetwork' }],
      NSAppTransportSecurity: { NSExceptionDomains: { 'media.campaign2020.example.com': { NSExceptionAllowsInsecureHTTPLoads: true, NSIncludesSubdomains: true } } },
      UIRequiredDeviceCapabilities: ['arm64'],
    },
  );
  const fbManifest = privacyManifest({
    tracking: true,
    trackingDomains: ['ep1.facebook.com'],
    collected: [
      { type: 'NSPrivacyCollectedDataTypeOtherUsageData', linked: true, tracking: true, purposes: ['NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising', 'NSPrivacyCollectedDataTypePurposeAnalytics'] },
      { type: 'NSPrivacyCollectedDataTypeDeviceID', linked: true, tracking: true, purposes: ['NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising'] },
    ],
    apis: [{ type: 'NSPrivacyAccessedAPICategoryUserDefaults', reasons: ['CA92.1'] }],
  });
  const appManifest = privacyManifest({
    tracking: false,
    collected: [
      { type: 'NSPrivacyCollectedDataTypeContacts', linked: true, tracking: false, purposes: ['NSPrivacyCollectedDataTypePurposeAppFunctionality'] },
      { type: 'NSPrivacyCollectedDataTypePreciseLocation', linked: true, tracking: false, purposes: ['NSPrivacyCollectedDataTypePurposeAppFunctionality'] },
    ],
    apis: [
      { type: 'NSPrivacyAccessedAPICategoryUserDefaults', reasons: ['CA92.1'] },
      { type: 'NSPrivacyAccessedAPICategoryFileTimestamp', reasons: ['C617.1'] },
    ],
  });
  const pw = (name: string, classes: string[], extra: Partial<FrameworkSpec> = {}): AppFile[] =>
    framework({ name, bundleId: `com.phunware.${name}`, version: '3.9.1', classes, dylibs: [FOUNDATION, embeddedFramework('PWCore'), LIBOBJC, LIBSYSTEM], ...extra });
  return {
    name: NAME,
    info,
    executable,
    files: [
      { path: 'PrivacyInfo.xcprivacy', data: writeXmlPlist(appManifest) },
      {
        path: 'GoogleService-Info.plist',
        data: writeXmlPlist({
          API_KEY: 'AIzaSy00000000000000000000000000000000',
          BUNDLE_ID: CAMPAIGN_IOS_BUNDLE_ID,
          GCM_SENDER_ID: '000000000000',
          GOOGLE_APP_ID: '1:000000000000:ios:0000000000000000',
          IS_ANALYTICS_ENABLED: true,
          IS_ADS_ENABLED: false,
          PROJECT_ID: 'campaign2020-synthetic',
        }),
      },
      { path: 'Assets.car', data: new Uint8Array(64) },
      { path: 'Base.lproj/LaunchScreen.storyboardc/Info.plist', data: writeBinaryPlist({ UIStoryboardDesignatedEntryPointIdentifier: 'UIViewController-01J-lp-oVM', UIStoryboardVersion: 1 }) },
      { path: 'Campaign2020Resources.bundle/Info.plist', data: writeBinaryPlist({ CFBundleIdentifier: `${CAMPAIGN_IOS_BUNDLE_ID}.resources`, CFBundleName: 'Campaign2020Resources', CFBundlePackageType: 'BNDL' }) },
      { path: 'Campaign2020Resources.bundle/campaign-config.json', data: '{"api":"https://api.campaign2020.example.com/v1/","synthetic":true}\n' },
      CODE_RESOURCES,
      ...framework({
        name: 'FBSDKCoreKit',
        bundleId: 'com.facebook.sdk.FBSDKCoreKit',
        version: '17.0.0',
        classes: ['FBSDKApplicationDelegate', 'FBSDKAppEvents', 'FBSDKAppEventsUtility', 'FBSDKSettings', 'FBSDKGraphRequest', 'FBSDKGraphRequestConnection', 'FBSDKAccessToken', 'FBSDKProfile'],
        cStrings: ['https://graph.facebook.com/v17.0/', 'graph.facebook.com', 'https://ep1.facebook.com/'],
        dylibs: [FOUNDATION, UIKIT, systemFramework('AdSupport', 'weak'), systemFramework('AppTrackingTransparency', 'weak'), LIBOBJC, LIBSYSTEM],
        // the Facebook SDK reads the IDFA
        importedSymbols: ['_OBJC_CLASS_$_ASIdentifierManager'],
        selectors: ['advertisingIdentifier'],
        privacyManifest: fbManifest,
      }),
      ...framework({
        name: 'FBSDKLoginKit',
        bundleId: 'com.facebook.sdk.FBSDKLoginKit',
        version: '17.0.0',
        classes: ['FBSDKLoginManager', 'FBSDKLoginManagerLoginResult', 'FBSDKLoginButton', 'FBSDKLoginConfiguration'],
        cStrings: ['https://m.facebook.com/v17.0/dialog/oauth'],
        dylibs: [FOUNDATION, UIKIT, embeddedFramework('FBSDKCoreKit'), LIBOBJC, LIBSYSTEM],
        privacyManifest: privacyManifest({ tracking: false, apis: [{ type: 'NSPrivacyAccessedAPICategoryUserDefaults', reasons: ['CA92.1'] }] }),
      }),
      // Phunware's MaaS frameworks (names and classes from phunware/maas-*-ios-sdk on GitHub); no privacy manifests
      ...framework({
        name: 'PWCore',
        bundleId: 'com.phunware.PWCore',
        version: '3.9.1',
        classes: ['PWCore', 'PWAPIManager', 'PWAnalytics', 'PWLogger', 'PWCME'],
        cStrings: ['https://maas-api.phunware.com/v3/', 'https://maas-analytics.phunware.com/v3/events'],
        dylibs: [FOUNDATION, systemFramework('CoreTelephony'), systemFramework('SystemConfiguration'), systemFramework('CoreLocation', 'weak'), LIBOBJC, LIBSYSTEM],
      }),
      ...pw('PWLocation', ['PWManagedLocationManager', 'PWBeaconPointLocationManager', 'PWGPSLocationManager', 'PWIndoorLocation'], {
        // Phunware's location/beacon SDK, not the app, requests location and scans Bluetooth
        importedSymbols: ['_OBJC_CLASS_$_CLLocationManager', '_OBJC_CLASS_$_CBCentralManager'],
        selectors: ['startUpdatingLocation', 'requestAlwaysAuthorization', 'startMonitoringForRegion:', 'startRangingBeaconsSatisfyingConstraint:', 'scanForPeripheralsWithServices:options:'],
        dylibs: [FOUNDATION, systemFramework('CoreLocation'), systemFramework('CoreBluetooth'), systemFramework('CoreMotion'), embeddedFramework('PWCore'), LIBOBJC, LIBSYSTEM],
      }),
      ...pw('PWMapKit', ['PWMapView', 'PWBuilding', 'PWPointOfInterest', 'PWRouteInstruction'], {
        dylibs: [FOUNDATION, systemFramework('MapKit'), embeddedFramework('PWCore'), embeddedFramework('PWLocation'), LIBOBJC, LIBSYSTEM],
      }),
      ...pw('PWEngagement', ['PWEngagement', 'PWMEZoneMessage', 'PWMEGeozone', 'PWBeaconManager'], {
        dylibs: [FOUNDATION, systemFramework('CoreLocation'), systemFramework('UserNotifications'), embeddedFramework('PWCore'), LIBOBJC, LIBSYSTEM],
      }),
    ],
  };
}

export function campaignIpa(): Uint8Array {
  return buildIpa(campaignIpaSpec());
}

// ---- golden-test fixtures (each named after what it tests) ---------------------------------------

const BASIC_DYLIBS = [FOUNDATION, UIKIT, LIBOBJC, LIBSYSTEM];

/** A fat (arm64 + x86_64) main executable with AppsFlyer and Adjust linked statically into it. */
export function fatStaticSpec(): IosAppSpec {
  const NAME = 'FatStatic';
  const classes = objcClasses([
    'FSAppDelegate',
    'FSRootViewController',
    // AppsFlyer (AppsFlyerLib, statically linked)
    'AppsFlyerLib',
    'AppsFlyerTracker',
    'AppsFlyerDeepLinkResult',
    'AppsFlyerCrossPromotionHelper',
    // Adjust (statically linked)
    'Adjust',
    'ADJConfig',
    'ADJEvent',
    'ADJAttribution',
    'ADJActivityHandler',
    'ADJPackageBuilder',
  ]);
  const cStrings = ['https://launches.appsflyersdk.com/api/v6.3/iosevent', 'https://app.adjust.com/session', 'https://api.fatstatic.example.com/'];
  const slice = (arch: 'arm64' | 'x86_64') =>
    buildMachO({
      fileType: 'execute',
      arch,
      uuid: fixtureUuid(`${NAME}-${arch}`),
      rpaths: ['@executable_path/Frameworks'],
      classes,
      cStrings,
      dylibs: [...BASIC_DYLIBS, systemFramework('AdSupport', 'weak'), systemFramework('iAd', 'weak'), systemFramework('StoreKit')],
      ...(arch === 'x86_64' ? { platform: C.PLATFORM_IOSSIMULATOR } : {}),
    });
  return {
    name: NAME,
    info: appInfo({ name: NAME, bundleId: 'org.example.fatstatic', displayName: 'Fat Static', version: '4.1', build: '41' }),
    executable: buildFat([slice('arm64'), slice('x86_64')]),
    files: [CODE_RESOURCES],
  };
}

/**
 * An App Store download: the main executable and the embedded framework are FairPlay-encrypted
 * (cryptid 1). Firebase Analytics is linked statically into the executable — inside the encrypted
 * range, so it must not be seen; Facebook is an embedded framework, still named by its folder,
 * Info.plist, the load commands and the Info.plist keys.
 */
export function encryptedSpec(): IosAppSpec {
  const NAME = 'Encrypted';
  return {
    name: NAME,
    info: appInfo({ name: NAME, bundleId: 'org.example.encrypted', displayName: 'Encrypted', version: '7.2', build: '702' }, { FacebookAppID: '000000000000000', FacebookClientToken: '00000000000000000000000000000000' }),
    executable: mainExecutable({
      seed: NAME,
      classes: objcClasses(['ENAppDelegate', 'ENFeedViewController', 'FIRApp', 'FIRAnalytics', 'FIRAnalyticsConfiguration', 'APMMeasurement']),
      cStrings: ['https://app-measurement.com/a', 'https://api.encrypted.example.com/'],
      dylibs: [...BASIC_DYLIBS, systemFramework('AdSupport', 'weak'), embeddedFramework('FBSDKCoreKit')],
      encryption: { cryptid: 1 },
      codeSignature: { identifier: 'org.example.encrypted', teamId: SAMPLE_TEAM_ID, entitlements: writeXmlPlist({ 'application-identifier': `${SAMPLE_TEAM_ID}.org.example.encrypted`, 'com.apple.developer.team-identifier': SAMPLE_TEAM_ID }) },
    }),
    files: [
      CODE_RESOURCES,
      ...framework({
        name: 'FBSDKCoreKit',
        bundleId: 'com.facebook.sdk.FBSDKCoreKit',
        version: '14.1.0',
        classes: ['FBSDKApplicationDelegate', 'FBSDKAppEvents', 'FBSDKSettings'],
        cStrings: ['https://graph.facebook.com/v14.0/'],
        encryption: { cryptid: 1 },
      }),
    ],
  };
}

/** A simulator build, shared as a zipped `.app` (no Payload/): x86_64 executable for the iOS simulator, ad-hoc signed, with an arm64 simulator framework. */
export function simulatorSpec(): IosAppSpec {
  const NAME = 'SimApp';
  return {
    name: NAME,
    info: appInfo({ name: NAME, bundleId: 'org.example.simapp', displayName: 'Sim App', version: '0.9', build: '9', simulator: true }),
    executable: mainExecutable({
      seed: NAME,
      arch: 'x86_64',
      platform: C.PLATFORM_IOSSIMULATOR,
      classes: objcClasses(['SAAppDelegate', 'SAListViewController', 'SEGAnalytics', 'SEGAnalyticsConfiguration', 'SEGSegmentIntegration']),
      cStrings: ['https://api.segment.io/v1/batch', 'https://cdn-settings.segment.com/v1/projects/'],
      dylibs: [...BASIC_DYLIBS, embeddedFramework('Sentry')],
      codeSignature: { identifier: 'org.example.simapp' },
    }),
    files: [
      ...framework({
        name: 'Sentry',
        bundleId: 'io.sentry.Sentry',
        version: '8.9.1',
        arch: 'x86_64',
        platform: C.PLATFORM_IOSSIMULATOR,
        classes: ['SentrySDK', 'SentryOptions', 'SentryClient', 'SentryHub', 'SentryCrashReporter'],
        cStrings: ['https://o0.ingest.sentry.io/api/0/envelope/'],
      }),
    ],
  };
}

/** An `.app` folder given directly (Info.plist at the top): OneSignal embedded, Mixpanel linked statically. */
export function appFolderSpec(): IosAppSpec {
  const NAME = 'FolderApp';
  return {
    name: NAME,
    info: appInfo({ name: NAME, bundleId: 'org.example.folderapp', displayName: 'Folder App', version: '3.0', build: '300' }, { UIBackgroundModes: ['remote-notification'] }),
    infoFormat: 'xml',
    executable: mainExecutable({
      seed: NAME,
      classes: objcClasses(['FAAppDelegate', 'FAInboxViewController', 'Mixpanel', 'MixpanelPeople', 'MixpanelType']),
      cStrings: ['https://api.mixpanel.com/track/', 'https://api.folderapp.example.com/'],
      dylibs: [...BASIC_DYLIBS, embeddedFramework('OneSignal')],
      codeSignature: { identifier: 'org.example.folderapp', teamId: SAMPLE_TEAM_ID, entitlements: writeXmlPlist({ 'aps-environment': 'development' }) },
    }),
    files: [
      CODE_RESOURCES,
      ...framework({ name: 'OneSignal', bundleId: 'com.onesignal.OneSignal', version: '3.12.4', classes: ['OneSignal', 'OneSignalHelper', 'OneSignalTracker'], cStrings: ['https://api.onesignal.com/'] }),
    ],
  };
}

/**
 * An SDK framework renamed to hide it: folder and binary `Vendor01`, empty CFBundleIdentifier,
 * and the executable links it under that name. Only the Mach-O's own classes say it is AppsFlyer.
 */
export function renamedFrameworkSpec(): IosAppSpec {
  const NAME = 'Renamed';
  return {
    name: NAME,
    info: appInfo({ name: NAME, bundleId: 'org.example.renamed', displayName: 'Renamed', version: '1.5', build: '15' }),
    executable: mainExecutable({
      seed: NAME,
      classes: objcClasses(['RNAppDelegate', 'RNHomeViewController']),
      dylibs: [...BASIC_DYLIBS, embeddedFramework('Vendor01')],
    }),
    files: [
      ...framework({
        name: 'Vendor01',
        bundleId: '',
        version: '1.0',
        classes: ['AppsFlyerLib', 'AppsFlyerTracker', 'AppsFlyerDeepLinkResult', 'AppsFlyerCrossPromotionHelper', 'AppsFlyerLinkGenerator'],
        cStrings: ['https://launches.%@/api/v6.3/iosevent', 'https://inapps.appsflyersdk.com/api/v6.3/validateAndLog'],
      }),
    ],
  };
}

/**
 * Swift SDKs linked statically: their classes carry Swift's Objective-C runtime names
 * (`_TtC<len><Module><len><Class>`, nested `_TtCC…`, generic `_TtGC…`), so they are known only by
 * their module, which is the SDK's framework name. The app's own Swift classes (module `Pollster`)
 * belong to no SDK.
 */
export function swiftSpec(): IosAppSpec {
  const NAME = 'Pollster';
  return {
    name: NAME,
    info: appInfo({ name: NAME, bundleId: 'org.example.pollster', displayName: 'Pollster', version: '2.2', build: '220' }),
    executable: mainExecutable({
      seed: NAME,
      classes: objcClasses([
        '_TtC8Pollster11AppDelegate',
        '_TtC8Pollster13SceneDelegate',
        '_TtC8Pollster18PollViewController',
        // Braze Swift SDK (module BrazeKit)
        '_TtC8BrazeKit5Braze',
        '_TtCC8BrazeKit5Braze13Configuration',
        '_TtCC8BrazeKit5Braze9Analytics',
        // Amplitude-Swift (module AmplitudeSwift)
        '_TtC14AmplitudeSwift9Amplitude',
        '_TtC14AmplitudeSwift13Configuration',
        // AppsFlyer (module AppsFlyerLib), a generic class
        '_TtGC12AppsFlyerLib13AFSDKObserverSS_',
        // Datadog RUM (module DatadogRUM)
        '_TtC10DatadogRUM10RUMMonitor',
      ]),
      cStrings: ['https://sdk.iad-01.braze.com/api/v3/data', 'https://api2.amplitude.com/2/httpapi', 'https://browser-intake-datadoghq.com/api/v2/rum'],
      dylibs: [...BASIC_DYLIBS, { name: '/usr/lib/swift/libswiftCore.dylib', currentVersion: '5.9.0' }, { name: '/usr/lib/swift/libswiftFoundation.dylib', currentVersion: '1.0.0' }],
    }),
    files: [CODE_RESOURCES],
  };
}

/**
 * No trackers: the app's own classes merely look like SDK prefixes — `FIRST…` is not Firebase's
 * `FIR…`, `BranchOffice…` is not Branch, `ADJacent…` is not Adjust's `ADJ…`, `GADGET…` is not Google
 * Mobile Ads' `GAD…`, `UADSampler…` is not Unity Ads' `UADS…`.
 */
export const LOOKALIKE_CLASSES = ['FIRSTViewController', 'BranchOfficeViewController', 'ADJacentView', 'GADGETListViewController', 'UADSamplerView'] as const;

export function noTrackersSpec(): IosAppSpec {
  const NAME = 'Lookalikes';
  return {
    name: NAME,
    info: appInfo({ name: NAME, bundleId: 'org.example.lookalikes', displayName: 'Look-alikes', version: '1.0', build: '1' }),
    executable: mainExecutable({
      seed: NAME,
      classes: objcClasses(['LKAppDelegate', ...LOOKALIKE_CLASSES]),
      cStrings: ['https://api.lookalikes.example.com/v2/', 'https://www.example.org/help'],
      dylibs: BASIC_DYLIBS,
    }),
    files: [CODE_RESOURCES, { path: 'PrivacyInfo.xcprivacy', data: writeXmlPlist(privacyManifest({ tracking: false })) }],
  };
}

/**
 * Privacy manifests that declare everything: the app and both tracking SDKs (Facebook App Events,
 * AppsFlyer) declare tracking, and every tracking host in the code is under a declared tracking
 * domain. No declared-vs-detected check may fire.
 */
export function privacyDeclaredSpec(): IosAppSpec {
  const NAME = 'Declared';
  const fbDomains = ['graph.facebook.com', 'ep1.facebook.com'];
  const afDomains = ['appsflyersdk.com'];
  return {
    name: NAME,
    info: appInfo(
      { name: NAME, bundleId: 'org.example.declared', displayName: 'Declared', version: '5.0', build: '500' },
      { FacebookAppID: '000000000000000', NSUserTrackingUsageDescription: 'Your data will be used to measure advertising and show you relevant ads.' },
    ),
    executable: mainExecutable({
      seed: NAME,
      classes: objcClasses(['DCAppDelegate', 'DCMainViewController']),
      cStrings: ['https://api.declared.example.com/'],
      dylibs: [...BASIC_DYLIBS, systemFramework('AppTrackingTransparency'), embeddedFramework('FBSDKCoreKit'), embeddedFramework('AppsFlyerLib')],
    }),
    files: [
      { path: 'PrivacyInfo.xcprivacy', data: writeXmlPlist(privacyManifest({ tracking: true, trackingDomains: [...fbDomains, ...afDomains], collected: [{ type: 'NSPrivacyCollectedDataTypeDeviceID', linked: false, tracking: true, purposes: ['NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising'] }] })) },
      ...framework({
        name: 'FBSDKCoreKit',
        bundleId: 'com.facebook.sdk.FBSDKCoreKit',
        version: '17.0.0',
        classes: ['FBSDKApplicationDelegate', 'FBSDKAppEvents', 'FBSDKSettings'],
        cStrings: ['https://graph.facebook.com/v17.0/', 'https://ep1.facebook.com/'],
        privacyManifest: privacyManifest({ tracking: true, trackingDomains: fbDomains }),
      }),
      ...framework({
        name: 'AppsFlyerLib',
        bundleId: 'com.appsflyer.AppsFlyerLib',
        version: '6.13.0',
        classes: ['AppsFlyerLib', 'AppsFlyerDeepLinkResult'],
        cStrings: ['https://launches.appsflyersdk.com/api/v6.13/iosevent'],
        privacyManifest: privacyManifest({ tracking: true, trackingDomains: afDomains }),
      }),
    ],
  };
}

/**
 * Usage descriptions: every `NS*UsageDescription` key present must be reported with its exact
 * text — common and rare keys, keys our capability table does not know, the dictionary-valued
 * NSLocationTemporaryUsageDescriptionDictionary, non-ASCII and multi-line text, and a key only an
 * app extension declares. Look-alike keys that are not usage descriptions must not be.
 */
export const USAGE_KEYS_APP: Record<string, string> = {
  NFCReaderUsageDescription: 'Scan the NFC tag on your membership card.',
  NSBluetoothAlwaysUsageDescription: 'Finds your fitness tracker nearby.',
  NSCalendarsFullAccessUsageDescription: 'Adds meetups to your calendar and checks for clashes.',
  NSCameraUsageDescription: 'Take a photo for your profile.',
  NSContactsUsageDescription: 'Invite friends from your address book — we never store numbers we do not need.',
  NSFaceIDUsageDescription: 'Unlock the app with Face ID.',
  NSFocusStatusUsageDescription: 'Lets friends see when you have notifications silenced.',
  NSHealthShareUsageDescription: 'Reads your step count to rank you on the leaderboard.',
  NSHealthUpdateUsageDescription: 'Saves your workouts to Health.',
  NSIdentityUsageDescription: 'Verifies your age with the ID in your Wallet.',
  NSLocalNetworkUsageDescription: 'Finds TVs on your Wi-Fi network to cast to.',
  NSLocationAlwaysAndWhenInUseUsageDescription: 'Records your runs even when the app is in the background.\nYou can turn this off in Settings.',
  NSLocationWhenInUseUsageDescription: 'Shows meetups near you.',
  NSMicrophoneUsageDescription: 'Record voice notes for your group.',
  NSMotionUsageDescription: 'Counts your steps.',
  NSPhotoLibraryAddUsageDescription: 'Save pictures from the chat.',
  NSPhotoLibraryUsageDescription: 'Share photos with your group. « Photos » → “Partager”.',
  NSSpeechRecognitionUsageDescription: 'Transcribes your voice notes.',
  NSUserTrackingUsageDescription: 'Lets us show you ads for meetups you might like.',
};
export const USAGE_KEYS_TEMPORARY_LOCATION = {
  ExactLocationForCheckIn: 'Check-in needs your exact location to confirm you are at the meetup.',
  ExactLocationForRoutes: 'Turn-by-turn directions need your exact location.',
};
export const USAGE_KEYS_EXTENSION: Record<string, string> = {
  NSMicrophoneUsageDescription: 'The keyboard extension records dictation.',
  NSSiriUsageDescription: 'Start a run with Siri.',
};

export function usageKeysSpec(): IosAppSpec {
  const NAME = 'Meetups';
  return {
    name: NAME,
    info: appInfo(
      { name: NAME, bundleId: 'org.example.meetups', displayName: 'Meetups', version: '9.0', build: '900' },
      {
        ...USAGE_KEYS_APP,
        NSLocationTemporaryUsageDescriptionDictionary: USAGE_KEYS_TEMPORARY_LOCATION,
        // look-alikes that are not usage descriptions
        NSLocationDefaultAccuracyReduced: true,
        NSBonjourServices: ['_meetups._tcp'],
        NSHealthRequiredReadAuthorizationTypeIdentifiers: ['HKQuantityTypeIdentifierStepCount'],
        UsageDescriptionNote: 'not a usage key',
      },
    ),
    executable: mainExecutable({ seed: NAME, classes: objcClasses(['MTAppDelegate']), dylibs: BASIC_DYLIBS }),
    files: [...appExtension('MeetupsKeyboard', 'org.example.meetups.keyboard', { ...USAGE_KEYS_EXTENSION, NSExtension: { NSExtensionPointIdentifier: 'com.apple.keyboard-service' } }, ['MTKeyboardViewController'])],
  };
}

/** The iOS fixtures of test/golden/ios.test.ts, by file name; `kind` says how each is packaged. */
export const IOS_FIXTURES: readonly { name: string; kind: 'ipa' | 'zipped-app' | 'folder'; spec: () => IosAppSpec }[] = [
  { name: 'ios-fat-static.ipa', kind: 'ipa', spec: fatStaticSpec },
  { name: 'ios-encrypted.ipa', kind: 'ipa', spec: encryptedSpec },
  { name: 'ios-simulator.zip', kind: 'zipped-app', spec: simulatorSpec },
  { name: 'ios-app-folder.app', kind: 'folder', spec: appFolderSpec },
  { name: 'ios-renamed-framework.ipa', kind: 'ipa', spec: renamedFrameworkSpec },
  { name: 'ios-swift.ipa', kind: 'ipa', spec: swiftSpec },
  { name: 'ios-no-trackers.ipa', kind: 'ipa', spec: noTrackersSpec },
  { name: 'ios-privacy-declared.ipa', kind: 'ipa', spec: privacyDeclaredSpec },
  { name: 'ios-usage-keys.ipa', kind: 'ipa', spec: usageKeysSpec },
];
