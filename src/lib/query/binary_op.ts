// Binary operators over series with VictoriaMetrics 1.79.5 semantics
// (app/vmselect/promql/binary_op.go): one-to-one matching on the labels left
// after on()/ignoring() (the metric name never takes part), group_left /
// group_right copying the listed labels (or all of them with `*`, and with
// an optional `prefix "p_"`, both newer than 1.79.5) from the "one" side, a number on
// either side applies to every series, comparisons filter (or give 0/1 with
// bool), and/or/unless/if/ifnot/default work per point.

import {
  evalBinaryOpNumbers,
  isBinaryOpCmp,
  printExpr,
  pushdownBinaryOpFilters,
  trimFiltersByGroupModifier,
  type BinaryOp,
  type BinaryOpExpr,
  type Expr,
  type LabelFilter,
} from "../metricsql/index.ts";
import { QueryError, type EvalConfig } from "./eval_config.ts";
import {
  copyTimeseries,
  formatMetricName,
  isScalar,
  removeEmptySeries,
  removeTagsIgnoring,
  removeTagsOn,
  setTag,
  tagsKey,
  getTag,
  copyMetricName,
  type Timeseries,
} from "./timeseries.ts";

type EvalFn = (ec: EvalConfig, e: Expr) => Promise<Timeseries[]>;

const reverseCmp: Partial<Record<BinaryOp, BinaryOp>> = { ">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!=" };

/** evalBinaryOp evaluates be: both sides with evalFn, then the operator. */
export async function evalBinaryOp(ec: EvalConfig, be: BinaryOpExpr, evalFn: EvalFn): Promise<Timeseries[]> {
  // `number cmp query` is `query reverse-cmp number`, as in Prometheus.
  if (isBinaryOpCmp(be.op) && be.left.kind === "number" && be.right.kind !== "number") {
    be = { ...be, op: reverseCmp[be.op]!, left: be.right, right: be.left };
  }
  // The side evaluated first narrows the selectors of the other one with
  // the labels all its series share (not for `or`, which keeps both sides).
  const pushdown = (first: Timeseries[], second: Expr): Expr => {
    if (be.op === "or") return second;
    const lfs = trimFiltersByGroupModifier(commonLabelFilters(first), be);
    return lfs.length === 0 ? second : pushdownBinaryOpFilters(second, lfs);
  };
  let left: Timeseries[], right: Timeseries[];
  if (be.op === "and" || be.op === "if") {
    right = await evalFn(ec, be.right);
    left = await evalFn(ec, pushdown(right, be.left));
  } else {
    left = await evalFn(ec, be.left);
    right = await evalFn(ec, pushdown(left, be.right));
  }
  try {
    return binaryOp(be, left, right);
  } catch (e) {
    if (e instanceof QueryError) throw new QueryError(`cannot evaluate ${JSON.stringify(printExpr(be))}: ${e.message}`);
    throw e;
  }
}

// quoteMeta escapes regexp metacharacters as Go's regexp.QuoteMeta does.
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/**
 * commonLabelFilters returns, sorted by label, a filter for every label all of
 * tss have: `label="value"` when they share the value, `label=~"v1|v2"` for up
 * to 1000 distinct values (none beyond that).
 */
