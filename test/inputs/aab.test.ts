/**
 * Android App Bundles: the campaign app written as an .aab with protobufjs from the same aapt2
 * schema (manifest as XmlNode, resources.pb, module folders) scans like its APK twin; a malformed
 * protobuf only ever raises TrackscanError; the XmlNode decoder survives fuzzing.
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { TrackscanError } from '../../src/errors.js';
import { parseProtoResources, parseProtoXml } from '../../src/formats/aapt2.js';
import { resourcesProto } from '../../src/formats/aapt2/schema.js';
import { ANDROID_NS, androidAttrId } from '../../src/formats/android-attrs.js';
import type { TypedValue } from '../../src/formats/res-value.js';
import type { Report } from '../../src/report/model.js';
import { Scanner } from '../../src/scan.js';
import type { WAttr, WElement } from '../../src/testing/axml-writer.js';
import { buildDex } from '../../src/testing/dex-writer.js';
import type { ApkSpec } from '../../src/testing/samples.js';
import { writeZip, type ZipWriterEntry } from '../../src/testing/zip-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';
import { campaignScratch, campaignWholeSpec, splitManifest } from './fixtures.js';

const root = protobuf.parse(resourcesProto(), { keepCase: true }).root;
const XmlNode = root.lookupType('aapt.pb.XmlNode');
const ResourceTable = root.lookupType('aapt.pb.ResourceTable');

// ---- the writer: the axml-writer's tree as aapt2 protobuf -------------------------------------------

function itemOf(v: TypedValue | number | boolean): object | undefined {
  if (typeof v === 'number') return { prim: { int_decimal_value: v } };
  if (typeof v === 'boolean') return { prim: { boolean_value: v } };
  switch (v.type) {
    case 'reference':
      return { ref: { id: v.id } };
    case 'attribute':
      return { ref: { type: 1, id: v.id } };
    case 'int':
      return { prim: { int_decimal_value: v.value } };
    case 'hex':
      return { prim: { int_hexadecimal_value: v.value } };
    case 'boolean':
      return { prim: { boolean_value: v.value } };
    case 'string':
      return undefined;
    default:
      throw new Error(`no protobuf form for ${v.type} in this writer`);
  }
}

function attrOf(a: WAttr): object {
  const ns = a.ns ?? (a.android ? ANDROID_NS : '');
  const resourceId = a.resourceId === null ? 0 : (a.resourceId ?? (ns === ANDROID_NS ? (androidAttrId(a.name) ?? 0) : 0));
  const v = a.value;
  const value = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v.type === 'string' ? v.value : (a.raw ?? '');
  const item = typeof v === 'string' ? undefined : itemOf(v);
  return { namespace_uri: ns, name: a.name, value, resource_id: resourceId, ...(item ? { compiled_item: item } : {}) };
}

function elementOf(el: WElement, top: boolean): object {
  return {
    ...(top ? { namespace_declaration: [{ prefix: 'android', uri: ANDROID_NS }] } : {}),
    namespace_uri: el.ns ?? '',
    name: el.name,
    attribute: (el.attrs ?? []).map(attrOf),
    child: [...(el.text ? [{ text: el.text }] : []), ...(el.children ?? []).map((c) => ({ element: elementOf(c, false) }))],
  };
}

export function writeProtoXml(el: WElement): Uint8Array {
  return XmlNode.encode(XmlNode.fromObject({ element: elementOf(el, true) })).finish();
}

export function writeProtoResources(pkg: string, strings: { key: string; value: string }[]): Uint8Array {
  const table = {
    package: [
      {
        package_id: { id: 0x7f },
        package_name: pkg,
        type: [
          {
            type_id: { id: 1 },
            name: 'string',
            entry: strings.map((s, i) => ({ entry_id: { id: i }, name: s.key, config_value: [{ config: new Uint8Array(0), value: { item: { str: { value: s.value } } } }] })),
          },
        ],
      },
    ],
  };
  return ResourceTable.encode(ResourceTable.fromObject(table)).finish();
}

/** An APK spec as an App Bundle module's entries. */
function moduleEntries(module: string, spec: ApkSpec, pkg: string): ZipWriterEntry[] {
  const out: ZipWriterEntry[] = [{ name: `${module}/manifest/AndroidManifest.xml`, data: writeProtoXml(spec.manifest) }];
  for (const d of spec.dex ?? []) out.push({ name: `${module}/dex/${d.entry}`, data: buildDex(d.input) });
  if (spec.strings?.length) out.push({ name: `${module}/resources.pb`, data: writeProtoResources(pkg, spec.strings) });
  for (const f of spec.files ?? []) {
    const dir = f.name.startsWith('lib/') ? '' : f.name.startsWith('assets/') || f.name.startsWith('res/') ? '' : 'root/';
    out.push({ ...f, name: `${module}/${dir}${f.name}` });
  }
  return out;
}

