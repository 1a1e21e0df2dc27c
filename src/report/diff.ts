/**
 * Version diff (`trackscan diff <old> <new>`): what an update added or removed — trackers,
 * capabilities, permissions, host names, signers, and on iOS the declared privacy data. A model
 * (`diffReports`) and three renderers: text for the terminal, Markdown for an article or issue,
 * JSON for tools. Pure: the CLI scans bundles or reads saved JSON reports (`parseSavedReport`)
 * and hands both Reports here.
 */
import type { Report } from './model.js';
import { mdCode, mdText } from './markdown.js';
import { REPORT_SCHEMA_VERSION } from './model.js';

export interface DiffSide {
  path: string;
  sha256: string;
  id: string;
  name?: string;
  version?: string;
}

export interface Change<T> {
  added: T[];
  removed: T[];
}

export interface TrackerDiffItem {
  id: string;
  name: string;
  vendor: string;
  categories: string[];
  confidence: string;
  version?: string;
}

export interface ReportDiff {
  /** schema of this JSON, so tools can rely on it */
  diffSchemaVersion: 1;
  old: DiffSide;
  new: DiffSide;
  /** the two bundles are not the same app (different package or bundle id) */
  differentApps: boolean;
  trackers: Change<TrackerDiffItem> & {
    /** same tracker, different confidence or library version */
    changed: { id: string; name: string; from: { confidence: string; version?: string }; to: { confidence: string; version?: string } }[];
  };
  capabilities: Change<{ id: string; title: string; sensitivity: string }>;
  permissions: Change<{ name: string; protectionLevel?: string; purpose?: string }> & {
    /** iOS: the same usage key with a new purpose text */
    purposeChanged: { name: string; from: string; to: string }[];
  };
  domains: Change<{ host: string; trackers: string[] }>;
  /** signing certificates (by SHA-256): a new signer is worth a look */
  signers: Change<{ sha256: string; subject: string }>;
  /** iOS: privacy manifests' declarations */
  privacy?: {
    declaresTracking: { from: boolean; to: boolean } | undefined;
    trackingDomains: Change<string>;
    collectedDataTypes: Change<string>;
    checks: Change<{ kind: string; message: string }>;
  };
  /** nothing at all changed in the compared parts */
  unchanged: boolean;
}

export function diffReports(a: Report, b: Report): ReportDiff {
  const side = (r: Report): DiffSide => ({
    path: r.input.path,
    sha256: r.input.sha256,
    id: r.app.id,
    ...(r.app.name !== undefined ? { name: r.app.name } : {}),
    ...(versionOf(r) ? { version: versionOf(r) } : {}),
  });
  const tracker = (t: Report['trackers'][number]): TrackerDiffItem => ({
    id: t.id,
    name: t.name,
    vendor: t.vendor,
    categories: t.categories,
    confidence: t.confidence,
    ...(t.version ? { version: t.version } : {}),
  });
  const trackers = change(a.trackers, b.trackers, (t) => t.id, tracker);
  const bTrackers = new Map(b.trackers.map((t) => [t.id, t]));
  const changedTrackers = a.trackers.flatMap((t) => {
    const n = bTrackers.get(t.id);
    if (!n || (n.confidence === t.confidence && n.version === t.version)) return [];
    return [{ id: t.id, name: n.name, from: { confidence: t.confidence, ...(t.version ? { version: t.version } : {}) }, to: { confidence: n.confidence, ...(n.version ? { version: n.version } : {}) } }];
  });

  const perm = (p: Report['permissions'][number]) => ({ name: p.name, ...(p.protectionLevel ? { protectionLevel: p.protectionLevel } : {}), ...(p.purpose !== undefined ? { purpose: p.purpose } : {}) });
  const bPerms = new Map(b.permissions.map((p) => [p.name, p]));
  const purposeChanged = a.permissions.flatMap((p) => {
    const n = bPerms.get(p.name);
    return n && p.purpose !== undefined && n.purpose !== undefined && n.purpose !== p.purpose ? [{ name: p.name, from: p.purpose, to: n.purpose }] : [];
  });

  let privacy: ReportDiff['privacy'];
  if (a.ios || b.ios) {
    const dvd = (r: Report) => r.ios?.declaredVsDetected;
    const types = (r: Report) => [...new Set((r.ios?.privacyManifests ?? []).flatMap((m) => m.collectedDataTypes.map((d) => d.type)))];
    const fromT = dvd(a)?.declaresTracking ?? false;
    const toT = dvd(b)?.declaresTracking ?? false;
    privacy = {
      declaresTracking: fromT !== toT ? { from: fromT, to: toT } : undefined,
      trackingDomains: change(dvd(a)?.declaredTrackingDomains ?? [], dvd(b)?.declaredTrackingDomains ?? [], (d) => d, (d) => d),
      collectedDataTypes: change(types(a), types(b), (d) => d, (d) => d),
      checks: change(dvd(a)?.checks ?? [], dvd(b)?.checks ?? [], (c) => `${c.kind}|${c.tracker ?? ''}|${c.domain ?? ''}`, (c) => ({ kind: c.kind, message: c.message })),
    };
  }

  const certs = (r: Report) => r.signing?.certificates ?? [];
  const diff: Omit<ReportDiff, 'unchanged'> = {
    diffSchemaVersion: 1,
    old: side(a),
    new: side(b),
    differentApps: a.app.id !== b.app.id,
    trackers: { ...trackers, changed: changedTrackers },
    capabilities: change(a.capabilities, b.capabilities, (c) => c.id, (c) => ({ id: c.id, title: c.title, sensitivity: c.sensitivity })),
    permissions: { ...change(a.permissions, b.permissions, (p) => p.name, perm), purposeChanged },
    domains: change(a.domains, b.domains, (d) => d.host, (d) => ({ host: d.host, trackers: d.trackers })),
    signers: change(certs(a), certs(b), (c) => c.sha256, (c) => ({ sha256: c.sha256, subject: c.subject })),
    ...(privacy ? { privacy } : {}),
  };
  const counts = [diff.trackers, diff.capabilities, diff.permissions, diff.domains, diff.signers, ...(privacy ? [privacy.trackingDomains, privacy.collectedDataTypes, privacy.checks] : [])];
  const unchanged =
    counts.every((c) => !c.added.length && !c.removed.length) && !changedTrackers.length && !purposeChanged.length && !privacy?.declaresTracking;
  return { ...diff, unchanged };
}

