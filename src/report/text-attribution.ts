/**
 * The parts of the text report that say who uses what and whether a tracker is switched on
 * (issue 6): kept apart from text.ts so that file stays a readable outline of the report.
 */
import type { CapabilityUse, RequiredReasonCheck } from '../analysis/attribution.js';
import type { Report, ReportCapability, ReportTracker } from './model.js';

type Style = (s: string) => string;

const MAX_USERS = 4;

/** `Phunware Location SDK requests location updates (com.phunware.location.X, …)` */
export function describeUse(u: CapabilityUse): string {
  const who = u.by === 'app' ? 'the app’s own code' : u.name;
  const where = u.callers.length ? ` (in ${u.callers.join(', ')}${u.callerCount > u.callers.length ? ` and ${u.callerCount - u.callers.length} more` : ''})` : '';
  return `${who}: ${u.actions.join('; ')}${where}`;
}

/** Lines under a capability: who uses it in code. */
export function capabilityUseLines(cap: ReportCapability, dim: Style): string[] {
  const users = cap.usedBy ?? [];
  const lines = users.slice(0, MAX_USERS).map((u) => `      → ${describeUse(u)}`);
  if (users.length > MAX_USERS) lines.push(`      ${dim(`… and ${users.length - MAX_USERS} more (--format json lists them)`)}`);
  return lines;
}

/** What a partial switch turns off, in a few words; the HTML, Markdown and SARIF reports say it the same way. */
export const EFFECTS: Record<string, string> = {
  'collection-off': 'data collection',
  'auto-init-off': 'automatic start',
  'auto-logging-off': 'automatic event logging',
  'ad-id-off': 'advertising ID',
  'device-id-off': 'device identifier',
  'ads-personalization-off': 'ad personalisation',
};

/** A tracker's state as the reports name it. */
export const STATE_LABEL = { active: 'active', disabled: 'disabled by configuration', unreferenced: 'present but never referenced', unknown: 'status unknown' } as const;

/** One line under a tracker: is it switched on, and why we think so. */
export function trackerStatusLine(t: ReportTracker, dim: Style, warn: Style): string | undefined {
  const s = t.status;
  if (!s) return undefined;
  const label = s.state === 'active' ? warn(STATE_LABEL.active) : STATE_LABEL[s.state];
  const partial = s.evidence.filter((e) => (e.kind === 'switch' && e.scope === 'part') || e.kind === 'permission-absent');
  const off = [...new Set(partial.map((e) => (e.kind === 'switch' || e.kind === 'permission-absent' ? (EFFECTS[e.effect] ?? e.effect) : '')))];
  const extra = off.length ? `; switched off by configuration: ${off.join(', ')}` : '';
  return `      ${dim('status:')} ${label} ${dim(`(${s.summary}${extra})`)}`;
}

/** DETAILS line: requested permissions no code exercises. */
export function unexercisedPermissionsLine(report: Report): string | undefined {
  const never = report.permissions.filter((p) => p.exercised === false).map((p) => p.name.replace(/^android\.permission\./, ''));
  if (!never.length) return undefined;
  return `  not used      ${never.length} requested permission${never.length === 1 ? ' is' : 's are'} never exercised in code: ${never.join(', ')}`;
}

/** A warning block when code is hidden (packer) or heavily renamed. */
export function obfuscationLines(report: Report, warn: Style): string[] {
  const o = report.obfuscation;
  if (!o?.note) return [];
  return [`  ${warn('HIDDEN CODE')} ${o.note}`, ''];
}

/** iOS: a required-reason API category a binary uses without a declared reason; every report format says it this way. */
export function requiredReasonMessage(c: RequiredReasonCheck): string {
  return `${c.binary.split('/').pop()} uses ${c.category.replace(/^NSPrivacyAccessedAPICategory/, '')} APIs (${c.found.join(', ')}) but ${c.privacyManifest ? 'its privacy manifest declares no reason for them' : 'its bundle has no privacy manifest'}`;
}

/** PRIVACY MANIFESTS lines (iOS): required-reason APIs used without a declared reason. */
export function requiredReasonLines(report: Report, warn: Style): string[] {
  return (report.ios?.requiredReasonApis ?? []).filter((c) => !c.ok).map((c) => `  ${warn('!')} ${requiredReasonMessage(c)}`);
}
