// The storage role: owns the Storage, and serves the maintenance, snapshot
// and deletion APIs of a VictoriaMetrics single node / vmstorage.

import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, sendJSON, sendText, type Request, type Router } from "../../lib/httpserver/index.ts";
import { gauge } from "../../lib/metrics/index.ts";
import { parseTime } from "../../lib/searchutil/index.ts";
import { Storage, parseSeriesSelector, type TagFilter } from "../../lib/storage/index.ts";

const storageDataPath = flags.string("storageDataPath", "tidemark-data", "Path to the storage data directory");
const retentionPeriod = flags.retention("retentionPeriod", "1", "Data with timestamps outside the retentionPeriod is automatically deleted. A bare number means months; the suffixes h, d, w, y are accepted, e.g. 30d or 1y. The minimum is 24h");
const futureRetention = flags.retention("futureRetention", "2d", "Samples with timestamps further than this in the future are rejected");
const dedupInterval = flags.duration("dedup.minScrapeInterval", "0s", "Leave only the last sample in every time series per each discrete interval equal to this value; 0 disables deduplication");
const flushInterval = flags.duration("inmemoryDataFlushInterval", "5s", "The interval for writing in-memory data to file parts. Acknowledged writes are durable before that through the write-ahead log");
const memoryAllowedPercent = flags.float("memory.allowedPercent", 60, "Allowed percent of system memory Tidemark caches may occupy");
const memoryAllowedBytes = flags.bytes("memory.allowedBytes", 0, "Allowed size of system memory Tidemark caches may occupy; overrides -memory.allowedPercent when non-zero");
const snapshotAuthKey = flags.string("snapshotAuthKey", "", "authKey, which must be passed in the query string to /snapshot* pages");
const forceMergeAuthKey = flags.string("forceMergeAuthKey", "", "authKey, which must be passed in the query string to /internal/force_merge pages");
const forceFlushAuthKey = flags.string("forceFlushAuthKey", "", "authKey, which must be passed in the query string to /internal/force_flush pages");
const deleteAuthKey = flags.string("deleteAuthKey", "", "authKey for the /api/v1/admin/tsdb/delete_series call");
const maxDeleteSeries = flags.int("search.maxDeleteSeries", 1_000_000, "The maximum number of time series that one /api/v1/admin/tsdb/delete_series call can delete");


let storage: Storage | undefined;

/** memoryLimitBytes is the memory the caches may use, per -memory.allowed*. */
export async function memoryLimitBytes(): Promise<number> {
  if (memoryAllowedBytes.value > 0) return memoryAllowedBytes.value;
  const os = await import("node:os");
  return (os.totalmem() * memoryAllowedPercent.value) / 100;
}

/** init opens the storage. */
export async function init(): Promise<Storage> {
  if (retentionPeriod.value < 86_400_000) throw new flags.FlagError(`invalid -retentionPeriod=${JSON.stringify(retentionPeriod.defaultText)}: the minimum is 24h`);
  const mem = await memoryLimitBytes();
  // About 200 bytes per cached series name; the cache takes a quarter of the allowance.
  const tsidCacheEntries = Math.max(100_000, Math.floor(mem / 4 / 200));
  storage = Storage.open(storageDataPath.value, {
    retentionMs: retentionPeriod.value,
    futureRetentionMs: futureRetention.value,
    dedupIntervalMs: dedupInterval.value,
    flushIntervalMs: Math.max(1000, flushInterval.value),
    tsidCacheEntries,
  });
  registerMetrics(storage);
  return storage;
}

/** dataPath is -storageDataPath. */
export function dataPath(): string {
  return storageDataPath.value;
}

/** futureRetentionMs is -futureRetention in milliseconds. */
export function futureRetentionMs(): number {
  return futureRetention.value;
}

/** MaintenanceHooks let other storages (the log storage) follow /internal/force_flush and /internal/force_merge. */
export interface MaintenanceHooks {
  forceFlush(): Promise<void>;
  /** forceMerge gets the partition_prefix arg; it is not called for prefixes of the metrics' YYYY_MM form. */
  forceMerge(prefix: string): Promise<void>;
}

