// execute: runs a parsed LogsQL query over a LogSearcher and streams the resulting rows.

import type { Filter, Pipe, Query, StreamTagFilter } from "./ast.ts";
import type { LogBlock, LogField, LogSearcher, TenantID } from "../logstorage/index.ts";
import { blockRowsToBatch, blockSource, blockToBatch } from "./block_source.ts";
import { applyFilter, keepTimeRange, streamFilterFunc } from "./filter_eval.ts";
import { batchTimestamps, buildPipeline, isStreamingPipe } from "./pipes.ts";
import { neededFields, timeOnlyBucketed } from "./needed_fields.ts";
import { batchRows, getColumn, rowsToBatch, rowsToBatches, sliceRows, type Row, type RowBatch } from "./row_batch.ts";
import { expandStreamContext } from "./stream_context.ts";
import { timeSortPlan, TimeTopK } from "./time_top_k.ts";
import { CountBy, countByPlan } from "./count_by.ts";
import { parseTimestamp } from "./time_format.ts";

/** ExecuteOptions are the request-level settings of executeQuery. */
export interface ExecuteOptions {
  tenants: TenantID[];
  /** Inclusive time bounds in ns; the query's own _time filters narrow them further. */
  minTimestamp: bigint;
  maxTimestamp: bigint;
  signal?: AbortSignal;
  /** The endpoint's limit: return only the N newest rows, sorted by _time descending. */
  limit?: number;
  /** The time `now` for math's now() (ns); the current time by default. */
  nowNs?: bigint;
}

const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;

/** timeRangeOf returns the [min, max] ns range every row matching f must fall in (the full range when f does not restrict time). */
export function timeRangeOf(f: Filter): [bigint, bigint] {
  switch (f.t) {
    case "time":
      return [f.min, f.max];
    case "and": {
      let lo = MIN_NS;
      let hi = MAX_NS;
      for (const c of f.fs) {
        const [a, b] = timeRangeOf(c);
        if (a > lo) lo = a;
        if (b < hi) hi = b;
      }
      return [lo, hi];
    }
    case "or": {
      let lo = MAX_NS;
      let hi = MIN_NS;
      for (const c of f.fs) {
        const [a, b] = timeRangeOf(c);
        if (a < lo) lo = a;
        if (b > hi) hi = b;
      }
      return [lo, hi];
    }
    default:
      return [MIN_NS, MAX_NS];
  }
}

/** queryTimeRange returns the [min, max] ns range the query's top-level _time filters allow. */
export function queryTimeRange(q: Query): { min: bigint; max: bigint } {
  const [min, max] = timeRangeOf(q.filter);
  return { min, max };
}

function topStreamFilters(f: Filter): (readonly (readonly StreamTagFilter[])[])[] {
  if (f.t === "stream") return [f.groups];
  if (f.t === "and") return f.fs.flatMap(topStreamFilters);
  return [];
}

// resolveFilter runs the subqueries of in(...) and friends and returns a filter with their values filled in.
async function resolveFilter(f: Filter, src: LogSearcher, opts: ExecuteOptions): Promise<Filter> {
  switch (f.t) {
    case "and":
    case "or": {
      const fs: Filter[] = [];
      for (const c of f.fs) fs.push(await resolveFilter(c, src, opts));
      return { t: f.t, fs };
    }
    case "not":
      return { t: "not", f: await resolveFilter(f.f, src, opts) };
    case "in":
      if (f.sub === undefined) return f;
      return { t: "in", op: f.op, field: f.field, values: await subqueryValues(f.sub.q, f.sub.field, src, opts) };
    case "stream_id":
      if (f.sub === undefined) return f;
      return { t: "stream_id", ids: await subqueryValues(f.sub.q, f.sub.field, src, opts) };
    default:
      return f;
  }
}

async function subqueryValues(q: Query, field: string, src: LogSearcher, opts: ExecuteOptions): Promise<string[]> {
  const set = new Set<string>();
  await executeQuery(q, src, { ...opts, limit: undefined }, (b) => {
    const v = getColumn(b, field);
    if (v !== undefined) for (const x of v) set.add(x);
  });
  return [...set];
}

