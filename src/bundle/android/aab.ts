/**
 * Android App Bundles (.aab) <https://developer.android.com/guide/app-bundle/app-bundle-format>:
 * `BundleConfig.pb` and one folder per module (`base/`, feature modules), each with
 * `manifest/AndroidManifest.xml` (aapt2 protobuf XmlNode), `dex/classes*.dex`, `lib/<abi>/*.so`,
 * `root/` (files that land at the APK root, e.g. `META-INF/*.version`), `assets/`, `res/` and
 * `resources.pb`. Each module is read like a split APK: its manifest is decoded into the same tree
 * the APK manifest reader takes (src/formats/aapt2.ts), the other entries are seen through an
 * APK-shaped view so the ordinary `dex` and `files` collectors run unchanged; then the modules are
 * merged base first, as a split set is. Provenance keeps the module path (`base/dex/classes.dex`).
 */
import { TrackscanError } from '../../errors.js';
import { parseProtoResources, parseProtoXml, type ProtoResourceTable } from '../../formats/aapt2.js';
import type { ResourceTable } from '../../formats/arsc.js';
import { attributeString } from '../../formats/axml.js';
import type { ApiQuery, Evidence, Warning } from '../../evidence/types.js';
import { mapProvenance } from '../../evidence/provenance.js';
import { anomalyWarnings, entryFailure } from '../../evidence/warnings.js';
import type { BundleEntry, BundleView } from '../view.js';
import { ANDROID_COLLECTORS, emptyAndroidEvidence, type CollectContext } from './collectors.js';
import { MANIFEST_ENTRY } from './entries.js';
import { readManifestEvidence } from './manifest.js';
import { mergeSplitEvidence } from './splits.js';

export const BUNDLE_CONFIG_ENTRY = 'BundleConfig.pb';
export const BASE_MANIFEST_ENTRY = 'base/manifest/AndroidManifest.xml';
const MODULE_MANIFEST = /^([^/]+)\/manifest\/AndroidManifest\.xml$/;
/** module folders whose entries land at the APK root under another name */
const MAPPED_DIRS: readonly [string, string][] = [
  ['dex/', ''],
  ['root/', ''],
  ['lib/', 'lib/'],
  ['assets/', 'assets/'],
  ['res/', 'res/'],
];
const MAX_MODULES = 256;

/** An App Bundle: BundleConfig.pb, or a base module manifest, and no APK manifest at the root. */
export function isAab(view: BundleView): boolean {
  if (view.has(MANIFEST_ENTRY)) return false;
  return view.has(BUNDLE_CONFIG_ENTRY) || view.has(BASE_MANIFEST_ENTRY);
}

export interface AabModule {
  name: string;
  /** the manifest's `split` attribute; absent for the base module */
  split?: string;
}

/**
 * Reads every module of an App Bundle into one Evidence. Throws NOT_A_BUNDLE when no module has a
 * readable manifest; a limit (zip bomb) stops it all.
 */
export function collectAabEvidence(view: BundleView, wantedStrings: ReadonlySet<string> = new Set(), apis?: ApiQuery): Evidence {
  const warnings: Warning[] = [];
  const modules = view.entries
    .map((e) => MODULE_MANIFEST.exec(e.name)?.[1])
    .filter((m): m is string => m !== undefined)
    .sort((a, b) => (a === 'base' ? -1 : b === 'base' ? 1 : cmp(a, b)));
  if (modules.length > MAX_MODULES) {
    warnings.push({ code: 'too-many-modules', message: `more than ${MAX_MODULES} modules; the rest were not read` });
    modules.length = MAX_MODULES;
  }
  const parts: Evidence[] = [];
  for (const m of modules) {
    try {
      parts.push(collectModule(view, m, wantedStrings, apis));
    } catch (e) {
      warnings.push(entryFailure(`${m}/manifest/AndroidManifest.xml`, e));
    }
  }
  if (parts.length === 0) throw new TrackscanError('NOT_A_BUNDLE', 'no readable module manifest in this App Bundle', { file: view.name });
  if (!modules.includes('base')) {
    warnings.push({ code: 'aab-base-missing', message: 'no base module: the app\'s identity, permissions and components come from its base manifest, so this report is incomplete' });
  }
  const evidence = mergeSplitEvidence(parts);
  // the archive's anomalies last: reading entries adds to them
  evidence.warnings.unshift(...anomalyWarnings(undefined, view.anomalies), ...warnings);
  return evidence;
}

