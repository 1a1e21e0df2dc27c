/**
 * The Android collectors, in one registry read top to bottom (STYLE.md §5). Each names the entries
 * it reads and the evidence it produces; `collectAndroidEvidence` runs them in order over a
 * read-only bundle view. A collector that fails on one entry records a warning and the others go on.
 */
import type { ResourceTable } from '../../formats/arsc.js';
import type { AndroidEvidence, ApiQuery, Evidence, NativeLibraryEvidence, Warning } from '../../evidence/types.js';
import { baseEvidence } from '../../evidence/provenance.js';
import { anomalyWarnings, entryFailure, guardEntry } from '../../evidence/warnings.js';
import type { BundleView } from '../view.js';
import { newWalkState } from './code-walk.js';
import { collectDexPart, mergeDexParts, type DexOffloadFactory, type DexPart, type DexPartOptions } from './dex-collect.js';
import { findEmbeddedCode } from './embedded.js';
import { dexEntryNames, readManifest } from './entries.js';
import { readManifestEvidence } from './manifest.js';
import { readSigningEvidence } from './signing.js';

const VERSION_FILE = /^META-INF\/([^/]+)\.version$/;
const NATIVE_LIB = /^lib\/([^/]+)\/([^/]+\.so)$/;

export interface CollectContext {
  view: BundleView;
  /** exact string constants the analysis wants to know about (Graph API scopes, content URIs, …) */
  wantedStrings: ReadonlySet<string>;
  /** decoded resources.arsc, shared by collectors that resolve references */
  resources?: ResourceTable;
  /** sensitive APIs and code groups to record while walking the bytecode; no walk without it */
  apis?: ApiQuery;
  /** a second thread for the DEX files of a large APK (see DexOffloadFactory) */
  offload?: DexOffloadFactory;
}

export interface Collector {
  id: string;
  /** what it reads, for the README and --help */
  reads: string;
  /** what it adds to the Evidence */
  produces: string;
  collect(ctx: CollectContext, ev: Evidence): void;
}

