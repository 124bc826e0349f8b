// Transforms over the whole range of a series (range_*, running_*,
// smooth_exponential, remove_resets) with VictoriaMetrics 1.79.5 semantics:
// running_* carry the last value over NaN points once the series started;
// range_* put the last running value at every non-NaN point.

import type { Timeseries } from "./timeseries.ts";

type Step = (prev: number, v: number, idx: number) => number;

/** runningSteps are the accumulators of running_* and range_*; idx counts points since the first non-NaN one. */
export const runningSteps: Record<"sum" | "max" | "min" | "avg", Step> = {
  sum: (a, b) => a + b,
  max: (a, b) => (a > b ? a : b),
  min: (a, b) => (a < b ? a : b),
  avg: (a, b, idx) => a + (b - a) / (idx + 1),
};

function firstNonNaN(vs: Float64Array): number {
  let i = 0;
  while (i < vs.length && vs[i] !== vs[i]) i++;
  return i;
}

/** running applies step cumulatively to every series (dropping metric names). */
export function running(tss: Timeseries[], step: Step): Timeseries[] {
  for (const ts of tss) {
    ts.name = "";
    const vs = ts.values;
    const start = firstNonNaN(vs);
    if (start >= vs.length) continue;
    let prev = vs[start]!;
    for (let i = start + 1; i < vs.length; i++) {
      const v = vs[i]!;
      if (v === v) prev = step(prev, v, i - start);
      vs[i] = prev;
    }
  }
  return tss;
}

/** setLastValues puts the last non-NaN value at every non-NaN point. */
export function setLastValues(tss: Timeseries[]): void {
  for (const ts of tss) {
    const vs = ts.values;
    let end = vs.length;
    while (end > 0 && vs[end - 1] !== vs[end - 1]) end--;
    if (end === 0) continue;
    const last = vs[end - 1]!;
    for (let i = 0; i < end; i++) if (vs[i] === vs[i]) vs[i] = last;
  }
}

/** rangeFirst puts the first non-NaN value at every non-NaN point. */
export function rangeFirst(tss: Timeseries[]): Timeseries[] {
  for (const ts of tss) {
    const vs = ts.values;
    const start = firstNonNaN(vs);
    if (start >= vs.length) continue;
    const first = vs[start]!;
    for (let i = start; i < vs.length; i++) if (vs[i] === vs[i]) vs[i] = first;
  }
  return tss;
}

/** rangeQuantile puts the phi-quantile of each series' values at its non-NaN points. */
export function rangeQuantile(tss: Timeseries[], phi: number, quantile: (phi: number, sorted: number[]) => number): Timeseries[] {
  for (const ts of tss) {
    const vs = ts.values;
    const vals: number[] = [];
    let lastIdx = -1;
    for (let i = 0; i < vs.length; i++) {
      if (vs[i] !== vs[i]) continue;
      vals.push(vs[i]!);
      lastIdx = i;
    }
    if (lastIdx >= 0) {
      vals.sort((a, b) => a - b);
      vs[lastIdx] = quantile(phi, vals);
    }
  }
  setLastValues(tss);
  return tss;
}

/** removeResets turns counter resets into continued growth (a drop under 1/8 of the previous value counts as the drop only). */
export function removeResets(tss: Timeseries[]): Timeseries[] {
  for (const ts of tss) {
    const vs = ts.values;
    const start = firstNonNaN(vs);
    if (start >= vs.length) continue;
    let correction = 0;
    let prev = vs[start]!;
    for (let i = start; i < vs.length; i++) {
      const v = vs[i]!;
      if (v !== v) continue;
      const d = v - prev;
      if (d < 0) correction += -d * 8 < prev ? prev - v : prev;
      prev = v;
      vs[i] = v + correction;
    }
  }
  return tss;
}

/** smoothExponential applies exponential smoothing with factor sfs[i] (clamped to [0, 1], NaN meaning 1); infinities repeat the average. */
export function smoothExponential(tss: Timeseries[], sfs: Float64Array): Timeseries[] {
  for (const ts of tss) {
    const vs = ts.values;
    let start = firstNonNaN(vs);
    // Skip leading infinities too (unless there is nothing else).
    for (let i = start; i < vs.length; i++) {
      if (vs[i] !== Infinity && vs[i] !== -Infinity) {
        start = i;
        break;
      }
    }
    if (start >= vs.length) continue;
    let avg = vs[start]!;
    for (let i = start + 1; i < vs.length; i++) {
      const v = vs[i]!;
      if (v !== v) continue;
      if (v === Infinity || v === -Infinity) {
        vs[i] = avg;
        continue;
      }
      let sf = sfs[i]!;
      if (sf !== sf) sf = 1;
      if (sf < 0) sf = 0;
      if (sf > 1) sf = 1;
      avg = avg * (1 - sf) + v * sf;
      vs[i] = avg;
    }
  }
  return tss;
}

// The functions below are in the current MetricsQL docs but not in
// VictoriaMetrics 1.79.5 (range_stddev, range_zscore, range_trim_*, ...).

function sortedNoNaNs(vs: Float64Array): number[] {
  const a: number[] = [];
  for (const v of vs) if (v === v) a.push(v);
  return a.sort((x, y) => x - y);
}

