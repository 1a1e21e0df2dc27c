/**
 * Golden reports: the JSON of a scan with its volatile fields (path, tool and database versions)
 * replaced, compared with a file beside the tests; `UPDATE_GOLDEN=1` rewrites the files.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import type { Report } from '../../src/report/model.js';

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** The report with volatile fields replaced, as stable JSON text. */
export function normalised(report: Report): string {
  const r = structuredClone(report);
  r.input.path = path.basename(r.input.path);
  r.tool.version = '<version>';
  r.signatures = { version: '<version>', sha256: '<sha256>', sdks: 0 };
  return renderJson(r);
}

/** Compares the normalised report with `file` (or writes it under UPDATE_GOLDEN=1). */
export function expectGoldenFile(file: string, report: Report): void {
  const actual = normalised(report);
  if (UPDATE_GOLDEN) {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${path.relative(process.cwd(), file)}: run UPDATE_GOLDEN=1 npx vitest run test/golden`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
