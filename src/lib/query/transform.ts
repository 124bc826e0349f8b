// Transform functions (abs, round, label_replace, sort, absent, ...) with
// VictoriaMetrics 1.79.5 semantics (app/vmselect/promql/transform.go). Value
// transforms drop the metric name unless keep_metric_names is given or the
// function keeps it (ceil, floor, round, clamp*, interpolate,
// keep_last_value, keep_next_value); label functions keep it.

import { printExpr, type Expr, type FuncExpr } from "../metricsql/index.ts";
import { compileAnchored as compileLinear, type AnchoredRegex } from "../regexutil/index.ts";
import { UnanchoredRegex } from "../promrelabel/index.ts";
import { getTimestamps, QueryError, type EvalConfig } from "./eval_config.ts";
import { evalNumber, evalTime, getAbsentTimeseries } from "./eval.ts";
import { getScalar, getString } from "./aggr.ts";
import { metricKey, getTag, setTag, type Timeseries } from "./timeseries.ts";
import { bucketsLimit, histogramMoment, histogramQuantile, histogramShare, vmrangeBucketsToLE } from "./histogram.ts";
import { formatG } from "./rollup_format.ts";
import { copyTimeseries } from "./timeseries.ts";
import { quantileSorted } from "./aggr.ts";
import {
  fillAll,
  madOf,
  meanOf,
  numericLess,
  rangeFirst,
  rangeLinearRegression,
  rangeNormalize,
  rangeQuantile,
  rangeTrimSpikes,
  removeResets,
  running,
  runningSteps,
  setLastValues,
  smoothExponential,
  stdvarOf,
} from "./transform_range.ts";

type EvalFn = (ec: EvalConfig, e: Expr) => Promise<Timeseries[]>;

interface Arg {
  ec: EvalConfig;
  fe: FuncExpr;
  args: Timeseries[][];
}

type TransformFn = (a: Arg) => Timeseries[];

const keepMetricName = new Set([
  "ceil", "clamp", "clamp_max", "clamp_min", "floor", "interpolate", "keep_last_value", "keep_next_value", "round",
  "range_avg", "range_first", "range_last", "range_max", "range_min", "range_quantile", "running_avg", "running_max", "running_min", "smooth_exponential",
]);

function expectArgs(a: Arg, n: number): void {
  if (a.args.length !== n) throw new QueryError(`unexpected number of args; got ${a.args.length}; want ${n}`);
}

function doTransformValues(a: Arg, arg: Timeseries[], f: (vs: Float64Array) => void): Timeseries[] {
  const keep = a.fe.keepMetricNames || keepMetricName.has(a.fe.name.toLowerCase());
  for (const ts of arg) {
    if (!keep) ts.name = "";
    f(ts.values);
  }
  return arg;
}

function oneArg(f: (v: number) => number): TransformFn {
  return (a) => {
    expectArgs(a, 1);
    return doTransformValues(a, a.args[0]!, (vs) => {
      for (let i = 0; i < vs.length; i++) vs[i] = f(vs[i]!);
    });
  };
}

// timeArg: functions of a Unix time in seconds, defaulting to time().
function timeFn(f: (d: Date) => number): TransformFn {
  return (a) => {
    const arg = a.args.length === 0 ? evalTime(a.ec) : (expectArgs(a, 1), a.args[0]!);
    return doTransformValues(a, arg, (vs) => {
      for (let i = 0; i < vs.length; i++) {
        const v = vs[i]!;
        vs[i] = v !== v ? NaN : f(new Date(Math.trunc(v) * 1000));
      }
    });
  };
}

function clampFn(kind: "clamp" | "clamp_min" | "clamp_max"): TransformFn {
  return (a) => {
    expectArgs(a, kind === "clamp" ? 3 : 2);
    const mins = kind === "clamp_max" ? null : getScalar(a.args[1]!, 1);
    const maxs = kind === "clamp" ? getScalar(a.args[2]!, 2) : kind === "clamp_max" ? getScalar(a.args[1]!, 1) : null;
    return doTransformValues(a, a.args[0]!, (vs) => {
      for (let i = 0; i < vs.length; i++) {
        const v = vs[i]!;
        if (kind === "clamp") {
          if (v > maxs![i]!) vs[i] = maxs![i]!;
          else if (v < mins![i]!) vs[i] = mins![i]!;
        } else if (kind === "clamp_min") {
          vs[i] = v < mins![i]! ? mins![i]! : v;
        } else {
          vs[i] = v > maxs![i]! ? maxs![i]! : v;
        }
      }
    });
  };
}

