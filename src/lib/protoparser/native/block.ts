// VictoriaMetrics' portable block (lib/storage/block.go MarshalPortable), the unit of
// the native format: up to 8192 samples of one series.
//
//   varint64 firstTimestamp | varint64 firstValue | varuint rowsCount | varint64 scale |
//   byte timestampsMarshalType | byte valuesMarshalType |
//   varuint len + timestamps payload | varuint len + values payload
//
// Values are int64 decimal mantissas with one exponent (scale) per block.

import { ByteBuffer, floatsToDecimal, isStaleNaN } from "../../encoding/index.ts";
import { appendVarInt64, appendVarUint64, marshalInt64s, readVarInt64, readVarUint64, unmarshalInt64s } from "./int64_array.ts";
import { V_INF_NEG, V_INF_POS, V_STALE_NAN, decimalToFloatsVM, floatsToDecimalVM } from "./vm_decimal.ts";

/** MAX_ROWS_PER_BLOCK is how many samples one exported block holds at most (VictoriaMetrics' maxRowsPerBlock). */
export const MAX_ROWS_PER_BLOCK = 8192;
/** MAX_ROWS_PER_PARSED_BLOCK is the largest rowsCount accepted on import (2 * maxRowsPerBlock, as VictoriaMetrics validates). */
export const MAX_ROWS_PER_PARSED_BLOCK = 2 * MAX_ROWS_PER_BLOCK;

const MAX_MANTISSA = 2 ** 49;

/** BlockScratch holds reusable buffers of the block encoder. */
export class BlockScratch {
  mantissas = new Float64Array(MAX_ROWS_PER_BLOCK);
  big = new BigInt64Array(MAX_ROWS_PER_BLOCK);
  ts = new ByteBuffer(1024);
  vals = new ByteBuffer(1024);
}

// mantissasFor converts values[0:n] to mantissas VictoriaMetrics decodes back: Tidemark's
// exact decimal form when there is one (VictoriaMetrics' m / 10^-e then gives the same
// bits), else what VictoriaMetrics itself would store.
function mantissasFor(s: BlockScratch, values: Float64Array, n: number): { m: Float64Array | BigInt64Array; scale: number } {
  const e = floatsToDecimal(s.mantissas, values, n);
  if (e !== undefined) {
    let special = false;
    for (let i = 0; i < n; i++) {
      const m = s.mantissas[i]!;
      if (m > MAX_MANTISSA || m < -MAX_MANTISSA) {
        special = true;
        break;
      }
    }
    if (!special) return { m: s.mantissas, scale: e };
    const big = s.big;
    let hasNumbers = false;
    for (let i = 0; i < n; i++) {
      const m = s.mantissas[i]!;
      if (m > MAX_MANTISSA || m < -MAX_MANTISSA) {
        const v = values[i]!;
        big[i] = v === Infinity ? V_INF_POS : v === -Infinity ? V_INF_NEG : isStaleNaN(v) ? V_STALE_NAN : 0n;
        if (v !== Infinity && v !== -Infinity && !isStaleNaN(v) && v !== 0) {
          throw new Error(`BUG: native block encoder got the value ${v}; NaNs must be dropped first`);
        }
      } else {
        big[i] = BigInt(m);
        hasNumbers = true;
      }
    }
    return { m: big, scale: hasNumbers ? e : 0 };
  }
  return { m: s.big, scale: floatsToDecimalVM(s.big, values, n) };
}

/**
 * appendBlock appends the portable block of timestamps/values[start:end) (1 to 8192
 * samples, timestamps integer ms in ascending order, no NaN except the staleness
 * marker) to dst. VictoriaMetrics 1.79.5 reads it back with the same timestamps and
 * values, except that values which need more than its int64 decimal precision are
 * rounded as it would round them on ingestion, and -0 becomes 0.
 */
