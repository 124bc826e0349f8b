// The per-window rollup functions. Each computes one output value from a
// RollupWindow, with VictoriaMetrics 1.79.5's rules for empty windows and for
// the sample before the window (prevValue); the comments say where a rule is
// not the obvious one. Values are NaN-free except for default_rollup and
// stale_samples_over_time, which see staleness markers.

import type { RollupFn, RollupWindow } from "./rollup_window.ts";
import { SortScratch, madSorted, modeSorted, quantileSorted } from "./rollup_quantile.ts";

/** ScalarArg returns a scalar argument's value at output point idx. */
export type ScalarArg = (idx: number) => number;

/** rollupMin is min_over_time: the smallest sample; NaN for an empty window. */
export const rollupMin: RollupFn = (w) => {
  const { values, i, j } = w;
  if (i >= j) return NaN;
  let m = values[i]!;
  for (let k = i + 1; k < j; k++) if (values[k]! < m) m = values[k]!;
  return m;
};

/** rollupMax is max_over_time: the largest sample; NaN for an empty window. */
export const rollupMax: RollupFn = (w) => {
  const { values, i, j } = w;
  if (i >= j) return NaN;
  let m = values[i]!;
  for (let k = i + 1; k < j; k++) if (values[k]! > m) m = values[k]!;
  return m;
};

function sum(values: Float64Array, i: number, j: number): number {
  let s = 0;
  for (let k = i; k < j; k++) s += values[k]!;
  return s;
}

/** rollupSum is sum_over_time; NaN for an empty window. */
export const rollupSum: RollupFn = (w) => (w.i >= w.j ? NaN : sum(w.values, w.i, w.j));

/** rollupAvg is avg_over_time; NaN for an empty window. */
export const rollupAvg: RollupFn = (w) => (w.i >= w.j ? NaN : sum(w.values, w.i, w.j) / (w.j - w.i));

/** rollupRange is range_over_time: max minus min. */
export const rollupRange: RollupFn = (w) => rollupMax(w) - rollupMin(w);

/** rollupCount is count_over_time; NaN (not 0) for an empty window. */
export const rollupCount: RollupFn = (w) => (w.i >= w.j ? NaN : w.j - w.i);

/** rollupAbsent is absent_over_time: 1 for an empty window, else NaN. */
export const rollupAbsent: RollupFn = (w) => (w.i >= w.j ? 1 : NaN);

/** rollupPresent is present_over_time: 1 when the window has samples, else NaN. */
export const rollupPresent: RollupFn = (w) => (w.i < w.j ? 1 : NaN);

/** rollupFirst is first_over_time: the first sample of the window. */
export const rollupFirst: RollupFn = (w) => (w.i >= w.j ? NaN : w.values[w.i]!);

/**
 * rollupLast is last_over_time and default_rollup: the last sample; for default_rollup it may be a
 * staleness marker, so a series that went stale inside the window yields no point.
 */
export const rollupLast: RollupFn = (w) => (w.i >= w.j ? NaN : w.values[w.j - 1]!);

/** rollupTfirst is tfirst_over_time: the first sample's timestamp in seconds. */
export const rollupTfirst: RollupFn = (w) => (w.i >= w.j ? NaN : w.timestamps[w.i]! / 1e3);

/**
 * rollupTlast is tlast_over_time, timestamp and timestamp_with_name: the last sample's timestamp in
 * seconds.
 */
export const rollupTlast: RollupFn = (w) => (w.i >= w.j ? NaN : w.timestamps[w.j - 1]! / 1e3);

/** rollupTmin is tmin_over_time: the timestamp (s) of the last occurrence of the minimum. */
export const rollupTmin: RollupFn = (w) => {
  const { values, timestamps, i, j } = w;
  if (i >= j) return NaN;
  let m = values[i]!;
  let t = timestamps[i]!;
  for (let k = i; k < j; k++) {
    if (values[k]! <= m) {
      m = values[k]!;
      t = timestamps[k]!;
    }
  }
  return t / 1e3;
};

