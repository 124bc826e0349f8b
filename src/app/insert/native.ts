// /api/v1/import/native: VictoriaMetrics' native format (what /api/v1/export/native
// and `vmctl vm-native` send). The body is streamed frame by frame and stored in
// batches, so its size is not limited (as in VictoriaMetrics: one vmctl request carries
// a whole migration). A block is the unit of validity: an undecodable block is skipped
// whole and reported in a 400 after the other blocks were stored; a broken frame ends
// the request with a 400, keeping the blocks before it.

import type * as http from "node:http";
import { HttpError, bodyStream, type Request, type Router } from "../../lib/httpserver/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { parseStream } from "../../lib/protoparser/native/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { extraLabels } from "./common.ts";
import { dropSeriesOverLabelLimits } from "./limits.ts";

const rowsInserted = counter(`vm_rows_inserted_total{type="native"}`);

/** handleNativeImport serves /api/v1/import/native. */
export async function handleNativeImport(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  if (req.method !== "POST" && req.method !== "PUT") throw new HttpError(405, `unsupported method ${req.method}; use POST`);
  const extra = extraLabels(req);
  const errors: string[] = [];
  let stored = 0;
  let result;
  try {
    result = await parseStream(
      bodyStream(req, { maxSize: Number.MAX_SAFE_INTEGER }),
      (rows) => {
        if (extra.length > 0) for (let i = 0; i < rows.lines; i++) rows.labels[i] = [...rows.labels[i]!, ...extra];
        dropSeriesOverLabelLimits(rows);
        const r = storage.addRows(rows);
        rowsInserted.add(r.rowsAdded);
        stored += rows.lines;
      },
      (blockNumber, msg) => {
        if (errors.length < 10) errors.push(`block ${blockNumber}: ${msg}`);
        warnRateLimited("native", `/api/v1/import/native from ${req.remoteAddr}: block ${blockNumber}: ${msg}`);
      },
    );
  } catch (e) {
    if (e instanceof HttpError) throw e;
    const kept = stored > 0 ? `; the ${stored} blocks before it were stored` : "";
    throw new HttpError(400, `cannot read /api/v1/import/native request: ${(e as Error).message}${kept}`);
  }
  if (result.invalidBlocks > 0) {
    const more = result.invalidBlocks > errors.length ? `; and ${result.invalidBlocks - errors.length} more invalid blocks` : "";
    throw new HttpError(400, `${result.invalidBlocks} of ${result.blocks + result.invalidBlocks} native blocks are invalid and were skipped; the valid blocks were stored: ${errors.join("; ")}${more}`);
  }
  res.statusCode = 204;
  res.end();
}

/** registerRoutes adds /api/v1/import/native and /prometheus/api/v1/import/native to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  for (const p of ["/api/v1/import/native", "/prometheus/api/v1/import/native"]) {
    router.add(p, (req, res) => handleNativeImport(req, res, storage), { metricPath: "/api/v1/import/native", protocol: "nativeimport" });
  }
}
