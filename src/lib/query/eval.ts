// Expression evaluation with VictoriaMetrics 1.79.5 semantics
// (app/vmselect/promql/eval.go): a selector is default_rollup() over it;
// rollups read raw samples over [start - 5m - max(window, step), end] and
// produce one value per output point; offset shifts the grid back; `@`
// evaluates at one instant and repeats the value; a subquery evaluates its
// expression on its own aligned grid and rolls the result up.

import {
  durationMs,
  printExpr,
  rollupArgIdx,
  type AggrFuncExpr,
  type Expr,
  type FuncExpr,
  type MetricExpr,
  type RollupExpr,
} from "../metricsql/index.ts";
import { evalRollup, getRollupFunc, getRollupTimeRange, maxSilenceInterval, type RollupArg, type RollupFuncInfo, type RollupRow } from "./rollup.ts";
import { runRollupJob, type RollupJob, type RollupJobResult, type RollupWorkerPool } from "./rollup_workers.ts";
import { alignStartEnd, checkDeadline, getTimestamps, QueryError, validateMaxPoints, withRange, yieldIfBusy, type EvalConfig } from "./eval_config.ts";
import { newTimeseries, type Timeseries } from "./timeseries.ts";
import { isBatchSource, type SourceBatch, type SourceFilter } from "./source.ts";
import { formatTimeRange, limitStringLen } from "./trace.ts";
import { recycleBatchBuffer } from "../seriesbatch/index.ts";
import { evalBinaryOp } from "./binary_op.ts";
import { evalAggrFunc } from "./aggr.ts";
import { evalTransformFunc } from "./transform.ts";
import { newIncrementalAggr } from "./aggr_incremental.ts";
import { mergeCachedAndFresh } from "./rollup_result_cache.ts";

/**
 * evalExpr evaluates e over the grid of ec; the result series are fresh (the
 * caller may modify them). With ec.tracer it adds an `eval` node for e, and
 * the nodes of its parts under it, as VictoriaMetrics does.
 */
export async function evalExpr(ec: EvalConfig, e: Expr): Promise<Timeseries[]> {
  const qt = ec.tracer;
  if (qt === undefined || qt.isDone) return evalExprInternal(ec, e);
  const mayCache = ec.mayCache === true && ec.start % ec.step === 0 && ec.end % ec.step === 0;
  const node = qt.newChild(`eval: query=${limitStringLen(printExpr(e), 300)}, timeRange=${formatTimeRange(ec.start, ec.end)}, step=${ec.step}, mayCache=${mayCache}`);
  const rv = await evalExprInternal({ ...ec, tracer: node }, e);
  const perSeries = rv.length > 0 ? rv[0]!.timestamps.length : 0;
  node.donef(`series=${rv.length}, points=${rv.length * perSeries}, pointsPerSeries=${perSeries}`);
  return rv;
}

// traced runs f with ec's tracer moved to a child node with message, which
// ends with the number of series f returns.
async function traced(ec: EvalConfig, message: string, f: (ec: EvalConfig) => Promise<Timeseries[]>): Promise<Timeseries[]> {
  const qt = ec.tracer;
  if (qt === undefined || qt.isDone) return f(ec);
  const node = qt.newChild(message);
  const rv = await f({ ...ec, tracer: node });
  node.donef(`series=${rv.length}`);
  return rv;
}

