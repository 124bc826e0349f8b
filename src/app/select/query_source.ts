// The series source one query reads through: it applies VictoriaMetrics'
// per-query limits (-search.maxSamplesPerQuery, -search.maxSamplesPerSeries,
// the rollup memory bound) while series are read, before the evaluator
// allocates their results, and adds a "fetch matching series" node per
// selector search to the query trace.

import * as os from "node:os";
import * as flags from "../../lib/flagutil/index.ts";
import type { Expr } from "../../lib/metricsql/index.ts";
import { getRollupFunc, isBatchSource, QueryError, type BatchSource, type SeriesSource, type SourceBatch, type SourceFilter, type SourceSeries, type Tracer } from "../../lib/query/index.ts";
import { formatTimeRange } from "./query_tracer.ts";

const maxSamplesPerSeries = flags.int("search.maxSamplesPerSeries", 30_000_000, "The maximum number of raw samples a single query can scan per each time series. This option allows limiting memory usage");
const maxSamplesPerQuery = flags.int("search.maxSamplesPerQuery", 1_000_000_000, "The maximum number of raw samples a single query can process across all time series. This protects from heavy queries, which select unexpectedly high number of raw samples. See also -search.maxSamplesPerSeries");

/** QueryLimits are the bounds one query's reads must stay within; 0 disables a bound. */
export interface QueryLimits {
  /** Most raw samples one selector search may return (-search.maxSamplesPerQuery). */
  maxSamplesPerQuery: number;
  /** Most raw samples of one series (-search.maxSamplesPerSeries); a series with this many or more fails the query. */
  maxSamplesPerSeries: number;
  /** Output points per series of the query (1 + (end-start)/step). */
  pointsPerSeries: number;
  /** Step of the query in ms, for the memory error's advice. */
  step: number;
  /** Memory the rollups of the read series reserve, 16 bytes per output point; null for no bound. */
  memory: MemoryPool | null;
}

/**
 * MemoryPool is memory shared by the rollups of concurrent queries
 * (VictoriaMetrics' rollupMemoryLimiter): a search reserves 16 bytes per
 * output point of each series it returns and gives them back when it ends.
 */
export class MemoryPool {
  readonly maxBytes: number;
  inUse = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** tryGet reserves n bytes, or returns false when they do not fit. */
  tryGet(n: number): boolean {
    if (this.inUse + n > this.maxBytes) return false;
    this.inUse += n;
    return true;
  }

  /** put returns n reserved bytes. */
  put(n: number): void {
    if (n > this.inUse) throw new Error(`BUG: put(${n}) exceeds the ${this.inUse} bytes in use`);
    this.inUse -= n;
  }
}

let rollupMemory: MemoryPool | undefined;

/** rollupMemoryPool is the process's pool: a quarter of the allowed memory, as VictoriaMetrics. */
export function rollupMemoryPool(): MemoryPool {
  rollupMemory ??= new MemoryPool(Math.floor(allowedMemoryBytes() / 4));
  return rollupMemory;
}

/** allowedMemoryBytes is -memory.allowedBytes, or -memory.allowedPercent of the machine's memory, as VictoriaMetrics' memory.Allowed(). */
export function allowedMemoryBytes(): number {
  const bytes = flags.lookup("memory.allowedBytes")?.value;
  if (typeof bytes === "number" && bytes > 0) return bytes;
  const pct = flags.lookup("memory.allowedPercent")?.value;
  return Math.floor((os.totalmem() * (typeof pct === "number" ? pct : 60)) / 100);
}

/** queryLimits returns the limits of a query over [start, end] by step from the flags. */
export function queryLimits(start: number, end: number, step: number): QueryLimits {
  return {
    maxSamplesPerQuery: maxSamplesPerQuery.value,
    maxSamplesPerSeries: maxSamplesPerSeries.value,
    pointsPerSeries: 1 + Math.floor((end - start) / step),
    step,
    memory: rollupMemoryPool(),
  };
}

