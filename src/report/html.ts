/**
 * HTML report (`--format html`): one self-contained page a journalist can open, publish or attach.
 *
 * - Nothing is loaded from anywhere: inline CSS, an inline SVG chart, no scripts, fonts or images;
 *   a Content-Security-Policy meta tag (`default-src 'none'; style-src 'unsafe-inline';
 *   img-src data:`) makes the browser refuse any request a bug might add. Expandable evidence
 *   uses <details>, which needs no script.
 * - Everything from the report is escaped. The template is a tagged literal (`html\`…\``) whose
 *   interpolations are escaped unless they are already-built `Html` fragments, so escaping is the
 *   default and forgetting it is not possible; invisible and direction-changing characters are
 *   shown as `\u{…}` (view-model.ts `visible`). Report strings never go into a URL, a style or
 *   a tag name; only the signature database's own https:// source links become links.
 * - Print: light colours, no clipped boxes, evidence shown open (`::details-content`), page
 *   breaks avoided inside cards.
 *
 * Layout follows the view model (view-model.ts), which the Markdown renderer shares.
 */
import type { Report } from './model.js';
import { buildViewModel, visible, type AccessCard, type EvidenceView, type ObfuscationView, type StatusView, type TrackerView, type UseView, type ViewModel } from './view-model.js';

export interface HtmlOptions {
  /** page title; defaults to "<app> — trackscan report" */
  title?: string;
}

/** An HTML fragment that is already safe to insert. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Escapes text for element content and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return visible(s).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Part = Html | string | number | boolean | undefined | null | readonly Part[];

function render(v: Part): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false || v === true) return '';
  return escapeHtml(String(v));
}

/** Tagged template: literal parts are trusted markup, every interpolation is escaped. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const vm = buildViewModel(report);
  const title = options.title ?? `${vm.title} — trackscan report`;
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="trackscan ${report.tool.version}">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<header>
<p class="kicker">trackscan report · ${vm.platform} app</p>
<h1>${vm.title}</h1>
<p class="subtitle">${vm.subtitle}</p>
<p class="summary">${vm.summary}</p>
${vm.notices.map((n) => html`<p class="notice">${n}</p>`)}
<nav aria-label="Sections"><a href="#access">What it can access</a> · <a href="#trackers">Trackers</a>${vm.obfuscation ? html` · <a href="#code">Hidden code</a>` : ''}${vm.privacy ? html` · <a href="#privacy">Declared vs detected</a>` : ''} · <a href="#permissions">Permissions</a> · <a href="#hosts">Host names</a> · <a href="#identity">Identity</a>${vm.warnings.length ? html` · <a href="#warnings">Warnings</a>` : ''} · <a href="#limits">Limits</a></nav>
</header>
<main>
${identitySection(vm)}
${accessSection(vm)}
${trackersSection(vm)}
${vm.obfuscation ? codeSection(vm.obfuscation) : ''}
${vm.privacy ? privacySection(vm.privacy) : ''}
${permissionsSection(vm)}
${hostsSection(vm)}
${detailsSection(vm)}
${vm.warnings.length ? warningsSection(vm) : ''}
<section id="limits">
<h2>Limits of this report</h2>
<ul>${vm.limits.map((l) => html`<li>${l}</li>`)}</ul>
</section>
</main>
<footer><p>${vm.footer}</p><p>Generated offline: scanning the app sent nothing over the network, and this page loads nothing.</p></footer>
</body>
</html>
`.value;
}

function identitySection(vm: ViewModel): Html {
  return html`<section id="identity">
<h2>Identity</h2>
<dl class="facts">${vm.identity.map((f) => html`<dt>${f.label}</dt><dd${f.mono ? html` class="mono"` : ''}>${f.value}</dd>`)}</dl>
${
  vm.signers.length
    ? html`<h3>Signed by</h3>${vm.signers.map(
        (s) => html`<dl class="facts signer"><dt>Subject</dt><dd>${s.subject}</dd><dt>Issuer</dt><dd>${s.issuer}</dd><dt>Certificate SHA-256</dt><dd class="mono">${s.sha256}</dd><dt>Valid</dt><dd>${s.validity}</dd><dt>Schemes</dt><dd>${s.schemes}</dd></dl>`,
      )}`
    : ''
}
</section>`;
}

function accessSection(vm: ViewModel): Html {
  return html`<section id="access">
<h2>What this app can access</h2>
${vm.access.length ? html`<div class="cards">${vm.access.map(accessCard)}</div>` : html`<p>The app asks for no sensitive permissions.</p>`}
${vm.alsoAccess.length ? html`<p class="also">Also: ${vm.alsoAccess.join(', ').toLowerCase()}.</p>` : ''}
</section>`;
}

function accessCard(c: AccessCard): Html {
  return html`<article class="card sens-${c.sensitivity}" id="cap-${slug(c.id)}">
<h3><span class="dot" aria-hidden="true"></span>${c.title} <span class="badge">${c.sensitivity} sensitivity</span></h3>
<p class="basis">Because of: <span class="mono">${c.basis.join(', ')}</span></p>
<p>${c.description}</p>
${c.usedBy ? usersBlock(c.usedBy, c.usedBySummary ?? '') : c.usedBySummary ? html`<p class="used-by muted">${c.usedBySummary}</p>` : ''}
${c.quotes.map((q) => html`<blockquote><p>“${q.text}”</p><cite>what the app tells the user (${q.key})</cite></blockquote>`)}
<details><summary>Evidence (${c.evidence.length})</summary>${evidenceList(c.evidence)}</details>
</article>`;
}

/** Who uses a capability in code: each SDK, or the app's own code, with the class and method that call the API. */
function usersBlock(users: UseView[], summary: string): Html {
  return html`<div class="users"><p class="used-by">${summary}</p><ul class="users">${users.map(
    (u) =>
      html`<li class="${u.app ? 'user-app' : 'user-sdk'}"><span class="who">${u.who}</span> <span class="badge kind">${u.app ? 'the app' : 'SDK'}</span>${u.status ? html` <span class="muted">(status: ${u.status.label})</span>` : ''}: ${u.actions.join('; ')}<ul class="where">${u.sites.map((w) => html`<li class="mono">${w}</li>`)}${u.more ? html`<li>and ${u.more} more</li>` : ''}<li>API: <span class="mono">${u.apis.join(', ')}</span></li></ul></li>`,
  )}</ul></div>`;
}

