/**
 * Attribution on hand-built APKs: each capability family is found from a real call in bytecode
 * and attributed to the calling code's SDK (or to the app), permissions say who exercises them,
 * and what must not count does not (a method of the same name on another class, an
 * android_id-less Settings.Secure.getString, a capability whose permission is not requested).
 */
import { describe, expect, it } from 'vitest';
import { asm } from '../../src/testing/dex-writer.js';
import { APP, call, cap, caller, f, m, perm, scanFixture } from './fixtures.js';

const P = 'android.permission.';

interface Family {
  capability: string;
  permission?: string;
  code: ReturnType<typeof call>[];
}

const FAMILIES: Record<string, Family> = {
  'contacts (ContactsContract field)': { capability: 'contacts', permission: `${P}READ_CONTACTS`, code: [asm.sget(0, f('android.provider.ContactsContract$CommonDataKinds$Phone', 'CONTENT_URI', 'Landroid/net/Uri;'), '-object')] },
  'contacts (content URI string)': { capability: 'contacts', permission: `${P}READ_CONTACTS`, code: [asm.constString(0, 'content://com.android.contacts/data/phones')] },
  'precise location (LocationManager)': { capability: 'location-precise', permission: `${P}ACCESS_FINE_LOCATION`, code: [call(m('android.location.LocationManager', 'requestLocationUpdates', 'V', ['Ljava/lang/String;', 'J', 'F', 'Landroid/location/LocationListener;']))] },
  'location (Fused Location)': { capability: 'location-approximate', permission: `${P}ACCESS_COARSE_LOCATION`, code: [call(m('com.google.android.gms.location.FusedLocationProviderClient', 'getLastLocation', 'Lcom/google/android/gms/tasks/Task;'))] },
  'geofencing': { capability: 'location-background', permission: `${P}ACCESS_BACKGROUND_LOCATION`, code: [call(m('com.google.android.gms.location.GeofencingClient', 'addGeofences', 'Lcom/google/android/gms/tasks/Task;', ['Lcom/google/android/gms/location/GeofencingRequest;', 'Landroid/app/PendingIntent;']))] },
  'Bluetooth LE scan': { capability: 'bluetooth-scan', permission: `${P}BLUETOOTH_SCAN`, code: [call(m('android.bluetooth.le.BluetoothLeScanner', 'startScan', 'V', ['Landroid/bluetooth/le/ScanCallback;']))] },
  'paired Bluetooth devices': { capability: 'bluetooth-connect', permission: `${P}BLUETOOTH_CONNECT`, code: [call(m('android.bluetooth.BluetoothAdapter', 'getBondedDevices', 'Ljava/util/Set;'))] },
  'Wi-Fi BSSID': { capability: 'wifi-state', permission: `${P}ACCESS_WIFI_STATE`, code: [call(m('android.net.wifi.WifiInfo', 'getBSSID', 'Ljava/lang/String;'))] },
  'IMEI': { capability: 'phone-state', permission: `${P}READ_PHONE_STATE`, code: [call(m('android.telephony.TelephonyManager', 'getImei', 'Ljava/lang/String;'))] },
  'own phone number': { capability: 'phone-numbers', permission: `${P}READ_PHONE_NUMBERS`, code: [call(m('android.telephony.TelephonyManager', 'getLine1Number', 'Ljava/lang/String;'))] },
  'advertising ID': { capability: 'advertising-id', permission: 'com.google.android.gms.permission.AD_ID', code: [call(m('com.google.android.gms.ads.identifier.AdvertisingIdClient', 'getAdvertisingIdInfo', 'Lcom/google/android/gms/ads/identifier/AdvertisingIdClient$Info;', ['Landroid/content/Context;']), 'static')] },
  'accounts': { capability: 'accounts', permission: `${P}GET_ACCOUNTS`, code: [call(m('android.accounts.AccountManager', 'getAccounts', '[Landroid/accounts/Account;'))] },
  'installed apps': { capability: 'installed-apps', permission: `${P}QUERY_ALL_PACKAGES`, code: [call(m('android.content.pm.PackageManager', 'getInstalledPackages', 'Ljava/util/List;', ['I']))] },
  'calendar': { capability: 'calendar', permission: `${P}READ_CALENDAR`, code: [asm.sget(0, f('android.provider.CalendarContract$Events', 'CONTENT_URI', 'Landroid/net/Uri;'), '-object')] },
  'call log': { capability: 'call-log', permission: `${P}READ_CALL_LOG`, code: [asm.sget(0, f('android.provider.CallLog$Calls', 'CONTENT_URI', 'Landroid/net/Uri;'), '-object')] },
  'SMS (content URI, jumbo string)': { capability: 'sms', permission: `${P}READ_SMS`, code: [asm.constStringJumbo(0, 'content://sms/inbox')] },
  'camera': { capability: 'camera', permission: `${P}CAMERA`, code: [call(m('android.hardware.camera2.CameraManager', 'openCamera', 'V', ['Ljava/lang/String;', 'Landroid/hardware/camera2/CameraDevice$StateCallback;', 'Landroid/os/Handler;']))] },
  'microphone': { capability: 'microphone', permission: `${P}RECORD_AUDIO`, code: [call(m('android.media.AudioRecord', 'startRecording'))] },
  'activity recognition': { capability: 'activity-recognition', permission: `${P}ACTIVITY_RECOGNITION`, code: [call(m('com.google.android.gms.location.ActivityRecognitionClient', 'requestActivityUpdates', 'Lcom/google/android/gms/tasks/Task;', ['J', 'Landroid/app/PendingIntent;']))] },
  'Android ID (no permission)': { capability: 'device-id', code: [asm.constString(1, 'android_id'), call(m('android.provider.Settings$Secure', 'getString', 'Ljava/lang/String;', ['Landroid/content/ContentResolver;', 'Ljava/lang/String;']), 'static')] },
  'clipboard (no permission)': { capability: 'clipboard', code: [call(m('android.content.ClipboardManager', 'getPrimaryClip', 'Landroid/content/ClipData;'))] },
  'sensors (no permission)': { capability: 'motion-sensors', code: [call(m('android.hardware.SensorManager', 'registerListener', 'Z', ['Landroid/hardware/SensorEventListener;', 'Landroid/hardware/Sensor;', 'I']))] },
};

