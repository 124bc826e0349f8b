// What every log ingestion handler shares: the -insert.* and
// -defaultMsgValue flags, the common request parameters, the row processor
// and VictoriaLogs' per-path request counters.
import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, bodyStream, readBody, type Request } from "../../lib/httpserver/index.ts";
import type { LogIngester } from "../../lib/protoparser/logs/index.ts";
import { type Counter, counter } from "../../lib/metrics/index.ts";
import { LogParseError, LogRowProcessor, parseCommonParams, type CommonParams } from "../../lib/protoparser/logs/index.ts";

/** maxLineSizeBytes is -insert.maxLineSizeBytes. */
export const maxLineSizeBytes = flags.bytes("insert.maxLineSizeBytes", 256 * 1024,
  "The maximum size of a single line, which can be read by /insert/* handlers; see https://docs.victoriametrics.com/victorialogs/faq/#what-length-a-log-record-is-expected-to-have");
/** maxFieldsPerLine is -insert.maxFieldsPerLine. */
export const maxFieldsPerLine = flags.int("insert.maxFieldsPerLine", 1000,
  "The maximum number of log fields per line, which can be read by /insert/* handlers; see https://docs.victoriametrics.com/victorialogs/faq/#how-many-fields-a-single-log-entry-may-contain");
/** defaultMsgValue is -defaultMsgValue. */
export const defaultMsgValue = flags.string("defaultMsgValue", "missing _msg field; see https://docs.victoriametrics.com/victorialogs/keyconcepts/#message-field",
  "Default value for _msg field if the ingested log entry doesn't contain it; see https://docs.victoriametrics.com/victorialogs/keyconcepts/#message-field");
/** maxStreamRequestSize is -insert.maxRequestSize (0: unlimited), for the streamed protocols. */
export const maxStreamRequestSize = flags.bytes("insert.maxRequestSize", 0,
  "The maximum size in bytes of a streamed log ingestion request body (jsonline, Elasticsearch bulk, journald) after decompression; " +
  "bigger requests get 413 after the rows read so far are stored. 0 means no limit, as in VictoriaLogs, which limits only the line size");

/** getCommonParams reads the common parameters of req; bad values give HttpError 400. */
export function getCommonParams(req: Request): CommonParams {
  try {
    return parseCommonParams({ query: (n) => req.query.get(n) ?? "", header: (n) => req.header(n) });
  } catch (e) {
    if (e instanceof LogParseError) throw new HttpError(400, e.message);
    throw e;
  }
}

/** newProcessor returns a row processor for a request of protocol type with the flags' limits. */
export function newProcessor(ingester: LogIngester, params: CommonParams, type: string): LogRowProcessor {
  return new LogRowProcessor({ ingester, params, type, defaultMsgValue: defaultMsgValue.value, maxFieldsPerLine: maxFieldsPerLine.value });
}

/** PathCounters are VictoriaLogs' `vl_http_requests_total` and `vl_http_errors_total` of a path. */
export interface PathCounters {
  requests: Counter;
  errors: Counter;
}

/** pathCounters returns the counters of path (with a `format` label when given). */
export function pathCounters(path: string, format?: string): PathCounters {
  const labels = `path=${JSON.stringify(path)}` + (format === undefined ? "" : `,format=${JSON.stringify(format)}`);
  return { requests: counter(`vl_http_requests_total{${labels}}`), errors: counter(`vl_http_errors_total{${labels}}`) };
}

/** streamBody is the decompressed request body of a streamed protocol, limited by -insert.maxRequestSize. */
export function streamBody(req: Request): AsyncIterable<Uint8Array> {
  const max = maxStreamRequestSize.value;
  return max > 0 ? bodyStream(req, { maxSize: max, limitName: "insert.maxRequestSize" }) : bodyStream(req, { maxSize: Number.MAX_SAFE_INTEGER });
}

/** readWholeBody reads a non-streamed request body (decompressed) of at most maxSize bytes. */
export function readWholeBody(req: Request, maxSize: number, limitName: string): Promise<Buffer> {
  return readBody(req, { maxSize, limitName });
}

/** toHttpError turns a LogParseError into HttpError 400 with prefix; other errors pass. */
export function toHttpError(e: unknown, prefix: string): unknown {
  if (e instanceof LogParseError) return new HttpError(400, `${prefix}: ${e.message}`);
  return e;
}

/** endResponse answers with status and an optional body (Content-Type as given). */
export function endResponse(res: http.ServerResponse, status: number, body = "", contentType = "application/json"): void {
  const b = Buffer.from(body, "utf8");
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", b.length);
  res.writeHead(status);
  res.end(b);
}