function evidenceList(items: EvidenceView[], cls = 'evidence'): Html {
  return html`<ul class="${cls}">${items.map((e) => html`<li>${e.text}${e.where.length ? html`<ul class="where">${e.where.map((w) => html`<li class="mono">${w}</li>`)}</ul>` : ''}</li>`)}</ul>`;
}

function trackersSection(vm: ViewModel): Html {
  return html`<section id="trackers">
<h2>${vm.trackerCount ? `Trackers (${vm.trackerCount})` : 'No known trackers found'}</h2>
${vm.trackerCount ? html`<p>${vm.trackerCount} tracking SDK${vm.trackerCount === 1 ? '' : 's'} from ${joinSentence(vm.companies)}</p>${chart(vm)}` : html`<p>None of the SDKs in the signature database was found. An SDK missing from the database would not be reported.</p>`}
${vm.trackerGroups.map((g) => html`<h3 class="category">${g.title}</h3>${g.trackers.map(trackerCard)}`)}
${vm.consent.length ? html`<h3 class="category">Consent management (not trackers)</h3>${vm.consent.map(trackerCard)}` : ''}
${vm.libraries.length ? html`<h3 class="category">Other libraries (not trackers)</h3>${vm.libraries.map(trackerCard)}` : ''}
${vm.weakHints.length ? html`<h3 class="category">Weak hints, not counted above</h3><p class="muted">The code refers to these SDKs but does not contain them.</p>${vm.weakHints.map(trackerCard)}` : ''}
</section>`;
}

