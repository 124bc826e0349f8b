// Transformations applied to a whole series before windowing: dropping
// staleness markers, removing counter resets, and turning samples into
// per-sample deltas, derivatives or scrape intervals (for rollup_increase,
// rollup_rate, rollup_scrape_interval). All work in place on the first n
// samples of timestamps (milliseconds) and values.

/**
 * dropNaNs removes samples whose value is NaN (Prometheus staleness markers:
 * VictoriaMetrics stores no other NaN) from the first n samples, compacting in
 * place; it returns the new count.
 */
export function dropNaNs(timestamps: Float64Array, values: Float64Array, n: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    values[k] = v;
    timestamps[k] = timestamps[i]!;
    k++;
  }
  return k;
}

/**
 * removeCounterResets makes a counter monotonic: after a drop, later values
 * are raised by the value before the drop, or only by the size of the drop when
 * it is small (less than an eighth of the previous value: a partial reset,
 * see VictoriaMetrics issue 2787). Values must not be NaN.
 */
export function removeCounterResets(values: Float64Array, n: number): void {
  // Most counters do not reset within a query's range: look for the first
  // drop without writing; values before it stay as they are.
  let first = 1;
  while (first < n && !(values[first]! < values[first - 1]!)) first++;
  if (first >= n) return;
  let correction = 0;
  let prev = values[first - 1]!;
  for (let i = first; i < n; i++) {
    const v = values[i]!;
    const d = v - prev;
    if (d < 0) {
      if (-d * 8 < prev) correction += prev - v;
      else correction += prev;
    }
    prev = v;
    values[i] = v + correction;
  }
}

/**
 * deltaValues replaces each value by the difference to the next one; the last
 * value gets the last difference (0 for a single sample).
 */
export function deltaValues(values: Float64Array, n: number): void {
  if (n === 0) return;
  let prevDelta = 0;
  let prev = values[0]!;
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    prevDelta = v - prev;
    values[i - 1] = prevDelta;
    prev = v;
  }
  values[n - 1] = prevDelta;
}

/**
 * derivValues replaces each value by the per-second rate to the next sample;
 * a sample whose successor has the same timestamp gets the previous rate, and
 * the last value repeats the last rate (0 for a single sample).
 */
export function derivValues(timestamps: Float64Array, values: Float64Array, n: number): void {
  if (n === 0) return;
  let prevDeriv = 0;
  let prev = values[0]!;
  let prevTs = timestamps[0]!;
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    const ts = timestamps[i]!;
    if (ts === prevTs) {
      values[i - 1] = prevDeriv;
      continue;
    }
    prevDeriv = (v - prev) / ((ts - prevTs) / 1e3);
    values[i - 1] = prevDeriv;
    prev = v;
    prevTs = ts;
  }
  values[n - 1] = prevDeriv;
}

/**
 * scrapeIntervalValues replaces each value by the seconds since the previous
 * sample; the first sample gets the second one's interval (NaN when alone).
 */
export function scrapeIntervalValues(timestamps: Float64Array, values: Float64Array, n: number): void {
  let prevSecs = NaN;
  for (let i = 0; i < n; i++) {
    const secs = timestamps[i]! / 1000;
    values[i] = secs - prevSecs;
    prevSecs = secs;
  }
  if (n > 1) values[0] = values[1]!;
}
