// A binary min-heap of part cursors ordered by their current items: the
// k-way merge behind TableSearch and mergeParts.

import { compareRange } from "./bytes.ts";
import type { PartSearch } from "./part_search.ts";

function less(a: PartSearch, b: PartSearch): boolean {
  return compareRange(a.data, a.start, a.end, b.data, b.start, b.end) < 0;
}

/** heapInit orders h (cursors that are not done) as a min-heap. */
export function heapInit(h: PartSearch[]): void {
  for (let i = (h.length >>> 1) - 1; i >= 0; i--) heapDown(h, i);
}

/** heapDown restores the heap property below index i after h[i]'s item grew. */
export function heapDown(h: PartSearch[], i: number): void {
  const n = h.length;
  const x = h[i]!;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && less(h[c + 1]!, h[c]!)) c++;
    if (!less(h[c]!, x)) break;
    h[i] = h[c]!;
    i = c;
  }
  h[i] = x;
}

/** heapAdvanceTop moves the top cursor to its next item and restores the heap (dropping the cursor when it is done). */
export function heapAdvanceTop(h: PartSearch[]): void {
  const top = h[0]!;
  if (top.next()) {
    if (h.length > 1) heapDown(h, 0);
    return;
  }
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    heapDown(h, 0);
  }
}
