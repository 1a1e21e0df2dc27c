/**
 * Real bundles and vendor binaries from the npm registry (../shared/REAL-DATA.md), fetched once per
 * machine into the git-ignored cache `.cache/real-data/` and never committed:
 *
 *   npm pack <pkg>@<version> --pack-destination .cache/real-data   → <file>.tgz
 *   SHA-256 of the .tgz checked against test/real-data.lock.json    → a changed upstream file is noticed
 *   tar -xzf <file>.tgz -C .cache/real-data/<pkg>-<version>/        → <pkg>-<version>/package/…
 *
 * A verified extraction is marked with `.sha256` and reused on later runs, so each package is
 * fetched once per machine. When the registry cannot be reached the tests that need the package skip
 * with a clear message — except under CI (CI=true), where the registry is reachable and a fetch
 * failure is a failure (like a missing tool in test/helpers/tools.ts). A checksum mismatch is always
 * a failure.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REAL_DATA_CACHE = path.join(ROOT, '.cache', 'real-data');
export const REAL_DATA_LOCK = path.join(ROOT, 'test', 'real-data.lock.json');

export type RealPackage = { ok: true; spec: string; dir: string; tgz: string } | { ok: false; spec: string; reason: string };

/** `@scope/name@1.2.3` → { name: '@scope/name', version: '1.2.3' } */
function parseSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf('@');
  if (at <= 0) throw new Error(`real-data: '${spec}' is not <package>@<exact version>`);
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

/** The folder a package is extracted to: `<name>-<version>` with a scope's `@` dropped and `/` as `-` (npm pack's naming). */
export function cacheDirName(spec: string): string {
  const { name, version } = parseSpec(spec);
  return `${name.replace(/^@/, '').replace(/\//g, '-')}-${version}`;
}

function lock(): Record<string, string> {
  return JSON.parse(readFileSync(REAL_DATA_LOCK, 'utf8')) as Record<string, string>;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const memo = new Map<string, RealPackage>();

/**
 * The extracted package (`dir` is the folder holding `package/`), fetching and verifying it if the
 * cache does not hold it yet. Returns `{ ok: false, reason }` when the registry cannot be reached
 * (tests skip); throws under CI, on a checksum mismatch, and for a package missing from the lock.
 */
export function realPackage(spec: string): RealPackage {
  const known = memo.get(spec);
  if (known) return known;
  const result = fetchPackage(spec);
  memo.set(spec, result);
  return result;
}

function fetchPackage(spec: string): RealPackage {
  const pinned = lock()[spec];
  const dirName = cacheDirName(spec);
  const dir = path.join(REAL_DATA_CACHE, dirName);
  const tgz = path.join(REAL_DATA_CACHE, `${dirName}.tgz`);
  const marker = path.join(dir, '.sha256');
  if (pinned && existsSync(marker) && readFileSync(marker, 'utf8').trim() === pinned && existsSync(path.join(dir, 'package'))) {
    return { ok: true, spec, dir, tgz };
  }
  mkdirSync(REAL_DATA_CACHE, { recursive: true });
  if (!existsSync(tgz) || (pinned && sha256(tgz) !== pinned)) {
    const tmp = mkdtempSync(path.join(REAL_DATA_CACHE, '.pack-'));
    try {
      execFileSync('npm', ['pack', spec, '--pack-destination', tmp, '--ignore-scripts', '--silent'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
      const packed = readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
      if (packed.length !== 1) throw new Error(`npm pack ${spec} left ${packed.length} tarballs`);
      renameSync(path.join(tmp, packed[0]), tgz);
    } catch (e) {
      const err = e as { stderr?: Buffer; message: string };
      const detail = (err.stderr?.toString() || err.message).split('\n').find((l) => l.trim() && !/Unknown user config/.test(l)) ?? err.message;
      const reason = `cannot fetch ${spec} from the npm registry (${detail.trim()}); tests that need it are skipped`;
      if (process.env.CI) throw new Error(`CI must run the real-data tests: ${reason}`);
      console.warn(`[skipped] ${reason}`);
      return { ok: false, spec, reason };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const actual = sha256(tgz);
  if (!pinned) throw new Error(`real-data: ${spec} is not pinned in ${path.relative(ROOT, REAL_DATA_LOCK)}; after checking the package, add "${spec}": "${actual}"`);
  if (actual !== pinned) {
    rmSync(tgz, { force: true });
    throw new Error(`real-data: ${spec} has SHA-256 ${actual}, but ${path.relative(ROOT, REAL_DATA_LOCK)} pins ${pinned}: the registry serves another file than the one the tests were written against`);
  }
  // extract into a fresh folder, then move it into place (another test file may be doing the same)
  const staging = mkdtempSync(path.join(REAL_DATA_CACHE, '.extract-'));
  try {
    execFileSync('tar', ['-xzf', tgz, '-C', staging, '--no-same-owner'], { stdio: ['ignore', 'pipe', 'pipe'] });
    writeFileSync(path.join(staging, '.sha256'), `${pinned}\n`);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (e) {
      // a concurrent extraction won the race: use its folder if it is complete
      if (!(existsSync(marker) && readFileSync(marker, 'utf8').trim() === pinned)) throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { ok: true, spec, dir, tgz };
}

/** A file inside a fetched package (`rel` is relative to its `package/` folder), or undefined when the package was skipped. */
export function realFile(spec: string, rel: string): string | undefined {
  const p = realPackage(spec);
  if (!p.ok) return undefined;
  const file = path.join(p.dir, 'package', rel);
  if (!existsSync(file)) throw new Error(`real-data: ${spec} has no ${rel}`);
  return file;
}
