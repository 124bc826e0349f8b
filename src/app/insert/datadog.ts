// Datadog agent ingestion, at VictoriaMetrics' paths: /datadog/api/v1/series (JSON),
// /datadog/api/v2/series (JSON or protobuf), /datadog/api/beta/sketches (protobuf) and
// the small endpoints agents call besides (validate, check_run, intake, metadata). Paths
// also work with a trailing "/", which older agents send. Rows are stored only when the
// whole body decodes, as VictoriaMetrics does: a body it rejects gets 400 naming the
// problem and is counted in vm_protoparser_unmarshal_errors_total{type="datadogv1"} (or
// "datadogv2", "datadogsketches").

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, readBody, sendJSON, type Request, type Router } from "../../lib/httpserver/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { GoJSONError, SeriesRows } from "../../lib/protoparser/datadogutil/index.ts";
import { parseSeriesV1 } from "../../lib/protoparser/datadogv1/index.ts";
import { parseSeriesV2JSON, parseSeriesV2Protobuf } from "../../lib/protoparser/datadogv2/index.ts";
import { decodeSnappyBlock } from "../../lib/protoparser/util/index.ts";
import { parseSketches } from "../../lib/protoparser/datadogsketches/index.ts";
import { ProtoError } from "../../lib/protobuf/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { extraLabels } from "./common.ts";
import { dropSeriesOverLabelLimits } from "./limits.ts";

const maxRequestSize = flags.bytes("datadog.maxInsertRequestSize", 64 * 1024 * 1024, "The maximum size in bytes of a single DataDog POST request to /datadog/api/v2/series");
const sanitizeMetricName = flags.bool("datadog.sanitizeMetricName", true, "Sanitize metric names for the ingested DataDog data to comply with DataDog behaviour described at " +
  "https://docs.datadoghq.com/metrics/custom_metrics/#naming-custom-metrics");

interface Counters {
  inserted: ReturnType<typeof counter>;
  readCalls: ReturnType<typeof counter>;
  readErrors: ReturnType<typeof counter>;
  rowsRead: ReturnType<typeof counter>;
  unmarshalErrors: ReturnType<typeof counter>;
}

function counters(type: string): Counters {
  return {
    inserted: counter(`vm_rows_inserted_total{type="${type}"}`),
    readCalls: counter(`vm_protoparser_read_calls_total{type="${type}"}`),
    readErrors: counter(`vm_protoparser_read_errors_total{type="${type}"}`),
    rowsRead: counter(`vm_protoparser_rows_read_total{type="${type}"}`),
    unmarshalErrors: counter(`vm_protoparser_unmarshal_errors_total{type="${type}"}`),
  };
}

const v1 = counters("datadogv1");
const v2 = counters("datadogv2");
const sketches = counters("datadogsketches");

/**
 * readRequestBody reads the body with the limits of readBody, decoding gzip, deflate, zstd
 * and, as VictoriaMetrics also accepts, snappy (one block) Content-Encoding.
 */
export async function readRequestBody(req: Request, maxSize: number, limitName: string): Promise<Buffer> {
  if (req.header("content-encoding").trim().toLowerCase() !== "snappy") return readBody(req, { maxSize, limitName });
  const raw = await readBody(req, { maxSize, limitName, decompress: false });
  try {
    return decodeSnappyBlock(raw, maxSize);
  } catch (e) {
    throw new HttpError(400, `cannot decompress request body: ${(e as Error).message}`);
  }
}

// One batch for all requests: decoding and storing run without an await between them.
const rows = new SeriesRows();

/**
 * decodeAndStore reads the body, lets decode fill rows, and stores them. A decode error
 * (GoJSONError, or what isDecodeError accepts) becomes a 400 with VictoriaMetrics' words.
 */
