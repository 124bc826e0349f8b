// Every rollup function on small hand-made series. Expected values are worked
// out by hand from VictoriaMetrics' rules (see the comments on the series).
import { test } from "node:test";
import assert from "node:assert/strict";
import { evalRollup, getRollupFunc, rollupFuncNames } from "./rollup.ts";
import type { RollupArg, RollupConfig, RollupRow } from "./rollup.ts";

const sec = 1000;
const N = NaN;

// Series A: samples every 10s; scrape interval 10s, so maxPrevInterval = 15s.
//   t(s):  10  20  30  40  50  60
//   value:  1   3   2   5   5   4
// Counter-reset removal turns the values into 1 3 5 8 8 12 (3->2 and 5->4 are
// full resets: a drop of 1 is not below an eighth of 3 or 5).
// Points at 25s, 45s, 65s with a 20s window:
//   W1 (5,25]:  [1,3] at 10,20; no prevValue; realNext 2
//   W2 (25,45]: [2,5] at 30,40; prevValue 3 at 20
//   W3 (45,65]: [5,4] at 50,60; prevValue 5 at 40
const tsA = Float64Array.from([10, 20, 30, 40, 50, 60], (s) => s * sec);
const vsA = Float64Array.from([1, 3, 2, 5, 5, 4]);
const cfgA: RollupConfig = { start: 25 * sec, end: 65 * sec, step: 20 * sec, window: 20 * sec, lookbackDelta: 0 };

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

function assertValues(got: Float64Array, want: number[], msg: string): void {
  assert.ok(got.length === want.length && want.every((w, k) => close(got[k]!, w)), `${msg}: got [${[...got]}]; want [${want}]`);
}

// tested collects the functions run so far; the last test checks that all were.
const tested = new Set<string>();

function run(name: string, args: RollupArg[], cfg: RollupConfig, ts: Float64Array, vs: Float64Array): RollupRow[] {
  tested.add(name);
  const info = getRollupFunc(name);
  assert.ok(info !== undefined, `${name} is not a rollup function`);
  return evalRollup(info, args, cfg, ts, vs, ts.length);
}

// f checks a function that returns one untagged row over series A.
const f = (name: string, args: RollupArg[], want: number[]) => {
  const rows = run(name, args, cfgA, tsA, vsA);
  assert.equal(rows.length, 1, `${name}(${args}): ${rows.length} rows`);
  assert.equal(rows[0]!.tags, undefined, `${name}(${args}) tags`);
  assertValues(rows[0]!.values, want, `${name}(${args})`);
};

// fRows checks a function that returns tagged rows, keyed "label=value".
const fRows = (name: string, args: RollupArg[], want: Record<string, number[]>, cfg = cfgA, ts = tsA, vs = vsA) => {
  const rows = run(name, args, cfg, ts, vs);
  const got = new Map(rows.map((r) => [(r.tags ?? []).map(([k, v]) => `${k}=${v}`).join(","), r.values]));
  assert.deepEqual([...got.keys()].sort(), Object.keys(want).sort(), `${name}(${args}) row tags`);
  for (const [key, values] of Object.entries(want)) assertValues(got.get(key)!, values, `${name}(${args}) ${key}`);
};

test("aggregates over the window", () => {
  f("min_over_time", [], [1, 2, 4]);
  f("max_over_time", [], [3, 5, 5]);
  f("sum_over_time", [], [4, 7, 9]);
  f("avg_over_time", [], [2, 3.5, 4.5]);
  f("range_over_time", [], [2, 3, 1]);
  f("count_over_time", [], [2, 2, 2]);
  f("present_over_time", [], [1, 1, 1]);
  f("absent_over_time", [], [N, N, N]);
  f("sum2_over_time", [], [10, 29, 41]);
  f("geomean_over_time", [], [Math.sqrt(3), Math.sqrt(10), Math.sqrt(20)]);
  f("stdvar_over_time", [], [1, 2.25, 0.25]);
  f("stddev_over_time", [], [1, 1.5, 0.5]);
  f("distinct_over_time", [], [2, 2, 2]);
  f("stale_samples_over_time", [], [0, 0, 0]);
  // rate_over_sum divides by the 20s window.
  f("rate_over_sum", [], [0.2, 0.35, 0.45]);
});

