// JobRunner runs worker.ts jobs one at a time in its own worker thread (or
// in the calling thread when workers are off, for tests).

import { Worker } from "node:worker_threads";
import { error as logError } from "../logger/index.ts";
import { type Job, type JobResult, runJob } from "./worker.ts";

const workerHeapMb = 192;

type JobInput = Job extends infer J ? (J extends Job ? Omit<J, "id"> : never) : never;

/** JobRunner owns at most one worker thread. */
export class JobRunner {
  private worker: Worker | undefined;
  private readonly useWorker: boolean;
  private nextID = 1;
  private pending = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private static readonly idleMs = 30_000;

  constructor(useWorker: boolean) {
    this.useWorker = useWorker;
  }

  /** busy reports whether a job is running. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    // A bounded heap makes the worker collect garbage before its memory
    // grows large: a job holds at most a few blocks of decoded strings.
    const w = new Worker(new URL("./worker.ts", import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: workerHeapMb, maxYoungGenerationSizeMb: 16 } });
    w.on("message", (r: JobResult) => {
      const p = this.pending.get(r.id);
      if (p === undefined) return;
      this.pending.delete(r.id);
      if (r.error !== undefined) p.reject(new Error(r.error));
      else p.resolve(r);
      if (this.pending.size === 0) {
        w.unref();
        this.scheduleIdleStop();
      }
    });
    // A worker that dies (out of memory, a bug) fails its jobs; the next job starts a new one.
    const fail = (err: Error): void => {
      if (this.worker === w) this.worker = undefined;
      const jobs = [...this.pending.values()];
      this.pending.clear();
      for (const j of jobs) j.reject(err);
    };
    w.on("error", (e: Error) => {
      logError(`log storage worker failed: ${e.stack ?? e.message}`);
      fail(e);
    });
    w.on("exit", (code) => {
      if (this.worker === w && !this.closed) fail(new Error(`log storage worker exited unexpectedly with code ${code}`));
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private scheduleIdleStop(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.pending.size > 0 || this.worker === undefined) return;
      const w = this.worker;
      this.worker = undefined;
      void w.terminate();
    }, JobRunner.idleMs);
    this.idleTimer.unref();
  }

  /** run performs job and resolves with its result. */
  run(job: JobInput): Promise<JobResult> {
    if (this.closed) return Promise.reject(new Error("BUG: JobRunner.run after close"));
    const id = this.nextID++;
    const full = { ...job, id } as Job;
    if (!this.useWorker) {
      try {
        return Promise.resolve(runJob(full));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    }
    const w = this.ensureWorker();
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    // A running job keeps the process alive; an idle worker does not.
    w.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage(full);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    if (this.worker !== undefined) {
      const w = this.worker;
      this.worker = undefined;
      await w.terminate();
    }
  }
}