async function resolvePipes(pipes: readonly Pipe[], src: LogSearcher, opts: ExecuteOptions, subRows: Map<Pipe, Row[]>): Promise<Pipe[]> {
  const out: Pipe[] = [];
  for (const p of pipes) {
    if (p.t === "filter") out.push({ t: "filter", f: await resolveFilter(p.f, src, opts) });
    else if (p.t === "union" || p.t === "join") {
      const rows: Row[] = [];
      await executeQuery(p.q, src, { ...opts, limit: undefined }, (b) => void rows.push(...batchRows(b)));
      subRows.set(p, rows);
      out.push(p);
    } else out.push(p);
  }
  return out;
}

// rowLocal reports whether p maps each row to rows on its own, keeping their order (so the
// newest rows can be picked before it runs).
function rowLocal(p: Pipe): boolean {
  return isStreamingPipe(p) && p.t !== "limit" && p.t !== "offset" && p.t !== "sample";
}

/**
 * executeQuery runs q over src for the tenants and time range in opts, calling
 * onBatch with the result rows as they are found (pipes that need all rows, such
 * as stats or sort, emit at the end). The query's _time filters narrow the time
 * range before the search; its top-level stream filters become the search's
 * stream filter. With opts.limit = N: when every pipe works row by row, the N
 * newest result rows are returned, sorted by _time descending; otherwise the
 * first N result rows (as `| limit N` would). Rejects with opts.signal's reason
 * when aborted.
 */
export async function executeQuery(q: Query, src: LogSearcher, opts: ExecuteOptions, onBatch: (b: RowBatch) => void): Promise<void> {
  const filter = await resolveFilter(q.filter, src, opts);
  const subRows = new Map<Pipe, Row[]>();
  let pipes = await resolvePipes(q.pipes, src, opts, subRows);
  const [flo, fhi] = timeRangeOf(filter);
  const lo = flo > opts.minTimestamp ? flo : opts.minTimestamp;
  const hi = fhi < opts.maxTimestamp ? fhi : opts.maxTimestamp;
  const ctx = {
    stop: false,
    rangeSeconds: lo > MIN_NS && hi < MAX_NS && hi >= lo ? Number(hi - lo + 1n) / 1e9 : 1,
    nowNs: opts.nowNs ?? BigInt(Date.now()) * 1_000_000n,
    subRows,
  };
  const streamGroups = topStreamFilters(filter);
  const streamFilter =
    streamGroups.length === 0
      ? undefined
      : (() => {
          const fs = streamGroups.map((g) => streamFilterFunc(g));
          return (tags: readonly LogField[]) => fs.every((f) => f(tags));
        })();
  const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : 0;
  if (limit > 0 && !pipes.every(rowLocal)) {
    pipes = [...pipes, { t: "limit", n: limit }];
  }
  const need = pipes[0]?.t === "stream_context" ? undefined : neededFields(pipes);
  const lazyTime = need !== undefined && timeOnlyBucketed(pipes);
  // scan calls onMatch with the selection of the matching rows of every block (blocks skip rejects are not read).
  const scan = async (skip: ((block: LogBlock) => boolean) | undefined, onMatch: (block: LogBlock, bm: Uint8Array, n: number) => boolean | void): Promise<void> => {
    if (lo > hi) return;
    await src.search({ tenants: opts.tenants, minTimestamp: lo, maxTimestamp: hi, streamFilter, signal: opts.signal }, (block) => {
      if (ctx.stop || opts.signal?.aborted) return false;
      if (block.rowsCount === 0 || block.maxTimestamp < lo || block.minTimestamp > hi) return;
      if (skip !== undefined && skip(block)) return;
      const bm = new Uint8Array(block.rowsCount).fill(1);
      if (block.minTimestamp < lo || block.maxTimestamp > hi) keepTimeRange(block.timestamps(), lo, hi, bm);
      const n = applyFilter(filter, blockSource(block), bm);
      if (n === 0) return;
      return onMatch(block, bm, n);
    });
    opts.signal?.throwIfAborted();
  };
  // search calls onRows with the matching rows of every block.
  const search = async (top: TopN | undefined, onRows: (b: RowBatch) => boolean | void): Promise<void> => {
    await scan(top === undefined ? undefined : (block) => block.maxTimestamp < top.threshold, (block, bm, n) => {
      if (top !== undefined) {
        const ts = block.timestamps();
        n = 0;
        for (let i = 0; i < bm.length; i++) {
          if (bm[i] && ts[i] < top.threshold) bm[i] = 0;
          n += bm[i];
        }
        if (n === 0) return;
      }
      return onRows(blockToBatch(block, bm, n, top === undefined ? need : undefined, lazyTime));
    });
  };
  if (pipes[0]?.t === "stream_context") {
    const sc = pipes[0];
    const matched: RowBatch[] = [];
    await search(undefined, (b) => void matched.push(b));
    const rows = await expandStreamContext(sc, matched, async (f) => {
      const out: RowBatch[] = [];
      await executeQuery({ opts: {}, filter: f, pipes: [] }, src, { ...opts, minTimestamp: MIN_NS, maxTimestamp: MAX_NS, limit: undefined }, (b) => void out.push(b));
      return out;
    });
    const pipeline = buildPipeline(pipes.slice(1), ctx, onBatch);
    for (const b of rowsToBatches(rows)) pipeline.push(b);
    pipeline.flush();
    return;
  }
  if (limit === 0 || limit > 0 && !pipes.every(rowLocal)) {
    const counting = countByPlan(pipes);
    if (counting !== undefined) {
      // stats count() by at most one field: counted from the blocks, then the rest of the pipes.
      const agg = new CountBy(counting);
      await scan(undefined, (block, bm, n) => agg.add(block, bm, n));
      const rest = buildPipeline(pipes.slice(1), { ...ctx }, onBatch);
      rest.push(agg.batch());
      rest.flush();
      return;
    }
    const pipeline = buildPipeline(pipes, ctx, onBatch);
    const plan = timeSortPlan(pipes);
    if (plan !== undefined) {
      // A sort by _time cut to k rows: keep the k best rows by timestamp and make rows of only those.
      const top = new TimeTopK(plan, (block, bm, rows) => blockRowsToBatch(block, bm, rows, false, need, lazyTime));
      await scan((block) => top.skips(block.minTimestamp, block.maxTimestamp), (block, bm) => top.add(block, bm));
      for (const b of top.batches()) {
        pipeline.push(b);
        if (ctx.stop) break;
      }
      pipeline.flush();
      return;
    }
    await search(undefined, (b) => {
      pipeline.push(b);
      if (ctx.stop) return false;
    });
    pipeline.flush();
    return;
  }
  // The newest rows: take the newest k matching rows, run the pipes over them newest
  // first, and widen k while the pipes (filters) leave fewer than limit rows.
  for (let k = limit; ; k *= 4) {
    const top = new TopN(k);
    await search(top, (b) => void top.add(b));
    const rows = top.result();
    const out: RowBatch[] = [];
    let got = 0;
    const CHUNK = 256;
    for (let i = 0; i < rows.rowsCount && got < limit; i += CHUNK) {
      const pipeline = buildPipeline(pipes, ctx, (b) => {
        out.push(b);
        got += b.rowsCount;
      });
      pipeline.push(sliceRows(rows, i, i + CHUNK));
      pipeline.flush();
    }
    if (got >= limit || rows.rowsCount < k) {
      let left = limit;
      for (const b of out) {
        if (left <= 0) break;
        const part = sliceRows(b, 0, left);
        left -= part.rowsCount;
        onBatch(part);
      }
      return;
    }
  }
}

