/**
 * Host names in string constants: the hosts of URLs (`https://api.example.com/v1`), and strings
 * that are a host name and nothing else (`app-measurement.com`). Pure and cheap: a string is
 * looked at only when it contains `://` or a dot, and no regular expression can backtrack.
 *
 * Java package names look like reversed host names (`com.google.firebase`); a bare string counts
 * as a host only when its last label is a known top-level domain, it is lower case, and its first
 * label is not a package root such as `com` or `android`.
 */

/** Generic TLDs common in app code, and every ISO 3166 country-code TLD in use. */
const TLDS = new Set(
  (
    'com net org edu gov mil int info biz io co ai app dev cloud online site tech xyz me tv cc ' +
    'mobi pro name asia tel travel jobs store shop news live media agency digital network global ' +
    'world group services solutions systems software link click today blog page one email games ' +
    'ads analytics ' +
    'ac ad ae af ag al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ' +
    'ca cd cf cg ch ci ck cl cm cn cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ' +
    'ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in iq ir is it je jm jo jp ' +
    'ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz ' +
    'na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw ' +
    'sa sb sc sd se sg sh si sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tw tz ' +
    'ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw'
  ).split(' '),
);

/**
 * A bare string (not in a URL) counts as a host only with one of these TLDs: the common generic
 * ones and the country codes of large app markets. Others are too often words or file extensions
 * (`user.name`, `coverage.ec`, `libfoo.so`, `R.id`).
 */
const BARE_HOST_TLDS = new Set(
  ('com net org io co info biz tv me cn ru jp kr de fr uk br es it nl pl tr vn tw hk sg au ca mx ar cl ch se no dk fi be at cz ua eu us ' +
    'ir il sa ae eg za ng ke my th ph pk bd nz ie pt gr hu ro kz by').split(' '),
);

/** First labels of Java/Android package names. */
const PACKAGE_ROOTS = new Set(['com', 'org', 'net', 'io', 'android', 'androidx', 'java', 'javax', 'kotlin', 'kotlinx', 'dalvik', 'sun', 'de', 'fr', 'uk', 'edu', 'gov', 'me', 'co', 'cn', 'jp', 'ru', 'br', 'in', 'us', 'tv', 'dev', 'app']);

const MAX_HOST_LENGTH = 253;
const MAX_STRING_LENGTH = 4096;

function isHostChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e; // a-z 0-9 - .
}

/** Validates a lower-case host name: labels of 1-63 [a-z0-9-], not starting or ending with '-'. */
function validLabels(host: string): string[] | undefined {
  if (host.length === 0 || host.length > MAX_HOST_LENGTH) return undefined;
  const labels = host.split('.');
  if (labels.length < 2) return undefined;
  for (const l of labels) {
    if (l.length === 0 || l.length > 63 || l.startsWith('-') || l.endsWith('-')) return undefined;
  }
  return labels;
}

function isIPv4(host: string): boolean {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** The host of a URL authority (`user@host:port`), lower-cased, when it is a plausible host name. */
function hostFromAuthority(authority: string): string | undefined {
  let a = authority;
  const at = a.lastIndexOf('@');
  if (at >= 0) a = a.slice(at + 1);
  if (a.startsWith('[')) return undefined; // IPv6 literal: not worth reporting as a domain
  const colon = a.indexOf(':');
  if (colon >= 0) a = a.slice(0, colon);
  a = a.toLowerCase().replace(/\.$/, '');
  if (isIPv4(a)) return a;
  // Templates such as `%s.api.example.com` or `{region}.example.com`: keep the labels after the last non-host character.
  let start = 0;
  for (let i = 0; i < a.length; i++) if (!isHostChar(a.charCodeAt(i))) start = i + 1;
  a = a.slice(start).replace(/^[.-]+/, '');
  const labels = validLabels(a);
  if (!labels || !TLDS.has(labels[labels.length - 1])) return undefined;
  return a;
}

export interface HostHit {
  host: string;
  /** the string it came from, trimmed to 200 characters */
  sample: string;
}

/** The answer for most strings; shared, so the common case allocates nothing. */
const NONE: readonly HostHit[] = Object.freeze([]);

/** Hosts found in one string constant (usually none). The result must not be modified. */
export function hostsInString(s: string): readonly HostHit[] {
  if (s.length < 4 || s.length > MAX_STRING_LENGTH) return NONE;
  if (s.includes('://')) {
    const out: HostHit[] = [];
    let from = 0;
    for (;;) {
      const i = s.indexOf('://', from);
      if (i < 0) break;
      // scheme: letters before '://'
      let j = i;
      while (j > 0 && /[A-Za-z0-9+.-]/.test(s[j - 1])) j--;
      const scheme = s.slice(j, i).toLowerCase();
      let end = i + 3;
      while (end < s.length && !'/?#\\ \t\r\n"\'<>'.includes(s[end])) end++;
      if (scheme === 'http' || scheme === 'https' || scheme === 'ws' || scheme === 'wss' || scheme === 'ftp') {
        const host = hostFromAuthority(s.slice(i + 3, end));
        if (host && !out.some((h) => h.host === host)) out.push({ host, sample: sampleOf(s) });
      }
      from = end > i + 3 ? end : i + 3;
    }
    return out;
  }
  // A bare host name: the whole string, lower case, no spaces.
  if (s.indexOf('.') < 0 || s.length > MAX_HOST_LENGTH) return NONE;
  for (let i = 0; i < s.length; i++) if (!isHostChar(s.charCodeAt(i))) return NONE;
  const labels = validLabels(s);
  if (!labels) return NONE;
  const tld = labels[labels.length - 1];
  if (!BARE_HOST_TLDS.has(tld) || PACKAGE_ROOTS.has(labels[0])) return NONE;
  return [{ host: s, sample: sampleOf(s) }];
}

/** Byte classes for {@link mayHoldHostByClasses}: a host character, a dot, a colon. */
const HOST_CHAR = 1;
const DOT = 2;
const COLON = 4;
/** Per byte value, its classes (bytes ≥ 0x80 have none). */
export const HOST_BYTE_CLASSES: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 128; c++) if (isHostChar(c)) t[c] |= HOST_CHAR;
  t[0x2e] |= DOT;
  t[0x3a] |= COLON;
  return t;
})();

/**
 * Whether a string whose bytes are `bytes[start, end)` may hold a host for
 * {@link hostsInString}, from the OR (`any`) and the AND (`all`) of its bytes'
 * {@link HOST_BYTE_CLASSES}: the same first tests as hostsInString, on bytes, so a reader can skip
 * decoding the rest (`://` anywhere, or a dot in a string of host characters only). A superset:
 * it never says no to a string hostsInString would find a host in.
 */
export function mayHoldHostByClasses(any: number, all: number, bytes: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n < 4 || n > MAX_STRING_LENGTH) return false;
  if (all & HOST_CHAR && any & DOT) return n <= MAX_HOST_LENGTH;
  if (!(any & COLON)) return false;
  for (let i = start; i + 2 < end; i++) if (bytes[i] === 0x3a && bytes[i + 1] === 0x2f && bytes[i + 2] === 0x2f) return true;
  return false;
}

function sampleOf(s: string): string {
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}
