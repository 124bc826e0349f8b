// The columnar container that the remote write parsers fill.

/** Label is one [name, value] pair of a series; "__name__" holds the metric name. */
export type Label = readonly [name: string, value: string];

/** SERIES_FLOAT, SERIES_HISTOGRAM and SERIES_HISTOGRAM_COUNT are the kinds of series in WriteRows.kinds. */
export const SERIES_FLOAT = 0;
/** SERIES_HISTOGRAM marks a series converted from a native histogram (a bucket or _sum). */
export const SERIES_HISTOGRAM = 1;
/** SERIES_HISTOGRAM_COUNT marks the _count series of a converted native histogram: one per histogram. */
export const SERIES_HISTOGRAM_COUNT = 2;

/**
 * WriteRows is a reusable columnar container for a decoded remote write request, in the
 * shape storage.addRows takes: the labels of series i, and its samples in
 * timestamps/values[offsets[i]..offsets[i+1]). The typed arrays are reused and may be
 * longer than needed. Label arrays may be shared between series and between requests
 * (they come from a cache): never modify them, replace them. reset() empties it.
 */
export class WriteRows {
  /** lines is the number of series. */
  lines = 0;
  /** labels holds each series' labels as sent (empty values and duplicate names included). */
  labels: (readonly Label[])[] = [];
  /** timestamps are integer milliseconds. */
  timestamps: Float64Array = new Float64Array(1024);
  /** values are the sample values, bit for bit as sent (staleness markers included). */
  values: Float64Array = new Float64Array(1024);
  /** valueBytes is a byte view of values, for copying float64 bits without touching them. */
  valueBytes: Uint8Array = new Uint8Array(this.values.buffer);
  /** offsets[i] is where series i's samples start; offsets[lines] === samples. */
  offsets: Uint32Array = new Uint32Array(1025);
  /** kinds[i] tells where series i comes from: SERIES_FLOAT or a SERIES_HISTOGRAM* kind. */
  kinds: Uint8Array = new Uint8Array(1024);
  /** samples is the number of samples in all series (float samples plus histogram-derived ones). */
  samples = 0;
  /** floatSamples is the number of float samples read. */
  floatSamples = 0;
  /** histograms is the number of native histogram samples read (each became several series). */
  histograms = 0;
  /** exemplars is the number of exemplars read (and dropped). */
  exemplars = 0;
  /** metadata is the number of metadata entries read (and dropped). */
  metadata = 0;

  /** reset empties rows for reuse, keeping the allocated arrays. */
  reset(): void {
    this.lines = 0;
    this.labels.length = 0;
    this.samples = 0;
    this.floatSamples = 0;
    this.histograms = 0;
    this.exemplars = 0;
    this.metadata = 0;
    this.offsets[0] = 0;
  }

  /** growSamples makes room for at least n samples in total (not only new ones). */
  growSamples(n: number): void {
    if (n <= this.values.length) return;
    const cap = Math.max(n, 2 * this.values.length);
    const v = new Float64Array(cap);
    v.set(this.values.subarray(0, this.samples));
    this.values = v;
    this.valueBytes = new Uint8Array(v.buffer);
    const t = new Float64Array(cap);
    t.set(this.timestamps.subarray(0, this.samples));
    this.timestamps = t;
  }

  /**
   * commitSeries appends a series whose samples were written at
   * timestamps/values[offsets[lines]..samples).
   */
  commitSeries(labels: readonly Label[], kind: number = SERIES_FLOAT): void {
    if (this.lines + 2 > this.offsets.length) {
      const o = new Uint32Array(2 * this.offsets.length);
      o.set(this.offsets);
      this.offsets = o;
      const k = new Uint8Array(2 * this.kinds.length);
      k.set(this.kinds);
      this.kinds = k;
    }
    this.kinds[this.lines] = kind;
    this.labels[this.lines] = labels;
    this.lines++;
    this.offsets[this.lines] = this.samples;
  }

  /** appendSeries appends a series with one sample. */
  appendSeries(labels: readonly Label[], timestamp: number, value: number, kind: number = SERIES_FLOAT): void {
    this.growSamples(this.samples + 1);
    this.timestamps[this.samples] = timestamp;
    this.values[this.samples] = value;
    this.samples++;
    this.commitSeries(labels, kind);
  }
}
