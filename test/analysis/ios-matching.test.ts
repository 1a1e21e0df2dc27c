import { describe, expect, it } from 'vitest';
import { swiftModuleOf, TrackerMatcher } from '../../src/analysis/trackers.js';
import type { SdkSignature } from '../../src/signatures/types.js';

const sdk = (id: string, ios: SdkSignature['ios']): SdkSignature => ({ id, name: id, vendor: id, categories: ['analytics'], description: 'An SDK.', sources: ['https://example.com'], ios });
const m = new TrackerMatcher({
  sdks: [sdk('fb', { classPrefixes: ['FBSDK', 'GAD'], frameworks: ['FBSDKCoreKit'] }), sdk('fir', { classPrefixes: ['FIR', 'APM'] }), sdk('af', { classPrefixes: ['AppsFlyer'], frameworks: ['AppsFlyerLib'] })],
});
const id = (name: string) => {
  const hit = m.lookupObjcClass(name);
  return hit && ['fb', 'fir', 'af'][hit.sdk];
};

describe('Objective-C class prefixes', () => {
  it('match at an Apple-style word boundary', () => {
    expect(id('FBSDKLoginManager')).toBe('fb');
    expect(id('FIRApp')).toBe('fir');
    expect(id('FIR_Helper')).toBe('fir');
    expect(id('APM2Reporter')).toBe('fir');
    expect(id('AppsFlyerLib')).toBe('af');
    expect(id('FBSDK')).toBe('fb');
    expect(id('FIRA')).toBe('fir');
  });

  it('do not match inside a longer word', () => {
    expect(id('FIRSTViewController')).toBeUndefined();
    expect(id('Firebase')).toBeUndefined();
    expect(id('FIRefox')).toBeUndefined();
    expect(id('APMonitor')).toBeUndefined();
    expect(id('GADURLSession')).toBeUndefined(); // documented price: a prefix followed by an acronym
    expect(id('GADBannerView')).toBe('fb');
    expect(id('AppsFlyerish')).toBeUndefined();
    expect(id('FBSDKitchen')).toBeUndefined();
  });

  it('Swift classes match by module name against framework names', () => {
    expect(swiftModuleOf('_TtC12AppsFlyerLib9Attribute')).toBe('AppsFlyerLib');
    expect(swiftModuleOf('_TtCC12FBSDKCoreKit5Outer5Inner')).toBe('FBSDKCoreKit');
    expect(swiftModuleOf('_TtGC12AppsFlyerLib3BoxSS_')).toBe('AppsFlyerLib');
    expect(swiftModuleOf('_TtC99Short')).toBeUndefined();
    expect(swiftModuleOf('AppDelegate')).toBeUndefined();
    expect(id('_TtC12AppsFlyerLib9Attribute')).toBe('af');
    expect(id('_TtC8MyModule9Attribute')).toBeUndefined();
  });
});
