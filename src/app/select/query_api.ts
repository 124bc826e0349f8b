// /api/v1/query and /api/v1/query_range: MetricsQL queries answered in
// Prometheus' JSON shapes exactly as VictoriaMetrics 1.79.5 writes them
// (app/vmselect/prometheus/prometheus.go and its *.qtpl templates).

import type * as http from "node:http";
import * as os from "node:os";
import * as flags from "../../lib/flagutil/index.ts";
import { sendJSON, type Request } from "../../lib/httpserver/index.ts";
import { parseDuration } from "../../lib/flagutil/index.ts";
import { parseTime } from "../../lib/searchutil/index.ts";
import { durationMs, expandWithExprs, printExpr, prettify, type Expr, type MetricExpr, type RollupExpr } from "../../lib/metricsql/index.ts";
import {
  adjustStartEnd,
  exec,
  formatFloatF,
  parseQuery,
  QueryError,
  QueryStats,
  sortedTags,
  QueryTimeoutError,
  RollupResultCache,
  RollupWorkerPool,
  validateMaxPoints,
  type EvalConfig,
  type SeriesSource,
  type SourceFilter,
  type Timeseries,
  toSourceFilters,
} from "../../lib/query/index.ts";
import { blockPayloadCache, parseSeriesSelector, SeriesLimitError, type Storage } from "../../lib/storage/index.ts";
import { gauge } from "../../lib/metrics/index.ts";
import { maxUniqueTimeseries, PromAPIError, sendPromError } from "./prometheus_api.ts";
import { quoteJSON } from "../../lib/protoparser/vmimport/index.ts";
import { maxConcurrentRequestsValue, queueWaitMs } from "./concurrency_limit.ts";
import { foldsIntoIncrementalAggr, QuerySource, queryLimits } from "./query_source.ts";
import { formatTimeRange, QueryTracer } from "./query_tracer.ts";

const maxQueryDuration = flags.duration("search.maxQueryDuration", "30s", "The maximum duration for query execution");
const maxWorkersPerQuery = flags.int("search.maxWorkersPerQuery", Math.min(32, os.availableParallelism()), "The maximum number of CPU cores a single query can use: the series of a selector are decoded and rolled up in this many worker threads (shared by concurrent queries; 1 runs queries on the main thread only). Values above the number of CPU cores available are lowered to it");

let rollupWorkers: RollupWorkerPool | undefined;

// rollupWorkerPool returns the process's pool of rollup workers, sized by
// -search.maxWorkersPerQuery (threads start on first use, stop when idle).
function rollupWorkerPool(): RollupWorkerPool {
  if (rollupWorkers === undefined) {
    const cpus = os.availableParallelism();
    const n = maxWorkersPerQuery.value <= 0 ? Math.min(32, cpus) : Math.min(maxWorkersPerQuery.value, cpus);
    rollupWorkers = new RollupWorkerPool(n);
  }
  return rollupWorkers;
}
gauge("tidemark_rollup_worker_jobs_total", () => rollupWorkers?.jobsRun ?? 0);
gauge("tidemark_rollup_workers", () => rollupWorkers?.ready ?? 0);
const maxPointsPerTimeseries = flags.int("search.maxPointsPerTimeseries", 30_000, "The maximum points per a single timeseries returned from /api/v1/query_range. This option doesn't limit the number of scanned raw samples in the database");
const latencyOffset = flags.duration("search.latencyOffset", "30s", "The time when data points become visible in query results after the collection. Too small value can result in incomplete last points for query results");
const maxStalenessInterval = flags.duration("search.maxStalenessInterval", "0s", "The maximum interval for staleness calculations. By default it is automatically calculated from the median interval between samples");
const maxLookback = flags.duration("search.maxLookback", "0s", "Synonym to -search.lookback-delta from Prometheus. The value is dynamically detected from interval between time series datapoints if not set. It can be overridden on per-query basis via max_lookback arg");
const maxQueryLen = flags.bytes("search.maxQueryLen", 16 * 1024, "The maximum search query length in bytes");
const disableCache = flags.bool("search.disableCache", false, "Whether to disable response caching. This may be useful during data backfilling");
const cacheTimestampOffset = flags.duration("search.cacheTimestampOffset", "5m", "The maximum duration since the current time for response data, which is always queried from the original raw data, without using the response cache. Older cached results are dropped when samples are written or deleted inside their time range, so backfilling needs no cache reset");
const rollupCacheSize = flags.bytes("search.rollupResultCacheSize", 64 << 20, "The maximum size of the rollup result cache (the results of range queries reused by later queries over the same range); 0 disables it");

