// Aggregate functions (sum, count, topk, quantile, ...) with VictoriaMetrics
// 1.79.5 semantics (app/vmselect/promql/aggr.go): series that are NaN at every
// point are ignored; series are grouped by the labels by()/without() leave
// (without() and by() without __name__ drop the metric name); `limit N` keeps
// the first N groups; NaN values are skipped point by point.

import { printExpr, type AggrFuncExpr, type Expr, type ModifierExpr } from "../metricsql/index.ts";
import { QueryError, type EvalConfig } from "./eval_config.ts";
import { evalNumber } from "./eval.ts";
import { canonicalTags, copyMetricName, copyTimeseries, metricKey, removeEmptySeries, removeTagsIgnoring, removeTagsOn, setTag, type Timeseries } from "./timeseries.ts";
import { formatG } from "./rollup_format.ts";
import { xxhash64 } from "../encoding/index.ts";
import { vmrangeBucketIdx, vmrangeLabel } from "./rollup_histogram.ts";
import { vmrangeBucketsToLE } from "./histogram.ts";

type EvalFn = (ec: EvalConfig, e: Expr) => Promise<Timeseries[]>;
type GroupFn = (tss: Timeseries[]) => Timeseries[];

/** aggrFuncNames lists the aggregate functions the evaluator implements. */
export const aggrFuncNames: readonly string[] = [
  "any", "avg", "bottomk", "bottomk_avg", "bottomk_last", "bottomk_max", "bottomk_median", "bottomk_min", "count", "count_values", "distinct",
  "geomean", "group", "histogram", "limitk", "mad", "max", "median", "min", "mode", "outliers_iqr", "outliers_mad", "outliersk", "quantile", "quantiles", "share", "stddev", "stdvar", "sum",
  "sum2", "topk", "topk_avg", "topk_last", "topk_max", "topk_median", "topk_min", "zscore",
];

/** evalAggrFunc evaluates the aggregate call ae, its arguments with evalFn. */
export async function evalAggrFunc(ec: EvalConfig, ae: AggrFuncExpr, evalFn: EvalFn): Promise<Timeseries[]> {
  const args: Timeseries[][] = [];
  for (const a of ae.args) args.push(await evalFn(ec, a));
  try {
    return aggr(ec, ae, args);
  } catch (e) {
    if (e instanceof QueryError) throw new QueryError(`cannot evaluate ${JSON.stringify(printExpr(ae))}: ${e.message}`);
    throw e;
  }
}

function expectArgs(args: Timeseries[][], n: number): void {
  if (args.length !== n) throw new QueryError(`unexpected number of args; got ${args.length}; want ${n}`);
}

/** getScalar returns the values of the single series of arg (argument number argNum, 0-based). */
export function getScalar(arg: Timeseries[], argNum: number): Float64Array {
  if (arg.length !== 1) throw new QueryError(`arg #${argNum + 1} must contain a single timeseries; got ${arg.length} timeseries`);
  return arg[0]!.values;
}

/** getString returns the string held by arg (a string literal evaluates to a series named by it). */
export function getString(arg: Timeseries[], argNum: number): string {
  if (arg.length !== 1) throw new QueryError(`arg #${argNum + 1} must contain a single timeseries; got ${arg.length} timeseries`);
  const ts = arg[0]!;
  for (const v of ts.values) if (v === v) throw new QueryError(`arg #${argNum + 1} contains non-string timeseries`);
  return ts.name;
}

function concatArgs(args: Timeseries[][]): Timeseries[] {
  if (args.length === 0) throw new QueryError("expecting at least one arg");
  return args.flat();
}

