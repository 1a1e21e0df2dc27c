import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import {
  APK_SIGNATURE_SCHEME_V2_BLOCK_ID,
  APK_SIGNATURE_SCHEME_V31_BLOCK_ID,
  APK_SIGNATURE_SCHEME_V3_BLOCK_ID,
  PROOF_OF_ROTATION_ATTR_ID,
  V2_SOURCE_STAMP_BLOCK_ID,
  VERITY_PADDING_BLOCK_ID,
  apkSigningBlockLength,
  describeCertificate,
  parseApkSigningBlock,
  signingBlockIdName,
} from '../../src/formats/signing.js';
import { DER_MAX_DEPTH, parsePkcs7Certificates, readDerElement } from '../../src/formats/pkcs7.js';
import { buildApkSigningBlock, buildPkcs7SignedData, buildSelfSignedCertificate, der, type TestCertificate } from '../../src/testing/signing-writer.js';
import { fuzzParser } from '../helpers/fuzz.js';
import { realApks, requireTool, runTool } from '../helpers/tools.js';

let rsa: TestCertificate;
let ec: TestCertificate;
let old: TestCertificate;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const codes = (a: { code: string }[]) => a.map((x) => x.code);
/** Fake zip entry data before the block, as in a real file. */
const ZIP_PREFIX = new Uint8Array(300).fill(0x50);
const withPrefix = (block: Uint8Array) => {
  const out = new Uint8Array(ZIP_PREFIX.length + block.length);
  out.set(ZIP_PREFIX);
  out.set(block, ZIP_PREFIX.length);
  return out;
};

beforeAll(() => {
  rsa = buildSelfSignedCertificate({
    key: 'rsa',
    subject: [
      ['C', 'US'],
      ['O', 'Tracker Inc'],
      ['CN', 'Release Key'],
    ],
    serial: 0xdeadbeefn,
    notBefore: new Date(Date.UTC(2020, 1, 29, 12, 0, 0)),
    notAfter: new Date(Date.UTC(2070, 11, 31, 23, 59, 59)),
  });
  ec = buildSelfSignedCertificate({ key: 'ec', subject: [['CN', 'EC Key']] });
  old = buildSelfSignedCertificate({ key: 'ec', subject: [['CN', 'Old Key']], serial: 7n });
});

