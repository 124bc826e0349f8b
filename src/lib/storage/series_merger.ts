// SeriesMerger combines the blocks of several parts into one stream of series:
// for each TSID in ascending order, all its samples from every part, decoded,
// sorted by time, optionally deduplicated and clipped. Merges and searches
// both read through it.

import { unmarshalInt64Array, unmarshalValues } from "../encoding/index.ts";
import { BlockCursor } from "./block_cursor.ts";
import { deduplicateSamples } from "./dedup.ts";
import { blockPayloadCache } from "./block_payload_cache.ts";
import type { Part } from "./part.ts";
import type { IndexBlock } from "./block_header.ts";

/** decodeBlock decodes block h of cursor c into ts/vals at offset off; returns the row count. */
export function decodeBlock(c: BlockCursor, ts: Float64Array, vals: Float64Array, off: number, useCache = false): number {
  return decodeBlockAt(c.part, c.ib!, c.h, ts, vals, off, useCache);
}

/** decodeBlockAt decodes header h of index block ib of part into ts/vals at offset off; returns the row count. */
export function decodeBlockAt(part: Part, ib: IndexBlock, h: number, ts: Float64Array, vals: Float64Array, off: number, useCache = false): number {
  const n = ib.rows[h]!;
  const src = part.source;
  if (!useCache) {
    unmarshalInt64Array(off === 0 ? ts : ts.subarray(off), src.readTimestamps(ib.tsOffset[h]!, ib.tsSize[h]!), ib.tsType[h]!, ib.minT[h]!, n);
    unmarshalValues(off === 0 ? vals : vals.subarray(off), src.readValues(ib.valOffset[h]!, ib.valSize[h]!), ib.valType[h]!, ib.firstValue[h]!, ib.scale[h]!, n);
    return n;
  }
  const [tsBytes, tsType] = blockPayloadCache.payload(part.seq, src, "t", ib.tsOffset[h]!, ib.tsSize[h]!, ib.tsType[h]!, n);
  unmarshalInt64Array(off === 0 ? ts : ts.subarray(off), tsBytes, tsType, ib.minT[h]!, n);
  const [valBytes, valType] = blockPayloadCache.payload(part.seq, src, "v", ib.valOffset[h]!, ib.valSize[h]!, ib.valType[h]!, n);
  unmarshalValues(off === 0 ? vals : vals.subarray(off), valBytes, valType, ib.firstValue[h]!, ib.scale[h]!, n);
  return n;
}

// upperBound returns the first index in [lo, hi) whose a[] is > x (hi if none).
function upperBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! <= x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

// lowerBound returns the first index in [lo, hi) whose a[] is >= x (hi if none).
function lowerBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

export interface MergeOptions {
  /** keep only samples in [minT, maxT] */
  minT: number;
  maxT: number;
  /** dedup interval in ms; 0 = none */
  dedupInterval: number;
  /** read zstd blocks through blockPayloadCache (searches; merges read each block once and do not) */
  useBlockCache?: boolean;
  /** for a TSID returns a time range whose samples must be dropped (deletion), if any */
  deleteRange?: (tsid: number) => readonly [number, number] | undefined;
}

export class SeriesMerger {
  private cursors: BlockCursor[] = [];
  private opts: MergeOptions;
  /** current series, valid after next() returned true */
  tsid = 0;
  ts = new Float64Array(8192);
  vals = new Float64Array(8192);
  n = 0;
  private tmpTs = new Float64Array(0);
  private tmpVals = new Float64Array(0);
  /** blocks decoded so far (for stats) */
  blocksRead = 0;
  /** where each decoded block starts in ts/vals (runs of sorted samples) */
  private runStarts: number[] = [];

  constructor(parts: readonly Part[], tsids: Float64Array | undefined, opts: MergeOptions) {
    this.opts = opts;
    for (const p of parts) {
      const c = new BlockCursor(p, tsids, opts.minT, opts.maxT);
      if (c.next()) this.cursors.push(c);
    }
  }

  private ensure(n: number): void {
    if (this.ts.length >= n) return;
    let cap = this.ts.length * 2;
    while (cap < n) cap *= 2;
    const ts = new Float64Array(cap); ts.set(this.ts.subarray(0, this.n));
    const vals = new Float64Array(cap); vals.set(this.vals.subarray(0, this.n));
    this.ts = ts; this.vals = vals;
  }