// TopN keeps the newest rows (by timestamp) of the batches added to it.
class TopN {
  private readonly n: number;
  private items: { t: bigint; b: RowBatch; i: number }[] = [];
  threshold = MIN_NS;

  constructor(n: number) {
    this.n = n;
  }

  add(b: RowBatch): void {
    const times = getColumn(b, "_time")!;
    const ts = batchTimestamps.get(times);
    for (let i = 0; i < b.rowsCount; i++) {
      const t = ts !== undefined ? ts[i] : (parseTimestamp(times[i], 0n) ?? MIN_NS);
      if (t < this.threshold) continue;
      this.items.push({ t, b, i });
    }
    if (this.items.length > Math.max(2 * this.n, 1000)) this.prune();
  }

  private prune(): void {
    this.items.sort((a, b) => (a.t > b.t ? -1 : a.t < b.t ? 1 : 0));
    this.items.length = Math.min(this.items.length, this.n);
    if (this.items.length === this.n) this.threshold = this.items[this.n - 1].t;
  }

  result(): RowBatch {
    this.prune();
    const rows: Row[] = this.items.map(({ b, i }) => b.columns.map((c) => [c.name, c.values[i]] as [string, string]).filter((p, k) => k < 4 || p[1] !== ""));
    return rowsToBatch(rows);
  }
}
