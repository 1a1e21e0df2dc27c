import { describe, expect, it } from 'vitest';
import { encodeReport, FORMAT_NAMES, FORMATS, getFormat } from '../../src/report/formats.js';
import { renderJson } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import { androidReport, iosReport } from './helpers.js';

describe('format registry', () => {
  it('names text, json, html, md and sarif, with aliases', async () => {
    expect(FORMAT_NAMES).toEqual(['text', 'json', 'html', 'md', 'sarif']);
    expect(getFormat('markdown')?.name).toBe('md');
    expect(getFormat('SARIF')?.name).toBe('sarif');
    expect(getFormat('pdf')).toBeUndefined();
    await expect(encodeReport(androidReport(), 'pdf')).rejects.toThrow(/unknown format 'pdf'/);
  });

  it('every format encodes both platforms; text and json are the existing encoders', async () => {
    for (const r of [androidReport(), iosReport()]) {
      for (const f of FORMATS) expect((await f.load())(r).length, f.name).toBeGreaterThan(500);
      expect(await encodeReport(r, 'json')).toBe(renderJson(r));
      expect(await encodeReport(r, 'text', { verbose: true })).toBe(renderText(r, { verbose: true }));
      const sarif = await encodeReport(r, 'sarif');
      expect(() => JSON.parse(sarif)).not.toThrow();
    }
  });
});