async function evalExprInternal(ec: EvalConfig, e: Expr): Promise<Timeseries[]> {
  checkDeadline(ec);
  switch (e.kind) {
    case "metric":
      return evalRollupCall(ec, "default_rollup", [], { kind: "rollup", expr: e, window: null, step: null, inheritStep: false, offset: null, at: null }, false);
    case "rollup":
      return evalRollupCall(ec, "default_rollup", [], e, false);
    case "func": {
      const info = getRollupFunc(e.name);
      if (info === undefined) return traced(ec, `transform ${e.name}()`, (ec) => evalTransformFunc(ec, e, evalExpr));
      const [args, re] = await evalRollupFuncArgs(ec, e, info);
      return evalRollupCall(ec, info.name, args, re, e.keepMetricNames);
    }
    case "aggr":
      return traced(ec, `aggregate ${e.name}()`, async (ec) => (await tryIncrementalAggr(ec, e)) ?? evalAggrFunc(ec, e, evalExpr));
    case "binaryOp":
      return traced(ec, `binary op ${JSON.stringify(e.op)}`, (ec) => evalBinaryOp(ec, e, evalExpr));
    case "number":
      return evalNumber(ec, e.value);
    case "string":
      return evalString(ec, e.value);
    case "duration":
      return evalNumber(ec, durationMs(e, ec.step) / 1000);
    default:
      throw new QueryError(`unexpected expression ${JSON.stringify(e.kind)}`);
  }
}

// tryIncrementalAggr evaluates aggr(rollup(selector)) folding series into
// groups as they arrive; undefined when the expression has another shape.
async function tryIncrementalAggr(ec: EvalConfig, ae: AggrFuncExpr): Promise<Timeseries[] | undefined> {
  if (ae.args.length !== 1) return undefined;
  const arg = ae.args[0]!;
  let fe: FuncExpr;
  if (arg.kind === "func") fe = arg;
  else if (arg.kind === "metric" || (arg.kind === "rollup" && arg.expr.kind === "metric")) {
    fe = { kind: "func", name: "default_rollup", args: [arg], keepMetricNames: false };
  } else return undefined;
  const info = getRollupFunc(fe.name);
  if (info === undefined || info.name === "absent_over_time") return undefined;
  const idx = rollupArgIdx(fe);
  if (idx < 0 || idx >= fe.args.length) return undefined;
  const re = getRollupExprArg(fe.args[idx]!);
  if (re.expr.kind !== "metric" || re.at !== null || re.step !== null || re.inheritStep) return undefined;
  if (newIncrementalAggr(ae) === undefined) return undefined;
  const [args] = await evalRollupFuncArgs(ec, fe, info);
  const run = async (ec: EvalConfig): Promise<Timeseries[]> => {
    const iafc = newIncrementalAggr(ae)!;
    await evalRollupWithoutAt(ec, info, args, re, fe.keepMetricNames, (ts) => iafc.update(ts));
    const out = iafc.finalize();
    const timestamps = getTimestamps(ec);
    for (const ts of out) ts.timestamps = timestamps;
    return out;
  };
  // `limit N` picks groups by what it meets first, which a part of the range may not repeat.
  const key = ae.limit > 0 || info.name === "rollup_candlestick" || args.some((a) => typeof a !== "number" && typeof a !== "string") ? undefined : `aggr ${printExpr(ae)}`;
  return withRollupCache(ec, key, metricNamesOf(re.expr as MetricExpr), run);
}

// metricNamesOf returns the metric names a selector can match, or null when
// some filter group does not name its metric exactly.
function metricNamesOf(me: MetricExpr): Set<string> | null {
  const names = new Set<string>();
  for (const lfs of me.labelFilterss) {
    const lf = lfs.find((f) => (f.label === "__name__" || f.label === "") && !f.isRegexp && !f.isNegative);
    if (lf === undefined) return null;
    names.add(lf.value);
  }
  return names;
}

