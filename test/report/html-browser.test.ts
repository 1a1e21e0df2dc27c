/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core. The page must
 * load with no console error and no network request at all (every request is intercepted; only
 * the page itself may load), show its key sections, lay out for print with the evidence open,
 * and not run anything a hostile app name or purpose text tries to inject. Screenshots and a PDF
 * go to test-results/ (git-ignored) for a person to look at.
 *
 * Needs `apt-get install -y chromium` (CI installs it); skips with a message when it is absent.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import type { Report } from '../../src/report/model.js';
import { requireTool } from '../helpers/tools.js';
import { androidReport, hostile, iosReport, ROOT } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(ROOT, 'test-results');
const available = requireTool('chromium');

describe.skipIf(!available)('HTML report in Chromium', () => {
  let context: BrowserContext;
  let userDataDir: string;
  let pagesDir: string;

  beforeAll(async () => {
    userDataDir = mkdtempSync(path.join(tmpdir(), 'trackscan-chromium-'));
    pagesDir = mkdtempSync(path.join(tmpdir(), 'trackscan-pages-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1100, height: 900 } });
    mkdirSync(OUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    rmSync(userDataDir, { recursive: true, force: true });
    rmSync(pagesDir, { recursive: true, force: true });
  });

  /** Opens the report from a file: URL; records console messages, page errors, dialogs and every request. */
  async function open(name: string, report: Report): Promise<{ page: Page; problems: string[]; requests: string[] }> {
    const file = path.join(pagesDir, `${name}.html`);
    writeFileSync(file, renderHtml(report));
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.route('**/*', (route) => {
      const u = route.request().url();
      requests.push(u);
      return u === url ? route.continue() : route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, requests };
  }

  it('Android sample: loads with no console error and no request, key sections present; screenshot and PDF', async () => {
    const { page, problems, requests } = await open('campaign-app', androidReport());
    expect(problems).toEqual([]);
    expect(requests).toEqual([page.url()]);
    for (const id of ['identity', 'access', 'trackers', 'permissions', 'hosts', 'limits']) expect(await page.locator(`section#${id}`).count(), id).toBe(1);
    expect(await page.locator('h1').innerText()).toBe('Campaign 2020 (synthetic demo)');
    expect(await page.locator('#access article.card').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#trackers article.tracker').count()).toBe(8);
    expect(await page.locator('#trackers svg rect').count()).toBeGreaterThan(0);
    // evidence is folded on screen and opens on a click, without a script
    const firstEvidence = page.locator('#trackers article.tracker details').first();
    expect(await firstEvidence.locator('ul.evidence').isVisible()).toBe(false);
    await firstEvidence.locator('summary').click();
    expect(await firstEvidence.locator('ul.evidence').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(OUT, 'report-campaign-app.png'), fullPage: true });

    // print: the navigation goes, folded evidence shows, and a PDF can be made
    await firstEvidence.locator('summary').click();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav').isVisible()).toBe(false);
    expect(await page.locator('#trackers article.tracker details ul.evidence').first().isVisible()).toBe(true);
    const pdf = await page.pdf({ path: path.join(OUT, 'report-campaign-app.pdf'), format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(requests).toEqual([page.url()]);
    await page.close();
  }, 60_000);

  it('status badges and who-uses-what: readable text (WCAG AA contrast) in light, dark and print', async () => {
    const { page, problems, requests } = await open('campaign-app-status', androidReport());
    expect(problems).toEqual([]);
    expect(requests).toEqual([page.url()]);
    expect(await page.locator('#trackers article.tracker .badge.status').count()).toBe(8);
    expect(await page.locator('#cap-bluetooth-scan li.user-sdk .who').innerText()).toBe('Phunware Location SDK');
    // the colour never carries the meaning alone: each badge says its state in words
    expect(await page.locator('#tracker-phunware-analytics .badge.status').innerText()).toMatch(/present but never referenced/i);
    const contrast = () =>
      page.locator('.badge.status, .users .who, .used-by, .status-reason').evaluateAll((els) => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = ([r, g, b]: number[]) => {
          const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        return els.map((el) => {
          let bg = 'rgb(255, 255, 255)';
          for (let e: Element | null = el; e; e = e.parentElement) {
            const c = getComputedStyle(e).backgroundColor;
            const parts = rgb(c);
            if (parts.length >= 3 && (parts.length < 4 || parts[3] > 0)) {
              bg = c;
              break;
            }
          }
          const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(bg))];
          return { text: (el as HTMLElement).innerText.slice(0, 40), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
        });
      });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme, media: 'screen' });
      for (const c of await contrast()) expect(c.ratio, `${scheme}: ${c.text}`).toBeGreaterThanOrEqual(4.5);
    }
    await page.emulateMedia({ colorScheme: 'light', media: 'print' });
    for (const c of await contrast()) expect(c.ratio, `print: ${c.text}`).toBeGreaterThanOrEqual(4.5);
    expect(await page.locator('#tracker-phunware-location .badge.status').isVisible()).toBe(true);
    expect(requests).toEqual([page.url()]);
    await page.close();
  }, 60_000);

  it('iOS fixture: declared vs detected and the quoted purpose texts', async () => {
    const { page, problems, requests } = await open('campaign-ipa', iosReport());
    expect(problems).toEqual([]);
    expect(requests).toEqual([page.url()]);
    expect(await page.locator('section#privacy').count()).toBe(1);
    expect(await page.locator('#access blockquote').first().innerText()).toContain('“');
    await page.screenshot({ path: path.join(OUT, 'report-campaign-ipa.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('hostile strings are shown as text and nothing runs', async () => {
    const { page, problems, requests } = await open('hostile', hostile(iosReport()));
    expect(problems).toEqual([]);
    expect(requests).toEqual([page.url()]);
    expect(await page.locator('script, img, iframe, [onmouseover], [onerror]').count()).toBe(0);
    expect(await page.locator('h1').innerText()).toBe('<script>alert(1)</script>safe\\u{202E}exe.txt');
    expect(await page.locator('#access blockquote p').first().innerText()).toContain('"onmouseover="alert(2)"');
    await page.locator('#access article.card').first().hover();
    expect(problems).toEqual([]);
    await page.screenshot({ path: path.join(OUT, 'report-hostile.png'), fullPage: true });
    await page.close();
  }, 60_000);
});
