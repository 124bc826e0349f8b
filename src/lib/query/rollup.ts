// Rollups: functions over the raw samples of a lookbehind window, evaluated at
// each step of a range query (rate(m[5m]), avg_over_time(m), ...). This file
// is the windowing loop and the public API; semantics are VictoriaMetrics
// 1.79.5's (app/vmselect/promql/rollup.go, rollupConfig.doInternal):
//
// - the window for the point at tEnd is (tEnd-window, tEnd]; without an
//   explicit window it is the step (capped by lookbackDelta for
//   default_rollup);
// - the sample before the window (prevValue) counts only when it is newer
//   than tStart - maxPrevInterval, where maxPrevInterval is the series' scrape
//   interval (0.6 quantile of its first 20 gaps) plus a margin, capped by
//   lookbackDelta;
// - rate-like functions widen a window shorter than maxPrevInterval;
// - staleness markers (NaN) are dropped except for default_rollup and
//   stale_samples_over_time; counter resets are removed for rate/increase.

import type { RollupWindow } from "./rollup_window.ts";
import { newRollupWindow } from "./rollup_window.ts";
import { rollupDefs } from "./rollup_registry.ts";
import type { RollupDef } from "./rollup_registry.ts";
import { SortScratch } from "./rollup_quantile.ts";
import { dropNaNs, removeCounterResets } from "./rollup_prepare.ts";

export { aggrOverTimeNames } from "./rollup_registry.ts";

/** RollupConfig is the time grid of a range query; all fields are milliseconds. */
export interface RollupConfig {
  /** First output timestamp. */
  start: number;
  /** Last possible output timestamp (points are start, start+step, ... <= end). */
  end: number;
  /** Distance between output points; must be > 0. */
  step: number;
  /** Lookbehind window from the query (m[5m] -> 300000); 0 when omitted. */
  window: number;
  /** -search.maxStalenessInterval / max_lookback; 0 for none. */
  lookbackDelta: number;
  /** -search.minStalenessInterval; 0 (default) for none. */
  minStalenessInterval?: number;
}

/**
 * RollupArg is a non-series argument of a rollup call: a number, a number per
 * output point (for scalar expressions such as time()), or a string (a label
 * name, a rollup() tag, or one aggr_over_time function name per argument).
 */
export type RollupArg = number | Float64Array | string;

/** RollupRow is one output series: its values at the output points (NaN = no point) and the labels it adds. */
export interface RollupRow {
  tags?: Array<[string, string]>;
  values: Float64Array;
}

/** RollupFuncInfo describes how a rollup function is called and what it returns. */
export interface RollupFuncInfo {
  readonly name: string;
  /** "1.79.5" when VictoriaMetrics 1.79.5 has it; "newer" when only later docs list it. */
  readonly since: "1.79.5" | "newer";
  /** Position of the series argument in the call; -1 means the last one (quantiles_over_time). */
  readonly seriesArgIdx: number;
  /** Bounds on the number of call arguments, the series argument included. */
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Whether results keep the input's metric name (otherwise __name__ is dropped unless keep_metric_names). */
  readonly keepMetricName: boolean;
  /** Whether counter resets are removed from the input first. */
  readonly removeCounterResets: boolean;
  /** Whether a window shorter than the staleness interval is widened to it. */
  readonly mayAdjustWindow: boolean;
  /** Whether staleness markers reach the function instead of being dropped. */
  readonly keepStaleNaNs: boolean;
  /**
   * What one input series yields: "one" row without tags; "rollup": rows
   * tagged rollup=<min|max|avg|open|close|low|high|function name>; "vmrange":
   * a row per histogram bucket, tagged vmrange=<lower...upper>; "argLabel": a
   * row per value, tagged <first string argument>=<value>. Label-splitting
   * functions yield no rows for a series without samples in any window.
   */
  readonly outputs: "one" | "rollup" | "vmrange" | "argLabel";
  /** Samples read per output point for the samples-scanned statistic; 0 means all samples of the window. */
  readonly samplesScannedPerCall: number;
}

/** maxSilenceInterval is how far before the first window samples are fetched for prevValue (5 minutes). */
export const maxSilenceInterval = 5 * 60 * 1000;

/** getRollupFunc returns the rollup function called name (case-insensitive), or undefined when there is none. */
export function getRollupFunc(name: string): RollupFuncInfo | undefined {
  return rollupDefs.get(name.toLowerCase())?.info;
}

/** rollupFuncNames lists every rollup function of the MetricsQL docs (those newer than 1.79.5 included), sorted. */
export const rollupFuncNames: readonly string[] = [...rollupDefs.keys()].sort();

/**
 * getRollupTimeRange returns the inclusive range of raw sample timestamps
 * evalRollup needs for cfg: from start - maxSilenceInterval - max(window,
 * step) to end (rollup_candlestick is evaluated one step later, so both ends
 * move by a step for it).
 */
