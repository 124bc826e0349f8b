// /insert/jsonline: JSON lines, processed as the body arrives.
// See https://docs.victoriametrics.com/victorialogs/data-ingestion/#json-stream-api
import type * as http from "node:http";
import { HttpError, type Request } from "../../lib/httpserver/index.ts";
import type { LogIngester } from "../../lib/protoparser/logs/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { processJsonLines, type StreamResult } from "../../lib/protoparser/logs/index.ts";
import { endResponse, getCommonParams, maxLineSizeBytes, newProcessor, pathCounters, streamBody } from "./common.ts";

const counters = pathCounters("/insert/jsonline");

/**
 * handleJsonline stores one row per JSON line and answers 200 with an empty
 * body. Invalid lines are skipped, logged and counted in
 * `vl_http_errors_total{path="/insert/jsonline"}`; when every line is
 * invalid the answer is 400 with the last error. Rows are committed in
 * bounded batches while the body streams in, and the rest before answering.
 */
export async function handleJsonline(req: Request, res: http.ServerResponse, ingester: LogIngester): Promise<void> {
  counters.requests.inc();
  let result: StreamResult;
  try {
    const cp = getCommonParams(req);
    const p = newProcessor(ingester, cp, "jsonline");
    try {
      result = await processJsonLines(streamBody(req), p, maxLineSizeBytes.value, (lineNumber, msg) => {
        warnRateLimited("vlinsert:jsonline", `jsonline: cannot read line #${lineNumber} in /insert/jsonline request from ${req.remoteAddr}: ${msg}`);
      });
    } finally {
      p.close();
    }
  } catch (e) {
    counters.errors.inc();
    throw e;
  }
  counters.errors.add(result.invalid);
  if (result.invalid > 0 && result.invalid === result.lines) {
    throw new HttpError(400, `cannot process jsonline request; error: ${result.lastError}`);
  }
  endResponse(res, 200);
}