function collectModule(view: BundleView, module: string, wantedStrings: ReadonlySet<string>, apis: ApiQuery | undefined): Evidence {
  const manifestEntry = `${module}/manifest/AndroidManifest.xml`;
  const ev = emptyAndroidEvidence();
  const doc = parseProtoXml(view.read(manifestEntry));
  ev.warnings.push(...anomalyWarnings(MANIFEST_ENTRY, doc.anomalies));
  let resources: ProtoResourceTable | undefined;
  const resEntry = `${module}/resources.pb`;
  if (view.has(resEntry)) {
    try {
      resources = parseProtoResources(view.read(resEntry));
      ev.warnings.push(...anomalyWarnings(resEntry, resources.anomalies));
    } catch (e) {
      ev.warnings.push(entryFailure(resEntry, e));
    }
  }
  // ProtoResourceTable has the two lookups the manifest reader uses (resolve, resolveString)
  const m = readManifestEvidence(doc, resources as unknown as ResourceTable | undefined);
  ev.identity = m.identity;
  ev.permissions = m.permissions;
  const a = ev.android!;
  a.declaredPermissions = m.declaredPermissions;
  a.components = m.components;
  a.metaData = m.metaData;
  a.queries = m.queries;
  a.flags = m.flags;
  // a feature module's manifest has `split="…"` and may lack what the base holds
  const split = doc.root ? attributeString(doc.root, 'split', '') : undefined;
  ev.warnings.push(...(split ? m.warnings.filter((w) => w.code !== 'manifest-package-missing') : m.warnings));

  // the module's other entries, as an APK would hold them
  const moduleView = new ModuleView(view, module);
  const ctx: CollectContext = { view: moduleView, wantedStrings, ...(apis ? { apis } : {}) };
  for (const c of ANDROID_COLLECTORS) {
    if (c.id !== 'dex' && c.id !== 'files') continue;
    try {
      c.collect(ctx, ev);
    } catch (e) {
      ev.warnings.push(entryFailure(`${module}/`, e));
    }
  }
  mapProvenance(ev, (entry) => (entry === MANIFEST_ENTRY ? manifestEntry : moduleView.realName(entry) ?? entry));
  return ev;
}

/**
 * A module's entries under the names they have in an APK (`base/dex/classes.dex` →
 * `classes.dex`, `base/root/META-INF/x.version` → `META-INF/x.version`, `base/lib/…` → `lib/…`).
 */
class ModuleView implements BundleView {
  readonly name: string;
  readonly entries: BundleEntry[] = [];
  private readonly toReal = new Map<string, string>();

  constructor(
    private readonly outer: BundleView,
    module: string,
  ) {
    this.name = `${outer.name}!${module}`;
    const prefix = `${module}/`;
    for (const e of outer.entries) {
      if (e.isDirectory || !e.name.startsWith(prefix)) continue;
      const rest = e.name.slice(prefix.length);
      const mapped = MAPPED_DIRS.find(([dir]) => rest.startsWith(dir));
      if (!mapped) continue;
      const apkName = mapped[1] + rest.slice(mapped[0].length);
      if (!apkName || this.toReal.has(apkName)) continue;
      this.toReal.set(apkName, e.name);
      this.entries.push({ name: apkName, size: e.size, isDirectory: false });
    }
  }

  /** the container's: reported once, for the bundle */
  get anomalies(): BundleView['anomalies'] {
    return [];
  }

  has(path: string): boolean {
    return this.toReal.has(path);
  }

  read(path: string): Uint8Array {
    const real = this.toReal.get(path);
    if (real === undefined) throw new TrackscanError('FORMAT_INVALID', `no entry ${path}`, { file: this.name });
    return this.outer.read(real);
  }

  realName(apkName: string): string | undefined {
    return this.toReal.get(apkName);
  }
}


function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
