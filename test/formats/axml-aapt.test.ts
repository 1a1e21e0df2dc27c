/**
 * Cross-checks against Debian's aapt: writer-built APKs must be accepted by aapt and decoded the
 * same way, and for the real APKs our decode of AndroidManifest.xml + resources.arsc must give
 * what `aapt dump badging` prints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArsc, type ResourceTable } from '../../src/formats/arsc.js';
import { attributeString, findAttribute, parseAxml, type AxmlDocument, type AxmlElement } from '../../src/formats/axml.js';
import { renderAxmlAsXml } from '../../src/formats/axml-xml.js';
import { decodeValue } from '../../src/formats/res-value.js';
import { writeArsc } from '../../src/testing/arsc-writer.js';
import { sampleManifest, writeAxml, type AxmlWriteOptions, type WElement } from '../../src/testing/axml-writer.js';
import { realApks, requireTool, runTool } from '../helpers/tools.js';

const haveAapt = requireTool('aapt');
const tmp = mkdtempSync(path.join(tmpdir(), 'trackscan-aapt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Badging {
  package: string;
  versionCode: string;
  versionName: string;
  sdkVersion?: string;
  targetSdkVersion?: string;
  permissions: string[];
  label?: string;
}

/** The facts of `aapt dump badging` we compare. */
function parseBadging(out: string): Badging {
  const pkg = /^package: name='([^']*)' versionCode='([^']*)' versionName='([^']*)'/m.exec(out);
  if (!pkg) throw new Error(`no package line in:\n${out.slice(0, 500)}`);
  return {
    package: pkg[1],
    versionCode: pkg[2],
    versionName: pkg[3],
    sdkVersion: /^sdkVersion:'([^']*)'/m.exec(out)?.[1],
    targetSdkVersion: /^targetSdkVersion:'([^']*)'/m.exec(out)?.[1],
    // aapt also lists permissions it infers (each followed by a uses-implied-permission line); skip those
    permissions: [...out.matchAll(/^uses-permission: name='([^']*)'/gm)]
      .map((m) => m[1])
      .filter((p) => !out.includes(`uses-implied-permission: name='${p}'`))
      .sort(),
    label: /^application-label:'([^']*)'/m.exec(out)?.[1],
  };
}

/** The same facts from our own decode. */
function ourBadging(doc: AxmlDocument, table: ResourceTable | undefined): Badging {
  const m = doc.root!;
  const text = (el: AxmlElement | undefined, name: string): string | undefined => {
    const a = el && findAttribute(el, name);
    if (!a) return undefined;
    const v = a.value;
    if (v.type === 'string') return v.value;
    if (v.type === 'int') return String(v.value);
    if (v.type === 'reference' || v.type === 'dynamic-reference') return table?.resolveString(v.id);
    return a.rawValue;
  };
  const sdk = m.children.find((c) => c.name === 'uses-sdk');
  const app = m.children.find((c) => c.name === 'application');
  const minSdk = text(sdk, 'minSdkVersion');
  return {
    package: attributeString(m, 'package', '') ?? '',
    versionCode: text(m, 'versionCode') ?? '',
    versionName: text(m, 'versionName') ?? '',
    sdkVersion: minSdk,
    // aapt prints the target only when set, or when minSdk is set (defaulting to it)
    targetSdkVersion: text(sdk, 'targetSdkVersion') ?? minSdk,
    permissions: m.children
      .filter((c) => c.name === 'uses-permission')
      .map((c) => text(c, 'name') ?? '')
      .sort(),
    label: text(app, 'label') || undefined,
  };
}

const APP_NAME = 0x7f010000;

function fixtureTree(): WElement {
  const tree = sampleManifest({ packageName: 'org.trackscan.fixture', label: { type: 'reference', id: APP_NAME } });
  tree.attrs!.push({ android: true, name: 'installLocation', value: 1 }); // internalOnly
  tree.children!.push({ name: 'uses-permission', attrs: [{ android: true, name: 'name', value: 'android.permission.BLUETOOTH' }, { android: true, name: 'maxSdkVersion', value: 30 }] });
  const app = tree.children!.find((c) => c.name === 'application')!;
  app.attrs = app.attrs!.map((a) => (a.name === 'debuggable' ? { ...a, value: true } : a));
  app.children!.push({ name: 'uses-library', attrs: [{ android: true, name: 'name', value: 'org.apache.http.legacy' }, { android: true, name: 'required', value: false }] });
  return tree;
}