describe('parseApkSigningBlock', () => {
  it('returns found: false when there is no block', () => {
    const r = parseApkSigningBlock(new Uint8Array(100));
    expect(r).toEqual({ found: false, blockIds: [], schemes: {}, anomalies: [] });
    expect(parseApkSigningBlock(new Uint8Array(0)).found).toBe(false);
    expect(apkSigningBlockLength(new Uint8Array(10))).toBeUndefined();
  });

  it('reads a v2-only block', () => {
    const block = buildApkSigningBlock({ v2: [{ certificates: [rsa.der], publicKey: rsa.publicKeyDer }] });
    expect(apkSigningBlockLength(withPrefix(block))).toBe(block.length);
    const r = parseApkSigningBlock(withPrefix(block));
    expect(r.found).toBe(true);
    expect(r.anomalies).toEqual([]);
    expect(r.offset).toBe(ZIP_PREFIX.length);
    expect(r.length).toBe(block.length);
    expect(r.blockIds).toEqual([APK_SIGNATURE_SCHEME_V2_BLOCK_ID]);
    expect(Object.keys(r.schemes)).toEqual(['v2']);
    const [signer] = r.schemes.v2!;
    expect(signer.certificates.map(sha256)).toEqual([sha256(rsa.der)]);
    expect(signer.minSdk).toBeUndefined();
    expect(signer.digestAlgorithmIds).toEqual([0x0103]);
    expect(signer.signatureAlgorithmIds).toEqual([0x0103]);
    expect(Buffer.from(signer.publicKey!).equals(Buffer.from(rsa.publicKeyDer))).toBe(true);
  });

  it('reads a v3-only block with SDK range and proof-of-rotation lineage', () => {
    const block = buildApkSigningBlock({ v3: [{ certificates: [ec.der], minSdk: 28, maxSdk: 33, lineage: [old.der, ec.der] }] });
    const r = parseApkSigningBlock(block);
    expect(r.anomalies).toEqual([]);
    expect(r.blockIds).toEqual([APK_SIGNATURE_SCHEME_V3_BLOCK_ID]);
    const [signer] = r.schemes.v3!;
    expect(signer).toMatchObject({ minSdk: 28, maxSdk: 33, attributeIds: [PROOF_OF_ROTATION_ATTR_ID] });
    expect(signer.certificates.map(sha256)).toEqual([sha256(ec.der)]);
    expect(signer.lineage!.map((n) => sha256(n.certificate))).toEqual([sha256(old.der), sha256(ec.der)]);
    expect(signer.lineage![0]).toMatchObject({ flags: 0x1f, signatureAlgorithmId: 0x0103 });
  });

  it('reads v2 + v3 + v3.1 with several signers, verity padding and unknown pairs', () => {
    const block = buildApkSigningBlock({
      v2: [{ certificates: [rsa.der, old.der] }, { certificates: [ec.der] }],
      v3: [{ certificates: [rsa.der] }],
      v31: [{ certificates: [ec.der], minSdk: 33 }],
      pairs: [
        { id: V2_SOURCE_STAMP_BLOCK_ID, value: new Uint8Array(10) },
        { id: 0x12345678, value: new Uint8Array(0) },
      ],
      verityPadding: true,
    });
    expect(block.length % 4096).toBe(0);
    const r = parseApkSigningBlock(withPrefix(block));
    expect(r.anomalies).toEqual([]);
    expect(r.blockIds).toEqual([
      APK_SIGNATURE_SCHEME_V2_BLOCK_ID,
      APK_SIGNATURE_SCHEME_V3_BLOCK_ID,
      APK_SIGNATURE_SCHEME_V31_BLOCK_ID,
      V2_SOURCE_STAMP_BLOCK_ID,
      0x12345678,
      VERITY_PADDING_BLOCK_ID,
    ]);
    expect(r.blockIds.map(signingBlockIdName)).toEqual(['v2', 'v3', 'v3.1', 'source-stamp-v2', 'unknown', 'verity-padding']);
    expect(r.schemes.v2!.map((s) => s.certificates.map(sha256))).toEqual([[sha256(rsa.der), sha256(old.der)], [sha256(ec.der)]]);
    expect(r.schemes.v3!.map((s) => s.certificates.map(sha256))).toEqual([[sha256(rsa.der)]]);
    expect(r.schemes.v31![0]).toMatchObject({ minSdk: 33, maxSdk: 0x7fffffff });
  });

  it('recovers from a footer size that lies, by the header size', () => {
    const block = buildApkSigningBlock({ v2: [{ certificates: [rsa.der] }], sizeInFooter: 0xffffffffffn });
    const r = parseApkSigningBlock(withPrefix(block));
    expect(codes(r.anomalies)).toEqual(['apk-signing-block-size-out-of-range', 'apk-signing-block-recovered']);
    expect(r.offset).toBe(ZIP_PREFIX.length);
    expect(r.schemes.v2![0].certificates.map(sha256)).toEqual([sha256(rsa.der)]);
  });

  it('reports a header size that disagrees with the footer and trusts the footer', () => {
    const block = buildApkSigningBlock({ v2: [{ certificates: [rsa.der] }], sizeInHeader: 12n });
    const r = parseApkSigningBlock(withPrefix(block));
    expect(codes(r.anomalies)).toEqual(['apk-signing-block-size-mismatch']);
    expect(r.schemes.v2![0].certificates).toHaveLength(1);
  });

  it('reports a truncated block (input starts inside it) without throwing', () => {
    const block = buildApkSigningBlock({ v2: [{ certificates: [rsa.der] }] });
    const r = parseApkSigningBlock(block.subarray(100));
    expect(r.found).toBe(true);
    expect(codes(r.anomalies)).toEqual(['apk-signing-block-size-out-of-range', 'apk-signing-block-truncated']);
    expect(r.schemes).toEqual({});
  });

  it('keeps the pairs before a pair whose length lies', () => {
    const block = buildApkSigningBlock({
      v2: [{ certificates: [rsa.der] }],
      pairs: [{ id: 0x11111111, value: new Uint8Array(20) }],
    });
    // the unknown pair is last: its uint64 length sits 8 + 4 + 20 + 24 bytes before the end
    const lenAt = block.length - 24 - 20 - 4 - 8;
    new DataView(block.buffer, block.byteOffset).setBigUint64(lenAt, 1n << 40n, true);
    const r = parseApkSigningBlock(block);
    expect(codes(r.anomalies)).toEqual(['apk-signing-block-pair-length']);
    expect(r.blockIds).toEqual([APK_SIGNATURE_SCHEME_V2_BLOCK_ID]);
    expect(r.schemes.v2![0].certificates).toHaveLength(1);
  });

  it('keeps whole signers when a later signer is damaged, and flags SDK copies that differ', () => {
    const good = buildApkSigningBlock({ v3: [{ certificates: [rsa.der] }, { certificates: [ec.der] }] });
    // corrupt the public key length of the last signer: the last lp before the footer
    const damaged = new Uint8Array(good);
    // public key is 8 placeholder bytes prefixed by uint32 length; it ends where the pair ends (24 before the end)
    new DataView(damaged.buffer).setUint32(damaged.length - 24 - 8 - 4, 0x7fffffff, true);
    const r = parseApkSigningBlock(damaged);
    expect(codes(r.anomalies)).toEqual(['apk-signer-unreadable']);
    expect(r.schemes.v3!.map((s) => s.certificates.map(sha256))).toEqual([[sha256(rsa.der)], [sha256(ec.der)]]);

    const mismatch = buildApkSigningBlock({ v3: [{ certificates: [rsa.der], minSdk: 24 }] });
    // the signed-data copy of minSDK is inside; the outer copy follows the signed data. Find the
    // second occurrence of (24, 0x7fffffff) and change it.
    const dv = new DataView(mismatch.buffer);
    const hits: number[] = [];
    for (let i = 0; i + 8 <= mismatch.length; i++) if (dv.getUint32(i, true) === 24 && dv.getUint32(i + 4, true) === 0x7fffffff) hits.push(i);
    expect(hits).toHaveLength(2);
    dv.setUint32(hits[1], 21, true);
    const m = parseApkSigningBlock(mismatch);
    expect(codes(m.anomalies)).toEqual(['apk-signer-sdk-mismatch']);
    expect(m.schemes.v3![0].minSdk).toBe(24);
  });

  it('accepts the empty element apksig writes after v2 attributes, and flags other trailing bytes', () => {
    const block = buildApkSigningBlock({ v2: [{ certificates: [ec.der], attributes: [{ id: 0xbeeff00d, value: Uint8Array.of(3, 0, 0, 0) }] }] });
    expect(parseApkSigningBlock(block).anomalies).toEqual([]);
    // turn the trailing empty element (uint32 0) into a uint32 1: 4 stray bytes
    const dv = new DataView(block.buffer);
    let at = -1;
    for (let i = 0; i + 12 <= block.length; i++) if (dv.getUint32(i, true) === 0xbeeff00d && dv.getUint32(i + 8, true) === 0) at = i + 8;
    dv.setUint32(at, 1, true);
    expect(codes(parseApkSigningBlock(block).anomalies)).toEqual(['apk-signer-trailing-data']);
  });

  it('stays fast when a lying footer size forces a search through megabytes', () => {
    const bytes = new Uint8Array(4 << 20);
    const block = buildApkSigningBlock({ v2: [{ certificates: [ec.der] }], sizeInFooter: 1n << 60n });
    const tail = block.subarray(block.length - 24);
    bytes.set(tail, bytes.length - 24);
    const started = performance.now();
    const r = parseApkSigningBlock(bytes);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(codes(r.anomalies)).toEqual(['apk-signing-block-size-out-of-range', 'apk-signing-block-truncated']);
  });

  it('flags a second block of the same scheme and a signer without certificates', () => {
    const block = buildApkSigningBlock({
      v2: [{ certificates: [] }],
      pairs: [{ id: APK_SIGNATURE_SCHEME_V2_BLOCK_ID, value: new Uint8Array(4) }],
    });
    const r = parseApkSigningBlock(block);
    expect(codes(r.anomalies)).toEqual(['apk-signer-no-certificates', 'apk-signing-block-duplicate-scheme']);
    expect(r.schemes.v2).toHaveLength(1);
  });
});

