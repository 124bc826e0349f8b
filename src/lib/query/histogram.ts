// Histogram transforms (histogram_quantile(s), histogram_share,
// histogram_avg/stddev/stdvar, prometheus_buckets, buckets_limit) over
// Prometheus `le` buckets and VictoriaMetrics `vmrange` buckets, as
// VictoriaMetrics 1.79.5 computes them (app/vmselect/promql/transform.go):
// vmrange buckets become cumulative `le` buckets, buckets with the same `le`
// are summed, broken (decreasing or NaN) buckets are repaired per point, and
// values are interpolated linearly inside their bucket.

import { copyTimeseries, metricKey, setTag, tagsKey, type Timeseries } from "./timeseries.ts";

/** parseBound parses a bucket bound as Go's strconv.ParseFloat does for the values seen in labels (Inf spelled any way); NaN if invalid. */
export function parseBound(s: string): number {
  const t = s.trim();
  if (t !== s || s === "") return NaN;
  const l = s.toLowerCase();
  if (l === "inf" || l === "+inf" || l === "infinity" || l === "+infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) && !/^[+-]?0x[0-9a-f]+$/i.test(s)) return NaN;
  return Number(s);
}

interface LeSeries {
  le: number;
  ts: Timeseries;
}

interface VmrangeBucket {
  startStr: string;
  endStr: string;
  start: number;
  end: number;
  ts: Timeseries;
}

/** vmrangeBucketsToLE turns `vmrange` buckets into cumulative `le` buckets; `le` buckets pass; other series are dropped. */
export function vmrangeBucketsToLE(tss: Timeseries[]): Timeseries[] {
  const rvs: Timeseries[] = [];
  const groups = new Map<string, VmrangeBucket[]>();
  for (const ts of tss) {
    const vmrange = ts.tags.get("vmrange") ?? "";
    if (vmrange === "") {
      if ((ts.tags.get("le") ?? "") !== "") rvs.push(ts);
      continue;
    }
    const n = vmrange.indexOf("...");
    if (n < 0) continue;
    const startStr = vmrange.slice(0, n);
    const endStr = vmrange.slice(n + 3);
    const start = parseBound(startStr);
    const end = parseBound(endStr);
    if (start !== start || end !== end) continue;
    ts.tags.delete("le");
    ts.tags.delete("vmrange");
    const key = metricKey(ts);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push({ startStr, endStr, start, end, ts });
  }
  const copyTS = (src: Timeseries, le: string): Timeseries => {
    const c = copyTimeseries(src);
    c.values.fill(0);
    c.tags.set("le", le);
    return c;
  };
  const isZero = (ts: Timeseries) => ts.values.every((v) => !(v > 0));
  for (const xssOrig of groups.values()) {
    const xss = xssOrig.sort((a, b) => a.end - b.end);
    const out: VmrangeBucket[] = [];
    let prev: VmrangeBucket = { startStr: "", endStr: "", start: 0, end: 0, ts: xss[0]!.ts };
    const uniq = new Map<string, Timeseries>();
    for (const xs of xss) {
      if (isZero(xs.ts)) {
        prev = xs;
        continue;
      }
      if (xs.start !== prev.end && !uniq.has(xs.startStr)) {
        uniq.set(xs.startStr, xs.ts);
        out.push({ startStr: "", endStr: xs.startStr, start: 0, end: xs.start, ts: copyTS(xs.ts, xs.startStr) });
      }
      xs.ts.tags.set("le", xs.endStr);
      const prevTs = uniq.get(xs.endStr);
      if (prevTs !== undefined) {
        mergeNonOverlapping(prevTs, xs.ts);
      } else {
        out.push(xs);
        uniq.set(xs.endStr, xs.ts);
      }
      prev = xs;
    }
    if (prev.end !== Infinity) out.push({ startStr: "", endStr: "+Inf", start: 0, end: Infinity, ts: copyTS(prev.ts, "+Inf") });
    if (out.length === 0) continue;
    const n = out[0]!.ts.values.length;
    for (let i = 0; i < n; i++) {
      let count = 0;
      for (const xs of out) {
        const v = xs.ts.values[i]!;
        if (v === v && v > 0) count += v;
        xs.ts.values[i] = count;
      }
    }
    for (const xs of out) rvs.push(xs.ts);
  }
  return rvs;
}

function mergeNonOverlapping(dst: Timeseries, src: Timeseries): void {
  const s = src.values;
  const d = dst.values;
  let overlaps = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === s[i] && d[i] === d[i]) overlaps++;
  if (overlaps > 2 || (s.length <= 2 && d.length <= 2)) return;
  for (let i = 0; i < s.length; i++) if (s[i] === s[i]) d[i] = s[i]!;
}

