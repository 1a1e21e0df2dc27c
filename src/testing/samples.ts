/**
 * Synthetic APKs built with the project's own writers (AXML, ARSC, DEX, APK Signing Block, zip):
 * the demo sample `samples/campaign-app.apk` (`npm run samples`) and the golden-test fixtures
 * (test/golden/). Every byte is deterministic: zip entries carry no dates, the DEX writer sorts
 * its tables, and the one certificate is a fixed DER constant (generated once with
 * {@link buildSelfSignedCertificate}; a fresh key per build would change the bytes).
 *
 * Nothing here is a real app. Class names, hosts and keys are modelled on what SDK vendors
 * document publicly; the campaign app's own package and hosts are fictional (`.example.com`).
 */
import type { TypedValue } from '../formats/res-value.js';
import { writeArsc } from './arsc-writer.js';
import { writeAxml, type AxmlWriteOptions, type WAttr, type WElement } from './axml-writer.js';
import { asm, buildDex, codeOf, type DexWriterClass, type DexWriterFieldRef, type DexWriterInput, type DexWriterMethod, type DexWriterMethodRef } from './dex-writer.js';
import { buildApkSigningBlock } from './signing-writer.js';
import { writeZip, type ZipWriterEntry } from './zip-writer.js';

// ---- generic APK building ------------------------------------------------------------------------

/** `R.string.*` IDs in the resources.arsc the builder writes (package 0x7f, type 1 = string). */
export const STRING_ID_BASE = 0x7f010000;

export interface ApkSpec {
  manifest: WElement;
  manifestOptions?: AxmlWriteOptions;
  /** string resources, in ID order from {@link STRING_ID_BASE}; none → no resources.arsc */
  strings?: { key: string; value: string }[];
  /** DEX entries, written in this order under these names */
  dex?: { entry: string; input: DexWriterInput }[];
  /** further entries (META-INF version files, native libraries, assets) */
  files?: ZipWriterEntry[];
  /** DER certificate: an APK Signing Block v2 with one signer is inserted before the central directory */
  certificate?: Uint8Array;
}

/** Builds the APK bytes for a spec. */
export function buildApk(spec: ApkSpec): Uint8Array {
  const pkg = manifestPackage(spec.manifest);
  const entries: ZipWriterEntry[] = [{ name: 'AndroidManifest.xml', data: writeAxml(spec.manifest, spec.manifestOptions) }];
  for (const d of spec.dex ?? []) entries.push({ name: d.entry, data: buildDex(d.input) });
  if (spec.strings?.length) {
    const arsc = writeArsc({ packageName: pkg, types: [{ name: 'string', chunks: [{ entries: spec.strings.map((s) => ({ key: s.key, value: s.value })) }] }] });
    // resources.arsc is stored uncompressed in real APKs (Android maps it)
    entries.push({ name: 'resources.arsc', data: arsc, compress: false });
  }
  entries.push(...(spec.files ?? []));
  const zip = writeZip(entries);
  if (!spec.certificate) return zip;
  return insertBeforeCentralDirectory(zip, buildApkSigningBlock({ v2: [{ certificates: [spec.certificate] }] }));
}

/** Places `block` between the last entry and the central directory and fixes the EOCD offset. */
export function insertBeforeCentralDirectory(zip: Uint8Array, block: Uint8Array): Uint8Array {
  const eocd = zip.length - 22; // the writer's zips have no comment
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (dv.getUint32(eocd, true) !== 0x06054b50) throw new Error('insertBeforeCentralDirectory: no end-of-central-directory record at the end');
  const cdOffset = dv.getUint32(eocd + 16, true);
  const out = new Uint8Array(zip.length + block.length);
  out.set(zip.subarray(0, cdOffset));
  out.set(block, cdOffset);
  out.set(zip.subarray(cdOffset), cdOffset + block.length);
  new DataView(out.buffer).setUint32(eocd + block.length + 16, cdOffset + block.length, true);
  return out;
}

function manifestPackage(m: WElement): string {
  const a = (m.attrs ?? []).find((x) => x.name === 'package');
  return typeof a?.value === 'string' ? a.value : 'com.example.app';
}

// ---- manifest helpers ----------------------------------------------------------------------------

export interface ManifestSpec {
  packageName: string;
  versionCode?: number;
  versionName?: string;
  compileSdk?: number;
  minSdk?: number;
  targetSdk?: number;
  /** a string, or a `@string/…` reference (an ID from STRING_ID_BASE) */
  label?: string | { ref: number };
  /** android:name of <application> */
  applicationClass?: string;
  permissions?: (string | { name: string; maxSdkVersion: number })[];
  /** children of <application>: components and meta-data */
  application?: WElement[];
}

const a = (name: string, value: WAttr['value']): WAttr => ({ android: true, name, value });
const ref = (id: number): TypedValue => ({ type: 'reference', id });

