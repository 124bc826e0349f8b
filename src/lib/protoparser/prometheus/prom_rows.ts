// The columnar container that the Prometheus text parser fills: one sample per line.

/** Label is one [name, value] pair of a series; "__name__" holds the metric name. */
export type Label = readonly [name: string, value: string];

/**
 * PromRows is a reusable columnar container of parsed sample lines in the shape
 * storage.addRows takes: series i has labels[i] and its one sample at
 * timestamps/values[i] (offsets[i] = i). A timestamp of 0 means "none given". reset()
 * empties it; a consumer must copy what it keeps before the container is reset.
 */
export class PromRows {
  /** lines is the number of rows. */
  lines = 0;
  /**
   * labels holds each row's labels: __name__ first, then the line's labels in order.
   * Rows of the same series share one array, also across blocks and requests (the
   * parser caches it): never modify one, replace it.
   */
  labels: (readonly Label[])[] = [];
  /** timestamps are integer milliseconds (0: none given on the line). */
  timestamps: Float64Array = new Float64Array(1024);
  /** values are the sample values. */
  values: Float64Array = new Float64Array(1024);
  /** offsets[i] = i: each row has one sample. */
  offsets: Uint32Array = PromRows.identity(1025);

  private static identity(n: number): Uint32Array {
    const o = new Uint32Array(n);
    for (let i = 0; i < n; i++) o[i] = i;
    return o;
  }

  /** reset empties rows for reuse, keeping the allocated arrays (offsets back to offsets[i] = i if a consumer compacted them). */
  reset(): void {
    const o = this.offsets;
    for (let i = 0; i <= this.lines; i++) if (o[i] !== i) o[i] = i;
    this.lines = 0;
    this.labels.length = 0;
  }

  /** append adds a row; it takes labels (["__name__", metric] first) as they are. */
  append(labels: readonly Label[], value: number, timestamp: number): void {
    const i = this.lines;
    if (i >= this.values.length) {
      const cap = 2 * this.values.length;
      const v = new Float64Array(cap);
      v.set(this.values);
      this.values = v;
      const t = new Float64Array(cap);
      t.set(this.timestamps);
      this.timestamps = t;
      this.offsets = PromRows.identity(cap + 1);
    }
    this.labels[i] = labels;
    this.values[i] = value;
    this.timestamps[i] = timestamp;
    this.lines = i + 1;
  }
}
