/**
 * Writes the iOS fixtures of src/testing/ios-samples.ts to disk the way each is delivered: an
 * `.ipa`, a zipped `.app`, or an `.app` folder. Shared by test/golden/ios.test.ts and test/ios/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appFiles, buildIpa, buildZippedApp, IOS_FIXTURES, type IosAppSpec } from '../../src/testing/ios-samples.js';

export type FixtureKind = (typeof IOS_FIXTURES)[number]['kind'];

/** Writes one fixture into `dir` under `name` and returns its path. */
export function writeIosFixture(dir: string, name: string, kind: FixtureKind, spec: IosAppSpec): string {
  const file = path.join(dir, name);
  if (kind === 'ipa') writeFileSync(file, buildIpa(spec));
  else if (kind === 'zipped-app') writeFileSync(file, buildZippedApp(spec));
  else {
    for (const f of appFiles(spec)) {
      const p = path.join(file, f.path);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, f.data);
    }
  }
  return file;
}

/** Every fixture written into `dir`: name → path. */
export function writeIosFixtures(dir: string): Map<string, string> {
  return new Map(IOS_FIXTURES.map((f) => [f.name, writeIosFixture(dir, f.name, f.kind, f.spec())]));
}
