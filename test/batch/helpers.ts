/**
 * Fixtures and helpers for the batch tests. Batch workers run the compiled JS in dist/, so the
 * tests build it first when it is missing or older than src/ (one build at a time: a lock dir).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import { run } from '../../src/cli/run.js';
import { GOLDEN_FIXTURES, buildApk, campaignAppSpec } from '../../src/testing/samples.js';
import { realApks } from '../helpers/tools.js';

export const root = path.resolve(__dirname, '../..');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/ when the worker script is missing or older than any source file. */
export function ensureBuilt(): void {
  const worker = path.join(root, 'dist/batch/worker.js');
  const fresh = () => existsSync(worker) && statSync(worker).mtimeMs >= newestMtime(path.join(root, 'src'));
  if (fresh()) return;
  const lock = path.join(root, 'dist/.build-lock');
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
    } catch {
      execFileSync('sleep', ['0.2']);
      if (fresh()) return;
      continue;
    }
    try {
      // type errors elsewhere in the tree (work in progress) do not stop tsc from emitting
      try {
        execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
      } catch {
        /* emitted anyway */
      }
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error('timed out waiting for another test file to build dist/');
}

export async function cli(argv: string[], extra: { signal?: AbortSignal } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), ...extra });
  return { code, stdout, stderr };
}

/** A deflate stream of `blocks` × 64 MiB of zeros, built from one flushed block repeated (1.3 MB for 1.25 GiB). */
export function zeroBombStream(blocks: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(64 << 20), { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  return Buffer.concat([...Array.from({ length: blocks }, () => block), Buffer.from([0x03, 0x00])]);
}

export interface Corpus {
  dir: string;
  /** bundles that scan */
  good: string[];
  /** files that must become error records */
  bad: string[];
  /** [path, path of the same bytes met first] */
  duplicates: [string, string][];
  /** files in the folder that are not bundles */
  notBundles: string[];
}

/**
 * A folder like a crawl: the sample, the real APKs, writer-built fixtures, a bundle without an
 * extension, a truncated APK, a 0-byte file, a non-zip, a zip bomb, a duplicate in a subfolder,
 * and a text file that is not a bundle.
 */
export function makeCorpus(dir: string, options: { real?: boolean } = {}): Corpus {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'more'), { recursive: true });
  const good: string[] = [];
  const put = (name: string, bytes: Uint8Array | string) => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const campaign = path.join(dir, 'campaign-app.apk');
  copyFileSync(path.join(root, 'samples/campaign-app.apk'), campaign);
  good.push(campaign);
  if (options.real ?? true) {
    for (const apk of realApks()) {
      const p = path.join(dir, apk.name);
      copyFileSync(apk.path, p);
      good.push(p);
    }
  }
  for (const f of GOLDEN_FIXTURES) good.push(put(`fixture-${f.name}.apk`, buildApk(f.spec())));
  // found by content only (no extension), with bytes of its own
  good.push(put('download-0001', buildApk({ ...campaignAppSpec(), files: [...(campaignAppSpec().files ?? []), { name: 'assets/crawl-id.txt', data: 'download 0001' }] })));

  const bad: string[] = [];
  const realBytes = buildApk(campaignAppSpec());
  bad.push(put('truncated.apk', realBytes.subarray(0, Math.floor(realBytes.length / 2))));
  bad.push(put('empty.apk', ''));
  bad.push(put('not-a-zip.apk', 'this is an HTML error page, not an APK\n'.repeat(20)));
  // an honest zip bomb: classes3.dex really inflates to 1.25 GiB (declared as such) in a valid app
  const bombSpec = campaignAppSpec();
  bombSpec.files = [...(bombSpec.files ?? []), { name: 'classes3.dex', data: zeroBombStream(20), compress: false, methodOverride: 8, sizeOverride: 20 * (64 << 20) }];
  bad.push(put('bomb.apk', buildApk(bombSpec)));

  const dup = path.join(dir, 'more', 'campaign-copy.apk');
  copyFileSync(campaign, dup);
  const notBundles = [put('README.txt', 'crawl of 2024-05-01\n'), put('more/listing.json', '{"apps": []}\n')];
  return { dir, good, bad, duplicates: [[dup, campaign]], notBundles };
}