function aggr(ec: EvalConfig, ae: AggrFuncExpr, args: Timeseries[][]): Timeseries[] {
  const simple = (fn: GroupFn) => aggrExt(fn, concatArgs(args), ae.modifier, ae.limit, false);
  switch (ae.name) {
    case "sum":
      return simple(aggrSum);
    case "sum2":
      return simple((tss) => perPoint(tss, (vs) => { let s = 0, c = 0; for (const v of vs) if (v === v) { s += v * v; c++; } return c === 0 ? NaN : s; }));
    case "geomean":
      return simple((tss) => perPoint(tss, (vs) => { let p = 1, c = 0; for (const v of vs) if (v === v) { p *= v; c++; } return c === 0 ? NaN : Math.pow(p, 1 / c); }));
    case "min":
      return simple((tss) => tss.length === 1 ? tss : perPoint(tss, (vs) => { let m = vs[0]!; for (const v of vs) if (m !== m || v < m) m = v; return m; }));
    case "max":
      return simple((tss) => tss.length === 1 ? tss : perPoint(tss, (vs) => { let m = vs[0]!; for (const v of vs) if (m !== m || v > m) m = v; return m; }));
    case "avg":
      return simple((tss) => tss.length === 1 ? tss : perPoint(tss, (vs) => { let s = 0, c = 0; for (const v of vs) if (v === v) { s += v; c++; } return c === 0 ? NaN : s / c; }));
    case "count":
      return simple((tss) => perPoint(tss, (vs) => { let c = 0; for (const v of vs) if (v === v) c++; return c === 0 ? NaN : c; }));
    case "group":
      return simple((tss) => perPoint(tss, (vs) => { for (const v of vs) if (v === v) return 1; return NaN; }));
    case "stdvar":
      return simple((tss) => aggrStdvar(tss, false));
    case "stddev":
      return simple((tss) => aggrStdvar(tss, true));
    case "any": {
      const limit = ae.limit > 1 ? 1 : ae.limit;
      return aggrExt((tss) => tss.slice(0, 1), concatArgs(args), ae.modifier, limit, true);
    }
    case "median":
      return aggrExt(quantileFn(evalNumber(ec, 0.5)[0]!.values), concatArgs(args), ae.modifier, ae.limit, false);
    case "quantile": {
      expectArgs(args, 2);
      return aggrExt(quantileFn(getScalar(args[0]!, 0)), args[1]!, ae.modifier, ae.limit, false);
    }
    case "topk":
    case "bottomk": {
      expectArgs(args, 2);
      const ks = getScalar(args[0]!, 0);
      const reverse = ae.name === "bottomk";
      return aggrExt((tss) => topk(tss, ks, reverse), args[1]!, ae.modifier, ae.limit, true);
    }
    case "count_values":
      return countValues(ae, args);
    case "distinct":
      return simple((tss) => perPoint(tss, (vs) => { const m = new Set<number>(); for (const v of vs) if (v === v) m.add(v); return m.size === 0 ? NaN : m.size; }));
    case "mode":
      return simple((tss) => perPoint(tss, (vs) => modeNoNaNs(NaN, [...vs].filter((v) => v === v))));
    case "mad":
      return simple((tss) => {
        const mads = perPointMADs(tss, perPointMedians(tss));
        tss[0]!.values = mads;
        return [tss[0]!];
      });
    case "zscore":
      return aggrExt(zscore, concatArgs(args), ae.modifier, ae.limit, true);
    case "outliers_mad": {
      expectArgs(args, 2);
      const tolerances = getScalar(args[0]!, 0);
      return aggrExt((tss) => {
        const medians = perPointMedians(tss);
        const mads = perPointMADs(tss, medians);
        for (let n = 0; n < mads.length; n++) mads[n] = mads[n]! * tolerances[n]!;
        return tss.filter((ts) => ts.values.some((v, n) => Math.abs(v - medians[n]!) > mads[n]!));
      }, args[1]!, ae.modifier, ae.limit, true);
    }
    case "outliersk": {
      expectArgs(args, 2);
      const ks = getScalar(args[0]!, 0);
      return aggrExt((tss) => {
        const medians = perPointMedians(tss);
        const f = (vs: Float64Array) => {
          let sum2 = 0;
          for (let n = 0; n < vs.length; n++) {
            const d = vs[n]! - medians[n]!;
            sum2 += d * d;
          }
          return sum2;
        };
        return rangeTopK(tss, ae.modifier, ks, "", f, false);
      }, args[1]!, ae.modifier, ae.limit, true);
    }
    case "quantiles":
      return quantiles(ae, args);
    case "histogram":
      return simple(histogramOf);
    // Newer than VictoriaMetrics 1.79.5, from the current MetricsQL docs:
    case "share":
      return aggrExt((tss) => {
        const n = tss[0]!.values.length;
        for (let i = 0; i < n; i++) {
          let sum = 0;
          for (const ts of tss) {
            const v = ts.values[i]!;
            if (v === v && v >= 0) sum += v;
          }
          for (const ts of tss) {
            const v = ts.values[i]!;
            ts.values[i] = v !== v || v < 0 ? NaN : v / sum;
          }
        }
        return tss;
      }, concatArgs(args), ae.modifier, ae.limit, true);
    case "outliers_iqr": {
      expectArgs(args, 1);
      return aggrExt((tss) => {
        const n = tss[0]!.values.length;
        const lower = new Float64Array(n), upper = new Float64Array(n);
        const col = new Float64Array(tss.length);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < tss.length; j++) col[j] = tss[j]!.values[i]!;
          const q1 = quantileOf(0.25, col), q3 = quantileOf(0.75, col);
          const iqr = 1.5 * (q3 - q1);
          lower[i] = q1 - iqr;
          upper[i] = q3 + iqr;
        }
        return tss.filter((ts) => ts.values.some((v, i) => v > upper[i]! || v < lower[i]!));
      }, args[0]!, ae.modifier, ae.limit, true);
    }
    case "limitk": {
      expectArgs(args, 2);
      const limits = getScalar(args[0]!, 0);
      let limit = limits.length > 0 ? Math.trunc(limits[0]!) : 0;
      if (!(limit > 0)) limit = 0;
      return aggrExt((tss) => {
        // Ordered by the hash of the labels: the same series are kept every time.
        const hashed = tss.map((ts) => ({ h: seriesHash(ts), ts }));
        hashed.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
        return hashed.slice(0, limit).map((x) => x.ts);
      }, args[1]!, ae.modifier, ae.limit, true);
    }
    case "topk_max": case "topk_min": case "topk_avg": case "topk_median": case "topk_last":
    case "bottomk_max": case "bottomk_min": case "bottomk_avg": case "bottomk_median": case "bottomk_last": {
      if (args.length < 2) throw new QueryError(`unexpected number of args; got ${args.length}; want at least 2`);
      if (args.length > 3) throw new QueryError(`unexpected number of args; got ${args.length}; want no more than 3`);
      const ks = getScalar(args[0]!, 0);
      const remaining = args.length === 3 ? getString(args[2]!, 2) : "";
      const f = rangeValueFns[ae.name.slice(ae.name.indexOf("_") + 1)]!;
      const reverse = ae.name.startsWith("bottomk");
      return aggrExt((tss) => rangeTopK(tss, ae.modifier, ks, remaining, f, reverse), args[1]!, ae.modifier, ae.limit, true);
    }
    default:
      throw new QueryError(`unknown func ${JSON.stringify(ae.name)}`);
  }
}

