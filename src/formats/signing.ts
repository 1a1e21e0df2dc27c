/**
 * APK signing certificates: the APK Signing Block (schemes v2, v3, v3.1) and a description of an
 * X.509 certificate. Pure: bytes in, typed data plus anomalies out; no fs, no zip. v1 (JAR) signature
 * blocks are PKCS#7 and are read by ./pkcs7.ts (`parsePkcs7Certificates`).
 *
 * Specs:
 *  - APK Signature Scheme v2 (APK Signing Block format, v2 block):
 *    https://source.android.com/docs/security/features/apksigning/v2
 *  - APK Signature Scheme v3 / v3.1 (minSdk/maxSdk, proof-of-rotation):
 *    https://source.android.com/docs/security/features/apksigning/v3
 *  - X.509: RFC 5280, https://www.rfc-editor.org/rfc/rfc5280
 *
 * APK Signing Block, immediately before the zip central directory (all integers little-endian):
 * ```
 * uint64 size of block in bytes (excluding this field)
 * sequence of uint64-length-prefixed ID-value pairs: uint32 ID, value (pair length - 4 bytes)
 * uint64 size of block in bytes (same as the first field)
 * 16 bytes magic "APK Sig Block 42"
 * ```
 * v2/v3/v3.1 block value: length-prefixed (uint32) sequence of length-prefixed signers, each
 * ```
 * signed data (length-prefixed):
 *   length-prefixed sequence of length-prefixed digests (uint32 algorithm ID, length-prefixed digest)
 *   length-prefixed sequence of length-prefixed X.509 certificates (DER)
 *   v3 only: uint32 minSDK, uint32 maxSDK
 *   length-prefixed sequence of length-prefixed additional attributes (uint32 ID, value)
 * v3 only: uint32 minSDK, uint32 maxSDK (copies; must match the signed data)
 * length-prefixed sequence of length-prefixed signatures (uint32 algorithm ID, length-prefixed signature)
 * length-prefixed public key (SubjectPublicKeyInfo, DER)
 * ```
 *
 * Design: the bundle layer has random access to the file and knows the central directory offset,
 * so it reads the 24-byte footer just before the central directory, asks
 * {@link apkSigningBlockLength} how many bytes the block claims, reads that many (under its own
 * limit) and passes them to {@link parseApkSigningBlock}. Passing more bytes (anything that ends
 * exactly at the central directory) is fine. Nothing here verifies digests or signatures: the
 * scanner reports who signed, it is not a verifier.
 *
 * Tolerance: no magic means no signing block (a v1-only APK), which is not an error. A footer size
 * that does not fit, a header size that disagrees with the footer, a pair or signer whose length runs
 * past its container: each is an anomaly, and everything whole is still returned. A damaged signer
 * does not hide the signers after it. `parseApkSigningBlock` never throws.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { Anomaly, ByteView } from './bytes.js';
import { FormatError } from '../errors.js';
import { readCertificateValidity } from './pkcs7.js';

const FORMAT = 'apk-signing-block';

// ---- APK Signing Block ---------------------------------------------------------------------------

/** The 16-byte magic at the very end of the block. */
export const APK_SIG_BLOCK_MAGIC = 'APK Sig Block 42';
const MAGIC_BYTES = new TextEncoder().encode(APK_SIG_BLOCK_MAGIC);
/** uint64 size + 16-byte magic */
export const APK_SIG_BLOCK_FOOTER_SIZE = 24;
/** A block with no pairs: uint64 size, uint64 size, magic. */
export const APK_SIG_BLOCK_MIN_SIZE = 32;
/** How far back from the footer a block header is searched for when the footer's size lies. */
export const APK_SIG_BLOCK_RECOVERY_WINDOW = 1 << 20;
/** More ID-value pairs than this are not read (real blocks hold a handful). */
export const APK_SIG_BLOCK_MAX_PAIRS = 4096;
/** More signers or certificates per list than this are not read. */
export const APK_SIG_MAX_LIST_ITEMS = 256;

