/**
 * Split APK sets as one app: `.apks` (bundletool: `splits/*.apk`, `toc.pb`), `.xapk` (`manifest.json`,
 * `*.apk`, maybe `Android/obb/`), `.apkm` (`info.json`, `*.apk`), a folder of split APKs, and a zip
 * holding an APK or a split set (nested to the archive's `maxNesting`). Every split is read by the
 * ordinary APK collectors, then the results are merged into one Evidence; each item's provenance
 * entry keeps the split it came from (`split_config.arm64_v8a.apk!lib/arm64-v8a/libx.so`).
 *
 * Which split is which comes from its manifest (Android's own rule): no `split` attribute on
 * <manifest> = the base; `split="config.…"` = a configuration split (ABI, screen density, language)
 * <https://developer.android.com/guide/app-bundle/app-bundle-format>; any other split = a feature
 * module. A set without its base is still scanned (identity from the first split) with a warning.
 */
import path from 'node:path';
import { ZipArchive, type ZipLimits } from '../../archive/zip.js';
import { TrackscanError } from '../../errors.js';
import { attributeString, parseAxml } from '../../formats/axml.js';
import type { ApiQuery, CodeReferenceEvidence, Evidence, Warning } from '../../evidence/types.js';
import { mapProvenance } from '../../evidence/provenance.js';
import { anomalyWarnings, entryFailure } from '../../evidence/warnings.js';
import type { BundleView } from '../view.js';
import { collectAndroidEvidence, emptyAndroidEvidence } from './collectors.js';
import { MANIFEST_ENTRY } from './entries.js';

/** Android ABIs as split names spell them (`-` → `_`). */
const ABIS = new Set(['armeabi', 'armeabi_v7a', 'arm64_v8a', 'x86', 'x86_64', 'mips', 'mips64', 'riscv64']);
const DENSITIES = new Set(['ldpi', 'mdpi', 'tvdpi', 'hdpi', 'xhdpi', 'xxhdpi', 'xxxhdpi', 'nodpi', 'anydpi']);
const LANGUAGE = /^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;
const NESTED_CONTAINER = /\.(?:zip|apks|xapk|apkm)$/i;
/** most APKs merged from one input: a set has a handful; more is a hostile or mistaken input */
const MAX_SPLITS = 256;

export type SplitRole = 'base' | 'feature' | 'config';
export type ConfigDimension = 'abi' | 'density' | 'language' | 'other';

export interface SplitInfo {
  /** the APK's path in the input, as used in provenance (`splits/base-master.apk`, `outer.zip!app.apk`) */
  file: string;
  /** the manifest's `split` attribute (absent for the base) */
  split?: string;
  role: SplitRole;
  /** for configuration splits: what they configure, and the value (`arm64_v8a`, `xxhdpi`, `fr`) */
  config?: ConfigDimension;
  value?: string;
  /** configuration splits of a feature module: that module (`configForSplit`) */
  forSplit?: string;
}

/** What a view can open an APK entry with: a nested zip (sharing the budget) or a file of a folder. */
type OpenableView = BundleView & { openNested?(name: string): ZipArchive; limits?: ZipLimits; close?(): void };

/**
 * The APK entries of a container, or [] when it holds none. bundletool's `splits/` wins over its
 * `standalones/` (whole APKs for old devices); OBB expansion files are not APKs.
 */
