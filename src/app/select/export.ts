// /api/v1/export: VictoriaMetrics' JSON line format, streamed series by
// series so that memory does not grow with the result.

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { createResponseWriter, HttpError, isClientDisconnected, type Request } from "../../lib/httpserver/index.ts";
import { appendExportLine } from "../../lib/protoparser/vmimport/index.ts";
import { SeriesLimitError, type Storage } from "../../lib/storage/index.ts";
import { exportParams } from "./prometheus_api.ts";

/** maxExportSeries limits every /api/v1/export* API. */
export const maxExportSeries = flags.int("search.maxExportSeries", 10_000_000, "The maximum number of time series which can be returned from /api/v1/export* APIs");
const maxRowsPerLineDefault = 0;

/** handleExport serves /api/v1/export. */
export async function handleExport(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  const args = await req.formArgs();
  const cp = await exportParams(req);
  const { start: minT, end: maxT, filterSets } = cp;
  const maxRowsArg = args.get("max_rows_per_line");
  const maxRowsPerLine = maxRowsArg === null || maxRowsArg === "" ? maxRowsPerLineDefault : Number(maxRowsArg);
  if (!Number.isInteger(maxRowsPerLine) || maxRowsPerLine < 0) throw new HttpError(400, `cannot parse max_rows_per_line=${JSON.stringify(maxRowsArg)}: want a non-negative integer`);
  const w = createResponseWriter(req, res, "application/stream+json; charset=utf-8");
  const seen = new Set<number>();
  const chunk: string[] = [];
  let chunkLen = 0;
  try {
    for (const filters of filterSets) {
      let gen;
      try {
        gen = storage.search(filters, minT, maxT, maxExportSeries.value);
        for (const s of gen) {
          // Several match[] args may select the same series: export it once.
          if (filterSets.length > 1) {
            if (seen.has(s.tsid)) continue;
            seen.add(s.tsid);
          }
          const step = maxRowsPerLine > 0 ? maxRowsPerLine : s.n;
          for (let a = 0; a < s.n; a += step) {
            const before = chunk.length;
            appendExportLine(chunk, s.labels, s.timestamps, s.values, a, Math.min(s.n, a + step));
            for (let k = before; k < chunk.length; k++) chunkLen += chunk[k]!.length;
          }
          if (chunkLen >= 256 * 1024) {
            await w.write(chunk.join(""));
            chunk.length = 0;
            chunkLen = 0;
          }
        }
      } catch (e) {
        if (e instanceof SeriesLimitError) throw new HttpError(400, `${e.message}; see -search.maxExportSeries`);
        throw e;
      }
    }
    await w.end(chunk.join(""));
  } catch (e) {
    if (isClientDisconnected(e)) return;
    throw e;
  }
}
