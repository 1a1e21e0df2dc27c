/**
 * iOS SDK archives as inputs, for reviewers vetting an SDK before adding it to an app:
 * - a static library `.a` (an `ar` archive of MH_OBJECT members, thin or fat) or any Mach-O file,
 *   given directly;
 * - a `.framework` (static or dynamic): the folder itself, or a folder/zip holding `X.framework/`;
 *   the binary is Info.plist's CFBundleExecutable, else `X`, else `Versions/A/X`;
 * - an `.xcframework`: the folder itself, or a folder/zip holding `X.xcframework/Info.plist`; one
 *   library per platform (and variant) listed in its `AvailableLibraries` is read, `ios-arm64` first.
 * The result is iOS Evidence as for an app's frameworks: the binary's Objective-C classes, linked
 * libraries, strings and hosts (the IPA collectors' `readBinary`), each framework as a bundle of kind
 * `framework` with its Info.plist's bundle id and version, and its privacy manifest. No app, so no
 * usage descriptions, entitlements or main executable.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import nodePath from 'node:path';
import { TrackscanError } from '../../errors.js';
import type { ApiQuery, DomainEvidence, Evidence } from '../../evidence/types.js';
import { anomalyWarnings, entryFailure } from '../../evidence/warnings.js';
import type { Anomaly } from '../../formats/bytes.js';
import { asString, isDict, parsePlist, type PlistDict } from '../../formats/plist.js';
import type { BundleEntry, BundleView } from '../view.js';
import { emptyIosEvidence, readBinary, readPrivacyManifest, type IosContext } from './collectors.js';
import type { NestedBundle } from './layout.js';

const MAX_HOSTS = 5000;
const AR_MAGIC = '!<arch>\n';
/** MH_MAGIC, MH_MAGIC_64, FAT_MAGIC, FAT_MAGIC_64 in either byte order */
const MACHO_MAGICS = new Set([0xfeedface, 0xcefaedfe, 0xfeedfacf, 0xcffaedfe, 0xcafebabe, 0xbebafeca, 0xcafebabf, 0xbfbafeca]);
const TOP_FRAMEWORK = /^([^/]+)\.framework\//;
const TOP_XCFRAMEWORK_PLIST = /^([^/]+)\.xcframework\/Info\.plist$/;

// ---- recognising the input --------------------------------------------------------------------------

/** A file that is itself a static library (`!<arch>\n`) or a Mach-O/fat binary. */
export function isIosBinaryFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, 8, 0);
    if (n >= 8 && head.toString('latin1') === AR_MAGIC) return true;
    if (n < 8) return false;
    const magic = head.readUInt32BE(0);
    if (!MACHO_MAGICS.has(magic)) return false;
    // CAFEBABE is also a Java class file's magic: a fat header's arch count is small, a class file's version is not
    if (magic === 0xcafebabe || magic === 0xbebafeca) {
      const count = magic === 0xcafebabe ? head.readUInt32BE(4) : head.readUInt32LE(4);
      return count > 0 && count < 45;
    }
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A one-file view of a binary given directly (`libX.a`, a Mach-O). */
export class SingleFileView implements BundleView {
  readonly name: string;
  readonly entries: readonly BundleEntry[];
  readonly anomalies: Anomaly[] = [];
  private readonly entryName: string;

  constructor(private readonly file: string) {
    this.name = file;
    this.entryName = nodePath.basename(file);
    this.entries = [{ name: this.entryName, size: statSync(file).size, isDirectory: false }];
  }
  has(name: string): boolean {
    return name === this.entryName;
  }
  read(name: string): Uint8Array {
    if (name !== this.entryName) throw new TrackscanError('ENTRY_NOT_FOUND', `no file ${JSON.stringify(name)}`, { file: this.name });
    return new Uint8Array(readFileSync(this.file));
  }
  close(): void {}
}