describe('parsePkcs7Certificates', () => {
  it('reads the certificate set of a DER SignedData', () => {
    const r = parsePkcs7Certificates(buildPkcs7SignedData([rsa.der, ec.der]));
    expect(r.anomalies).toEqual([]);
    expect(r.signerCount).toBe(1);
    expect(r.certificates.map(sha256)).toEqual([sha256(rsa.der), sha256(ec.der)]);
  });

  it('reads BER indefinite lengths', () => {
    const r = parsePkcs7Certificates(buildPkcs7SignedData([ec.der], { indefinite: true }));
    expect(r.anomalies).toEqual([]);
    expect(r.certificates.map(sha256)).toEqual([sha256(ec.der)]);
  });

  it('keeps whole certificates of a truncated file', () => {
    const full = buildPkcs7SignedData([ec.der, rsa.der]);
    const cut = full.subarray(0, full.length - 200);
    const r = parsePkcs7Certificates(cut);
    expect(r.certificates.map(sha256)).toEqual([sha256(ec.der)]);
    expect(codes(r.anomalies)).toContain('pkcs7-length-past-end');
    expect(codes(r.anomalies)).toContain('pkcs7-certificate-truncated');
  });

  it('reports a SignedData without certificates, and trailing bytes', () => {
    const body = der(0x30, der(0x06, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02)), der(0xa0, der(0x30, der(0x02, Uint8Array.of(1)), der(0x31))));
    const r = parsePkcs7Certificates(Uint8Array.from([...body, 1, 2, 3]));
    expect(r.certificates).toEqual([]);
    expect(codes(r.anomalies)).toEqual(['pkcs7-trailing-data', 'pkcs7-no-certificates']);
  });

  it('throws FormatError when there is no SignedData', () => {
    expect(() => parsePkcs7Certificates(new Uint8Array(0))).toThrow(FormatError);
    expect(() => parsePkcs7Certificates(Uint8Array.of(0x04, 0x01, 0x00))).toThrow(FormatError);
    // data (1.2.840.113549.1.7.1) instead of signedData
    const data = der(0x30, der(0x06, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01)), der(0xa0, der(0x04)));
    expect(() => parsePkcs7Certificates(data)).toThrow(/not SignedData/);
  });

  it('reads high tag numbers', () => {
    const e = readDerElement(Uint8Array.of(0xbf, 0x81, 0x00, 0x02, 0x05, 0x00), 0, 6);
    expect(e).toMatchObject({ tagClass: 2, constructed: true, tag: 128, contentStart: 4, end: 6 });
  });

  it('bounds nesting depth and length-of-length', () => {
    let deep: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < DER_MAX_DEPTH + 5; i++) deep = Uint8Array.from([0x30, 0x80, ...deep, 0, 0]);
    expect(() => readDerElement(deep, 0, deep.length)).toThrow(/nesting/);
    expect(() => readDerElement(Uint8Array.of(0x30, 0x85, 1, 1, 1, 1, 1), 0, 7)).toThrow(/length of length/);
    expect(() => readDerElement(Uint8Array.of(0x04, 0x80, 0, 0), 0, 4)).toThrow(/primitive/);
  });
});

