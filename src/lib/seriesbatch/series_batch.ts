// SeriesBatch carries the blocks of several series out of the storage,
// still encoded, as plain typed arrays that can be posted to a worker thread:
// the search reads and decompresses (cheap, and it needs the parts), the
// worker decodes and computes (most of a query's time).

import { decompressBlockPayload, plainMarshalType } from "../encoding/index.ts";
import { SampleRuns } from "./sample_runs.ts";

/** fields per block in SeriesBatch.meta */
const F = 12;
const F_ROWS = 0, F_TS_TYPE = 1, F_MIN_T = 2, F_VAL_TYPE = 3, F_FIRST = 4, F_SCALE = 5, F_TS_START = 6, F_TS_END = 7, F_VAL_START = 8, F_VAL_END = 9;
// F_TS_SHARED is 1 on the first block of timestamps that later blocks share.
const F_TS_SHARED = 10;
// F_FILL says which payloads are stored compressed and are wanted back
// decompressed (for the reader's cache): 1 timestamps, 2 values.
const F_FILL = 11;

/**
 * SeriesBatch is the undecoded samples of count series: series i owns blocks
 * [blockStart[i], blockStart[i+1]); block b's header fields are
 * meta[b*11 .. b*11+11) and its timestamp and value payloads are stretches of
 * payload (a view of the start of its buffer). Blocks whose timestamps are
 * the same stored bytes (series scraped together share them) share one
 * stretch, so it is decoded once per batch. Samples outside [minT, maxT] are
 * dropped when decoded; dedupInterval (ms, 0 = none) deduplicates. Every
 * array owns its buffer.
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
const maxSpareBuffers = 8;
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

/** dropSpareBatchBuffers forgets the buffers kept for reuse (when queries have stopped for a while). */
export function dropSpareBatchBuffers(): void {
  spareBuffers.length = 0;
}

/** SeriesBatchBuilder accumulates series and their blocks into a SeriesBatch. */
export class SeriesBatchBuilder {
  private count = 0;
  private blocks = 0;
  private blockStart = new Uint32Array(64);
  private meta = new Float64Array(64 * F);
  private payload: Uint8Array<ArrayBuffer> | undefined;
  private bytes = 0;
  // tsSource -> tsOffset -> [start, end, first block, marshal type] of the timestamps in this batch
  private tsSeen = new Map<number, Map<number, [number, number, number, number]>>();

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

  /** hasTimestamps reports whether the timestamps at tsOffset of tsSource are in the batch already (addBlock ignores its tsBytes then). */
  hasTimestamps(tsSource: number, tsOffset: number): boolean {
    return this.tsSeen.get(tsSource)?.has(tsOffset) === true;
  }

