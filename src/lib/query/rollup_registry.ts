// The table of rollup functions: for each name, its properties (RollupFuncInfo)
// and how its call arguments turn into per-window functions (a RollupPlan).
// Properties follow VictoriaMetrics 1.79.5 (app/vmselect/promql/rollup.go);
// functions it does not have follow the current MetricsQL docs and are marked
// since: "newer".

import type { RollupArg, RollupFuncInfo } from "./rollup.ts";
import type { RollupFn } from "./rollup_window.ts";
import * as f from "./rollup_funcs.ts";
import { LabeledRows } from "./rollup_labeled_rows.ts";
import { SortScratch, quantileSorted } from "./rollup_quantile.ts";
import { vmrangeBucketIdx, vmrangeLabel } from "./rollup_histogram.ts";
import { formatG } from "./rollup_format.ts";
import { deltaValues, derivValues, scrapeIntervalValues } from "./rollup_prepare.ts";

/** RollupPlan is what one call evaluates per series. */
export interface RollupPlan {
  /** One loop over the windows per entry; tag is the value of the "rollup" label ("" for none). */
  fns: Array<{ tag: string; fn: RollupFn }>;
  /** Set for label-splitting rollups: the output rows are collected here, fns' values are unused. */
  labeled?: LabeledRows;
  /** Whether counter resets are removed before pre and windowing. */
  removeCounterResets: boolean;
  /** A transform of the whole series after counter-reset removal. */
  pre?: (timestamps: Float64Array, values: Float64Array, n: number) => void;
}

/** BuildContext is what a builder gets besides the call's arguments. */
export interface BuildContext {
  points: number;
  scratch: SortScratch;
}

type Builder = (args: readonly RollupArg[], ctx: BuildContext) => RollupPlan;

/** RollupDef pairs a function's properties with its builder. */
export interface RollupDef {
  info: RollupFuncInfo;
  build: Builder;
}

// Property sets, as in the original's tables.
const keepMetricName = new Set([
  "avg_over_time", "default_rollup", "first_over_time", "geomean_over_time", "hoeffding_bound_lower",
  "hoeffding_bound_upper", "holt_winters", "last_over_time", "max_over_time", "median_over_time", "min_over_time",
  "mode_over_time", "predict_linear", "quantile_over_time", "quantiles_over_time", "rollup", "rollup_candlestick",
  "timestamp_with_name",
]);
const removeCounterResets = new Set([
  "increase", "increase_prometheus", "increase_pure", "irate", "rate", "rate_prometheus", "rollup_increase",
  "rollup_rate",
]);
const mayAdjustWindow = new Set([
  "default_rollup", "deriv", "deriv_fast", "ideriv", "irate", "rate", "rate_over_sum", "rollup",
  "rollup_candlestick", "rollup_deriv", "rollup_rate", "rollup_scrape_interval", "scrape_interval", "timestamp",
]);
const keepStaleNaNs = new Set(["default_rollup", "stale_samples_over_time"]);
const samplesScannedPerCall = new Map<string, number>([
  ["absent_over_time", 1], ["count_over_time", 1], ["default_rollup", 1], ["delta", 2], ["delta_prometheus", 2],
  ["deriv_fast", 2], ["first_over_time", 1], ["idelta", 2], ["ideriv", 2], ["increase", 2],
  ["increase_prometheus", 2], ["increase_pure", 2], ["irate", 2], ["lag", 1], ["last_over_time", 1],
  ["lifetime", 2], ["present_over_time", 1], ["rate", 2], ["rate_prometheus", 2], ["scrape_interval", 2],
  ["tfirst_over_time", 1], ["timestamp", 1], ["timestamp_with_name", 1], ["tlast_over_time", 1],
]);

function argError(name: string, msg: string): Error {
  return new Error(`cannot evaluate ${name}(): ${msg}`);
}

function expectArgs(name: string, args: readonly RollupArg[], want: number): void {
  // The counts in messages include the series argument, as in the query text.
  if (args.length !== want - 1) {
    throw argError(name, `unexpected number of args; got ${args.length + 1}; want ${want}`);
  }
}