export function manifest(s: ManifestSpec): WElement {
  const appAttrs: WAttr[] = [];
  if (s.label !== undefined) appAttrs.push(a('label', typeof s.label === 'string' ? s.label : ref(s.label.ref)));
  if (s.applicationClass) appAttrs.push(a('name', s.applicationClass));
  appAttrs.push(a('allowBackup', false));
  return {
    name: 'manifest',
    attrs: [
      a('versionCode', s.versionCode ?? 1),
      a('versionName', s.versionName ?? '1.0'),
      a('compileSdkVersion', s.compileSdk ?? 30),
      { name: 'package', value: s.packageName },
    ],
    children: [
      { name: 'uses-sdk', attrs: [a('minSdkVersion', s.minSdk ?? 21), a('targetSdkVersion', s.targetSdk ?? 30)] },
      ...(s.permissions ?? []).map(
        (p): WElement => ({
          name: 'uses-permission',
          attrs: typeof p === 'string' ? [a('name', p)] : [a('name', p.name), a('maxSdkVersion', p.maxSdkVersion)],
        }),
      ),
      { name: 'application', attrs: appAttrs, children: s.application ?? [] },
    ],
  };
}

function intentFilter(actions: string[], categories: string[] = [], data: WAttr[] = []): WElement {
  return {
    name: 'intent-filter',
    children: [
      ...actions.map((x): WElement => ({ name: 'action', attrs: [a('name', x)] })),
      ...categories.map((x): WElement => ({ name: 'category', attrs: [a('name', x)] })),
      ...(data.length ? [{ name: 'data', attrs: data }] : []),
    ],
  };
}

/** The exported MAIN/LAUNCHER activity. */
export function launcherActivity(name: string): WElement {
  return { name: 'activity', attrs: [a('name', name), a('exported', true)], children: [intentFilter(['android.intent.action.MAIN'], ['android.intent.category.LAUNCHER'])] };
}

export function component(kind: 'activity' | 'service' | 'receiver' | 'provider', name: string, attrs: Record<string, WAttr['value']> = {}, children: WElement[] = []): WElement {
  return { name: kind, attrs: [a('name', name), ...Object.entries(attrs).map(([k, v]) => a(k, v))], children };
}

export function metaData(name: string, value: string | boolean | number | { ref: number }): WElement {
  return { name: 'meta-data', attrs: [a('name', name), a('value', typeof value === 'object' ? ref(value.ref) : value)] };
}

// ---- DEX helpers ---------------------------------------------------------------------------------

export function descriptor(javaName: string): string {
  return `L${javaName.replace(/\./g, '/')};`;
}

/** Classes with a constructor each; `extends` maps a class to its Java superclass. */
export function classes(names: string[], supers: Record<string, string> = {}): DexWriterClass[] {
  return names.map((n) => ({
    descriptor: descriptor(n),
    ...(supers[n] ? { superclass: descriptor(supers[n]) } : {}),
    directMethods: [{ name: '<init>' }],
  }));
}

/** Adds methods (with their code) to classes built by {@link classes}, by Java class name. */
export function withMethods(list: DexWriterClass[], methods: Record<string, { direct?: DexWriterMethod[]; virtual?: DexWriterMethod[] }>): DexWriterClass[] {
  const known = new Set(list.map((c) => c.descriptor));
  for (const n of Object.keys(methods)) if (!known.has(descriptor(n))) throw new Error(`withMethods: no class ${n}`);
  return list.map((c) => {
    const m = Object.entries(methods).find(([n]) => descriptor(n) === c.descriptor)?.[1];
    if (!m) return c;
    return { ...c, directMethods: [...(c.directMethods ?? []), ...(m.direct ?? [])], virtualMethods: [...(c.virtualMethods ?? []), ...(m.virtual ?? [])] };
  });
}

/** A call site's worth of reference: the method is referenced, its class is not defined here. */
export function methodRef(javaClass: string, name: string, returnType = 'V', parameters: string[] = []): DexWriterMethodRef {
  return { classDescriptor: descriptor(javaClass), name, returnType, parameters };
}

export function versionFile(artifact: string, version: string): ZipWriterEntry {
  const [group, name] = artifact.split(':');
  return { name: `META-INF/${group}_${name}.version`, data: `${version}\n` };
}

// ---- the demo sample -----------------------------------------------------------------------------

/**
 * The one signing certificate of the samples: self-signed EC P-256, "C=US, O=trackscan synthetic
 * samples, CN=Campaign 2020 (synthetic demo)", serial 0x20201103, valid 2020-01-01 to 2050-01-01.
 */
