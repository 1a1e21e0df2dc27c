import { describe, expect, it } from 'vitest';
import { diffReports, looksLikeJson, parseSavedReport, renderDiffJson, renderDiffMarkdown, renderDiffText } from '../../src/report/diff.js';
import { renderJson } from '../../src/report/json.js';
import type { WElement } from '../../src/testing/axml-writer.js';
import { buildApk, classes } from '../../src/testing/samples.js';
import { androidReport, buildIpa, campaignAppSpec, getScanner, hostile, HOSTILE_NAME, iosReport, normalise, outsideCode, scanSpec, tmpFile } from './helpers.js';

/** Version 2 of the campaign sample with planted changes: +RECORD_AUDIO, -READ_PHONE_STATE, +AppsFlyer (classes and a host). */
function campaignV2() {
  const spec = campaignAppSpec();
  const m = spec.manifest;
  const attr = (e: WElement, name: string) => e.attrs!.find((x) => x.name === name)!;
  attr(m, 'versionName').value = '2.1.0-synthetic';
  attr(m, 'versionCode').value = 20210101;
  const kids = m.children!;
  const phone = kids.findIndex((k) => k.name === 'uses-permission' && k.attrs!.some((x) => x.value === 'android.permission.READ_PHONE_STATE'));
  kids.splice(phone, 1, { name: 'uses-permission', attrs: [{ android: true, name: 'name', value: 'android.permission.RECORD_AUDIO' }] });
  spec.dex = [...(spec.dex ?? []), { entry: `classes${(spec.dex?.length ?? 0) + 1}.dex`, input: { classes: classes(['com.appsflyer.AppsFlyerLib', 'com.appsflyer.AppsFlyerConversionListener']), strings: ['https://launches.appsflyer.com/api/v6.3/androidevent'] } }];
  return spec;
}

describe('version diff', () => {
  it('lists exactly the planted changes between two versions of a bundle', () => {
    const v1 = getScanner().scanFile(tmpFile('v1.apk', Buffer.from(buildApkV1())));
    const v2 = scanSpec('v2.apk', campaignV2());
    const d = diffReports(v1, v2);
    expect(d.differentApps).toBe(false);
    expect(d.old.version).toBe('2.0.3-synthetic (20201103)');
    expect(d.new.version).toBe('2.1.0-synthetic (20210101)');
    expect(d.trackers.added.map((t) => t.id)).toEqual(['appsflyer']);
    expect(d.trackers.removed).toEqual([]);
    expect(d.trackers.changed).toEqual([]);
    expect(d.permissions.added.map((p) => p.name)).toEqual(['android.permission.RECORD_AUDIO']);
    expect(d.permissions.removed.map((p) => p.name)).toEqual(['android.permission.READ_PHONE_STATE']);
    expect(d.capabilities.added.map((c) => c.id)).toEqual(['microphone']);
    expect(d.capabilities.removed.map((c) => c.id)).toEqual(['phone-state']);
    expect(d.domains.added.map((h) => h.host)).toEqual(['launches.appsflyer.com']);
    expect(d.domains.removed).toEqual([]);
    expect(d.signers).toEqual({ added: [], removed: [] });
    expect(d.privacy).toBeUndefined();
    expect(d.unchanged).toBe(false);

    const text = renderDiffText(d);
    expect(text).toContain('  + AppsFlyer SDK');
    expect(text).toContain('  - android.permission.READ_PHONE_STATE');
    expect(text).toContain('  + launches.appsflyer.com (appsflyer)');
    const md = renderDiffMarkdown(d);
    expect(md).toContain('### Trackers');
    expect(md).toContain('- **added** `android.permission.RECORD_AUDIO`');
    expect(JSON.parse(renderDiffJson(d))).toEqual(JSON.parse(JSON.stringify(d)));
  });

  it('a report against itself is unchanged', () => {
    const r = androidReport();
    const d = diffReports(r, structuredClone(r));
    expect(d.unchanged).toBe(true);
    expect(renderDiffText(d)).toContain('No change');
  });

  it('iOS: tracker versions, purpose texts and privacy declarations', () => {
    const a = iosReport();
    const b = normalise(getScanner().scanFile(tmpFile('v2.ipa', buildIpa({ info: { NSContactsUsageDescription: 'Upload your address book', CFBundleShortVersionString: '2.1' } }))), 'campaign.ipa');
    b.trackers[0].confidence = 'medium';
    b.ios!.declaredVsDetected.declaresTracking = true;
    b.ios!.declaredVsDetected.declaredTrackingDomains = ['graph.facebook.com'];
    const d = diffReports(a, b);
    expect(d.permissions.purposeChanged).toEqual([{ name: 'NSContactsUsageDescription', from: 'Invite your friends to the campaign', to: 'Upload your address book' }]);
    expect(d.trackers.changed.map((c) => [c.id, c.from.confidence, c.to.confidence])).toEqual([[a.trackers[0].id, 'high', 'medium']]);
    expect(d.privacy?.declaresTracking).toEqual({ from: false, to: true });
    expect(d.privacy?.trackingDomains.added).toEqual(['graph.facebook.com']);
    expect(renderDiffMarkdown(d)).toContain('**purpose changed** `NSContactsUsageDescription`: “Invite your friends to the campaign” → “Upload your address book”');
    expect(renderDiffText(d)).toContain('tracking declared: no → yes');
  });

  it('escapes hostile strings in Markdown', () => {
    const a = androidReport();
    const d = diffReports(a, hostile(a));
    const md = renderDiffMarkdown(d);
    expect(outsideCode(md)).not.toContain(HOSTILE_NAME);
    expect(outsideCode(md)).not.toContain('<');
    expect(md).toContain('&lt;script');
  });

  it('reads saved JSON reports and tells them from bundles', () => {
    const json = renderJson(androidReport());
    expect(looksLikeJson(Buffer.from(json))).toBe(true);
    expect(looksLikeJson(Buffer.from('PK\x03\x04'))).toBe(false);
    expect(parseSavedReport(json).app.id).toBe('org.example.campaign2020');
    expect(() => parseSavedReport('{"tool":{"name":"other"}}')).toThrow(/not a trackscan/);
    expect(() => parseSavedReport(json.replace('"schemaVersion": 1', '"schemaVersion": 99'))).toThrow(/schema version 99/);
    expect(() => parseSavedReport('{')).toThrow(/not a JSON report/);
  });
});

function buildApkV1() {
  return buildApk(campaignAppSpec());
}