test("first, last and their timestamps", () => {
  f("first_over_time", [], [1, 2, 5]);
  f("last_over_time", [], [3, 5, 4]);
  f("default_rollup", [], [3, 5, 4]);
  f("tfirst_over_time", [], [10, 30, 50]);
  f("tlast_over_time", [], [20, 40, 60]);
  f("timestamp", [], [20, 40, 60]);
  f("timestamp_with_name", [], [20, 40, 60]);
  f("tmin_over_time", [], [10, 30, 60]);
  f("tmax_over_time", [], [20, 40, 50]);
  f("tlast_change_over_time", [], [20, 40, 60]);
  // The last sample is 5s before each point.
  f("lag", [], [5, 5, 5]);
  // W1 spans its two samples; W2 and W3 reach back to prevValue.
  f("lifetime", [], [10, 20, 20]);
  f("scrape_interval", [], [10, 10, 10]);
});

test("changes between samples", () => {
  // W1 counts its first sample as a change (no prevValue).
  f("changes", [], [2, 2, 1]);
  f("changes_prometheus", [], [1, 1, 1]);
  f("increases_over_time", [], [1, 1, 0]);
  f("resets", [], [0, 1, 1]);
  f("decreases_over_time", [], [0, 1, 1]);
  f("ascent_over_time", [], [2, 3, 0]);
  f("descent_over_time", [], [0, 1, 1]);
});

test("deltas, increases and rates", () => {
  // W1 has no prevValue and a small first value: it counts from 0.
  f("delta", [], [3, 2, -1]);
  f("delta_prometheus", [], [2, 3, -1]);
  f("idelta", [], [2, 3, -1]);
  // On the reset-corrected values 1 3 5 8 8 12.
  f("increase", [], [3, 5, 4]);
  f("increase_prometheus", [], [2, 3, 4]);
  f("increase_pure", [], [3, 5, 4]);
  f("rate", [], [0.2, 0.25, 0.2]);
  f("irate", [], [0.2, 0.3, 0.4]);
  f("rate_prometheus", [], [0.1, 0.15, 0.2]);
  // Without counter-reset removal.
  f("deriv_fast", [], [0.2, 0.1, -0.05]);
  f("ideriv", [], [0.2, 0.3, -0.1]);
  f("deriv", [], [0.2, 0.3, -0.1]);
  // The regression line at 25s is 4 (W1), 6.5 (W2), 3.5 (W3); 10s later:
  f("predict_linear", [10], [6, 9.5, 2.5]);
  // A step function from the first sample (W1) or from prevValue at the window start.
  f("integrate", [], [25, 60, 95]);
});

test("statistics", () => {
  f("quantile_over_time", [0.5], [2, 3.5, 4.5]);
  f("quantile_over_time", [0], [1, 2, 4]);
  f("quantile_over_time", [-1], [-Infinity, -Infinity, -Infinity]);
  f("quantile_over_time", [2], [Infinity, Infinity, Infinity]);
  // A per-point phi.
  f("quantile_over_time", [Float64Array.from([0, 1, 0.5])], [1, 5, 4.5]);
  f("median_over_time", [], [2, 3.5, 4.5]);
  f("mad_over_time", [], [1, 1.5, 0.5]);
  // prevValue joins the vote: W2's mode is 3, which is not in the window.
  f("mode_over_time", [], [1, 3, 5]);
  f("zscore_over_time", [], [1, 1, -1]);
  const bound = 2 * Math.sqrt(Math.log(2) / 4);
  f("hoeffding_bound_upper", [0.5], [2 + bound, 3.5 + 1.5 * bound, 4.5 + 0.5 * bound]);
  f("hoeffding_bound_lower", [0.5], [2 - bound, 3.5 - 1.5 * bound, 4.5 - 0.5 * bound]);
  f("hoeffding_bound_upper", [1], [Infinity, Infinity, Infinity]);
  f("hoeffding_bound_lower", [0], [2, 3.5, 4.5]);
  f("holt_winters", [0.5, 0.5], [3, 3, 4.5]);
  f("holt_winters", [1, 0.5], [N, N, N]);
  f("duration_over_time", [10], [10, 10, 10]);
  f("duration_over_time", [5], [0, 0, 0]);
});