// ID-value pair IDs
export const APK_SIGNATURE_SCHEME_V2_BLOCK_ID = 0x7109871a;
export const APK_SIGNATURE_SCHEME_V3_BLOCK_ID = 0xf05368c0;
export const APK_SIGNATURE_SCHEME_V31_BLOCK_ID = 0x1b93ad61;
/** padding that aligns the block to 4096 bytes for fs-verity ("Brew") */
export const VERITY_PADDING_BLOCK_ID = 0x42726577;
/** SourceStamp (Play's record of the build that produced the APK), versions 1 and 2 */
export const V1_SOURCE_STAMP_BLOCK_ID = 0x2b09189e;
export const V2_SOURCE_STAMP_BLOCK_ID = 0x6dff800d;
/** Android Gradle Plugin's (encrypted) dependency metadata ("SDKP"); not in the spec pages */
export const DEPENDENCY_INFO_BLOCK_ID = 0x504b4453;
/** Google Play's "frosting" metadata; not in the spec pages */
export const GOOGLE_PLAY_FROSTING_BLOCK_ID = 0x2146444e;

// additional attribute IDs (signed data)
/** v2: "this APK is also signed with scheme N" (value uint32), stops stripping of v3 */
export const STRIPPING_PROTECTION_ATTR_ID = 0xbeeff00d;
/** v3: proof-of-rotation struct (signing certificate lineage) */
export const PROOF_OF_ROTATION_ATTR_ID = 0x3ba06f8c;
/** v3.1: minimum SDK version that uses the rotated key */
export const ROTATION_MIN_SDK_VERSION_ATTR_ID = 0x559f8b02;
/** v3.1: rotation targets a development release */
export const ROTATION_ON_DEV_RELEASE_ATTR_ID = 0xc2a6b3ba;

export type SigningBlockIdName =
  | 'v2'
  | 'v3'
  | 'v3.1'
  | 'verity-padding'
  | 'source-stamp-v1'
  | 'source-stamp-v2'
  | 'dependency-info'
  | 'play-frosting'
  | 'unknown';

const ID_NAMES: ReadonlyMap<number, SigningBlockIdName> = new Map([
  [APK_SIGNATURE_SCHEME_V2_BLOCK_ID, 'v2'],
  [APK_SIGNATURE_SCHEME_V3_BLOCK_ID, 'v3'],
  [APK_SIGNATURE_SCHEME_V31_BLOCK_ID, 'v3.1'],
  [VERITY_PADDING_BLOCK_ID, 'verity-padding'],
  [V1_SOURCE_STAMP_BLOCK_ID, 'source-stamp-v1'],
  [V2_SOURCE_STAMP_BLOCK_ID, 'source-stamp-v2'],
  [DEPENDENCY_INFO_BLOCK_ID, 'dependency-info'],
  [GOOGLE_PLAY_FROSTING_BLOCK_ID, 'play-frosting'],
]);

/** The name of an ID-value pair ID; 'unknown' for IDs we do not know. */
export function signingBlockIdName(id: number): SigningBlockIdName {
  return ID_NAMES.get(id >>> 0) ?? 'unknown';
}

/** One level of a v3 proof-of-rotation lineage, oldest first. */
export interface LineageNode {
  /** DER X.509 certificate of this level */
  certificate: Uint8Array;
  /** capability flags granted to this certificate */
  flags: number;
  /** algorithm this level's key uses to sign the next level */
  signatureAlgorithmId: number;
}

export interface Signer {
  /** DER X.509 certificates; the first is the signer's own */
  certificates: Uint8Array[];
  /** v3/v3.1: platform range this signer applies to (from the signed data) */
  minSdk?: number;
  maxSdk?: number;
  digestAlgorithmIds: number[];
  signatureAlgorithmIds: number[];
  /** additional attribute IDs in the signed data, in order */
  attributeIds: number[];
  /** SubjectPublicKeyInfo DER */
  publicKey?: Uint8Array;
  /** v3: proof-of-rotation lineage, when present */
  lineage?: LineageNode[];
}

export interface ApkSigningBlock {
  /** false when the bytes do not end with an APK Signing Block footer (no v2+ signature) */
  found: boolean;
  /** offset of the block's first byte in the input, when located */
  offset?: number;
  /** total length of the block in bytes, when located */
  length?: number;
  /** ID of every ID-value pair, in file order (see {@link signingBlockIdName}) */
  blockIds: number[];
  schemes: { v2?: Signer[]; v3?: Signer[]; v31?: Signer[] };
  anomalies: Anomaly[];
}

