// /api/v1/write: Prometheus remote write 1.0 and 2.0 (snappy or zstd protobuf). The
// whole request is decoded before anything is stored, so a malformed request (400) or
// an unsupported one (415) stores nothing; a decoded request is stored and answered 204.

import type * as http from "node:http";
import { HttpError, readBody, type Request, type Router } from "../../lib/httpserver/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import {
  SERIES_FLOAT,
  SERIES_HISTOGRAM_COUNT,
  UnsupportedMediaTypeError,
  WriteRows,
  parseRequestBody,
  remoteWriteVersion,
} from "../../lib/protoparser/promremotewrite/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { extraLabels } from "./common.ts";
import { dropSeriesOverLabelLimits } from "./limits.ts";
import { maxInsertRequestSize } from "./vmimport.ts";

const rowsInserted = counter(`vm_rows_inserted_total{type="promremotewrite"}`);

// One container for all requests: decoding and storing run without an await between them.
const rows = new WriteRows();

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * handleRemoteWrite serves /api/v1/write. `?get_vm_proto_version=1` answers "1" (the
 * handshake of vmagent versions that ask before sending zstd). Answers: 204 with, for
 * 2.0, X-Prometheus-Remote-Write-Samples-Written / -Histograms-Written /
 * -Exemplars-Written; 400 naming what cannot be decoded; 413 above
 * -maxInsertRequestSize; 415 for an unknown Content-Encoding or protobuf message.
 */
export async function handleRemoteWrite(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  if (req.query.get("get_vm_proto_version") !== null && req.query.get("get_vm_proto_version") !== "") {
    res.statusCode = 200;
    res.setHeader("Content-Type", "text/plain");
    res.end("1");
    return;
  }
  if (req.method !== "POST" && req.method !== "PUT") throw new HttpError(405, `unsupported method ${req.method}; use POST`);
  const extra = extraLabels(req);
  let version: 1 | 2;
  try {
    version = remoteWriteVersion(req.header("content-type"));
  } catch (e) {
    throw new HttpError(415, errorMessage(e));
  }
  const maxSize = maxInsertRequestSize.value;
  const data = await readBody(req, { maxSize, decompress: false, limitName: "maxInsertRequestSize" });
  try {
    parseRequestBody(data, { encoding: req.header("content-encoding"), version, maxSize }, rows);
  } catch (e) {
    const status = e instanceof UnsupportedMediaTypeError ? 415 : 400;
    // The server logs the error with the client's address.
    throw new HttpError(status, `cannot read prometheus remote_write data: ${errorMessage(e)}`);
  }
  if (extra.length > 0) {
    for (let i = 0; i < rows.lines; i++) rows.labels[i] = [...rows.labels[i]!, ...extra];
  }
  let floatDropped = 0;
  let histogramsDropped = 0;
  let histogramsConverted = 0;
  for (let i = 0; i < rows.lines; i++) if (rows.kinds[i] === SERIES_HISTOGRAM_COUNT) histogramsConverted++;
  const kinds = rows.kinds;
  dropSeriesOverLabelLimits(rows, undefined, (i, n) => {
    if (kinds[i] === SERIES_FLOAT) floatDropped += n;
    else if (kinds[i] === SERIES_HISTOGRAM_COUNT) histogramsDropped++;
  });
  const r = storage.addRows(rows);
  rowsInserted.add(r.rowsAdded);
  if (version === 2) {
    res.setHeader("X-Prometheus-Remote-Write-Samples-Written", String(rows.floatSamples - floatDropped));
    res.setHeader("X-Prometheus-Remote-Write-Histograms-Written", String(histogramsConverted - histogramsDropped));
    res.setHeader("X-Prometheus-Remote-Write-Exemplars-Written", "0");
  }
  rows.reset();
  res.statusCode = 204;
  res.end();
}

/** registerRoutes adds /api/v1/write, /api/v1/push and their /prometheus/ forms to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  for (const p of ["/api/v1/write", "/prometheus/api/v1/write", "/api/v1/push", "/prometheus/api/v1/push"]) {
    router.add(p, (req, res) => handleRemoteWrite(req, res, storage), { metricPath: "/api/v1/write", protocol: "promremotewrite" });
  }
}
