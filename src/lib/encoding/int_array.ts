// The per-block integer-array codec, used for timestamps and for decimal value
// mantissas. It picks the encoding the way VictoriaMetrics' lib/encoding
// does (lossless only, i.e. precisionBits = 64): Const, DeltaConst,
// nearest delta for gauges, nearest delta2 for counters, each optionally
// zstd-compressed. FORMAT.md shows the byte layouts.
//
// Values are JS numbers holding integers with |v| < 2^50 (MAX_INT_ARRAY_ABS):
// then first deltas stay below 2^51, second deltas below 2^52, and their
// zigzag form below 2^53, so every step is exact float arithmetic.
// Timestamps in milliseconds (< 2^50 until the year 37648) and mantissas
// (|m| <= 2^49 + 3) fit.

import type { ByteBuffer } from "./byte_buffer.ts";
import { compressZstd, decompressZstd } from "./compress.ts";
import { MarshalType, MIN_COMPRESSIBLE_SIZE, BLOCK_COMPRESS_LEVEL, worthCompressing } from "./marshal_type.ts";
import { MAX_VARINT_LEN, getVarIntPrefixSums, putVarUint, zigzagDecode } from "./varint.ts";

export { MarshalType } from "./marshal_type.ts";

/** MAX_INT_ARRAY_ABS bounds the integer-array domain: every value v must satisfy |v| < MAX_INT_ARRAY_ABS = 2^50. */
export const MAX_INT_ARRAY_ABS = 2 ** 50;

const LIMIT = MAX_INT_ARRAY_ABS;

/**
 * marshalInt64Array appends the encoding of a[0:n] to dst and returns the
 * marshal type and the first value, which the caller stores in its block
 * header (the payload does not contain them). Every a[i] must be an integer
 * with |a[i]| < 2^50; anything else throws "BUG: ...". n = 0 gives Const with
 * firstValue 0. The output depends only on a[0:n] (deterministic).
 */
export function marshalInt64Array(dst: ByteBuffer, a: Float64Array, n: number): { marshalType: MarshalType; firstValue: number } {
  if (!(n >= 0 && n <= a.length && Number.isInteger(n))) {
    throw new Error(`BUG: marshalInt64Array: got n=${n} for an array of ${a.length} items; want 0 <= n <= length`);
  }
  if (n === 0) return { marshalType: MarshalType.Const, firstValue: 0 };
  // Separate early-exit passes, each a tight loop without calls, are
  // faster in V8 than one loop doing all the checks.
  let i = 0;
  for (; i < n; i++) {
    const v = a[i]!;
    if (!(v > -LIMIT && v < LIMIT) || Math.floor(v) !== v) break;
  }
  if (i < n) throw new Error(`BUG: marshalInt64Array: got a[${i}]=${a[i]}; want an integer with |v| < 2^50`);
  const first = a[0]!;
  if (n === 1) return { marshalType: MarshalType.Const, firstValue: first };

  const d0 = a[1]! - first;
  for (i = 2; i < n; i++) {
    if (a[i]! - a[i - 1]! !== d0) break;
  }
  if (i === n) {
    if (d0 === 0) return { marshalType: MarshalType.Const, firstValue: first };
    dst.ensure(MAX_VARINT_LEN);
    dst.length = putVarUint(dst.buf, dst.length, zigzag(d0));
    return { marshalType: MarshalType.DeltaConst, firstValue: first };
  }

  const gauge = isGauge(a, n);
  dst.ensure((n - 1) * MAX_VARINT_LEN);
  const buf = dst.buf;
  const start = dst.length;
  let pos: number;
  let mt: MarshalType;
  if (gauge) {
    mt = MarshalType.ZstdNearestDelta;
    pos = putDeltas(buf, start, a, n);
  } else {
    mt = MarshalType.ZstdNearestDelta2;
    pos = putDeltas2(buf, start, a, n);
  }
  const rawLen = pos - start;
  if (rawLen >= MIN_COMPRESSIBLE_SIZE) {
    const c = compressZstd(buf.subarray(start, pos), BLOCK_COMPRESS_LEVEL);
    if (worthCompressing(rawLen, c.length)) {
      buf.set(c, start);
      dst.length = start + c.length;
      return { marshalType: mt, firstValue: first };
    }
  }
  dst.length = pos;
  return { marshalType: mt === MarshalType.ZstdNearestDelta ? MarshalType.NearestDelta : MarshalType.NearestDelta2, firstValue: first };
}