export const SAMPLE_CERTIFICATE_DER: Uint8Array = Uint8Array.from(
  Buffer.from(
    'MIIBqjCCAVCgAwIBAgIEICARAzAKBggqhkjOPQQDAjBcMQswCQYDVQQGEwJVUzEkMCIGA1UECgwbdHJhY2tzY2FuIHN5bnRoZXRpYyBzYW1wbGVzMScwJQYDVQQDDB5DYW1wYWlnbiAyMDIwIChzeW50aGV0aWMgZGVtbykwIBcNMjAwMTAxMDAwMDAwWhgPMjA1MDAxMDEwMDAwMDBaMFwxCzAJBgNVBAYTAlVTMSQwIgYDVQQKDBt0cmFja3NjYW4gc3ludGhldGljIHNhbXBsZXMxJzAlBgNVBAMMHkNhbXBhaWduIDIwMjAgKHN5bnRoZXRpYyBkZW1vKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI1/Dun3FyiM0bxWpK4UDvaqyZpsBvqzEQ7MrbxcaZR24+oOmcSYDmbqHyuAzNHju8tlpCgdbaOXyB4lQ1DqEdUwCgYIKoZIzj0EAwIDSAAwRQIhAI/S+mTbWomu+0SHCquQfsv3bEOWVzq6oWnbr87UxJU0AiAMxrF5V4wuC8NLGu1HFv0D6aPIQk+OLc9IgtwgO0dsQQ==',
    'base64',
  ),
);

export const CAMPAIGN_PACKAGE = 'org.example.campaign2020';
export const CAMPAIGN_LABEL = 'Campaign 2020 (synthetic demo)';

/**
 * `samples/campaign-app.apk`: a fictional campaign app modelled on what was publicly reported
 * about the 2020 US presidential campaign app — built on Phunware's location/beacon platform,
 * reading contacts, tracking location and using Bluetooth — with Google Analytics for Firebase
 * and the Facebook SDK (App Events and Login).
 */
