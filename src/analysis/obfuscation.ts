/**
 * Obfuscation and packers (issue 6): how much of the code is renamed, and whether a packer or
 * protector hides it. When code is hidden, "no trackers found" does not mean "no trackers": the
 * report says so and points at the evidence renaming cannot touch (manifest components and
 * meta-data, native libraries, version files, assets, host names).
 *
 * The measure is plain: a class whose simple name (without `$Inner`) has one or two characters
 * is short-named, as R8/ProGuard and DexGuard name them (`a`, `b`, `aa`); a package whose every
 * segment is one or two characters (`a.b`, `o`) is renamed. Packers come from
 * signatures/packers.json (native stub libraries, payload files, stub classes).
 */
import type { Evidence } from '../evidence/types.js';
import type { PackerData } from '../signatures/attribution-data.js';

export interface PackerFinding {
  id: string;
  name: string;
  vendor: string;
  kind: 'packer' | 'protector';
  /** what matched: native library names, files, classes */
  found: string[];
  source: string;
}

export interface ObfuscationReport {
  /** none < 10 % short-named classes; some < 40 %; heavy otherwise (and with a packer: hidden) */
  level: 'none' | 'some' | 'heavy' | 'hidden';
  classes: number;
  shortNamedClasses: number;
  /** shortNamedClasses / classes, 3 decimals */
  shortNamedShare: number;
  /** classes in renamed packages (every segment 1–2 characters, or the default package) */
  classesInRenamedPackages: number;
  /** packages with the most short-named classes (up to 5): name, classes, short-named */
  packages: { name: string; classes: number; shortNamed: number }[];
  packers: PackerFinding[];
  /**
   * Entries holding DEX code Android does not load by itself (the app can load it at run time): a
   * raw DEX file or an archive with classes*.dex. Their classes were read and count as evidence.
   */
  embeddedCode?: EmbeddedCodeFinding[];
  /** set when code is hidden, heavily renamed, or embedded in other entries */
  note?: string;
}

export interface EmbeddedCodeFinding {
  /** the entry: `assets/plugin.apk`, `assets/payload.bin`, `base.apk!assets/a.zip!b.apk` */
  entry: string;
  /** `dex`: the entry is a DEX file; `zip`: an APK, JAR or zip holding classes*.dex */
  format: 'dex' | 'zip';
  /** the DEX files read, as evidence names them (`assets/plugin.apk!classes.dex`) */
  dexFiles: string[];
  /** distinct classes defined in them */
  classes: number;
}

const TOP_PACKAGES = 5;

function isShort(s: string): boolean {
  return s.length > 0 && s.length <= 2;
}

export class ObfuscationAnalyzer {
  constructor(private readonly data: PackerData) {}

  /** Android only for now (iOS: FairPlay encryption is reported by the macho collector). */
  analyze(ev: Evidence): ObfuscationReport | undefined {
    if (ev.platform !== 'android') return undefined;
    const packages = new Map<string, { classes: number; shortNamed: number }>();
    let total = 0;
    let short = 0;
    let renamed = 0;
    if (ev.platform === 'android') {
      for (const name of ev.code.defined.keys()) {
        total++;
        const dot = name.lastIndexOf('.');
        const pkg = dot < 0 ? '' : name.slice(0, dot);
        let simple = dot < 0 ? name : name.slice(dot + 1);
        const dollar = simple.indexOf('$');
        if (dollar > 0) simple = simple.slice(0, dollar);
        const s = isShort(simple);
        if (s) short++;
        if (pkg === '' || pkg.split('.').every(isShort)) renamed++;
        let p = packages.get(pkg);
        if (!p) packages.set(pkg, (p = { classes: 0, shortNamed: 0 }));
        p.classes++;
        if (s) p.shortNamed++;
      }
    }
    const packers = this.packers(ev);
    const share = total ? Math.round((short / total) * 1000) / 1000 : 0;
    let level: ObfuscationReport['level'] = share >= 0.4 ? 'heavy' : share >= 0.1 ? 'some' : 'none';
    if (packers.length) level = 'hidden';
    if (ev.platform === 'android' && total === 0 && ev.code.binaries === 0 && packers.length === 0) level = 'hidden';
    const top = [...packages]
      .filter(([, p]) => p.shortNamed > 0)
      .sort((a, b) => b[1].shortNamed - a[1].shortNamed || (a[0] < b[0] ? -1 : 1))
      .slice(0, TOP_PACKAGES)
      .map(([name, p]) => ({ name: name || '(default package)', ...p }));
    const out: ObfuscationReport = {
      level,
      classes: total,
      shortNamedClasses: short,
      shortNamedShare: share,
      classesInRenamedPackages: renamed,
      packages: top,
      packers,
    };
    if (level === 'hidden' || level === 'heavy') {
      const why = packers.length ? `the code is packed or protected (${packers.map((p) => p.name).join(', ')})` : level === 'hidden' ? 'the app holds no readable code' : `${Math.round(share * 100)} % of the classes have renamed (1–2 character) names`;
      out.note = `${why}: no trackers found does not mean no trackers. Findings rest on what renaming cannot change: manifest components and meta-data, native libraries, version files, assets and host names.`;
    }
    const embedded = (ev.android?.embeddedCode ?? []).map(
      (x): EmbeddedCodeFinding => ({
        entry: x.provenance.entry,
        format: x.format,
        dexFiles: x.format === 'dex' ? [x.provenance.entry] : x.dexFiles.map((d) => `${x.provenance.entry}!${d}`),
        classes: x.classes,
      }),
    );
    if (embedded.length) {
      out.embeddedCode = embedded;
      const where = embedded.map((x) => `${x.entry} (${x.format === 'dex' ? 'a DEX file' : count(x.dexFiles.length, 'DEX file', 'DEX files')}, ${count(x.classes, 'class', 'classes')})`);
      const sentence = `code hidden in ${listing(where)}, outside the classes*.dex Android loads: the app can load it at run time (DexClassLoader, a plugin framework, a packer) or install it as another app. It was scanned like the app's own code, and what it holds is reported with the entry it was found in.`;
      out.note = out.note ? `${out.note} Also, ${sentence}` : sentence;
    }
    return out;
  }

  private packers(ev: Evidence): PackerFinding[] {
    if (ev.platform !== 'android') return [];
    const libs = new Set((ev.android?.nativeLibraries ?? []).map((l) => l.name));
    const files = new Set(ev.files);
    const out: PackerFinding[] = [];
    for (const p of this.data.packers) {
      const found = [
        ...(p.nativeLibraries ?? []).filter((l) => libs.has(l)).map((l) => `native library ${l}`),
        ...(p.files ?? []).filter((f) => files.has(f)).map((f) => `file ${f}`),
        ...(p.classes ?? []).filter((c) => ev.code.defined.has(c) || ev.android?.components.some((x) => x.name === c)).map((c) => `class ${c}`),
      ];
      if (found.length) out.push({ id: p.id, name: p.name, vendor: p.vendor, kind: p.kind, found, source: p.source });
    }
    return out;
  }
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function listing(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
