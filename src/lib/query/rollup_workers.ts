// Rollups of many series run in worker threads, as VictoriaMetrics runs them
// on every core: the storage hands out series in batches, still encoded; a
// worker decodes each series and computes its rollup rows; the evaluator
// takes the rows back in batch order, so results come out in the same order
// as when one thread does everything.

import { Worker } from "node:worker_threads";
import { decodeBatchSeries, dropSpareBatchBuffers, SampleRuns, takeBatchFills, type BatchFills, type SeriesBatch } from "../seriesbatch/index.ts";
import { evalRollup, getRollupFunc, type RollupArg, type RollupConfig } from "./rollup.ts";

/** RollupJob is a rollup of every series of a batch: plain data that can be posted to a worker. */
export interface RollupJob {
  funcName: string;
  args: readonly RollupArg[];
  cfg: RollupConfig;
  batch: SeriesBatch;
}

/**
 * RollupJobResult is what a job yields: samples[i] raw samples read for
 * series i (0: no samples in range, no rows), rows[i] output rows for it; the
 * rows of all series follow one another, row r's values are
 * values[r*points .. (r+1)*points) and its extra labels tags[r] (null: none).
 * payload is the job's payload buffer, handed back for recycleBatchBuffer;
 * fills are the payloads decompressed for the source's cache.
 */
export interface RollupJobResult {
  samples: Uint32Array<ArrayBuffer>;
  rows: Uint32Array<ArrayBuffer>;
  tags: Array<Array<[string, string]> | null>;
  values: Float64Array<ArrayBuffer>;
  points: number;
  payload: ArrayBuffer;
  fills?: BatchFills;
}

const runs = new SampleRuns();

/** runRollupJob decodes and rolls up every series of job.batch in the calling thread. */
export function runRollupJob(job: RollupJob): RollupJobResult {
  const info = getRollupFunc(job.funcName);
  if (info === undefined) throw new Error(`BUG: unknown rollup function ${job.funcName}`);
  const b = job.batch;
  // Fills left by a job that failed belong to no one.
  takeBatchFills();
  const points = Math.floor((job.cfg.end - job.cfg.start) / job.cfg.step) + 1;
  const samples = new Uint32Array(b.count);
  const rows = new Uint32Array(b.count);
  const tags: Array<Array<[string, string]> | null> = [];
  let values = new Float64Array(points * b.count);
  let r = 0;
  for (let i = 0; i < b.count; i++) {
    const n = decodeBatchSeries(b, i, runs);
    samples[i] = n;
    if (n === 0) continue;
    const s = runs.start;
    const out = evalRollup(info, job.args, job.cfg, s === 0 ? runs.ts : runs.ts.subarray(s), s === 0 ? runs.vals : runs.vals.subarray(s), n);
    rows[i] = out.length;
    for (const row of out) {
      if ((r + 1) * points > values.length) {
        const v = new Float64Array(Math.max(2 * values.length, (r + 1) * points));
        v.set(values);
        values = v;
      }
      values.set(row.values, r * points);
      tags.push(row.tags ?? null);
      r++;
    }
  }
  return { samples, rows, tags, values: values.subarray(0, r * points), points, payload: b.payload.buffer, fills: takeBatchFills() };
}

interface Pending {
  resolve: (r: RollupJobResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** set once the worker has loaded its modules */
  ready: boolean;
}

/**
 * RollupWorkerPool runs rollup jobs on up to size worker threads, started on
 * first use and stopped after idleMs without jobs (their memory goes back to
 * the OS). A job goes to the worker with the fewest jobs queued.
 */
export class RollupWorkerPool {
  readonly size: number;
  private slots: Slot[] = [];
  private nextID = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly idleMs: number;
  private busy = 0;
  /** jobsRun counts the jobs done by workers (for tests and statistics). */
  jobsRun = 0;

  constructor(size: number, idleMs = 60_000) {
    this.size = size;
    this.idleMs = idleMs;
  }

  private spawn(): Slot {
    // A rollup allocates few objects (typed arrays live outside the heap):
    // a small young generation keeps each isolate's memory low.
    const w = new Worker(new URL("./rollup_worker.ts", import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    const slot: Slot = { worker: w, pending: new Map(), ready: false };
    w.on("message", (m: { id: number; ready?: boolean; result?: RollupJobResult; error?: string }) => {
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
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result!);
    });
    const fail = (e: Error): void => {
      // The worker is gone: its jobs fail, the next job starts a new one.
      this.slots = this.slots.filter((s) => s !== slot);
      for (const p of slot.pending.values()) {
        this.done();
        p.reject(e);
      }
      slot.pending.clear();
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`rollup worker exited with code ${code}`)));
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
      if (this.busy === 0) {
        dropSpareBatchBuffers();
        void this.close();
      }
    }, this.idleMs);
    this.idleTimer.unref();
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

  /**
   * run performs job on a worker, preferring ready ones with the fewest jobs
   * queued; the batch's buffers are moved to it (unusable afterwards).
   */
  run(job: RollupJob): Promise<RollupJobResult> {
    if (this.idleTimer !== undefined) { clearTimeout(this.idleTimer); this.idleTimer = undefined; }
    let slot: Slot | undefined;
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
      const b = job.batch;
      s.worker.postMessage({ id, job }, [b.blockStart.buffer, b.meta.buffer, b.payload.buffer]);
    });
  }

  /** close stops the workers; jobs still running fail. */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

