// /api/v1/export/native: VictoriaMetrics' native format, streamed series by series
// (blocks of up to 8192 samples), readable by VictoriaMetrics 1.79.5's
// /api/v1/import/native and by `vmctl vm-native`.

import type * as http from "node:http";
import { ByteBuffer } from "../../lib/encoding/index.ts";
import { createResponseWriter, HttpError, isClientDisconnected, type Request } from "../../lib/httpserver/index.ts";
import { NativeEncoder, appendHeader } from "../../lib/protoparser/native/index.ts";
import { SeriesLimitError, type Storage } from "../../lib/storage/index.ts";
import { maxExportSeries } from "./export.ts";
import { exportParams } from "./prometheus_api.ts";

const flushSize = 256 * 1024;

/** handleExportNative serves /api/v1/export/native (args match[], start, end, extra_label, extra_filters[]). */
export async function handleExportNative(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  const cp = await exportParams(req);
  const { start: minT, end: maxT, filterSets } = cp;
  const w = createResponseWriter(req, res, "VictoriaMetrics/native");
  const buf = new ByteBuffer(flushSize + 64 * 1024);
  const enc = new NativeEncoder();
  // The header names the exported range; importers drop samples outside it.
  appendHeader(buf, minT, maxT);
  const seen = new Set<number>();
  try {
    for (const filters of filterSets) {
      try {
        for (const s of storage.search(filters, minT, maxT, maxExportSeries.value)) {
          // Several match[] args may select the same series: export it once.
          if (filterSets.length > 1) {
            if (seen.has(s.tsid)) continue;
            seen.add(s.tsid);
          }
          enc.appendSeries(buf, s.labels, s.timestamps, s.values, 0, s.n);
          if (buf.length >= flushSize) {
            await w.write(buf.toBuffer());
            buf.reset();
          }
        }
      } catch (e) {
        if (e instanceof SeriesLimitError) throw new HttpError(400, `${e.message}; see -search.maxExportSeries`);
        throw e;
      }
    }
    await w.end(buf.toBuffer());
  } catch (e) {
    if (isClientDisconnected(e)) return;
    throw e;
  }
}
