/**
 * SARIF 2.1.0 (`--format sarif`) for code-scanning dashboards and app-store pipelines.
 * Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 *
 * - One rule per finding kind (findings.ts `FINDING_KINDS`: tracker, capability, each
 *   privacy-manifest check, each risky configuration flag), with a full description and help text.
 *   Rules are listed whether or not they fire, so a dashboard knows them all.
 * - Locations. A result is located at the bundle and at the entry inside it:
 *   `locations[0].physicalLocation.artifactLocation` is the scanned file itself (`uri` = the input
 *   path as given, made a URI reference; `index` 0 into `run.artifacts`, which carries its
 *   SHA-256), and `locations[0].logicalLocations[0]` names the strongest piece of evidence inside
 *   it: `fullyQualifiedName` = `<entry>!<location>` (`classes2.dex!com.facebook.FacebookSdk`,
 *   `AndroidManifest.xml!manifest/application/receiver[...]`), `kind` `type` for a class,
 *   `element` for a manifest or plist path, `module` for a binary or file. Every other evidence
 *   location is a `relatedLocation` whose physical location is the entry as a nested artifact
 *   (`run.artifacts[i]` with `parentIndex` 0 and the entry path as its `uri`), region-less.
 * - Identity. `partialFingerprints["trackscanFinding/v1"]` is the SHA-256 of
 *   `<rule id>|<app id>|<finding key>` (tracker id, capability id, check kind and tracker or
 *   domain, flag name): never of paths, versions or evidence, so a finding keeps its identity
 *   from one version of the app to the next and across file names.
 * - What the text report says about a finding is in its `properties` too: a tracker's `status`
 *   (`active`, `disabled`, `unreferenced`, `unknown`), `statusReason` and `switchedOff` (parts a
 *   partial switch turns off); a capability's `usedBy` (each SDK, or `app` for the app's own code,
 *   with what it does, the APIs and the calling classes), whose call sites (`classes.dex`,
 *   `com.phunware.azul.AzulBeaconScanner.start`) are `relatedLocations` as well. The message text
 *   repeats both in words, for a reviewer reading the alert. Wording comes from the view model
 *   (view-model.ts), so SARIF, HTML and Markdown say the same thing.
 * - Bundle warnings (unreadable entries, parser anomalies) are `toolExecutionNotifications`; so is
 *   hidden or heavily renamed code (`hidden-code`), which limits what the scan could see, and so is
 *   each entry holding DEX code Android does not load by itself (`hidden-code` located at the
 *   entry, with `format`, `dexFiles` and `classes` in its properties). The run's
 *   `properties.obfuscation` has the measure, the packers and `embeddedCode`;
 *   `properties.permissionsNotExercised` the requested permissions no code uses.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Provenance } from '../evidence/types.js';
import { FINDING_KINDS, findings, type FindingKind } from './findings.js';
import type { Report, ReportCapability, ReportTracker } from './model.js';
import { embeddedCodeView, statusView, useView, usedBySummary } from './view-model.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'trackscanFinding/v1';

export interface SarifOptions {
  /** a URI to the tool's documentation, for `tool.driver.informationUri` */
  informationUri?: string;
}

type Json = Record<string, unknown>;

export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return JSON.stringify(buildSarif(report, options), null, 2) + '\n';
}

