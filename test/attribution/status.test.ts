/**
 * Is a tracker switched on? One fixture per status: active (called from the app, started by its
 * init provider, reached through another SDK), disabled by a documented flag, present but never
 * referenced, unknown (code absent). Then obfuscation and packers: renamed code, a packer's stub,
 * and an SDK still identified by its manifest components when its classes are renamed.
 */
import { describe, expect, it } from 'vitest';
import { APP, call, caller, component, m, metaData, scanFixture, tracker } from './fixtures.js';
import { classes } from '../../src/testing/samples.js';

const PW = 'com.phunware.location.PwLocationModule';
const FB_ANALYTICS = 'com.google.firebase.analytics.FirebaseAnalytics';

describe('tracker status', () => {
  it('active: the app’s code calls the SDK', () => {
    const r = scanFixture({ classes: [caller(PW), caller(`${APP}.Main`, call(m(PW, 'run'), 'static'))] });
    const s = tracker(r, 'phunware-location')!.status!;
    expect(s.state).toBe('active');
    expect(s.summary).toMatch(/called from the app’s code/);
    expect(s.evidence).toContainEqual(expect.objectContaining({ kind: 'referenced-by', from: 'app', fromClass: `${APP}.Main`, toClass: PW, count: 1 }));
  });

  it('active: called from unclaimed code outside the app’s package (a library), said so', () => {
    const r = scanFixture({ classes: [caller(PW), caller('com.example.lib.Helper', call(m(PW, 'run'), 'static'))] });
    const s = tracker(r, 'phunware-location')!.status!;
    expect(s.state).toBe('active');
    expect(s.summary).toMatch(/outside the app’s package/);
    expect(s.evidence).toContainEqual(expect.objectContaining({ kind: 'referenced-by', from: 'other', fromClass: 'com.example.lib.Helper' }));
  });

  it('active: a subclass in the app extends an SDK class (superclass reference)', () => {
    const r = scanFixture({ classes: [caller(PW), { descriptor: `L${APP.replace(/\./g, '/')}/MyModule;`, superclass: `L${PW.replace(/\./g, '/')};` }] });
    expect(tracker(r, 'phunware-location')!.status!.state).toBe('active');
  });

  it('active: reached through another SDK the app calls (transitively)', () => {
    const core = 'com.phunware.core.PwCoreSession';
    const r = scanFixture({ classes: [caller(PW), caller(core, call(m(PW, 'run'), 'static')), caller(`${APP}.Main`, call(m(core, 'run'), 'static'))] });
    expect(tracker(r, 'phunware-core')!.status!.state).toBe('active');
    const s = tracker(r, 'phunware-location')!.status!;
    expect(s.state).toBe('active');
    expect(s.evidence).toContainEqual(expect.objectContaining({ kind: 'referenced-by', from: 'phunware-core' }));
  });

  it('unreferenced: the SDK’s code is there but nothing outside it refers to it', () => {
    const r = scanFixture({ classes: [caller(PW, call(m('com.phunware.location.Other', 'run'), 'static')), caller('com.phunware.location.Other'), caller(`${APP}.Main`)] });
    const s = tracker(r, 'phunware-location')!.status!;
    expect(s.state).toBe('unreferenced');
    expect(s.evidence).toEqual([expect.objectContaining({ kind: 'no-references' })]);
  });

  it('unreferenced SDKs do not make the SDKs they call reachable', () => {
    const core = 'com.phunware.core.PwCoreSession';
    const r = scanFixture({ classes: [caller(PW), caller(core, call(m(PW, 'run'), 'static'))] });
    expect(tracker(r, 'phunware-core')!.status!.state).toBe('unreferenced');
    expect(tracker(r, 'phunware-location')!.status!.state).toBe('unreferenced');
  });

  it('active: an init content provider starts the SDK by itself', () => {
    const r = scanFixture({
      classes: classes([FB_ANALYTICS]),
      application: [component('provider', 'com.google.firebase.provider.FirebaseInitProvider', { authorities: `${APP}.firebaseinitprovider`, exported: false })],
    });
    const s = tracker(r, 'firebase-analytics')!.status!;
    expect(s.state).toBe('active');
    expect(s.evidence[0]).toMatchObject({ kind: 'auto-start', component: 'com.google.firebase.provider.FirebaseInitProvider', provenance: { entry: 'AndroidManifest.xml' } });
  });

  it('active: a component of the SDK the system can start (service, receiver)', () => {
    const r = scanFixture({ classes: classes(['com.phunware.core.internal.CoreService']), application: [component('service', 'com.phunware.core.internal.CoreService', { exported: false })] });
    const s = tracker(r, 'phunware-core')!.status!;
    expect(s.state).toBe('active');
    expect(s.evidence).toContainEqual(expect.objectContaining({ kind: 'entry-point', componentKind: 'service' }));
  });

  it('disabled: a documented meta-data switch turns collection off (and says the app may turn it on)', () => {
    const r = scanFixture({
      classes: [caller(FB_ANALYTICS), caller(`${APP}.Main`, call(m(FB_ANALYTICS, 'run'), 'static'))],
      application: [metaData('firebase_analytics_collection_deactivated', true), metaData('google_analytics_adid_collection_enabled', false)],
    });
    const s = tracker(r, 'firebase-analytics')!.status!;
    expect(s.state).toBe('disabled');
    expect(s.summary).toMatch(/firebase_analytics_collection_deactivated = true/);
    const sw = s.evidence.filter((e) => e.kind === 'switch');
    expect(sw.map((e) => e.kind === 'switch' && [e.key, e.effect, e.scope])).toEqual([
      ['firebase_analytics_collection_deactivated', 'collection-off', 'all'],
      ['google_analytics_adid_collection_enabled', 'ad-id-off', 'part'],
    ]);
    expect(sw[0]).toMatchObject({ source: expect.stringMatching(/^https:\/\/firebase\.google\.com\//), provenance: { entry: 'AndroidManifest.xml' } });
  });

  it('a partial switch (advertising ID off) leaves the SDK active, listed as evidence', () => {
    const r = scanFixture({
      classes: [caller(FB_ANALYTICS), caller(`${APP}.Main`, call(m(FB_ANALYTICS, 'run'), 'static'))],
      application: [metaData('google_analytics_adid_collection_enabled', 'false')],
    });
    const s = tracker(r, 'firebase-analytics')!.status!;
    expect(s.state).toBe('active');
    expect(s.evidence).toContainEqual(expect.objectContaining({ kind: 'switch', effect: 'ad-id-off' }));
  });

  it('a switch with the other value does nothing', () => {
    const r = scanFixture({
      classes: [caller(FB_ANALYTICS), caller(`${APP}.Main`, call(m(FB_ANALYTICS, 'run'), 'static'))],
      application: [metaData('firebase_analytics_collection_enabled', true)],
    });
    expect(tracker(r, 'firebase-analytics')!.status!.state).toBe('active');
  });

  it('Facebook auto-init off disables the Facebook SDK started by its provider', () => {
    const r = scanFixture({
      classes: classes(['com.facebook.FacebookSdk', 'com.facebook.appevents.AppEventsLogger']),
      application: [component('provider', 'com.facebook.internal.FacebookInitProvider', { authorities: `${APP}.FacebookInitProvider`, exported: false }), metaData('com.facebook.sdk.AutoInitEnabled', false)],
    });
    const s = tracker(r, 'facebook-app-events')!.status!;
    expect(s.state).toBe('disabled');
    expect(s.evidence.map((e) => e.kind)).toEqual(['switch', 'auto-start']);
  });

  it('AD_ID permission absent on target SDK 33+: advertising-ID access is off (partial)', () => {
    const ads = 'com.google.android.gms.ads.MobileAds';
    const r = scanFixture({ targetSdk: 33, classes: [caller(ads), caller(`${APP}.Main`, call(m(ads, 'run'), 'static'))] });
    const s = tracker(r, 'google-mobile-ads')!.status!;
    expect(s.state).toBe('active');
    expect(s.evidence).toContainEqual(expect.objectContaining({ kind: 'permission-absent', permission: 'com.google.android.gms.permission.AD_ID', effect: 'ad-id-off' }));
    const old = scanFixture({ targetSdk: 30, classes: [caller(ads), caller(`${APP}.Main`, call(m(ads, 'run'), 'static'))] });
    expect(tracker(old, 'google-mobile-ads')!.status!.evidence.some((e) => e.kind === 'permission-absent')).toBe(false);
  });

  it('unknown: the SDK’s code is not in the app (manifest traces only)', () => {
    const r = scanFixture({ classes: [caller(`${APP}.Main`)], application: [component('service', 'com.phunware.core.internal.CoreService')] });
    const s = tracker(r, 'phunware-core')!.status!;
    expect(s.state).toBe('unknown');
    expect(s.summary).toMatch(/not found/);
  });
});

describe('obfuscation and packers', () => {
  const renamed = ['a.a', 'a.b', 'a.c', 'b.a', 'b.b', 'o.ab', `${APP}.MainActivity`];

  it('measures renamed classes and says that no trackers found is not no trackers', () => {
    const r = scanFixture({ classes: classes(renamed) });
    const o = r.obfuscation!;
    expect(o).toMatchObject({ level: 'heavy', classes: 7, shortNamedClasses: 6, classesInRenamedPackages: 6, packers: [] });
    expect(o.shortNamedShare).toBeCloseTo(6 / 7, 3);
    expect(o.packages[0]).toEqual({ name: 'a', classes: 3, shortNamed: 3 });
    expect(o.note).toMatch(/no trackers found does not mean no trackers/);
  });

  it('an obfuscated app whose SDK classes are renamed is still identified by its manifest components and meta-data', () => {
    const r = scanFixture({
      classes: classes(renamed),
      application: [
        component('provider', 'com.google.firebase.provider.FirebaseInitProvider', { authorities: `${APP}.firebaseinitprovider`, exported: false }),
        component('receiver', 'com.google.android.gms.measurement.AppMeasurementReceiver', { exported: false }),
        component('service', 'com.google.android.gms.measurement.AppMeasurementService', { exported: false }),
        metaData('google_analytics_adid_collection_enabled', false),
      ],
    });
    const t = tracker(r, 'firebase-analytics')!;
    expect(t.evidence.some((e) => e.kind === 'code-defined')).toBe(false);
    expect(['medium', 'high']).toContain(t.confidence);
    // renamed code: its status cannot be decided from code, but the switch is still reported
    expect(t.status!.state).toBe('unknown');
    expect(t.status!.evidence).toContainEqual(expect.objectContaining({ kind: 'switch', effect: 'ad-id-off' }));
    expect(r.obfuscation!.level).toBe('heavy');
  });

  it('detects a packer by its native stub library and stub class', () => {
    const r = scanFixture({
      classes: classes(['com.stub.StubApp']),
      files: [{ name: 'lib/arm64-v8a/libjiagu_a64.so', data: new Uint8Array(16) }, { name: 'assets/libjiagu.so', data: new Uint8Array(16) }],
    });
    const o = r.obfuscation!;
    expect(o.level).toBe('hidden');
    expect(o.packers).toEqual([
      expect.objectContaining({ id: 'jiagu-360', found: ['native library libjiagu_a64.so', 'file assets/libjiagu.so', 'class com.stub.StubApp'] }),
    ]);
    expect(o.note).toMatch(/packed or protected \(Jiagu/);
  });

  it('plain code is not obfuscated', () => {
    const r = scanFixture({ classes: classes([`${APP}.MainActivity`, `${APP}.ui.SettingsFragment`, 'com.squareup.okhttp3.OkHttpClient']) });
    expect(r.obfuscation).toMatchObject({ level: 'none', shortNamedClasses: 0, packers: [] });
    expect(r.obfuscation!.note).toBeUndefined();
  });
});
