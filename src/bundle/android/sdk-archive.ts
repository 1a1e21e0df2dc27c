/**
 * SDK archives as inputs, for reviewers vetting an SDK before adding it to an app:
 * - `.jar`: the classes its `.class` files define (this_class) and name (CONSTANT_Class), string
 *   constants (hosts, wanted strings), Maven `pom.properties`, `META-INF/*.version` files;
 * - `.aar` <https://developer.android.com/studio/projects/android-library#aar-contents>:
 *   `classes.jar` and `libs/*.jar` read as above, `AndroidManifest.xml` — TEXT XML in an AAR, not
 *   binary AXML — read with fast-xml-parser into the same tree the APK manifest reader takes (so
 *   permissions, components and meta-data come out exactly as for an APK), `jni/<abi>/*.so`.
 * The result is Android Evidence, matched like an app's; provenance names the jar and class file
 * (`classes.jar!com/facebook/FacebookSdk.class`). No bytecode walk: JVM bytecode is not DEX.
 */
import path from 'node:path';
import type { ZipArchive } from '../../archive/zip.js';
import { ANDROID_NS } from '../../formats/android-attrs.js';
import type { AxmlAttribute, AxmlDocument, AxmlElement } from '../../formats/axml.js';
import { internalToJavaName, parseClassFile } from '../../formats/classfile.js';
import { hostsInString } from '../../evidence/hosts.js';
import type { Evidence, NativeLibraryEvidence } from '../../evidence/types.js';
import { anomalyWarnings, guardEntry } from '../../evidence/warnings.js';
import type { BundleView } from '../view.js';
import { artifactOf, emptyAndroidEvidence } from './collectors.js';
import { MANIFEST_ENTRY } from './entries.js';
import { readManifestEvidence } from './manifest.js';
import { lazyXmlParser } from '../../lazy-require.js';

const CLASSES_JAR = 'classes.jar';
const LIB_JAR = /^libs\/[^/]+\.jar$/;
const CLASS_ENTRY = /\.class$/;
const VERSION_FILE = /^META-INF\/([^/]+)\.version$/;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const AAR_NATIVE_LIB = /^jni\/([^/]+)\/([^/]+\.so)$/;
const MAX_HOSTS = 5000;

type OpenableView = BundleView & { openNested?(name: string): ZipArchive };

/** An AAR: classes.jar next to a text AndroidManifest.xml. */
export function isAar(view: BundleView): boolean {
  if (!view.has(CLASSES_JAR) || !view.has(MANIFEST_ENTRY)) return false;
  try {
    return isTextXml(view.read(MANIFEST_ENTRY).subarray(0, 64));
  } catch {
    return false;
  }
}

/** A JAR: class files, or a JAR manifest, and no Android manifest. */
export function isJar(view: BundleView): boolean {
  if (view.has(MANIFEST_ENTRY)) return false;
  return view.has('META-INF/MANIFEST.MF') || view.entries.some((e) => !e.isDirectory && CLASS_ENTRY.test(e.name));
}

function isTextXml(head: Uint8Array): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x3c; // '<'
}

