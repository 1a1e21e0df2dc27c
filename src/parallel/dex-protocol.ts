/**
 * What the main thread and a DEX worker thread (dex-worker.ts) tell each other. Plain data: it
 * crosses threads by structured clone.
 */
import type { DexPart } from '../bundle/android/dex-collect.js';
import type { AttributionData } from '../signatures/attribution-data.js';
import type { SdkSignature } from '../signatures/types.js';

/** The worker's start-up data: what it needs to build the same ApiQuery as the Scanner. */
export interface DexWorkerData {
  wantedStrings: string[];
  appId: string;
  /** absent: no bytecode walk (the scan has no ApiQuery) */
  attribution?: { data: AttributionData; sdks: SdkSignature[]; permissionNames: string[] };
  /** where the worker posts its parts */
  port: import('node:worker_threads').MessagePort;
  /** Int32Array over a SharedArrayBuffer: [0] files finished (parts posted), for Atomics.wait; [1] 1 once started */
  progress: SharedArrayBuffer;
}

/** main → worker: one DEX file to read (its bytes are transferred) */
export interface DexJob {
  index: number;
  entry: string;
  bytes: Uint8Array;
}

/** worker → main: the part of one file, or why the worker could not make it */
export type DexJobResult = { index: number; part: DexPart } | { index: number; error: string };
