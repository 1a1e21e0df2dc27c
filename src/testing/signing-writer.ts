/**
 * Builds APK Signing Blocks (v2 / v3 / v3.1), PKCS#7 SignedData certificate bags and small
 * self-signed X.509 certificates for tests (checked against Debian's `apksigner` and `openssl`).
 * Specs: https://source.android.com/docs/security/features/apksigning/v2 and …/v3,
 * RFC 5652 (CMS SignedData), RFC 5280 (X.509), ITU-T X.690 (DER).
 *
 * Digests and signatures inside signer blocks are placeholders (zero bytes under a real algorithm
 * ID): the parser does not verify them. Certificates from {@link buildSelfSignedCertificate} are
 * real and correctly signed. Test-only: uses node:crypto for keys and signatures.
 */
import { generateKeyPairSync, sign, KeyObject } from 'node:crypto';
import {
  APK_SIG_BLOCK_MAGIC,
  APK_SIGNATURE_SCHEME_V2_BLOCK_ID,
  APK_SIGNATURE_SCHEME_V31_BLOCK_ID,
  APK_SIGNATURE_SCHEME_V3_BLOCK_ID,
  PROOF_OF_ROTATION_ATTR_ID,
  VERITY_PADDING_BLOCK_ID,
} from '../formats/signing.js';
import { OID_SIGNED_DATA, OID_DATA } from '../formats/pkcs7.js';

/** RSASSA-PKCS1-v1_5 with SHA2-256 (signature algorithm ID from the v2 spec) */
export const SIGNATURE_RSA_PKCS1_V1_5_WITH_SHA256 = 0x0103;

// ---- little-endian helpers -------------------------------------------------------------------------

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32(x: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, x >>> 0, true);
  return b;
}

function u64(x: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, x), true);
  return b;
}

/** uint32-length-prefixed */
function lp(...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts);
  return concat([u32(body.length), body]);
}

/** uint32-length-prefixed sequence of uint32-length-prefixed items */
function lpSeq(items: Uint8Array[]): Uint8Array {
  return lp(...items.map((i) => lp(i)));
}

// ---- APK Signing Block ------------------------------------------------------------------------------

export interface SignerInput {
  /** DER certificates; the first is the signer's */
  certificates: Uint8Array[];
  /** v3 only (defaults 24 and 0x7fffffff) */
  minSdk?: number;
  maxSdk?: number;
  /** v3: DER certificates of a proof-of-rotation lineage, oldest first */
  lineage?: Uint8Array[];
  /** extra additional attributes in the signed data */
  attributes?: { id: number; value: Uint8Array }[];
  /** SubjectPublicKeyInfo; placeholder bytes when absent */
  publicKey?: Uint8Array;
}

export function buildSigner(s: SignerInput, v3: boolean): Uint8Array {
  const alg = SIGNATURE_RSA_PKCS1_V1_5_WITH_SHA256;
  const minSdk = s.minSdk ?? 24;
  const maxSdk = s.maxSdk ?? 0x7fffffff;
  const attributes = [...(s.attributes ?? [])];
  if (v3 && s.lineage) {
    const levels = s.lineage.map((cert) => lp(lp(lp(cert), u32(alg)), u32(0x1f), u32(alg), lp(new Uint8Array(16))));
    attributes.push({ id: PROOF_OF_ROTATION_ATTR_ID, value: concat([u32(1), ...levels]) });
  }
  const signedData = concat([
    lpSeq([concat([u32(alg), lp(new Uint8Array(32))])]),
    lpSeq(s.certificates),
    ...(v3 ? [u32(minSdk), u32(maxSdk)] : []),
    lpSeq(attributes.map((a) => concat([u32(a.id), a.value]))),
    // v2 as apksig writes it: an empty length-prefixed element after the attributes
    ...(v3 ? [] : [u32(0)]),
  ]);
  return concat([
    lp(signedData),
    ...(v3 ? [u32(minSdk), u32(maxSdk)] : []),
    lpSeq([concat([u32(alg), lp(new Uint8Array(64))])]),
    lp(s.publicKey ?? new Uint8Array(8)),
  ]);
}

/** The value of a v2 / v3 / v3.1 ID-value pair. */
export function buildSchemeBlock(signers: SignerInput[], v3: boolean): Uint8Array {
  return lpSeq(signers.map((s) => buildSigner(s, v3)));
}

export interface SigningBlockInput {
  v2?: SignerInput[];
  v3?: SignerInput[];
  v31?: SignerInput[];
  /** further ID-value pairs, written after the scheme blocks */
  pairs?: { id: number; value: Uint8Array }[];
  /** pad the block to a multiple of 4096 bytes with a verity padding pair, as apksigner does */
  verityPadding?: boolean;
  /** tampering: write these instead of the true sizes */
  sizeInHeader?: bigint;
  sizeInFooter?: bigint;
}

/** An APK Signing Block: the bytes that go right before the zip central directory. */
export function buildApkSigningBlock(input: SigningBlockInput): Uint8Array {
  const pairs: { id: number; value: Uint8Array }[] = [];
  if (input.v2) pairs.push({ id: APK_SIGNATURE_SCHEME_V2_BLOCK_ID, value: buildSchemeBlock(input.v2, false) });
  if (input.v3) pairs.push({ id: APK_SIGNATURE_SCHEME_V3_BLOCK_ID, value: buildSchemeBlock(input.v3, true) });
  if (input.v31) pairs.push({ id: APK_SIGNATURE_SCHEME_V31_BLOCK_ID, value: buildSchemeBlock(input.v31, true) });
  pairs.push(...(input.pairs ?? []));
  const encode = (p: { id: number; value: Uint8Array }) => concat([u64(BigInt(p.value.length + 4)), u32(p.id), p.value]);
  let body = concat(pairs.map(encode));
  if (input.verityPadding) {
    const unpadded = 8 + body.length + 24;
    const pad = (4096 - ((unpadded + 12) % 4096)) % 4096;
    body = concat([body, encode({ id: VERITY_PADDING_BLOCK_ID, value: new Uint8Array(pad) })]);
  }
  const size = BigInt(body.length + 24);
  return concat([u64(input.sizeInHeader ?? size), body, u64(input.sizeInFooter ?? size), new TextEncoder().encode(APK_SIG_BLOCK_MAGIC)]);
}

