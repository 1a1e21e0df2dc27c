/**
 * Capabilities: what the app can reach on the device, in plain language, from the permissions it
 * requests (signatures/permissions.json) and a few manifest facts. Each capability lists the
 * evidence behind it. Which SDK exercises a capability (API-level attribution) comes later.
 */
import type { Evidence, Provenance } from '../evidence/types.js';
import type { Capability, PermissionData, PermissionInfo } from '../signatures/types.js';

export type CapabilityEvidence =
  | { kind: 'permission'; permission: string; protectionLevel: string; meaning: string; maxSdkVersion?: number; provenance: Provenance }
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

  constructor(data: PermissionData) {
    for (const p of data.permissions) this.byPermission.set(p.name, p);
    for (const c of data.capabilities) this.capabilities.set(c.id, c);
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
}
