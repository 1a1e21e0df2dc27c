/**
 * HTML, Markdown and SARIF say what the text report says about who uses what and whether a
 * tracker is switched on: each tracker's status with its reason, which SDK — not the app — uses
 * each sensitive API (with the class and method), and renamed or packed code. The campaign
 * sample has active and unreferenced SDKs, Phunware scanning Bluetooth and the app's own code
 * reading contacts; two hand-built APKs add a tracker disabled by a manifest flag and a packer.
 */
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/model.js';
import { buildSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { buildViewModel, usedBySummary } from '../../src/report/view-model.js';
import { classes } from '../../src/testing/samples.js';
import { APP, call, caller, m, metaData, scanFixture } from '../attribution/fixtures.js';
import { androidReport, iosReport } from './helpers.js';


const FB_ANALYTICS = 'com.google.firebase.analytics.FirebaseAnalytics';
const android = androidReport();
const page = renderHtml(android);
const md = renderMarkdown(android);

/** Firebase switched off by a documented flag, its advertising-ID collection off too. */
function disabledReport(): Report {
  return scanFixture({
    classes: [caller(FB_ANALYTICS), caller(`${APP}.Main`, call(m(FB_ANALYTICS, 'run'), 'static'))],
    application: [metaData('firebase_analytics_collection_deactivated', true), metaData('google_analytics_adid_collection_enabled', false)],
  });
}

/** Jiagu's stub library, payload and stub class. */
function packedReport(): Report {
  return scanFixture({
    classes: classes(['com.stub.StubApp']),
    files: [{ name: 'lib/arm64-v8a/libjiagu_a64.so', data: new Uint8Array(16) }, { name: 'assets/libjiagu.so', data: new Uint8Array(16) }],
  });
}

/** The HTML of one element by id, to its closing tag (articles and sections do not nest in themselves). */
function element(html: string, id: string, tag = 'article'): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, id).toBeGreaterThan(0);
  return html.slice(start, html.indexOf(`</${tag}>`, start));
}

/** A Markdown capability bullet and its sub-bullets. */
function mdBlock(text: string, title: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`- **${title}**`));
  expect(i, title).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, j) => j > i && !l.startsWith('  '));
  return lines.slice(i, end).join('\n');
}

describe('the view model', () => {
  it('says which SDKs, not the app, use a capability', () => {
    expect(usedBySummary([{ app: false, who: 'Phunware Location SDK' }])).toBe('Used in code by a third-party SDK, Phunware Location SDK, not by the app’s own code.');
    expect(usedBySummary([{ app: false, who: 'A' }, { app: false, who: 'B' }])).toBe('Used in code by third-party SDKs, A and B, not by the app’s own code.');
    expect(usedBySummary([{ app: false, who: 'A' }, { app: true, who: 'the app’s own code' }])).toBe('Used by the app’s own code and by a third-party SDK: A.');
    expect(usedBySummary([{ app: true, who: 'the app’s own code' }])).toBe('Used by the app’s own code.');
  });

  it('carries status, users with call sites, unexercised permissions and the obfuscation measure', () => {
    const vm = buildViewModel(android);
    const bt = vm.access.find((c) => c.id === 'bluetooth-scan')!;
    expect(bt.usedBy).toEqual([expect.objectContaining({ by: 'phunware-location', app: false, who: 'Phunware Location SDK', sites: ['classes.dex: com.phunware.azul.AzulBeaconScanner.start'], status: { state: 'active', label: 'active' } })]);
    expect(vm.access.find((c) => c.id === 'contacts')!.usedBy).toEqual([expect.objectContaining({ app: true, who: 'the app’s own code', sites: ['classes.dex: org.example.campaign2020.contacts.ContactsUploader.upload'] })]);
    // the walk found no code for the permissions behind it
    expect(vm.access.find((c) => c.id === 'bluetooth-connect')!.usedBySummary).toMatch(/^No code in the app was found using it/);
    expect(vm.unexercised).toEqual(['BLUETOOTH', 'BLUETOOTH_CONNECT']);
    const all = vm.trackerGroups.flatMap((g) => g.trackers);
    expect(all.find((t) => t.id === 'phunware-analytics')!.status).toMatchObject({ state: 'unreferenced', label: 'present but never referenced' });
    expect(all.find((t) => t.id === 'phunware-core')!.status!.evidence.map((e) => e.text)).toContainEqual(expect.stringMatching(/^the app’s own code refers to it: org\.example\.campaign2020\.\S+ → com\.phunware\.core\./));
    expect(vm.obfuscation).toMatchObject({ level: 'none', label: 'no renaming found', packers: [] });
    expect(buildViewModel(iosReport()).obfuscation).toBeUndefined();
  });

  it('says the same status words as the text report', () => {
    const text = renderText(android);
    for (const t of buildViewModel(android).trackerGroups.flatMap((g) => g.trackers)) expect(text).toContain(`status: ${t.status!.label} (${t.status!.reason})`);
  });
});

