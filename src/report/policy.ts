/**
 * The policy gate (`--fail-on`, `--policy`): a small rule language a reviewer writes once and runs
 * on every submission. Pure: parse text into a Policy, evaluate it on a Report, get pass/fail with
 * the reasons; `policyExitCode` maps the result through the one exit-code function.
 *
 * ## Expression (the value of `--fail-on`; the option may be repeated, values add up)
 *
 *     policy   = item *( "," item )            whitespace around items is ignored
 *     item     = rule | "confidence>=" level   level = low | medium | high
 *     rule     = kind [ ":" value ]
 *
 * The policy FAILS when ANY rule matches something in the report. Rules:
 *
 *     tracker:<id>            that SDK is in the app (ids as in signatures/, e.g. facebook-app-events)
 *     tracker:<category>      shorthand for category:<category>
 *     tracker:*               any tracker
 *     category:<category>     a tracker of that category: advertising, attribution, analytics,
 *                             location, profiling, identification, session-replay, …
 *     capability:<id>         the app can access it: contacts, location-precise, bluetooth-scan, …;
 *                             a family name matches its members (location → location-precise,
 *                             location-approximate, location-background); capability:* any of
 *                             high or medium sensitivity
 *     permission:<name>       the app requests that permission or iOS usage key; the
 *                             `android.permission.` prefix may be left out (READ_CONTACTS)
 *     domain:<host>           a host name in the code equals <host> or lies under it
 *     undeclared-tracking     any iOS declared-vs-detected discrepancy (privacy manifests);
 *                             undeclared-tracking:<check> one kind (undeclared-tracking-domain, …)
 *     flag:<name>             debuggable, allow-backup, cleartext-traffic, ats-arbitrary-loads; flag:*
 *
 * `confidence>=LEVEL` sets the minimum confidence a tracker needs to count (default `medium`, so
 * weak hints — code that only refers to an SDK — never fail a policy unless asked). Consent
 * platforms and non-tracking libraries are not trackers and never match tracker or category rules
 * (name them by id with tracker:<id> to match them anyway).
 *
 * Example: `--fail-on "category:advertising,capability:contacts,confidence>=high"`.
 *
 * ## Policy file (`--policy trackscan.policy.json`)
 *
 *     {
 *       "failOn": ["category:advertising", "capability:contacts", "undeclared-tracking"],
 *       "minConfidence": "medium",
 *       "allow": [
 *         { "rule": "tracker:firebase-analytics", "justification": "crash and usage statistics only, reviewed 2025-01", "expires": "2026-06-30" }
 *       ]
 *     }
 *
 * An allowance waives every violation whose subject (a tracker, a capability, a permission, a
 * host, a check, a flag) its rule matches: `tracker:firebase-analytics` waives it under
 * `category:analytics` too. Each allowance needs a justification; after its `expires` date
 * (YYYY-MM-DD, inclusive) it waives nothing and is reported as expired.
 */
import { parse as parseYaml } from 'yaml';
import { NON_TRACKING_CATEGORIES } from '../signatures/types.js';
import type { Confidence } from '../analysis/trackers.js';
import { EXIT_OK, exitCode } from '../cli/exit-codes.js';
import { CATEGORIES } from '../signatures/types.js';
import { findings } from './findings.js';
import type { Report } from './model.js';

export type PolicyRule =
  | { kind: 'tracker'; id: string; source: string }
  | { kind: 'category'; category: string; source: string }
  | { kind: 'capability'; id: string; source: string }
  | { kind: 'permission'; name: string; source: string }
  | { kind: 'domain'; host: string; source: string }
  | { kind: 'undeclared-tracking'; check: string; source: string }
  | { kind: 'flag'; flag: string; source: string };

export interface Allowance {
  rule: PolicyRule;
  justification: string;
  /** YYYY-MM-DD, the last day the allowance holds */
  expires?: string;
}

export interface Policy {
  rules: PolicyRule[];
  minConfidence: Confidence;
  allow: Allowance[];
}

