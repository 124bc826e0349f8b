// Builders of remote write messages for the tests of this folder (not part of the API).
import { ProtoWriter } from "../../protobuf/index.ts";

/** HistogramSpec is a native histogram to encode; counts* as floats, deltas as ints. */
export interface HistogramSpec {
  countInt?: number;
  countFloat?: number;
  sum?: number;
  sumBits?: Uint8Array;
  schema?: number;
  zeroThreshold?: number;
  zeroCountInt?: number;
  zeroCountFloat?: number;
  negativeSpans?: [number, number][];
  negativeDeltas?: number[];
  negativeCounts?: number[];
  positiveSpans?: [number, number][];
  positiveDeltas?: number[];
  positiveCounts?: number[];
  customValues?: number[];
  timestamp?: number;
}

/** writeHistogram writes h as a Histogram message in field num. */
export function writeHistogram(w: ProtoWriter, num: number, h: HistogramSpec): void {
  w.beginMessage(num);
  if (h.countInt !== undefined) w.uint64(1, h.countInt);
  if (h.countFloat !== undefined) w.double(2, h.countFloat);
  if (h.sumBits !== undefined) w.doubleBits(3, h.sumBits, 0);
  else if (h.sum !== undefined) w.double(3, h.sum);
  if (h.schema !== undefined) w.sint32(4, h.schema);
  if (h.zeroThreshold !== undefined) w.double(5, h.zeroThreshold);
  if (h.zeroCountInt !== undefined) w.uint64(6, h.zeroCountInt);
  if (h.zeroCountFloat !== undefined) w.double(7, h.zeroCountFloat);
  for (const [o, l] of h.negativeSpans ?? []) {
    w.beginMessage(8);
    w.sint32(1, o);
    w.uint32(2, l);
    w.endMessage();
  }
  w.packedSint64s(9, h.negativeDeltas ?? []);
  w.packedDoubles(10, h.negativeCounts ?? []);
  for (const [o, l] of h.positiveSpans ?? []) {
    w.beginMessage(11);
    w.sint32(1, o);
    w.uint32(2, l);
    w.endMessage();
  }
  w.packedSint64s(12, h.positiveDeltas ?? []);
  w.packedDoubles(13, h.positiveCounts ?? []);
  if (h.timestamp !== undefined) w.int64(15, h.timestamp);
  w.packedDoubles(16, h.customValues ?? []);
  w.endMessage();
}

/** writeLabel writes a Label message in field 1. */
export function writeLabel(w: ProtoWriter, name: string, value: string): void {
  w.beginMessage(1);
  w.string(1, name);
  w.string(2, value);
  w.endMessage();
}

/** writeSample writes a Sample message in field 2. */
export function writeSample(w: ProtoWriter, value: number, ts: number): void {
  w.beginMessage(2);
  w.double(1, value);
  w.int64(2, ts);
  w.endMessage();
}

/** bitsHex returns the hex of a float64's little-endian bytes. */
export function bitsHex(a: Float64Array, from: number, to: number): string[] {
  const out: string[] = [];
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let i = from; i < to; i++) out.push(Buffer.from(b.subarray(8 * i, 8 * i + 8)).reverse().toString("hex"));
  return out;
}

/**
 * snappyLiteral encodes data as a valid snappy block made of literals only (no
 * compression): enough to build test bodies.
 */
export function snappyLiteral(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let n = data.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  const parts: Uint8Array[] = [Uint8Array.from(out)];
  for (let p = 0; p < data.length; p += 65536) {
    const chunk = data.subarray(p, Math.min(p + 65536, data.length));
    const l = chunk.length - 1;
    // Tag 62<<2: a literal whose length-1 follows in two bytes.
    parts.push(Uint8Array.of(61 << 2, l & 0xff, l >> 8), chunk);
  }
  return Buffer.concat(parts);
}
