// TableSearch: a k-way merge over the cursors of every part of a table, as
// the table was when the search started. Items present in several parts are
// returned once.

import { compareRange } from "./bytes.ts";
import { heapAdvanceTop, heapInit } from "./cursor_heap.ts";
import { PartSearch } from "./part_search.ts";
import type { PartWrapper } from "./part_wrapper.ts";

const emptyItem = new Uint8Array(0);

/**
 * TableSearch iterates a consistent view of a table in ascending bytewise
 * order. It holds references to the parts it reads, so close() it when
 * done. A new search starts before the first item, as after seek(empty).
 */
export class TableSearch {
  /** item is the current item after nextItem() returned true; valid until the next call. */
  item: Uint8Array = emptyItem;
  private readonly pws: PartWrapper[];
  private readonly cursors: PartSearch[];
  private readonly heap: PartSearch[] = [];
  private needSeek = true;
  private fresh = false;
  private closed = false;
  private lastData: Uint8Array | null = null;
  private lastStart = 0;
  private lastEnd = 0;

  /** The table creates searches; pws must already be referenced for this search. */
  constructor(pws: PartWrapper[]) {
    this.pws = pws;
    this.cursors = pws.map((pw) => new PartSearch(pw.part));
  }

  /** seek positions the search so that the next nextItem() returns the first item >= key. */
  seek(key: Uint8Array): void {
    if (this.closed) throw new Error("BUG: seek on a closed TableSearch");
    this.needSeek = false;
    const h = this.heap;
    h.length = 0;
    for (const ps of this.cursors) {
      ps.seek(key);
      if (!ps.done) h.push(ps);
    }
    heapInit(h);
    this.fresh = true;
    this.lastData = null;
    this.item = emptyItem;
  }

  /** nextItem advances to the next item; returns false at the end. After true, item holds it. */
  nextItem(): boolean {
    if (this.closed) throw new Error("BUG: nextItem on a closed TableSearch");
    if (this.needSeek) this.seek(emptyItem);
    const h = this.heap;
    if (this.fresh) this.fresh = false;
    else if (h.length > 0) heapAdvanceTop(h);
    // Items are strictly increasing within a part: only several parts can repeat one.
    if (this.lastData !== null && this.cursors.length > 1) {
      const ld = this.lastData;
      const ls = this.lastStart;
      const le = this.lastEnd;
      while (h.length > 0 && compareRange(h[0]!.data, h[0]!.start, h[0]!.end, ld, ls, le) === 0) heapAdvanceTop(h);
    }
    if (h.length === 0) {
      this.item = emptyItem;
      this.lastData = null;
      return false;
    }
    const top = h[0]!;
    // A plain view is cheaper to create than Buffer.subarray (~40 vs ~65 ns).
    this.item = new Uint8Array(top.data.buffer, top.data.byteOffset + top.start, top.end - top.start);
    this.lastData = top.data;
    this.lastStart = top.start;
    this.lastEnd = top.end;
    return true;
  }

  /** close releases the parts; the search cannot be used afterwards. Closing twice is a no-op. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.heap.length = 0;
    for (const pw of this.pws) pw.decRef();
  }
}
