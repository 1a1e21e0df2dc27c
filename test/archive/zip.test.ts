import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { ZipArchive } from '../../src/archive/zip.js';
import { TrackscanError } from '../../src/errors.js';
import { writeZip } from '../../src/testing/zip-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';
import { realApks } from '../helpers/tools.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const codes = (z: ZipArchive) => z.anomalies.map((a) => a.code);

function expectError(fn: () => unknown, code: string): TrackscanError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrackscanError);
    expect((e as TrackscanError).code).toBe(code);
    return e as TrackscanError;
  }
  throw new Error(`expected a ${code} error`);
}

describe('zip archive: well-formed input', () => {
  it('lists and reads a jszip-built archive, stored and deflated', async () => {
    const zip = new JSZip();
    zip.file('AndroidManifest.xml', 'manifest bytes', { compression: 'DEFLATE' });
    zip.file('classes.dex', new Uint8Array(5000).fill(7), { compression: 'DEFLATE' });
    zip.file('assets/a.txt', 'stored', { compression: 'STORE' });
    zip.file('res/raw/ünïcode.txt', 'named in UTF-8');
    const bytes = await zip.generateAsync({ type: 'uint8array' });
    const z = ZipArchive.fromBytes(bytes, 'x.apk');
    expect(z.list().sort()).toEqual(['AndroidManifest.xml', 'assets/', 'assets/a.txt', 'classes.dex', 'res/', 'res/raw/', 'res/raw/ünïcode.txt'].sort());
    expect(text(z.read('AndroidManifest.xml'))).toBe('manifest bytes');
    expect(Array.from(z.read('classes.dex'))).toEqual(Array.from(new Uint8Array(5000).fill(7)));
    expect(text(z.read('assets/a.txt'))).toBe('stored');
    expect(text(z.read('res/raw/ünïcode.txt'))).toBe('named in UTF-8');
    expect(z.anomalies).toEqual([]);
  });

  it('reads from a file by random access', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ts-zip-'));
    const file = path.join(dir, 'a.zip');
    writeFileSync(file, writeZip([{ name: 'a', data: 'alpha' }, { name: 'b', data: 'beta', compress: false }]));
    const z = ZipArchive.openFile(file);
    expect(text(z.read('b'))).toBe('beta');
    expect(text(z.read('a'))).toBe('alpha');
    z.close();
  });

  it('reads an archive with a maximum-size comment', () => {
    const comment = 'c'.repeat(0xffff);
    const z = ZipArchive.fromBytes(writeZip([{ name: 'a', data: 'x' }], { comment }), 'c.zip');
    expect(text(z.read('a'))).toBe('x');
    expect(z.anomalies).toEqual([]);
  });

  it('reads ZIP64 end records and extra fields', () => {
    const z = ZipArchive.fromBytes(writeZip([{ name: 'a', data: 'one' }, { name: 'b', data: 'two' }], { zip64: true }), 'z64.zip');
    expect(z.list()).toEqual(['a', 'b']);
    expect(text(z.read('b'))).toBe('two');
    expect(z.anomalies).toEqual([]);
  });

  it('opens an archive nested inside another from memory', () => {
    const inner = writeZip([{ name: 'AndroidManifest.xml', data: 'inner manifest' }]);
    const outer = ZipArchive.fromBytes(writeZip([{ name: 'base.apk', data: inner, compress: false }]), 'set.apks');
    const nested = outer.openNested('base.apk');
    expect(nested.name).toBe('set.apks!base.apk');
    expect(text(nested.read('AndroidManifest.xml'))).toBe('inner manifest');
  });
});

