/**
 * Capabilities: what the app can reach on the device, in plain language, from the permissions it
 * requests (signatures/permissions.json) and a few manifest facts. Each capability lists the
 * evidence behind it. Which SDK exercises a capability (API-level attribution) comes later.
 */
import type { Evidence, Provenance } from '../evidence/types.js';
import type { Capability, IosCapabilityData, PermissionData, PermissionInfo } from '../signatures/types.js';

export type CapabilityEvidence =
  | { kind: 'permission'; permission: string; protectionLevel: string; meaning: string; maxSdkVersion?: number; provenance: Provenance }
  /** iOS: an Info.plist usage-description key, with the purpose text the user is shown */
  | { kind: 'usage-key'; key: string; purpose: string; meaning: string; provenance: Provenance }
  | { kind: 'background-mode'; mode: string; meaning: string; provenance: Provenance }
  | { kind: 'entitlement'; key: string; meaning: string; provenance: Provenance }
  /** iOS: a binary links the system framework that gives this access */
  | { kind: 'linked-framework'; framework: string; binary: string; provenance: Provenance }
  | { kind: 'derived'; from: string[]; explanation: string }
  | { kind: 'manifest'; element: string; detail: string; provenance: Provenance };

export interface CapabilityFinding {
  id: string;
  title: string;
  description: string;
  sensitivity: Capability['sensitivity'];
  evidence: CapabilityEvidence[];
}

const SENSITIVITY_RANK = { high: 0, medium: 1, low: 2 } as const;

export class CapabilityAnalyzer {
  private readonly byPermission = new Map<string, PermissionInfo>();
  private readonly capabilities = new Map<string, Capability>();

  constructor(
    data: PermissionData,
    private readonly ios?: IosCapabilityData,
  ) {
    for (const p of data.permissions) this.byPermission.set(p.name, p);
    for (const c of data.capabilities) this.capabilities.set(c.id, c);
  }

  /** Capability ids of an iOS usage-description key (for the report's permission list). */
  usageKeyInfo(key: string): { capabilities: string[]; meaning: string } | undefined {
    return this.ios?.usageKeys.find((u) => u.key === key);
  }

  permissionInfo(name: string): PermissionInfo | undefined {
    return this.byPermission.get(name);
  }

  analyze(ev: Evidence): CapabilityFinding[] {
    const found = new Map<string, CapabilityFinding>();
    const add = (id: string, e: CapabilityEvidence) => {
      const cap = this.capabilities.get(id);
      if (!cap) return;
      let f = found.get(id);
      if (!f) found.set(id, (f = { id, title: cap.title, description: cap.description, sensitivity: cap.sensitivity, evidence: [] }));
      f.evidence.push(e);
    };

    for (const p of ev.permissions) {
      const info = this.byPermission.get(p.name);
      if (!info) continue;
      for (const id of info.capabilities) {
        add(id, {
          kind: 'permission',
          permission: p.name,
          protectionLevel: info.protectionLevel,
          meaning: info.meaning,
          ...(p.maxSdkVersion !== undefined ? { maxSdkVersion: p.maxSdkVersion } : {}),
          provenance: p.provenance,
        });
      }
    }

    if (ev.ios && this.ios) this.addIos(ev, add);

    // Beacon scanning needs Bluetooth scanning and, on Android 11 and older, location.
    const location = ['location-precise', 'location-approximate'].filter((id) => found.has(id));
    if (found.has('bluetooth-scan') && location.length) {
      add('beacons', {
        kind: 'derived',
        from: ['bluetooth-scan', ...location],
        explanation: 'Bluetooth scanning together with location access is what detecting beacons (and so the user’s position in a venue) requires.',
      });
    }

    // <queries> lets an app see whether specific other apps are installed (Android 11+).
    const q = ev.android?.queries;
    if (q && (q.packages.length || q.intents.length || q.providers.length)) {
      const parts = [
        q.packages.length ? `${q.packages.length} package${q.packages.length > 1 ? 's' : ''} (${q.packages.slice(0, 5).join(', ')}${q.packages.length > 5 ? ', …' : ''})` : '',
        q.intents.length ? `${q.intents.length} intent filter${q.intents.length > 1 ? 's' : ''}` : '',
        q.providers.length ? `${q.providers.length} provider${q.providers.length > 1 ? 's' : ''}` : '',
      ].filter(Boolean);
      add('installed-apps', {
        kind: 'manifest',
        element: 'queries',
        detail: `declares <queries> for ${parts.join(', ')}: it can tell whether those apps are installed`,
        provenance: { entry: 'AndroidManifest.xml', location: 'manifest/queries', collector: 'manifest' },
      });
    }

    return [...found.values()].sort((a, b) => SENSITIVITY_RANK[a.sensitivity] - SENSITIVITY_RANK[b.sensitivity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private addIos(ev: Evidence, add: (id: string, e: CapabilityEvidence) => void): void {
    const data = this.ios!;
    const ios = ev.ios!;
    for (const p of ev.permissions) {
      const u = data.usageKeys.find((x) => x.key === p.name);
      if (!u) continue;
      for (const id of u.capabilities) add(id, { kind: 'usage-key', key: p.name, purpose: p.purpose ?? '', meaning: u.meaning, provenance: p.provenance });
    }
    const plistAt = (location: string) => ({ entry: ios.infoPlist, location, collector: 'info-plist' });
    for (const mode of ios.backgroundModes) {
      const m = data.backgroundModes.find((x) => x.mode === mode);
      if (m) for (const id of m.capabilities) add(id, { kind: 'background-mode', mode, meaning: m.meaning, provenance: plistAt(`UIBackgroundModes/${mode}`) });
    }
    const main = ios.binaries.find((b) => b.role === 'main');
    for (const key of Object.keys(ios.entitlements)) {
      const e = data.entitlements.find((x) => x.key === key);
      if (e && main) for (const id of e.capabilities) add(id, { kind: 'entitlement', key, meaning: e.meaning, provenance: { entry: main.path, location: `entitlements/${key}`, collector: 'macho' } });
    }
    // Linked system frameworks: supporting evidence for access granted otherwise (iOS refuses
    // protected data without the usage key), or enough alone when no key is needed (AdSupport).
    const granted = new Set<string>();
    for (const p of ev.permissions) for (const id of data.usageKeys.find((x) => x.key === p.name)?.capabilities ?? []) granted.add(id);
    for (const mode of ios.backgroundModes) for (const id of data.backgroundModes.find((x) => x.mode === mode)?.capabilities ?? []) granted.add(id);
    for (const key of Object.keys(ios.entitlements)) for (const id of data.entitlements.find((x) => x.key === key)?.capabilities ?? []) granted.add(id);
    for (const bin of ios.binaries) {
      for (const l of bin.linked) {
        if (!l.system || !l.framework) continue;
        const f = data.frameworks.find((x) => x.name === l.framework);
        if (!f) continue;
        for (const id of f.capabilities) {
          if (granted.has(id) || f.grantsWithoutKey) add(id, { kind: 'linked-framework', framework: l.framework, binary: bin.path, provenance: { entry: bin.path, location: 'load commands', collector: 'macho' } });
        }
      }
    }
  }
}
