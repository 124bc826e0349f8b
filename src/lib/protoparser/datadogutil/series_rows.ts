// SeriesRows: the columnar batch the Datadog and NewRelic parsers fill.

/**
 * SeriesRows is a storage Rows batch that grows as series are added: call addSample for
 * each sample of a series, then endSeries with its labels. A series with no samples is
 * not added. reset() empties it and keeps the typed arrays for the next request.
 */
export class SeriesRows {
  lines = 0;
  labels: Array<ReadonlyArray<readonly [string, string]>> = [];
  timestamps = new Float64Array(1024);
  values = new Float64Array(1024);
  offsets = new Uint32Array(257);
  /** samples is the number of samples in the batch. */
  samples = 0;

  /** reset empties the batch. */
  reset(): void {
    this.lines = 0;
    this.labels.length = 0;
    this.samples = 0;
  }

  /** addSample appends one sample (timestamp in ms) to the series being built. */
  addSample(timestamp: number, value: number): void {
    const n = this.samples;
    if (n === this.timestamps.length) {
      const ts = new Float64Array(n * 2);
      ts.set(this.timestamps);
      this.timestamps = ts;
      const vs = new Float64Array(n * 2);
      vs.set(this.values);
      this.values = vs;
    }
    this.timestamps[n] = timestamp;
    this.values[n] = value;
    this.samples = n + 1;
  }

  /** endSeries closes the series being built with labels; without samples it is skipped. */
  endSeries(labels: ReadonlyArray<readonly [string, string]>): void {
    const start = this.lines === 0 ? 0 : this.offsets[this.lines]!;
    if (this.samples === start) return;
    if (this.lines + 2 > this.offsets.length) {
      const o = new Uint32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
    }
    this.offsets[0] = 0;
    this.labels[this.lines] = labels;
    this.lines++;
    this.offsets[this.lines] = this.samples;
  }

  /** discardSeries drops the samples added since the last endSeries. */
  discardSeries(): void {
    this.samples = this.lines === 0 ? 0 : this.offsets[this.lines]!;
  }
}
