// /api/v1/import/prometheus: the Prometheus text exposition format (and OpenMetrics
// sample lines), also with Pushgateway-style labels in the path
// (/api/v1/import/prometheus/metrics/job/<job>/<label>/<value>...). Valid lines are
// stored even when others in the same request are malformed; those are counted and
// reported in a 400 response naming each bad line, as /api/v1/import does.

import type * as http from "node:http";
import { HttpError, bodyStream, isClientDisconnected, type Request, type Router } from "../../lib/httpserver/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { parseStream } from "../../lib/protoparser/prometheus/index.ts";
import { uncompressedStream } from "../../lib/protoparser/util/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { extraLabels } from "./common.ts";
import { dropSeriesOverLabelLimits } from "./limits.ts";
import { maxInsertRequestSize } from "./vmimport.ts";

const rowsInserted = counter(`vm_rows_inserted_total{type="prometheus"}`);

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * pushgatewayLabels returns the labels of a Pushgateway-style path
 * (`.../metrics/job/<job>{/<label>/<value>}`, `<label>@base64/<base64url value>`), as
 * VictoriaMetrics reads them; labels with empty values are left out. A path without
 * `/metrics/job` gives none. It throws HttpError 400 for a label without a value or bad
 * base64.
 */
export function pushgatewayLabels(path: string): Array<[string, string]> {
  const n = path.indexOf("/metrics/job");
  if (n < 0) return [];
  let s = path.slice(n + "/metrics/".length);
  if (!s.startsWith("job/") && !s.startsWith("job@base64/")) return [];
  const out: Array<[string, string]> = [];
  const fail = (why: string) => new HttpError(400, `cannot parse pushgateway-style labels from ${JSON.stringify(path)}: ${why}`);
  while (s.length > 0) {
    const i = s.indexOf("/");
    if (i < 0) throw fail(`missing value for label ${JSON.stringify(s)}`);
    let name = s.slice(0, i);
    s = s.slice(i + 1);
    const j = s.indexOf("/");
    let value = j < 0 ? s : s.slice(0, j);
    s = j < 0 ? "" : s.slice(j + 1);
    if (name.endsWith("@base64")) {
      name = name.slice(0, -"@base64".length);
      const b = value.replace(/=+$/, "");
      if (!/^[A-Za-z0-9_-]*$/.test(b) || b.length % 4 === 1) throw fail(`cannot base64-decode value=${JSON.stringify(value)} for label=${JSON.stringify(name)}`);
      value = Buffer.from(b, "base64url").toString("utf8");
    }
    if (value !== "") out.push([name, value]);
  }
  return out;
}

/** defaultTimestamp reads the `timestamp` query arg (Unix milliseconds); 0 when absent. */
function defaultTimestamp(req: Request): number {
  const ts = req.query.get("timestamp") ?? "";
  if (ts === "") return 0;
  if (!/^[+-]?\d+$/.test(ts) || Math.abs(Number(ts)) >= 2 ** 63) {
    throw new HttpError(400, `cannot parse \`timestamp=${ts}\` query arg: want an integer number of milliseconds since the Unix epoch`);
  }
  return Number(ts);
}

/**
 * handlePrometheusImport serves /api/v1/import/prometheus: 204 (200 on Pushgateway
 * paths, as Pushgateway clients expect) when every line was valid; 400 naming up to ten
 * bad lines when some were not (the valid ones are stored); 400 for an undecodable body,
 * 413 above -maxInsertRequestSize.
 */
export async function handlePrometheusImport(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  if (req.method !== "POST" && req.method !== "PUT") throw new HttpError(405, `unsupported method ${req.method}; use POST`);
  const isPushgateway = req.path.includes("/metrics/job");
  const extra = [...pushgatewayLabels(req.path), ...extraLabels(req)];
  const defTs = defaultTimestamp(req);
  const enc = req.header("content-encoding").trim().toLowerCase();
  const limit = { maxSize: maxInsertRequestSize.value, limitName: "maxInsertRequestSize" };
  // Snappy (one block) is not an HTTP content coding bodyStream knows.
  const body = enc === "snappy" ? uncompressedStream(bodyStream(req, { ...limit, decompress: false }), "snappy") : bodyStream(req, limit);
  const errors: string[] = [];
  let invalid = 0;
  let result: { rows: number; invalidLines: number; lines: number };
  try {
    result = await parseStream(body, { defaultTimestamp: defTs }, (rows) => {
      if (extra.length > 0) for (let i = 0; i < rows.lines; i++) rows.labels[i] = [...rows.labels[i]!, ...extra];
      dropSeriesOverLabelLimits(rows);
      const r = storage.addRows(rows);
      rowsInserted.add(r.rowsAdded);
    }, (lineNumber, msg) => {
      invalid++;
      // The parser counts the line in vm_rows_invalid_total{type="prometheus"}.
      if (errors.length < 10) errors.push(`line ${lineNumber}: ${msg}`);
      warnRateLimited("prometheus_import", `/api/v1/import/prometheus from ${req.remoteAddr}: line ${lineNumber}: ${msg}`);
    });
  } catch (e) {
    if (e instanceof HttpError) throw e;
    // 413 and client disconnects come wrapped by the stream layer.
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof HttpError || isClientDisconnected(cause)) throw cause;
    throw new HttpError(400, `cannot read Prometheus exposition data: ${errorMessage(e).replace(/^cannot read Prometheus exposition data: /, "")}`);
  }
  if (invalid > 0) {
    const more = invalid > errors.length ? `; and ${invalid - errors.length} more invalid lines` : "";
    throw new HttpError(400, `${invalid} of ${result.rows + invalid} sample lines are invalid and were skipped; the valid lines were stored: ${errors.join("; ")}${more}`);
  }
  res.statusCode = isPushgateway ? 200 : 204;
  res.end();
}

/** registerRoutes adds /api/v1/import/prometheus (with Pushgateway-style subpaths) and its /prometheus/ form to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  for (const p of ["/api/v1/import/prometheus", "/prometheus/api/v1/import/prometheus"]) {
    const h = (req: Request, res: http.ServerResponse) => handlePrometheusImport(req, res, storage);
    const opts = { metricPath: "/api/v1/import/prometheus", protocol: "prometheus" };
    router.add(p, h, opts);
    router.add(p + "/*", h, opts);
  }
}