export function getRollupTimeRange(info: RollupFuncInfo, cfg: RollupConfig): { minTimestamp: number; maxTimestamp: number } {
  const shift = evalShift(info, cfg);
  return {
    minTimestamp: cfg.start + shift - maxSilenceInterval - Math.max(cfg.window, cfg.step),
    maxTimestamp: cfg.end + shift,
  };
}

// rollup_candlestick() is computed at t+step and reported at t, so a point
// shows the candle of the interval that starts there (VictoriaMetrics issue 309).
function evalShift(info: RollupFuncInfo, cfg: RollupConfig): number {
  return info.name === "rollup_candlestick" ? cfg.step : 0;
}

/**
 * evalRollup computes the rollup info over one series and returns its output
 * rows, each with one value per output point of cfg.
 *
 * timestamps (ms, ascending) and values hold the series' first n samples in
 * the range getRollupTimeRange gives; a NaN value is a Prometheus staleness
 * marker (the only NaN VictoriaMetrics stores; series from subqueries must have
 * NaNs removed by the caller). The inputs are not modified. args are the
 * call's other arguments in order (quantile_over_time(0.9, m[5m]) -> [0.9]).
 * Bad args throw "cannot evaluate <name>(): ..."; a bad cfg throws a BUG error.
 */
export function evalRollup(
  info: RollupFuncInfo,
  args: readonly RollupArg[],
  cfg: RollupConfig,
  timestamps: Float64Array,
  values: Float64Array,
  n: number,
): RollupRow[] {
  const def = rollupDefs.get(info.name);
  if (def === undefined) throw new Error(`BUG: unknown rollup function ${info.name}`);
  checkConfig(cfg);
  if (n > timestamps.length || n > values.length) {
    throw new Error(`BUG: n=${n} exceeds the input arrays (${timestamps.length} timestamps, ${values.length} values)`);
  }
  const points = Math.floor((cfg.end - cfg.start) / cfg.step) + 1;
  const plan = def.build(args, { points, scratch });

  // The series is compacted and transformed in place, so that happens on a
  // copy in reusable buffers; untouched inputs are used as they are.
  let ts = timestamps;
  let vs = values;
  let m = n;
  // One pass finds both: staleness markers to drop, and (for counters) drops
  // to remove; a counter without either needs no copy (the common case).
  let dropStale: boolean, resets: boolean;
  if (info.keepStaleNaNs) {
    dropStale = false;
    resets = plan.removeCounterResets && hasDrop(values, n);
  } else {
    const f = scanValues(values, n);
    dropStale = f === 1;
    resets = plan.removeCounterResets && f !== 0;
  }
  if (dropStale || resets || plan.pre !== undefined) {
    if (workTs.length < n) {
      workTs = new Float64Array(Math.max(n, 2 * workTs.length));
      workVs = new Float64Array(workTs.length);
    }
    ts = workTs;
    vs = workVs;
    ts.set(timestamps.subarray(0, n));
    vs.set(values.subarray(0, n));
    if (dropStale) m = dropNaNs(ts, vs, m);
    if (resets) removeCounterResets(vs, m);
    plan.pre?.(ts, vs, m);
  }

  const rows: RollupRow[] = [];
  for (const { tag, fn } of plan.fns) {
    const out = new Float64Array(points);
    runWindows(def, cfg, fn, ts, vs, m, out);
    if (plan.labeled === undefined) rows.push(tag === "" ? { values: out } : { tags: [["rollup", tag]], values: out });
  }
  if (plan.labeled !== undefined) return plan.labeled.rows();
  return rows;
}

const scratch = new SortScratch();
const gapsScratch = new Float64Array(20);
let workTs = new Float64Array(1024);
let workVs = new Float64Array(1024);

// hasDrop reports whether some value is below the one before it (values without NaN).
function hasDrop(values: Float64Array, n: number): boolean {
  for (let k = 1; k < n; k++) if (values[k]! < values[k - 1]!) return true;
  return false;
}

// scanValues returns 1 when some value is NaN, else 2 when some value is below
// the one before it, else 0.
function scanValues(values: Float64Array, n: number): number {
  let drop = 0;
  let prev = n > 0 ? values[0]! : 0;
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    if (v !== v) return 1;
    if (v < prev) drop = 2;
    prev = v;
  }
  return drop;
}

function checkConfig(cfg: RollupConfig): void {
  if (!(cfg.step > 0)) throw new Error(`BUG: step must be bigger than 0; got ${cfg.step}`);
  if (!(cfg.start <= cfg.end)) throw new Error(`BUG: start cannot exceed end; got ${cfg.start} vs ${cfg.end}`);
  if (!(cfg.window >= 0)) throw new Error(`BUG: window must be non-negative; got ${cfg.window}`);
  if (!(cfg.lookbackDelta >= 0)) throw new Error(`BUG: lookbackDelta must be non-negative; got ${cfg.lookbackDelta}`);
}

