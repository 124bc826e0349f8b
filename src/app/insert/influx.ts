// InfluxDB line protocol ingestion: HTTP /write, /api/v2/write (and their
// /influx/ forms), the /query and /influx/health answers InfluxDB clients
// ask for, and TCP/UDP on -influxListenAddr. Valid lines are stored even when
// others in the same request are malformed; an HTTP request with bad lines
// then gets 400 naming them (InfluxDB answers a partial write the same way).

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, bodyStream, isClientDisconnected, type Request, type Router } from "../../lib/httpserver/index.ts";
import { type Conn, LineListeners } from "../../lib/ingestserver/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { type InfluxOptions, parseLines, parseStream, precisionFromArg } from "../../lib/protoparser/influx/index.ts";
import { ImportRows } from "../../lib/protoparser/vmimport/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { extraLabels } from "./common.ts";

const influxListenAddr = flags.string("influxListenAddr", "",
  "TCP and UDP address to listen for InfluxDB line protocol data. Usually :8089 must be set. Doesn't work if empty. " +
  "This flag isn't needed when ingesting data over HTTP - just send it to http://<victoriametrics>:8428/write");
const measurementFieldSeparator = flags.string("influxMeasurementFieldSeparator", "_",
  "Separator for '{measurement}{separator}{field_name}' metric name when inserted via InfluxDB line protocol");
const skipSingleField = flags.bool("influxSkipSingleField", false,
  "Uses '{measurement}' instead of '{measurement}{separator}{field_name}' for metric name if InfluxDB line contains only a single field");
const skipMeasurement = flags.bool("influxSkipMeasurement", false,
  "Uses '{field_name}' as a metric name while ignoring '{measurement}' and '-influxMeasurementFieldSeparator'");
const dbLabel = flags.string("influxDBLabel", "db", "Default label for the DB name sent over '?db={db_name}' query parameter");
const trimTimestamp = flags.duration("influxTrimTimestamp", "1ms",
  "Trim timestamps for InfluxDB line protocol data to this duration. Minimum practical duration is 1ms. " +
  "Higher duration (i.e. 1s) may be used for reducing disk space usage for timestamp data");
const maxLineSize = flags.bytes("influx.maxLineSize", 256 * 1024,
  "The maximum size in bytes for a single InfluxDB line during parsing");
const maxRequestSize = flags.bytes("influx.maxRequestSize", 64 * 1024 * 1024,
  "The maximum size in bytes of a single InfluxDB request body (after decompression); bigger requests get 413");
flags.bool("influx.forceStreamMode", false,
  "Accepted for compatibility with VictoriaMetrics; Tidemark always processes InfluxDB requests as a stream of lines, " +
  "storing the valid lines and answering 400 naming the invalid ones");
const databaseNames = flags.array("influx.databaseNames",
  "Comma-separated list of database names to return from /query and /influx/query API. " +
  "This can be needed for accepting data from Telegraf plugins such as https://github.com/fangli/fluent-plugin-influxdb");

const rowsInserted = counter(`vm_rows_inserted_total{type="influx"}`);

// A request's rows go to the storage in one batch, or in batches of about this
// many samples for big requests (as OTLP and remote write requests do).
const BATCH_SAMPLES = 50_000;

function options(db: string, precision: string, extra: ReadonlyArray<readonly [string, string]>): InfluxOptions {
  return {
    separator: measurementFieldSeparator.value,
    skipSingleField: skipSingleField.value,
    skipMeasurement: skipMeasurement.value,
    dbLabel: dbLabel.value,
    db,
    extraLabels: extra,
    precision: precisionFromArg(precision),
    trimMs: trimTimestamp.value,
    nowMs: Date.now(),
  };
}

// Some clients want to see an InfluxDB version, for example
// https://github.com/ntop/ntopng/issues/5449#issuecomment-1005347597
function addInfluxHeaders(res: http.ServerResponse): void {
  res.setHeader("X-Influxdb-Version", "1.8.0");
}

