/**
 * The real APKs of the pinned devDependencies (test/helpers/tools.ts `realApks()`): none holds a
 * tracking SDK, so a scan must find no tracker and give no warning; and the scan's identity of
 * the app must be what Debian's `aapt dump badging` prints. Also the demo sample: aapt reads it
 * as we do.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import { realApks, requireTool, runTool } from '../helpers/tools.js';

const haveAapt = requireTool('aapt');
const scanner = new Scanner();
const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'samples', 'campaign-app.apk');

interface Identity {
  package: string;
  versionCode?: number;
  versionName?: string;
  minSdk?: number;
  targetSdk?: number;
  label?: string;
}

/** Identity facts from `aapt dump badging`. */
function badgingIdentity(out: string): Identity {
  const pkg = /^package: name='([^']*)'(?: versionCode='([^']*)')?(?: versionName='([^']*)')?/m.exec(out);
  if (!pkg) throw new Error(`no package line in:\n${out.slice(0, 500)}`);
  const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
  const min = num(/^sdkVersion:'([^']*)'/m.exec(out)?.[1]);
  return {
    package: pkg[1],
    versionCode: num(pkg[2]),
    versionName: pkg[3] || undefined,
    minSdk: min,
    targetSdk: num(/^targetSdkVersion:'([^']*)'/m.exec(out)?.[1]),
    label: /^application-label:'([^']*)'/m.exec(out)?.[1] || undefined,
  };
}

function reportIdentity(r: Report): Identity {
  return {
    package: r.app.id,
    versionCode: r.app.versionCode,
    versionName: r.app.versionName,
    minSdk: r.app.minSdk,
    // aapt prints a target SDK equal to the minimum when the manifest sets only the minimum
    targetSdk: r.app.targetSdk ?? r.app.minSdk,
    label: r.app.name || undefined,
  };
}

describe('real APKs: no trackers, no warnings, identity as aapt prints it', () => {
  const apks = realApks();
  it('has real APKs to scan', () => {
    expect(apks.length).toBeGreaterThan(0);
  });
  for (const apk of apks) {
    describe(apk.name, () => {
      const report = () => scanner.scanFile(apk.path);

      it('has no tracker and no warning', () => {
        const r = report();
        expect(r.trackers.map((t) => t.id)).toEqual([]);
        expect(r.warnings).toEqual([]);
        expect(r.code.binaries).toBeGreaterThan(0);
        expect(r.code.classesDefined).toBeGreaterThan(0);
      });

      it('scans to byte-identical JSON twice', () => {
        expect(renderJson(report())).toBe(renderJson(report()));
      });

      it.runIf(haveAapt)('identity equals aapt dump badging', () => {
        expect(reportIdentity(report())).toEqual(badgingIdentity(runTool('aapt', ['dump', 'badging', apk.path])));
      });
    });
  }
});

describe.runIf(haveAapt)('samples/campaign-app.apk: aapt reads the synthetic sample as we do', () => {
  it('identity equals aapt dump badging', () => {
    const out = runTool('aapt', ['dump', 'badging', SAMPLE]);
    expect(reportIdentity(scanner.scanFile(SAMPLE))).toEqual(badgingIdentity(out));
    expect(out).toContain("launchable-activity: name='org.example.campaign2020.MainActivity'");
    expect(out).toContain("uses-permission: name='android.permission.BLUETOOTH' maxSdkVersion='30'");
  });
});
