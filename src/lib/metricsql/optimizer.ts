// Optimizer: label filter pushdown across binary operations, as VictoriaMetrics does
// (https://utcc.utoronto.ca/~cks/space/blog/sysadmin/PrometheusLabelNonOptimization):
// `foo{a="x"} + bar` only ever matches bar series with a="x", so it becomes
// `foo{a="x"} + bar{a="x"}`, and bar is read with the narrower selector. on(),
// ignoring(), group_left/right(), by(), without() and label-changing functions limit
// what may be pushed; see getCommonLabelFilters.

import { clone, isMetricNameFilter, type AggrFuncExpr, type BinaryOpExpr, type Expr, type LabelFilter } from "./ast.ts";
import { isAggrFunc, isRollupFunc, isTransformFunc } from "./functions.ts";

/**
 * optimize returns e with the common label filters of binary operations pushed down
 * to both sides. e is not modified: when there is anything to do, a copy is.
 */
export function optimize(e: Expr): Expr {
  if (!canOptimize(e)) return e;
  const copy = clone(e);
  optimizeInPlace(copy);
  return copy;
}

function canOptimize(e: Expr | null): boolean {
  if (e === null) return false;
  switch (e.kind) {
    case "rollup":
      return canOptimize(e.expr) || canOptimize(e.at);
    case "func":
    case "aggr":
      return e.args.some(canOptimize);
    case "binaryOp":
      return true;
    default:
      return false;
  }
}

function optimizeInPlace(e: Expr | null): void {
  if (e === null) return;
  switch (e.kind) {
    case "rollup":
      optimizeInPlace(e.expr);
      optimizeInPlace(e.at);
      break;
    case "func":
    case "aggr":
      for (const a of e.args) optimizeInPlace(a);
      break;
    case "binaryOp":
      optimizeInPlace(e.left);
      optimizeInPlace(e.right);
      pushdownInPlace(getCommonLabelFilters(e), e);
      break;
  }
}

function filterKey(lf: LabelFilter): string {
  return (lf.isNegative ? "!" : "=") + (lf.isRegexp ? "~" : "=") + lf.label + "\u0000" + lf.value;
}

function intersect(a: LabelFilter[], b: LabelFilter[]): LabelFilter[] {
  if (a.length === 0 || b.length === 0) return [];
  const m = new Set(a.map(filterKey));
  return b.filter((lf) => m.has(filterKey(lf)));
}

function union(a: LabelFilter[], b: LabelFilter[]): LabelFilter[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const m = new Set(a.map(filterKey));
  return [...a, ...b.filter((lf) => !m.has(filterKey(lf)))];
}

function filterOn(lfs: LabelFilter[], args: string[]): LabelFilter[] {
  const m = new Set(args);
  return lfs.filter((lf) => m.has(lf.label));
}

function filterIgnoring(lfs: LabelFilter[], args: string[]): LabelFilter[] {
  const m = new Set(args);
  return lfs.filter((lf) => !m.has(lf.label));
}

// labelName returns the value of a string argument, or undefined for anything else.
function labelName(e: Expr | undefined): string | undefined {
  return e?.kind === "string" ? e.value : undefined;
}

// dropLabel removes the filters on the label named by arg; when arg is not a string
// nothing is known, so nothing may be pushed.
function dropLabel(lfs: LabelFilter[], arg: Expr | undefined): LabelFilter[] {
  const name = labelName(arg);
  if (name === undefined) return [];
  return lfs.filter((lf) => lf.label !== name);
}

function dropLabels(lfs: LabelFilter[], args: Expr[]): LabelFilter[] {
  for (const a of args) lfs = dropLabel(lfs, a);
  return lfs;
}

function keepLabels(lfs: LabelFilter[], args: Expr[]): LabelFilter[] {
  const m = new Set<string>();
  for (const a of args) {
    const name = labelName(a);
    if (name === undefined) return [];
    m.add(name);
  }
  return lfs.filter((lf) => m.has(lf.label));
}