function perPoint(tss: Timeseries[], f: (vs: Float64Array) => number): Timeseries[] {
  const dst = tss[0]!;
  const n = dst.values.length;
  const col = new Float64Array(tss.length);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < tss.length; j++) col[j] = tss[j]!.values[i]!;
    out[i] = f(col);
  }
  dst.values = out;
  return [dst];
}

function aggrSum(tss: Timeseries[]): Timeseries[] {
  if (tss.length === 1) return tss;
  return perPoint(tss, (vs) => {
    let s = 0, c = 0;
    for (const v of vs) if (v === v) { s += v; c++; }
    return c === 0 ? NaN : s;
  });
}

function aggrStdvar(tss: Timeseries[], sqrt: boolean): Timeseries[] {
  if (tss.length === 1) {
    const vs = tss[0]!.values;
    for (let i = 0; i < vs.length; i++) if (vs[i] === vs[i]) vs[i] = 0;
    return tss;
  }
  return perPoint(tss, (vs) => {
    let avg = 0, count = 0, q = 0;
    for (const v of vs) {
      if (v !== v) continue;
      count++;
      const avgNew = avg + (v - avg) / count;
      q += (v - avg) * (v - avgNew);
      avg = avgNew;
    }
    if (count === 0) q = NaN;
    const r = q / count;
    return sqrt ? Math.sqrt(r) : r;
  });
}

/** quantileSorted is Prometheus' quantile over sorted values without NaNs. */
export function quantileSorted(phi: number, values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0 || phi !== phi) return NaN;
  if (phi < 0) return -Infinity;
  if (phi > 1) return Infinity;
  const rank = phi * (n - 1);
  const lo = Math.max(0, Math.floor(rank));
  const hi = Math.min(n - 1, lo + 1);
  const w = rank - Math.floor(rank);
  return values[lo]! * (1 - w) + values[hi]! * w;
}

