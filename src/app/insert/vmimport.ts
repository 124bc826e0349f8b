// /api/v1/import: VictoriaMetrics' JSON line format. Valid lines are stored
// even when others in the same request are malformed; those are counted and
// reported in a 400 response naming each bad line.

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, bodyStream, type Request } from "../../lib/httpserver/index.ts";
import { extraLabels } from "./common.ts";
import { dropSeriesOverLabelLimits } from "./limits.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { parseStream } from "../../lib/protoparser/vmimport/index.ts";
import type { Storage } from "../../lib/storage/index.ts";

/** maxInsertRequestSize is -maxInsertRequestSize, shared by the ingestion handlers. */
export const maxInsertRequestSize = flags.bytes("maxInsertRequestSize", 32 * 1024 * 1024, "The maximum size in bytes of a single Prometheus remote_write or /api/v1/import request body");

const rowsInserted = counter(`vm_rows_inserted_total{type="vmimport"}`);
const requests = counter(`vm_insert_requests_total{type="vmimport"}`);
const requestErrors = counter(`vm_insert_request_errors_total{type="vmimport"}`);

/** handleImport serves /api/v1/import. */
export async function handleImport(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  requests.inc();
  if (req.method !== "POST" && req.method !== "PUT") throw new HttpError(405, `unsupported method ${req.method}; use POST`);
  const errors: string[] = [];
  let invalid = 0;
  const extra = extraLabels(req);
  let result: { lines: number; samples: number; invalidLines: number };
  try {
    result = await parseStream(
      bodyStream(req, { maxSize: maxInsertRequestSize.value, limitName: "maxInsertRequestSize" }),
      {},
      (rows) => {
        if (extra.length > 0) for (let i = 0; i < rows.lines; i++) rows.labels[i] = [...rows.labels[i]!, ...extra];
        // Series over -maxLabelsPerTimeseries etc. are dropped and counted, as for the other protocols.
        dropSeriesOverLabelLimits(rows);
        const r = storage.addRows(rows);
        rowsInserted.add(r.rowsAdded);
      },
      (lineNumber, msg) => {
        invalid++;
        // The parser counts the line in vm_rows_invalid_total{type="vmimport"}.
        if (errors.length < 10) errors.push(`line ${lineNumber}: ${msg}`);
        warnRateLimited("vmimport", `/api/v1/import from ${req.remoteAddr}: line ${lineNumber}: ${msg}`);
      },
    );
  } catch (e) {
    requestErrors.inc();
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, `cannot read /api/v1/import request: ${(e as Error).message}`);
  }
  if (invalid > 0) {
    requestErrors.inc();
    const more = invalid > errors.length ? `; and ${invalid - errors.length} more invalid lines` : "";
    throw new HttpError(400, `${invalid} of ${result.lines + invalid} lines are invalid and were skipped; the valid lines were stored: ${errors.join("; ")}${more}`);
  }
  res.statusCode = 204;
  res.end();
}
