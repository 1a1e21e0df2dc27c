/**
 * Independent reference tools (Debian's aapt, dexdump, …). Tests that need one skip with a clear
 * message when it is absent, so `npm test` passes on a fresh machine; under CI (CI=true) a missing
 * tool is a failure, because .ci/run installs them and the cross-checks must really run there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const cache = new Map<string, boolean>();

export function hasTool(name: string): boolean {
  let ok = cache.get(name);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
    cache.set(name, ok);
  }
  return ok;
}

/**
 * True when the tool can be used. When it cannot: under CI throws (the cross-check must run),
 * otherwise prints why the dependent tests are skipped and returns false.
 */
export function requireTool(name: string, debianPackage = name): boolean {
  if (hasTool(name)) return true;
  const msg = `${name} not found: install it with 'apt-get install -y ${debianPackage}' to run the cross-check tests that use it`;
  if (process.env.CI) throw new Error(`CI must run the ${name} cross-checks: ${msg}`);
  console.warn(`[skipped] ${msg}`);
  return false;
}

/** Runs a tool and returns its stdout (large buffer: dexdump on a 16-DEX APK prints a lot). */
export function runTool(name: string, args: string[]): string {
  return execFileSync(name, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

const require = createRequire(import.meta.url);

/** The real APKs shipped by devDependencies (see ../shared/REAL-DATA.md). */
export function realApks(): { name: string; path: string }[] {
  const wanted: [string, string][] = [
    ['android-apidemos', 'apks/ApiDemos-debug.apk'],
    ['io.appium.settings', 'apks/settings_apk-debug.apk'],
    ['appium-uiautomator2-server', 'apks/appium-uiautomator2-server-v10.6.6.apk'],
    ['appium-uiautomator2-server', 'apks/appium-uiautomator2-server-debug-androidTest.apk'],
  ];
  const out: { name: string; path: string }[] = [];
  for (const [pkg, rel] of wanted) {
    let dir: string;
    try {
      dir = path.dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      continue;
    }
    const p = path.join(dir, rel);
    if (existsSync(p)) out.push({ name: path.basename(p), path: p });
  }
  return out;
}
