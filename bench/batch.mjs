#!/usr/bin/env node
// Batch benchmark (not a timed test): builds a folder of distinct bundles from the sample, the
// writer-built fixtures and the real APKs of the devDependencies, then runs
// `trackscan scan <dir> --db` with 1 worker and with the default pool and reports apps/s and peak
// memory (RSS of the whole process, workers included, as /usr/bin/time or process.resourceUsage
// sees it). Usage: npm run build && node bench/batch.mjs [count=200]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { GOLDEN_FIXTURES, buildApk, campaignAppSpec } = await import(path.join(root, 'dist/testing/samples.js'));
const require = createRequire(import.meta.url);
const count = Number(process.argv[2] ?? 200);

const real = [
  ['android-apidemos', 'apks/ApiDemos-debug.apk'],
  ['io.appium.settings', 'apks/settings_apk-debug.apk'],
  ['appium-uiautomator2-server', 'apks/appium-uiautomator2-server-v10.6.6.apk'],
  ['appium-uiautomator2-server', 'apks/appium-uiautomator2-server-debug-androidTest.apk'],
].map(([pkg, rel]) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), rel));

/** The same zip with a distinct comment, so every copy has its own SHA-256 (no deduplication). */
function withComment(bytes, text) {
  const c = Buffer.from(text);
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const out = Buffer.concat([bytes.subarray(0, eocd + 22), c]);
  out.writeUInt16LE(c.length, eocd + 20);
  return out;
}

const dir = mkdtempSync(path.join(tmpdir(), 'trackscan-bench-'));
const sources = [...real.map((p) => readFileSync(p)), Buffer.from(buildApk(campaignAppSpec())), ...GOLDEN_FIXTURES.map((f) => Buffer.from(buildApk(f.spec())))];
let bytes = 0;
for (let i = 0; i < count; i++) {
  const src = sources[i % sources.length];
  const b = withComment(src, `bench copy ${i}`);
  bytes += b.length;
  mkdirSync(path.join(dir, `d${i % 10}`), { recursive: true });
  writeFileSync(path.join(dir, `d${i % 10}`, `app-${i}.apk`), b);
}
console.log(`${count} bundles, ${(bytes / 1e6).toFixed(0)} MB, in ${dir}; ${availableParallelism()} cores`);

const results = [];
for (const workers of [1, availableParallelism()]) {
  const db = path.join(dir, `w${workers}.sqlite`);
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, path.join(root, 'bin/trackscan.js'), 'scan', dir, '--db', db, '--workers', String(workers), '-q'], { encoding: 'utf8' });
  const s = (performance.now() - t) / 1000;
  const peakMb = Number(r.stderr.trim().split('\n').pop()) / 1024;
  results.push({ workers, seconds: s, rate: count / s, peakMb });
  console.log(`workers ${workers}: ${s.toFixed(1)} s, ${(count / s).toFixed(1)} apps/s, peak RSS ${peakMb.toFixed(0)} MB (exit ${r.status})`);
}
console.log(`speed-up ${(results[1].rate / results[0].rate).toFixed(2)}x`);
rmSync(dir, { recursive: true, force: true });
