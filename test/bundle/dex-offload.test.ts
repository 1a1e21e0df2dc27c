/**
 * The second thread for DEX files (src/parallel/dex-offload.ts) must not change a report: the
 * Evidence is the same whichever thread read which file, a file the worker cannot parse is the
 * same warning, and a worker that gives up leaves its files to the main thread.
 * The worker runs the build output (dist/), as the batch pool's tests do.
 */
import { describe, expect, it } from 'vitest';
import { AttributionAnalyzer } from '../../src/analysis/attribution.js';
import { FACEBOOK_GRAPH_PERMISSIONS } from '../../src/analysis/scopes.js';
import { TrackerMatcher } from '../../src/analysis/trackers.js';
import { ZipArchive } from '../../src/archive/zip.js';
import { collectAndroidEvidence } from '../../src/bundle/android/collectors.js';
import type { DexOffload, DexOffloadFactory, DexPart } from '../../src/bundle/android/dex-collect.js';
import type { Evidence } from '../../src/evidence/types.js';
import { dexOffloadFactory } from '../../src/parallel/dex-offload.js';
import { loadAttributionData } from '../../src/signatures/attribution-data.js';
import { DEFAULT_SIGNATURES_DIR, loadSignatures } from '../../src/signatures/load.js';
import { admobAppsflyerSpec, buildApk, campaignAppSpec, classes, multidexSplitSdkSpec } from '../../src/testing/samples.js';
import { writeZip } from '../../src/testing/zip-writer.js';

const db = loadSignatures();
const data = loadAttributionData(DEFAULT_SIGNATURES_DIR, db.permissions);
const permissionNames = db.permissions.permissions.map((p) => p.name);
const attribution = new AttributionAnalyzer(data, new TrackerMatcher(db), db.sdks, permissionNames);
const wanted: ReadonlySet<string> = new Set(FACEBOOK_GRAPH_PERMISSIONS);

/** The campaign app's two DEX files plus three more SDKs' and one that is not a DEX file at all. */
function manyDexApk(): Uint8Array {
  const spec = campaignAppSpec();
  const more = [...(multidexSplitSdkSpec().dex ?? []), ...(admobAppsflyerSpec().dex ?? [])];
  spec.dex = [...(spec.dex ?? []), ...more.map((d, i) => ({ entry: `classes${i + 3}.dex`, input: d.input }))];
  const apk = buildApk(spec);
  // append a damaged classes<N>.dex by rebuilding the zip with one more entry
  const zip = ZipArchive.fromBytes(apk, 'many.apk');
  const entries = zip.entries.filter((e) => !e.isDirectory).map((e) => ({ name: e.name, data: zip.read(e.name) }));
  entries.push({ name: `classes${(spec.dex?.length ?? 0) + 1}.dex`, data: new TextEncoder().encode('dex\n035\0 but nothing after the magic') });
  return writeZip(entries);
}

function collect(apk: Uint8Array, offload?: DexOffloadFactory): Evidence {
  return collectAndroidEvidence(ZipArchive.fromBytes(apk, 'many.apk'), wanted, undefined, attribution.query(), offload);
}

/** Evidence as comparable data (Maps as entry lists; the walk's clock left out). */
function plain(ev: Evidence): unknown {
  return JSON.parse(JSON.stringify(ev, (k, v) => (v instanceof Map ? [...v] : k === 'ms' ? 0 : v)));
}

describe('DEX files on a second thread', () => {
  const apk = manyDexApk();
  const alone = collect(apk);

  it('the test bundle has several SDKs over several DEX files, and one unreadable file', () => {
    expect(alone.code.binaries).toBeGreaterThanOrEqual(5);
    expect(alone.code.apiUse?.length).toBeGreaterThan(0);
    expect(alone.code.crossRefs?.length).toBeGreaterThan(0);
    expect(alone.warnings).toContainEqual(expect.objectContaining({ code: 'format-invalid', entry: 'classes6.dex' }));
  });

  it('gives the same Evidence as one thread, every time', () => {
    const factory = dexOffloadFactory({ wantedStrings: wanted, attribution: { data, sdks: db.sdks, permissionNames }, minBytes: 0, evenWhenBusy: true });
    expect(factory).toBeDefined();
    let took = 0;
    const counting: DexOffloadFactory = (bytes, appId) => {
      const o = factory!(bytes, appId)!;
      return { wants: (n) => o.wants(n), take: (i, e, b) => (took++, o.take(i, e, b)), finish: () => o.finish(), cancel: () => o.cancel() };
    };
    for (let i = 0; i < 3; i++) expect(plain(collect(apk, counting))).toEqual(plain(alone));
    expect(took).toBeGreaterThanOrEqual(3); // the worker did read files
  });

  it('is not started below its threshold', () => {
    const factory = dexOffloadFactory({ wantedStrings: wanted, minBytes: 1 << 30 });
    expect(factory?.(apk.length, 'x')).toBeUndefined();
  });

  it('a limit hit while reading (a zip bomb) stops the offload with the scan', () => {
    let cancelled = 0;
    const watching: DexOffload = { wants: () => true, take: () => {}, finish: () => new Map(), cancel: () => void cancelled++ };
    // one DEX file far bigger than every other entry, and a per-entry limit just below it
    const spec = campaignAppSpec();
    const big = classes(Array.from({ length: 800 }, (_, i) => `com.example.big.Class${i}`));
    spec.dex = [...(spec.dex ?? []), { entry: `classes${(spec.dex?.length ?? 0) + 1}.dex`, input: { classes: big } }];
    const bytes = buildApk(spec);
    const sizes = ZipArchive.fromBytes(bytes, 'big.apk').entries.map((e) => e.size).sort((a, b) => b - a);
    expect(sizes[0]).toBeGreaterThan(sizes[1]);
    const limited = ZipArchive.fromBytes(bytes, 'big.apk', { maxEntrySize: sizes[0] - 1 });
    expect(() => collectAndroidEvidence(limited, wanted, undefined, attribution.query(), () => watching)).toThrow(/limit/);
    expect(cancelled).toBe(1);
  });

  it('files an offload took but did not finish are read by the main thread', () => {
    const taken: number[] = [];
    const lazy: DexOffload = {
      wants: () => true,
      take: (index) => void taken.push(index),
      finish: () => new Map<number, DexPart>(),
      cancel: () => {},
    };
    const ev = collect(apk, () => lazy);
    expect(taken.length).toBe(alone.code.binaries + 1);
    expect(plain(ev)).toEqual(plain(alone));
  });
});
