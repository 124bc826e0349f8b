// count_by: a leading `stats [by (field)] count() ...` counted straight from the
// storage blocks (const and dict columns without making rows), giving the batch
// the stats pipe would give.

import type { Pipe } from "./ast.ts";
import type { LogBlock } from "../logstorage/index.ts";
import type { RowBatch } from "./row_batch.ts";

/** CountByPlan is a stats pipe of only plain count() results, by at most one plain field. */
export interface CountByPlan {
  /** The by field; undefined without by. */
  readonly field: string | undefined;
  /** The result names of the count() functions, in order. */
  readonly results: readonly string[];
}

/** countByPlan returns the plan when pipes start with such a stats pipe, else undefined. */
export function countByPlan(pipes: readonly Pipe[]): CountByPlan | undefined {
  const p = pipes[0];
  if (p === undefined || p.t !== "stats" || p.by.length > 1 || p.funcs.length === 0) return undefined;
  if (!p.funcs.every((f) => f.name === "count" && f.fields.length === 0 && f.iff === undefined)) return undefined;
  const by = p.by[0];
  if (by !== undefined && (by.bucket !== undefined || by.offset !== undefined || by.name === "_time")) return undefined;
  return { field: by?.name, results: p.funcs.map((f) => f.result) };
}

/** CountBy counts the selected rows of blocks per value of the plan's field, keeping the order in which values are first seen. */
export class CountBy {
  private readonly plan: CountByPlan;
  private readonly groups = new Map<string, number>();

  constructor(plan: CountByPlan) {
    this.plan = plan;
  }

  private addTo(k: string, n: number): void {
    this.groups.set(k, (this.groups.get(k) ?? 0) + n);
  }

  /** add counts the rows bm selects (n of them) of block. */
  add(block: LogBlock, bm: Uint8Array, n: number): void {
    const field = this.plan.field;
    if (field === undefined) return this.addTo("", n);
    const cv = field === "_stream" ? block.stream : field === "_stream_id" ? block.streamID : block.constValue(field);
    if (cv !== undefined) return this.addTo(cv, n);
    const dc = block.dictColumn?.(field);
    if (dc !== undefined) {
      const counts = new Float64Array(256);
      const order: number[] = [];
      const idx = dc.idx;
      for (let i = 0; i < bm.length; i++) {
        if (!bm[i]) continue;
        const d = idx[i]!;
        if (counts[d] === 0) order.push(d);
        counts[d]++;
      }
      for (const d of order) this.addTo(dc.dict[d]!, counts[d]!);
      return;
    }
    const sel = new Uint32Array(n);
    for (let i = 0, j = 0; i < bm.length; i++) if (bm[i]) sel[j++] = i;
    let vals: readonly string[];
    if (block.columnValuesAt !== undefined) vals = block.columnValuesAt(field, sel);
    else {
      const all = block.columnValues(field);
      vals = Array.from(sel, (i) => all[i]!);
    }
    let last: string | undefined;
    let run = 0;
    for (const v of vals) {
      if (v === last) {
        run++;
        continue;
      }
      if (last !== undefined) this.addTo(last, run);
      last = v;
      run = 1;
    }
    if (last !== undefined) this.addTo(last, run);
  }

  /** batch returns what the stats pipe emits: the by field's column (if any), then one count column per result. */
  batch(): RowBatch {
    const field = this.plan.field;
    if (field === undefined && this.groups.size === 0) this.groups.set("", 0);
    const keys = [...this.groups.keys()];
    const counts = keys.map((k) => String(this.groups.get(k)!));
    const columns: { name: string; values: readonly string[] }[] = [];
    if (field !== undefined) columns.push({ name: field, values: keys });
    for (const r of this.plan.results) columns.push({ name: r, values: counts.slice() });
    return { rowsCount: keys.length, columns };
  }
}
