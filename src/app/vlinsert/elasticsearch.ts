// The Elasticsearch-compatible API (/insert/elasticsearch/): the bulk
// endpoint plus the answers Filebeat, Logstash, Vector and Fluent Bit ask
// for when they start. See
// https://docs.victoriametrics.com/victorialogs/data-ingestion/#elasticsearch-bulk-api
import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, type Request, type Router } from "../../lib/httpserver/index.ts";
import type { LogIngester } from "../../lib/protoparser/logs/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { bulkParams, bulkResponse, processBulk, type StreamResult } from "../../lib/protoparser/logs/index.ts";
import { endResponse, getCommonParams, maxLineSizeBytes, newProcessor, pathCounters, streamBody } from "./common.ts";

const elasticsearchVersion = flags.string("elasticsearch.version", "8.9.0", "Elasticsearch version to report to client");

const counters = pathCounters("/insert/elasticsearch/_bulk");

/**
 * handleBulk stores the documents of a bulk request and answers with the
 * bulk response JSON (one `create` item with status 201 per stored
 * document). Invalid action or document lines are skipped, logged and
 * counted in `vl_http_errors_total{path="/insert/elasticsearch/_bulk"}`;
 * when no document could be read but some were invalid the answer is 400.
 */
export async function handleBulk(req: Request, res: http.ServerResponse, ingester: LogIngester): Promise<void> {
  const start = Date.now();
  counters.requests.inc();
  res.setHeader("X-Elastic-Product", "Elasticsearch");
  let result: StreamResult;
  try {
    const cp = bulkParams(getCommonParams(req));
    const p = newProcessor(ingester, cp, "elasticsearch_bulk");
    try {
      result = await processBulk(streamBody(req), p, maxLineSizeBytes.value, (lineNumber, msg) => {
        warnRateLimited("vlinsert:es_bulk", `cannot decode log message at line #${lineNumber} in /_bulk request from ${req.remoteAddr}: ${msg}`);
      });
    } finally {
      p.close();
    }
  } catch (e) {
    counters.errors.inc();
    throw e;
  }
  counters.errors.add(result.invalid);
  if (result.invalid > 0 && result.lines === 0) throw new HttpError(400, `cannot process Elasticsearch bulk request: ${result.lastError}`);
  endResponse(res, 200, bulkResponse(result.lines, Date.now() - start));
}

// info answers the stub endpoints; it returns false for unknown paths.
function handleInfo(req: Request, res: http.ServerResponse): void {
  res.setHeader("X-Elastic-Product", "Elasticsearch");
  const path = req.path;
  const stubs = ["/_ilm/policy", "/_index_template", "/_ingest", "/_nodes", "/logstash", "/_logstash"];
  const sub = path.slice("/insert/elasticsearch".length);
  if (sub === "" || sub === "/") {
    if (req.method === "HEAD") {
      endResponse(res, 200);
      return;
    }
    endResponse(res, 200, JSON.stringify({ version: { number: elasticsearchVersion.value } }));
    return;
  }
  if (sub === "/_license") {
    endResponse(res, 200, JSON.stringify({ license: { uid: "cbff45e7-c553-41f7-ae4f-9205eabd80xx", type: "oss", status: "active", expiry_date_in_millis: 4000000000000 } }));
    return;
  }
  if (stubs.some((s) => sub.startsWith(s))) {
    endResponse(res, 200, "{}");
    return;
  }
  throw new HttpError(400, `unsupported path requested: ${JSON.stringify(path)}`);
}

/** registerRoutes adds the /insert/elasticsearch paths. */
export function registerRoutes(router: Router, ingester: LogIngester): void {
  router.add("/insert/elasticsearch/_bulk", (req, res) => handleBulk(req, res, ingester), { methods: ["POST", "PUT"], protocol: "elasticsearch" });
  router.add("/insert/elasticsearch", handleInfo, { protocol: "elasticsearch" });
  router.add("/insert/elasticsearch/*", handleInfo, { metricPath: "/insert/elasticsearch/", protocol: "elasticsearch" });
}
