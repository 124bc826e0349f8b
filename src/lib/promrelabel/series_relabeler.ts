// SeriesRelabeler: relabeling of ingested series with a cache per distinct
// input label set. Ingestion sees the same series again and again, so the
// rules run once per series rather than once per sample, and the same output
// array comes back for the same input (which lets the storage reuse the
// canonical name it computed for that array).

import { LabelsBuf, type Label } from "./labels_buf.ts";
import type { ParsedConfigs } from "./relabel.ts";
import { sanitizeLabelName, sanitizeMetricName } from "./sanitize.ts";

/** SeriesRelabelerOptions configure a SeriesRelabeler. */
export interface SeriesRelabelerOptions {
  /** configs are the rules (-relabelConfig); undefined or empty for none. */
  readonly configs?: ParsedConfigs | undefined;
  /** promCompatibleNaming sanitizes metric and label names before the rules (-usePromCompatibleNaming). */
  readonly promCompatibleNaming?: boolean;
  /** cacheEntries bounds the cache (two generations of cacheEntries/2); 0 disables it. Default 100,000. */
  readonly cacheEntries?: number;
}

/**
 * SeriesRelabeler applies -usePromCompatibleNaming and then the relabeling
 * rules to the labels of one series at a time. Not re-entrant (one scratch
 * buffer); results are shared and must not be modified.
 */
export class SeriesRelabeler {
  readonly configs: ParsedConfigs | undefined;
  readonly promCompatibleNaming: boolean;
  private readonly lb = new LabelsBuf();
  private readonly half: number;
  private curr = new Map<string, ReadonlyArray<Label> | null>();
  private prev = new Map<string, ReadonlyArray<Label> | null>();
  // Parsers that keep one labels array per series (Prometheus text, remote
  // write) hit this first: keyed by the array, checked against its contents
  // (an array may be refilled for another series).
  private byArray = new WeakMap<ReadonlyArray<Label>, { flat: string[]; out: ReadonlyArray<Label> | null }>();

  constructor(opts: SeriesRelabelerOptions) {
    this.configs = opts.configs !== undefined && opts.configs.len > 0 ? opts.configs : undefined;
    this.promCompatibleNaming = opts.promCompatibleNaming === true;
    this.half = Math.floor((opts.cacheEntries ?? 100_000) / 2);
  }

  /** active is false when relabel would return every input unchanged. */
  get active(): boolean {
    return this.configs !== undefined || this.promCompatibleNaming;
  }

  /**
   * relabel returns the relabeled labels, or null when the series is dropped.
   * Labels keep their order where rules do not change them; empty values and
   * "__"-prefixed names other than __name__ are removed when rules are set.
   */
  relabel(labels: ReadonlyArray<Label>): ReadonlyArray<Label> | null {
    if (!this.active) return labels;
    if (this.half === 0) return this.compute(labels);
    const byArray = this.byArray.get(labels);
    if (byArray !== undefined && sameLabels(byArray.flat, labels)) return byArray.out;
    const out = this.relabelByKey(labels);
    const flat: string[] = new Array(2 * labels.length);
    for (let i = 0; i < labels.length; i++) {
      flat[2 * i] = labels[i]![0];
      flat[2 * i + 1] = labels[i]![1];
    }
    this.byArray.set(labels, { flat, out });
    return out;
  }

  private relabelByKey(labels: ReadonlyArray<Label>): ReadonlyArray<Label> | null {
    let key = "";
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i]!;
      key += `${l[0].length}:${l[0]}${l[1].length}:${l[1]}`;
    }
    let r = this.curr.get(key);
    if (r !== undefined) return r;
    r = this.prev.get(key);
    if (r === undefined) r = this.compute(labels);
    this.curr.set(key, r);
    if (this.curr.size >= this.half) {
      this.prev = this.curr;
      this.curr = new Map();
    }
    return r;
  }

  /** compute relabels without the cache. */
  compute(labels: ReadonlyArray<Label>): ReadonlyArray<Label> | null {
    const lb = this.lb;
    lb.reset(labels);
    if (this.promCompatibleNaming) {
      for (let i = 0; i < lb.n; i++) {
        if (lb.names[i] === "__name__") lb.values[i] = sanitizeMetricName(lb.values[i]!);
        else lb.names[i] = sanitizeLabelName(lb.names[i]!);
      }
    }
    if (this.configs !== undefined && !this.configs.apply(lb)) return null;
    return Object.freeze(lb.toLabels());
  }

  /** debugString renders labels for -relabelDebug style logs. */
  static debugString(labels: ReadonlyArray<Label>): string {
    const lb = new LabelsBuf();
    lb.reset(labels);
    return lb.toString();
  }
}

/** RowsLike is the columnar batch shape of storage.addRows (lib/storage Rows). */
export interface RowsLike {
  lines: number;
  labels: ReadonlyArray<ReadonlyArray<Label>>;
  timestamps: Float64Array;
  values: Float64Array;
  offsets: Uint32Array;
}

/**
 * RowsRelabeler relabels whole batches. Its scratch arrays are reused from
 * batch to batch: a returned batch is valid until the next call.
 */
export class RowsRelabeler {
  private labels: Array<ReadonlyArray<Label>> = [];
  private ts = new Float64Array(1024);
  private vals = new Float64Array(1024);
  private offs = new Uint32Array(1025);

  /**
   * relabelRows returns rows with every series relabeled by r, dropped series
   * (and their samples) left out, and the number of dropped series and samples.
   * When nothing is dropped the typed arrays of rows are shared.
   */
  relabelRows(rows: RowsLike, r: SeriesRelabeler): { rows: RowsLike; droppedSeries: number; droppedSamples: number } {
    const n = rows.lines;
    const out = this.labels;
    out.length = n;
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      const l = r.relabel(rows.labels[i]!);
      if (l === null) dropped++;
      out[i] = l ?? EMPTY;
    }
    if (dropped === 0) {
      return { rows: { lines: n, labels: out, timestamps: rows.timestamps, values: rows.values, offsets: rows.offsets }, droppedSeries: 0, droppedSamples: 0 };
    }
    // Compact: copy the samples of the kept series.
    const total = rows.offsets[n]! - rows.offsets[0]!;
    if (this.ts.length < total) {
      this.ts = new Float64Array(total);
      this.vals = new Float64Array(total);
    }
    if (this.offs.length < n + 1) this.offs = new Uint32Array(n + 1);
    const ts = this.ts, vals = this.vals, offs = this.offs;
    let k = 0, p = 0, droppedSamples = 0;
    offs[0] = 0;
    for (let i = 0; i < n; i++) {
      const s = rows.offsets[i]!, e = rows.offsets[i + 1]!;
      if (out[i] === EMPTY) {
        droppedSamples += e > s ? e - s : 0;
        continue;
      }
      for (let j = s; j < e; j++) {
        ts[p] = rows.timestamps[j]!;
        vals[p] = rows.values[j]!;
        p++;
      }
      out[k++] = out[i]!;
      offs[k] = p;
    }
    out.length = k;
    return { rows: { lines: k, labels: out, timestamps: ts, values: vals, offsets: offs }, droppedSeries: dropped, droppedSamples };
  }
}

const EMPTY: ReadonlyArray<Label> = Object.freeze([]);

function sameLabels(flat: readonly string[], labels: ReadonlyArray<Label>): boolean {
  if (flat.length !== 2 * labels.length) return false;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l[0] !== flat[2 * i] || l[1] !== flat[2 * i + 1]) return false;
  }
  return true;
}
