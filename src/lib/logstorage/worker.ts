// The background worker of the log storage: it builds parts from rows
// records (flushes) and merges parts, so that neither blocks the main
// thread. Jobs and answers are plain data; the records are shared memory.
// Output parts are built in <dir>.tmp, fsynced and renamed to <dir>; the
// main thread then lists them in parts.json.

import * as path from "node:path";
import { mustMkdirAll, mustRemoveAll, mustRename } from "../fs/index.ts";
import { serveJobs } from "../workerpool/index.ts";
import { buildParts } from "./build_part.ts";
import * as fn from "./filenames.ts";
import { mergeParts } from "./merge.ts";
import { Part } from "./part.ts";
import type { PartMetadata } from "./part_writer.ts";

/** BuildJob turns records into parts under root/partitions/<day>/datadb, named from firstID on. */
export interface BuildJob {
  kind: "build";
  root: string;
  records: Uint8Array[];
  firstID: string;
  level: number;
}

/** MergeJob merges the parts in inputs into outDir, dropping rows before minTimestamp. */
export interface MergeJob {
  kind: "merge";
  inputs: string[];
  outDir: string;
  level: number;
  minTimestamp: string;
}

/** Job is what the worker runs. */
export type Job = BuildJob | MergeJob;

/** JobPart is a part a job made. */
export interface JobPart {
  day: number;
  name: string;
  dir: string;
  meta: PartMetadata;
}

/** JobResult is the answer to a job. */
export interface JobResult {
  parts: JobPart[];
  rowsIn: number;
  rowsOut: number;
}

/** partNameOf formats a part id as 16 hex digits. */
export function partNameOf(id: bigint): string {
  return id.toString(16).padStart(16, "0");
}

/** runJob performs a job; used by the worker and by the in-thread runner. */
export function runJob(job: Job): JobResult {
  if (job.kind === "build") {
    let next = BigInt(job.firstID);
    const names = new Map<number, string>();
    const built = buildParts(job.records, (day) => {
      const name = partNameOf(next++);
      names.set(day, name);
      const ddir = path.join(job.root, fn.partitionsDirname, fn.dayName(day), fn.datadbDirname);
      mustMkdirAll(ddir);
      const tmp = path.join(ddir, name + ".tmp");
      mustRemoveAll(tmp);
      return tmp;
    }, job.level);
    const parts: JobPart[] = [];
    let rows = 0;
    for (const b of built) {
      const dst = b.dir.slice(0, -".tmp".length);
      mustRename(b.dir, dst);
      parts.push({ day: b.day, name: names.get(b.day)!, dir: dst, meta: b.meta });
      rows += b.meta.rowsCount;
    }
    return { parts, rowsIn: rows, rowsOut: rows };
  }
  const inputs = job.inputs.map((d) => Part.open(d));
  try {
    const tmp = job.outDir + ".tmp";
    mustRemoveAll(tmp);
    const { meta, stats } = mergeParts(inputs, tmp, job.level, BigInt(job.minTimestamp));
    mustRename(tmp, job.outDir);
    return { parts: [{ day: -1, name: path.basename(job.outDir), dir: job.outDir, meta }], rowsIn: stats.rowsIn, rowsOut: stats.rowsOut };
  } finally {
    for (const p of inputs) p.close();
  }
}

// Only as a worker's entry module: other workers import this file through
// their package's index.ts and must not answer its messages.
if (import.meta.main) serveJobs(runJob);
