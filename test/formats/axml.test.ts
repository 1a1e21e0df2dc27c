import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { ANDROID_NS } from '../../src/formats/android-attrs.js';
import { attributeString, findAttribute, parseAxml, type AxmlDocument, type AxmlElement } from '../../src/formats/axml.js';
import { renderAxmlAsXml } from '../../src/formats/axml-xml.js';
import { sampleManifest, writeAxml, type AxmlWriteOptions, type WElement } from '../../src/testing/axml-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';

const codes = (d: AxmlDocument): string[] => d.anomalies.map((a) => a.code);
const child = (el: AxmlElement | undefined, name: string): AxmlElement => {
  const c = el?.children.find((x) => x.name === name);
  if (!c) throw new Error(`no <${name}>`);
  return c;
};

/** The facts a manifest consumer needs, to compare a plain and an adversarial encoding. */
function summary(doc: AxmlDocument) {
  const m = doc.root!;
  return {
    root: m.name,
    package: attributeString(m, 'package', ''),
    versionCode: findAttribute(m, 'versionCode')?.value,
    versionName: attributeString(m, 'versionName'),
    minSdk: findAttribute(child(m, 'uses-sdk'), 'minSdkVersion')?.value,
    permissions: m.children.filter((c) => c.name === 'uses-permission').map((c) => attributeString(c, 'name')),
    label: attributeString(child(m, 'application'), 'label'),
    activity: attributeString(child(child(m, 'application'), 'activity'), 'name'),
    exported: findAttribute(child(child(m, 'application'), 'activity'), 'exported')?.value,
  };
}

const plain = summary(parseAxml(writeAxml(sampleManifest())));

describe('parseAxml: well-formed documents', () => {
  it('reads a manifest with namespaces, nested elements and typed values (UTF-16 pool)', () => {
    const doc = parseAxml(writeAxml(sampleManifest()));
    expect(doc.anomalies).toEqual([]);
    expect(doc.namespaces).toEqual([{ prefix: 'android', uri: ANDROID_NS }]);
    expect(plain).toEqual({
      root: 'manifest',
      package: 'com.example.app',
      versionCode: { type: 'int', value: 42 },
      versionName: '1.2.3',
      minSdk: { type: 'int', value: 21 },
      permissions: ['android.permission.INTERNET', 'android.permission.ACCESS_FINE_LOCATION'],
      label: 'Example App',
      activity: '.MainActivity',
      exported: { type: 'boolean', value: true },
    });
    const name = findAttribute(child(doc.root, 'uses-permission'), 'name')!;
    expect(name.resourceId).toBe(0x01010003);
    expect(name.namespaceUri).toBe(ANDROID_NS);
    expect(doc.root!.lineNumber).toBeGreaterThan(0);
  });

  it('reads UTF-8 pools and non-ASCII strings the same way', () => {
    const tree = sampleManifest({ label: 'Café ☕ 日本語 😀', permissions: ['x.PERM_Ü'] });
    for (const utf8 of [false, true]) {
      const doc = parseAxml(writeAxml(tree, { utf8 }));
      expect(doc.anomalies).toEqual([]);
      const s = summary(doc);
      expect(s.label).toBe('Café ☕ 日本語 😀');
      expect(s.permissions).toEqual(['x.PERM_Ü']);
    }
  });

  it('decodes every kind of typed value', () => {
    const tree: WElement = {
      name: 'v',
      attrs: [
        { name: 's', value: 'text' },
        { name: 'ref', value: { type: 'reference', id: 0x7f0a0001 } },
        { name: 'attr', value: { type: 'attribute', id: 0x7f010002 } },
        { name: 'int', value: -5 },
        { name: 'hex', value: { type: 'hex', value: 0xff00 } },
        { name: 'bool', value: false },
        { name: 'float', value: { type: 'float', value: 1.5 } },
        { name: 'dim', value: { type: 'dimension', value: 16, unit: 'dip' } },
        { name: 'dim2', value: { type: 'dimension', value: 1.25, unit: 'sp' } },
        { name: 'frac', value: { type: 'fraction', value: 0.5, parent: true } },
        { name: 'color', value: { type: 'color', argb: 0xff112233, format: 'argb8' } },
        { name: 'rgb', value: { type: 'color', argb: 0xff445566, format: 'rgb8' } },
        { name: 'dyn', value: { type: 'dynamic-reference', id: 0x00020003 } },
        { name: 'null', value: { type: 'null', empty: true } },
        { name: 'odd', value: { type: 'unknown', dataType: 0x0b, data: 7 } },
      ],
    };
    const doc = parseAxml(writeAxml(tree));
    expect(doc.anomalies).toEqual([]);
    const v = Object.fromEntries(doc.root!.attributes.map((a) => [a.name, a.value]));
    expect(v).toEqual({
      s: { type: 'string', value: 'text' },
      ref: { type: 'reference', id: 0x7f0a0001 },
      attr: { type: 'attribute', id: 0x7f010002 },
      int: { type: 'int', value: -5 },
      hex: { type: 'hex', value: 0xff00 },
      bool: { type: 'boolean', value: false },
      float: { type: 'float', value: 1.5 },
      dim: { type: 'dimension', value: 16, unit: 'dip' },
      dim2: { type: 'dimension', value: 1.25, unit: 'sp' },
      frac: { type: 'fraction', value: 0.5, parent: true },
      color: { type: 'color', argb: 0xff112233, format: 'argb8' },
      rgb: { type: 'color', argb: 0xff445566, format: 'rgb8' },
      dyn: { type: 'dynamic-reference', id: 0x00020003 },
      null: { type: 'null', empty: true },
      odd: { type: 'unknown', dataType: 0x0b, data: 7 },
    });
    expect(doc.root!.attributes[0].rawValue).toBe('text');
  });

  it('keeps character data and element namespaces', () => {
    const doc = parseAxml(writeAxml({ name: 'a', ns: 'urn:x', children: [{ name: 'b', text: 'hello & <bye>' }] }, { namespaces: [{ prefix: 'x', uri: 'urn:x' }] }));
    expect(doc.root!.namespaceUri).toBe('urn:x');
    expect(doc.root!.children[0].text).toBe('hello & <bye>');
    expect(doc.anomalies).toEqual([]);
  });

  it('throws FormatError only when nothing is readable', () => {
    expect(() => parseAxml(new Uint8Array(4))).toThrow(FormatError);
    expect(() => parseAxml(new TextEncoder().encode('<?xml version="1.0"?><manifest/>'))).toThrow(FormatError);
    expect(() => parseAxml(new Uint8Array([3, 0, 8, 0, 8, 0, 0, 0]))).toThrow(FormatError);
  });
});

