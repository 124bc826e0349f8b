import { test } from "node:test";
import assert from "node:assert/strict";
import type { FuncExpr } from "./ast.ts";
import {
  AGGR_FUNCS,
  isAggrFunc,
  isRollupFunc,
  isSupportedFunction,
  isTransformFunc,
  ROLLUP_FUNCS,
  rollupArgIdx,
  TEMPLATE_FUNCS,
  TRANSFORM_FUNCS,
} from "./functions.ts";

// The function headings of https://docs.victoriametrics.com/victoriametrics/metricsql/,
// section by section.
const DOCUMENTED = {
  rollup: `absent_over_time aggr_over_time ascent_over_time avg_over_time changes changes_prometheus
    count_eq_over_time count_gt_over_time count_le_over_time count_ne_over_time count_over_time
    count_values_over_time decreases_over_time default_rollup delta delta_prometheus deriv deriv_fast
    descent_over_time distinct_over_time duration_over_time first_over_time geomean_over_time
    histogram_over_time hoeffding_bound_lower hoeffding_bound_upper holt_winters idelta ideriv increase
    increase_prometheus increase_pure increases_over_time integrate irate lag last_over_time lifetime
    mad_over_time max_over_time median_over_time min_over_time mode_over_time outlier_iqr_over_time
    predict_linear present_over_time quantile_over_time quantiles_over_time range_over_time rate
    rate_prometheus rate_over_sum resets rollup rollup_candlestick rollup_delta rollup_deriv rollup_increase
    rollup_rate rollup_scrape_interval scrape_interval share_gt_over_time share_le_over_time
    share_eq_over_time stale_samples_over_time stddev_over_time stdvar_over_time sum_eq_over_time
    sum_gt_over_time sum_le_over_time sum_over_time sum2_over_time timestamp timestamp_with_name
    tfirst_over_time tlast_change_over_time tlast_over_time tmax_over_time tmin_over_time zscore_over_time`,
  transform: `abs absent acos acosh asin asinh atan atanh bitmap_and bitmap_or bitmap_xor buckets_limit ceil
    clamp clamp_max clamp_min cos cosh day_of_month day_of_week day_of_year days_in_month deg
    drop_empty_series end exp floor histogram_avg histogram_fraction histogram_quantile histogram_quantiles
    histogram_share histogram_stddev histogram_stdvar hour interpolate keep_last_value keep_next_value
    limit_offset ln log2 log10 minute month now pi rad prometheus_buckets rand rand_exponential rand_normal
    range_avg range_first range_last range_linear_regression range_mad range_max range_median range_min
    range_normalize range_quantile range_stddev range_stdvar range_sum range_trim_outliers range_trim_spikes
    range_trim_zscore range_zscore remove_resets round ru running_avg running_max running_min running_sum
    scalar sgn sin sinh tan tanh smooth_exponential sort sort_desc sqrt start step time timezone_offset ttf
    union vector year`,
  label: `alias drop_common_labels label_copy label_del label_graphite_group label_join label_keep
    label_lowercase label_map label_match label_mismatch label_move label_replace label_set label_transform
    label_uppercase label_value labels_equal sort_by_label sort_by_label_desc sort_by_label_numeric
    sort_by_label_numeric_desc`,
  aggregate: `any avg bottomk bottomk_avg bottomk_last bottomk_max bottomk_median bottomk_min count
    count_values distinct geomean group histogram limitk mad max median min mode outliers_iqr outliers_mad
    outliersk quantile quantiles share stddev stdvar sum sum2 topk topk_avg topk_last topk_max topk_median
    topk_min zscore`,
};

function names(s: string): string[] {
  return s.split(/\s+/).filter((n) => n !== "").sort();
}

test("the registries hold exactly the documented functions", () => {
  assert.deepEqual([...ROLLUP_FUNCS.keys()].sort(), names(DOCUMENTED.rollup));
  assert.deepEqual([...AGGR_FUNCS.keys()].sort(), names(DOCUMENTED.aggregate));
  // Transform and label functions are one registry, plus the empty name of `(a, b)`;
  // alias, ru, ttf and range_median are predefined WITH templates.
  const transform = [...TRANSFORM_FUNCS.keys(), ...TEMPLATE_FUNCS.keys()].filter((n) => n !== "").sort();
  assert.deepEqual(transform, names(DOCUMENTED.transform + " " + DOCUMENTED.label));
  assert.ok(TRANSFORM_FUNCS.has(""));
  for (const name of TEMPLATE_FUNCS.keys()) assert.ok(!isSupportedFunction(name), name);
});

test("argument counts are consistent", () => {
  for (const [name, info] of [...ROLLUP_FUNCS, ...TRANSFORM_FUNCS, ...AGGR_FUNCS, ...TEMPLATE_FUNCS]) {
    assert.ok(info.minArgs >= 0 && info.minArgs <= info.maxArgs, name);
  }
  const f = (name: string, min: number, max: number) => {
    const info = ROLLUP_FUNCS.get(name) ?? TRANSFORM_FUNCS.get(name) ?? AGGR_FUNCS.get(name) ?? TEMPLATE_FUNCS.get(name);
    assert.deepEqual(info, { minArgs: min, maxArgs: max }, name);
  };
  f("rate", 1, 1);
  f("quantile_over_time", 2, 2);
  f("quantiles_over_time", 3, Infinity);
  f("holt_winters", 3, 3);
  f("rollup", 1, 2);
  f("histogram_quantile", 2, 3);
  f("label_replace", 5, 5);
  f("time", 0, 0);
  f("hour", 0, 1);
  f("round", 1, 2);
  f("union", 1, Infinity);
  f("sum", 1, Infinity);
  f("topk", 2, 2);
  f("topk_avg", 2, 3);
  f("count_values", 2, 2);
  f("quantiles", 3, Infinity);
  f("ru", 2, 2);
});

test("kind checks ignore case", () => {
  assert.ok(isRollupFunc("RATE"));
  assert.ok(isTransformFunc("Abs"));
  assert.ok(isAggrFunc("SUM"));
  assert.ok(!isAggrFunc("rate"));
  assert.ok(!isRollupFunc("sum"));
  assert.ok(isSupportedFunction(""));
  assert.ok(!isSupportedFunction("nope"));
});

test("rollupArgIdx finds the series argument", () => {
  const fe = (name: string, n: number): FuncExpr => ({
    kind: "func",
    name,
    args: Array.from({ length: n }, () => ({ kind: "number" as const, value: 1, text: "1" })),
    keepMetricNames: false,
  });
  const f = (name: string, n: number, want: number) => assert.equal(rollupArgIdx(fe(name, n)), want, name);
  f("rate", 1, 0);
  f("RATE", 1, 0);
  f("quantile_over_time", 2, 1);
  f("aggr_over_time", 2, 1);
  f("count_values_over_time", 2, 1);
  f("hoeffding_bound_upper", 2, 1);
  f("quantiles_over_time", 4, 3);
  f("predict_linear", 2, 0);
  f("abs", 1, -1);
  f("sum", 1, -1);
});
