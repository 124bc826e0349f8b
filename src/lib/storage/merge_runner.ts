// MergeRunner runs merge jobs in one worker thread (or in the calling thread
// when workers are disabled, for tests), one job at a time.

import { fatal } from "../logger/index.ts";
import { WorkerPool } from "../workerpool/index.ts";
import { runMergeJob, type MergeJob, type MergeResult } from "./merge_worker.ts";

/** MergeRunner is a pool of one merge worker, stopped after 10 s without merges. */
export class MergeRunner extends WorkerPool<MergeJob, MergeResult> {
  constructor(useWorker: boolean) {
    super({
      name: "merge",
      url: new URL("./merge_worker.ts", import.meta.url),
      size: useWorker ? 1 : 0,
      idleMs: 10_000,
      // A merge allocates few JavaScript objects (its data are typed arrays,
      // outside the heap), so a small young generation is enough; the default
      // one costs tens of MiB of RSS per isolate.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      runInThread: runMergeJob,
      onWorkerError: (e) => fatal(`merge worker failed: ${e.stack ?? e.message} (an I/O error in a merge is fatal)`),
    });
  }
}
