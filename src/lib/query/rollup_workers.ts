// Rollups of many series run in worker threads, as VictoriaMetrics runs them
// on every core: the storage hands out series in batches, still encoded; a
// worker decodes each series and computes its rollup rows; the evaluator
// takes the rows back in batch order, so results come out in the same order
// as when one thread does everything.

import { WorkerPool } from "../workerpool/index.ts";
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

/**
 * RollupWorkerPool runs rollup jobs on up to size worker threads
 * (lib/workerpool), started on first use and stopped after idleMs without
 * jobs, when the spare batch buffers go too.
 */
export class RollupWorkerPool extends WorkerPool<RollupJob, RollupJobResult> {
  constructor(size: number, idleMs = 60_000) {
    super({
      name: "rollup",
      url: new URL("./rollup_worker.ts", import.meta.url),
      size,
      idleMs,
      // A rollup allocates few objects (typed arrays live outside the heap):
      // a small young generation keeps each isolate's memory low.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
      // The batch's buffers move to the worker (unusable here afterwards).
      transfer: (job) => [job.batch.blockStart.buffer, job.batch.meta.buffer, job.batch.payload.buffer],
      onIdleStop: dropSpareBatchBuffers,
    });
  }
}

/** rollupResultTransfer lists the buffers a result moves back from a worker. */
export function rollupResultTransfer(r: RollupJobResult): ArrayBuffer[] {
  const t: ArrayBuffer[] = [r.values.buffer, r.samples.buffer, r.rows.buffer, r.payload];
  if (r.fills !== undefined) t.push(r.fills.bytes.buffer, r.fills.pos.buffer, r.fills.offsets.buffer);
  return t;
}
