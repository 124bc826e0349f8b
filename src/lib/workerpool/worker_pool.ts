// WorkerPool runs jobs on worker threads: started on first use, stopped after
// a while without jobs (their memory goes back to the OS), each busy worker
// keeping the process alive and each idle one not. The worker module answers
// with serveJobs (serve.ts). Merges, log part builds and query rollups all
// run through it.

import { Worker, type ResourceLimits } from "node:worker_threads";

/** WorkerPoolOptions configure a pool. */
export interface WorkerPoolOptions<J, R> {
  /** the worker's entry module; it must call serveJobs */
  url: URL;
  /** most worker threads; 0 runs every job in the calling thread with runInThread */
  size: number;
  /** workers stop after this long without jobs */
  idleMs: number;
  resourceLimits?: ResourceLimits;
  /** what the job moves to the worker (its buffers become unusable here) */
  transfer?: (job: J) => ArrayBuffer[];
  /** runs a job in the calling thread when size is 0 */
  runInThread?: (job: J) => R;
  /** called when a worker dies (its jobs fail); the next job starts a new one */
  onWorkerError?: (e: Error) => void;
  /** called when the workers stop for idleness */
  onIdleStop?: () => void;
  /** names the workers in errors */
  name: string;
}

interface Pending<R> {
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

interface Slot<R> {
  worker: Worker;
  pending: Map<number, Pending<R>>;
  /** set once the worker has loaded its modules */
  ready: boolean;
}

/** JobMessage and ResultMessage are the protocol between a pool and serveJobs. */
export interface JobMessage<J> {
  id: number;
  job: J;
}
export interface ResultMessage<R> {
  id: number;
  ready?: boolean;
  result?: R;
  /** a job's error: its message and the worker's stack */
  error?: string;
  stack?: string;
}

/**
 * WorkerPool runs jobs of type J giving results R on up to size worker
 * threads. A job goes to a ready worker with the fewest jobs queued; a worker
 * is added while all have jobs. A job that throws in the worker rejects with
 * its error; a worker that dies rejects its jobs.
 */
export class WorkerPool<J, R> {
  readonly size: number;
  private readonly opts: WorkerPoolOptions<J, R>;
  private slots: Array<Slot<R>> = [];
  private nextID = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private busy = 0;
  /** jobsRun counts the jobs done by workers. */
  jobsRun = 0;

  constructor(opts: WorkerPoolOptions<J, R>) {
    this.opts = opts;
    this.size = opts.size;
  }

  /** ready is the number of workers that have started and can take jobs at once. */
  get ready(): number {
    let n = 0;
    for (const s of this.slots) if (s.ready) n++;
    return n;
  }

  /** warm starts the workers that are not running (they become ready a little later). */
  warm(): void {
    while (this.slots.length < this.size) this.spawn();
    if (this.busy === 0) this.scheduleIdleStop();
  }

  /** run performs job and resolves with its result. */
  run(job: J): Promise<R> {
    if (this.size === 0) {
      const f = this.opts.runInThread;
      if (f === undefined) return Promise.reject(new Error(`BUG: ${this.opts.name} pool has no workers and no runInThread`));
      try {
        return Promise.resolve(f(job));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    }
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    let slot: Slot<R> | undefined;
    for (const s of this.slots) {
      if (slot === undefined || (s.ready && !slot.ready) || (s.ready === slot.ready && s.pending.size < slot.pending.size)) slot = s;
    }
    if (slot === undefined || (slot.pending.size > 0 && this.slots.length < this.size)) slot = this.spawn();
    const id = this.nextID++;
    const s = slot;
    this.busy++;
    return new Promise((resolve, reject) => {
      if (s.pending.size === 0) s.worker.ref();
      s.pending.set(id, { resolve, reject });
      const msg: JobMessage<J> = { id, job };
      s.worker.postMessage(msg, this.opts.transfer?.(job) ?? []);
    });
  }

  /** close stops the workers (jobs still running fail); a later job starts them again. */
  async close(): Promise<void> {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) {
      const jobs = [...s.pending.values()];
      s.pending.clear();
      for (const p of jobs) {
        this.done();
        p.reject(new Error(`${this.opts.name} worker stopped`));
      }
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot<R> {
    const w = new Worker(this.opts.url, { resourceLimits: this.opts.resourceLimits });
    const slot: Slot<R> = { worker: w, pending: new Map(), ready: false };
    w.on("message", (m: ResultMessage<R>) => {
      if (m.ready === true) {
        slot.ready = true;
        return;
      }
      const p = slot.pending.get(m.id);
      if (p === undefined) return;
      slot.pending.delete(m.id);
      // An idle worker must not keep the process alive; a busy one must.
      if (slot.pending.size === 0) w.unref();
      this.jobsRun++;
      this.done();
      if (m.error !== undefined) {
        const e = new Error(m.error);
        if (m.stack !== undefined) e.stack = m.stack;
        p.reject(e);
      } else {
        p.resolve(m.result!);
      }
    });
    let failed = false;
    const fail = (e: Error): void => {
      // The worker is gone: its jobs fail, the next job starts a new one.
      this.slots = this.slots.filter((s) => s !== slot);
      const jobs = [...slot.pending.values()];
      slot.pending.clear();
      for (const p of jobs) {
        this.done();
        p.reject(e);
      }
      if (!failed) {
        failed = true;
        this.opts.onWorkerError?.(e);
      }
    };
    w.on("error", fail);
    w.on("exit", (code) => {
      // Exits after terminate() (close, idleness) are expected.
      if (this.slots.includes(slot)) fail(new Error(`${this.opts.name} worker exited unexpectedly with code ${code}`));
    });
    w.unref();
    this.slots.push(slot);
    return slot;
  }

  private done(): void {
    this.busy--;
    if (this.busy === 0) this.scheduleIdleStop();
  }

  private scheduleIdleStop(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.busy > 0) return;
      this.opts.onIdleStop?.();
      void this.close();
    }, this.opts.idleMs);
    this.idleTimer.unref();
  }
}
