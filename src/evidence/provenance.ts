/**
 * Renames the entry of every piece of evidence, for readers that collect a bundle inside a
 * container (a split inside an .apks: `classes.dex` → `base.apk!classes.dex`; an App Bundle
 * module: `classes.dex` → `base/dex/classes.dex`). One list of the places that carry an entry.
 */
import type { Evidence, Platform, Provenance } from './types.js';

export function mapProvenance(ev: Evidence, rename: (entry: string) => string, renameWarning: (entry: string | undefined) => string | undefined = (e) => (e === undefined ? undefined : rename(e))): void {
  const p = (x: { provenance: Provenance }) => (x.provenance = { ...x.provenance, entry: rename(x.provenance.entry) });
  ev.permissions.forEach(p);
  ev.domains.forEach(p);
  ev.code.apiUse?.forEach(p);
  ev.code.crossRefs?.forEach(p);
  for (const m of [ev.code.defined, ev.code.referenced]) for (const [k, v] of m) m.set(k, rename(v));
  for (const [k, v] of ev.stringHits) ev.stringHits.set(k, v.map(rename));
  const a = ev.android;
  if (a) {
    a.declaredPermissions.forEach(p);
    a.components.forEach(p);
    a.metaData.forEach(p);
    a.versionFiles.forEach(p);
    a.nativeLibraries.forEach(p);
    a.embeddedCode?.forEach(p);
  }
  for (const w of ev.warnings) {
    const entry = renameWarning(w.entry);
    if (entry === undefined) delete w.entry;
    else w.entry = entry;
  }
}

/** The parts of Evidence both platforms start with, empty (the platform readers add their group). */
export function baseEvidence(platform: Platform): Evidence {
  return {
    platform,
    identity: { platform, id: '' },
    permissions: [],
    code: { defined: new Map(), referenced: new Map(), binaries: 0 },
    stringHits: new Map(),
    domains: [],
    files: [],
    warnings: [],
  };
}
