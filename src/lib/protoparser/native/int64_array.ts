// VictoriaMetrics' int64 array codec (lib/encoding, marshal types 1..6, lossless, i.e.
// precisionBits = 64) over the full int64 range with Go's wrapping arithmetic, as the
// native format needs it: VictoriaMetrics 1.79.5 marks +-Inf and the staleness marker
// with mantissas at the ends of the int64 range, and its decimal mantissas can reach
// 2^63. Arrays whose values stay below 2^50 go through lib/encoding's Number codec
// (the same types and payloads); the rest take a BigInt path here.

import { ByteBuffer, MAX_INT_ARRAY_ABS, compressZstd, decompressZstd, marshalInt64Array, unmarshalInt64Array } from "../../encoding/index.ts";

/** MarshalType numbers of VictoriaMetrics' lib/encoding. */
const ZSTD_NEAREST_DELTA2 = 1;
const DELTA_CONST = 2;
const CONST = 3;
const ZSTD_NEAREST_DELTA = 4;
const NEAREST_DELTA2 = 5;
const NEAREST_DELTA = 6;

const MIN_COMPRESSIBLE = 128;
/** Decompressed payloads hold at most one 10-byte varint per row. */
const MAX_VARINT64_LEN = 10;

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

/** appendVarInt64 appends v (any int64) as VictoriaMetrics' zigzag varint. */
export function appendVarInt64(dst: ByteBuffer, v: bigint | number): void {
  const b = typeof v === "bigint" ? v : BigInt(v);
  appendVarUint64(dst, b >= 0n ? b << 1n : ((-b) << 1n) - 1n);
}

/** appendVarUint64 appends u (0 <= u < 2^64) as an unsigned LEB128 varint. */
export function appendVarUint64(dst: ByteBuffer, u: bigint | number): void {
  if (typeof u === "number" && u < 0x80) {
    dst.appendByte(u);
    return;
  }
  let b = BigInt(u);
  while (b > 0x7fn) {
    dst.appendByte(Number(b & 0x7fn) | 0x80);
    b >>= 7n;
  }
  dst.appendByte(Number(b));
}

/**
 * readVarUint64 reads an unsigned varint of at most 10 bytes at src[pos] as Go's
 * UnmarshalVarUint64 does (bits past 64 are dropped) and returns it with the position
 * after it. It throws "cannot unmarshal varint: ..." on truncated or too long input.
 */
export function readVarUint64(src: Uint8Array, pos: number): [bigint, number] {
  let u = 0n;
  let shift = 0n;
  for (let i = 0; ; i++) {
    if (pos >= src.length) throw new Error("cannot unmarshal varint: unexpected end of data");
    if (i >= MAX_VARINT64_LEN) throw new Error("cannot unmarshal varint: too long encoded varint; the maximum allowed length is 10 bytes");
    const c = src[pos++]!;
    u |= BigInt(c & 0x7f) << shift;
    if (c < 0x80) return [BigInt.asUintN(64, u), pos];
    shift += 7n;
  }
}

/** readVarInt64 reads a zigzag varint (see readVarUint64) as an int64. */
export function readVarInt64(src: Uint8Array, pos: number): [bigint, number] {
  const [u, p] = readVarUint64(src, pos);
  return [(u & 1n) === 0n ? u >> 1n : -(u >> 1n) - 1n, p];
}

function isGauge(a: BigInt64Array, n: number): boolean {
  // The same heuristic as VictoriaMetrics: counters mostly grow, with few resets.
  if (n < 2) return false;
  let resets = 0;
  let prev = a[0]!;
  if (prev < 0n) return true;
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    if (v < prev) {
      if (v < 0n) return true;
      if (v > (prev >> 3n)) return true;
      resets++;
    }
    prev = v;
  }
  if (resets <= 2) return false;
  return resets > (n >> 3);
}

function marshalBig(dst: ByteBuffer, a: BigInt64Array, n: number): { marshalType: number; firstValue: bigint } {
  const first = a[0]!;
  let i = 1;
  while (i < n && a[i] === first) i++;
  if (i === n) return { marshalType: CONST, firstValue: first };
  const d0 = wrap(a[1]! - first);
  for (i = 2; i < n; i++) if (wrap(a[i]! - a[i - 1]!) !== d0) break;
  if (i === n) {
    appendVarInt64(dst, d0);
    return { marshalType: DELTA_CONST, firstValue: first };
  }
  const gauge = isGauge(a, n);
  const raw = new ByteBuffer(n * 2);
  if (gauge) {
    for (i = 1; i < n; i++) appendVarInt64(raw, wrap(a[i]! - a[i - 1]!));
  } else {
    let dPrev = wrap(a[1]! - first);
    appendVarInt64(raw, dPrev);
    for (i = 2; i < n; i++) {
      const d = wrap(a[i]! - a[i - 1]!);
      appendVarInt64(raw, wrap(d - dPrev));
      dPrev = d;
    }
  }
  const payload = raw.bytes();
  if (payload.length >= MIN_COMPRESSIBLE) {
    const z = compressZstd(payload, 1);
    if (z.length <= 0.9 * payload.length) {
      dst.appendBytes(z);
      return { marshalType: gauge ? ZSTD_NEAREST_DELTA : ZSTD_NEAREST_DELTA2, firstValue: first };
    }
  }
  dst.appendBytes(payload);
  return { marshalType: gauge ? NEAREST_DELTA : NEAREST_DELTA2, firstValue: first };
}

/**
 * marshalInt64s appends the VictoriaMetrics encoding (types 1..6) of a[0:n] (1 <= n;
 * integers; a BigInt64Array for values outside the Number domain) to dst and returns
 * the marshal type and first value for the block header. VictoriaMetrics 1.79.5 decodes
 * it to exactly a[0:n].
 */
