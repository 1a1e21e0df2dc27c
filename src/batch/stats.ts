/**
 * Prevalence statistics over batch results: files, bundles scanned, failures by reason, and per
 * platform the share of apps embedding each tracker and each category. A tracker counts when
 * found with at least `minConfidence` (default medium: "weak hints" — code that only refers to an
 * SDK — are not presence). When the results hold policy verdicts (a batch run with `--fail-on`
 * or `--policy`), also how many bundles the policy passed and failed and which rules matched.
 */
import { isTrackerCategories, type Category } from '../signatures/types.js';
import type { PolicyVerdict } from './records.js';
import type { StatsInput } from './sink.js';

export type ConfidenceLevel = 'high' | 'medium' | 'low';
const RANK: Record<string, number> = { high: 3, medium: 2, low: 1 };

export interface Prevalence {
  id: string;
  name?: string;
  vendor?: string;
  apps: number;
  share: number;
}

export interface PlatformStats {
  platform: string;
  apps: number;
  appsWithTrackers: number;
  trackers: Prevalence[];
  categories: Prevalence[];
  capabilities: Prevalence[];
}

/** A policy rule and the bundles it matched. */
export interface RuleCount {
  /** as written in the policy: 'tracker:advertising' */
  rule: string;
  bundles: number;
  /** of the bundles checked */
  share: number;
}

/** The policy verdicts the results hold (present only when they hold one). */
export interface PolicyStats {
  /** scanned bundles with a verdict (a run without a policy records none) */
  checked: number;
  passed: number;
  failed: number;
  /** of the passed, those where an allowance waived every match */
  waivedOnly: number;
  /** every rule that matched a bundle, most bundles first */
  rules: RuleCount[];
}

export interface Stats {
  files: number;
  scanned: number;
  failed: number;
  duplicates: number;
  failuresByCode: Record<string, number>;
  minConfidence: ConfidenceLevel;
  platforms: PlatformStats[];
  policy?: PolicyStats;
}

interface PlatformAcc {
  apps: number;
  appsWithTrackers: number;
  trackers: Map<string, { name: string; vendor: string; apps: number }>;
  categories: Map<string, number>;
  capabilities: Map<string, number>;
}

export class StatsAggregator {
  private files = 0;
  private scanned = 0;
  private duplicates = 0;
  private readonly failures = new Map<string, number>();
  private readonly platforms = new Map<string, PlatformAcc>();
  private readonly policy = { checked: 0, passed: 0, waivedOnly: 0, rules: new Map<string, number>() };

  constructor(readonly minConfidence: ConfidenceLevel = 'medium') {}

  add(r: StatsInput): void {
    this.files++;
    if (r.type === 'duplicate') {
      this.duplicates++;
      return;
    }
    if (r.type === 'error') {
      this.failures.set(r.code, (this.failures.get(r.code) ?? 0) + 1);
      return;
    }
    this.scanned++;
    const s = r.summary;
    let p = this.platforms.get(s.platform);
    if (!p) this.platforms.set(s.platform, (p = { apps: 0, appsWithTrackers: 0, trackers: new Map(), categories: new Map(), capabilities: new Map() }));
    p.apps++;
    const min = RANK[this.minConfidence];
    const present = s.trackers.filter((t) => (RANK[t.confidence] ?? 0) >= min);
    // consent platforms and libraries are listed in reports but are not trackers
    const found = present.filter((t) => isTrackerCategories(t.categories as Category[]));
    if (found.length) p.appsWithTrackers++;
    const seenTrackers = new Set<string>();
    const seenCategories = new Set<string>();
    for (const t of found) {
      if (!seenTrackers.has(t.id)) {
        seenTrackers.add(t.id);
        const acc = p.trackers.get(t.id) ?? { name: t.name, vendor: t.vendor, apps: 0 };
        acc.apps++;
        p.trackers.set(t.id, acc);
      }
    }
    for (const t of present) for (const c of t.categories) seenCategories.add(c);
    for (const c of seenCategories) p.categories.set(c, (p.categories.get(c) ?? 0) + 1);
    for (const c of new Set(s.capabilities)) p.capabilities.set(c, (p.capabilities.get(c) ?? 0) + 1);
  }

  /**
   * A scanned bundle's policy verdict. Kept apart from {@link add}: a batch run reports its own
   * policy's outcome (verdict.ts), and verdicts stored by an earlier run may be of another policy.
   */
  addVerdict(v: PolicyVerdict): void {
    const p = this.policy;
    p.checked++;
    if (v.passed) {
      p.passed++;
      if (v.waived.length) p.waivedOnly++;
    }
    for (const rule of new Set(v.rules)) p.rules.set(rule, (p.rules.get(rule) ?? 0) + 1);
  }

  /** Takes back an error counted earlier (its file is being scanned again, `--retry-failed`). */
  forgetError(code: string): void {
    const n = this.failures.get(code);
    if (!n) return;
    this.files--;
    if (n === 1) this.failures.delete(code);
    else this.failures.set(code, n - 1);
  }

