// SampleRuns collects the decoded blocks of one series, then puts them in
// time order, clips them to a range and deduplicates them. Blocks of one part
// are sorted; blocks of several parts may interleave (merges combine parts
// that are not neighbours in time), so each block is a sorted run and runs
// are merged only when they are out of order.

import { unmarshalInt64Array, unmarshalValues } from "../encoding/index.ts";
import { deduplicateSamples } from "./dedup.ts";

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

/**
 * SampleRuns holds the samples of one series: ts/vals[start:start+n]
 * (start is 0 unless finish was allowed to leave it). reset() starts a
 * series, addBlock() appends a decoded block (a run sorted by time),
 * finish() sorts, clips and deduplicates. The arrays are reused and may be
 * replaced by larger ones.
 */
export class SampleRuns {
  ts = new Float64Array(8192);
  vals = new Float64Array(8192);
  n = 0;
  start = 0;
  private tmpTs = new Float64Array(0);
  private tmpVals = new Float64Array(0);
  private runStarts: number[] = [];
  private sorted = true;

  /** reset empties the buffer for the next series. */
  reset(): void {
    this.n = 0;
    this.start = 0;
    this.runStarts.length = 0;
    this.sorted = true;
  }

  /**
   * addBlock decodes one block (its timestamp and value payloads, already
   * decompressed if they were zstd, with their marshal types and header
   * fields) and appends its rows as a run. Values of samples older than
   * skipBefore, which finish will clip away, may be left undecoded.
   */
  addBlock(rows: number, tsBytes: Uint8Array, tsType: number, minT: number, valBytes: Uint8Array, valType: number, firstValue: number, scale: number, skipBefore = -Infinity): void {
    const off = this.n;
    this.ensure(off + rows);
    if (off > 0 && minT < this.ts[off - 1]!) this.sorted = false;
    this.runStarts.push(off);
    unmarshalInt64Array(off === 0 ? this.ts : this.ts.subarray(off), tsBytes, tsType, minT, rows);
    const from = minT < skipBefore ? lowerBound(this.ts, off, off + rows, skipBefore) - off : 0;
    unmarshalValues(off === 0 ? this.vals : this.vals.subarray(off), valBytes, valType, firstValue, scale, rows, from);
    this.n = off + rows;
  }

  /** addBlockWithTimestamps is addBlock with the timestamps already decoded (ts.length rows). */
  addBlockWithTimestamps(ts: Float64Array, minT: number, valBytes: Uint8Array, valType: number, firstValue: number, scale: number, skipBefore = -Infinity): void {
    const off = this.n;
    const rows = ts.length;
    this.ensure(off + rows);
    if (off > 0 && minT < this.ts[off - 1]!) this.sorted = false;
    this.runStarts.push(off);
    this.ts.set(ts, off);
    const from = minT < skipBefore ? lowerBound(this.ts, off, off + rows, skipBefore) - off : 0;
    unmarshalValues(off === 0 ? this.vals : this.vals.subarray(off), valBytes, valType, firstValue, scale, rows, from);
    this.n = off + rows;
  }

  /**
   * finish puts the runs in time order, keeps samples in [minT, maxT], drops
   * those in del (a deleted range) and deduplicates with interval dedup (0:
   * none). With keepStart, samples before minT are skipped by moving start
   * instead of being copied over (when there is nothing to drop or dedup).
   */
  finish(minT: number, maxT: number, dedup: number, del?: readonly [number, number], keepStart = false): void {
    if (!this.sorted) this.mergeRuns();
    this.clip(minT, maxT, keepStart && dedup <= 0 && del === undefined);
    if (del !== undefined) this.dropRange(del[0], del[1]);
    if (dedup > 0) this.n = deduplicateSamples(this.ts, this.vals, this.n, dedup);
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

  private ensure(n: number): void {
    if (this.ts.length >= n) return;
    let cap = this.ts.length * 2;
    while (cap < n) cap *= 2;
    const ts = new Float64Array(cap); ts.set(this.ts.subarray(0, this.n));
    const vals = new Float64Array(cap); vals.set(this.vals.subarray(0, this.n));
    this.ts = ts; this.vals = vals;
  }

  // mergeRuns sorts ts/vals by time, given that each run is sorted:
  // bottom-up merges of neighbouring runs, O(n log runs). Ties keep run order
  // (part order), as a stable sort would.
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

  private clip(minT: number, maxT: number, keepStart: boolean): void {
    const n = this.n;
    if (n === 0 || (this.ts[0]! >= minT && this.ts[n - 1]! <= maxT)) return;
    let s = 0;
    if (this.ts[0]! < minT) {
      // Blocks often start long before the range: binary search.
      let hi = n;
      while (s < hi) {
        const m = (s + hi) >>> 1;
        if (this.ts[m]! < minT) s = m + 1;
        else hi = m;
      }
    }
    let e = n;
    while (e > s && this.ts[e - 1]! > maxT) e--;
    if (keepStart) this.start = s;
    else if (s > 0) { this.ts.copyWithin(0, s, e); this.vals.copyWithin(0, s, e); }
    this.n = e - s;
  }
}