export interface Violation {
  /** the rule as written */
  rule: string;
  /** what it matched, as a stable key: `tracker:facebook-app-events`, `capability:contacts`, … */
  subject: string;
  /** one sentence for the reviewer */
  message: string;
}

export interface PolicyResult {
  passed: boolean;
  violations: Violation[];
  waived: { violation: Violation; allowance: Allowance }[];
  expired: Allowance[];
}

/** A policy that cannot be parsed: a usage error (exit 2). */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

export interface ParseOptions {
  /** tracker ids of the signature database: `tracker:<typo>` is an error, not a silent pass */
  knownTrackers?: ReadonlySet<string>;
}

const LEVELS: readonly Confidence[] = ['low', 'medium', 'high'];
const FLAGS = ['debuggable', 'allow-backup', 'cleartext-traffic', 'ats-arbitrary-loads'] as const;
const CHECKS = ['app-without-manifest', 'app-declares-no-tracking', 'tracking-sdk-without-manifest', 'tracking-sdk-declares-no-tracking', 'undeclared-tracking-domain'] as const;
const NON_TRACKING: ReadonlySet<string> = NON_TRACKING_CATEGORIES;

export const EMPTY_POLICY: Policy = { rules: [], minConfidence: 'medium', allow: [] };

/** Parses one or more `--fail-on` values into a policy. */
export function parsePolicy(expressions: string | readonly string[], options: ParseOptions = {}): Policy {
  const policy: Policy = { rules: [], minConfidence: 'medium', allow: [] };
  for (const expr of typeof expressions === 'string' ? [expressions] : expressions) {
    for (const raw of expr.split(',')) {
      const item = raw.trim();
      if (!item) continue;
      const conf = /^confidence\s*>=\s*(\S+)$/i.exec(item);
      if (conf) {
        const level = conf[1].toLowerCase() as Confidence;
        if (!LEVELS.includes(level)) throw new PolicyError(`policy: unknown confidence level '${conf[1]}' (low, medium or high)`);
        policy.minConfidence = level;
        continue;
      }
      policy.rules.push(parseRule(item, options));
    }
  }
  return policy;
}

/** Parses one rule (`kind[:value]`). */
export function parseRule(item: string, options: ParseOptions = {}): PolicyRule {
  const source = item.trim();
  const colon = source.indexOf(':');
  const kind = (colon < 0 ? source : source.slice(0, colon)).trim().toLowerCase();
  const value = colon < 0 ? '' : source.slice(colon + 1).trim();
  const need = () => {
    if (!value) throw new PolicyError(`policy: '${source}' needs a value (${kind}:<value>)`);
    return value;
  };
  switch (kind) {
    case 'tracker': {
      const v = need();
      if ((CATEGORIES as readonly string[]).includes(v)) return { kind: 'category', category: v, source };
      if (v !== '*' && options.knownTrackers && !options.knownTrackers.has(v)) throw new PolicyError(`policy: '${source}': no tracker '${v}' in the signature database`);
      return { kind: 'tracker', id: v, source };
    }
    case 'category': {
      const v = need();
      if (!(CATEGORIES as readonly string[]).includes(v)) throw new PolicyError(`policy: '${source}': unknown category (one of ${CATEGORIES.join(', ')})`);
      return { kind: 'category', category: v, source };
    }
    case 'capability':
      return { kind: 'capability', id: need(), source };
    case 'permission':
      return { kind: 'permission', name: need(), source };
    case 'domain':
      return { kind: 'domain', host: need().toLowerCase().replace(/^\*\./, ''), source };
    case 'undeclared-tracking':
      if (value && !(CHECKS as readonly string[]).includes(value)) throw new PolicyError(`policy: '${source}': unknown check (one of ${CHECKS.join(', ')})`);
      return { kind: 'undeclared-tracking', check: value || '*', source };
    case 'flag': {
      const v = need();
      if (v !== '*' && !(FLAGS as readonly string[]).includes(v)) throw new PolicyError(`policy: '${source}': unknown flag (one of ${FLAGS.join(', ')})`);
      return { kind: 'flag', flag: v, source };
    }
    default:
      throw new PolicyError(`policy: unknown rule '${source}' (tracker:, category:, capability:, permission:, domain:, undeclared-tracking, flag:, confidence>=)`);
  }
}

