// RawRows buffers ingested samples (TSID, timestamp, value) as columns until
// they are converted into an in-memory part, sorted by (TSID, time).

import { PartWriter } from "./part_writer.ts";
import type { Part, PartSink } from "./part.ts";

export class RawRows {
  tsid = new Float64Array(1024);
  ts = new Float64Array(1024);
  vals = new Float64Array(1024);
  n = 0;

  private grow(need: number): void {
    let cap = this.tsid.length;
    while (cap < need) cap *= 2;
    const a = new Float64Array(cap); a.set(this.tsid.subarray(0, this.n)); this.tsid = a;
    const b = new Float64Array(cap); b.set(this.ts.subarray(0, this.n)); this.ts = b;
    const c = new Float64Array(cap); c.set(this.vals.subarray(0, this.n)); this.vals = c;
  }

  /** add appends one sample. */
  add(tsid: number, t: number, v: number): void {
    if (this.n === this.tsid.length) this.grow(this.n + 1);
    const i = this.n++;
    this.tsid[i] = tsid;
    this.ts[i] = t;
    this.vals[i] = v;
  }

  /** addMany appends samples ts/vals[start:end) of one series. */
  addMany(tsid: number, ts: Float64Array, vals: Float64Array, start: number, end: number): void {
    const k = end - start;
    if (this.n + k > this.tsid.length) this.grow(this.n + k);
    this.tsid.fill(tsid, this.n, this.n + k);
    this.ts.set(ts.subarray(start, end), this.n);
    this.vals.set(vals.subarray(start, end), this.n);
    this.n += k;
  }

  reset(): void {
    this.n = 0;
    if (this.tsid.length > 1 << 21) {
      this.tsid = new Float64Array(1024);
      this.ts = new Float64Array(1024);
      this.vals = new Float64Array(1024);
    }
  }

  /** sizeBytes is the memory the buffered rows take. */
  get sizeBytes(): number { return this.n * 24; }
}

/**
 * writeSortedPart writes rows [0:n) of the given columns into a part via sink,
 * sorting them by (TSID, time) first. Rows of one series that arrived in time
 * order keep that order without a comparison sort (the common case), so this
 * is O(n) plus a sort of the distinct TSIDs.
 */
export function writeSortedPart(tsid: Float64Array, ts: Float64Array, vals: Float64Array, n: number, sink: PartSink): Part {
  // Group rows by series with a counting sort on dense slots.
  const slotOf = new Map<number, number>();
  const slotRow = new Uint32Array(n); // slot of each row
  const counts: number[] = [];
  const slotTSID: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = tsid[i]!;
    let s = slotOf.get(t);
    if (s === undefined) {
      s = slotTSID.length;
      slotOf.set(t, s);
      slotTSID.push(t);
      counts.push(0);
    }
    slotRow[i] = s;
    counts[s]!++;
  }
  const nSlots = slotTSID.length;
  const order = new Uint32Array(nSlots);
  for (let i = 0; i < nSlots; i++) order[i] = i;
  const st = Float64Array.from(slotTSID);
  order.sort((a, b) => st[a]! - st[b]!);
  const start = new Uint32Array(nSlots);
  let acc = 0;
  for (let k = 0; k < nSlots; k++) {
    const s = order[k]!;
    start[s] = acc;
    acc += counts[s]!;
  }
  const sTs = new Float64Array(n);
  const sVals = new Float64Array(n);
  const pos = start.slice();
  for (let i = 0; i < n; i++) {
    const p = pos[slotRow[i]!]!++;
    sTs[p] = ts[i]!;
    sVals[p] = vals[i]!;
  }
  const w = new PartWriter(sink, 0);
  for (let k = 0; k < nSlots; k++) {
    const s = order[k]!;
    const a = start[s]!;
    const b = a + counts[s]!;
    let inOrder = true;
    for (let i = a + 1; i < b; i++) if (sTs[i]! < sTs[i - 1]!) { inOrder = false; break; }
    if (!inOrder) sortRange(sTs, sVals, a, b);
    w.addSeries(slotTSID[s]!, sTs, sVals, a, b);
  }
  return w.finish();
}

function sortRange(ts: Float64Array, vals: Float64Array, a: number, b: number): void {
  const n = b - a;
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  perm.sort((x, y) => ts[a + x]! - ts[a + y]! || x - y);
  const t2 = new Float64Array(n);
  const v2 = new Float64Array(n);
  for (let i = 0; i < n; i++) { t2[i] = ts[a + perm[i]!]!; v2[i] = vals[a + perm[i]!]!; }
  ts.set(t2, a);
  vals.set(v2, a);
}