function trackerCard(t: TrackerView): Html {
  return html`<article class="tracker conf-${t.confidence}" id="tracker-${slug(t.id)}">
<h4>${t.name}${t.version ? html` <span class="version">${t.version}</span>` : ''} <span class="badge">${t.confidence} confidence</span>${t.status ? html` ${statusBadge(t.status)}` : ''}</h4>
<dl class="facts compact">${t.status ? html`<dt>Status</dt><dd class="status-reason"><strong>${t.status.label}</strong>: ${t.status.reason}${t.status.switchedOff.length ? html`; switched off by configuration: ${t.status.switchedOff.join(', ')}` : ''}</dd>` : ''}<dt>Company</dt><dd>${t.vendor}</dd>${t.parent ? html`<dt>Parent</dt><dd>${t.parent}</dd>` : ''}${t.country ? html`<dt>Country</dt><dd>${t.country.name} (${t.country.code})</dd>` : ''}<dt>Categories</dt><dd>${t.categories.join(', ')}</dd><dt>Confidence</dt><dd>${t.confidence}: ${t.confidenceText}</dd></dl>
${t.firstParty ? html`<p class="muted">The app belongs to this SDK’s vendor (first party).</p>` : ''}
<p>${t.description}</p>
<details><summary>Evidence (${t.evidence.length})</summary>${evidenceList(t.evidence)}${t.status?.evidence.length ? html`<p class="why">Why this status:</p>${evidenceList(t.status.evidence, 'status-evidence')}` : ''}${t.sources.length ? html`<p class="sources">Sources: ${t.sources.map((s, i) => html`${i ? ', ' : ''}${sourceLink(s)}`)}</p>` : ''}</details>
</article>`;
}

/** The state as a badge: its words carry the meaning, colour only repeats it. */
function statusBadge(s: StatusView): Html {
  return html`<span class="badge status status-${s.state}"><span class="sr-only">status: </span>${s.label}</span>`;
}

/** Renamed code and packers: when code is hidden, "no trackers found" does not mean none. */
function codeSection(o: ObfuscationView): Html {
  return html`<section id="code">
<h2>Hidden or renamed code <span class="badge obf obf-${o.level}">${o.label}</span></h2>
${o.note ? html`<p class="notice">${o.note}</p>` : ''}
<p>${o.measure}</p>
${
  o.packers.length
    ? html`<h3>Packers and protectors</h3><ul class="evidence">${o.packers.map(
        (p) => html`<li><strong>${p.name}</strong> (${p.vendor}), a ${p.kind}: found ${p.found.join(', ')}${p.source ? html` <span class="sources">(${sourceLink(p.source)})</span>` : ''}</li>`,
      )}</ul>`
    : ''
}
${
  o.packages.length
    ? html`<table><caption>Packages with the most renamed classes</caption><thead><tr><th scope="col">Package</th><th scope="col">Classes</th><th scope="col">Renamed</th></tr></thead><tbody>${o.packages.map((p) => html`<tr><td class="mono">${p.name}</td><td>${p.classes}</td><td>${p.shortNamed}</td></tr>`)}</tbody></table>`
    : ''
}
${
  o.embedded.length
    ? html`<table class="embedded"><caption>Code hidden in other entries (Android does not load it by itself; it was scanned)</caption><thead><tr><th scope="col">Entry</th><th scope="col">Kind</th><th scope="col">DEX files</th><th scope="col">Classes</th></tr></thead><tbody>${o.embedded.map(
        (x) => html`<tr><td class="mono">${x.entry}</td><td>${x.kind}</td><td>${x.format === 'dex' ? '1' : html`${x.dexFiles.length}<ul class="where">${x.dexFiles.map((d) => html`<li class="mono">${d}</li>`)}</ul>`}</td><td>${x.classes}</td></tr>`,
      )}</tbody></table>`
    : ''
}
</section>`;
}

