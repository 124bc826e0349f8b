// Timestamps of a block (ns, ascending): a scale byte k (deltas are stored
// divided by 10^k, the largest k in 9,6,3,0 that divides them all), the
// first timestamp as int64 LE, then the scaled deltas: when k has bit 7
// set (k | 0x80) as uint32 LE byte planes (all deltas < 2^32), else as
// varuints. Mode byte 0x40: n int64 LE timestamps as they are (a block
// spanning more than 2^53 ns).

import { ByteBuffer } from "../encoding/index.ts";

const scales = [9, 6, 3, 0];
const rawMode = 0x40;
const maxSpan = BigInt(Number.MAX_SAFE_INTEGER);

/** encodeTimestamps appends the encoding of ts[0:n] (ascending) to dst. */
export function encodeTimestamps(dst: ByteBuffer, ts: BigInt64Array, n: number): void {
  if (n > 1 && ts[n - 1]! - ts[0]! > maxSpan) {
    // A block spanning more than 2^53 ns (104 days; never within a daily
    // partition): the timestamps as they are, int64 LE.
    dst.ensure(1 + 8 * n);
    dst.buf[dst.length] = rawMode;
    for (let i = 0; i < n; i++) dst.buf.writeBigInt64LE(ts[i]!, dst.length + 1 + 8 * i);
    dst.length += 1 + 8 * n;
    return;
  }
  const deltas = new Float64Array(n > 0 ? n - 1 : 0);
  for (let i = 1; i < n; i++) {
    const d = Number(ts[i]! - ts[i - 1]!);
    if (!(d >= 0)) throw new Error("BUG: encodeTimestamps: timestamps are not ascending");
    deltas[i - 1] = d;
  }
  let k = 0;
  for (const s of scales) {
    const m = 10 ** s;
    let ok = true;
    for (let i = 0; i < deltas.length; i++) {
      if (deltas[i]! % m !== 0) {
        ok = false;
        break;
      }
    }
    if (ok) {
      k = s;
      break;
    }
  }
  const m = 10 ** k;
  let fits = true;
  for (let i = 0; i < deltas.length; i++) {
    if (deltas[i]! / m >= 4294967296) {
      fits = false;
      break;
    }
  }
  dst.ensure(9 + deltas.length * 8);
  dst.buf[dst.length] = fits ? k | 0x80 : k;
  dst.buf.writeBigInt64LE(n > 0 ? ts[0]! : 0n, dst.length + 1);
  if (fits) {
    const nd = deltas.length;
    const p0 = dst.length + 9;
    const buf = dst.buf;
    for (let i = 0; i < nd; i++) {
      const v = deltas[i]! / m;
      buf[p0 + i] = v & 0xff;
      buf[p0 + nd + i] = (v >>> 8) & 0xff;
      buf[p0 + 2 * nd + i] = (v >>> 16) & 0xff;
      buf[p0 + 3 * nd + i] = v >>> 24;
    }
    dst.length = p0 + 4 * nd;
    return;
  }
  dst.buf.writeBigInt64LE(n > 0 ? ts[0]! : 0n, dst.length + 1);
  let p = dst.length + 9;
  const buf = dst.buf;
  for (let i = 0; i < deltas.length; i++) {
    let v = deltas[i]! / m;
    while (v >= 0x80) {
      buf[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[p++] = v;
  }
  dst.length = p;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// AddWriter stores base + d (0 <= d < 2^53) into a BigInt64Array without making
// a bigint per value: it adds on the two 32-bit halves (on little-endian hosts).
class AddWriter {
  private readonly lo: Uint32Array;
  private readonly hi: Int32Array;
  private readonly baseLo: number;
  private readonly baseHi: number;
  private readonly out: BigInt64Array;
  private readonly base: bigint;

  constructor(out: BigInt64Array, base: bigint) {
    this.out = out;
    this.base = base;
    this.lo = new Uint32Array(out.buffer, out.byteOffset, out.length * 2);
    this.hi = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
    this.baseLo = Number(BigInt.asUintN(32, base));
    this.baseHi = Number(BigInt.asIntN(32, base >> 32n));
  }

  set(i: number, d: number): void {
    if (!littleEndian) {
      this.out[i] = this.base + BigInt(d);
      return;
    }
    const dHi = Math.floor(d / 4294967296);
    const lo = this.baseLo + (d - dHi * 4294967296);
    const carry = lo >= 4294967296 ? 1 : 0;
    this.lo[2 * i] = lo;
    this.hi[2 * i + 1] = this.baseHi + dHi + carry;
  }
}

/** decodeTimestamps is the inverse of encodeTimestamps for n timestamps. */
export function decodeTimestamps(src: Uint8Array, n: number): BigInt64Array {
  if (src.length < 9) throw new Error(`cannot decode timestamps: got ${src.length} bytes; want at least 9`);
  if (src[0] === rawMode) {
    if (src.length !== 1 + 8 * n) throw new Error(`cannot decode timestamps: got ${src.length} bytes; want ${1 + 8 * n}`);
    const out = new BigInt64Array(n);
    const b = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
    for (let i = 0; i < n; i++) out[i] = b.readBigInt64LE(1 + 8 * i);
    return out;
  }
  const k = src[0]! & 0x7f;
  const planes = src[0]! >= 0x80;
  if (k > 9) throw new Error(`cannot decode timestamps: got scale ${k}; want 0..9`);
  const m = 10 ** k;
  const b = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  const out = new BigInt64Array(n);
  if (n === 0) return out;
  let t = b.readBigInt64LE(1);
  out[0] = t;
  if (planes) {
    const nd = n - 1;
    if (src.length !== 9 + 4 * nd) throw new Error(`cannot decode timestamps: got ${src.length} bytes; want ${9 + 4 * nd}`);
    let acc = 0;
    const w = new AddWriter(out, t);
    for (let i = 0; i < nd; i++) {
      const v = (src[9 + i]! | (src[9 + nd + i]! << 8) | (src[9 + 2 * nd + i]! << 16)) + src[9 + 3 * nd + i]! * 16777216;
      acc += v * m;
      if (acc > Number.MAX_SAFE_INTEGER) throw new Error("cannot decode timestamps: got a block spanning more than 2^53 ns");
      w.set(i + 1, acc);
    }
    return out;
  }
  let p = 9;
  // Accumulate small deltas as numbers and convert to bigint once per row.
  const w = new AddWriter(out, t);
  let acc = 0;
  for (let i = 1; i < n; i++) {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (p >= src.length) throw new Error(`cannot decode timestamps: got ${i} of ${n}`);
      const c = src[p++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 128;
    }
    acc += v * m;
    if (acc > Number.MAX_SAFE_INTEGER) throw new Error("cannot decode timestamps: got a block spanning more than 2^53 ns");
    w.set(i, acc);
  }
  if (p !== src.length) throw new Error(`cannot decode timestamps: got ${src.length - p} trailing bytes`);
  t = 0n;
  return out;
}