const PKG = 'org.example.campaign2020';

/** The campaign app as a one-module bundle, or with the SDKs' DEX in a feature module. */
function campaignAab(options: { feature?: boolean } = {}): Uint8Array {
  const spec = campaignWholeSpec();
  const entries: ZipWriterEntry[] = [{ name: 'BundleConfig.pb', data: new Uint8Array(0) }];
  if (options.feature) {
    const [dex1, dex2] = spec.dex!;
    entries.push(...moduleEntries('base', { ...spec, dex: [dex1] }, PKG));
    entries.push(...moduleEntries('social', { manifest: splitManifest('social', true), dex: [{ entry: 'classes.dex', input: dex2.input }] }, PKG));
  } else {
    entries.push(...moduleEntries('base', spec, PKG));
  }
  return writeZip(entries);
}

// ---- the tests ---------------------------------------------------------------------------------------

const scanner = new Scanner();
const scratch = campaignScratch('trackscan-aab-', scanner);
const put = scratch.put;

const trackers = (r: Report) => r.trackers.map((t) => `${t.id} ${t.confidence}`).sort();
const permissions = (r: Report) => r.permissions.map((p) => `${p.name} ${p.maxSdkVersion ?? ''} ${p.capabilities.join(',')}`).sort();
const noProvenance = <T>(x: T): T => JSON.parse(JSON.stringify(x, (k, v) => (k === 'provenance' || k === 'entry' ? undefined : v))) as T;

function sameApp(r: Report): void {
  expect(r.platform).toBe('android');
  expect(r.app).toEqual(scratch.whole.app);
  expect(trackers(r)).toEqual(trackers(scratch.whole));
  expect(permissions(r)).toEqual(permissions(scratch.whole));
  expect(noProvenance(r.android!.components)).toEqual(noProvenance(scratch.whole.android!.components));
  expect(noProvenance(r.android!.metaData)).toEqual(noProvenance(scratch.whole.android!.metaData));
  expect(r.code.classesDefined).toBe(scratch.whole.code.classesDefined);
  expect(r.android!.nativeLibraries.map((l) => `${l.name} ${l.abis.join(',')}`)).toEqual(scratch.whole.android!.nativeLibraries.map((l) => `${l.name} ${l.abis.join(',')}`));
  expect(r.domains.map((d) => d.host)).toEqual(scratch.whole.domains.map((d) => d.host));
  expect(r.capabilities.map((c) => c.id).sort()).toEqual(scratch.whole.capabilities.map((c) => c.id).sort());
}

