/**
 * The report formats, in one registry (STYLE.md §10: one internal model, one encoder per format).
 * The CLI looks a `--format` name up here; adding a format is adding a row.
 */
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export interface FormatOptions {
  /** text: ANSI colour */
  color?: boolean;
  /** text: list every permission, host and warning */
  verbose?: boolean;
  /** html: page title */
  title?: string;
}

export type Encoder = (report: Report, options?: FormatOptions) => string;

export interface FormatSpec {
  name: string;
  /** other names accepted by `--format` */
  aliases: readonly string[];
  /** file extension for `-o` defaults and batch outputs, with its dot */
  extension: string;
  mediaType: string;
  description: string;
  encode: Encoder;
}

export const FORMATS: readonly FormatSpec[] = [
  { name: 'text', aliases: ['txt'], extension: '.txt', mediaType: 'text/plain; charset=utf-8', description: 'plain-language report for the terminal', encode: (r, o) => renderText(r, { color: o?.color ?? false, verbose: o?.verbose ?? false }) },
  { name: 'json', aliases: [], extension: '.json', mediaType: 'application/json', description: 'the full report (schema/report.schema.json)', encode: (r) => renderJson(r) },
  { name: 'html', aliases: [], extension: '.html', mediaType: 'text/html; charset=utf-8', description: 'one self-contained page to open, publish or attach', encode: (r, o) => renderHtml(r, o?.title !== undefined ? { title: o.title } : {}) },
  { name: 'md', aliases: ['markdown'], extension: '.md', mediaType: 'text/markdown; charset=utf-8', description: 'compact Markdown for an article draft or an issue', encode: (r) => renderMarkdown(r) },
  { name: 'sarif', aliases: [], extension: '.sarif', mediaType: 'application/sarif+json', description: 'SARIF 2.1.0 for code-scanning dashboards', encode: (r) => renderSarif(r) },
];

/** The format of a `--format` value (name or alias, case-insensitive), or undefined. */
export function getFormat(name: string): FormatSpec | undefined {
  const n = name.toLowerCase();
  return FORMATS.find((f) => f.name === n || f.aliases.includes(n));
}

/** Names for usage messages: `text, json, html, md, sarif`. */
export const FORMAT_NAMES: readonly string[] = FORMATS.map((f) => f.name);

/** Encodes a report in the named format; throws on an unknown name (the CLI checks first). */
export function encodeReport(report: Report, format: string, options: FormatOptions = {}): string {
  const f = getFormat(format);
  if (!f) throw new Error(`unknown format '${format}' (${FORMAT_NAMES.join(', ')})`);
  return f.encode(report, options);
}
