// Plain-text tables of a run: the servers side by side with Tidemark / VictoriaMetrics ratios.

import type { MainResult, ScaleResult } from "./measure.ts";

const MiB = 2 ** 20;

/** table aligns rows of cells: the first column left, the others right. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd()).join("\n") + "\n";
}

/** num formats n with thousands separators and the given decimals; "-" for NaN or undefined. */
export function num(n: number | undefined, decimals = 0): string {
  if (n === undefined || !Number.isFinite(n)) return "-";
  return n.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** ratio formats a / b with 2 decimals, or "-" when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "-";
  return (a / b).toFixed(2);
}

type Row = [label: string, get: (r: MainResult) => number, decimals: number, better: "higher" | "lower" | ""];

const mainRows: Row[] = [
  ["import: samples/s (wall clock)", (r) => r.import.samplesPerS, 0, "higher"],
  ["import: wall s", (r) => r.import.wallS, 1, "lower"],
  ["import: server CPU s", (r) => r.import.cpuS, 1, "lower"],
  ["import: samples per server CPU s", (r) => r.import.samplesPerCpuS, 0, "higher"],
  ["import: client CPU s", (r) => r.import.clientCpuS, 1, ""],
  ["import: failed requests", (r) => r.import.failedBodies, 0, "lower"],
  ["flush+merge+settle: server CPU s", (r) => r.merge.cpuS, 1, "lower"],
  ["flush+merge+settle: wall s", (r) => (r.merge.flushMs + r.merge.forceMergeMs) / 1000 + r.merge.settleS, 1, "lower"],
  ["RSS idle after start, MiB", (r) => r.memory.idleRssBytes / MiB, 1, "lower"],
  ["RSS peak during import (250 ms samples), MiB", (r) => r.memory.peakRssImportBytes / MiB, 1, "lower"],
  ["VmHWM after import, MiB", (r) => r.memory.hwmAfterImportBytes / MiB, 1, "lower"],
  ["RSS after merge, MiB", (r) => r.memory.rssAfterMergeBytes / MiB, 1, "lower"],
  ["VmHWM at the end (after export), MiB", (r) => r.memory.hwmBytes / MiB, 1, "lower"],
  ["disk bytes (du -sb)", (r) => r.disk.bytes, 0, "lower"],
  ["disk bytes per sample", (r) => r.disk.bytesPerSample, 3, "lower"],
  ["export of all series, s", (r) => r.verify.exportS, 1, "lower"],
  ["samples exported", (r) => r.verify.samples, 0, ""],
  ["series exported", (r) => r.verify.series, 0, ""],
  ["startup ms (empty data dir)", (r) => r.startupMs, 0, "lower"],
  ["stop ms (SIGTERM to exit)", (r) => r.stop.stopMs, 0, "lower"],
];

/** renderMain renders the main run of VictoriaMetrics (if any) and Tidemark side by side. */
export function renderMain(vm: MainResult | undefined, tm: MainResult | undefined): string {
  const rows: string[][] = [["", "victoria-metrics", "tidemark", "tidemark/vm", "better"]];
  for (const [label, get, d, better] of mainRows) {
    const a = vm === undefined ? undefined : get(vm);
    const b = tm === undefined ? undefined : get(tm);
    rows.push([label, num(a, d), num(b, d), ratio(b, a), better]);
  }
  const ok = (r: MainResult | undefined): string => (r === undefined ? "-" : r.verify.ok ? "ok" : "MISMATCH");
  rows.push(["all samples exported back", ok(vm), ok(tm), "", ""]);
  return table(rows);
}

