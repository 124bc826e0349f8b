// OpenTSDB ingestion: telnet `put` lines over TCP and UDP on
// -opentsdbListenAddr (whose TCP port also serves HTTP /api/put: a connection
// starting with 'p' is telnet, anything else HTTP, as in VictoriaMetrics), and
// HTTP /api/put on -opentsdbHTTPListenAddr. Bad lines and data points are
// counted, logged (rate-limited) and skipped; valid ones are stored, and an
// HTTP request with bad data points gets 400 naming them.

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, readBody, type Request } from "../../lib/httpserver/index.ts";
import { type Conn, ConnHttpServer, LineListeners } from "../../lib/ingestserver/index.ts";
import { info, warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { type OpentsdbOptions, parseLines } from "../../lib/protoparser/opentsdb/index.ts";
import { parseBody } from "../../lib/protoparser/opentsdbhttp/index.ts";
import { ImportRows } from "../../lib/protoparser/vmimport/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { extraLabels } from "./common.ts";
import { limitInserts } from "./concurrency_limiter.ts";

const opentsdbListenAddr = flags.string("opentsdbListenAddr", "",
  "TCP and UDP address to listen for OpenTSDB metrics. Telnet put messages and HTTP /api/put messages are simultaneously served on TCP port. " +
  "Usually :4242 must be set. Doesn't work if empty");
const opentsdbHTTPListenAddr = flags.string("opentsdbHTTPListenAddr", "",
  "TCP address to listen for OpenTSDB HTTP put requests. Usually :4242 must be set. Doesn't work if empty");
const trimTimestamp = flags.duration("opentsdbTrimTimestamp", "1s",
  "Trim timestamps for OpenTSDB 'telnet put' data to this duration. Minimum practical duration is 1s. " +
  "Higher duration (i.e. 1m) may be used for reducing disk space usage for timestamp data");
const httpTrimTimestamp = flags.duration("opentsdbhttpTrimTimestamp", "1ms",
  "Trim timestamps for OpenTSDB HTTP data to this duration. Minimum practical duration is 1ms. " +
  "Higher duration (i.e. 1s) may be used for reducing disk space usage for timestamp data");
const maxInsertRequestSize = flags.bytes("opentsdbhttp.maxInsertRequestSize", 32 * 1024 * 1024,
  "The maximum size of OpenTSDB HTTP put request");

/** MAX_LINE_LEN is the longest telnet line accepted (VictoriaMetrics' fixed 256 KiB). */
const MAX_LINE_LEN = 256 * 1024;

const rowsInserted = counter(`vm_rows_inserted_total{type="opentsdb"}`);
const httpRowsInserted = counter(`vm_rows_inserted_total{type="opentsdbhttp"}`);
const httpRequests = counter(`vm_ingestserver_requests_total{type="opentsdbhttp", name="write", net="tcp"}`);
const httpRequestErrors = counter(`vm_ingestserver_request_errors_total{type="opentsdbhttp", name="write", net="tcp"}`);

function insertLines(storage: Storage, rows: ImportRows, data: Buffer, conn: Conn): void {
  const opts: OpentsdbOptions = { nowSec: Math.floor(Date.now() / 1000), trimMs: trimTimestamp.value };
  rows.reset();
  parseLines(rows, data.toString("utf8"), conn.lineNumber, opts, (lineNumber, msg) => {
    warnRateLimited(`opentsdb:${conn.net}`, `${conn.net.toUpperCase()} OpenTSDB data from ${conn.remoteAddr}: line ${lineNumber}: ${msg}`);
  });
  if (rows.lines > 0) rowsInserted.add(storage.addRows(rows).rowsAdded);
}

/**
 * handlePut serves OpenTSDB's HTTP /api/put (also /opentsdb/api/put): a JSON
 * data point or an array of them, at most -opentsdbhttp.maxInsertRequestSize
 * bytes (413 above), gzip/deflate/zstd by Content-Encoding. Answers 204, or
 * 400 when the body is not JSON (nothing stored) or has invalid data points
 * (the valid ones are stored). Other paths get 400.
 */
export async function handlePut(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  httpRequests.inc();
  try {
    if (req.path !== "/api/put" && req.path !== "/opentsdb/api/put") {
      throw new HttpError(400, `unexpected path requested on HTTP OpenTSDB server: ${JSON.stringify(req.path)}`);
    }
    const extra = extraLabels(req);
    const body = await readBody(req, { maxSize: maxInsertRequestSize.value, limitName: "opentsdbhttp.maxInsertRequestSize" });
    const rows = new ImportRows();
    const errors: string[] = [];
    let invalid = 0;
    let valid: number;
    try {
      valid = parseBody(rows, body.toString("utf8"), { nowSec: Math.floor(Date.now() / 1000), trimMs: httpTrimTimestamp.value, extraLabels: extra }, (i, msg) => {
        invalid++;
        if (errors.length < 10) errors.push(`data point ${i}: ${msg}`);
        warnRateLimited("opentsdbhttp", `${req.path} from ${req.remoteAddr}: data point ${i}: ${msg}`);
      });
    } catch (e) {
      throw new HttpError(400, `cannot decode opentsdb data: ${(e as Error).message}`);
    }
    if (rows.lines > 0) httpRowsInserted.add(storage.addRows(rows).rowsAdded);
    if (invalid > 0) {
      const more = invalid > errors.length ? `; and ${invalid - errors.length} more invalid data points` : "";
      throw new HttpError(400, `${invalid} of ${valid + invalid} data points are invalid and were skipped; the valid ones were stored: ${errors.join("; ")}${more}`);
    }
    res.statusCode = 204;
    res.end();
  } catch (e) {
    httpRequestErrors.inc();
    throw e;
  }
}

let telnet: LineListeners | undefined;
let httpServer: ConnHttpServer | undefined;

/**
 * start starts the listeners whose flags are set: TCP (telnet and HTTP) and
 * UDP on -opentsdbListenAddr, HTTP on -opentsdbHTTPListenAddr. It returns the
 * bound ports (0 for a disabled one).
 */
export async function start(storage: Storage): Promise<{ port: number; httpPort: number }> {
  const ports = { port: 0, httpPort: 0 };
  if (opentsdbListenAddr.value !== "") {
    const rows = new ImportRows();
    telnet = await LineListeners.start({
      name: "opentsdb",
      listenAddr: opentsdbListenAddr.value,
      maxLineLen: MAX_LINE_LEN,
      onLines: (data, conn) => insertLines(storage, rows, data, conn),
      // 'p' starts a telnet `put`; anything else is taken for HTTP.
      http: { server: new ConnHttpServer("opentsdbhttp", limitInserts((req, res) => handlePut(req, res, storage))), linesFirstByte: 0x70 },
    });
    ports.port = telnet.tcp.port;
  }
  if (opentsdbHTTPListenAddr.value !== "") {
    const s = new ConnHttpServer("opentsdbhttp", limitInserts((req, res) => handlePut(req, res, storage)));
    try {
      ports.httpPort = await s.listen(opentsdbHTTPListenAddr.value);
    } catch (e) {
      throw new Error(`cannot start HTTP OpenTSDB server at ${JSON.stringify(opentsdbHTTPListenAddr.value)}: ${(e as Error).message}`, { cause: e });
    }
    httpServer = s;
    info(`started HTTP OpenTSDB server at ${JSON.stringify(opentsdbHTTPListenAddr.value)}; port ${ports.httpPort}`);
  }
  return ports;
}

/** stop stops the OpenTSDB listeners, letting HTTP requests in flight finish. */
export async function stop(): Promise<void> {
  const t = telnet, h = httpServer;
  telnet = undefined;
  httpServer = undefined;
  await Promise.all([t?.stop(), h?.stop()]);
}