// withRollupCache evaluates run(ec) through ec's rollup result cache under
// key (undefined: not cacheable): points the cache holds are taken from it,
// only the rest are evaluated, and the result, up to the last cacheable
// point, goes back into the cache. Only step-aligned range grids are cached,
// as in VictoriaMetrics (EvalConfig.mayCache).
async function withRollupCache(
  ec: EvalConfig,
  key: string | undefined,
  names: ReadonlySet<string> | null,
  run: (ec: EvalConfig) => Promise<Timeseries[]>,
): Promise<Timeseries[]> {
  const rc = ec.rollupCache;
  if (rc === undefined || key === undefined || ec.start >= ec.end || ec.start % ec.step !== 0 || ec.end % ec.step !== 0) return run(ec);
  const k = `${key} step=${ec.step} lookback=${ec.lookbackDelta} maxSeries=${ec.maxSeries} extra=${JSON.stringify(ec.enforcedFilters ?? [])}`;
  const gen = rc.cache.generation();
  const timestamps = getTimestamps(ec);
  const part = rc.cache.get(k, ec.start, ec.end, ec.step);
  let rv: Timeseries[];
  if (part === undefined) {
    rv = await run(ec);
  } else {
    const cachedPoints = (part.end - ec.start) / ec.step + 1;
    if (cachedPoints >= timestamps.length) {
      rv = part.series;
      for (const ts of rv) ts.timestamps = timestamps;
    } else {
      const fresh = await run(withRange(ec, part.end + ec.step, ec.end));
      rv = mergeCachedAndFresh(part.series, fresh, timestamps, cachedPoints);
    }
  }
  // Points newer than now - -search.cacheTimestampOffset may still get samples: never stored.
  const last = Math.min(timestamps[timestamps.length - 1]!, rc.maxCachedEnd);
  if (last >= ec.start) rc.cache.put(k, names, ec.start, last - ((last - ec.start) % ec.step), ec.step, rv, gen);
  return rv;
}

/** evalNumber returns one series without labels holding n at every point. */
export function evalNumber(ec: EvalConfig, n: number): Timeseries[] {
  const ts = getTimestamps(ec);
  return [newTimeseries(ts, new Float64Array(ts.length).fill(n))];
}

/** evalString returns one series named s with NaN values (how VictoriaMetrics carries strings). */
export function evalString(ec: EvalConfig, s: string): Timeseries[] {
  const rv = evalNumber(ec, NaN);
  rv[0]!.name = s;
  return rv;
}

/** evalTime returns one series holding each point's timestamp in seconds. */
export function evalTime(ec: EvalConfig): Timeseries[] {
  const ts = getTimestamps(ec);
  const vs = new Float64Array(ts.length);
  for (let i = 0; i < ts.length; i++) vs[i] = ts[i]! / 1000;
  return [newTimeseries(ts, vs)];
}

async function evalRollupFuncArgs(ec: EvalConfig, fe: FuncExpr, info: RollupFuncInfo): Promise<[RollupArg[], RollupExpr]> {
  const idx = rollupArgIdx(fe);
  if (fe.args.length < info.minArgs || fe.args.length > info.maxArgs || idx < 0 || idx >= fe.args.length) {
    const want = info.minArgs === info.maxArgs ? `${info.minArgs}` : `from ${info.minArgs} to ${info.maxArgs}`;
    throw new QueryError(`cannot evaluate ${printExpr(fe)}: unexpected number of args; got ${fe.args.length}; want ${want}`);
  }
  const args: RollupArg[] = [];
  let re: RollupExpr | undefined;
  for (let i = 0; i < fe.args.length; i++) {
    const arg = fe.args[i]!;
    if (i === idx) {
      re = getRollupExprArg(arg);
      continue;
    }
    if (arg.kind === "number") {
      args.push(arg.value);
    } else if (arg.kind === "string") {
      args.push(arg.value);
    } else if (arg.kind === "func" && arg.name === "" && arg.args.every((a) => a.kind === "string")) {
      for (const a of arg.args) args.push((a as { value: string }).value);
    } else {
      const tss = await evalExpr(ec, arg);
      if (tss.length !== 1) {
        throw new QueryError(`cannot evaluate arg #${i + 1} for ${printExpr(fe)}: arg must contain a single timeseries; got ${tss.length} timeseries`);
      }
      args.push(tss[0]!.values);
    }
  }
  return [args, re!];
}

