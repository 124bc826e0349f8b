// /opentelemetry/v1/metrics (and /opentelemetry/api/v1/push): OTLP/HTTP metrics, as
// protobuf (ExportMetricsServiceRequest) or, with Content-Type application/json, the
// OTLP JSON encoding; gzip, deflate or zstd bodies. Metrics that cannot be decoded are
// counted in vm_rows_invalid_total{type="opentelemetry"} and named in a 400 answer,
// after the samples of every other metric of the request were stored.

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, readBody, type Request, type Router } from "../../lib/httpserver/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { ProtoError, ProtoWriter } from "../../lib/protobuf/index.ts";
import { OtlpDecoder, OtlpRows, jsonToProtobuf, type DecodeOptions } from "../../lib/protoparser/opentelemetry/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { extraLabels } from "./common.ts";
import { dropSeriesOverLabelLimits } from "./limits.ts";

const maxRequestSize = flags.bytes("opentelemetry.maxRequestSize", 64 * 1024 * 1024, "The maximum size in bytes of a single OpenTelemetry request");
const usePrometheusNaming = flags.bool("opentelemetry.usePrometheusNaming", false,
  "Whether to convert metric names and labels into Prometheus-compatible format for the metrics ingested via OpenTelemetry protocol; see https://docs.victoriametrics.com/victoriametrics/integrations/opentelemetry/");
const convertMetricNamesToPrometheus = flags.bool("opentelemetry.convertMetricNamesToPrometheus", false,
  "Whether to convert only metric names into Prometheus-compatible format for the metrics ingested via OpenTelemetry protocol; see https://docs.victoriametrics.com/victoriametrics/integrations/opentelemetry/");
const labelNameUnderscoreSanitization = flags.bool("opentelemetry.labelNameUnderscoreSanitization", true,
  "Whether to enable prepending of 'key' to labels starting with '_' when -opentelemetry.usePrometheusNaming is enabled. Reserved labels starting with '__' are not modified");
const promoteScopeMetadata = flags.bool("opentelemetry.promoteScopeMetadata", true,
  "Whether to promote OTel scope metadata (i.e. name, version and attributes) to metric labels");
const promoteAllResourceAttributes = flags.bool("opentelemetry.promoteAllResourceAttributes", true,
  "Whether to promote all resource attributes to labels, except for the ones configured with 'opentelemetry.ignoreResourceAttributes'");
const promoteResourceAttributes = flags.array("opentelemetry.promoteResourceAttributes", "Promote specific list of resource attributes to labels");
const ignoreResourceAttributes = flags.array("opentelemetry.ignoreResourceAttributes",
  "Control which resource attributes to ignore, can only be set when 'opentelemetry.promoteAllResourceAttributes' is true");

const rowsInserted = counter(`vm_rows_inserted_total{type="opentelemetry"}`);
const rowsInvalid = counter(`vm_rows_invalid_total{type="opentelemetry"}`);
const rowsRead = counter(`vm_protoparser_rows_read_total{type="opentelemetry"}`);

// One container for all requests: decoding and storing run without an await between them.
const rows = new OtlpRows();
const jsonWriter = new ProtoWriter();
let decoder: OtlpDecoder | undefined;
let decoderKey = "";

function currentDecoder(): OtlpDecoder {
  const opts: DecodeOptions = {
    usePrometheusNaming: usePrometheusNaming.value,
    convertMetricNamesToPrometheus: convertMetricNamesToPrometheus.value,
    labelNameUnderscoreSanitization: labelNameUnderscoreSanitization.value,
    promoteScopeMetadata: promoteScopeMetadata.value,
    promoteAllResourceAttributes: promoteAllResourceAttributes.value,
    resourceAttributes: new Set(promoteAllResourceAttributes.value ? ignoreResourceAttributes.value : promoteResourceAttributes.value),
  };
  const key = JSON.stringify({ ...opts, resourceAttributes: [...opts.resourceAttributes!] });
  if (decoder === undefined || key !== decoderKey) {
    decoder = new OtlpDecoder(opts);
    decoderKey = key;
  }
  return decoder;
}