// The rollup result cache of this process. The storage reports writes
// older than -search.cacheTimestampOffset and deletions to it, which drop
// the results they change (see lib/query/rollup_result_cache.ts).
const rollupCache = new RollupResultCache(0);
const rollupCacheStorages = new WeakSet<Storage>();
gauge(`vm_cache_requests_total{type="promql/rollupResult"}`, () => rollupCache.stats().requests);
gauge(`vm_cache_misses_total{type="promql/rollupResult"}`, () => rollupCache.stats().misses);
gauge(`vm_cache_entries{type="promql/rollupResult"}`, () => rollupCache.stats().entries);
gauge(`vm_cache_size_bytes{type="promql/rollupResult"}`, () => rollupCache.stats().sizeBytes);
gauge("vm_rollup_result_cache_full_hits_total", () => rollupCache.stats().fullHits);
gauge("vm_rollup_result_cache_partial_hits_total", () => rollupCache.stats().partialHits);
gauge("vm_rollup_result_cache_miss_total", () => rollupCache.stats().misses);
gauge("tidemark_rollup_result_cache_invalidations_total", () => rollupCache.stats().invalidations);
gauge(`vm_cache_requests_total{type="storage/blockPayload"}`, () => blockPayloadCache.requests);
gauge(`vm_cache_misses_total{type="storage/blockPayload"}`, () => blockPayloadCache.misses);
gauge(`vm_cache_entries{type="storage/blockPayload"}`, () => blockPayloadCache.entries);
gauge(`vm_cache_size_bytes{type="storage/blockPayload"}`, () => blockPayloadCache.sizeBytes);

function rollupCacheFor(storage: Storage): RollupResultCache {
  rollupCache.setMaxBytes(rollupCacheSize.value);
  // Samples older than the retention bound are hidden now: drop what read them.
  rollupCache.setRetentionBound(storage.retentionMinT());
  if (!rollupCacheStorages.has(storage)) {
    rollupCacheStorages.add(storage);
    storage.setWriteListener(cacheTimestampOffset.value, (names, minT) => rollupCache.invalidate(names, minT));
  }
  return rollupCache;
}

/** rollupResultCacheStats returns the counters of the rollup result cache (for tests and /metrics). */
export function rollupResultCacheStats(): ReturnType<RollupResultCache["stats"]> {
  return rollupCache.stats();
}

/** resetRollupResultCache drops every cached result (VictoriaMetrics' /internal/resetRollupResultCache). */
export function resetRollupResultCache(): void {
  rollupCache.reset();
}

const maxStepForPointsAdjustment = flags.duration("search.maxStepForPointsAdjustment", "1m", "The maximum step when /api/v1/query_range handler adjusts points with timestamps closer than -search.latencyOffset to the current time");

const lastQueriesCount = flags.int("search.queryStats.lastQueriesCount", 20_000, "Query stats for /api/v1/status/top_queries is tracked on this number of last queries. Zero value disables query stats tracking");
const minQueryDuration = flags.duration("search.queryStats.minQueryDuration", "1ms", "The minimum duration for queries to track in query stats at /api/v1/status/top_queries. Queries with lower duration are ignored in query stats");

let queryStats: QueryStats | undefined;

function getQueryStats(): QueryStats {
  queryStats ??= new QueryStats(lastQueriesCount.value, minQueryDuration.value);
  return queryStats;
}

interface ActiveQuery {
  id: number;
  query: string;
  start: number;
  end: number;
  step: number;
  remoteAddr: string;
  startTime: number;
}

const activeQueries = new Map<number, ActiveQuery>();
let nextQueryID = 1;