// getRollupExprArg wraps a non-rollup argument into a rollup, and turns
// m[w:step] into default_rollup(m)[w:step].
function getRollupExprArg(arg: Expr): RollupExpr {
  if (arg.kind !== "rollup") return { kind: "rollup", expr: arg, window: null, step: null, inheritStep: false, offset: null, at: null };
  const isSubquery = arg.step !== null || arg.inheritStep;
  if (!isSubquery || arg.expr.kind !== "metric") return arg;
  const inner: RollupExpr = { kind: "rollup", expr: arg.expr, window: null, step: null, inheritStep: false, offset: null, at: null };
  return { ...arg, expr: { kind: "func", name: "default_rollup", args: [inner], keepMetricNames: false } };
}

async function evalRollupCall(ec: EvalConfig, name: string, args: RollupArg[], re: RollupExpr, keepNames: boolean): Promise<Timeseries[]> {
  const info = getRollupFunc(name);
  if (info === undefined) throw new Error(`BUG: unknown rollup function ${name}`);
  if (re.at === null) return evalRollupWithoutAt(ec, info, args, re, keepNames);
  const tssAt = await evalExpr(ec, re.at);
  if (tssAt.length !== 1) throw new QueryError(`\`@\` modifier must return a single series; it returns ${tssAt.length} series instead`);
  const at = Math.trunc(tssAt[0]!.values[0]! * 1000);
  if (!Number.isFinite(at)) throw new QueryError(`\`@\` modifier must be a finite Unix timestamp; got ${tssAt[0]!.values[0]}`);
  const tss = await evalRollupWithoutAt(withRange(ec, at, at), info, args, re, keepNames);
  const timestamps = getTimestamps(ec);
  for (const ts of tss) {
    ts.values = new Float64Array(timestamps.length).fill(ts.values[0]!);
    ts.timestamps = timestamps;
  }
  return tss;
}

async function evalRollupWithoutAt(
  ec: EvalConfig,
  info: RollupFuncInfo,
  args: RollupArg[],
  re: RollupExpr,
  keepNames: boolean,
  sink?: (ts: Timeseries) => void,
): Promise<Timeseries[]> {
  let ecNew = ec;
  if (re.offset !== null) {
    const offset = durationMs(re.offset, ec.step);
    if (offset !== 0) ecNew = withRange(ec, ec.start - offset, ec.end - offset);
  }
  const rvs = re.expr.kind === "metric"
    ? await evalRollupOverMetric(ecNew, info, args, re.expr, durationMs(re.window, ec.step), keepNames, sink)
    : await evalRollupOverSubquery(ecNew, info, args, re, keepNames);
  // The values belong to the original grid, whatever the offset.
  const timestamps = getTimestamps(ec);
  for (const ts of rvs) ts.timestamps = timestamps;
  if (info.name === "absent_over_time") return aggregateAbsentOverTime(ec, re.expr, rvs);
  return rvs;
}

// aggregateAbsentOverTime collapses the rows into one series: 1 where no
// input series has a point, NaN elsewhere.
function aggregateAbsentOverTime(ec: EvalConfig, expr: Expr, tss: Timeseries[]): Timeseries[] {
  const rvs = getAbsentTimeseries(ec, expr);
  if (tss.length === 0) return rvs;
  const out = rvs[0]!.values;
  for (let i = 0; i < out.length; i++) {
    for (const ts of tss) {
      if (ts.values[i] !== ts.values[i]) {
        out[i] = NaN;
        break;
      }
    }
  }
  return rvs;
}

/** getAbsentTimeseries returns a series of 1s labeled with the equality filters of expr when it is a selector. */
export function getAbsentTimeseries(ec: EvalConfig, expr: Expr): Timeseries[] {
  const rvs = evalNumber(ec, 1);
  if (expr.kind !== "metric") return rvs;
  const rv = rvs[0]!;
  for (const lf of expr.labelFilterss[0] ?? []) {
    // The metric name is not copied (VictoriaMetrics 1.79.5 skips it too).
    if (lf.label === "" || lf.label === "__name__" || lf.isRegexp || lf.isNegative) continue;
    if (lf.value !== "") rv.tags.set(lf.label, lf.value);
  }
  return rvs;
}

