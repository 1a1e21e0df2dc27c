/**
 * The input's SHA-256 hashed on a second thread while the scan reads the bundle (src/file-hash.ts):
 * the same digest as sha256sum, the same errors as hashing before the scan, no worker left behind.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackscanError } from '../src/errors.js';
import { hashFile, startFileHash, WORKER_HASH_MIN_BYTES } from '../src/file-hash.js';
import { Scanner, startInputHash } from '../src/scan.js';
import { appFiles, IOS_FIXTURES } from '../src/testing/ios-samples.js';
import { writeZip } from '../src/testing/zip-writer.js';
import { ensureBuilt, root } from './batch/helpers.js';

let dir: string;
let bigIpa: string;
let bigJunk: string;
let bigZip: string;

function sha256sum(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

/** descriptors of this process open on `file` */
function openOn(file: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === file) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

/** The error a call throws (fails the test when it throws none). */
function thrown(f: () => unknown): TrackscanError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TrackscanError);
    return e as TrackscanError;
  }
  throw new Error('no error thrown');
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trackscan-hash-'));
  // an IPA above the threshold: a fixture app plus a stored asset the scan lists but never reads
  const spec = IOS_FIXTURES.find((f) => f.name === 'ios-swift.ipa')!.spec();
  const prefix = `Payload/${spec.name}.app/`;
  const entries = appFiles(spec).map((f) => ({ name: prefix + f.path, data: f.data }));
  entries.push({ name: `${prefix}Assets.car`, data: randomBytes(WORKER_HASH_MIN_BYTES + 1024), compress: false } as (typeof entries)[number]);
  bigIpa = path.join(dir, 'big.ipa');
  writeFileSync(bigIpa, writeZip(entries));
  bigZip = path.join(dir, 'big.zip');
  writeFileSync(bigZip, writeZip([{ name: 'data.bin', data: randomBytes(WORKER_HASH_MIN_BYTES + 1024), compress: false }]));
  bigJunk = path.join(dir, 'big.bin');
  writeFileSync(bigJunk, randomBytes(WORKER_HASH_MIN_BYTES + 4096));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the file hash', () => {
  it('equals sha256sum in a worker (a file above the threshold) and inline (below it)', () => {
    const expected = sha256sum(bigJunk);
    const big = startFileHash(bigJunk, WORKER_HASH_MIN_BYTES, true);
    expect(big.inWorker).toBe(true);
    expect(big.result()).toEqual({ size: WORKER_HASH_MIN_BYTES + 4096, sha256: expected });

    const small = path.join(dir, 'small.bin');
    writeFileSync(small, randomBytes(3000));
    const inline = startFileHash(small);
    expect(inline.inWorker).toBe(false);
    expect(inline.result()).toEqual({ size: 3000, sha256: sha256sum(small) });
    // a worker forced for a small file, and an empty file
    expect(startFileHash(small, 0, true).result().sha256).toBe(sha256sum(small));
    const empty = path.join(dir, 'empty.bin');
    writeFileSync(empty, '');
    expect(startFileHash(empty, 0, true).result()).toEqual({ size: 0, sha256: sha256sum(empty) });
  });

  it('gives the IO errors of hashing inline: a missing file, an unreadable one', () => {
    const missing = path.join(dir, 'gone.ipa');
    const before = thrown(() => hashFile(missing));
    const now = thrown(() => startFileHash(missing, 0));
    expect(now.code).toBe('IO');
    expect(now.message).toBe('cannot open: ENOENT');
    expect(now.message).toBe(before.message);
    expect(now.file).toBe(missing);

    // a directory opens but cannot be read: the worker's read fails
    const pending = startFileHash(dir, 0, true);
    expect(pending.inWorker).toBe(true);
    const e = thrown(() => pending.result());
    expect(e.code).toBe('IO');
    expect(e.message).toBe('cannot read: EISDIR');
    expect(e.message).toBe(thrown(() => hashFile(dir)).message);
    expect(e.file).toBe(dir);
  });

  it('a cancelled hash stops its worker and closes the file', () => {
    expect(openOn(bigJunk)).toBe(0);
    const pending = startFileHash(bigJunk, WORKER_HASH_MIN_BYTES, true);
    expect(openOn(bigJunk)).toBe(1);
    expect(pending.cancel()).toBeUndefined();
    expect(openOn(bigJunk)).toBe(0);
    const done = startFileHash(bigJunk, WORKER_HASH_MIN_BYTES, true);
    done.result();
    expect(openOn(bigJunk)).toBe(0);
    // a hash that fails: cancelled before its first read it says nothing, after it its error
    // (which the scan then reports, as when the file was hashed before the scan)
    const failing = startFileHash(dir, 0, true);
    expect([undefined, 'cannot read: EISDIR']).toContain(failing.cancel()?.message);
    expect(openOn(dir)).toBe(0);
  });
});

