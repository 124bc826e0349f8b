// NewRelic infrastructure agent ingestion, at VictoriaMetrics' paths: the agent's
// connect check (/newrelic), inventory (/newrelic/inventory/deltas) and metric events
// (/newrelic/infra/v2/metrics/events/bulk). Events are stored only when the whole body
// decodes, as VictoriaMetrics does: a body it rejects gets 400 naming the problem and is
// counted in vm_protoparser_unmarshal_errors_total{type="newrelic"}.

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, sendJSON, type Request, type Router } from "../../lib/httpserver/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { SeriesRows } from "../../lib/protoparser/datadogutil/index.ts";
import { NewRelicParseError, parseEvents } from "../../lib/protoparser/newrelic/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { extraLabels } from "./common.ts";
import { readRequestBody } from "./datadog.ts";
import { dropSeriesOverLabelLimits } from "./limits.ts";

const maxRequestSize = flags.bytes("newrelic.maxInsertRequestSize", 64 * 1024 * 1024, "The maximum size in bytes of a single NewRelic request " +
  "to /newrelic/infra/v2/metrics/events/bulk");

const rowsInserted = counter(`vm_rows_inserted_total{type="newrelic"}`);
const readCalls = counter(`vm_protoparser_read_calls_total{type="newrelic"}`);
const readErrors = counter(`vm_protoparser_read_errors_total{type="newrelic"}`);
const unmarshalErrors = counter(`vm_protoparser_unmarshal_errors_total{type="newrelic"}`);

// One batch for all requests: decoding and storing run without an await between them.
const rows = new SeriesRows();

/**
 * handleEvents serves /newrelic/infra/v2/metrics/events/bulk: 202 {"status":"ok"} once
 * the samples are stored; 400 for a body that does not decode (nothing of it is stored);
 * 413 above -newrelic.maxInsertRequestSize.
 */
export async function handleEvents(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  readCalls.inc();
  const extra = extraLabels(req);
  let body: Buffer;
  try {
    body = await readRequestBody(req, maxRequestSize.value, "newrelic.maxInsertRequestSize");
  } catch (e) {
    readErrors.inc();
    throw e;
  }
  rows.reset();
  try {
    let n: number;
    try {
      n = parseEvents(body.toString("utf8"), rows, { nowMs: Math.floor(Date.now() / 1000) * 1000, extraLabels: extra });
    } catch (e) {
      if (!(e instanceof NewRelicParseError)) throw e;
      unmarshalErrors.inc();
      readErrors.inc();
      const msg = `cannot decode NewRelic data: cannot unmarshal NewRelic request: ${e.message}`;
      warnRateLimited("newrelic", `${req.path} from ${req.remoteAddr}: ${msg}`);
      throw new HttpError(400, msg);
    }
    dropSeriesOverLabelLimits(rows);
    if (rows.lines > 0) storage.addRows(rows);
    // VictoriaMetrics counts every decoded sample as inserted.
    rowsInserted.add(n);
  } finally {
    rows.reset();
  }
  sendJSON(res, 202, `{"status":"ok"}`);
}

/** registerRoutes adds the /newrelic... paths to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  const opts = { protocol: "newrelic" };
  router.add("/newrelic", (_req, res) => sendJSON(res, 202, `{"status":"ok"}`), opts);
  router.add("/newrelic/inventory/deltas", (_req, res) => sendJSON(res, 202, `{"payload":{"version": 1, "state": {}, "reset": "false"}}`), opts);
  router.add("/newrelic/infra/v2/metrics/events/bulk", (req, res) => handleEvents(req, res, storage), opts);
}
