/**
 * A small, bounded DER/BER walker and the one PKCS#7 question the scanner asks: which X.509
 * certificates does a v1 (JAR) signature block (`META-INF/*.RSA|*.DSA|*.EC`) carry? Pure: bytes in,
 * typed data plus anomalies out; no I/O.
 *
 * Specs:
 *  - ITU-T X.690 (BER/DER encoding rules): https://www.itu.int/rec/T-REC-X.690
 *  - RFC 5652 (CMS) §3 ContentInfo, §5.1 SignedData, §10.2.3 CertificateSet:
 *    https://www.rfc-editor.org/rfc/rfc5652
 *  - RFC 2315 (PKCS #7 v1.5), which CMS supersedes: https://www.rfc-editor.org/rfc/rfc2315
 *  - JAR signing: https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html#signed-jar-file
 *
 * ```
 * ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY }
 * SignedData  ::= SEQUENCE { version INTEGER, digestAlgorithms SET, encapContentInfo SEQUENCE,
 *                            certificates [0] IMPLICIT CertificateSet OPTIONAL,
 *                            crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
 *                            signerInfos SET }
 * CertificateSet ::= SET OF CertificateChoices   -- a plain Certificate is a SEQUENCE
 * ```
 *
 * Tolerance: old signing tools emit BER (indefinite lengths), so indefinite lengths are accepted
 * on constructed elements and walked to their end-of-contents marker. An outer element that claims
 * more bytes than exist is clamped to the data with an anomaly (a truncated file still gives the
 * certificates that are whole); a certificate that does not fit is dropped with an anomaly.
 * Nesting depth and the length-of-length are bounded, so hostile input costs at most linear time
 * per level. Only FormatError is thrown, and only when not even the SignedData can be found.
 */
import { Anomaly } from './bytes.js';
import { FormatError } from '../errors.js';

const FORMAT = 'pkcs7';

// ---- X.690 identifier octets ---------------------------------------------------------------------
export const DER_CLASS_UNIVERSAL = 0;
export const DER_CLASS_APPLICATION = 1;
export const DER_CLASS_CONTEXT_SPECIFIC = 2;
export const DER_CLASS_PRIVATE = 3;

export const DER_TAG_BOOLEAN = 0x01;
export const DER_TAG_INTEGER = 0x02;
export const DER_TAG_BIT_STRING = 0x03;
export const DER_TAG_OCTET_STRING = 0x04;
export const DER_TAG_NULL = 0x05;
export const DER_TAG_OBJECT_IDENTIFIER = 0x06;
export const DER_TAG_UTF8_STRING = 0x0c;
export const DER_TAG_SEQUENCE = 0x10;
export const DER_TAG_SET = 0x11;
export const DER_TAG_PRINTABLE_STRING = 0x13;
export const DER_TAG_UTC_TIME = 0x17;
export const DER_TAG_GENERALIZED_TIME = 0x18;

/** pkcs7-signedData (RFC 5652 §5.1: id-signedData) */
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
/** pkcs7-data (RFC 5652 §4: id-data) */
export const OID_DATA = '1.2.840.113549.1.7.1';

/** Deeper nesting than this is refused (real SignedData nests about 10 levels). */
export const DER_MAX_DEPTH = 64;

/** One TLV. `end` is where the next sibling starts (after the end-of-contents octets when indefinite). */
export interface DerElement {
  /** identifier class: DER_CLASS_* */
  tagClass: number;
  constructed: boolean;
  /** tag number (DER_TAG_* for the universal class) */
  tag: number;
  /** offset of the identifier octet */
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
  indefinite: boolean;
}

/**
 * Reads the TLV at `offset`, which must end by `limit`. Throws FormatError on anything malformed
 * (a length past `limit`, a length-of-length over 4 octets, indefinite length on a primitive, nesting
 * past DER_MAX_DEPTH). `depth` is the nesting level of this element.
 */