/** toSourceFilters returns the filter groups of me, each joined with each enforced group. */
export function toSourceFilters(me: MetricExpr, enforced: SourceFilter[][] = []): SourceFilter[][] {
  const groups = me.labelFilterss.map((lfs) => lfs.map((lf) => ({ label: lf.label, value: lf.value, isNegative: lf.isNegative, isRegex: lf.isRegexp })));
  if (enforced.length === 0) return groups;
  return groups.flatMap((g) => enforced.map((e) => [...g, ...e]));
}

function makeSeries(labels: ReadonlyArray<readonly [string, string]>, timestamps: Float64Array, values: Float64Array): Timeseries {
  const ts = newTimeseries(timestamps, values);
  for (const [k, v] of labels) {
    if (k === "__name__") ts.name = v;
    else if (v !== "") ts.tags.set(k, v);
  }
  return ts;
}

function rollupRowsToSeries(
  out: Timeseries[],
  info: RollupFuncInfo,
  keepNames: boolean,
  labels: ReadonlyArray<readonly [string, string]>,
  rows: ReturnType<typeof evalRollup>,
  timestamps: Float64Array,
): void {
  for (const row of rows) {
    const ts = makeSeries(labels, timestamps, row.values);
    if (row.tags !== undefined) for (const [k, v] of row.tags) ts.tags.set(k, v);
    if (!keepNames && !info.keepMetricName) ts.name = "";
    out.push(ts);
  }
}

// evalRollupOverMetric evaluates the rollup over every series me selects;
// with sink, each result series goes to sink (and is not kept) instead.
async function evalRollupOverMetric(
  ec: EvalConfig,
  info: RollupFuncInfo,
  args: RollupArg[],
  me: MetricExpr,
  window: number,
  keepNames: boolean,
  sink?: (ts: Timeseries) => void,
): Promise<Timeseries[]> {
  if (me.labelFilterss.length === 0) {
    const rv = evalNumber(ec, NaN);
    if (sink === undefined) return rv;
    sink(rv[0]!);
    return [];
  }
  if (sink === undefined && ec.rollupCache !== undefined) {
    // rollup_candlestick's point t reads samples after t: not cached (a later write could change it).
    const cacheable = info.name !== "rollup_candlestick" && args.every((a) => typeof a === "number" || typeof a === "string");
    const key = cacheable ? `rollup ${info.name}(${printExpr(me)}[${window}]${args.length > 0 ? ", " + JSON.stringify(args) : ""}) keepNames=${keepNames}` : undefined;
    return withRollupCache(ec, key, metricNamesOf(me), (ec) => evalRollupOverMetricNow(ec, info, args, me, window, keepNames));
  }
  return evalRollupOverMetricNow(ec, info, args, me, window, keepNames, sink);
}

// evalRollupOverMetricNow reads the series of me and rolls them up, under a
// `rollup` trace node (which holds the fetch nodes of the searches).
async function evalRollupOverMetricNow(
  ec: EvalConfig,
  info: RollupFuncInfo,
  args: RollupArg[],
  me: MetricExpr,
  window: number,
  keepNames: boolean,
  sink?: (ts: Timeseries) => void,
): Promise<Timeseries[]> {
  const qt = ec.tracer;
  if (qt === undefined || qt.isDone) return rollupOverMetric(ec, info, args, me, window, keepNames, sink);
  const node = qt.newChild(`rollup ${info.name}(): timeRange=${formatTimeRange(ec.start, ec.end)}, step=${ec.step}, window=${window}`);
  let series = 0;
  const count = sink === undefined ? undefined : (ts: Timeseries): void => {
    series++;
    sink(ts);
  };
  const rv = await rollupOverMetric({ ...ec, tracer: node }, info, args, me, window, keepNames, count);
  node.donef(sink === undefined ? `series=${rv.length}` : `series=${series}, folded into an aggregate`);
  return rv;
}