function hasFooter(bytes: Uint8Array): boolean {
  if (bytes.length < APK_SIG_BLOCK_FOOTER_SIZE) return false;
  const m = bytes.length - MAGIC_BYTES.length;
  for (let i = 0; i < MAGIC_BYTES.length; i++) if (bytes[m + i] !== MAGIC_BYTES[i]) return false;
  return true;
}

/**
 * Given bytes ending at the central directory (at least the last 24), returns how many bytes
 * before the central directory the APK Signing Block claims to occupy (footer size + 8), or
 * undefined when there is no footer. The value comes from the file: the caller must bound it by
 * the central directory offset and its own limits before reading.
 */
export function apkSigningBlockLength(bytesEndingAtCentralDirectory: Uint8Array): number | undefined {
  if (!hasFooter(bytesEndingAtCentralDirectory)) return undefined;
  const v = new ByteView(bytesEndingAtCentralDirectory, FORMAT);
  return Number(v.u64(v.length - APK_SIG_BLOCK_FOOTER_SIZE)) + 8;
}

/**
 * Parses the APK Signing Block that ends where `bytesEndingAtCentralDirectory` ends. Never throws;
 * `found: false` when there is no block.
 */
export function parseApkSigningBlock(bytesEndingAtCentralDirectory: Uint8Array): ApkSigningBlock {
  const bytes = bytesEndingAtCentralDirectory;
  const result: ApkSigningBlock = { found: false, blockIds: [], schemes: {}, anomalies: [] };
  if (!hasFooter(bytes)) return result;
  result.found = true;
  const anomalies = result.anomalies;
  const v = new ByteView(bytes, FORMAT);
  const footerAt = v.length - APK_SIG_BLOCK_FOOTER_SIZE;
  const sizeInFooter = v.u64(footerAt);

  let start: number | undefined;
  if (sizeInFooter < BigInt(APK_SIG_BLOCK_MIN_SIZE - 8) || sizeInFooter + 8n > BigInt(v.length)) {
    anomalies.push({
      code: 'apk-signing-block-size-out-of-range',
      message: `footer size ${sizeInFooter} does not fit the ${v.length} bytes before the central directory`,
      offset: footerAt,
    });
    start = recoverStart(v);
    if (start === undefined) {
      anomalies.push({ code: 'apk-signing-block-truncated', message: 'no block header found: the block is truncated or its sizes are false' });
      return result;
    }
    anomalies.push({ code: 'apk-signing-block-recovered', message: `block header found at ${start} by its own size field`, offset: start });
  } else {
    start = v.length - Number(sizeInFooter) - 8;
    const sizeInHeader = v.u64(start);
    if (sizeInHeader !== sizeInFooter) {
      anomalies.push({
        code: 'apk-signing-block-size-mismatch',
        message: `size in header (${sizeInHeader}) differs from size in footer (${sizeInFooter}); the footer locates the block`,
        offset: start,
      });
    }
  }
  result.offset = start;
  result.length = v.length - start;
  walkPairs(v, start, result);
  return result;
}

/**
 * When the footer's size is false, looks back (within APK_SIG_BLOCK_RECOVERY_WINDOW) for an offset
 * whose uint64 is the distance to the end and from which the ID-value pairs walk cleanly to the
 * footer. Nearest first.
 */
function recoverStart(v: ByteView): number | undefined {
  const pairsEnd = v.length - APK_SIG_BLOCK_FOOTER_SIZE;
  const lowest = Math.max(0, v.length - APK_SIG_BLOCK_RECOVERY_WINDOW);
  let tried = 0;
  for (let o = v.length - APK_SIG_BLOCK_MIN_SIZE; o >= lowest && tried < 64; o--) {
    if (v.u64(o) !== BigInt(v.length - o - 8)) continue;
    tried++;
    let pos = o + 8;
    let pairs = 0;
    while (pos + 12 <= pairsEnd && pairs < APK_SIG_BLOCK_MAX_PAIRS) {
      const len = v.u64(pos);
      if (len < 4n || len > BigInt(pairsEnd - pos - 8)) break;
      pos += 8 + Number(len);
      pairs++;
    }
    if (pos === pairsEnd) return o;
  }
  return undefined;
}

