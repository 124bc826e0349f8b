// The worker thread that runs file-part merges, so that a large merge does
// not stall ingestion and queries on the main thread. It opens the input
// parts read-only, writes the output part (temp dir, fsync, rename) and
// reports; the main thread publishes it in the manifest.

import { serveJobs } from "../workerpool/index.ts";
import { mergeParts } from "./merge.ts";
import { FileSink, Part } from "./part.ts";
import type { MergeOptions } from "./series_merger.ts";

/** MergeJob is what the main thread sends: plain data only. */
export interface MergeJob {
  inputs: string[];
  outDir: string;
  minT: number;
  maxT: number;
  dedupInterval: number;
  /** samples of these TSIDs in [delMinT, delMaxT] are dropped */
  deleteTSIDs?: number[];
  delMinT?: number;
  delMaxT?: number;
}

/** MergeResult is what the worker answers. */
export interface MergeResult {
  rowsIn: number;
  rowsOut: number;
}

/** runMergeJob performs a job; used by the worker and by the in-thread fallback. */
export function runMergeJob(job: MergeJob): MergeResult {
  const parts = job.inputs.map((d) => Part.openFile(d));
  try {
    const opts: MergeOptions = { minT: job.minT, maxT: job.maxT, dedupInterval: job.dedupInterval };
    if (job.deleteTSIDs !== undefined) {
      const del = new Set(job.deleteTSIDs);
      const range = [job.delMinT ?? -Infinity, job.delMaxT ?? Infinity] as const;
      opts.deleteRange = (t) => (del.has(t) ? range : undefined);
    }
    const { part, rowsIn, rowsOut } = mergeParts(parts, new FileSink(job.outDir), opts);
    part.release(false);
    return { rowsIn, rowsOut };
  } finally {
    for (const p of parts) p.release(false);
  }
}

// Only as a worker's entry module: other workers import this file through
// their package's index.ts and must not answer its messages.
if (import.meta.main) {
  serveJobs(runMergeJob, undefined, () => {
    // The job's read and write buffers are garbage now, but V8 frees promoted
    // ArrayBuffers only in a full collection, which an idle worker may not run
    // before its next job: ask for one (when node runs with --expose-gc, as
    // main.ts arranges). Its heap is small (~10 MiB): 10-15 ms per merge.
    const gc = (globalThis as { gc?: (o: { type: "major"; execution: "async" }) => unknown }).gc;
    if (typeof gc === "function") void gc({ type: "major", execution: "async" });
  });
}