/** handleWrite serves /write, /influx/write, /api/v2/write and /influx/api/v2/write. */
export async function handleWrite(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  addInfluxHeaders(res);
  const extra = extraLabels(req);
  const opts = options(req.query.get("db") ?? "", req.query.get("precision") ?? "", extra);
  const errors: string[] = [];
  let result: { lines: number; invalidLines: number };
  try {
    result = await parseStream(
      bodyStream(req, { maxSize: maxRequestSize.value, limitName: "influx.maxRequestSize" }),
      { options: opts, maxLineLen: maxLineSize.value, batchSamples: BATCH_SAMPLES },
      (rows) => {
        rowsInserted.add(storage.addRows(rows).rowsAdded);
      },
      (lineNumber, msg) => {
        // The parser counts the line in vm_rows_invalid_total{type="influx"}.
        if (errors.length < 10) errors.push(`line ${lineNumber}: ${msg}`);
        warnRateLimited("influx", `${req.path} from ${req.remoteAddr}: line ${lineNumber}: ${msg}`);
      },
    );
  } catch (e) {
    // Limits (413) and disconnects come from the body reader, possibly wrapped by the stream layer.
    if (e instanceof HttpError || isClientDisconnected(e)) throw e;
    const cause = (e as Error).cause;
    if (cause instanceof HttpError || isClientDisconnected(cause)) throw cause;
    throw new HttpError(400, `cannot process influx line protocol data: ${(e as Error).message}`);
  }
  const invalid = result.invalidLines;
  if (invalid > 0) {
    const more = invalid > errors.length ? `; and ${invalid - errors.length} more invalid lines` : "";
    throw new HttpError(400, `${invalid} of ${result.lines + invalid} lines are invalid and were skipped; the valid lines were stored: ${errors.join("; ")}${more}`);
  }
  res.statusCode = 204;
  res.end();
}

/**
 * handleQuery answers every /query and /influx/query with the list of
 * databases (-influx.databaseNames, default `_internal`), which is what
 * Telegraf and other agents ask (`SHOW DATABASES`, `CREATE DATABASE`) before
 * writing. See https://github.com/VictoriaMetrics/VictoriaMetrics/issues/1124
 */
export function handleQuery(_req: Request, res: http.ServerResponse): void {
  addInfluxHeaders(res);
  const names = databaseNames.value.length > 0 ? databaseNames.value : ["_internal"];
  const values = names.map((n) => `[${JSON.stringify(n)}]`).join(",");
  res.setHeader("Content-Type", "application/json");
  res.statusCode = 200;
  res.end(`{"results":[{"statement_id":0,"series":[{"name":"databases","columns":["name"],"values":[${values}]}]}]}`);
}

/**
 * handleHealth answers /influx/health as InfluxDB 2's /health does, for
 * clients that check it: https://github.com/VictoriaMetrics/VictoriaMetrics/issues/6653
 */
export function handleHealth(_req: Request, res: http.ServerResponse): void {
  res.statusCode = 200;
  res.end(`{"name":"influxdb", "message":"ready for queries and writes", "status":"pass", "checks":[]}`);
}

/** registerRoutes adds the InfluxDB HTTP paths to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  for (const p of ["/write", "/influx/write", "/api/v2/write", "/influx/api/v2/write"]) {
    router.add(p, (req, res) => handleWrite(req, res, storage), { metricPath: "/influx/write", protocol: "influx" });
  }
  for (const p of ["/query", "/influx/query"]) {
    router.add(p, handleQuery, { metricPath: "/influx/query", protocol: "influx" });
  }
  router.add("/influx/health", handleHealth, { metricPath: "/influx/health", protocol: "influx" });
}

let listeners: LineListeners | undefined;

/** insertLines stores the InfluxDB lines of one TCP chunk or UDP datagram. */
function insertLines(storage: Storage, rows: ImportRows, data: Buffer, conn: Conn): void {
  rows.reset();
  parseLines(rows, data.toString("utf8"), conn.lineNumber, options("", "", []), (lineNumber, msg) => {
    warnRateLimited(`influx:${conn.net}`, `${conn.net.toUpperCase()} InfluxDB data from ${conn.remoteAddr}: line ${lineNumber}: ${msg}`);
  });
  if (rows.lines > 0) rowsInserted.add(storage.addRows(rows).rowsAdded);
}

/**
 * start starts the TCP and UDP listeners on -influxListenAddr (nothing when
 * it is empty) and returns the bound port (0 when disabled). Lines go to
 * storage as they arrive, with no `db` label.
 */
export async function start(storage: Storage): Promise<number> {
  if (influxListenAddr.value === "") return 0;
  const rows = new ImportRows();
  listeners = await LineListeners.start({
    name: "influx",
    listenAddr: influxListenAddr.value,
    maxLineLen: maxLineSize.value,
    onLines: (data, conn) => insertLines(storage, rows, data, conn),
  });
  return listeners.tcp.port;
}

/** stop stops the -influxListenAddr listeners. */
export async function stop(): Promise<void> {
  const l = listeners;
  listeners = undefined;
  if (l !== undefined) await l.stop();
}