function walkPairs(v: ByteView, start: number, result: ApkSigningBlock): void {
  const anomalies = result.anomalies;
  const pairsEnd = v.length - APK_SIG_BLOCK_FOOTER_SIZE;
  let pos = start + 8;
  while (pos < pairsEnd) {
    if (result.blockIds.length >= APK_SIG_BLOCK_MAX_PAIRS) {
      anomalies.push({ code: 'apk-signing-block-too-many-pairs', message: `more than ${APK_SIG_BLOCK_MAX_PAIRS} ID-value pairs; the rest are not read`, offset: pos });
      return;
    }
    if (pos + 12 > pairsEnd) {
      anomalies.push({ code: 'apk-signing-block-pair-truncated', message: `${pairsEnd - pos} stray bytes before the footer`, offset: pos });
      return;
    }
    const len = v.u64(pos);
    if (len < 4n || len > BigInt(pairsEnd - pos - 8)) {
      anomalies.push({
        code: 'apk-signing-block-pair-length',
        message: `ID-value pair length ${len} does not fit the ${pairsEnd - pos - 8} bytes left; the rest of the block is not read`,
        offset: pos,
      });
      return;
    }
    const id = v.u32(pos + 8);
    const valueAt = pos + 12;
    const value = v.slice(valueAt, Number(len) - 4);
    result.blockIds.push(id);
    const key = id === APK_SIGNATURE_SCHEME_V2_BLOCK_ID ? 'v2' : id === APK_SIGNATURE_SCHEME_V3_BLOCK_ID ? 'v3' : id === APK_SIGNATURE_SCHEME_V31_BLOCK_ID ? 'v31' : undefined;
    if (key !== undefined) {
      if (result.schemes[key] !== undefined) {
        anomalies.push({ code: 'apk-signing-block-duplicate-scheme', message: `a second ${signingBlockIdName(id)} block; the first is used`, offset: pos });
      } else {
        result.schemes[key] = parseSchemeBlock(value, valueAt, key !== 'v2', signingBlockIdName(id), anomalies);
      }
    }
    pos += 8 + Number(len);
  }
}

// ---- v2 / v3 signer blocks -------------------------------------------------------------------------

