/**
 * Cross-checks with Debian's apksigner (an independent reader and verifier): for each real APK from
 * devDependencies, our reading of the APK Signing Block (located here the way the bundle layer
 * does: EOCD → central directory offset → footer → block) must give the same v2/v3 scheme flags and
 * signer certificate SHA-256 digests as `apksigner verify --verbose --print-certs`, and the v1
 * signature block files (META-INF/*.RSA|DSA|EC) must hold the v1 signer's certificate.
 */
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { describeCertificate, parseApkSigningBlock, apkSigningBlockLength, type Signer } from '../../src/formats/signing.js';
import { parsePkcs7Certificates } from '../../src/formats/pkcs7.js';
import { realApks, requireTool, runTool } from '../helpers/tools.js';

const haveApksigner = requireTool('apksigner');

interface ApksignerResult {
  v1: boolean;
  v2: boolean;
  v3: boolean;
  v31?: boolean;
  signers: { sha256: string; sha1: string; dn?: string; keyAlgorithm?: string; keySize?: number }[];
}

function runApksigner(apk: string): ApksignerResult {
  const out = runTool('apksigner', ['verify', '--verbose', '--print-certs', apk]);
  const flag = (scheme: string): boolean | undefined => {
    const m = new RegExp(`^Verified using ${scheme.replace('.', '\\.')} scheme \\([^)]*\\): (true|false)$`, 'm').exec(out);
    return m ? m[1] === 'true' : undefined;
  };
  const signers: ApksignerResult['signers'] = [];
  for (const m of out.matchAll(/^Signer #(\d+) certificate SHA-256 digest: ([0-9a-f]{64})$/gm)) {
    const n = m[1];
    const line = (what: string) => new RegExp(`^Signer #${n} ${what}: (.*)$`, 'm').exec(out)?.[1];
    signers.push({
      sha256: m[2],
      sha1: line('certificate SHA-1 digest')!,
      dn: line('certificate DN'),
      keyAlgorithm: line('key algorithm'),
      keySize: line('key size \\(bits\\)') === undefined ? undefined : Number(line('key size \\(bits\\)')),
    });
  }
  return { v1: flag('v1')!, v2: flag('v2')!, v3: flag('v3')!, v31: flag('v3.1'), signers };
}

/** The central directory offset from the End Of Central Directory record (last 64 KiB + 22). */
function centralDirectoryOffset(file: Uint8Array): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const lowest = Math.max(0, file.length - 22 - 0xffff);
  for (let i = file.length - 22; i >= lowest; i--) {
    if (view.getUint32(i, true) === 0x06054b50) return view.getUint32(i + 16, true);
  }
  throw new Error('no EOCD record');
}

const signerDigests = (signers: Signer[] | undefined) => (signers ?? []).map((s) => describeCertificate(s.certificates[0]).sha256);

describe.skipIf(!haveApksigner)('apksigner cross-check', () => {
  const apks = realApks();
  it.skipIf(apks.length === 0).each(apks.map((a) => [a.name, a.path]))(
    'agrees with apksigner on %s',
    async (_name, apkPath) => {
      const expected = runApksigner(apkPath);
      expect(expected.signers.length).toBeGreaterThan(0);
      const file = new Uint8Array(readFileSync(apkPath));
      const cd = centralDirectoryOffset(file);

      // The bundle layer's two reads: the footer, then exactly the block.
      const claimed = apkSigningBlockLength(file.subarray(cd - 24, cd));
      expect(claimed).toBeDefined();
      expect(claimed!).toBeLessThanOrEqual(cd);
      const exact = parseApkSigningBlock(file.subarray(cd - claimed!, cd));
      // …and the lazy way: everything before the central directory.
      const block = parseApkSigningBlock(file.subarray(0, cd));
      expect(block.anomalies).toEqual([]);
      expect(exact.anomalies).toEqual([]);
      expect(block.found).toBe(true);
      expect(exact.blockIds).toEqual(block.blockIds);
      expect(block.offset).toBe(cd - claimed!);

      expect(block.schemes.v2 !== undefined).toBe(expected.v2);
      expect(block.schemes.v3 !== undefined).toBe(expected.v3);
      if (expected.v31 !== undefined) expect(block.schemes.v31 !== undefined).toBe(expected.v31);

      // apksigner prints the signers of the newest scheme it verified.
      const newest = block.schemes.v31 ?? block.schemes.v3 ?? block.schemes.v2;
      const want = expected.signers.map((s) => s.sha256);
      if (newest) expect(signerDigests(newest)).toEqual(want);
      // Without key rotation every scheme names the same signers.
      for (const signers of [block.schemes.v2, block.schemes.v3]) {
        if (signers && !signers.some((s) => s.lineage)) expect(signerDigests(signers)).toEqual(want);
      }
      for (const [i, s] of (newest ?? []).entries()) {
        const info = describeCertificate(s.certificates[0]);
        expect(info.anomalies).toEqual([]);
        expect(info.sha1).toBe(expected.signers[i].sha1);
        // same RDN order; apksigner upper-cases attribute names (EMAILADDRESS)
        const normalise = (dn: string) => dn.replace(/(^|, )([A-Za-z]+)=/g, (_m, sep: string, k: string) => `${sep}${k.toUpperCase()}=`);
        if (expected.signers[i].dn) expect(normalise(info.subject!)).toBe(normalise(expected.signers[i].dn!));
        if (expected.signers[i].keyAlgorithm) expect(info.publicKeyAlgorithm?.toUpperCase()).toBe(expected.signers[i].keyAlgorithm);
        if (expected.signers[i].keySize) expect(info.keySize).toBe(expected.signers[i].keySize);
        expect(info.validFrom).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      }

      // v1: META-INF/*.RSA|DSA|EC are PKCS#7 SignedData holding the signer's certificate.
      const zip = await JSZip.loadAsync(file);
      const v1Files = Object.keys(zip.files).filter((n) => /^META-INF\/[^/]+\.(RSA|DSA|EC)$/i.test(n));
      if (expected.v1) expect(v1Files.length).toBeGreaterThan(0);
      for (const name of v1Files) {
        const p7 = parsePkcs7Certificates(await zip.file(name)!.async('uint8array'));
        expect(p7.anomalies).toEqual([]);
        expect(p7.signerCount).toBe(1);
        const digests = p7.certificates.map((c) => describeCertificate(c).sha256);
        // These APKs are signed with one key in every scheme, so the v1 signer is apksigner's signer,
        // whether or not apksigner needed to verify v1 (it skips v1 when minSdk ≥ 24).
        expect(digests).toEqual(expect.arrayContaining(want));
      }
    },
  );
});
