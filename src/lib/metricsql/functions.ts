// Registries of the functions MetricsQL documents, with the numbers of arguments the
// documentation gives them (https://docs.victoriametrics.com/victoriametrics/metricsql/#metricsql-functions).
// The parser only needs the names (to know aggregates and to reject unknown
// functions); the query engine checks its own implementation list against these.

import type { FuncExpr } from "./ast.ts";

/** FuncInfo gives the allowed number of arguments; maxArgs is Infinity for variadic functions. */
export interface FuncInfo {
  readonly minArgs: number;
  readonly maxArgs: number;
}

const V = Infinity;

function registry(entries: [string, number, number][]): ReadonlyMap<string, FuncInfo> {
  return new Map(entries.map(([name, minArgs, maxArgs]) => [name, { minArgs, maxArgs }]));
}

/** ROLLUP_FUNCS lists the rollup functions ("Rollup functions" in the docs). */
export const ROLLUP_FUNCS: ReadonlyMap<string, FuncInfo> = registry([
  ["absent_over_time", 1, 1],
  ["aggr_over_time", 2, 2], // aggr_over_time(("f1", "f2", ...), series_selector[d])
  ["ascent_over_time", 1, 1],
  ["avg_over_time", 1, 1],
  ["changes", 1, 1],
  ["changes_prometheus", 1, 1],
  ["count_eq_over_time", 2, 2],
  ["count_gt_over_time", 2, 2],
  ["count_le_over_time", 2, 2],
  ["count_ne_over_time", 2, 2],
  ["count_over_time", 1, 1],
  ["count_values_over_time", 2, 2],
  ["decreases_over_time", 1, 1],
  ["default_rollup", 1, 1],
  ["delta", 1, 1],
  ["delta_prometheus", 1, 1],
  ["deriv", 1, 1],
  ["deriv_fast", 1, 1],
  ["descent_over_time", 1, 1],
  ["distinct_over_time", 1, 1],
  ["duration_over_time", 2, 2],
  ["first_over_time", 1, 1],
  ["geomean_over_time", 1, 1],
  ["histogram_over_time", 1, 1],
  ["hoeffding_bound_lower", 2, 2],
  ["hoeffding_bound_upper", 2, 2],
  ["holt_winters", 3, 3],
  ["idelta", 1, 1],
  ["ideriv", 1, 1],
  ["increase", 1, 1],
  ["increase_prometheus", 1, 1],
  ["increase_pure", 1, 1],
  ["increases_over_time", 1, 1],
  ["integrate", 1, 1],
  ["irate", 1, 1],
  ["lag", 1, 1],
  ["last_over_time", 1, 1],
  ["lifetime", 1, 1],
  ["mad_over_time", 1, 1],
  ["max_over_time", 1, 1],
  ["median_over_time", 1, 1],
  ["min_over_time", 1, 1],
  ["mode_over_time", 1, 1],
  ["outlier_iqr_over_time", 1, 1],
  ["predict_linear", 2, 2],
  ["present_over_time", 1, 1],
  ["quantile_over_time", 2, 2],
  ["quantiles_over_time", 3, V], // quantiles_over_time("phiLabel", phi1, ..., phiN, series_selector[d])
  ["range_over_time", 1, 1],
  ["rate", 1, 1],
  ["rate_over_sum", 1, 1],
  ["rate_prometheus", 1, 1],
  ["resets", 1, 1],
  ["rollup", 1, 2], // optional "min", "max" or "avg"
  ["rollup_candlestick", 1, 2],
  ["rollup_delta", 1, 2],
  ["rollup_deriv", 1, 2],
  ["rollup_increase", 1, 2],
  ["rollup_rate", 1, 2],
  ["rollup_scrape_interval", 1, 2],
  ["scrape_interval", 1, 1],
  ["share_eq_over_time", 2, 2],
  ["share_gt_over_time", 2, 2],
  ["share_le_over_time", 2, 2],
  ["stale_samples_over_time", 1, 1],
  ["stddev_over_time", 1, 1],
  ["stdvar_over_time", 1, 1],
  ["sum2_over_time", 1, 1],
  ["sum_eq_over_time", 2, 2],
  ["sum_gt_over_time", 2, 2],
  ["sum_le_over_time", 2, 2],
  ["sum_over_time", 1, 1],
  ["tfirst_over_time", 1, 1],
  // timestamp is a rollup (the timestamp of the last sample in the window), see
  // https://github.com/VictoriaMetrics/VictoriaMetrics/issues/415
  ["timestamp", 1, 1],
  ["timestamp_with_name", 1, 1],
  ["tlast_change_over_time", 1, 1],
  ["tlast_over_time", 1, 1],
  ["tmax_over_time", 1, 1],
  ["tmin_over_time", 1, 1],
  ["zscore_over_time", 1, 1],
]);