export function readDerElement(bytes: Uint8Array, offset: number, limit: number, depth = 0): DerElement {
  const h = readDerHeader(bytes, offset, limit, depth);
  if (h.length >= 0) {
    if (h.contentStart + h.length > limit) {
      throw new FormatError(FORMAT, `element length ${h.length} runs past its container (ends at ${limit})`, offset);
    }
    return { ...h.base, contentStart: h.contentStart, contentEnd: h.contentStart + h.length, end: h.contentStart + h.length, indefinite: false };
  }
  // Indefinite length: walk the children until the end-of-contents octets (00 00).
  let pos = h.contentStart;
  for (;;) {
    if (pos + 2 > limit) throw new FormatError(FORMAT, 'indefinite-length element has no end-of-contents octets', offset);
    if (bytes[pos] === 0 && bytes[pos + 1] === 0) {
      return { ...h.base, contentStart: h.contentStart, contentEnd: pos, end: pos + 2, indefinite: true };
    }
    pos = readDerElement(bytes, pos, limit, depth + 1).end;
  }
}

interface DerHeader {
  base: Pick<DerElement, 'tagClass' | 'constructed' | 'tag' | 'start'>;
  contentStart: number;
  /** -1 for the indefinite form */
  length: number;
}

function readDerHeader(bytes: Uint8Array, offset: number, limit: number, depth: number): DerHeader {
  if (depth > DER_MAX_DEPTH) throw new FormatError(FORMAT, `nesting deeper than ${DER_MAX_DEPTH}`, offset);
  const end = Math.min(limit, bytes.length);
  if (offset + 2 > end) throw new FormatError(FORMAT, 'element header lies outside the data', offset);
  const id = bytes[offset];
  const tagClass = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  let pos = offset + 1;
  if (tag === 0x1f) {
    // high-tag-number form: base-128, at most 4 octets (tag numbers up to 2^28)
    tag = 0;
    for (let i = 0; ; i++) {
      if (pos >= end || i >= 4) throw new FormatError(FORMAT, 'bad high tag number', offset);
      const b = bytes[pos++];
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= end) throw new FormatError(FORMAT, 'element header lies outside the data', offset);
  const first = bytes[pos++];
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    if (!constructed) throw new FormatError(FORMAT, 'indefinite length on a primitive element', offset);
    length = -1;
  } else {
    const n = first & 0x7f;
    if (n > 4) throw new FormatError(FORMAT, `length of length ${n} is over 4 octets`, offset);
    if (pos + n > end) throw new FormatError(FORMAT, 'element length lies outside the data', offset);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[pos++];
  }
  return { base: { tagClass, constructed, tag, start: offset }, contentStart: pos, length };
}