export function campaignAppSpec(): ApkSpec {
  const P = CAMPAIGN_PACKAGE;
  const APP_NAME = STRING_ID_BASE;
  const FACEBOOK_APP_ID = STRING_ID_BASE + 1;
  const FACEBOOK_CLIENT_TOKEN = STRING_ID_BASE + 2;
  const m = manifest({
    packageName: P,
    versionCode: 20201103,
    versionName: '2.0.3-synthetic',
    compileSdk: 30,
    minSdk: 21,
    targetSdk: 30,
    label: { ref: APP_NAME },
    applicationClass: `${P}.CampaignApplication`,
    permissions: [
      'android.permission.INTERNET',
      'android.permission.ACCESS_NETWORK_STATE',
      'android.permission.READ_CONTACTS',
      'android.permission.ACCESS_FINE_LOCATION',
      'android.permission.ACCESS_COARSE_LOCATION',
      'android.permission.ACCESS_BACKGROUND_LOCATION',
      { name: 'android.permission.BLUETOOTH', maxSdkVersion: 30 },
      { name: 'android.permission.BLUETOOTH_ADMIN', maxSdkVersion: 30 },
      'android.permission.BLUETOOTH_SCAN',
      'android.permission.BLUETOOTH_CONNECT',
      'android.permission.READ_PHONE_STATE',
      'android.permission.RECEIVE_BOOT_COMPLETED',
      'com.google.android.gms.permission.AD_ID',
    ],
    application: [
      launcherActivity('.MainActivity'),
      component('activity', '.events.EventCheckInActivity', { exported: false }),
      component('receiver', '.geo.BootReceiver', { exported: false }, [intentFilter(['android.intent.action.BOOT_COMPLETED'])]),
      component('service', '.geo.BeaconMonitorService', { exported: false }),
      // Phunware MaaS Core (its README: the service that talks to the MaaS server)
      component('service', 'com.phunware.core.internal.CoreService', { exported: false }),
      metaData('com.phunware.maas.APPLICATION_ID', '0000'),
      metaData('com.phunware.maas.ACCESS_KEY', 'synthetic-access-key-0000000000000000'),
      // Google Analytics for Firebase
      component('receiver', 'com.google.android.gms.measurement.AppMeasurementReceiver', { enabled: true, exported: false }),
      component('service', 'com.google.android.gms.measurement.AppMeasurementService', { enabled: true, exported: false }),
      component('service', 'com.google.android.gms.measurement.AppMeasurementJobService', { enabled: true, exported: false, permission: 'android.permission.BIND_JOB_SERVICE' }),
      component('provider', 'com.google.firebase.provider.FirebaseInitProvider', { authorities: `${P}.firebaseinitprovider`, exported: false, initOrder: 100 }),
      metaData('google_analytics_adid_collection_enabled', true),
      // Facebook SDK: core/App Events and Login
      metaData('com.facebook.sdk.ApplicationId', { ref: FACEBOOK_APP_ID }),
      metaData('com.facebook.sdk.ClientToken', { ref: FACEBOOK_CLIENT_TOKEN }),
      metaData('com.facebook.sdk.AutoLogAppEventsEnabled', true),
      metaData('com.facebook.sdk.AdvertiserIDCollectionEnabled', true),
      component('activity', 'com.facebook.FacebookActivity', { configChanges: 0x5b0 /* keyboard|keyboardHidden|screenLayout|screenSize|orientation */ }),
      component('activity', 'com.facebook.CustomTabActivity', { exported: true }, [
        intentFilter(['android.intent.action.VIEW'], ['android.intent.category.DEFAULT', 'android.intent.category.BROWSABLE'], [a('scheme', 'fb000000000000000')]),
      ]),
      component('provider', 'com.facebook.internal.FacebookInitProvider', { authorities: `${P}.FacebookInitProvider`, exported: false }),
      component('receiver', 'com.facebook.CurrentAccessTokenExpirationBroadcastReceiver', { exported: false }, [
        intentFilter(['com.facebook.sdk.ACTION_CURRENT_ACCESS_TOKEN_CHANGED']),
      ]),
    ],
  });

  // classes.dex: the app and Phunware's modules; classes2.dex: Google and Facebook (a multidex app)
  const appClasses = [
    `${P}.CampaignApplication`,
    `${P}.MainActivity`,
    `${P}.events.EventCheckInActivity`,
    `${P}.contacts.ContactsUploader`,
    `${P}.contacts.FriendMatcher`,
    `${P}.geo.BootReceiver`,
    `${P}.geo.BeaconMonitorService`,
    `${P}.api.CampaignApi`,
  ];
  const phunware = [
    'com.phunware.core.PwCoreSession',
    'com.phunware.core.PwCoreModule',
    'com.phunware.core.PwLog',
    'com.phunware.core.internal.CoreService',
    'com.phunware.analytics.PwAnalyticsModule',
    'com.phunware.analytics.PwAnalyticsModule$EventType',
    'com.phunware.location.PwLocationModule',
    'com.phunware.location.provider.BeaconLocationProvider',
    'com.phunware.azul.AzulBeaconScanner',
    'com.phunware.engagement.Engagement',
    'com.phunware.engagement.messages.MessageManager',
    'com.phunware.engagement.location.GeozoneMonitor',
    'com.phunware.locationmessaging.LocationMessaging',
    'com.phunware.mapping.PwMappingModule',
    'com.phunware.mapping.MapFragment',
  ];
  const google = [
    'com.google.firebase.FirebaseApp',
    'com.google.firebase.provider.FirebaseInitProvider',
    'com.google.firebase.analytics.FirebaseAnalytics',
    'com.google.firebase.analytics.FirebaseAnalytics$Event',
    'com.google.firebase.analytics.FirebaseAnalytics$Param',
    'com.google.android.gms.measurement.AppMeasurement',
    'com.google.android.gms.measurement.AppMeasurementReceiver',
    'com.google.android.gms.measurement.AppMeasurementService',
    'com.google.android.gms.measurement.AppMeasurementJobService',
    'com.google.android.gms.ads.identifier.AdvertisingIdClient',
    'com.google.android.gms.ads.identifier.AdvertisingIdClient$Info',
  ];
  const facebook = [
    'com.facebook.FacebookSdk',
    'com.facebook.GraphRequest',
    'com.facebook.AccessToken',
    'com.facebook.FacebookActivity',
    'com.facebook.CustomTabActivity',
    'com.facebook.CurrentAccessTokenExpirationBroadcastReceiver',
    'com.facebook.internal.FacebookInitProvider',
    'com.facebook.appevents.AppEventsLogger',
    'com.facebook.appevents.AppEventsConstants',
    'com.facebook.login.LoginManager',
    'com.facebook.login.LoginResult',
    'com.facebook.login.widget.LoginButton',
  ];
  const supers: Record<string, string> = {
    [`${P}.CampaignApplication`]: 'android.app.Application',
    [`${P}.MainActivity`]: 'android.app.Activity',
    [`${P}.events.EventCheckInActivity`]: 'android.app.Activity',
    [`${P}.geo.BootReceiver`]: 'android.content.BroadcastReceiver',
    [`${P}.geo.BeaconMonitorService`]: 'android.app.Service',
    'com.phunware.core.internal.CoreService': 'android.app.Service',
    'com.google.android.gms.measurement.AppMeasurementReceiver': 'android.content.BroadcastReceiver',
    'com.google.android.gms.measurement.AppMeasurementService': 'android.app.Service',
    'com.google.android.gms.measurement.AppMeasurementJobService': 'android.app.job.JobService',
    'com.google.firebase.provider.FirebaseInitProvider': 'android.content.ContentProvider',
    'com.facebook.FacebookActivity': 'android.app.Activity',
    'com.facebook.CustomTabActivity': 'android.app.Activity',
    'com.facebook.CurrentAccessTokenExpirationBroadcastReceiver': 'android.content.BroadcastReceiver',
    'com.facebook.internal.FacebookInitProvider': 'android.content.ContentProvider',
  };
  // Method bodies with real call sites, so a scan attributes each sensitive API to its caller: the
  // Phunware location/beacon SDK scans Bluetooth and requests location, the app's own
  // ContactsUploader reads the address book, the app's API client reads the IMEI, and Google's
  // measurement code reads the advertising ID. The app starts Phunware Core and Mapping, Firebase
  // and Facebook from its Application class, and its beacon service starts Phunware's scanner;
  // Phunware Analytics is never called (an SDK that is present but unreferenced).
  const ACC_STATIC = 0x0009; // public static
  const STRING = 'Ljava/lang/String;';
  const CONTEXT = 'Landroid/content/Context;';
  const startScan = methodRef('android.bluetooth.le.BluetoothLeScanner', 'startScan', 'V', ['Landroid/bluetooth/le/ScanCallback;']);
  const requestLocationUpdates = methodRef('android.location.LocationManager', 'requestLocationUpdates', 'V', [STRING, 'J', 'F', 'Landroid/location/LocationListener;']);
  const getLastKnownLocation = methodRef('android.location.LocationManager', 'getLastKnownLocation', 'Landroid/location/Location;', [STRING]);
  const addGeofences = methodRef('com.google.android.gms.location.GeofencingClient', 'addGeofences', 'Lcom/google/android/gms/tasks/Task;', [
    'Lcom/google/android/gms/location/GeofencingRequest;',
    'Landroid/app/PendingIntent;',
  ]);
  const phoneContentUri: DexWriterFieldRef = { classDescriptor: 'Landroid/provider/ContactsContract$CommonDataKinds$Phone;', name: 'CONTENT_URI', type: 'Landroid/net/Uri;' };
  const getContentResolver = methodRef('android.content.Context', 'getContentResolver', 'Landroid/content/ContentResolver;');
  const query = methodRef('android.content.ContentResolver', 'query', 'Landroid/database/Cursor;', ['Landroid/net/Uri;', '[Ljava/lang/String;', STRING, '[Ljava/lang/String;', STRING]);
  const getDeviceId = methodRef('android.telephony.TelephonyManager', 'getDeviceId', STRING);
  const getAdvertisingIdInfo = methodRef('com.google.android.gms.ads.identifier.AdvertisingIdClient', 'getAdvertisingIdInfo', 'Lcom/google/android/gms/ads/identifier/AdvertisingIdClient$Info;', [CONTEXT]);
  const coreGetInstance = methodRef('com.phunware.core.PwCoreSession', 'getInstance', 'Lcom/phunware/core/PwCoreSession;');
  const coreRegisterModules = methodRef('com.phunware.core.PwCoreSession', 'registerModules', 'V', [CONTEXT]);
  const locationGetInstance = methodRef('com.phunware.location.PwLocationModule', 'getInstance', 'Lcom/phunware/location/PwLocationModule;');
  const mappingGetInstance = methodRef('com.phunware.mapping.PwMappingModule', 'getInstance', 'Lcom/phunware/mapping/PwMappingModule;');
  const firebaseGetInstance = methodRef('com.google.firebase.analytics.FirebaseAnalytics', 'getInstance', 'Lcom/google/firebase/analytics/FirebaseAnalytics;', [CONTEXT]);
  const activateApp = methodRef('com.facebook.appevents.AppEventsLogger', 'activateApp', 'V', ['Landroid/app/Application;']);
  const applicationOnCreate = methodRef('android.app.Application', 'onCreate');
  const serviceOnCreate = methodRef('android.app.Service', 'onCreate');
  const scannerInit = methodRef('com.phunware.azul.AzulBeaconScanner', '<init>');
  const scannerStart = methodRef('com.phunware.azul.AzulBeaconScanner', 'start');
  const AZUL = 'Lcom/phunware/azul/AzulBeaconScanner;';
  const singleton = (type: string): DexWriterMethod => ({ name: 'getInstance', returnType: type, accessFlags: ACC_STATIC, code: codeOf(1, 0, 0, asm.const4(0, 0), asm.ret(0, '-object')) });

  const dex1: DexWriterInput = {
    classes: withMethods(classes([...appClasses, ...phunware], supers), {
      // v0 = this
      [`${P}.CampaignApplication`]: {
        virtual: [
          {
            name: 'onCreate',
            code: codeOf(
              2,
              1,
              2,
              asm.invoke('super', applicationOnCreate, [1]),
              asm.invoke('static', coreGetInstance),
              asm.moveResult(0, '-object'),
              asm.invoke('virtual', coreRegisterModules, [0, 1]),
              asm.invoke('static', mappingGetInstance),
              asm.invoke('static', firebaseGetInstance, [1]),
              asm.invoke('static', activateApp, [1]),
              asm.returnVoid(),
            ),
          },
        ],
      },
      [`${P}.geo.BeaconMonitorService`]: {
        virtual: [
          {
            name: 'onCreate',
            code: codeOf(2, 1, 1, asm.invoke('super', serviceOnCreate, [1]), asm.newInstance(0, AZUL), asm.invoke('direct', scannerInit, [0]), asm.invoke('virtual', scannerStart, [0]), asm.returnVoid()),
          },
        ],
      },
      [`${P}.contacts.ContactsUploader`]: {
        virtual: [
          {
            name: 'upload',
            parameters: [CONTEXT],
            // resolver.query(Phone.CONTENT_URI, null, null, null, null)
            code: codeOf(
              8,
              2,
              6,
              asm.invoke('virtual', getContentResolver, [7]),
              asm.moveResult(0, '-object'),
              asm.sget(1, phoneContentUri, '-object'),
              asm.const4(2, 0),
              asm.const4(3, 0),
              asm.const4(4, 0),
              asm.const4(5, 0),
              asm.invokeRange('virtual', query, 0, 6),
              asm.returnVoid(),
            ),
          },
        ],
      },
      [`${P}.api.CampaignApi`]: {
        virtual: [
          {
            name: 'deviceId',
            returnType: STRING,
            parameters: ['Landroid/telephony/TelephonyManager;'],
            code: codeOf(2, 2, 1, asm.invoke('virtual', getDeviceId, [1]), asm.moveResult(0, '-object'), asm.ret(0, '-object')),
          },
        ],
      },
      'com.phunware.core.PwCoreSession': {
        direct: [singleton('Lcom/phunware/core/PwCoreSession;')],
        virtual: [{ name: 'registerModules', parameters: [CONTEXT], code: codeOf(3, 2, 0, asm.invoke('static', locationGetInstance), asm.returnVoid()) }],
      },
      'com.phunware.location.PwLocationModule': { direct: [singleton('Lcom/phunware/location/PwLocationModule;')] },
      'com.phunware.mapping.PwMappingModule': { direct: [singleton('Lcom/phunware/mapping/PwMappingModule;')] },
      'com.phunware.azul.AzulBeaconScanner': {
        // v0 = scanner, v1 = callback, v2 = this
        virtual: [{ name: 'start', code: codeOf(3, 1, 2, asm.const4(0, 0), asm.const4(1, 0), asm.invoke('virtual', startScan, [0, 1]), asm.returnVoid()) }],
      },
      'com.phunware.location.provider.BeaconLocationProvider': {
        // locationManager.requestLocationUpdates("gps", 1000L, 0f, listener); locationManager.getLastKnownLocation("gps")
        virtual: [
          {
            name: 'start',
            code: codeOf(
              7,
              1,
              6,
              asm.const4(0, 0),
              asm.constString(1, 'gps'),
              asm.constWide(2, 1000n),
              asm.const4(4, 0),
              asm.const4(5, 0),
              asm.invokeRange('virtual', requestLocationUpdates, 0, 6),
              asm.invoke('virtual', getLastKnownLocation, [0, 1]),
              asm.moveResult(0, '-object'),
              asm.returnVoid(),
            ),
          },
        ],
      },
      'com.phunware.engagement.location.GeozoneMonitor': {
        virtual: [{ name: 'start', code: codeOf(4, 1, 3, asm.const4(0, 0), asm.const4(1, 0), asm.const4(2, 0), asm.invoke('virtual', addGeofences, [0, 1, 2]), asm.moveResult(0, '-object'), asm.returnVoid()) }],
      },
    }),
    strings: [
      'https://api.campaign2020.example.com/v1/',
      'https://api.campaign2020.example.com/v1/contacts/upload',
      'https://api.campaign2020.example.com/v1/events/checkin',
      'https://media.campaign2020.example.com/',
      'https://maas-api.phunware.com/v3/',
      'https://maas-analytics.phunware.com/v3/events',
      // Facebook Login permissions the app asks for
      'public_profile',
      'email',
      'user_friends',
      'user_location',
    ],
    methodRefs: [methodRef('com.facebook.login.LoginManager', 'logInWithReadPermissions', 'V', ['Landroid/app/Activity;', 'Ljava/util/Collection;'])],
  };
  const dex2: DexWriterInput = {
    classes: withMethods(classes([...google, ...facebook], supers), {
      'com.google.firebase.analytics.FirebaseAnalytics': {
        direct: [{ name: 'getInstance', parameters: [CONTEXT], returnType: 'Lcom/google/firebase/analytics/FirebaseAnalytics;', accessFlags: ACC_STATIC, code: codeOf(2, 1, 0, asm.const4(0, 0), asm.ret(0, '-object')) }],
      },
      'com.facebook.appevents.AppEventsLogger': {
        direct: [{ name: 'activateApp', parameters: ['Landroid/app/Application;'], accessFlags: ACC_STATIC, code: codeOf(1, 1, 0, asm.returnVoid()) }],
      },
      'com.google.android.gms.measurement.AppMeasurement': {
        // v0 = result, v1 = this, v2 = context
        virtual: [
          {
            name: 'collectAdvertisingId',
            parameters: [CONTEXT],
            code: codeOf(3, 2, 1, asm.invoke('static', getAdvertisingIdInfo, [2]), asm.moveResult(0, '-object'), asm.returnVoid()),
          },
        ],
      },
      'com.google.android.gms.ads.identifier.AdvertisingIdClient': {
        direct: [{ name: 'getAdvertisingIdInfo', parameters: [CONTEXT], returnType: 'Lcom/google/android/gms/ads/identifier/AdvertisingIdClient$Info;', accessFlags: ACC_STATIC, code: codeOf(2, 1, 0, asm.const4(0, 0), asm.ret(0, '-object')) }],
      },
    }),
    strings: ['https://app-measurement.com/a', 'app-measurement.com', 'https://graph.facebook.com/v7.0/', 'https://m.facebook.com/v7.0/dialog/oauth'],
  };
  return {
    manifest: m,
    strings: [
      { key: 'app_name', value: CAMPAIGN_LABEL },
      { key: 'facebook_app_id', value: '000000000000000' },
      { key: 'facebook_client_token', value: '00000000000000000000000000000000' },
    ],
    dex: [
      { entry: 'classes.dex', input: dex1 },
      { entry: 'classes2.dex', input: dex2 },
    ],
    files: [
      versionFile('com.google.firebase:firebase-analytics', '17.4.4'),
      versionFile('com.google.android.gms:play-services-measurement', '17.4.4'),
      versionFile('com.google.android.gms:play-services-measurement-api', '17.4.4'),
      versionFile('com.google.android.gms:play-services-measurement-impl', '17.4.4'),
      versionFile('com.google.android.gms:play-services-measurement-sdk', '17.4.4'),
      versionFile('com.google.android.gms:play-services-ads-identifier', '17.0.0'),
      versionFile('com.google.android.gms:play-services-basement', '17.2.1'),
      versionFile('com.google.firebase:firebase-common', '19.3.0'),
      { name: 'assets/campaign-config.json', data: '{"api":"https://api.campaign2020.example.com/v1/","synthetic":true}\n' },
    ],
    certificate: SAMPLE_CERTIFICATE_DER,
  };
}