export function commonLabelFilters(tss: Timeseries[]): LabelFilter[] {
  const m = new Map<string, string[]>();
  for (const ts of tss) {
    for (const [k, v] of ts.tags) {
      let a = m.get(k);
      if (a === undefined) m.set(k, (a = []));
      a.push(v);
    }
  }
  const lfs: LabelFilter[] = [];
  for (const [label, values] of m) {
    if (values.length !== tss.length) continue;
    const unique = [...new Set(values)];
    if (unique.length > 1000) continue;
    if (unique.length === 1) lfs.push({ label, value: unique[0]!, isNegative: false, isRegexp: false });
    else lfs.push({ label, value: unique.sort().map(quoteMeta).join("|"), isNegative: false, isRegexp: true });
  }
  return lfs.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** binaryOp applies be's operator to already evaluated sides (which it may modify). */
export function binaryOp(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): Timeseries[] {
  switch (be.op) {
    case "and":
      return opAnd(be, left, right);
    case "or":
      return opOr(be, left, right);
    case "unless":
      return opUnless(be, left, right);
    case "if":
      return opIf(be, left, right);
    case "ifnot":
      return opIfnot(be, left, right);
    case "default":
      return opDefault(be, left, right);
    default:
      return opArith(be, left, right);
  }
}

function opArith(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): Timeseries[] {
  const isCmp = isBinaryOpCmp(be.op);
  if (!isCmp) {
    left = removeEmptySeries(left);
    right = removeEmptySeries(right);
  }
  if (left.length === 0 || right.length === 0) return [];
  const [ls, rs, dst] = adjustBinaryOpTags(be, left, right);
  const op = be.op;
  const isBool = be.bool;
  for (let i = 0; i < ls.length; i++) {
    const a = ls[i]!.values;
    const b = rs[i]!.values;
    const out = dst[i]!.values;
    for (let j = 0; j < out.length; j++) {
      const l = a[j]!;
      const r = b[j]!;
      if (isCmp) {
        if (isBool) out[j] = l !== l ? NaN : evalBinaryOpNumbers(op, l, r, true);
        else out[j] = evalBinaryOpNumbers(op, l, r, false);
      } else {
        out[j] = evalBinaryOpNumbers(op, l, r, false);
      }
    }
  }
  return dst;
}

function resetMetricGroupIfRequired(be: BinaryOpExpr, ts: Timeseries): void {
  if (isBinaryOpCmp(be.op) && !be.bool) return;
  // `(a + b) keep_metric_names` is newer than VictoriaMetrics 1.79.5.
  if (be.keepMetricNames) return;
  ts.name = "";
}

function groupTags(be: BinaryOpExpr): [string, readonly string[]] {
  const op = be.groupModifier?.op ?? "ignoring";
  return [op, be.groupModifier?.args ?? []];
}

function adjustBinaryOpTags(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): [Timeseries[], Timeseries[], Timeseries[]] {
  if (be.groupModifier === null && be.joinModifier === null) {
    if (isScalar(left)) {
      const l = left[0]!;
      for (const r of right) resetMetricGroupIfRequired(be, r);
      return [right.map(() => l), right, right];
    }
    if (isScalar(right)) {
      const r = right[0]!;
      for (const l of left) resetMetricGroupIfRequired(be, l);
      return [left, left.map(() => r), left];
    }
  }
  const [mLeft, mRight] = mapByTagSet(be, left, right);
  const joinOp = be.joinModifier?.op ?? "";
  const [groupOp, tags] = groupTags(be);
  let rvsLeft: Timeseries[] = [];
  let rvsRight: Timeseries[] = [];
  for (const [k, tssLeft] of mLeft) {
    const tssRight = mRight.get(k);
    if (tssRight === undefined || tssRight.length === 0) continue;
    if (joinOp === "group_left") {
      groupJoin("right", be, rvsLeft, rvsRight, tssLeft, tssRight);
    } else if (joinOp === "group_right") {
      groupJoin("left", be, rvsRight, rvsLeft, tssRight, tssLeft);
    } else {
      ensureSingle("left", be, tssLeft);
      ensureSingle("right", be, tssRight);
      const l = tssLeft[0]!;
      resetMetricGroupIfRequired(be, l);
      if (groupOp === "on") removeTagsOn(l, tags);
      else removeTagsIgnoring(l, tags);
      rvsLeft.push(l);
      rvsRight.push(tssRight[0]!);
    }
  }
  return [rvsLeft, rvsRight, joinOp === "group_right" ? rvsRight : rvsLeft];
}

function modifierString(be: BinaryOpExpr): string {
  const m = be.groupModifier;
  return m === null ? "" : `${m.op}(${m.args.join(", ")})`;
}

function ensureSingle(side: string, be: BinaryOpExpr, tss: Timeseries[]): void {
  while (tss.length > 1) {
    if (!mergeNonOverlapping(tss[0]!, tss[tss.length - 1]!)) {
      throw new QueryError(
        `duplicate time series on the ${side} side of ${be.op} ${modifierString(be)}: ${formatMetricName(tss[0]!)} and ${formatMetricName(tss[tss.length - 1]!)}`,
      );
    }
    tss.pop();
  }
}

function mergeNonOverlapping(dst: Timeseries, src: Timeseries): boolean {
  const s = src.values;
  const d = dst.values;
  let overlaps = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== s[i]) continue;
    if (d[i] === d[i]) overlaps++;
  }
  if (overlaps > 2) return false;
  if (s.length <= 2 && d.length <= 2) return false;
  for (let i = 0; i < s.length; i++) if (s[i] === s[i]) d[i] = s[i]!;
  return true;
}

