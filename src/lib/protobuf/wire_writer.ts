// Writing the protobuf wire format without generated code: a growable buffer with one
// method per field kind. Nested messages are written in place between beginMessage()
// and endMessage(), which then inserts the length prefix.
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from "./wire_reader.ts";

const TWO_32 = 4294967296;

const scratchF64 = new Float64Array(1);
const scratchF32 = new Float32Array(scratchF64.buffer, 0, 1);
const scratchU8 = new Uint8Array(scratchF64.buffer);

/**
 * ProtoWriter appends protobuf fields to a growable buffer. Numbers given to the 64-bit
 * methods must be integers; they are exact up to 2^53 in magnitude (larger ones are
 * written as the nearest double's integer value). Fields are written in call order.
 * finish() returns the bytes written so far as a view of the internal buffer, valid
 * until the writer is written to or reset.
 */
export class ProtoWriter {
  private buf: Uint8Array;
  private len = 0;
  private stack: number[] = [];

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(Math.max(16, initialSize));
  }

  /** length is the number of bytes written. */
  get length(): number {
    return this.len;
  }

  /** reset empties the writer, keeping its buffer. */
  reset(): void {
    this.len = 0;
    this.stack.length = 0;
  }

  /** finish returns the written bytes (a view; see the class comment). Open messages are a bug. */
  finish(): Uint8Array {
    if (this.stack.length > 0) throw new Error("BUG: ProtoWriter.finish with an unclosed message");
    return this.buf.subarray(0, this.len);
  }

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const nb = new Uint8Array(Math.max(this.len + n, 2 * this.buf.length));
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  // rawVarint32 writes an unsigned 32-bit varint.
  private rawVarint32(v: number): void {
    this.grow(5);
    const b = this.buf;
    let p = this.len;
    v >>>= 0;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.len = p;
  }

  // rawVarint64 writes a 64-bit varint from unsigned lo/hi halves.
  private rawVarint64(lo: number, hi: number): void {
    if (hi === 0) {
      this.rawVarint32(lo);
      return;
    }
    this.grow(10);
    const b = this.buf;
    let p = this.len;
    for (let i = 0; i < 4; i++) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    // The fifth byte: 4 bits of lo and 3 of hi.
    let v = (lo & 0x0f) | ((hi & 0x07) << 4);
    hi >>>= 3;
    while (hi !== 0) {
      b[p++] = v | 0x80;
      v = hi & 0x7f;
      hi >>>= 7;
    }
    b[p++] = v;
    this.len = p;
  }

  private tag(num: number, wt: number): void {
    if (!(num >= 1 && num <= 536870911 && Number.isInteger(num))) throw new Error(`BUG: bad protobuf field number ${num}`);
    this.rawVarint32(num * 8 + wt);
  }

  private int64Parts(v: number): [number, number] {
    if (!Number.isInteger(v)) throw new Error(`BUG: protobuf 64-bit integer field got ${v}`);
    if (v >= 0) {
      return [v % TWO_32 >>> 0, Math.floor(v / TWO_32) >>> 0];
    }
    // Two's complement of |v| over 64 bits.
    const a = -v;
    let lo = (~(a % TWO_32 >>> 0) + 1) >>> 0;
    let hi = ~(Math.floor(a / TWO_32) >>> 0) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
    return [lo, hi];
  }

  /** uint64 writes a varint field from a non-negative integer. */
  uint64(num: number, v: number): void {
    if (v < 0) throw new Error(`BUG: protobuf uint64 field got ${v}`);
    this.int64(num, v);
  }

  /** int64 writes a varint field (negative values take 10 bytes, as in protobuf). */
  int64(num: number, v: number): void {
    this.tag(num, WIRE_VARINT);
    const [lo, hi] = this.int64Parts(v);
    this.rawVarint64(lo, hi);
  }

  /** int32 writes a varint field from a signed 32-bit integer. */
  int32(num: number, v: number): void {
    this.int64(num, v | 0);
  }

  /** uint32 writes a varint field from an unsigned 32-bit integer. */
  uint32(num: number, v: number): void {
    this.tag(num, WIRE_VARINT);
    this.rawVarint32(v >>> 0);
  }

  /** sint64 writes a zigzag-encoded varint field. */
  sint64(num: number, v: number): void {
    this.tag(num, WIRE_VARINT);
    this.rawSint64(v);
  }

  private rawSint64(v: number): void {
    if (!Number.isInteger(v)) throw new Error(`BUG: protobuf sint64 field got ${v}`);
    // zigzag: 2v for v >= 0, -2v-1 for v < 0, computed on halves to stay exact.
    const a = v >= 0 ? v : -v - 1;
    const lo = a % TWO_32 >>> 0;
    const hi = Math.floor(a / TWO_32) >>> 0;
    const zlo = ((lo << 1) | (v >= 0 ? 0 : 1)) >>> 0;
    const zhi = ((hi << 1) | (lo >>> 31)) >>> 0;
    this.rawVarint64(zlo, zhi);
  }

  /** sint32 writes a zigzag-encoded 32-bit varint field. */
  sint32(num: number, v: number): void {
    this.tag(num, WIRE_VARINT);
    this.rawVarint32(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** bool writes a varint field of 0 or 1. */
  bool(num: number, v: boolean): void {
    this.tag(num, WIRE_VARINT);
    this.rawVarint32(v ? 1 : 0);
  }

  /** double writes an i64 field; the number's bits are written as they are (NaN payloads kept). */
  double(num: number, v: number): void {
    this.tag(num, WIRE_I64);
    scratchF64[0] = v;
    this.grow(8);
    this.buf.set(scratchU8, this.len);
    this.len += 8;
  }

  /** doubleBits writes an i64 field from 8 little-endian bytes at src[off]. */
  doubleBits(num: number, src: Uint8Array, off: number): void {
    this.tag(num, WIRE_I64);
    this.grow(8);
    for (let i = 0; i < 8; i++) this.buf[this.len + i] = src[off + i]!;
    this.len += 8;
  }

  /** fixed64 writes an i64 field from a non-negative integer. */
  fixed64(num: number, v: number): void {
    this.tag(num, WIRE_I64);
    const [lo, hi] = this.int64Parts(v);
    this.grow(8);
    const b = this.buf;
    const p = this.len;
    for (let i = 0; i < 4; i++) b[p + i] = (lo >>> (8 * i)) & 0xff;
    for (let i = 0; i < 4; i++) b[p + 4 + i] = (hi >>> (8 * i)) & 0xff;
    this.len += 8;
  }

  /** float writes an i32 field holding a float32. */
  float(num: number, v: number): void {
    this.tag(num, WIRE_I32);
    scratchF32[0] = v;
    this.grow(4);
    for (let i = 0; i < 4; i++) this.buf[this.len + i] = scratchU8[i]!;
    this.len += 4;
  }

  /** fixed32 writes an i32 field from an unsigned 32-bit integer. */
  fixed32(num: number, v: number): void {
    this.tag(num, WIRE_I32);
    this.grow(4);
    for (let i = 0; i < 4; i++) this.buf[this.len + i] = (v >>> (8 * i)) & 0xff;
    this.len += 4;
  }

  /** bytes writes a len field with the given payload. */
  bytes(num: number, v: Uint8Array): void {
    this.tag(num, WIRE_LEN);
    this.rawVarint32(v.length);
    this.grow(v.length);
    this.buf.set(v, this.len);
    this.len += v.length;
  }

  /** string writes a len field with s encoded as UTF-8. */
  string(num: number, s: string): void {
    this.tag(num, WIRE_LEN);
    // At most 3 bytes per UTF-16 unit; write first, then fix the length prefix.
    const max = s.length * 3;
    const lenBytes = max < 128 ? 1 : max < 16384 ? 2 : 5;
    this.grow(lenBytes + max);
    const start = this.len + lenBytes;
    const { written } = encoder.encodeInto(s, this.buf.subarray(start));
    this.len = start + written;
    this.placeLength(start - lenBytes, lenBytes, written);
  }

  // placeLength writes the varint n at p, where `reserved` bytes were left for it before
  // the n bytes of payload that end the buffer, moving the payload when the varint
  // needs another number of bytes.
  private placeLength(p: number, reserved: number, n: number): void {
    let need = 1;
    for (let v = n; v >= 0x80; v >>>= 7) need++;
    const payload = p + reserved;
    if (need > reserved) this.grow(need - reserved);
    if (need !== reserved) this.buf.copyWithin(p + need, payload, payload + n);
    const b = this.buf;
    let v = n;
    let q = p;
    while (v >= 0x80) {
      b[q++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[q] = v;
    this.len = p + need + n;
  }

  /** beginMessage starts a nested message field; close it with endMessage(). */
  beginMessage(num: number): void {
    this.tag(num, WIRE_LEN);
    this.grow(1);
    // Reserve one byte for the length; endMessage moves the payload if it needs more.
    this.stack.push(this.len);
    this.len += 1;
  }

  /** endMessage closes the innermost message opened by beginMessage. */
  endMessage(): void {
    const p = this.stack.pop();
    if (p === undefined) throw new Error("BUG: ProtoWriter.endMessage without beginMessage");
    this.placeLength(p, 1, this.len - p - 1);
  }

  /** packedVarints writes a packed repeated uint64/int64 field (an empty list writes nothing). */
  packedVarints(num: number, vs: ArrayLike<number>): void {
    if (vs.length === 0) return;
    this.beginMessage(num);
    for (let i = 0; i < vs.length; i++) {
      const [lo, hi] = this.int64Parts(vs[i]!);
      this.rawVarint64(lo, hi);
    }
    this.endMessage();
  }

  /** packedSint64s writes a packed repeated sint64 field (an empty list writes nothing). */
  packedSint64s(num: number, vs: ArrayLike<number>): void {
    if (vs.length === 0) return;
    this.beginMessage(num);
    for (let i = 0; i < vs.length; i++) this.rawSint64(vs[i]!);
    this.endMessage();
  }

  /** packedDoubles writes a packed repeated double field (an empty list writes nothing). */
  packedDoubles(num: number, vs: ArrayLike<number>): void {
    if (vs.length === 0) return;
    this.tag(num, WIRE_LEN);
    this.rawVarint32(vs.length * 8);
    this.grow(vs.length * 8);
    for (let i = 0; i < vs.length; i++) {
      scratchF64[0] = vs[i]!;
      this.buf.set(scratchU8, this.len);
      this.len += 8;
    }
  }
}

const encoder = new TextEncoder();