/** rollupTmax is tmax_over_time: the timestamp (s) of the last occurrence of the maximum. */
export const rollupTmax: RollupFn = (w) => {
  const { values, timestamps, i, j } = w;
  if (i >= j) return NaN;
  let m = values[i]!;
  let t = timestamps[i]!;
  for (let k = i; k < j; k++) {
    if (values[k]! >= m) {
      m = values[k]!;
      t = timestamps[k]!;
    }
  }
  return t / 1e3;
};

/**
 * rollupTlastChange is tlast_change_over_time: the timestamp (s) where the last value began; the window
 * start counts as a change unless prevValue equals the last value.
 */
export const rollupTlastChange: RollupFn = (w) => {
  const { values, timestamps, i, j } = w;
  if (i >= j) return NaN;
  const last = values[j - 1]!;
  for (let k = j - 2; k >= i; k--) {
    if (values[k] !== last) return timestamps[k + 1]! / 1e3;
  }
  if (w.prevValue !== w.prevValue || w.prevValue !== last) return timestamps[i]! / 1e3;
  return NaN;
};

/** rollupSum2 is sum2_over_time; an empty window gives prevValue squared. */
export const rollupSum2: RollupFn = (w) => {
  const { values, i, j } = w;
  if (i >= j) return w.prevValue * w.prevValue;
  let s = 0;
  for (let k = i; k < j; k++) s += values[k]! * values[k]!;
  return s;
};

/** rollupGeomean is geomean_over_time; an empty window gives prevValue. */
export const rollupGeomean: RollupFn = (w) => {
  const { values, i, j } = w;
  if (i >= j) return w.prevValue;
  let p = 1;
  for (let k = i; k < j; k++) p *= values[k]!;
  return Math.pow(p, 1 / (j - i));
};

/**
 * rollupRateOverSum is rate_over_sum: the sum divided by the whole window in seconds; 0 for an empty
 * window with prevValue.
 */
export const rollupRateOverSum: RollupFn = (w) => {
  if (w.i >= w.j) return w.prevValue !== w.prevValue ? NaN : 0;
  return sum(w.values, w.i, w.j) / (w.window / 1e3);
};

/** rollupStaleSamples is stale_samples_over_time: the number of staleness markers (NaN). */
export const rollupStaleSamples: RollupFn = (w) => {
  const { values, i, j } = w;
  if (i >= j) return NaN;
  let n = 0;
  for (let k = i; k < j; k++) if (values[k] !== values[k]) n++;
  return n;
};

/** rollupStdvar is stdvar_over_time: the population variance (Welford's method). */
export const rollupStdvar: RollupFn = (w) => {
  const { values, i, j } = w;
  if (i >= j) return NaN;
  if (j - i === 1) return 0;
  let avg = 0;
  let count = 0;
  let q = 0;
  for (let k = i; k < j; k++) {
    const v = values[k]!;
    count++;
    const avgNew = avg + (v - avg) / count;
    q += (v - avg) * (v - avgNew);
    avg = avgNew;
  }
  return q / count;
};

/** rollupStddev is stddev_over_time: the population standard deviation. */
export const rollupStddev: RollupFn = (w) => Math.sqrt(rollupStdvar(w));

/**
 * rollupIncreasePure is increase_pure: last minus realPrevValue (no staleness limit), or minus 0 when the
 * series starts inside the window.
 */
export const rollupIncreasePure: RollupFn = (w) => {
  const { values, i, j } = w;
  let prev = w.realPrevValue;
  if (prev !== prev) {
    if (i >= j) return NaN;
    prev = 0;
  }
  if (i >= j) return 0;
  return values[j - 1]! - prev;
};