function quantileFn(phis: Float64Array): GroupFn {
  return (tss) => {
    const dst = tss[0]!;
    const out = new Float64Array(dst.values.length);
    const buf: number[] = [];
    for (let i = 0; i < out.length; i++) {
      buf.length = 0;
      for (const ts of tss) {
        const v = ts.values[i]!;
        if (v === v) buf.push(v);
      }
      buf.sort((a, b) => a - b);
      out[i] = quantileSorted(phis[i]!, buf);
    }
    dst.values = out;
    return [dst];
  };
}

function lessWithNaNs(a: number, b: number): boolean {
  if (a !== a) return b === b;
  return a < b;
}

function topk(tss: Timeseries[], ks: Float64Array, reverse: boolean): Timeseries[] {
  const n = tss[0]!.values.length;
  for (let i = 0; i < n; i++) {
    const sorted = [...tss].sort((x, y) => {
      let a = x.values[i]!, b = y.values[i]!;
      if (reverse) [a, b] = [b, a];
      return lessWithNaNs(a, b) ? -1 : lessWithNaNs(b, a) ? 1 : 0;
    });
    const k = ks[i]!;
    let kn = k !== k ? 0 : Math.trunc(k);
    if (kn < 0) kn = 0;
    if (kn > sorted.length) kn = sorted.length;
    for (let j = 0; j < sorted.length - kn; j++) sorted[j]!.values[i] = NaN;
  }
  return removeEmptySeries(tss).reverse();
}

function countValues(ae: AggrFuncExpr, args: Timeseries[][]): Timeseries[] {
  expectArgs(args, 2);
  const dstLabel = getString(args[0]!, 0);
  let modifier = ae.modifier;
  if (modifier !== null && modifier.op === "without") modifier = { op: "without", args: [...modifier.args, dstLabel] };
  else if (modifier !== null && modifier.op === "by") modifier = { op: "by", args: modifier.args.filter((a) => a !== dstLabel) };
  const fn: GroupFn = (tss) => {
    const set = new Set<number>();
    for (const ts of tss) for (const v of ts.values) if (v === v) set.add(v);
    const values = [...set].sort((a, b) => a - b);
    return values.map((v) => {
      const dst = copyMetricName(tss[0]!);
      dst.tags.set(dstLabel, formatFloatF(v));
      const out = new Float64Array(dst.values.length);
      for (let i = 0; i < out.length; i++) {
        let c = 0;
        for (const ts of tss) if (ts.values[i] === v) c++;
        out[i] = c === 0 ? NaN : c;
      }
      dst.values = out;
      return dst;
    });
  };
  return aggrExt(fn, args[1]!, modifier, ae.limit, false);
}

/** formatFloatF formats v as Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest decimal that round-trips, never with an exponent. */
export function formatFloatF(v: number): string {
  if (v !== v) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  const s = String(v);
  if (!s.includes("e")) return s;
  const neg = v < 0;
  const [mant, expStr] = (neg ? s.slice(1) : s).split("e") as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace(".", "");
  const pointPos = (mant.indexOf(".") === -1 ? mant.length : mant.indexOf(".")) + exp;
  let out: string;
  if (pointPos <= 0) out = "0." + "0".repeat(-pointPos) + digits;
  else if (pointPos >= digits.length) out = digits + "0".repeat(pointPos - digits.length);
  else out = digits.slice(0, pointPos) + "." + digits.slice(pointPos);
  return neg ? "-" + out : out;
}

// seriesHash is xxhash64 over the metric name, then each tag's name and value in tag order, as VictoriaMetrics' limitk() hashes.
function seriesHash(ts: Timeseries): bigint {
  let s = ts.name;
  for (const [k, v] of canonicalTags(ts)) s += k + v;
  return xxhash64(Buffer.from(s, "utf8"));
}

