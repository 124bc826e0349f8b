// The columnar batch the OpenTelemetry decoder fills: one series per sample (as in
// VictoriaMetrics), in the shape of storage's Rows.

/**
 * OtlpRows holds decoded samples: series i has labels[i] and the single sample
 * timestamps[i] / values[i] (offsets[i] = i). reset() keeps the typed arrays.
 */
export class OtlpRows {
  /** lines is the number of series (= samples). */
  lines = 0;
  labels: Array<ReadonlyArray<readonly [string, string]>> = [];
  timestamps = new Float64Array(1024);
  values = new Float64Array(1024);
  offsets = new Uint32Array(1025);

  /** reset empties the batch. */
  reset(): void {
    this.lines = 0;
    this.labels.length = 0;
  }

  /** truncate drops every series from index n on (n <= lines). */
  truncate(n: number): void {
    if (n > this.lines) throw new Error(`BUG: OtlpRows.truncate(${n}) beyond ${this.lines} rows`);
    this.lines = n;
    this.labels.length = n;
  }

  /** push appends one series with one sample; the labels array is kept, not copied. */
  push(labels: ReadonlyArray<readonly [string, string]>, timestampMs: number, value: number): void {
    const i = this.lines;
    if (i === this.timestamps.length) this.grow();
    this.labels[i] = labels;
    this.timestamps[i] = timestampMs;
    this.values[i] = value;
    this.offsets[i + 1] = i + 1;
    this.lines = i + 1;
  }

  /** markStale sets the last pushed value to VictoriaMetrics' staleness marker (a NaN with payload 2). */
  markStale(): void {
    const i = this.lines - 1;
    if (i < 0) throw new Error("BUG: OtlpRows.markStale without a row");
    // Written as bits so that the NaN payload survives.
    const u32 = new Uint32Array(this.values.buffer, this.values.byteOffset, this.values.length * 2);
    u32[2 * i] = 2;
    u32[2 * i + 1] = 0x7ff00000;
  }

  private grow(): void {
    const n = this.timestamps.length * 2;
    const ts = new Float64Array(n);
    ts.set(this.timestamps);
    const vs = new Float64Array(n);
    vs.set(this.values);
    const offs = new Uint32Array(n + 1);
    offs.set(this.offsets);
    this.timestamps = ts;
    this.values = vs;
    this.offsets = offs;
  }
}
