/**
 * Code hidden inside an APK: DEX files that Android does not load by itself because they are not
 * the APK's own `classes*.dex`, shipped as other entries and loaded at run time by the app
 * (DexClassLoader, a plugin framework, a packer's stub): a raw DEX under any name
 * (`assets/payload.bin`), or an archive holding `classes*.dex` (`assets/plugin.apk`, a `.jar`, a
 * `res/raw/x.png` that is really a zip). Which entries are code is decided by content, never by
 * name: the DEX magic `dex\n` <https://source.android.com/docs/core/runtime/dex-format#dex-file-magic>
 * or a zip local file header (APPNOTE 4.3.7) whose central directory lists `classes*.dex`.
 *
 * Cost. Every entry outside the usual suspects (`classes*.dex`, `META-INF/`, `lib/`, the manifest,
 * `resources.arsc`) is sniffed, and a sniff reads only the entry's first bytes: the zip reader
 * inflates whole entries only, so the sniff reads the local header and a few compressed bytes
 * raw (`ZipArchive.readRaw`), and for a deflated entry inflates at most SNIFF_INPUT of them
 * with Z_SYNC_FLUSH (zlib stops where the input stops: at most ~1032 bytes out per byte in,
 * counted against the sniff budget). A stored entry costs two small positioned reads. Only an
 * entry that starts as a zip is opened whole (it must be: a zip's directory is at its end), through
 * `ZipArchive.openNested`, which shares the bundle's inflation budget and nesting limit, as split
 * sets do; a big one is not opened, with a warning.
 *
 * Bounds (EmbeddedLimits): nesting depth, archives opened, their total size, code containers,
 * DEX files, entries sniffed and bytes inflated by sniffing. A limit of the zip reader
 * (ARCHIVE_LIMIT: a bomb) stops the search with a warning instead of failing the bundle: the rest
 * of the app's report stands, and the warning names the entry.
 */
import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import { inflatePrefix } from '../../archive/inflate-prefix.js';
import { LOCAL_FILE_HEADER_SIGNATURE, LOCAL_FILE_HEADER_SIZE, METHOD_DEFLATED, METHOD_STORED, ZipArchive, type ZipEntry } from '../../archive/zip.js';
import { TrackscanError } from '../../errors.js';
import type { EmbeddedCodeEvidence, Warning } from '../../evidence/types.js';
import { anomalyWarnings, entryFailure } from '../../evidence/warnings.js';
import type { BundleView } from '../view.js';
import { dexEntryNames } from './entries.js';

/** `dex\n` (DEX_FILE_MAGIC, the version digits and a NUL follow) */
const DEX_FILE_MAGIC = [0x64, 0x65, 0x78, 0x0a];
/** header_item size: nothing shorter is a DEX file, and no zip holding one is this short */
const DEX_HEADER_SIZE = 0x70;
/** bytes looked at to tell a DEX or a zip */
const SNIFF_BYTES = 8;
/** compressed bytes inflated per sniff attempt (a dynamic Huffman header can exceed the first) */
const SNIFF_INPUT = [128, 4096];
/** extra-field bytes of a local header read along with it (aligned APKs pad to 4 or 4096 bytes) */
const LOCAL_EXTRA_GUESS = 32;
/** Entries that are never hidden code, or are read elsewhere. */
const USUAL_SUSPECTS = /^(?:classes\d*\.dex|AndroidManifest\.xml|resources\.arsc)$|^(?:META-INF|lib)\//;

export interface EmbeddedLimits {
  /** archive levels searched: 1 = entries of the APK, 2 = also entries of an archive in it */
  maxDepth: number;
  /** archives (entries starting as a zip) opened to look for classes*.dex */
  maxArchives: number;
  /** largest archive entry opened (declared size) */
  maxArchiveBytes: number;
  /** total declared size of the archives opened */
  maxArchiveTotal: number;
  /** entries holding code (a DEX file, or an archive with classes*.dex) */
  maxContainers: number;
  /** embedded DEX files read */
  maxDexFiles: number;
  /** entries sniffed */
  maxSniffed: number;
  /** bytes inflated by sniffs */
  maxSniffInflated: number;
}

export const DEFAULT_EMBEDDED_LIMITS: EmbeddedLimits = {
  maxDepth: 2,
  maxArchives: 32,
  maxArchiveBytes: 256 * 1024 * 1024,
  maxArchiveTotal: 1024 * 1024 * 1024,
  maxContainers: 16,
  maxDexFiles: 64,
  maxSniffed: 200_000,
  maxSniffInflated: 256 * 1024 * 1024,
};

export interface EmbeddedCodeVisitor {
  /** reads one embedded DEX file (`entry` as provenance names it); returns the class descriptors it defines */
  dex(entry: string, bytes: Uint8Array): readonly string[];
  warn(w: Warning): void;
}

