// RawRows buffers ingested samples (TSID, timestamp, value) as columns until
// they are converted into an in-memory part, sorted by (TSID, time).

import { PartWriter } from "./part_writer.ts";
import type { Part, PartSink } from "./part.ts";

/** MAX_RAW_ROWS: the storage turns raw rows into an in-memory part once this many are buffered. */
export const MAX_RAW_ROWS = 1 << 19;

export class RawRows {
  ts = new Float64Array(1024);
  vals = new Float64Array(1024);
  n = 0;
  // Runs: consecutive rows of one series, as added. Sorting works on runs, so
  // a batch of thousands of samples per series costs one step, not thousands.
  // They also hold the rows' TSIDs: a column of them would cost 4 MiB at
  // MAX_RAW_ROWS and say nothing more (see tsids()).
  runTSID = new Float64Array(256);
  runStart = new Uint32Array(256);
  runs = 0;
  /** writeRawRowsPart's work arrays, kept for the next flush */
  scratch = new SortScratch();

  private addRun(tsid: number, start: number): void {
    if (this.runs > 0 && this.runTSID[this.runs - 1] === tsid) return; // extends the previous run
    if (this.runs === this.runTSID.length) {
      const a = new Float64Array(this.runs * 2); a.set(this.runTSID); this.runTSID = a;
      const b = new Uint32Array(this.runs * 2); b.set(this.runStart); this.runStart = b;
    }
    this.runTSID[this.runs] = tsid;
    this.runStart[this.runs] = start;
    this.runs++;
  }

  private grow(need: number): void {
    let cap = this.ts.length;
    while (cap < need) cap *= 2;
    const b = new Float64Array(cap); b.set(this.ts.subarray(0, this.n)); this.ts = b;
    const c = new Float64Array(cap); c.set(this.vals.subarray(0, this.n)); this.vals = c;
  }

  /** add appends one sample. */
  add(tsid: number, t: number, v: number): void {
    if (this.n === this.ts.length) this.grow(this.n + 1);
    this.addRun(tsid, this.n);
    const i = this.n++;
    this.ts[i] = t;
    this.vals[i] = v;
  }

  /** addMany appends samples ts/vals[start:end) of one series. */
  addMany(tsid: number, ts: Float64Array, vals: Float64Array, start: number, end: number): void {
    const k = end - start;
    if (this.n + k > this.ts.length) this.grow(this.n + k);
    this.addRun(tsid, this.n);
    if (k <= 16) {
      // One sample per series (remote write): a loop beats creating subarrays.
      const o = this.n - start;
      for (let i = start; i < end; i++) { this.ts[o + i] = ts[i]!; this.vals[o + i] = vals[i]!; }
    } else {
      this.ts.set(ts.subarray(start, end), this.n);
      this.vals.set(vals.subarray(start, end), this.n);
    }
    this.n += k;
  }

  reset(): void {
    this.n = 0;
    this.runs = 0;
    // Keep the arrays for the next batch (regrowing them each time costs more
    // than it saves), unless a huge batch made them larger than usual.
    if (this.runTSID.length > 2 * MAX_RAW_ROWS) { this.runTSID = new Float64Array(256); this.runStart = new Uint32Array(256); }
    if (this.scratch.next.length > 2 * MAX_RAW_ROWS || this.scratch.ts.length > 2 * MAX_RAW_ROWS) this.scratch = new SortScratch();
    if (this.ts.length > 2 * MAX_RAW_ROWS) {
      this.ts = new Float64Array(1024);
      this.vals = new Float64Array(1024);
    }
  }

  /** tsids returns a new column with the TSID of each buffered row (rows [0:n)). */
  tsids(): Float64Array {
    const out = new Float64Array(this.n);
    for (let r = 0; r < this.runs; r++) {
      const end = r + 1 < this.runs ? this.runStart[r + 1]! : this.n;
      out.fill(this.runTSID[r]!, this.runStart[r]!, end);
    }
    return out;
  }

  /** sizeBytes is the memory the buffered rows take. */
  get sizeBytes(): number { return this.n * 16 + this.runs * 12; }
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

/**
 * SortScratch holds writeRawRowsPart's work arrays from one flush to the next.
 * Allocated anew for each flush (megabytes at MAX_RAW_ROWS), they outlived a
 * few young-generation collections and so became garbage that V8 frees only
 * in a full collection: a large part of the RSS that piled up between those
 * during ingestion.
 */
export class SortScratch {
  /** per run: the next run of the same series, or -1 */
  next = new Int32Array(0);
  /** per slot (distinct series): first and last run, TSID, rows, and the slots in TSID order */
  head = new Int32Array(0);
  tail = new Int32Array(0);
  slotTSID = new Float64Array(0);
  slotCount = new Uint32Array(0);
  order = new Uint32Array(0);
  /** the samples of one series gathered from several runs */
  ts = new Float64Array(1024);
  vals = new Float64Array(1024);
  slotOf = new Map<number, number>();

