// The body of Datadog's POST /api/v1/series, decoded as VictoriaMetrics decodes it
// (lib/protoparser/datadogv1 and app/vminsert/datadogv1):
//   {"series":[{"metric":"m","host":"h","device":"d","points":[[ts_seconds,value],...],"tags":["name:value",...]}]}
// Labels: __name__ (sanitized with sanitize), host, device, each tag split at its first
// ":" (a "host" tag becomes "exported_host", a tag without ":" gets "no_label_value"),
// then the extra labels. A point with a timestamp <= 0 gets the current time.

import {
  GoJSONError, SeriesRows, field, goArray, goFloat, goObject, goString, jsonKind, parseJSON, sanitizeName, tagLabel,
} from "../datadogutil/index.ts";

/** ParseOptions control how series become labels and samples. */
export interface ParseOptions {
  /** sanitize applies -datadog.sanitizeMetricName to metric names. */
  sanitize: boolean;
  /** nowSeconds is the Unix time in whole seconds given to points with a timestamp <= 0. */
  nowSeconds: number;
  /** extraLabels are appended to the labels of every series. */
  extraLabels?: ReadonlyArray<readonly [string, string]>;
}

/**
 * parseSeriesV1 decodes a /api/v1/series JSON body into rows (appending to it) and returns
 * the number of points read. It throws GoJSONError for a body that VictoriaMetrics
 * rejects (bad JSON, a value of the wrong type); rows may then hold part of the body and
 * must be reset by the caller.
 */
export function parseSeriesV1(body: string, rows: SeriesRows, opts: ParseOptions): number {
  const req = parseJSON(body);
  if (req === null) return 0;
  if (jsonKind(req) !== "object") throw new GoJSONError(`json: cannot unmarshal ${jsonKind(req)} into Go value of type datadogv1.Request`);
  const series = goArray(field(req as Record<string, unknown>, "series"), "Request.series", "[]datadogv1.Series");
  const extra = opts.extraLabels ?? [];
  let points = 0;
  for (const sv of series) {
    const s = goObject(sv, "Request.series", "datadogv1.Series");
    if (s === undefined) continue;
    let metric = goString(field(s, "metric"), "Series.series.metric");
    const host = goString(field(s, "host"), "Series.series.host");
    const device = goString(field(s, "device"), "Series.series.device");
    const tags = goArray(field(s, "tags"), "Series.series.tags", "[]string");
    const pts = goArray(field(s, "points"), "Series.series.points", "[]datadogv1.Point");
    if (opts.sanitize) metric = sanitizeName(metric);
    const labels: Array<readonly [string, string]> = [["__name__", metric]];
    if (host !== "") labels.push(["host", host]);
    if (device !== "") labels.push(["device", device]);
    for (const t of tags) labels.push(tagLabel(goString(t, "Series.series.tags")));
    for (const l of extra) labels.push(l);
    for (const pv of pts) {
      // A point is a Go [2]float64: missing elements are 0, extra ones are skipped unchecked.
      const p = goArray(pv, "Series.series.points", "datadogv1.Point");
      let ts = p.length > 0 ? goFloat(p[0], "Series.series.points") : 0;
      const v = p.length > 1 ? goFloat(p[1], "Series.series.points") : 0;
      if (ts <= 0) ts = opts.nowSeconds;
      rows.addSample(Math.trunc(ts * 1000), v);
      points++;
    }
    rows.endSeries(labels);
  }
  return points;
}