export function campaignApp(): Uint8Array {
  return buildApk(campaignAppSpec());
}

// ---- golden-test fixtures (each named after what it tests) ---------------------------------------

const LAUNCHER = launcherActivity('.MainActivity');
/** Labels go through resources.arsc, as in real apps (aapt prints no label for a literal string without one). */
const APP_NAME_REF = { ref: STRING_ID_BASE };
const appName = (label: string) => [{ key: 'app_name', value: label }];
const appClasses = (pkg: string, ...names: string[]) => classes(names.map((n) => `${pkg}.${n}`), { [`${pkg}.MainActivity`]: 'android.app.Activity' });

/** Only the advertising-ID client (play-services-ads-identifier) and AD_ID: not AdMob. */
export function adidOnlySpec(): ApkSpec {
  const P = 'org.example.adidonly';
  return {
    strings: appName('AdID only'),
    manifest: manifest({
      packageName: P,
      label: APP_NAME_REF,
      permissions: ['android.permission.INTERNET', 'com.google.android.gms.permission.AD_ID'],
      application: [LAUNCHER],
    }),
    dex: [
      {
        entry: 'classes.dex',
        input: {
          classes: [
            ...appClasses(P, 'MainActivity'),
            ...classes(['com.google.android.gms.ads.identifier.AdvertisingIdClient', 'com.google.android.gms.ads.identifier.AdvertisingIdClient$Info']),
          ],
        },
      },
    ],
    files: [versionFile('com.google.android.gms:play-services-ads-identifier', '18.0.1')],
  };
}

