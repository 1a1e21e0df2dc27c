import { describe, expect, it } from 'vitest';
import { declaredVsDetected } from '../../src/analysis/privacy.js';
import type { TrackerFinding } from '../../src/analysis/trackers.js';
import { emptyIosEvidence } from '../../src/bundle/ios/collectors.js';
import type { PrivacyManifestEvidence } from '../../src/evidence/types.js';
import type { SdkSignature } from '../../src/signatures/types.js';

const sdks: SdkSignature[] = [
  { id: 'fb', name: 'Facebook SDK', vendor: 'Meta', categories: ['analytics', 'advertising'], description: 'x.', sources: ['https://x'], ios: { frameworks: ['FBSDKCoreKit'] }, domains: ['facebook.com'] },
  { id: 'crash', name: 'Crash SDK', vendor: 'C', categories: ['crash-reporting'], description: 'x.', sources: ['https://x'], ios: { frameworks: ['CrashKit'] }, domains: ['crash.example.com'] },
];
const finding = (id: string, categories: TrackerFinding['categories'], extra: Partial<TrackerFinding> = {}): TrackerFinding => ({
  id,
  name: sdks.find((s) => s.id === id)!.name,
  vendor: 'v',
  categories,
  description: 'd',
  confidence: 'high',
  firstParty: false,
  evidence: [{ kind: 'framework', searchedFor: id === 'fb' ? 'FBSDKCoreKit' : 'CrashKit', count: 1, examples: [], locations: [] }],
  sources: [],
  ...extra,
});
const manifest = (path: string, bundle: string, tracking?: boolean, domains: string[] = []): PrivacyManifestEvidence => ({
  path,
  bundle,
  ...(tracking === undefined ? {} : { tracking }),
  trackingDomains: domains,
  collectedDataTypes: [],
  accessedApiTypes: [],
});

function evidence(manifests: PrivacyManifestEvidence[], hosts: string[]) {
  const ev = emptyIosEvidence('Payload/X.app/Info.plist');
  ev.ios!.bundles = [{ path: 'Payload/X.app', kind: 'app', name: 'X' }];
  ev.ios!.privacyManifests = manifests;
  ev.domains = hosts.map((host) => ({ host, sample: host, provenance: { entry: 'Payload/X.app/X', collector: 'macho' } }));
  return ev;
}

const kinds = (r: ReturnType<typeof declaredVsDetected>) => r!.checks.map((c) => [c.kind, c.tracker ?? c.domain ?? '']);

describe('declared vs detected', () => {
  it('flags a tracking SDK without a manifest, an app that declares no tracking, and undeclared tracking hosts', () => {
    const ev = evidence([manifest('Payload/X.app/PrivacyInfo.xcprivacy', 'Payload/X.app', false)], ['graph.facebook.com', 'crash.example.com', 'example.org']);
    const r = declaredVsDetected(ev, [finding('fb', ['analytics', 'advertising']), finding('crash', ['crash-reporting'])], sdks);
    expect(kinds(r)).toEqual([
      ['app-declares-no-tracking', ''],
      ['tracking-sdk-without-manifest', 'fb'],
      ['undeclared-tracking-domain', 'graph.facebook.com'],
    ]);
    expect(r!.detectedTrackingDomains).toEqual(['graph.facebook.com']);
  });

  it('is quiet when the SDK ships a manifest declaring tracking and its domains', () => {
    const ev = evidence(
      [
        manifest('Payload/X.app/PrivacyInfo.xcprivacy', 'Payload/X.app', true),
        manifest('Payload/X.app/Frameworks/FBSDKCoreKit.framework/PrivacyInfo.xcprivacy', 'Payload/X.app/Frameworks/FBSDKCoreKit.framework', true, ['facebook.com']),
      ],
      ['graph.facebook.com'],
    );
    const r = declaredVsDetected(ev, [finding('fb', ['advertising'])], sdks);
    expect(r!.checks).toEqual([]);
    expect(r!.declaresTracking).toBe(true);
    expect(r!.declaredTrackingDomains).toEqual(['facebook.com']);
  });

  it("finds an SDK's manifest in a resource bundle named after it, and flags one that declares no tracking", () => {
    const ev = evidence(
      [manifest('Payload/X.app/PrivacyInfo.xcprivacy', 'Payload/X.app', true, ['graph.facebook.com']), manifest('Payload/X.app/FBSDKCoreKit_Privacy.bundle/PrivacyInfo.xcprivacy', 'Payload/X.app/FBSDKCoreKit_Privacy.bundle', false)],
      ['graph.facebook.com'],
    );
    const r = declaredVsDetected(ev, [finding('fb', ['advertising'])], sdks);
    expect(kinds(r)).toEqual([['tracking-sdk-declares-no-tracking', 'fb']]);
  });

  it("ignores low-confidence and first-party findings, and says when the app has no manifest", () => {
    const ev = evidence([], []);
    expect(declaredVsDetected(ev, [finding('fb', ['advertising'], { confidence: 'low' }), finding('fb', ['advertising'], { firstParty: true })], sdks)!.checks).toEqual([]);
    expect(kinds(declaredVsDetected(ev, [finding('fb', ['advertising'])], sdks))).toEqual([
      ['app-without-manifest', ''],
      ['tracking-sdk-without-manifest', 'fb'],
    ]);
  });
});
