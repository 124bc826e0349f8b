// -maxConcurrentInserts: at most that many ingestion requests are processed
// at once (reading the body included); more wait for up to
// -insert.maxQueueDuration and then get 503, as VictoriaMetrics 1.79.5's
// lib/writeconcurrencylimiter does. Counted in vm_concurrent_insert_*.

import * as os from "node:os";
import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { ConcurrencyLimiter, HttpError, type Request, type Router, type RouteHandler, type RouteOptions } from "../../lib/httpserver/index.ts";
import { counter, gauge } from "../../lib/metrics/index.ts";
import { formatGoDuration } from "../../lib/query/index.ts";

const maxConcurrentInserts = flags.int("maxConcurrentInserts", os.availableParallelism() * 4,
  "The maximum number of concurrent inserts. Default value should work for most cases, " +
  "since it minimizes the overhead for concurrent inserts. This option is tigthly coupled with -insert.maxQueueDuration");
const maxQueueDuration = flags.duration("insert.maxQueueDuration", "1m",
  "The maximum duration for waiting in the queue for insert requests due to -maxConcurrentInserts");

const limitReached = counter("vm_concurrent_insert_limit_reached_total");
const limitTimeout = counter("vm_concurrent_insert_limit_timeout_total");

let limiter: ConcurrencyLimiter | undefined;

function getLimiter(): ConcurrencyLimiter {
  if (limiter === undefined) {
    const n = maxConcurrentInserts.value;
    if (!(n >= 1)) throw new Error(`cannot use -maxConcurrentInserts=${n}: want a positive number`);
    limiter = new ConcurrencyLimiter(n);
    gauge("vm_concurrent_insert_capacity", () => limiter!.capacity);
    gauge("vm_concurrent_insert_current", () => limiter!.current);
  }
  return limiter;
}

/**
 * limitInserts wraps handler so that it runs only while it holds one of the
 * -maxConcurrentInserts slots. A request that finds none free waits; if none
 * frees up within -insert.maxQueueDuration it gets 503 `cannot handle more
 * than N concurrent inserts during D; ...`.
 */
export function limitInserts(handler: RouteHandler): RouteHandler {
  return async (req: Request, res: http.ServerResponse): Promise<void> => {
    const l = getLimiter();
    if (!l.tryAcquire()) {
      limitReached.inc();
      const d = maxQueueDuration.value;
      if (!(await l.acquire(d))) {
        limitTimeout.inc();
        throw new HttpError(503, `cannot handle more than ${l.capacity} concurrent inserts during ${formatGoDuration(d)}; possible solutions: ` +
          "increase `-insert.maxQueueDuration`, increase `-maxConcurrentInserts`, increase server capacity");
      }
    }
    try {
      await handler(req, res);
    } finally {
      l.release();
    }
  };
}

// Paths that answer without ingesting anything are not limited.
const UNLIMITED = new Set([
  "/query", "/influx/query", "/influx/health", "/newrelic", "/newrelic/inventory/deltas",
  "/datadog/api/v1/validate", "/datadog/api/v1/validate/",
  "/-/reload", "/prometheus/-/reload",
]);

/**
 * limitedRouter returns router whose add() wraps every ingestion handler with
 * limitInserts (handlers of paths that ingest nothing, such as /influx/query,
 * are registered unchanged). The first call checks -maxConcurrentInserts.
 */
export function limitedRouter(router: Router): Router {
  getLimiter();
  const add = (path: string, handler: RouteHandler, opts?: RouteOptions): void =>
    router.add(path, UNLIMITED.has(path) ? handler : limitInserts(handler), opts);
  return new Proxy(router, {
    get(target, prop) {
      if (prop === "add") return add;
      return Reflect.get(target, prop, target);
    },
  });
}
