/**
 * The attribution data files: valid against their schemas (loading validates), every SDK a switch
 * names exists in the database, no API or switch is listed twice, every capability exists, and
 * the Android classes are spelled as the code spells them.
 */
import { describe, expect, it } from 'vitest';
import { loadAttributionData } from '../../src/signatures/attribution-data.js';
import { DEFAULT_SIGNATURES_DIR, loadSignatures } from '../../src/signatures/load.js';

const db = loadSignatures();
const data = loadAttributionData(DEFAULT_SIGNATURES_DIR, db.permissions);

describe('attribution data', () => {
  it('names only SDKs of the database', () => {
    const ids = new Set(db.sdks.map((s) => s.id));
    const named = [...data.switches.switches.flatMap((s) => s.sdks), ...data.switches.permissionAbsent.flatMap((s) => s.sdks), ...data.switches.autoStart.flatMap((a) => a.sdks ?? [])];
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('lists each API, string and switch once', () => {
    const apis = data.sensitiveApis.android.apis.flatMap((a) => a.members.map((m) => `${a.kind} ${a.class}.${m}`));
    expect(apis.length).toBe(new Set(apis).size);
    const ios = data.sensitiveApis.ios.apis.flatMap((a) => a.selectors.map((s) => `${a.class} ${s}`));
    expect(ios.length).toBe(new Set(ios).size);
    const strings = data.sensitiveApis.android.strings.map((s) => s.value);
    expect(strings.length).toBe(new Set(strings).size);
    const switches = data.switches.switches.map((s) => `${s.platform} ${s.metaData ?? s.plistKey}`);
    expect(switches.length).toBe(new Set(switches).size);
  });

  it('covers the families the issue names', () => {
    const caps = new Set([...data.sensitiveApis.android.apis, ...data.sensitiveApis.android.strings].flatMap((a) => a.capabilities));
    for (const c of ['contacts', 'location-precise', 'location-background', 'bluetooth-scan', 'bluetooth-connect', 'wifi-state', 'phone-state', 'phone-numbers', 'device-id', 'advertising-id', 'accounts', 'installed-apps', 'calendar', 'call-log', 'sms', 'clipboard', 'camera', 'microphone', 'motion-sensors', 'activity-recognition']) {
      expect(caps, c).toContain(c);
    }
    const iosCaps = new Set(data.sensitiveApis.ios.apis.flatMap((a) => a.capabilities));
    for (const c of ['contacts', 'location-precise', 'beacons', 'bluetooth-scan', 'advertising-id', 'clipboard']) expect(iosCaps, c).toContain(c);
    expect(data.sensitiveApis.ios.requiredReasonApis.map((r) => r.category).sort()).toEqual([
      'NSPrivacyAccessedAPICategoryActiveKeyboards',
      'NSPrivacyAccessedAPICategoryDiskSpace',
      'NSPrivacyAccessedAPICategoryFileTimestamp',
      'NSPrivacyAccessedAPICategorySystemBootTime',
      'NSPrivacyAccessedAPICategoryUserDefaults',
    ]);
  });

  it('names requested permissions that exist in permissions.json', () => {
    const known = new Set(db.permissions.permissions.map((p) => p.name));
    const named = [...data.sensitiveApis.android.apis, ...data.sensitiveApis.android.strings].flatMap((a) => a.permissions ?? []);
    expect(named.filter((p) => !known.has(p))).toEqual([]);
  });

  it('gives every entry a source', () => {
    for (const a of [...data.sensitiveApis.android.apis, ...data.sensitiveApis.ios.apis, ...data.switches.switches, ...data.packers.packers]) expect(a.source).toMatch(/^https:\/\//);
  });
});
