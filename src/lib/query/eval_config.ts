// The time grid and limits of one query evaluation.

import type { SeriesSource, SourceFilter } from "./source.ts";
import type { RollupResultCache } from "./rollup_result_cache.ts";
import type { RollupWorkerPool } from "./rollup_workers.ts";
import type { Tracer } from "./trace.ts";

/** EvalConfig is what evaluation of an expression needs; all times are Unix milliseconds. */
export interface EvalConfig {
  /** First output timestamp. */
  start: number;
  /** Last possible output timestamp (points are start, start+step, ... <= end). */
  end: number;
  /** Distance between output points (> 0). */
  step: number;
  /** -search.maxStalenessInterval / max_lookback; 0 means detect it from the data. */
  lookbackDelta: number;
  /** The most series one selector may match (-search.maxUniqueTimeseries); 0 for none. */
  maxSeries: number;
  /** The most points per series (-search.maxPointsPerTimeseries), checked for subqueries. */
  maxPointsPerSeries: number;
  /** When evaluation must give up (Date.now() ms); Infinity for never. */
  deadline: number;
  source: SeriesSource;
  /** Filters added to every selector (`extra_label`, `extra_filters[]`): each selector group is joined with each of these groups. */
  enforcedFilters?: SourceFilter[][];
  /**
   * The rollup result cache to read and fill (range queries without
   * nocache=1), and the last time whose points may be stored
   * (now - -search.cacheTimestampOffset).
   */
  rollupCache?: { cache: RollupResultCache; maxCachedEnd: number };
  /**
   * Worker threads that decode and roll up the series of sources that hand
   * them out in batches (BatchSource); without it, or with fewer than two
   * workers, everything runs in the calling thread.
   */
  workers?: RollupWorkerPool;
  /** The trace node evaluation adds its nodes under (`trace=1`). */
  tracer?: Tracer;
  /** Whether the query may use the result cache (VictoriaMetrics' EvalConfig.MayCache), shown in trace messages. */
  mayCache?: boolean;
  /** Cached output timestamps; set by getTimestamps. */
  timestamps?: Float64Array;
}

/** QueryError is a query that cannot be evaluated because of its input (answered with 422). */
export class QueryError extends Error {
  override name = "QueryError";
}

/** QueryTimeoutError is a query that ran past its deadline (-search.maxQueryDuration). */
export class QueryTimeoutError extends Error {
  override name = "QueryTimeoutError";
}

/** validateMaxPoints throws a QueryError when start..end by step has more than maxPoints points. */
export function validateMaxPoints(start: number, end: number, step: number, maxPoints: number): void {
  const points = Math.floor((end - start) / step) + 1;
  if (points > maxPoints) {
    throw new QueryError(
      `too many points for the given step=${step}, start=${start} and end=${end}: ${points}; cannot exceed -search.maxPointsPerTimeseries=${maxPoints}`,
    );
  }
}

/** getTimestamps returns the output timestamps of ec (start, start+step, ..., <= end), cached on ec. */
export function getTimestamps(ec: EvalConfig): Float64Array {
  if (ec.timestamps !== undefined) return ec.timestamps;
  if (!(ec.step > 0)) throw new Error(`BUG: step must be bigger than 0; got ${ec.step}`);
  if (ec.start > ec.end) throw new Error(`BUG: start cannot exceed end; got ${ec.start} vs ${ec.end}`);
  const n = Math.floor((ec.end - ec.start) / ec.step) + 1;
  const ts = new Float64Array(n);
  for (let i = 0; i < n; i++) ts[i] = ec.start + i * ec.step;
  ec.timestamps = ts;
  return ts;
}

/** withRange returns a copy of ec for another time grid. */
export function withRange(ec: EvalConfig, start: number, end: number, step: number = ec.step): EvalConfig {
  return { ...ec, start, end, step, timestamps: undefined };
}

/** checkDeadline throws a QueryTimeoutError once ec's deadline has passed. */
export function checkDeadline(ec: EvalConfig): void {
  if (Date.now() > ec.deadline) {
    throw new QueryTimeoutError("timeout exceeded during query execution; the timeout can be adjusted with `-search.maxQueryDuration` command-line flag");
  }
}

/** yieldSliceMs is how long evaluation runs before it lets other work (requests, ingestion) run. */
export const yieldSliceMs = 10;
let sliceStart = performance.now();

/** beginSlice starts a new slice of work: call it when a task starts from the event loop (a request). */
export function beginSlice(): void {
  sliceStart = performance.now();
}

/**
 * yieldIfBusy resolves at once while the current slice of work is shorter
 * than yieldSliceMs; after that it waits for one turn of the event loop, so
 * that one heavy query does not keep other requests waiting. Evaluation calls
 * it between series.
 */
export function yieldIfBusy(): Promise<void> | undefined {
  if (performance.now() - sliceStart < yieldSliceMs) return undefined;
  return new Promise((resolve) => setImmediate(() => {
    sliceStart = performance.now();
    resolve();
  }));
}

/** alignStartEnd rounds start down and end up to multiples of step. */
export function alignStartEnd(start: number, end: number, step: number): [number, number] {
  start -= start % step;
  const adjust = end % step;
  if (adjust > 0) end += step - adjust;
  return [start, end];
}

/** adjustStartEnd aligns start and end to step as VictoriaMetrics does for cacheable range queries of 50 points or more, keeping the point count. */
export function adjustStartEnd(start: number, end: number, step: number): [number, number] {
  const points = Math.floor((end - start) / step) + 1;
  if (points < 50) return [start, end];
  let [s, e] = alignStartEnd(start, end, step);
  let newPoints = Math.floor((e - s) / step) + 1;
  while (newPoints > points) {
    e -= step;
    newPoints--;
  }
  return [s, e];
}