/** AdMob and AppsFlyer, plain manifest: the reference for the obfuscated variant. */
export function admobAppsflyerSpec(): ApkSpec {
  const P = 'org.example.admobflyer';
  return {
    strings: appName('AdMob and AppsFlyer'),
    manifest: manifest({
      packageName: P,
      label: APP_NAME_REF,
      permissions: ['android.permission.INTERNET', 'android.permission.ACCESS_NETWORK_STATE', 'com.google.android.gms.permission.AD_ID'],
      application: [
        LAUNCHER,
        metaData('com.google.android.gms.ads.APPLICATION_ID', 'ca-app-pub-0000000000000000~0000000000'),
        component('activity', 'com.google.android.gms.ads.AdActivity', { exported: false, theme: { type: 'reference', id: 0x01030010 } }),
        component('receiver', 'com.appsflyer.SingleInstallBroadcastReceiver', { exported: true }, [intentFilter(['com.android.vending.INSTALL_REFERRER'])]),
      ],
    }),
    dex: [
      {
        entry: 'classes.dex',
        input: {
          classes: [
            ...appClasses(P, 'MainActivity'),
            ...classes([
              'com.google.android.gms.ads.AdActivity',
              'com.google.android.gms.ads.AdRequest',
              'com.google.android.gms.ads.AdView',
              'com.google.android.gms.ads.MobileAds',
              'com.appsflyer.AppsFlyerLib',
              'com.appsflyer.AppsFlyerConversionListener',
              'com.appsflyer.SingleInstallBroadcastReceiver',
            ]),
          ],
          strings: ['https://googleads.g.doubleclick.net/mads/static/mad/sdk/native/', 'https://launches.appsflyersdk.com/api/v6.3/androidevent'],
        },
      },
    ],
    files: [versionFile('com.google.android.gms:play-services-ads', '19.3.0')],
  };
}

