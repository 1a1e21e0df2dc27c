/**
 * Is a tracker switched on? (issue 6) Each finding gets a status with the evidence behind it:
 *
 *  - `disabled`: a documented switch turns the SDK's collection or start-up off (manifest
 *    meta-data, Info.plist key; signatures/sdk-switches.json). The app may still switch it on at
 *    run time, and the status says so.
 *  - `active`: the SDK starts by itself (an init content provider, a component the system runs) or
 *    code outside it refers to it — directly from the app's code, or through another SDK that is
 *    itself reached (reachability over the references the bytecode walk recorded).
 *  - `unreferenced`: its code is in the app but nothing outside it refers to it and the manifest
 *    starts none of it: present, probably dead.
 *  - `unknown`: the code was not walked, is not in the app (only referenced, or only manifest
 *    evidence), or — iOS — lives in the main executable, where references are not traced.
 *
 * Partial switches (advertising ID off, ad personalisation off) do not change the state; they are
 * listed as evidence.
 */
import type { Evidence, Provenance } from '../evidence/types.js';
import type { SdkSwitchData, SwitchEffect } from '../signatures/attribution-data.js';
import type { TrackerFinding } from './trackers.js';

export type TrackerState = 'active' | 'disabled' | 'unreferenced' | 'unknown';

export type StatusEvidence =
  | { kind: 'switch'; key: string; value: string; effect: SwitchEffect; scope: 'all' | 'part'; description: string; source: string; provenance: Provenance }
  | { kind: 'permission-absent'; permission: string; effect: SwitchEffect; description: string; source: string }
  | { kind: 'auto-start'; component: string; description: string; source?: string; provenance: Provenance }
  | { kind: 'entry-point'; component: string; componentKind: string; provenance: Provenance }
  /** code of another group refers to the SDK; `from` is an SDK id, `app` (the app's package) or `other` (unclaimed code outside it) */
  | { kind: 'referenced-by'; from: string; fromClass: string; toClass: string; count: number; provenance: Provenance }
  | { kind: 'linked-by'; binary: string; provenance: Provenance }
  | { kind: 'no-references'; detail: string };

export interface TrackerStatus {
  state: TrackerState;
  /** one sentence for the report */
  summary: string;
  evidence: StatusEvidence[];
}

const FALSEY = new Set(['false', 'no', '0']);
const TRUTHY = new Set(['true', 'yes', '1']);

function sameValue(actual: string | undefined, wanted: string): boolean {
  if (actual === undefined) return false;
  const a = actual.trim().toLowerCase();
  const w = wanted.toLowerCase();
  if (FALSEY.has(w)) return FALSEY.has(a);
  if (TRUTHY.has(w)) return TRUTHY.has(a);
  return a === w;
}

export class StatusAnalyzer {
  private readonly autoStart = new Map<string, { sdks?: string[]; description: string; source: string }>();

  constructor(private readonly data: SdkSwitchData) {
    for (const a of data.autoStart) this.autoStart.set(a.component, a);
  }

