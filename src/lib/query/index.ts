// Package query: MetricsQL evaluation over a SeriesSource with VictoriaMetrics
// 1.79.5 semantics.
//
//   exec(ec, q, firstPointOnly)   evaluate a query: sorted, de-duplicated series
//   evalExpr(ec, e)               evaluate a parsed expression
//   rollup functions              getRollupFunc, evalRollup, ... (see README.md)

export { exec, parseQuery } from "./exec.ts";
export { evalExpr, toSourceFilters } from "./eval.ts";
export {
  adjustStartEnd,
  alignStartEnd,
  getTimestamps,
  QueryError,
  QueryTimeoutError,
  validateMaxPoints,
  type EvalConfig,
} from "./eval_config.ts";
export { isBatchSource, type BatchSource, type SeriesSource, type SourceBatch, type SourceFilter, type SourceSeries } from "./source.ts";
export { compareTagNames, sortedTags, type Timeseries } from "./timeseries.ts";
export { aggrFuncNames, formatFloatF } from "./aggr.ts";
export { transformFuncNames } from "./transform.ts";
export { formatGoDuration, QueryStats } from "./query_stats.ts";
export { RollupResultCache, type RollupResultCacheStats } from "./rollup_result_cache.ts";
export { RollupWorkerPool } from "./rollup_workers.ts";
export { formatTimeRange, formatTraceTime, type Tracer } from "./trace.ts";
export {
  aggrOverTimeNames,
  evalRollup,
  getRollupFunc,
  getRollupTimeRange,
  rollupFuncNames,
  type RollupArg,
  type RollupConfig,
  type RollupFuncInfo,
  type RollupRow,
} from "./rollup.ts";
