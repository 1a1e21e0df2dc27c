/**
 * Embedded code signature (the LC_CODE_SIGNATURE blob in __LINKEDIT). Pure; every field big-endian.
 * Spec: xnu osfmk/kern/cs_blobs.h
 *   https://github.com/apple-oss-distributions/xnu/blob/main/osfmk/kern/cs_blobs.h
 *
 * SuperBlob { magic, length, count, index[count] { type, offset } }; offsets are relative to the
 * SuperBlob. CodeDirectory: identifier (C string at identOffset), team id (teamOffset, version ≥
 * 0x20200), hashType. Entitlements: 0xfade7171 blob holding the XML plist text; 0xfade7172 DER.
 */
import type { Anomaly } from './bytes.js';
import {
  CS_HASHTYPE_SHA1,
  CS_HASHTYPE_SHA256,
  CS_HASHTYPE_SHA256_TRUNCATED,
  CS_HASHTYPE_SHA384,
  CS_SUPPORTSTEAMID,
  CSMAGIC_BLOBWRAPPER,
  CSMAGIC_CODEDIRECTORY,
  CSMAGIC_EMBEDDED_DER_ENTITLEMENTS,
  CSMAGIC_EMBEDDED_ENTITLEMENTS,
  CSMAGIC_EMBEDDED_SIGNATURE,
  CSSLOT_CODEDIRECTORY,
} from './macho-constants.js';

export interface CodeDirectoryInfo {
  slot: number;
  version: number;
  flags: number;
  hashType: number;
  /** 'sha1' | 'sha256' | 'sha256-truncated' | 'sha384' | 'unknown-N' */
  hashTypeName: string;
  hashSize: number;
  identifier?: string;
  teamId?: string;
  nCodeSlots: number;
  nSpecialSlots: number;
  codeLimit: number;
  platform: number;
}

export interface CodeSignatureBlob {
  type: number;
  magic: number;
  /** absolute offset in the input */
  offset: number;
  length: number;
}

export interface CodeSignature {
  /** the SuperBlob's index, in order */
  blobs: CodeSignatureBlob[];
  /** the primary CodeDirectory (slot 0), when readable */
  codeDirectory?: CodeDirectoryInfo;
  /** every CodeDirectory (slot 0 and the alternates, e.g. SHA-1 + SHA-256) */
  codeDirectories: CodeDirectoryInfo[];
  /** identifier of the primary CodeDirectory (e.g. the bundle id) */
  identifier?: string;
  teamId?: string;
  /** the XML entitlements plist, as text */
  entitlementsXml?: string;
  /** DER entitlements (a view into the input, not a copy) */
  entitlementsDer?: Uint8Array;
  /** true when a CMS signature blob (0xfade0b01) with content is present; false means ad hoc / unsigned */
  hasCmsSignature: boolean;
}

const MAX_BLOBS = 64;
const utf8 = new TextDecoder('utf-8', { fatal: false });

export function hashTypeName(t: number): string {
  switch (t) {
    case CS_HASHTYPE_SHA1:
      return 'sha1';
    case CS_HASHTYPE_SHA256:
      return 'sha256';
    case CS_HASHTYPE_SHA256_TRUNCATED:
      return 'sha256-truncated';
    case CS_HASHTYPE_SHA384:
      return 'sha384';
    default:
      return `unknown-${t}`;
  }
}

/**
 * Parses the SuperBlob at bytes[start, start+size). Returns undefined (plus an anomaly) when the
 * range is not an embedded signature at all.
 */