/**
 * rollupDelta is delta and increase: last minus prevValue. Without prevValue it continues from
 * realPrevValue when there is one (the end of a gap, VictoriaMetrics issue 894); otherwise it counts from
 * 0 unless the first value is large compared with the next step (a counter that existed before it was
 * first stored).
 */
export const rollupDelta: RollupFn = (w) => {
  const { values } = w;
  let i = w.i;
  const j = w.j;
  let prev = w.prevValue;
  if (prev !== prev) {
    if (i >= j) return NaN;
    if (w.realPrevValue === w.realPrevValue) return values[j - 1]! - w.realPrevValue;
    let d = 0;
    if (j - i > 1) d = values[i + 1]! - values[i]!;
    else if (w.realNextValue === w.realNextValue) d = w.realNextValue - values[i]!;
    if (Math.abs(values[i]!) < 10 * (Math.abs(d) + 1)) {
      prev = 0;
    } else {
      prev = values[i]!;
      i++;
    }
  }
  if (i >= j) return 0;
  return values[j - 1]! - prev;
};

/**
 * rollupDeltaPrometheus is delta_prometheus and increase_prometheus: last minus first inside the window;
 * NaN below two samples.
 */
export const rollupDeltaPrometheus: RollupFn = (w) => {
  if (w.j - w.i < 2) return NaN;
  return w.values[w.j - 1]! - w.values[w.i]!;
};

/**
 * rollupIdelta is idelta: the difference of the last two samples (prevValue counts; a lone sample without
 * it counts from 0).
 */
export const rollupIdelta: RollupFn = (w) => {
  const { values, i, j } = w;
  if (i >= j) return w.prevValue !== w.prevValue ? NaN : 0;
  const last = values[j - 1]!;
  if (j - i === 1) {
    return w.prevValue !== w.prevValue ? last : last - w.prevValue;
  }
  return last - values[j - 2]!;
};

// The result of linearRegression: [intercept at currTimestamp, slope per second].
const regression = new Float64Array(2);

function linearRegression(w: RollupWindow): void {
  const { values, timestamps, i, j } = w;
  const n = j - i;
  if (n === 0) {
    regression[0] = NaN;
    regression[1] = NaN;
    return;
  }
  let isConst = true;
  for (let k = i + 1; k < j; k++) {
    if (values[k] !== values[k - 1]) {
      isConst = false;
      break;
    }
  }
  if (isConst) {
    regression[0] = values[i]!;
    regression[1] = 0;
    return;
  }
  const intercept = w.currTimestamp;
  let vSum = 0;
  let tSum = 0;
  let tvSum = 0;
  let ttSum = 0;
  for (let k = i; k < j; k++) {
    const v = values[k]!;
    const dt = (timestamps[k]! - intercept) / 1e3;
    vSum += v;
    tSum += dt;
    tvSum += dt * v;
    ttSum += dt * dt;
  }
  let slope = 0;
  const tDiff = ttSum - (tSum * tSum) / n;
  if (Math.abs(tDiff) >= 1e-6) slope = (tvSum - (tSum * vSum) / n) / tDiff;
  regression[0] = vSum / n - (slope * tSum) / n;
  regression[1] = slope;
}

/** rollupDerivSlow is deriv: the least-squares slope per second, like Prometheus. */
export const rollupDerivSlow: RollupFn = (w) => {
  linearRegression(w);
  return regression[1]!;
};

/** newRollupPredictLinear returns predict_linear: the regression line at currTimestamp + secs. */
export function newRollupPredictLinear(secs: ScalarArg): RollupFn {
  return (w) => {
    linearRegression(w);
    const v = regression[0]!;
    if (v !== v) return NaN;
    return v + regression[1]! * secs(w.idx);
  };
}

/**
 * rollupDerivFast is deriv_fast and rate: from prevValue (or the first sample) to the last sample, per
 * second; a lone sample without prevValue gives NaN.
 */
