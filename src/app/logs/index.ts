// The logs part of the single node: the log storage under
// <storageDataPath>/logs, the VictoriaLogs ingestion and query APIs on the
// main router, and an optional second listener (-logs.httpListenAddr, e.g.
// :9428) for clients configured with VictoriaLogs' port.

import * as path from "node:path";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, HttpServer, sendJSON, type Request, type Router } from "../../lib/httpserver/index.ts";
import { info } from "../../lib/logger/index.ts";
import { LogStorage } from "../../lib/logstorage/index.ts";
import * as vlinsert from "../vlinsert/index.ts";
import * as vlselect from "../vlselect/index.ts";

const logsHttpListenAddr = flags.string("logs.httpListenAddr", "", "Optional second TCP address for the log APIs, e.g. :9428 for clients configured with VictoriaLogs' port. The log APIs always answer on -httpListenAddr too");
const logsRetentionPeriod = flags.retention("logs.retentionPeriod", "7d", "Log entries older than this are deleted (whole days). A bare number means months; the suffixes h, d, w, y are accepted. The minimum is 1d. VictoriaLogs calls this -retentionPeriod, which Tidemark uses for metrics");
const maxDiskSpaceUsageBytes = flags.bytes("retention.maxDiskSpaceUsageBytes", 0, "The maximum disk space the log storage may use; the oldest days are dropped above it, keeping at least the last two. 0 means no limit");
const minFreeDiskSpaceBytes = flags.bytes("storage.minFreeDiskSpaceBytes", 10_000_000, "The log storage stops accepting entries (read-only) when the free disk space at -storageDataPath falls below this");

let storage: LogStorage | undefined;
let server: HttpServer | undefined;

/** init opens the log storage under dataPath/logs. */
export async function init(dataPath: string, futureRetentionMs: number): Promise<LogStorage> {
  if (logsRetentionPeriod.value < 86_400_000) throw new flags.FlagError(`invalid -logs.retentionPeriod=${JSON.stringify(logsRetentionPeriod.defaultText)}: the minimum is 1d`);
  storage = await LogStorage.open(path.join(dataPath, "logs"), {
    retentionPeriodMs: logsRetentionPeriod.value,
    futureRetentionMs,
    maxDiskSpaceUsageBytes: maxDiskSpaceUsageBytes.value,
    minFreeDiskSpaceBytes: minFreeDiskSpaceBytes.value,
  });
  return storage;
}

/** get returns the open log storage; calling it before init is a bug. */
export function get(): LogStorage {
  if (storage === undefined) throw new Error("BUG: the log storage is not open");
  return storage;
}

const snapshotAuthKey = (): string => String(flags.lookup("snapshotAuthKey")?.value ?? "");

function checkSnapshotKey(req: Request): void {
  const key = snapshotAuthKey();
  if (key !== "" && req.query.get("authKey") !== key) throw new HttpError(401, "The provided authKey doesn't match -snapshotAuthKey");
}

/**
 * registerRoutes adds the log ingestion and query paths to router, and
 * /logs/snapshot/{create,list,delete,delete_all}: snapshots of the log
 * storage with the JSON answers of VictoriaMetrics' /snapshot/* API.
 */
export function registerRoutes(router: Router): void {
  vlinsert.registerRoutes(router, get());
  vlselect.registerRoutes(router, get());
  router.add("/logs/snapshot/create", async (req, res) => {
    checkSnapshotKey(req);
    sendJSON(res, 200, { status: "ok", snapshot: await get().createSnapshot() });
  });
  router.add("/logs/snapshot/list", (req, res) => {
    checkSnapshotKey(req);
    sendJSON(res, 200, { status: "ok", snapshots: get().listSnapshots() });
  });
  router.add("/logs/snapshot/delete", (req, res) => {
    checkSnapshotKey(req);
    const name = req.query.get("snapshot") ?? "";
    if (!get().listSnapshots().includes(name)) {
      sendJSON(res, 404, { status: "error", msg: `cannot find snapshot ${JSON.stringify(name)}` });
      return;
    }
    get().deleteSnapshot(name);
    sendJSON(res, 200, { status: "ok" });
  });
  router.add("/logs/snapshot/delete_all", (req, res) => {
    checkSnapshotKey(req);
    for (const name of get().listSnapshots()) get().deleteSnapshot(name);
    sendJSON(res, 200, { status: "ok" });
  });
}

/** start starts the syslog listeners and the -logs.httpListenAddr listener serving router. */
export async function start(router: Router): Promise<void> {
  await vlinsert.startSyslogListeners(get());
  if (logsHttpListenAddr.value !== "") {
    server = await HttpServer.start({ listenAddr: logsHttpListenAddr.value, name: "tidemark-logs", handler: router.handle });
    info(`serving the log APIs also on ${logsHttpListenAddr.value}, port ${server.port}`);
  }
}

/** stop stops the listeners and closes the log storage. */
export async function stop(): Promise<void> {
  if (server !== undefined) await server.stop();
  server = undefined;
  await vlinsert.stopSyslogListeners();
  if (storage !== undefined) await storage.close();
  storage = undefined;
}
