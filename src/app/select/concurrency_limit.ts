// -search.maxConcurrentRequests: at most that many select requests run at
// once; more wait in a queue for up to -search.maxQueueDuration (or the
// request's own timeout when shorter) and then get 503, as VictoriaMetrics
// 1.79.5 does in app/vmselect/main.go. Counted in
// vm_concurrent_select_{limit_reached_total,limit_timeout_total,capacity,current}.

import * as os from "node:os";
import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { ConcurrencyLimiter, HttpError, type Request, type RouteHandler } from "../../lib/httpserver/index.ts";
export { ConcurrencyLimiter } from "../../lib/httpserver/index.ts";
import { counter, gauge } from "../../lib/metrics/index.ts";
import { formatGoDuration } from "../../lib/query/index.ts";

/** defaultMaxConcurrentRequests is VictoriaMetrics' default: twice the CPUs up to 4 CPUs, else the CPUs, at most 16. */
export function defaultMaxConcurrentRequests(cpus: number): number {
  let n = cpus;
  if (n <= 4) n *= 2;
  return Math.min(n, 16);
}

const maxConcurrentRequests = flags.int("search.maxConcurrentRequests", defaultMaxConcurrentRequests(os.availableParallelism()), "The maximum number of concurrent search requests. It shouldn't be high, since a single request can saturate all the CPU cores. See also -search.maxQueueDuration");
const maxQueueDuration = flags.duration("search.maxQueueDuration", "10s", "The maximum time the request waits for execution when -search.maxConcurrentRequests limit is reached; see also -search.maxQueryDuration");

const limitReached = counter("vm_concurrent_select_limit_reached_total");
const limitTimeout = counter("vm_concurrent_select_limit_timeout_total");

let limiter: ConcurrencyLimiter | undefined;

// getLimiter makes the limiter on first use, after the flags are parsed.
function getLimiter(): ConcurrencyLimiter {
  if (limiter === undefined) {
    const l = new ConcurrencyLimiter(Math.max(1, maxConcurrentRequests.value));
    limiter = l;
    gauge("vm_concurrent_select_capacity", () => l.capacity);
    gauge("vm_concurrent_select_current", () => l.current);
  }
  return limiter;
}

/** initConcurrencyLimit registers the limiter's gauges; call it once the flags are parsed. */
export function initConcurrencyLimit(): void {
  getLimiter();
}

const queueWaits = new WeakMap<Request, number>();

/** queueWaitMs is how long req waited for a slot (0 when it got one at once), for its query trace. */
export function queueWaitMs(req: Request): number {
  return queueWaits.get(req) ?? 0;
}

/** maxConcurrentRequestsValue is the -search.maxConcurrentRequests in force, for messages. */
export function maxConcurrentRequestsValue(): number {
  return getLimiter().capacity;
}

// queueTimeoutMs is the request's `timeout` arg (capped by
// -search.maxQueryDuration), capped by -search.maxQueueDuration.
async function queueTimeoutMs(req: Request): Promise<number> {
  let d = flags.lookup("search.maxQueryDuration")?.value as number | undefined ?? 30_000;
  let args = req.query;
  try {
    // Like Go's r.FormValue, this reads a POST form body.
    args = await req.formArgs();
  } catch {
    // The handler reports a bad body.
  }
  const s = args.get("timeout") ?? "";
  if (s !== "") {
    const secs = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) * 1000 : flags.parseDuration(s);
    if (secs !== undefined && secs > 0 && secs < d) d = Math.trunc(secs);
  }
  return Math.min(d, maxQueueDuration.value);
}

/**
 * limitConcurrency wraps handler so that it runs only while it holds one of
 * the -search.maxConcurrentRequests slots. A request that finds none free
 * waits; if none frees up within min(timeout, -search.maxQueueDuration) it
 * gets 503 `cannot handle more than N concurrent search requests during D; ...`.
 */
export function limitConcurrency(handler: RouteHandler): RouteHandler {
  return async (req: Request, res: http.ServerResponse): Promise<void> => {
    const l = getLimiter();
    if (!l.tryAcquire()) {
      limitReached.inc();
      const t0 = performance.now();
      const d = await queueTimeoutMs(req);
      if (!(await l.acquire(d))) {
        limitTimeout.inc();
        throw new HttpError(503, `cannot handle more than ${l.capacity} concurrent search requests during ${formatGoDuration(d)}; possible solutions: ` +
          "increase `-search.maxQueueDuration`; increase `-search.maxQueryDuration`; increase `-search.maxConcurrentRequests`; increase server capacity");
      }
      queueWaits.set(req, performance.now() - t0);
    }
    try {
      await handler(req, res);
    } finally {
      l.release();
    }
  };
}
