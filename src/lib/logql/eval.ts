// Evaluating LogQL metric queries on top of LogsQL: each range aggregation
// becomes one LogsQL `stats` query that counts rows (and sums bytes and
// unwrapped values) per stream in time buckets of G = gcd(step, range),
// aligned so that every evaluation window [t-offset-range, t-offset) is a
// whole number of buckets; windows are then summed from the buckets. Vector
// aggregations and binary operators run here on the resulting series.

import type { AggOp, BinaryExpr, MetricExpr, RangeAggregation, VectorAggregation } from "./ast.ts";
import { LogQLParseError } from "./lexer.ts";
import { logQueryToLogsQL, quoteField } from "./to_logsql.ts";

/** Rows is a column-oriented table of strings, as LogsQL queries return them. */
export interface Rows {
  rowsCount: number;
  columns: readonly { name: string; values: readonly string[] }[];
}

/**
 * StatsRunner runs a LogsQL query over [minNs, maxNs] and returns every
 * result row. The evaluator only sends `stats` queries, so results are small.
 */
export type StatsRunner = (logsql: string, minNs: bigint, maxNs: bigint) => Promise<Rows[]>;

/** Series is one labelled series: values at `timestamps` (ms), NaN-free. */
export interface Series {
  labels: Record<string, string>;
  timestamps: number[];
  values: number[];
}

/** EvalRange is the time grid: start, end and step in milliseconds (step > 0; start == end for instant queries). */
export interface EvalRange {
  start: number;
  end: number;
  step: number;
}

/** EvalResult is a vector of series or a scalar (a number literal alone). */
export type EvalResult = { kind: "vector"; series: Series[] } | { kind: "scalar"; value: number };

/** maxBucketsPerQuery bounds the buckets one range aggregation asks for per stream. */
const maxBucketsPerQuery = 100_000;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/** parseStreamLabels parses VictoriaLogs' canonical `{a="b",c="d"}` into labels. */
export function parseStreamLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = s.startsWith("{") ? 1 : 0;
  while (i < s.length && s[i] !== "}") {
    const eq = s.indexOf("=", i);
    if (eq < 0) break;
    const name = s.slice(i, eq).trim();
    if (s[eq + 1] !== '"') break;
    let j = eq + 2;
    while (j < s.length && s[j] !== '"') j += s[j] === "\\" ? 2 : 1;
    try {
      out[name] = JSON.parse(s.slice(eq + 1, j + 1)) as string;
    } catch {
      out[name] = s.slice(eq + 2, j);
    }
    i = j + 1;
    if (s[i] === ",") i++;
  }
  return out;
}

/** parseRFC3339Ms parses an RFC3339 timestamp with up to nanosecond digits into milliseconds. */
export function parseRFC3339Ms(s: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (m === null) return NaN;
  const base = Date.parse(m[1]! + (m[3] === "Z" ? "Z" : m[3]!));
  const frac = m[2] === undefined ? 0 : Number(("0." + m[2]).slice(0, 12)) * 1000;
  return base + frac;
}

function column(rows: Rows, name: string): readonly string[] | undefined {
  return rows.columns.find((c) => c.name === name)?.values;
}

/** groupFieldsOf returns the extra label names an enclosing aggregation groups by. */
function groupFieldsOf(grouping: VectorAggregation["grouping"]): string[] {
  return grouping === undefined || grouping.without ? [] : grouping.labels;
}