async function buildApk(name: string, manifest: Uint8Array, arsc: Uint8Array): Promise<string> {
  const zip = new JSZip();
  zip.file('AndroidManifest.xml', manifest);
  zip.file('resources.arsc', arsc, { compression: 'STORE' });
  const file = path.join(tmp, name);
  writeFileSync(file, await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
  return file;
}

const arsc = writeArsc({
  packageName: 'org.trackscan.fixture',
  types: [
    { name: 'string', chunks: [{ entries: [{ key: 'app_name', value: 'Tracker Fixture' }] }, { config: { language: 'de' }, entries: [{ key: 'app_name', value: 'Tracker-Beispiel' }] }] },
    { name: 'xml', chunks: [{ sparse: true, entries: [null, null, { key: 'network_security_config', value: 'res/xml/network_security_config.xml' }] }] },
  ],
});

describe.runIf(haveAapt)('aapt accepts writer-built APKs and agrees with our decode', () => {
  const variants: [string, AxmlWriteOptions][] = [
    ['plain UTF-16', {}],
    ['UTF-8 pool', { utf8: true }],
    ['renamed attribute strings', { renameAttribute: (_n, id) => `a${(id & 0xfff).toString(36)}` }],
    ['blank attribute strings', { renameAttribute: () => '' }],
    ['unknown chunks after the resource map and between nodes', { unknownChunks: ['after-resource-map', 'in-tree'] }],
    ['non-default attribute layout', { attributeStart: 24, attributeSize: 24 }],
  ];
  for (const [what, options] of variants) {
    it(what, async () => {
      const manifest = writeAxml(fixtureTree(), options);
      const apk = await buildApk(`${what.replace(/\W+/g, '-')}.apk`, manifest, arsc);
      const badgingOut = runTool('aapt', ['dump', 'badging', apk]);
      const theirs = parseBadging(badgingOut);
      const doc = parseAxml(manifest);
      const ours = ourBadging(doc, parseArsc(arsc));
      expect(ours).toEqual(theirs);
      expect(theirs).toMatchObject({ package: 'org.trackscan.fixture', versionCode: '42', versionName: '1.2.3', sdkVersion: '21', targetSdkVersion: '34', label: 'Tracker Fixture' });
      // IDs aapt itself looks up: installLocation, maxSdkVersion, debuggable, required.
      expect(badgingOut).toContain("install-location:'internalOnly'");
      expect(badgingOut).toContain("uses-permission: name='android.permission.BLUETOOTH' maxSdkVersion='30'");
      expect(badgingOut).toContain('application-debuggable');
      expect(badgingOut).toContain("uses-library-not-required:'org.apache.http.legacy'");
      expect(badgingOut).toContain("application-label-de:'Tracker-Beispiel'");

      const tree = runTool('aapt', ['dump', 'xmltree', apk, 'AndroidManifest.xml']);
      expect(tree).toContain('A: package="org.trackscan.fixture"');
      expect(tree.match(/E: uses-permission /g)?.length).toBe(3);
      expect(tree).toMatch(/A: [^\n]*\(0x01010003\)="android.permission.INTERNET"/);
      expect(tree).toMatch(/A: [^\n]*\(0x0101021b\)=\(type 0x10\)0x2a/);
    });
  }
});

describe('real APKs: our decode matches aapt dump badging', () => {
  const apks = realApks();
  it('has real APKs to check', () => {
    expect(apks.length).toBeGreaterThan(0);
  });
  for (const apk of apks) {
    it.runIf(haveAapt)(apk.name, async () => {
      const zip = await JSZip.loadAsync(readFileSync(apk.path));
      const manifest = await zip.file('AndroidManifest.xml')!.async('uint8array');
      const arscFile = zip.file('resources.arsc');
      const started = performance.now();
      const table = arscFile ? parseArsc(await arscFile.async('uint8array')) : undefined;
      const doc = parseAxml(manifest);
      const ours = ourBadging(doc, table);
      const ms = performance.now() - started;
      const theirs = parseBadging(runTool('aapt', ['dump', 'badging', apk.path]));
      expect(ours).toEqual(theirs);
      expect(doc.anomalies).toEqual([]);
      expect(ms).toBeLessThan(1000);
      // Rendering real manifests gives well-formed XML that names the package.
      const xml = renderAxmlAsXml(doc, (id) => table?.resolveString(id));
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).toContain(`package="${theirs.package}"`);
    });
  }
});

describe.runIf(haveAapt)('real APKs: every compiled XML resource parses cleanly and renders well-formed', () => {
  for (const apk of realApks()) {
    it(apk.name, async () => {
      const zip = await JSZip.loadAsync(readFileSync(apk.path));
      const names = Object.keys(zip.files).filter((f) => f.startsWith('res/') && f.endsWith('.xml'));
      let parsed = 0;
      for (const name of names.slice(0, 400)) {
        const bytes = await zip.file(name)!.async('uint8array');
        if (bytes[0] !== 0x03) continue;
        const doc = parseAxml(bytes);
        expect(doc.anomalies, name).toEqual([]);
        expect(XMLValidator.validate(renderAxmlAsXml(doc)), name).toBe(true);
        parsed++;
      }
      expect(names.length === 0 || parsed > 0).toBe(true);
    });
  }
});