test("filters", () => {
  f("count_eq_over_time", [5], [0, 1, 1]);
  f("count_ne_over_time", [5], [2, 1, 1]);
  f("count_gt_over_time", [2], [1, 1, 2]);
  f("count_le_over_time", [2], [1, 1, 0]);
  f("share_gt_over_time", [2], [0.5, 0.5, 1]);
  f("share_le_over_time", [2], [0.5, 0.5, 0]);
  f("share_eq_over_time", [5], [0, 0.5, 0.5]);
  f("sum_eq_over_time", [5], [0, 5, 5]);
  f("sum_gt_over_time", [2], [3, 5, 9]);
  f("sum_le_over_time", [2], [1, 2, 0]);
});

test("rollup() family", () => {
  fRows("rollup", [], { "rollup=min": [1, 2, 4], "rollup=max": [3, 5, 5], "rollup=avg": [2, 3.5, 4.5] });
  // The newer second argument picks one row, without the tag.
  fRows("rollup", ["max"], { "": [3, 5, 5] });
  // Per-sample deltas 2 -1 3 0 -1 -1.
  fRows("rollup_delta", [], { "rollup=min": [-1, 0, -1], "rollup=max": [2, 3, -1], "rollup=avg": [0.5, 1.5, -1] });
  // Deltas of the reset-corrected values: 2 2 3 0 4 4.
  fRows("rollup_increase", [], { "rollup=min": [2, 0, 4], "rollup=max": [2, 3, 4], "rollup=avg": [2, 1.5, 4] });
  // Per-second rates 0.2 -0.1 0.3 0 -0.1 -0.1.
  fRows("rollup_deriv", [], { "rollup=min": [-0.1, 0, -0.1], "rollup=max": [0.2, 0.3, -0.1], "rollup=avg": [0.05, 0.15, -0.1] });
  // Rates of the reset-corrected values: 0.2 0.2 0.3 0 0.4 0.4.
  fRows("rollup_rate", [], { "rollup=min": [0.2, 0, 0.4], "rollup=max": [0.2, 0.3, 0.4], "rollup=avg": [0.2, 0.15, 0.4] });
  fRows("rollup_scrape_interval", [], { "rollup=min": [10, 10, 10], "rollup=max": [10, 10, 10], "rollup=avg": [10, 10, 10] });
  // Candles are computed one step later: the point at 25s shows (25,45].
  fRows("rollup_candlestick", [], {
    "rollup=open": [2, 5, N],
    "rollup=close": [5, 4, N],
    "rollup=low": [2, 4, N],
    "rollup=high": [5, 5, N],
  });
  fRows("rollup_candlestick", ["close"], { "rollup=close": [5, 4, N] });
  // One reset removal serves every listed function, also min_over_time.
  fRows("aggr_over_time", ["min_over_time", "rate"], { "rollup=min_over_time": [1, 5, 8], "rollup=rate": [0.2, 0.25, 0.2] });
  fRows("aggr_over_time", ["max_over_time", "iqr_over_time"], { "rollup=max_over_time": [3, 5, 5], "rollup=iqr_over_time": [N, N, N] });
});

test("label-splitting rollups", () => {
  fRows("histogram_over_time", [], {
    // 1 is a bucket's inclusive upper bound.
    "vmrange=8.799e-01...1.000e+00": [1, N, N],
    "vmrange=2.783e+00...3.162e+00": [1, N, N],
    "vmrange=1.896e+00...2.154e+00": [N, 1, N],
    "vmrange=4.642e+00...5.275e+00": [N, 1, 1],
    "vmrange=3.594e+00...4.084e+00": [N, N, 1],
  });
  fRows("quantiles_over_time", ["phi", 0.5, 1], { "phi=0.5": [2, 3.5, 4.5], "phi=1": [3, 5, 5] });
  fRows("count_values_over_time", ["v"], { "v=1": [1, N, N], "v=3": [1, N, N], "v=2": [N, 1, N], "v=5": [N, 1, 1], "v=4": [N, N, 1] });
  // No samples at all: no rows.
  const none = new Float64Array(0);
  fRows("histogram_over_time", [], {}, cfgA, none, none);
  fRows("quantiles_over_time", ["phi", 0.5], {}, cfgA, none, none);
});