async function evalRange(e: RangeAggregation, r: EvalRange, run: StatsRunner, extraFields: readonly string[]): Promise<Series[]> {
  const W = Math.round(e.rangeMs);
  if (W < 1) throw new LogQLParseError("the range must be at least 1ms", 0);
  const G = r.start === r.end ? W : gcd(W, Math.round(r.step));
  const from = r.start - e.offsetMs - W; // window of the first step: [from, from+W)
  const to = r.end - e.offsetMs; // last window ends here (exclusive)
  const nBuckets = Math.ceil((to - from) / G);
  if (nBuckets > maxBucketsPerQuery) {
    throw new LogQLParseError(`the query needs ${nBuckets} time buckets per stream (range ${W}ms, step ${r.step}ms); make the step a multiple of a larger part of the range`, 0);
  }
  const off = mod(from, G);
  const fields = ["_stream", ...extraFields.filter((f) => f !== "_stream")];
  const u = e.unwrap === undefined ? "" : quoteField(e.unwrap);
  const funcs = ["count() as c", "sum_len(_msg) as b"];
  if (u !== "") funcs.push(`sum(${u}) as s`, `min(${u}) as mn`, `max(${u}) as mx`, `count(${u}) as cu`);
  const by = [...fields.map(quoteField), `_time:${G}ms${off !== 0 ? ` offset ${off}ms` : ""}`].join(", ");
  const q = `${logQueryToLogsQL(e.query)} | stats by (${by}) ${funcs.join(", ")}`;
  const minNs = BigInt(from) * 1_000_000n;
  const maxNs = BigInt(to) * 1_000_000n - 1n;
  const batches = await run(q, minNs, maxNs);

  // Per series: bucket arrays indexed by (bucketStart - from) / G.
  interface Acc { labels: Record<string, string>; c: Float64Array; b: Float64Array; s?: Float64Array; mn?: Float64Array; mx?: Float64Array; cu?: Float64Array }
  const bySeries = new Map<string, Acc>();
  for (const rows of batches) {
    const times = column(rows, "_time");
    if (times === undefined) throw new Error("BUG: the stats query returned no _time column");
    const cols = fields.map((f) => column(rows, f) ?? []);
    const cc = column(rows, "c") ?? [];
    const bc = column(rows, "b") ?? [];
    const sc = column(rows, "s");
    const mnc = column(rows, "mn");
    const mxc = column(rows, "mx");
    const cuc = column(rows, "cu");
    for (let i = 0; i < rows.rowsCount; i++) {
      const t = parseRFC3339Ms(times[i]!);
      const k = Math.round((t - from) / G);
      if (!(k >= 0 && k < nBuckets)) continue;
      const key = cols.map((c) => c[i] ?? "").join("\x00");
      let acc = bySeries.get(key);
      if (acc === undefined) {
        const labels = parseStreamLabels(cols[0]![i] ?? "");
        for (let f = 1; f < fields.length; f++) {
          const v = cols[f]![i] ?? "";
          if (v !== "") labels[fields[f]!] = v;
        }
        acc = { labels, c: new Float64Array(nBuckets), b: new Float64Array(nBuckets) };
        if (u !== "") {
          acc.s = new Float64Array(nBuckets);
          acc.mn = new Float64Array(nBuckets).fill(Infinity);
          acc.mx = new Float64Array(nBuckets).fill(-Infinity);
          acc.cu = new Float64Array(nBuckets);
        }
        bySeries.set(key, acc);
      }
      acc.c[k]! += Number(cc[i]);
      acc.b[k]! += Number(bc[i]);
      if (u !== "") {
        const n = Number(cuc?.[i]);
        if (n > 0) {
          acc.s![k]! += Number(sc?.[i]);
          acc.mn![k] = Math.min(acc.mn![k]!, Number(mnc?.[i]));
          acc.mx![k] = Math.max(acc.mx![k]!, Number(mxc?.[i]));
          acc.cu![k]! += n;
        }
      }
    }
  }

  const perWindow = W / G;
  const secs = W / 1000;
  const out: Series[] = [];
  for (const acc of bySeries.values()) {
    const s: Series = { labels: acc.labels, timestamps: [], values: [] };
    for (let t = r.start; t <= r.end; t += r.step) {
      const k0 = Math.round((t - e.offsetMs - W - from) / G);
      let c = 0, b = 0, sum = 0, mn = Infinity, mx = -Infinity, cu = 0;
      for (let k = k0; k < k0 + perWindow; k++) {
        c += acc.c[k] ?? 0;
        b += acc.b[k] ?? 0;
        if (u !== "") {
          sum += acc.s![k] ?? 0;
          mn = Math.min(mn, acc.mn![k] ?? Infinity);
          mx = Math.max(mx, acc.mx![k] ?? -Infinity);
          cu += acc.cu![k] ?? 0;
        }
      }
      if (c === 0) continue;
      let v: number;
      switch (e.fn) {
        case "count_over_time": v = c; break;
        case "rate": v = u === "" ? c / secs : sum / secs; break;
        case "bytes_over_time": v = b; break;
        case "bytes_rate": v = b / secs; break;
        case "sum_over_time": v = sum; break;
        case "avg_over_time": v = cu === 0 ? NaN : sum / cu; break;
        case "min_over_time": v = mn; break;
        case "max_over_time": v = mx; break;
      }
      if (u !== "" && (cu === 0 || !Number.isFinite(v))) continue;
      s.timestamps.push(t);
      s.values.push(v);
    }
    if (s.timestamps.length > 0) out.push(s);
  }
  return out;
}

