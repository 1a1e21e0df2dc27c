/**
 * AndroidManifest.xml → Evidence: identity, permissions, components, meta-data, queries and the
 * application flags. Works on the decoded element tree; attributes are found by the name their
 * resource ID stands for (src/formats/axml.ts), so obfuscated attribute strings do not hide them.
 *
 * Reference: https://developer.android.com/guide/topics/manifest/manifest-intro
 */
import type { ResourceTable } from '../../formats/arsc.js';
import { findAttribute, type AxmlDocument, type AxmlElement } from '../../formats/axml.js';
import type { TypedValue } from '../../formats/res-value.js';
import type {
  AppFlags,
  AppIdentity,
  ComponentEvidence,
  ComponentKind,
  DeclaredPermission,
  IntentFilterEvidence,
  MetaDataEvidence,
  PermissionEvidence,
  QueriesEvidence,
  Warning,
} from '../../evidence/types.js';

import { MANIFEST_ENTRY } from './entries.js';
const COLLECTOR = 'manifest';

export interface ManifestEvidence {
  identity: AppIdentity;
  permissions: PermissionEvidence[];
  declaredPermissions: DeclaredPermission[];
  components: ComponentEvidence[];
  metaData: MetaDataEvidence[];
  queries: QueriesEvidence;
  flags: AppFlags;
  warnings: Warning[];
}

const COMPONENT_KINDS: ReadonlySet<string> = new Set(['activity', 'activity-alias', 'service', 'receiver', 'provider']);

/** android:protectionLevel base values and flags (R.attr.protectionLevel). */
const PROTECTION_BASE = ['normal', 'dangerous', 'signature', 'signatureOrSystem', 'internal'];
const PROTECTION_FLAGS: [number, string][] = [
  [0x10, 'privileged'],
  [0x20, 'development'],
  [0x40, 'appop'],
  [0x80, 'pre23'],
  [0x100, 'installer'],
  [0x200, 'verifier'],
  [0x400, 'preinstalled'],
  [0x800, 'setup'],
  [0x1000, 'instant'],
  [0x2000, 'runtime'],
  [0x4000, 'oem'],
  [0x8000, 'vendorPrivileged'],
];

export function protectionLevelName(value: number): string {
  const base = PROTECTION_BASE[value & 0xf] ?? `0x${(value & 0xf).toString(16)}`;
  const flags = PROTECTION_FLAGS.filter(([bit]) => value & bit).map(([, name]) => name);
  return [base, ...flags].join('|');
}

