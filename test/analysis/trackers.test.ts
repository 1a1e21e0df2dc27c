import { describe, expect, it } from 'vitest';
import { TrackerMatcher, confidenceOf } from '../../src/analysis/trackers.js';
import { emptyAndroidEvidence } from '../../src/bundle/android/collectors.js';
import type { Evidence } from '../../src/evidence/types.js';
import type { SdkSignature } from '../../src/signatures/types.js';

function sdk(id: string, android: SdkSignature['android'], extra: Partial<SdkSignature> = {}): SdkSignature {
  return { id, name: id, vendor: `${id} Inc.`, categories: ['analytics'], description: `The ${id} SDK.`, sources: ['https://example.com'], android, ...extra };
}

function evidence(appId: string, defined: string[], more: Partial<Evidence> = {}, android: Partial<NonNullable<Evidence['android']>> = {}): Evidence {
  const ev = emptyAndroidEvidence();
  ev.identity = { platform: 'android', id: appId };
  ev.code = { defined: new Map(defined.map((c) => [c, 'classes.dex'])), referenced: new Map(), binaries: 1 };
  return { ...ev, ...more, android: { ...ev.android!, ...android } };
}

const db = {
  sdks: [
    sdk('dv', { packages: ['com.dv'] }),
    sdk('admob', { packages: ['com.google.android.gms.ads'], excludePackages: ['com.google.android.gms.ads.identifier'], components: ['com.google.android.gms.ads.AdActivity'], metaData: ['com.google.android.gms.ads.APPLICATION_ID'], versionArtifacts: ['com.google.android.gms:play-services-ads'] }, { domains: ['googleads.g.doubleclick.net'] }),
    sdk('fb-core', { packages: ['com.facebook.appevents', 'com.facebook.FacebookSdk'] }, { domains: ['facebook.com'] }),
    sdk('fb-login', { packages: ['com.facebook.login'] }, { domains: ['facebook.com'] }),
    sdk('radar', { packages: ['io.radar.sdk'], nativeLibraries: ['libradar.so'] }, { domains: ['radar.io'] }),
  ],
};
const matcher = new TrackerMatcher(db);
const ids = (ev: Evidence) => matcher.match(ev).map((f) => f.id);

describe('package prefixes match at segment boundaries', () => {
  it('com.dv matches com.dv.* but not com.dvx.*', () => {
    expect(ids(evidence('org.example', ['com.dv.Tracker', 'com.dv.x.Y']))).toEqual(['dv']);
    expect(ids(evidence('org.example', ['com.dvx.Tracker', 'com.dvd.Y', 'com.d.v.Z']))).toEqual([]);
  });

  it("the app's own package com.dv.adm is not the com.dv SDK", () => {
    expect(ids(evidence('com.dv.adm', ['com.dv.adm.MainActivity', 'com.dv.adm.a.b']))).toEqual([]);
  });

  it('a class-name prefix covers its inner classes, not longer names', () => {
    const f = matcher.match(evidence('org.example', ['com.facebook.FacebookSdk$1', 'com.facebook.FacebookSdkX', 'com.facebook.drawee.View']));
    expect(f.map((x) => x.id)).toEqual(['fb-core']);
    expect(f[0].evidence[0]).toMatchObject({ kind: 'code-defined', searchedFor: 'com.facebook.FacebookSdk', count: 1, examples: ['com.facebook.FacebookSdk$1'] });
  });
});

describe('AdMob and the advertising-ID client', () => {
  it('the advertising-ID client alone is not AdMob', () => {
    expect(ids(evidence('org.example', ['com.google.android.gms.ads.identifier.AdvertisingIdClient', 'com.google.android.gms.ads.identifier.AdvertisingIdClient$Info']))).toEqual([]);
  });

  it('AdMob classes are AdMob, with high confidence and counts', () => {
    const f = matcher.match(evidence('org.example', ['com.google.android.gms.ads.AdView', 'com.google.android.gms.ads.MobileAds', 'com.google.android.gms.ads.identifier.AdvertisingIdClient']));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ id: 'admob', confidence: 'high', firstParty: false });
    expect(f[0].evidence[0]).toMatchObject({ count: 2, examples: ['com.google.android.gms.ads.AdView', 'com.google.android.gms.ads.MobileAds'] });
  });

  it('manifest evidence without code: one kind is medium, two kinds are high, version file gives the version', () => {
    const component = { kind: 'activity' as const, name: 'com.google.android.gms.ads.AdActivity', effectivelyExported: false, intentFilters: [], provenance: { entry: 'AndroidManifest.xml', collector: 'manifest' } };
    const meta = { name: 'com.google.android.gms.ads.APPLICATION_ID', value: 'ca-app-pub-1~2', parent: 'application', provenance: { entry: 'AndroidManifest.xml', collector: 'manifest' } };
    expect(matcher.match(evidence('org.example', [], {}, { components: [component] }))[0].confidence).toBe('medium');
    const both = matcher.match(
      evidence('org.example', [], {}, {
        components: [component],
        metaData: [meta],
        versionFiles: [{ artifact: 'com.google.android.gms:play-services-ads', key: 'com.google.android.gms_play-services-ads', version: '22.6.0', provenance: { entry: 'META-INF/com.google.android.gms_play-services-ads.version', collector: 'version-files' } }],
      }),
    )[0];
    expect(both.confidence).toBe('high');
    expect(both.version).toBe('22.6.0');
    expect(both.evidence.map((e) => e.kind)).toEqual(['component', 'meta-data', 'version-file']);
  });
});