export function appendBlock(dst: ByteBuffer, timestamps: Float64Array, values: Float64Array, start: number, end: number, s: BlockScratch): void {
  const n = end - start;
  if (!(n >= 1 && n <= MAX_ROWS_PER_BLOCK)) throw new Error(`BUG: appendBlock: got ${n} rows; want 1..${MAX_ROWS_PER_BLOCK}`);
  const ts = timestamps.subarray(start, end);
  const vs = values.subarray(start, end);
  s.ts.reset();
  s.vals.reset();
  const t = marshalInt64s(s.ts, ts, n);
  const { m, scale } = mantissasFor(s, vs, n);
  const v = marshalInt64s(s.vals, m, n);
  appendVarInt64(dst, t.firstValue);
  appendVarInt64(dst, v.firstValue);
  appendVarUint64(dst, n);
  appendVarInt64(dst, scale);
  dst.appendByte(t.marshalType);
  dst.appendByte(v.marshalType);
  appendVarUint64(dst, s.ts.length);
  dst.appendBytes(s.ts.bytes());
  appendVarUint64(dst, s.vals.length);
  dst.appendBytes(s.vals.bytes());
}

/** DecodedBlock is the samples of one parsed block. */
export interface DecodedBlock {
  timestamps: Float64Array;
  values: Float64Array;
}

function readBytes(src: Uint8Array, pos: number, what: string): [Uint8Array, number] {
  let n: bigint;
  [n, pos] = readVarUint64(src, pos);
  if (BigInt(src.length - pos) < n) throw new Error(`cannot read ${what}: src is too short for reading string with size ${n}; len(src)=${src.length - pos}`);
  return [src.subarray(pos, pos + Number(n)), pos + Number(n)];
}

function header<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new Error(`cannot unmarshal ${what}: ${(e as Error).message}`);
  }
}

/**
 * parseBlock decodes one portable block that must fill src exactly. It throws an
 * Error "cannot unmarshal ..." naming what is wrong: a bad header field, rowsCount
 * outside 1..16384, an unknown marshal type, corrupt payloads or trailing bytes.
 */
export function parseBlock(src: Uint8Array): DecodedBlock {
  let pos = 0;
  let firstTs: bigint, firstValue: bigint, rows: bigint, scaleBig: bigint;
  [firstTs, pos] = header("firstTimestamp", () => readVarInt64(src, pos));
  [firstValue, pos] = header("firstValue", () => readVarInt64(src, pos));
  [rows, pos] = header("rowsCount", () => readVarUint64(src, pos));
  [scaleBig, pos] = header("scale", () => readVarInt64(src, pos));
  if (rows < 1n || rows > BigInt(MAX_ROWS_PER_PARSED_BLOCK)) throw new Error(`cannot unmarshal block: got rowsCount=${rows}; want 1..${MAX_ROWS_PER_PARSED_BLOCK}`);
  if (scaleBig < -32768n || scaleBig > 32767n) throw new Error(`cannot unmarshal block: got scale=${scaleBig}; want -32768..32767`);
  if (src.length - pos < 2) throw new Error("cannot unmarshal block: missing marshal types");
  const tsType = src[pos++]!;
  const valType = src[pos++]!;
  let tsData: Uint8Array, valData: Uint8Array;
  [tsData, pos] = header("timestampsData", () => readBytes(src, pos, "timestampsData"));
  [valData, pos] = header("valuesData", () => readBytes(src, pos, "valuesData"));
  if (pos !== src.length) throw new Error(`cannot unmarshal block: unexpected tail of ${src.length - pos} bytes after the block`);
  const n = Number(rows);
  const tsInts = header("timestamps", () => unmarshalInt64s(tsData, tsType, firstTs, n));
  const mantissas = header("values", () => unmarshalInt64s(valData, valType, firstValue, n));
  let timestamps: Float64Array;
  if (tsInts instanceof Float64Array) {
    timestamps = tsInts;
  } else {
    timestamps = new Float64Array(n);
    for (let i = 0; i < n; i++) timestamps[i] = Number(tsInts[i]!);
  }
  const values = new Float64Array(n);
  decimalToFloatsVM(values, mantissas, Number(scaleBig), n);
  return { timestamps, values };
}
