/**
 * Text report for the terminal: written for a journalist first (who is this app, what can it
 * reach, who receives data), details after. Colour only when asked (a TTY without NO_COLOR).
 */
import type { CapabilityFinding } from '../analysis/capabilities.js';
import { isTracker, type TrackerEvidence, type TrackerFinding } from '../analysis/trackers.js';
import { CATEGORY_ORDER, CATEGORY_TITLES } from './categories.js';
import type { Report } from './model.js';
import { capabilityUseLines, obfuscationLines, requiredReasonLines, trackerStatusLine, unexercisedPermissionsLine } from './text-attribution.js';

export interface TextOptions {
  color?: boolean;
  /** list every permission, component count, domain and warning */
  verbose?: boolean;
}


export function renderText(report: Report, options: TextOptions = {}): string {
  const c = colours(options.color ?? false);
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  const a = report.app;

  line(c.bold(`${a.name ?? a.id}`) + (a.name ? ` (${a.id})` : '') + (a.versionName ? `  version ${a.versionName}` : '') + (a.versionCode !== undefined ? ` (code ${a.versionCode})` : ''));
  line(`  file     ${report.input.path}  ${formatBytes(report.input.size)}`);
  line(`  SHA-256  ${report.input.sha256}`);
  const sdk = [a.minSdk !== undefined ? `min SDK ${a.minSdk}` : '', a.targetSdk !== undefined ? `target SDK ${a.targetSdk}` : ''].filter(Boolean).join(', ');
  if (sdk) line(`  Android  ${sdk}`);
  const ios = report.ios;
  if (a.minOS) line(`  iOS      minimum iOS ${a.minOS}${a.build ? `, build ${a.build}` : ''}`);
  if (ios?.teamId) line(`  signer   Apple team ${ios.teamId}`);
  if (ios?.encrypted) {
    line(`  ${c.yellow('FairPlay')} the main executable is encrypted (an App Store download): its own classes and strings`);
    line(`           could not be read. Frameworks, plists and privacy manifests were. Scan a decrypted copy for the rest.`);
  }
  for (const cert of report.signing?.certificates ?? []) {
    line(`  signer   ${cert.subject || '(unreadable certificate)'}  [${cert.schemes.join(', ')}]`);
    line(`           SHA-256 ${cert.sha256}`);
  }
  if (report.signing && report.signing.certificates.length === 0) line(`  signer   ${c.yellow('not signed')}`);
  line();
  out.push(...obfuscationLines(report, c.yellow));

  // What it can access
  const caps = report.capabilities.filter((x) => x.sensitivity !== 'low');
  line(c.bold(caps.length ? 'THIS APP CAN ACCESS' : 'THIS APP ASKS FOR NO SENSITIVE PERMISSIONS'));
  for (const cap of caps) line(formatCapability(cap, c));
  const low = report.capabilities.filter((x) => x.sensitivity === 'low');
  if (low.length) line(`  ${c.dim('also: ' + low.map((x) => x.title.toLowerCase()).join(', '))}`);
  line();

  // Trackers
  // consent platforms and common libraries are listed apart and never counted as trackers
  const trackers = report.trackers.filter((t) => isTracker(t) && t.confidence !== 'low');
  const weak = report.trackers.filter((t) => isTracker(t) && t.confidence === 'low');
  const consent = report.trackers.filter((t) => !isTracker(t) && t.categories.includes('consent'));
  const libraries = report.trackers.filter((t) => !isTracker(t) && !t.categories.includes('consent') && t.confidence !== 'low');
  line(c.bold(trackers.length ? `TRACKERS (${trackers.length})` : 'NO KNOWN TRACKERS FOUND'));
  const shown = new Set<string>();
  for (const cat of CATEGORY_ORDER) {
    const inCat = trackers.filter((t) => t.categories[0] === cat && !shown.has(t.id));
    if (!inCat.length) continue;
    line(`  ${c.underline(CATEGORY_TITLES[cat])}`);
    for (const t of inCat) {
      shown.add(t.id);
      out.push(...formatTracker(t, c));
    }
  }
  if (consent.length) {
    line(`  ${c.underline(CATEGORY_TITLES.consent)}`);
    for (const t of consent) out.push(...formatTracker(t, c));
  }
  if (libraries.length) {
    line(`  ${c.underline(CATEGORY_TITLES.library)}`);
    for (const t of libraries) line(`    ${t.name} — ${[t.vendor, t.country ?? ''].filter(Boolean).join(', ')}  [${t.confidence} confidence]`);
  }
  if (weak.length) {
    line(`  ${c.underline('Weak hints, not counted above')} ${c.dim('(code refers to these SDKs but does not contain them)')}`);
    for (const t of weak) out.push(...formatTracker(t, c));
  }
  line();

  if (ios) {
    const dvd = ios.declaredVsDetected;
    line(c.bold('PRIVACY MANIFESTS (what the app declares vs what was found)'));
    line(
      `  ${dvd.manifests} privacy manifest${dvd.manifests === 1 ? '' : 's'}; tracking declared: ${dvd.declaresTracking ? 'yes' : 'no'}; tracking domains declared: ${dvd.declaredTrackingDomains.length ? dvd.declaredTrackingDomains.join(', ') : 'none'}`,
    );
    for (const check of dvd.checks) line(`  ${c.yellow('!')} ${check.message}`);
    const reasons = requiredReasonLines(report, c.yellow);
    out.push(...reasons);
    if (!dvd.checks.length && !reasons.length) line(`  ${c.dim('no discrepancy found')}`);
    line();
  }

  // Details
  line(c.bold('DETAILS'));
  const android = report.android;
  line(`  permissions   ${report.permissions.length} requested${android?.customPermissions.length ? `, ${android.customPermissions.length} declared by the app` : ''}`);
  const unexercised = unexercisedPermissionsLine(report);
  if (unexercised) line(unexercised);
  if (options.verbose) for (const p of report.permissions) line(`    ${p.name}${p.protectionLevel ? c.dim(` (${p.protectionLevel})`) : ''}${p.maxSdkVersion !== undefined ? c.dim(` up to API ${p.maxSdkVersion}`) : ''}`);
  if (android) {
    const exported = android.components.filter((x) => x.effectivelyExported).length;
    line(`  components    ${android.components.length} (${exported} exported)`);
  }
  const one = report.code.binaries === 1;
  const unit = report.platform === 'android' ? (one ? 'DEX file' : 'DEX files') : one ? 'Mach-O binary' : 'Mach-O binaries';
  line(`  code          ${report.code.classesDefined} classes in ${report.code.binaries} ${unit}`);
  for (const x of report.obfuscation?.embeddedCode ?? []) {
    const what = x.format === 'dex' ? 'a DEX file' : `${x.dexFiles.length} DEX file${x.dexFiles.length === 1 ? '' : 's'}`;
    line(`  hidden code   ${x.entry}: ${what}, ${x.classes.toLocaleString('en-US')} class${x.classes === 1 ? '' : 'es'}, outside classes*.dex (scanned)`);
  }
  if (android) {
    const flags = android.flags;
    const risky = [flags.debuggable ? 'debuggable' : '', flags.allowBackup !== false ? 'allowBackup' : '', flags.usesCleartextTraffic ? 'usesCleartextTraffic' : ''].filter(Boolean);
    if (risky.length) line(`  flags         ${risky.join(', ')}`);
  }
  if (ios) {
    if (ios.skAdNetworks.length) line(`  SKAdNetwork   registers with ${ios.skAdNetworks.length} ad network${ios.skAdNetworks.length === 1 ? '' : 's'} for install attribution`);
    if (ios.queriesSchemes.length) line(`  other apps    can check whether ${ios.queriesSchemes.length} other app${ios.queriesSchemes.length === 1 ? ' is' : 's are'} installed (LSApplicationQueriesSchemes)`);
    if (ios.ats.allowsArbitraryLoads) line(`  network       App Transport Security disabled (NSAllowsArbitraryLoads): unencrypted connections allowed`);
    const fws = ios.bundles.filter((b) => b.kind === 'framework').length;
    const exts = ios.bundles.filter((b) => b.kind === 'extension').length;
    line(`  bundles       ${fws} framework${fws === 1 ? '' : 's'}, ${exts} extension${exts === 1 ? '' : 's'}`);
  }
  const trackerHosts = report.domains.filter((d) => d.trackers.length);
  line(`  domains       ${report.domains.length} host names in code${trackerHosts.length ? `, ${trackerHosts.length} belonging to trackers` : ''}`);
  const hosts = options.verbose ? report.domains : trackerHosts;
  for (const d of hosts.slice(0, options.verbose ? undefined : 20)) line(`    ${d.host}${d.trackers.length ? c.dim(` (${d.trackers.join(', ')})`) : ''}`);
  if (report.warnings.length) {
    line(`  warnings      ${report.warnings.length}${options.verbose ? '' : ' (--verbose lists them)'}`);
    if (options.verbose) for (const w of report.warnings) line(`    ${w.entry ? `${w.entry}: ` : ''}[${w.code}] ${w.message}`);
  }
  line();
  line(c.dim('Limits: this is static analysis. Code that is present may never run, and a permission that is requested'));
  line(c.dim('may never be used; code loaded at run time or from a server is not seen. Evidence above says what was found where.'));
  line(c.dim(`trackscan ${report.tool.version}, signatures ${report.signatures.version} (${report.signatures.sdks} SDKs)`));
  return out.join('\n') + '\n';
}