interface SearchState {
  limits: EmbeddedLimits;
  visit: EmbeddedCodeVisitor;
  out: EmbeddedCodeEvidence[];
  sniffed: number;
  sniffInflated: number;
  archives: number;
  archiveBytes: number;
  dexFiles: number;
  stopped: boolean;
}

/**
 * Finds the code hidden in a zip bundle's entries and hands each DEX file to `visit.dex`, in
 * entry-name order (depth first: an archive, then what it holds). Returns one record per entry
 * holding code. Views other than a zip (an unpacked folder) are not searched.
 */
export function findEmbeddedCode(view: BundleView, visit: EmbeddedCodeVisitor, limits: EmbeddedLimits = DEFAULT_EMBEDDED_LIMITS): EmbeddedCodeEvidence[] {
  if (!(view instanceof ZipArchive)) return [];
  const st: SearchState = { limits, visit, out: [], sniffed: 0, sniffInflated: 0, archives: 0, archiveBytes: 0, dexFiles: 0, stopped: false };
  try {
    search(view, '', 1, st);
  } catch (e) {
    if (!(e instanceof TrackscanError && e.code === 'ARCHIVE_LIMIT')) throw e;
    const entry = stripBundle(e.file, view.name);
    visit.warn({ code: 'embedded-code-limit', message: `the search for hidden code stopped at a limit: ${e.message}`, ...(entry ? { entry } : {}) });
  }
  return st.out;
}

/** `bundle.apk!assets/x.zip!y.apk` → `assets/x.zip!y.apk` (errors name the file; provenance the entry) */
function stripBundle(file: string | undefined, bundle: string): string | undefined {
  return file?.startsWith(`${bundle}!`) ? file.slice(bundle.length + 1) : file;
}

function search(zip: ZipArchive, prefix: string, depth: number, st: SearchState): boolean {
  let found = false;
  for (const e of candidates(zip)) {
    if (st.stopped) break;
    if (st.sniffed >= st.limits.maxSniffed || st.sniffInflated >= st.limits.maxSniffInflated) {
      stop(st, 'embedded-code-search-stopped', `more than ${st.limits.maxSniffed} entries or ${st.limits.maxSniffInflated} sniffed bytes: the search for hidden code stopped here; later entries were not looked at`, prefix + e.name);
      break;
    }
    st.sniffed++;
    const head = sniff(zip, e, st);
    if (!head) continue;
    const dex = isDex(head);
    if (!dex && !ZipArchive.looksLikeZip(head)) continue;
    const label = prefix + e.name;
    if (depth > st.limits.maxDepth) {
      st.visit.warn({ code: 'embedded-code-too-deep', message: `${label} holds ${dex ? 'a DEX file' : 'an archive'} nested deeper than ${st.limits.maxDepth} levels inside the APK; not read`, entry: label });
      continue;
    }
    if (dex) found = rawDex(zip, e, label, st) || found;
    else found = archive(zip, e, label, depth, st) || found;
  }
  return found;
}

