// Native (sparse, exponential) histograms of remote write 1.0 and 2.0, decoded and
// converted to VictoriaMetrics histogram series at ingestion. README.md beside this
// file documents the mapping.

import { FieldReader, ProtoError } from "../../protobuf/index.ts";
import { isStaleNaN, staleNaN } from "../../encoding/index.ts";
import { formatVmrange } from "./vmrange.ts";
import { SERIES_HISTOGRAM, SERIES_HISTOGRAM_COUNT, type Label, type WriteRows } from "./write_rows.ts";

/** CUSTOM_BUCKETS_SCHEMA is the schema of native histograms with custom bucket bounds (NHCB). */
export const CUSTOM_BUCKETS_SCHEMA = -53;

/**
 * NativeHistogram is one decoded Histogram message (the same fields in remote write 1.0
 * and 2.0). Spans are flat [offset, length, offset, length, ...] lists. It is reused:
 * decode() resets it.
 */
export class NativeHistogram {
  count = 0;
  sum = 0;
  schema = 0;
  zeroThreshold = 0;
  zeroCount = 0;
  timestamp = 0;
  negativeSpans: number[] = [];
  negativeDeltas: number[] = [];
  negativeCounts: number[] = [];
  positiveSpans: number[] = [];
  positiveDeltas: number[] = [];
  positiveCounts: number[] = [];
  customValues: number[] = [];
  private readonly r = new FieldReader();
  private readonly sr = new FieldReader();

  /**
   * decode reads the Histogram message buf[start, end). It throws ProtoError for
   * malformed data.
   */
  decode(buf: Uint8Array, start: number, end: number): void {
    this.count = 0;
    this.sum = 0;
    this.schema = 0;
    this.zeroThreshold = 0;
    this.zeroCount = 0;
    this.timestamp = 0;
    this.negativeSpans.length = 0;
    this.negativeDeltas.length = 0;
    this.negativeCounts.length = 0;
    this.positiveSpans.length = 0;
    this.positiveDeltas.length = 0;
    this.positiveCounts.length = 0;
    this.customValues.length = 0;
    const r = this.r.reset(buf, start, end);
    while (r.next()) {
      switch (r.fieldNum) {
        case 1: this.count = r.uint64(); break; // count_int
        case 2: this.count = r.double(); break; // count_float
        case 3: this.sum = r.double(); break;
        case 4: this.schema = r.sint32(); break;
        case 5: this.zeroThreshold = r.double(); break;
        case 6: this.zeroCount = r.uint64(); break; // zero_count_int
        case 7: this.zeroCount = r.double(); break; // zero_count_float
        case 8: this.readSpan(r, this.negativeSpans); break;
        case 9: r.appendSint64s(this.negativeDeltas); break;
        case 10: r.appendDoubles(this.negativeCounts); break;
        case 11: this.readSpan(r, this.positiveSpans); break;
        case 12: r.appendSint64s(this.positiveDeltas); break;
        case 13: r.appendDoubles(this.positiveCounts); break;
        case 15: this.timestamp = r.int64(); break;
        case 16: r.appendDoubles(this.customValues); break;
        // 14 reset_hint and 17 start_timestamp (2.0) are not needed.
      }
    }
  }

  private readSpan(r: FieldReader, dst: number[]): void {
    r.message();
    const sr = this.sr.reset(r.buf, r.dataStart, r.dataEnd);
    let offset = 0;
    let length = 0;
    while (sr.next()) {
      if (sr.fieldNum === 1) offset = sr.sint32();
      else if (sr.fieldNum === 2) length = sr.uint32();
    }
    if (length > 1e6) throw new ProtoError(`cannot read bucket span: got length ${length}; want at most 1000000`);
    dst.push(offset, length);
  }
}

function withName(base: readonly Label[], nameIdx: number, name: string, extra?: Label): Label[] {
  const out: Label[] = base.slice();
  out[nameIdx] = ["__name__", name];
  if (extra !== undefined) out.push(extra);
  return out;
}

