// DataDog agent logs (/insert/datadog/api/v2/logs) and the key validation
// the agent calls. See
// https://docs.victoriametrics.com/victorialogs/data-ingestion/datadog-agent/
import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, type Request, type Router } from "../../lib/httpserver/index.ts";
import type { LogIngester } from "../../lib/protoparser/logs/index.ts";
import { processDatadogLogs } from "../../lib/protoparser/logs/index.ts";
import { endResponse, getCommonParams, newProcessor, pathCounters, readWholeBody, toHttpError } from "./common.ts";

const streamFields = flags.array("datadog.streamFields", "Comma-separated list of fields to use as log stream fields for logs ingested via DataDog protocol");
const ignoreFields = flags.array("datadog.ignoreFields", "Comma-separated list of fields to ignore for logs ingested via DataDog protocol");
const maxRequestSize = flags.bytes("datadog.maxRequestSize", 64 * 1024 * 1024, "The maximum size in bytes of a single DataDog request");

const counters = pathCounters("/insert/datadog/api/v2/logs");

/**
 * handleLogs stores a DataDog logs request and answers 202 `{}`. A body
 * that cannot be decoded gets 400 and nothing of it is stored.
 */
export async function handleLogs(req: Request, res: http.ServerResponse, ingester: LogIngester): Promise<void> {
  counters.requests.inc();
  try {
    let tsNs = BigInt(Date.now()) * 1_000_000n;
    const h = req.header("dd-message-timestamp");
    if (h !== "" && h !== "0") {
      if (!/^-?\d{1,16}$/.test(h)) throw new HttpError(400, `cannot parse dd-message-timestamp header ${JSON.stringify(h)}: want unix milliseconds`);
      tsNs = BigInt(h) * 1_000_000n;
    }
    const cp = getCommonParams(req);
    if (!cp.isStreamFieldsSet) cp.streamFields = streamFields.value.filter((s) => s !== "");
    if (cp.ignoreFields.length === 0) cp.ignoreFields = ignoreFields.value.filter((s) => s !== "");
    const body = await readWholeBody(req, maxRequestSize.value, "datadog.maxRequestSize");
    const p = newProcessor(ingester, cp, "datadog");
    try {
      processDatadogLogs(body.toString("utf8"), tsNs, p);
    } catch (e) {
      throw toHttpError(e, "cannot read DataDog protocol data");
    } finally {
      p.close();
    }
  } catch (e) {
    counters.errors.inc();
    throw e;
  }
  endResponse(res, 202, "{}");
}

/** registerRoutes adds the /insert/datadog paths. */
export function registerRoutes(router: Router, ingester: LogIngester): void {
  router.add("/insert/datadog/api/v2/logs", (req, res) => handleLogs(req, res, ingester), { methods: ["POST"], protocol: "datadog" });
  router.add("/insert/datadog/api/v1/validate", (_req, res) => endResponse(res, 200, "{}"), { protocol: "datadog" });
}