function scalarArg(name: string, args: readonly RollupArg[], k: number, points: number): f.ScalarArg {
  const a = args[k];
  if (typeof a === "number") return () => a;
  if (a instanceof Float64Array) {
    if (a.length < points) {
      throw argError(name, `a per-point argument has ${a.length} values; want ${points}`);
    }
    return (idx) => a[idx]!;
  }
  throw argError(name, `got ${JSON.stringify(a)}; want a number`);
}

function stringArg(name: string, args: readonly RollupArg[], k: number): string {
  const a = args[k];
  if (typeof a !== "string") throw argError(name, `got ${String(a)}; want a quoted string`);
  return a;
}

function single(name: string, fn: RollupFn): RollupPlan {
  return { fns: [{ tag: "", fn }], removeCounterResets: removeCounterResets.has(name) };
}

// Functions without extra arguments, also the ones aggr_over_time accepts.
const oneArgFuncs = new Map<string, (ctx: BuildContext) => RollupFn>([
  ["absent_over_time", () => f.rollupAbsent],
  ["ascent_over_time", () => f.rollupAscentOverTime],
  ["avg_over_time", () => f.rollupAvg],
  ["changes", () => f.rollupChanges],
  ["changes_prometheus", () => f.rollupChangesPrometheus],
  ["count_over_time", () => f.rollupCount],
  ["decreases_over_time", () => f.rollupResets],
  ["default_rollup", () => f.rollupLast],
  ["delta", () => f.rollupDelta],
  ["delta_prometheus", () => f.rollupDeltaPrometheus],
  ["deriv", () => f.rollupDerivSlow],
  ["deriv_fast", () => f.rollupDerivFast],
  ["descent_over_time", () => f.rollupDescentOverTime],
  ["distinct_over_time", () => f.rollupDistinct],
  ["first_over_time", () => f.rollupFirst],
  ["geomean_over_time", () => f.rollupGeomean],
  ["idelta", () => f.rollupIdelta],
  ["ideriv", () => f.rollupIderiv],
  ["increase", () => f.rollupDelta],
  ["increase_prometheus", () => f.rollupDeltaPrometheus],
  ["increase_pure", () => f.rollupIncreasePure],
  ["increases_over_time", () => f.rollupIncreases],
  ["integrate", () => f.rollupIntegrate],
  ["irate", () => f.rollupIderiv],
  ["lag", () => f.rollupLag],
  ["last_over_time", () => f.rollupLast],
  ["lifetime", () => f.rollupLifetime],
  ["mad_over_time", (ctx) => f.newRollupMAD(ctx.scratch)],
  ["max_over_time", () => f.rollupMax],
  ["median_over_time", (ctx) => f.newRollupQuantile(() => 0.5, ctx.scratch)],
  ["min_over_time", () => f.rollupMin],
  ["mode_over_time", (ctx) => f.newRollupMode(ctx.scratch)],
  ["outlier_iqr_over_time", (ctx) => f.newRollupOutlierIQR(ctx.scratch)],
  ["present_over_time", () => f.rollupPresent],
  ["range_over_time", () => f.rollupRange],
  ["rate", () => f.rollupDerivFast],
  ["rate_prometheus", () => f.rollupDerivFastPrometheus],
  ["rate_over_sum", () => f.rollupRateOverSum],
  ["resets", () => f.rollupResets],
  ["scrape_interval", () => f.rollupScrapeInterval],
  ["stale_samples_over_time", () => f.rollupStaleSamples],
  ["stddev_over_time", () => f.rollupStddev],
  ["stdvar_over_time", () => f.rollupStdvar],
  ["sum_over_time", () => f.rollupSum],
  ["sum2_over_time", () => f.rollupSum2],
  ["tfirst_over_time", () => f.rollupTfirst],
  ["timestamp", () => f.rollupTlast],
  ["timestamp_with_name", () => f.rollupTlast],
  ["tlast_change_over_time", () => f.rollupTlastChange],
  ["tlast_over_time", () => f.rollupTlast],
  ["tmax_over_time", () => f.rollupTmax],
  ["tmin_over_time", () => f.rollupTmin],
  ["zscore_over_time", () => f.rollupZScoreOverTime],
]);

