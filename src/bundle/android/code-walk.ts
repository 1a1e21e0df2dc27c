/**
 * Walks the bytecode of every method of one DEX file and records, per calling class, what
 * analysis asked for (an ApiQuery): sensitive methods invoked, fields read, wanted string
 * constants, and references from one group of code (an SDK, or the app's own code) to another.
 *
 * Cost: one table lookup per instruction; pool lookups (method_ids, field_ids, strings, types)
 * are resolved once per index per DEX and kept in typed arrays, so a method called 10,000 times
 * is looked up once.
 */
import { walkCode, RefKind } from '../../formats/dex-code.js';
import { descriptorToJavaName, type DexFile } from '../../formats/dex.js';
import type { ApiQuery, ApiUseEvidence, CodeReferenceEvidence, CodeWalkStats } from '../../evidence/types.js';

/** per-bundle state shared across the DEX files of one APK */
export interface WalkState {
  query: ApiQuery;
  appId: string;
  apiUse: ApiUseEvidence[];
  /** `${from}\0${to}` → reference */
  crossRefs: Map<string, CodeReferenceEvidence>;
  /** descriptor → group (cache across DEX files) */
  groups: Map<string, string>;
  stats: CodeWalkStats;
  /** walk anomalies, as DEX anomalies of that file */
  anomalies: { code: string; message: string; offset?: number }[];
}

export function newWalkState(query: ApiQuery, appId: string): WalkState {
  return {
    query,
    appId,
    apiUse: [],
    crossRefs: new Map(),
    groups: new Map(),
    stats: { methods: 0, instructions: 0, units: 0, incomplete: 0, ms: 0 },
    anomalies: [],
  };
}

/** the group of unclaimed code outside the app's package (see ApiQuery.classGroup) */
const OTHER = 'other';
const UNKNOWN = -2;
const NONE = -1;
/** walk anomalies recorded per DEX file (the rest are counted) */
const MAX_WALK_ANOMALIES = 20;

