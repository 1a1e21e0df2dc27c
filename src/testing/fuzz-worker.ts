/**
 * One fuzzing thread (see fuzz-run.ts): runs iterations from, from+step, … of one target,
 * publishing the current iteration and the execution count in shared memory before each one.
 * An input that throws anything but a TrackscanError is reported as a crash; hangs and heap
 * exhaustion are seen by the runner from outside.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mutantAt } from './fuzz.js';
import { isExpected, seedsFor, targetByName } from './fuzz-targets.js';

const { target, seed, from, step, count, deadline, shared } = workerData as {
  target: string;
  seed: number;
  from: number;
  step: number;
  /** iterations to run, -1 = until the deadline */
  count: number;
  /** Date.now() deadline, -1 = none */
  deadline: number;
  shared: Int32Array;
};

const t = targetByName(target);
const seeds = seedsFor(target);
let executed = 0;
for (let i = from; (count < 0 || executed < count) && (deadline < 0 || Date.now() < deadline); i += step) {
  Atomics.store(shared, 0, i);
  const input = mutantAt(seeds, seed, i);
  try {
    t.run(input);
  } catch (e) {
    if (!isExpected(e)) parentPort!.postMessage({ kind: 'crash', iteration: i, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) });
  }
  executed++;
  Atomics.store(shared, 1, executed);
}