function change<T, U>(before: readonly T[], after: readonly T[], key: (x: T) => string, map: (x: T) => U): Change<U> {
  const a = new Set(before.map(key));
  const b = new Set(after.map(key));
  return { added: after.filter((x) => !a.has(key(x))).map(map), removed: before.filter((x) => !b.has(key(x))).map(map) };
}

function versionOf(r: Report): string | undefined {
  const v = [r.app.versionName, r.app.versionCode !== undefined ? `(${r.app.versionCode})` : r.app.build ? `(${r.app.build})` : ''].filter(Boolean).join(' ');
  return v || undefined;
}

/**
 * A saved JSON report (`scan --format json`), checked enough to be diffed: a trackscan report of a
 * schema version this build reads. Throws an Error naming the problem.
 */
export function parseSavedReport(text: string): Report {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`not a JSON report: ${(e as Error).message}`);
  }
  const r = data as Partial<Report> | null;
  if (!r || typeof r !== 'object' || r.tool?.name !== 'trackscan') throw new Error('not a trackscan JSON report');
  if (r.schemaVersion !== REPORT_SCHEMA_VERSION) throw new Error(`report schema version ${String(r.schemaVersion)}; this trackscan reads version ${REPORT_SCHEMA_VERSION}`);
  for (const k of ['app', 'input', 'trackers', 'capabilities', 'permissions', 'domains'] as const) if (r[k] === undefined) throw new Error(`not a complete trackscan report: no ${k}`);
  return r as Report;
}

/** True when the bytes look like a JSON document rather than a bundle (a zip starts with PK). */
export function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf) continue; // whitespace, BOM
    return b === 0x7b; // {
  }
  return false;
}

// ---- renderers -----------------------------------------------------------------------------------

const label = (s: DiffSide) => `${s.name ?? s.id}${s.version ? ` ${s.version}` : ''}`;

export function renderDiffJson(d: ReportDiff): string {
  return JSON.stringify(d, null, 2) + '\n';
}

