/**
 * Walks the bytecode of every method of one DEX file and records, per calling class, what
 * analysis asked for (an ApiQuery): sensitive methods invoked, fields read, wanted string
 * constants, and references from one group of code (an SDK, or the app's own code) to another.
 *
 * Cost: one table lookup per instruction; pool lookups (method_ids, field_ids, strings, types)
 * are resolved once per index per DEX and kept in typed arrays, so a method called 10,000 times
 * is looked up once.
 */
import { walkUnits, RefKind, type RefFilter, type WalkResult } from '../../formats/dex-code.js';
import { CodeSpanResult, descriptorToJavaName, type DexFile } from '../../formats/dex.js';
import type { ApiQuery, ApiUseEvidence, CodeReferenceEvidence, CodeWalkStats } from '../../evidence/types.js';

/**
 * What one thread keeps across the DEX files it walks: the query and the groups of the class
 * descriptors seen so far (a pure cache: the results of a walk do not depend on it).
 */
export interface WalkState {
  query: ApiQuery;
  appId: string;
  /** group names by number: 0 is the app's own code (''), 1 unclaimed code (`other`), then SDK ids */
  groupNames: string[];
  groupNumbers: Map<string, number>;
  /** descriptor → group number */
  groups: Map<string, number>;
}

export function newWalkState(query: ApiQuery, appId: string): WalkState {
  return {
    query,
    appId,
    groupNames: [APP, OTHER],
    groupNumbers: new Map([
      [APP, APP_GROUP],
      [OTHER, OTHER_GROUP],
    ]),
    groups: new Map(),
  };
}

/** What the walk of one DEX file found. Plain data, so a walk can run in a worker thread. */
export interface DexWalk {
  apiUse: ApiUseEvidence[];
  /** one per (from, to) pair, in the order first met, with the first example and the count */
  crossRefs: CodeReferenceEvidence[];
  stats: CodeWalkStats;
  /** walk anomalies, to add to the file's DEX anomalies */
  anomalies: { code: string; message: string; offset?: number }[];
}

/** the group of the app's own package */
const APP = '';
/** the group of unclaimed code outside the app's package (see ApiQuery.classGroup) */
const OTHER = 'other';
const APP_GROUP = 0;
const OTHER_GROUP = 1;
/** groups are numbered below this; a (from, to) pair is one number */
const GROUP_KEY = 1 << 20;
const UNKNOWN = -2;
const NONE = -1;
/** walk anomalies recorded per DEX file (the rest are counted) */
const MAX_WALK_ANOMALIES = 20;

/** The group number of a type descriptor ('' for arrays and primitives: they belong to no one). */
function groupOf(st: WalkState, descriptor: string): number {
  let g = st.groups.get(descriptor);
  if (g === undefined) {
    const name = descriptor.length > 2 && descriptor.charCodeAt(0) === 0x4c /* L */ ? st.query.classGroup(descriptorToJavaName(descriptor), st.appId) : APP;
    g = st.groupNumbers.get(name);
    if (g === undefined) {
      g = st.groupNames.length;
      st.groupNames.push(name);
      st.groupNumbers.set(name, g);
    }
    st.groups.set(descriptor, g);
  }
  return g;
}

/**
 * Per container entry: what each pool index means to the walk, resolved once before walking, so
 * that an instruction costs a few typed-array reads. Only the methods and fields of the classes
 * the query names are looked up by name.
 */
interface Tables {
  /** type index → group number */
  typeGroup: Int32Array;
  /** method index → group of its class (NONE when the index is bad) */
  methodGroup: Int32Array;
  /** method index → API number, or NONE */
  methodApi: Int32Array;
  methodClass: Int32Array;
  fieldGroup: Int32Array;
  fieldApi: Int32Array;
  fieldClass: Int32Array;
  /** string index → API number, NONE, or UNKNOWN until first used */
  stringApi: Int32Array;
  /** which method, field and type indices the visitor wants at all (an API, or an SDK's class) */
  wanted: RefFilter;
}

