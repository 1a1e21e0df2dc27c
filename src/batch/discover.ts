/**
 * Which files a batch scans. Files named on the command line or in `--list` are always inputs
 * (a missing or damaged one becomes an error record). Inside a directory, walked recursively in
 * sorted order, a file is an input when its name has a bundle extension or when its content is a
 * bundle: zip magic, and inside it an `AndroidManifest.xml`, a `Payload/<name>.app/` folder, an
 * app bundle's `base/manifest/AndroidManifest.xml`, or the `.apk` entries of a split set. Other
 * files (crawl metadata, logs, our own outputs) are skipped and counted.
 */
import { closeSync, openSync, readSync, readFileSync, realpathSync, statSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { ZipArchive } from '../archive/zip.js';

export const BUNDLE_EXTENSIONS: readonly string[] = ['.apk', '.apks', '.xapk', '.apkm', '.aab', '.ipa'];

export interface Discovery {
  /** inputs in a stable order: command-line order, each directory's files sorted by name */
  files: string[];
  /** files inside directories that are not bundles */
  skipped: string[];
}

/** Reads a `--list` file: one path per line; blank lines and `#` comments ignored. */
export function readListFile(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function discover(inputs: string[]): Discovery {
  const files: string[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const visitedDirs = new Set<string>();
  const add = (p: string) => {
    const key = path.resolve(p);
    if (seen.has(key)) return;
    seen.add(key);
    files.push(p);
  };
  const walk = (dir: string) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (visitedDirs.has(real)) return; // symlink loop
    visitedDirs.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      add(dir); // unreadable directory: reported as an error record by the scan
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = statSync(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // dangling link
        }
      }
      if (isDir) walk(p);
      else if (isFile) {
        if (hasBundleExtension(p) || looksLikeBundle(p)) add(p);
        else skipped.push(p);
      }
    }
  };
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch {
      add(input); // missing: an error record names it
      continue;
    }
    if (st.isDirectory()) walk(input);
    else add(input);
  }
  return { files, skipped };
}

export function hasBundleExtension(p: string): boolean {
  return BUNDLE_EXTENSIONS.includes(path.extname(p).toLowerCase());
}

/** Zip magic, then the central directory: does it hold what an app bundle holds? */
export function looksLikeBundle(p: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    const head = Buffer.alloc(4);
    if (readSync(fd, head, 0, 4, 0) < 4 || !ZipArchive.looksLikeZip(head)) return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  let zip: ZipArchive | undefined;
  try {
    zip = ZipArchive.openFile(p);
    return isBundleEntryList(zip.list());
  } catch {
    return false; // a damaged zip without a bundle extension is not taken for an app
  } finally {
    zip?.close();
  }
}

export function isBundleEntryList(names: readonly string[]): boolean {
  let apks = 0;
  for (const n of names) {
    if (n === 'AndroidManifest.xml' || n === 'base/manifest/AndroidManifest.xml') return true;
    if (/^Payload\/[^/]+\.app\//.test(n)) return true;
    if ((!n.includes('/') || /^splits\/[^/]+$/.test(n)) && n.toLowerCase().endsWith('.apk')) apks++;
  }
  // split sets (.apks, .xapk, .apkm): APKs at the root plus the packager's index
  return apks > 0 && names.some((n) => n === 'toc.pb' || n === 'manifest.json' || n === 'info.json' || n === 'base.apk');
}
