// JobRunner runs worker.ts jobs one at a time in its own worker thread (or
// in the calling thread when workers are off, for tests).

import { error as logError } from "../logger/index.ts";
import { WorkerPool } from "../workerpool/index.ts";
import { type Job, type JobResult, runJob } from "./worker.ts";

const workerHeapMb = 192;

/** JobRunner owns at most one worker thread, stopped after 30 s without jobs. */
export class JobRunner extends WorkerPool<Job, JobResult> {
  constructor(useWorker: boolean) {
    super({
      name: "log storage",
      url: new URL("./worker.ts", import.meta.url),
      size: useWorker ? 1 : 0,
      idleMs: 30_000,
      // A bounded heap makes the worker collect garbage before its memory
      // grows large: a job holds at most a few blocks of decoded strings.
      resourceLimits: { maxOldGenerationSizeMb: workerHeapMb, maxYoungGenerationSizeMb: 16 },
      runInThread: runJob,
      // A worker that dies (out of memory, a bug) fails its jobs; the next job starts a new one.
      onWorkerError: (e) => logError(`log storage worker failed: ${e.stack ?? e.message}`),
    });
  }
}