/** `aapt dump --values resources`: names of all specs and default-configuration values. */
function parseAaptResources(out: string) {
  const names = new Map<number, string>();
  const values: { id: number; bag: boolean; t: number; d: number; str?: string; parent?: number; count?: number }[] = [];
  let inDefault = false;
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m = /^\s+spec resource 0x([0-9a-f]{8}) (\S+): flags=/.exec(line);
    if (m) {
      names.set(parseInt(m[1], 16), m[2]);
      continue;
    }
    m = /^\s+config (.*):$/.exec(line);
    if (m) {
      inDefault = m[1].startsWith('(default)'); // "(default) flags=0x01 [sparse]" too
      continue;
    }
    if (!inDefault) continue;
    m = /^\s+resource 0x([0-9a-f]{8}) \S+: t=0x([0-9a-f]{2}) d=0x([0-9a-f]{8})/.exec(line);
    if (m) {
      const s = /^\s+\(string(?:8|16)\) "(.*)"$/.exec(lines[i + 1] ?? '');
      values.push({ id: parseInt(m[1], 16), bag: false, t: parseInt(m[2], 16), d: parseInt(m[3], 16), str: s?.[1] });
      continue;
    }
    m = /^\s+resource 0x([0-9a-f]{8}) \S+: <bag>/.exec(line);
    if (m) {
      const p = /Parent=0x([0-9a-f]{8}).*Count=(\d+)/.exec(lines[i + 1] ?? '');
      values.push({ id: parseInt(m[1], 16), bag: true, t: 0, d: 0, parent: p ? parseInt(p[1], 16) : undefined, count: p ? Number(p[2]) : undefined });
    }
  }
  return { names, values };
}

describe.runIf(haveAapt)('resources.arsc: our table matches aapt dump resources', () => {
  const check = (arscBytes: Uint8Array, apkPath: string) => {
    const table = parseArsc(arscBytes);
    const theirs = parseAaptResources(runTool('aapt', ['dump', '--values', 'resources', apkPath]));
    for (const [id, name] of theirs.names) expect(table.entryName(id, { withPackage: true }), name).toBe(`@${name}`);
    let strings = 0;
    for (const v of theirs.values) {
      const entry = table.resolveAll(v.id).find((e) => e.config.isDefault);
      expect(entry, `0x${v.id.toString(16)}`).toBeDefined();
      if (v.bag) {
        expect(entry!.bag?.parent).toBe(v.parent);
        expect(entry!.bag?.items.length).toBe(v.count);
      } else if (v.t === 0x03) {
        expect(entry!.value?.type).toBe('string');
        if (v.str !== undefined && !v.str.includes('\\')) {
          expect(entry!.value).toEqual({ type: 'string', value: v.str });
          strings++;
        }
      } else {
        expect(entry!.value, `0x${v.id.toString(16)}`).toEqual(decodeValue(v.t, v.d, () => ''));
      }
    }
    return { names: theirs.names.size, values: theirs.values.length, strings };
  };

  it('writer-built table (dense + sparse types, two configurations)', async () => {
    const apk = await buildApk('resources.apk', writeAxml(fixtureTree()), arsc);
    expect(check(arsc, apk)).toEqual({ names: 2, values: 2, strings: 2 });
  });

  for (const apk of realApks()) {
    it(apk.name, async () => {
      const zip = await JSZip.loadAsync(readFileSync(apk.path));
      const file = zip.file('resources.arsc');
      if (!file) return;
      const bytes = await file.async('uint8array');
      const started = performance.now();
      parseArsc(bytes).resolveString(0x7f000000);
      expect(performance.now() - started).toBeLessThan(200);
      const { names, values } = check(bytes, apk.path);
      expect(values).toBeLessThanOrEqual(names);
    });
  }
});

describe.runIf(haveAapt)('real manifests: same elements and attributes as aapt dump xmltree', () => {
  for (const apk of realApks()) {
    it(apk.name, async () => {
      const zip = await JSZip.loadAsync(readFileSync(apk.path));
      const doc = parseAxml(await zip.file('AndroidManifest.xml')!.async('uint8array'));
      const tree = runTool('aapt', ['dump', 'xmltree', apk.path, 'AndroidManifest.xml']);
      const theirElements = [...tree.matchAll(/^\s*E: (\S+)/gm)].map((m) => m[1]);
      const theirAttrs = [...tree.matchAll(/^\s*A: (?:[^:(=]+:)?([^(=]+)[(=]/gm)].map((m) => m[1]);
      const ourElements: string[] = [];
      const ourAttrs: string[] = [];
      const walk = (el: AxmlElement) => {
        ourElements.push(el.name);
        for (const a of el.attributes) ourAttrs.push(a.name);
        el.children.forEach(walk);
      };
      walk(doc.root!);
      expect(ourElements).toEqual(theirElements);
      expect(ourAttrs).toEqual(theirAttrs);
    });
  }
});
