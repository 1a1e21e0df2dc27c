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