async function rollupOverMetric(
  ec: EvalConfig,
  info: RollupFuncInfo,
  args: RollupArg[],
  me: MetricExpr,
  window: number,
  keepNames: boolean,
  sink?: (ts: Timeseries) => void,
): Promise<Timeseries[]> {
  const timestamps = getTimestamps(ec);
  const cfg = { start: ec.start, end: ec.end, step: ec.step, window, lookbackDelta: ec.lookbackDelta };
  const { minTimestamp, maxTimestamp } = getRollupTimeRange(info, cfg);
  const out: Timeseries[] = [];
  const seen = new Set<string>();
  const groups = toSourceFilters(me, ec.enforcedFilters);
  // onSeries takes the rows of one series: skipped when an earlier filter
  // group had the same series, kept in out or handed to sink.
  const onSeries = (labels: ReadonlyArray<readonly [string, string]>, rows: RollupRow[]): void => {
    if (groups.length > 1) {
      const key = JSON.stringify(labels);
      if (seen.has(key)) return;
      seen.add(key);
    }
    rollupRowsToSeries(out, info, keepNames, labels, rows, timestamps);
    if (sink !== undefined) {
      for (const ts of out) sink(ts);
      out.length = 0;
    }
  };
  const src = ec.source;
  if (isBatchSource(src)) {
    const workers = ec.workers !== undefined && ec.workers.size > 1 ? ec.workers : undefined;
    const job = { funcName: info.name, args, cfg };
    for (const filters of groups) {
      const batches = src.searchBatches(filters, minTimestamp, maxTimestamp, ec.maxSeries, batchSeries, batchBytes, ec.tracer);
      await rollupBatches(ec, workers, job, batches, onSeries);
    }
    return out;
  }
  for (const filters of groups) {
    for (const s of src.search(filters, minTimestamp, maxTimestamp, ec.maxSeries, ec.tracer)) {
      // A series already seen is skipped before its rollup is computed.
      if (groups.length > 1 && seen.has(JSON.stringify(s.labels))) continue;
      onSeries(s.labels, evalRollup(info, args, cfg, s.timestamps, s.values, s.n));
      // The source's arrays are reused by its next step: yield only after
      // this series is done with them.
      const y = yieldIfBusy();
      if (y !== undefined) {
        await y;
        checkDeadline(ec);
      }
    }
  }
  return out;
}

// Batches of at most this many series (or about this many payload bytes)
// go to a rollup worker: small enough to spread a query over the workers
// and to keep the first one busy early, large enough that messages cost
// little.
const batchSeries = 128;
const batchBytes = 1 << 20;

/**
 * rollupBatches rolls up the series of batches on workers (in this thread
 * when there are none), at most two batches per worker at a time, and hands
 * each series' rows to onSeries in batch order. A search that yields one
 * batch only is rolled up in this thread (a worker would only add latency).
 */