  /** ensure makes room for runs runs and at least slots slots. */
  ensure(runs: number, slots: number): void {
    if (this.next.length < runs) this.next = new Int32Array(runs);
    if (this.head.length >= slots) return;
    const cap = Math.max(slots, 2 * this.head.length, 1024);
    const grow = <T extends Int32Array | Uint32Array | Float64Array>(a: T, b: T): T => { b.set(a); return b; };
    this.head = grow(this.head, new Int32Array(cap));
    this.tail = grow(this.tail, new Int32Array(cap));
    this.slotTSID = grow(this.slotTSID, new Float64Array(cap));
    this.slotCount = grow(this.slotCount, new Uint32Array(cap));
    this.order = new Uint32Array(cap);
  }
}

/**
 * writeRawRowsPart writes all rows of raw into a part via sink, sorted by
 * (TSID, time). It works on runs: a series whose rows arrived as one run in
 * time order is written straight from the raw columns without a copy.
 */
export function writeRawRowsPart(raw: RawRows, sink: PartSink): Part {
  const runs = raw.runs;
  const runEnd = (r: number) => (r + 1 < runs ? raw.runStart[r + 1]! : raw.n);
  const sc = raw.scratch;
  sc.ensure(runs, 0);
  const next = sc.next;
  const slotOf = sc.slotOf;
  slotOf.clear();
  let nSlots = 0;
  for (let r = 0; r < runs; r++) {
    const t = raw.runTSID[r]!;
    let s = slotOf.get(t);
    next[r] = -1;
    if (s === undefined) {
      s = nSlots++;
      if (s === sc.head.length) sc.ensure(runs, nSlots);
      slotOf.set(t, s);
      sc.slotTSID[s] = t;
      sc.slotCount[s] = 0;
      sc.head[s] = r;
    } else {
      next[sc.tail[s]!] = r;
    }
    sc.tail[s] = r;
    sc.slotCount[s] += runEnd(r) - raw.runStart[r]!;
  }
  slotOf.clear();
  const { head, slotTSID, slotCount } = sc;
  const order = sc.order.subarray(0, nSlots);
  for (let i = 0; i < nSlots; i++) order[i] = i;
  order.sort((a, b) => slotTSID[a]! - slotTSID[b]!);
  const w = new PartWriter(sink, 0);
  for (let k = 0; k < nSlots; k++) {
    const s = order[k]!;
    const r0 = head[s]!;
    if (next[r0] === -1) {
      const a = raw.runStart[r0]!, b = runEnd(r0);
      let inOrder = true;
      for (let i = a + 1; i < b; i++) if (raw.ts[i]! < raw.ts[i - 1]!) { inOrder = false; break; }
      if (inOrder) {
        w.addSeries(slotTSID[s]!, raw.ts, raw.vals, a, b);
        continue;
      }
    }
    const n = slotCount[s]!;
    if (sc.ts.length < n) { sc.ts = new Float64Array(n * 2); sc.vals = new Float64Array(n * 2); }
    const scratchTs = sc.ts, scratchVals = sc.vals;
    let o = 0;
    const rts = raw.ts, rvals = raw.vals;
    for (let r = r0; r !== -1; r = next[r]!) {
      const a = raw.runStart[r]!, b = runEnd(r);
      if (b - a <= 16) {
        // Short runs (one sample per series per request, as remote write sends):
        // a loop beats creating two subarrays per run.
        for (let i = a; i < b; i++, o++) { scratchTs[o] = rts[i]!; scratchVals[o] = rvals[i]!; }
      } else {
        scratchTs.set(rts.subarray(a, b), o);
        scratchVals.set(rvals.subarray(a, b), o);
        o += b - a;
      }
    }
    let inOrder = true;
    for (let i = 1; i < n; i++) if (scratchTs[i]! < scratchTs[i - 1]!) { inOrder = false; break; }
    if (!inOrder) sortRange(scratchTs, scratchVals, 0, n);
    w.addSeries(slotTSID[s]!, scratchTs, scratchVals, 0, n);
  }
  return w.finish();
}