function labelsKey(l: Record<string, string>): string {
  return JSON.stringify(Object.keys(l).sort().map((k) => [k, l[k]]));
}

function groupLabels(l: Record<string, string>, g: VectorAggregation["grouping"]): Record<string, string> {
  if (g === undefined) return {};
  const out: Record<string, string> = {};
  if (g.without) {
    for (const [k, v] of Object.entries(l)) if (!g.labels.includes(k)) out[k] = v;
  } else {
    for (const k of g.labels) if (l[k] !== undefined && l[k] !== "") out[k] = l[k]!;
  }
  return out;
}

function aggregate(op: AggOp, xs: number[]): number {
  switch (op) {
    case "sum": return xs.reduce((a, b) => a + b, 0);
    case "avg": return xs.reduce((a, b) => a + b, 0) / xs.length;
    case "min": return Math.min(...xs);
    case "max": return Math.max(...xs);
    case "count": return xs.length;
    case "stddev":
    case "stdvar": {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / xs.length;
      return op === "stddev" ? Math.sqrt(v) : v;
    }
    default:
      throw new Error(`BUG: aggregate ${op}`);
  }
}

async function evalAgg(e: VectorAggregation, r: EvalRange, run: StatsRunner): Promise<Series[]> {
  const inner = await evalExpr(e.expr, r, run, groupFieldsOf(e.grouping));
  if (inner.kind === "scalar") throw new LogQLParseError(`${e.op} needs a vector argument; got a scalar`, 0);
  const steps: number[] = [];
  for (let t = r.start; t <= r.end; t += r.step) steps.push(t);
  // Per step: the points of every input series at that step.
  const idx = new Map<number, number>(steps.map((t, i) => [t, i]));
  if (e.op === "topk" || e.op === "bottomk") {
    const k = e.param!;
    const keep = inner.series.map((s) => ({ s, ts: [] as number[], vs: [] as number[] }));
    for (let si = 0; si < steps.length; si++) {
      const groups = new Map<string, { i: number; v: number }[]>();
      inner.series.forEach((s, i) => {
        const p = s.timestamps.indexOf(steps[si]!);
        if (p < 0) return;
        const key = labelsKey(groupLabels(s.labels, e.grouping));
        let g = groups.get(key);
        if (g === undefined) groups.set(key, (g = []));
        g.push({ i, v: s.values[p]! });
      });
      for (const g of groups.values()) {
        g.sort((a, b) => (e.op === "topk" ? b.v - a.v : a.v - b.v));
        for (const { i, v } of g.slice(0, k)) {
          keep[i]!.ts.push(steps[si]!);
          keep[i]!.vs.push(v);
        }
      }
    }
    return keep.filter((x) => x.ts.length > 0).map((x) => ({ labels: x.s.labels, timestamps: x.ts, values: x.vs }));
  }
  const groups = new Map<string, { labels: Record<string, string>; points: number[][] }>();
  for (const s of inner.series) {
    const labels = groupLabels(s.labels, e.grouping);
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { labels, points: steps.map(() => []) }));
    for (let p = 0; p < s.timestamps.length; p++) {
      const si = idx.get(s.timestamps[p]!);
      if (si !== undefined) g.points[si]!.push(s.values[p]!);
    }
  }
  const out: Series[] = [];
  for (const g of groups.values()) {
    const s: Series = { labels: g.labels, timestamps: [], values: [] };
    g.points.forEach((xs, si) => {
      if (xs.length === 0) return;
      s.timestamps.push(steps[si]!);
      s.values.push(aggregate(e.op, xs));
    });
    if (s.timestamps.length > 0) out.push(s);
  }
  return out;
}

