// PartSearch walks the items of one part in order: seek(key) positions it at
// the first item >= key with one binary search over the in-memory metaindex,
// one over an index block and one inside a decoded block.

import { compareRange } from "./bytes.ts";
import type { BlockHeader } from "./block_header.ts";
import type { DecodedBlock } from "./block_codec.ts";
import type { MetaindexRow } from "./metaindex_row.ts";
import type { Part } from "./part.ts";

const emptyBuf = Buffer.alloc(0);

/**
 * PartSearch is a cursor over one part. After seek/seekFirst/next returned
 * or left done === false, the current item is data[start:end] (data is
 * immutable, so the range stays valid after the cursor moves on).
 */
export class PartSearch {
  readonly part: Part;
  private readonly useCache: boolean;
  data: Buffer = emptyBuf;
  start = 0;
  end = 0;
  done = true;
  private mi = 0;
  private bhs: BlockHeader[] = [];
  private bi = 0;
  private blk: DecodedBlock | null = null;
  private i = 0;

  /** useCache=false reads around the shared block cache (merges read each block once). */
  constructor(part: Part, useCache = true) {
    this.part = part;
    this.useCache = useCache;
  }

  /** seekFirst positions the cursor at the part's first item. */
  seekFirst(): void {
    this.done = true;
    if (this.part.metaindex.length === 0) return;
    this.loadIndex(0);
    this.loadBlock(0);
    this.i = 0;
    this.setCurrent();
  }

  /** seek positions the cursor at the first item >= key (done when there is none). */
  seek(key: Uint8Array): void {
    this.done = true;
    const part = this.part;
    const h = part.header;
    if (h.itemsCount === 0) return;
    const kl = key.length;
    if (compareRange(key, 0, kl, h.lastItem, 0, h.lastItem.length) > 0) return;
    // The last index block, then block, whose first item is <= key.
    const mi = lastLE(part.metaindex, key);
    this.loadIndex(mi);
    const bi = lastLE(this.bhs, key);
    this.loadBlock(bi);
    const b = this.blk!;
    const data = b.data;
    const offs = b.offs;
    let lo = 0;
    let hi = b.n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (compareRange(data, offs[m]!, offs[m + 1]!, key, 0, kl) < 0) lo = m + 1;
      else hi = m;
    }
    this.i = lo;
    if (lo === b.n) {
      // key falls between this block's last item and the next block's first.
      if (!this.nextBlock()) return;
    }
    this.setCurrent();
  }

  /** next moves to the following item; returns false (and sets done) at the end. */
  next(): boolean {
    if (this.done) return false;
    this.i++;
    if (this.i === this.blk!.n && !this.nextBlock()) {
      this.done = true;
      return false;
    }
    this.setCurrent();
    return true;
  }

  private setCurrent(): void {
    const b = this.blk!;
    this.data = b.data;
    this.start = b.offs[this.i]!;
    this.end = b.offs[this.i + 1]!;
    this.done = false;
  }

  private nextBlock(): boolean {
    let bi = this.bi + 1;
    if (bi === this.bhs.length) {
      const mi = this.mi + 1;
      if (mi === this.part.metaindex.length) return false;
      this.loadIndex(mi);
      bi = 0;
    }
    this.loadBlock(bi);
    this.i = 0;
    return true;
  }

  private loadIndex(mi: number): void {
    this.mi = mi;
    this.bhs = this.useCache ? this.part.getIndexBlock(mi) : this.part.readIndexBlock(mi);
  }

  private loadBlock(bi: number): void {
    this.bi = bi;
    const bh = this.bhs[bi]!;
    this.blk = this.useCache ? this.part.getBlock(bh) : this.part.readBlock(bh);
  }
}

/** lastLE returns the index of the last row whose firstItem <= key, or 0 when there is none. */
function lastLE(rows: readonly (MetaindexRow | BlockHeader)[], key: Uint8Array): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    const fi = rows[m]!.firstItem;
    if (compareRange(fi, 0, fi.length, key, 0, key.length) <= 0) lo = m + 1;
    else hi = m;
  }
  return lo === 0 ? 0 : lo - 1;
}