/** formatFilters writes a search's filters as VictoriaMetrics' trace messages do: `[{__name__="m",job=~"a.*"}]`. */
export function formatFilters(filters: readonly SourceFilter[]): string {
  const parts = filters.map((f) => `${f.label}${f.isNegative ? (f.isRegex ? "!~" : "!=") : f.isRegex ? "=~" : "="}${JSON.stringify(f.value)}`);
  return "[{" + parts.join(",") + "}]";
}

/**
 * QuerySource reads through inner for one query and throws a QueryError
 * (answered 422, naming the flag) as soon as a read breaks a limit:
 * a selector search returning more than maxSamplesPerQuery samples, a series
 * with maxSamplesPerSeries samples or more, or a series whose output
 * points (16 bytes each) no longer fit in the memory pool, which the
 * searches of all running queries share, each until it ends, as
 * VictoriaMetrics' rollups do (the caller passes no pool when the query folds
 * its series into an incremental aggregate, which holds one row per group).
 * With qt, each search adds a child
 * `fetch matching series: filters=..., timeRange=[..]: series=N, samples=M`.
 */
export class QuerySource implements SeriesSource {
  private readonly inner: SeriesSource;
  private readonly limits: QueryLimits;
  private readonly qt: Tracer | undefined;
  /** seriesRead counts the series of all searches so far. */
  seriesRead = 0;
  /** samplesRead counts the raw samples of all searches so far. */
  samplesRead = 0;

  /**
   * searchBatches is there when inner's is: the same search handing out
   * series undecoded (see BatchSource), under the same limits and trace,
   * which are checked as each batch is reported decoded.
   */
  readonly searchBatches?: BatchSource["searchBatches"];

  constructor(inner: SeriesSource, limits: QueryLimits, qt?: Tracer) {
    this.inner = inner;
    this.limits = limits;
    this.qt = qt;
    if (isBatchSource(inner)) this.searchBatches = (f, minT, maxT, maxSeries, bs, bb, qt) => this.batches(inner, f, minT, maxT, maxSeries, bs, bb, qt);
  }

  // checkSeriesSamples throws when one series has too many samples (-search.maxSamplesPerSeries).
  private checkSeriesSamples(n: number): void {
    const max = this.limits.maxSamplesPerSeries;
    if (max > 0 && n >= max) {
      throw new QueryError(`cannot process more than ${max} samples per series; either increase -search.maxSamplesPerSeries or reduce time range for the query`);
    }
  }

  // checkQuerySamples throws when a search has read too many samples (-search.maxSamplesPerQuery).
  private checkQuerySamples(total: number): void {
    const max = this.limits.maxSamplesPerQuery;
    if (max > 0 && total > max) {
      throw new QueryError(`cannot select more than -search.maxSamplesPerQuery=${max} samples; possible solutions: to increase the -search.maxSamplesPerQuery; to reduce time range for the query; to use more specific label filters in order to select lower number of series`);
    }
  }

  // fetchTrace starts the trace node of a search under parent (the
  // evaluator's node) or else the tracer this source was made with.
  private fetchTrace(parent: Tracer | undefined, filters: readonly SourceFilter[], minT: number, maxT: number): Tracer | undefined {
    const qt = parent ?? this.qt;
    if (qt === undefined || qt.isDone) return undefined;
    return qt.newChild(`fetch matching series: filters=${formatFilters(filters)}, timeRange=${formatTimeRange(minT, maxT)}`);
  }

