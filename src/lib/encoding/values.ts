// The value-column codec of a block: decimal mantissas + integer-array codec
// when the block has an exact decimal form, else the lossless float64
// fallback (byte planes, zstd when it saves > 10%).

import type { ByteBuffer } from "./byte_buffer.ts";
import { compressZstd, decompressZstd } from "./compress.ts";
import { decimalToFloats, floatsToDecimal } from "./float_decimal.ts";
import { getFloat64Planes, putFloat64Planes } from "./float64_planes.ts";
import { marshalInt64Array, unmarshalInt64Array } from "./int_array.ts";
import { MarshalType, MIN_COMPRESSIBLE_SIZE, BLOCK_COMPRESS_LEVEL, worthCompressing } from "./marshal_type.ts";

// mantissas is scratch space reused across calls (the codec is synchronous).
let mantissas = new Float64Array(8192);

/**
 * marshalValues appends the encoding of values[0:n] to dst and returns what
 * the block header must record: the marshal type, the first value (an
 * integer with |v| < 2^50; 0 for the float64 types) and the scale (the
 * decimal exponent, in [-22, 22]; 0 for the float64 types). Decoding gives
 * back every value bit for bit, NaN payloads included. The output depends
 * only on values[0:n].
 */
export function marshalValues(dst: ByteBuffer, values: Float64Array, n: number): { marshalType: number; firstValue: number; scale: number } {
  if (!(n >= 0 && n <= values.length && Number.isInteger(n))) {
    throw new Error(`BUG: marshalValues: got n=${n} for ${values.length} values; want 0 <= n <= length`);
  }
  if (mantissas.length < n) mantissas = new Float64Array(n);
  const scale = floatsToDecimal(mantissas, values, n);
  if (scale !== undefined) {
    const r = marshalInt64Array(dst, mantissas, n);
    return { marshalType: r.marshalType, firstValue: r.firstValue, scale };
  }
  const rawLen = 8 * n;
  dst.ensure(rawLen);
  const start = dst.length;
  putFloat64Planes(dst.buf, start, values, n);
  dst.length = start + rawLen;
  if (rawLen >= MIN_COMPRESSIBLE_SIZE) {
    const c = compressZstd(dst.buf.subarray(start, start + rawLen), BLOCK_COMPRESS_LEVEL);
    if (worthCompressing(rawLen, c.length)) {
      dst.buf.set(c, start);
      dst.length = start + c.length;
      return { marshalType: MarshalType.ZstdFloat64, firstValue: 0, scale: 0 };
    }
  }
  return { marshalType: MarshalType.Float64, firstValue: 0, scale: 0 };
}

/**
 * unmarshalValues decodes n values, encoded by marshalValues with the given
 * header fields, from src (exactly the block's payload) into dst[0:n]
 * (dst.length >= n). Corrupt input throws a RangeError or an Error starting
 * "cannot ..."; it never loops forever or writes past dst[n-1]. With
 * from > 0 the caller needs only dst[from:n]: dst[0:from] may then hold
 * anything (decimal blocks skip their conversion).
 */
export function unmarshalValues(dst: Float64Array, src: Uint8Array, marshalType: number, firstValue: number, scale: number, n: number, from = 0): void {
  if (!(n >= 0 && n <= dst.length && Number.isInteger(n))) {
    throw new Error(`BUG: unmarshalValues: got n=${n} for dst of ${dst.length} items; want 0 <= n <= dst.length`);
  }
  if (marshalType === MarshalType.Float64) {
    getFloat64Planes(dst, src, n);
    return;
  }
  if (marshalType === MarshalType.ZstdFloat64) {
    getFloat64Planes(dst, decompressZstd(src, 8 * n), n);
    return;
  }
  // The mantissas are decoded into dst and converted in place.
  unmarshalInt64Array(dst, src, marshalType, firstValue, n);
  decimalToFloats(dst, dst, scale, n, Math.min(from, n));
}
