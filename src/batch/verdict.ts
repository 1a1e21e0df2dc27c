/**
 * A policy's result on one bundle as a batch records it ({@link PolicyVerdict}: plain data, the
 * rules that matched once each), and the policy part of the batch summary. Pure; the policy
 * language itself is report/policy.ts, the same one a single scan uses.
 */
import type { Allowance, PolicyResult } from '../report/policy.js';
import type { PolicyVerdict } from './records.js';

export function verdictOf(result: PolicyResult): PolicyVerdict {
  return {
    passed: result.passed,
    rules: [...new Set(result.violations.map((v) => v.rule))],
    violations: result.violations.map((v) => ({ rule: v.rule, subject: v.subject, message: v.message })),
    waived: result.waived.map((w) => ({ rule: w.violation.rule, subject: w.violation.subject, justification: w.allowance.justification })),
  };
}

/** The policy's outcome over every scanned bundle of a batch's results. */
export interface BatchPolicyOutcome {
  /** scanned bundles checked (this run's and, on a resumed output, those it already held) */
  checked: number;
  /** of them, the bundles held from an earlier run */
  stored: number;
  /** the bundles a rule matched, by path */
  matched: { path: string; appId: string; verdict: PolicyVerdict }[];
  /** bundles where an allowance waived every match */
  waivedOnly: number;
  /** allowances past their date (the same for every bundle) */
  expired: Allowance[];
}

/** The summary's policy lines: the verdict, then one line per matching bundle, sorted by path. */
export function renderPolicyOutcome(o: BatchPolicyOutcome): string {
  const out: string[] = [];
  const n = o.matched.length;
  const stored = o.stored ? ` (${o.stored} already in the output, checked from ${o.stored === 1 ? 'its stored report' : 'their stored reports'})` : '';
  if (n === 0) out.push(`policy: passed — no rule matched any of ${o.checked} bundle${o.checked === 1 ? '' : 's'}${stored}`);
  else out.push(`policy: FAILED — ${n} of ${o.checked} bundle${o.checked === 1 ? '' : 's'} matched${stored}:`);
  for (const m of [...o.matched].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const subjects = new Map<string, string[]>();
    for (const v of m.verdict.violations) subjects.set(v.rule, [...(subjects.get(v.rule) ?? []), v.subject]);
    out.push(`  ✗ ${m.path} (${m.appId}): ${[...subjects].map(([rule, s]) => `${rule} → ${[...new Set(s)].join(', ')}`).join('; ')}`);
  }
  if (o.waivedOnly) out.push(`  ~ ${o.waivedOnly} bundle${o.waivedOnly === 1 ? '' : 's'} matched only what an allowance waives`);
  for (const a of o.expired) out.push(`  ! allowance for '${a.rule.source}' expired on ${a.expires}: it no longer waives anything (${a.justification})`);
  return out.join('\n') + '\n';
}