describe('exclusions', () => {
  it("one SDK's exclusion does not cancel another SDK's claim on the same prefix, whatever the order", () => {
    const core = sdk('core', { packages: ['com.v.core'], excludePackages: ['com.v.core.analytics'] });
    const analytics = sdk('analytics', { packages: ['com.v.core.analytics'] });
    for (const sdks of [[core, analytics], [analytics, core]]) {
      const m = new TrackerMatcher({ sdks });
      expect(m.match(evidence('org.example', ['com.v.core.analytics.Tracker'])).map((f) => f.id)).toEqual(['analytics']);
      expect(m.match(evidence('org.example', ['com.v.core.Session'])).map((f) => f.id)).toEqual(['core']);
    }
  });
});

describe('weak evidence', () => {
  it('types only referenced give a low-confidence finding', () => {
    const ev = evidence('org.example', []);
    ev.code.referenced.set('io.radar.sdk.Radar', 'classes.dex');
    const f = matcher.match(ev);
    expect(f.map((x) => [x.id, x.confidence])).toEqual([['radar', 'low']]);
  });

  it('a host name alone is not a finding; with other evidence it is one more item', () => {
    const dom = (host: string) => ({ host, sample: `https://${host}/x`, provenance: { entry: 'classes.dex', collector: 'dex' } });
    expect(ids(evidence('org.example', [], { domains: [dom('graph.facebook.com')] }))).toEqual([]);
    expect(ids(evidence('org.example', [], { domains: [dom('api.radar.io')] }))).toEqual([]);
    const withCode = matcher.match(evidence('org.example', ['com.facebook.login.LoginManager'], { domains: [dom('graph.facebook.com'), dom('notfacebook.com')] }));
    expect(withCode.map((f) => f.id)).toEqual(['fb-login']);
    expect(withCode[0].evidence.map((e) => [e.kind, e.searchedFor, e.examples])).toEqual([
      ['code-defined', 'com.facebook.login', ['com.facebook.login.LoginManager']],
      ['domain', 'facebook.com', ['graph.facebook.com']],
    ]);
    expect(matcher.sdkIdsForHost('graph.facebook.com')).toEqual(['fb-core', 'fb-login']);
    expect(matcher.sdkIdsForHost('notfacebook.com')).toEqual([]);
  });

  it('confidence rules', () => {
    const e = (kind: any) => ({ kind, searchedFor: 'x', count: 1, examples: [], locations: [] });
    expect(confidenceOf([e('code-referenced')])).toBe('low');
    expect(confidenceOf([e('domain'), e('code-referenced')])).toBe('low');
    expect(confidenceOf([e('native-library')])).toBe('medium');
    expect(confidenceOf([e('native-library'), e('meta-data')])).toBe('high');
    expect(confidenceOf([e('code-defined')])).toBe('high');
  });
});

describe('first party and determinism', () => {
  it("marks the vendor's own app as first party instead of hiding the SDK", () => {
    const f = matcher.match(evidence('com.facebook.katana', ['com.facebook.appevents.AppEventsLogger']));
    expect(f[0]).toMatchObject({ id: 'fb-core', firstParty: true });
  });

  it('examples are the smallest names whatever the read order', () => {
    const names = Array.from({ length: 50 }, (_, i) => `com.dv.C${String(i).padStart(2, '0')}`);
    const a = matcher.match(evidence('org.example', names))[0].evidence[0];
    const b = matcher.match(evidence('org.example', [...names].reverse()))[0].evidence[0];
    expect(a.examples).toEqual(['com.dv.C00', 'com.dv.C01', 'com.dv.C02']);
    expect(b).toEqual(a);
    expect(a.count).toBe(50);
  });
});
