import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { renderJson } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import { Scanner } from '../../src/scan.js';
import { realApks } from '../helpers/tools.js';

const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../schema/report.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const scanner = new Scanner();
const apks = realApks();

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('JSON report', () => {
  for (const apk of apks) {
    it(`validates against schema/report.schema.json for ${apk.name}`, () => {
      const report = JSON.parse(renderJson(scanner.scanFile(apk.path)));
      const ok = validate(report);
      expect(validate.errors ?? [], apk.name).toEqual([]);
      expect(ok).toBe(true);
    });
  }

  it('is byte-identical across two scans, and has timing only when asked', () => {
    const apk = apks[0];
    if (!apk) return;
    const a = renderJson(scanner.scanFile(apk.path));
    const b = renderJson(new Scanner().scanFile(apk.path));
    expect(a).toBe(b);
    expect(JSON.parse(a).timing).toBeUndefined();
    const timed = scanner.scanFile(apk.path, { timing: true });
    expect(validate(JSON.parse(renderJson(timed)))).toBe(true);
    expect(timed.timing?.total).toBeGreaterThan(0);
  });

  it('names the tool, the database and the input', () => {
    const apk = apks[0];
    if (!apk) return;
    const r = scanner.scanFile(apk.path);
    expect(Object.keys(r).slice(0, 5)).toEqual(['schemaVersion', 'tool', 'signatures', 'input', 'platform']);
    expect(r.signatures.sdks).toBe(scanner.db.sdks.length);
    expect(r.input.size).toBeGreaterThan(0);
  });
});

describe('text report', () => {
  it('reads top-down: identity, what it can access, trackers, details, limits; no colour unless asked', () => {
    const apk = apks.find((a) => a.name === 'ApiDemos-debug.apk');
    if (!apk) return;
    const text = renderText(scanner.scanFile(apk.path));
    const order = ['API Demos (io.appium.android.apis)', 'THIS APP CAN ACCESS', 'Contacts', 'NO KNOWN TRACKERS FOUND', 'DETAILS', 'Limits:'];
    let at = -1;
    for (const s of order) {
      const i = text.indexOf(s);
      expect(i, s).toBeGreaterThan(at);
      at = i;
    }
    expect(text).not.toMatch(/\x1b\[/);
    expect(renderText(scanner.scanFile(apk.path), { color: true })).toMatch(/\x1b\[1m/);
  });
});

describe('trackscan scan (CLI)', () => {
  it('writes JSON to a file with -o, and text to stdout by default', async () => {
    const apk = apks[0];
    if (!apk) return;
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'ts-scan-')), 'r.json');
    const r = await cli('scan', apk.path, '--format', 'json', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(validate(JSON.parse(readFileSync(out, 'utf8')))).toBe(true);
    const t = await cli('scan', apk.path);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('THIS APP');
  });

  it('rejects an unknown format as a usage error (2) and an unreadable bundle with one line (3)', async () => {
    expect((await cli('scan', 'x.apk', '--format', 'yaml')).code).toBe(2);
    const r = await cli('scan', '/nonexistent/file.apk');
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('trackscan: /nonexistent/file.apk: cannot open: ENOENT\n');
    const d = await cli('scan', '/nonexistent/file.apk', '--debug');
    expect(d.stderr).toMatch(/\n\s+at /);
  });
});