export function marshalInt64s(dst: ByteBuffer, a: Float64Array | BigInt64Array, n: number): { marshalType: number; firstValue: bigint } {
  if (n < 1 || n > a.length) throw new Error(`BUG: marshalInt64s: got n=${n} for ${a.length} items; want 1 <= n <= length`);
  if (a instanceof Float64Array) {
    let i = 0;
    for (; i < n; i++) {
      const v = a[i]!;
      if (!(v > -MAX_INT_ARRAY_ABS && v < MAX_INT_ARRAY_ABS)) break;
    }
    if (i === n) {
      const r = marshalInt64Array(dst, a, n);
      return { marshalType: r.marshalType, firstValue: BigInt(r.firstValue) };
    }
    const b = new BigInt64Array(n);
    for (let k = 0; k < n; k++) b[k] = BigInt(a[k]!);
    return marshalBig(dst, b, n);
  }
  return marshalBig(dst, a, n);
}

function decompress(src: Uint8Array, n: number): Uint8Array {
  return decompressZstd(src, n * MAX_VARINT64_LEN);
}

function readVarInts(src: Uint8Array, count: number, what: string): BigInt64Array {
  const out = new BigInt64Array(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    try {
      [out[i], pos] = readVarInt64(src, pos);
    } catch (e) {
      throw new Error(`cannot unmarshal ${what} from ${src.length} bytes: item ${i} of ${count}: ${(e as Error).message}`);
    }
  }
  if (pos !== src.length) throw new Error(`cannot unmarshal ${what}: unexpected tail of ${src.length - pos} bytes left after ${count} items`);
  return out;
}

function unmarshalBig(src: Uint8Array, marshalType: number, firstValue: bigint, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  switch (marshalType) {
    case CONST:
      if (src.length !== 0) throw new Error(`cannot unmarshal const encoding: unexpected ${src.length} bytes of data`);
      out.fill(firstValue);
      return out;
    case DELTA_CONST: {
      let d: bigint, pos: number;
      try {
        [d, pos] = readVarInt64(src, 0);
      } catch (e) {
        throw new Error(`cannot unmarshal delta value for delta const: ${(e as Error).message}`);
      }
      if (pos !== src.length) throw new Error(`cannot unmarshal delta const: unexpected trailing data of ${src.length - pos} bytes`);
      let v = firstValue;
      for (let i = 0; i < n; i++) {
        out[i] = v;
        v = wrap(v + d);
      }
      return out;
    }
    case ZSTD_NEAREST_DELTA:
    case NEAREST_DELTA: {
      const data = marshalType === NEAREST_DELTA ? src : decompress(src, n);
      const ds = readVarInts(data, n - 1, "nearest delta");
      let v = firstValue;
      out[0] = v;
      for (let i = 1; i < n; i++) {
        v = wrap(v + ds[i - 1]!);
        out[i] = v;
      }
      return out;
    }
    case ZSTD_NEAREST_DELTA2:
    case NEAREST_DELTA2: {
      // VictoriaMetrics requires two items at least here (it would panic on fewer).
      if (n < 2) throw new Error(`cannot unmarshal nearest delta2 data: got ${n} items; want at least 2`);
      const data = marshalType === NEAREST_DELTA2 ? src : decompress(src, n);
      const ds = readVarInts(data, n - 1, "nearest delta2");
      let v = firstValue;
      let d1 = ds[0]!;
      out[0] = v;
      v = wrap(v + d1);
      out[1] = v;
      for (let i = 2; i < n; i++) {
        d1 = wrap(d1 + ds[i - 1]!);
        v = wrap(v + d1);
        out[i] = v;
      }
      return out;
    }
  }
  throw new Error(`cannot unmarshal int64 array: unknown MarshalType=${marshalType}; want 1..6`);
}

/**
 * unmarshalInt64s decodes n (>= 1) int64 values encoded by VictoriaMetrics' marshal
 * type 1..6 with firstValue from the whole payload src. The result is a Float64Array
 * when every value is below 2^50 in magnitude (then exact), else a BigInt64Array.
 * Corrupt input throws an Error starting "cannot unmarshal"; the work is bounded by n
 * and src.length (zstd output is capped at 10 bytes per item).
 */
export function unmarshalInt64s(src: Uint8Array, marshalType: number, firstValue: bigint, n: number): Float64Array | BigInt64Array {
  if (!(n >= 1 && Number.isInteger(n))) throw new Error(`BUG: unmarshalInt64s: got n=${n}; want n >= 1`);
  if (!(marshalType >= 1 && marshalType <= 6)) throw new Error(`cannot unmarshal int64 array: unknown MarshalType=${marshalType}; want 1..6`);
  if (marshalType === NEAREST_DELTA2 || marshalType === ZSTD_NEAREST_DELTA2) {
    if (n < 2) throw new Error(`cannot unmarshal nearest delta2 data: got ${n} items; want at least 2`);
  }
  const limit = BigInt(MAX_INT_ARRAY_ABS);
  if (firstValue > -limit && firstValue < limit) {
    const out = new Float64Array(n);
    try {
      unmarshalInt64Array(out, src, marshalType, Number(firstValue), n);
      return out;
    } catch {
      // Values beyond 2^50 (or corrupt data): the exact path decides and names the error.
    }
  }
  const big = unmarshalBig(src, marshalType, firstValue, n);
  let i = 0;
  for (; i < n; i++) {
    const v = big[i]!;
    if (!(v > -limit && v < limit)) break;
  }
  if (i < n) return big;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = Number(big[k]!);
  return out;
}
