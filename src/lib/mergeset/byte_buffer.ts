// A growable byte buffer: encoders append to it, and its contents are
// buf[0:len]. reset() keeps the allocation for reuse.

/** ByteBuffer is an append-only byte array with amortized growth; bytes() views buf[0:len]. */
export class ByteBuffer {
  buf: Buffer;
  len = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  /** reset empties the buffer, keeping its memory. */
  reset(): void {
    this.len = 0;
  }

  /** ensure makes room for n more bytes. */
  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    if (cap < need) cap = need;
    const nb = Buffer.allocUnsafe(cap);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }

  /** appendByte appends one byte. */
  appendByte(b: number): void {
    if (this.len === this.buf.length) this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** append appends src[start:end]. */
  append(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    if (n > 32) {
      this.buf.set(src.subarray(start, end), this.len);
    } else {
      const b = this.buf;
      const o = this.len;
      for (let i = 0; i < n; i++) b[o + i] = src[start + i]!;
    }
    this.len += n;
  }

  /** bytes returns a view of the contents; it is invalidated by the next append. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /**
   * copyBytes returns a right-sized copy of the contents in its own memory:
   * a pooled Buffer would pin a whole 64 KiB pool slab for as long as the
   * copy lives.
   */
  copyBytes(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.len);
    this.buf.copy(out, 0, 0, this.len);
    return out;
  }
}