/** Source URLs come from the signature database, never from the bundle; only https links are made. */
function sourceLink(url: string): Html {
  return /^https:\/\/[^\s"'<>]+$/.test(url) ? html`<a href="${url}" rel="noreferrer noopener">${url}</a>` : html`${url}`;
}

const CHART_COLOURS: Record<string, string> = {
  location: '#b2182b',
  advertising: '#d6604d',
  attribution: '#f4a582',
  analytics: '#4393c3',
  profiling: '#762a83',
  identification: '#9970ab',
  'session-replay': '#c51b7d',
  'crash-reporting': '#878787',
  performance: '#5aae61',
  engagement: '#2166ac',
  social: '#35978f',
};

/** Horizontal bars: trackers per category (an SDK counts in each of its categories). */
function chart(vm: ViewModel): Html {
  const rows = vm.chart;
  if (!rows.length) return html``;
  const max = Math.max(...rows.map((r) => r.count));
  const labelW = 330;
  const barW = 260;
  const rowH = 24;
  const height = rows.length * rowH + 8;
  const width = labelW + barW + 40;
  const desc = rows.map((r) => `${r.title}: ${r.count}`).join('; ');
  return html`<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${`Trackers by category: ${desc}`}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
${rows.map((r, i) => {
  const y = 4 + i * rowH;
  const w = Math.max(2, Math.round((r.count / max) * barW));
  return html`<text x="${labelW - 8}" y="${y + 16}" text-anchor="end" class="chart-label">${r.title}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" rx="2" fill="${CHART_COLOURS[r.category] ?? '#666'}"></rect><text x="${labelW + w + 6}" y="${y + 16}" class="chart-value">${r.count}</text>`;
})}
</svg><figcaption>Trackers by category (an SDK with several categories counts in each).</figcaption></figure>`;
}

function privacySection(p: NonNullable<ViewModel['privacy']>): Html {
  return html`<section id="privacy">
<h2>Privacy manifests: declared vs detected</h2>
<p>Apple asks apps and SDKs to declare in privacy manifests (PrivacyInfo.xcprivacy) whether they track and which domains they use for tracking. This compares what they declare with what was found.</p>
<table><thead><tr><th scope="col"></th><th scope="col">Declared</th><th scope="col">Detected</th></tr></thead><tbody>
<tr><th scope="row">Privacy manifests</th><td>${p.manifests.length ? html`${p.manifests.length}<ul class="where">${p.manifests.map((m) => html`<li class="mono">${m}</li>`)}</ul>` : 'none'}</td><td></td></tr>
<tr><th scope="row">Tracking</th><td>${p.declaresTracking ? 'yes' : 'no'}</td><td>${p.detectedDomains.length ? 'tracking SDKs found' : ''}</td></tr>
<tr><th scope="row">Tracking domains</th><td>${p.declaredDomains.length ? html`<ul class="plain">${p.declaredDomains.map((d) => html`<li class="mono">${d}</li>`)}</ul>` : 'none'}</td><td>${p.detectedDomains.length ? html`<ul class="plain">${p.detectedDomains.map((d) => html`<li class="mono">${d}</li>`)}</ul>` : 'none'}</td></tr>
</tbody></table>
${p.checks.length ? html`<h3>Discrepancies (${p.checks.length})</h3><ul class="checks">${p.checks.map((c) => html`<li><strong>${c.kind.replace(/-/g, ' ')}</strong>: ${c.message}</li>`)}</ul>` : p.requiredReasons.length ? '' : html`<p>No discrepancy found.</p>`}
${p.requiredReasons.length ? html`<h3>Required-reason APIs without a declared reason (${p.requiredReasons.length})</h3><ul class="checks">${p.requiredReasons.map((m) => html`<li>${m}</li>`)}</ul>` : ''}
${
  p.collected.length
    ? html`<h3>Data the manifests say is collected</h3><table><thead><tr><th scope="col">Data type</th><th scope="col">Linked to the user</th><th scope="col">Used to track</th><th scope="col">Purposes</th><th scope="col">Manifest</th></tr></thead><tbody>${p.collected.map(
        (d) => html`<tr><td>${d.type}</td><td>${yesNo(d.linked)}</td><td>${yesNo(d.tracking)}</td><td>${d.purposes.join(', ')}</td><td class="mono">${d.manifest}</td></tr>`,
      )}</tbody></table>`
    : ''
}
</section>`;
}

/** A list as the end of a sentence: no doubled full stop after "Inc.". */
function joinSentence(items: string[]): string {
  const s = items.join(', ');
  return s.endsWith('.') ? s : `${s}.`;
}

function yesNo(b: boolean | undefined): string {
  return b === undefined ? 'not said' : b ? 'yes' : 'no';
}

function permissionsSection(vm: ViewModel): Html {
  const ios = vm.platform === 'iOS';
  return html`<section id="permissions">