// copyTargets returns the destination labels of label_copy / label_move args
// (src1, dst1, src2, dst2, ...), or undefined when they do not come in pairs.
function copyTargets(args: Expr[]): Expr[] | undefined {
  if (args.length % 2 !== 0) return undefined;
  return args.filter((_, i) => i % 2 === 1);
}

/**
 * trimFiltersByGroupModifier keeps of lfs what the on() / ignoring() modifier of be
 * lets through: only the labels in on(...), or all but those in ignoring(...); all
 * of lfs without a modifier.
 */
export function trimFiltersByGroupModifier(lfs: LabelFilter[], be: BinaryOpExpr): LabelFilter[] {
  switch (be.groupModifier?.op) {
    case "on":
      return filterOn(lfs, be.groupModifier.args);
    case "ignoring":
      return filterIgnoring(lfs, be.groupModifier.args);
    default:
      return lfs;
  }
}

function trimFiltersByAggrModifier(lfs: LabelFilter[], ae: AggrFuncExpr): LabelFilter[] {
  switch (ae.modifier?.op) {
    case "by":
      return filterOn(lfs, ae.modifier.args);
    case "without":
      return filterIgnoring(lfs, ae.modifier.args);
    default:
      return [];
  }
}

const LABEL_REPLACE_FUNCS = new Set(["label_replace", "label_join", "label_map", "label_match", "label_mismatch", "label_transform"]);
const LABEL_DEL_FUNCS = new Set(["label_del", "label_uppercase", "label_lowercase", "labels_equal"]);
const ALL_ARGS_FUNCS = new Set(["range_normalize", "union", ""]);
const MULTI_ARG_AGGR_FUNCS = new Set([
  "any",
  "avg",
  "count",
  "distinct",
  "geomean",
  "group",
  "histogram",
  "mad",
  "max",
  "median",
  "min",
  "mode",
  "share",
  "stddev",
  "stdvar",
  "sum",
  "sum2",
  "zscore",
]);

// seriesArg returns the argument of a function whose series the function's output
// series come from (with their labels), or undefined if there is none.
function seriesArg(name: string, args: Expr[]): Expr | undefined {
  const n = name.toLowerCase();
  let idx = 0;
  if (isRollupFunc(n)) {
    switch (n) {
      case "absent_over_time":
        return undefined;
      case "quantile_over_time":
      case "aggr_over_time":
      case "hoeffding_bound_lower":
      case "hoeffding_bound_upper":
        idx = 1;
        break;
      case "quantiles_over_time":
        idx = args.length - 1;
        break;
    }
  } else if (isTransformFunc(n)) {
    switch (n) {
      case "drop_common_labels":
      case "absent":
      case "scalar":
      case "end":
      case "now":
      case "pi":
      case "start":
      case "step":
      case "time":
        return undefined;
      case "limit_offset":
      case "histogram_fraction":
        idx = 2;
        break;
      case "buckets_limit":
      case "histogram_quantile":
      case "histogram_share":
      case "range_quantile":
      case "range_trim_outliers":
      case "range_trim_spikes":
      case "range_trim_zscore":
        idx = 1;
        break;
      case "histogram_quantiles":
        idx = args.length - 1;
        break;
    }
  } else if (isAggrFunc(n)) {
    switch (n) {
      case "bottomk":
      case "bottomk_avg":
      case "bottomk_max":
      case "bottomk_median":
      case "bottomk_last":
      case "bottomk_min":
      case "limitk":
      case "outliers_mad":
      case "outliersk":
      case "quantile":
      case "topk":
      case "topk_avg":
      case "topk_max":
      case "topk_median":
      case "topk_last":
      case "topk_min":
        idx = 1;
        break;
      case "quantiles":
        idx = args.length - 1;
        break;
    }
  } else {
    return undefined;
  }
  return args[idx];
}

