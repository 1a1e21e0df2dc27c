/** Growable little-endian byte buffer shared by the fixture writers (DEX, Mach-O), with the few big-endian and string helpers they need. */
export class ByteOut {
  buf = new Uint8Array(256);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
  }
  u16(v: number): void {
    this.u8(v);
    this.u8(v >>> 8);
  }
  u32(v: number): void {
    this.u16(v & 0xffff);
    this.u16(v >>> 16);
  }
  u64(v: number | bigint): void {
    const b = BigInt(v);
    this.u32(Number(b & 0xffffffffn));
    this.u32(Number(b >> 32n));
  }
  be32(v: number): void {
    this.u8(v >>> 24);
    this.u8(v >>> 16);
    this.u8(v >>> 8);
    this.u8(v);
  }
  be64(v: number): void {
    this.be32(Math.floor(v / 0x1_0000_0000));
    this.be32(v >>> 0);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  fixed(s: string, n: number): void {
    const b = new TextEncoder().encode(s);
    for (let i = 0; i < n; i++) this.u8(i < b.length ? b[i] : 0);
  }
  cstr(s: string): void {
    this.bytes(new TextEncoder().encode(s));
    this.u8(0);
  }
  align(n: number): void {
    while (this.len % n !== 0) this.u8(0);
  }
  padTo(n: number): void {
    while (this.len < n) this.u8(0);
  }
  uleb(v: number): void {
    let x = v >>> 0;
    do {
      let b = x & 0x7f;
      x >>>= 7;
      if (x !== 0) b |= 0x80;
      this.u8(b);
    } while (x !== 0);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