export function renderDiffText(d: ReportDiff): string {
  const out: string[] = [];
  out.push(`${label(d.old)}  →  ${label(d.new)}`);
  out.push(`  old  ${d.old.path}  SHA-256 ${d.old.sha256}`);
  out.push(`  new  ${d.new.path}  SHA-256 ${d.new.sha256}`);
  if (d.differentApps) out.push(`  note: these are different apps (${d.old.id} and ${d.new.id})`);
  out.push('');
  if (d.unchanged) {
    out.push('No change in trackers, capabilities, permissions, host names, signers or privacy declarations.');
    return out.join('\n') + '\n';
  }
  const section = <T>(title: string, c: Change<T>, show: (x: T) => string) => {
    if (!c.added.length && !c.removed.length) return;
    out.push(title);
    for (const x of c.added) out.push(`  + ${show(x)}`);
    for (const x of c.removed) out.push(`  - ${show(x)}`);
  };
  section('TRACKERS', d.trackers, (t) => `${t.name} (${t.vendor}; ${t.categories.join(', ')}; ${t.confidence} confidence)`);
  if (d.trackers.changed.length) {
    if (!d.trackers.added.length && !d.trackers.removed.length) out.push('TRACKERS');
    for (const c of d.trackers.changed) out.push(`  ~ ${c.name}: ${trackerState(c.from)} → ${trackerState(c.to)}`);
  }
  section('CAPABILITIES', d.capabilities, (c) => `${c.title} (${c.sensitivity} sensitivity)`);
  section('PERMISSIONS', d.permissions, (p) => `${p.name}${p.protectionLevel ? ` (${p.protectionLevel})` : ''}${p.purpose !== undefined ? `: “${p.purpose}”` : ''}`);
  if (d.permissions.purposeChanged.length) {
    out.push('PURPOSE TEXTS CHANGED');
    for (const p of d.permissions.purposeChanged) out.push(`  ~ ${p.name}: “${p.from}” → “${p.to}”`);
  }
  section('HOST NAMES', d.domains, (h) => `${h.host}${h.trackers.length ? ` (${h.trackers.join(', ')})` : ''}`);
  section('SIGNERS', d.signers, (s) => `${s.subject} (SHA-256 ${s.sha256})`);
  if (d.privacy) {
    if (d.privacy.declaresTracking) out.push(`PRIVACY MANIFESTS\n  ~ tracking declared: ${yes(d.privacy.declaresTracking.from)} → ${yes(d.privacy.declaresTracking.to)}`);
    section('DECLARED TRACKING DOMAINS', d.privacy.trackingDomains, (x) => x);
    section('DECLARED COLLECTED DATA', d.privacy.collectedDataTypes, (x) => x);
    section('DECLARED-VS-DETECTED DISCREPANCIES', d.privacy.checks, (c) => c.message);
  }
  return out.join('\n') + '\n';
}

export function renderDiffMarkdown(d: ReportDiff): string {
  const out: string[] = [];
  out.push(`## ${mdText(label(d.old))} → ${mdText(label(d.new))}`);
  out.push('');
  out.push(`- old: ${mdText(d.old.path)}, SHA-256 ${mdCode(d.old.sha256)}`);
  out.push(`- new: ${mdText(d.new.path)}, SHA-256 ${mdCode(d.new.sha256)}`);
  if (d.differentApps) out.push(`- note: these are different apps (${mdCode(d.old.id)} and ${mdCode(d.new.id)})`);
  out.push('');
  if (d.unchanged) {
    out.push('No change in trackers, capabilities, permissions, host names, signers or privacy declarations.');
    return out.join('\n') + '\n';
  }
  const section = <T>(title: string, c: Change<T>, show: (x: T) => string, extra: string[] = []) => {
    if (!c.added.length && !c.removed.length && !extra.length) return;
    out.push(`### ${title}`, '');
    for (const x of c.added) out.push(`- **added** ${show(x)}`);
    for (const x of c.removed) out.push(`- **removed** ${show(x)}`);
    out.push(...extra, '');
  };
  section('Trackers', d.trackers, (t) => `${mdText(t.name)} (${mdText(t.vendor)}; ${mdText(t.categories.join(', '))}; ${t.confidence} confidence)`, d.trackers.changed.map((c) => `- **changed** ${mdText(c.name)}: ${mdText(trackerState(c.from))} → ${mdText(trackerState(c.to))}`));
  section('Capabilities', d.capabilities, (c) => `${mdText(c.title)} (${c.sensitivity} sensitivity)`);
  section(
    'Permissions',
    d.permissions,
    (p) => `${mdCode(p.name)}${p.purpose !== undefined ? `: “${mdText(p.purpose)}”` : ''}`,
    d.permissions.purposeChanged.map((p) => `- **purpose changed** ${mdCode(p.name)}: “${mdText(p.from)}” → “${mdText(p.to)}”`),
  );
  section('Host names', d.domains, (h) => `${mdCode(h.host)}${h.trackers.length ? ` (${mdText(h.trackers.join(', '))})` : ''}`);
  section('Signers', d.signers, (s) => `${mdText(s.subject)} (${mdCode(s.sha256)})`);
  if (d.privacy) {
    const p = d.privacy;
    const extra = p.declaresTracking ? [`- **changed** tracking declared: ${yes(p.declaresTracking.from)} → ${yes(p.declaresTracking.to)}`] : [];
    section('Declared tracking domains', p.trackingDomains, mdCode, extra);
    section('Declared collected data', p.collectedDataTypes, mdCode);
    section('Declared-vs-detected discrepancies', p.checks, (c) => mdText(c.message));
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

function trackerState(s: { confidence: string; version?: string }): string {
  return `${s.confidence} confidence${s.version ? `, version ${s.version}` : ''}`;
}

function yes(b: boolean): string {
  return b ? 'yes' : 'no';
}