export function readManifestEvidence(doc: AxmlDocument, resources: ResourceTable | undefined): ManifestEvidence {
  const warnings: Warning[] = [];
  const root = doc.root;
  const out: ManifestEvidence = {
    identity: { platform: 'android', id: '' },
    permissions: [],
    declaredPermissions: [],
    components: [],
    metaData: [],
    queries: { packages: [], intents: [], providers: [] },
    flags: {},
    warnings,
  };
  if (!root || root.name !== 'manifest') {
    warnings.push({ code: 'manifest-root-missing', message: `the manifest's root element is ${root ? `<${root.name}>` : 'missing'}, not <manifest>`, entry: MANIFEST_ENTRY });
    if (!root) return out;
  }

  const str = (v: TypedValue | undefined): string | undefined => valueToString(v, resources);
  const num = (v: TypedValue | undefined): number | undefined => valueToNumber(v, resources);
  const bool = (v: TypedValue | undefined): boolean | undefined => valueToBoolean(v, resources);
  const attr = (el: AxmlElement, name: string) => findAttribute(el, name)?.value;

  const pkg = findAttribute(root, 'package', '')?.value;
  const id = str(pkg) ?? '';
  if (!id) warnings.push({ code: 'manifest-package-missing', message: 'the manifest has no package name', entry: MANIFEST_ENTRY });
  const identity: AppIdentity = { platform: 'android', id };
  setIf(identity, 'versionCode', num(attr(root, 'versionCode')));
  setIf(identity, 'versionName', str(attr(root, 'versionName')));
  setIf(identity, 'compileSdk', num(attr(root, 'compileSdkVersion')) ?? num(findAttribute(root, 'platformBuildVersionCode', '')?.value));
  out.identity = identity;

  const qualify = (name: string): string => (name.startsWith('.') ? id + name : name.includes('.') ? name : `${id}.${name}`);
  const where = (path: string) => ({ entry: MANIFEST_ENTRY, location: path, collector: COLLECTOR });

  for (const el of root.children) {
    switch (el.name) {
      case 'uses-sdk':
        setIf(identity, 'minSdk', num(attr(el, 'minSdkVersion')));
        setIf(identity, 'targetSdk', num(attr(el, 'targetSdkVersion')));
        break;
      case 'uses-permission':
      case 'uses-permission-sdk-23':
      case 'uses-permission-sdk-m': {
        const name = str(attr(el, 'name'));
        if (!name) break;
        const p: PermissionEvidence = { name, element: el.name, provenance: where(`manifest/${el.name}[@name='${name}']`) };
        setIf(p, 'maxSdkVersion', num(attr(el, 'maxSdkVersion')));
        out.permissions.push(p);
        break;
      }
      case 'permission': {
        const name = str(attr(el, 'name'));
        if (!name) break;
        const level = attr(el, 'protectionLevel');
        const d: DeclaredPermission = { name, provenance: where(`manifest/permission[@name='${name}']`) };
        const levelNumber = level && (level.type === 'int' || level.type === 'hex') ? level.value : undefined;
        setIf(d, 'protectionLevel', levelNumber !== undefined ? protectionLevelName(levelNumber) : str(level));
        out.declaredPermissions.push(d);
        break;
      }
      case 'queries':
        for (const q of el.children) {
          if (q.name === 'package') {
            const name = str(attr(q, 'name'));
            if (name) out.queries.packages.push(name);
          } else if (q.name === 'intent') {
            out.queries.intents.push(intentFilter(q, str));
          } else if (q.name === 'provider') {
            const auth = str(attr(q, 'authorities'));
            if (auth) out.queries.providers.push(...auth.split(';').filter(Boolean));
          }
        }
        break;
      case 'application':
        readApplication(el);
        break;
    }
  }
  return out;

  function readApplication(app: AxmlElement): void {
    setIf(identity, 'name', str(attr(app, 'label')));
    const flags = out.flags;
    setIf(flags, 'debuggable', bool(attr(app, 'debuggable')));
    setIf(flags, 'allowBackup', bool(attr(app, 'allowBackup')));
    setIf(flags, 'usesCleartextTraffic', bool(attr(app, 'usesCleartextTraffic')));
    const nsc = attr(app, 'networkSecurityConfig');
    if (nsc) setIf(flags, 'networkSecurityConfig', str(nsc) ?? (nsc.type === 'reference' ? `@0x${nsc.id.toString(16)}` : undefined));

    for (const el of app.children) {
      if (el.name === 'meta-data') {
        readMetaData(el, 'application', 'manifest/application');
        continue;
      }
      if (!COMPONENT_KINDS.has(el.name)) continue;
      const kind = el.name as ComponentKind;
      const raw = str(attr(el, 'name'));
      if (!raw) {
        warnings.push({ code: 'component-without-name', message: `a <${kind}> has no android:name`, entry: MANIFEST_ENTRY });
        continue;
      }
      const name = qualify(raw);
      const path = `manifest/application/${kind}[@name='${name}']`;
      const filters = el.children.filter((c) => c.name === 'intent-filter').map((f) => intentFilter(f, str));
      const exported = bool(attr(el, 'exported'));
      const c: ComponentEvidence = {
        kind,
        name,
        effectivelyExported: exported ?? defaultExported(kind, filters.length > 0, identity.targetSdk),
        intentFilters: filters,
        provenance: where(path),
      };
      setIf(c, 'exported', exported);
      setIf(c, 'enabled', bool(attr(el, 'enabled')));
      setIf(c, 'permission', str(attr(el, 'permission')));
      if (kind === 'provider') {
        const auth = str(attr(el, 'authorities'));
        if (auth) c.authorities = auth.split(';').filter(Boolean);
      }
      out.components.push(c);
      for (const m of el.children) if (m.name === 'meta-data') readMetaData(m, name, `${path}/meta-data`);
    }
  }

  function readMetaData(el: AxmlElement, parent: string, path: string): void {
    const name = str(attr(el, 'name'));
    if (!name) return;
    const m: MetaDataEvidence = { name, parent, provenance: where(`${path}[@name='${name}']`) };
    const value = attr(el, 'value') ?? attr(el, 'resource');
    setIf(m, 'value', value === undefined ? undefined : (str(value) ?? displayValue(value)));
    out.metaData.push(m);
  }
}

