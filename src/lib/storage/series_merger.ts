// SeriesMerger combines the blocks of several parts into one stream of series:
// for each TSID in ascending order, all its samples from every part, decoded,
// sorted by time, optionally deduplicated and clipped. Merges and searches
// both read through it.

import { unmarshalInt64Array, unmarshalValues } from "../encoding/index.ts";
import { BlockCursor } from "./block_cursor.ts";
import { deduplicateSamples } from "./dedup.ts";
import type { Part } from "./part.ts";

/** decodeBlock decodes block h of cursor c into ts/vals at offset off; returns the row count. */
export function decodeBlock(c: BlockCursor, ts: Float64Array, vals: Float64Array, off: number): number {
  const ib = c.ib!;
  const h = c.h;
  const n = ib.rows[h]!;
  const src = c.part.source;
  const tsBytes = src.readTimestamps(ib.tsOffset[h]!, ib.tsSize[h]!);
  unmarshalInt64Array(off === 0 ? ts : ts.subarray(off), tsBytes, ib.tsType[h]!, ib.minT[h]!, n);
  const valBytes = src.readValues(ib.valOffset[h]!, ib.valSize[h]!);
  unmarshalValues(off === 0 ? vals : vals.subarray(off), valBytes, ib.valType[h]!, ib.firstValue[h]!, ib.scale[h]!, n);
  return n;
}

export interface MergeOptions {
  /** keep only samples in [minT, maxT] */
  minT: number;
  maxT: number;
  /** dedup interval in ms; 0 = none */
  dedupInterval: number;
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
      let sorted = true;
      let lastT = -Infinity;
      for (let i = 0; i < this.cursors.length; i++) {
        const c = this.cursors[i]!;
        while (c.tsid === min) {
          const rows = c.ib!.rows[c.h]!;
          this.ensure(this.n + rows);
          if (c.ib!.minT[c.h]! < lastT) sorted = false;
          decodeBlock(c, this.ts, this.vals, this.n);
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
      if (!sorted) this.sortByTime();
      this.clip();
      const del = this.opts.deleteRange?.(min);
      if (del !== undefined) this.dropRange(del[0], del[1]);
      if (this.opts.dedupInterval > 0) this.n = deduplicateSamples(this.ts, this.vals, this.n, this.opts.dedupInterval);
      if (this.n > 0) return true;
    }
  }

  private sortByTime(): void {
    const n = this.n;
    const perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    const ts = this.ts;
    // Stable: equal timestamps keep their order of arrival (part order).
    perm.sort((a, b) => ts[a]! - ts[b]! || a - b);
    if (this.tmpTs.length < n) { this.tmpTs = new Float64Array(this.ts.length); this.tmpVals = new Float64Array(this.ts.length); }
    for (let i = 0; i < n; i++) { this.tmpTs[i] = ts[perm[i]!]!; this.tmpVals[i] = this.vals[perm[i]!]!; }
    this.ts.set(this.tmpTs.subarray(0, n));
    this.vals.set(this.tmpVals.subarray(0, n));
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