describe('parseAxml: anti-analysis tricks give the right tree plus an anomaly', () => {
  const cases: [string, AxmlWriteOptions, string][] = [
    ['attribute name strings renamed to junk', { renameAttribute: (_n, id) => `x${id & 0xff}` }, 'attribute-name-mismatch'],
    ['attribute name strings blanked', { renameAttribute: () => '' }, 'attribute-name-mismatch'],
    ['unknown chunk after the resource map', { unknownChunks: ['after-resource-map'] }, 'unknown-chunk'],
    ['unknown chunk before the pool', { unknownChunks: ['before-pool'] }, 'unknown-chunk'],
    ['unknown chunk inside the tree', { unknownChunks: ['in-tree'] }, 'unknown-chunk'],
    ['string count larger than the pool', { pool: { stringCountDelta: 1000 } }, 'string-pool-count'],
    ['style count lie', { pool: { styleCount: 0x7fffffff } }, 'string-pool-style-count'],
    ['string pool header size not 28', { pool: { headerSize: 36 } }, 'string-pool-header-size'],
    ['stringsStart outside the chunk', { pool: { stringsStart: 0x7fffffff } }, 'string-pool-strings-start'],
    ['file size 0', { zeroSize: ['file'] }, 'xml-size'],
    ['string pool chunk size 0', { zeroSize: ['string-pool'] }, 'chunk-size-invalid'],
    ['resource map chunk size 0', { zeroSize: ['resource-map'] }, 'chunk-size-invalid'],
    ['element chunk sizes 0', { zeroSize: ['start-element', 'end-element', 'namespace'] }, 'chunk-size-invalid'],
    ['non-default attributeStart/attributeSize', { attributeStart: 28, attributeSize: 24 }, 'attribute-layout'],
    ['huge attributeCount on the root', { rootAttributeCount: 0xffff }, 'attribute-count'],
    ['namespace masking', { maskNamespaceUri: 'http://schemas.android.com/apk/res/andr0id' }, 'attribute-namespace-mismatch'],
    ['missing end tags', { omitEndElements: 3 }, 'missing-end-element'],
    ['end tag before the first start tag', { leadingEndElement: true }, 'unbalanced-end-element'],
    ['header type is not RES_XML_TYPE', { headerType: 0x0000 }, 'xml-header-type'],
  ];
  for (const [what, options, code] of cases) {
    it(what, () => {
      const doc = parseAxml(writeAxml(sampleManifest(), options));
      expect(codes(doc)).toContain(code);
      expect(summary(doc)).toEqual(plain);
    });
  }

  it('renamed attributes keep their file name in nameString and render with the real name', () => {
    const doc = parseAxml(writeAxml(sampleManifest(), { renameAttribute: () => 'zz' }));
    const a = findAttribute(child(doc.root, 'uses-permission'), 'name')!;
    expect(a.nameString).toBe('zz');
    expect(renderAxmlAsXml(doc)).toContain('<uses-permission android:name="android.permission.INTERNET" />');
  });

  it('namespace masking: the junk namespace declaration is shown as android', () => {
    const doc = parseAxml(writeAxml(sampleManifest(), { maskNamespaceUri: 'junk' }));
    expect(codes(doc)).toContain('namespace-masked');
    expect(doc.namespaces).toEqual([{ prefix: 'android', uri: ANDROID_NS }]);
  });

  it('an android attribute without a resource ID is flagged (Android ignores it)', () => {
    const doc = parseAxml(writeAxml({ name: 'manifest', attrs: [{ android: true, name: 'name', value: 'fake', resourceId: null }] }));
    expect(codes(doc)).toContain('android-attribute-without-id');
    expect(doc.root!.attributes[0].resourceId).toBeUndefined();
  });

  it('multiple roots: the first is the root, the rest are kept aside', () => {
    const doc = parseAxml(writeAxml(sampleManifest(), { extraRoot: { name: 'manifest', attrs: [{ name: 'package', value: 'evil' }] } }));
    expect(codes(doc)).toContain('multiple-roots');
    expect(summary(doc)).toEqual(plain);
    expect(attributeString(doc.otherRoots[0], 'package', '')).toBe('evil');
  });

  it('bounds the tree depth', () => {
    let el: WElement = { name: 'leaf' };
    for (let i = 0; i < 700; i++) el = { name: 'n', children: [el] };
    const doc = parseAxml(writeAxml(el));
    expect(codes(doc)).toContain('depth-limit');
    let depth = 0;
    for (let e = doc.root; e && e.children.length; e = e.children[0]) depth++;
    expect(depth).toBe(511);
  });

  it('an out-of-range string index gives "" and an anomaly, not an exception', () => {
    const bytes = writeAxml({ name: 'a', attrs: [{ name: 'b', value: 'c' }] });
    const dv = new DataView(bytes.buffer);
    // Patch the attribute's raw value index (last 20-byte record before the END_ELEMENT node).
    const endEl = bytes.length - 24;
    dv.setUint32(endEl - 20 + 8, 0x1234, true);
    const doc = parseAxml(bytes);
    expect(codes(doc)).toContain('string-index-out-of-range');
    expect(doc.root!.attributes[0].rawValue).toBeUndefined();
  });
});