/** Reads an AAR or a JAR into Android Evidence. `input` names the file (identity when nothing else does). */
export function collectSdkArchiveEvidence(view: OpenableView, wantedStrings: ReadonlySet<string>, input: string): Evidence {
  const ev = emptyAndroidEvidence();
  ev.subject = 'sdk-archive';
  const a = ev.android!;
  const files = new Set<string>();
  const hosts = new Map<string, Evidence['domains'][number]>();
  let droppedHosts = 0;
  let pom: { group?: string; artifact?: string; version?: string } | undefined;
  ev.identity = { platform: 'android', id: path.basename(input).replace(/\.(aar|jar|zip)$/i, '') };

  const readJar = (jar: BundleView, prefix: string) => {
    for (const e of jar.entries) {
      if (e.isDirectory) continue;
      const where = prefix + e.name;
      if (!CLASS_ENTRY.test(e.name)) {
        files.add(e.name);
        const v = VERSION_FILE.exec(e.name);
        if (v) guardEntry(ev.warnings, where, () => a.versionFiles.push({ artifact: artifactOf(v[1]), key: v[1], version: text(jar.read(e.name), 256).trim(), provenance: { entry: where, collector: 'sdk-archive' } }));
        if (POM_PROPERTIES.test(e.name) && !pom) guardEntry(ev.warnings, where, () => (pom = readProperties(text(jar.read(e.name), 4096))));
        continue;
      }
      if (e.name.endsWith('module-info.class')) continue;
      guardEntry(ev.warnings, where, () => {
        const c = parseClassFile(jar.read(e.name));
        ev.warnings.push(...anomalyWarnings(where, c.anomalies));
        ev.code.binaries++;
        const own = internalToJavaName(c.thisClass ?? e.name.replace(/^META-INF\/versions\/\d+\//, '').replace(CLASS_ENTRY, ''));
        if (own && !ev.code.defined.has(own)) ev.code.defined.set(own, where);
        for (const n of c.classNames) {
          const j = internalToJavaName(n);
          if (j && !ev.code.referenced.has(j)) ev.code.referenced.set(j, where);
        }
        for (const s of c.strings) {
          if (wantedStrings.has(s)) {
            const list = ev.stringHits.get(s);
            if (!list) ev.stringHits.set(s, [where]);
            else if (!list.includes(where)) list.push(where);
          }
          for (const hit of hostsInString(s)) {
            if (hosts.has(hit.host)) continue;
            if (hosts.size >= MAX_HOSTS) droppedHosts++;
            else hosts.set(hit.host, { host: hit.host, sample: hit.sample, provenance: { entry: where, collector: 'sdk-archive' } });
          }
        }
      });
    }
  };

  if (view.has(CLASSES_JAR)) {
    // an AAR: its manifest, its jars, its native libraries
    const m = guardEntry(ev.warnings, MANIFEST_ENTRY, () => readManifestEvidence(parseTextManifest(text(view.read(MANIFEST_ENTRY))), undefined));
    if (m) {
      if (m.identity.id) ev.identity = m.identity;
      ev.permissions = m.permissions;
      a.declaredPermissions = m.declaredPermissions;
      a.components = m.components;
      a.metaData = m.metaData;
      a.queries = m.queries;
      a.flags = m.flags;
      // an AAR's manifest often has no package (AGP 8 takes it from the build's `namespace`)
      ev.warnings.push(...m.warnings.filter((w) => w.code !== 'manifest-package-missing'));
    }
    const libs = new Map<string, NativeLibraryEvidence>();
    for (const e of view.entries) {
      if (e.isDirectory) continue;
      files.add(e.name);
      const lib = AAR_NATIVE_LIB.exec(e.name);
      if (lib) {
        const known = libs.get(lib[2]);
        if (known) known.abis.includes(lib[1]) || known.abis.push(lib[1]);
        else libs.set(lib[2], { name: lib[2], abis: [lib[1]], provenance: { entry: e.name, collector: 'sdk-archive' } });
      }
      const v = VERSION_FILE.exec(e.name);
      if (v) guardEntry(ev.warnings, e.name, () => a.versionFiles.push({ artifact: artifactOf(v[1]), key: v[1], version: text(view.read(e.name), 256).trim(), provenance: { entry: e.name, collector: 'sdk-archive' } }));
      if (e.name !== CLASSES_JAR && !LIB_JAR.test(e.name)) continue;
      if (!view.openNested) continue;
      guardEntry(ev.warnings, e.name, () => {
        const jar = view.openNested!(e.name);
        try {
          ev.warnings.push(...anomalyWarnings(e.name, jar.anomalies));
          readJar(jar, `${e.name}!`);
        } finally {
          jar.close();
        }
      });
    }
    a.nativeLibraries = [...libs.values()].sort((x, y) => cmp(x.name, y.name));
    for (const l of a.nativeLibraries) l.abis.sort(cmp);
  } else {
    readJar(view, '');
  }

  if (pom?.group && pom.artifact && (!ev.identity.id || !view.has(CLASSES_JAR))) {
    ev.identity = { platform: 'android', id: `${pom.group}:${pom.artifact}`, ...(pom.version ? { versionName: pom.version } : {}) };
  }
  for (const name of ev.code.defined.keys()) ev.code.referenced.delete(name);
  ev.domains = [...hosts.values()].sort((x, y) => cmp(x.host, y.host));
  ev.files = [...files].sort(cmp);
  a.versionFiles.sort((x, y) => cmp(x.key, y.key));
  if (droppedHosts) ev.warnings.push({ code: 'too-many-hosts', message: `${droppedHosts} further host names in code were not recorded (limit ${MAX_HOSTS})` });
  ev.warnings.unshift(...anomalyWarnings(undefined, view.anomalies));
  return ev;
}

// ---- the AAR's text manifest ---------------------------------------------------------------------

const xml = lazyXmlParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

type Ordered = Record<string, unknown>;

/**
 * A text AndroidManifest.xml as the tree the binary-manifest reader takes: attributes keep their
 * namespace (resolved through the xmlns declarations in scope) and are string values, which the
 * reader turns into booleans and numbers as it does for strings in a binary manifest.
 */
export function parseTextManifest(source: string): AxmlDocument {
  const anomalies: AxmlDocument['anomalies'] = [];
  let nodes: Ordered[];
  try {
    nodes = xml().parse(source) as Ordered[];
  } catch (e) {
    anomalies.push({ code: 'manifest-xml-invalid', message: `the text manifest is not well-formed XML: ${(e as Error).message}` });
    nodes = [];
  }
  const namespaces: AxmlDocument['namespaces'] = [];
  const convert = (node: Ordered, scope: Map<string, string>, depth: number): AxmlElement | undefined => {
    const tag = Object.keys(node).find((k) => k !== ':@');
    if (!tag || tag.startsWith('?') || tag === '#text' || tag === '#comment' || depth > 256) return undefined;
    const raw = (node[':@'] ?? {}) as Record<string, string>;
    const local = new Map(scope);
    for (const [k, v] of Object.entries(raw)) {
      if (k === 'xmlns') local.set('', v);
      else if (k.startsWith('xmlns:')) {
        local.set(k.slice(6), v);
        if (!namespaces.some((n) => n.prefix === k.slice(6))) namespaces.push({ prefix: k.slice(6), uri: v });
      }
    }
    const attributes: AxmlAttribute[] = [];
    for (const [k, v] of Object.entries(raw)) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      const i = k.indexOf(':');
      const prefix = i < 0 ? undefined : k.slice(0, i);
      const name = i < 0 ? k : k.slice(i + 1);
      const ns = prefix === undefined ? undefined : (local.get(prefix) ?? (prefix === 'android' ? ANDROID_NS : undefined));
      attributes.push({ ...(ns ? { namespaceUri: ns } : {}), name, rawValue: String(v), value: { type: 'string', value: String(v) } });
    }
    const children: AxmlElement[] = [];
    for (const c of (node[tag] as Ordered[] | undefined) ?? []) {
      const el = convert(c, local, depth + 1);
      if (el) children.push(el);
    }
    const colon = tag.indexOf(':');
    return { name: colon < 0 ? tag : tag.slice(colon + 1), attributes, children };
  };
  const roots = nodes.map((n) => convert(n, new Map(), 0)).filter((e): e is AxmlElement => e !== undefined);
  return { root: roots[0], otherRoots: roots.slice(1), namespaces, resourceIds: [], anomalies };
}

// ---- helpers -------------------------------------------------------------------------------------

function text(bytes: Uint8Array, max = Infinity): string {
  return new TextDecoder().decode(max < bytes.length ? bytes.subarray(0, max) : bytes);
}

function readProperties(s: string): { group?: string; artifact?: string; version?: string } {
  const out: Record<string, string> = {};
  for (const line of s.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return { group: out.groupId, artifact: out.artifactId, version: out.version };
}




function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