<h2>${ios ? 'Permissions the app can ask for' : 'Permissions'} (${vm.permissions.length})</h2>
${
  vm.permissions.length
    ? html`<table class="permissions"><thead><tr><th scope="col">${ios ? 'Usage key' : 'Permission'}</th><th scope="col">${ios ? 'What the app tells the user' : 'Protection level'}</th><th scope="col">Meaning</th><th scope="col">Used in code</th></tr></thead><tbody>${vm.permissions.map(
        (p) =>
          html`<tr class="${p.protectionLevel === 'dangerous' ? 'dangerous' : ''}"><td class="mono">${p.short}${p.maxSdkVersion !== undefined ? html`<br><span class="muted">up to API ${p.maxSdkVersion}</span>` : ''}</td><td>${ios ? (p.purpose !== undefined ? html`“${p.purpose}”` : '') : (p.protectionLevel ?? 'unknown')}</td><td>${p.meaning ?? ''}</td><td>${p.exercisedBy ? html`by ${p.exercisedBy.join(', ')}` : p.exercised === false ? html`<strong>never</strong>: no code found using it` : ''}</td></tr>`,
      )}</tbody></table>`
    : html`<p>None.</p>`
}
${vm.unexercised.length ? html`<p>${vm.unexercised.length} requested permission${vm.unexercised.length === 1 ? ' is' : 's are'} never exercised in code: <span class="mono">${vm.unexercised.join(', ')}</span>.</p>` : ''}
${ios ? '' : html`<p class="muted">Dangerous permissions need the user’s consent at run time; normal ones are granted at install.</p>`}
</section>`;
}

function hostsSection(vm: ViewModel): Html {
  const tracker = vm.domains.filter((d) => d.trackers.length);
  const other = vm.domains.filter((d) => !d.trackers.length);
  return html`<section id="hosts">
<h2>Host names in the code (${vm.domains.length})</h2>
<p class="muted">A host name in the code shows the app can contact that host, not that it does.</p>
${tracker.length ? html`<table><thead><tr><th scope="col">Host</th><th scope="col">Belongs to</th><th scope="col">Found in</th></tr></thead><tbody>${tracker.map((d) => html`<tr><td class="mono">${d.host}</td><td>${d.trackers.join(', ')}</td><td class="mono">${d.where}</td></tr>`)}</tbody></table>` : ''}
${other.length ? html`<details><summary>Other host names (${other.length})</summary><ul class="plain">${other.map((d) => html`<li><span class="mono">${d.host}</span> <span class="muted">(${d.where})</span></li>`)}</ul></details>` : ''}
</section>`;
}

function detailsSection(vm: ViewModel): Html {
  return html`<section id="details">
<h2>Details</h2>
<dl class="facts">${vm.details.map((f) => html`<dt>${f.label}</dt><dd${f.mono ? html` class="mono"` : ''}>${f.value}</dd>`)}</dl>
</section>`;
}

function warningsSection(vm: ViewModel): Html {
  return html`<section id="warnings">
