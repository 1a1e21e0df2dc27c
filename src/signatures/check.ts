/**
 * The database's quality gates beyond the JSON Schema, as one pure function over loaded entries
 * (the tests, `trackscan signatures validate` and user directories use the same rules):
 *
 * - every entry has evidence: Android or iOS signatures, or (for data destinations) only domains,
 *   and then category `profiling`;
 * - no package prefix is a vendor root that also covers unrelated libraries;
 * - no signature is claimed by two entries, and no package prefix, class prefix, bundle id or
 *   domain lies inside another entry's unless one declares the other in `within` (or excludes the
 *   inner prefix): collisions resolve deterministically and on purpose;
 * - `company` exists, and a `vendor`, `parent` or `country` written beside it agrees with the
 *   owner graph;
 * - host names are valid.
 */
import { companyNameIndex, ownerChain } from './load.js';
import type { Company, SdkSignature } from './types.js';

export interface Problem {
  /** the entry at fault (the second one, for a collision) */
  id: string;
  file?: string;
  level: 'error' | 'warning';
  message: string;
}

/** Vendor roots that also hold unrelated libraries (or the platform itself). */
export const TOO_BROAD_PREFIXES: ReadonlySet<string> = new Set([
  'com.google', 'com.google.android', 'com.google.android.gms', 'com.google.firebase', 'com.facebook', 'com.amazon',
  'com.microsoft', 'com.unity3d', 'io.fabric.sdk', 'androidx', 'android', 'com.android', 'com.tencent', 'com.alibaba',
  'com.taobao', 'com.baidu', 'com.huawei', 'com.huawei.hms', 'com.xiaomi', 'com.yandex', 'com.vk', 'com.kakao',
  'com.naver', 'com.nhn', 'com.linecorp', 'com.bytedance', 'com.ss.android', 'com.sina', 'com.oppo', 'com.heytap',
  'com.vivo', 'com.meizu', 'com.hihonor', 'com.samsung', 'com.apple', 'org.apache', 'kotlin', 'kotlinx', 'java', 'javax',
  'org.jetbrains', 'com.mi', 'com.my', 'com.mail', 'ru.mail', 'ru.ok',
]);

/** RFC 1123 host name, lower case, with a letters-only top-level label. */
export function isValidHostname(host: string): boolean {
  if (host.length > 253) return false;
  const labels = host.split('.');
  if (labels.length < 2) return false;
  if (!/^[a-z]{2,63}$/.test(labels[labels.length - 1])) return false;
  return labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
}

/** True when an Objective-C class prefix `inner` starts with `outer` at a CamelCase word boundary (as the matcher splits). */
export function objcPrefixNests(outer: string, inner: string): boolean {
  if (outer === inner || !inner.startsWith(outer)) return false;
  const i = outer.length;
  const c = inner.charCodeAt(i);
  if (c === 0x5f || (c >= 0x30 && c <= 0x39)) return true;
  const upper = (x: number) => x >= 0x41 && x <= 0x5a;
  if (!upper(c)) return false;
  return i + 1 >= inner.length || !upper(inner.charCodeAt(i + 1));
}

const segPrefix = (outer: string, inner: string) => inner.startsWith(outer + '.');
const domainNests = (outer: string, inner: string) => inner.endsWith('.' + outer);

export function hasAndroidOrIosEvidence(s: SdkSignature): boolean {
  const a = s.android ?? {};
  const i = s.ios ?? {};
  return [a.packages, a.components, a.metaData, a.versionArtifacts, a.nativeLibraries, a.files, i.frameworks, i.bundleIds, i.classPrefixes, i.plistKeys, i.modules].some(
    (x) => x !== undefined && x.length > 0,
  );
}