// ---- DER -----------------------------------------------------------------------------------------------

function derLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A TLV with a one-octet identifier (`tag` includes class and constructed bits). */
export function der(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  return concat([Uint8Array.of(tag), derLength(body.length), body]);
}

/** A constructed TLV in BER's indefinite-length form (ends with 00 00). */
export function berIndefinite(tag: number, ...content: Uint8Array[]): Uint8Array {
  return concat([Uint8Array.of(tag | 0x20, 0x80), ...content, Uint8Array.of(0, 0)]);
}

export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const values = [arcs[0] * 40 + arcs[1], ...arcs.slice(2)];
  for (const v of values) {
    const chunk: number[] = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift(0x80 | (x & 0x7f));
    out.push(...chunk);
  }
  return der(0x06, Uint8Array.from(out));
}

function derInteger(n: bigint): Uint8Array {
  let h = n.toString(16);
  if (h.length % 2) h = '0' + h;
  let bytes: Uint8Array = Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
  if (bytes[0] & 0x80) bytes = concat([Uint8Array.of(0), bytes]);
  return der(0x02, bytes);
}

const SEQ = 0x30;
const SET = 0x31;

function derTime(d: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050
  return y >= 1950 && y < 2050 ? der(0x17, new TextEncoder().encode(`${p(y % 100)}${rest}`)) : der(0x18, new TextEncoder().encode(`${p(y, 4)}${rest}`));
}

const ATTRIBUTE_OIDS: Record<string, string> = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };

/** Name as RDNs in the given order, e.g. [['C','US'],['O','Android'],['CN','Android Debug']]. */
function derName(rdns: [string, string][]): Uint8Array {
  return der(
    SEQ,
    ...rdns.map(([k, v]) => der(SET, der(SEQ, derOid(ATTRIBUTE_OIDS[k]), k === 'C' ? der(0x13, new TextEncoder().encode(v)) : der(0x0c, new TextEncoder().encode(v))))),
  );
}

export interface CertificateInput {
  /** RDNs in encoding order; default [['CN', 'trackscan test']] */
  subject?: [string, string][];
  notBefore?: Date;
  notAfter?: Date;
  serial?: bigint;
  key?: 'rsa' | 'ec';
}

export interface TestCertificate {
  der: Uint8Array;
  privateKey: KeyObject;
  publicKeyDer: Uint8Array;
}

/** A real self-signed X.509 v3 certificate (RSA 2048 or EC P-256), signed with SHA-256. */
export function buildSelfSignedCertificate(input: CertificateInput = {}): TestCertificate {
  const keyType = input.key ?? 'ec';
  const { privateKey, publicKey } =
    keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyDer = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const sigAlg = keyType === 'rsa' ? der(SEQ, derOid('1.2.840.113549.1.1.11'), der(0x05)) : der(SEQ, derOid('1.2.840.10045.4.3.2'));
  const name = derName(input.subject ?? [['CN', 'trackscan test']]);
  const tbs = der(
    SEQ,
    der(0xa0, derInteger(2n)),
    derInteger(input.serial ?? 0x1234567890n),
    sigAlg,
    name,
    der(SEQ, derTime(input.notBefore ?? new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), derTime(input.notAfter ?? new Date(Date.UTC(2054, 0, 2, 3, 4, 5)))),
    name,
    publicKeyDer,
  );
  const signature = sign('sha256', tbs, privateKey);
  const certDer = der(SEQ, tbs, sigAlg, der(0x03, Uint8Array.of(0), new Uint8Array(signature)));
  return { der: certDer, privateKey, publicKeyDer };
}

// ---- PKCS#7 SignedData -----------------------------------------------------------------------------------

/**
 * A minimal ContentInfo holding SignedData with the given certificates and one placeholder
 * SignerInfo (issuer and serial of the first certificate are not filled in; the bytes are a shape
 * for the parser, not a verifiable signature). `indefinite` writes the outer layers in BER's
 * indefinite-length form, as some old signing tools do.
 */
export function buildPkcs7SignedData(certificates: Uint8Array[], options: { indefinite?: boolean } = {}): Uint8Array {
  const sha256 = der(SEQ, derOid('2.16.840.1.101.3.4.2.1'), der(0x05));
  const signerInfo = der(
    SEQ,
    derInteger(1n),
    der(SEQ, derName([['CN', 'placeholder']]), derInteger(1n)),
    sha256,
    der(SEQ, derOid('1.2.840.113549.1.1.1'), der(0x05)),
    der(0x04, new Uint8Array(32)),
  );
  const fields = [derInteger(1n), der(SET, sha256), der(SEQ, derOid(OID_DATA))];
  if (options.indefinite) {
    return berIndefinite(SEQ, derOid(OID_SIGNED_DATA), berIndefinite(0xa0, berIndefinite(SEQ, ...fields, berIndefinite(0xa0, ...certificates), der(SET, signerInfo))));
  }
  return der(SEQ, derOid(OID_SIGNED_DATA), der(0xa0, der(SEQ, ...fields, der(0xa0, ...certificates), der(SET, signerInfo))));
}