describe('each capability family, from a real call, attributed to its caller', () => {
  for (const [name, fam] of Object.entries(FAMILIES)) {
    it(name, () => {
      const sdkClass = 'com.phunware.location.internal.Collector';
      const r = scanFixture({
        classes: [caller(sdkClass, ...fam.code), caller(`${APP}.Main`, call(m(sdkClass, 'run'), 'static'))],
        permissions: fam.permission ? [fam.permission] : [],
      });
      const c = cap(r, fam.capability);
      expect(c, `capability ${fam.capability}`).toBeDefined();
      expect(c!.usedBy?.map((u) => u.by)).toEqual(['phunware-location']);
      const use = c!.usedBy![0];
      expect(use.name).toBe('Phunware Location SDK');
      expect(use.callers).toEqual([sdkClass]);
      expect(use.count).toBeGreaterThanOrEqual(1);
      expect(use.locations[0]).toMatchObject({ entry: 'classes.dex', collector: 'dex', location: `${sdkClass}.run` });
      if (fam.permission) {
        const p = perm(r, fam.permission)!;
        expect(p.exercised).toBe(true);
        expect(p.exercisedBy?.map((u) => u.by)).toEqual(['phunware-location']);
      }
    });
  }
});

describe('what does not count', () => {
  it('a method of the same name on another class is not the API', () => {
    const r = scanFixture({
      classes: [caller(`${APP}.Main`, call(m(`${APP}.MyLocationManager`, 'requestLocationUpdates')), call(m('android.location.LocationManager', 'getProvider', 'Landroid/location/LocationProvider;', ['Ljava/lang/String;'])))],
      permissions: [`${P}ACCESS_FINE_LOCATION`],
    });
    expect(cap(r, 'location-precise')!.usedBy).toBeUndefined();
    expect(perm(r, `${P}ACCESS_FINE_LOCATION`)!.exercised).toBe(false);
  });

  it('Settings.Secure.getString without the "android_id" constant is not the Android ID', () => {
    const r = scanFixture({ classes: [caller(`${APP}.Main`, call(m('android.provider.Settings$Secure', 'getString', 'Ljava/lang/String;', ['Landroid/content/ContentResolver;', 'Ljava/lang/String;']), 'static'))] });
    expect(cap(r, 'device-id')).toBeUndefined();
  });

  it('the "android_id" constant in one class and the call in another do not combine', () => {
    const r = scanFixture({
      classes: [
        caller(`${APP}.A`, asm.constString(0, 'android_id')),
        caller(`${APP}.B`, call(m('android.provider.Settings$Secure', 'getString', 'Ljava/lang/String;', ['Landroid/content/ContentResolver;', 'Ljava/lang/String;']), 'static')),
      ],
    });
    expect(cap(r, 'device-id')).toBeUndefined();
  });

  it('a permission-guarded API without the permission requested adds no capability', () => {
    const r = scanFixture({ classes: [caller(`${APP}.Main`, call(m('android.accounts.AccountManager', 'getAccounts', '[Landroid/accounts/Account;')))] });
    expect(cap(r, 'accounts')).toBeUndefined();
  });

  it('a string constant that is only referenced in the pool, never loaded, is not use', () => {
    const r = scanFixture({ classes: [{ descriptor: `L${APP.replace(/\./g, '/')}/Main;` }], permissions: [`${P}READ_CONTACTS`] });
    expect(cap(r, 'contacts')!.usedBy).toBeUndefined();
  });
});