<h2>Warnings (${vm.warnings.length})</h2>
<p class="muted">What was unusual or unreadable in the bundle. The rest of it was read.</p>
<ul class="warnings">${vm.warnings.map((w) => html`<li>${w.entry ? html`<span class="mono">${w.entry}</span>: ` : ''}${w.message} <span class="muted">[${w.code}]</span></li>`)}</ul>
</section>`;
}

/** Ids from our own data are already slugs; this keeps any other character out of attributes. */
function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

const STYLE = `
:root { --fg: #1b1b1b; --muted: #5c5c5c; --bg: #fff; --card: #f7f7f5; --line: #d9d9d4; --high: #b2182b; --medium: #c77700; --low: #6b6b6b; --accent: #1f4e79; --ok: #2e6b30; --on-strong: #fff; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e3; --muted: #a5a5a0; --bg: #161616; --card: #212121; --line: #3a3a3a; --high: #ef6f6c; --medium: #e0a23a; --low: #9a9a9a; --accent: #8cb8e6; --ok: #7cc47f; --on-strong: #161616; } }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 62rem; padding: 1.5rem 1.25rem 3rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.2rem 0; overflow-wrap: anywhere; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 0.8rem; padding-bottom: 0.3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.2rem 0 0.5rem; }
h4 { font-size: 1.05rem; margin: 0 0 0.5rem; }
a { color: var(--accent); }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.8rem; color: var(--muted); margin: 0; }
.subtitle { color: var(--muted); margin: 0 0 0.8rem; overflow-wrap: anywhere; }
.summary { font-size: 1.15rem; }
.notice { border-left: 4px solid var(--medium); background: var(--card); padding: 0.6rem 0.9rem; }
nav { font-size: 0.9rem; color: var(--muted); }
.mono { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.88em; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0.5rem 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.facts.compact { font-size: 0.92rem; }
.signer { border-left: 3px solid var(--line); padding-left: 0.8rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(19rem, 1fr)); gap: 0.9rem; }
.card, .tracker { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 0.9rem 1rem; break-inside: avoid; }
.card h3 { margin-top: 0; }
.card .dot { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 50%; margin-right: 0.45rem; background: var(--low); }
.sens-high .dot { background: var(--high); }
.sens-medium .dot { background: var(--medium); }
.badge { font-size: 0.72rem; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; border: 1px solid var(--line); border-radius: 3px; padding: 0.05rem 0.35rem; vertical-align: middle; color: var(--muted); white-space: nowrap; }
.conf-high .badge { color: var(--high); border-color: var(--high); }
.conf-medium .badge { color: var(--medium); border-color: var(--medium); }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.tracker .badge.status { border-width: 2px; }
.tracker .status-active { background: var(--high); border-color: var(--high); color: var(--on-strong); }
.tracker .status-disabled { background: var(--ok); border-color: var(--ok); color: var(--on-strong); }
.tracker .status-unreferenced { color: var(--fg); border-color: var(--muted); }
.tracker .status-unknown { color: var(--muted); border-color: var(--muted); border-style: dashed; }
.status-reason strong { font-weight: 600; }
.users { margin: 0.5rem 0; }
.used-by { font-weight: 600; margin: 0.3rem 0; }
ul.users { padding-left: 1.2rem; margin: 0.2rem 0; overflow-wrap: anywhere; }
ul.users > li { margin: 0.25rem 0; }
.users .who { font-weight: 600; }
.user-app .badge.kind { color: var(--fg); border-color: var(--fg); }
.why { margin: 0.5rem 0 0; font-weight: 600; }
h2 .badge.obf { font-size: 0.7rem; }
.obf-heavy, .obf-hidden { color: var(--high); border-color: var(--high); }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
.tracker { margin: 0.7rem 0; }
.tracker .version { font-weight: normal; color: var(--muted); }
blockquote { margin: 0.6rem 0; padding: 0.4rem 0.8rem; border-left: 3px solid var(--accent); background: var(--bg); }
blockquote p { margin: 0; font-style: italic; overflow-wrap: anywhere; }
blockquote cite { display: block; overflow-wrap: anywhere; font-size: 0.82rem; color: var(--muted); font-style: normal; }
details { margin-top: 0.5rem; }
summary { cursor: pointer; color: var(--accent); font-weight: 600; }
ul.evidence, ul.status-evidence { padding-left: 1.2rem; margin: 0.4rem 0; overflow-wrap: anywhere; }
ul.where, ul.plain { list-style: none; padding-left: 0; margin: 0.15rem 0; }
ul.where li { color: var(--muted); }
.sources { font-size: 0.85rem; overflow-wrap: anywhere; }
.basis { margin: 0.2rem 0; font-size: 0.9rem; color: var(--muted); overflow-wrap: anywhere; }
.also { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; font-size: 0.93rem; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 0.35rem 0.5rem; overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid var(--line); }
tr.dangerous td:first-child { border-left: 3px solid var(--high); }
.chart { margin: 0.5rem 0 1rem; max-width: 100%; overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; }
.chart-label { font: 13px system-ui, sans-serif; fill: var(--fg); }
.chart-value { font: 600 13px system-ui, sans-serif; fill: var(--fg); }
figcaption { font-size: 0.82rem; color: var(--muted); }
.checks li, .warnings li { margin: 0.3rem 0; overflow-wrap: anywhere; }
footer { margin-top: 3rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }
@media print {
  :root { --fg: #000; --muted: #444; --bg: #fff; --card: #fff; --line: #bbb; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  h3, h4 { break-after: avoid; }
  .card, .tracker, tr, blockquote, figure { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: contents; }
  summary { color: #000; }
  .tracker .badge.status { background: none; color: #000; border-color: #000; }
  .tracker .status-unknown { border-style: dashed; }
  a { color: #000; text-decoration: none; }
}
`;
