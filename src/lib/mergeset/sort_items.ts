// Sorting pending items. Index rows share long prefixes, so a comparison
// sort spends most of its time re-comparing the same leading bytes. This is
// an MSD radix sort on an index array: each pass buckets a range by the byte
// at `depth`; a range whose items all share that byte just moves to the next
// depth; small ranges finish with an insertion sort that starts comparing at
// `depth`. An explicit stack keeps deep prefixes off the call stack.

import { compareRange } from "./bytes.ts";

const insertionSortMax = 24;

/**
 * sortItems reorders idx so that the items data[starts[k]:ends[k]] for k in
 * idx ascend bytewise (unsigned); equal items end up adjacent.
 */
export function sortItems(data: Uint8Array, starts: Uint32Array, ends: Uint32Array, idx: Uint32Array): void {
  const n = idx.length;
  if (n < 2) return;
  const tmp = new Uint32Array(n);
  const counts = new Int32Array(257);
  const stack: number[] = [0, n, 0];
  while (stack.length > 0) {
    let depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    for (;;) {
      if (hi - lo <= insertionSortMax) {
        insertionSort(data, starts, ends, idx, lo, hi, depth);
        break;
      }
      // Bucket 0 holds items that end at depth; bucket b+1 those with byte b there.
      counts.fill(0);
      let k = idx[lo]!;
      let p = starts[k]! + depth;
      const c0 = p < ends[k]! ? data[p]! + 1 : 0;
      let same = true;
      for (let i = lo; i < hi; i++) {
        k = idx[i]!;
        p = starts[k]! + depth;
        const c = p < ends[k]! ? data[p]! + 1 : 0;
        counts[c]!++;
        if (c !== c0) same = false;
      }
      if (same) {
        if (c0 === 0) break; // all items are equal
        depth++;
        continue;
      }
      // counts -> bucket start positions.
      let pos = lo;
      for (let c = 0; c < 257; c++) {
        const m = counts[c]!;
        counts[c] = pos;
        if (c > 0 && m > 1) stack.push(pos, pos + m, depth + 1);
        pos += m;
      }
      for (let i = lo; i < hi; i++) {
        k = idx[i]!;
        p = starts[k]! + depth;
        const c = p < ends[k]! ? data[p]! + 1 : 0;
        tmp[counts[c]!++] = k;
      }
      idx.set(tmp.subarray(lo, hi), lo);
      break;
    }
  }
}

function insertionSort(data: Uint8Array, starts: Uint32Array, ends: Uint32Array, idx: Uint32Array, lo: number, hi: number, depth: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const k = idx[i]!;
    const ks = starts[k]! + depth;
    const ke = ends[k]!;
    let j = i - 1;
    while (j >= lo) {
      const m = idx[j]!;
      if (compareRange(data, starts[m]! + depth, ends[m]!, data, ks, ke) <= 0) break;
      idx[j + 1] = m;
      j--;
    }
    idx[j + 1] = k;
  }
}
