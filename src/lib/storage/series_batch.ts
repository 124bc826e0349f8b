// SeriesBatch carries the blocks of several series out of the storage,
// still encoded, as plain typed arrays that can be posted to a worker thread:
// the search reads and decompresses (cheap, and it needs the parts), the
// worker decodes and computes (most of a query's time).

import { SampleRuns } from "./sample_runs.ts";

/** fields per block in SeriesBatch.meta */
const F = 8;
const F_ROWS = 0, F_TS_TYPE = 1, F_MIN_T = 2, F_VAL_TYPE = 3, F_FIRST = 4, F_SCALE = 5, F_TS_END = 6, F_VAL_END = 7;

/**
 * SeriesBatch is the undecoded samples of count series: series i owns blocks
 * [blockStart[i], blockStart[i+1]); block b's header fields are
 * meta[b*8 .. b*8+8) and its timestamp and value payloads are consecutive
 * stretches of payload (a view of the start of its buffer). Samples outside [minT, maxT] are dropped when decoded;
 * dedupInterval (ms, 0 = none) deduplicates. Every array owns its buffer.
 */
export interface SeriesBatch {
  count: number;
  blockStart: Uint32Array<ArrayBuffer>;
  meta: Float64Array<ArrayBuffer>;
  payload: Uint8Array<ArrayBuffer>;
  minT: number;
  maxT: number;
  dedupInterval: number;
}

// Payload buffers come back once a batch is decoded (recycleBatchBuffer) and
// are reused: a fresh buffer of a MiB costs page faults on every use, which
// cost more than the copy into it.
const spareBuffers: ArrayBuffer[] = [];
const maxSpareBuffers = 16;
const minBufferBytes = 1 << 20;

function newPayload(minBytes: number): Uint8Array<ArrayBuffer> {
  for (let i = spareBuffers.length - 1; i >= 0; i--) {
    const b = spareBuffers[i]!;
    if (b.byteLength >= minBytes) {
      spareBuffers.splice(i, 1);
      return new Uint8Array(b);
    }
  }
  return new Uint8Array(Math.max(minBytes, minBufferBytes));
}

/**
 * recycleBatchBuffer gives a batch's payload buffer back for reuse once
 * nothing reads it any more (after decodeBatchSeries of all its series).
 */
export function recycleBatchBuffer(b: ArrayBuffer): void {
  if (b.byteLength === 0 || b.byteLength > 4 * minBufferBytes || spareBuffers.length >= maxSpareBuffers) return;
  spareBuffers.push(b);
}

/** SeriesBatchBuilder accumulates series and their blocks into a SeriesBatch. */
export class SeriesBatchBuilder {
  private count = 0;
  private blocks = 0;
  private blockStart = new Uint32Array(64);
  private meta = new Float64Array(64 * F);
  private payload: Uint8Array<ArrayBuffer> | undefined;
  private bytes = 0;

  /** series is the number of series added so far. */
  get series(): number { return this.count; }
  /** payloadBytes is the size of the payloads added so far. */
  get payloadBytes(): number { return this.bytes; }

  /** startSeries begins the next series; its blocks follow with addBlock. */
  startSeries(): void {
    if (this.count + 2 > this.blockStart.length) this.blockStart = grow32(this.blockStart, this.count + 2);
    this.blockStart[this.count] = this.blocks;
    this.count++;
    this.blockStart[this.count] = this.blocks;
  }

  /** addBlock appends a block of the current series: its payloads (decompressed) and header fields. */
  addBlock(rows: number, tsBytes: Uint8Array, tsType: number, minT: number, valBytes: Uint8Array, valType: number, firstValue: number, scale: number): void {
    if (this.count === 0) throw new Error("BUG: SeriesBatchBuilder.addBlock before startSeries");
    const need = this.bytes + tsBytes.length + valBytes.length;
    this.payload ??= newPayload(need);
    if (need > this.payload.length) {
      let cap = this.payload.length * 2;
      while (cap < need) cap *= 2;
      const p = newPayload(cap);
      p.set(this.payload.subarray(0, this.bytes));
      recycleBatchBuffer(this.payload.buffer);
      this.payload = p;
    }
    const payload = this.payload;
    payload.set(tsBytes, this.bytes);
    this.bytes += tsBytes.length;
    const tsEnd = this.bytes;
    payload.set(valBytes, this.bytes);
    this.bytes += valBytes.length;
    if ((this.blocks + 1) * F > this.meta.length) {
      const m = new Float64Array(this.meta.length * 2);
      m.set(this.meta);
      this.meta = m;
    }
    const o = this.blocks * F;
    const m = this.meta;
    m[o + F_ROWS] = rows; m[o + F_TS_TYPE] = tsType; m[o + F_MIN_T] = minT; m[o + F_VAL_TYPE] = valType;
    m[o + F_FIRST] = firstValue; m[o + F_SCALE] = scale; m[o + F_TS_END] = tsEnd; m[o + F_VAL_END] = this.bytes;
    this.blocks++;
    this.blockStart[this.count] = this.blocks;
  }

  /**
   * finish returns the batch and empties the builder. The batch's arrays
   * own their buffers (the payload's may be larger than the payload: give it
   * to recycleBatchBuffer when done).
   */
  finish(minT: number, maxT: number, dedupInterval: number): SeriesBatch {
    const payload = this.payload ?? new Uint8Array(0);
    this.payload = undefined;
    const b: SeriesBatch = {
      count: this.count,
      blockStart: this.blockStart.slice(0, this.count + 1),
      meta: this.meta.slice(0, this.blocks * F),
      payload: payload.subarray(0, this.bytes),
      minT,
      maxT,
      dedupInterval,
    };
    this.count = 0;
    this.blocks = 0;
    this.bytes = 0;
    return b;
  }
}

function grow32(a: Uint32Array, n: number): Uint32Array<ArrayBuffer> {
  let cap = a.length * 2;
  while (cap < n) cap *= 2;
  const b = new Uint32Array(cap);
  b.set(a);
  return b;
}

/**
 * decodeBatchSeries decodes series i of b into out (reset first): its samples
 * in time order, clipped and deduplicated; returns out.n. Corrupt payloads
 * throw as the decoders do.
 */
export function decodeBatchSeries(b: SeriesBatch, i: number, out: SampleRuns): number {
  out.reset();
  const m = b.meta;
  const p = b.payload;
  const first = b.blockStart[i]!, last = b.blockStart[i + 1]!;
  let pos = first === 0 ? 0 : m[(first - 1) * F + F_VAL_END]!;
  for (let k = first; k < last; k++) {
    const o = k * F;
    const tsEnd = m[o + F_TS_END]!, valEnd = m[o + F_VAL_END]!;
    out.addBlock(m[o + F_ROWS]!, p.subarray(pos, tsEnd), m[o + F_TS_TYPE]!, m[o + F_MIN_T]!, p.subarray(tsEnd, valEnd), m[o + F_VAL_TYPE]!, m[o + F_FIRST]!, m[o + F_SCALE]!);
    pos = valEnd;
  }
  out.finish(b.minT, b.maxT, b.dedupInterval);
  return out.n;
}

export { SampleRuns };
