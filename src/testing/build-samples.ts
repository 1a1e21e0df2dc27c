/**
 * `npm run samples`: writes the demo sample bundles into samples/ (see samples/README.md): the
 * Android demo `campaign-app.apk` and its iOS twin `campaign-app.ipa`.
 * Deterministic: running it twice gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { campaignIpa } from './ios-samples.js';
import { campaignApp } from './samples.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, 'samples');
mkdirSync(outDir, { recursive: true });

for (const [name, build] of [
  ['campaign-app.apk', campaignApp],
  ['campaign-app.ipa', campaignIpa],
] as const) {
  const bytes = build();
  const file = path.join(outDir, name);
  writeFileSync(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  console.log(`${path.relative(process.cwd(), file)}  ${bytes.length} bytes  sha256 ${sha256}`);
}