  private *batches(inner: BatchSource, filters: readonly SourceFilter[], minT: number, maxT: number, maxSeries: number, bs: number, bb: number, parent: Tracer | undefined): Generator<SourceBatch> {
    const lim = this.limits;
    let qt = this.fetchTrace(parent, filters, minT, maxT);
    const pool = lim.memory;
    const seriesBytes = 16 * lim.pointsPerSeries;
    let listed = 0;
    let series = 0;
    let samples = 0;
    let reserved = 0;
    let pending = 0;
    let ended = false;
    const finishTrace = (): void => {
      qt?.donef(`series=${series}, samples=${samples}`);
      qt = undefined;
    };
    const decoded = (counts: Uint32Array): void => {
      pending--;
      for (let i = 0; i < counts.length; i++) {
        const n = counts[i]!;
        if (n === 0) continue;
        this.checkSeriesSamples(n);
        samples += n;
        series++;
        this.seriesRead++;
        this.samplesRead += n;
      }
      this.checkQuerySamples(samples);
      if (ended && pending === 0) finishTrace();
    };
    try {
      for (const b of inner.searchBatches(filters, minT, maxT, maxSeries, bs, bb)) {
        for (let i = 0; i < b.batch.count; i++) {
          listed++;
          if (pool === null) continue;
          if (!pool.tryGet(seriesBytes)) this.memoryError(listed, reserved + seriesBytes, pool);
          reserved += seriesBytes;
        }
        pending++;
        yield { labelsAt: b.labelsAt, batch: b.batch, decoded, cacheFills: b.cacheFills };
      }
    } finally {
      pool?.put(reserved);
      ended = true;
      if (pending === 0) finishTrace();
    }
  }

  *search(filters: readonly SourceFilter[], minT: number, maxT: number, maxSeries: number, parent?: Tracer): Generator<SourceSeries> {
    const lim = this.limits;
    const qt = this.fetchTrace(parent, filters, minT, maxT);
    const pool = lim.memory;
    const seriesBytes = 16 * lim.pointsPerSeries;
    let series = 0;
    let samples = 0;
    let reserved = 0;
    try {
      for (const s of this.inner.search(filters, minT, maxT, maxSeries)) {
        this.checkSeriesSamples(s.n);
        samples += s.n;
        this.checkQuerySamples(samples);
        series++;
        this.seriesRead++;
        this.samplesRead += s.n;
        if (pool !== null) {
          if (!pool.tryGet(seriesBytes)) this.memoryError(series, reserved + seriesBytes, pool);
          reserved += seriesBytes;
        }
        yield s;
      }
    } finally {
      pool?.put(reserved);
      qt?.donef(`series=${series}, samples=${samples}`);
    }
  }

  private memoryError(series: number, bytes: number, pool: MemoryPool): never {
    const lim = this.limits;
    throw new QueryError(
      `not enough memory for processing ${series * lim.pointsPerSeries} data points across ${series} time series with ${lim.pointsPerSeries} points in each time series; ` +
        `total available memory for concurrent requests: ${pool.maxBytes} bytes; requested memory: ${bytes} bytes; ` +
        `possible solutions are: reducing the number of matching time series; switching to node with more RAM; ` +
        `increasing -memory.allowedPercent; increasing \`step\` query arg (${lim.step / 1000}s)`,
    );
  }
}

const incrementalAggrs = new Set(["sum", "min", "max", "avg", "count", "group"]);

// isPlainSelector reports a selector, optionally with a window and offset
// (no subquery, no @).
function isPlainSelector(e: Expr): boolean {
  if (e.kind === "metric") return true;
  return e.kind === "rollup" && e.expr.kind === "metric" && e.step === null && !e.inheritStep && e.at === null;
}

/**
 * foldsIntoIncrementalAggr reports queries such as `sum(rate(m[5m])) by (job)`:
 * one sum/min/max/avg/count/group over one rollup function of one selector,
 * which the evaluator folds series by series into one row per group, so the
 * memory bound on the number of series read does not apply to them.
 */
export function foldsIntoIncrementalAggr(e: Expr): boolean {
  if (e.kind !== "aggr" || e.args.length !== 1 || !incrementalAggrs.has(e.name.toLowerCase())) return false;
  const a = e.args[0]!;
  if (isPlainSelector(a)) return true;
  if (a.kind !== "func" || getRollupFunc(a.name) === undefined) return false;
  let selectors = 0;
  for (const x of a.args) {
    if (x.kind === "number" || x.kind === "string" || x.kind === "duration") continue;
    if (!isPlainSelector(x)) return false;
    selectors++;
  }
  return selectors === 1;
}
