// Graphite plaintext ingestion on -graphiteListenAddr (TCP and UDP):
// `name[;tag=value...] value [timestamp]` lines, stored as they arrive. Bad
// lines are counted in vm_rows_invalid_total{type="graphite"}, logged
// (rate-limited) and skipped; the connection stays open.

import * as flags from "../../lib/flagutil/index.ts";
import { type Conn, LineListeners } from "../../lib/ingestserver/index.ts";
import { warnRateLimited } from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { type GraphiteOptions, parseLines } from "../../lib/protoparser/graphite/index.ts";
import { ImportRows } from "../../lib/protoparser/vmimport/index.ts";
import type { Storage } from "../../lib/storage/index.ts";

const graphiteListenAddr = flags.string("graphiteListenAddr", "",
  "TCP and UDP address to listen for Graphite plaintext data. Usually :2003 must be set. Doesn't work if empty");
const trimTimestamp = flags.duration("graphiteTrimTimestamp", "1s",
  "Trim timestamps for Graphite data to this duration. Minimum practical duration is 1s. " +
  "Higher duration (i.e. 1m) may be used for reducing disk space usage for timestamp data");
const sanitizeMetricName = flags.bool("graphite.sanitizeMetricName", false,
  "Sanitize metric names for the ingested Graphite data. " +
  "See https://docs.victoriametrics.com/victoriametrics/integrations/graphite/#ingesting");

/** MAX_LINE_LEN is the longest Graphite line accepted (VictoriaMetrics' fixed 256 KiB). */
const MAX_LINE_LEN = 256 * 1024;

const rowsInserted = counter(`vm_rows_inserted_total{type="graphite"}`);

let listeners: LineListeners | undefined;

function insertLines(storage: Storage, rows: ImportRows, data: Buffer, conn: Conn): void {
  const opts: GraphiteOptions = {
    nowSec: Math.floor(Date.now() / 1000),
    trimMs: trimTimestamp.value,
    sanitize: sanitizeMetricName.value,
  };
  rows.reset();
  parseLines(rows, data.toString("utf8"), conn.lineNumber, opts, (lineNumber, msg) => {
    warnRateLimited(`graphite:${conn.net}`, `${conn.net.toUpperCase()} Graphite data from ${conn.remoteAddr}: line ${lineNumber}: ${msg}`);
  });
  if (rows.lines > 0) rowsInserted.add(storage.addRows(rows).rowsAdded);
}

/**
 * start starts the TCP and UDP listeners on -graphiteListenAddr (nothing when
 * it is empty) and returns the bound port (0 when disabled).
 */
export async function start(storage: Storage): Promise<number> {
  if (graphiteListenAddr.value === "") return 0;
  const rows = new ImportRows();
  listeners = await LineListeners.start({
    name: "graphite",
    listenAddr: graphiteListenAddr.value,
    maxLineLen: MAX_LINE_LEN,
    onLines: (data, conn) => insertLines(storage, rows, data, conn),
  });
  return listeners.tcp.port;
}

/** stop stops the -graphiteListenAddr listeners. */
export async function stop(): Promise<void> {
  const l = listeners;
  listeners = undefined;
  if (l !== undefined) await l.stop();
}