const hooks: MaintenanceHooks[] = [];

/** addMaintenanceHooks registers h for the maintenance endpoints. */
export function addMaintenanceHooks(h: MaintenanceHooks): void {
  hooks.push(h);
}

export function get(): Storage {
  if (storage === undefined) throw new Error("BUG: storage is not initialized");
  return storage;
}

/** stop flushes and closes the storage. */
export async function stop(): Promise<void> {
  await storage?.close();
  storage = undefined;
}

function registerMetrics(s: Storage): void {
  const st = () => s.stats();
  let cached = st();
  let at = Date.now();
  const get = (k: string) => () => {
    if (Date.now() - at > 1000) { cached = st(); at = Date.now(); }
    return cached[k]!;
  };
  gauge(`vm_rows{type="storage/inmemory"}`, get("rowsInmemory"));
  gauge(`vm_rows{type="storage/small"}`, get("rowsFile"));
  gauge(`vm_parts{type="storage/inmemory"}`, get("partsInmemory"));
  gauge(`vm_parts{type="storage/small"}`, get("partsFile"));
  gauge(`vm_data_size_bytes{type="storage/inmemory"}`, get("bytesInmemory"));
  gauge(`vm_data_size_bytes{type="storage/small"}`, get("bytesFile"));
  gauge(`vm_data_size_bytes{type="indexdb/file"}`, get("indexBytes"));
  gauge(`vm_parts{type="indexdb/file"}`, get("indexParts"));
  gauge(`vm_rows{type="indexdb"}`, get("indexItems"));
  gauge(`vm_cache_entries{type="storage/tsid"}`, get("tsidCacheEntries"));
  gauge(`vm_wal_size_bytes`, get("walBytes"));
  gauge(`vm_cache_requests_total{type="storage/tsid"}`, () => s.counters.cacheRequests);
  gauge(`vm_cache_misses_total{type="storage/tsid"}`, () => s.counters.cacheMisses);
  gauge(`vm_new_timeseries_created_total`, () => s.counters.seriesCreated);
  gauge(`vm_rows_added_to_storage_total`, () => s.counters.rowsAdded);
  gauge(`vm_rows_ignored_total{reason="small_timestamp"}`, () => s.counters.tooSmall);
  gauge(`vm_rows_ignored_total{reason="big_timestamp"}`, () => s.counters.tooBig);
  gauge(`vm_rows_ignored_total{reason="nan_value"}`, () => s.counters.nanValues);
  gauge(`vm_merges_total{type="storage/inmemory"}`, () => s.table.stats.mergesTotal.inmemory);
  gauge(`vm_merges_total{type="storage/small"}`, () => s.table.stats.mergesTotal.small);
  gauge(`vm_rows_merged_total{type="storage/small"}`, () => s.table.stats.rowsMergedTotal);
  gauge(`vm_rows_deleted_total{type="storage"}`, () => s.table.stats.rowsDeletedTotal);
  gauge(`vm_deleted_metrics_total`, () => s.counters.deletedSeries);
  gauge(`vm_partitions_dropped_total`, () => s.table.stats.partitionsDroppedTotal);
  gauge(`vm_snapshots`, () => s.listSnapshots().length);
  gauge(`vm_app_started_after_unclean_shutdown`, () => (s.startedAfterUncleanShutdown ? 1 : 0));
  gauge(`vm_wal_replayed_rows_total`, () => s.replay.rows);
  gauge(`vm_wal_torn_tail_bytes_total`, () => s.replay.tornBytes);
  gauge(`vm_storage_flushes_total`, () => s.counters.flushes);
}

function checkKey(req: Request, key: string, flagName: string): void {
  if (key === "") return;
  if (req.query.get("authKey") !== key) throw new HttpError(401, `The provided authKey doesn't match -${flagName}`);
}

