import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdCode, mdText, renderMarkdown } from '../../src/report/markdown.js';
import { androidReport, hostile, HOSTILE_NAME, iosReport, outsideCode, UPDATE } from './helpers.js';

function golden(name: string, actual: string) {
  const file = path.join(__dirname, 'golden', name);
  if (UPDATE || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('Markdown report', () => {
  it('matches the golden file for the Android sample', () => golden('campaign-app.md', renderMarkdown(androidReport())));
  it('matches the golden file for the iOS fixture', () => golden('campaign-ipa.md', renderMarkdown(iosReport())));

  it('is compact: one table row per tracker, no HTML', () => {
    const md = renderMarkdown(androidReport());
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Tracker') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(androidReport().trackers.filter((t) => t.confidence !== 'low').length);
    expect(md).not.toMatch(/<[a-z]/i);
    expect(md.split('\n').length).toBeLessThan(80);
  });

  it('escapes what the bundle supplies: no link, image, HTML, table cell or line break can be injected', () => {
    for (const base of [androidReport(), iosReport()]) {
      const md = renderMarkdown(hostile(base));
      // inside code spans text is literal (Markdown renders `<` there as text); outside, nothing may be live
      expect(outsideCode(md)).not.toContain(HOSTILE_NAME);
      expect(outsideCode(md)).not.toContain('<');
      expect(outsideCode(md)).not.toMatch(/(^|[^\\])\[click\]\(/);
      expect(outsideCode(md)).not.toMatch(/(^|[^\\])!\[img\]/);
      expect(outsideCode(md)).not.toContain('<b>');
      expect(md).not.toContain('\nsecond line');
      expect(md).not.toContain('\u202E');
      // every table row still has exactly as many cells as its table's header
      const cells = (row: string) => row.split(/(?<!\\)\|/).length - 2;
      let header = 0;
      md.split('\n').forEach((row, i, all) => {
        if (!row.startsWith('| ')) return;
        if (!all[i - 1]?.startsWith('| ')) header = cells(row);
        expect(cells(row), row).toBe(header);
      });
      if (base.platform === 'android') expect(md).toContain('| Entry | Kind | DEX files | Classes |');
    }
  });

  it('starts every paragraph after a blank line, so no two are rendered as one', () => {
    // CommonMark: a paragraph runs on over following lines until a blank line or the start of
    // another block (heading, list item, quote, fence); a plain line after a list item or a table
    // row is taken into it too (lazy continuation, GFM table rows). So a plain-text line must
    // follow a blank line or a heading.
    const startsBlock = (l: string) => /^(#{1,6} |[-*+] |\d+[.)] |> |\||```|~~~)/.test(l) || /^ {2,}[-*+] /.test(l);
    for (const base of [androidReport(), iosReport(), hostile(androidReport()), hostile(iosReport())]) {
      const lines = renderMarkdown(base).split('\n');
      lines.forEach((l, i) => {
        if (!l || startsBlock(l) || i === 0) return;
        const prev = lines[i - 1]!;
        expect(prev === '' || prev.startsWith('#'), `line ${i + 1} joins the one before:\n${prev}\n${l}`).toBe(true);
      });
    }
    const md = renderMarkdown(androidReport());
    expect(md).toMatch(/\nDangerous \(the user is asked\): [^\n]*\n\nOthers: /);
  });

  it('mdText and mdCode', () => {
    expect(mdText('a*b_c [x](y) <i> | `z`\nnext')).toBe('a\\*b\\_c \\[x\\](y) &lt;i\\> \\| \\`z\\` next');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('a|b')).toBe('`a\\|b`');
  });
});
