// The worker thread of RollupWorkerPool: runs each job it is sent and
// answers with the result, moving its buffers back. Its modules load through
// Node's compile cache (as the main thread's do), so that a worker starts in
// tens of milliseconds when the first heavy query needs it.

import { parentPort } from "node:worker_threads";
import * as nodeModule from "node:module";
import type { RollupJob } from "./rollup_workers.ts";

nodeModule.enableCompileCache?.();
const { runRollupJob } = await import("./rollup_workers.ts");

parentPort!.postMessage({ id: 0, ready: true });
parentPort!.on("message", (m: { id: number; job: RollupJob }) => {
  try {
    const result = runRollupJob(m.job);
    const transfer: ArrayBuffer[] = [result.values.buffer, result.samples.buffer, result.rows.buffer, result.payload];
    if (result.fills !== undefined) transfer.push(result.fills.bytes.buffer, result.fills.pos.buffer, result.fills.offsets.buffer);
    parentPort!.postMessage({ id: m.id, result }, transfer);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message });
  }
});