export const rollupDerivFast: RollupFn = (w) => {
  const { values, timestamps, i, j } = w;
  let prev = w.prevValue;
  let prevTs = w.prevTimestamp;
  if (prev !== prev) {
    if (j - i < 2) return NaN;
    prev = values[i]!;
    prevTs = timestamps[i]!;
  } else if (i >= j) {
    return 0;
  }
  return (values[j - 1]! - prev) / ((timestamps[j - 1]! - prevTs) / 1e3);
};

/**
 * rollupIderiv is ideriv and irate: the rate between the last two samples, skipping samples that share the
 * last timestamp.
 */
export const rollupIderiv: RollupFn = (w) => {
  const { values, timestamps, i } = w;
  const j = w.j;
  if (j - i < 2) {
    if (i >= j) return NaN;
    if (w.prevValue !== w.prevValue) return NaN;
    return (values[i]! - w.prevValue) / ((timestamps[i]! - w.prevTimestamp) / 1e3);
  }
  const vEnd = values[j - 1]!;
  const tEnd = timestamps[j - 1]!;
  let k = j - 1;
  while (k > i && timestamps[k - 1]! >= tEnd) k--;
  let tStart: number;
  let vStart: number;
  if (k === i) {
    if (w.prevValue !== w.prevValue) return 0;
    tStart = w.prevTimestamp;
    vStart = w.prevValue;
  } else {
    tStart = timestamps[k - 1]!;
    vStart = values[k - 1]!;
  }
  return (vEnd - vStart) / ((tEnd - tStart) / 1e3);
};

/**
 * rollupDerivFastPrometheus is rate_prometheus (newer than 1.79.5): increase_prometheus divided by the
 * window in seconds.
 */
export const rollupDerivFastPrometheus: RollupFn = (w) => {
  const d = rollupDeltaPrometheus(w);
  if (d !== d || w.window === 0) return NaN;
  return d / (w.window / 1e3);
};

/** rollupLifetime is lifetime: seconds from prevValue (or the first sample) to the last sample. */
export const rollupLifetime: RollupFn = (w) => {
  const { timestamps, i, j } = w;
  if (w.prevValue !== w.prevValue) {
    if (j - i < 2) return NaN;
    return (timestamps[j - 1]! - timestamps[i]!) / 1e3;
  }
  if (i >= j) return NaN;
  return (timestamps[j - 1]! - w.prevTimestamp) / 1e3;
};

/** rollupLag is lag: seconds from the last sample (or prevValue) to the point. */
export const rollupLag: RollupFn = (w) => {
  if (w.i >= w.j) {
    if (w.prevValue !== w.prevValue) return NaN;
    return (w.currTimestamp - w.prevTimestamp) / 1e3;
  }
  return (w.currTimestamp - w.timestamps[w.j - 1]!) / 1e3;
};

/** rollupScrapeInterval is scrape_interval: the average gap in seconds, from prevValue when there is one. */
export const rollupScrapeInterval: RollupFn = (w) => {
  const { timestamps, i, j } = w;
  if (w.prevValue !== w.prevValue) {
    if (j - i < 2) return NaN;
    return (timestamps[j - 1]! - timestamps[i]!) / 1e3 / (j - i - 1);
  }
  if (i >= j) return NaN;
  return (timestamps[j - 1]! - w.prevTimestamp) / 1e3 / (j - i);
};

/** rollupChangesPrometheus is changes_prometheus: value changes inside the window, ignoring prevValue. */
export const rollupChangesPrometheus: RollupFn = (w) => {
  const { values, i, j } = w;
  if (i >= j) return NaN;
  let prev = values[i]!;
  let n = 0;
  for (let k = i + 1; k < j; k++) {
    if (values[k] !== prev) {
      n++;
      prev = values[k]!;
    }
  }
  return n;
};

/**
 * rollupChanges is changes: value changes from prevValue on; without prevValue the first sample counts as
 * a change.
 */