// Series B exercises empty windows and the rules for the sample before the
// window. Samples every 10s from 10s to 40s, then one at 100s (scrape
// interval 10s, maxPrevInterval 15s):
//   t(s):  10  20  30  40  100
//   value: 50  60  60  70   71
// Points every 20s from 20s to 120s with a 10s window:
//   20 (10,20]:   [60]  prevValue 50 at 10
//   40 (30,40]:   [70]  prevValue 60 at 30; realNext 71
//   60 (50,60]:   []    prevValue 70 at 40 (newer than 50-15)
//   80 (70,80]:   []    no prevValue (40 is older than 70-15); realPrev 70
//   100 (90,100]: [71]  no prevValue; realPrev 70
//   120 (110,120]: []   no prevValue although 100 is newer than 110-15: the
//                       original takes prevValue only when a sample follows
// Functions that widen their window to maxPrevInterval (rate, irate,
// rate_over_sum) see 15s windows: [50 60], [60 70] with prevValue 60 at 20,
// [] with prevValue 70, [], [71], [].
const tsB = Float64Array.from([10, 20, 30, 40, 100], (s) => s * sec);
const vsB = Float64Array.from([50, 60, 60, 70, 71]);
const cfgB: RollupConfig = { start: 20 * sec, end: 120 * sec, step: 20 * sec, window: 10 * sec, lookbackDelta: 0 };

const g = (name: string, args: RollupArg[], want: number[]) => {
  const rows = run(name, args, cfgB, tsB, vsB);
  assert.equal(rows.length, 1, `${name}: ${rows.length} rows`);
  assertValues(rows[0]!.values, want, `${name}(${args}) over series B`);
};

test("empty windows and the sample before the window", () => {
  g("count_over_time", [], [1, 1, N, N, 1, N]);
  g("absent_over_time", [], [N, N, 1, 1, N, 1]);
  g("last_over_time", [], [60, 70, N, N, 71, N]);
  // At 100 there is no prevValue: delta continues from realPrevValue 70.
  g("delta", [], [10, 10, 0, N, 1, N]);
  g("increase_pure", [], [10, 10, 0, 0, 1, 0]);
  g("increase_prometheus", [], [N, N, N, N, N, N]);
  // A lone sample without prevValue counts from 0.
  g("idelta", [], [10, 10, 0, N, 71, N]);
  g("rate", [], [1, 0.5, 0, N, N, N]);
  g("irate", [], [1, 1, N, N, N, N]);
  g("lag", [], [0, 0, 20, N, 0, N]);
  g("lifetime", [], [10, 10, N, N, N, N]);
  g("changes", [], [1, 1, 0, N, 1, N]);
  g("resets", [], [0, 0, 0, N, 0, N]);
  g("distinct_over_time", [], [1, 1, 0, N, 1, N]);
  g("tlast_change_over_time", [], [20, 40, N, N, 100, N]);
  // Empty windows fall back to prevValue.
  g("sum2_over_time", [], [3600, 4900, 4900, N, 5041, N]);
  g("geomean_over_time", [], [60, 70, 70, N, 71, N]);
  // A tie between prevValue and the window's value goes to prevValue.
  g("mode_over_time", [], [50, 60, 70, N, 71, N]);
  g("holt_winters", [0.5, 0.5], [60, 70, 70, N, 71, N]);
  g("rate_over_sum", [], [110 / 15, 130 / 15, 0, N, 71 / 15, N]);
  g("integrate", [], [500, 600, 700, N, 0, N]);
});

// Series C: one point at 35s with a 4s window (31,35], which is empty, with
// prevValue 6 at 30 (samples 4 4 6 6 at 10 20 30 40).
const tsC = Float64Array.from([10, 20, 30, 40], (s) => s * sec);
const vsC = Float64Array.from([4, 4, 6, 6]);
const cfgC: RollupConfig = { start: 35 * sec, end: 35 * sec, step: 10 * sec, window: 4 * sec, lookbackDelta: 0 };

