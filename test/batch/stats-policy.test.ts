/**
 * `trackscan stats` over batch outputs that hold policy verdicts (a run with `--fail-on` or
 * `--policy`): bundles checked, passed and failed, and the rules that matched most bundles, the
 * same from the NDJSON lines and from the SQLite policy tables; nothing about a policy when the
 * outputs hold no verdict.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyVerdict } from '../../src/batch/records.js';
import { renderStats, StatsAggregator } from '../../src/batch/stats.js';
import { admobAppsflyerSpec, buildApk, ownPackagePrefixSpec } from '../../src/testing/samples.js';
import { cli, ensureBuilt } from './helpers.js';

const verdict = (rules: string[], waived = 0): PolicyVerdict => ({
  passed: rules.length === 0,
  rules,
  violations: rules.map((rule) => ({ rule, subject: `${rule}-subject`, message: 'matched' })),
  waived: Array.from({ length: waived }, () => ({ rule: 'tracker:advertising', subject: 'tracker:google-mobile-ads', justification: 'reviewed' })),
});

describe('StatsAggregator: policy verdicts', () => {
  it('counts checked, passed, failed and waived-only bundles, and each rule once per bundle, most bundles first', () => {
    const agg = new StatsAggregator();
    for (const v of [verdict([]), verdict([], 1), verdict(['tracker:advertising', 'capability:contacts']), verdict(['tracker:advertising']), verdict(['tracker:advertising', 'tracker:advertising'])]) agg.addVerdict(v);
    expect(agg.result().policy).toEqual({
      checked: 5,
      passed: 2,
      failed: 3,
      waivedOnly: 1,
      rules: [
        { rule: 'tracker:advertising', bundles: 3, share: 0.6 },
        { rule: 'capability:contacts', bundles: 1, share: 0.2 },
      ],
    });
    const text = renderStats(agg.result());
    expect(text).toContain('\npolicy: 5 bundles checked, 2 passed (1 only because an allowance waived what matched), 3 failed\n  rules matched\n');
    expect(text).toMatch(/\n {4}tracker:advertising {2}\s+3 {2}\s*60\.0%\n {4}capability:contacts {2}\s+1 {2}\s*20\.0%\n$/);
  });

  it('says nothing about a policy when no bundle has a verdict; lists the top rules in text, all of them in JSON', () => {
    expect(new StatsAggregator().result()).not.toHaveProperty('policy');
    expect(renderStats(new StatsAggregator().result())).not.toContain('policy');
    const agg = new StatsAggregator();
    for (let i = 0; i < 12; i++) agg.addVerdict(verdict(Array.from({ length: i + 1 }, (_, j) => `tracker:rule-${String(j).padStart(2, '0')}`)));
    const s = agg.result();
    expect(s.policy!.rules.map((r) => r.bundles)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const text = renderStats(s);
    expect(text).toContain('tracker:rule-09');
    expect(text).not.toContain('tracker:rule-10');
    expect(text).toContain('    … 2 more (--format json lists them)\n');
  });
});

describe('trackscan stats on batch outputs with policy verdicts', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-stats-policy-'));
  const out = path.join(tmp, 'gate.ndjson');
  const db = path.join(tmp, 'gate.sqlite');
  const plain = path.join(tmp, 'plain.ndjson');

  beforeAll(async () => {
    ensureBuilt();
    const dir = path.join(tmp, 'submissions');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'admob-appsflyer.apk'), buildApk(admobAppsflyerSpec()));
    writeFileSync(path.join(dir, 'field-notes.apk'), buildApk(ownPackagePrefixSpec()));
    const r = await cli(['scan', dir, '--fail-on', 'tracker:advertising,tracker:attribution,capability:contacts', '-o', out, '--db', db, '-q']);
    expect(r.code, r.stderr).toBe(1);
    expect((await cli(['scan', dir, '-o', plain, '-q'])).code).toBe(0);
  }, 120_000);

  const expected = {
    checked: 2,
    passed: 1,
    failed: 1,
    waivedOnly: 0,
    rules: [
      { rule: 'tracker:advertising', bundles: 1, share: 0.5 },
      { rule: 'tracker:attribution', bundles: 1, share: 0.5 },
    ],
  };

  it('NDJSON: --format json and text', async () => {
    const j = await cli(['stats', out, '--format', 'json']);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout).policy).toEqual(expected);
    const t = await cli(['stats', out]);
    expect(t.stdout).toMatch(/\npolicy: 2 bundles checked, 1 passed, 1 failed\n {2}rules matched\n {4}tracker:advertising {2}\s+1 {2}\s*50\.0%\n {4}tracker:attribution {2}\s+1 {2}\s*50\.0%\n$/);
  });

  it('SQLite: the same, from the policy tables', async () => {
    const j = await cli(['stats', db, '--format', 'json']);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual(JSON.parse((await cli(['stats', out, '--format', 'json'])).stdout));
    expect(JSON.parse(j.stdout).policy).toEqual(expected);
    expect((await cli(['stats', db])).stdout).toContain('\npolicy: 2 bundles checked, 1 passed, 1 failed\n');
  });

  it('an output of a run without a policy has no policy statistics', async () => {
    expect(JSON.parse((await cli(['stats', plain, '--format', 'json'])).stdout)).not.toHaveProperty('policy');
    expect((await cli(['stats', plain])).stdout).not.toContain('policy');
  });
});
