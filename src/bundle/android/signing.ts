/**
 * Signing evidence: the APK Signing Block (v2, v3, v3.1) found just before the zip central
 * directory, and v1 JAR signature block files (META-INF/*.RSA|*.DSA|*.EC). Certificates are
 * described, not verified: trackscan reports who signed, it does not decide whether Android would
 * install the APK.
 */
import { TrackscanError } from '../../errors.js';
import { parsePkcs7Certificates } from '../../formats/pkcs7.js';
import { apkSigningBlockLength, describeCertificate, parseApkSigningBlock, APK_SIG_BLOCK_FOOTER_SIZE } from '../../formats/signing.js';
import type { CertificateInfo, SigningEvidence, Warning } from '../../evidence/types.js';
import { anomalyWarnings } from '../../evidence/warnings.js';
import type { BundleView } from '../view.js';

const V1_SIGNATURE_FILE = /^META-INF\/[^/]+\.(RSA|DSA|EC)$/i;
/** largest signing block we read (real ones are a few KB; verity padding can reach 1 MB) */
const MAX_SIGNING_BLOCK = 16 * 1024 * 1024;

export function readSigningEvidence(view: BundleView): { signing: SigningEvidence; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const byHash = new Map<string, CertificateInfo & { schemes: string[] }>();
  const schemes: string[] = [];
  const addCert = (der: Uint8Array, scheme: string, entry: string) => {
    const info = describeCertificate(der);
    warnings.push(...anomalyWarnings(entry, info.anomalies));
    let c = byHash.get(info.sha256);
    if (!c) {
      c = {
        subject: info.subject ?? '',
        issuer: info.issuer ?? '',
        serialNumber: info.serialNumber ?? '',
        sha256: info.sha256,
        validFrom: info.validFrom ?? '',
        validTo: info.validTo ?? '',
        schemes: [],
      };
      byHash.set(info.sha256, c);
    }
    if (!c.schemes.includes(scheme)) c.schemes.push(scheme);
  };

  // v1: JAR signature block files.
  for (const e of view.entries) {
    if (!V1_SIGNATURE_FILE.test(e.name)) continue;
    try {
      const p = parsePkcs7Certificates(view.read(e.name));
      warnings.push(...anomalyWarnings(e.name, p.anomalies));
      if (p.certificates.length && !schemes.includes('v1')) schemes.push('v1');
      for (const der of p.certificates.slice(0, 16)) addCert(der, 'v1', e.name);
    } catch (err) {
      if (!(err instanceof TrackscanError) || err.code === 'ARCHIVE_LIMIT') throw err;
      warnings.push({ code: 'signature-file-unreadable', message: err.message, entry: e.name });
    }
  }

  // v2+: the APK Signing Block before the central directory.
  const cdOffset = view.centralDirectoryOffset;
  if (view.readRaw && cdOffset !== undefined && cdOffset >= APK_SIG_BLOCK_FOOTER_SIZE) {
    const entry = '(APK Signing Block)';
    const footer = view.readRaw(cdOffset - APK_SIG_BLOCK_FOOTER_SIZE, APK_SIG_BLOCK_FOOTER_SIZE);
    const claimed = apkSigningBlockLength(footer);
    if (claimed !== undefined) {
      const length = Math.min(claimed, cdOffset, MAX_SIGNING_BLOCK);
      if (length < claimed) warnings.push({ code: 'apk-signing-block-too-large', message: `the signing block claims ${claimed} bytes; ${length} were read`, entry });
      const block = parseApkSigningBlock(view.readRaw(cdOffset - length, length));
      warnings.push(...anomalyWarnings(entry, block.anomalies));
      for (const [scheme, signers] of [
        ['v2', block.schemes.v2],
        ['v3', block.schemes.v3],
        ['v3.1', block.schemes.v31],
      ] as const) {
        if (!signers?.length) continue;
        schemes.push(scheme);
        // The first certificate of each signer is the signer's own; the rest are its chain.
        for (const s of signers.slice(0, 16)) if (s.certificates[0]) addCert(s.certificates[0], scheme, entry);
      }
    }
  }
  const certificates = [...byHash.values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  return { signing: { schemes, certificates }, warnings };
}