function formatCapability(cap: CapabilityFinding, c: Colours): string {
  const mark = cap.sensitivity === 'high' ? c.red('●') : c.yellow('●');
  // one label per source: several binaries linking the same framework say it once
  const why = [...new Set(cap.evidence.map((e) => (e.kind === 'derived' ? 'from ' : '') + evidenceLabel(e)))].join(', ');
  const lines = [`  ${mark} ${cap.title} ${c.dim('— ' + why)}`, `      ${cap.description}`, ...capabilityUseLines(cap, c.dim)];
  // iOS: the sentence the user is shown when asked — journalists quote it
  for (const e of cap.evidence) if (e.kind === 'usage-key' && e.purpose) lines.push(`      the app tells the user: “${e.purpose}”`);
  return lines.join('\n');
}

/** Where a capability comes from, in a few words (`READ_CONTACTS`, `background mode location`, `bluetooth-scan + location-precise`). */
export function evidenceLabel(e: CapabilityFinding['evidence'][number]): string {
  switch (e.kind) {
    case 'permission':
      return e.permission.replace(/^android\.permission\./, '') + (e.maxSdkVersion !== undefined ? ` (up to API ${e.maxSdkVersion})` : '');
    case 'derived':
      return e.from.join(' + ');
    case 'manifest':
      return `<${e.element}>`;
    case 'usage-key':
      return e.key;
    case 'background-mode':
      return `background mode ${e.mode}`;
    case 'entitlement':
      return `entitlement ${e.key}`;
    case 'linked-framework':
      return `links ${e.framework}`;
  }
}

