/**
 * The report formats, in one registry (STYLE.md §10: one internal model, one encoder per format).
 * The CLI looks a `--format` name up here; adding a format is adding a row. Each row loads its
 * encoder's module when it is first used, so a process loads only the renderer it writes.
 */
import type { Report } from './model.js';

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
  /** the encoder (its module is imported on the first call) */
  load(): Promise<Encoder>;
}

export const FORMATS: readonly FormatSpec[] = [
  {
    name: 'text', aliases: ['txt'], extension: '.txt', mediaType: 'text/plain; charset=utf-8', description: 'plain-language report for the terminal',
    load: async () => {
      const { renderText } = await import('./text.js');
      return (r, o) => renderText(r, { color: o?.color ?? false, verbose: o?.verbose ?? false });
    },
  },
  {
    name: 'json', aliases: [], extension: '.json', mediaType: 'application/json', description: 'the full report (schema/report.schema.json)',
    load: async () => {
      const { renderJson } = await import('./json.js');
      return (r) => renderJson(r);
    },
  },
  {
    name: 'html', aliases: [], extension: '.html', mediaType: 'text/html; charset=utf-8', description: 'one self-contained page to open, publish or attach',
    load: async () => {
      const { renderHtml } = await import('./html.js');
      return (r, o) => renderHtml(r, o?.title !== undefined ? { title: o.title } : {});
    },
  },
  {
    name: 'md', aliases: ['markdown'], extension: '.md', mediaType: 'text/markdown; charset=utf-8', description: 'compact Markdown for an article draft or an issue',
    load: async () => {
      const { renderMarkdown } = await import('./markdown.js');
      return (r) => renderMarkdown(r);
    },
  },
  {
    name: 'sarif', aliases: [], extension: '.sarif', mediaType: 'application/sarif+json', description: 'SARIF 2.1.0 for code-scanning dashboards',
    load: async () => {
      const { renderSarif } = await import('./sarif.js');
      return (r) => renderSarif(r);
    },
  },
];

/** The format of a `--format` value (name or alias, case-insensitive), or undefined. */
export function getFormat(name: string): FormatSpec | undefined {
  const n = name.toLowerCase();
  return FORMATS.find((f) => f.name === n || f.aliases.includes(n));
}

/** Names for usage messages: `text, json, html, md, sarif`. */
export const FORMAT_NAMES: readonly string[] = FORMATS.map((f) => f.name);

/** Encodes a report in the named format; throws on an unknown name (the CLI checks first). */
export async function encodeReport(report: Report, format: string, options: FormatOptions = {}): Promise<string> {
  const f = getFormat(format);
  if (!f) throw new Error(`unknown format '${format}' (${FORMAT_NAMES.join(', ')})`);
  return (await f.load())(report, options);
}