// putDeltas writes the first-order deltas of a[0:n] as zigzag varints at
// buf[pos:] and returns the end position. The inner loops write one- and
// two-byte varints branch-free and hold no calls; V8 compiles such loops
// about twice as fast as a loop calling putVarUint.
function putDeltas(buf: Uint8Array, pos: number, a: Float64Array, n: number): number {
  let p = a[0]!;
  let i = 1;
  while (i < n) {
    for (; i < n; i++) {
      const v = a[i]!;
      const d = v - p;
      if (!(d < 0x2000 && d >= -0x2000)) break;
      const u = (d << 1) ^ (d >> 31);
      const c = (u + 0x3f80) >>> 14;
      buf[pos] = (u & 0x7f) | (c << 7);
      buf[pos + 1] = u >>> 7;
      pos += 1 + c;
      p = v;
    }
    if (i >= n) break;
    const v = a[i]!;
    pos = putVarUint(buf, pos, zigzag(v - p));
    p = v;
    i++;
  }
  return pos;
}

// putDeltas2 writes a[1]-a[0] and then the second-order deltas of a[0:n] as
// zigzag varints at buf[pos:] and returns the end position (n >= 2).
function putDeltas2(buf: Uint8Array, pos: number, a: Float64Array, n: number): number {
  let p = a[1]!;
  let d1 = p - a[0]!;
  pos = putVarUint(buf, pos, zigzag(d1));
  let i = 2;
  while (i < n) {
    for (; i < n; i++) {
      const v = a[i]!;
      const d = v - p;
      const d2 = d - d1;
      if (!(d2 < 0x2000 && d2 >= -0x2000)) break;
      const u = (d2 << 1) ^ (d2 >> 31);
      const c = (u + 0x3f80) >>> 14;
      buf[pos] = (u & 0x7f) | (c << 7);
      buf[pos + 1] = u >>> 7;
      pos += 1 + c;
      d1 = d;
      p = v;
    }
    if (i >= n) break;
    const v = a[i]!;
    const d = v - p;
    pos = putVarUint(buf, pos, zigzag(d - d1));
    d1 = d;
    p = v;
    i++;
  }
  return pos;
}

// zigzag is zigzagEncode for |v| < 2^52.
function zigzag(v: number): number {
  if (v < 0x40000000 && v >= -0x40000000) return ((v << 1) ^ (v >> 31)) >>> 0;
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

// isGauge reports whether a[0:n] looks like a gauge rather than a counter,
// as VictoriaMetrics decides: a negative value, a drop that cannot be a
// counter reset (the value stays above 1/8 of the previous one), or more
// than 2 and more than n/8 resets.
function isGauge(a: Float64Array, n: number): boolean {
  let prev = a[0]!;
  if (prev < 0) return true;
  let resets = 0;
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    if (v < prev) {
      if (v < 0 || v > Math.floor(prev / 8)) return true;
      resets++;
    }
    prev = v;
  }
  return resets > 2 && resets > n >> 3;
}

/**
 * unmarshalInt64Array decodes n values, encoded by marshalInt64Array with the
 * given marshal type and first value, from src into dst[0:n]
 * (dst.length >= n). src must be exactly the block's payload. Corrupt input
 * (truncated or trailing bytes, a bad varint or zstd frame, values leaving
 * the |v| < 2^50 domain, an unknown marshal type) throws a RangeError or an
 * Error starting "cannot ..."; the work is bounded by n and src.length.
 */