describe('HTML', () => {
  it('says Phunware, not the app, scans Bluetooth, with the class and method', () => {
    const card = element(page, 'cap-bluetooth-scan');
    expect(card).toContain('Used in code by a third-party SDK, Phunware Location SDK, not by the app’s own code.');
    expect(card).toMatch(/<li class="user-sdk"><span class="who">Phunware Location SDK<\/span>/);
    expect(card).not.toContain('user-app');
    expect(card).toContain('<li class="mono">classes.dex: com.phunware.azul.AzulBeaconScanner.start</li>');
    expect(card).toContain('android.bluetooth.le.BluetoothLeScanner.startScan');
    const contacts = element(page, 'cap-contacts');
    expect(contacts).toContain('Used by the app’s own code.');
    expect(contacts).toContain('user-app');
    expect(contacts).not.toContain('user-sdk');
    expect(contacts).toContain('org.example.campaign2020.contacts.ContactsUploader.upload');
  });

  it('shows one status badge per tracker, with its plain-language reason', () => {
    expect(android.trackers.every((t) => t.status)).toBe(true);
    for (const t of android.trackers) {
      const card = element(page, `tracker-${t.id}`);
      expect(card.match(/class="badge status /g), t.id).toHaveLength(1);
      expect(card).toContain(`status-${t.status!.state}`);
      expect(card).toContain(`<dt>Status</dt><dd class="status-reason"><strong>${escapeHtml(buildViewModel(android).trackerGroups.flatMap((g) => g.trackers).find((x) => x.id === t.id)!.status!.label)}</strong>: ${escapeHtml(t.status!.summary)}`);
    }
    expect(element(page, 'tracker-phunware-analytics')).toContain('<span class="sr-only">status: </span>present but never referenced</span>');
    expect(element(page, 'tracker-phunware-location')).toContain('<span class="sr-only">status: </span>active</span>');
  });

  it('a tracker disabled by configuration, and the part a partial switch turns off', () => {
    const card = element(renderHtml(disabledReport()), 'tracker-firebase-analytics');
    expect(card).toContain('status-disabled');
    expect(card).toContain('disabled by configuration');
    expect(card).toContain('firebase_analytics_collection_deactivated = true');
    expect(card).toContain('switched off by configuration: advertising ID');
  });

  it('has a section on renamed and packed code; a packer is named at the top and in it', () => {
    const code = element(page, 'code', 'section');
    expect(code).toContain('no renaming found');
    expect(code).toContain('No packer or protector found. 0 of 46 classes (0 %)');
    const packed = renderHtml(packedReport());
    const header = packed.slice(0, packed.indexOf('</header>'));
    expect(header).toMatch(/<p class="notice">Hidden code: the code is packed or protected \(Jiagu/);
    const section = element(packed, 'code', 'section');
    expect(section).toContain('code hidden');
    expect(section).toMatch(/<strong>Jiagu[^<]*<\/strong>/);
    expect(section).toContain('native library libjiagu_a64.so');
    expect(packed).toContain('<a href="#code">Hidden code</a>');
  });

  it('says which requested permissions no code uses', () => {
    const perms = element(page, 'permissions', 'section');
    expect(perms).toContain('2 requested permissions are never exercised in code: <span class="mono">BLUETOOTH, BLUETOOTH_CONNECT</span>');
    expect(perms).toContain('by Phunware Location SDK');
  });
});

describe('Markdown', () => {
  it('says Phunware, not the app, scans Bluetooth, and the app reads contacts', () => {
    const bt = mdBlock(md, 'Bluetooth scanning');
    expect(bt).toContain('  - Used in code by a third-party SDK, Phunware Location SDK, not by the app’s own code.');
    expect(bt).toContain('    - **Phunware Location SDK** (SDK; active): scans for Bluetooth LE devices and beacons — `classes.dex: com.phunware.azul.AzulBeaconScanner.start`');
    expect(bt).not.toContain('the app’s own code**');
    const contacts = mdBlock(md, 'Contacts');
    expect(contacts).toContain('**the app’s own code**: reads the address book — `classes.dex: org.example.campaign2020.contacts.ContactsUploader.upload`');
    expect(contacts).not.toContain('(SDK');
  });

  it('has a status cell in every tracker row', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Tracker') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(8);
    for (const t of android.trackers) {
      const row = rows.find((r) => r.startsWith(`| ${t.name.replace(/[|*_[\]`]/g, '\\$&')}`))!;
      expect(row, t.id).toBeDefined();
      expect(row.split(' | ')[4]).toMatch(t.status!.state === 'active' ? /^\*\*active\*\*: / : /^\*\*present but never referenced\*\*: no code outside the SDK/);
    }
    expect(renderMarkdown(disabledReport())).toMatch(/\| \*\*disabled by configuration\*\*: switched off by configuration \(firebase\\_analytics\\_collection\\_deactivated = true\)[^|]*; switched off by configuration: advertising ID \|/);
  });

  it('names the packer and the hidden code, and the unexercised permissions', () => {
    expect(md).toContain('### Hidden or renamed code: no renaming found');
    expect(md).toContain('Never exercised in code: `BLUETOOTH`, `BLUETOOTH_CONNECT`');
    const packed = renderMarkdown(packedReport());
    expect(packed).toMatch(/^> Hidden code: the code is packed or protected \(Jiagu/m);
    expect(packed).toContain('### Hidden or renamed code: code hidden');
    expect(packed).toMatch(/^- \*\*Jiagu[^*]*\*\* \([^)]*\), a packer: found `native library libjiagu_a64.so`/m);
  });
});

type Res = { ruleId: string; message: { text: string }; relatedLocations?: { message: { text: string } }[]; properties: Record<string, unknown> };
type Log = { runs: { results: Res[]; properties: Record<string, unknown>; invocations: { toolExecutionNotifications?: { descriptor: { id: string }; message: { text: string } }[] }[] }[] };
const sarif = (r: Report) => buildSarif(r) as unknown as Log;

describe('SARIF', () => {
  it('every tracker result carries its status and reason, in properties and in words', () => {
    const results = sarif(android).runs[0].results.filter((r) => r.ruleId.startsWith('tracker'));
    expect(results).toHaveLength(android.trackers.length);
    for (const res of results) {
      const t = android.trackers.find((x) => x.id === res.properties.trackerId)!;
      expect(res.properties.status, t.id).toBe(t.status!.state);
      expect(res.properties.statusReason).toBe(t.status!.summary);
      expect(res.message.text).toMatch(/ Status: (active|present but never referenced) \(/);
    }
    const fb = sarif(disabledReport()).runs[0].results.find((r) => r.properties.trackerId === 'firebase-analytics')!;
    expect(fb.properties).toMatchObject({ status: 'disabled', switchedOff: ['advertising ID'] });
    expect(fb.message.text).toContain('Status: disabled by configuration (switched off by configuration (firebase_analytics_collection_deactivated = true)');
  });

  it('a capability result says which SDK, not the app, uses it, with the call site as a related location', () => {
    const results = sarif(android).runs[0].results;
    const bt = results.find((r) => r.properties.capability === 'bluetooth-scan')!;
    expect(bt.properties.usedByApp).toBe(false);
    expect(bt.properties.usedBy).toEqual([expect.objectContaining({ by: 'phunware-location', name: 'Phunware Location SDK', status: 'active', callers: ['com.phunware.azul.AzulBeaconScanner'] })]);
    expect(bt.message.text).toContain('Used in code by a third-party SDK, Phunware Location SDK, not by the app’s own code.');
    expect(bt.relatedLocations!.map((l) => l.message.text)).toContain('Phunware Location SDK (scans for Bluetooth LE devices and beacons): classes.dex: com.phunware.azul.AzulBeaconScanner.start');
    const contacts = results.find((r) => r.properties.capability === 'contacts')!;
    expect(contacts.properties.usedByApp).toBe(true);
    expect(contacts.properties.usedBy).toEqual([expect.objectContaining({ by: 'app' })]);
    // a capability no code was found using has no usedBy
    expect(results.find((r) => r.properties.capability === 'bluetooth-connect')!.properties.usedBy).toBeUndefined();
    expect(sarif(android).runs[0].properties.permissionsNotExercised).toEqual(['android.permission.BLUETOOTH', 'android.permission.BLUETOOTH_CONNECT']);
  });

  it('hidden code is a tool notification and the run says which packer', () => {
    expect(sarif(android).runs[0].invocations[0].toolExecutionNotifications ?? []).toEqual([]);
    const run = sarif(packedReport()).runs[0];
    expect(run.invocations[0].toolExecutionNotifications).toContainEqual(expect.objectContaining({ descriptor: { id: 'hidden-code' }, message: { text: expect.stringMatching(/^Hidden code: the code is packed/) } }));
    expect(run.properties.obfuscation).toMatchObject({ level: 'hidden', packers: [expect.objectContaining({ id: 'jiagu-360' })] });
  });
});

describe('iOS required-reason APIs without a declared reason', () => {
  it('text, HTML and Markdown say it in the same sentence', () => {
    const r = structuredClone(iosReport());
    const binary = 'Payload/Campaign.app/Frameworks/Tracky.framework/Tracky';
    r.ios!.requiredReasonApis = [
      { binary, by: 'tracky', category: 'NSPrivacyAccessedAPICategoryFileTimestamp', found: ['stat', 'getattrlist'], declaredReasons: [], ok: false },
      { binary, by: 'tracky', category: 'NSPrivacyAccessedAPICategoryUserDefaults', found: ['NSUserDefaults'], declaredReasons: ['CA92.1'], privacyManifest: `${binary}/../PrivacyInfo.xcprivacy`, ok: true },
    ];
    const sentence = 'Tracky uses FileTimestamp APIs (stat, getattrlist) but its bundle has no privacy manifest';
    expect(buildViewModel(r).privacy!.requiredReasons).toEqual([sentence]);
    expect(renderText(r).split('\n')).toContain(`  ! ${sentence}`);
    expect(renderMarkdown(r).split('\n')).toContain(`- ${sentence}`);
    expect(renderHtml(r)).toContain(`<li>${escapeHtml(sentence)}</li>`);
    // a check that passes is not reported
    expect(renderText(r)).not.toContain('UserDefaults APIs');
  });
});