describe('describeCertificate', () => {
  it('describes an RSA certificate with deterministic ISO dates', () => {
    const info = describeCertificate(rsa.der);
    expect(info).toEqual({
      sha256: sha256(rsa.der),
      sha1: createHash('sha1').update(rsa.der).digest('hex'),
      subject: 'CN=Release Key, O=Tracker Inc, C=US',
      issuer: 'CN=Release Key, O=Tracker Inc, C=US',
      serialNumber: 'deadbeef',
      validFrom: '2020-02-29T12:00:00.000Z',
      validTo: '2070-12-31T23:59:59.000Z', // GeneralizedTime after 2049
      publicKeyAlgorithm: 'rsa',
      keySize: 2048,
      anomalies: [],
    });
  });

  it('describes an EC certificate', () => {
    expect(describeCertificate(ec.der)).toMatchObject({ subject: 'CN=EC Key', publicKeyAlgorithm: 'ec', keySize: 256, validFrom: '2024-01-02T03:04:05.000Z' });
  });

  it('gives only the sha256 and an anomaly for bytes that are not a certificate', () => {
    const junk = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01);
    expect(describeCertificate(junk)).toEqual({ sha256: sha256(junk), anomalies: [expect.objectContaining({ code: 'certificate-unreadable' })] });
  });

  it('agrees with openssl on the writer certificates', () => {
    if (!requireTool('openssl')) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'trackscan-cert-'));
    try {
      for (const cert of [rsa, ec]) {
        const file = path.join(dir, 'c.der');
        writeFileSync(file, cert.der);
        const out = runTool('openssl', ['x509', '-inform', 'DER', '-in', file, '-noout', '-fingerprint', '-sha256', '-serial', '-startdate', '-enddate']);
        const info = describeCertificate(cert.der);
        const fp = /Fingerprint=([0-9A-F:]+)/.exec(out)![1].replace(/:/g, '').toLowerCase();
        expect(fp).toBe(info.sha256);
        expect(/serial=([0-9A-F]+)/.exec(out)![1].toLowerCase().replace(/^0+/, '')).toBe(info.serialNumber!.replace(/^0+/, ''));
        expect(new Date(/notBefore=(.*)/.exec(out)![1]).toISOString()).toBe(info.validFrom);
        expect(new Date(/notAfter=(.*)/.exec(out)![1]).toISOString()).toBe(info.validTo);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('openssl-generated certificates', () => {
  let dir: string;
  let opensslDer: Uint8Array | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trackscan-openssl-'));
    if (!requireTool('openssl')) return;
    const file = path.join(dir, 'c.der');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-subj', '/C=DE/O=Example/CN=openssl test', '-days', '1', '-outform', 'DER', '-out', file], { stdio: 'ignore' });
    opensslDer = new Uint8Array(readFileSync(file));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips an openssl certificate through the block and PKCS#7 writers', () => {
    if (!opensslDer) return;
    const r = parseApkSigningBlock(buildApkSigningBlock({ v2: [{ certificates: [opensslDer] }], v3: [{ certificates: [opensslDer] }] }));
    expect(r.anomalies).toEqual([]);
    expect(sha256(r.schemes.v3![0].certificates[0])).toBe(sha256(opensslDer));
    expect(parsePkcs7Certificates(buildPkcs7SignedData([opensslDer])).certificates.map(sha256)).toEqual([sha256(opensslDer)]);
    expect(describeCertificate(opensslDer)).toMatchObject({ subject: 'CN=openssl test, O=Example, C=DE', publicKeyAlgorithm: 'rsa', keySize: 2048, anomalies: [] });
  });
});

describe('fuzz', () => {
  const expected = (e: unknown) => e instanceof FormatError;

  it('parseApkSigningBlock never throws on mutants', () => {
    const seeds = [
      buildApkSigningBlock({ v2: [{ certificates: [ec.der] }] }),
      buildApkSigningBlock({ v2: [{ certificates: [ec.der] }], v3: [{ certificates: [old.der], lineage: [old.der, ec.der] }] }),
      buildApkSigningBlock({ v31: [{ certificates: [ec.der] }, { certificates: [old.der] }], pairs: [{ id: 1, value: new Uint8Array(8) }] }),
    ];
    const parseAll = (b: Uint8Array) => {
      const r = parseApkSigningBlock(b);
      for (const signers of Object.values(r.schemes)) for (const s of signers ?? []) for (const c of s.certificates) describeCertificate(c);
    };
    for (const seed of [1, 2, 3]) {
      expect(fuzzParser(seeds, parseAll, () => false, { iterations: 700, seed, maxMs: 500 })).toEqual([]);
    }
  });

  it('parseApkSigningBlock never throws on mutants of the real APKs\' blocks', () => {
    const seeds = realApks().map((a) => {
      const f = new Uint8Array(readFileSync(a.path));
      const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
      let cd = 0;
      for (let i = f.length - 22; i >= Math.max(0, f.length - 22 - 0xffff); i--) {
        if (dv.getUint32(i, true) === 0x06054b50) {
          cd = dv.getUint32(i + 16, true);
          break;
        }
      }
      return f.slice(cd - (apkSigningBlockLength(f.subarray(0, cd)) ?? 0), cd);
    });
    if (seeds.length === 0) return;
    expect(fuzzParser(seeds, (b) => parseApkSigningBlock(b), () => false, { iterations: 1000, seed: 5, maxMs: 500 })).toEqual([]);
  });

  it('parsePkcs7Certificates throws only FormatError on mutants', () => {
    const seeds = [buildPkcs7SignedData([ec.der, old.der]), buildPkcs7SignedData([ec.der], { indefinite: true })];
    const parseAll = (b: Uint8Array) => {
      for (const c of parsePkcs7Certificates(b).certificates) describeCertificate(c);
    };
    for (const seed of [11, 12, 13]) {
      expect(fuzzParser(seeds, parseAll, expected, { iterations: 700, seed, maxMs: 500 })).toEqual([]);
    }
  });
});