/**
 * appendNativeHistogram appends the series that stand for histogram h of the series
 * with labels base, as VictoriaMetrics converts native histograms: `<name>_count`,
 * `<name>_sum`, and one `<name>_bucket{vmrange="<lower>...<upper>"}` per non-empty
 * bucket (the zero bucket first, then positive, then negative buckets), each with one
 * sample at h.timestamp. Bucket values are the counts of each bucket (not cumulative).
 * A stale histogram (sum is the staleness marker) gives staleness markers for _count
 * and _sum only. A histogram of a series without a metric name is skipped. The series
 * are marked in rows.kinds (the _count series as SERIES_HISTOGRAM_COUNT). It returns
 * the number of series appended.
 */
export function appendNativeHistogram(rows: WriteRows, base: readonly Label[], h: NativeHistogram): number {
  let nameIdx = -1;
  for (let i = 0; i < base.length; i++) if (base[i]![0] === "__name__") nameIdx = i;
  if (nameIdx < 0 || base[nameIdx]![1] === "") return 0;
  const name = base[nameIdx]![1];
  const ts = h.timestamp;
  const lines = rows.lines;
  if (isStaleNaN(h.sum)) {
    rows.appendSeries(withName(base, nameIdx, name + "_count"), ts, staleNaN, SERIES_HISTOGRAM_COUNT);
    rows.appendSeries(withName(base, nameIdx, name + "_sum"), ts, staleNaN, SERIES_HISTOGRAM);
    return rows.lines - lines;
  }
  rows.appendSeries(withName(base, nameIdx, name + "_count"), ts, h.count, SERIES_HISTOGRAM_COUNT);
  rows.appendSeries(withName(base, nameIdx, name + "_sum"), ts, h.sum, SERIES_HISTOGRAM);
  const bucketName = name + "_bucket";
  const bucket = (lower: number, upper: number, v: number) => {
    rows.appendSeries(withName(base, nameIdx, bucketName, ["vmrange", formatVmrange(lower, upper)]), ts, v, SERIES_HISTOGRAM);
  };
  if (h.zeroCount > 0) bucket(-h.zeroThreshold, h.zeroThreshold, h.zeroCount);
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
    // Custom bounds: bucket i is (customValues[i-1], customValues[i]], the last one up to +Inf.
    const cv = h.customValues;
    forEachBucket(h.positiveSpans, h.positiveDeltas, h.positiveCounts, (idx, v) => {
      if (idx < 0 || idx > cv.length) return;
      bucket(idx === 0 ? -Infinity : cv[idx - 1]!, idx === cv.length ? Infinity : cv[idx]!, v);
    });
    return rows.lines - lines;
  }
  // Exponential buckets: bucket idx is (base^(idx-1), base^idx] with base = 2^(2^-schema).
  const b = Math.pow(2, Math.pow(2, -h.schema));
  forEachBucket(h.positiveSpans, h.positiveDeltas, h.positiveCounts, (idx, v) => {
    const upper = Math.pow(b, idx);
    bucket(upper / b, upper, v);
  });
  forEachBucket(h.negativeSpans, h.negativeDeltas, h.negativeCounts, (idx, v) => {
    const upper = Math.pow(b, idx);
    bucket(-upper, -upper / b, v);
  });
  return rows.lines - lines;
}

// forEachBucket calls f(index, count) for each bucket with a positive count. Counts come
// from floatCounts when there are any (float histograms), else from the running sum of
// deltas (integer histograms). Buckets beyond the given counts are ignored, as VM does.
function forEachBucket(spans: number[], deltas: number[], floatCounts: number[], f: (idx: number, count: number) => void): void {
  const useFloat = floatCounts.length > 0;
  let idx = 0;
  let k = 0;
  let cum = 0;
  for (let s = 0; s < spans.length; s += 2) {
    idx += spans[s]!;
    const n = spans[s + 1]!;
    for (let i = 0; i < n; i++, idx++) {
      let v: number;
      if (useFloat) {
        if (k >= floatCounts.length) return;
        v = floatCounts[k++]!;
      } else {
        if (k >= deltas.length) return;
        cum += deltas[k++]!;
        v = cum;
      }
      if (v > 0) f(idx, v);
    }
  }
}
