/**
 * What `npm run fuzz` (and the regression test) feeds mutants to: every format parser with all
 * its accessors, and whole-bundle scans. Seeds come from the committed samples, the real npm APKs
 * when installed, and our writers. An expected failure is a TrackscanError (FormatError and the
 * archive errors are subclasses); anything else thrown is a crash.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttributionAnalyzer } from '../analysis/attribution.js';
import { CapabilityAnalyzer } from '../analysis/capabilities.js';
import { FACEBOOK_GRAPH_PERMISSIONS } from '../analysis/scopes.js';
import { declaredVsDetected } from '../analysis/privacy.js';
import { TrackerMatcher } from '../analysis/trackers.js';
import { ZipArchive } from '../archive/zip.js';
import { newWalkState } from '../bundle/android/code-walk.js';
import { collectAndroidEvidence } from '../bundle/android/collectors.js';
import { collectDexPart } from '../bundle/android/dex-collect.js';
import type { ApiQuery } from '../evidence/types.js';
import { collectIosEvidence } from '../bundle/ios/collectors.js';
import { findApp } from '../bundle/ios/layout.js';
import { TrackscanError } from '../errors.js';
import { parseArsc } from '../formats/arsc.js';
import { parseAxml } from '../formats/axml.js';
import { renderAxmlAsXml } from '../formats/axml-xml.js';
import { parseDex } from '../formats/dex.js';
import { parseMachO } from '../formats/macho.js';
import { parsePkcs7Certificates } from '../formats/pkcs7.js';
import { parsePlist } from '../formats/plist.js';
import { describeCertificate, parseApkSigningBlock } from '../formats/signing.js';
import { loadAttributionData } from '../signatures/attribution-data.js';
import { DEFAULT_SIGNATURES_DIR, loadSignatures } from '../signatures/load.js';
import { buildDex, everyFormatDex, sampleDexInput } from './dex-writer.js';
import { buildArchive, buildFat, buildMachO, buildMachOObject, sampleMachOInput } from './macho-writer.js';
import { writeBinaryPlist, writeXmlPlist } from './plist-writer.js';
import { writeAxml, sampleManifest } from './axml-writer.js';

export interface FuzzTarget {
  name: string;
  /** runs one input; throws only TrackscanError on bad input */
  run(bytes: Uint8Array): void;
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Limits small enough that a mutant cannot make one execution slow. */
const FUZZ_LIMITS = { maxEntrySize: 64 * 1024 * 1024, maxTotalInflated: 256 * 1024 * 1024, maxEntries: 100_000 };

let scanTools: { matcher: TrackerMatcher; capabilities: CapabilityAnalyzer; sdks: ReturnType<typeof loadSignatures>['sdks']; query: ApiQuery } | undefined;
function tools() {
  if (!scanTools) {
    const db = loadSignatures();
    const matcher = new TrackerMatcher(db);
    const attribution = new AttributionAnalyzer(loadAttributionData(DEFAULT_SIGNATURES_DIR, db.permissions), matcher, db.sdks, db.permissions.permissions.map((p) => p.name));
    scanTools = { matcher, capabilities: new CapabilityAnalyzer(db.permissions, db.ios), sdks: db.sdks, query: attribution.query() };
  }
  return scanTools;
}

export const TARGETS: readonly FuzzTarget[] = [
  {
    name: 'zip',
    run(bytes) {
      const z = ZipArchive.fromBytes(bytes, 'fuzz.zip', FUZZ_LIMITS);
      for (const e of z.entries) {
        try {
          z.read(e);
        } catch (err) {
          if (!(err instanceof TrackscanError) || err.code === 'ARCHIVE_LIMIT') throw err;
        }
      }
    },
  },
  {
    name: 'axml',
    run(bytes) {
      const doc = parseAxml(bytes);
      renderAxmlAsXml(doc, (id) => `@${id}`);
    },
  },
  {
    name: 'arsc',
    run(bytes) {
      const t = parseArsc(bytes);
      for (const p of t.packages.slice(0, 4)) {
        for (let i = 0; i < 64; i++) {
          const id = ((p.id & 0xff) << 24) | (((i % 8) + 1) << 16) | i;
          t.resolve(id);
          t.resolveString(id);
          t.entryName(id);
        }
      }
    },
  },
  {
    name: 'dex',
    run(bytes) {
      const d = parseDex(bytes);
      const classes = d.definedClasses();
      d.referencedTypes();
      for (const _ of d.strings());
      for (const _ of d.methodRefs());
      for (const _ of d.fieldRefs());
      for (const c of classes.slice(0, 200)) {
        const data = d.classData(c.index, c.entry);
        for (const m of [...data.directMethods, ...data.virtualMethods].slice(0, 50)) if (m.codeOff) d.codeItem(m.codeOff)?.insns();
      }
    },
  },
  {
    // the DEX collector's whole path: string selection by bytes, the bytecode walk with its
    // pool tables and reference filter, hosts, attribution
    name: 'dex-scan',
    run(bytes) {
      collectDexPart(bytes, 'classes.dex', { wantedStrings: new Set(FACEBOOK_GRAPH_PERMISSIONS), walk: newWalkState(tools().query, 'com.example.app') });
    },
  },
  {
    name: 'macho',
    run(bytes) {
      const m = parseMachO(bytes, { maxStrings: 100_000 });
      for (const s of m.slices.slice(0, 64)) {
        s.objcClassList();
        s.objcClassNames();
        s.objcSelectorNames();
        s.cStrings();
        s.symbols();
        s.codeSignature();
      }
    },
  },
  { name: 'plist', run: (bytes) => void parsePlist(bytes) },
  {
    name: 'pkcs7',
    run(bytes) {
      for (const c of parsePkcs7Certificates(bytes).certificates.slice(0, 8)) describeCertificate(c);
    },
  },
  {
    name: 'signing-block',
    run(bytes) {
      const b = parseApkSigningBlock(bytes);
      for (const signers of [b.schemes.v2, b.schemes.v3, b.schemes.v31]) for (const s of signers ?? []) for (const c of s.certificates.slice(0, 4)) describeCertificate(c);
    },
  },
  {
    name: 'bundle',
    run(bytes) {
      const z = ZipArchive.fromBytes(bytes, 'fuzz-bundle', FUZZ_LIMITS);
      const { matcher, capabilities, sdks } = tools();
      const ev = z.has('AndroidManifest.xml') ? collectAndroidEvidence(z) : findApp(z.entries) ? collectIosEvidence(z) : undefined;
      if (!ev) return;
      const trackers = matcher.match(ev);
      capabilities.analyze(ev);
      declaredVsDetected(ev, trackers, sdks);
    },
  },
];

