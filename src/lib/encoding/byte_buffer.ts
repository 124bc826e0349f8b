// ByteBuffer is what encoders append to; Reader is what decoders read from.
// Both work on plain bytes and never allocate per value.

const TWO32 = 2 ** 32;

/**
 * ByteBuffer is a growable byte buffer. Encoders append to it; buf[0:length]
 * holds the bytes written so far and buf[length:] is spare capacity.
 * reset() keeps the capacity, so one ByteBuffer can be reused for many blocks.
 */
export class ByteBuffer {
  /** buf is the backing storage; only buf[0:length] is meaningful. */
  buf: Buffer<ArrayBuffer>;
  /** length is the number of bytes written. */
  length: number;

  /** The constructor allocates capacity bytes up front (default 0: grow on first append). */
  constructor(capacity = 0) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.length = 0;
  }

  /** reset empties the buffer and keeps its capacity. */
  reset(): void {
    this.length = 0;
  }

  /** ensure makes room for at least extra more bytes after length, growing buf when needed. */
  ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    if (cap < need) cap = need;
    if (cap < 64) cap = 64;
    const nb = Buffer.allocUnsafe(cap);
    this.buf.copy(nb, 0, 0, this.length);
    this.buf = nb;
  }

  /** appendByte appends the low 8 bits of b. */
  appendByte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  /** appendBytes appends a copy of src. */
  appendBytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
  }

  /** appendUint32BE appends v (0 <= v < 2^32) as 4 bytes big-endian. */
  appendUint32BE(v: number): void {
    this.ensure(4);
    const b = this.buf;
    let p = this.length;
    b[p++] = v >>> 24;
    b[p++] = v >>> 16;
    b[p++] = v >>> 8;
    b[p++] = v;
    this.length = p;
  }

  /** appendUint64BE appends v, a safe non-negative integer, as 8 bytes big-endian. */
  appendUint64BE(v: number): void {
    if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER && Number.isInteger(v))) {
      throw new Error(`BUG: appendUint64BE: got ${v}; want a safe non-negative integer`);
    }
    this.appendUint32BE(Math.floor(v / TWO32));
    this.appendUint32BE(v >>> 0);
  }

  /** appendFloat64BE appends the IEEE 754 bits of v big-endian (NaN payloads are kept as V8 hands them over). */
  appendFloat64BE(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.length);
    this.length += 8;
  }

  /** bytes returns buf[0:length] without copying; it is invalidated by the next append or reset. */
  bytes(): Buffer<ArrayBuffer> {
    return this.buf.subarray(0, this.length);
  }

  /**
   * toBuffer returns a copy of buf[0:length] in its own memory (not from
   * Node's Buffer pool, where a small long-lived copy would pin a 64 KiB slab).
   */
  toBuffer(): Buffer<ArrayBuffer> {
    const out = Buffer.allocUnsafeSlow(this.length);
    this.buf.copy(out, 0, 0, this.length);
    return out;
  }
}

/**
 * Reader reads big-endian numbers and byte ranges from src starting at off,
 * advancing off. Every read past the end of src throws a RangeError and
 * leaves off unchanged.
 */
export class Reader {
  /** src is the bytes being read. */
  src: Uint8Array;
  /** off is the offset of the next byte to read. */
  off: number;

  constructor(src: Uint8Array, off = 0) {
    this.src = src;
    this.off = off;
  }

  /** remaining returns the number of unread bytes. */
  remaining(): number {
    return this.src.length - this.off;
  }

  /** need throws a RangeError unless n more bytes can be read. */
  private need(n: number, what: string): void {
    if (this.src.length - this.off < n) {
      throw new RangeError(`cannot read ${what} at offset ${this.off}: got ${this.src.length - this.off} bytes left; want ${n}`);
    }
  }

  /** readByte reads one byte. */
  readByte(): number {
    this.need(1, "byte");
    return this.src[this.off++]!;
  }

  /** readUint32BE reads 4 bytes as a big-endian unsigned integer. */
  readUint32BE(): number {
    this.need(4, "uint32");
    const s = this.src;
    const p = this.off;
    this.off = p + 4;
    return (s[p]! * 0x1000000) + ((s[p + 1]! << 16) | (s[p + 2]! << 8) | s[p + 3]!);
  }

  /** readUint64BE reads 8 bytes as a big-endian unsigned integer; throws a RangeError when it is above 2^53-1. */
  readUint64BE(): number {
    this.need(8, "uint64");
    const s = this.src;
    const p = this.off;
    const hi = (s[p]! * 0x1000000) + ((s[p + 1]! << 16) | (s[p + 2]! << 8) | s[p + 3]!);
    if (hi >= 0x200000) {
      throw new RangeError(`cannot read uint64 at offset ${p}: got a value >= 2^53; want a safe integer`);
    }
    const lo = (s[p + 4]! * 0x1000000) + ((s[p + 5]! << 16) | (s[p + 6]! << 8) | s[p + 7]!);
    this.off = p + 8;
    return hi * TWO32 + lo;
  }

  /** readFloat64BE reads 8 bytes as a big-endian IEEE 754 double. */
  readFloat64BE(): number {
    this.need(8, "float64");
    const s = this.src;
    const p = this.off;
    for (let i = 0; i < 8; i++) scratchBytes[i] = s[p + i]!;
    this.off = p + 8;
    return scratchView.getFloat64(0);
  }

  /** readBytes returns the next n bytes as a subarray of src (no copy). */
  readBytes(n: number): Uint8Array {
    if (!(n >= 0 && Number.isInteger(n))) throw new RangeError(`cannot read bytes: got length ${n}; want a non-negative integer`);
    this.need(n, `${n} bytes`);
    const p = this.off;
    this.off = p + n;
    return this.src.subarray(p, p + n);
  }
}

const scratchBytes = new Uint8Array(8);
const scratchView = new DataView(scratchBytes.buffer);
