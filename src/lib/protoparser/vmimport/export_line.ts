// /api/v1/export JSON lines, byte for byte as VictoriaMetrics 1.79.5 writes them
// (app/vmselect/prometheus/export.qtpl: ExportJSONLine and metricNameObject).
import { formatFloat } from "./format_float.ts";

const hex = "0123456789abcdef";

/**
 * quoteJSON quotes s as quicktemplate 1.7's `{%q %}` does: \n \r \t \" \\ escaped,
 * '<' as \u003c, '\'' as \u0027, other control characters as \u00XX; everything else
 * (including '>', '&' and non-ASCII text) is written as is.
 */
export function quoteJSON(s: string): string {
  const n = s.length;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x27) break;
  }
  if (i === n) return '"' + s + '"';
  let out = '"' + s.slice(0, i);
  let from = i;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    let e: string;
    if (c >= 0x20) {
      if (c === 0x22) e = '\\"';
      else if (c === 0x5c) e = "\\\\";
      else if (c === 0x3c) e = "\\u003c";
      else if (c === 0x27) e = "\\u0027";
      else continue;
    } else if (c === 0x0a) e = "\\n";
    else if (c === 0x0d) e = "\\r";
    else if (c === 0x09) e = "\\t";
    else e = "\\u00" + hex[c >> 4] + hex[c & 15];
    out += s.slice(from, i) + e;
    from = i + 1;
  }
  return out + s.slice(from) + '"';
}

/**
 * exportMetricObject returns the `{"__name__":"x","k":"v",...}` object of a series as
 * VictoriaMetrics writes it: pairs in the given order, a "__name__" pair with an empty
 * value left out (an unnamed series has no metric group), names and values quoted by
 * quoteJSON.
 */
export function exportMetricObject(labels: ReadonlyArray<readonly [string, string]>): string {
  let s = "{";
  let first = true;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l[1] === "" && l[0] === "__name__") continue;
    s += (first ? "" : ",") + quoteJSON(l[0]) + ":" + quoteJSON(l[1]);
    first = false;
  }
  return s + "}";
}

const ZEROS = "000000";

function formatTimestamp(t: number): string {
  // Millisecond timestamps of this era are not small integers (Smis), which V8 prints
  // slowly; their two halves are, and print fast.
  if (t >= 1e6 && t < 2e15) {
    const hi = Math.floor(t / 1e6);
    const lo = t - hi * 1e6;
    if (lo === Math.floor(lo)) {
      const ls = "" + lo;
      return hi + ZEROS.slice(ls.length) + ls;
    }
  }
  // Timestamps are integers; BigInt keeps the exact digits beyond 2^53.
  return Number.isSafeInteger(t) ? "" + t : BigInt(Math.trunc(t)).toString();
}

/**
 * exportLineWithMetric returns one export line (with trailing "\n") for samples
 * [start, end) of a series whose metric object (exportMetricObject) is given, or "" when
 * the range is empty. As in VictoriaMetrics 1.79.5, the first value is written by
 * formatFloat (so NaN is "NaN") and later NaN values as null.
 */
export function exportLineWithMetric(
  metric: string,
  timestamps: Float64Array,
  values: Float64Array,
  start: number,
  end: number,
): string {
  if (end <= start) return "";
  let s = '{"metric":' + metric + ',"values":[' + formatFloat(values[start]!);
  for (let i = start + 1; i < end; i++) {
    const v = values[i]!;
    s += v !== v ? ",null" : "," + formatFloat(v);
  }
  s += '],"timestamps":[' + formatTimestamp(timestamps[start]!);
  for (let i = start + 1; i < end; i++) s += "," + formatTimestamp(timestamps[i]!);
  return s + "]}\n";
}

/**
 * appendExportLine appends to out one JSON line (with trailing "\n") for samples
 * [start, end) of a series, exactly as VictoriaMetrics 1.79.5 /api/v1/export writes it;
 * nothing for an empty range. labels are written in the given order (the storage's:
 * "__name__" first, then by name).
 */
export function appendExportLine(
  out: string[],
  labels: ReadonlyArray<readonly [string, string]>,
  timestamps: Float64Array,
  values: Float64Array,
  start: number,
  end: number,
): void {
  if (end <= start) return;
  out.push(exportLineWithMetric(exportMetricObject(labels), timestamps, values, start, end));
}

/**
 * appendExportLines is appendExportLine with the `max_rows_per_line` query arg of
 * /api/v1/export: when maxRowsPerLine > 0 the samples are split into lines of at most
 * that many samples (each line's first value written by formatFloat, as VM does).
 */
export function appendExportLines(
  out: string[],
  labels: ReadonlyArray<readonly [string, string]>,
  timestamps: Float64Array,
  values: Float64Array,
  start: number,
  end: number,
  maxRowsPerLine: number,
): void {
  if (end <= start) return;
  const metric = exportMetricObject(labels);
  const step = maxRowsPerLine > 0 ? maxRowsPerLine : end - start;
  for (let i = start; i < end; i += step) {
    out.push(exportLineWithMetric(metric, timestamps, values, i, Math.min(end, i + step)));
  }
}
