// The view a rollup function gets of one output point: the raw samples of its
// lookbehind window plus the neighbours just outside it. One RollupWindow is
// reused for every point of a series, so a function must not keep it.

/**
 * RollupWindow describes the samples for one output point at currTimestamp.
 *
 * The window (currTimestamp-window, currTimestamp] holds the samples
 * values[i..j) / timestamps[i..j) (timestamps in milliseconds, ascending).
 * prevValue/prevTimestamp is the sample just before the window when it is not
 * older than the staleness limit (maxPrevInterval); otherwise prevValue is NaN
 * and prevTimestamp is tStart-maxPrevInterval. realPrevValue is the sample just
 * before the window without that limit, realNextValue the one just after it
 * (NaN when there is none). idx is the output point's index (for per-step
 * scalar arguments); window is the effective window in milliseconds.
 */
export interface RollupWindow {
  timestamps: Float64Array;
  values: Float64Array;
  i: number;
  j: number;
  prevValue: number;
  prevTimestamp: number;
  realPrevValue: number;
  realNextValue: number;
  currTimestamp: number;
  idx: number;
  window: number;
}

/** RollupFn computes one output value from a window; NaN means "no point". */
export type RollupFn = (w: RollupWindow) => number;

/** newRollupWindow returns a zeroed window over the given prepared series. */
export function newRollupWindow(timestamps: Float64Array, values: Float64Array): RollupWindow {
  return {
    timestamps,
    values,
    i: 0,
    j: 0,
    prevValue: NaN,
    prevTimestamp: 0,
    realPrevValue: NaN,
    realNextValue: NaN,
    currTimestamp: 0,
    idx: 0,
    window: 0,
  };
}