describe('zip archive: Android leniency (value plus anomaly)', () => {
  it('ignores the encrypted flag on plain entries, as Android does', () => {
    const z = ZipArchive.fromBytes(writeZip([{ name: 'AndroidManifest.xml', data: 'plain', flags: 1 }]), 'enc.apk');
    expect(text(z.read('AndroidManifest.xml'))).toBe('plain');
    expect(codes(z)).toContain('encrypted-flag-ignored');
  });

  it('trusts the central directory when the local header disagrees', () => {
    const z = ZipArchive.fromBytes(
      writeZip([{ name: 'AndroidManifest.xml', localName: 'decoy-name-that-is-longer.xml', data: 'real', localMethod: 0 }]),
      'lh.apk',
    );
    expect(z.list()).toEqual(['AndroidManifest.xml']);
    expect(text(z.read('AndroidManifest.xml'))).toBe('real');
    expect(codes(z)).toContain('local-header-mismatch');
  });

  it('reads an entry with an unknown compression method that is really stored', () => {
    const z = ZipArchive.fromBytes(writeZip([{ name: 'classes.dex', data: 'dex!', compress: false, methodOverride: 0x1234 }]), 'm.apk');
    expect(text(z.read('classes.dex'))).toBe('dex!');
    expect(codes(z)).toContain('unknown-compression-method');
  });

  it('records CRC and size mismatches without failing', () => {
    const z = ZipArchive.fromBytes(writeZip([{ name: 'a', data: 'abc', crcOverride: 1, sizeOverride: 2 }]), 'crc.zip');
    expect(text(z.read('a'))).toBe('abc');
    expect(codes(z)).toEqual(expect.arrayContaining(['entry-crc-mismatch', 'entry-size-mismatch']));
  });

  it('uses the first of duplicate names and says so', () => {
    const z = ZipArchive.fromBytes(writeZip([{ name: 'a', data: 'first' }, { name: 'a', data: 'second' }]), 'dup.zip');
    expect(z.list()).toEqual(['a', 'a']);
    expect(text(z.read('a'))).toBe('first');
    expect(codes(z)).toContain('duplicate-entry');
  });

  it('flags names that are absolute, climb out, or hold control characters', () => {
    const z = ZipArchive.fromBytes(
      writeZip([{ name: '../../etc/passwd', data: 'x' }, { name: '/abs', data: 'y' }, { name: 'nul\0name', data: 'z' }, { name: 'cr\rname', data: 'w' }]),
      'names.zip',
    );
    expect(codes(z).filter((c) => c === 'entry-name-path-traversal')).toHaveLength(2);
    expect(codes(z).filter((c) => c === 'entry-name-control-character')).toHaveLength(2);
    expect(text(z.read('nul\0name'))).toBe('z');
  });

  it('finds a central directory whose offset is wrong (prepended data)', () => {
    const z = ZipArchive.fromBytes(writeZip([{ name: 'a', data: 'x' }], { cdOffsetOverride: 5_000_000 }), 'pre.zip');
    expect(text(z.read('a'))).toBe('x');
    expect(codes(z)).toContain('central-directory-offset-wrong');
  });

  it('follows the end record count when the directory holds more, and says so', () => {
    const z = ZipArchive.fromBytes(writeZip([{ name: 'a', data: 'x' }, { name: 'b', data: 'y' }], { countOverride: 1 }), 'count.zip');
    expect(z.list()).toEqual(['a']);
    expect(codes(z)).toContain('entry-count-mismatch');
    const z2 = ZipArchive.fromBytes(writeZip([{ name: 'a', data: 'x' }], { countOverride: 500 }), 'count2.zip');
    expect(z2.list()).toEqual(['a']);
    expect(codes(z2)).toContain('entry-count-mismatch');
  });

  it('records trailing bytes after the end record', () => {
    const bytes = writeZip([{ name: 'a', data: 'x' }]);
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes);
    const z = ZipArchive.fromBytes(padded, 'trail.zip');
    expect(text(z.read('a'))).toBe('x');
    expect(codes(z)).toContain('eocd-comment-length-mismatch');
  });
});