// setTags copies the labels names from src to dst (removing the ones src
// lacks); with a prefix (`group_left(a) prefix "p_"`, newer than 1.79.5) they
// are copied as p_<name>. `*` (group_left(*), newer than 1.79.5) copies every
// label of src except the metric name. Labels listed in on() (skip) are not
// copied: they are equal on both sides already, and a prefix would only
// duplicate them (as VictoriaMetrics' MetricName.SetTags).
// Difference from VictoriaMetrics: a listed label that src lacks removes
// p_<name> from dst (VictoriaMetrics removes <name>, keeping a stale p_<name>).
function setTags(dst: Timeseries, names: readonly string[], src: Timeseries, prefix: string, skip: readonly string[]): void {
  if (names.length === 1 && names[0] === "*") {
    for (const [k, v] of src.tags) {
      if (!skip.includes(k)) setTag(dst, prefix + k, v);
    }
    return;
  }
  for (const n of names) {
    if (skip.includes(n)) continue;
    // The metric name is copied as is, never prefixed.
    setTag(dst, n === "__name__" ? n : prefix + n, getTag(src, n));
  }
}

function groupJoin(side: string, be: BinaryOpExpr, rvsLeft: Timeseries[], rvsRight: Timeseries[], tssLeft: Timeseries[], tssRight: Timeseries[]): void {
  const joinTags = be.joinModifier!.args;
  const prefix = be.joinModifierPrefix?.value ?? "";
  const skip = be.groupModifier?.op === "on" ? be.groupModifier.args : [];
  for (const tsLeft of tssLeft) {
    resetMetricGroupIfRequired(be, tsLeft);
    if (tssRight.length === 1) {
      setTags(tsLeft, joinTags, tssRight[0]!, prefix, skip);
      rvsLeft.push(tsLeft);
      rvsRight.push(tssRight[0]!);
      continue;
    }
    const m = new Map<string, { left: Timeseries; right: Timeseries }>();
    for (const tsRight of tssRight) {
      const c = copyTimeseries(tsLeft);
      setTags(c, joinTags, tsRight, prefix, skip);
      const key = c.name + "\x00" + tagsKey(c);
      const pair = m.get(key);
      if (pair === undefined) {
        m.set(key, { left: c, right: tsRight });
        continue;
      }
      const tmp = copyTimeseries(pair.right);
      if (!mergeNonOverlapping(tmp, tsRight)) {
        throw new QueryError(
          `duplicate time series on the ${side} side of \`${be.op} ${modifierString(be)} ${be.joinModifier!.op}(${joinTags.join(", ")})\`: ${formatMetricName(tmp)} and ${formatMetricName(tsRight)}`,
        );
      }
      pair.right = tmp;
    }
    for (const p of m.values()) {
      rvsLeft.push(p.left);
      rvsRight.push(p.right);
    }
  }
}

function mapByTagSet(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): [Map<string, Timeseries[]>, Map<string, Timeseries[]>] {
  const [groupOp, tags] = groupTags(be);
  const build = (arg: Timeseries[]) => {
    const m = new Map<string, Timeseries[]>();
    for (const ts of arg) {
      const c = copyMetricName(ts);
      c.name = "";
      if (groupOp === "on") removeTagsOn(c, tags);
      else removeTagsIgnoring(c, tags);
      const k = tagsKey(c);
      const list = m.get(k);
      if (list === undefined) m.set(k, [ts]);
      else list.push(ts);
    }
    return m;
  };
  return [build(left), build(right)];
}

function seriesByKey(m: Map<string, Timeseries[]>, key: string): Timeseries[] | undefined {
  const tss = m.get(key);
  if (tss !== undefined) return tss;
  if (m.size !== 1) return undefined;
  for (const v of m.values()) return isScalar(v) ? v : undefined;
  return undefined;
}

