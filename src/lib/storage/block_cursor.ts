// BlockCursor walks the block headers of one part in (TSID, minT) order,
// optionally only those of wanted series and a time range, skipping index
// blocks through the metaindex so that a search reads only what it needs.

import type { IndexBlock } from "./block_header.ts";
import type { Part } from "./part.ts";

function lowerBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

export class BlockCursor {
  readonly part: Part;
  private tsids: Float64Array | undefined;
  private w = 0;
  private minT: number;
  private maxT: number;
  private mi = 0;
  /** the current index block and header position, valid after next() returned true */
  ib: IndexBlock | null = null;
  h = 0;
  private started = false;

  constructor(part: Part, tsids: Float64Array | undefined, minT: number, maxT: number) {
    this.part = part;
    this.tsids = tsids;
    this.minT = minT;
    this.maxT = maxT;
  }

  /** tsid of the current block */
  get tsid(): number { return this.ib!.tsid[this.h]!; }

  /** next moves to the next matching block; false at the end. */
  next(): boolean {
    if (this.started && this.ib !== null) this.h++;
    this.started = true;
    const m = this.part.metaindex;
    const tsids = this.tsids;
    for (;;) {
      if (this.ib === null) {
        if (this.mi >= m.n) return false;
        if (tsids !== undefined) {
          if (this.w >= tsids.length) return false;
          const want = tsids[this.w]!;
          if (m.lastTSID[this.mi]! < want) {
            // Jump to the first index block whose last TSID is >= want.
            this.mi = lowerBound(m.lastTSID, this.mi, m.n, want);
            continue;
          }
          if (m.firstTSID[this.mi]! > want) {
            // No wanted series before this block's first TSID: skip the wanted ones below it.
            this.w = lowerBound(tsids, this.w, tsids.length, m.firstTSID[this.mi]!);
            continue;
          }
        }
        if (m.maxT[this.mi]! < this.minT || m.minT[this.mi]! > this.maxT) {
          this.mi++;
          continue;
        }
        this.ib = this.part.indexBlock(this.mi);
        this.h = 0;
        if (tsids !== undefined) this.h = lowerBound(this.ib.tsid, 0, this.ib.n, tsids[this.w]!);
      }
      const ib = this.ib;
      if (this.h >= ib.n) {
        this.ib = null;
        this.mi++;
        continue;
      }
      const t = ib.tsid[this.h]!;
      if (tsids !== undefined) {
        if (tsids[this.w]! < t) this.w = lowerBound(tsids, this.w, tsids.length, t);
        if (this.w >= tsids.length) return false;
        const want = tsids[this.w]!;
        if (want > t) {
          this.h = lowerBound(ib.tsid, this.h, ib.n, want);
          continue;
        }
      }
      if (ib.maxT[this.h]! < this.minT || ib.minT[this.h]! > this.maxT) {
        this.h++;
        continue;
      }
      return true;
    }
  }
}