function formatTracker(t: TrackerFinding, c: Colours): string[] {
  const who = [t.vendor, t.parent ? `owned by ${t.parent}` : '', t.country ?? ''].filter(Boolean).join(', ');
  const conf = t.confidence === 'high' ? c.red('high') : t.confidence === 'medium' ? c.yellow('medium') : c.dim('low');
  const lines = [`    ${c.bold(t.name)}${t.version ? ` ${t.version}` : ''} — ${who}  [${conf} confidence]${t.firstParty ? c.dim(" (the app is the vendor's own)") : ''}`];
  const status = trackerStatusLine(t, c.dim, c.red);
  if (status) lines.push(status);
  // the strongest four items, and always the login scopes (what a login can ask the user for)
  const shown = t.evidence.filter((e, i) => i < 4 || e.kind === 'login-scope');
  for (const e of shown) lines.push(`      ${e.kind === 'login-scope' ? describeEvidence(e) : c.dim(describeEvidence(e))}`);
  const more = t.evidence.length - shown.length;
  if (more > 0) lines.push(`      ${c.dim(`… and ${more} more item${more === 1 ? '' : 's'} of evidence (--format json lists them)`)}`);
  return lines;
}

export function describeEvidence(e: TrackerEvidence): string {
  const ex = e.examples.length ? ` (e.g. ${e.examples.join(', ')})` : '';
  switch (e.kind) {
    case 'code-defined':
      return e.searchedFor.startsWith('Swift module ')
        ? `${e.count} Swift class${e.count === 1 ? '' : 'es'} of the ${e.searchedFor}${ex}`
        : e.searchedFor.includes('.')
          ? `${e.count} class${e.count === 1 ? '' : 'es'} under ${e.searchedFor}${ex}`
          : `${e.count} class${e.count === 1 ? '' : 'es'} named ${e.searchedFor}…${ex}`;
    case 'code-referenced':
      return `code refers to ${e.count} type${e.count === 1 ? '' : 's'} under ${e.searchedFor} that the app does not contain${ex}`;
    case 'component':
      return `manifest component ${e.examples[0] ?? e.searchedFor}`;
    case 'meta-data':
      return `manifest meta-data ${e.examples[0] ?? e.searchedFor}`;
    case 'version-file':
      return `library version file: ${e.examples[0] ?? e.searchedFor}`;
    case 'native-library':
      return `native library ${e.examples[0] ?? e.searchedFor}`;
    case 'file':
      return `file ${e.searchedFor}`;
    case 'framework':
      return `embedded framework ${e.examples[0] ?? e.searchedFor}`;
    case 'linked-library':
      return `${e.examples[0] ?? `links ${e.searchedFor}`}`;
    case 'bundle-id':
      return `bundle identifier ${e.examples[0] ?? e.searchedFor}`;
    case 'plist-key':
      return `Info.plist key ${e.examples[0] ?? e.searchedFor}`;
    case 'domain':
      return `host ${e.examples.join(', ')} in code (${e.searchedFor})`;
    case 'login-scope':
      return `Graph API permission names in code: ${e.examples.join(', ')}`;
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

interface Colours {
  bold(s: string): string;
  dim(s: string): string;
  underline(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

function colours(on: boolean): Colours {
  const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), underline: wrap(4, 24), red: wrap(31, 39), yellow: wrap(33, 39) };
}