test("empty windows with a sample before them", () => {
  const h = (name: string, args: RollupArg[], want: number) => {
    const rows = run(name, args, cfgC, tsC, vsC);
    assertValues(rows[0]!.values, [want], `${name}(${args}) over series C`);
  };
  h("count_over_time", [], N);
  h("sum2_over_time", [], 36);
  h("geomean_over_time", [], 6);
  h("mode_over_time", [], 6);
  h("holt_winters", [0.5, 0.5], 6);
  h("delta", [], 0);
  h("idelta", [], 0);
  h("increases_over_time", [], 0);
  h("resets", [], 0);
  h("distinct_over_time", [], 0);
  h("lag", [], 5);
  h("lifetime", [], N);
  h("ascent_over_time", [], 0);
  h("integrate", [], 6 * 4);
  h("tlast_change_over_time", [], N);
  // These widen the window to 15s: (20,35] holds 6 at 30, prevValue 4 at 20.
  h("rate", [], 0.2);
  h("deriv_fast", [], 0.2);
  h("rate_over_sum", [], 0.4);
});

test("special series", () => {
  // tlast_change_over_time with a run of equal values, and prevValue equal to the last value.
  const ts = Float64Array.from([10, 20, 30, 40, 50, 60], (s) => s * sec);
  const vs = Float64Array.from([7, 7, 8, 8, 8, 8]);
  const rows = run("tlast_change_over_time", [], cfgA, ts, vs);
  assertValues(rows[0]!.values, [10, 30, N], "tlast_change_over_time over 7 7 8 8 8 8");
  // outlier_iqr_over_time returns the last sample when it is an outlier.
  const cfg: RollupConfig = { start: 60 * sec, end: 60 * sec, step: sec, window: 60 * sec, lookbackDelta: 0 };
  assertValues(run("outlier_iqr_over_time", [], cfg, ts, Float64Array.from([1, 1, 1, 1, 1, 10]))[0]!.values, [10], "outlier 10");
  assertValues(run("outlier_iqr_over_time", [], cfg, ts, Float64Array.from([1, 2, 3, 4, 5, 6]))[0]!.values, [N], "no outlier");
  // ideriv skips samples that share the last timestamp.
  const dupTs = Float64Array.from([10, 20, 30, 30], (s) => s * sec);
  const dupVs = Float64Array.from([1, 2, 5, 6]);
  const cfg2: RollupConfig = { start: 30 * sec, end: 30 * sec, step: sec, window: 25 * sec, lookbackDelta: 0 };
  assertValues(run("ideriv", [], cfg2, dupTs, dupVs)[0]!.values, [0.4], "ideriv with a duplicate timestamp");
  // The first sample is far above the next step: delta does not count from 0.
  const bigVs = Float64Array.from([1000, 1001, 1002, 1003, 1004, 1005]);
  assertValues(run("increase", [], cfgA, ts, bigVs)[0]!.values, [1, 2, 2], "increase of a counter first seen at 1000");
  // Staleness markers: counted by stale_samples_over_time, end default_rollup, dropped elsewhere.
  const staleVs = Float64Array.from([1, 2, NaN, 4, 5, NaN]);
  assertValues(run("stale_samples_over_time", [], cfgA, ts, staleVs)[0]!.values, [0, 1, 1], "stale samples");
  assertValues(run("default_rollup", [], cfgA, ts, staleVs)[0]!.values, [2, 4, N], "default_rollup over stale");
  assertValues(run("last_over_time", [], cfgA, ts, staleVs)[0]!.values, [2, 4, 5], "last_over_time over stale");
  assertValues(run("count_over_time", [], cfgA, ts, staleVs)[0]!.values, [2, 1, 1], "count_over_time over stale");
  // -0 and 0 are one value for distinct_over_time but two labels for count_values_over_time.
  const zeros = Float64Array.from([0, -0, 0, -0, 0, -0]);
  assertValues(run("distinct_over_time", [], cfgA, ts, zeros)[0]!.values, [1, 1, 1], "distinct over ±0");
  fRows("count_values_over_time", ["v"], { "v=0": [1, 1, 1], "v=-0": [1, 1, 1] }, cfgA, ts, zeros);
});

test("every function has an f-test here", () => {
  for (const name of rollupFuncNames) assert.ok(tested.has(name), `${name} has no f-test`);
});
