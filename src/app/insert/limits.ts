// Per-series label limits of the ingestion paths, as VictoriaMetrics' vminsert applies
// them (lib/timeserieslimits): a series with too many labels, a too long label name or
// a too long label value is ignored (not truncated), counted in
// vm_rows_ignored_total{reason=...}, and logged at most once per 5 s per reason.
// Labels with an empty value do not count: they are dropped on insert anyway.

import * as flags from "../../lib/flagutil/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";

const maxLabelsPerTimeseries = flags.int("maxLabelsPerTimeseries", 40,
  "The maximum number of labels per time series to be accepted. Series with superfluous labels are ignored. In this case the vm_rows_ignored_total{reason=\"too_many_labels\"} metric at /metrics page is incremented");
const maxLabelNameLen = flags.int("maxLabelNameLen", 256,
  "The maximum length of label name in the accepted time series. Series with longer label name are ignored. In this case the vm_rows_ignored_total{reason=\"too_long_label_name\"} metric at /metrics page is incremented");
const maxLabelValueLen = flags.int("maxLabelValueLen", 4 * 1024,
  "The maximum length of label values in the accepted time series. Series with longer label value are ignored. In this case the vm_rows_ignored_total{reason=\"too_long_label_value\"} metric at /metrics page is incremented");

const tooManyLabels = counter(`vm_rows_ignored_total{reason="too_many_labels"}`);
const tooLongLabelName = counter(`vm_rows_ignored_total{reason="too_long_label_name"}`);
const tooLongLabelValue = counter(`vm_rows_ignored_total{reason="too_long_label_value"}`);

/** LabelLimits are the three limits; 0 (or less) disables one. */
export interface LabelLimits {
  maxLabelsPerTimeseries: number;
  maxLabelNameLen: number;
  maxLabelValueLen: number;
}

/** labelLimits returns the limits set by the flags. */
export function labelLimits(): LabelLimits {
  return { maxLabelsPerTimeseries: maxLabelsPerTimeseries.value, maxLabelNameLen: maxLabelNameLen.value, maxLabelValueLen: maxLabelValueLen.value };
}

// utf8Longer reports whether s takes more than max bytes in UTF-8 (Go's len), computing
// the byte length only when the UTF-16 length cannot decide.
function utf8Longer(s: string, max: number): boolean {
  if (s.length * 3 <= max) return false;
  if (s.length > max) return true;
  return Buffer.byteLength(s, "utf8") > max;
}

function labelsText(labels: ReadonlyArray<readonly [string, string]>): string {
  const s = "{" + labels.map(([n, v]) => `${n}=${JSON.stringify(v.length > 100 ? v.slice(0, 100) + "..." : v)}`).join(", ") + "}";
  return s.length > 1000 ? s.slice(0, 1000) + "..." : s;
}

/**
 * exceedsLabelLimits reports whether a series must be ignored because of the label
 * limits (by default the flags -maxLabelsPerTimeseries, -maxLabelNameLen,
 * -maxLabelValueLen; lengths are UTF-8 bytes). When it does, it counts the series in
 * vm_rows_ignored_total{reason="too_many_labels"|"too_long_label_name"|"too_long_label_value"}
 * and logs a rate-limited warning.
 */
export function exceedsLabelLimits(labels: ReadonlyArray<readonly [string, string]>, limits: LabelLimits = labelLimits()): boolean {
  const maxLabels = limits.maxLabelsPerTimeseries;
  if (maxLabels > 0 && labels.length > maxLabels) {
    let n = 0;
    for (const l of labels) if (l[1] !== "") n++;
    if (n > maxLabels) {
      tooManyLabels.inc();
      warnRateLimited("too_many_labels", `ignoring series with ${n} labels for ${labelsText(labels)}; either reduce the number of labels for this metric or increase -maxLabelsPerTimeseries=${maxLabels} command-line flag value`);
      return true;
    }
  }
  const maxName = limits.maxLabelNameLen;
  const maxValue = limits.maxLabelValueLen;
  for (const [name, value] of labels) {
    if (value === "") continue;
    if (maxName > 0 && utf8Longer(name, maxName)) {
      tooLongLabelName.inc();
      warnRateLimited("too_long_label_name", `ignoring series with label ${JSON.stringify(name.slice(0, 300))} for ${labelsText(labels)}; label name length=${Buffer.byteLength(name)} exceeds -maxLabelNameLen=${maxName}; either reduce the label name length or increase -maxLabelNameLen command-line flag value`);
      return true;
    }
    if (maxValue > 0 && utf8Longer(value, maxValue)) {
      tooLongLabelValue.inc();
      warnRateLimited("too_long_label_value", `ignoring series with ${name}=${JSON.stringify(value.slice(0, 100) + "...")} label for ${labelsText(labels)}; label value length=${Buffer.byteLength(value)} exceeds -maxLabelValueLen=${maxValue}; either reduce the label value length or increase -maxLabelValueLen command-line flag value`);
      return true;
    }
  }
  return false;
}

/** MutableRows is the columnar batch shape (storage's Rows) that dropSeriesOverLabelLimits edits in place. */
export interface MutableRows {
  lines: number;
  labels: Array<ReadonlyArray<readonly [string, string]>>;
  timestamps: Float64Array;
  values: Float64Array;
  offsets: Uint32Array;
}

/**
 * dropSeriesOverLabelLimits removes from rows, in place, every series that
 * exceedsLabelLimits rejects (counting each as that function does), moving the
 * remaining series and their samples down so that rows stays a valid batch (value bits
 * are kept). It returns the number of samples removed, and calls onDrop(i, samples) with
 * the original index of each removed series. Other fields of the object (a `samples`
 * count, say) are the caller's to update.
 */
export function dropSeriesOverLabelLimits(rows: MutableRows, limits: LabelLimits = labelLimits(), onDrop?: (i: number, samples: number) => void): number {
  let out = 0;
  let dropped = 0;
  const { timestamps, values, offsets } = rows;
  const n = rows.lines;
  for (let i = 0; i < n; i++) {
    const s = offsets[i]!;
    const e = offsets[i + 1]!;
    if (exceedsLabelLimits(rows.labels[i]!, limits)) {
      dropped += e - s;
      onDrop?.(i, e - s);
      continue;
    }
    if (dropped > 0) {
      // Typed-array copies move the bytes as they are (NaN payloads included).
      timestamps.copyWithin(s - dropped, s, e);
      values.copyWithin(s - dropped, s, e);
    }
    if (out !== i) rows.labels[out] = rows.labels[i]!;
    offsets[out + 1] = e - dropped;
    out++;
  }
  if (out < n) {
    rows.lines = out;
    rows.labels.length = out;
  }
  return dropped;
}