/** The children of a constructed element (bounded: each child consumes at least 2 bytes). */
export function derChildren(bytes: Uint8Array, parent: DerElement, depth = 0): DerElement[] {
  const out: DerElement[] = [];
  let pos = parent.contentStart;
  while (pos < parent.contentEnd) {
    const child = readDerElement(bytes, pos, parent.contentEnd, depth + 1);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** Decodes an OBJECT IDENTIFIER's content octets to dotted form. */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) return '';
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  return arcs.join('.');
}

function isUniversal(e: DerElement, tag: number): boolean {
  return e.tagClass === DER_CLASS_UNIVERSAL && e.tag === tag;
}

function isContext(e: DerElement, tag: number): boolean {
  return e.tagClass === DER_CLASS_CONTEXT_SPECIFIC && e.tag === tag;
}

/**
 * Reads an element as an outer container: a length past `limit` is clamped to `limit` with an
 * anomaly instead of failing, so a truncated file still yields its whole inner parts.
 */
function readContainer(bytes: Uint8Array, offset: number, limit: number, depth: number, what: string, anomalies: Anomaly[]): DerElement {
  try {
    return readDerElement(bytes, offset, limit, depth);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    const h = readDerHeader(bytes, offset, limit, depth);
    if (!h.base.constructed) throw e;
    anomalies.push({ code: 'pkcs7-length-past-end', message: `${what} claims more bytes than exist; read up to the end of the data`, offset });
    return { ...h.base, contentStart: h.contentStart, contentEnd: limit, end: limit, indefinite: h.length < 0 };
  }
}

export interface Pkcs7Certificates {
  /** the DER encoding of each X.509 certificate in the SignedData certificate set, in file order */
  certificates: Uint8Array[];
  /** number of SignerInfo entries, when the signerInfos SET could be read */
  signerCount?: number;
  anomalies: Anomaly[];
}

/**
 * Extracts the X.509 certificates of a PKCS#7 / CMS SignedData (a JAR signature block file).
 * Throws FormatError only when the input is not a readable ContentInfo holding SignedData.
 */
export function parsePkcs7Certificates(bytes: Uint8Array): Pkcs7Certificates {
  const anomalies: Anomaly[] = [];
  const certificates: Uint8Array[] = [];
  const limit = bytes.length;

  const contentInfo = readContainer(bytes, 0, limit, 0, 'ContentInfo', anomalies);
  if (!isUniversal(contentInfo, DER_TAG_SEQUENCE) || !contentInfo.constructed) {
    throw new FormatError(FORMAT, 'not a ContentInfo SEQUENCE', 0);
  }
  if (contentInfo.end < limit) {
    anomalies.push({ code: 'pkcs7-trailing-data', message: `${limit - contentInfo.end} bytes after the ContentInfo`, offset: contentInfo.end });
  }
  const oid = readDerElement(bytes, contentInfo.contentStart, contentInfo.contentEnd, 1);
  if (!isUniversal(oid, DER_TAG_OBJECT_IDENTIFIER)) throw new FormatError(FORMAT, 'ContentInfo has no contentType', oid.start);
  const contentType = decodeOid(bytes.subarray(oid.contentStart, oid.contentEnd));
  if (contentType !== OID_SIGNED_DATA) throw new FormatError(FORMAT, `content type ${contentType} is not SignedData`, oid.start);
  if (oid.end >= contentInfo.contentEnd) throw new FormatError(FORMAT, 'ContentInfo has no content', oid.end);

  const explicit = readContainer(bytes, oid.end, contentInfo.contentEnd, 1, 'ContentInfo content', anomalies);
  if (!isContext(explicit, 0) || !explicit.constructed) throw new FormatError(FORMAT, 'ContentInfo content is not [0] EXPLICIT', explicit.start);
  const signedData = readContainer(bytes, explicit.contentStart, explicit.contentEnd, 2, 'SignedData', anomalies);
  if (!isUniversal(signedData, DER_TAG_SEQUENCE) || !signedData.constructed) throw new FormatError(FORMAT, 'SignedData is not a SEQUENCE', signedData.start);

  // Walk SignedData's fields; from here on a damaged field becomes an anomaly, not an error.
  let pos = signedData.contentStart;
  let sawCertificates = false;
  let signerCount: number | undefined;
  let index = 0;
  while (pos < signedData.contentEnd) {
    let field: DerElement;
    try {
      field = readDerElement(bytes, pos, signedData.contentEnd, 3);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      // a truncated certificate set: read the certificates that are whole
      let partial: DerElement | undefined;
      try {
        const h = readDerHeader(bytes, pos, signedData.contentEnd, 3);
        if (h.base.tagClass === DER_CLASS_CONTEXT_SPECIFIC && h.base.tag === 0 && h.base.constructed) {
          partial = { ...h.base, contentStart: h.contentStart, contentEnd: signedData.contentEnd, end: signedData.contentEnd, indefinite: h.length < 0 };
        }
      } catch (e2) {
        if (!(e2 instanceof FormatError)) throw e2;
      }
      anomalies.push({ code: 'pkcs7-field-unreadable', message: `SignedData field ${index}: ${(e as Error).message}`, offset: pos });
      if (partial && !sawCertificates) {
        sawCertificates = true;
        readCertificateSet(bytes, partial, certificates, anomalies);
      }
      break;
    }
    if (index === 0 && !isUniversal(field, DER_TAG_INTEGER)) {
      anomalies.push({ code: 'pkcs7-bad-version', message: 'SignedData does not start with a version INTEGER', offset: field.start });
    }
    if (isContext(field, 0) && field.constructed) {
      if (sawCertificates) {
        anomalies.push({ code: 'pkcs7-duplicate-certificates', message: 'a second [0] certificates field', offset: field.start });
      } else {
        sawCertificates = true;
        readCertificateSet(bytes, field, certificates, anomalies);
      }
    } else if (isUniversal(field, DER_TAG_SET) && index >= 3 && field.end >= signedData.contentEnd) {
      // the last field: signerInfos SET OF SignerInfo
      try {
        signerCount = derChildren(bytes, field, 3).length;
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        anomalies.push({ code: 'pkcs7-signer-infos-unreadable', message: (e as Error).message, offset: field.start });
      }
    }
    pos = field.end;
    index++;
  }
  if (!sawCertificates) anomalies.push({ code: 'pkcs7-no-certificates', message: 'SignedData has no certificates field' });
  return signerCount === undefined ? { certificates, anomalies } : { certificates, signerCount, anomalies };
}

function readCertificateSet(bytes: Uint8Array, set: DerElement, out: Uint8Array[], anomalies: Anomaly[]): void {
  let pos = set.contentStart;
  while (pos < set.contentEnd) {
    let cert: DerElement;
    try {
      cert = readDerElement(bytes, pos, set.contentEnd, 4);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      anomalies.push({ code: 'pkcs7-certificate-truncated', message: `certificate ${out.length}: ${e.message}`, offset: pos });
      return;
    }
    if (isUniversal(cert, DER_TAG_SEQUENCE) && cert.constructed) {
      if (cert.indefinite) {
        anomalies.push({ code: 'pkcs7-certificate-not-der', message: 'certificate uses an indefinite length (BER, not DER)', offset: cert.start });
      }
      out.push(bytes.subarray(cert.start, cert.end));
    } else {
      anomalies.push({
        code: 'pkcs7-certificate-choice-skipped',
        message: `CertificateChoices other than Certificate (class ${cert.tagClass} tag ${cert.tag}) skipped`,
        offset: cert.start,
      });
    }
    pos = cert.end;
  }
}

/**
 * The validity dates of an X.509 certificate read straight from its DER (RFC 5280 §4.1.2.5), as
 * ISO 8601 UTC strings; undefined when the structure cannot be walked.
 *
 * ```
 * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
 *                            signature, issuer, validity SEQUENCE { notBefore, notAfter }, … }, … }
 * ```
 */
export function readCertificateValidity(der: Uint8Array): { notBefore: string; notAfter: string } | undefined {
  try {
    const cert = readDerElement(der, 0, der.length, 0);
    const tbs = readDerElement(der, cert.contentStart, cert.contentEnd, 1);
    const fields = derChildren(der, tbs, 1);
    let i = 0;
    if (fields[0] && isContext(fields[0], 0)) i = 1;
    const validity = fields[i + 3];
    if (!validity || !isUniversal(validity, DER_TAG_SEQUENCE)) return undefined;
    const [nb, na] = derChildren(der, validity, 2);
    if (!nb || !na) return undefined;
    const notBefore = decodeTime(der, nb);
    const notAfter = decodeTime(der, na);
    if (notBefore === undefined || notAfter === undefined) return undefined;
    return { notBefore, notAfter };
  } catch (e) {
    if (e instanceof FormatError) return undefined;
    throw e;
  }
}

/** UTCTime (YYMMDDHHMM[SS]Z, RFC 5280: YY < 50 is 20YY) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z). */
function decodeTime(der: Uint8Array, e: DerElement): string | undefined {
  if (e.tagClass !== DER_CLASS_UNIVERSAL || e.constructed) return undefined;
  const text = String.fromCharCode(...der.subarray(e.contentStart, Math.min(e.contentEnd, e.contentStart + 32)));
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string[];
  if (e.tag === DER_TAG_UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(text))) {
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    rest = m.slice(2);
  } else if (e.tag === DER_TAG_GENERALIZED_TIME && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/.exec(text))) {
    year = Number(m[1]);
    rest = m.slice(2);
  } else {
    return undefined;
  }
  const [mo, d, h, mi, s] = rest.map((x) => (x === undefined ? 0 : Number(x)));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, s));
  date.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900–1999
  return date.toISOString();
}
