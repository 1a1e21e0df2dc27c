/**
 * Converts a user-supplied file in the Exodus Privacy API format
 * (`{"trackers": {"<id>": {name, code_signature, network_signature, website, categories, …}}}`)
 * into trackscan signature entries.
 *
 * Exodus signatures are regular expressions (`com\.foo\.|com\.bar\.`). They are never compiled
 * or run: each `|`-alternative is read as text and converted only when it is a plain package
 * prefix (`com\.foo\.`, `com.foo.`, `com.foo`, optionally anchored with `^`) or a plain host
 * name (`foo\.com`). Everything else (groups, classes, wildcards, quantifiers, anchors inside) is
 * reported as not convertible, so a hostile file cannot cause catastrophic backtracking. An
 * unescaped `.` in a prefix (a regex wildcard) is read as a literal dot, and every prefix matches
 * at package-segment boundaries only: the converted signature is stricter than the regex.
 */
import type { Category, SdkSignature } from './types.js';

export interface ExodusTracker {
  name?: unknown;
  code_signature?: unknown;
  network_signature?: unknown;
  website?: unknown;
  categories?: unknown;
  description?: unknown;
}

export interface ImportProblem {
  tracker: string;
  /** the alternative (or field) that was not converted */
  value: string;
  reason: string;
}

export interface ExodusImport {
  sdks: SdkSignature[];
  /** alternatives that could not be converted safely, and trackers skipped */
  problems: ImportProblem[];
  /** trackers read from the file */
  trackers: number;
}

const CATEGORY_MAP: Record<string, Category> = {
  advertisement: 'advertising',
  advertising: 'advertising',
  ads: 'advertising',
  analytics: 'analytics',
  'crash reporting': 'crash-reporting',
  'crash-reporting': 'crash-reporting',
  identification: 'identification',
  location: 'location',
  profiling: 'profiling',
};

/** Longest signature text read from one field; longer input is cut and reported. */
const MAX_SIGNATURE = 20_000;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A plain package prefix from one regex alternative, or why it is not one. */
export function prefixFromAlternative(alt: string): { prefix: string } | { reason: string } {
  let s = alt.trim();
  if (s.startsWith('^')) s = s.slice(1);
  if (!s) return { reason: 'empty alternative' };
  // segments separated by `\.` or `.`; a trailing separator marks the segment boundary
  const segs = s.replace(/\\\./g, '.').split('.');
  if (segs[segs.length - 1] === '') segs.pop();
  if (segs.some((x) => !IDENT.test(x))) return { reason: 'not a plain package prefix (regex syntax or characters other than identifiers and dots)' };
  if (segs.length < 2) return { reason: 'fewer than two package segments: too broad to match safely' };
  return { prefix: segs.join('.') };
}

/** A plain host name from one regex alternative, or why it is not one. */
export function hostFromAlternative(alt: string): { host: string } | { reason: string } {
  let s = alt.trim().toLowerCase();
  if (s.startsWith('^')) s = s.slice(1);
  if (s.endsWith('$')) s = s.slice(0, -1);
  s = s.replace(/\\\./g, '.');
  if (s.startsWith('.')) s = s.slice(1);
  const labels = s.split('.');
  if (labels.length < 2 || !labels.every((l) => HOST_LABEL.test(l)) || !/^[a-z]{2,63}$/.test(labels[labels.length - 1])) {
    return { reason: 'not a plain host name' };
  }
  return { host: s };
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
}

function alternatives(field: unknown, tracker: string, what: string, problems: ImportProblem[]): string[] {
  if (typeof field !== 'string' || !field.trim()) return [];
  let text = field;
  if (text.length > MAX_SIGNATURE) {
    problems.push({ tracker, value: `${what} (${text.length} characters)`, reason: `longer than ${MAX_SIGNATURE} characters; the rest was ignored` });
    text = text.slice(0, MAX_SIGNATURE);
  }
  return splitAlternatives(text).filter((a) => a.trim() !== '');
}

/**
 * The top-level `|`-alternatives of a regex, read as text in one linear pass: a `|` inside a
 * group `( … )`, a class `[ … ]` or after a backslash does not split.
 */
export function splitAlternatives(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '|' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Converts parsed Exodus JSON; throws a plain Error when the shape is not Exodus's. */
export function convertExodus(data: unknown): ExodusImport {
  const trackers = (data as { trackers?: unknown } | null)?.trackers;
  if (!trackers || typeof trackers !== 'object' || Array.isArray(trackers)) throw new Error('not an Exodus Privacy tracker file: no "trackers" object');
  const sdks: SdkSignature[] = [];
  const problems: ImportProblem[] = [];
  const entries = Object.entries(trackers as Record<string, ExodusTracker>);
  const used = new Set<string>();
  for (const [key, t] of entries) {
    const name = typeof t?.name === 'string' && t.name.trim().length >= 2 ? t.name.trim() : `Exodus tracker ${key}`;
    const label = `${key} (${name})`;
    const packages = new Set<string>();
    for (const alt of alternatives(t?.code_signature, label, 'code_signature', problems)) {
      const r = prefixFromAlternative(alt);
      if ('prefix' in r) packages.add(r.prefix);
      else problems.push({ tracker: label, value: alt, reason: r.reason });
    }
    const domains = new Set<string>();
    for (const alt of alternatives(t?.network_signature, label, 'network_signature', problems)) {
      const r = hostFromAlternative(alt);
      if ('host' in r) domains.add(r.host);
      else problems.push({ tracker: label, value: alt, reason: r.reason });
    }
    if (packages.size === 0) {
      problems.push({ tracker: label, value: '(whole tracker)', reason: 'no code signature could be converted: not imported (a host name alone is never a finding)' });
      continue;
    }
    const cats = new Set<Category>();
    for (const c of Array.isArray(t?.categories) ? t.categories : []) {
      const m = typeof c === 'string' ? CATEGORY_MAP[c.trim().toLowerCase()] : undefined;
      if (m) cats.add(m);
      else problems.push({ tracker: label, value: `category ${String(c)}`, reason: 'unknown category, left out' });
    }
    if (cats.size === 0) cats.add('analytics');
    let id = `exodus-${slug(key) || 'x'}-${slug(name) || 'tracker'}`.replace(/-+$/, '');
    while (used.has(id)) id += '-x';
    used.add(id);
    const website = typeof t?.website === 'string' && /^https:\/\/\S+$/.test(t.website) ? t.website : undefined;
    const desc = typeof t?.description === 'string' ? t.description.replace(/\s+/g, ' ').trim() : '';
    const description = desc.length >= 10 ? (/[.!?]$/.test(desc) ? desc : `${desc}.`) : `${name}, imported from the Exodus Privacy tracker list (tracker ${key}).`;
    const sdk: SdkSignature = {
      id,
      name,
      vendor: '(not given in the Exodus data)',
      categories: [...cats],
      description,
      ...(website ? { website } : {}),
      android: { packages: [...packages].sort() },
      ...(domains.size ? { domains: [...domains].sort() } : {}),
      sources: [...(website ? [website] : []), `https://reports.exodus-privacy.eu.org/en/trackers/${encodeURIComponent(key)}/`],
      notes: `Imported from an Exodus Privacy tracker file (tracker ${key}). Regular expressions were converted to package prefixes matched at segment boundaries; check the prefixes before relying on them.`,
    };
    sdks.push(sdk);
  }
  return { sdks, problems, trackers: entries.length };
}