function opAnd(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): Timeseries[] {
  const [mLeft, mRight] = mapByTagSet(be, left, right);
  const rvs: Timeseries[] = [];
  for (const [k, tssRight] of mRight) {
    const tssLeft = mLeft.get(k);
    if (tssLeft === undefined) continue;
    rvs.push(...addRightNaNsToLeft(tssLeft, tssRight));
  }
  return rvs;
}

function opIf(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): Timeseries[] {
  const [mLeft, mRight] = mapByTagSet(be, left, right);
  const rvs: Timeseries[] = [];
  for (const [k, tssLeft] of mLeft) {
    const tssRight = seriesByKey(mRight, k);
    if (tssRight === undefined) continue;
    rvs.push(...addRightNaNsToLeft(tssLeft, tssRight));
  }
  return rvs;
}

function addRightNaNsToLeft(tssLeft: Timeseries[], tssRight: Timeseries[]): Timeseries[] {
  for (const tsLeft of tssLeft) {
    const vl = tsLeft.values;
    for (let i = 0; i < vl.length; i++) {
      let has = false;
      for (const r of tssRight) {
        if (r.values[i] === r.values[i]) {
          has = true;
          break;
        }
      }
      if (!has) vl[i] = NaN;
    }
  }
  return removeEmptySeries(tssLeft);
}

function opDefault(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): Timeseries[] {
  const [mLeft, mRight] = mapByTagSet(be, left, right);
  const rvs: Timeseries[] = [];
  if (mLeft.size === 0) {
    for (const tss of mRight.values()) rvs.push(...tss);
    return rvs;
  }
  for (const [k, tssLeft] of mLeft) {
    rvs.push(...tssLeft);
    const tssRight = seriesByKey(mRight, k);
    if (tssRight !== undefined) fillLeftNaNs(tssLeft, tssRight);
  }
  return rvs;
}

function opOr(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): Timeseries[] {
  const [mLeft, mRight] = mapByTagSet(be, left, right);
  const rvs: Timeseries[] = [];
  for (const tss of mLeft.values()) rvs.push(...tss);
  for (const [k, tssRight] of mRight) {
    const tssLeft = mLeft.get(k);
    if (tssLeft === undefined) rvs.push(...tssRight);
    else fillLeftNaNs(tssLeft, tssRight);
  }
  return rvs;
}

function fillLeftNaNs(tssLeft: Timeseries[], tssRight: Timeseries[]): void {
  for (const tsLeft of tssLeft) {
    const vl = tsLeft.values;
    for (let i = 0; i < vl.length; i++) {
      if (vl[i] === vl[i]) continue;
      for (const r of tssRight) {
        const v = r.values[i]!;
        if (v === v) {
          vl[i] = v;
          break;
        }
      }
    }
  }
}

function opIfnot(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): Timeseries[] {
  const [mLeft, mRight] = mapByTagSet(be, left, right);
  const rvs: Timeseries[] = [];
  for (const [k, tssLeft] of mLeft) {
    const tssRight = seriesByKey(mRight, k);
    if (tssRight === undefined) rvs.push(...tssLeft);
    else rvs.push(...addLeftNaNsIfNoRightNaNs(tssLeft, tssRight));
  }
  return rvs;
}

function opUnless(be: BinaryOpExpr, left: Timeseries[], right: Timeseries[]): Timeseries[] {
  const [mLeft, mRight] = mapByTagSet(be, left, right);
  const rvs: Timeseries[] = [];
  for (const [k, tssLeft] of mLeft) {
    const tssRight = mRight.get(k);
    if (tssRight === undefined) rvs.push(...tssLeft);
    else rvs.push(...addLeftNaNsIfNoRightNaNs(tssLeft, tssRight));
  }
  return rvs;
}

function addLeftNaNsIfNoRightNaNs(tssLeft: Timeseries[], tssRight: Timeseries[]): Timeseries[] {
  for (const tsLeft of tssLeft) {
    const vl = tsLeft.values;
    for (let i = 0; i < vl.length; i++) {
      for (const r of tssRight) {
        if (r.values[i] === r.values[i]) {
          vl[i] = NaN;
          break;
        }
      }
    }
  }
  return removeEmptySeries(tssLeft);
}
