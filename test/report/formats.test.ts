import { describe, expect, it } from 'vitest';
import { encodeReport, FORMAT_NAMES, FORMATS, getFormat } from '../../src/report/formats.js';
import { renderJson } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import { androidReport, iosReport } from './helpers.js';

describe('format registry', () => {
  it('names text, json, html, md and sarif, with aliases', () => {
    expect(FORMAT_NAMES).toEqual(['text', 'json', 'html', 'md', 'sarif']);
    expect(getFormat('markdown')?.name).toBe('md');
    expect(getFormat('SARIF')?.name).toBe('sarif');
    expect(getFormat('pdf')).toBeUndefined();
    expect(() => encodeReport(androidReport(), 'pdf')).toThrow(/unknown format 'pdf'/);
  });

  it('every format encodes both platforms; text and json are the existing encoders', () => {
    for (const r of [androidReport(), iosReport()]) {
      for (const f of FORMATS) expect(f.encode(r).length, f.name).toBeGreaterThan(500);
      expect(encodeReport(r, 'json')).toBe(renderJson(r));
      expect(encodeReport(r, 'text', { verbose: true })).toBe(renderText(r, { verbose: true }));
      expect(() => JSON.parse(encodeReport(r, 'sarif'))).not.toThrow();
    }
  });
});
