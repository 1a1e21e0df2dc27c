/**
 * The string tables of a Mach-O slice (byte ranges, decoded on demand) against the decoded
 * accessors and against a plain byte loop, and the iOS collector's sieve that decodes only the
 * strings that may hold a host or be wanted: it must never miss one, and must skip the rest.
 */
import { describe, expect, it } from 'vitest';
import { parseMachO, type MachOSlice, type MachOStringTable } from '../../src/formats/macho.js';
import { forEachDottedOrWanted, forEachWanted, StringSieve } from '../../src/bundle/ios/strings.js';
import { hostsInString } from '../../src/evidence/hosts.js';
import { buildMachO, sampleMachOInput } from '../../src/testing/macho-writer.js';
import { mutantAt } from '../../src/testing/fuzz.js';

const enc = new TextEncoder();

/** Replaces every occurrence of the ASCII `marker` by `bytes` of the same length. */
function patch(data: Uint8Array, marker: string, bytes: number[]): void {
  const m = enc.encode(marker);
  expect(m.length).toBe(bytes.length);
  outer: for (let i = 0; i + m.length <= data.length; i++) {
    for (let k = 0; k < m.length; k++) if (data[i + k] !== m[k]) continue outer;
    data.set(bytes, i);
  }
}

/** A binary whose __cstring holds ASCII, UTF-8, a BOM before a wanted string, malformed bytes, dots and URLs. */
function tricky(): Uint8Array {
  const bytes = buildMachO(
    sampleMachOInput({
      cStrings: [
        'email',
        '@@@user_link', // a byte order mark, then a wanted string: the decoder drops the mark
        'user_links', // one byte too long
        'usex_link',
        'héllo',
        'h#llo', // 0xff: malformed, decodes to U+FFFD
        'see https://sdk.example.io/v1',
        'cdn.example.com',
        'no dots here',
        'pages_show_list',
        '%@.%@',
        'tracker.ads.ru',
        'https://xn--80ak6aa92e.com/?q=1',
        'https://[::1]:80/',
        '…wide…',
      ],
      selectors: ['init', 'startUpdatingLocation', 'logEvent:', 'requestAlwaysAuthorization', 'xinit'],
    }),
  );
  patch(bytes, '@@@', [0xef, 0xbb, 0xbf]);
  patch(bytes, 'h#llo', [0x68, 0xff, 0x6c, 0x6c, 0x6f]);
  return bytes;
}

/** The strings of a section as the accessors defined them before the tables: a byte at a time. */
function referenceStrings(slice: MachOSlice, bytes: Uint8Array, sectname: string, maxLen = 4096): string[] {
  const sec = slice.section(sectname, '__TEXT');
  if (!sec) return [];
  const out: string[] = [];
  const end = slice.offset + sec.offset + sec.size;
  let at = slice.offset + sec.offset;
  while (at < end) {
    if (bytes[at] === 0) {
      at++;
      continue;
    }
    let e = at;
    while (e < end && bytes[e] !== 0) e++;
    out.push(new TextDecoder().decode(bytes.subarray(at, Math.min(e, at + maxLen))));
    at = e + 1;
  }
  return out;
}

function texts(t: MachOStringTable): string[] {
  return Array.from({ length: t.count }, (_, i) => t.text(i));
}