function intersectAllArgs(args: Expr[]): LabelFilter[] {
  if (args.length === 0) return [];
  let lfs = getCommonLabelFilters(args[0]);
  for (const a of args.slice(1)) lfs = intersect(lfs, getCommonLabelFilters(a));
  return lfs;
}

function withoutMetricName(lfs: LabelFilter[]): LabelFilter[] {
  return lfs.filter((lf) => lf.label !== "__name__");
}

/**
 * getCommonLabelFilters returns the label filters every series e can return is
 * known to match (without the metric name), as far as they can be told from e.
 */
export function getCommonLabelFilters(e: Expr): LabelFilter[] {
  switch (e.kind) {
    case "metric": {
      const lfss = e.labelFilterss;
      if (lfss.length === 0) return [];
      let lfs = withoutMetricName(lfss[0]);
      for (const g of lfss.slice(1)) {
        if (lfs.length === 0) return [];
        lfs = intersect(lfs, withoutMetricName(g));
      }
      return lfs;
    }
    case "rollup":
      return getCommonLabelFilters(e.expr);
    case "func": {
      const args = e.args;
      const n = e.name.toLowerCase();
      if (n === "label_set") return labelSetFilters(args);
      if (LABEL_REPLACE_FUNCS.has(n)) return args.length < 2 ? [] : dropLabel(getCommonLabelFilters(args[0]), args[1]);
      if (n === "label_copy" || n === "label_move") {
        if (args.length === 0) return [];
        const targets = copyTargets(args.slice(1));
        return targets === undefined ? [] : dropLabels(getCommonLabelFilters(args[0]), targets);
      }
      if (LABEL_DEL_FUNCS.has(n)) return args.length === 0 ? [] : dropLabels(getCommonLabelFilters(args[0]), args.slice(1));
      if (n === "label_keep") return args.length === 0 ? [] : keepLabels(getCommonLabelFilters(args[0]), args.slice(1));
      if (n === "count_values_over_time") return args.length !== 2 ? [] : dropLabel(getCommonLabelFilters(args[1]), args[0]);
      if (ALL_ARGS_FUNCS.has(n)) return intersectAllArgs(args);
      const arg = seriesArg(n, args);
      return arg === undefined ? [] : getCommonLabelFilters(arg);
    }
    case "aggr": {
      const args = e.args;
      let lfs: LabelFilter[];
      if (e.name === "count_values") {
        if (args.length !== 2) return [];
        lfs = dropLabel(getCommonLabelFilters(args[1]), args[0]);
      } else if (MULTI_ARG_AGGR_FUNCS.has(e.name)) {
        lfs = intersectAllArgs(args);
      } else {
        const arg = seriesArg(e.name, args);
        if (arg === undefined) return [];
        lfs = getCommonLabelFilters(arg);
      }
      return trimFiltersByAggrModifier(lfs, e);
    }
    case "binaryOp": {
      const left = getCommonLabelFilters(e.left);
      const right = getCommonLabelFilters(e.right);
      switch (e.op) {
        case "or":
          // Either side's series: only what both sides share.
          return trimFiltersByGroupModifier(intersect(left, right), e);
        case "unless":
        case "ifnot":
          // Only left series come out; right filters may still be pushed to the right side
          // (https://github.com/VictoriaMetrics/VictoriaMetrics/issues/8435).
          return trimFiltersByGroupModifier(left, e);
      }
      switch (e.joinModifier?.op) {
        case "group_left":
          return union(left, trimFiltersByGroupModifier(right, e));
        case "group_right":
          return union(trimFiltersByGroupModifier(left, e), right);
        default:
          return trimFiltersByGroupModifier(union(left, right), e);
      }
    }
    default:
      return [];
  }
}