/** Parses a policy file (JSON, see the file comment). */
export function parsePolicyFile(text: string, options: ParseOptions = {}, format: 'json' | 'yaml' = 'json'): Policy {
  let data: unknown;
  try {
    // YAML: plain data only (no custom tags), bounded alias expansion against "billion laughs" files
    data = format === 'yaml' ? parseYaml(text, { schema: 'core', maxAliasCount: 100 }) : JSON.parse(text);
  } catch (e) {
    throw new PolicyError(`policy file: not ${format === 'yaml' ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
  }
  if (!isObject(data)) throw new PolicyError('policy file: expected an object with failOn, minConfidence and allow');
  for (const k of Object.keys(data)) if (!['failOn', 'minConfidence', 'allow', '$schema', 'description'].includes(k)) throw new PolicyError(`policy file: unknown key '${k}'`);
  const failOn = data.failOn ?? [];
  if (!Array.isArray(failOn) || !failOn.every((r) => typeof r === 'string')) throw new PolicyError('policy file: failOn must be an array of rule strings');
  const policy = parsePolicy(failOn as string[], options);
  if (data.minConfidence !== undefined) {
    if (!LEVELS.includes(data.minConfidence as Confidence)) throw new PolicyError('policy file: minConfidence must be low, medium or high');
    policy.minConfidence = data.minConfidence as Confidence;
  }
  const allow = data.allow ?? [];
  if (!Array.isArray(allow)) throw new PolicyError('policy file: allow must be an array');
  allow.forEach((a, i) => {
    if (!isObject(a) || typeof a.rule !== 'string') throw new PolicyError(`policy file: allow[${i}] needs a rule`);
    if (typeof a.justification !== 'string' || !a.justification.trim()) throw new PolicyError(`policy file: allow[${i}] (${a.rule}) needs a justification`);
    if (a.expires !== undefined && (typeof a.expires !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(a.expires) || Number.isNaN(Date.parse(a.expires)))) {
      throw new PolicyError(`policy file: allow[${i}] (${a.rule}): expires must be a date, YYYY-MM-DD`);
    }
    policy.allow.push({ rule: parseRule(a.rule, options), justification: a.justification.trim(), ...(a.expires ? { expires: a.expires as string } : {}) });
  });
  return policy;
}

/** A policy made of both: the rules and allowances of each; the stricter minimum confidence wins. */
export function mergePolicies(a: Policy, b: Policy): Policy {
  return {
    rules: [...a.rules, ...b.rules],
    minConfidence: LEVELS[Math.min(LEVELS.indexOf(a.minConfidence), LEVELS.indexOf(b.minConfidence))],
    allow: [...a.allow, ...b.allow],
  };
}

export interface EvaluateOptions {
  /** today's date, YYYY-MM-DD, for allowance expiry (default: the current UTC date) */
  today?: string;
}

export function evaluatePolicy(policy: Policy, report: Report, options: EvaluateOptions = {}): PolicyResult {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const violations: Violation[] = [];
  for (const rule of policy.rules) for (const m of matchRule(rule, report, policy.minConfidence)) violations.push({ rule: rule.source, ...m });

  const expired = policy.allow.filter((a) => a.expires !== undefined && a.expires < today);
  const active = policy.allow.filter((a) => !expired.includes(a));
  const waivedBy = new Map<string, Allowance>();
  // an allowance names its subjects whatever their confidence: allowing a tracker allows it at any level
  for (const a of active) for (const m of matchRule(a.rule, report, 'low')) if (!waivedBy.has(m.subject)) waivedBy.set(m.subject, a);

  const kept: Violation[] = [];
  const waived: PolicyResult['waived'] = [];
  for (const v of violations) {
    const a = waivedBy.get(v.subject);
    if (a) waived.push({ violation: v, allowance: a });
    else kept.push(v);
  }
  return { passed: kept.length === 0, violations: kept, waived, expired };
}

/** Exit code of a scan whose policy was evaluated (0 pass, 1 policy failed). */
export function policyExitCode(result: PolicyResult | undefined): number {
  return result ? exitCode({ policyFailed: !result.passed }) : EXIT_OK;
}

/** Lines for stderr: the verdict, each violation, what was waived and why, expired allowances. */
export function formatPolicyResult(result: PolicyResult, label = 'policy'): string {
  const out: string[] = [];
  out.push(result.passed ? `${label}: passed` : `${label}: FAILED, ${result.violations.length} violation${result.violations.length === 1 ? '' : 's'}`);
  for (const v of result.violations) out.push(`  ✗ [${v.rule}] ${v.message}`);
  for (const w of result.waived) out.push(`  ~ [${w.violation.rule}] ${w.violation.message} — allowed: ${w.allowance.justification}${w.allowance.expires ? ` (until ${w.allowance.expires})` : ''}`);
  for (const a of result.expired) out.push(`  ! allowance for '${a.rule.source}' expired on ${a.expires}: it no longer waives anything (${a.justification})`);
  return out.join('\n') + '\n';
}

function matchRule(rule: PolicyRule, report: Report, minConfidence: Confidence): { subject: string; message: string }[] {
  const min = LEVELS.indexOf(minConfidence);
  const trackers = report.trackers.filter((t) => LEVELS.indexOf(t.confidence) >= min);
  const isTracking = (cats: readonly string[]) => cats.some((c) => !NON_TRACKING.has(c));
  switch (rule.kind) {
    case 'tracker':
      return trackers
        .filter((t) => (rule.id === '*' ? isTracking(t.categories) : t.id === rule.id))
        .map((t) => ({ subject: `tracker:${t.id}`, message: `contains ${t.name} (${t.vendor}; ${t.categories.join(', ')}; ${t.confidence} confidence)` }));
    case 'category':
      return trackers
        .filter((t) => isTracking(t.categories) && t.categories.includes(rule.category as never))
        .map((t) => ({ subject: `tracker:${t.id}`, message: `contains ${t.name} (${t.vendor}), ${/^[aeiou]/.test(rule.category) ? 'an' : 'a'} ${rule.category} SDK (${t.confidence} confidence)` }));
    case 'capability':
      return report.capabilities
        .filter((c) => (rule.id === '*' ? c.sensitivity !== 'low' : c.id === rule.id || c.id.startsWith(`${rule.id}-`)))
        .map((c) => ({ subject: `capability:${c.id}`, message: `can access: ${c.title} (${c.sensitivity} sensitivity)` }));
    case 'permission': {
      const want = (n: string) => n === rule.name || n === `android.permission.${rule.name}`;
      return report.permissions.filter((p) => want(p.name)).map((p) => ({ subject: `permission:${p.name}`, message: `requests ${p.name}${p.purpose ? ` (“${p.purpose}”)` : ''}` }));
    }
    case 'domain':
      return report.domains
        .filter((d) => d.host === rule.host || d.host.endsWith(`.${rule.host}`))
        .map((d) => ({ subject: `domain:${d.host}`, message: `code names the host ${d.host}${d.trackers.length ? ` (${d.trackers.join(', ')})` : ''}` }));
    case 'undeclared-tracking':
      return (report.ios?.declaredVsDetected.checks ?? [])
        .filter((c) => rule.check === '*' || c.kind === rule.check)
        .map((c) => ({ subject: `check:${c.kind}:${c.tracker ?? c.domain ?? ''}`, message: c.message }));
    case 'flag':
      return findings(report)
        .filter((f) => (FLAGS as readonly string[]).includes(f.kind) && (rule.flag === '*' || f.kind === rule.flag))
        .map((f) => ({ subject: `flag:${f.kind}`, message: f.message }));
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
