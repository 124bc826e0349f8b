// -search.logSlowQueryDuration: select requests that take longer are logged
// with their URI and counted in vm_slow_queries_total, as VictoriaMetrics
// 1.79.5 does in app/vmselect/main.go.

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import type { Request, RouteHandler } from "../../lib/httpserver/index.ts";
import * as logger from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { formatGoDuration } from "../../lib/query/index.ts";

const logSlowQueryDuration = flags.duration("search.logSlowQueryDuration", "5s", "Log queries with execution time exceeding this value. Zero disables slow query logging");

const slowQueries = counter("vm_slow_queries_total");

/** slowQueryMessage is the warning logged for a request that took durationMs, in VictoriaMetrics' words. */
export function slowQueryMessage(limitMs: number, remoteAddr: string, durationMs: number, requestURI: string): string {
  return `slow query according to -search.logSlowQueryDuration=${formatGoDuration(limitMs)}: remoteAddr=${remoteAddr}, duration=${(durationMs / 1000).toFixed(3)} seconds; requestURI: ${JSON.stringify(requestURI)}`;
}

/** logSlowQueries wraps handler so that a run of -search.logSlowQueryDuration or longer is logged and counted (0 disables it). */
export function logSlowQueries(handler: RouteHandler): RouteHandler {
  return async (req: Request, res: http.ServerResponse): Promise<void> => {
    const limit = logSlowQueryDuration.value;
    if (limit <= 0) {
      await handler(req, res);
      return;
    }
    const t0 = performance.now();
    try {
      await handler(req, res);
    } finally {
      const d = performance.now() - t0;
      if (d >= limit) {
        slowQueries.inc();
        logger.warn(slowQueryMessage(limit, req.quotedRemoteAddr(), d, req.requestURI()));
      }
    }
  };
}