function labelSetFilters(args: Expr[]): LabelFilter[] {
  if (args.length === 0) return [];
  let lfs = getCommonLabelFilters(args[0]);
  const rest = args.slice(1);
  for (let i = 0; i < rest.length; i += 2) {
    const name = labelName(rest[i]);
    const value = labelName(rest[i + 1]);
    if (name === undefined || value === undefined) return [];
    if (name === "__name__") continue;
    lfs = [...dropLabel(lfs, rest[i]), { label: name, value, isNegative: false, isRegexp: false }];
  }
  return lfs;
}

/**
 * pushdownBinaryOpFilters returns e (one side of a binary operation) with filters
 * added to the selectors whose series can reach the operation's output unchanged:
 * for `foo + sum(bar)` and {x="y"} that is foo{x="y"} + sum(bar), since adding the
 * filter inside sum() could change its value. e is not modified.
 */
export function pushdownBinaryOpFilters(e: Expr, filters: LabelFilter[]): Expr {
  if (filters.length === 0) return e;
  const copy = clone(e);
  pushdownInPlace(filters, copy);
  return copy;
}

// sortLabelFilters sorts filters by label and value, keeping a leading metric name filter first.
function sortLabelFilters(lfs: LabelFilter[]): LabelFilter[] {
  const head = lfs.length > 0 && isMetricNameFilter(lfs[0]) ? [lfs[0]] : [];
  const rest = lfs.slice(head.length).sort((a, b) => {
    if (a.label !== b.label) return a.label < b.label ? -1 : 1;
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  });
  return [...head, ...rest];
}

function pushdownInPlace(lfs: LabelFilter[], e: Expr | undefined): void {
  if (lfs.length === 0 || e === undefined) return;
  switch (e.kind) {
    case "metric":
      e.labelFilterss = e.labelFilterss.map((g) => sortLabelFilters(union(g, lfs)));
      break;
    case "rollup":
      pushdownInPlace(lfs, e.expr);
      break;
    case "func": {
      const args = e.args;
      const n = e.name.toLowerCase();
      if (n === "label_set") {
        if (args.length === 0) return;
        pushdownInPlace(dropLabels(lfs, args.slice(1).filter((_, i) => i % 2 === 0)), args[0]);
      } else if (LABEL_REPLACE_FUNCS.has(n)) {
        if (args.length >= 2) pushdownInPlace(dropLabel(lfs, args[1]), args[0]);
      } else if (n === "label_copy" || n === "label_move") {
        const targets = copyTargets(args.slice(1));
        if (args.length > 0 && targets !== undefined) pushdownInPlace(dropLabels(lfs, targets), args[0]);
      } else if (LABEL_DEL_FUNCS.has(n)) {
        if (args.length > 0) pushdownInPlace(dropLabels(lfs, args.slice(1)), args[0]);
      } else if (n === "label_keep") {
        if (args.length > 0) pushdownInPlace(keepLabels(lfs, args.slice(1)), args[0]);
      } else if (n === "count_values_over_time") {
        if (args.length === 2) pushdownInPlace(dropLabel(lfs, args[0]), args[1]);
      } else if (ALL_ARGS_FUNCS.has(n)) {
        for (const a of args) pushdownInPlace(lfs, a);
      } else {
        pushdownInPlace(lfs, seriesArg(n, args));
      }
      break;
    }
    case "aggr": {
      const trimmed = trimFiltersByAggrModifier(lfs, e);
      const args = e.args;
      if (e.name === "count_values") {
        if (args.length === 2) pushdownInPlace(dropLabel(trimmed, args[0]), args[1]);
      } else if (MULTI_ARG_AGGR_FUNCS.has(e.name)) {
        for (const a of args) pushdownInPlace(trimmed, a);
      } else {
        pushdownInPlace(trimmed, seriesArg(e.name, args));
      }
      break;
    }
    case "binaryOp": {
      const trimmed = trimFiltersByGroupModifier(lfs, e);
      pushdownInPlace(trimmed, e.left);
      pushdownInPlace(trimmed, e.right);
      break;
    }
  }
}