/** registerRoutes adds the storage role's paths to router. */
export function registerRoutes(router: Router): void {
  router.add("/internal/force_flush", async (req, res) => {
    checkKey(req, forceFlushAuthKey.value, "forceFlushAuthKey");
    get().forceFlush();
    for (const h of hooks) await h.forceFlush();
    sendText(res, 200, "");
  });
  router.add("/internal/force_merge", async (req, res) => {
    checkKey(req, forceMergeAuthKey.value, "forceMergeAuthKey");
    const prefix = req.query.get("partition_prefix") ?? "";
    // YYYY_MM prefixes name metric partitions; YYYYMMDD ones (VictoriaLogs' daily partitions) name log partitions only.
    const logsOnly = /^\d{5,8}$/.test(prefix);
    if (prefix !== "" && !logsOnly && !/^\d{1,4}(_\d{0,2})?$/.test(prefix)) throw new HttpError(400, `invalid partition_prefix=${JSON.stringify(prefix)}: want a prefix of YYYY_MM (metrics) or YYYYMMDD (logs)`);
    if (!logsOnly) await get().forceMerge(prefix);
    if (!prefix.includes("_")) for (const h of hooks) await h.forceMerge(prefix);
    sendText(res, 200, "");
  });
  router.add("/snapshot/create", (req, res) => {
    checkKey(req, snapshotAuthKey.value, "snapshotAuthKey");
    sendJSON(res, 200, { status: "ok", snapshot: get().createSnapshot() });
  });
  router.add("/snapshot/list", (req, res) => {
    checkKey(req, snapshotAuthKey.value, "snapshotAuthKey");
    sendJSON(res, 200, { status: "ok", snapshots: get().listSnapshots() });
  });
  router.add("/snapshot/delete", (req, res) => {
    checkKey(req, snapshotAuthKey.value, "snapshotAuthKey");
    const name = req.query.get("snapshot") ?? "";
    let ok: boolean;
    try {
      ok = get().deleteSnapshot(name);
    } catch (e) {
      sendJSON(res, 400, { status: "error", msg: (e as Error).message });
      return;
    }
    if (!ok) {
      sendJSON(res, 404, { status: "error", msg: `cannot find snapshot ${JSON.stringify(name)}` });
      return;
    }
    sendJSON(res, 200, { status: "ok" });
  });
  router.add("/snapshot/delete_all", (req, res) => {
    checkKey(req, snapshotAuthKey.value, "snapshotAuthKey");
    const s = get();
    for (const name of s.listSnapshots()) s.deleteSnapshot(name);
    sendJSON(res, 200, { status: "ok" });
  });
  for (const p of ["/api/v1/admin/tsdb/delete_series", "/prometheus/api/v1/admin/tsdb/delete_series"]) {
    router.add(p, async (req, res) => {
      checkKey(req, deleteAuthKey.value, "deleteAuthKey");
      const args = await req.formArgs();
      const matches = args.getAll("match[]");
      if (matches.length === 0) throw new HttpError(400, "missing match[] arg");
      const startArg = args.get("start");
      const endArg = args.get("end");
      const minT = startArg === null || startArg === "" ? -Infinity : parseTimeArg("start", startArg);
      const maxT = endArg === null || endArg === "" ? Infinity : parseTimeArg("end", endArg);
      if (minT > maxT) throw new HttpError(400, `start=${startArg} must not be after end=${endArg}`);
      const filterSets = matches.map(parseMatch);
      for (const f of filterSets) await get().deleteSeries(f, minT, maxT, maxDeleteSeries.value);
      res.statusCode = 204;
      res.end();
    }, { metricPath: "/api/v1/admin/tsdb/delete_series" });
  }
}

/** parseMatch parses one match[] selector, answering 400 on a bad one. */
export function parseMatch(m: string): TagFilter[] {
  try {
    return parseSeriesSelector(m);
  } catch (e) {
    throw new HttpError(400, `cannot parse match[]=${JSON.stringify(m)}: ${(e as Error).message}`);
  }
}

/** parseTimeArg parses a time arg, answering 400 on a bad one. */
export function parseTimeArg(name: string, v: string | null, def = 0): number {
  try {
    return parseTime(name, v, def);
  } catch (e) {
    throw new HttpError(400, (e as Error).message);
  }
}
