/** A minimal class-file writer for tests (JVMS §4.1, §4.4): a pool with Class, String, Utf8, Long entries. */
const enc = new TextEncoder();

export interface ClassSpec {
  name: string;
  superName?: string;
  interfaces?: string[];
  /** further CONSTANT_Class entries (classes the code refers to) */
  refs?: string[];
  strings?: string[];
  /** a CONSTANT_Long (two slots) before everything else */
  withLong?: boolean;
}

export function writeClassFile(s: ClassSpec): Uint8Array {
  const pool: number[][] = [];
  let next = 1;
  const add = (bytes: number[], slots = 1) => {
    pool.push(bytes);
    const i = next;
    next += slots;
    return i;
  };
  if (s.withLong) add([5, 0, 0, 0, 0, 0, 0, 0, 42], 2);
  const utf8 = (v: string) => {
    const b = [...enc.encode(v)];
    return add([1, b.length >> 8, b.length & 0xff, ...b]);
  };
  const cls = (n: string) => {
    const u = utf8(n);
    return add([7, u >> 8, u & 0xff]);
  };
  const thisIdx = cls(s.name);
  const superIdx = s.superName ? cls(s.superName) : 0;
  const ifaces = (s.interfaces ?? []).map(cls);
  for (const r of s.refs ?? []) cls(r);
  for (const str of s.strings ?? []) {
    const u = utf8(str);
    add([8, u >> 8, u & 0xff]);
  }
  const u2 = (v: number) => [v >> 8, v & 0xff];
  const out = [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52, ...u2(next), ...pool.flat(), 0, 0x21, ...u2(thisIdx), ...u2(superIdx), ...u2(ifaces.length), ...ifaces.flatMap(u2), 0, 0, 0, 0, 0, 0];
  return Uint8Array.from(out);
}