// histogramOf counts, per point, the values of tss in VictoriaMetrics'
// vmrange buckets, then turns them into cumulative `le` buckets.
function histogramOf(tss: Timeseries[]): Timeseries[] {
  const n = tss[0]!.values.length;
  const buckets = new Map<number, Timeseries>();
  for (let i = 0; i < n; i++) {
    const counts = new Map<number, number>();
    for (const ts of tss) {
      const idx = vmrangeBucketIdx(ts.values[i]!);
      if (idx === -2) continue;
      counts.set(idx, (counts.get(idx) ?? 0) + 1);
    }
    for (const [idx, c] of counts) {
      let ts = buckets.get(idx);
      if (ts === undefined) {
        ts = copyTimeseries(tss[0]!);
        ts.values.fill(0);
        setTag(ts, "vmrange", vmrangeLabel(idx));
        buckets.set(idx, ts);
      }
      ts.values[i] = c;
    }
  }
  return vmrangeBucketsToLE([...buckets.values()]);
}

function modeNoNaNs(prev: number, a: number[]): number {
  if (a.length === 0) return prev;
  a.sort((x, y) => x - y);
  let j = -1;
  let dMax = 0;
  let mode = prev;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (prev === v) continue;
    const d = i - j;
    if (d > dMax || mode !== mode) {
      dMax = d;
      mode = prev;
    }
    j = i;
    prev = v;
  }
  const d = a.length - j;
  if (d > dMax || mode !== mode) mode = prev;
  return mode;
}

function quantileOf(phi: number, values: ArrayLike<number>): number {
  const a: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) a.push(values[i]!);
  a.sort((x, y) => x - y);
  return quantileSorted(phi, a);
}

function perPointMedians(tss: Timeseries[]): Float64Array {
  const n = tss[0]!.values.length;
  const out = new Float64Array(n);
  const col = new Float64Array(tss.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < tss.length; j++) col[j] = tss[j]!.values[i]!;
    out[i] = quantileOf(0.5, col);
  }
  return out;
}

function perPointMADs(tss: Timeseries[], medians: Float64Array): Float64Array {
  const out = new Float64Array(medians.length);
  const col = new Float64Array(tss.length);
  for (let i = 0; i < medians.length; i++) {
    for (let j = 0; j < tss.length; j++) col[j] = Math.abs(tss[j]!.values[i]! - medians[i]!);
    out[i] = quantileOf(0.5, col);
  }
  return out;
}

function zscore(tss: Timeseries[]): Timeseries[] {
  const n = tss[0]!.values.length;
  for (let i = 0; i < n; i++) {
    let avg = 0, count = 0, q = 0;
    for (const ts of tss) {
      const v = ts.values[i]!;
      if (v !== v) continue;
      count++;
      const avgNew = avg + (v - avg) / count;
      q += (v - avg) * (v - avgNew);
      avg = avgNew;
    }
    if (count === 0) continue;
    const stddev = Math.sqrt(q / count);
    for (const ts of tss) {
      const v = ts.values[i]!;
      if (v === v) ts.values[i] = (v - avg) / stddev;
    }
  }
  for (const ts of tss) ts.name = "";
  return tss;
}

const rangeValueFns: Record<string, (vs: Float64Array) => number> = {
  min: (vs) => {
    let i = 0;
    let m = NaN;
    while (i < vs.length && m !== m) m = vs[i++]!;
    for (; i < vs.length; i++) if (vs[i]! < m) m = vs[i]!;
    return m;
  },
  max: (vs) => {
    let i = 0;
    let m = NaN;
    while (i < vs.length && m !== m) m = vs[i++]!;
    for (; i < vs.length; i++) if (vs[i]! > m) m = vs[i]!;
    return m;
  },
  avg: (vs) => {
    let s = 0, c = 0;
    for (const v of vs) if (v === v) { s += v; c++; }
    return c === 0 ? NaN : s / c;
  },
  median: (vs) => quantileOf(0.5, vs),
  last: (vs) => {
    for (let i = vs.length - 1; i >= 0; i--) if (vs[i] === vs[i]) return vs[i]!;
    return NaN;
  },
};

function intK(k: number, kMax: number): number {
  if (k !== k) return 0;
  const kn = Math.trunc(k);
  return kn < 0 ? 0 : kn > kMax ? kMax : kn;
}

