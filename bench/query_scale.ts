// Query latency and memory as the number of series a query touches grows:
// a fresh server per step gets N series (the first N of the scaling fleet),
// then an instant and a range query over all of them run a few times each.
// Both servers must return the same answer (the series count is checked).

import * as fs from "node:fs";
import * as path from "node:path";
import { ingest } from "./ingest.ts";
import type { MeasureOptions } from "./measure.ts";
import type { Payload } from "./payload.ts";
import { memory, RssSampler } from "./proc.ts";
import { num, ratio, table } from "./report.ts";
import { RunningServer, type ServerSpec } from "./server.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

/** QueryScaleQuery is one query of a step: median latency of its runs and a summary of its answer. */
export interface QueryScaleQuery {
  name: string;
  query: string;
  medianMs: number;
  minMs: number;
  /** the answer's series count and the sum of all its values (to compare the servers) */
  resultSeries: number;
  resultSum: number;
}

/** QueryScaleResult is one step of the query scaling run on one server. */
export interface QueryScaleResult {
  server: string;
  series: number;
  samples: number;
  /** RSS before the queries, and the peak RSS while they ran */
  rssBeforeBytes: number;
  peakRssBytes: number;
  queries: QueryScaleQuery[];
  problems: string[];
}

interface PromAnswer {
  status: string;
  error?: string;
  data?: { result: { values?: [number, string][]; value?: [number, string] }[] };
}

/**
 * measureQueryScale starts spec on a fresh data dir, imports the first
 * `series` series of p (bodies of p.lines[0] series each), flushes, and runs
 * each query `runs` times with nocache=1, sampling RSS meanwhile.
 */