/** A view whose entries appear under `prefix` (a `.framework` folder given directly reads as `X.framework/…`). */
function prefixedView(view: BundleView, prefix: string): BundleView {
  const strip = (n: string) => (n.startsWith(prefix) ? n.slice(prefix.length) : `\0${n}`);
  return {
    name: view.name,
    anomalies: view.anomalies,
    entries: view.entries.map((e) => ({ name: prefix + e.name, size: e.size, isDirectory: e.isDirectory })),
    has: (n) => view.has(strip(n)),
    read: (n) => view.read(strip(n)),
  };
}

function readPlist(view: BundleView, file: string): PlistDict | undefined {
  if (!view.has(file)) return undefined;
  try {
    const v = parsePlist(view.read(file)).value;
    return isDict(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

type Shape = { kind: 'binary' } | { kind: 'framework-folder'; name: string } | { kind: 'xcframework-folder'; name: string } | { kind: 'container' };

function shapeOf(view: BundleView, input: string): Shape | undefined {
  if (view instanceof SingleFileView) return { kind: 'binary' };
  const base = nodePath.basename(input.replace(/[/\\]+$/, ''));
  const ext = /^(.+)\.(framework|xcframework)$/i.exec(base);
  const top = view.has('Info.plist') ? readPlist(view, 'Info.plist') : undefined;
  const type = asString(top?.CFBundlePackageType);
  if (ext?.[2].toLowerCase() === 'xcframework' || type === 'XFWK' || Array.isArray(top?.AvailableLibraries)) {
    return { kind: 'xcframework-folder', name: ext?.[1] ?? base.replace(/\.[^.]+$/, '') };
  }
  if (type === 'FMWK' || ext?.[2].toLowerCase() === 'framework') {
    const name = ext?.[1] ?? asString(top?.CFBundleExecutable) ?? asString(top?.CFBundleName) ?? base.replace(/\.[^.]+$/, '');
    // a framework needs its binary
    if (view.has(name) || view.has(asString(top?.CFBundleExecutable) ?? name) || view.has(`Versions/A/${name}`)) return { kind: 'framework-folder', name };
    return undefined;
  }
  if (top) return undefined; // an app folder
  for (const e of view.entries) {
    if (TOP_XCFRAMEWORK_PLIST.test(e.name)) return { kind: 'container' };
    const m = TOP_FRAMEWORK.exec(e.name);
    if (m && (e.name === `${m[1]}.framework/${m[1]}` || e.name === `${m[1]}.framework/Versions/A/${m[1]}`)) return { kind: 'container' };
  }
  return undefined;
}

/** An iOS SDK archive: a static library or Mach-O file, a `.framework`, an `.xcframework`, or a folder/zip holding them at its top. */
export function isIosSdkArchive(view: BundleView, input: string): boolean {
  return shapeOf(view, input) !== undefined;
}

// ---- finding the binaries ------------------------------------------------------------------------------

interface Library {
  /** the framework folder (`X.framework`, `X.xcframework/ios-arm64/X.framework`), or undefined for a bare library */
  dir?: string;
  name: string;
  binary: string;
  info?: PlistDict;
}

function frameworkAt(view: BundleView, dir: string): Library | undefined {
  const name = nodePath.posix.basename(dir).replace(/\.framework$/, '');
  const info = readPlist(view, `${dir}/Info.plist`) ?? readPlist(view, `${dir}/Resources/Info.plist`) ?? readPlist(view, `${dir}/Versions/A/Resources/Info.plist`);
  const exe = asString(info?.CFBundleExecutable);
  const binary = [exe, name].filter((x): x is string => !!x).flatMap((n) => [`${dir}/${n}`, `${dir}/Versions/A/${n}`]).find((p) => view.has(p));
  return binary ? { dir, name, binary, ...(info ? { info } : {}) } : undefined;
}

/** `ios-arm64` first, then other device slices, then simulators and the rest. */
function libraryRank(lib: PlistDict): number {
  const id = asString(lib.LibraryIdentifier) ?? '';
  if (id === 'ios-arm64') return 0;
  const platform = asString(lib.SupportedPlatform) ?? '';
  const variant = asString(lib.SupportedPlatformVariant);
  if (platform === 'ios' && !variant) return 1;
  if (platform === 'ios') return variant === 'simulator' ? 3 : 4;
  return 5;
}

function xcframeworkLibraries(view: BundleView, dir: string, warn: (message: string) => void): Library[] {
  const info = readPlist(view, `${dir}/Info.plist`);
  const libs = (Array.isArray(info?.AvailableLibraries) ? info.AvailableLibraries : []).filter(isDict);
  const chosen = new Map<string, PlistDict>(); // platform(-variant) → library
  for (const lib of [...libs].sort((a, b) => libraryRank(a) - libraryRank(b))) {
    const platform = `${asString(lib.SupportedPlatform) ?? '?'}${lib.SupportedPlatformVariant ? `-${asString(lib.SupportedPlatformVariant)}` : ''}`;
    if (!chosen.has(platform)) chosen.set(platform, lib);
  }
  const out: Library[] = [];
  for (const lib of chosen.values()) {
    const id = asString(lib.LibraryIdentifier);
    const libPath = asString(lib.LibraryPath);
    if (!id || !libPath) continue;
    const at = `${dir}/${id}/${libPath}`;
    if (libPath.endsWith('.framework')) {
      const fw = frameworkAt(view, at);
      if (fw) out.push(fw);
      else warn(`${at}: no framework binary`);
    } else if (view.has(at)) {
      out.push({ name: libPath.replace(/^lib/, '').replace(/\.(a|dylib)$/, ''), binary: at });
    } else warn(`${at}: listed in ${dir}/Info.plist but missing`);
  }
  if (!out.length) {
    // no readable AvailableLibraries: any framework below the xcframework, ios-arm64 first
    const dirs = [...new Set(view.entries.map((e) => new RegExp(`^${escape(dir)}/([^/]+)/([^/]+\\.framework)/`).exec(e.name)).filter((m): m is RegExpExecArray => !!m).map((m) => `${dir}/${m[1]}/${m[2]}`))];
    dirs.sort((a, b) => Number(!a.includes('/ios-arm64/')) - Number(!b.includes('/ios-arm64/')) || (a < b ? -1 : 1));
    const fw = dirs.map((d) => frameworkAt(view, d)).find((x) => x);
    if (fw) out.push(fw);
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function librariesOf(view: BundleView, warn: (message: string) => void): Library[] {
  const out: Library[] = [];
  const seen = new Set<string>();
  for (const e of view.entries) {
    const xc = TOP_XCFRAMEWORK_PLIST.exec(e.name);
    if (xc && !seen.has(`${xc[1]}.xcframework`)) {
      seen.add(`${xc[1]}.xcframework`);
      out.push(...xcframeworkLibraries(view, `${xc[1]}.xcframework`, warn));
      continue;
    }
    const fw = TOP_FRAMEWORK.exec(e.name);
    if (fw && !seen.has(`${fw[1]}.framework`)) {
      seen.add(`${fw[1]}.framework`);
      const lib = frameworkAt(view, `${fw[1]}.framework`);
      if (lib) out.push(lib);
    }
  }
  return out;
}

// ---- collecting -------------------------------------------------------------------------------------------

/** Reads an iOS SDK archive into iOS Evidence. `input` is the path given (it names a folder given directly). */
export function collectIosSdkArchiveEvidence(view: BundleView, wantedStrings: ReadonlySet<string>, input: string, apis?: ApiQuery): Evidence {
  const shape = shapeOf(view, input);
  if (!shape) throw new TrackscanError('NOT_A_BUNDLE', 'not an iOS static library, framework or xcframework', { file: input });
  const v = shape.kind === 'framework-folder' ? prefixedView(view, `${shape.name}.framework/`) : shape.kind === 'xcframework-folder' ? prefixedView(view, `${shape.name}.xcframework/`) : view;
  const ev = emptyIosEvidence('');
  ev.subject = 'sdk-archive';
  const ios = ev.ios!;
  const warn = (message: string, entry?: string) => ev.warnings.push({ code: 'sdk-archive', message, ...(entry ? { entry } : {}) });
  const libs: Library[] = shape.kind === 'binary' ? [{ name: view.entries[0].name.replace(/^lib/, '').replace(/\.(a|dylib)$/, ''), binary: view.entries[0].name }] : librariesOf(v, warn);
  if (!libs.length) throw new TrackscanError('NOT_A_BUNDLE', 'no framework binary or library found', { file: input });

  const ctx: IosContext = { view: v, layout: { root: '', otherApps: [], bundles: [], privacyManifests: [] }, wantedStrings, plists: new Map(), ...(apis ? { apis } : {}) };
  if (apis) ev.code.apiUse = [];
  const hosts = new Map<string, DomainEvidence>();
  let dropped = 0;
  for (const lib of libs) {
    const bundlePath = lib.dir ?? '';
    if (lib.dir) {
      ios.bundles.push({
        path: lib.dir,
        kind: 'framework',
        name: lib.name,
        ...opt('bundleId', asString(lib.info?.CFBundleIdentifier) || undefined),
        ...opt('version', asString(lib.info?.CFBundleShortVersionString) ?? asString(lib.info?.CFBundleVersion)),
        ...opt('executable', asString(lib.info?.CFBundleExecutable)),
      });
      if (lib.info) ctx.plists.set(lib.dir, lib.info);
      const pm = `${lib.dir}/PrivacyInfo.xcprivacy`;
      if (v.has(pm)) {
        try {
          const p = parsePlist(v.read(pm));
          if (isDict(p.value)) ios.privacyManifests.push(readPrivacyManifest(p.value, pm, lib.dir));
        } catch (e) {
          ev.warnings.push(entryFailure(pm, e));
        }
      }
    }
    const b: NestedBundle = { path: bundlePath, kind: 'framework', name: lib.name };
    try {
      const bin = readBinary(ctx, ev, b, lib.binary, (host, sample) => {
        if (hosts.has(host)) return;
        if (hosts.size >= MAX_HOSTS) dropped++;
        else hosts.set(host, { host, sample, provenance: { entry: lib.binary, collector: 'macho' } });
      });
      ios.binaries.push(bin);
      ev.code.binaries++;
    } catch (e) {
      ev.warnings.push(entryFailure(lib.binary, e));
    }
  }
  for (const name of ev.code.defined.keys()) ev.code.referenced.delete(name);
  ev.domains = [...hosts.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  if (dropped) ev.warnings.push({ code: 'too-many-hosts', message: `${dropped} further host names in code were not recorded (limit ${MAX_HOSTS})` });
  ev.files = v.entries
    .filter((e) => !e.isDirectory)
    .map((e) => e.name)
    .sort();

  // identity: the one framework's bundle id and version, else the input's name
  const first = libs[0];
  const one = libs.length === 1 || libs.every((l) => l.name === first.name);
  const base = nodePath.basename(input.replace(/[/\\]+$/, '')).replace(/\.(a|dylib|framework|xcframework|zip)$/i, '');
  ev.identity = {
    platform: 'ios',
    id: (one && asString(first.info?.CFBundleIdentifier)) || base,
    ...opt('name', one ? first.name : undefined),
    ...opt('versionName', one ? asString(first.info?.CFBundleShortVersionString) : undefined),
    ...opt('build', one ? asString(first.info?.CFBundleVersion) : undefined),
    ...opt('minOS', one ? asString(first.info?.MinimumOSVersion) : undefined),
  };
  if (first.info) ios.infoPlist = `${first.dir}/Info.plist`;
  ev.warnings.unshift(...anomalyWarnings(undefined, view.anomalies));
  return ev;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
