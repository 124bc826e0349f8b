// The narrow interface the evaluator reads raw samples through. The storage
// engine satisfies it as it is; tests use an in-memory implementation.

/** SourceFilter is one label matcher; label "__name__" is the metric name; regexps are anchored. */
export interface SourceFilter {
  label: string;
  value: string;
  isNegative: boolean;
  isRegex: boolean;
}

/**
 * SourceSeries is one series of a search: its labels (with __name__ when it has
 * one) and its first n samples, ascending by time; NaN values are staleness
 * markers. The arrays may be reused once the iterator moves on.
 */
export interface SourceSeries {
  labels: ReadonlyArray<readonly [string, string]>;
  timestamps: Float64Array;
  values: Float64Array;
  n: number;
}

/**
 * SeriesSource yields every series matching all filters that has samples in
 * [minT, maxT] (ms, inclusive), with those samples. It throws when more than
 * maxSeries series match (0: no limit).
 */
export interface SeriesSource {
  search(filters: readonly SourceFilter[], minT: number, maxT: number, maxSeries: number): Iterable<SourceSeries>;
}
