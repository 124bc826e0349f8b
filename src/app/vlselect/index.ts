// The log query role: VictoriaLogs' /select/logsql/* API and a Loki read
// API for Grafana's Loki datasource, over a LogSearcher.

import type { Router } from "../../lib/httpserver/index.ts";
import type { LogSearcher } from "../../lib/logstorage/index.ts";
import { limitConcurrency } from "../select/index.ts";
import { registerLogsQLRoutes } from "./logsql.ts";
import { registerLokiRoutes } from "./loki.ts";

/**
 * registerRoutes adds the log query paths to router. Like the metrics
 * queries, they run under -search.maxConcurrentRequests (queueing up to
 * -search.maxQueueDuration); live tailing holds no slot.
 */
export function registerRoutes(router: Router, src: LogSearcher): void {
  const add = (path: string, h: Parameters<Router["add"]>[1]): void => router.add(path, path === "/select/logsql/tail" ? h : limitConcurrency(h), { methods: ["GET", "POST"] });
  registerLogsQLRoutes(add, src);
  registerLokiRoutes(add, src);
}
