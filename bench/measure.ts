// The two measurements made on each server: the main ingestion run (speed,
// memory, disk, completeness, stop) and one step of the series scaling run.

import * as fs from "node:fs";
import * as path from "node:path";
import { ExportCounter } from "./export_counter.ts";
import { ingest, type IngestResult } from "./ingest.ts";
import type { Payload } from "./payload.ts";
import { cpuSeconds, diskBreakdown, memory, RssSampler } from "./proc.ts";
import { RunningServer, type ServerSpec, type Stopped } from "./server.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** MeasureOptions are shared by both measurements. */
export interface MeasureOptions {
  workDir: string;
  concurrency: number;
  settleTimeoutS: number;
  /** a scaling step stops sending after this many seconds and reports the prefix it sent */
  scaleTimeoutS: number;
  keepData: boolean;
  log: (msg: string) => void;
}

/** Verify compares what /api/v1/export returns with what was sent. */
export interface Verify {
  exportS: number;
  samples: number;
  series: number;
  sum: number;
  expectedSamples: number;
  expectedSeries: number;
  expectedSum: number;
  badLines: number;
  ok: boolean;
}

/** MainResult is everything measured on one server in the main run. */
export interface MainResult {
  server: string;
  startupMs: number;
  import: IngestResult & { samplesPerS: number; cpuS: number; samplesPerCpuS: number; clientCpuS: number };
  memory: { idleRssBytes: number; peakRssImportBytes: number; hwmAfterImportBytes: number; hwmBytes: number; rssAfterMergeBytes: number };
  merge: { flushMs: number; forceMergeMs: number; settleS: number; stable: boolean; cpuS: number };
  disk: { bytes: number; bytesPerSample: number; breakdown: Record<string, number> };
  verify: Verify;
  stop: Stopped;
  problems: string[];
}

/** ScaleResult is one step of the scaling run on one server. */
export interface ScaleResult {
  server: string;
  /** the series count asked for (--scale) */
  step: number;
  /** the series count sent: step, or less when timedOut */
  series: number;
  samples: number;
  wallS: number;
  cpuS: number;
  samplesPerCpuS: number;
  seriesPerCpuS: number;
  idleRssBytes: number;
  peakRssBytes: number;
  rssPerSeriesBytes: number;
  failedBodies: number;
  /** the step hit --scale-timeout: series and samples are what was sent until then */
  timedOut: boolean;
  verify: Verify;
  problems: string[];
}

/** countExport exports every series and counts what comes back. */
async function countExport(s: RunningServer, expectedSamples: number, expectedSeries: number, expectedSum: number): Promise<Verify> {
  const t0 = performance.now();
  const c = new ExportCounter();
  const status = await s.client.stream("GET", `/api/v1/export?match[]=${encodeURIComponent('{__name__=~".+"}')}`, undefined, (chunk) => c.push(chunk));
  c.end();
  if (status !== 200) throw new Error(`GET /api/v1/export on ${s.spec.name}: got status ${status}; want 200`);
  const sumOk = Math.abs(c.sum - expectedSum) <= 1e-9 * Math.max(1, Math.abs(expectedSum));
  return {
    exportS: (performance.now() - t0) / 1000,
    samples: c.samples, series: c.series, sum: c.sum,
    expectedSamples, expectedSeries, expectedSum,
    badLines: c.badLines,
    ok: c.samples === expectedSamples && c.series === expectedSeries && sumOk && c.badLines === 0,
  };
}

/** verify flushes and counts, trying again a few times: data may become searchable a little after the write was acknowledged. */
async function verify(s: RunningServer, expectedSamples: number, expectedSeries: number, expectedSum: number): Promise<Verify> {
  let v: Verify | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await sleep(2000);
    await s.get("/internal/force_flush");
    v = await countExport(s, expectedSamples, expectedSeries, expectedSum);
    if (v.ok) break;
  }
  return v!;
}

function verifyProblem(name: string, v: Verify): string | undefined {
  if (v.ok) return undefined;
  return `${name}: export returned ${v.samples} samples of ${v.series} series (sum of values ${v.sum}, ${v.badLines} bad lines); sent ${v.expectedSamples} samples of ${v.expectedSeries} series (sum ${v.expectedSum})`;
}

function freshDir(workDir: string, name: string): string {
  const dir = path.join(workDir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}

function sum(a: Float64Array | Uint32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]!;
  return s;
}