export function unmarshalInt64Array(dst: Float64Array, src: Uint8Array, marshalType: number, firstValue: number, n: number): void {
  if (!(n >= 0 && n <= dst.length && Number.isInteger(n))) {
    throw new Error(`BUG: unmarshalInt64Array: got n=${n} for dst of ${dst.length} items; want 0 <= n <= dst.length`);
  }
  if (!(firstValue > -LIMIT && firstValue < LIMIT && Math.floor(firstValue) === firstValue)) {
    throw new RangeError(`cannot unmarshal int64 array: got firstValue=${firstValue}; want an integer with |v| < 2^50`);
  }
  switch (marshalType) {
    case MarshalType.Const: {
      if (src.length !== 0) {
        throw new RangeError(`cannot unmarshal const int64 array: got ${src.length} payload bytes; want 0`);
      }
      dst.fill(firstValue, 0, n);
      return;
    }
    case MarshalType.DeltaConst: {
      let u = 0;
      let pos = 0;
      // One zigzag varint that must fill the payload exactly.
      for (let shift = 1; ; shift *= 128) {
        if (pos >= src.length || pos >= MAX_VARINT_LEN) {
          throw new RangeError(`cannot unmarshal delta const int64 array: got ${src.length} payload bytes; want one complete varint`);
        }
        const b = src[pos++]!;
        u += (b & 0x7f) * shift;
        if (b < 0x80) break;
      }
      if (pos !== src.length || u >= 2 ** 53) {
        throw new RangeError(`cannot unmarshal delta const int64 array: got ${src.length} payload bytes; want one varint below 2^53`);
      }
      const d = zigzagDecode(u);
      if (n > 0) {
        const last = firstValue + d * (n - 1);
        if (!(last > -LIMIT && last < LIMIT && d > -2 * LIMIT && d < 2 * LIMIT)) {
          throw new RangeError(`cannot unmarshal delta const int64 array: got delta ${d} from ${firstValue} over ${n} items; want values with |v| < 2^50`);
        }
      }
      let v = firstValue;
      for (let i = 0; i < n; i++) {
        dst[i] = v;
        v += d;
      }
      return;
    }
    case MarshalType.NearestDelta:
      decodeNearestDelta(dst, src, firstValue, n);
      return;
    case MarshalType.ZstdNearestDelta:
      decodeNearestDelta(dst, decompressPayload(src, n), firstValue, n);
      return;
    case MarshalType.NearestDelta2:
      decodeNearestDelta2(dst, src, firstValue, n);
      return;
    case MarshalType.ZstdNearestDelta2:
      decodeNearestDelta2(dst, decompressPayload(src, n), firstValue, n);
      return;
    default:
      throw new RangeError(`cannot unmarshal int64 array: got marshal type ${marshalType}; want 1..6`);
  }
}

function decompressPayload(src: Uint8Array, n: number): Uint8Array {
  // n-1 varints of at most 8 bytes each bound the raw payload.
  return decompressZstd(src, Math.max(0, n - 1) * MAX_VARINT_LEN);
}

function decodeNearestDelta(dst: Float64Array, src: Uint8Array, first: number, n: number): void {
  decodePrefixSums(dst, src, first, n, 1, "nearest delta int64 array");
}

function decodeNearestDelta2(dst: Float64Array, src: Uint8Array, first: number, n: number): void {
  decodePrefixSums(dst, src, first, n, 2, "nearest delta2 int64 array");
}

// decodePrefixSums decodes the n-1 varints after first in one pass (see getVarIntPrefixSums).
function decodePrefixSums(dst: Float64Array, src: Uint8Array, first: number, n: number, order: 1 | 2, what: string): void {
  if (n <= 1) {
    if (src.length !== 0) throw new RangeError(`cannot unmarshal ${what}: got ${src.length} payload bytes for ${n} items; want 0`);
    if (n === 1) dst[0] = first;
    return;
  }
  dst[0] = first;
  const end = getVarIntPrefixSums(dst, 1, n, src, 0, src.length, first, order, LIMIT, what);
  if (end !== src.length) {
    throw new RangeError(`cannot unmarshal ${what}: got ${src.length - end} trailing bytes after ${n} items; want 0`);
  }
}