  result(): Stats {
    const byCount = (a: Prevalence, b: Prevalence) => b.apps - a.apps || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const share = (n: number, of: number) => (of ? Math.round((n / of) * 10000) / 10000 : 0);
    const failed = [...this.failures.values()].reduce((a, b) => a + b, 0);
    return {
      files: this.files,
      scanned: this.scanned,
      failed,
      duplicates: this.duplicates,
      failuresByCode: Object.fromEntries([...this.failures].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
      minConfidence: this.minConfidence,
      platforms: [...this.platforms]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([platform, p]) => ({
          platform,
          apps: p.apps,
          appsWithTrackers: p.appsWithTrackers,
          trackers: [...p.trackers].map(([id, t]) => ({ id, name: t.name, vendor: t.vendor, apps: t.apps, share: share(t.apps, p.apps) })).sort(byCount),
          categories: [...p.categories].map(([id, n]) => ({ id, apps: n, share: share(n, p.apps) })).sort(byCount),
          capabilities: [...p.capabilities].map(([id, n]) => ({ id, apps: n, share: share(n, p.apps) })).sort(byCount),
        })),
      ...(this.policy.checked
        ? {
            policy: {
              checked: this.policy.checked,
              passed: this.policy.passed,
              failed: this.policy.checked - this.policy.passed,
              waivedOnly: this.policy.waivedOnly,
              rules: [...this.policy.rules]
                .map(([rule, n]) => ({ rule, bundles: n, share: share(n, this.policy.checked) }))
                .sort((a, b) => b.bundles - a.bundles || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)),
            },
          }
        : {}),
    };
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Rules listed in the text statistics (`--format json` has them all). */
const TOP_RULES = 10;

/** Plain-text statistics; `top` limits each list (the end-of-run summary shows the top entries). */
export function renderStats(s: Stats, options: { top?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`${s.files} file${s.files === 1 ? '' : 's'}: ${s.scanned} bundle${s.scanned === 1 ? '' : 's'} scanned, ${s.failed} failed, ${s.duplicates} duplicate${s.duplicates === 1 ? '' : 's'}`);
  if (s.failed) {
    lines.push('failures by reason');
    const w = Math.max(...Object.keys(s.failuresByCode).map((k) => k.length));
    for (const [code, n] of Object.entries(s.failuresByCode)) lines.push(`  ${code.padEnd(w)}  ${n}`);
  }
  const cut = <T>(xs: T[]) => (options.top !== undefined ? xs.slice(0, options.top) : xs);
  const more = (xs: unknown[]) => (options.top !== undefined && xs.length > options.top ? [`    … ${xs.length - options.top} more (trackscan stats)`] : []);
  for (const p of s.platforms) {
    lines.push('');
    lines.push(`${p.platform}: ${p.apps} app${p.apps === 1 ? '' : 's'}, ${p.appsWithTrackers} (${pct(p.apps ? p.appsWithTrackers / p.apps : 0)}) with at least one tracker (${s.minConfidence} confidence or higher)`);
    if (p.categories.length) {
      lines.push('  categories');
      const w = Math.max(...p.categories.map((c) => c.id.length));
      for (const c of cut(p.categories)) lines.push(`    ${c.id.padEnd(w)}  ${String(c.apps).padStart(6)}  ${pct(c.share).padStart(6)}`);
      lines.push(...more(p.categories));
    }
    if (p.trackers.length) {
      lines.push('  trackers');
      const label = (t: Prevalence) => `${t.name ?? t.id} (${t.id})`;
      const w = Math.max(...cut(p.trackers).map((t) => label(t).length));
      for (const t of cut(p.trackers)) lines.push(`    ${label(t).padEnd(w)}  ${String(t.apps).padStart(6)}  ${pct(t.share).padStart(6)}`);
      lines.push(...more(p.trackers));
    }
    if (p.capabilities.length && options.top === undefined) {
      lines.push('  capabilities');
      const w = Math.max(...p.capabilities.map((c) => c.id.length));
      for (const c of p.capabilities) lines.push(`    ${c.id.padEnd(w)}  ${String(c.apps).padStart(6)}  ${pct(c.share).padStart(6)}`);
    }
  }
  if (s.policy) lines.push('', ...policyLines(s.policy, options.top ?? TOP_RULES));
  return lines.join('\n') + '\n';
}

function policyLines(p: PolicyStats, top: number): string[] {
  const n = (k: number) => `${k} bundle${k === 1 ? '' : 's'}`;
  const waived = p.waivedOnly ? ` (${p.waivedOnly} only because an allowance waived what matched)` : '';
  const lines = [`policy: ${n(p.checked)} checked, ${p.passed} passed${waived}, ${p.failed} failed`];
  if (p.rules.length) {
    lines.push('  rules matched');
    const shown = p.rules.slice(0, top);
    const w = Math.max(...shown.map((r) => r.rule.length));
    for (const r of shown) lines.push(`    ${r.rule.padEnd(w)}  ${String(r.bundles).padStart(6)}  ${pct(r.share).padStart(6)}`);
    if (p.rules.length > top) lines.push(`    … ${p.rules.length - top} more (--format json lists them)`);
  }
  return lines;
}