/** measureMain runs the main measurement of spec on payload p. */
export async function measureMain(spec: ServerSpec, p: Payload, o: MeasureOptions, track: (s: RunningServer | undefined) => void): Promise<MainResult> {
  const name = spec.name;
  const dataDir = freshDir(o.workDir, `${name}-data`);
  const s = await RunningServer.start(spec, dataDir, path.join(o.workDir, `${name}.log`));
  track(s);
  const problems: string[] = [];
  try {
    o.log(`${name}: started in ${s.startupMs.toFixed(0)} ms (pid ${s.pid}, port ${s.port}); importing ${p.totalSamples.toLocaleString("en-US")} samples in ${p.bodies} bodies`);
    const idleRss = memory(s.pid)?.rssBytes ?? NaN;
    const sampler = new RssSampler(s.pid);
    const cpu0 = cpuSeconds(s.pid);
    const client0 = process.cpuUsage();
    const ing = await ingest(s.client, p, p.bodies, "/api/v1/import", o.concurrency);
    const cpuS = cpuSeconds(s.pid) - cpu0;
    const clientCpu = process.cpuUsage(client0);
    const hwmAfterImport = memory(s.pid)?.hwmBytes ?? NaN;
    const peakImport = sampler.peakBytes;
    if (ing.failedBodies > 0) problems.push(`${name}: ${ing.failedBodies} of ${ing.bodies} import requests failed; first: ${ing.errors[0]}`);
    o.log(`${name}: imported in ${ing.wallS.toFixed(1)} s, server CPU ${cpuS.toFixed(1)} s; flushing and merging`);

    const cpu1 = cpuSeconds(s.pid);
    let t = performance.now();
    await s.get("/internal/force_flush");
    const flushMs = performance.now() - t;
    t = performance.now();
    await s.get("/internal/force_merge");
    const forceMergeMs = performance.now() - t;
    const settled = await s.settleDisk(o.settleTimeoutS);
    const mergeCpu = cpuSeconds(s.pid) - cpu1;
    if (!settled.stable) problems.push(`${name}: data dir size still changing after ${o.settleTimeoutS} s`);
    const breakdown = diskBreakdown(s.dataDir);
    const rssAfterMerge = memory(s.pid)?.rssBytes ?? NaN;
    o.log(`${name}: ${settled.bytes.toLocaleString("en-US")} bytes on disk (settled in ${settled.settleS.toFixed(0)} s); verifying with /api/v1/export`);

    const v = await verify(s, p.totalSamples, p.fleet.series, sum(p.sums, p.bodies));
    const vp = verifyProblem(name, v);
    if (vp !== undefined) problems.push(vp);
    o.log(`${name}: export returned ${v.samples.toLocaleString("en-US")} samples of ${v.series} series in ${v.exportS.toFixed(1)} s${v.ok ? "" : " (MISMATCH)"}`);
    sampler.stop();
    const hwm = memory(s.pid)?.hwmBytes ?? NaN;

    const stop = await s.stop();
    track(undefined);
    if (stop.killed || stop.code !== 0) problems.push(`${name}: stop: exit code ${stop.code}, signal ${stop.signal}${stop.killed ? " (SIGKILL after timeout)" : ""}; log tail:\n${s.logTail()}`);
    o.log(`${name}: stopped in ${stop.stopMs.toFixed(0)} ms`);
    return {
      server: name,
      startupMs: s.startupMs,
      import: { ...ing, samplesPerS: ing.okSamples / ing.wallS, cpuS, samplesPerCpuS: ing.okSamples / cpuS, clientCpuS: (clientCpu.user + clientCpu.system) / 1e6 },
      memory: { idleRssBytes: idleRss, peakRssImportBytes: peakImport, hwmAfterImportBytes: hwmAfterImport, hwmBytes: hwm, rssAfterMergeBytes: rssAfterMerge },
      merge: { flushMs, forceMergeMs, settleS: settled.settleS, stable: settled.stable, cpuS: mergeCpu },
      disk: { bytes: settled.bytes, bytesPerSample: settled.bytes / p.totalSamples, breakdown },
      verify: v,
      stop,
      problems,
    };
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
 * measureScale sends the first `series` series of the scaling payload p
 * (whole bodies) to a fresh spec server; after o.scaleTimeoutS it stops
 * sending and measures the series sent so far.
 */
export async function measureScale(spec: ServerSpec, p: Payload, series: number, o: MeasureOptions, track: (s: RunningServer | undefined) => void): Promise<ScaleResult> {
  const name = spec.name;
  const linesPerBody = p.lines[0]!;
  if (series % linesPerBody !== 0 || series > p.fleet.series) throw new Error(`BUG: scale step of ${series} series; want a multiple of ${linesPerBody} up to ${p.fleet.series}`);
  const wanted = series / linesPerBody;
  const dataDir = freshDir(o.workDir, `${name}-scale-data`);
  const s = await RunningServer.start(spec, dataDir, path.join(o.workDir, `${name}.log`));
  track(s);
  const problems: string[] = [];
  try {
    await sleep(500);
    const idleRss = memory(s.pid)?.rssBytes ?? NaN;
    const sampler = new RssSampler(s.pid);
    const cpu0 = cpuSeconds(s.pid);
    const ing = await ingest(s.client, p, wanted, "/api/v1/import", o.concurrency, o.scaleTimeoutS);
    const cpuS = cpuSeconds(s.pid) - cpu0;
    const peak = Math.max(sampler.peakBytes, memory(s.pid)?.hwmBytes ?? 0);
    sampler.stop();
    const bodies = ing.okBodies + ing.failedBodies;
    const sent = bodies * linesPerBody;
    if (ing.failedBodies > 0) problems.push(`${name} scale ${series}: ${ing.failedBodies} of ${bodies} import requests failed; first: ${ing.errors[0]}`);
    const samples = sum(p.samples, bodies);
    const partial = ing.timedOut ? ` (stopped by --scale-timeout=${o.scaleTimeoutS} after ${sent.toLocaleString("en-US")} of ${series.toLocaleString("en-US")} series)` : "";
    o.log(`${name}: ${sent.toLocaleString("en-US")} series imported in ${ing.wallS.toFixed(1)} s${partial}, server CPU ${cpuS.toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; verifying`);
    const v = await verify(s, samples, sent, sum(p.sums, bodies));
    const vp = verifyProblem(`${name} scale ${series}`, v);
    if (vp !== undefined) problems.push(vp);
    const stop = await s.stop();
    track(undefined);
    if (stop.killed || stop.code !== 0) problems.push(`${name} scale ${series}: stop: exit code ${stop.code}, signal ${stop.signal}; log tail:\n${s.logTail()}`);
    return {
      server: name, step: series, series: sent, samples,
      wallS: ing.wallS, cpuS, samplesPerCpuS: ing.okSamples / cpuS, seriesPerCpuS: sent / cpuS,
      idleRssBytes: idleRss, peakRssBytes: peak, rssPerSeriesBytes: (peak - idleRss) / sent,
      failedBodies: ing.failedBodies, timedOut: ing.timedOut, verify: v, problems,
    };
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
