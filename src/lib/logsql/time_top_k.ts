// time_top_k: keeps, over the matching rows of the storage blocks, only the k rows a
// leading `sort by (_time)` with a limit (or first/last) would emit, so that only
// their blocks are turned into rows.

import type { Pipe } from "./ast.ts";
import type { LogBlock } from "../logstorage/index.ts";
import { batchTimestamps } from "./pipes.ts";
import type { RowBatch } from "./row_batch.ts";

/** TimeSortPlan is a leading sort by _time alone that keeps only its first k rows. */
export interface TimeSortPlan {
  /** True when the newest rows come first. */
  readonly desc: boolean;
  /** How many rows of the sort's input can reach its output (offset + limit). */
  readonly k: number;
}

/**
 * timeSortPlan returns the plan when pipes start with a sort (or first/last) by
 * `_time` alone, without partitions or rank, whose output is cut to a limit
 * (its own or a `limit` pipe right after it); undefined otherwise.
 */
export function timeSortPlan(pipes: readonly Pipe[]): TimeSortPlan | undefined {
  const p = pipes[0];
  if (p === undefined) return undefined;
  if (p.t === "sort") {
    if (p.partitionBy.length !== 0 || p.rank !== "" || p.by.length !== 1 || p.by[0]!.field !== "_time") return undefined;
    let lim = p.limit;
    const nx = pipes[1];
    if (nx !== undefined && nx.t === "limit" && (lim <= 0 || nx.n < lim)) lim = nx.n;
    if (lim <= 0) return undefined;
    return { desc: p.by[0]!.desc !== p.desc, k: p.offset + lim };
  }
  if (p.t === "first" || p.t === "last") {
    if (p.partitionBy.length !== 0 || p.n <= 0) return undefined;
    const by = p.by.length === 0 ? [{ field: "_time", desc: false }] : p.by;
    if (by.length !== 1 || by[0]!.field !== "_time") return undefined;
    return { desc: by[0]!.desc !== (p.t === "last"), k: p.n };
  }
  return undefined;
}

interface Cand {
  t: bigint;
  seq: number;
  /** The rows of the candidate's block that were taken, as rows. */
  batch: RowBatch;
  /** The candidate's row in batch. */
  pos: number;
}

/**
 * TimeTopK collects the k best rows by (timestamp, arrival order) of the blocks
 * added in search order: newest first when desc, else oldest first; equal
 * timestamps keep arrival order, as the stable sort does. The rows are copied
 * out of each block while it is added (a block is valid only during the search call).
 */
export class TimeTopK {
  private readonly k: number;
  private readonly desc: boolean;
  private readonly toBatch: (block: LogBlock, bm: Uint8Array, rows: Uint32Array) => RowBatch;
  private cands: Cand[] = [];
  private full = false;
  private threshold = 0n;
  private seqBase = 0;

  /** toBatch(block, bm, rows) returns rows (ascending, selected by bm) as rows of the batch the search would make of the block. */
  constructor(plan: TimeSortPlan, toBatch: (block: LogBlock, bm: Uint8Array, rows: Uint32Array) => RowBatch) {
    this.k = plan.k;
    this.desc = plan.desc;
    this.toBatch = toBatch;
  }

  /** skips reports whether no row of a block with these time bounds can be among the k best. */
  skips(minTs: bigint, maxTs: bigint): boolean {
    if (!this.full) return false;
    return this.desc ? maxTs <= this.threshold : minTs >= this.threshold;
  }

  /** add offers the rows bm selects of block. */
  add(block: LogBlock, bm: Uint8Array): void {
    const base = this.seqBase;
    this.seqBase += bm.length;
    const ts = block.timestamps();
    const k = this.k;
    const taken: number[] = [];
    // Timestamps ascend within a block: the best rows are at one end.
    if (this.desc) {
      // Walking back, rows with the k-th row's timestamp are still taken: among
      // equal timestamps the earlier rows win.
      let lastT = 0n;
      for (let i = bm.length - 1; i >= 0; i--) {
        if (!bm[i]) continue;
        const t = ts[i]!;
        if (this.full && t <= this.threshold) break;
        if (taken.length >= k && t !== lastT) break;
        taken.push(i);
        lastT = t;
      }
      taken.reverse();
    } else {
      for (let i = 0; i < bm.length && taken.length < k; i++) {
        if (!bm[i]) continue;
        if (this.full && ts[i]! >= this.threshold) break;
        taken.push(i);
      }
    }
    if (taken.length === 0) return;
    const batch = this.toBatch(block, bm, Uint32Array.from(taken));
    for (let j = 0; j < taken.length; j++) this.cands.push({ t: ts[taken[j]!]!, seq: base + taken[j]!, batch, pos: j });
    if (this.cands.length > 2 * k + 1000) this.prune();
  }

  private prune(): void {
    const desc = this.desc;
    this.cands.sort((a, b) => (a.t === b.t ? a.seq - b.seq : (a.t < b.t) !== desc ? -1 : 1));
    if (this.cands.length >= this.k) {
      this.cands.length = this.k;
      this.full = true;
      this.threshold = this.cands[this.k - 1]!.t;
    }
  }

  /** batches returns the kept rows in arrival order. */
  batches(): RowBatch[] {
    this.prune();
    const cands = this.cands.sort((a, b) => a.seq - b.seq);
    const out: RowBatch[] = [];
    let i = 0;
    while (i < cands.length) {
      const batch = cands[i]!.batch;
      let j = i;
      while (j < cands.length && cands[j]!.batch === batch) j++;
      const pick = new Uint32Array(j - i);
      for (let c = i; c < j; c++) pick[c - i] = cands[c]!.pos;
      out.push(pickRows(batch, pick));
      i = j;
    }
    this.cands = [];
    return out;
  }
}

// pickRows returns the rows idx of b (keeping the registered timestamps of _time).
function pickRows(b: RowBatch, idx: Uint32Array): RowBatch {
  const n = idx.length;
  const columns = b.columns.map((c) => {
    const values = new Array<string>(n);
    for (let j = 0; j < n; j++) values[j] = c.values[idx[j]!]!;
    const ts = batchTimestamps.get(c.values);
    if (ts !== undefined) {
      const sub = new BigInt64Array(n);
      for (let j = 0; j < n; j++) sub[j] = ts[idx[j]!]!;
      batchTimestamps.set(values, sub);
    }
    return { name: c.name, values };
  });
  return { rowsCount: n, columns };
}