// runQuery evaluates a query, keeping it in the active list meanwhile and
// in the query statistics afterwards.
async function runQuery(req: Request, ec: EvalConfig, query: string, firstPointOnly: boolean, digits: number): Promise<Timeseries[]> {
  const t = Date.now();
  const id = nextQueryID++;
  const sock = req.raw.socket;
  const remoteAddr = sock.remoteAddress === undefined ? "" : `${sock.remoteAddress}:${sock.remotePort ?? 0}`;
  activeQueries.set(id, { id, query, start: ec.start, end: ec.end, step: ec.step, remoteAddr, startTime: t });
  try {
    return await exec(ec, query, firstPointOnly, digits);
  } finally {
    activeQueries.delete(id);
    if (lastQueriesCount.value > 0) getQueryStats().register(query, ec.end - ec.start, Date.now() - t);
  }
}

/** handleActiveQueries serves /api/v1/status/active_queries as VictoriaMetrics 1.79.5 does: one text line per running query. */
export function handleActiveQueries(_req: Request, res: http.ServerResponse): void {
  const now = Date.now();
  const lines = [...activeQueries.values()]
    .sort((a, b) => a.startTime - b.startTime)
    .map((q) => `\tduration: ${((now - q.startTime) / 1000).toFixed(3)}s, id=${q.id.toString(16).toUpperCase().padStart(16, "0")}, remote_addr=${JSON.stringify(q.remoteAddr)}, query=${JSON.stringify(q.query)}, start=${q.start}, end=${q.end}, step=${q.step}\n`);
  res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(lines.join(""));
}

/** handleTopQueries serves /api/v1/status/top_queries: `topN` (20) most frequent and slowest queries of the last `maxLifetime` (10m). */
export async function handleTopQueries(req: Request, res: http.ServerResponse): Promise<void> {
  try {
    const args = await req.formArgs();
    let topN = 20;
    const s = args.get("topN") ?? "";
    if (s !== "") {
      if (!/^[+-]?\d+$/.test(s)) throw bad(`cannot query status endpoint: cannot parse \`topN\` arg ${JSON.stringify(s)}: want an integer`);
      topN = Number(s);
    }
    const maxLifetime = getDuration(args, "maxLifetime", 10 * 60_000);
    sendJSON(res, 200, getQueryStats().toJSON(topN, maxLifetime, lastQueriesCount.value));
  } catch (e) {
    sendPromError(res, toPromError(e));
  }
}

/** defaultStep is the step, lookback and range default of the query endpoints (5 minutes). */
const defaultStep = 5 * 60_000;
const maxDurationMs = 100 * 365 * 86_400_000;

function bad(msg: string): PromAPIError {
  return new PromAPIError(422, "422", msg);
}

function getDuration(args: URLSearchParams, key: string, def: number): number {
  const s = args.get(key);
  if (s === null || s === "") return def;
  let secs = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim()) ? Number(s) : NaN;
  if (secs !== secs) {
    const d = parseDuration(s);
    if (d === undefined) throw bad(`cannot parse ${JSON.stringify(key)}=${JSON.stringify(s)}: want a duration such as 30s or a number of seconds`);
    secs = d / 1000;
  }
  const ms = Math.trunc(secs * 1000);
  if (ms <= 0 || ms > maxDurationMs) throw bad(`${JSON.stringify(key)}=${ms}ms is out of allowed range [0 ... ${maxDurationMs}]`);
  return ms;
}

function getTime(args: URLSearchParams, key: string, def: number, now: number): number {
  try {
    return parseTime(key, args.get(key), def, now);
  } catch (e) {
    throw bad((e as Error).message);
  }
}