/**
 * handleMetrics serves an OTLP/HTTP metrics export: 200 with an empty
 * ExportMetricsServiceResponse ("{}" for JSON requests) when everything was stored;
 * 400 naming the metrics that could not be decoded (the others are stored); 413 above
 * -opentelemetry.maxRequestSize; 400 for an unknown Content-Encoding.
 */
export async function handleMetrics(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  if (req.method !== "POST" && req.method !== "PUT") throw new HttpError(405, `unsupported method ${req.method}; use POST`);
  const extra = extraLabels(req);
  const isJSON = req.header("content-type").split(";")[0]!.trim().toLowerCase() === "application/json";
  const body = await readBody(req, { maxSize: maxRequestSize.value, limitName: "opentelemetry.maxRequestSize" });
  let invalid = 0;
  let errors: string[] = [];
  let decoded = 0;
  rows.reset();
  try {
    let data: Uint8Array = body;
    let decodeOK = true;
    if (isJSON) {
      try {
        data = jsonToProtobuf(body.toString("utf8"), jsonWriter);
      } catch (e) {
        if (!(e instanceof ProtoError)) throw e;
        invalid = 1;
        errors = [e.message];
        decodeOK = false;
      }
    }
    const store = (b: OtlpRows): void => {
      decoded += b.lines;
      rowsRead.add(b.lines);
      if (extra.length > 0) for (let i = 0; i < b.lines; i++) b.labels[i] = [...b.labels[i]!, ...extra];
      dropSeriesOverLabelLimits(b);
      if (b.lines > 0) rowsInserted.add(storage.addRows(b).rowsAdded);
    };
    if (decodeOK) {
      // Big requests are stored in batches of about 10k samples.
      const r = currentDecoder().decode(data, rows, store);
      invalid = r.invalid;
      errors = r.errors;
    }
    store(rows);
  } finally {
    rows.reset();
  }
  if (invalid > 0) {
    rowsInvalid.add(invalid);
    const msg = decoded === 0 && errors.length === 1
      ? `cannot decode OpenTelemetry protocol data: ${errors[0]}`
      : `cannot decode OpenTelemetry protocol data: ${invalid} invalid metrics or data points were skipped; the valid ones were stored: ${errors.join("; ")}`;
    warnRateLimited("opentelemetry", `${req.path} from ${req.remoteAddr}: ${msg}`);
    throw new HttpError(400, msg);
  }
  res.statusCode = 200;
  if (isJSON) {
    res.setHeader("Content-Type", "application/json");
    res.end("{}");
  } else {
    res.setHeader("Content-Type", "application/x-protobuf");
    res.end();
  }
}

/**
 * registerRoutes adds /opentelemetry/v1/metrics and /opentelemetry/api/v1/push to
 * router. It throws FlagError for contradicting -opentelemetry.* resource flags.
 */
export function registerRoutes(router: Router, storage: Storage): void {
  if (promoteAllResourceAttributes.value && promoteResourceAttributes.value.length > 0) {
    throw new flags.FlagError("cannot set both -opentelemetry.promoteAllResourceAttributes and -opentelemetry.promoteResourceAttributes; set -opentelemetry.promoteAllResourceAttributes=false to promote only the listed attributes");
  }
  if (!promoteAllResourceAttributes.value && ignoreResourceAttributes.value.length > 0) {
    throw new flags.FlagError("-opentelemetry.ignoreResourceAttributes can only be set when -opentelemetry.promoteAllResourceAttributes is true");
  }
  for (const p of ["/opentelemetry/v1/metrics", "/opentelemetry/api/v1/push"]) {
    router.add(p, (req, res) => handleMetrics(req, res, storage), { metricPath: "/opentelemetry/v1/metrics", protocol: "opentelemetry" });
  }
}