export function targetByName(name: string): FuzzTarget {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`unknown fuzz target ${name} (known: ${TARGETS.map((x) => x.name).join(', ')})`);
  return t;
}

export function isExpected(e: unknown): boolean {
  return e instanceof TrackscanError;
}

/** Seed inputs per target: samples, real APKs when installed, writer output. Deterministic order. */
export function seedsFor(target: string): Uint8Array[] {
  const bundles = bundleSeeds();
  const entries = (pattern: RegExp): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (const b of bundles) {
      const z = ZipArchive.fromBytes(b.bytes, b.name);
      for (const e of z.entries) if (pattern.test(e.name) && e.size <= 12 * 1024 * 1024) out.push(z.read(e));
    }
    return out;
  };
  switch (target) {
    case 'zip':
    case 'bundle':
      return bundles.filter((b) => target === 'zip' || b.bytes.length < 8 * 1024 * 1024).map((b) => b.bytes);
    case 'axml':
      return [...entries(/^AndroidManifest\.xml$/), writeAxml(sampleManifest())];
    case 'arsc':
      return entries(/^resources\.arsc$/);
    case 'dex':
    case 'dex-scan':
      return [buildDex(everyFormatDex()), buildDex(sampleDexInput(35)), buildDex(sampleDexInput(39)), ...entries(/^classes\d*\.dex$/).filter((d) => d.length < 2 * 1024 * 1024)];
    case 'macho': {
      const thin = buildMachO(sampleMachOInput({ codeSignature: { identifier: 'org.example', teamId: 'ABCDE12345', entitlements: writeXmlPlist({ 'aps-environment': 'production' }) } }));
      const x86 = buildMachO(sampleMachOInput({ arch: 'x86_64', pointerFormat: 'chained-64' }));
      return [thin, buildFat([thin, x86]), buildArchive([{ name: 'A.o', bytes: buildMachOObject({ classes: [{ name: 'FBSDKThing' }], cStrings: ['https://graph.facebook.com'] }) }]), ...entries(/\.app\/[^/.]+$|\.framework\/[^/.]+$/)];
    }
    case 'plist':
      return [writeBinaryPlist({ a: 'b', n: 1, arr: [1, 'two', { c: true }] }), new TextEncoder().encode(writeXmlPlist({ a: 'b', n: 1, arr: [1, 'two', { c: true }] })), ...entries(/(Info\.plist|\.xcprivacy)$/)];
    case 'pkcs7':
      return entries(/^META-INF\/[^/]+\.(RSA|DSA|EC)$/i);
    case 'signing-block':
      return bundles.map((b) => signingBlockBytes(b.bytes)).filter((x): x is Uint8Array => x !== undefined);
    default:
      throw new Error(`no seeds for ${target}`);
  }
}

function signingBlockBytes(apk: Uint8Array): Uint8Array | undefined {
  try {
    const z = ZipArchive.fromBytes(apk, 'seed');
    return z.centralDirectoryOffset > 24 ? apk.subarray(0, z.centralDirectoryOffset) : undefined;
  } catch {
    return undefined;
  }
}

let bundleCache: { name: string; bytes: Uint8Array }[] | undefined;
/** The committed samples and the real APKs shipped by devDependencies (when installed). */
export function bundleSeeds(): { name: string; bytes: Uint8Array }[] {
  if (bundleCache) return bundleCache;
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const f of ['samples/campaign-app.apk', 'samples/campaign-app.ipa']) {
    const p = path.join(ROOT, f);
    if (existsSync(p)) out.push({ name: f, bytes: readFileSync(p) });
  }
  const require = createRequire(path.join(ROOT, 'package.json'));
  for (const [pkg, rel] of [
    ['io.appium.settings', 'apks/settings_apk-debug.apk'],
    ['appium-uiautomator2-server', 'apks/appium-uiautomator2-server-debug-androidTest.apk'],
    ['android-apidemos', 'apks/ApiDemos-debug.apk'],
  ]) {
    try {
      const p = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), rel);
      if (existsSync(p)) out.push({ name: `${pkg}/${rel}`, bytes: readFileSync(p) });
    } catch {
      // devDependency not installed: fewer seeds
    }
  }
  bundleCache = out;
  return out;
}