describe('Mach-O string tables', () => {
  it('hold the strings of the decoded accessors, as byte ranges of the input', () => {
    const bytes = tricky();
    const slice = parseMachO(bytes).slices[0];
    const table = slice.cStringTable();
    expect(table.bytes.buffer).toBe(bytes.buffer);
    expect(texts(table)).toEqual(slice.cStrings());
    expect(texts(table)).toEqual(referenceStrings(slice, bytes, '__cstring'));
    expect(texts(table)).toContain('\ufeffuser_link'.slice(1)); // the mark is dropped, as TextDecoder does
    expect(texts(table)).toContain('h\ufffdllo');
    expect(texts(slice.objcSelectorTable())).toEqual(slice.objcSelectorNames());
    expect(texts(slice.objcSelectorTable())).toEqual(referenceStrings(slice, bytes, '__objc_methname'));
    for (let i = 0; i < table.count; i++) {
      const dot = table.indexOf(0x2e, table.starts[i]);
      expect(dot < 0 || bytes[dot] === 0x2e).toBe(true);
    }
  });

  it('apply the same limits and anomalies as the accessors', () => {
    const bytes = tricky();
    const limited = parseMachO(bytes, { maxStrings: 4, maxStringLength: 6 });
    const a = limited.slices[0].cStringTable();
    expect(texts(a)).toEqual(['email', 'use', 'user_l', 'usex_l']); // the mark and 'use' make 6 bytes
    expect(a.ends[0] - a.starts[0]).toBe(5);
    const codes = limited.anomalies.map((x) => x.code);
    expect(codes).toContain('macho-too-many-strings');
    expect(codes).toContain('macho-string-too-long');
    const again = parseMachO(bytes, { maxStrings: 4, maxStringLength: 6 });
    again.slices[0].cStrings();
    expect(again.anomalies).toEqual(limited.anomalies);
  });

  it('agree with the byte loop on mutated binaries', () => {
    const seeds = [tricky(), buildMachO(sampleMachOInput())];
    let compared = 0;
    for (let it = 0; it < 400; it++) {
      const bytes = mutantAt(seeds, 7, it);
      let slices: MachOSlice[];
      try {
        slices = parseMachO(bytes).slices;
      } catch {
        continue;
      }
      for (const s of slices) {
        expect(texts(s.cStringTable())).toEqual(s.cStrings());
        expect(texts(s.objcSelectorTable())).toEqual(s.objcSelectorNames());
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('decode only the symbols selected by n_type, with the anomalies of the whole table', () => {
    const bytes = buildMachO(sampleMachOInput({ importedSymbols: ['_OBJC_CLASS_$_CLLocationManager', '_stat'] }));
    const undef = (t: number) => (t & 0x0e) === 0 && (t & 1) !== 0;
    const all = parseMachO(bytes).slices[0].symbols();
    const some = parseMachO(bytes).slices[0].symbols(undef);
    expect(some).toEqual(all.filter((s) => undef(s.type)));
    expect(some.length).toBeGreaterThan(0);
    expect(some.length).toBeLessThan(all.length);
    // a defined symbol whose name points past the string table is counted though it is not decoded
    const st = parseMachO(bytes).slices[0].symtab!;
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(st.symoff, st.strsize + 100, true);
    const a = parseMachO(bytes);
    const b = parseMachO(bytes);
    a.slices[0].symbols();
    b.slices[0].symbols(undef);
    expect(b.anomalies.map((x) => x.code)).toEqual(['macho-symbol-name-outside']);
    expect(b.anomalies).toEqual(a.anomalies);
  });
});

describe('the string sieve of the iOS collector', () => {
  const wanted = new Set(['email', 'user_link', 'pages_show_list', 'héllo', 'missing_one', 'lone\ud800']);

  it('visits every string that is wanted or holds a host, and no string without a dot that is not wanted', () => {
    const slice = parseMachO(tricky()).slices[0];
    const table = slice.cStringTable();
    const visited: string[] = [];
    forEachDottedOrWanted(table, new StringSieve(wanted), (i) => visited.push(table.text(i)));
    const all = slice.cStrings();
    const needed = all.filter((s) => wanted.has(s) || hostsInString(s).length > 0);
    expect(needed).toEqual(expect.arrayContaining(['email', 'user_link', 'héllo', 'pages_show_list', 'cdn.example.com', 'tracker.ads.ru']));
    for (const s of needed) expect(visited).toContain(s);
    expect(visited).toEqual(all.filter((s) => wanted.has(s) || s.includes('.')));
    expect(visited).not.toContain('no dots here');
    expect(visited).not.toContain('user_links');
  });

  it('tests every string when a wanted string holds U+FFFD (malformed bytes of any length decode to it)', () => {
    const slice = parseMachO(tricky()).slices[0];
    const found: string[] = [];
    forEachWanted(slice.cStringTable(), new StringSieve(new Set(['h\ufffdllo'])), (s) => found.push(s));
    expect(found).toEqual(['h\ufffdllo']);
  });

  it('finds the wanted selectors of a binary', () => {
    const slice = parseMachO(tricky()).slices[0];
    const found: string[] = [];
    forEachWanted(slice.objcSelectorTable(), new StringSieve(new Set(['init', 'logEvent:', 'stopUpdatingLocation'])), (s) => found.push(s));
    expect(found.sort()).toEqual(['init', 'logEvent:']);
  });
});