function applyOp(op: BinaryExpr["op"], a: number, b: number): number {
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return a / b;
    case "%": return a % b;
    case "^": return Math.pow(a, b);
    case "==": return a === b ? 1 : 0;
    case "!=": return a !== b ? 1 : 0;
    case ">": return a > b ? 1 : 0;
    case ">=": return a >= b ? 1 : 0;
    case "<": return a < b ? 1 : 0;
    case "<=": return a <= b ? 1 : 0;
  }
}

const COMPARISONS = new Set(["==", "!=", ">", ">=", "<", "<="]);

async function evalBinary(e: BinaryExpr, r: EvalRange, run: StatsRunner): Promise<EvalResult> {
  const [l, rr] = await Promise.all([evalExpr(e.left, r, run, []), evalExpr(e.right, r, run, [])]);
  const cmp = COMPARISONS.has(e.op);
  if (l.kind === "scalar" && rr.kind === "scalar") {
    if (cmp && !e.bool) throw new LogQLParseError("comparisons between scalars need the bool modifier", 0);
    return { kind: "scalar", value: applyOp(e.op, l.value, rr.value) };
  }
  const combine = (a: number, b: number, keepValue: number): number | undefined => {
    const v = applyOp(e.op, a, b);
    if (!cmp) return v;
    if (e.bool) return v;
    return v === 1 ? keepValue : undefined;
  };
  if (l.kind === "scalar" || rr.kind === "scalar") {
    const vec = (l.kind === "vector" ? l : rr) as { kind: "vector"; series: Series[] };
    const scalar = l.kind === "scalar" ? l.value : (rr as { value: number }).value;
    const out: Series[] = [];
    for (const s of vec.series) {
      const n: Series = { labels: s.labels, timestamps: [], values: [] };
      s.values.forEach((v, i) => {
        const x = l.kind === "scalar" ? combine(scalar, v, v) : combine(v, scalar, v);
        if (x === undefined || Number.isNaN(x)) return;
        n.timestamps.push(s.timestamps[i]!);
        n.values.push(x);
      });
      if (n.timestamps.length > 0) out.push(n);
    }
    return { kind: "vector", series: out };
  }
  // Vector with vector: one-to-one on identical label sets.
  const right = new Map<string, Series>();
  for (const s of rr.series) right.set(labelsKey(s.labels), s);
  const out: Series[] = [];
  for (const s of l.series) {
    const o = right.get(labelsKey(s.labels));
    if (o === undefined) continue;
    const n: Series = { labels: s.labels, timestamps: [], values: [] };
    s.timestamps.forEach((t, i) => {
      const j = o.timestamps.indexOf(t);
      if (j < 0) return;
      const x = combine(s.values[i]!, o.values[j]!, s.values[i]!);
      if (x === undefined || Number.isNaN(x)) return;
      n.timestamps.push(t);
      n.values.push(x);
    });
    if (n.timestamps.length > 0) out.push(n);
  }
  return { kind: "vector", series: out };
}

async function evalExpr(e: MetricExpr, r: EvalRange, run: StatsRunner, extraFields: readonly string[]): Promise<EvalResult> {
  switch (e.kind) {
    case "number":
      return { kind: "scalar", value: e.value };
    case "vector": {
      const ts: number[] = [];
      for (let t = r.start; t <= r.end; t += r.step) ts.push(t);
      return { kind: "vector", series: [{ labels: {}, timestamps: ts, values: ts.map(() => e.value) }] };
    }
    case "range":
      return { kind: "vector", series: await evalRange(e, r, run, extraFields) };
    case "agg":
      return { kind: "vector", series: await evalAgg(e, r, run) };
    case "binary":
      return evalBinary(e, r, run);
  }
}

/** evalMetric evaluates a LogQL metric expression on the grid r. */
export async function evalMetric(e: MetricExpr, r: EvalRange, run: StatsRunner): Promise<EvalResult> {
  if (!(r.step > 0) || r.end < r.start) throw new LogQLParseError(`invalid time range: start=${r.start}, end=${r.end}, step=${r.step}`, 0);
  return evalExpr(e, r, run, []);
}