describe('Scanner.scanFile with the hash overlapped', () => {
  const scanner = new Scanner();

  it('reports the SHA-256 of sha256sum for an IPA above the threshold, and the same report as an inline hash', () => {
    const report = scanner.scanFile(bigIpa);
    expect(report.input.sha256).toBe(sha256sum(bigIpa));
    expect(report.input.size).toBe(hashFile(bigIpa).size);
    const known = scanner.scanFile(bigIpa, { known: hashFile(bigIpa) });
    expect(JSON.stringify(known)).toBe(JSON.stringify(report));
  });

  it('collects a hash its caller started before building the Scanner', () => {
    const hash = startInputHash(bigIpa, true)!;
    expect(hash.inWorker).toBe(true);
    const report = scanner.scanFile(bigIpa, { hash });
    expect(report.input.sha256).toBe(sha256sum(bigIpa));
    expect(openOn(bigIpa)).toBe(0);
    expect(startInputHash(dir)).toBeUndefined();
    expect(startInputHash(path.join(dir, 'gone.ipa'))).toBeUndefined();
    // a hash passed with a known digest is abandoned (its file closed)
    const unused = startInputHash(bigIpa, true)!;
    expect(scanner.scanFile(bigIpa, { hash: unused, known: { size: 1, sha256: '0'.repeat(64) } }).input.sha256).toBe('0'.repeat(64));
    expect(openOn(bigIpa)).toBe(0);
  });

  it('uses the known digest of a batch as it is, without hashing', () => {
    const report = scanner.scanFile(bigIpa, { known: { size: 1, sha256: 'f'.repeat(64) }, timing: true });
    expect(report.input.sha256).toBe('f'.repeat(64));
    expect(report.timing?.hash).toBeLessThan(5);
  });

  it('a bundle that fails to open or to scan stops the hash and reports the scan error; a missing file the open error', () => {
    expect(thrown(() => scanner.scanFile(bigJunk)).code).toBe('ARCHIVE_INVALID');
    expect(openOn(bigJunk)).toBe(0);
    expect(thrown(() => scanner.scanFile(bigZip)).code).toBe('NOT_A_BUNDLE');
    expect(openOn(bigZip)).toBe(0);
    const gone = thrown(() => scanner.scanFile(path.join(dir, 'gone.ipa')));
    expect([gone.code, gone.message]).toEqual(['IO', 'cannot open: ENOENT']);
  });

  it('lets the process exit at once after a scan, even one whose hash was abandoned', () => {
    ensureBuilt();
    const script = `
      const { Scanner } = await import(${JSON.stringify(path.join(root, 'dist/scan.js'))});
      const s = new Scanner();
      const r = s.scanFile(${JSON.stringify(bigIpa)});
      try { s.scanFile(${JSON.stringify(bigZip)}); } catch (e) { process.stdout.write(e.code + ' '); }
      process.stdout.write(r.input.sha256);
    `;
    // --input-type=module is also a flag the worker must not inherit (its source is CommonJS)
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    // well under the 10 s after which a worker that never started is given up on
    expect(Date.now() - started).toBeLessThan(8000);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(`NOT_A_BUNDLE ${sha256sum(bigIpa)}`);
    expect(child.status).toBe(0);
  });
});