  /** next moves to the next series that has samples left after filtering; false at the end. */
  next(): boolean {
    for (;;) {
      if (this.cursors.length === 0) return false;
      let min = Infinity;
      for (const c of this.cursors) { const t = c.tsid; if (t < min) min = t; }
      this.tsid = min;
      this.n = 0;
      // Each block is sorted by time; blocks of several parts may interleave
      // (merges combine parts that are not neighbours in time), so the runs
      // are merged when they are not already in order.
      let sorted = true;
      let lastT = -Infinity;
      const runs = this.runStarts;
      runs.length = 0;
      for (let i = 0; i < this.cursors.length; i++) {
        const c = this.cursors[i]!;
        while (c.tsid === min) {
          const rows = c.ib!.rows[c.h]!;
          this.ensure(this.n + rows);
          if (c.ib!.minT[c.h]! < lastT) sorted = false;
          runs.push(this.n);
          decodeBlock(c, this.ts, this.vals, this.n, this.opts.useBlockCache === true);
          this.blocksRead++;
          this.n += rows;
          lastT = this.ts[this.n - 1]!;
          if (!c.next()) {
            this.cursors.splice(i, 1);
            i--;
            break;
          }
        }
      }
      if (!sorted) this.mergeRuns();
      this.clip();
      const del = this.opts.deleteRange?.(min);
      if (del !== undefined) this.dropRange(del[0], del[1]);
      if (this.opts.dedupInterval > 0) this.n = deduplicateSamples(this.ts, this.vals, this.n, this.opts.dedupInterval);
      if (this.n > 0) return true;
    }
  }

  // mergeRuns sorts ts/vals by time, given that each run (from runStarts)
  // is sorted: bottom-up merges of neighbouring runs, O(n log runs). Ties
  // keep run order (part order), as a stable sort would.
  private mergeRuns(): void {
    const n = this.n;
    const runs = this.runStarts;
    runs.push(n);
    if (this.tmpTs.length < this.ts.length) { this.tmpTs = new Float64Array(this.ts.length); this.tmpVals = new Float64Array(this.ts.length); }
    let srcT = this.ts, srcV = this.vals, dstT = this.tmpTs, dstV = this.tmpVals;
    let bounds = runs;
    while (bounds.length > 2) {
      const next: number[] = [];
      for (let r = 0; r + 1 < bounds.length; r += 2) {
        const a0 = bounds[r]!, a1 = bounds[r + 1]!;
        const b1 = r + 2 < bounds.length ? bounds[r + 2]! : a1;
        let i = a0, j = a1, o = a0;
        // Runs of parts usually overlap only at their ends: copy whole
        // stretches found by binary search instead of sample by sample.
        while (i < a1 && j < b1) {
          // Left samples up to and including the right run's next timestamp (ties: left first).
          const k = upperBound(srcT, i, a1, srcT[j]!);
          if (k > i) {
            dstT.set(srcT.subarray(i, k), o); dstV.set(srcV.subarray(i, k), o);
            o += k - i; i = k;
            if (i >= a1) break;
          }
          // Right samples strictly before the left run's next timestamp.
          const m = lowerBound(srcT, j, b1, srcT[i]!);
          dstT.set(srcT.subarray(j, m), o); dstV.set(srcV.subarray(j, m), o);
          o += m - j; j = m;
        }
        if (i < a1) { dstT.set(srcT.subarray(i, a1), o); dstV.set(srcV.subarray(i, a1), o); o += a1 - i; }
        if (j < b1) { dstT.set(srcT.subarray(j, b1), o); dstV.set(srcV.subarray(j, b1), o); }
        next.push(a0);
      }
      next.push(n);
      bounds = next;
      const t = srcT; srcT = dstT; dstT = t;
      const v = srcV; srcV = dstV; dstV = v;
    }
    if (srcT !== this.ts) {
      // The result sits in the scratch arrays: swap them in.
      this.tmpTs = this.ts; this.tmpVals = this.vals;
      this.ts = srcT; this.vals = srcV;
    }
  }

  private clip(): void {
    const { minT, maxT } = this.opts;
    const n = this.n;
    if (n === 0 || (this.ts[0]! >= minT && this.ts[n - 1]! <= maxT)) return;
    let s = 0;
    while (s < n && this.ts[s]! < minT) s++;
    let e = n;
    while (e > s && this.ts[e - 1]! > maxT) e--;
    if (s > 0) { this.ts.copyWithin(0, s, e); this.vals.copyWithin(0, s, e); }
    this.n = e - s;
  }

  private dropRange(a: number, b: number): void {
    let out = 0;
    for (let i = 0; i < this.n; i++) {
      const t = this.ts[i]!;
      if (t >= a && t <= b) continue;
      this.ts[out] = t;
      this.vals[out] = this.vals[i]!;
      out++;
    }
    this.n = out;
  }
}
