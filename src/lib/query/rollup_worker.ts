// The worker thread of RollupWorkerPool: runs each job it is sent and
// answers with the result, moving its buffers back.

import { parentPort } from "node:worker_threads";
import { runRollupJob, type RollupJob } from "./rollup_workers.ts";

parentPort!.on("message", (m: { id: number; job: RollupJob }) => {
  try {
    const result = runRollupJob(m.job);
    parentPort!.postMessage({ id: m.id, result }, [result.values.buffer, result.samples.buffer, result.rows.buffer, result.payload]);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message });
  }
});