export function checkSignatures(sdks: readonly SdkSignature[], companies: Record<string, Company>): Problem[] {
  const problems: Problem[] = [];
  const err = (s: SdkSignature, message: string) => problems.push({ id: s.id, file: s.file, level: 'error', message });
  const warn = (s: SdkSignature, message: string) => problems.push({ id: s.id, file: s.file, level: 'warning', message });

  const ids = new Map<string, SdkSignature>();
  for (const s of sdks) {
    if (ids.has(s.id)) err(s, `duplicate id ${s.id}`);
    ids.set(s.id, s);
  }
  const related = (a: SdkSignature, b: SdkSignature) => a.id === b.id || (a.within ?? []).includes(b.id) || (b.within ?? []).includes(a.id);

  const names = companyNameIndex(companies);
  for (const s of sdks) {
    // evidence
    if (!hasAndroidOrIosEvidence(s)) {
      if (!s.domains?.length) err(s, 'no evidence to match on (no Android, iOS or domain signatures)');
      else if (!s.categories.includes('profiling')) err(s, 'an entry with only domains names a data destination and must have category profiling');
    }
    for (const p of s.android?.packages ?? []) {
      if (TOO_BROAD_PREFIXES.has(p)) err(s, `package prefix ${p} is a vendor root that also covers unrelated libraries`);
      if (p.split('.').length < 2) err(s, `package prefix ${p} has fewer than two segments`);
    }
    for (const p of s.ios?.classPrefixes ?? []) {
      if (!/^[A-Z_][A-Za-z0-9_]{2,}$/.test(p)) err(s, `Objective-C class prefix ${p} must start with a capital and be at least 3 characters`);
    }
    for (const d of s.domains ?? []) if (!isValidHostname(d)) err(s, `${d} is not a valid host name`);
    if (!s.sources.length) err(s, 'no source');
    if (!s.description.endsWith('.')) warn(s, 'the description should be one sentence ending with a full stop');
    for (const w of s.within ?? []) if (!ids.has(w)) err(s, `within names an unknown entry ${w}`);

    // owner graph
    if (s.company !== undefined) {
      if (!companies[s.company]) err(s, `unknown company ${s.company}`);
      else {
        const chain = ownerChain(companies, s.company);
        const vendorId = names.get(s.vendor.toLowerCase());
        if (vendorId !== s.company) err(s, `vendor "${s.vendor}" is not the name (or an alias) of company ${s.company} (${companies[s.company].name})`);
        if (s.parent !== undefined) {
          const pid = names.get(s.parent.toLowerCase());
          if (!pid || !chain.some((o) => o.id === pid)) warn(s, `parent "${s.parent}" is not an owner of ${s.company} in companies.json`);
        }
        if (s.country !== undefined && !chain.some((o) => o.country === s.country)) err(s, `country ${s.country} is not the country of ${s.company} or of its owners`);
      }
    }
  }

  // exact claims: one owner per signature
  const exact: [string, (s: SdkSignature) => readonly string[] | undefined, boolean][] = [
    ['package prefix', (s) => s.android?.packages, true],
    ['component', (s) => s.android?.components, true],
    ['version artifact', (s) => s.android?.versionArtifacts, true],
    ['meta-data key', (s) => s.android?.metaData, false],
    ['native library', (s) => s.android?.nativeLibraries, false],
    ['file', (s) => s.android?.files, false],
    ['framework or module', (s) => [...(s.ios?.frameworks ?? []), ...(s.ios?.modules ?? []).filter((m) => !(s.ios?.frameworks ?? []).includes(m))], true],
    ['bundle id', (s) => s.ios?.bundleIds, true],
    ['class prefix', (s) => s.ios?.classPrefixes, true],
    ['Info.plist key', (s) => s.ios?.plistKeys, false],
    ['domain', (s) => s.domains, false],
  ];
  for (const [kind, get, alwaysUnique] of exact) {
    const owner = new Map<string, SdkSignature>();
    for (const s of sdks) {
      for (const v of new Set(get(s) ?? [])) {
        const o = owner.get(v);
        if (o && o.id !== s.id && (alwaysUnique || !related(o, s))) err(s, `${kind} ${v} is also claimed by ${o.id}`);
        else if (!o) owner.set(v, s);
      }
    }
  }

  // nesting: an inner signature of another entry needs a declared relation
  const nesting: [string, (s: SdkSignature) => readonly string[] | undefined, (outer: string, inner: string) => boolean][] = [
    ['package prefix', (s) => s.android?.packages, segPrefix],
    ['class prefix', (s) => s.ios?.classPrefixes, objcPrefixNests],
    ['bundle id', (s) => s.ios?.bundleIds, segPrefix],
    ['domain', (s) => s.domains, domainNests],
  ];
  for (const [kind, get, nests] of nesting) {
    const all: { v: string; s: SdkSignature }[] = [];
    for (const s of sdks) for (const v of get(s) ?? []) all.push({ v, s });
    all.sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
    const byValue = new Map<string, SdkSignature>(all.map((x) => [x.v, x.s]));
    for (const { v: inner, s } of all) {
      for (const outer of candidatesAround(inner, kind)) {
        const o = byValue.get(outer);
        if (!o || o.id === s.id || !nests(outer, inner) || related(o, s)) continue;
        if (kind === 'package prefix' && (o.android?.excludePackages ?? []).some((e) => e === inner || segPrefix(e, inner))) continue;
        err(s, `${kind} ${inner} lies inside ${o.id}'s ${outer}; declare "within": ["${o.id}"] (or exclude it from ${o.id})`);
      }
    }
  }
  return problems;
}

/** The shorter signatures that could contain `v` (segment, word or label prefixes). */
function candidatesAround(v: string, kind: string): string[] {
  const out: string[] = [];
  if (kind === 'package prefix' || kind === 'bundle id') {
    const segs = v.split('.');
    for (let i = 1; i < segs.length; i++) out.push(segs.slice(0, i).join('.'));
  } else if (kind === 'domain') {
    const labels = v.split('.');
    for (let i = 1; i < labels.length - 1; i++) out.push(labels.slice(i).join('.'));
  } else {
    for (let i = 3; i < v.length; i++) out.push(v.slice(0, i));
  }
  return out;
}
