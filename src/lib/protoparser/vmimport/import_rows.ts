// The columnar container that the JSON line parser fills.

/** Label is one [name, value] pair of a series; "__name__" is a label like any other. */
export type Label = [name: string, value: string];

/**
 * ImportRows is a reusable columnar container for parsed lines: labels of line i, and its
 * samples in timestamps/values[offsets[i]..offsets[i+1]). The typed arrays are reused
 * and may be longer than needed: only timestamps/values[0..samples) and
 * offsets[0..lines] are meaningful. reset() empties it for reuse; a consumer must copy
 * whatever it keeps before the container is reset.
 */
export class ImportRows {
  /** lines is the number of parsed lines. */
  lines = 0;
  /**
   * labels holds, per line, its labels in the order of the line, with empty-valued labels
   * and labels with an empty name left out (as VictoriaMetrics drops them on insert), and
   * duplicate names kept (VictoriaMetrics' storage keeps the last one). A line may end up
   * with no labels; VictoriaMetrics skips such series silently.
   */
  labels: Label[][] = [];
  /** timestamps are integer milliseconds, all lines concatenated. */
  timestamps: Float64Array = new Float64Array(1024);
  /** values are the sample values, aligned with timestamps. */
  values: Float64Array = new Float64Array(1024);
  /** offsets[i] is where line i's samples start; offsets[lines] === samples. */
  offsets: Uint32Array = new Uint32Array(64);
  /** samples is the total number of samples. */
  samples = 0;

  /** reset empties rows for reuse, keeping the allocated arrays. */
  reset(): void {
    this.lines = 0;
    this.labels.length = 0;
    this.samples = 0;
    this.offsets[0] = 0;
  }

  /** growSamples makes room for at least n samples in total (not only new ones). */
  growSamples(n: number): void {
    if (n <= this.values.length) return;
    const cap = Math.max(n, 2 * this.values.length);
    const v = new Float64Array(cap);
    v.set(this.values);
    this.values = v;
    const t = new Float64Array(cap);
    t.set(this.timestamps);
    this.timestamps = t;
  }

  /**
   * commitLine appends a line whose n samples were already written at
   * timestamps/values[samples..samples+n).
   */
  commitLine(labels: Label[], n: number): void {
    if (this.lines + 2 > this.offsets.length) {
      const o = new Uint32Array(2 * this.offsets.length);
      o.set(this.offsets);
      this.offsets = o;
    }
    this.labels.push(labels);
    this.samples += n;
    this.lines++;
    this.offsets[this.lines] = this.samples;
  }
}

/**
 * detachString returns a copy of s that does not keep alive the (possibly huge) string
 * it was sliced from: V8 represents slices of 13+ characters as views into the parent.
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}
