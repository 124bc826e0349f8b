// Variable-length integers: unsigned LEB128 (the same bytes as protobuf
// varints and Go's binary.PutUvarint) and zigzag for signed values.
// Values are JS numbers, so the domain is the safe-integer range: unsigned
// values are below 2^53 (at most 8 bytes) and signed ones satisfy
// |v| < 2^52 so that their zigzag form stays below 2^53. Values below 2^31
// take bit-operation fast paths; larger ones use exact float arithmetic
// (division by 128, which is exact for integers below 2^53).

import type { ByteBuffer, Reader } from "./byte_buffer.ts";

/** MAX_VARINT_LEN is the most bytes one varint of a value below 2^53 takes. */
export const MAX_VARINT_LEN = 8;

const TWO31 = 2 ** 31;
const TWO32 = 2 ** 32;
const TWO52 = 2 ** 52;
const TWO53 = 2 ** 53;

/** zigzagEncode maps a signed integer (|v| < 2^52) to an unsigned one: 0,-1,1,-2,... -> 0,1,2,3,... */
export function zigzagEncode(v: number): number {
  if (v < 0x40000000 && v >= -0x40000000) return ((v << 1) ^ (v >> 31)) >>> 0;
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

/** zigzagDecode is the inverse of zigzagEncode for 0 <= u < 2^53. */
export function zigzagDecode(u: number): number {
  if (u < TWO32) return (u >>> 1) ^ -(u & 1);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

/**
 * putVarUint writes v (an integer, 0 <= v < 2^53) as a varint into buf at pos
 * and returns the position after it. The caller must have made room for
 * MAX_VARINT_LEN bytes (bytes past the returned position may be
 * overwritten); v is not validated (this is the hot-path primitive).
 */
export function putVarUint(buf: Uint8Array, pos: number, v: number): number {
  if (v < 0x4000) {
    // One or two bytes, without a branch on which: c is 1 when v >= 128.
    // The second byte is written either way and overwritten by the next
    // varint when unused.
    const c = (v + 0x3f80) >>> 14;
    buf[pos] = (v & 0x7f) | (c << 7);
    buf[pos + 1] = v >>> 7;
    return pos + 1 + c;
  }
  return putVarUintLong(buf, pos, v);
}

function putVarUintLong(buf: Uint8Array, pos: number, v: number): number {
  while (v >= TWO31) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

function checkUint(v: number): void {
  if (!(v >= 0 && v < TWO53 && Math.floor(v) === v)) {
    throw new Error(`BUG: cannot marshal varint: got ${v}; want an integer in [0, 2^53)`);
  }
}

function checkInt(v: number): void {
  if (!(v > -TWO52 && v < TWO52 && Math.floor(v) === v)) {
    throw new Error(`BUG: cannot marshal zigzag varint: got ${v}; want an integer in (-2^52, 2^52)`);
  }
}

/** appendVarUint appends v (an integer, 0 <= v < 2^53) as a varint; other values throw "BUG: ...". */
export function appendVarUint(dst: ByteBuffer, v: number): void {
  checkUint(v);
  dst.ensure(MAX_VARINT_LEN);
  dst.length = putVarUint(dst.buf, dst.length, v);
}

/** appendVarInt appends v (an integer, |v| < 2^52) as a zigzag varint; other values throw "BUG: ...". */
export function appendVarInt(dst: ByteBuffer, v: number): void {
  checkInt(v);
  dst.ensure(MAX_VARINT_LEN);
  dst.length = putVarUint(dst.buf, dst.length, zigzagEncode(v));
}

/** appendVarUints appends src[start:end] as varints (each an integer in [0, 2^53)). */
export function appendVarUints(dst: ByteBuffer, src: Float64Array, start: number, end: number): void {
  dst.ensure((end - start) * MAX_VARINT_LEN);
  const buf = dst.buf;
  let pos = dst.length;
  for (let i = start; i < end; i++) {
    const v = src[i]!;
    checkUint(v);
    pos = putVarUint(buf, pos, v);
  }
  dst.length = pos;
}

/** appendVarInts appends src[start:end] as zigzag varints (each an integer with |v| < 2^52). */
export function appendVarInts(dst: ByteBuffer, src: Float64Array, start: number, end: number): void {
  dst.ensure((end - start) * MAX_VARINT_LEN);
  const buf = dst.buf;
  let pos = dst.length;
  for (let i = start; i < end; i++) {
    const v = src[i]!;
    checkInt(v);
    pos = putVarUint(buf, pos, zigzagEncode(v));
  }
  dst.length = pos;
}

// longPos is the position after the varint that getVarUintLong decoded.
// A module variable instead of a returned pair keeps the hot loops free of
// allocations.
let longPos = 0;

// getVarUintLong decodes the varint starting at src[pos], whose first byte
// b0 >= 0x80 has already been read, and sets longPos.
function getVarUintLong(src: Uint8Array, pos: number, end: number, b0: number): number {
  let v = b0 & 0x7f;
  let p = pos + 1;
  // Bytes 2..4 carry bits 7..27: plain bit operations are exact.
  for (let shift = 7; shift < 28; shift += 7) {
    if (p >= end) throw truncated(pos, end);
    const b = src[p++]!;
    v |= (b & 0x7f) << shift;
    if (b < 0x80) {
      longPos = p;
      return v;
    }
  }
  // Bytes 5..8 carry bits 28..55: multiply, since they exceed 32 bits.
  let mul = 2 ** 28;
  for (let i = 4; i < MAX_VARINT_LEN; i++) {
    if (p >= end) throw truncated(pos, end);
    const b = src[p++]!;
    if (i === MAX_VARINT_LEN - 1 && b >= 0x10) {
      throw new RangeError(`cannot unmarshal varint at offset ${pos}: got a value >= 2^53; want a safe integer`);
    }
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      longPos = p;
      return v;
    }
    mul *= 128;
  }
  throw new Error("BUG: unreachable in getVarUintLong");
}

function truncated(pos: number, end: number): RangeError {
  return new RangeError(`cannot unmarshal varint at offset ${pos}: got ${end - pos} bytes; want a complete varint`);
}

/** readVarUint reads one varint; throws a RangeError on truncated input or a value >= 2^53. */
export function readVarUint(r: Reader): number {
  const src = r.src;
  const pos = r.off;
  if (pos >= src.length) throw truncated(pos, src.length);
  const b = src[pos]!;
  if (b < 0x80) {
    r.off = pos + 1;
    return b;
  }
  const v = getVarUintLong(src, pos, src.length, b);
  r.off = longPos;
  return v;
}

/** readVarInt reads one zigzag varint; throws a RangeError on truncated input or a value >= 2^53. */
export function readVarInt(r: Reader): number {
  return zigzagDecode(readVarUint(r));
}

/** readVarUints reads end-start varints into dst[start:end]. */
export function readVarUints(r: Reader, dst: Float64Array, start: number, end: number): void {
  r.off = getVarUints(dst, start, end, r.src, r.off, r.src.length);
}

/** readVarInts reads end-start zigzag varints into dst[start:end]. */
export function readVarInts(r: Reader, dst: Float64Array, start: number, end: number): void {
  r.off = getVarInts(dst, start, end, r.src, r.off, r.src.length);
}

/**
 * getVarIntPrefixSums decodes end-start zigzag varints from src[pos:srcEnd]
 * and writes running sums into dst[start:end], in one pass: with order 1,
 * dst[i] = v0 + the sum of the varints up to i (nearest delta decoding);
 * with order 2 the varints are deltas of deltas (nearest delta2). Each sum
 * must stay within (-limit, limit), else a RangeError
 * "cannot unmarshal <what>: got item i = v; ..." is thrown (i counted from
 * start - 1, as the array's first item is v0). Returns the position after the
 * last varint.
 */
export function getVarIntPrefixSums(dst: Float64Array, start: number, end: number, src: Uint8Array, pos: number, srcEnd: number, v0: number, order: 1 | 2, limit: number, what: string): number {
  const fastEnd = srcEnd - 1;
  let v = v0;
  let d = 0;
  let i = start;
  // The largest |sum| seen, checked once at the end: a branch per item
  // would cost more than the decoding.
  let maxAbs = 0;
  while (i < end) {
    // As in getVarInts: one- and two-byte varints without a call or a branch on which.
    if (order === 2) {
      for (; i < end && pos < fastEnd; i++) {
        const b0 = src[pos]!;
        const b1 = src[pos + 1]!;
        const c = b0 >>> 7;
        if ((c & (b1 >>> 7)) !== 0) break;
        const u = (b0 & 0x7f) | ((b1 << 7) & -c);
        d += (u >>> 1) ^ -(u & 1);
        v += d;
        maxAbs = Math.max(maxAbs, Math.abs(v));
        dst[i] = v;
        pos += 1 + c;
      }
    } else {
      for (; i < end && pos < fastEnd; i++) {
        const b0 = src[pos]!;
        const b1 = src[pos + 1]!;
        const c = b0 >>> 7;
        if ((c & (b1 >>> 7)) !== 0) break;
        const u = (b0 & 0x7f) | ((b1 << 7) & -c);
        v += (u >>> 1) ^ -(u & 1);
        maxAbs = Math.max(maxAbs, Math.abs(v));
        dst[i] = v;
        pos += 1 + c;
      }
    }
    if (i >= end) break;
    // A longer varint, or the last byte of src.
    if (pos >= srcEnd) throw truncated(pos, srcEnd);
    const b = src[pos]!;
    let x: number;
    if (b < 0x80) {
      x = (b >>> 1) ^ -(b & 1);
      pos++;
    } else {
      x = zigzagDecode(getVarUintLong(src, pos, srcEnd, b));
      pos = longPos;
    }
    if (order === 2) {
      d += x;
      v += d;
    } else {
      v += x;
    }
    maxAbs = Math.max(maxAbs, Math.abs(v));
    dst[i] = v;
    i++;
  }
  if (!(maxAbs < limit)) {
    // Find the first item out of range for the error.
    for (let k = start; k < end; k++) if (!(Math.abs(dst[k]!) < limit)) throw sumOutOfRange(what, k - start + 1, dst[k]!, limit);
  }
  return pos;
}

function sumOutOfRange(what: string, i: number, v: number, limit: number): RangeError {
  return new RangeError(`cannot unmarshal ${what}: got item ${i} = ${v}; want an integer with |v| < 2^${Math.log2(limit)}`);
}

/**
 * getVarUints decodes end-start varints from src[pos:srcEnd] into
 * dst[start:end] and returns the position after the last one. Throws a
 * RangeError when src ends early or holds a value >= 2^53.
 */
export function getVarUints(dst: Float64Array, start: number, end: number, src: Uint8Array, pos: number, srcEnd: number): number {
  for (let i = start; i < end; i++) {
    if (pos >= srcEnd) throw truncated(pos, srcEnd);
    const b = src[pos]!;
    if (b < 0x80) {
      dst[i] = b;
      pos++;
    } else {
      dst[i] = getVarUintLong(src, pos, srcEnd, b);
      pos = longPos;
    }
  }
  return pos;
}

/** getVarInts is getVarUints followed by zigzag decoding. */
export function getVarInts(dst: Float64Array, start: number, end: number, src: Uint8Array, pos: number, srcEnd: number): number {
  const fastEnd = srcEnd - 1;
  let i = start;
  while (i < end) {
    // While two bytes are readable, decode one- and two-byte varints without
    // a branch on which (c is 1 when the first byte has a continuation bit).
    // The loop holds no calls: V8 compiles it much tighter that way.
    for (; i < end && pos < fastEnd; i++) {
      const b0 = src[pos]!;
      const b1 = src[pos + 1]!;
      const c = b0 >>> 7;
      if ((c & (b1 >>> 7)) !== 0) break;
      const u = (b0 & 0x7f) | ((b1 << 7) & -c);
      dst[i] = (u >>> 1) ^ -(u & 1);
      pos += 1 + c;
    }
    if (i >= end) break;
    // A longer varint, or the last byte of src.
    if (pos >= srcEnd) throw truncated(pos, srcEnd);
    const b = src[pos]!;
    if (b < 0x80) {
      dst[i] = (b >>> 1) ^ -(b & 1);
      pos++;
    } else {
      dst[i] = zigzagDecode(getVarUintLong(src, pos, srcEnd, b));
      pos = longPos;
    }
    i++;
  }
  return pos;
}
