// The body of Datadog's POST /api/v2/series, as JSON or as protobuf (the agent's
// MetricPayload, https://github.com/DataDog/agent-payload proto/metrics/agent_payload.proto),
// decoded as VictoriaMetrics decodes it (lib/protoparser/datadogv2, app/vminsert/datadogv2):
//   {"series":[{"metric":"m","points":[{"timestamp":ts_seconds,"value":v}],"resources":[{"type":"host","name":"h"}],
//               "source_type_name":"s","tags":["name:value"]}]}
// Labels: __name__ (sanitized with sanitize), one label type=name per resource, each tag
// split at its first ":" ("host" becomes "exported_host", no ":" gives "no_label_value"),
// source_type_name when not empty, then the extra labels. JSON points with a timestamp <= 0
// get the current time; protobuf points keep theirs (as VictoriaMetrics does).

import { FieldReader, ProtoError } from "../../protobuf/index.ts";
import {
  GoJSONError, SeriesRows, field, goArray, goFloat, goInt64, goObject, goString, jsonKind, parseJSON, sanitizeName, tagLabel,
} from "../datadogutil/index.ts";

/** ParseOptions control how series become labels and samples. */
export interface ParseOptions {
  /** sanitize applies -datadog.sanitizeMetricName to metric names. */
  sanitize: boolean;
  /** nowSeconds is the Unix time in whole seconds given to JSON points with a timestamp <= 0. */
  nowSeconds: number;
  /** extraLabels are appended to the labels of every series. */
  extraLabels?: ReadonlyArray<readonly [string, string]>;
}

function seriesLabels(
  metric: string, resources: ReadonlyArray<readonly [string, string]>, tags: readonly string[], sourceTypeName: string, opts: ParseOptions,
): Array<readonly [string, string]> {
  const labels: Array<readonly [string, string]> = [["__name__", opts.sanitize ? sanitizeName(metric) : metric]];
  for (const r of resources) labels.push(r);
  for (const t of tags) labels.push(tagLabel(t));
  if (sourceTypeName !== "") labels.push(["source_type_name", sourceTypeName]);
  if (opts.extraLabels !== undefined) for (const l of opts.extraLabels) labels.push(l);
  return labels;
}

/**
 * parseSeriesV2JSON decodes a JSON /api/v2/series body into rows (appending to it) and
 * returns the number of points read. It throws GoJSONError for a body VictoriaMetrics
 * rejects; rows may then hold part of the body and must be reset by the caller.
 */
export function parseSeriesV2JSON(body: string, rows: SeriesRows, opts: ParseOptions): number {
  const req = parseJSON(body);
  if (req === null) return 0;
  if (jsonKind(req) !== "object") throw new GoJSONError(`json: cannot unmarshal ${jsonKind(req)} into Go value of type datadogv2.Request`);
  const series = goArray(field(req as Record<string, unknown>, "series"), "Request.series", "[]datadogv2.Series");
  let points = 0;
  for (const sv of series) {
    const s = goObject(sv, "Request.series", "datadogv2.Series");
    if (s === undefined) continue;
    const metric = goString(field(s, "metric"), "Series.series.metric");
    const sourceTypeName = goString(field(s, "source_type_name"), "Series.series.source_type_name");
    const resources: Array<readonly [string, string]> = [];
    for (const rv of goArray(field(s, "resources"), "Series.series.resources", "[]datadogv2.Resource")) {
      const r = goObject(rv, "Series.series.resources", "datadogv2.Resource");
      if (r === undefined) {
        resources.push(["", ""]);
        continue;
      }
      resources.push([goString(field(r, "type"), "Resource.series.resources.type"), goString(field(r, "name"), "Resource.series.resources.name")]);
    }
    const tags = goArray(field(s, "tags"), "Series.series.Tags", "[]string").map((t) => goString(t, "Series.series.Tags"));
    for (const pv of goArray(field(s, "points"), "Series.series.points", "[]datadogv2.Point")) {
      const p = goObject(pv, "Series.series.points", "datadogv2.Point");
      let ts = 0;
      let v = 0;
      if (p !== undefined) {
        ts = goInt64(field(p, "timestamp"), "Point.series.points.timestamp");
        v = goFloat(field(p, "value"), "Point.series.points.value");
      }
      if (ts <= 0) ts = opts.nowSeconds;
      rows.addSample(ts * 1000, v);
      points++;
    }
    rows.endSeries(seriesLabels(metric, resources, tags, sourceTypeName, opts));
  }
  return points;
}

