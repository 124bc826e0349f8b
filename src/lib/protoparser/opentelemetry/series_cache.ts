// The label arrays of OTLP series already decoded, so that a series sent again
// (an exporter sends every series in every request) gets the very same array:
// no labels are built, and the storage recognises the series by the array.

/** A label as the decoder hands it over. */
export type OtlpLabel = readonly [string, string];

/**
 * PointSeries are the series of the data points of one resource and scope
 * that have the same attribute bytes: attrs are those attributes decoded
 * (names as in the data, not yet converted), and the maps hold the labels of
 * each series made from them, by metric name (and extra label value).
 */
export interface PointSeries {
  /** the context the series are of, and the key of the attribute bytes in it */
  ctx: ContextSeries | undefined;
  key: string;
  /** the point series looked up after this one last time (exporters keep their order) */
  next: PointSeries | undefined;
  attrs: ReadonlyArray<OtlpLabel>;
  /** the metric name looked up last, and its labels in byName */
  lastName: string;
  lastLabels: ReadonlyArray<OtlpLabel> | undefined;
  /** labels by metric name, for series without an extra label */
  byName: Map<string, ReadonlyArray<OtlpLabel>>;
  /** per extra label name + "\0" + metric name: labels by the extra label's value */
  byExtra: Map<string, Map<string, ReadonlyArray<OtlpLabel>>> | undefined;
}

/** ContextSeries are the point series of one resource and scope (labels: theirs, in order). */
export interface ContextSeries {
  labels: ReadonlyArray<OtlpLabel>;
  points: Map<string, PointSeries>;
}

/**
 * SeriesCache maps resource + scope labels (by contextKey) to their point
 * series. It is bounded by the number of label arrays it holds: when a
 * counted addition passes maxSeries, everything is forgotten (series sent
 * again are then decoded once more).
 */
export class SeriesCache {
  private contexts = new Map<string, ContextSeries>();
  private series = 0;
  private readonly maxSeries: number;

  constructor(maxSeries = 200_000) {
    this.maxSeries = maxSeries;
  }

  /** context returns the entry of the resource + scope labels (created empty if new). */
  context(labels: ReadonlyArray<OtlpLabel>): ContextSeries {
    const key = contextKey(labels);
    let c = this.contexts.get(key);
    if (c === undefined) {
      c = { labels: labels.map((l) => [l[0], l[1]] as const), points: new Map() };
      this.contexts.set(key, c);
    }
    return c;
  }

  /** added counts n label arrays (or point entries) added to entries of this cache. */
  added(n: number): void {
    this.series += n;
    if (this.series > this.maxSeries) {
      this.contexts = new Map();
      this.series = 0;
    }
  }
}

/** contextKey is an unambiguous key of a label list (lengths before names and values). */
export function contextKey(labels: ReadonlyArray<OtlpLabel>): string {
  let k = "";
  for (const l of labels) k += `${l[0].length}:${l[0]}${l[1].length}:${l[1]}`;
  return k;
}