describe('App Bundles (.aab)', () => {

  it('the protobuf manifest decodes to the same manifest tree facts as the binary one', () => {
    const doc = parseProtoXml(writeProtoXml(campaignWholeSpec().manifest));
    expect(doc.anomalies).toEqual([]);
    expect(doc.root?.name).toBe('manifest');
    expect(doc.namespaces).toEqual([{ prefix: 'android', uri: ANDROID_NS }]);
    const res = parseProtoResources(writeProtoResources(PKG, campaignWholeSpec().strings!));
    expect(res.resolveString(0x7f010000)).toBe(campaignWholeSpec().strings![0].value);
  });

  it('a one-module bundle gives the same app as its APK twin', () => {
    const r = scanner.scanFile(put('campaign.aab', campaignAab()));
    sameApp(r);
    expect(scratch.whole.app.name).toBeTruthy(); // the label resolved through resources.pb
    expect(JSON.stringify(r)).not.toMatch(/"(classes\d*\.dex|AndroidManifest\.xml)"/);
    expect(r.warnings.filter((w) => w.code.startsWith('aab-'))).toEqual([]);
  });

  it('a bundle with a feature module gives the same app; evidence keeps the module path', () => {
    const r = scanner.scanFile(put('campaign-feature.aab', campaignAab({ feature: true })));
    sameApp(r);
    const lib = r.android!.nativeLibraries.find((l) => l.name === 'libpwcore.so')!;
    expect(lib.provenance.entry).toMatch(/^base\/lib\/(arm64-v8a|armeabi-v7a)\/libpwcore\.so$/);
    const entries = JSON.stringify(r);
    expect(entries).toContain('social/dex/classes.dex');
    expect(entries).toContain('base/dex/classes.dex');
    expect(entries).toContain('base/manifest/AndroidManifest.xml');
  });

  it('a bundle without a base module is scanned with a warning', () => {
    const bytes = writeZip([
      { name: 'BundleConfig.pb', data: new Uint8Array(0) },
      { name: 'social/manifest/AndroidManifest.xml', data: writeProtoXml(splitManifest('social', true)) },
    ]);
    const r = scanner.scanFile(put('nobase.aab', bytes));
    expect(r.warnings.map((w) => w.code)).toContain('aab-base-missing');
  });

  it('a malformed protobuf manifest raises only TrackscanError', () => {
    const garbage = [new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), new Uint8Array([0xff, 0xff]), new Uint8Array([0x0a, 0x05, 0x1a, 0x10]), Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff)];
    for (const g of garbage) {
      try {
        parseProtoXml(g);
      } catch (e) {
        expect(e).toBeInstanceOf(TrackscanError);
      }
      try {
        parseProtoResources(g);
      } catch (e) {
        expect(e).toBeInstanceOf(TrackscanError);
      }
      const bytes = writeZip([
        { name: 'BundleConfig.pb', data: new Uint8Array(0) },
        { name: 'base/manifest/AndroidManifest.xml', data: g },
      ]);
      try {
        scanner.scanFile(put('bad.aab', bytes));
      } catch (e) {
        expect(e).toBeInstanceOf(TrackscanError);
      }
    }
    expect(() => parseProtoXml(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow(TrackscanError);
  });

  it('absurdly deep nesting raises TrackscanError, not a stack overflow', () => {
    // hand-encoded: XmlNode { element = 1: XmlElement { name = 3: "n"; child = 5: XmlNode … } }
    const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(n >>> 7)]);
    const field = (tag: number, body: number[]) => [tag, ...varint(body.length), ...body];
    let node: number[] = field(0x0a, [0x1a, 1, 0x6e]);
    for (let i = 0; i < 2000; i++) node = field(0x0a, [0x1a, 1, 0x6e, ...field(0x2a, node)]);
    expect(() => parseProtoXml(Uint8Array.from(node))).toThrow(TrackscanError);
  });

  it('the XmlNode and ResourceTable decoders survive fuzzing', () => {
    const seeds = [writeProtoXml(campaignWholeSpec().manifest), writeProtoResources(PKG, campaignWholeSpec().strings!)];
    const isExpected = (e: unknown) => e instanceof TrackscanError;
    expect(fuzzParser(seeds, (b) => parseProtoXml(b), isExpected, { iterations: 1500, seed: 9 })).toEqual([]);
    expect(fuzzParser(seeds, (b) => parseProtoResources(b), isExpected, { iterations: 1500, seed: 19 })).toEqual([]);
  });
});