  /**
   * addBlock appends a block of the current series: its payloads (plain or
   * zstd, as their marshal types say) and header fields. tsSource and
   * tsOffset, when given, identify the stored timestamp bytes (their part and
   * offset there): a later block with the same pair reuses them. fill (1:
   * timestamps, 2: values) marks compressed payloads whose decompressed form
   * the decoder should hand back (BatchDecoder.takeFills) under the position
   * where addBlock put them (returned as [tsPos, valPos]; -1 for a reused
   * timestamp stretch).
   */
  addBlock(rows: number, tsBytes: Uint8Array, tsType: number, minT: number, valBytes: Uint8Array, valType: number, firstValue: number, scale: number, tsSource = -1, tsOffset = -1, fill = 0): [number, number] {
    if (this.count === 0) throw new Error("BUG: SeriesBatchBuilder.addBlock before startSeries");
    let tsStart = -1, tsEnd = -1;
    let seenIn: Map<number, [number, number, number, number]> | undefined;
    if (tsSource >= 0) {
      seenIn = this.tsSeen.get(tsSource);
      if (seenIn === undefined) {
        seenIn = new Map();
        this.tsSeen.set(tsSource, seenIn);
      }
      const seen = seenIn.get(tsOffset);
      if (seen !== undefined) {
        // The stretch as first stored (it may have come compressed or not).
        [tsStart, tsEnd, , tsType] = seen;
        this.meta[seen[2] * F + F_TS_SHARED] = 1;
        fill &= ~1;
      }
    }
    const tsPos = tsStart < 0 ? this.bytes : -1;
    const need = this.bytes + (tsStart < 0 ? tsBytes.length : 0) + valBytes.length;
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
    if (tsStart < 0) {
      tsStart = this.bytes;
      payload.set(tsBytes, this.bytes);
      this.bytes += tsBytes.length;
      tsEnd = this.bytes;
      seenIn?.set(tsOffset, [tsStart, tsEnd, this.blocks, tsType]);
    }
    const valStart = this.bytes;
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
    m[o + F_FIRST] = firstValue; m[o + F_SCALE] = scale;
    m[o + F_TS_START] = tsStart; m[o + F_TS_END] = tsEnd; m[o + F_VAL_START] = valStart; m[o + F_VAL_END] = this.bytes;
    m[o + F_TS_SHARED] = 0;
    m[o + F_FILL] = fill;
    this.blocks++;
    this.blockStart[this.count] = this.blocks;
    return [tsPos, valStart];
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
    this.tsSeen.clear();
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
 * BatchFills are decompressed payloads a decoder hands back: payload
 * stretch pos[k] (its position in the batch) decompressed is
 * bytes[offsets[k] .. offsets[k+1]).
 */
export interface BatchFills {
  pos: Float64Array<ArrayBuffer>;
  offsets: Uint32Array<ArrayBuffer>;
  bytes: Uint8Array<ArrayBuffer>;
}

/**
 * BatchDecoder decodes the series of batches. It keeps the timestamps it
 * decoded from the current batch, so that series sharing them (the same
 * stretch of payload) get a copy instead of decoding them again; it
 * decompresses zstd payloads, keeping those marked for filling.
 */
export class BatchDecoder {
  private batch: SeriesBatch | undefined;
  private tsCache = new Map<number, Float64Array>();
  private fillPos: number[] = [];
  private fillBytes: Uint8Array[] = [];

  /**
   * decode decodes series i of b into out (reset first): its samples in time
   * order, clipped and deduplicated, at out.ts/vals[out.start:out.start+n];
   * returns out.n. Corrupt payloads throw as the decoders do.
   */
  decode(b: SeriesBatch, i: number, out: SampleRuns): number {
    if (b !== this.batch) {
      this.batch = b;
      this.tsCache.clear();
    }
    out.reset();
    const m = b.meta;
    const p = b.payload;
    for (let k = b.blockStart[i]!, last = b.blockStart[i + 1]!; k < last; k++) {
      const o = k * F;
      const rows = m[o + F_ROWS]!;
      const fill = m[o + F_FILL]!;
      const tsStart = m[o + F_TS_START]!;
      const valStart = m[o + F_VAL_START]!;
      let valType = m[o + F_VAL_TYPE]!;
      let vals: Uint8Array = p.subarray(valStart, m[o + F_VAL_END]!);
      const valPlain = plainMarshalType(valType);
      if (valPlain !== valType) {
        vals = decompressBlockPayload(vals, valType, rows);
        valType = valPlain;
        if ((fill & 2) !== 0) this.keepFill(valStart, vals);
      }
      const cached = this.tsCache.get(tsStart);
      if (cached !== undefined && cached.length === rows) {
        out.addBlockWithTimestamps(cached, m[o + F_MIN_T]!, vals, valType, m[o + F_FIRST]!, m[o + F_SCALE]!, b.minT);
        continue;
      }
      let tsType = m[o + F_TS_TYPE]!;
      let ts: Uint8Array = p.subarray(tsStart, m[o + F_TS_END]!);
      const tsPlain = plainMarshalType(tsType);
      if (tsPlain !== tsType) {
        ts = decompressBlockPayload(ts, tsType, rows);
        tsType = tsPlain;
        if ((fill & 1) !== 0) this.keepFill(tsStart, ts);
      }
      const at = out.n;
      out.addBlock(rows, ts, tsType, m[o + F_MIN_T]!, vals, valType, m[o + F_FIRST]!, m[o + F_SCALE]!, b.minT);
      // Keep a copy only when another block shares these timestamps.
      if (m[o + F_TS_SHARED] === 1) this.tsCache.set(tsStart, out.ts.slice(at, at + rows));
    }
    out.finish(b.minT, b.maxT, b.dedupInterval, undefined, true);
    return out.n;
  }

  private keepFill(pos: number, bytes: Uint8Array): void {
    this.fillPos.push(pos);
    this.fillBytes.push(bytes);
  }

  /** takeFills returns the payloads marked for filling decompressed since the last call, packed, or undefined when there are none. */
  takeFills(): BatchFills | undefined {
    const n = this.fillPos.length;
    if (n === 0) return undefined;
    const offsets = new Uint32Array(n + 1);
    for (let k = 0; k < n; k++) offsets[k + 1] = offsets[k]! + this.fillBytes[k]!.length;
    const bytes = new Uint8Array(offsets[n]!);
    for (let k = 0; k < n; k++) bytes.set(this.fillBytes[k]!, offsets[k]!);
    const fills = { pos: Float64Array.from(this.fillPos), offsets, bytes };
    this.fillPos.length = 0;
    this.fillBytes.length = 0;
    return fills;
  }
}

const defaultDecoder = new BatchDecoder();

/** decodeBatchSeries is BatchDecoder.decode on a shared decoder. */
export function decodeBatchSeries(b: SeriesBatch, i: number, out: SampleRuns): number {
  return defaultDecoder.decode(b, i, out);
}

/** takeBatchFills is BatchDecoder.takeFills on the shared decoder of decodeBatchSeries. */
export function takeBatchFills(): BatchFills | undefined {
  return defaultDecoder.takeFills();
}