// rangeTopK keeps, per point, the k series with the biggest (or smallest) f
// over the whole range; remaining ("label" or "label=value") adds a series
// with the sum of the others.
function rangeTopK(tss: Timeseries[], modifier: ModifierExpr | null, ks: Float64Array, remaining: string, f: (vs: Float64Array) => number, reverse: boolean): Timeseries[] {
  const withValue = tss.map((ts) => ({ ts, value: f(ts.values) }));
  withValue.sort((x, y) => {
    let a = x.value, b = y.value;
    if (reverse) [a, b] = [b, a];
    return lessWithNaNs(a, b) ? -1 : lessWithNaNs(b, a) ? 1 : 0;
  });
  tss = withValue.map((x) => x.ts);
  let rest: Timeseries | undefined;
  if (remaining !== "" && tss.length > 0) {
    rest = copyTimeseries(tss[0]!);
    removeGroupTags(rest, modifier);
    let name = remaining;
    let value = remaining;
    const eq = remaining.indexOf("=");
    if (eq >= 0) {
      name = remaining.slice(0, eq);
      value = remaining.slice(eq + 1);
    }
    setTag(rest, name, value);
    for (let i = 0; i < ks.length; i++) {
      const kn = intK(ks[i]!, tss.length);
      let s = 0, c = 0;
      for (const ts of tss.slice(0, tss.length - kn)) {
        const v = ts.values[i]!;
        if (v === v) { s += v; c++; }
      }
      rest.values[i] = c === 0 ? NaN : s;
    }
  }
  for (let i = 0; i < ks.length; i++) {
    const kn = intK(ks[i]!, tss.length);
    for (const ts of tss.slice(0, tss.length - kn)) ts.values[i] = NaN;
  }
  if (rest !== undefined) tss.push(rest);
  return removeEmptySeries(tss).reverse();
}

function quantiles(ae: AggrFuncExpr, args: Timeseries[][]): Timeseries[] {
  if (args.length < 3) throw new QueryError(`unexpected number of args: ${args.length}; expecting at least 3 args`);
  const dstLabel = getString(args[0]!, 0);
  const phis = args.slice(1, -1).map((a, i) => getScalar(a, i + 1)[0]!);
  return aggrExt((tss) => {
    const dsts = phis.map((phi) => {
      const ts = copyTimeseries(tss[0]!);
      setTag(ts, dstLabel, formatG(phi));
      return ts;
    });
    const n = tss[0]!.values.length;
    const col = new Float64Array(tss.length);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < tss.length; j++) col[j] = tss[j]!.values[i]!;
      for (let j = 0; j < phis.length; j++) dsts[j]!.values[i] = quantileOf(phis[j]!, col);
    }
    return dsts;
  }, args[args.length - 1]!, ae.modifier, ae.limit, false);
}

/** removeGroupTags leaves on ts the labels that identify its group under modifier (by/without; none: all go). */
export function removeGroupTags(ts: Timeseries, modifier: ModifierExpr | null): void {
  if (modifier === null || modifier.op === "by") {
    removeTagsOn(ts, modifier?.args ?? []);
  } else if (modifier.op === "without") {
    removeTagsIgnoring(ts, modifier.args);
    ts.name = "";
  } else {
    throw new Error(`BUG: unknown group modifier ${JSON.stringify(modifier.op)}`);
  }
}

function aggrExt(fn: GroupFn, argOrig: Timeseries[], modifier: ModifierExpr | null, maxSeries: number, keepOriginal: boolean): Timeseries[] {
  argOrig = removeEmptySeries(argOrig);
  const groups = new Map<string, Timeseries[]>();
  for (const orig of argOrig) {
    const ts = copyMetricName(orig);
    removeGroupTags(ts, modifier);
    const key = metricKey(ts);
    let list = groups.get(key);
    if (list === undefined) {
      if (maxSeries > 0 && groups.size >= maxSeries) continue;
      list = [];
      groups.set(key, list);
    }
    list.push(keepOriginal ? orig : ts);
  }
  const rvs: Timeseries[] = [];
  let src = 0;
  for (const tss of groups.values()) {
    const rv = fn(tss);
    src += tss.length;
    rvs.push(...rv);
    if (rvs.length > 2000 && rvs.length > 16 * src) {
      throw new QueryError(`too many timeseries after aggragation; got ${rvs.length}; want less than ${16 * src}`);
    }
  }
  return rvs;
}