export async function measureQueryScale(spec: ServerSpec, p: Payload, series: number, runs: number, o: MeasureOptions, track: (s: RunningServer | undefined) => void): Promise<QueryScaleResult> {
  const name = spec.name;
  const linesPerBody = p.lines[0]!;
  if (series % linesPerBody !== 0 || series > p.fleet.series) throw new Error(`BUG: query scale step of ${series} series; want a multiple of ${linesPerBody} up to ${p.fleet.series}`);
  const bodies = series / linesPerBody;
  const dataDir = path.join(o.workDir, `${name}-query-scale-${series}`);
  const s = await RunningServer.start(spec, dataDir, path.join(o.workDir, `${name}.log`));
  track(s);
  const problems: string[] = [];
  try {
    const ing = await ingest(s.client, p, bodies, "/api/v1/import", o.concurrency);
    if (ing.failedBodies > 0) problems.push(`${name} query scale ${series}: ${ing.failedBodies} import requests failed; first: ${ing.errors[0]}`);
    await s.client.request("GET", "/internal/force_flush");
    await sleep(1500);
    let samples = 0;
    for (let b = 0; b < bodies; b++) samples += p.samples[b]!;
    const end = Math.floor(p.fleet.endMs / 60_000) * 60_000;
    const start = end - Math.floor((p.fleet.samples * p.fleet.intervalMs) / 60_000) * 60_000 + 5 * 60_000;
    const queries = [
      { name: "instant count", path: `/api/v1/query?query=${encodeURIComponent('count(last_over_time({job="node"}[1h]))')}&time=${end / 1000}&nocache=1` },
      { name: "range sum(rate)", path: `/api/v1/query_range?query=${encodeURIComponent('sum by (datacenter) (rate({job="node"}[5m]))')}&start=${start / 1000}&end=${end / 1000}&step=60&nocache=1` },
    ];
    const rssBefore = memory(s.pid)?.rssBytes ?? NaN;
    const sampler = new RssSampler(s.pid, 20);
    const out: QueryScaleQuery[] = [];
    for (const q of queries) {
      const times: number[] = [];
      let resultSeries = 0, resultSum = 0;
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const resp = await s.client.request("GET", q.path, undefined, 300_000);
        times.push(performance.now() - t0);
        const a = JSON.parse(resp.body.toString("utf8")) as PromAnswer;
        if (resp.status !== 200 || a.status !== "success") {
          problems.push(`${name} query scale ${series} ${q.name}: HTTP ${resp.status}: ${a.error ?? resp.body.toString("utf8").slice(0, 200)}`);
          break;
        }
        resultSeries = a.data!.result.length;
        resultSum = 0;
        for (const x of a.data!.result) for (const [, v] of x.values ?? (x.value !== undefined ? [x.value] : [])) resultSum += Number(v);
      }
      times.sort((a, b) => a - b);
      out.push({ name: q.name, query: decodeURIComponent(q.path.split("query=")[1]!.split("&")[0]!), medianMs: times[Math.floor(times.length / 2)] ?? NaN, minMs: times[0] ?? NaN, resultSeries, resultSum });
    }
    sampler.stop();
    const peak = Math.max(sampler.peakBytes, rssBefore);
    o.log(`${name}: query scale ${num(series)} series: ${out.map((q) => `${q.name} ${q.medianMs.toFixed(1)} ms`).join(", ")}; RSS ${(rssBefore / MiB).toFixed(0)} -> peak ${(peak / MiB).toFixed(0)} MiB`);
    await s.stop();
    track(undefined);
    return { server: name, series, samples, rssBeforeBytes: rssBefore, peakRssBytes: peak, queries: out, problems };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${name} log tail:\n${s.logTail()}`);
  } finally {
    if (s.alive) {
      await s.stop();
      track(undefined);
    }
    if (!o.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * checkQueryScale returns a problem for each step where the servers'
 * answers differ (series count, or value sums beyond 1e-6 relative).
 */
export function checkQueryScale(steps: readonly QueryScaleResult[]): string[] {
  const problems: string[] = [];
  const bySeries = new Map<number, QueryScaleResult[]>();
  for (const r of steps) bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r]);
  for (const [n, rs] of bySeries) {
    if (rs.length < 2) continue;
    const [a, b] = rs as [QueryScaleResult, QueryScaleResult];
    for (const qa of a.queries) {
      const qb = b.queries.find((q) => q.name === qa.name);
      if (qb === undefined) continue;
      const d = Math.abs(qa.resultSum - qb.resultSum);
      if (qa.resultSeries !== qb.resultSeries || d > 1e-6 * Math.max(Math.abs(qa.resultSum), Math.abs(qb.resultSum), 1e-12)) {
        problems.push(`query scale ${n} ${qa.name}: ${a.server} gave ${qa.resultSeries} series summing to ${qa.resultSum}, ${b.server} ${qb.resultSeries} summing to ${qb.resultSum}`);
      }
    }
  }
  return problems;
}

/** renderQueryScale lays the steps out side by side: latency and memory per server, ratio = tidemark / victoria-metrics. */
export function renderQueryScale(steps: readonly QueryScaleResult[]): string {
  const rows: string[][] = [["series", "query", "vm ms", "tidemark ms", "ratio", "vm peak-before MiB", "tidemark peak-before MiB"]];
  const counts = [...new Set(steps.map((r) => r.series))].sort((a, b) => a - b);
  for (const n of counts) {
    const vm = steps.find((r) => r.series === n && r.server === "victoria-metrics");
    const tm = steps.find((r) => r.series === n && r.server === "tidemark");
    const names = (tm ?? vm)!.queries.map((q) => q.name);
    for (const qn of names) {
      const a = vm?.queries.find((q) => q.name === qn);
      const b = tm?.queries.find((q) => q.name === qn);
      const mem = (r: QueryScaleResult | undefined) => (r === undefined ? undefined : (r.peakRssBytes - r.rssBeforeBytes) / MiB);
      rows.push([num(n), qn, num(a?.medianMs, 1), num(b?.medianMs, 1), ratio(b?.medianMs, a?.medianMs), num(mem(vm), 1), num(mem(tm), 1)]);
    }
  }
  return table(rows);
}