// decimalExp returns e such that n = m * 10^e with integer m not divisible by 10.
function decimalExp(n: number): number {
  if (n === 0 || !Number.isFinite(n)) return 0;
  if (Number.isInteger(n)) {
    let e = 0;
    while (n % 10 === 0) {
      n /= 10;
      e++;
    }
    return e;
  }
  const s = String(Math.abs(n));
  const m = /e-(\d+)$/.exec(s);
  if (m !== null) {
    const mant = s.slice(0, s.indexOf("e"));
    const frac = mant.includes(".") ? mant.length - mant.indexOf(".") - 1 : 0;
    return -(Number(m[1]) + frac);
  }
  return -(s.length - s.indexOf(".") - 1);
}

const transformRound: TransformFn = (a) => {
  if (a.args.length !== 1 && a.args.length !== 2) throw new QueryError(`unexpected number of args: ${a.args.length}; want 1 or 2`);
  const nearest = a.args.length === 1 ? evalNumber(a.ec, 1)[0]!.values : getScalar(a.args[1]!, 1);
  return doTransformValues(a, a.args[0]!, (vs) => {
    let nPrev = 0;
    let p10 = 0;
    for (let i = 0; i < vs.length; i++) {
      const n = nearest[i]!;
      if (n !== nPrev) {
        nPrev = n;
        p10 = Math.pow(10, -decimalExp(n));
      }
      let v = vs[i]!;
      v += 0.5 * (v < 0 || Object.is(v, -0) ? -Math.abs(n) : Math.abs(n));
      v -= v % n;
      v = Math.trunc(v * p10);
      vs[i] = v / p10;
    }
  });
};

function sortFn(desc: boolean): TransformFn {
  return (a) => {
    expectArgs(a, 1);
    const rvs = a.args[0]!;
    rvs.sort((x, y) => {
      const less = (p: Timeseries, q: Timeseries): boolean => {
        const av = p.values, bv = q.values;
        let n = av.length - 1;
        for (; n >= 0; n--) {
          const u = av[n]!, w = bv[n]!;
          if (u === u) {
            if (w !== w) return false;
            if (u !== w) break;
          } else if (w === w) {
            return true;
          }
        }
        if (n < 0) return false;
        return desc ? bv[n]! < av[n]! : av[n]! < bv[n]!;
      };
      return less(x, y) ? -1 : less(y, x) ? 1 : 0;
    });
    return rvs;
  };
}

