#!/usr/bin/env node
// Launcher: the compiled CLI lives in dist/ (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('trackscan: not built yet; run `npm install` (or `npm run build`) in the trackscan folder\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main();