  /**
   * Status of every finding. `groupOf` maps a Java class name to the SDK id claiming it (or '');
   * reachability needs the walk's `crossRefs` (no walk → `unknown`).
   */
  statuses(ev: Evidence, trackers: TrackerFinding[], groupOf: (javaName: string) => string, binaryOwner?: (path: string) => string): Map<string, TrackerStatus> {
    const out = new Map<string, TrackerStatus>();
    const ids = new Set(trackers.map((t) => t.id));
    const evidence = new Map<string, StatusEvidence[]>();
    const push = (id: string, e: StatusEvidence) => {
      if (!ids.has(id)) return;
      let list = evidence.get(id);
      if (!list) evidence.set(id, (list = []));
      list.push(e);
    };

    // 1. configuration switches
    const metaData = new Map((ev.android?.metaData ?? []).filter((m) => m.parent === 'application').map((m) => [m.name, m]));
    const plistKeys = new Map((ev.ios?.plistKeys ?? []).map((k) => [k.key, k]));
    for (const s of this.data.switches) {
      if (s.platform !== ev.platform) continue;
      const key = s.metaData ?? s.plistKey!;
      const found = s.platform === 'android' ? metaData.get(key) : plistKeys.get(key);
      if (!found || !sameValue(found.value, s.value)) continue;
      for (const id of s.sdks) {
        push(id, { kind: 'switch', key, value: found.value ?? '', effect: s.effect, scope: s.scope, description: s.description, source: s.source, provenance: found.provenance });
      }
    }
    if (ev.platform === 'android') {
      const requested = new Set(ev.permissions.map((p) => p.name));
      for (const a of this.data.permissionAbsent) {
        if (requested.has(a.permission)) continue;
        if (a.minTargetSdk !== undefined && (ev.identity.targetSdk ?? 0) < a.minTargetSdk) continue;
        for (const id of a.sdks) push(id, { kind: 'permission-absent', permission: a.permission, effect: a.effect, description: a.description, source: a.source });
      }
    }

    // 2. what starts by itself: manifest components of the SDK (providers start with the process)
    // the app's own code and unclaimed code outside its package run as far as we can tell
    const roots = new Set<string>(['', 'other']);
    const components = ev.android?.components ?? [];
    const startupMeta = (ev.android?.metaData ?? []).filter((m) => m.parent === 'androidx.startup.InitializationProvider' && m.value === 'androidx.startup');
    for (const c of components) {
      const auto = this.autoStart.get(c.name);
      if (auto?.sdks && c.enabled !== false) {
        for (const id of auto.sdks) {
          push(id, { kind: 'auto-start', component: c.name, description: auto.description, source: auto.source, provenance: c.provenance });
          roots.add(id);
        }
        continue;
      }
      const g = groupOf(c.name);
      if (!g) continue;
      if (auto) {
        push(g, { kind: 'auto-start', component: c.name, description: auto.description, source: auto.source, provenance: c.provenance });
        roots.add(g);
      } else if (c.kind === 'provider') {
        push(g, { kind: 'auto-start', component: c.name, description: 'a content provider of the SDK: Android creates it when the app process starts, before the app’s own code runs', provenance: c.provenance });
        roots.add(g);
      } else if (c.enabled !== false) {
        push(g, { kind: 'entry-point', component: c.name, componentKind: c.kind, provenance: c.provenance });
        roots.add(g);
      }
    }
    for (const m of startupMeta) {
      const g = groupOf(m.name);
      if (!g) continue;
      const auto = this.autoStart.get('androidx.startup.InitializationProvider');
      push(g, { kind: 'auto-start', component: m.name, description: `an App Startup initializer: ${auto?.description ?? 'run when the app process starts'}`, ...(auto ? { source: auto.source } : {}), provenance: m.provenance });
      roots.add(g);
    }

    // 3. reachability over the recorded references: from the app's code and the started SDKs
    const refs = ev.code.crossRefs;
    const reached = new Set<string>(roots);
    if (refs) {
      const edges = new Map<string, typeof refs>();
      for (const r of refs) {
        const list = edges.get(r.from);
        if (list) list.push(r);
        else edges.set(r.from, [r]);
      }
      const queue = [...roots];
      while (queue.length) {
        const g = queue.shift()!;
        for (const r of edges.get(g) ?? []) {
          if (!reached.has(r.to)) {
            reached.add(r.to);
            queue.push(r.to);
          }
        }
      }
      // evidence: who refers to each SDK (the app first, then SDKs that are themselves reached)
      const rank = (g: string) => (g === '' ? 0 : g === 'other' ? 1 : 2);
      for (const r of [...refs].sort((a, b) => rank(a.from) - rank(b.from) || b.count - a.count || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
        if (!reached.has(r.from)) continue;
        const list = evidence.get(r.to) ?? [];
        if (list.filter((e) => e.kind === 'referenced-by').length >= 3) continue;
        push(r.to, { kind: 'referenced-by', from: r.from || 'app', fromClass: r.fromClass, toClass: r.toClass, count: r.count, provenance: r.provenance });
      }
    }
    // iOS: a framework linked by another binary is used by it
    if (ev.ios && binaryOwner) {
      for (const t of trackers) {
        for (const e of t.evidence) {
          if (e.kind !== 'linked-library') continue;
          for (const loc of e.locations) {
            if (binaryOwner(loc.entry) !== t.id) push(t.id, { kind: 'linked-by', binary: loc.entry, provenance: loc });
          }
        }
      }
    }

    for (const t of trackers) {
      const list = evidence.get(t.id) ?? [];
      const off = list.filter((e): e is Extract<StatusEvidence, { kind: 'switch' }> => e.kind === 'switch' && e.scope === 'all');
      const hasCode = t.evidence.some((e) => e.kind === 'code-defined');
      let state: TrackerState;
      let summary: string;
      if (off.length) {
        state = 'disabled';
        summary = `switched off by configuration (${off.map((e) => `${e.key} = ${e.value}`).join(', ')}); the app can still switch it on at run time`;
      } else if (ev.platform === 'ios') {
        const linked = list.some((e) => e.kind === 'linked-by');
        state = linked ? 'active' : 'unknown';
        summary = linked ? 'linked by the app: it is loaded when the app starts' : 'references inside the app’s executable are not traced on iOS';
      } else if (!hasCode) {
        state = 'unknown';
        summary = t.evidence.some((e) => e.kind === 'code-referenced') ? 'the SDK’s code is not in the app (only referred to)' : 'the SDK’s code was not found (renamed or loaded at run time?): only its manifest or file traces';
      } else if (!refs) {
        state = 'unknown';
        summary = 'the bytecode was not walked';
      } else if (reached.has(t.id)) {
        state = 'active';
        const auto = list.find((e) => e.kind === 'auto-start');
        const byApp = list.find((e) => e.kind === 'referenced-by' && e.from === 'app');
        const byOther = list.find((e) => e.kind === 'referenced-by' && e.from === 'other');
        summary = auto
          ? `starts by itself through ${auto.kind === 'auto-start' ? auto.component : 'a manifest component'}`
          : byApp
            ? 'called from the app’s code'
            : byOther
              ? 'called from code outside the app’s package that no signature claims (a library, or app code elsewhere)'
              : list.some((e) => e.kind === 'entry-point')
              ? 'declares components the system can start'
              : 'called from another SDK the app uses';
      } else {
        state = 'unreferenced';
        summary = 'no code outside the SDK refers to it and the manifest starts none of it';
        list.push({ kind: 'no-references', detail: 'no reference from the app’s code, from a reached SDK or from the manifest' });
      }
      out.set(t.id, { state, summary, evidence: list });
    }
    return out;
  }
}