/**
 * TRANSFORM_FUNCS lists the transform functions, including the "Label manipulation
 * functions" of the docs. The empty name is `(q1, ..., qN)`, a synonym of union.
 */
export const TRANSFORM_FUNCS: ReadonlyMap<string, FuncInfo> = registry([
  ["", 0, V],
  ["abs", 1, 1],
  ["absent", 1, 1],
  ["acos", 1, 1],
  ["acosh", 1, 1],
  ["asin", 1, 1],
  ["asinh", 1, 1],
  ["atan", 1, 1],
  ["atanh", 1, 1],
  ["bitmap_and", 2, 2],
  ["bitmap_or", 2, 2],
  ["bitmap_xor", 2, 2],
  ["buckets_limit", 2, 2],
  ["ceil", 1, 1],
  ["clamp", 3, 3],
  ["clamp_max", 2, 2],
  ["clamp_min", 2, 2],
  ["cos", 1, 1],
  ["cosh", 1, 1],
  ["day_of_month", 0, 1], // the time argument defaults to time()
  ["day_of_week", 0, 1],
  ["day_of_year", 0, 1],
  ["days_in_month", 0, 1],
  ["deg", 1, 1],
  ["drop_common_labels", 1, V],
  ["drop_empty_series", 1, 1],
  ["end", 0, 0],
  ["exp", 1, 1],
  ["floor", 1, 1],
  ["histogram_avg", 1, 1],
  ["histogram_fraction", 3, 3],
  ["histogram_quantile", 2, 3], // optional boundsLabel
  ["histogram_quantiles", 3, V],
  ["histogram_share", 2, 3], // optional boundsLabel
  ["histogram_stddev", 1, 1],
  ["histogram_stdvar", 1, 1],
  ["hour", 0, 1],
  ["interpolate", 1, 1],
  ["keep_last_value", 1, 1],
  ["keep_next_value", 1, 1],
  ["label_copy", 1, V],
  ["label_del", 1, V],
  ["label_graphite_group", 2, V],
  ["label_join", 3, V],
  ["label_keep", 1, V],
  ["label_lowercase", 2, V],
  ["label_map", 2, V],
  ["label_match", 3, 3],
  ["label_mismatch", 3, 3],
  ["label_move", 1, V],
  ["label_replace", 5, 5],
  ["label_set", 1, V],
  ["label_transform", 4, 4],
  ["label_uppercase", 2, V],
  ["label_value", 2, 2],
  ["labels_equal", 3, V],
  ["limit_offset", 3, 3],
  ["ln", 1, 1],
  ["log10", 1, 1],
  ["log2", 1, 1],
  ["minute", 0, 1],
  ["month", 0, 1],
  ["now", 0, 0],
  ["pi", 0, 0],
  ["prometheus_buckets", 1, 1],
  ["rad", 1, 1],
  ["rand", 0, 1], // optional seed
  ["rand_exponential", 0, 1],
  ["rand_normal", 0, 1],
  ["range_avg", 1, 1],
  ["range_first", 1, 1],
  ["range_last", 1, 1],
  ["range_linear_regression", 1, 1],
  ["range_mad", 1, 1],
  ["range_max", 1, 1],
  ["range_min", 1, 1],
  ["range_normalize", 1, V],
  ["range_quantile", 2, 2],
  ["range_stddev", 1, 1],
  ["range_stdvar", 1, 1],
  ["range_sum", 1, 1],
  ["range_trim_outliers", 2, 2],
  ["range_trim_spikes", 2, 2],
  ["range_trim_zscore", 2, 2],
  ["range_zscore", 1, 1],
  ["remove_resets", 1, 1],
  ["round", 1, 2], // optional nearest
  ["running_avg", 1, 1],
  ["running_max", 1, 1],
  ["running_min", 1, 1],
  ["running_sum", 1, 1],
  ["scalar", 1, 1],
  ["sgn", 1, 1],
  ["sin", 1, 1],
  ["sinh", 1, 1],
  ["smooth_exponential", 2, 2],
  ["sort", 1, 1],
  ["sort_by_label", 2, V],
  ["sort_by_label_desc", 2, V],
  ["sort_by_label_numeric", 2, V],
  ["sort_by_label_numeric_desc", 2, V],
  ["sort_desc", 1, 1],
  ["sqrt", 1, 1],
  ["start", 0, 0],
  ["step", 0, 0],
  ["tan", 1, 1],
  ["tanh", 1, 1],
  ["time", 0, 0],
  ["timezone_offset", 1, 1],
  ["union", 1, V],
  ["vector", 1, 1],
  ["year", 0, 1],
]);

