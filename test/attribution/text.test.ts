/** The text report says who uses what, whether each tracker is on, and what is never exercised. */
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.js';
import { asm } from '../../src/testing/dex-writer.js';
import { APP, call, caller, component, m, metaData, scanFixture } from './fixtures.js';
import { classes } from '../../src/testing/samples.js';

describe('text report', () => {
  it('names the SDK that scans Bluetooth, the app code that reads contacts, statuses and unexercised permissions', () => {
    const scanner = 'com.phunware.location.internal.BeaconScanner';
    const r = scanFixture({
      targetSdk: 33,
      permissions: ['android.permission.BLUETOOTH_SCAN', 'android.permission.READ_CONTACTS', 'android.permission.READ_PHONE_STATE'],
      application: [component('provider', 'com.google.firebase.provider.FirebaseInitProvider', { authorities: `${APP}.fip`, exported: false }), metaData('google_analytics_adid_collection_enabled', false)],
      classes: [
        caller(scanner, call(m('android.bluetooth.le.BluetoothLeScanner', 'startScan', 'V', ['Landroid/bluetooth/le/ScanCallback;']))),
        caller(`${APP}.Sync`, asm.constString(0, 'content://com.android.contacts/contacts'), call(m(scanner, 'run'), 'static')),
        ...classes(['com.google.firebase.analytics.FirebaseAnalytics']),
      ],
    });
    const text = renderText(r);
    expect(text).toContain(`→ Phunware Location SDK: scans for Bluetooth LE devices and beacons (in ${scanner})`);
    expect(text).toContain(`→ the app’s own code: reads the address book (content URI) (in ${APP}.Sync)`);
    expect(text).toContain('status: active (called from the app’s code)');
    expect(text).toContain('status: active (starts by itself through com.google.firebase.provider.FirebaseInitProvider; switched off by configuration: advertising ID)');
    expect(text).toContain('1 requested permission is never exercised in code: READ_PHONE_STATE');
  });

  it('warns when code is hidden', () => {
    const r = scanFixture({ classes: classes(['a.a', 'a.b', 'b.a']) });
    expect(renderText(r)).toMatch(/HIDDEN CODE .*no trackers found does not mean no trackers/);
  });
});
