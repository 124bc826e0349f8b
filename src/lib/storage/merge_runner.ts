// MergeRunner runs merge jobs in one worker thread (or in the calling thread
// when workers are disabled, for tests), one job at a time.

import { Worker } from "node:worker_threads";
import { fatal } from "../logger/index.ts";
import { runMergeJob, type MergeJob, type MergeResult } from "./merge_worker.ts";

export class MergeRunner {
  private worker: Worker | undefined;
  private readonly useWorker: boolean;
  private nextID = 1;
  private pending = new Map<number, { resolve: (r: MergeResult) => void; reject: (e: Error) => void }>();
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** the worker is stopped after this long without jobs, to give its memory back */
  private static readonly idleMs = 10_000;

  constructor(useWorker: boolean) {
    this.useWorker = useWorker;
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    // A merge allocates few JavaScript objects (its data are typed arrays,
    // outside the heap), so a small young generation is enough; the default
    // one costs tens of MiB of RSS per isolate.
    const w = new Worker(new URL("./merge_worker.ts", import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    w.on("message", (r: MergeResult) => {
      const p = this.pending.get(r.id);
      if (p === undefined) return;
      this.pending.delete(r.id);
      if (r.error !== undefined) p.reject(new Error(r.error));
      else p.resolve(r);
      if (this.pending.size === 0) this.scheduleIdleStop();
    });
    w.on("error", (e: Error) => fatal(`merge worker failed: ${e.stack ?? e.message}`));
    w.on("exit", (code) => {
      if (this.worker === w && !this.closed) fatal(`merge worker exited unexpectedly with code ${code} (an I/O error in a merge is fatal)`);
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
    }, MergeRunner.idleMs);
    this.idleTimer.unref();
  }

  /** run performs job and resolves with its result. */
  run(job: Omit<MergeJob, "id">): Promise<MergeResult> {
    const id = this.nextID++;
    const full: MergeJob = { ...job, id };
    if (!this.useWorker) {
      try {
        return Promise.resolve(runMergeJob(full));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    }
    const w = this.ensureWorker();
    if (this.idleTimer !== undefined) { clearTimeout(this.idleTimer); this.idleTimer = undefined; }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage(full);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    if (this.worker !== undefined) await this.worker.terminate();
    this.worker = undefined;
  }
}