/** Walks every method of `dex` (read from bundle entry `entry`). */
export function walkDex(dex: DexFile, entry: string, st: WalkState): void {
  const started = performance.now();
  const q = st.query;
  const apiIds: string[] = [];
  const apiIndex = new Map<string, number>();
  const idOf = (api: string): number => {
    let i = apiIndex.get(api);
    if (i === undefined) {
      i = apiIds.length;
      apiIds.push(api);
      apiIndex.set(api, i);
    }
    return i;
  };

  const groupOf = (descriptor: string): string => {
    let g = st.groups.get(descriptor);
    if (g === undefined) {
      g = descriptor.length > 2 && descriptor.charCodeAt(0) === 0x4c /* L */ ? q.classGroup(descriptorToJavaName(descriptor), st.appId) : '';
      st.groups.set(descriptor, g);
    }
    return g;
  };

  // Per container entry caches (index → API number / callee descriptor), created on first use.
  interface Caches {
    methodApi: Int32Array;
    methodClass: (string | undefined)[];
    fieldApi: Int32Array;
    fieldClass: (string | undefined)[];
    stringApi: Int32Array;
  }
  const caches: Caches[] = [];
  const cachesOf = (en: number): Caches => {
    let c = caches[en];
    if (!c) {
      const counts = dex.entries[en]?.counts ?? dex.entries[0].counts;
      c = {
        methodApi: new Int32Array(counts.methods).fill(UNKNOWN),
        methodClass: new Array(counts.methods),
        fieldApi: new Int32Array(counts.fields).fill(UNKNOWN),
        fieldClass: new Array(counts.fields),
        stringApi: new Int32Array(counts.strings).fill(UNKNOWN),
      };
      caches[en] = c;
    }
    return c;
  };

  // State of the class being walked; the visitor below is created once per DEX file, not per
  // class or method, so the walk allocates almost nothing per instruction.
  let en = 0;
  let c: Caches = cachesOf(0);
  let callerName = '';
  let callerGroup = '';
  let hits = new Map<number, [number, number]>();
  let currentMethod = -1;

  const ref = (toDescriptor: string | undefined): void => {
    if (toDescriptor === undefined) return;
    const to = groupOf(toDescriptor);
    if (to === '' || to === OTHER || to === callerGroup) return;
    const key = `${callerGroup}\0${to}`;
    const r = st.crossRefs.get(key);
    if (r) r.count++;
    else {
      st.crossRefs.set(key, {
        from: callerGroup,
        to,
        fromClass: callerName,
        toClass: descriptorToJavaName(toDescriptor),
        count: 1,
        provenance: { entry, location: callerName, collector: 'dex' },
      });
    }
  };
  const hit = (api: number): void => {
    const h = hits.get(api);
    if (h) h[0]++;
    else hits.set(api, [1, currentMethod]);
  };

  const visit = (_op: number, kind: RefKind, index: number): void => {
    switch (kind) {
      case RefKind.Method: {
        let api = c.methodApi[index];
        if (api === UNKNOWN) {
          if (index < c.methodApi.length) {
            const m = dex.methodRef(index, en);
            c.methodClass[index] = m.classDescriptor;
            const id = q.androidMethods.get(m.classDescriptor)?.get(m.name);
            api = id === undefined ? NONE : idOf(id);
            c.methodApi[index] = api;
          } else {
            api = NONE;
          }
        }
        if (api >= 0) hit(api);
        ref(c.methodClass[index]);
        return;
      }
      case RefKind.Field: {
        let api = c.fieldApi[index];
        if (api === UNKNOWN) {
          if (index < c.fieldApi.length) {
            const f = dex.fieldRef(index, en);
            c.fieldClass[index] = f.classDescriptor;
            const id = q.androidFields.get(f.classDescriptor)?.get(f.name);
            api = id === undefined ? NONE : idOf(id);
            c.fieldApi[index] = api;
          } else {
            api = NONE;
          }
        }
        if (api >= 0) hit(api);
        ref(c.fieldClass[index]);
        return;
      }
      case RefKind.String: {
        let api = c.stringApi[index];
        if (api === UNKNOWN) {
          if (index < c.stringApi.length) {
            const s = dex.string(index, en);
            let id = q.stringExact.get(s);
            if (id === undefined) for (const p of q.stringPrefixes) if (s.startsWith(p.prefix)) id = p.id;
            api = id === undefined ? NONE : idOf(id);
            c.stringApi[index] = api;
          } else {
            api = NONE;
          }
        }
        if (api >= 0) hit(api);
        return;
      }
      case RefKind.Type:
        ref(dex.typeDescriptor(index, en));
        return;
      default:
        return;
    }
  };

  let anomalies = 0;
  for (const cls of dex.definedClasses()) {
    en = cls.entry;
    c = cachesOf(en);
    callerName = descriptorToJavaName(cls.descriptor);
    callerGroup = groupOf(cls.descriptor);
    // per class: API number → [count, first method index]
    if (hits.size) hits = new Map();
    currentMethod = -1;

    // a subclass or an implementation refers to its supertypes
    if (cls.superclass) ref(cls.superclass);
    for (const i of cls.interfaces) ref(i);

    const data = dex.classData(cls.index, en);
    for (const list of [data.directMethods, data.virtualMethods]) {
      for (const m of list) {
        if (m.codeOff === 0) continue;
        const code = dex.codeItem(m.codeOff);
        if (!code) continue;
        currentMethod = m.methodIdx;
        const r = walkCode(code.insns(), visit);
        st.stats.methods++;
        st.stats.instructions += r.instructions;
        st.stats.units += r.units;
        if (r.anomaly) {
          st.stats.incomplete++;
          if (anomalies++ < MAX_WALK_ANOMALIES) {
            st.anomalies.push({ code: r.anomaly.code, message: `${callerName}: ${r.anomaly.message}`, offset: code.insnsOff + r.anomaly.pc * 2 });
          }
        }
      }
    }
    for (const [api, [count, methodIdx]] of hits) {
      const m = methodIdx >= 0 ? dex.methodRef(methodIdx, en) : undefined;
      st.apiUse.push({
        api: apiIds[api],
        caller: callerName,
        count,
        ...(m ? { method: `${m.name}${m.signature}` } : {}),
        provenance: { entry, location: m ? `${callerName}.${m.name}` : callerName, collector: 'dex' },
      });
    }
  }
  if (anomalies > MAX_WALK_ANOMALIES) {
    st.anomalies.push({ code: 'dex-code-walk-anomalies', message: `${anomalies - MAX_WALK_ANOMALIES} further methods ended early` });
  }
  st.stats.ms += performance.now() - started;
}
