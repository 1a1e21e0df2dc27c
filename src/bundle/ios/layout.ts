/**
 * Where things are in an iOS app: the `.app` folder inside an IPA (`Payload/X.app/`), a zipped
 * `.app` (simulator builds), or an `.app` folder; and the bundles nested in it (frameworks, app
 * extensions, watch apps, resource bundles) with their privacy manifests. Pure: works on entry
 * names only.
 */
import type { BundleEntry } from '../view.js';

export interface AppLayout {
  /** path prefix of the app folder inside the input, ending in `/` (empty for an `.app` folder) */
  root: string;
  /** other `.app` folders at the same level (an IPA should hold one) */
  otherApps: string[];
  bundles: NestedBundle[];
  /** every PrivacyInfo.xcprivacy under the app */
  privacyManifests: string[];
}

export interface NestedBundle {
  /** folder path without trailing `/` */
  path: string;
  kind: 'app' | 'framework' | 'extension' | 'bundle';
  /** folder name without extension */
  name: string;
}

const APP_INFO = [/^Payload\/([^/]+\.app)\/Info\.plist$/, /^([^/]+\.app)\/Info\.plist$/, /^[^/]+\/([^/]+\.app)\/Info\.plist$/];

/** Finds the app in a list of entries; undefined when there is none (not an iOS bundle). */
export function findApp(entries: readonly BundleEntry[]): AppLayout | undefined {
  let root: string | undefined;
  const others: string[] = [];
  if (entries.some((e) => e.name === 'Info.plist')) {
    // an .app folder given directly: Info.plist at the top
    root = '';
  } else {
    for (const re of APP_INFO) {
      const hits = entries
        .map((e) => re.exec(e.name))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => m[0].slice(0, -'Info.plist'.length))
        .sort();
      if (hits.length) {
        root = hits[0];
        others.push(...hits.slice(1));
        break;
      }
    }
  }
  if (root === undefined) return undefined;

  const dirs = new Map<string, NestedBundle>();
  const privacyManifests: string[] = [];
  for (const e of entries) {
    if (!e.name.startsWith(root) || e.isDirectory) continue;
    const rel = e.name.slice(root.length);
    const parts = rel.split('/');
    for (let i = 0; i < parts.length - 1; i++) {
      const m = /^(.+)\.(framework|appex|bundle|app)$/.exec(parts[i]);
      if (!m) continue;
      const path = root + parts.slice(0, i + 1).join('/');
      if (!dirs.has(path)) {
        const kind = m[2] === 'framework' ? 'framework' : m[2] === 'appex' || m[2] === 'app' ? 'extension' : 'bundle';
        dirs.set(path, { path, kind, name: m[1] });
      }
    }
    if (parts[parts.length - 1] === 'PrivacyInfo.xcprivacy') privacyManifests.push(e.name);
  }
  const app: NestedBundle = { path: root.replace(/\/$/, ''), kind: 'app', name: root === '' ? '' : root.replace(/\/$/, '').split('/').pop()!.replace(/\.app$/, '') };
  const bundles = [app, ...[...dirs.values()].sort((a, b) => (a.path < b.path ? -1 : 1))];
  return { root, otherApps: others, bundles, privacyManifests: privacyManifests.sort() };
}

/** The innermost bundle holding an entry path. */
export function owningBundle(bundles: readonly NestedBundle[], entry: string): NestedBundle {
  let best = bundles[0];
  for (const b of bundles) {
    const prefix = b.path === '' ? '' : b.path + '/';
    if (entry.startsWith(prefix) && prefix.length >= (best.path === '' ? 0 : best.path.length + 1)) best = b;
  }
  return best;
}

/** `Foo` from a linked install name such as `@rpath/Foo.framework/Foo` or `/System/Library/Frameworks/Foo.framework/Foo`. */
export function frameworkOfInstallName(name: string): string | undefined {
  const m = /(?:^|\/)([^/]+)\.framework\//.exec(name);
  return m?.[1];
}

/** True for an install name of a system library or framework (not shipped in the app). */
export function isSystemInstallName(name: string): boolean {
  return name.startsWith('/System/') || name.startsWith('/usr/lib/');
}
