/**
 * The first few bytes of a raw deflate stream (RFC 1951), without zlib: enough to tell what an
 * entry is (a DEX file, a zip) from its first compressed bytes. Node's inflateRawSync builds a
 * whole zlib stream object per call, which on an APK of thousands of entries cost ~100 ms of a
 * cold process; this reads the block header and the literals that start the data.
 *
 * It decodes stored, fixed-Huffman and dynamic-Huffman blocks (RFC 1951 §3.2.4-3.2.7) but only
 * their literal bytes: when a length/distance pair comes before `want` bytes are out (rare at
 * the start of a file), or the input ends or is malformed, it returns undefined and the caller
 * asks zlib. It never throws and reads nothing past `src`.
 */

/** A canonical Huffman code (RFC 1951 §3.2.2) as counts per length and symbols in code order. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

const MAX_BITS = 15;
/** order in which the code-length code lengths are stored (§3.2.7) */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Builds a code from code lengths; undefined when the lengths over-subscribe the code space. */
function huffman(lengths: ArrayLike<number>, n: number): Huffman | undefined {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (let s = 0; s < n; s++) counts[lengths[s]]++;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - counts[len];
    if (left < 0) return undefined;
  }
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len] + counts[len];
  const symbols = new Uint16Array(n);
  for (let s = 0; s < n; s++) if (lengths[s] !== 0) symbols[offsets[lengths[s]]++] = s;
  counts[0] = 0;
  return { counts, symbols };
}

let fixed: Huffman | undefined;
/** the fixed literal/length code of §3.2.6 */
function fixedCode(): Huffman {
  if (!fixed) {
    const lengths = new Uint8Array(288);
    lengths.fill(8, 0, 144);
    lengths.fill(9, 144, 256);
    lengths.fill(7, 256, 280);
    lengths.fill(8, 280, 288);
    fixed = huffman(lengths, 288)!;
  }
  return fixed;
}

class OutOfInput extends Error {}
const OUT_OF_INPUT = new OutOfInput();

class BitReader {
  pos = 0;
  private buf = 0;
  private count = 0;
  constructor(private readonly src: Uint8Array) {}

  bits(n: number): number {
    while (this.count < n) {
      if (this.pos >= this.src.length) throw OUT_OF_INPUT;
      this.buf |= this.src[this.pos++] << this.count;
      this.count += 8;
    }
    const v = this.buf & ((1 << n) - 1);
    this.buf >>>= n;
    this.count -= n;
    return v;
  }

  /** drops the bits left in the current byte (a stored block starts on a byte boundary) */
  align(): void {
    this.buf = 0;
    this.count = 0;
  }

  /** one symbol of `h`, read a bit at a time (codes are stored most significant bit first) */
  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.counts[len];
      if (code - first < count) return h.symbols[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    return -1; // no such code
  }
}

/**
 * The first `want` bytes that inflating `src` (a raw deflate stream, possibly cut short) gives,
 * or undefined when they cannot be had from literals alone (see the module comment); fewer than
 * `want` bytes when the stream ends before.
 */
export function inflatePrefix(src: Uint8Array, want: number): Uint8Array | undefined {
  const out = new Uint8Array(want);
  let n = 0;
  const r = new BitReader(src);
  try {
    for (;;) {
      const final = r.bits(1);
      const type = r.bits(2);
      if (type === 0) {
        r.align();
        if (r.pos + 4 > src.length) return undefined;
        const len = src[r.pos] | (src[r.pos + 1] << 8);
        const nlen = src[r.pos + 2] | (src[r.pos + 3] << 8);
        if ((len ^ 0xffff) !== nlen) return undefined;
        r.pos += 4;
        const take = Math.min(len, want - n);
        if (r.pos + take > src.length) return undefined;
        out.set(src.subarray(r.pos, r.pos + take), n);
        n += take;
        r.pos += len;
      } else if (type === 1 || type === 2) {
        const lit = type === 1 ? fixedCode() : dynamicCode(r);
        if (!lit) return undefined;
        for (;;) {
          const sym = r.decode(lit);
          if (sym < 0) return undefined;
          if (sym < 256) {
            out[n++] = sym;
            if (n >= want) return out;
          } else if (sym === 256) {
            break;
          } else {
            return undefined; // a match: zlib's job
          }
        }
      } else {
        return undefined;
      }
      if (n >= want) return out;
      if (final) return out.subarray(0, n);
    }
  } catch (e) {
    if (e === OUT_OF_INPUT) return undefined;
    throw e;
  }
}

/** Reads a dynamic block's code definitions (§3.2.7); its literal/length code. */
function dynamicCode(r: BitReader): Huffman | undefined {
  const nlen = r.bits(5) + 257;
  const ndist = r.bits(5) + 1;
  const ncode = r.bits(4) + 4;
  if (nlen > 286 || ndist > 30) return undefined;
  const clLengths = new Uint8Array(19);
  for (let i = 0; i < ncode; i++) clLengths[CL_ORDER[i]] = r.bits(3);
  const cl = huffman(clLengths, 19);
  if (!cl) return undefined;
  const lengths = new Uint8Array(nlen + ndist);
  for (let i = 0; i < nlen + ndist; ) {
    const sym = r.decode(cl);
    if (sym < 0) return undefined;
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) return undefined;
      value = lengths[i - 1];
      repeat = 3 + r.bits(2);
    } else if (sym === 17) {
      repeat = 3 + r.bits(3);
    } else {
      repeat = 11 + r.bits(7);
    }
    if (i + repeat > nlen + ndist) return undefined;
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) return undefined; // no end-of-block code
  return huffman(lengths, nlen);
}