export const ANDROID_COLLECTORS: readonly Collector[] = [
  {
    id: 'manifest',
    reads: 'AndroidManifest.xml, resources.arsc',
    produces: 'identity (package, label, versions, SDK levels), permissions, components, meta-data, queries, application flags',
    collect(ctx, ev) {
      const { manifest: doc, resources, warnings } = readManifest(ctx.view);
      ev.warnings.push(...warnings);
      ctx.resources = resources;
      const m = readManifestEvidence(doc, ctx.resources);
      ev.identity = m.identity;
      ev.permissions = m.permissions;
      const a = android(ev);
      a.declaredPermissions = m.declaredPermissions;
      a.components = m.components;
      a.metaData = m.metaData;
      a.queries = m.queries;
      a.flags = m.flags;
      ev.warnings.push(...m.warnings);
    },
  },
  {
    id: 'signing',
    reads: 'the APK Signing Block (v2/v3/v3.1), META-INF/*.RSA|*.DSA|*.EC (v1)',
    produces: 'signing schemes and certificates (subject, issuer, SHA-256, validity)',
    collect(ctx, ev) {
      const s = readSigningEvidence(ctx.view);
      ev.signing = s.signing;
      ev.warnings.push(...s.warnings);
    },
  },
  {
    id: 'dex',
    reads: 'classes*.dex; code hidden in other entries: a DEX file under any name, an APK/JAR/zip holding classes*.dex (by content, two levels deep)',
    produces:
      'classes defined (strong) and only referenced (weak); hosts in string constants; wanted strings; with an ApiQuery, sensitive API use per calling class and references between SDKs and app code (bytecode walk); the entries holding hidden code',
    collect(ctx, ev) {
      const { names, warnings } = dexEntryNames(ctx.view);
      ev.warnings.push(...warnings);
      const options: DexPartOptions = { wantedStrings: ctx.wantedStrings, ...(ctx.apis ? { walk: newWalkState(ctx.apis, ev.identity.id) } : {}) };
      const sizes = new Map(ctx.view.entries.map((e) => [e.name, e.size]));
      const declared = names.reduce((n, name) => n + (sizes.get(name) ?? 0), 0);
      const offload = names.length > 1 ? ctx.offload?.(declared, ev.identity.id) : undefined;
      // One file in memory at a time on this thread; the offload, when there is one, takes files
      // while its queue is short, and returns their parts at the end.
      const parts: (DexPart | undefined)[] = new Array(names.length);
      // Code hidden in other entries (assets/plugin.apk, a raw DEX under any name), read on this
      // thread while the offload finishes; merged after the app's own files, so a class defined
      // in both keeps its classes*.dex provenance.
      const hidden: DexPart[] = [];
      const hiddenWarnings: Warning[] = [];
      let embedded: ReturnType<typeof findEmbeddedCode> = [];
      try {
        names.forEach((entry, i) => {
          let bytes: Uint8Array;
          try {
            bytes = ctx.view.read(entry);
          } catch (e) {
            parts[i] = { entry, failed: true, defined: [], referenced: [], wanted: [], hosts: [], droppedHosts: 0, warnings: [entryFailure(entry, e)] };
            return;
          }
          if (offload?.wants(bytes.length)) offload.take(i, entry, bytes);
          else parts[i] = collectDexPart(bytes, entry, options);
        });
        embedded = findEmbeddedCode(ctx.view, {
          dex(entry, bytes) {
            const part = collectDexPart(bytes, entry, options);
            hidden.push(part);
            return part.defined;
          },
          warn: (w) => hiddenWarnings.push(w),
        });
        if (offload) {
          for (const [i, part] of offload.finish()) parts[i] = part;
          // a file the offload could not finish (its thread failed) is read here, as it would have been
          names.forEach((entry, i) => void (parts[i] ??= collectDexPart(ctx.view.read(entry), entry, options)));
        }
      } catch (e) {
        offload?.cancel(); // a limit (zip bomb) or a bug ends the scan: the worker stops with it
        throw e;
      }
      mergeDexParts(ev, [...(parts as DexPart[]), ...hidden], options.walk !== undefined);
      ev.warnings.push(...hiddenWarnings);
      if (embedded.length) android(ev).embeddedCode = embedded;
    },
  },
  {
    id: 'files',
    reads: 'META-INF/*.version, lib/<abi>/*.so, the entry list',
    produces: 'library version files, native libraries by ABI, every entry path',
    collect(ctx, ev) {
      const libs = new Map<string, NativeLibraryEvidence>();
      for (const e of ctx.view.entries) {
        if (e.isDirectory) continue;
        ev.files.push(e.name);
        const v = VERSION_FILE.exec(e.name);
        if (v) {
          guardEntry(ev.warnings, e.name, () => {
            const text = new TextDecoder().decode(ctx.view.read(e.name).subarray(0, 256)).trim();
            const key = v[1];
            android(ev).versionFiles.push({ artifact: artifactOf(key), key, version: text, provenance: { entry: e.name, collector: 'files' } });
          });
          continue;
        }
        const lib = NATIVE_LIB.exec(e.name);
        if (lib) {
          const [, abi, name] = lib;
          const known = libs.get(name);
          if (known) {
            if (!known.abis.includes(abi)) known.abis.push(abi);
          } else {
            libs.set(name, { name, abis: [abi], provenance: { entry: e.name, collector: 'files' } });
          }
        }
      }
      ev.files = [...new Set(ev.files)].sort(cmp);
      const a = android(ev);
      a.versionFiles.sort((x, y) => cmp(x.key, y.key));
      a.nativeLibraries = [...libs.values()].sort((x, y) => cmp(x.name, y.name));
      for (const l of a.nativeLibraries) l.abis.sort(cmp);
    },
  },
];

/** Runs every collector over an APK. Throws only when the manifest is missing or unreadable, or a limit is hit. */
export function collectAndroidEvidence(
  view: BundleView,
  wantedStrings: ReadonlySet<string> = new Set(),
  timing?: Record<string, number>,
  apis?: ApiQuery,
  offload?: DexOffloadFactory,
): Evidence {
  const ev = emptyAndroidEvidence();
  const ctx: CollectContext = { view, wantedStrings, ...(apis ? { apis } : {}), ...(offload ? { offload } : {}) };
  for (const c of ANDROID_COLLECTORS) {
    const started = performance.now();
    if (c.id === 'manifest') {
      // Without a readable manifest there is nothing to report on; the error names the entry.
      c.collect(ctx, ev);
    } else {
      guardEntry(ev.warnings, c.id, () => c.collect(ctx, ev));
    }
    if (timing) timing[`collect.${c.id}`] = Math.round((performance.now() - started) * 10) / 10;
  }
  // the archive's anomalies last: reading entries adds to them (encrypted flags, unknown methods, CRC)
  ev.warnings.unshift(...anomalyWarnings(undefined, view.anomalies));
  return ev;
}

export function emptyAndroidEvidence(): Evidence {
  return {
    ...baseEvidence('android'),
    android: {
      declaredPermissions: [],
      components: [],
      metaData: [],
      queries: { packages: [], intents: [], providers: [] },
      flags: {},
      versionFiles: [],
      nativeLibraries: [],
    },
  };
}

function android(ev: Evidence): AndroidEvidence {
  if (!ev.android) throw new Error('Android collector run on non-Android evidence');
  return ev.android;
}

/** `com.google.firebase_firebase-analytics` → `com.google.firebase:firebase-analytics` (first underscore splits group and artifact). */
export function artifactOf(key: string): string {
  const i = key.indexOf('_');
  return i > 0 && key.slice(0, i).includes('.') ? `${key.slice(0, i)}:${key.slice(i + 1)}` : key;
}


function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