export function buildSarif(report: Report, options: SarifOptions = {}): Json {
  const kinds = Object.keys(FINDING_KINDS) as FindingKind[];
  const ruleIndex = new Map(kinds.map((k, i) => [k, i]));
  const rules = kinds.map((k) => {
    const d = FINDING_KINDS[k];
    return {
      id: d.ruleId,
      name: d.name,
      shortDescription: { text: d.title },
      fullDescription: { text: d.description },
      help: { text: d.help },
      defaultConfiguration: { level: d.level },
      properties: { tags: d.tags },
    };
  });

  const bundleUri = toUri(report.input.path);
  const artifacts: Json[] = [
    {
      location: { uri: bundleUri },
      length: report.input.size,
      roles: ['analysisTarget'],
      hashes: { 'sha-256': report.input.sha256 },
    },
  ];
  const entryIndex = new Map<string, number>();
  const entryArtifact = (entry: string): number => {
    let i = entryIndex.get(entry);
    if (i === undefined) {
      i = artifacts.length;
      entryIndex.set(entry, i);
      artifacts.push({ location: { uri: entryUri(entry) }, parentIndex: 0 });
    }
    return i;
  };

  const trackers = new Map(report.trackers.map((t) => [t.id, t]));
  const capabilities = new Map(report.capabilities.map((c) => [c.id, c]));
  const results = findings(report).map((f) => {
    const d = FINDING_KINDS[f.kind];
    const [first, ...rest] = dedupe(f.locations);
    const location: Json = { physicalLocation: { artifactLocation: { uri: bundleUri, index: 0 } } };
    if (first) location.logicalLocations = [logical(first)];
    const related = [first, ...rest].filter((p): p is Provenance => !!p).map((p) => ({
      physicalLocation: { artifactLocation: { uri: entryUri(p.entry), index: entryArtifact(p.entry) } },
      message: { text: p.location ? `${p.entry}: ${p.location}` : p.entry },
    }));
    const tracker = f.kind === 'tracker' || f.kind === 'tracker-weak-hint' || f.kind === 'consent-platform' || f.kind === 'library' ? trackers.get(f.key) : undefined;
    const capability = f.kind === 'capability' ? capabilities.get(f.key) : undefined;
    const extra = tracker ? trackerExtra(tracker, trackers) : capability ? capabilityExtra(capability, trackers) : undefined;
    for (const site of extra?.sites ?? []) {
      related.push({ physicalLocation: { artifactLocation: { uri: entryUri(site.at.entry), index: entryArtifact(site.at.entry) } }, message: { text: site.text } });
    }
    return {
      ruleId: d.ruleId,
      ruleIndex: ruleIndex.get(f.kind),
      kind: 'fail',
      level: f.level,
      message: { text: extra?.message ? `${f.message} ${extra.message}` : f.message },
      locations: [location],
      ...(related.length ? { relatedLocations: related.map((r, id) => ({ id, ...r })) } : {}),
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(d.ruleId, report.app.id, f.key) },
      properties: { ...f.properties, ...extra?.properties },
    };
  });

  const notifications: Json[] = report.warnings.map((w) => ({
    level: 'warning',
    message: { text: w.entry ? `${w.entry}: ${w.message}` : w.message },
    descriptor: { id: w.code },
    ...(w.entry ? { locations: [{ physicalLocation: { artifactLocation: { uri: entryUri(w.entry), index: entryArtifact(w.entry) } } }] } : {}),
  }));
  const o = report.obfuscation;
  if (o?.note) notifications.push({ level: 'warning', message: { text: `Hidden code: ${o.note}` }, descriptor: { id: 'hidden-code' } });
  // one per entry holding hidden code, located at that entry (a nested artifact of the bundle)
  for (const x of o?.embeddedCode ?? []) {
    notifications.push({
      level: 'warning',
      message: { text: `Hidden code: ${x.entry} holds ${embeddedCodeView(x).summary}, outside the classes*.dex Android loads; it was scanned like the app's own code.` },
      descriptor: { id: 'hidden-code' },
      locations: [{ physicalLocation: { artifactLocation: { uri: entryUri(x.entry), index: entryArtifact(x.entry) } } }],
      properties: { entry: x.entry, format: x.format, dexFiles: x.dexFiles, classes: x.classes },
    });
  }
  const notExercised = report.permissions.filter((p) => p.exercised === false).map((p) => p.name);

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'trackscan',
            semanticVersion: report.tool.version,
            version: report.tool.version,
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules,
          },
          extensions: [
            {
              name: 'trackscan-signatures',
              version: report.signatures.version,
              properties: { sha256: report.signatures.sha256, sdks: report.signatures.sdks },
            },
          ],
        },
        invocations: [{ executionSuccessful: true, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
        artifacts,
        results,
        properties: {
          platform: report.platform,
          app: report.app,
          reportSchemaVersion: report.schemaVersion,
          ...(o
            ? {
                obfuscation: {
                  level: o.level,
                  classes: o.classes,
                  shortNamedShare: o.shortNamedShare,
                  classesInRenamedPackages: o.classesInRenamedPackages,
                  packers: o.packers.map((p) => ({ id: p.id, name: p.name, vendor: p.vendor, kind: p.kind, found: p.found })),
                  ...(o.embeddedCode?.length ? { embeddedCode: o.embeddedCode.map((x) => ({ entry: x.entry, format: x.format, dexFiles: x.dexFiles, classes: x.classes })) } : {}),
                  ...(o.note ? { note: o.note } : {}),
                },
              }
            : {}),
          ...(notExercised.length ? { permissionsNotExercised: notExercised } : {}),
        },
      },
    ],
  };
}