/** A read position inside [pos, end) of the block; every read is bounds-checked (FormatError). */
class Cursor {
  constructor(
    readonly v: ByteView,
    public pos: number,
    readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  u32(what: string): number {
    if (this.remaining < 4) throw new FormatError(FORMAT, `${what}: 4 bytes needed, ${this.remaining} left`, this.pos);
    const x = this.v.u32(this.pos);
    this.pos += 4;
    return x;
  }

  /** A uint32-length-prefixed sub-range. */
  lp(what: string): Cursor {
    const at = this.pos;
    const len = this.u32(what);
    if (len > this.remaining) throw new FormatError(FORMAT, `${what}: length ${len} runs past its container (${this.remaining} bytes left)`, at);
    const c = new Cursor(this.v, this.pos, this.pos + len);
    this.pos += len;
    return c;
  }

  rest(): Uint8Array {
    const b = this.v.bytes.subarray(this.pos, this.end);
    this.pos = this.end;
    return b;
  }
}

function parseSchemeBlock(value: Uint8Array, valueAt: number, v3: boolean, name: string, anomalies: Anomaly[]): Signer[] {
  // Offsets in anomalies are relative to the block input: the cursor works over a view of the value
  // and adds valueAt when reporting.
  const v = new ByteView(value, FORMAT);
  const signers: Signer[] = [];
  const note = (code: string, message: string, offset?: number) =>
    anomalies.push(offset === undefined ? { code, message: `${name}: ${message}` } : { code, message: `${name}: ${message}`, offset: valueAt + offset });
  let list: Cursor;
  const top = new Cursor(v, 0, v.length);
  try {
    list = top.lp('signers');
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    note('apk-signer-list-unreadable', e.message, e.offset);
    return signers;
  }
  if (top.remaining > 0) note('apk-signature-scheme-trailing-data', `${top.remaining} bytes after the signer list`, top.pos);
  while (list.remaining > 0) {
    if (signers.length >= APK_SIG_MAX_LIST_ITEMS) {
      note('apk-signer-too-many', `more than ${APK_SIG_MAX_LIST_ITEMS} signers; the rest are not read`, list.pos);
      break;
    }
    let c: Cursor;
    try {
      c = list.lp(`signer ${signers.length}`);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      note('apk-signer-truncated', e.message, e.offset);
      break;
    }
    const signer: Signer = { certificates: [], digestAlgorithmIds: [], signatureAlgorithmIds: [], attributeIds: [] };
    try {
      parseSigner(c, v3, signer, note);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      note('apk-signer-unreadable', `signer ${signers.length}: ${e.message}`, e.offset);
    }
    if (signer.certificates.length === 0) note('apk-signer-no-certificates', `signer ${signers.length} has no certificate`, c.end);
    signers.push(signer);
  }
  if (signers.length === 0) note('apk-signer-none', 'the block has no signers');
  return signers;
}

type Note = (code: string, message: string, offset?: number) => void;

function parseSigner(c: Cursor, v3: boolean, signer: Signer, note: Note): void {
  const signed = c.lp('signed data');
  const digests = signed.lp('digests');
  while (digests.remaining > 0 && signer.digestAlgorithmIds.length < APK_SIG_MAX_LIST_ITEMS) {
    const d = digests.lp('digest');
    signer.digestAlgorithmIds.push(d.u32('digest algorithm ID'));
    d.lp('digest value');
  }
  const certs = signed.lp('certificates');
  while (certs.remaining > 0 && signer.certificates.length < APK_SIG_MAX_LIST_ITEMS) {
    const cert = certs.lp('certificate').rest();
    if (cert.length === 0) note('apk-signer-empty-certificate', 'an empty certificate', certs.pos);
    else signer.certificates.push(cert);
  }
  if (v3) {
    signer.minSdk = signed.u32('minSDK');
    signer.maxSdk = signed.u32('maxSDK');
  }
  const attrs = signed.lp('additional attributes');
  while (attrs.remaining > 0 && signer.attributeIds.length < APK_SIG_MAX_LIST_ITEMS) {
    const a = attrs.lp('attribute');
    const id = a.u32('attribute ID');
    signer.attributeIds.push(id);
    if (v3 && id === PROOF_OF_ROTATION_ATTR_ID) {
      try {
        signer.lineage = parseLineage(a);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        note('apk-signer-lineage-unreadable', `proof-of-rotation: ${e.message}`, e.offset);
      }
    }
  }
  // apksig (the signer behind apksigner and the Android Gradle Plugin) ends v2 signed data with an
  // empty length-prefixed element: four zero bytes. Anything else after the attributes is odd.
  if (!v3 && signed.remaining === 4 && signed.v.u32(signed.pos) === 0) signed.pos += 4;
  if (signed.remaining > 0) note('apk-signer-trailing-data', `${signed.remaining} bytes after the signed data's attributes`, signed.pos);
  if (v3) {
    const minSdk = c.u32('minSDK copy');
    const maxSdk = c.u32('maxSDK copy');
    if (minSdk !== signer.minSdk || maxSdk !== signer.maxSdk) {
      note('apk-signer-sdk-mismatch', `SDK range ${minSdk}–${maxSdk} outside the signed data differs from ${signer.minSdk}–${signer.maxSdk} inside it`, c.pos - 8);
    }
  }
  const sigs = c.lp('signatures');
  while (sigs.remaining > 0 && signer.signatureAlgorithmIds.length < APK_SIG_MAX_LIST_ITEMS) {
    const s = sigs.lp('signature');
    signer.signatureAlgorithmIds.push(s.u32('signature algorithm ID'));
    s.lp('signature value');
  }
  signer.publicKey = c.lp('public key').rest();
}

/**
 * Proof-of-rotation struct: uint32 version, then length-prefixed levels, each
 * { length-prefixed signed data { length-prefixed certificate, uint32 signature algorithm ID },
 *   uint32 flags, uint32 signature algorithm ID, length-prefixed signature }.
 */
function parseLineage(c: Cursor): LineageNode[] {
  c.u32('lineage version');
  const nodes: LineageNode[] = [];
  while (c.remaining > 0 && nodes.length < APK_SIG_MAX_LIST_ITEMS) {
    const node = c.lp('lineage level');
    const signed = node.lp('lineage signed data');
    const certificate = signed.lp('lineage certificate').rest();
    const flags = node.u32('lineage flags');
    const signatureAlgorithmId = node.u32('lineage signature algorithm ID');
    nodes.push({ certificate, flags, signatureAlgorithmId });
  }
  return nodes;
}

// ---- certificates ----------------------------------------------------------------------------------

export interface CertificateInfo {
  /** lowercase hex SHA-256 of the DER: the identity apksigner and the Play Console show */
  sha256: string;
  /** lowercase hex SHA-1 of the DER */
  sha1?: string;
  /**
   * distinguished name on one line, RDNs in RFC 2253 order (the reverse of the encoding, as
   * apksigner and keytool print it) joined by ", ", e.g. `CN=Android Debug, O=Android, C=US`;
   * attribute names as node/OpenSSL spell them (`emailAddress`), values unescaped
   */
  subject?: string;
  issuer?: string;
  /** lowercase hex, as encoded (leading zero octets dropped) */
  serialNumber?: string;
  /** ISO 8601 UTC (`Date.prototype.toISOString` form) */
  validFrom?: string;
  validTo?: string;
  /** node's key type: `rsa`, `ec`, `dsa`, `ed25519`, `rsa-pss`, … */
  publicKeyAlgorithm?: string;
  /** bits: RSA/DSA modulus length, EC curve size */
  keySize?: number;
  anomalies: Anomaly[];
}

const CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256,
  'P-256': 256,
  secp256k1: 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  secp224r1: 224,
  'P-224': 224,
};