describe('zip archive: unreadable and hostile input (typed errors)', () => {
  it('rejects a file that is not a zip', () => {
    expectError(() => ZipArchive.fromBytes(new TextEncoder().encode('this is not a zip archive at all, just text'), 'x.apk'), 'ARCHIVE_INVALID');
    expectError(() => ZipArchive.fromBytes(new Uint8Array(3), 'tiny.apk'), 'ARCHIVE_INVALID');
  });

  it('rejects a truncated archive with a named error', () => {
    const bytes = writeZip([{ name: 'a', data: 'x'.repeat(1000) }, { name: 'b', data: 'y' }]);
    const e = expectError(() => ZipArchive.fromBytes(bytes.subarray(0, bytes.length - 30), 'trunc.apk'), 'ARCHIVE_INVALID');
    expect(e.file).toBe('trunc.apk');
  });

  it('names the entry when its data is corrupt', () => {
    const bytes = writeZip([{ name: 'classes.dex', data: 'x'.repeat(1000) }]);
    bytes.fill(0xff, 31 + 'classes.dex'.length, 40 + 'classes.dex'.length);
    const z = ZipArchive.fromBytes(bytes, 'bad.apk');
    const e = expectError(() => z.read('classes.dex'), 'ENTRY_UNREADABLE');
    expect(e.file).toBe('bad.apk!classes.dex');
  });

  it('stops a high-ratio entry at the per-entry limit', () => {
    const big = new Uint8Array(20 * 1024 * 1024);
    const z = ZipArchive.fromBytes(writeZip([{ name: 'bomb', data: big, sizeOverride: 10 }]), 'bomb.zip', { maxEntrySize: 1024 * 1024 });
    expectError(() => z.read('bomb'), 'ARCHIVE_LIMIT');
  });

  it('stops an overlapping-entry bomb at the total limit', () => {
    const big = new Uint8Array(4 * 1024 * 1024);
    const entries = [{ name: 'kernel', data: big }, ...Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, data: '', shareDataWith: 0 }))];
    const z = ZipArchive.fromBytes(writeZip(entries), 'overlap.zip', { maxTotalInflated: 64 * 1024 * 1024 });
    expect(codes(z)).toContain('overlapping-entries');
    expect(() => {
      for (const name of z.list()) z.read(name);
    }).toThrow(/total limit/);
  });

  it('bounds nesting depth', () => {
    let bytes = writeZip([{ name: 'leaf', data: 'x' }]);
    for (let i = 0; i < 5; i++) bytes = writeZip([{ name: 'inner.zip', data: bytes, compress: false }]);
    let z = ZipArchive.fromBytes(bytes, 'nest.zip', { maxNesting: 3 });
    const e = expectError(() => {
      for (let i = 0; i < 5; i++) z = z.openNested('inner.zip');
    }, 'ARCHIVE_LIMIT');
    expect(e.message).toMatch(/nested deeper/);
  });

  it('reports a missing entry as ENTRY_NOT_FOUND', () => {
    const z = ZipArchive.fromBytes(writeZip([{ name: 'a', data: 'x' }]), 'a.zip');
    expectError(() => z.read('nope'), 'ENTRY_NOT_FOUND');
  });

  it('never throws anything but a TrackscanError on mutated archives (fuzz)', () => {
    const seeds = [
      writeZip([{ name: 'AndroidManifest.xml', data: 'm'.repeat(300) }, { name: 'classes.dex', data: deflateRawSync(new Uint8Array(2000)), compress: false }]),
      writeZip([{ name: 'a', data: 'x' }, { name: 'b', data: 'y' }], { zip64: true }),
      writeZip([{ name: 'a', data: 'hello world hello world' }], { comment: 'comment' }),
    ];
    const failures = fuzzParser(
      seeds,
      (bytes) => {
        const z = ZipArchive.fromBytes(bytes, 'fuzz.zip', { maxTotalInflated: 64 * 1024 * 1024, maxEntrySize: 16 * 1024 * 1024 });
        for (const entry of z.entries) {
          try {
            z.read(entry);
          } catch (e) {
            if (!(e instanceof TrackscanError)) throw e;
          }
        }
      },
      (e) => e instanceof TrackscanError,
      { iterations: 3000, seed: 1234 },
    );
    expect(failures).toEqual([]);
  });
});

describe('zip archive: real APKs agree with an independent reader', () => {
  const apks = realApks();
  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python || apks.length === 0)('lists the same entries as python zipfile and inflates every one', () => {
    for (const apk of apks) {
      const out = spawnSync('python3', ['-c', 'import sys,zipfile\nfor n in zipfile.ZipFile(sys.argv[1]).namelist(): print(n)', apk.path], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      const expected = out.stdout.split('\n').filter(Boolean);
      const z = ZipArchive.openFile(apk.path);
      expect(z.list(), apk.name).toEqual(expected);
      for (const entry of z.entries) expect(z.read(entry).length).toBe(entry.size);
      expect(z.anomalies, apk.name).toEqual([]);
      z.close();
    }
  });
});