function fixBrokenBuckets(i: number, xss: LeSeries[]): void {
  if (xss.length < 2) return;
  for (let j = xss.length - 1; j >= 0; j--) {
    const v = xss[j]!.ts.values[i]!;
    if (v === v) {
      for (j++; j < xss.length; j++) xss[j]!.ts.values[i] = v;
      break;
    }
  }
  let vNext = xss[xss.length - 1]!.ts.values[i]!;
  for (let j = xss.length - 2; j >= 0; j--) {
    const v = xss[j]!.ts.values[i]!;
    if (v !== v || v > vNext) xss[j]!.ts.values[i] = vNext;
    else vNext = v;
  }
}

function quantileAt(i: number, phi: number, xss: LeSeries[]): [number, number, number] {
  if (phi !== phi) return [NaN, NaN, NaN];
  fixBrokenBuckets(i, xss);
  const vLast = xss.length > 0 ? xss[xss.length - 1]!.ts.values[i]! : 0;
  if (vLast === 0) return [NaN, NaN, NaN];
  if (phi < 0) return [-Infinity, -Infinity, xss[0]!.ts.values[i]!];
  if (phi > 1) return [Infinity, vLast, Infinity];
  const vReq = vLast * phi;
  let vPrev = 0;
  let lePrev = 0;
  for (const xs of xss) {
    const v = xs.ts.values[i]!;
    const le = xs.le;
    if (v <= 0) {
      lePrev = le;
      continue;
    }
    if (v < vReq) {
      vPrev = v;
      lePrev = le;
      continue;
    }
    if (le === Infinity || le === -Infinity) break;
    if (v === vPrev) return [lePrev, lePrev, v];
    return [lePrev + ((le - lePrev) * (vReq - vPrev)) / (v - vPrev), lePrev, le];
  }
  let vv = NaN;
  for (let j = xss.length - 1; j >= 0; j--) {
    if (xss[j]!.le !== Infinity && xss[j]!.le !== -Infinity) {
      vv = xss[j]!.le;
      break;
    }
  }
  return [vv, vv, Infinity];
}

/** groupLeTimeseries groups `le` buckets by their other labels (dropping the metric name and `le`), unsorted. */
function groupLeTimeseries(tss: Timeseries[]): LeSeries[][] {
  const groups = new Map<string, LeSeries[]>();
  for (const ts of tss) {
    const leStr = ts.tags.get("le") ?? "";
    if (leStr === "") continue;
    const le = parseBound(leStr);
    if (le !== le) continue;
    ts.name = "";
    ts.tags.delete("le");
    const key = tagsKey(ts);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push({ le, ts });
  }
  return [...groups.values()];
}

function mergeSameLE(g: LeSeries[]): LeSeries[] {
  const xss: LeSeries[] = [g[0]!];
  for (let j = 1; j < g.length; j++) {
    const last = xss[xss.length - 1]!;
    if (g[j]!.le !== last.le) {
      xss.push(g[j]!);
      continue;
    }
    const d = last.ts.values;
    const s = g[j]!.ts.values;
    for (let k = 0; k < d.length; k++) d[k] = d[k]! + s[k]!;
  }
  return xss;
}

type BoundsFn = (i: number, xss: LeSeries[]) => [number, number, number];

// perGroupWithBounds computes f per point for every bucket group, adding
// boundsLabel="lower"/"upper" series when boundsLabel is set.
function perGroupWithBounds(input: Timeseries[], boundsLabel: string, f: BoundsFn): Timeseries[] {
  const rvs: Timeseries[] = [];
  for (const g of groupLeTimeseries(vmrangeBucketsToLE(input))) {
    g.sort((a, b) => a.le - b.le);
    const xss = mergeSameLE(g);
    const dst = xss[0]!.ts;
    const out = new Float64Array(dst.values.length);
    const lower = new Float64Array(out.length);
    const upper = new Float64Array(out.length);
    for (let i = 0; i < out.length; i++) [out[i], lower[i], upper[i]] = f(i, xss);
    const base = copyTimeseries(dst);
    dst.values = out;
    rvs.push(dst);
    if (boundsLabel !== "") {
      const lo = copyTimeseries(base);
      setTag(lo, boundsLabel, "lower");
      lo.values = lower;
      const up = copyTimeseries(base);
      setTag(up, boundsLabel, "upper");
      up.values = upper;
      rvs.push(lo, up);
    }
  }
  return rvs;
}

/**
 * histogramQuantile returns, per group of buckets (same labels but `le`), the
 * phis[i]-quantile at each point; with boundsLabel also the bucket bounds as
 * series tagged boundsLabel="lower" and "upper". The input series are modified.
 */
export function histogramQuantile(phis: Float64Array, input: Timeseries[], boundsLabel: string): Timeseries[] {
  return perGroupWithBounds(input, boundsLabel, (i, xss) => quantileAt(i, phis[i]!, xss));
}