// Readers per nesting level, reused between calls.
const reqReader = new FieldReader();
const seriesReader = new FieldReader();
const innerReader = new FieldReader();

/**
 * parseSeriesV2Protobuf decodes a protobuf /api/v2/series body (MetricPayload) into rows
 * (appending to it) and returns the number of points read. It throws ProtoError for
 * malformed protobuf (what VictoriaMetrics rejects); rows must then be reset by the caller.
 */
export function parseSeriesV2Protobuf(body: Uint8Array, rows: SeriesRows, opts: ParseOptions): number {
  let points = 0;
  const rr = reqReader.reset(body);
  try {
    while (rr.next()) {
      if (rr.fieldNum !== 1) continue;
      if (rr.wireType !== 2) throw new ProtoError("cannot read series data");
      try {
        points += parseSeries(rr, rows, opts);
      } catch (e) {
        if (e instanceof ProtoError) throw new ProtoError(`cannot unmarshal series: ${e.message}`);
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof ProtoError && e.message.startsWith("cannot read field tag")) throw new ProtoError(`cannot unmarshal next field: ${e.message}`);
    throw e;
  }
  return points;
}

// parseSeries reads the MetricSeries message in rr's current field.
function parseSeries(rr: FieldReader, rows: SeriesRows, opts: ParseOptions): number {
  // message MetricSeries { repeated Resource resources = 1; string metric = 2; repeated string tags = 3;
  //   repeated Point points = 4; string source_type_name = 7; ... }
  const sr = seriesReader.reset(rr.buf, rr.dataStart, rr.dataEnd);
  let metric = "";
  let sourceTypeName = "";
  const resources: Array<readonly [string, string]> = [];
  const tags: string[] = [];
  let points = 0;
  while (sr.next()) {
    switch (sr.fieldNum) {
      case 1: {
        if (sr.wireType !== 2) throw new ProtoError("cannot read resource data");
        // message Resource { string type = 1; string name = 2; }
        const r = innerReader.reset(sr.buf, sr.dataStart, sr.dataEnd);
        let type = "";
        let name = "";
        while (r.next()) {
          if (r.fieldNum === 1) {
            if (r.wireType !== 2) throw new ProtoError("cannot unmarshal resource: cannot unmarshal type");
            type = r.string();
          } else if (r.fieldNum === 2) {
            if (r.wireType !== 2) throw new ProtoError("cannot unmarshal resource: cannot unmarshal name");
            name = r.string();
          }
        }
        resources.push([type, name]);
        break;
      }
      case 2:
        if (sr.wireType !== 2) throw new ProtoError("cannot unmarshal metric");
        metric = sr.string();
        break;
      case 3:
        if (sr.wireType !== 2) throw new ProtoError("cannot unmarshal tag");
        tags.push(sr.string());
        break;
      case 4: {
        if (sr.wireType !== 2) throw new ProtoError("cannot read point data");
        // message Point { double value = 1; int64 timestamp = 2; }
        const p = innerReader.reset(sr.buf, sr.dataStart, sr.dataEnd);
        let ts = 0;
        let v = 0;
        while (p.next()) {
          if (p.fieldNum === 1) {
            if (p.wireType !== 1) throw new ProtoError("cannot unmarshal point: cannot unmarshal value");
            v = p.double();
          } else if (p.fieldNum === 2) {
            if (p.wireType !== 0) throw new ProtoError("cannot unmarshal point: cannot unmarshal timestamp");
            ts = p.int64();
          }
        }
        rows.addSample(ts * 1000, v);
        points++;
        break;
      }
      case 7:
        if (sr.wireType !== 2) throw new ProtoError("cannot unmarshal source_type_name");
        sourceTypeName = sr.string();
        break;
    }
  }
  rows.endSeries(seriesLabels(metric, resources, tags, sourceTypeName, opts));
  return points;
}