function isTrue(args: URLSearchParams, key: string): boolean {
  const v = args.get(key);
  return v !== null && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

function getMaxLookback(args: URLSearchParams): number {
  let d = maxLookback.value;
  if (d === 0) d = maxStalenessInterval.value;
  // max_lookback may be set to a value the flag would not allow.
  const s = args.get("max_lookback");
  if (s === null || s === "") return d;
  return getDuration(args, "max_lookback", d);
}

function getDeadline(args: URLSearchParams, startTime: number): number {
  let d = 0;
  try {
    d = getDuration(args, "timeout", 0);
  } catch {
    d = 0;
  }
  const dMax = maxQueryDuration.value;
  if (d <= 0 || d > dMax) d = dMax;
  return startTime + d;
}

function getQuery(args: URLSearchParams): string {
  const q = args.get("query") ?? "";
  if (q === "") throw bad("missing `query` arg");
  if (Buffer.byteLength(q) > maxQueryLen.value) {
    throw bad(`too long query; got ${Buffer.byteLength(q)} bytes; mustn't exceed \`-search.maxQueryLen=${maxQueryLen.value}\` bytes`);
  }
  return q;
}

/** formatValue writes a sample value as VictoriaMetrics does (Go's %f-less shortest form: 'f' format, NaN, +Inf, -Inf). */
export function formatValue(v: number): string {
  return formatFloatF(v);
}

function formatTimestamp(ms: number): string {
  return formatFloatF(ms / 1000);
}

function metricJSON(ts: Timeseries): string {
  const parts: string[] = [];
  // Quoted as VictoriaMetrics' templates quote (also '<' and '\'' escaped).
  if (ts.name !== "") parts.push(`"__name__":${quoteJSON(ts.name)}`);
  for (const [k, v] of sortedTags(ts)) parts.push(`${quoteJSON(k)}:${quoteJSON(v)}`);
  return "{" + parts.join(",") + "}";
}

// traceJSON is the `trace` member of an answer for trace=1
// (VictoriaMetrics' query trace JSON); "" without tracing.
function traceJSON(qt: QueryTracer | undefined): string {
  return qt === undefined ? "" : `,"trace":${qt.toJSON()}`;
}

// startTrace starts the trace of a request when it has trace=1: the root is
// the path, with a note when the request waited for a
// -search.maxConcurrentRequests slot.
function startTrace(req: Request, args: URLSearchParams): QueryTracer | undefined {
  const qt = QueryTracer.create(isTrue(args, "trace"), req.path);
  if (qt !== undefined && queueWaitMs(req) > 0) {
    qt.printf(`wait in queue because -search.maxConcurrentRequests=${maxConcurrentRequestsValue()} concurrent requests are executed`);
  }
  return qt;
}

function vectorJSON(rs: Timeseries[], trace?: QueryTracer): string {
  const items = rs.map((r) => `{"metric":${metricJSON(r)},"value":[${formatTimestamp(r.timestamps[0]!)},"${formatValue(r.values[0]!)}"]}`);
  return `{"status":"success","data":{"resultType":"vector","result":[${items.join(",")}]}${traceJSON(trace)}}`;
}

interface MatrixSeries {
  ts: Timeseries;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

function matrixJSON(rs: MatrixSeries[], trace?: QueryTracer): string {
  const items = rs.map((r) => {
    const pts: string[] = [];
    for (let i = 0; i < r.values.length; i++) pts.push(`[${formatTimestamp(r.timestamps[i]!)},"${formatValue(r.values[i]!)}"]`);
    return `{"metric":${metricJSON(r.ts)},"values":[${pts.join(",")}]}`;
  });
  return `{"status":"success","data":{"resultType":"matrix","result":[${items.join(",")}]}${traceJSON(trace)}}`;
}

// wrapQueryError prefixes the message of a failed query as VictoriaMetrics
// 1.79.5 does ("error when executing query=...: cannot execute query: ...").
function wrapQueryError(e: unknown, prefix: string): unknown {
  const pe = toPromError(e);
  return pe instanceof PromAPIError ? new PromAPIError(pe.status, pe.errorType, prefix + pe.message) : pe;
}

function toPromError(e: unknown): unknown {
  // VictoriaMetrics 1.79.5 answers a timeout like any failed query.
  if (e instanceof QueryTimeoutError) return bad(e.message);
  if (e instanceof QueryError) return bad(e.message);
  if (e instanceof SeriesLimitError) return bad(e.message);
  return e;
}

// extraFilters reads extra_label=name=value and extra_filters[]=selector as
// VictoriaMetrics' GetExtraTagFilters does: each extra_filters selector plus
// every extra_label is one group; a selector is joined with each group.
function extraFilters(args: URLSearchParams): SourceFilter[][] {
  const labels: SourceFilter[] = [];
  for (const v of args.getAll("extra_label")) {
    const i = v.indexOf("=");
    if (i < 0) throw bad(`\`extra_label\` query arg must have the format \`name=value\`; got ${JSON.stringify(v)}`);
    labels.push({ label: v.slice(0, i), value: v.slice(i + 1), isNegative: false, isRegex: false });
  }
  const selectors = [...args.getAll("extra_filters"), ...args.getAll("extra_filters[]")];
  if (selectors.length === 0) return labels.length === 0 ? [] : [labels];
  return selectors.map((sel) => {
    try {
      return [...parseSeriesSelector(sel), ...labels];
    } catch (e) {
      throw bad(`cannot parse extra_filters=${sel}: ${(e as Error).message}`);
    }
  });
}

function makeEvalConfig(
  source: SeriesSource,
  start: number,
  end: number,
  step: number,
  lookbackDelta: number,
  deadline: number,
  enforcedFilters: SourceFilter[][],
  query: string,
  qt: QueryTracer | undefined,
  mayCache: boolean,
): EvalConfig {
  // Reads go through the per-query limits and the trace; the memory bound
  // does not apply where series are folded into an aggregate one by one.
  const limits = queryLimits(start, end, step);
  try {
    if (foldsIntoIncrementalAggr(parseQuery(query))) limits.memory = null;
  } catch {
    // exec reports the syntax error.
  }
  return {
    enforcedFilters,
    start,
    end,
    step,
    lookbackDelta,
    maxSeries: maxUniqueTimeseries.value,
    maxPointsPerSeries: maxPointsPerTimeseries.value,
    deadline,
    source: new QuerySource(source, limits, qt),
    workers: rollupWorkerPool(),
    tracer: qt,
    mayCache: mayCache && !disableCache.value,
  };
}

// isMetricSelectorWithRollup reports `selector[window] offset d` (no subquery,
// no @): VictoriaMetrics answers it with the raw samples.
function isMetricSelectorWithRollup(e: Expr): boolean {
  if (e.kind !== "rollup") return false;
  return e.expr.kind === "metric" && e.window !== null && e.step === null && !e.inheritStep && e.at === null && e.expr.labelFilterss.length > 0;
}

function isRollupSubquery(e: Expr): boolean {
  if (e.kind !== "rollup") return false;
  return e.window !== null && e.step !== null;
}

/** handleQuery serves /api/v1/query. */
export async function handleQuery(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  const startTime = Date.now();
  try {
    const args = await req.formArgs();
    const ct = startTime;
    const deadline = getDeadline(args, startTime);
    const mayCache = !isTrue(args, "nocache");
    const query = getQuery(args);
    // A missing time is now, rounded down to seconds (VictoriaMetrics' GetTime).
    let start = getTime(args, "time", ct - (ct % 1000), ct);
    const lookbackDelta = getMaxLookback(args);
    let step = getDuration(args, "step", lookbackDelta > 0 ? lookbackDelta : defaultStep);
    if (step <= 0) step = defaultStep;
    const e = parseQuery(query);
    if (isMetricSelectorWithRollup(e)) {
      const re = e as RollupExpr;
      const window = durationMs(re.window, step);
      const offset = durationMs(re.offset, step);
      start -= offset;
      let end = start;
      start = end - window + 1;
      if (end < start) end = start;
      sendJSON(res, 200, rawSamplesJSON(storage, re.expr as MetricExpr, extraFilters(args), start, end, deadline));
      return;
    }
    if (isRollupSubquery(e)) {
      const re = e as RollupExpr;
      const newStep = durationMs(re.step, step);
      if (newStep > 0) step = newStep;
      const window = durationMs(re.window, step);
      const offset = durationMs(re.offset, step);
      start -= offset;
      const end = start;
      start = end - window;
      const childQuery = printExpr(re.expr);
      await rangeQuery(req, res, storage, args, childQuery, start, end, step, ct, startTime).catch((err: unknown) => {
        throw wrapQueryError(err, `error when executing query=${JSON.stringify(childQuery)} on the time range (start=${start}, end=${end}, step=${step}): `);
      });
      return;
    }
    let queryOffset = latencyOffsetMs();
    if (mayCache && ct - start < queryOffset && start - ct < queryOffset) {
      const startPrev = start;
      start = ct - queryOffset;
      queryOffset = startPrev - start;
    } else {
      queryOffset = 0;
    }
    const qt = startTrace(req, args);
    const ec = makeEvalConfig(storage, start, start, step, lookbackDelta, deadline, extraFilters(args), query, qt, mayCache);
    const result = await runQuery(req, ec, query, true, roundDigits(args)).catch((err: unknown) => {
      throw wrapQueryError(err, `error when executing query=${JSON.stringify(query)} for (time=${start}, step=${step}): `);
    });
    if (queryOffset > 0) {
      for (const r of result) r.timestamps = Float64Array.from(r.timestamps, (t) => t + queryOffset);
    }
    qt?.printf(`generate /api/v1/query response for series=${result.length}`);
    qt?.donef(`query=${query}, time=${start}: series=${result.length}`);
    sendJSON(res, 200, vectorJSON(result, qt));
  } catch (e) {
    sendPromError(res, toPromError(e));
  }
}

// roundToSeconds rounds a default time down to whole seconds, as
// VictoriaMetrics' GetTime does for a missing arg.
function roundToSeconds(ms: number): number {
  return ms - (ms % 1000);
}

// roundDigits reads round_digits: how many decimal digits to keep (100: all).
function roundDigits(args: URLSearchParams): number {
  const s = args.get("round_digits") ?? "";
  if (!/^[+-]?\d+$/.test(s)) return 100;
  return Number(s);
}

function latencyOffsetMs(): number {
  const d = latencyOffset.value;
  return d <= 1000 ? 1000 : d;
}

function rawSamplesJSON(storage: Storage, me: MetricExpr, enforced: SourceFilter[][], start: number, end: number, deadline: number): string {
  const out: MatrixSeries[] = [];
  const seen = new Set<string>();
  for (const filters of toSourceFilters(me, enforced)) {
    for (const s of storage.search(filters, start, end, maxUniqueTimeseries.value)) {
      if (Date.now() > deadline) throw new QueryTimeoutError("timeout exceeded during query execution; the timeout can be adjusted with `-search.maxQueryDuration` command-line flag");
      if (seen.has(s.key)) continue;
      seen.add(s.key);
      const ts: Timeseries = { name: "", tags: new Map(), values: new Float64Array(0), timestamps: new Float64Array(0) };
      for (const [k, v] of s.labels) {
        if (k === "__name__") ts.name = v;
        else ts.tags.set(k, v);
      }
      out.push({ ts, timestamps: s.timestamps.slice(0, s.n), values: s.values.slice(0, s.n) });
    }
  }
  return matrixJSON(out);
}

/** handleQueryRange serves /api/v1/query_range. */
export async function handleQueryRange(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  const startTime = Date.now();
  try {
    const args = await req.formArgs();
    const ct = startTime;
    const query = getQuery(args);
    const start = getTime(args, "start", roundToSeconds(ct - defaultStep), ct);
    const end = getTime(args, "end", roundToSeconds(ct), ct);
    const step = getDuration(args, "step", defaultStep);
    await rangeQuery(req, res, storage, args, query, start, end, step, ct, startTime).catch((err: unknown) => {
      throw wrapQueryError(err, `error when executing query=${JSON.stringify(query)} on the time range (start=${start}, end=${end}, step=${step}): `);
    });
  } catch (e) {
    sendPromError(res, toPromError(e));
  }
}

async function rangeQuery(
  req: Request,
  res: http.ServerResponse,
  storage: Storage,
  args: URLSearchParams,
  query: string,
  start: number,
  end: number,
  step: number,
  ct: number,
  startTime: number,
): Promise<void> {
  const deadline = getDeadline(args, startTime);
  const mayCache = !isTrue(args, "nocache");
  const lookbackDelta = getMaxLookback(args);
  if (Buffer.byteLength(query) > maxQueryLen.value) {
    throw bad(`too long query; got ${Buffer.byteLength(query)} bytes; mustn't exceed \`-search.maxQueryLen=${maxQueryLen.value}\` bytes`);
  }
  if (start > end) end = start + defaultStep;
  validateMaxPoints(start, end, step, maxPointsPerTimeseries.value);
  // Without nocache, the range is aligned to the step (for the rollup result cache), as in VictoriaMetrics.
  if (mayCache && !disableCache.value) [start, end] = adjustStartEnd(start, end, step);
  const qt = startTrace(req, args);
  const ec = makeEvalConfig(storage, start, end, step, lookbackDelta, deadline, extraFilters(args), query, qt, mayCache);
  if (mayCache && !disableCache.value) ec.rollupCache = { cache: rollupCacheFor(storage), maxCachedEnd: ct - cacheTimestampOffset.value };
  const result = await runQuery(req, ec, query, false, roundDigits(args)).catch((err: unknown) => {
    throw wrapQueryError(err, "cannot execute query: ");
  });
  if (step < maxStepForPointsAdjustment.value) {
    const queryOffset = latencyOffsetMs();
    if (ct - queryOffset < end) adjustLastPoints(result, ct - queryOffset, ct + step);
  }
  const out: MatrixSeries[] = [];
  for (const r of result) {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < r.values.length; i++) {
      const v = r.values[i]!;
      if (v !== v) continue;
      ts.push(r.timestamps[i]!);
      vs.push(v);
    }
    if (vs.length > 0) out.push({ ts: r, timestamps: ts, values: vs });
  }
  if (qt !== undefined) {
    let points = 0;
    for (const r of out) points += r.values.length;
    qt.printf(`generate /api/v1/query_range response for series=${out.length}, points=${points}`);
    qt.donef(`start=${start}, end=${end}, step=${step}, query=${JSON.stringify(query)}: series=${out.length}`);
  }
  sendJSON(res, 200, matrixJSON(out, qt));
}

// adjustLastPoints repeats the last complete value over the points in
// (start, end]: those may miss samples still on their way.
function adjustLastPoints(tss: Timeseries[], start: number, end: number): void {
  for (const ts of tss) {
    const timestamps = ts.timestamps;
    const values = ts.values;
    let j = timestamps.length - 1;
    if (j >= 0 && timestamps[j]! > end) continue;
    while (j >= 0 && timestamps[j]! > start) j--;
    j++;
    const last = j > 0 ? values[j - 1]! : NaN;
    for (; j < timestamps.length && timestamps[j]! <= end; j++) values[j] = last;
  }
}

/** handleBuildInfo serves /api/v1/status/buildinfo as VictoriaMetrics 1.79.5 does (empty data). */
export function handleBuildInfo(_req: Request, res: http.ServerResponse): void {
  sendJSON(res, 200, `{"status":"success","data":{}}`);
}

/** handleExpandWithExprs serves /expand-with-exprs?query=...: the query with WITH templates expanded, as JSON. */
export async function handleExpandWithExprs(req: Request, res: http.ServerResponse): Promise<void> {
  const args = await req.formArgs();
  const q = args.get("query") ?? "";
  try {
    sendJSON(res, 200, { status: "success", expr: q === "" ? "" : expandWithExprs(q) });
  } catch (e) {
    sendJSON(res, 400, { status: "error", error: (e as Error).message });
  }
}

/** handlePrettifyQuery serves /prettify-query?query=...: the query formatted over lines, as JSON. */
export async function handlePrettifyQuery(req: Request, res: http.ServerResponse): Promise<void> {
  const args = await req.formArgs();
  const q = args.get("query") ?? "";
  try {
    sendJSON(res, 200, { status: "success", query: prettify(q) });
  } catch (e) {
    sendJSON(res, 400, { status: "error", msg: (e as Error).message });
  }
}