/** The same app with the anti-analysis tricks an obfuscator plays on the manifest. */
export function obfuscatedManifestSpec(): ApkSpec {
  const spec = admobAppsflyerSpec();
  return {
    ...spec,
    manifestOptions: {
      // `name` blanked, every other framework attribute renamed: Android goes by resource ID
      renameAttribute: (name, id) => (name === 'name' ? '' : `x${(id & 0xffff).toString(16)}`),
      unknownChunks: ['after-resource-map', 'in-tree'],
    },
  };
}

/** A Meta app shipping Meta's own SDK: the App Events finding is first-party. */
export function vendorOwnAppSpec(): ApkSpec {
  const P = 'com.facebook.examplevendorapp';
  return {
    strings: appName('Vendor own app'),
    manifest: manifest({
      packageName: P,
      label: APP_NAME_REF,
      permissions: ['android.permission.INTERNET'],
      application: [LAUNCHER, metaData('com.facebook.sdk.ApplicationId', '000000000000000')],
    }),
    dex: [
      {
        entry: 'classes.dex',
        input: {
          classes: [...appClasses(P, 'MainActivity', 'feed.FeedFragment'), ...classes(['com.facebook.FacebookSdk', 'com.facebook.appevents.AppEventsLogger', 'com.facebook.appevents.internal.ActivityLifecycleTracker'])],
        },
      },
    ],
  };
}

