/**
 * Markdown report (`--format md`): the HTML report's content, compact, for pasting into an article
 * draft or an issue tracker (GitHub-flavoured Markdown: tables, no raw HTML).
 *
 * Text from the bundle is attacker-controlled. Free text (`mdText`) has Markdown and HTML
 * punctuation backslash-escaped or turned into entities and line breaks folded, so an app name
 * cannot open a link, an image, a table cell or an HTML tag; identifiers go into code spans
 * (`mdCode`) whose fence is longer than any backtick run inside. Invisible and direction-changing
 * characters are shown as `\u{…}` (view-model.ts `visible`).
 */
import type { Report } from './model.js';
import { buildViewModel, visible, type StatusView, type TrackerView, type UseView } from './view-model.js';

export interface MarkdownOptions {
  /** heading level of the title (default 2, so the report fits under a document title) */
  headingLevel?: number;
}

/** Escapes free text for Markdown, on one line. */
export function mdText(s: string): string {
  return visible(s)
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_[\]#|~>]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

/** A code span holding `s` verbatim (on one line); `|` escaped, as GFM tables require even in code. */
export function mdCode(s: string): string {
  const one = visible(s).replace(/\r\n?|\n/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(one.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') || (one.startsWith(' ') && one.endsWith(' ') && one.trim()) ? ' ' : '';
  return one ? `${fence}${pad}${one}${pad}${fence}` : '';
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const vm = buildViewModel(report);
  const h = (n: number) => '#'.repeat(Math.min(6, (options.headingLevel ?? 2) + n)) + ' ';
  const out: string[] = [];
  const line = (s = '') => out.push(s);

  line(`${h(0)}${mdText(vm.title)}`);
  line();
  const version = vm.identity.find((f) => f.label === 'Version')?.value;
  line(`- ${mdCode(report.app.id)}${version ? ` · ${mdText(version)}` : ''} · ${vm.platform} · ${mdText(vm.identity.find((f) => f.label === 'File')?.value ?? '')}`);
  line(`- SHA-256 ${mdCode(report.input.sha256)}`);
  for (const s of vm.signers) line(`- signed by ${mdText(s.subject)} (certificate SHA-256 ${mdCode(s.sha256)}, ${mdText(s.schemes)})`);
  if (report.ios?.teamId) line(`- Apple team ${mdCode(report.ios.teamId)}`);
  line();
  line(`**${mdText(vm.summary)}**`);
  for (const n of vm.notices) {
    line();
    line(`> ${mdText(n)}`);
  }
  line();

  line(`${h(1)}What this app can access`);
  line();
  if (!vm.access.length) line('No sensitive permissions.');
  for (const c of vm.access) {
    line(`- **${mdText(c.title)}** (${c.sensitivity}) — ${mdText(c.description)} From: ${c.basis.map(mdCode).join(', ')}`);
    for (const q of c.quotes) line(`  - the app tells the user: “${mdText(q.text)}” (${mdCode(q.key)})`);
    if (c.usedBySummary) line(`  - ${mdText(c.usedBySummary)}`);
    for (const u of c.usedBy ?? []) line(`    - ${useLine(u)}`);
  }
  if (vm.alsoAccess.length) line(`- Also: ${mdText(vm.alsoAccess.join(', ').toLowerCase())}`);
  line();

  line(`${h(1)}${vm.trackerCount ? `Trackers (${vm.trackerCount})` : 'No known trackers found'}`);
  line();
  if (vm.trackerCount) {
    line(`By category: ${vm.chart.map((c) => `${mdText(c.title)} ${c.count}`).join(' · ')}`);
    line();
    line('| Tracker | Company | Category | Confidence | Status | Evidence |');
    line('| --- | --- | --- | --- | --- | --- |');
    for (const g of vm.trackerGroups) for (const t of g.trackers) line(trackerRow(t, g.title));
    line();
  }
  const extra = (title: string, list: TrackerView[]) => {
    if (!list.length) return;
    line(`${mdText(title)}: ${list.map((t) => `${mdText(t.name)} (${mdText(t.vendor)}${t.status ? `; ${statusText(t.status)}` : ''}${t.evidence[0] ? `; ${mdText(t.evidence[0].text)}` : ''})`).join('; ')}`);
    line();
  };
  extra('Consent management (not trackers)', vm.consent);
  extra('Other libraries (not trackers)', vm.libraries);
  extra('Weak hints (the code refers to these SDKs but does not contain them)', vm.weakHints);

  const o = vm.obfuscation;
  if (o) {
    line(`${h(1)}Hidden or renamed code: ${mdText(o.label)}`);
    line();
    line(mdText(o.measure));
    for (const p of o.packers) line(`- **${mdText(p.name)}** (${mdText(p.vendor)}), a ${p.kind}: found ${p.found.map(mdCode).join(', ')}`);
    if (o.packages.length && o.level !== 'none') line(`- most renamed packages: ${o.packages.map((p) => `${mdCode(p.name)} (${p.shortNamed} of ${p.classes})`).join(', ')}`);
    line();
    if (o.embedded.length) {
      line('Code hidden in other entries (Android does not load it by itself; it was scanned):');
      line();
      line('| Entry | Kind | DEX files | Classes |');
      line('| --- | --- | --- | --- |');
      for (const x of o.embedded) line(`| ${mdCode(x.entry)} | ${x.kind} | ${x.format === 'dex' ? '1' : `${x.dexFiles.length}: ${x.dexFiles.map(mdCode).join(', ')}`} | ${x.classes.toLocaleString('en-US')} |`);
      line();
    }
  }

  if (vm.privacy) {
    const p = vm.privacy;
    line(`${h(1)}Privacy manifests: declared vs detected`);
    line();
    line(`${p.manifests.length} privacy manifest${p.manifests.length === 1 ? '' : 's'}; tracking declared: ${p.declaresTracking ? 'yes' : 'no'}; tracking domains declared: ${p.declaredDomains.length ? p.declaredDomains.map(mdCode).join(', ') : 'none'}; tracker hosts found: ${p.detectedDomains.length ? p.detectedDomains.map(mdCode).join(', ') : 'none'}.`);
    line();
    for (const c of p.checks) line(`- ${mdText(c.message)}`);
    for (const m of p.requiredReasons) line(`- ${mdText(m)}`);
    if (!p.checks.length && !p.requiredReasons.length) line('No discrepancy found.');
    line();
  }

  const sensitivePerms = vm.permissions.filter((p) => p.protectionLevel === 'dangerous' || p.purpose !== undefined);
  line(`${h(1)}Permissions (${vm.permissions.length})`);
  line();
  if (vm.platform === 'iOS') {
    for (const p of vm.permissions) line(`- ${mdCode(p.name)}${p.purpose !== undefined ? `: “${mdText(p.purpose)}”` : ''}`);
  } else {
    // two paragraphs: without the blank line Markdown joins them into one
    const others = vm.permissions.filter((p) => !sensitivePerms.includes(p));
    if (sensitivePerms.length) line(`Dangerous (the user is asked): ${sensitivePerms.map((p) => mdCode(p.short)).join(', ')}`);
    if (sensitivePerms.length && others.length) line();
    if (others.length) line(`Others: ${others.map((p) => mdCode(p.short) + (p.protectionLevel ? ` (${mdText(p.protectionLevel)})` : '')).join(', ')}`);
  }
  if (vm.unexercised.length) {
    line();
    line(`Never exercised in code: ${vm.unexercised.map(mdCode).join(', ')}`);
  }
  line();

  const trackerHosts = vm.domains.filter((d) => d.trackers.length);
  if (trackerHosts.length) {
    line(`${h(1)}Tracker host names in the code (${trackerHosts.length} of ${vm.domains.length})`);
    line();
    for (const d of trackerHosts) line(`- ${mdCode(d.host)} — ${mdText(d.trackers.join(', '))}`);
    line();
  }

  if (vm.warnings.length) {
    line(`${h(1)}Warnings (${vm.warnings.length})`);
    line();
    for (const w of vm.warnings) line(`- ${w.entry ? `${mdCode(w.entry)}: ` : ''}${mdText(w.message)} (${mdCode(w.code)})`);
    line();
  }

  line(`*Limits: ${mdText(vm.limits.slice(0, 2).join(' '))}*`);
  line();
  line(`*${mdText(vm.footer)}*`);
  return out.join('\n') + '\n';
}

function trackerRow(t: TrackerView, category: string): string {
  const who = [t.vendor, t.parent ? `owned by ${t.parent}` : '', t.country?.code ?? ''].filter(Boolean).join(', ');
  const ev = t.evidence
    .slice(0, 2)
    .map((e) => mdText(e.text))
    .join('; ');
  const more = t.evidence.length > 2 ? ` (+${t.evidence.length - 2} more)` : '';
  return `| ${mdText(t.name)}${t.version ? ` ${mdText(t.version)}` : ''} | ${mdText(who)} | ${mdText(category)} | ${t.confidence} | ${t.status ? statusText(t.status) : ''} | ${ev}${more} |`;
}

/** `**active**: called from the app’s code` */
function statusText(s: StatusView): string {
  return `**${mdText(s.label)}**: ${mdText(s.reason)}${s.switchedOff.length ? `; switched off by configuration: ${mdText(s.switchedOff.join(', '))}` : ''}`;
}

/** `used by **Phunware Location SDK** (SDK; active): scans for … — `classes.dex: com.phunware.azul.AzulBeaconScanner.start`` */
function useLine(u: UseView): string {
  const kind = u.app ? '' : ` (SDK${u.status ? `; ${mdText(u.status.label)}` : ''})`;
  const more = u.more ? ` and ${u.more} more` : '';
  return `**${mdText(u.who)}**${kind}: ${mdText(u.actions.join('; '))} — ${u.sites.map(mdCode).join(', ')}${more}`;
}
