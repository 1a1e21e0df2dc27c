/**
 * Framework attribute resource IDs (android.R.attr) that matter for manifests and network
 * security config. Android identifies `android:` attributes by these IDs (through the
 * RES_XML_RESOURCE_MAP chunk), never by their name strings, which obfuscators rename.
 *
 * Source: AOSP frameworks/base/core/res/res/values/public.xml (and public-final.xml), the
 * published android.R.attr constants:
 * https://developer.android.com/reference/android/R.attr
 * Each ID below is also cross-checked against the resource maps of the real APKs in the test
 * suite (test/formats/axml-aapt.test.ts) where they occur.
 */

export const ANDROID_NS = 'http://schemas.android.com/apk/res/android';

/** android.R.attr name → resource ID */
export const ANDROID_ATTR_IDS: Readonly<Record<string, number>> = Object.freeze({
  theme: 0x01010000,
  label: 0x01010001,
  icon: 0x01010002,
  name: 0x01010003,
  manageSpaceActivity: 0x01010004,
  allowClearUserData: 0x01010005,
  permission: 0x01010006,
  readPermission: 0x01010007,
  writePermission: 0x01010008,
  protectionLevel: 0x01010009,
  permissionGroup: 0x0101000a,
  sharedUserId: 0x0101000b,
  hasCode: 0x0101000c,
  persistent: 0x0101000d,
  enabled: 0x0101000e,
  debuggable: 0x0101000f,
  exported: 0x01010010,
  process: 0x01010011,
  taskAffinity: 0x01010012,
  multiprocess: 0x01010013,
  finishOnTaskLaunch: 0x01010014,
  clearTaskOnLaunch: 0x01010015,
  stateNotNeeded: 0x01010016,
  excludeFromRecents: 0x01010017,
  authorities: 0x01010018,
  syncable: 0x01010019,
  initOrder: 0x0101001a,
  grantUriPermissions: 0x0101001b,
  priority: 0x0101001c,
  launchMode: 0x0101001d,
  screenOrientation: 0x0101001e,
  configChanges: 0x0101001f,
  description: 0x01010020,
  targetPackage: 0x01010021,
  handleProfiling: 0x01010022,
  functionalTest: 0x01010023,
  value: 0x01010024,
  resource: 0x01010025,
  mimeType: 0x01010026,
  scheme: 0x01010027,
  host: 0x01010028,
  port: 0x01010029,
  path: 0x0101002a,
  pathPrefix: 0x0101002b,
  pathPattern: 0x0101002c,
  action: 0x0101002d,
  data: 0x0101002e,
  targetClass: 0x0101002f,
  targetActivity: 0x01010202,
  alwaysRetainTaskState: 0x01010203,
  allowTaskReparenting: 0x01010204,
  minSdkVersion: 0x0101020c,
  versionCode: 0x0101021b,
  versionName: 0x0101021c,
  windowSoftInputMode: 0x0101022b,
  noHistory: 0x0101022d,
  targetSdkVersion: 0x01010270,
  maxSdkVersion: 0x01010271,
  testOnly: 0x01010272,
  backupAgent: 0x0101027f,
  allowBackup: 0x01010280,
  glEsVersion: 0x01010281,
  required: 0x0101028e,
  installLocation: 0x010102b7,
  vmSafeMode: 0x010102b8,
  logo: 0x010102be,
  hardwareAccelerated: 0x010102d3,
  largeHeap: 0x0101035a,
  uiOptions: 0x01010398,
  parentActivityName: 0x010103a7,
  isolatedProcess: 0x010103a9,
  supportsRtl: 0x010103af,
  extractNativeLibs: 0x010104ea,
  fullBackupContent: 0x010104eb,
  usesCleartextTraffic: 0x010104ec,
  autoVerify: 0x010104ee,
  directBootAware: 0x01010505,
  networkSecurityConfig: 0x01010527,
  roundIcon: 0x0101052c,
  compileSdkVersion: 0x01010572,
  compileSdkVersionCodename: 0x01010573,
  appComponentFactory: 0x0101057a,
});

/** resource ID → android.R.attr name */
export const ANDROID_ATTR_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ANDROID_ATTR_IDS).map(([name, id]) => [id, name]),
);

/** The framework package: resource IDs 0x01xxxxxx. */
export function isFrameworkResourceId(id: number): boolean {
  return id >>> 24 === 0x01;
}

export function androidAttrName(id: number): string | undefined {
  return ANDROID_ATTR_NAMES.get(id);
}

export function androidAttrId(name: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(ANDROID_ATTR_IDS, name) ? ANDROID_ATTR_IDS[name] : undefined;
}