/** Non-directory entries outside the usual suspects, long enough to hold a DEX, first of each name, by name. */
function candidates(zip: ZipArchive): ZipEntry[] {
  return zip.entries
    .filter((e) => !e.isDirectory && !USUAL_SUSPECTS.test(e.name) && Math.max(e.size, e.compressedSize) >= DEX_HEADER_SIZE && zip.get(e.name) === e)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isDex(head: Uint8Array): boolean {
  return head.length >= DEX_FILE_MAGIC.length && DEX_FILE_MAGIC.every((b, i) => head[i] === b);
}

/**
 * The first SNIFF_BYTES of an entry without inflating it whole, or undefined when they cannot be
 * read (the entry's own read would fail too, and nothing here reads it then).
 */
function sniff(zip: ZipArchive, e: ZipEntry, st: SearchState): Uint8Array | undefined {
  try {
    // one read for the local header and the first compressed bytes, when the extra field is short
    const guess = Math.min(LOCAL_FILE_HEADER_SIZE + Buffer.byteLength(e.name) + LOCAL_EXTRA_GUESS + SNIFF_INPUT[0], zip.size - e.localHeaderOffset);
    const local = zip.readRaw(e.localHeaderOffset, guess);
    const lv = new DataView(local.buffer, local.byteOffset, local.byteLength);
    if (local.length < LOCAL_FILE_HEADER_SIZE || lv.getUint32(0, true) !== LOCAL_FILE_HEADER_SIGNATURE) return undefined;
    const dataStart = LOCAL_FILE_HEADER_SIZE + lv.getUint16(26, true) + lv.getUint16(28, true);
    const dataOffset = e.localHeaderOffset + dataStart;
    const available = Math.min(e.compressedSize, zip.size - dataOffset);
    if (available <= 0) return undefined;
    const data = (n: number): Uint8Array => (dataStart + n <= local.length ? local.subarray(dataStart, dataStart + n) : zip.readRaw(dataOffset, n));
    // methods other than stored and deflated are read as the zip reader reads them (see inflateEntry)
    const stored = e.method === METHOD_STORED || (e.method !== METHOD_DEFLATED && e.compressedSize === e.size);
    if (stored) return data(Math.min(SNIFF_BYTES, available));
    for (const n of SNIFF_INPUT) {
      const input = data(Math.min(n, available));
      // the literals that start the data, read without zlib (a zlib stream per entry cost ~100 ms
      // on an APK of 6,000 entries); zlib when they cannot tell
      const head = inflatePrefix(input, SNIFF_BYTES);
      if (head && (head.length >= SNIFF_BYTES || input.length === available)) return head;
      const out = inflateRawSync(input, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      st.sniffInflated += out.length;
      if (out.length >= SNIFF_BYTES || input.length === available) return out.subarray(0, SNIFF_BYTES);
    }
  } catch {
    // corrupt deflate data or a header outside the file: not code we could read
  }
  return undefined;
}

/** An entry that is itself a DEX file. */
function rawDex(zip: ZipArchive, e: ZipEntry, label: string, st: SearchState): boolean {
  if (!room(st, label)) return false;
  let bytes: Uint8Array;
  try {
    bytes = zip.read(e);
  } catch (err) {
    st.visit.warn(entryFailure(label, err));
    return false;
  }
  st.dexFiles++;
  const classes = new Set(st.visit.dex(label, bytes));
  st.out.push({ format: 'dex', dexFiles: [], classes: classes.size, provenance: { entry: label, collector: 'dex' } });
  return true;
}

/** An entry that starts as a zip: opened, its classes*.dex read, and (depth allowing) its own entries searched. */
function archive(zip: ZipArchive, e: ZipEntry, label: string, depth: number, st: SearchState): boolean {
  const size = Math.max(e.size, e.compressedSize);
  if (size > st.limits.maxArchiveBytes || st.archiveBytes + size > st.limits.maxArchiveTotal) {
    st.visit.warn({ code: 'embedded-code-not-searched', message: `${label} is an archive of ${size} bytes, too large to search for hidden code (limit ${st.limits.maxArchiveBytes} bytes per archive, ${st.limits.maxArchiveTotal} in all)`, entry: label });
    return false;
  }
  if (st.archives >= st.limits.maxArchives) {
    stop(st, 'embedded-code-search-stopped', `more than ${st.limits.maxArchives} archives inside the APK: the search for hidden code stopped here`, label);
    return false;
  }
  st.archives++;
  st.archiveBytes += size;
  let inner: ZipArchive;
  try {
    inner = zip.openNested(e);
  } catch (err) {
    if (err instanceof TrackscanError && err.code === 'ARCHIVE_INVALID') {
      // starts like a zip, is not one Android could open either
      st.visit.warn({ code: 'embedded-archive-unreadable', message: `${label} starts as a zip archive but cannot be read as one (${err.message}); it was not searched for hidden code`, entry: label });
      return false;
    }
    st.visit.warn(entryFailure(label, err)); // a limit (a bomb) goes up and stops the search
    return false;
  }
  try {
    let found = false;
    const { names, warnings } = dexEntryNames(inner);
    if (names.length && room(st, label)) {
      found = true;
      for (const w of warnings) st.visit.warn({ ...w, entry: `${label}!${w.entry}` });
      const record: EmbeddedCodeEvidence = { format: 'zip', dexFiles: [], classes: 0, provenance: { entry: label, collector: 'dex' } };
      st.out.push(record);
      const classes = new Set<string>();
      for (const name of names) {
        const dexLabel = `${label}!${name}`;
        if (st.dexFiles >= st.limits.maxDexFiles) {
          stop(st, 'embedded-code-too-many', `more than ${st.limits.maxDexFiles} embedded DEX files: the rest were not read`, dexLabel);
          break;
        }
        let bytes: Uint8Array;
        try {
          bytes = inner.read(name);
        } catch (err) {
          st.visit.warn(entryFailure(dexLabel, err));
          continue;
        }
        st.dexFiles++;
        record.dexFiles.push(name);
        for (const d of st.visit.dex(dexLabel, bytes)) classes.add(d);
        record.classes = classes.size;
      }
    }
    if (!st.stopped) found = search(inner, `${label}!`, depth + 1, st) || found;
    // the archive's oddities matter when it holds code; a plain asset zip adds nothing to the report
    if (found) for (const w of anomalyWarnings(label, inner.anomalies)) st.visit.warn(w);
    return found;
  } finally {
    inner.close();
  }
}

/** Room for one more container; else a warning, once, and the search stops. */
function room(st: SearchState, label: string): boolean {
  if (st.out.length < st.limits.maxContainers && st.dexFiles < st.limits.maxDexFiles) return true;
  stop(st, 'embedded-code-too-many', `more than ${st.limits.maxContainers} entries holding code or ${st.limits.maxDexFiles} embedded DEX files: the rest were not read`, label);
  return false;
}

function stop(st: SearchState, code: string, message: string, entry: string): void {
  if (!st.stopped) st.visit.warn({ code, message, entry });
  st.stopped = true;
}
