// In-process cases, in one Node process of their own, interleaved:
//   node bench/inproc.mjs <warmups> <runs> <mode>:<file> [<mode>:<file> …]
// modes: floor (bench/floor.mjs), scan1 (scan on one thread, as in a batch) and scan (what `trackscan scan --format json` does after
// start-up: Scanner.scanFile with --timing's per-phase clock, then the JSON encoding). Run k of
// every case comes before run k+1 of any, so that load bursts on a shared machine fall on all of
// them alike and their ratios hold. The Scanner (signature database loaded and compiled) is built
// once, before the clock, as the batch mode does; its cost is reported apart (setupMs).
// Prints one JSON line: { cases: [{ ms: [per run], phases: { name: [per run] }, info }], setupMs, maxRssKB }.
import { floor } from './floor.mjs';

const [warmupsArg, runsArg, ...specs] = process.argv.slice(2);
const warmups = Number(warmupsArg);
const runs = Number(runsArg);

let scanner;
let renderJson;
let setupMs;
if (specs.some((s) => s.startsWith('scan'))) {
  const t = performance.now();
  ({ renderJson } = await import(new URL('../dist/report/json.js', import.meta.url).href));
  const { Scanner } = await import(new URL('../dist/scan.js', import.meta.url).href);
  scanner = new Scanner();
  setupMs = Math.round((performance.now() - t) * 10) / 10;
}

const cases = specs.map((spec) => {
  const i = spec.indexOf(':');
  const mode = spec.slice(0, i);
  const file = spec.slice(i + 1);
  const c = { mode, file, ms: [], phases: {}, info: {} };
  if (mode === 'floor') {
    c.once = () => {
      Object.assign(c.info, floor(file));
      return undefined;
    };
  } else if (mode === 'scan' || mode === 'scan1') {
    // scan1: one thread (no DEX worker), as in a batch
    c.once = () => {
      const report = scanner.scanFile(file, { timing: true, ...(mode === 'scan1' ? { dexThread: false } : {}) });
      const t0 = performance.now();
      const json = renderJson(report);
      c.info.trackers = report.trackers?.length;
      c.info.jsonBytes = json.length;
      return { ...report.timing, json: Math.round((performance.now() - t0) * 10) / 10 };
    };
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  return c;
});

for (let k = 0; k < warmups + runs; k++) {
  for (const c of cases) {
    const t = performance.now();
    const p = c.once();
    const elapsed = performance.now() - t;
    if (k < warmups) continue;
    c.ms.push(Math.round(elapsed * 10) / 10);
    for (const [name, v] of Object.entries(p ?? {})) (c.phases[name] ??= []).push(v);
  }
}
process.stdout.write(
  JSON.stringify({ cases: cases.map(({ mode, file, ms, phases, info }) => ({ mode, file, ms, phases, info })), setupMs, maxRssKB: process.resourceUsage().maxRSS }) + '\n',
);
