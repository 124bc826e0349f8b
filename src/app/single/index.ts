// The all-in-one single node: storage, insert and select roles in one
// process behind one HTTP listener (-httpListenAddr, default :8428).

import * as flags from "../../lib/flagutil/index.ts";
import { HttpServer, Router } from "../../lib/httpserver/index.ts";
import { info } from "../../lib/logger/index.ts";
import { gauge } from "../../lib/metrics/index.ts";
import * as insert from "../insert/index.ts";
import * as logs from "../logs/index.ts";
import * as select from "../select/index.ts";
import * as storageRole from "../storage/index.ts";
import { startGcPacer, stopGcPacer } from "./gc_pacer.ts";
import { registerProcessMetrics } from "./process_metrics.ts";

const httpListenAddr = flags.string("httpListenAddr", ":8428", "TCP address to listen for HTTP requests");

let server: HttpServer | undefined;

/** init starts the single node and returns the bound port. */
export async function init(): Promise<number> {
  const t0 = Date.now();
  const storage = await storageRole.init();
  registerProcessMetrics();
  startGcPacer();
  const logStorage = await logs.init(storageRole.dataPath(), storageRole.futureRetentionMs());
  storageRole.addMaintenanceHooks({ forceFlush: () => logStorage.forceFlush(), forceMerge: (prefix) => logStorage.forceMerge(prefix) });
  const router = new Router();
  insert.registerRoutes(router, storage);
  select.registerRoutes(router, storage);
  storageRole.registerRoutes(router);
  logs.registerRoutes(router);
  // The TCP/UDP listeners (-graphiteListenAddr, -influxListenAddr, -opentsdbListenAddr, -opentsdbHTTPListenAddr).
  const ingestStorage = insert.relabelingStorage(storage); // relabels every batch (-relabelConfig)
  await Promise.all([insert.startGraphiteListeners(ingestStorage), insert.startInfluxListeners(ingestStorage), insert.startOpentsdbListeners(ingestStorage)]);
  await logs.start(router);
  // /health and /metrics are the HTTP server's built-in routes.
  server = await HttpServer.start({ listenAddr: httpListenAddr.value, name: "tidemark", handler: router.handle });
  gauge(`vm_app_start_timestamp`, () => Math.floor(t0 / 1000));
  info(`started Tidemark in ${((Date.now() - t0) / 1000).toFixed(3)}s; serving HTTP on ${httpListenAddr.value} (port ${server.port})`);
  return server.port;
}

/** stop stops accepting requests, waits for in-flight ones, then flushes and closes the storage. */
export async function stop(): Promise<void> {
  if (server !== undefined) await server.stop();
  server = undefined;
  await Promise.all([insert.stopGraphiteListeners(), insert.stopInfluxListeners(), insert.stopOpentsdbListeners()]);
  await Promise.all([logs.stop(), storageRole.stop()]);
  stopGcPacer();
}
