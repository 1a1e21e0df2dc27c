// One in-process case, in its own Node process (so its peak RSS is its own):
//   node bench/inproc.mjs floor|scan <file> <warmups> <runs>
// Prints one JSON line: { ms: [per run], phases: { name: [per run] }, maxRssKB, info }.
// `scan` is what `trackscan scan --format json` does after start-up: Scanner.scanFile with
// --timing's per-phase clock, then the JSON encoding. The Scanner (signature database loaded and
// compiled) is built once, before the clock, as the batch mode does; its cost is reported apart.
import { floor } from './floor.mjs';

const [mode, file, warmupsArg, runsArg] = process.argv.slice(2);
const warmups = Number(warmupsArg ?? 1);
const runs = Number(runsArg ?? 5);

let once;
const info = {};
if (mode === 'floor') {
  once = () => {
    const r = floor(file);
    Object.assign(info, r);
    return undefined;
  };
} else if (mode === 'scan') {
  const t = performance.now();
  const { Scanner } = await import(new URL('../dist/scan.js', import.meta.url).href);
  const { renderJson } = await import(new URL('../dist/report/json.js', import.meta.url).href);
  const scanner = new Scanner();
  info.setupMs = Math.round((performance.now() - t) * 10) / 10;
  once = () => {
    const report = scanner.scanFile(file, { timing: true });
    const t0 = performance.now();
    const json = renderJson(report);
    const phases = { ...report.timing, json: Math.round((performance.now() - t0) * 10) / 10 };
    info.trackers = report.trackers?.length ?? report.findings?.length;
    info.jsonBytes = json.length;
    return phases;
  };
} else {
  throw new Error(`unknown mode ${mode}`);
}

const ms = [];
const phases = {};
for (let i = 0; i < warmups + runs; i++) {
  const t = performance.now();
  const p = once();
  const elapsed = performance.now() - t;
  if (i < warmups) continue;
  ms.push(Math.round(elapsed * 10) / 10);
  for (const [k, v] of Object.entries(p ?? {})) (phases[k] ??= []).push(v);
}
process.stdout.write(JSON.stringify({ ms, phases, maxRssKB: process.resourceUsage().maxRSS, info }) + '\n');