/**
 * aggrOverTimeNames lists the functions aggr_over_time() accepts: 1.79.5's
 * list plus iqr_over_time, mad_over_time and median_over_time (newer).
 */
export const aggrOverTimeNames: readonly string[] = [
  "absent_over_time", "ascent_over_time", "avg_over_time", "changes", "count_over_time", "decreases_over_time",
  "default_rollup", "delta", "deriv", "deriv_fast", "descent_over_time", "distinct_over_time", "first_over_time",
  "geomean_over_time", "idelta", "ideriv", "increase", "increase_pure", "increases_over_time", "integrate", "irate",
  "iqr_over_time", "lag", "last_over_time", "lifetime", "mad_over_time", "max_over_time", "median_over_time",
  "min_over_time", "mode_over_time", "present_over_time", "range_over_time", "rate", "rate_over_sum", "resets",
  "scrape_interval", "stale_samples_over_time", "stddev_over_time", "stdvar_over_time", "sum_over_time",
  "sum2_over_time", "tfirst_over_time", "timestamp", "timestamp_with_name", "tlast_change_over_time",
  "tlast_over_time", "tmax_over_time", "tmin_over_time", "zscore_over_time",
];

function aggrFn(name: string, ctx: BuildContext): RollupFn {
  // iqr_over_time is aggr_over_time's name for outlier_iqr_over_time.
  const make = oneArgFuncs.get(name === "iqr_over_time" ? "outlier_iqr_over_time" : name);
  if (make === undefined) throw new Error(`BUG: no rollup function for aggr_over_time name ${name}`);
  return make(ctx);
}

// rollup(), rollup_rate() etc.: min, max and avg rows, or one of them when the
// optional second argument (newer than 1.79.5) names it.
function minMaxAvg(name: string, args: readonly RollupArg[]): RollupPlan {
  if (args.length > 1) throw argError(name, `unexpected number of args; got ${args.length + 1}; want 1 or 2`);
  const plan: RollupPlan = { fns: [], removeCounterResets: removeCounterResets.has(name) };
  if (args.length === 0) {
    plan.fns.push({ tag: "min", fn: f.rollupMin }, { tag: "max", fn: f.rollupMax }, { tag: "avg", fn: f.rollupAvg });
    return plan;
  }
  const tag = stringArg(name, args, 0);
  if (tag === "min") plan.fns.push({ tag: "", fn: f.rollupMin });
  else if (tag === "max") plan.fns.push({ tag: "", fn: f.rollupMax });
  else if (tag === "avg") plan.fns.push({ tag: "", fn: f.rollupAvg });
  else if (tag === "") throw argError(name, "rollup tag cannot be empty");
  else throw argError(name, `unexpected second arg: ${JSON.stringify(tag)}; want "min", "max" or "avg"`);
  return plan;
}

function candlestick(name: string, args: readonly RollupArg[]): RollupPlan {
  if (args.length > 1) throw argError(name, `unexpected number of args; got ${args.length + 1}; want 1 or 2`);
  const all = [
    { tag: "open", fn: f.rollupOpen },
    { tag: "close", fn: f.rollupClose },
    { tag: "low", fn: f.rollupLow },
    { tag: "high", fn: f.rollupHigh },
  ];
  if (args.length === 0) return { fns: all, removeCounterResets: false };
  const tag = stringArg(name, args, 0);
  const one = all.find((e) => e.tag === tag);
  if (one !== undefined) return { fns: [one], removeCounterResets: false };
  if (tag === "") throw argError(name, "rollup tag cannot be empty");
  throw argError(name, `unexpected second arg: ${JSON.stringify(tag)}; want "open", "close", "low" or "high"`);
}