/** AGGR_FUNCS lists the aggregate functions; all of them accept by/without and limit. */
export const AGGR_FUNCS: ReadonlyMap<string, FuncInfo> = registry([
  ["any", 1, V],
  ["avg", 1, V],
  ["bottomk", 2, 2],
  ["bottomk_avg", 2, 3], // optional "other_label=other_value"
  ["bottomk_last", 2, 3],
  ["bottomk_max", 2, 3],
  ["bottomk_median", 2, 3],
  ["bottomk_min", 2, 3],
  ["count", 1, V],
  ["count_values", 2, 2],
  ["distinct", 1, V],
  ["geomean", 1, V],
  ["group", 1, V],
  ["histogram", 1, V],
  ["limitk", 2, 2],
  ["mad", 1, V],
  ["max", 1, V],
  ["median", 1, V],
  ["min", 1, V],
  ["mode", 1, V],
  ["outliers_iqr", 1, 1],
  ["outliers_mad", 2, 2],
  ["outliersk", 2, 2],
  ["quantile", 2, 2],
  ["quantiles", 3, V], // quantiles("phiLabel", phi1, ..., phiN, q)
  ["share", 1, V],
  ["stddev", 1, V],
  ["stdvar", 1, V],
  ["sum", 1, V],
  ["sum2", 1, V],
  ["topk", 2, 2],
  ["topk_avg", 2, 3],
  ["topk_last", 2, 3],
  ["topk_max", 2, 3],
  ["topk_median", 2, 3],
  ["topk_min", 2, 3],
  ["zscore", 1, V],
]);

/**
 * TEMPLATE_FUNCS lists the documented functions that are predefined WITH templates
 * rather than engine functions (parse() expands them): alias, ru, ttf, range_median.
 */
export const TEMPLATE_FUNCS: ReadonlyMap<string, FuncInfo> = registry([
  ["alias", 2, 2],
  ["range_median", 1, 1],
  ["ru", 2, 2],
  ["ttf", 1, 1],
]);

/** isRollupFunc reports whether name (any case) is a rollup function. */
export function isRollupFunc(name: string): boolean {
  return ROLLUP_FUNCS.has(name.toLowerCase());
}

/** isTransformFunc reports whether name (any case) is a transform function. */
export function isTransformFunc(name: string): boolean {
  return TRANSFORM_FUNCS.has(name.toLowerCase());
}

/** isAggrFunc reports whether name (any case) is an aggregate function. */
export function isAggrFunc(name: string): boolean {
  return AGGR_FUNCS.has(name.toLowerCase());
}

/** isAggrFuncModifier reports whether token is `by` or `without` (any case). */
export function isAggrFuncModifier(token: string): boolean {
  const t = token.toLowerCase();
  return t === "by" || t === "without";
}

/** isSupportedFunction reports whether name (any case) is a rollup, transform or aggregate function. */
export function isSupportedFunction(name: string): boolean {
  return isRollupFunc(name) || isTransformFunc(name) || isAggrFunc(name);
}

/**
 * rollupArgIdx returns the index of the argument of rollup call fe that holds the
 * series (the one a lookbehind window applies to), or -1 if fe is not a rollup call.
 */
export function rollupArgIdx(fe: FuncExpr): number {
  const name = fe.name.toLowerCase();
  if (!ROLLUP_FUNCS.has(name)) return -1;
  switch (name) {
    case "quantile_over_time":
    case "aggr_over_time":
    case "count_values_over_time":
    case "hoeffding_bound_lower":
    case "hoeffding_bound_upper":
      return 1;
    case "quantiles_over_time":
      return fe.args.length - 1;
    default:
      return 0;
  }
}