async function decodeAndStore(
  req: Request, storage: Storage, c: Counters, what: string,
  decode: (body: Buffer, rows: SeriesRows, extra: Array<[string, string]>) => number,
  isDecodeError: (e: unknown) => boolean = () => false,
): Promise<void> {
  c.readCalls.inc();
  const extra = extraLabels(req);
  let body: Buffer;
  try {
    body = await readRequestBody(req, maxRequestSize.value, "datadog.maxInsertRequestSize");
  } catch (e) {
    c.readErrors.inc();
    throw e;
  }
  rows.reset();
  try {
    let n: number;
    try {
      n = decode(body, rows, extra);
    } catch (e) {
      if (!(e instanceof GoJSONError) && !isDecodeError(e)) throw e;
      c.unmarshalErrors.inc();
      c.readErrors.inc();
      const msg = `cannot decode DataDog protocol data: cannot unmarshal DataDog ${what} request with size ${body.length} bytes: ${(e as Error).message}`;
      warnRateLimited("datadog", `${req.path} from ${req.remoteAddr}: ${msg}`);
      throw new HttpError(400, msg);
    }
    c.rowsRead.add(n);
    dropSeriesOverLabelLimits(rows);
    if (rows.lines > 0) storage.addRows(rows);
    // VictoriaMetrics counts every decoded point as inserted (rows outside the retention too).
    c.inserted.add(n);
  } finally {
    rows.reset();
  }
}

/**
 * handleSeriesV1 serves /datadog/api/v1/series: 202 {"status":"ok"} once the series are
 * stored; 400 for a body that does not decode (nothing of it is stored); 413 above
 * -datadog.maxInsertRequestSize.
 */
export async function handleSeriesV1(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  await decodeAndStore(req, storage, v1, "POST", (body, r, extra) =>
    parseSeriesV1(body.toString("utf8"), r, { sanitize: sanitizeMetricName.value, nowSeconds: Math.floor(Date.now() / 1000), extraLabels: extra }));
  sendJSON(res, 202, `{"status":"ok"}`);
}

/**
 * handleSeriesV2 serves /datadog/api/v2/series: protobuf with Content-Type
 * application/x-protobuf, JSON otherwise. 202 {"status":"ok"} once the series are stored;
 * 400 for a body that does not decode (nothing of it is stored); 413 above
 * -datadog.maxInsertRequestSize.
 */
export async function handleSeriesV2(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  const ct = req.header("content-type");
  const isProto = ct === "application/x-protobuf";
  await decodeAndStore(req, storage, v2, ct, (body, r, extra) => {
    const opts = { sanitize: sanitizeMetricName.value, nowSeconds: Math.floor(Date.now() / 1000), extraLabels: extra };
    return isProto ? parseSeriesV2Protobuf(body, r, opts) : parseSeriesV2JSON(body.toString("utf8"), r, opts);
  }, (e) => e instanceof ProtoError);
  sendJSON(res, 202, `{"status":"ok"}`);
}

/**
 * handleSketches serves /datadog/api/beta/sketches (protobuf SketchPayload): 202 with an
 * empty body once the series are stored; 400 for a body that does not decode (nothing of
 * it is stored); 413 above -datadog.maxInsertRequestSize.
 */
export async function handleSketches(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  await decodeAndStore(req, storage, sketches, "Sketches", (body, r, extra) =>
    parseSketches(body, r, { sanitize: sanitizeMetricName.value, extraLabels: extra }), (e) => e instanceof ProtoError);
  res.statusCode = 202;
  res.end();
}

/**
 * registerRoutes adds the /datadog/... paths to router, each also with a trailing "/".
 */
export function registerRoutes(router: Router, storage: Storage): void {
  const add = (path: string, h: (req: Request, res: http.ServerResponse) => Promise<void> | void): void => {
    router.add(path, h, { metricPath: path, protocol: "datadog" });
    router.add(path + "/", h, { metricPath: path, protocol: "datadog" });
  };
  add("/datadog/api/v1/series", (req, res) => handleSeriesV1(req, res, storage));
  add("/datadog/api/v2/series", (req, res) => handleSeriesV2(req, res, storage));
  add("/datadog/api/beta/sketches", (req, res) => handleSketches(req, res, storage));
  // https://docs.datadoghq.com/api/latest/authentication/#validate-api-key
  add("/datadog/api/v1/validate", (_req, res) => sendJSON(res, 200, `{"valid":true}`));
  // https://docs.datadoghq.com/api/latest/service-checks/#submit-a-service-check
  add("/datadog/api/v1/check_run", (_req, res) => sendJSON(res, 202, `{"status":"ok"}`));
  add("/datadog/intake", (_req, res) => sendJSON(res, 200, `{}`));
  add("/datadog/api/v1/metadata", (_req, res) => sendJSON(res, 200, `{}`));
}