/** renderScale renders the scaling steps, with a ratio row per step when both servers ran it. */
export function renderScale(steps: ScaleResult[]): string {
  const rows: string[][] = [["step", "server", "series", "samples", "wall s", "CPU s", "samples/CPU-s", "series/CPU-s", "peak RSS MiB", "RSS/series B", "verified"]];
  for (const n of new Set(steps.map((s) => s.step))) {
    const vm = steps.find((s) => s.step === n && s.server === "victoria-metrics");
    const tm = steps.find((s) => s.step === n && s.server === "tidemark");
    for (const s of [vm, tm]) {
      if (s === undefined) continue;
      const verified = (s.verify.ok ? "ok" : "MISMATCH") + (s.timedOut ? " (timeout)" : "");
      rows.push([num(n), s.server, num(s.series), num(s.samples), num(s.wallS, 1), num(s.cpuS, 1), num(s.samplesPerCpuS), num(s.seriesPerCpuS), num(s.peakRssBytes / MiB, 1), num(s.rssPerSeriesBytes), verified]);
    }
    if (vm !== undefined && tm !== undefined) {
      // totals of different series counts (a step cut by --scale-timeout) do not compare; rates per series and per CPU second do
      const same = tm.series === vm.series;
      const total = (a: number, b: number): string => (same ? ratio(a, b) : "-");
      rows.push([num(n), "tidemark/vm", "", "", total(tm.wallS, vm.wallS), total(tm.cpuS, vm.cpuS), ratio(tm.samplesPerCpuS, vm.samplesPerCpuS), ratio(tm.seriesPerCpuS, vm.seriesPerCpuS), total(tm.peakRssBytes, vm.peakRssBytes), ratio(tm.rssPerSeriesBytes, vm.rssPerSeriesBytes), ""]);
    }
  }
  return table(rows);
}

/** ProtocolRow is what renderProtocols reads of one protocol run (ProtocolResult). */
export interface ProtocolRow {
  server: string;
  protocol: string;
  concurrency: number;
  samplesPerS: number;
  samplesPerCpuS: number;
  cpuS: number;
  p99Ms: number;
  peakRssBytes: number;
  exported: number;
  okSamples: number;
}

/**
 * renderProtocols renders the protocol runs: one row per protocol and sender
 * count with both servers side by side and the Tidemark / VictoriaMetrics
 * ratio of samples per server CPU second; unsupported lists protocols a
 * server does not have (shown as "n/a").
 */
export function renderProtocols(runs: ProtocolRow[], unsupported: Record<string, string[]>): string {
  const rows: string[][] = [["protocol", "senders", "vm samples/CPU-s", "tidemark samples/CPU-s", "tidemark/vm", "vm samples/s", "tidemark samples/s", "vm p99 ms", "tidemark p99 ms", "vm peak RSS MiB", "tidemark peak RSS MiB", "verified"]];
  const keys: string[] = [];
  for (const r of runs) if (!keys.includes(`${r.protocol}\t${r.concurrency}`)) keys.push(`${r.protocol}\t${r.concurrency}`);
  for (const k of keys) {
    const [protocol, c] = k.split("\t") as [string, string];
    const find = (server: string) => runs.find((r) => r.server === server && r.protocol === protocol && String(r.concurrency) === c);
    const vm = find("victoria-metrics");
    const tm = find("tidemark");
    const na = (server: string, r: ProtocolRow | undefined, f: (r: ProtocolRow) => string): string => (r !== undefined ? f(r) : (unsupported[server] ?? []).includes(protocol) ? "n/a" : "-");
    const ok = [vm, tm].filter((r) => r !== undefined).every((r) => r!.exported === r!.okSamples);
    rows.push([
      protocol, c,
      na("victoria-metrics", vm, (r) => num(r.samplesPerCpuS)), na("tidemark", tm, (r) => num(r.samplesPerCpuS)),
      ratio(tm?.samplesPerCpuS, vm?.samplesPerCpuS),
      na("victoria-metrics", vm, (r) => num(r.samplesPerS)), na("tidemark", tm, (r) => num(r.samplesPerS)),
      na("victoria-metrics", vm, (r) => num(r.p99Ms, 1)), na("tidemark", tm, (r) => num(r.p99Ms, 1)),
      na("victoria-metrics", vm, (r) => num(r.peakRssBytes / MiB, 1)), na("tidemark", tm, (r) => num(r.peakRssBytes / MiB, 1)),
      ok ? "ok" : "MISMATCH",
    ]);
  }
  return table(rows);
}
