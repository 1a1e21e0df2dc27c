/**
 * Android APK reader: picks the entries that matter and hands their bytes to the pure format
 * parsers. No signature matching here (DESIGN.md). A failure in one entry becomes a warning; only
 * a bundle with no readable manifest fails as a whole.
 */
import { TrackscanError } from '../../errors.js';
import { parseArsc, type ResourceTable } from '../../formats/arsc.js';
import { parseAxml, type AxmlDocument } from '../../formats/axml.js';
import { descriptorToJavaName, parseDex, type DexFile } from '../../formats/dex.js';
import { anomalyWarnings, entryFailure } from '../../evidence/warnings.js';
import type { BundleView, EntryWarning } from '../view.js';

export const MANIFEST_ENTRY = 'AndroidManifest.xml';
export const RESOURCES_ENTRY = 'resources.arsc';
const DEX_ENTRY = /^classes(\d*)\.dex$/;

export interface ManifestResult {
  manifest: AxmlDocument;
  /** absent when the APK has no resources.arsc or it cannot be read (then a warning says why) */
  resources?: ResourceTable;
  warnings: EntryWarning[];
}

/** Reads and decodes AndroidManifest.xml, and resources.arsc for resolving references. */
export function readManifest(view: BundleView): ManifestResult {
  if (!view.has(MANIFEST_ENTRY)) {
    throw new TrackscanError('NOT_A_BUNDLE', `no ${MANIFEST_ENTRY}: not an Android APK`, { file: view.name });
  }
  const warnings: EntryWarning[] = [];
  const manifest = parseAxml(view.read(MANIFEST_ENTRY));
  warnings.push(...anomalyWarnings(MANIFEST_ENTRY, manifest.anomalies));
  let resources: ResourceTable | undefined;
  if (view.has(RESOURCES_ENTRY)) {
    try {
      resources = parseArsc(view.read(RESOURCES_ENTRY));
      warnings.push(...anomalyWarnings(RESOURCES_ENTRY, resources.anomalies));
    } catch (e) {
      warnings.push(entryFailure(RESOURCES_ENTRY, e));
    }
  }
  return { manifest, resources, warnings };
}

/**
 * The classes*.dex entries in the order Android loads them (classes.dex, classes2.dex, …).
 * Entries after a gap in the numbering are not loaded by Android but are still code in the
 * bundle, so they are returned, with a warning.
 */
export function dexEntryNames(view: BundleView): { names: string[]; warnings: EntryWarning[] } {
  const numbered: [number, string][] = [];
  for (const e of view.entries) {
    const m = DEX_ENTRY.exec(e.name);
    if (!m) continue;
    const n = m[1] === '' ? 1 : Number(m[1]);
    // `classes1.dex` is not a name Android loads; keep it after the real sequence.
    numbered.push([m[1] === '1' || m[1].startsWith('0') ? Number.MAX_SAFE_INTEGER : n, e.name]);
  }
  numbered.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const names = [...new Set(numbered.map(([, name]) => name))];
  const warnings: EntryWarning[] = [];
  numbered.forEach(([n, name], i) => {
    if (n !== i + 1) {
      warnings.push({ entry: name, code: 'dex-not-loaded', message: `${name} is outside the classes.dex, classes2.dex, … sequence Android loads` });
    }
  });
  return { names, warnings };
}

export interface DexEntry {
  entry: string;
  dex: DexFile;
}

/**
 * Parses the classes*.dex entries one at a time, in load order, so that only one is held in memory
 * at once (a large app's DEX files together run to hundreds of MB); an unreadable one becomes a
 * warning in `warnings`. Each DexFile's anomalies grow as its lazy accessors find damage, so
 * callers turn them into warnings after using it.
 */
export function* eachDexFile(view: BundleView, warnings: { push(...w: EntryWarning[]): number }): Generator<DexEntry> {
  const { names, warnings: nameWarnings } = dexEntryNames(view);
  warnings.push(...nameWarnings);
  for (const entry of names) {
    let dex: DexFile;
    try {
      dex = parseDex(view.read(entry));
    } catch (e) {
      warnings.push(entryFailure(entry, e));
      continue;
    }
    yield { entry, dex };
  }
}

/** Every class defined in the bundle's DEX files, Java dotted names, sorted by code unit, unique. */
export function definedClassNames(view: BundleView): { classes: string[]; warnings: EntryWarning[] } {
  const warnings: EntryWarning[] = [];
  const set = new Set<string>();
  for (const { entry, dex: d } of eachDexFile(view, warnings)) {
    for (const descriptor of d.definedClassDescriptors()) set.add(descriptorToJavaName(descriptor));
    warnings.push(...anomalyWarnings(entry, d.anomalies));
  }
  return { classes: [...set].sort(compareCodeUnits), warnings };
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