/** Walks every method of `dex` (read from bundle entry `entry`). */
export function walkDex(dex: DexFile, entry: string, st: WalkState): DexWalk {
  const started = performance.now();
  const out: DexWalk = { apiUse: [], crossRefs: [], stats: { methods: 0, instructions: 0, units: 0, incomplete: 0, ms: 0 }, anomalies: [] };
  /** (from group × GROUP_KEY + to group) → reference */
  const crossRefs = new Map<number, CodeReferenceEvidence>();
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

  const tablesOf = (en: number): Tables => {
    const counts = dex.entries[en].counts;
    const typeGroup = new Int32Array(counts.types);
    const apiMethodsOf: (ReadonlyMap<string, string> | undefined)[] = new Array(counts.types);
    const apiFieldsOf: (ReadonlyMap<string, string> | undefined)[] = new Array(counts.types);
    for (let t = 0; t < counts.types; t++) {
      const d = dex.typeDescriptor(t, en);
      typeGroup[t] = groupOf(st, d);
      apiMethodsOf[t] = q.androidMethods.get(d);
      apiFieldsOf[t] = q.androidFields.get(d);
    }
    const members = (n: number, classIndex: (i: number) => number, lookup: (i: number, names: ReadonlyMap<string, string>) => string | undefined, namesOf: typeof apiMethodsOf) => {
      const group = new Int32Array(n);
      const api = new Int32Array(n).fill(NONE);
      const cls = new Int32Array(n);
      const wanted = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const t = classIndex(i);
        cls[i] = t;
        if (t < 0 || t >= counts.types) {
          group[i] = NONE;
          continue;
        }
        group[i] = typeGroup[t];
        const names = namesOf[t];
        if (names) {
          const id = lookup(i, names);
          if (id !== undefined) api[i] = idOf(id);
        }
        wanted[i] = api[i] >= 0 || group[i] > OTHER_GROUP ? 1 : 0;
      }
      return { group, api, cls, wanted };
    };
    const m = members(counts.methods, (i) => dex.methodClassIndex(i, en), (i, names) => names.get(dex.methodRef(i, en).name), apiMethodsOf);
    const f = members(counts.fields, (i) => dex.fieldClassIndex(i, en), (i, names) => names.get(dex.fieldRef(i, en).name), apiFieldsOf);
    return {
      typeGroup,
      methodGroup: m.group,
      methodApi: m.api,
      methodClass: m.cls,
      fieldGroup: f.group,
      fieldApi: f.api,
      fieldClass: f.cls,
      stringApi: new Int32Array(counts.strings).fill(UNKNOWN),
      wanted: refFilter(typeGroup, f.wanted, m.wanted),
    };
  };
  const tables: Tables[] = [];

  // State of the class being walked; the visitor below is created once per DEX file, not per
  // class or method, so the walk allocates almost nothing per instruction.
  let en = 0;
  let t: Tables;
  let callerType = -1;
  let callerName = '';
  let callerGroup = APP_GROUP;
  let currentMethod = -1;
  // per class: API number → call sites and the first calling method; `touched` lists the APIs hit
  const hitCount: number[] = [];
  const hitMethod: number[] = [];
  const touched: number[] = [];

  const nameOfCaller = (): string => (callerName ||= descriptorToJavaName(dex.typeDescriptor(callerType, en)));

  /** a reference from the caller's group to group `to`, through type `toType` */
  const ref = (to: number, toType: number): void => {
    if (to <= OTHER_GROUP || to === callerGroup) return;
    const key = callerGroup * GROUP_KEY + to;
    const r = crossRefs.get(key);
    if (r) r.count++;
    else {
      const from = nameOfCaller();
      const added: CodeReferenceEvidence = {
        from: st.groupNames[callerGroup],
        to: st.groupNames[to],
        fromClass: from,
        toClass: descriptorToJavaName(dex.typeDescriptor(toType, en)),
        count: 1,
        provenance: { entry, location: from, collector: 'dex' },
      };
      crossRefs.set(key, added);
      out.crossRefs.push(added);
    }
  };
  const hit = (api: number): void => {
    if (hitCount[api] > 0) hitCount[api]++;
    else {
      hitCount[api] = 1;
      hitMethod[api] = currentMethod;
      touched.push(api);
    }
  };

  const visit = (_op: number, kind: RefKind, index: number): void => {
    switch (kind) {
      case RefKind.Method: {
        if (index >= t.methodApi.length) return;
        const api = t.methodApi[index];
        if (api >= 0) hit(api);
        ref(t.methodGroup[index], t.methodClass[index]);
        return;
      }
      case RefKind.Field: {
        if (index >= t.fieldApi.length) return;
        const api = t.fieldApi[index];
        if (api >= 0) hit(api);
        ref(t.fieldGroup[index], t.fieldClass[index]);
        return;
      }
      case RefKind.String: {
        if (index >= t.stringApi.length) return;
        let api = t.stringApi[index];
        if (api === UNKNOWN) {
          const s = dex.string(index, en);
          let id = q.stringExact.get(s);
          if (id === undefined) for (const p of q.stringPrefixes) if (s.startsWith(p.prefix)) id = p.id;
          api = id === undefined ? NONE : idOf(id);
          t.stringApi[index] = api;
        }
        if (api >= 0) hit(api);
        return;
      }
      case RefKind.Type:
        if (index < t.typeGroup.length) ref(t.typeGroup[index], index);
        else dex.typeDescriptor(index, en); // records the bad index, as before
        return;
      default:
        return;
    }
  };

  const units = dex.codeUnits();
  const span = { start: 0, end: 0 };
  let anomalies = 0;
  // A file holds at most units.length code units and a third as many encoded methods; class_defs
  // that share class data, and methods that share a code_item, could make the walk visit them
  // again and again (a 115 KB mutant asked for 13.7 billion units). The walk stops at twice that.
  let unitBudget = 2 * units.length + 1024;
  let methodBudget = units.length + 1024;
  const overBudget = (): boolean => unitBudget < 0 || methodBudget < 0;
  const walkMethod = (methodIdx: number, codeOff: number): void => {
    if (--methodBudget < 0 || unitBudget < 0 || codeOff === 0) return;
    let r: WalkResult;
    let insnsOff: number;
    const found = dex.codeSpan(codeOff, span);
    if (found === CodeSpanResult.Span) {
      currentMethod = methodIdx;
      r = walkUnits(units, span.start, span.end, visit, t.wanted);
      insnsOff = span.start * 2;
    } else if (found === CodeSpanResult.None) {
      return;
    } else {
      // misaligned on purpose: read as a copy
      const code = dex.codeItem(codeOff);
      if (!code) return;
      currentMethod = methodIdx;
      r = walkUnits(code.insns(), 0, code.insnsSize, visit, t.wanted);
      insnsOff = code.insnsOff;
    }
    unitBudget -= r.units;
    out.stats.methods++;
    out.stats.instructions += r.instructions;
    out.stats.units += r.units;
    if (r.anomaly) {
      out.stats.incomplete++;
      if (anomalies++ < MAX_WALK_ANOMALIES) {
        out.anomalies.push({ code: r.anomaly.code, message: `${nameOfCaller()}: ${r.anomaly.message}`, offset: insnsOff + r.anomaly.pc * 2 });
      }
    }
  };

  for (const cls of dex.definedClasses()) {
    if (overBudget()) {
      out.anomalies.push({ code: 'dex-code-walk-budget', message: `classes share class data or code beyond what the file holds: the walk stopped after ${out.stats.methods} methods and ${out.stats.units} code units, before ${cls.descriptor}` });
      break;
    }
    if (cls.entry !== en || !tables[cls.entry]) {
      en = cls.entry;
      tables[en] ??= tablesOf(en);
    }
    t = tables[en];
    callerType = cls.typeIndex;
    callerName = '';
    callerGroup = groupOf(st, cls.descriptor);
    currentMethod = -1;

    // a subclass or an implementation refers to its supertypes
    if (cls.superclassIndex >= 0) ref(t.typeGroup[cls.superclassIndex] ?? NONE, cls.superclassIndex);
    for (const i of cls.interfaceIndices) ref(t.typeGroup[i] ?? NONE, i);

    dex.forEachMethod(cls.index, en, walkMethod);

    for (const api of touched) {
      const methodIdx = hitMethod[api];
      const m = methodIdx >= 0 ? dex.methodRef(methodIdx, en) : undefined;
      const caller = nameOfCaller();
      out.apiUse.push({
        api: apiIds[api],
        caller,
        count: hitCount[api],
        ...(m ? { method: `${m.name}${m.signature}` } : {}),
        provenance: { entry, location: m ? `${caller}.${m.name}` : caller, collector: 'dex' },
      });
      hitCount[api] = 0;
    }
    touched.length = 0;
  }
  if (anomalies > MAX_WALK_ANOMALIES) {
    out.anomalies.push({ code: 'dex-code-walk-anomalies', message: `${anomalies - MAX_WALK_ANOMALIES} further methods ended early` });
  }
  out.stats.ms = performance.now() - started;
  return out;
}

/** The RefFilter of a walk: types, fields and methods that name an SDK's class or an API. */
function refFilter(typeGroup: Int32Array, fields: Uint8Array, methods: Uint8Array): RefFilter {
  const types = new Uint8Array(typeGroup.length);
  for (let t = 0; t < typeGroup.length; t++) types[t] = typeGroup[t] > OTHER_GROUP ? 1 : 0;
  const filter: (Uint8Array | undefined)[] = [];
  filter[RefKind.Type] = types;
  filter[RefKind.Field] = fields;
  filter[RefKind.Method] = methods;
  return filter;
}
