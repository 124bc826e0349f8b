// Running query test scripts against a backend: Tidemark's evaluator in
// memory (memoryBackend) or a server speaking the Prometheus query API.

import { exec, QueryError, QueryTimeoutError, type SeriesSource, type SourceFilter } from "../index.ts";
import type { Command, Expected, LoadedSeries } from "./script.ts";

/** ResultSeries is one series of a query answer; timestamps are ms from the script's time 0. */
export interface ResultSeries {
  labels: Array<[string, string]>;
  timestamps: number[];
  values: number[];
}

/** QueryResult is a query answer: series, or the error text. */
export type QueryResult = { series: ResultSeries[] } | { error: string };

/** Backend is what a script runs against. Times are ms from the script's time 0. */
export interface Backend {
  load(series: LoadedSeries[]): Promise<void>;
  clear(): Promise<void>;
  instant(query: string, t: number): Promise<QueryResult>;
  range(query: string, start: number, end: number, step: number): Promise<QueryResult>;
}

function matchFilter(s: LoadedSeries, f: SourceFilter): boolean {
  const v = s.labels.find((l) => l[0] === f.label)?.[1] ?? "";
  const ok = f.isRegex ? new RegExp(`^(?:${f.value})$`, "s").test(v) : v === f.value;
  return ok !== f.isNegative;
}

/**
 * memoryBackend evaluates queries with Tidemark's evaluator over the loaded
 * series, as /api/v1/query and /api/v1/query_range do with nocache=1.
 */
export function memoryBackend(): Backend {
  let data: LoadedSeries[] = [];
  const source: SeriesSource = {
    *search(filters, minT, maxT) {
      for (const s of data) {
        if (!filters.every((f) => matchFilter(s, f))) continue;
        const idx: number[] = [];
        s.timestamps.forEach((t, i) => {
          if (t >= minT && t <= maxT) idx.push(i);
        });
        if (idx.length === 0) continue;
        yield { labels: s.labels, timestamps: Float64Array.from(idx, (i) => s.timestamps[i]!), values: Float64Array.from(idx, (i) => s.values[i]!), n: idx.length };
      }
    },
  };
  const run = async (q: string, start: number, end: number, step: number, instant: boolean): Promise<QueryResult> => {
    try {
      const ec = { start, end, step, lookbackDelta: 0, maxSeries: 0, maxPointsPerSeries: 30_000, deadline: Date.now() + 10_000, source };
      const rs = await exec(ec, q, instant);
      return {
        series: rs.map((ts) => {
          const labels: Array<[string, string]> = [...ts.tags];
          if (ts.name !== "") labels.push(["__name__", ts.name]);
          const out: ResultSeries = { labels: labels.sort((a, b) => (a[0] < b[0] ? -1 : 1)), timestamps: [], values: [] };
          for (let i = 0; i < ts.values.length; i++) {
            if (ts.values[i] !== ts.values[i]) continue;
            out.timestamps.push(ts.timestamps[i]!);
            out.values.push(ts.values[i]!);
          }
          return out;
        }),
      };
    } catch (e) {
      if (e instanceof QueryError || e instanceof QueryTimeoutError) return { error: e.message };
      throw e;
    }
  };
  return {
    async load(series) {
      data.push(...series);
    },
    async clear() {
      data = [];
    },
    async instant(q, t) {
      return run(q, t, t, 5 * 60_000, true);
    },
    async range(q, start, end, step) {
      return run(q, start, end, step, false);
    },
  };
}

function labelsString(labels: Array<[string, string]>): string {
  return "{" + labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ") + "}";
}

function close(a: number, b: number): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

// checkResult compares an answer with the expectations of cmd; it returns the differences.
function checkResult(cmd: Command & { kind: "eval" }, got: QueryResult): string[] {
  const where = `line ${cmd.line}: ${cmd.query}`;
  if (cmd.fail) return "error" in got ? [] : [`${where}: want an error; got ${got.series.length} series`];
  if ("error" in got) return [`${where}: unexpected error: ${got.error}`];
  const points = cmd.instant ? 1 : Math.floor((cmd.end - cmd.start) / cmd.step) + 1;
  const diffs: string[] = [];
  const gotKeys = got.series.map((s) => labelsString(s.labels));
  const wantKeys = cmd.expected.map((e) => labelsString(e.labels));
  const sortedGot = [...gotKeys].sort();
  const sortedWant = [...wantKeys].sort();
  if (JSON.stringify(sortedGot) !== JSON.stringify(sortedWant)) {
    return [`${where}: series differ:\n  got  ${sortedGot.join(" ")}\n  want ${sortedWant.join(" ")}`];
  }
  if (cmd.ordered && JSON.stringify(gotKeys) !== JSON.stringify(wantKeys)) diffs.push(`${where}: order differs:\n  got  ${gotKeys.join(" ")}\n  want ${wantKeys.join(" ")}`);
  for (const e of cmd.expected as Expected[]) {
    const key = labelsString(e.labels);
    const g = got.series[gotKeys.indexOf(key)]!;
    const gv: Array<number | undefined> = new Array(points).fill(undefined);
    g.timestamps.forEach((t, i) => {
      const k = cmd.instant ? 0 : Math.round((t - cmd.start) / cmd.step);
      gv[k] = g.values[i];
    });
    const wv = cmd.instant ? e.values : [...e.values, ...new Array(Math.max(0, points - e.values.length)).fill(undefined)];
    const fmt = (vs: Array<number | undefined>) => vs.map((v) => (v === undefined ? "_" : String(v))).join(" ");
    const same = gv.length === wv.length && gv.every((v, k) => (v === undefined ? wv[k] === undefined : wv[k] !== undefined && close(v, wv[k]!)));
    if (!same) diffs.push(`${where}: ${key}:\n  got  ${fmt(gv)}\n  want ${fmt(wv)}`);
  }
  return diffs;
}

/** runScript runs the commands against backend and returns every difference from the expectations (empty: all passed). */
export async function runScript(cmds: Command[], backend: Backend): Promise<string[]> {
  const diffs: string[] = [];
  for (const cmd of cmds) {
    if (cmd.kind === "load") await backend.load(cmd.series);
    else if (cmd.kind === "clear") await backend.clear();
    else {
      const got = cmd.instant ? await backend.instant(cmd.query, cmd.start) : await backend.range(cmd.query, cmd.start, cmd.end, cmd.step);
      diffs.push(...checkResult(cmd, got));
    }
  }
  return diffs;
}