function hex(algorithm: string, der: Uint8Array): string {
  return createHash(algorithm).update(der).digest('hex');
}

/** node prints one RDN a line in encoding order; RFC 2253 (and apksigner, keytool) put the last first. */
function oneLine(name: string): string {
  return name
    .split('\n')
    .filter((s) => s.length > 0)
    .reverse()
    .join(', ');
}

function nodeDate(text: string): string | undefined {
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/**
 * Describes a DER X.509 certificate. Never throws: a certificate node cannot parse gives an anomaly
 * and a record holding only its SHA-256.
 */
export function describeCertificate(der: Uint8Array): CertificateInfo {
  const sha256 = hex('sha256', der);
  let x: X509Certificate;
  try {
    x = new X509Certificate(der);
  } catch (e) {
    return { sha256, anomalies: [{ code: 'certificate-unreadable', message: `X.509 certificate not readable: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  const anomalies: Anomaly[] = [];
  const info: CertificateInfo = {
    sha256,
    sha1: hex('sha1', der),
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    serialNumber: x.serialNumber.toLowerCase(),
    anomalies,
  };
  const validity = readCertificateValidity(der);
  info.validFrom = validity?.notBefore ?? nodeDate(x.validFrom);
  info.validTo = validity?.notAfter ?? nodeDate(x.validTo);
  if (info.validFrom === undefined || info.validTo === undefined) {
    anomalies.push({ code: 'certificate-validity-unreadable', message: `validity not readable (${x.validFrom} – ${x.validTo})` });
  }
  try {
    const key = x.publicKey;
    info.publicKeyAlgorithm = key.asymmetricKeyType;
    const details = key.asymmetricKeyDetails;
    if (details?.modulusLength !== undefined) info.keySize = details.modulusLength;
    else if (details?.namedCurve !== undefined && CURVE_BITS[details.namedCurve] !== undefined) info.keySize = CURVE_BITS[details.namedCurve];
    else if (key.asymmetricKeyType === 'ed25519') info.keySize = 256;
    else if (key.asymmetricKeyType === 'ed448') info.keySize = 456;
  } catch (e) {
    anomalies.push({ code: 'certificate-public-key-unreadable', message: `public key not readable: ${e instanceof Error ? e.message : String(e)}` });
  }
  return info;
}
