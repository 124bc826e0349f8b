// OpenTelemetry logs (/insert/opentelemetry/v1/logs): OTLP/HTTP protobuf or
// JSON, gzip/zstd bodies. See
// https://docs.victoriametrics.com/victorialogs/data-ingestion/opentelemetry/
import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { type Request, type Router } from "../../lib/httpserver/index.ts";
import type { LogIngester } from "../../lib/protoparser/logs/index.ts";
import { addOtlpLogs, decodeOtlpLogsJSON, decodeOtlpLogsProtobuf, type OtlpResourceLogs } from "../../lib/protoparser/logs/index.ts";
import { endResponse, getCommonParams, newProcessor, pathCounters, readWholeBody, toHttpError } from "./common.ts";

const protobufCounters = pathCounters("/insert/opentelemetry/v1/logs", "protobuf");
const jsonCounters = pathCounters("/insert/opentelemetry/v1/logs", "json");

// The metrics side declares -opentelemetry.maxRequestSize; both share it.
function maxRequestSize(): number {
  const f = flags.lookup("opentelemetry.maxRequestSize");
  return typeof f?.value === "number" && f.value > 0 ? f.value : 64 * 1024 * 1024;
}

/**
 * handleLogs stores an OTLP logs export and answers 200 with an empty
 * ExportLogsServiceResponse (no body for protobuf, `{}` for JSON). A body
 * that cannot be decoded gets 400 and nothing of it is stored.
 */
export async function handleLogs(req: Request, res: http.ServerResponse, ingester: LogIngester): Promise<void> {
  const isJSON = req.header("content-type").split(";")[0]!.trim().toLowerCase() === "application/json";
  const counters = isJSON ? jsonCounters : protobufCounters;
  counters.requests.inc();
  try {
    const cp = getCommonParams(req);
    const body = await readWholeBody(req, maxRequestSize(), "opentelemetry.maxRequestSize");
    let resources: OtlpResourceLogs[];
    try {
      resources = isJSON ? decodeOtlpLogsJSON(body.toString("utf8")) : decodeOtlpLogsProtobuf(body);
    } catch (e) {
      throw toHttpError(e, "cannot read OpenTelemetry protocol data");
    }
    const p = newProcessor(ingester, cp, isJSON ? "opentelemetry_json" : "opentelemetry_protobuf");
    try {
      addOtlpLogs(resources, p);
    } finally {
      p.close();
    }
  } catch (e) {
    counters.errors.inc();
    throw e;
  }
  if (isJSON) endResponse(res, 200, "{}");
  else endResponse(res, 200, "", "application/x-protobuf");
}

/** registerRoutes adds /insert/opentelemetry/v1/logs. */
export function registerRoutes(router: Router, ingester: LogIngester): void {
  router.add("/insert/opentelemetry/v1/logs", (req, res) => handleLogs(req, res, ingester), { methods: ["POST"], protocol: "opentelemetry" });
}
