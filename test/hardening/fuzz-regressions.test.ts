/**
 * Every input `npm run fuzz` ever saved (test/fixtures/fuzz-regressions/<target>-<kind>-s<seed>-i<iteration>.bin)
 * runs again through its target: it must now give a value or a TrackscanError, quickly.
 * The file name says how to regenerate it: `node dist/testing/fuzz-run.js --targets <target> --seed <seed>`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isExpected, targetByName } from '../../src/testing/fuzz-targets.js';

const dir = path.resolve(__dirname, '../fixtures/fuzz-regressions');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bin')).sort() : [];

describe('fuzz regressions', () => {
  it('the regression folder names only known targets', () => {
    for (const f of files) expect(() => targetByName(f.split('-').slice(0, -3).join('-'))).not.toThrow();
  });
  for (const f of files) {
    it(f, () => {
      const target = targetByName(f.split('-').slice(0, -3).join('-'));
      const started = performance.now();
      try {
        target.run(readFileSync(path.join(dir, f)));
      } catch (e) {
        if (!isExpected(e)) throw e;
      }
      expect(performance.now() - started).toBeLessThan(5000);
    });
  }
});