interface Extra {
  message?: string;
  properties: Json;
  /** call sites, as related locations */
  sites?: { at: Provenance; text: string }[];
}

/** A tracker's status: `status`, `statusReason`, `switchedOff`; the message says it in words. */
function trackerExtra(t: ReportTracker, byId: ReadonlyMap<string, ReportTracker>): Extra | undefined {
  if (!t.status) return undefined;
  const s = statusView(t.status, byId);
  const off = s.switchedOff.length ? `; switched off by configuration: ${s.switchedOff.join(', ')}` : '';
  return {
    message: `Status: ${s.label} (${s.reason}${off}).`,
    properties: { status: s.state, statusReason: s.reason, ...(s.switchedOff.length ? { switchedOff: s.switchedOff } : {}) },
  };
}

/** Who uses a capability in code: `usedBy`, the call sites as related locations, and a sentence naming SDKs and the app. */
function capabilityExtra(c: ReportCapability, byId: ReadonlyMap<string, ReportTracker>): Extra | undefined {
  if (!c.usedBy?.length) return undefined;
  const users = c.usedBy.map((u) => useView(u, byId));
  return {
    message: `${usedBySummary(users)} ${capitalise(users.map((u) => u.sentence).join('; '))}.`,
    properties: {
      usedBy: c.usedBy.map((u) => ({ by: u.by, name: u.name, ...(u.by !== 'app' ? { status: byId.get(u.by)?.status?.state ?? 'unknown' } : {}), actions: u.actions, apis: u.apis, callers: u.callers, callerCount: u.callerCount })),
      usedByApp: users.some((u) => u.app),
    },
    sites: c.usedBy.flatMap((u, i) => u.locations.map((at) => ({ at, text: `${users[i].who} (${u.actions.join('; ')}): ${at.location ? `${at.entry}: ${at.location}` : at.entry}` }))),
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The stable identity of a finding: see the file comment. */
export function fingerprint(ruleId: string, appId: string, key: string): string {
  return createHash('sha256').update(`${ruleId}|${appId}|${key}`).digest('hex');
}

function logical(p: Provenance): Json {
  const loc = p.location;
  const kind = !loc ? 'module' : /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+(\$[\w$]+)*$|^[A-Z][A-Za-z0-9_]+$/.test(loc) && !loc.includes('/') ? 'type' : 'element';
  return {
    name: loc ?? path.posix.basename(p.entry),
    fullyQualifiedName: loc ? `${p.entry}!${loc}` : p.entry,
    kind,
  };
}

function dedupe(list: Provenance[]): Provenance[] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const k = `${p.entry}\u0000${p.location ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The input path as a URI reference: absolute paths become file: URIs, relative ones stay relative. */
export function toUri(p: string): string {
  const slashed = p.replace(/\\/g, '/');
  if (path.isAbsolute(p) || /^[A-Za-z]:\//.test(slashed)) return pathToFileURL(p).href;
  return slashed.split('/').map(encodeSegment).join('/');
}

/** An entry path inside the bundle, relative to it. */
function entryUri(entry: string): string {
  return entry.replace(/^\/+/, '').split('/').map(encodeSegment).join('/');
}

function encodeSegment(s: string): string {
  // a `..` entry name (path traversal in a hostile zip) must not climb out of the bundle
  if (s === '.' || s === '..') return s.replace(/\./g, '%2E');
  // keep what RFC 3986 allows in a path segment unencoded, so URIs stay readable
  return encodeURIComponent(s).replace(/%24/g, '$').replace(/%40/g, '@').replace(/%2B/g, '+').replace(/%3D/g, '=').replace(/%2C/g, ',');
}
