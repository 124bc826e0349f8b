// The worker side of WorkerPool.

import { parentPort } from "node:worker_threads";
import type { JobMessage, ResultMessage } from "./worker_pool.ts";

/**
 * serveJobs answers the pool that started this worker: each job goes to run,
 * and its result (with the buffers transfer names moved back) or its error
 * goes back; after, when given, runs after each job. It tells the pool it is
 * ready at once. Call it only from the worker's entry module (check
 * import.meta.main: other workers may import that module too).
 */
export function serveJobs<J, R>(run: (job: J) => R, transfer?: (r: R) => ArrayBuffer[], after?: () => void): void {
  const port = parentPort;
  if (port === null) throw new Error("BUG: serveJobs outside a worker thread");
  port.on("message", (m: JobMessage<J>) => {
    try {
      const result = run(m.job);
      const msg: ResultMessage<R> = { id: m.id, result };
      port.postMessage(msg, transfer?.(result) ?? []);
    } catch (e) {
      const msg: ResultMessage<R> = { id: m.id, error: (e as Error).message ?? String(e), stack: (e as Error).stack };
      port.postMessage(msg);
    }
    after?.();
  });
  port.postMessage({ id: 0, ready: true } satisfies ResultMessage<R>);
}