export const rollupChanges: RollupFn = (w) => {
  const { values, j } = w;
  let i = w.i;
  let prev = w.prevValue;
  let n = 0;
  if (prev !== prev) {
    if (i >= j) return NaN;
    prev = values[i]!;
    i++;
    n++;
  }
  for (let k = i; k < j; k++) {
    if (values[k] !== prev) {
      n++;
      prev = values[k]!;
    }
  }
  return n;
};

function countSteps(w: RollupWindow, up: boolean): number {
  const { values, j } = w;
  let i = w.i;
  if (i >= j) return w.prevValue !== w.prevValue ? NaN : 0;
  let prev = w.prevValue;
  if (prev !== prev) {
    prev = values[i]!;
    i++;
  }
  let n = 0;
  for (let k = i; k < j; k++) {
    const v = values[k]!;
    if (up ? v > prev : v < prev) n++;
    prev = v;
  }
  return n;
}

/** rollupIncreases is increases_over_time: the number of rises from prevValue on. */
export const rollupIncreases: RollupFn = (w) => countSteps(w, true);

/** rollupResets is resets and decreases_over_time: the number of drops from prevValue on. */
export const rollupResets: RollupFn = (w) => countSteps(w, false);

function sumSteps(w: RollupWindow, up: boolean): number {
  const { values, j } = w;
  let i = w.i;
  let prev = w.prevValue;
  if (prev !== prev) {
    if (i >= j) return NaN;
    prev = values[i]!;
    i++;
  }
  let s = 0;
  for (let k = i; k < j; k++) {
    const v = values[k]!;
    const d = up ? v - prev : prev - v;
    if (d > 0) s += d;
    prev = v;
  }
  return s;
}

/** rollupAscentOverTime is ascent_over_time: the sum of rises from prevValue on. */
export const rollupAscentOverTime: RollupFn = (w) => sumSteps(w, true);

/** rollupDescentOverTime is descent_over_time: the sum of drops from prevValue on. */
export const rollupDescentOverTime: RollupFn = (w) => sumSteps(w, false);

/**
 * rollupZScoreOverTime is zscore_over_time: (last - avg) / stddev, only while the series is live (its last
 * sample no older than the average scrape interval).
 */
export const rollupZScoreOverTime: RollupFn = (w) => {
  const scrapeInterval = rollupScrapeInterval(w);
  const lag = rollupLag(w);
  if (scrapeInterval !== scrapeInterval || lag !== lag || lag > scrapeInterval) return NaN;
  const d = rollupLast(w) - rollupAvg(w);
  if (d === 0) return 0;
  return d / rollupStddev(w);
};

/**
 * rollupDistinct is distinct_over_time: the number of distinct values; 0 for an empty window with
 * prevValue.
 */
export const rollupDistinct: RollupFn = (w) => {
  const { values, i, j } = w;
  if (i >= j) return w.prevValue !== w.prevValue ? NaN : 0;
  const seen = new Set<number>();
  for (let k = i; k < j; k++) seen.add(values[k]!);
  return seen.size;
};

/**
 * rollupIntegrate is integrate: the area under a step function holding each sample (from prevValue at the
 * window start when there is one) until the next sample or the point.
 */
export const rollupIntegrate: RollupFn = (w) => {
  const { values, timestamps, j } = w;
  let i = w.i;
  let prev = w.prevValue;
  let prevTs = w.currTimestamp - w.window;
  if (prev !== prev) {
    if (i >= j) return NaN;
    prev = values[i]!;
    prevTs = timestamps[i]!;
    i++;
  }
  let s = 0;
  for (let k = i; k < j; k++) {
    const ts = timestamps[k]!;
    s += prev * ((ts - prevTs) / 1e3);
    prevTs = ts;
    prev = values[k]!;
  }
  s += prev * ((w.currTimestamp - prevTs) / 1e3);
  return s;
};

