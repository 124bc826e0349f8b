// mergeParts: the k-way merge of sorted parts into one new part, collapsing
// duplicate items. It is a pure function of its inputs (it only reads them
// and writes the new part), so it can move into a worker thread later.

import { compareRange } from "./bytes.ts";
import { heapDown, heapInit } from "./cursor_heap.ts";
import { Part } from "./part.ts";
import type { PartHeader } from "./part_header.ts";
import { PartSearch } from "./part_search.ts";
import type { PartWriter } from "./part_writer.ts";

function lessThan(a: PartSearch, b: PartSearch): boolean {
  return compareRange(a.data, a.start, a.end, b.data, b.start, b.end) < 0;
}

/** mergeInto adds the union of the inputs' items to w, in order and without duplicates; returns the number of items read. */
export function mergeInto(inputs: readonly Part[], w: PartWriter): number {
  const h: PartSearch[] = [];
  let read = 0;
  for (const p of inputs) {
    const ps = new PartSearch(p, false);
    ps.seekFirst();
    if (!ps.done) h.push(ps);
    read += p.header.itemsCount;
  }
  heapInit(h);
  let lastData: Uint8Array | null = null;
  let lastStart = 0;
  let lastEnd = 0;
  while (h.length > 1) {
    const top = h[0]!;
    const second = h.length === 2 || !lessThan(h[2]!, h[1]!) ? h[1]! : h[2]!;
    // Only the first item taken from a cursor can repeat the last item
    // written (which came from another cursor).
    if (lastData === null || compareRange(lastData, lastStart, lastEnd, top.data, top.start, top.end) !== 0) {
      w.add(top.data, top.start, top.end);
    }
    // Then take top's items while they stay below every other cursor's: one
    // comparison per item instead of a heap sift plus a duplicate check.
    for (;;) {
      lastData = top.data;
      lastStart = top.start;
      lastEnd = top.end;
      if (!top.next() || !lessThan(top, second)) break;
      w.add(top.data, top.start, top.end);
    }
    if (top.done) {
      const last = h.pop()!;
      if (last !== top) h[0] = last;
    }
    heapDown(h, 0);
  }
  if (h.length === 1) {
    // One input left: its items are strictly increasing, so only its
    // current item can repeat the last one written.
    const ps = h[0]!;
    if (lastData !== null && compareRange(lastData, lastStart, lastEnd, ps.data, ps.start, ps.end) === 0) ps.next();
    while (!ps.done) {
      w.add(ps.data, ps.start, ps.end);
      ps.next();
    }
  }
  return read;
}

/** mergePartsInmemory merges the inputs into a new in-memory part. */
export function mergePartsInmemory(inputs: readonly Part[]): Part {
  return Part.buildInmemory((w) => { mergeInto(inputs, w); });
}

/**
 * mergePartsToDir merges the inputs into a new file part written in outDir
 * (which must not exist); every file and outDir are fsynced. The caller
 * renames outDir into place and opens it with Part.mustOpenFile.
 */
export function mergePartsToDir(inputs: readonly Part[], outDir: string): PartHeader {
  return Part.buildFiles(outDir, (w) => { mergeInto(inputs, w); });
}