export function parseCodeSignature(
  bytes: Uint8Array,
  start: number,
  size: number,
  anomaly: (a: Anomaly) => void,
): CodeSignature | undefined {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = Math.min(bytes.length, start + size);
  const be32 = (off: number): number => (off >= start && off + 4 <= end ? dv.getUint32(off, false) : -1);
  const cstr = (off: number, limit: number): string | undefined => {
    if (off < start || off >= limit) return undefined;
    let e = off;
    while (e < limit && bytes[e] !== 0) e++;
    if (e >= limit) anomaly({ code: 'macho-codesign-string-unterminated', message: 'a code signature string has no NUL before the end of its blob', offset: off });
    return utf8.decode(bytes.subarray(off, e));
  };

  const magic = be32(start);
  if (magic !== CSMAGIC_EMBEDDED_SIGNATURE) {
    anomaly({ code: 'macho-codesign-bad-magic', message: `code signature magic is 0x${(magic >>> 0).toString(16)}, expected 0xfade0cc0`, offset: start });
    return undefined;
  }
  const length = be32(start + 4);
  let blobEnd = end;
  if (length < 12 || start + length > end) {
    anomaly({ code: 'macho-codesign-length', message: `SuperBlob length ${length} does not fit in ${end - start} bytes`, offset: start + 4 });
  } else {
    blobEnd = start + length;
  }
  let count = be32(start + 8);
  if (count < 0) count = 0;
  const maxCount = Math.min(MAX_BLOBS, Math.floor((blobEnd - start - 12) / 8));
  if (count > maxCount) {
    anomaly({ code: 'macho-codesign-count', message: `SuperBlob claims ${count} blobs, reading ${Math.max(0, maxCount)}`, offset: start + 8 });
    count = Math.max(0, maxCount);
  }
  const out: CodeSignature = { blobs: [], codeDirectories: [], hasCmsSignature: false };
  for (let i = 0; i < count; i++) {
    const type = be32(start + 12 + i * 8);
    const rel = be32(start + 16 + i * 8);
    const at = start + rel;
    const bMagic = be32(at);
    const bLen = be32(at + 4);
    if (rel < 0 || bMagic < 0 || bLen < 8 || at + bLen > blobEnd) {
      anomaly({ code: 'macho-codesign-blob-outside', message: `blob ${i} (type 0x${type.toString(16)}) lies outside the signature`, offset: at });
      continue;
    }
    out.blobs.push({ type, magic: bMagic, offset: at, length: bLen });
    const bEnd = at + bLen;
    if (bMagic === CSMAGIC_CODEDIRECTORY) {
      const version = be32(at + 8);
      const identOffset = be32(at + 20);
      const cd: CodeDirectoryInfo = {
        slot: type,
        version,
        flags: be32(at + 12),
        nSpecialSlots: be32(at + 24),
        nCodeSlots: be32(at + 28),
        codeLimit: be32(at + 32),
        hashSize: at + 36 < bEnd ? bytes[at + 36] : 0,
        hashType: at + 37 < bEnd ? bytes[at + 37] : 0,
        platform: at + 38 < bEnd ? bytes[at + 38] : 0,
        hashTypeName: '',
      };
      cd.hashTypeName = hashTypeName(cd.hashType);
      cd.identifier = cstr(at + identOffset, bEnd);
      if (cd.identifier === undefined) anomaly({ code: 'macho-codesign-identifier', message: 'CodeDirectory identifier offset is outside the blob', offset: at + 20 });
      if (version >= CS_SUPPORTSTEAMID) {
        const teamOffset = be32(at + 48);
        if (teamOffset > 0) cd.teamId = cstr(at + teamOffset, bEnd);
      }
      out.codeDirectories.push(cd);
      if (type === CSSLOT_CODEDIRECTORY && !out.codeDirectory) out.codeDirectory = cd;
    } else if (bMagic === CSMAGIC_EMBEDDED_ENTITLEMENTS) {
      out.entitlementsXml = utf8.decode(bytes.subarray(at + 8, bEnd));
    } else if (bMagic === CSMAGIC_EMBEDDED_DER_ENTITLEMENTS) {
      out.entitlementsDer = bytes.subarray(at + 8, bEnd);
    } else if (bMagic === CSMAGIC_BLOBWRAPPER) {
      if (bLen > 8) out.hasCmsSignature = true;
    }
  }
  const primary = out.codeDirectory ?? out.codeDirectories[0];
  if (primary) {
    out.identifier = primary.identifier;
    out.teamId = primary.teamId;
  }
  return out;
}
