import { describe, expect, it } from 'vitest';
import { CSP, escapeHtml, html, renderHtml } from '../../src/report/html.js';
import { androidReport, BIDI, hostile, HOSTILE_NAME, HOSTILE_PURPOSE, iosReport } from './helpers.js';

const android = renderHtml(androidReport());
const ios = renderHtml(iosReport());

describe('HTML report', () => {
  it('is one self-contained document with a strict CSP first in <head>', () => {
    for (const page of [android, ios]) {
      expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
      const head = page.slice(page.indexOf('<head>'), page.indexOf('</head>'));
      expect(head.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(head.indexOf('<style>'));
      expect(page).toContain(`content="${escapeHtml(CSP)}"`);
      expect(page).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\(|@font-face/i);
      // the only absolute URLs: the SVG namespace and the signature database's https source links
      const urls = [...page.matchAll(/(?:src|href|xmlns)="([^"#][^"]*)"/g)].map((m) => m[1]);
      for (const u of urls) expect(u === 'http://www.w3.org/2000/svg' || u.startsWith('https://'), u).toBe(true);
      expect([...page.matchAll(/<a href="https:/g)].length).toBe([...page.matchAll(/<a href="https:[^>]*rel="noreferrer noopener"/g)].length);
    }
  });

  it('has the sections a journalist reads, in order', () => {
    const order = ['id="identity"', 'id="access"', 'id="trackers"', 'id="permissions"', 'id="hosts"', 'id="details"', 'id="limits"'];
    let at = -1;
    for (const s of order) {
      const i = android.indexOf(s);
      expect(i, s).toBeGreaterThan(at);
      at = i;
    }
    expect(android).toContain('Campaign 2020 (synthetic demo)');
    expect(android).toContain('307738f87e6e7153a581639234e5eb1e4366fda63a9a521bc5ae673c95b3c0dc'); // file SHA-256
    expect(android).toContain('ca4db8cc3b028b30478ef5251dd21f928c47cb160c6b80781b3b60a8a7f2f9fc'); // signer
    expect(android).toContain('Phunware Location SDK');
    expect(android).toContain('com.phunware.azul.AzulBeaconScanner');
    expect(android).toContain('classes2.dex: com.facebook.FacebookSdk');
    expect(android).toMatch(/<details><summary>Evidence \(\d+\)<\/summary>/);
    expect(android).toContain('<svg');
    expect(android).toContain('dangerous');
    expect(android).not.toContain('id="privacy"');
  });

  it('iOS: declared vs detected, and the purpose texts quoted', () => {
    expect(ios).toContain('id="privacy"');
    expect(ios).toContain('Privacy manifests: declared vs detected');
    expect(ios).toContain('“Invite your friends to the campaign”');
    expect(ios).toContain('NSContactsUsageDescription');
    expect(ios).toContain('Apple team');
    expect(ios).toContain('undeclared tracking domain');
  });

  it('escapes everything the bundle supplies', () => {
    for (const base of [androidReport(), iosReport()]) {
      const page = renderHtml(hostile(base));
      expect(page).not.toContain(HOSTILE_NAME);
      expect(page).not.toContain('<img');
      expect(page).not.toMatch(/<script/i);
      // no attribute can be opened from inside a value: every tag in the page is one of ours
      const tags = page.match(/<[a-zA-Z][^>]*>/g) ?? [];
      for (const t of tags) expect(t).not.toMatch(/\son\w+=|alert/i);
      expect(page).not.toContain(HOSTILE_PURPOSE);
      expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
      // a right-to-left override is shown, not obeyed
      expect(page).not.toContain('\u202E');
      expect(page).toContain(escapeHtml(BIDI));
      expect(escapeHtml(BIDI)).toContain('\\u{202E}');
    }
  });

  it('the template escapes interpolations unless they are built fragments', () => {
    expect(html`<p title="${'"x'}">${'<b>'}${html`<i>ok</i>`}${['<', html`<br>`]}</p>`.value).toBe('<p title="&#34;x">&#60;b&#62;<i>ok</i>&#60;<br></p>');
    expect(escapeHtml("a&b<c>d\"e'f`g")).toBe('a&#38;b&#60;c&#62;d&#34;e&#39;f&#96;g');
  });

  it('renders a report with nothing in it', () => {
    const r = androidReport();
    r.trackers = [];
    r.capabilities = [];
    r.permissions = [];
    r.domains = [];
    delete r.signing;
    const page = renderHtml(r);
    expect(page).toContain('No known trackers found');
    expect(page).toContain('The app asks for no sensitive permissions.');
    expect(page).not.toContain('<svg');
  });
});