/**
 * getScrapeInterval estimates a series' scrape interval in ms as the 0.6
 * quantile of its first 20 gaps (truncated to an integer), or returns
 * defaultInterval for fewer than two samples or a non-positive estimate.
 */
export function getScrapeInterval(timestamps: Float64Array, n: number, defaultInterval: number): number {
  if (n < 2) return defaultInterval;
  // At most 20 gaps: an insertion sort in a reused array (no allocation per series).
  const gaps = gapsScratch;
  const m = Math.min(n - 1, 20);
  for (let k = 0; k < m; k++) {
    const g = timestamps[k + 1]! - timestamps[k]!;
    let j = k;
    while (j > 0 && gaps[j - 1]! > g) { gaps[j] = gaps[j - 1]!; j--; }
    gaps[j] = g;
  }
  const rank = 0.6 * (m - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(m - 1, lo + 1);
  const w = rank - lo;
  const q = Math.trunc(gaps[lo]! * (1 - w) + gaps[hi]! * w);
  return q > 0 ? q : defaultInterval;
}

/**
 * getMaxPrevInterval returns how old the sample before a window may be for
 * it to count: the scrape interval plus 400% (<= 2s), 200% (<= 4s),
 * 100% (<= 8s), 50% (<= 16s), 25% (<= 32s) or 12.5%, so that jitter on short
 * intervals does not open gaps (VictoriaMetrics issue 139).
 */
export function getMaxPrevInterval(scrapeInterval: number): number {
  if (scrapeInterval <= 2000) return scrapeInterval + 4 * scrapeInterval;
  if (scrapeInterval <= 4000) return scrapeInterval + 2 * scrapeInterval;
  if (scrapeInterval <= 8000) return scrapeInterval + scrapeInterval;
  if (scrapeInterval <= 16000) return scrapeInterval + Math.floor(scrapeInterval / 2);
  if (scrapeInterval <= 32000) return scrapeInterval + Math.floor(scrapeInterval / 4);
  return scrapeInterval + Math.floor(scrapeInterval / 8);
}

// runWindows is the windowing loop: it fills out[idx] with fn's value for the
// window ending at start+idx*step (shifted for rollup_candlestick).
function runWindows(
  def: RollupDef,
  cfg: RollupConfig,
  fn: (w: RollupWindow) => number,
  ts: Float64Array,
  vs: Float64Array,
  n: number,
  out: Float64Array,
): void {
  const { info } = def;
  let maxPrevInterval = getMaxPrevInterval(getScrapeInterval(ts, n, cfg.step));
  if (cfg.lookbackDelta > 0 && maxPrevInterval > cfg.lookbackDelta) maxPrevInterval = cfg.lookbackDelta;
  const minStaleness = cfg.minStalenessInterval ?? 0;
  if (minStaleness > 0 && maxPrevInterval < minStaleness) maxPrevInterval = minStaleness;
  let window = cfg.window;
  if (window <= 0) {
    window = cfg.step;
    // An implicit window must not exceed lookbackDelta (VictoriaMetrics issue 784).
    if (info.name === "default_rollup" && cfg.lookbackDelta > 0 && window > cfg.lookbackDelta) window = cfg.lookbackDelta;
  }
  if (info.mayAdjustWindow && window < maxPrevInterval) window = maxPrevInterval;

  const w = newRollupWindow(ts, vs);
  w.window = window;
  const t0 = cfg.start + evalShift(info, cfg);
  const step = cfg.step;
  const points = out.length;
  let i = 0;
  let j = 0;
  for (let idx = 0; idx < points; idx++) {
    const tEnd = t0 + idx * step;
    const tStart = tEnd - window;
    while (i < n && ts[i]! <= tStart) i++;
    if (j < i) j = i;
    while (j < n && ts[j]! <= tEnd) j++;
    w.i = i;
    w.j = j;
    const prevLimit = tStart - maxPrevInterval;
    // Only when a sample follows the window start, as in the original.
    if (i < n && i > 0 && ts[i - 1]! > prevLimit) {
      w.prevValue = vs[i - 1]!;
      w.prevTimestamp = ts[i - 1]!;
    } else {
      w.prevValue = NaN;
      w.prevTimestamp = prevLimit;
    }
    w.realPrevValue = i > 0 ? vs[i - 1]! : NaN;
    w.realNextValue = j < n ? vs[j]! : NaN;
    w.currTimestamp = tEnd;
    w.idx = idx;
    out[idx] = fn(w);
  }
}