export function splitApkEntries(view: BundleView): string[] {
  const apks = view.entries.filter((e) => !e.isDirectory && e.name.toLowerCase().endsWith('.apk') && !/^Android\/obb\//i.test(e.name)).map((e) => e.name);
  const splits = apks.filter((n) => n.startsWith('splits/'));
  return (splits.length ? splits : apks).sort(cmp);
}

/** Archives inside the input that may hold APKs (a zip of an .apks). */
function nestedContainers(view: BundleView): string[] {
  return view.entries.filter((e) => !e.isDirectory && NESTED_CONTAINER.test(e.name)).map((e) => e.name).sort(cmp);
}

/** Does the input hold APKs, directly or in a nested archive? (Cheap: names only.) */
export function looksLikeSplitSet(view: BundleView): boolean {
  return splitApkEntries(view).length > 0 || nestedContainers(view).length > 0;
}

/** Names a split from its manifest's `split` attribute, or its file name when the manifest has none. */
export function classifySplit(file: string, split: string | undefined, forSplit?: string): SplitInfo {
  const info: SplitInfo = { file, role: 'base', ...(split ? { split } : {}), ...(forSplit ? { forSplit } : {}) };
  if (!split) return info;
  const m = /^config\.(.+)$/.exec(split);
  if (!m) {
    info.role = 'feature';
    return info;
  }
  info.role = 'config';
  const value = m[1];
  info.value = value;
  info.config = ABIS.has(value) ? 'abi' : DENSITIES.has(value) ? 'density' : LANGUAGE.test(value) ? 'language' : 'other';
  return info;
}

export interface SplitSetResult {
  evidence: Evidence;
  splits: SplitInfo[];
}

/**
 * Reads every APK of a split set (or a zip holding APKs) and merges them into one Evidence.
 * Throws NOT_A_BUNDLE when no APK in it has a readable manifest; a limit (zip bomb) stops it all.
 */
export function collectSplitSetEvidence(
  view: OpenableView,
  wantedStrings: ReadonlySet<string> = new Set(),
  apis?: ApiQuery,
): SplitSetResult {
  const parts: { info: SplitInfo; ev: Evidence }[] = [];
  const warnings: Warning[] = [...anomalyWarnings(undefined, view.anomalies)];
  gather(view, '', 0, parts, warnings, wantedStrings, apis);
  if (parts.length === 0) {
    throw new TrackscanError('NOT_A_BUNDLE', 'no readable APK in this split set or archive', { file: view.name });
  }
  const bases = parts.filter((p) => p.info.role === 'base');
  if (bases.length === 0) {
    warnings.push({ code: 'split-base-missing', message: `no base APK among ${parts.length} split(s): the app's identity, permissions and components come from its base manifest, so this report is incomplete` });
  } else if (bases.length > 1) {
    warnings.push({ code: 'split-base-duplicate', message: `${bases.length} APKs without a split name (${bases.map((b) => b.info.file).join(', ')}): merged as one app, identity from ${bases[0].info.file}` });
  }
  // the base first, then the others in file order
  parts.sort((a, b) => (a.info.role === 'base' ? 0 : 1) - (b.info.role === 'base' ? 0 : 1) || cmp(a.info.file, b.info.file));
  const evidence = mergeSplitEvidence(parts.map((p) => p.ev));
  const ids = new Set(parts.map((p) => p.ev.identity.id).filter(Boolean));
  if (ids.size > 1) warnings.push({ code: 'split-package-mismatch', message: `splits name different packages (${[...ids].sort(cmp).join(', ')}); merged as one app` });
  const signers = new Set(parts.map((p) => (p.ev.signing?.certificates.map((c) => c.sha256).sort(cmp) ?? []).join(',')));
  if (signers.size > 1) warnings.push({ code: 'split-signers-differ', message: 'the splits are not all signed with the same certificates: Android would refuse to install them together' });
  evidence.warnings.unshift(...warnings);
  return { evidence, splits: parts.map((p) => p.info) };
}

function gather(
  view: OpenableView,
  prefix: string,
  depth: number,
  parts: { info: SplitInfo; ev: Evidence }[],
  warnings: Warning[],
  wanted: ReadonlySet<string>,
  apis: ApiQuery | undefined,
): void {
  const apks = splitApkEntries(view);
  for (const entry of apks) {
    const file = prefix + entry;
    if (parts.length >= MAX_SPLITS) {
      warnings.push({ code: 'too-many-splits', message: `more than ${MAX_SPLITS} APKs; the rest were not read`, entry: file });
      return;
    }
    let apk: OpenableView | undefined;
    try {
      apk = openApk(view, entry);
      if (!apk.has(MANIFEST_ENTRY)) {
        warnings.push({ code: 'split-not-an-apk', message: `${file} has no ${MANIFEST_ENTRY}; not read`, entry: file });
        continue;
      }
      const root = parseAxml(apk.read(MANIFEST_ENTRY)).root;
      const split = root ? attributeString(root, 'split', '') : undefined;
      const forSplit = root ? attributeString(root, 'configForSplit', '') : undefined;
      const info = classifySplit(file, split, forSplit);
      const ev = collectAndroidEvidence(apk, wanted, undefined, apis);
      // `classes.dex` → `base.apk!classes.dex`; a warning without an entry is about the split itself
      mapProvenance(ev, (entry) => `${file}!${entry}`, (entry) => (entry === undefined ? file : `${file}!${entry}`));
      parts.push({ info, ev });
    } catch (e) {
      warnings.push(entryFailure(file, e));
    } finally {
      apk?.close?.();
    }
  }
  if (apks.length) return;
  // no APK at this level: look one archive deeper (a zip holding an .apks, an .apk in a .zip)
  for (const entry of nestedContainers(view)) {
    const file = prefix + entry;
    let inner: OpenableView | undefined;
    try {
      if (depth + 1 > (view.limits?.maxNesting ?? 3)) throw new TrackscanError('ARCHIVE_LIMIT', `archives nested deeper than ${view.limits?.maxNesting ?? 3} levels`, { file });
      inner = openApk(view, entry);
      warnings.push(...anomalyWarnings(file, inner.anomalies));
      gather(inner, `${file}!`, depth + 1, parts, warnings, wanted, apis);
    } catch (e) {
      warnings.push(entryFailure(file, e));
    } finally {
      inner?.close?.();
    }
  }
}

/** Opens an APK (or a nested archive) of a zip or a folder. */
function openApk(view: OpenableView, entry: string): OpenableView {
  if (view.openNested) return view.openNested(entry);
  // a folder: its name is its root; its entries never follow symbolic links
  return ZipArchive.openFile(path.join(view.name, entry), view.limits ?? {});
}

// ---- merging -------------------------------------------------------------------------------------

/**
 * Merges the Evidence of each split (base first) into one. Declarations are kept once (first split
 * wins: the base's), code and files are united; `files` keeps the paths inside the APKs, as for a
 * single APK, so file signatures match the same way.
 */
export function mergeSplitEvidence(parts: Evidence[]): Evidence {
  const out = emptyAndroidEvidence();
  const first = parts[0];
  out.identity = { ...first.identity };
  if (first.signing) out.signing = first.signing;
  const oa = out.android!;
  const seen = new Set<string>();
  const once = (key: string) => (seen.has(key) ? false : (seen.add(key), true));
  const libs = new Map<string, (typeof oa.nativeLibraries)[number]>();
  const hosts = new Map<string, Evidence['domains'][number]>();
  const crossRefs = new Map<string, CodeReferenceEvidence>();
  const files = new Set<string>();
  for (const ev of parts) {
    for (const x of ev.permissions) if (once(`perm\0${x.element}\0${x.name}`)) out.permissions.push(x);
    for (const [k, v] of ev.code.defined) if (!out.code.defined.has(k)) out.code.defined.set(k, v);
    for (const [k, v] of ev.code.referenced) if (!out.code.referenced.has(k)) out.code.referenced.set(k, v);
    out.code.binaries += ev.code.binaries;
    if (ev.code.apiUse) (out.code.apiUse ??= []).push(...ev.code.apiUse);
    for (const r of ev.code.crossRefs ?? []) {
      const key = `${r.from}\0${r.to}`;
      const known = crossRefs.get(key);
      if (known) known.count += r.count;
      else crossRefs.set(key, { ...r });
    }
    if (ev.code.walk) {
      const w = (out.code.walk ??= { methods: 0, instructions: 0, units: 0, incomplete: 0, ms: 0 });
      w.methods += ev.code.walk.methods;
      w.instructions += ev.code.walk.instructions;
      w.units += ev.code.walk.units;
      w.incomplete += ev.code.walk.incomplete;
      w.ms = Math.round((w.ms + ev.code.walk.ms) * 10) / 10;
    }
    for (const [k, v] of ev.stringHits) out.stringHits.set(k, [...(out.stringHits.get(k) ?? []), ...v]);
    for (const d of ev.domains) if (!hosts.has(d.host)) hosts.set(d.host, d);
    for (const f of ev.files) files.add(f);
    out.warnings.push(...ev.warnings);
    const a = ev.android;
    if (!a) continue;
    for (const x of a.declaredPermissions) if (once(`decl\0${x.name}`)) oa.declaredPermissions.push(x);
    for (const x of a.components) if (once(`comp\0${x.kind}\0${x.name}`)) oa.components.push(x);
    for (const x of a.metaData) if (once(`meta\0${x.parent}\0${x.name}`)) oa.metaData.push(x);
    for (const x of a.versionFiles) if (once(`ver\0${x.key}`)) oa.versionFiles.push(x);
    for (const p of a.queries.packages) if (!oa.queries.packages.includes(p)) oa.queries.packages.push(p);
    for (const p of a.queries.providers) if (!oa.queries.providers.includes(p)) oa.queries.providers.push(p);
    oa.queries.intents.push(...a.queries.intents);
    oa.flags = { ...a.flags, ...oa.flags };
    if (a.embeddedCode) (oa.embeddedCode ??= []).push(...a.embeddedCode);
    for (const l of a.nativeLibraries) {
      const known = libs.get(l.name);
      if (!known) libs.set(l.name, { ...l, abis: [...l.abis] });
      else for (const abi of l.abis) if (!known.abis.includes(abi)) known.abis.push(abi);
    }
  }
  // identity: the base's; gaps filled from the others (a set without its base)
  for (const ev of parts.slice(1)) {
    if (!out.identity.id && ev.identity.id) out.identity = { ...ev.identity };
  }
  for (const name of out.code.defined.keys()) out.code.referenced.delete(name);
  if (out.code.apiUse) out.code.apiUse.sort((a, b) => cmp(a.api, b.api) || cmp(a.caller, b.caller));
  if (crossRefs.size) out.code.crossRefs = [...crossRefs.values()].sort((a, b) => cmp(a.to, b.to) || cmp(a.from, b.from));
  out.domains = [...hosts.values()].sort((a, b) => cmp(a.host, b.host));
  out.files = [...files].sort(cmp);
  oa.versionFiles.sort((x, y) => cmp(x.key, y.key));
  oa.nativeLibraries = [...libs.values()].sort((x, y) => cmp(x.name, y.name));
  for (const l of oa.nativeLibraries) l.abis.sort(cmp);
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