// expandGoTemplate expands Go's regexp replacement template ($1, ${1}, $name, ${name}, $$).
function expandGoTemplate(tpl: string, m: RegExpExecArray): string {
  let out = "";
  for (let i = 0; i < tpl.length; i++) {
    const c = tpl[i]!;
    if (c !== "$" || i + 1 >= tpl.length) {
      out += c;
      continue;
    }
    if (tpl[i + 1] === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string;
    let j: number;
    if (tpl[i + 1] === "{") {
      const close = tpl.indexOf("}", i + 2);
      if (close < 0) {
        out += c;
        continue;
      }
      name = tpl.slice(i + 2, close);
      j = close + 1;
    } else {
      j = i + 1;
      while (j < tpl.length && /[A-Za-z0-9_]/.test(tpl[j]!)) j++;
      name = tpl.slice(i + 1, j);
    }
    if (name === "") {
      out += c;
      continue;
    }
    if (/^[0-9]+$/.test(name)) out += m[Number(name)] ?? "";
    else out += m.groups?.[name] ?? "";
    i = j - 1;
  }
  return out;
}

// Label regexps have Go's syntax and are anchored ("^(?:re)$", no (?s)).
// Matching runs on regexutil's linear-time engine, so a pathological pattern
// cannot stall the server; captures for the replacement come from a
// JavaScript RegExp, run only on values already known to match.
interface LabelRegex {
  matches(s: string): boolean;
  exec(s: string): RegExpExecArray | null;
}

function compileAnchored(re: string): LabelRegex {
  let linear: AnchoredRegex;
  try {
    linear = compileLinear(re);
  } catch (e) {
    throw new QueryError(`cannot compile regex ${JSON.stringify(re)}: ${(e as Error).message}`);
  }
  let js: RegExp | undefined;
  return {
    matches: (s) => linear.matches(s),
    exec: (s) => {
      if (!linear.matches(s)) return null;
      try {
        js ??= new RegExp(`^(?:${re.replace(/\(\?P</g, "(?<")})$`);
      } catch (e) {
        throw new QueryError(`cannot use regex ${JSON.stringify(re)} for replacement: ${(e as Error).message}`);
      }
      return js.exec(s);
    },
  };
}

const transformLabelReplace: TransformFn = (a) => {
  expectArgs(a, 5);
  const dst = getString(a.args[1]!, 1);
  const repl = getString(a.args[2]!, 2);
  const src = getString(a.args[3]!, 3);
  const re = compileAnchored(getString(a.args[4]!, 4));
  for (const ts of a.args[0]!) {
    const m = re.exec(getTag(ts, src));
    if (m === null) continue;
    setTag(ts, dst, expandGoTemplate(repl, m));
  }
  return a.args[0]!;
};

const transformLabelJoin: TransformFn = (a) => {
  if (a.args.length < 3) throw new QueryError(`not enough args; got ${a.args.length}; want at least 3`);
  const dst = getString(a.args[1]!, 1);
  const sep = getString(a.args[2]!, 2);
  const srcs: string[] = [];
  for (let i = 3; i < a.args.length; i++) srcs.push(getString(a.args[i]!, i));
  for (const ts of a.args[0]!) setTag(ts, dst, srcs.map((s) => getTag(ts, s)).join(sep));
  return a.args[0]!;
};

function stringPairs(a: Arg, from: number): Array<[string, string]> {
  if ((a.args.length - from) % 2 !== 0) throw new QueryError(`the number of string args must be even; got ${a.args.length - from}`);
  const out: Array<[string, string]> = [];
  for (let i = from; i < a.args.length; i += 2) out.push([getString(a.args[i]!, i), getString(a.args[i + 1]!, i + 1)]);
  return out;
}

function stringArgs(a: Arg, from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < a.args.length; i++) out.push(getString(a.args[i]!, i));
  return out;
}

function needArgs(a: Arg, n: number): void {
  if (a.args.length < n) throw new QueryError(`not enough args; got ${a.args.length}; want at least ${n}`);
}

