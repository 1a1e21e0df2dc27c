import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_POLICY_FAILED } from '../../src/cli/exit-codes.js';
import { evaluatePolicy, formatPolicyResult, mergePolicies, parsePolicy, parsePolicyFile, PolicyError, policyExitCode } from '../../src/report/policy.js';
import { realApks } from '../helpers/tools.js';
import { androidReport, getScanner, iosReport } from './helpers.js';

const FIXTURE = readFileSync(path.join(__dirname, 'fixtures', 'reviewer.policy.json'), 'utf8');
const known = () => new Set(getScanner().db.sdks.map((s) => s.id));
const TODAY = { today: '2025-06-01' };

describe('policy expressions', () => {
  it('parses rules, the confidence setting and shorthands', () => {
    const p = parsePolicy(['tracker:advertising, capability:contacts', ' confidence>=high ', 'permission:READ_CONTACTS,domain:*.facebook.com,undeclared-tracking,flag:*,tracker:facebook-login'], { knownTrackers: known() });
    expect(p.minConfidence).toBe('high');
    expect(p.rules.map((r) => r.kind)).toEqual(['category', 'capability', 'permission', 'domain', 'undeclared-tracking', 'flag', 'tracker']);
    expect(p.rules[3]).toMatchObject({ kind: 'domain', host: 'facebook.com' });
  });

  it('refuses what it does not understand, as a usage error', () => {
    for (const bad of ['trackers:x', 'category:ads', 'tracker:facebok-sdk', 'confidence>=sure', 'flag:insecure', 'capability', 'undeclared-tracking:maybe']) {
      expect(() => parsePolicy(bad, { knownTrackers: known() }), bad).toThrow(PolicyError);
    }
  });

  it('fails on any matching rule and says why', () => {
    const r = androidReport();
    const result = evaluatePolicy(parsePolicy('tracker:advertising,capability:contacts,confidence>=medium'), r);
    expect(result.passed).toBe(false);
    expect(result.violations.map((v) => v.subject)).toEqual(['tracker:facebook-app-events', 'capability:contacts']);
    expect(policyExitCode(result)).toBe(EXIT_POLICY_FAILED);
    expect(formatPolicyResult(result)).toMatch(/^policy: FAILED, 2 violations\n {2}✗ \[tracker:advertising\] contains Facebook SDK/);
  });

  it('capability families, permissions without their prefix, domains with subdomains', () => {
    const r = androidReport();
    const subjects = (expr: string) => evaluatePolicy(parsePolicy(expr), r).violations.map((v) => v.subject);
    expect(subjects('capability:location')).toEqual(['capability:location-approximate', 'capability:location-background', 'capability:location-precise']);
    expect(subjects('permission:READ_CONTACTS')).toEqual(['permission:android.permission.READ_CONTACTS']);
    expect(subjects('domain:facebook.com')).toEqual(['domain:graph.facebook.com', 'domain:m.facebook.com']);
    expect(subjects('flag:debuggable')).toEqual([]);
    expect(subjects('tracker:*').length).toBe(8);
  });

  it('minimum confidence: weak hints count only when asked', () => {
    const r = androidReport();
    r.trackers[0].confidence = 'low';
    const id = r.trackers[0].id;
    expect(evaluatePolicy(parsePolicy(`tracker:${id}`), r).passed).toBe(true);
    expect(evaluatePolicy(parsePolicy(`tracker:${id},confidence>=low`), r).passed).toBe(false);
  });

  it('an empty policy passes', () => {
    const result = evaluatePolicy(parsePolicy(''), androidReport());
    expect(result.passed).toBe(true);
    expect(policyExitCode(result)).toBe(EXIT_OK);
    expect(policyExitCode(undefined)).toBe(EXIT_OK);
  });
});

describe('policy file', () => {
  it('the reviewer fixture fails the campaign sample and the iOS fixture, and passes a real app without trackers', () => {
    const policy = parsePolicyFile(FIXTURE, { knownTrackers: known() });
    const campaign = evaluatePolicy(policy, androidReport(), TODAY);
    expect(campaign.passed).toBe(false);
    expect(policyExitCode(campaign)).toBe(1);
    expect(campaign.violations.map((v) => `${v.rule} ${v.subject}`)).toEqual([
      'category:advertising tracker:facebook-app-events',
      'category:attribution tracker:facebook-app-events',
      'category:location tracker:phunware-engagement',
      'category:location tracker:phunware-location',
      'category:location tracker:phunware-mapping',
    ]);
    // Firebase is an attribution SDK too, but allowed until 2099
    expect(campaign.waived.map((w) => w.violation.subject)).toEqual(['tracker:firebase-analytics']);
    expect(campaign.expired.map((a) => a.rule.source)).toEqual(['capability:contacts']);

    const ios = evaluatePolicy(policy, iosReport(), TODAY);
    expect(ios.passed).toBe(false);
    expect(ios.violations.some((v) => v.rule === 'undeclared-tracking')).toBe(true);

    const apk = realApks().find((a) => a.name === 'settings_apk-debug.apk' || a.name === 'appium-uiautomator2-server-v10.6.6.apk');
    if (!apk) return;
    const clean = evaluatePolicy(policy, getScanner().scanFile(apk.path), TODAY);
    expect(clean.violations).toEqual([]);
    expect(policyExitCode(clean)).toBe(0);
  });

  it('allowances expire, and need a justification and a real date', () => {
    const after = evaluatePolicy(parsePolicyFile(FIXTURE), androidReport(), { today: '2100-01-01' });
    expect(after.waived).toEqual([]);
    expect(after.expired).toHaveLength(2);
    expect(formatPolicyResult(after)).toContain("allowance for 'tracker:firebase-analytics' expired on 2099-12-31");
    expect(() => parsePolicyFile('{"allow":[{"rule":"tracker:*"}]}')).toThrow(/justification/);
    expect(() => parsePolicyFile('{"allow":[{"rule":"tracker:*","justification":"x","expires":"soon"}]}')).toThrow(/YYYY-MM-DD/);
    expect(() => parsePolicyFile('{"failOn":"tracker:*"}')).toThrow(/array/);
    expect(() => parsePolicyFile('{"fail_on":[]}')).toThrow(/unknown key/);
    expect(() => parsePolicyFile('nope')).toThrow(PolicyError);
  });

  it('merges with --fail-on: rules add up, the stricter confidence wins', () => {
    const merged = mergePolicies(parsePolicyFile(FIXTURE), parsePolicy('capability:contacts,confidence>=low'));
    expect(merged.minConfidence).toBe('low');
    expect(merged.rules.at(-1)?.source).toBe('capability:contacts');
    expect(merged.allow).toHaveLength(2);
  });
});
