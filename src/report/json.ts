/** JSON encoder: the Report as it is, two-space indented, newline-terminated. Key order is fixed by buildReport. */
import type { Report } from './model.js';

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