/** stdvarOf is the population variance of the non-NaN values (NaN without any; 0 for a single value). */
export function stdvarOf(vs: Float64Array): number {
  if (vs.length === 0) return NaN;
  if (vs.length === 1) return 0;
  let avg = 0, count = 0, q = 0;
  for (const v of vs) {
    if (v !== v) continue;
    count++;
    const avgNew = avg + (v - avg) / count;
    q += (v - avg) * (v - avgNew);
    avg = avgNew;
  }
  return count === 0 ? NaN : q / count;
}

/** meanOf is the mean of the non-NaN values. */
export function meanOf(vs: Float64Array): number {
  let s = 0, n = 0;
  for (const v of vs) if (v === v) { s += v; n++; }
  return s / n;
}

/** madOf is the median absolute deviation of the non-NaN values from their median. */
export function madOf(vs: Float64Array, quantile: (phi: number, sorted: number[]) => number): number {
  const median = quantile(0.5, sortedNoNaNs(vs));
  const ds = new Float64Array(vs.length);
  for (let i = 0; i < vs.length; i++) ds[i] = Math.abs(vs[i]! - median);
  return quantile(0.5, sortedNoNaNs(ds));
}

/** fillAll sets every value of each series to f(values). */
export function fillAll(tss: Timeseries[], f: (vs: Float64Array) => number): Timeseries[] {
  for (const ts of tss) ts.values.fill(f(ts.values));
  return tss;
}

/** rangeLinearRegression replaces each series with its least-squares line over the range. */
export function rangeLinearRegression(tss: Timeseries[]): Timeseries[] {
  for (const ts of tss) {
    const vs = ts.values;
    const t = ts.timestamps;
    if (t.length === 0) continue;
    const t0 = t[0]!;
    let v = NaN, k = NaN;
    if (vs.every((x) => x === vs[0])) {
      v = vs[0]!;
      k = 0;
    } else {
      let vSum = 0, tSum = 0, tvSum = 0, ttSum = 0, n = 0;
      for (let i = 0; i < vs.length; i++) {
        const x = vs[i]!;
        if (x !== x) continue;
        const dt = (t[i]! - t0) / 1e3;
        vSum += x;
        tSum += dt;
        tvSum += dt * x;
        ttSum += dt * dt;
        n++;
      }
      if (n > 0) {
        k = 0;
        const tDiff = ttSum - (tSum * tSum) / n;
        if (Math.abs(tDiff) >= 1e-6) k = (tvSum - (tSum * vSum) / n) / tDiff;
        v = vSum / n - (k * tSum) / n;
      }
    }
    for (let i = 0; i < vs.length; i++) vs[i] = v + (k * (t[i]! - t0)) / 1e3;
  }
  return tss;
}

/** rangeNormalize scales each series of every argument to [0, 1]; series without a finite range are dropped. */
export function rangeNormalize(args: Timeseries[][]): Timeseries[] {
  const rvs: Timeseries[] = [];
  for (const tss of args) {
    for (const ts of tss) {
      let lo = Infinity, hi = -Infinity;
      for (const v of ts.values) {
        if (v !== v) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const d = hi - lo;
      if (d === Infinity || d === -Infinity) continue;
      for (let i = 0; i < ts.values.length; i++) ts.values[i] = (ts.values[i]! - lo) / d;
      rvs.push(ts);
    }
  }
  return rvs;
}

/** rangeTrimSpikes drops the phi/2 smallest and biggest values of each series. */
export function rangeTrimSpikes(tss: Timeseries[], phi: number, quantile: (phi: number, sorted: number[]) => number): Timeseries[] {
  phi /= 2;
  for (const ts of tss) {
    const sorted = sortedNoNaNs(ts.values);
    const vMax = quantile(1 - phi, sorted);
    const vMin = quantile(phi, sorted);
    const vs = ts.values;
    for (let i = 0; i < vs.length; i++) if (vs[i]! > vMax || vs[i]! < vMin) vs[i] = NaN;
  }
  return tss;
}

/** numericLess compares label values as numbers where both have a number at the same place (natural sort). */
export function numericLess(a: string, b: string): boolean {
  for (;;) {
    if (b.length === 0) return false;
    if (a.length === 0) return true;
    const ap = numPrefix(a);
    const bp = numPrefix(b);
    a = a.slice(ap.length);
    b = b.slice(bp.length);
    if (ap.length > 0 || bp.length > 0) {
      if (ap.length === 0) return false;
      if (bp.length === 0) return true;
      const x = Number(ap), y = Number(bp);
      if (x !== y) return x < y;
    }
    const an = nonNumPrefix(a);
    const bn = nonNumPrefix(b);
    a = a.slice(an.length);
    b = b.slice(bn.length);
    if (an !== bn) return an < bn;
  }
}

function numPrefix(s: string): string {
  let i = 0;
  if (s[0] === "-" || s[0] === "+") i++;
  let hasNum = false;
  let hasDot = false;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c >= "0" && c <= "9") {
      hasNum = true;
      continue;
    }
    if (!hasDot && c === ".") {
      hasDot = true;
      continue;
    }
    return hasNum ? s.slice(0, i) : "";
  }
  return hasNum ? s : "";
}

function nonNumPrefix(s: string): string {
  for (let i = 0; i < s.length; i++) if (s[i]! >= "0" && s[i]! <= "9") return s.slice(0, i);
  return s;
}
