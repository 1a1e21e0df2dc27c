import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';

const root = path.resolve(__dirname, '../..');
const apk = path.join(root, 'samples/campaign-app.apk');
const tmp = mkdtempSync(path.join(tmpdir(), 'ts-scan-options-'));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('scan --format', () => {
  it('html, md and sarif come from the format registry', async () => {
    const html = await cli('scan', apk, '-f', 'html');
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/i);
    expect(html.stdout).toContain('Content-Security-Policy');
    expect(html.stdout).toMatch(/default-src (&#39;|')none/);
    const md = await cli('scan', apk, '--format', 'markdown');
    expect(md.stdout).toMatch(/^## Campaign 2020/m);
    const sarif = JSON.parse((await cli('scan', apk, '-f', 'sarif')).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
  });

  it('a batch-only format on one bundle is a batch; a report format on a batch is a usage error', async () => {
    const r = await cli('scan', apk, apk, '-f', 'html');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format html is for one bundle/);
  });
});

describe('scan --fail-on / --policy (reviewers)', () => {
  it('exit 1 when the policy fails, 0 when it passes, with the verdict on stderr', async () => {
    const fail = await cli('scan', apk, '-f', 'json', '--fail-on', 'tracker:advertising', '--fail-on', 'capability:contacts');
    expect(fail.code).toBe(1);
    expect(JSON.parse(fail.stdout).app.id).toBe('org.example.campaign2020');
    expect(fail.stderr).toMatch(/policy: FAILED, 2 violations/);
    const pass = await cli('scan', apk, '--fail-on', 'capability:camera,tracker:session-replay');
    expect(pass.stderr).toMatch(/policy: passed/);
    expect(pass.code).toBe(0);
  });

  it('a policy file with an allowance waives a violation', async () => {
    const file = path.join(tmp, 'policy.json');
    writeFileSync(file, JSON.stringify({ failOn: ['capability:contacts'], allow: [{ rule: 'capability:contacts', justification: 'invites friends' }] }));
    const r = await cli('scan', apk, '--policy', file);
    expect(r.code).toBe(0);
  });

  it('a YAML policy file works like a JSON one', async () => {
    const file = path.join(tmp, 'trackscan.policy.yml');
    writeFileSync(file, 'failOn:\n  - tracker:advertising\nminConfidence: high\nallow:\n  - rule: tracker:google-mobile-ads\n    justification: reviewed\n    expires: "2099-01-01"\n');
    const r = await cli('scan', apk, '--policy', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tracker:advertising/);
    writeFileSync(file, 'failOn: [capability:camera]\n');
    expect((await cli('scan', apk, '--policy', file)).code).toBe(0);
    writeFileSync(file, 'failOn: [unclosed\n');
    expect((await cli('scan', apk, '--policy', file)).code).toBe(2);
  });

  it('a typo in a policy is a usage error, never a silent pass', async () => {
    const r = await cli('scan', apk, '--fail-on', 'tracker:no-such-sdk');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no tracker 'no-such-sdk'/);
    expect((await cli('scan', apk, '--policy', path.join(tmp, 'missing.json'))).code).toBe(2);
  });
});

describe('scan --signatures (user signatures)', () => {
  it('adds a folder of signatures that finds an SDK the database does not know', async () => {
    const dir = path.join(tmp, 'sigs', 'sdks');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'campaign-internal-sdk.json'),
      JSON.stringify({ id: 'campaign-internal-sdk', name: 'Campaign internal SDK', vendor: 'Example Campaign LLC', categories: ['profiling'], description: 'A test signature for the campaign app.', sources: ['https://example.com/docs'], android: { packages: ['org.example.campaign2020.tracking'] } }),
    );
    const without = JSON.parse((await cli('scan', apk, '-f', 'json')).stdout);
    const withSigs = await cli('scan', apk, '-f', 'json', '--signatures', path.join(tmp, 'sigs'));
    expect(withSigs.stderr).toBe('');
    const r = JSON.parse(withSigs.stdout);
    expect(r.signatures.sdks).toBe(without.signatures.sdks + 1);
    expect(r.signatures.sha256).not.toBe(without.signatures.sha256);
  });

  it('a broken user signature is a usage error naming the entry', async () => {
    const dir = path.join(tmp, 'bad', 'sdks');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify({ id: 'broken', name: 'x' }));
    const r = await cli('scan', apk, '--signatures', path.join(tmp, 'bad'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('broken');
  });
});

describe('diff', () => {
  it('compares two saved JSON reports or two bundles', async () => {
    const a = path.join(tmp, 'a.json');
    writeFileSync(a, (await cli('scan', apk, '-f', 'json')).stdout);
    const same = await cli('diff', a, apk);
    expect(same.code).toBe(0);
    const ios = await cli('diff', a, path.join(root, 'samples/campaign-app.ipa'), '-f', 'json');
    expect(ios.code).toBe(0);
    expect(JSON.parse(ios.stdout)).toBeTypeOf('object');
    const missing = await cli('diff', a, path.join(tmp, 'nope.apk'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('nope.apk');
  });
});

describe('signatures commands', () => {
  it('stats and show', async () => {
    const s = await cli('signatures', 'stats');
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/entries\s+\d+/);
    const show = await cli('signatures', 'show', 'phunware-location');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('com.phunware.location');
    expect(readFileSync(apk).length).toBeGreaterThan(0);
  });
});

describe('scan --max-inflate / --max-entry (limits)', () => {
  it('a bundle that inflates past the limit fails with a clear ARCHIVE_LIMIT line; bad values are usage errors', async () => {
    const real = path.join(root, 'node_modules/android-apidemos/apks/ApiDemos-debug.apk');
    const r = await cli('scan', real, '--max-entry', '1');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/per-entry limit of 1048576 bytes/);
    expect((await cli('scan', apk, '--max-inflate', '64')).code).toBe(0);
    expect((await cli('scan', apk, '--max-inflate', 'lots')).code).toBe(2);
  });
});