describe('renderAxmlAsXml', () => {
  it('renders declarations, typed values and escaping deterministically', () => {
    const doc = parseAxml(
      writeAxml({
        name: 'manifest',
        attrs: [
          { name: 'package', value: 'a"b<c>&' },
          { android: true, name: 'versionCode', value: 7 },
          { android: true, name: 'debuggable', value: true },
          { android: true, name: 'label', value: { type: 'reference', id: 0x7f0a0001 } },
          { android: true, name: 'icon', value: { type: 'reference', id: 0x7f020000 } },
          { android: true, name: 'theme', value: { type: 'attribute', id: 0x7f010000 } },
          { name: 'h', value: { type: 'hex', value: 0x10 } },
          { name: 'c', value: { type: 'color', argb: 0x80ff0000, format: 'argb8' } },
          { name: 'd', value: { type: 'dimension', value: 16, unit: 'dip' } },
          { name: 'f', value: { type: 'float', value: 0.1 } },
          { name: 'nl', value: 'a\nb' },
        ],
        children: [{ name: 'x', text: '1 < 2' }],
      }),
    );
    const resolve = (id: number) => (id === 0x7f0a0001 ? 'API Demos' : undefined);
    const xml = renderAxmlAsXml(doc, resolve);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n' +
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a&quot;b&lt;c&gt;&amp;" android:versionCode="7" android:debuggable="true" android:label="API Demos" android:icon="@0x7f020000" android:theme="?0x7f010000" h="0x10" c="#80ff0000" d="16dip" f="0.1" nl="a&#10;b">\n' +
        '  <x>1 &lt; 2</x>\n' +
        '</manifest>\n',
    );
    expect(renderAxmlAsXml(doc, resolve)).toBe(xml);
    expect(renderAxmlAsXml(doc)).toContain('android:label="@0x7f0a0001"');
  });

  it('keeps output well-formed with junk names and duplicate attributes', () => {
    const doc = parseAxml(writeAxml({ name: '1<bad>', attrs: [{ name: '', value: 'a' }, { name: '', value: 'b' }, { name: 'x y', value: '\u0001' }] }));
    const xml = renderAxmlAsXml(doc);
    expect(xml).toContain('<_1_bad_ _="a" __2="b" x_y="\uFFFD" />');
  });
});

describe('parseAxml: fuzz', () => {
  const seeds = [
    writeAxml(sampleManifest()),
    writeAxml(sampleManifest({ label: 'Ünïcødé' }), { utf8: true }),
    writeAxml(sampleManifest(), { renameAttribute: () => '', unknownChunks: ['after-resource-map', 'in-tree'], attributeStart: 24, attributeSize: 28 }),
    writeAxml(sampleManifest(), { zeroSize: ['start-element', 'string-pool'], maskNamespaceUri: 'j' }),
  ];
  const isFormatError = (e: unknown) => e instanceof FormatError;
  for (const seed of [1, 2]) {
    it(`only FormatError escapes parse+render (seed ${seed})`, () => {
      const parseAndRender = (b: Uint8Array) => {
        const doc = parseAxml(b); // may throw FormatError
        try {
          renderAxmlAsXml(doc, () => 'r'); // never throws
        } catch (e) {
          throw new Error(`render threw: ${String(e)}`);
        }
      };
      const failures = fuzzParser(seeds, parseAndRender, isFormatError, { iterations: 2500, seed, maxMs: 500 });
      expect(failures).toEqual([]);
    });
  }
});