/** newRollupHoltWinters returns holt_winters: double exponential smoothing with factors sf and tf in (0, 1). */
export function newRollupHoltWinters(sfArg: ScalarArg, tfArg: ScalarArg): RollupFn {
  return (w) => {
    const { values, j } = w;
    let i = w.i;
    if (i >= j) return w.prevValue;
    // NaN factors pass these checks, as in the original.
    const sf = sfArg(w.idx);
    if (sf <= 0 || sf >= 1) return NaN;
    const tf = tfArg(w.idx);
    if (tf <= 0 || tf >= 1) return NaN;
    let s0 = w.prevValue;
    if (s0 !== s0) {
      s0 = values[i]!;
      i++;
      if (i >= j) return s0;
    }
    let b0 = values[i]! - s0;
    for (let k = i; k < j; k++) {
      const s1 = sf * values[k]! + (1 - sf) * (s0 + b0);
      const b1 = tf * (s1 - s0) + (1 - tf) * b0;
      s0 = s1;
      b0 = b1;
    }
    return s0;
  };
}

/** newRollupDurationOverTime returns duration_over_time: seconds covered by sample gaps not longer than maxSecs. */
export function newRollupDurationOverTime(maxSecs: ScalarArg): RollupFn {
  return (w) => {
    const { timestamps, i, j } = w;
    if (i >= j) return NaN;
    const dMax = goInt64(maxSecs(w.idx) * 1000);
    let tPrev = timestamps[i]!;
    let dSum = 0;
    for (let k = i; k < j; k++) {
      const t = timestamps[k]!;
      const d = t - tPrev;
      if (d <= dMax) dSum += d;
      tPrev = t;
    }
    return dSum / 1000;
  };
}

// goInt64 converts like Go's int64(f) on amd64: truncation, with NaN and out
// of range values becoming the minimum int64.
function goInt64(f: number): number {
  if (f !== f || f >= 9223372036854775807 || f < -9223372036854775808) return -9223372036854775808;
  return Math.trunc(f);
}

/** FilterKind selects the comparison and the aggregate of a filtered rollup. */
export type FilterKind = "count_eq" | "count_ne" | "count_gt" | "count_le" | "sum_eq" | "sum_gt" | "sum_le";

function filterValues(kind: FilterKind, values: Float64Array, i: number, j: number, limit: number): number {
  let r = 0;
  for (let k = i; k < j; k++) {
    const v = values[k]!;
    switch (kind) {
      case "count_eq":
        if (v === limit) r++;
        break;
      case "count_ne":
        if (v !== limit) r++;
        break;
      case "count_gt":
        if (v > limit) r++;
        break;
      case "count_le":
        if (v <= limit) r++;
        break;
      case "sum_eq":
        if (v === limit) r += v;
        break;
      case "sum_gt":
        if (v > limit) r += v;
        break;
      case "sum_le":
        if (v <= limit) r += v;
        break;
    }
  }
  return r;
}

/** newRollupFilter returns count_*_over_time / sum_*_over_time over the samples that pass the comparison with limit. */
export function newRollupFilter(kind: FilterKind, limit: ScalarArg): RollupFn {
  return (w) => (w.i >= w.j ? NaN : filterValues(kind, w.values, w.i, w.j, limit(w.idx)));
}

/** newRollupShare returns share_*_over_time: the count of passing samples divided by all samples. */
export function newRollupShare(kind: "count_eq" | "count_gt" | "count_le", limit: ScalarArg): RollupFn {
  return (w) => (w.i >= w.j ? NaN : filterValues(kind, w.values, w.i, w.j, limit(w.idx)) / (w.j - w.i));
}