async function rollupBatches(
  ec: EvalConfig,
  workers: RollupWorkerPool | undefined,
  job: Omit<RollupJob, "batch">,
  batches: Iterable<SourceBatch>,
  onSeries: (labels: ReadonlyArray<readonly [string, string]>, rows: RollupRow[]) => void,
): Promise<void> {
  const consume = (sb: SourceBatch, r: RollupJobResult): void => {
    recycleBatchBuffer(r.payload);
    if (r.fills !== undefined) sb.cacheFills?.(r.fills);
    sb.decoded?.(r.samples);
    let row = 0;
    for (let i = 0; i < r.samples.length; i++) {
      const k = r.rows[i]!;
      if (r.samples[i] === 0) continue;
      const rows: RollupRow[] = [];
      for (let j = 0; j < k; j++, row++) {
        const tags = r.tags[row];
        const values = r.values.subarray(row * r.points, (row + 1) * r.points);
        rows.push(tags === null ? { values } : { tags: tags!, values });
      }
      onSeries(sb.labelsAt(i), rows);
    }
  };
  if (workers === undefined) {
    for (const sb of batches) {
      consume(sb, runRollupJob({ ...job, batch: sb.batch }));
      const y = yieldIfBusy();
      if (y !== undefined) {
        await y;
        checkDeadline(ec);
      }
    }
    return;
  }
  const it = batches[Symbol.iterator]();
  const inflight: Array<{ sb: SourceBatch; p: Promise<RollupJobResult | Error> }> = [];
  const maxInflight = 2 * workers.size;
  try {
    let cur = it.next();
    if (cur.done === true) return;
    let next = it.next();
    if (next.done === true) {
      consume(cur.value, runRollupJob({ ...job, batch: cur.value.batch }));
      return;
    }
    // Workers that are not running yet start now; until one is ready (its
    // modules take a while to load), batches are rolled up in this thread,
    // which yields between them so that the ready message gets through.
    workers.warm();
    for (;;) {
      const sb = cur.value;
      if (workers.ready > 0) {
        // A failed job's error is kept as a value until its turn, so that no
        // promise is left rejected unobserved when an earlier one fails.
        inflight.push({ sb, p: workers.run({ ...job, batch: sb.batch }).catch((e: unknown) => e as Error) });
      } else {
        inflight.push({ sb, p: Promise.resolve(runRollupJob({ ...job, batch: sb.batch })) });
        const y = yieldIfBusy();
        if (y !== undefined) await y;
      }
      while (inflight.length >= maxInflight || (next.done === true && inflight.length > 0)) {
        const f = inflight.shift()!;
        const r = await f.p;
        if (r instanceof Error) throw r;
        checkDeadline(ec);
        consume(f.sb, r);
      }
      if (next.done === true) return;
      cur = next;
      next = it.next();
    }
  } finally {
    it.return?.();
  }
}

async function evalRollupOverSubquery(ec: EvalConfig, info: RollupFuncInfo, args: RollupArg[], re: RollupExpr, keepNames: boolean): Promise<Timeseries[]> {
  let step = durationMs(re.step, ec.step);
  if (step === 0) step = ec.step;
  const window = durationMs(re.window, ec.step);
  let sqStart = ec.start - window - maxSilenceInterval - step;
  let sqEnd = ec.end + step;
  validateMaxPoints(sqStart, sqEnd, step, ec.maxPointsPerSeries);
  [sqStart, sqEnd] = alignStartEnd(sqStart, sqEnd, step);
  const tssSQ = await evalExpr(withRange(ec, sqStart, sqEnd, step), re.expr);
  if (tssSQ.length === 0) return [];
  const timestamps = getTimestamps(ec);
  const cfg = { start: ec.start, end: ec.end, step: ec.step, window, lookbackDelta: ec.lookbackDelta };
  const out: Timeseries[] = [];
  for (const tsSQ of tssSQ) {
    const y = yieldIfBusy();
    if (y !== undefined) {
      await y;
      checkDeadline(ec);
    }
    const n0 = tsSQ.values.length;
    const ts = new Float64Array(n0);
    const vs = new Float64Array(n0);
    let n = 0;
    for (let i = 0; i < n0; i++) {
      const v = tsSQ.values[i]!;
      if (v !== v) continue;
      ts[n] = tsSQ.timestamps[i]!;
      vs[n] = v;
      n++;
    }
    const labels: Array<[string, string]> = [...tsSQ.tags];
    if (tsSQ.name !== "") labels.push(["__name__", tsSQ.name]);
    const rows = evalRollup(info, args, cfg, ts, vs, n);
    rollupRowsToSeries(out, info, keepNames, labels, rows, timestamps);
  }
  return out;
}