/**
 * An app whose package lies under a broad SDK prefix (Gimbal's `com.gimbal`), containing only its
 * own classes: the matcher must not claim them as the SDK.
 */
export const OWN_PREFIX_PACKAGE = 'com.gimbal.fieldnotes';
export function ownPackagePrefixSpec(appPackage = OWN_PREFIX_PACKAGE): ApkSpec {
  const own = ['MainActivity', 'notes.NoteEditorActivity', 'notes.NoteStore', 'sync.SyncWorker'];
  return {
    strings: appName('Field Notes'),
    manifest: manifest({
      packageName: appPackage,
      label: APP_NAME_REF,
      permissions: ['android.permission.INTERNET'],
      application: [LAUNCHER, component('activity', `${OWN_PREFIX_PACKAGE}.notes.NoteEditorActivity`, { exported: false })],
    }),
    // the classes sit in com.gimbal.fieldnotes whatever appPackage is (the control variant moves only the manifest package)
    dex: [{ entry: 'classes.dex', input: { classes: appClasses(OWN_PREFIX_PACKAGE, ...own) } }],
  };
}

/** No SDK code at all: Firebase Analytics declared by components, meta-data and a version file; Facebook by one meta-data key. */
export function manifestOnlySpec(): ApkSpec {
  const P = 'org.example.manifestonly';
  return {
    strings: appName('Manifest only'),
    manifest: manifest({
      packageName: P,
      label: APP_NAME_REF,
      permissions: ['android.permission.INTERNET'],
      application: [
        LAUNCHER,
        component('receiver', 'com.google.android.gms.measurement.AppMeasurementReceiver', { enabled: true, exported: false }),
        component('service', 'com.google.android.gms.measurement.AppMeasurementService', { enabled: true, exported: false }),
        metaData('firebase_analytics_collection_enabled', false),
        metaData('com.facebook.sdk.ApplicationId', '000000000000000'),
      ],
    }),
    dex: [{ entry: 'classes.dex', input: { classes: appClasses(P, 'MainActivity') } }],
    files: [versionFile('com.google.firebase:firebase-analytics', '21.5.0')],
  };
}

/** Adjust's classes split over classes.dex and classes3.dex, with no classes2.dex. */
export function multidexSplitSdkSpec(): ApkSpec {
  const P = 'org.example.multidex';
  return {
    strings: appName('Multidex split'),
    manifest: manifest({ packageName: P, label: APP_NAME_REF, permissions: ['android.permission.INTERNET'], application: [LAUNCHER] }),
    dex: [
      { entry: 'classes.dex', input: { classes: [...appClasses(P, 'MainActivity'), ...classes(['com.adjust.sdk.Adjust', 'com.adjust.sdk.AdjustConfig'])] } },
      { entry: 'classes3.dex', input: { classes: classes(['com.adjust.sdk.ActivityHandler', 'com.adjust.sdk.AdjustEvent', 'com.adjust.sdk.PackageBuilder']) } },
    ],
  };
}

/** The fixtures of test/golden, by file name. */
export const GOLDEN_FIXTURES: readonly { name: string; spec: () => ApkSpec }[] = [
  { name: 'adid-only.apk', spec: adidOnlySpec },
  { name: 'obfuscated-manifest.apk', spec: obfuscatedManifestSpec },
  { name: 'vendor-own-app.apk', spec: vendorOwnAppSpec },
  { name: 'own-package-prefix.apk', spec: () => ownPackagePrefixSpec() },
  { name: 'manifest-only.apk', spec: manifestOnlySpec },
  { name: 'multidex-split-sdk.apk', spec: multidexSplitSdkSpec },
];
