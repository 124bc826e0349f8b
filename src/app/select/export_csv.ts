// /api/v1/export/csv?format=<fields>&match[]=...: one CSV line per sample, with the
// fields VictoriaMetrics 1.79.5 writes (app/vmselect/prometheus/export.qtpl), streamed
// series by series.

import type * as http from "node:http";
import { createResponseWriter, HttpError, isClientDisconnected, type Request } from "../../lib/httpserver/index.ts";
import { RFC3339, formatGoTime } from "../../lib/protoparser/csvimport/index.ts";
import { formatFloat, quoteJSON } from "../../lib/protoparser/vmimport/index.ts";
import { SeriesLimitError, type Storage } from "../../lib/storage/index.ts";
import { maxExportSeries } from "./export.ts";
import { exportParams } from "./prometheus_api.ts";

type SampleText = (ts: number, v: number) => string;

// csvText quotes s as VictoriaMetrics does (as a JSON string) when it holds '"', ',' or '\n'.
function csvText(s: string): string {
  return s.includes('"') || s.includes(",") || s.includes("\n") ? quoteJSON(s) : s;
}

function timestampField(format: string): SampleText {
  switch (format) {
    case "unix_s": return (ts) => String(Math.trunc(ts / 1000));
    case "unix_ms": return (ts) => String(ts);
    // ts * 1e6 exceeds 2^53: append the digits instead of multiplying.
    case "unix_ns": return (ts) => (ts === 0 ? "0" : String(ts) + "000000");
    case "rfc3339": return (ts) => formatGoTime(RFC3339, ts);
  }
  if (format.startsWith("custom:")) {
    const layout = format.slice("custom:".length);
    return (ts) => csvText(formatGoTime(layout, ts));
  }
  const text = `Unsupported timeFormat=${format}`;
  return () => text;
}

/** CSVField is one compiled field of the `format` arg: a label's text, or a function of the sample. */
export interface CSVField {
  /** label is the label name for a label field (its text is the same for every sample of a series). */
  label?: string;
  /** sample formats the sample for the other fields. */
  sample?: (ts: number, v: number) => string;
}

/**
 * csvFields compiles the `format` arg of /api/v1/export/csv: comma-separated field names,
 * each `__value__`, `__timestamp__` (unix milliseconds), `__timestamp__:<fmt>` (unix_s,
 * unix_ms, unix_ns, rfc3339 in UTC, custom:<Go layout>; another fmt prints
 * "Unsupported timeFormat=<fmt>") or a label name (`__name__` for the metric name; a
 * missing label is empty). Text holding '"', ',' or '\n' is written as a JSON string,
 * as VictoriaMetrics does.
 */
export function csvFields(format: string): CSVField[] {
  return format.split(",").map((name): CSVField => {
    if (name === "__value__") return { sample: (_ts, v) => formatFloat(v) };
    if (name === "__timestamp__") return { sample: (ts) => String(ts) };
    if (name.startsWith("__timestamp__:")) return { sample: timestampField(name.slice("__timestamp__:".length)) };
    return { label: name };
  });
}

/**
 * appendCSVLines appends to out one line ("a,b,c\n") per sample i in [from, to) of a
 * series with the given labels, using fields from csvFields; returns the added length.
 */
export function appendCSVLines(out: string[], fields: readonly CSVField[], labels: ReadonlyArray<readonly [string, string]>, timestamps: Float64Array, values: Float64Array, from: number, to: number): number {
  // Label fields do not change within a series: compute them once.
  const fixed = fields.map((f) => {
    if (f.label === undefined) return undefined;
    for (const l of labels) if (l[0] === f.label) return csvText(l[1]);
    return "";
  });
  let n = 0;
  for (let i = from; i < to; i++) {
    let line = "";
    for (let k = 0; k < fields.length; k++) {
      if (k > 0) line += ",";
      line += fixed[k] ?? fields[k]!.sample!(timestamps[i]!, values[i]!);
    }
    line += "\n";
    out.push(line);
    n += line.length;
  }
  return n;
}

/** handleExportCSV serves /api/v1/export/csv. */
export async function handleExportCSV(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  const args = await req.formArgs();
  const cp = await exportParams(req);
  const format = args.get("format") ?? "";
  if (format === "") throw new HttpError(400, "missing `format` arg; see https://docs.victoriametrics.com/#how-to-export-csv-data");
  const fields = csvFields(format);
  const { start: minT, end: maxT, filterSets } = cp;
  const maxSeries = maxExportSeries.value;
  const w = createResponseWriter(req, res, "text/csv; charset=utf-8");
  const seen = new Set<number>();
  const chunk: string[] = [];
  let chunkLen = 0;
  try {
    for (const filters of filterSets) {
      try {
        for (const s of storage.search(filters, minT, maxT, maxSeries)) {
          // Several match[] args may select the same series: export it once.
          if (filterSets.length > 1) {
            if (seen.has(s.tsid)) continue;
            seen.add(s.tsid);
          }
          chunkLen += appendCSVLines(chunk, fields, s.labels, s.timestamps, s.values, 0, s.n);
          if (chunkLen >= 256 * 1024) {
            await w.write(chunk.join(""));
            chunk.length = 0;
            chunkLen = 0;
          }
        }
      } catch (e) {
        if (e instanceof SeriesLimitError) throw new HttpError(400, `${e.message}; see -search.maxExportSeries`);
        throw e;
      }
    }
    await w.end(chunk.join(""));
  } catch (e) {
    if (isClientDisconnected(e)) return;
    throw e;
  }
}