function histogramPlan(ctx: BuildContext): RollupPlan {
  const labeled = new LabeledRows("vmrange", ctx.points);
  // counts[b + 1] counts bucket b (b = -1 is the bucket below 1e-9).
  const counts = new Float64Array(vmrangeBucketCount());
  const touched: number[] = [];
  const fn: RollupFn = (w) => {
    for (let k = w.i; k < w.j; k++) {
      const b = vmrangeBucketIdx(w.values[k]!);
      if (b === -2) continue;
      if (counts[b + 1] === 0) touched.push(b + 1);
      counts[b + 1]!++;
    }
    for (const slot of touched) {
      labeled.get(vmrangeLabel(slot - 1))[w.idx] = counts[slot]!;
      counts[slot] = 0;
    }
    touched.length = 0;
    return NaN;
  };
  return { fns: [{ tag: "", fn }], labeled, removeCounterResets: false };
}

function vmrangeBucketCount(): number {
  return vmrangeBucketIdx(Infinity) + 2;
}

function quantilesPlan(name: string, args: readonly RollupArg[], ctx: BuildContext): RollupPlan {
  if (args.length < 2) throw argError(name, `unexpected number of args: ${args.length + 1}; want at least 3 args`);
  const label = stringArg(name, args, 0);
  // Each phi is taken at the first output point only, as in the original.
  const phis: number[] = [];
  for (let k = 1; k < args.length; k++) phis.push(scalarArg(name, args, k, ctx.points)(0));
  const phiLabels = phis.map(formatG);
  const labeled = new LabeledRows(label, ctx.points);
  const fn: RollupFn = (w) => {
    if (w.i >= w.j) return NaN;
    const sorted = ctx.scratch.sortedCopy(w.values, w.i, w.j);
    for (let k = 0; k < phis.length; k++) labeled.get(phiLabels[k]!)[w.idx] = quantileSorted(phis[k]!, sorted);
    return NaN;
  };
  return { fns: [{ tag: "", fn }], labeled, removeCounterResets: false };
}

function countValuesPlan(name: string, args: readonly RollupArg[], ctx: BuildContext): RollupPlan {
  expectArgs(name, args, 2);
  const labeled = new LabeledRows(stringArg(name, args, 0), ctx.points);
  const rowByValue = new Map<number, Float64Array>();
  const fn: RollupFn = (w) => {
    for (let k = w.i; k < w.j; k++) {
      const v = w.values[k]!;
      // -0 and 0 share a Map key but not a label ("-0" vs "0").
      let row = Object.is(v, -0) ? undefined : rowByValue.get(v);
      if (row === undefined) {
        row = labeled.get(formatG(v));
        if (!Object.is(v, -0)) rowByValue.set(v, row);
      }
      const c = row[w.idx]!;
      row[w.idx] = c !== c ? 1 : c + 1;
    }
    return NaN;
  };
  return { fns: [{ tag: "", fn }], labeled, removeCounterResets: false };
}

function aggrOverTimePlan(name: string, args: readonly RollupArg[], ctx: BuildContext): RollupPlan {
  if (args.length === 0) throw argError(name, "aggr_over_time() must contain at least a single aggregate function name");
  const plan: RollupPlan = { fns: [], removeCounterResets: false };
  for (let k = 0; k < args.length; k++) {
    const fname = stringArg(name, args, k);
    if (!aggrOverTimeNames.includes(fname)) {
      throw argError(name, `${JSON.stringify(fname)} cannot be used in aggr_over_time; want a quoted rollup function name`);
    }
    // One counter-reset removal serves every listed function.
    if (removeCounterResets.has(fname)) plan.removeCounterResets = true;
    plan.fns.push({ tag: fname, fn: aggrFn(fname, ctx) });
  }
  return plan;
}

interface DefSpec {
  since?: "newer";
  seriesArgIdx?: number;
  minArgs?: number;
  maxArgs?: number;
  outputs?: RollupFuncInfo["outputs"];
  build?: Builder;
}

function oneArg(name: string): Builder {
  const make = oneArgFuncs.get(name);
  if (make === undefined) throw new Error(`BUG: no rollup function ${name}`);
  return (args, ctx) => {
    expectArgs(name, args, 1);
    return single(name, make(ctx));
  };
}

function withScalar(name: string, want: number, make: (arg: (k: number) => f.ScalarArg) => RollupFn): Builder {
  return (args, ctx) => {
    expectArgs(name, args, want);
    return single(name, make((k) => scalarArg(name, args, k, ctx.points)));
  };
}

