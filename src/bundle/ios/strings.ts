/**
 * Picking the few strings a collector wants out of a Mach-O string table without decoding the
 * rest. The main executable of a large app holds 300,000 C strings and 100,000 selectors; the
 * collectors want the ones that may name a host (they contain a '.') and a few dozen exact strings
 * (Facebook Graph permissions, the selectors of sensitive APIs). Building every string and
 * looking each up cost more than half of a large IPA's Mach-O phase; comparing bytes costs little.
 *
 * Each test here is a necessary condition only: a string it lets through is decoded and checked
 * exactly as before, so what is found does not change.
 */
import type { MachOStringTable } from '../../formats/macho.js';

const DOT = 0x2e;
const BOM = [0xef, 0xbb, 0xbf];
const utf8 = new TextEncoder();

/**
 * A set of wanted strings as bytes, by length. A table string can decode to a wanted string `w`
 * only when its bytes are UTF-8 `w` (the decoder's replacement character aside), possibly after a
 * byte order mark (which the decoder drops).
 */
export class StringSieve {
  /** encodings of the wanted strings, by byte length */
  private readonly byLength: (Uint8Array[] | undefined)[] = [];
  /** a wanted string holds U+FFFD, which malformed bytes of any length decode to: test them all */
  private readonly everything: boolean;

  constructor(readonly wanted: ReadonlySet<string>) {
    let everything = false;
    for (const w of wanted) {
      if (w.includes('\ufffd')) everything = true;
      const bytes = utf8.encode(w);
      // a lone surrogate (encoded as U+FFFD) is never the result of decoding: w cannot be found
      if (bytes.length === 0 || new TextDecoder().decode(bytes) !== w) continue;
      for (const b of [bytes, Uint8Array.from([...BOM, ...bytes])]) (this.byLength[b.length] ??= []).push(b);
    }
    this.everything = everything;
  }

  /** true when bytes [start, end) may decode to a wanted string */
  mayHold(bytes: Uint8Array, start: number, end: number): boolean {
    if (this.everything) return true;
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return false;
    next: for (const w of candidates) {
      for (let i = 0; i < w.length; i++) if (bytes[start + i] !== w[i]) continue next;
      return true;
    }
    return false;
  }
}

/** One sieve per wanted set (a Scanner passes the same set for every bundle). */
const sieves = new WeakMap<ReadonlySet<string>, StringSieve>();

export function sieveOf(wanted: ReadonlySet<string>): StringSieve {
  let s = sieves.get(wanted);
  if (!s) sieves.set(wanted, (s = new StringSieve(wanted)));
  return s;
}

/**
 * Calls `visit(i)`, in table order, for each string that holds a '.' (every host name does, and
 * so every string in which `hostsInString` can find one) or that may be in `sieve`'s set. The dots
 * are found by a native search from one to the next, so the strings without one cost a comparison
 * of offsets.
 */
export function forEachDottedOrWanted(table: MachOStringTable, sieve: StringSieve, visit: (i: number) => void): void {
  const { starts, ends, bytes, count } = table;
  let dot = count > 0 ? table.indexOf(DOT, starts[0]) : -1;
  for (let i = 0; i < count; i++) {
    const start = starts[i];
    const end = ends[i];
    if (dot >= 0 && dot < start) dot = table.indexOf(DOT, start);
    if ((dot >= 0 && dot < end) || sieve.mayHold(bytes, start, end)) visit(i);
  }
}

/** Calls `found(text)` for each string of the table in `sieve`'s set. */
export function forEachWanted(table: MachOStringTable, sieve: StringSieve, found: (text: string) => void): void {
  const { starts, ends, bytes, count } = table;
  for (let i = 0; i < count; i++) {
    if (!sieve.mayHold(bytes, starts[i], ends[i])) continue;
    const text = table.text(i);
    if (sieve.wanted.has(text)) found(text);
  }
}