const transformFuncs: Record<string, TransformFn> = {
  abs: oneArg(Math.abs),
  ceil: oneArg(Math.ceil),
  floor: oneArg(Math.floor),
  exp: oneArg(Math.exp),
  ln: oneArg(Math.log),
  log2: oneArg(Math.log2),
  log10: oneArg(Math.log10),
  sqrt: oneArg(Math.sqrt),
  // NaN becomes 0, as in VictoriaMetrics 1.79.5.
  sgn: oneArg((v) => (v < 0 ? -1 : v > 0 ? 1 : 0)),
  deg: oneArg((v) => (v * 180) / Math.PI),
  rad: oneArg((v) => (v * Math.PI) / 180),
  sin: oneArg(Math.sin),
  cos: oneArg(Math.cos),
  tan: oneArg(Math.tan),
  asin: oneArg(Math.asin),
  acos: oneArg(Math.acos),
  atan: oneArg(Math.atan),
  sinh: oneArg(Math.sinh),
  cosh: oneArg(Math.cosh),
  tanh: oneArg(Math.tanh),
  asinh: oneArg(Math.asinh),
  acosh: oneArg(Math.acosh),
  atanh: oneArg(Math.atanh),
  round: transformRound,
  clamp: clampFn("clamp"),
  clamp_min: clampFn("clamp_min"),
  clamp_max: clampFn("clamp_max"),
  minute: timeFn((d) => d.getUTCMinutes()),
  hour: timeFn((d) => d.getUTCHours()),
  day_of_month: timeFn((d) => d.getUTCDate()),
  day_of_week: timeFn((d) => d.getUTCDay()),
  month: timeFn((d) => d.getUTCMonth() + 1),
  year: timeFn((d) => d.getUTCFullYear()),
  days_in_month: timeFn((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()),
  time: (a) => (expectArgs(a, 0), evalTime(a.ec)),
  now: (a) => (expectArgs(a, 0), evalNumber(a.ec, Date.now() / 1000)),
  pi: (a) => (expectArgs(a, 0), evalNumber(a.ec, Math.PI)),
  start: (a) => (expectArgs(a, 0), evalNumber(a.ec, a.ec.start / 1000)),
  end: (a) => (expectArgs(a, 0), evalNumber(a.ec, a.ec.end / 1000)),
  step: (a) => (expectArgs(a, 0), evalNumber(a.ec, a.ec.step / 1000)),
  vector: (a) => (expectArgs(a, 1), a.args[0]!),
  scalar: (a) => {
    expectArgs(a, 1);
    const e = a.fe.args[0]!;
    if (e.kind === "string") {
      const n = e.value.trim() === "" ? NaN : Number(e.value);
      return evalNumber(a.ec, n);
    }
    const arg = a.args[0]!;
    if (arg.length !== 1) return evalNumber(a.ec, NaN);
    arg[0]!.name = "";
    arg[0]!.tags.clear();
    return arg;
  },
  absent: (a) => {
    expectArgs(a, 1);
    const tss = a.args[0]!;
    const rvs = getAbsentTimeseries(a.ec, a.fe.args[0]!);
    if (tss.length === 0) return rvs;
    const out = rvs[0]!.values;
    for (let i = 0; i < out.length; i++) {
      for (const ts of tss) {
        if (ts.values[i] === ts.values[i]) {
          out[i] = NaN;
          break;
        }
      }
    }
    return rvs;
  },
  sort: sortFn(false),
  sort_desc: sortFn(true),
  keep_last_value: (a) => {
    expectArgs(a, 1);
    for (const ts of a.args[0]!) {
      const vs = ts.values;
      if (vs.length === 0) continue;
      let last = vs[0]!;
      for (let i = 0; i < vs.length; i++) {
        if (vs[i] === vs[i]) last = vs[i]!;
        else vs[i] = last;
      }
    }
    return a.args[0]!;
  },
  keep_next_value: (a) => {
    expectArgs(a, 1);
    for (const ts of a.args[0]!) {
      const vs = ts.values;
      if (vs.length === 0) continue;
      let next = vs[vs.length - 1]!;
      for (let i = vs.length - 1; i >= 0; i--) {
        if (vs[i] === vs[i]) next = vs[i]!;
        else vs[i] = next;
      }
    }
    return a.args[0]!;
  },
  interpolate: (a) => {
    expectArgs(a, 1);
    for (const ts of a.args[0]!) {
      const vs = ts.values;
      let prev = NaN;
      let next = 0;
      for (let i = 0; i < vs.length; i++) {
        if (vs[i] === vs[i]) continue;
        if (i > 0) prev = vs[i - 1]!;
        let j = i + 1;
        while (j < vs.length && vs[j] !== vs[j]) j++;
        next = j >= vs.length ? prev : vs[j]!;
        if (prev !== prev) prev = next;
        const delta = (next - prev) / (j - i + 1);
        for (; i < j; i++) {
          prev += delta;
          vs[i] = prev;
        }
      }
    }
    return a.args[0]!;
  },
  union: (a) => {
    if (a.args.length < 1) return evalNumber(a.ec, NaN);
    const seen = new Set<string>();
    const rvs: Timeseries[] = [];
    for (const arg of a.args) {
      for (const ts of arg) {
        const k = metricKey(ts);
        if (seen.has(k)) continue;
        seen.add(k);
        rvs.push(ts);
      }
    }
    return rvs;
  },
  label_set: (a) => {
    needArgs(a, 1);
    const pairs = stringPairs(a, 1);
    for (const ts of a.args[0]!) for (const [k, v] of pairs) setTag(ts, k, v);
    return a.args[0]!;
  },
  label_del: (a) => {
    needArgs(a, 1);
    const names = stringArgs(a, 1);
    for (const ts of a.args[0]!) for (const n of names) setTag(ts, n, "");
    return a.args[0]!;
  },
  label_keep: (a) => {
    needArgs(a, 1);
    const names = stringArgs(a, 1);
    for (const ts of a.args[0]!) {
      if (!names.includes("__name__")) ts.name = "";
      for (const k of [...ts.tags.keys()]) if (!names.includes(k)) ts.tags.delete(k);
    }
    return a.args[0]!;
  },
  label_copy: (a) => labelCopy(a, false),
  label_move: (a) => labelCopy(a, true),
  label_replace: transformLabelReplace,
  label_join: transformLabelJoin,
  label_lowercase: (a) => labelCase(a, (s) => s.toLowerCase()),
  label_uppercase: (a) => labelCase(a, (s) => s.toUpperCase()),
  histogram_quantile: (a) => {
    if (a.args.length < 2 || a.args.length > 3) throw new QueryError(`unexpected number of args; got ${a.args.length}; want 2...3`);
    const phis = getScalar(a.args[0]!, 0);
    const boundsLabel = a.args.length === 3 ? getString(a.args[2]!, 2) : "";
    return histogramQuantile(phis, a.args[1]!, boundsLabel);
  },
  range_avg: (a) => rangeOf(a, runningSteps.avg),
  range_max: (a) => rangeOf(a, runningSteps.max),
  range_min: (a) => rangeOf(a, runningSteps.min),
  range_sum: (a) => rangeOf(a, runningSteps.sum),
  range_first: (a) => (expectArgs(a, 1), rangeFirst(a.args[0]!)),
  range_last: (a) => (expectArgs(a, 1), setLastValues(a.args[0]!), a.args[0]!),
  range_quantile: (a) => {
    expectArgs(a, 2);
    const phis = getScalar(a.args[0]!, 0);
    return rangeQuantile(a.args[1]!, phis.length > 0 ? phis[0]! : 0, quantileSorted);
  },
  running_avg: (a) => (expectArgs(a, 1), running(a.args[0]!, runningSteps.avg)),
  running_max: (a) => (expectArgs(a, 1), running(a.args[0]!, runningSteps.max)),
  running_min: (a) => (expectArgs(a, 1), running(a.args[0]!, runningSteps.min)),
  running_sum: (a) => (expectArgs(a, 1), running(a.args[0]!, runningSteps.sum)),
  remove_resets: (a) => (expectArgs(a, 1), removeResets(a.args[0]!)),
  smooth_exponential: (a) => (expectArgs(a, 2), smoothExponential(a.args[0]!, getScalar(a.args[1]!, 1))),
  label_map: (a) => {
    needArgs(a, 2);
    const label = getString(a.args[1]!, 1);
    const m = new Map(stringPairs(a, 2));
    for (const ts of a.args[0]!) {
      const v = m.get(getTag(ts, label));
      if (v !== undefined) setTag(ts, label, v);
    }
    return a.args[0]!;
  },
  label_match: (a) => labelMatch(a, true),
  label_mismatch: (a) => labelMatch(a, false),
  label_value: (a) => {
    expectArgs(a, 2);
    const label = getString(a.args[1]!, 1);
    for (const ts of a.args[0]!) {
      ts.name = "";
      const s = getTag(ts, label);
      const v = parseGoFloat(s);
      const vs = ts.values;
      for (let i = 0; i < vs.length; i++) if (vs[i] === vs[i]) vs[i] = v;
    }
    return a.args[0]!;
  },
  label_transform: (a) => {
    expectArgs(a, 4);
    const label = getString(a.args[1]!, 1);
    const reStr = getString(a.args[2]!, 2);
    const repl = getString(a.args[3]!, 3);
    // Matching is decided by the linear-time engine; replacements run on V8's
    // linear-time engine too (Go's ReplaceAllString semantics: $1, ${name}).
    let re: UnanchoredRegex;
    try {
      re = new UnanchoredRegex(reStr);
    } catch (e) {
      throw new QueryError(`cannot compile regex ${JSON.stringify(reStr)}: ${(e as Error).message}`);
    }
    for (const ts of a.args[0]!) {
      const v = getTag(ts, label);
      if (!re.matchesAnywhere(v)) continue;
      setTag(ts, label, re.replaceAll(v, repl));
    }
    return a.args[0]!;
  },
  sort_by_label: (a) => sortByLabel(a, false),
  sort_by_label_desc: (a) => sortByLabel(a, true),
  drop_common_labels: (a) => {
    needArgs(a, 1);
    const rvs = a.args.flat();
    const counts = new Map<string, Map<string, number>>();
    const count = (k: string, v: string) => {
      let m = counts.get(k);
      if (m === undefined) counts.set(k, (m = new Map()));
      m.set(v, (m.get(v) ?? 0) + 1);
    };
    for (const ts of rvs) {
      count("__name__", ts.name);
      for (const [k, v] of ts.tags) count(k, v);
    }
    for (const [k, m] of counts) {
      for (const c of m.values()) {
        if (c !== rvs.length) continue;
        for (const ts of rvs) setTag(ts, k, "");
      }
    }
    return rvs;
  },
  limit_offset: (a) => {
    expectArgs(a, 3);
    const limit = intArg(a.args[0]!, 0);
    const offset = intArg(a.args[1]!, 1);
    let rvs = a.args[2]!.filter((ts) => ts.values.some((v) => v === v));
    if (rvs.length >= offset) rvs = rvs.slice(offset);
    if (rvs.length > limit) rvs = rvs.slice(0, limit);
    return rvs;
  },
  bitmap_and: bitmapFn((x, y) => x & y),
  bitmap_or: bitmapFn((x, y) => x | y),
  bitmap_xor: bitmapFn((x, y) => x ^ y),
  histogram_quantiles: (a) => {
    if (a.args.length < 3) throw new QueryError(`unexpected number of args: ${a.args.length}; expecting at least 3 args`);
    const dstLabel = getString(a.args[0]!, 0);
    const orig = a.args[a.args.length - 1]!;
    const rvs: Timeseries[] = [];
    for (let i = 1; i < a.args.length - 1; i++) {
      const phis = getScalar(a.args[i]!, i - 1);
      const phiStr = formatG(phis[0]!);
      for (const ts of histogramQuantile(phis, orig.map(copyTimeseries), "")) {
        setTag(ts, dstLabel, phiStr);
        rvs.push(ts);
      }
    }
    return rvs;
  },
  histogram_share: (a) => {
    if (a.args.length < 2 || a.args.length > 3) throw new QueryError(`unexpected number of args; got ${a.args.length}; want 2...3`);
    const les = getScalar(a.args[0]!, 0);
    const boundsLabel = a.args.length === 3 ? getString(a.args[2]!, 2) : "";
    return histogramShare(les, a.args[1]!, boundsLabel);
  },
  histogram_avg: (a) => (expectArgs(a, 1), histogramMoment("avg", a.args[0]!)),
  histogram_stddev: (a) => (expectArgs(a, 1), histogramMoment("stddev", a.args[0]!)),
  histogram_stdvar: (a) => (expectArgs(a, 1), histogramMoment("stdvar", a.args[0]!)),
  prometheus_buckets: (a) => (expectArgs(a, 1), vmrangeBucketsToLE(a.args[0]!)),
  buckets_limit: (a) => (expectArgs(a, 2), bucketsLimit(getScalar(a.args[0]!, 1), a.args[1]!)),
  label_graphite_group: (a) => {
    if (a.args.length < 2) throw new QueryError(`unexpected number of args: ${a.args.length}; want at least 2 args`);
    const ids = a.args.slice(1).map((arg, i) => intArg(arg, i + 1));
    for (const ts of a.args[0]!) {
      const groups = ts.name.split(".");
      ts.name = ids.map((id) => (id >= 0 && id < groups.length ? groups[id]! : "")).join(".");
    }
    return a.args[0]!;
  },
  timezone_offset: (a) => {
    expectArgs(a, 1);
    const tz = getString(a.args[0]!, 0);
    let fmt: Intl.DateTimeFormat;
    try {
      fmt = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" });
    } catch {
      throw new QueryError(`cannot load timezone ${JSON.stringify(tz)}: unknown time zone ${tz}`);
    }
    const rv = evalNumber(a.ec, NaN);
    const ts = rv[0]!;
    for (let i = 0; i < ts.timestamps.length; i++) {
      const part = fmt.formatToParts(new Date(Math.floor(ts.timestamps[i]! / 1000) * 1000)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
      const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(part);
      ts.values[i] = m === null || m[1] === undefined ? 0 : (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
    }
    return rv;
  },
  rand_normal: (a) => randFn(a, () => {
    // Box-Muller: a standard normal variate.
    const u = 1 - Math.random();
    const v = Math.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }),
  rand_exponential: (a) => randFn(a, () => -Math.log(1 - Math.random())),
  // Newer than VictoriaMetrics 1.79.5, from the current MetricsQL docs:
  day_of_year: timeFn((d) => Math.round((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1),
  drop_empty_series: (a) => (expectArgs(a, 1), a.args[0]!.filter((ts) => ts.values.some((v) => v === v))),
  histogram_fraction: (a) => {
    expectArgs(a, 3);
    const lo = getScalar(a.args[0]!, 0);
    const hi = getScalar(a.args[1]!, 1);
    if (lo[0]! >= hi[0]!) throw new QueryError(`lower le cannot be greater than upper le; got lower le: ${lo[0]}, upper le: ${hi[0]}`);
    const los = histogramShare(lo, a.args[2]!.map(copyTimeseries), "");
    const his = histogramShare(hi, a.args[2]!, "");
    // Both shares come back in the same group order.
    for (let j = 0; j < his.length; j++) {
      const h = his[j]!.values, l = los[j]!.values;
      for (let i = 0; i < h.length; i++) h[i] = lo[i] !== lo[i] || hi[i] !== hi[i] ? NaN : h[i]! - l[i]!;
    }
    return his;
  },
  labels_equal: (a) => {
    if (a.args.length < 3) throw new QueryError(`unexpected number of args; got ${a.args.length}; want at least 3`);
    const names = stringArgs(a, 1);
    return a.args[0]!.filter((ts) => names.every((n) => getTag(ts, n) === getTag(ts, names[0]!)));
  },
  range_linear_regression: (a) => (expectArgs(a, 1), rangeLinearRegression(a.args[0]!)),
  range_mad: (a) => (expectArgs(a, 1), fillAll(a.args[0]!, (vs) => madOf(vs, quantileSorted))),
  range_normalize: (a) => rangeNormalize(a.args),
  range_stddev: (a) => (expectArgs(a, 1), fillAll(a.args[0]!, (vs) => Math.sqrt(stdvarOf(vs)))),
  range_stdvar: (a) => (expectArgs(a, 1), fillAll(a.args[0]!, stdvarOf)),
  range_zscore: (a) => {
    expectArgs(a, 1);
    for (const ts of a.args[0]!) {
      const sd = Math.sqrt(stdvarOf(ts.values));
      const avg = meanOf(ts.values);
      for (let i = 0; i < ts.values.length; i++) ts.values[i] = (ts.values[i]! - avg) / sd;
    }
    return a.args[0]!;
  },
  range_trim_outliers: (a) => {
    expectArgs(a, 2);
    const ks = getScalar(a.args[0]!, 0);
    const k = ks.length > 0 ? ks[0]! : 0;
    for (const ts of a.args[1]!) {
      const dMax = k * madOf(ts.values, quantileSorted);
      const sorted = [...ts.values].filter((v) => v === v).sort((x, y) => x - y);
      const median = quantileSorted(0.5, sorted);
      for (let i = 0; i < ts.values.length; i++) if (Math.abs(ts.values[i]! - median) > dMax) ts.values[i] = NaN;
    }
    return a.args[1]!;
  },
  range_trim_spikes: (a) => {
    expectArgs(a, 2);
    const phis = getScalar(a.args[0]!, 0);
    return rangeTrimSpikes(a.args[1]!, phis.length > 0 ? phis[0]! : 0, quantileSorted);
  },
  range_trim_zscore: (a) => {
    expectArgs(a, 2);
    const zs = getScalar(a.args[0]!, 0);
    const z = zs.length > 0 ? Math.abs(zs[0]!) : 0;
    for (const ts of a.args[1]!) {
      const sd = Math.sqrt(stdvarOf(ts.values));
      const avg = meanOf(ts.values);
      for (let i = 0; i < ts.values.length; i++) if (Math.abs(ts.values[i]! - avg) / sd > z) ts.values[i] = NaN;
    }
    return a.args[1]!;
  },
  sort_by_label_numeric: (a) => sortByLabelNumeric(a, false),
  sort_by_label_numeric_desc: (a) => sortByLabelNumeric(a, true),
  rand: (a) => {
    if (a.args.length > 1) throw new QueryError(`unexpected number of args; got ${a.args.length}; want 0 or 1`);
    const ts = getTimestamps(a.ec);
    const vs = new Float64Array(ts.length);
    for (let i = 0; i < vs.length; i++) vs[i] = Math.random();
    return [{ name: "", tags: new Map(), values: vs, timestamps: ts }];
  },
};

function randFn(a: Arg, f: () => number): Timeseries[] {
  if (a.args.length > 1) throw new QueryError(`unexpected number of args; got ${a.args.length}; want 0 or 1`);
  const rv = evalNumber(a.ec, 0);
  const vs = rv[0]!.values;
  for (let i = 0; i < vs.length; i++) vs[i] = f();
  return rv;
}

function rangeOf(a: Arg, step: (prev: number, v: number, idx: number) => number): Timeseries[] {
  expectArgs(a, 1);
  const rvs = running(a.args[0]!, step);
  setLastValues(rvs);
  return rvs;
}

function labelMatch(a: Arg, want: boolean): Timeseries[] {
  expectArgs(a, 3);
  const label = getString(a.args[1]!, 1);
  const re = compileAnchored(getString(a.args[2]!, 2));
  return a.args[0]!.filter((ts) => re.matches(getTag(ts, label)) === want);
}

function sortByLabel(a: Arg, desc: boolean): Timeseries[] {
  if (a.args.length < 2) throw new QueryError(`expecting at least 2 args; got ${a.args.length} args`);
  const labels = stringArgs(a, 1);
  // Array.prototype.sort is stable, as Go's sort.SliceStable.
  return a.args[0]!.sort((x, y) => {
    for (const l of labels) {
      const u = getTag(x, l), w = getTag(y, l);
      if (u === w) continue;
      return (desc ? w < u : u < w) ? -1 : 1;
    }
    return 0;
  });
}

function sortByLabelNumeric(a: Arg, desc: boolean): Timeseries[] {
  if (a.args.length < 2) throw new QueryError(`expecting at least 2 args; got ${a.args.length} args`);
  const labels = stringArgs(a, 1);
  return a.args[0]!.sort((x, y) => {
    for (const l of labels) {
      const u = getTag(x, l), w = getTag(y, l);
      if (u === w) continue;
      return (desc ? numericLess(w, u) : numericLess(u, w)) ? -1 : 1;
    }
    return 0;
  });
}

function intArg(arg: Timeseries[], argNum: number): number {
  const v = getScalar(arg, argNum);
  if (v.length === 0) throw new QueryError(`arg #${argNum + 1} must contain a number`);
  return Math.trunc(v[0]!);
}

function bitmapFn(f: (x: bigint, y: bigint) => bigint): TransformFn {
  const toU64 = (v: number): bigint => (Number.isFinite(v) ? BigInt.asUintN(64, BigInt(Math.trunc(v))) : 0x8000000000000000n);
  return (a) => {
    expectArgs(a, 2);
    const ns = getScalar(a.args[1]!, 1);
    return doTransformValues(a, a.args[0]!, (vs) => {
      for (let i = 0; i < vs.length; i++) vs[i] = Number(f(toU64(vs[i]!), toU64(ns[i]!)));
    });
  };
}

// parseGoFloat parses a label value as strconv.ParseFloat would; NaN when it is not a number.
function parseGoFloat(s: string): number {
  const l = s.toLowerCase();
  if (l === "inf" || l === "+inf" || l === "infinity" || l === "+infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  if (l === "nan") return NaN;
  if (!/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(e[+-]?\d+)?$/i.test(s)) return NaN;
  return Number(s.replace(/_/g, ""));
}

function labelCopy(a: Arg, move: boolean): Timeseries[] {
  needArgs(a, 1);
  const pairs = stringPairs(a, 1);
  for (const ts of a.args[0]!) {
    for (const [src, dst] of pairs) {
      const v = getTag(ts, src);
      if (v === "") continue;
      if (move) setTag(ts, src, "");
      setTag(ts, dst, v);
    }
  }
  return a.args[0]!;
}

function labelCase(a: Arg, f: (s: string) => string): Timeseries[] {
  needArgs(a, 1);
  const names = stringArgs(a, 1);
  for (const ts of a.args[0]!) for (const n of names) setTag(ts, n, f(getTag(ts, n)));
  return a.args[0]!;
}

/** transformFuncNames lists the transform functions the evaluator implements. */
export const transformFuncNames: readonly string[] = Object.keys(transformFuncs).sort();

/** evalTransformFunc evaluates the transform call fe, its arguments with evalFn. */
export async function evalTransformFunc(ec: EvalConfig, fe: FuncExpr, evalFn: EvalFn): Promise<Timeseries[]> {
  const name = fe.name === "" ? "union" : fe.name.toLowerCase();
  const tf = Object.hasOwn(transformFuncs, name) ? transformFuncs[name] : undefined;
  if (tf === undefined) throw new QueryError(`unknown func ${JSON.stringify(fe.name)}`);
  const args: Timeseries[][] = [];
  for (const e of fe.args) args.push(await evalFn(ec, e));
  try {
    return tf({ ec, fe, args });
  } catch (e) {
    if (e instanceof QueryError) throw new QueryError(`cannot evaluate ${JSON.stringify(printExpr(fe))}: ${e.message}`);
    throw e;
  }
}