/**
 * Android's default for android:exported: since API 31 an explicit value is required when there
 * are intent filters; before, components with filters were exported. Providers were exported by
 * default up to API 16.
 */
function defaultExported(kind: ComponentKind, hasFilters: boolean, targetSdk: number | undefined): boolean {
  if (kind === 'provider') return (targetSdk ?? 1) <= 16;
  return hasFilters;
}

function intentFilter(el: AxmlElement, str: (v: TypedValue | undefined) => string | undefined): IntentFilterEvidence {
  const f: IntentFilterEvidence = { actions: [], categories: [], data: [] };
  for (const c of el.children) {
    const name = str(findAttribute(c, 'name')?.value);
    if (c.name === 'action' && name) f.actions.push(name);
    else if (c.name === 'category' && name) f.categories.push(name);
    else if (c.name === 'data') {
      const d: Record<string, string> = {};
      for (const a of c.attributes) {
        const v = str(a.value) ?? displayValue(a.value);
        if (v !== undefined) d[a.name] = v;
      }
      f.data.push(d);
    }
  }
  return f;
}

/** A typed value as a string: strings as they are, references resolved through resources.arsc. */
export function valueToString(v: TypedValue | undefined, resources: ResourceTable | undefined): string | undefined {
  if (!v) return undefined;
  if (v.type === 'string') return v.value;
  if (v.type === 'reference' && resources) return resources.resolveString(v.id);
  return undefined;
}

function valueToNumber(v: TypedValue | undefined, resources: ResourceTable | undefined): number | undefined {
  if (!v) return undefined;
  if (v.type === 'int' || v.type === 'hex') return v.value;
  const s = valueToString(v, resources);
  if (s !== undefined && /^\d+$/.test(s.trim())) return Number(s.trim());
  if (v.type === 'reference' && resources) {
    const r = resources.resolve(v.id);
    if (r && (r.type === 'int' || r.type === 'hex')) return r.value;
  }
  return undefined;
}

function valueToBoolean(v: TypedValue | undefined, resources: ResourceTable | undefined): boolean | undefined {
  if (!v) return undefined;
  if (v.type === 'boolean') return v.value;
  if (v.type === 'reference' && resources) {
    const r = resources.resolve(v.id);
    if (r && r.type === 'boolean') return r.value;
  }
  const s = valueToString(v, resources);
  if (s === 'true') return true;
  if (s === 'false') return false;
  return undefined;
}

/** Non-string values as text for reports (meta-data values, data attributes). */
function displayValue(v: TypedValue): string | undefined {
  switch (v.type) {
    case 'int':
    case 'float':
      return String(v.value);
    case 'hex':
      return `0x${(v.value >>> 0).toString(16)}`;
    case 'boolean':
      return String(v.value);
    case 'reference':
    case 'dynamic-reference':
      return `@0x${(v.id >>> 0).toString(16).padStart(8, '0')}`;
    default:
      return undefined;
  }
}

function setIf<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) obj[key] = value;
}