describe('permissions and callers', () => {
  it('says which permission is exercised by whom and which is never exercised', () => {
    const r = scanFixture({
      classes: [
        caller('com.phunware.location.Scanner', call(m('android.bluetooth.le.BluetoothLeScanner', 'startScan', 'V', ['Landroid/bluetooth/le/ScanCallback;'])), call(m('android.location.LocationManager', 'getLastKnownLocation', 'Landroid/location/Location;', ['Ljava/lang/String;']))),
        caller(`${APP}.contacts.Importer`, asm.sget(0, f('android.provider.ContactsContract$Contacts', 'CONTENT_URI', 'Landroid/net/Uri;'), '-object'), call(m('android.location.LocationManager', 'getLastKnownLocation', 'Landroid/location/Location;', ['Ljava/lang/String;']))),
      ],
      permissions: [`${P}READ_CONTACTS`, `${P}ACCESS_FINE_LOCATION`, `${P}BLUETOOTH_SCAN`, `${P}READ_PHONE_STATE`, `${P}INTERNET`],
    });
    expect(perm(r, `${P}READ_CONTACTS`)!.exercisedBy!.map((u) => [u.by, u.callers])).toEqual([['app', [`${APP}.contacts.Importer`]]]);
    // SDKs are listed before the app
    expect(perm(r, `${P}ACCESS_FINE_LOCATION`)!.exercisedBy!.map((u) => u.by)).toEqual(['phunware-location', 'app']);
    expect(perm(r, `${P}BLUETOOTH_SCAN`)!.exercisedBy!.map((u) => u.by)).toEqual(['phunware-location']);
    expect(perm(r, `${P}READ_PHONE_STATE`)!.exercised).toBe(false);
    // INTERNET is not guarded by an API of our data: no claim either way
    expect(perm(r, `${P}INTERNET`)!.exercised).toBeUndefined();
    const loc = cap(r, 'location-precise')!.usedBy!;
    expect(loc.find((u) => u.by === 'phunware-location')!.actions).toEqual(['reads the last known location']);
  });

  it('a permission string in code counts as exercising it (the code checks or requests it)', () => {
    const r = scanFixture({ classes: [caller(`${APP}.Main`, asm.constString(0, `${P}CAMERA`))], permissions: [`${P}CAMERA`] });
    expect(perm(r, `${P}CAMERA`)!.exercisedBy![0].actions).toEqual(['checks or requests CAMERA']);
  });

  it('counts call sites and keeps three example callers, sorted', () => {
    const getImei = call(m('android.telephony.TelephonyManager', 'getImei', 'Ljava/lang/String;'));
    const r = scanFixture({
      classes: ['D', 'B', 'A', 'C'].map((n) => caller(`${APP}.${n}`, getImei, getImei)),
      permissions: [`${P}READ_PHONE_STATE`],
    });
    const use = cap(r, 'phone-state')!.usedBy![0];
    expect(use.by).toBe('app');
    expect(use.count).toBe(8);
    expect(use.callers).toEqual([`${APP}.A`, `${APP}.B`, `${APP}.C`]);
    expect(use.callerCount).toBe(4);
  });

  it('the app’s own package is app code even under a broad SDK prefix', () => {
    // com.gimbal is Gimbal's prefix; an app whose package lies under it is not Gimbal
    const r = scanFixture({
      packageName: 'com.gimbal.fan',
      classes: [caller('com.gimbal.fan.Main', call(m('android.telephony.TelephonyManager', 'getImei', 'Ljava/lang/String;')))],
      permissions: [`${P}READ_PHONE_STATE`],
    });
    expect(cap(r, 'phone-state')!.usedBy!.map((u) => u.by)).toEqual(['app']);
  });
});

describe('damaged code', () => {
  it('an unused opcode ends that method with a warning; other methods and classes are still attributed', () => {
    const r = scanFixture({
      classes: [
        {
          descriptor: `L${APP.replace(/\./g, '/')}/Broken;`,
          directMethods: [
            { name: 'bad', accessFlags: 0x9, code: { registersSize: 2, insSize: 0, outsSize: 1, insns: [0x003e, ...call(m('android.telephony.TelephonyManager', 'getImei', 'Ljava/lang/String;'))] } },
            { name: 'good', accessFlags: 0x9, code: { registersSize: 2, insSize: 0, outsSize: 1, insns: [...call(m('android.accounts.AccountManager', 'getAccounts', '[Landroid/accounts/Account;')), 0x000e] } },
          ],
        },
      ],
      permissions: [`${P}READ_PHONE_STATE`, `${P}GET_ACCOUNTS`],
    });
    expect(r.warnings).toContainEqual(expect.objectContaining({ code: 'dex-code-unused-opcode', entry: 'classes.dex' }));
    expect(r.code.walk).toMatchObject({ methods: 2, incomplete: 1 });
    expect(perm(r, `${P}READ_PHONE_STATE`)!.exercised).toBe(false);
    expect(perm(r, `${P}GET_ACCOUNTS`)!.exercisedBy![0].by).toBe('app');
  });
});
