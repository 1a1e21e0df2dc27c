import { describe, expect, it } from 'vitest';
import { findApp, frameworkOfInstallName, isSystemInstallName, owningBundle } from '../../src/bundle/ios/layout.js';

const e = (name: string) => ({ name, size: 1, isDirectory: name.endsWith('/') });

describe('iOS app layout', () => {
  it('finds the app in an IPA and the bundles nested in it, with their privacy manifests', () => {
    const l = findApp(
      [
        'Payload/X.app/Info.plist',
        'Payload/X.app/X',
        'Payload/X.app/PrivacyInfo.xcprivacy',
        'Payload/X.app/Frameworks/FBSDKCoreKit.framework/Info.plist',
        'Payload/X.app/Frameworks/FBSDKCoreKit.framework/FBSDKCoreKit',
        'Payload/X.app/Frameworks/FBSDKCoreKit.framework/PrivacyInfo.xcprivacy',
        'Payload/X.app/PlugIns/Share.appex/Info.plist',
        'Payload/X.app/GoogleMobileAdsResources.bundle/PrivacyInfo.xcprivacy',
        'Payload/X.app/Watch/W.app/Info.plist',
        'iTunesMetadata.plist',
      ].map(e),
    )!;
    expect(l.root).toBe('Payload/X.app/');
    expect(l.bundles.map((b) => [b.path, b.kind, b.name])).toEqual([
      ['Payload/X.app', 'app', 'X'],
      ['Payload/X.app/Frameworks/FBSDKCoreKit.framework', 'framework', 'FBSDKCoreKit'],
      ['Payload/X.app/GoogleMobileAdsResources.bundle', 'bundle', 'GoogleMobileAdsResources'],
      ['Payload/X.app/PlugIns/Share.appex', 'extension', 'Share'],
      ['Payload/X.app/Watch/W.app', 'extension', 'W'],
    ]);
    expect(l.privacyManifests).toHaveLength(3);
    expect(owningBundle(l.bundles, 'Payload/X.app/Frameworks/FBSDKCoreKit.framework/PrivacyInfo.xcprivacy').name).toBe('FBSDKCoreKit');
    expect(owningBundle(l.bundles, 'Payload/X.app/PrivacyInfo.xcprivacy').kind).toBe('app');
  });

  it('finds a zipped .app (simulator build) and an .app folder', () => {
    expect(findApp(['TestApp.app/Info.plist', 'TestApp.app/TestApp'].map(e))!.root).toBe('TestApp.app/');
    expect(findApp(['build/TestApp.app/Info.plist'].map(e))!.root).toBe('build/TestApp.app/');
    expect(findApp(['Info.plist', 'TestApp', '_CodeSignature/CodeResources'].map(e))!.root).toBe('');
  });

  it('says when an IPA holds several apps, and is undefined for non-apps', () => {
    const l = findApp(['Payload/B.app/Info.plist', 'Payload/A.app/Info.plist'].map(e))!;
    expect(l.root).toBe('Payload/A.app/');
    expect(l.otherApps).toEqual(['Payload/B.app/']);
    expect(findApp(['AndroidManifest.xml', 'classes.dex'].map(e))).toBeUndefined();
  });

  it('reads framework names from install names', () => {
    expect(frameworkOfInstallName('@rpath/FBSDKCoreKit.framework/FBSDKCoreKit')).toBe('FBSDKCoreKit');
    expect(frameworkOfInstallName('/System/Library/Frameworks/CoreLocation.framework/CoreLocation')).toBe('CoreLocation');
    expect(frameworkOfInstallName('/usr/lib/libz.1.dylib')).toBeUndefined();
    expect(isSystemInstallName('/System/Library/Frameworks/AdSupport.framework/AdSupport')).toBe(true);
    expect(isSystemInstallName('@rpath/AdSupport.framework/AdSupport')).toBe(false);
  });
});