function withPre(name: string, pre: RollupPlan["pre"]): Builder {
  return (args) => ({ ...minMaxAvg(name, args), pre });
}

const specs: Array<[string, DefSpec]> = [
  ["absent_over_time", {}],
  ["aggr_over_time", { seriesArgIdx: 1, minArgs: 2, maxArgs: 2, outputs: "rollup", build: (a, c) => aggrOverTimePlan("aggr_over_time", a, c) }],
  ["ascent_over_time", {}],
  ["avg_over_time", {}],
  ["changes", {}],
  ["changes_prometheus", {}],
  ["count_eq_over_time", { minArgs: 2, maxArgs: 2, build: withScalar("count_eq_over_time", 2, (a) => f.newRollupFilter("count_eq", a(0))) }],
  ["count_gt_over_time", { minArgs: 2, maxArgs: 2, build: withScalar("count_gt_over_time", 2, (a) => f.newRollupFilter("count_gt", a(0))) }],
  ["count_le_over_time", { minArgs: 2, maxArgs: 2, build: withScalar("count_le_over_time", 2, (a) => f.newRollupFilter("count_le", a(0))) }],
  ["count_ne_over_time", { minArgs: 2, maxArgs: 2, build: withScalar("count_ne_over_time", 2, (a) => f.newRollupFilter("count_ne", a(0))) }],
  ["count_over_time", {}],
  ["count_values_over_time", { since: "newer", seriesArgIdx: 1, minArgs: 2, maxArgs: 2, outputs: "argLabel", build: (a, c) => countValuesPlan("count_values_over_time", a, c) }],
  ["decreases_over_time", {}],
  ["default_rollup", {}],
  ["delta", {}],
  ["delta_prometheus", {}],
  ["deriv", {}],
  ["deriv_fast", {}],
  ["descent_over_time", {}],
  ["distinct_over_time", {}],
  ["duration_over_time", { minArgs: 2, maxArgs: 2, build: withScalar("duration_over_time", 2, (a) => f.newRollupDurationOverTime(a(0))) }],
  ["first_over_time", {}],
  ["geomean_over_time", {}],
  ["histogram_over_time", { outputs: "vmrange", build: (a, c) => (expectArgs("histogram_over_time", a, 1), histogramPlan(c)) }],
  ["hoeffding_bound_lower", { seriesArgIdx: 1, minArgs: 2, maxArgs: 2, build: withScalar("hoeffding_bound_lower", 2, (a) => f.newRollupHoeffdingBound(a(0), false)) }],
  ["hoeffding_bound_upper", { seriesArgIdx: 1, minArgs: 2, maxArgs: 2, build: withScalar("hoeffding_bound_upper", 2, (a) => f.newRollupHoeffdingBound(a(0), true)) }],
  ["holt_winters", { minArgs: 3, maxArgs: 3, build: withScalar("holt_winters", 3, (a) => f.newRollupHoltWinters(a(0), a(1))) }],
  ["idelta", {}],
  ["ideriv", {}],
  ["increase", {}],
  ["increase_prometheus", {}],
  ["increase_pure", {}],
  ["increases_over_time", {}],
  ["integrate", {}],
  ["irate", {}],
  ["lag", {}],
  ["last_over_time", {}],
  ["lifetime", {}],
  ["mad_over_time", { since: "newer" }],
  ["max_over_time", {}],
  // 1.79.5 has it as a built-in alias of quantile_over_time(0.5, m).
  ["median_over_time", {}],
  ["min_over_time", {}],
  ["mode_over_time", {}],
  ["outlier_iqr_over_time", { since: "newer" }],
  ["predict_linear", { minArgs: 2, maxArgs: 2, build: withScalar("predict_linear", 2, (a) => f.newRollupPredictLinear(a(0))) }],
  ["present_over_time", {}],
  ["quantile_over_time", { seriesArgIdx: 1, minArgs: 2, maxArgs: 2, build: (args, ctx) => {
    expectArgs("quantile_over_time", args, 2);
    return single("quantile_over_time", f.newRollupQuantile(scalarArg("quantile_over_time", args, 0, ctx.points), ctx.scratch));
  } }],
  ["quantiles_over_time", { seriesArgIdx: -1, minArgs: 3, maxArgs: Infinity, outputs: "argLabel", build: (a, c) => quantilesPlan("quantiles_over_time", a, c) }],
  ["range_over_time", {}],
  ["rate", {}],
  ["rate_over_sum", {}],
  ["rate_prometheus", { since: "newer" }],
  ["resets", {}],
  ["rollup", { maxArgs: 2, outputs: "rollup", build: (a) => minMaxAvg("rollup", a) }],
  ["rollup_candlestick", { maxArgs: 2, outputs: "rollup", build: (a) => candlestick("rollup_candlestick", a) }],
  ["rollup_delta", { maxArgs: 2, outputs: "rollup", build: withPre("rollup_delta", (_t, v, n) => deltaValues(v, n)) }],
  ["rollup_deriv", { maxArgs: 2, outputs: "rollup", build: withPre("rollup_deriv", derivValues) }],
  ["rollup_increase", { maxArgs: 2, outputs: "rollup", build: withPre("rollup_increase", (_t, v, n) => deltaValues(v, n)) }],
  ["rollup_rate", { maxArgs: 2, outputs: "rollup", build: withPre("rollup_rate", derivValues) }],
  ["rollup_scrape_interval", { maxArgs: 2, outputs: "rollup", build: withPre("rollup_scrape_interval", scrapeIntervalValues) }],
  ["scrape_interval", {}],
  ["share_eq_over_time", { since: "newer", minArgs: 2, maxArgs: 2, build: withScalar("share_eq_over_time", 2, (a) => f.newRollupShare("count_eq", a(0))) }],
  ["share_gt_over_time", { minArgs: 2, maxArgs: 2, build: withScalar("share_gt_over_time", 2, (a) => f.newRollupShare("count_gt", a(0))) }],
  ["share_le_over_time", { minArgs: 2, maxArgs: 2, build: withScalar("share_le_over_time", 2, (a) => f.newRollupShare("count_le", a(0))) }],
  ["stale_samples_over_time", {}],
  ["stddev_over_time", {}],
  ["stdvar_over_time", {}],
  ["sum_eq_over_time", { since: "newer", minArgs: 2, maxArgs: 2, build: withScalar("sum_eq_over_time", 2, (a) => f.newRollupFilter("sum_eq", a(0))) }],
  ["sum_gt_over_time", { since: "newer", minArgs: 2, maxArgs: 2, build: withScalar("sum_gt_over_time", 2, (a) => f.newRollupFilter("sum_gt", a(0))) }],
  ["sum_le_over_time", { since: "newer", minArgs: 2, maxArgs: 2, build: withScalar("sum_le_over_time", 2, (a) => f.newRollupFilter("sum_le", a(0))) }],
  ["sum_over_time", {}],
  ["sum2_over_time", {}],
  ["tfirst_over_time", {}],
  ["timestamp", {}],
  ["timestamp_with_name", {}],
  ["tlast_change_over_time", {}],
  ["tlast_over_time", {}],
  ["tmax_over_time", {}],
  ["tmin_over_time", {}],
  ["zscore_over_time", {}],
];

/** rollupDefs maps each rollup function name to its definition. */
export const rollupDefs: ReadonlyMap<string, RollupDef> = new Map(
  specs.map(([name, spec]): [string, RollupDef] => [
    name,
    {
      info: {
        name,
        since: spec.since ?? "1.79.5",
        seriesArgIdx: spec.seriesArgIdx ?? 0,
        minArgs: spec.minArgs ?? 1,
        maxArgs: spec.maxArgs ?? spec.minArgs ?? 1,
        keepMetricName: keepMetricName.has(name),
        removeCounterResets: removeCounterResets.has(name),
        mayAdjustWindow: mayAdjustWindow.has(name),
        keepStaleNaNs: keepStaleNaNs.has(name),
        outputs: spec.outputs ?? "one",
        samplesScannedPerCall: samplesScannedPerCall.get(name) ?? 0,
      },
      build: spec.build ?? oneArg(name),
    },
  ]),
);