/** histogramShare returns the share of observations at or below les[i] at each point (with bounds like histogramQuantile). */
export function histogramShare(les: Float64Array, input: Timeseries[], boundsLabel: string): Timeseries[] {
  return perGroupWithBounds(input, boundsLabel, (i, xss) => {
    const leReq = les[i]!;
    if (leReq !== leReq || xss.length === 0) return [NaN, NaN, NaN];
    fixBrokenBuckets(i, xss);
    if (leReq < 0) return [0, 0, 0];
    if (leReq === Infinity) return [1, 1, 1];
    let vPrev = 0;
    let lePrev = 0;
    for (const xs of xss) {
      const v = xs.ts.values[i]!;
      const le = xs.le;
      if (leReq >= le) {
        vPrev = v;
        lePrev = le;
        continue;
      }
      const vLast = xss[xss.length - 1]!.ts.values[i]!;
      const lower = vPrev / vLast;
      if (le === Infinity) return [lower, lower, 1];
      if (lePrev === leReq) return [lower, lower, lower];
      const upper = v / vLast;
      const q = lower + (((v - vPrev) / vLast) * (leReq - lePrev)) / (le - lePrev);
      return [q, lower, upper];
    }
    return [1, 1, 1];
  });
}

function momentsAt(i: number, xss: LeSeries[]): [number, number, number] {
  let lePrev = 0, vPrev = 0, sum = 0, sum2 = 0, weightTotal = 0;
  for (const xs of xss) {
    if (xs.le === Infinity || xs.le === -Infinity) continue;
    const le = xs.le;
    const n = (le + lePrev) / 2;
    const v = xs.ts.values[i]!;
    const weight = v - vPrev;
    sum += n * weight;
    sum2 += n * n * weight;
    weightTotal += weight;
    lePrev = le;
    vPrev = v;
  }
  return [sum, sum2, weightTotal];
}

/** histogramMoment returns per bucket group the average ("avg"), standard deviation ("stddev") or variance ("stdvar") of the observations, from bucket midpoints. */
export function histogramMoment(kind: "avg" | "stddev" | "stdvar", input: Timeseries[]): Timeseries[] {
  const rvs: Timeseries[] = [];
  for (const xss of groupLeTimeseries(vmrangeBucketsToLE(input))) {
    xss.sort((a, b) => a.le - b.le);
    const dst = xss[0]!.ts;
    const out = new Float64Array(dst.values.length);
    for (let i = 0; i < out.length; i++) {
      const [sum, sum2, w] = momentsAt(i, xss);
      if (w === 0) {
        out[i] = NaN;
        continue;
      }
      const avg = sum / w;
      if (kind === "avg") {
        out[i] = avg;
        continue;
      }
      let stdvar = sum2 / w - avg * avg;
      if (stdvar < 0) stdvar = 0;
      out[i] = kind === "stdvar" ? stdvar : Math.sqrt(stdvar);
    }
    dst.values = out;
    rvs.push(dst);
  }
  return rvs;
}

/** bucketsLimit keeps at most limit (at least 3) buckets per histogram, merging the neighbouring buckets with the fewest hits. */
export function bucketsLimit(limits: Float64Array, input: Timeseries[]): Timeseries[] {
  let limit = limits.length > 0 ? Math.trunc(limits[0]!) : 0;
  if (!(limit > 0)) return [];
  if (limit < 3) limit = 3;
  const tss = vmrangeBucketsToLE(input);
  const groups = new Map<string, Array<{ le: number; hits: number; ts: Timeseries }>>();
  for (const ts of tss) {
    const leStr = ts.tags.get("le") ?? "";
    if (leStr === "") continue;
    const le = parseBound(leStr);
    if (le !== le) continue;
    const c = copyTimeseries(ts);
    c.tags.delete("le");
    const key = metricKey(c);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push({ le, hits: 0, ts });
  }
  const rvs: Timeseries[] = [];
  for (let g of groups.values()) {
    if (g.length <= limit) {
      for (const x of g) rvs.push(x.ts);
      continue;
    }
    g.sort((a, b) => a.le - b.le);
    for (let n = 0; n < limits.length; n++) {
      let prev = 0;
      for (const x of g) {
        const v = x.ts.values[n]!;
        x.hits += v - prev;
        prev = v;
      }
    }
    while (g.length > limit) {
      let minIdx = 1;
      let minHits = g[1]!.hits + g[2]!.hits;
      for (let i = 0; i < g.length - 3; i++) {
        const h = g[i + 1]!.hits + g[i + 2]!.hits;
        if (h < minHits) {
          minIdx = i + 1;
          minHits = h;
        }
      }
      g[minIdx + 1]!.hits += g[minIdx]!.hits;
      g = [...g.slice(0, minIdx), ...g.slice(minIdx + 1)];
    }
    for (const x of g) rvs.push(x.ts);
  }
  return rvs;
}