function hoeffdingBound(w: RollupWindow, phi: number, upper: boolean): number {
  const n = w.j - w.i;
  if (n === 0) return NaN;
  if (n === 1) return w.values[w.i]!;
  const vRange = rollupMax(w) - rollupMin(w);
  const avg = rollupAvg(w);
  let bound = 0;
  if (vRange > 0) {
    // A NaN phi falls through to the formula and yields NaN.
    if (phi >= 1) bound = Infinity;
    else if (!(phi <= 0)) bound = vRange * Math.sqrt(Math.log(1 / (1 - phi)) / (2 * n));
  }
  return upper ? avg + bound : avg - bound;
}

/** newRollupHoeffdingBound returns hoeffding_bound_lower / hoeffding_bound_upper with confidence phi. */
export function newRollupHoeffdingBound(phi: ScalarArg, upper: boolean): RollupFn {
  return (w) => hoeffdingBound(w, phi(w.idx), upper);
}

/** newRollupQuantile returns quantile_over_time with per-point phi. */
export function newRollupQuantile(phi: ScalarArg, scratch: SortScratch): RollupFn {
  return (w) => quantileSorted(phi(w.idx), scratch.sortedCopy(w.values, w.i, w.j));
}

/** newRollupMode returns mode_over_time (prevValue takes part; it is also the result of an empty window). */
export function newRollupMode(scratch: SortScratch): RollupFn {
  return (w) => modeSorted(w.prevValue, scratch.sortedCopy(w.values, w.i, w.j));
}

/** newRollupMAD returns mad_over_time (newer than 1.79.5). */
export function newRollupMAD(scratch: SortScratch): RollupFn {
  return (w) => madSorted(scratch.sortedCopy(w.values, w.i, w.j));
}

/** newRollupOutlierIQR returns outlier_iqr_over_time (newer than 1.79.5): the last sample when it lies outside [q25-1.5*iqr, q75+1.5*iqr]. */
export function newRollupOutlierIQR(scratch: SortScratch): RollupFn {
  return (w) => {
    if (w.j - w.i < 2) return NaN;
    const sorted = scratch.sortedCopy(w.values, w.i, w.j);
    const q25 = quantileSorted(0.25, sorted);
    const q75 = quantileSorted(0.75, sorted);
    const iqr = 1.5 * (q75 - q25);
    const v = w.values[w.j - 1]!;
    return v > q75 + iqr || v < q25 - iqr ? v : NaN;
  };
}

// rollup_candlestick: the window's samples strictly before currTimestamp, and
// prevValue as the opening value when it lies within one window of it.
function candlestickEnd(w: RollupWindow): number {
  let j = w.j;
  while (j > w.i && w.timestamps[j - 1]! >= w.currTimestamp) j--;
  return j;
}

function candlestickFirst(w: RollupWindow): number {
  return w.prevTimestamp + w.window >= w.currTimestamp ? w.prevValue : NaN;
}

/**
 * rollupOpen is rollup_candlestick's open: prevValue when within one window of the point, else the first
 * sample before the point.
 */
export const rollupOpen: RollupFn = (w) => {
  const v = candlestickFirst(w);
  if (v === v) return v;
  return candlestickEnd(w) > w.i ? w.values[w.i]! : NaN;
};

/** rollupClose is rollup_candlestick's close: the last sample before the point. */
export const rollupClose: RollupFn = (w) => {
  const j = candlestickEnd(w);
  return j > w.i ? w.values[j - 1]! : candlestickFirst(w);
};

function candlestickExtreme(w: RollupWindow, high: boolean): number {
  const j = candlestickEnd(w);
  let i = w.i;
  let m = candlestickFirst(w);
  if (m !== m) {
    if (i >= j) return NaN;
    m = w.values[i]!;
    i++;
  }
  for (let k = i; k < j; k++) {
    const v = w.values[k]!;
    if (high ? v > m : v < m) m = v;
  }
  return m;
}

/** rollupHigh is rollup_candlestick's high. */
export const rollupHigh: RollupFn = (w) => candlestickExtreme(w, true);

/** rollupLow is rollup_candlestick's low. */
export const rollupLow: RollupFn = (w) => candlestickExtreme(w, false);
