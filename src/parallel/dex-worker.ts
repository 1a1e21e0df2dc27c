/**
 * A worker thread that reads DEX files for the main thread (see dex-offload.ts): it builds the
 * same ApiQuery as the Scanner from the data it is given, then turns each file it receives into a
 * DexPart. It never reads the bundle itself: the main thread reads every entry, so the archive's
 * limits (zip bombs) are counted in one place.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AttributionAnalyzer } from '../analysis/attribution.js';
import { TrackerMatcher } from '../analysis/trackers.js';
import { collectDexPart, type DexPartOptions } from '../bundle/android/dex-collect.js';
import { newWalkState } from '../bundle/android/code-walk.js';
import type { DexJob, DexJobResult, DexWorkerData } from './dex-protocol.js';

const init = workerData as DexWorkerData;
const progress = new Int32Array(init.progress);
let options: DexPartOptions | undefined;


function optionsOf(): DexPartOptions {
  if (!options) {
    const a = init.attribution;
    const query = a ? new AttributionAnalyzer(a.data, new TrackerMatcher({ sdks: a.sdks }), a.sdks, a.permissionNames).query() : undefined;
    options = { wantedStrings: new Set(init.wantedStrings), ...(query ? { walk: newWalkState(query, init.appId) } : {}) };
  }
  return options;
}

parentPort?.on('message', (job: DexJob) => {
  let result: DexJobResult;
  try {
    result = { index: job.index, part: collectDexPart(job.bytes, job.entry, optionsOf()) };
  } catch (e) {
    // The main thread reads this file again itself, and meets the same error there.
    result = { index: job.index, error: e instanceof Error ? e.message : String(e) };
  }
  init.port.postMessage(result);
  Atomics.add(progress, 0, 1);
  Atomics.notify(progress, 0);
});

// Build the query now, while the main thread reads its first files; then say so.
optionsOf();
Atomics.store(progress, 1, 1);
