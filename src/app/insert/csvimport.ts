// /api/v1/import/csv?format=<column spec>: CSV lines as VictoriaMetrics reads them
// (see src/lib/protoparser/csvimport/README.md). Valid lines are stored even when
// others in the same request are malformed; those are counted and reported in a 400
// response naming each bad line, as /api/v1/import does.

import type * as http from "node:http";
import { HttpError, bodyStream, isClientDisconnected, type Request, type Router } from "../../lib/httpserver/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { parseColumnDescriptors, parseStream, type ColumnDescriptor } from "../../lib/protoparser/csvimport/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { extraLabels } from "./common.ts";
import { dropSeriesOverLabelLimits } from "./limits.ts";
import { maxInsertRequestSize } from "./vmimport.ts";

const rowsInserted = counter(`vm_rows_inserted_total{type="csvimport"}`);

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * handleCSVImport serves /api/v1/import/csv: 204 when every line was stored; 400 naming
 * the bad lines when some were not (the valid ones are stored), for a bad or missing
 * `format` arg and for an undecodable body; 413 above -maxInsertRequestSize.
 */
export async function handleCSVImport(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  if (req.method !== "POST" && req.method !== "PUT") throw new HttpError(405, `unsupported method ${req.method}; use POST`);
  const extra = extraLabels(req);
  let cds: ColumnDescriptor[];
  try {
    cds = parseColumnDescriptors(req.query.get("format") ?? "");
  } catch (e) {
    throw new HttpError(400, `cannot parse the provided csv format: ${errorMessage(e)}`);
  }
  const body = bodyStream(req, { maxSize: maxInsertRequestSize.value, limitName: "maxInsertRequestSize" });
  const errors: string[] = [];
  let result: { rows: number; invalidLines: number };
  try {
    result = await parseStream(body, cds, {}, (rows) => {
      if (extra.length > 0) for (let i = 0; i < rows.lines; i++) rows.labels[i]!.push(...extra);
      dropSeriesOverLabelLimits(rows);
      const r = storage.addRows(rows);
      rowsInserted.add(r.rowsAdded);
    }, (lineNumber, msg) => {
      // The stream layer counts the line in vm_rows_invalid_total{type="csvimport"}.
      if (errors.length < 10) errors.push(`line ${lineNumber}: ${msg}`);
      warnRateLimited("csvimport", `/api/v1/import/csv from ${req.remoteAddr}: line ${lineNumber}: ${msg}`);
    });
  } catch (e) {
    if (e instanceof HttpError) throw e;
    // 413, bad compression and client disconnects come wrapped by the stream layer.
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof HttpError || isClientDisconnected(cause)) throw cause;
    throw new HttpError(400, errorMessage(e));
  }
  if (result.invalidLines > 0) {
    const more = result.invalidLines > errors.length ? `; and ${result.invalidLines - errors.length} more invalid lines` : "";
    throw new HttpError(400, `${result.invalidLines} csv lines are invalid and were skipped; the valid lines were stored: ${errors.join("; ")}${more}`);
  }
  res.statusCode = 204;
  res.end();
}

/** registerRoutes adds /api/v1/import/csv and /prometheus/api/v1/import/csv to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  for (const p of ["/api/v1/import/csv", "/prometheus/api/v1/import/csv"]) {
    router.add(p, (req, res) => handleCSVImport(req, res, storage), { metricPath: "/api/v1/import/csv", protocol: "csvimport" });
  }
}
