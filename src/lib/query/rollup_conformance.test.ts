// Conformance of evalRollup with the real VictoriaMetrics 1.79.5: the same
// deterministic series (counters with full and partial resets, irregular
// gauges with gaps, staleness markers, sparse and fast series, a lone sample)
// are written to a fresh VictoriaMetrics over Prometheus remote write, every
// rollup function 1.79.5 has is queried through /api/v1/query_range with
// several windows, steps and lookback settings, and each answer is compared
// point by point with evalRollup on the same samples (relative tolerance
// 1e-9; NaN means the point is absent).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { evalRollup, getRollupFunc, getRollupTimeRange, rollupFuncNames, aggrOverTimeNames } from "./rollup.ts";
import type { RollupArg, RollupConfig } from "./rollup.ts";

const vmBinary = "/usr/bin/victoria-metrics";
const skip = fs.existsSync(vmBinary) ? false : `${vmBinary} is not installed (apt package victoria-metrics 1.79.5)`;

interface Series {
  name: string;
  ts: number[];
  vs: number[]; // NaN = staleness marker
}

// mulberry32: a small deterministic PRNG, so the data are the same every run.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const sec = 1000;
const min = 60 * sec;

function makeSeries(t0: number): Series[] {
  const rnd = prng(1795);
  const out: Series[] = [];
  const add = (name: string, gen: (push: (t: number, v: number) => void) => void) => {
    const s: Series = { name, ts: [], vs: [] };
    gen((t, v) => {
      s.ts.push(t);
      s.vs.push(v);
    });
    out.push(s);
  };
  // A counter scraped every 15s with jitter: resets to a small value at 17m
  // and to 0 at 48m, a partial reset (small drop) at 33m.
  add("counter", (push) => {
    let v = 100;
    let flags = 0;
    for (let t = t0; t < t0 + 60 * min; t += 15 * sec) {
      const tj = t === t0 ? t : t + Math.floor(rnd() * 4000) - 2000;
      if (tj >= t0 + 17 * min && !(flags & 1)) {
        v = 3;
        flags |= 1;
      } else if (tj >= t0 + 33 * min && !(flags & 2)) {
        v -= 2;
        flags |= 2;
      } else if (tj >= t0 + 48 * min && !(flags & 4)) {
        v = 0;
        flags |= 4;
      } else {
        v += Math.floor(rnd() * 10) + (rnd() < 0.3 ? 0.5 : 0);
      }
      push(tj, v);
    }
  });
  // A gauge at irregular intervals, with an 8-minute gap at 20m and a
  // 3-minute gap at 40m.
  add("gauge", (push) => {
    const gaps = [5, 10, 17, 30, 41];
    let t = t0 + 3 * sec;
    while (t < t0 + 60 * min) {
      push(t, round2(rnd() * 100 - 50));
      let dt = gaps[Math.floor(rnd() * gaps.length)]! * sec;
      if (t < t0 + 20 * min && t + dt >= t0 + 20 * min) dt += 8 * min;
      if (t < t0 + 40 * min && t + dt >= t0 + 40 * min) dt += 3 * min;
      t += dt;
    }
  });
  // Every 10s, going stale at 20m (back at 25m), at 30m (back at once), and
  // for good at 40m.
  add("stale", (push) => {
    for (let t = t0; t <= t0 + 40 * min; t += 10 * sec) {
      const off = t - t0;
      if (off > 20 * min && off < 25 * min) continue;
      const stale = off === 20 * min || off === 30 * min || off === 40 * min;
      push(t, stale ? NaN : round2(50 + 10 * Math.sin(off / 70000)));
    }
  });
  // Every 2 minutes, with repeated values.
  add("sparse", (push) => {
    const vals = [1, 2, 2, 3, 3, 3, 2];
    let k = 0;
    for (let t = t0 + 30 * sec; t < t0 + 60 * min; t += 2 * min) push(t, vals[k++ % vals.length]!);
  });
  // Every second for 10 minutes.
  add("fast", (push) => {
    for (let t = t0 + 10 * min; t < t0 + 20 * min; t += sec) push(t, round2(5 + 3 * Math.sin((t - t0) / 9000)));
  });
  // Non-negative values incl. 0 and powers of ten (histogram bucket edges).
  add("pos", (push) => {
    const vals = [0, 0.001, 1, 10, 100, 3.7, 12345.5, 0.5, 99999, 2.5, 1000];
    let k = 0;
    for (let t = t0 + 15 * sec; t < t0 + 60 * min; t += 30 * sec) push(t, vals[k++ % vals.length]!);
  });
  // A counter that is already big when first stored (5m..50m, every 20s).
  add("big", (push) => {
    let v = 1e6;
    for (let t = t0 + 5 * min; t < t0 + 50 * min; t += 20 * sec) {
      push(t, v);
      v += Math.floor(rnd() * 20);
    }
  });
  // A lone sample.
  add("single", (push) => push(t0 + 30 * min + 7 * sec, 42));
  return out;
}

// --- Prometheus remote write: protobuf WriteRequest in a literal-only snappy block.

function putVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function putBytesField(out: number[], field: number, b: ArrayLike<number>): void {
  putVarint(out, (field << 3) | 2);
  putVarint(out, b.length);
  for (let k = 0; k < b.length; k++) out.push(b[k]!);
}

function writeRequest(series: Series[]): Uint8Array {
  const out: number[] = [];
  const f64 = Buffer.alloc(8);
  for (const s of series) {
    const ts: number[] = [];
    for (const [k, v] of [["__name__", "m"], ["s", s.name]]) {
      const label: number[] = [];
      putBytesField(label, 1, Buffer.from(k!));
      putBytesField(label, 2, Buffer.from(v!));
      putBytesField(ts, 1, label);
    }
    for (let k = 0; k < s.ts.length; k++) {
      const sample: number[] = [(1 << 3) | 1];
      // A staleness marker must carry its exact bits; a NaN that passed
      // through a JavaScript array would have had them canonicalized.
      if (Number.isNaN(s.vs[k])) f64.writeBigUInt64LE(0x7ff0000000000002n);
      else f64.writeDoubleLE(s.vs[k]!);
      for (const x of f64) sample.push(x);
      sample.push(2 << 3);
      putVarint(sample, s.ts[k]!);
      putBytesField(ts, 2, sample);
    }
    putBytesField(out, 1, ts);
  }
  return Uint8Array.from(out);
}

function snappyLiterals(data: Uint8Array): Buffer {
  const out: number[] = [];
  putVarint(out, data.length);
  for (let off = 0; off < data.length; off += 65536) {
    const n = Math.min(65536, data.length - off) - 1;
    if (n < 60) out.push(n << 2);
    else if (n < 256) out.push(60 << 2, n);
    else out.push(61 << 2, n & 0xff, n >> 8);
    for (let k = off; k <= off + n; k++) out.push(data[k]!);
  }
  return Buffer.from(out);
}

// --- The victoria-metrics process.

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- The queries: each function with the arguments used for both sides.

interface Case {
  name: string;
  query: (sel: string) => string;
  args: RollupArg[];
}

function cases(): Case[] {
  const special: Record<string, Omit<Case, "name">> = {
    aggr_over_time: {
      query: (s) => `aggr_over_time((${aggr179.map((n) => JSON.stringify(n)).join(",")}), ${s})`,
      args: aggr179,
    },
    count_eq_over_time: { query: (s) => `count_eq_over_time(${s}, 3)`, args: [3] },
    count_gt_over_time: { query: (s) => `count_gt_over_time(${s}, 3)`, args: [3] },
    count_le_over_time: { query: (s) => `count_le_over_time(${s}, 3)`, args: [3] },
    count_ne_over_time: { query: (s) => `count_ne_over_time(${s}, 3)`, args: [3] },
    duration_over_time: { query: (s) => `duration_over_time(${s}, 20)`, args: [20] },
    hoeffding_bound_lower: { query: (s) => `hoeffding_bound_lower(0.9, ${s})`, args: [0.9] },
    hoeffding_bound_upper: { query: (s) => `hoeffding_bound_upper(0.9, ${s})`, args: [0.9] },
    holt_winters: { query: (s) => `holt_winters(${s}, 0.5, 0.3)`, args: [0.5, 0.3] },
    predict_linear: { query: (s) => `predict_linear(${s}, 600)`, args: [600] },
    quantile_over_time: { query: (s) => `quantile_over_time(0.3, ${s})`, args: [0.3] },
    quantiles_over_time: { query: (s) => `quantiles_over_time("phi", 0.1, 0.5, 0.95, ${s})`, args: ["phi", 0.1, 0.5, 0.95] },
    share_gt_over_time: { query: (s) => `share_gt_over_time(${s}, 3)`, args: [3] },
    share_le_over_time: { query: (s) => `share_le_over_time(${s}, 3)`, args: [3] },
  };
  return rollupFuncNames
    .filter((name) => getRollupFunc(name)!.since === "1.79.5")
    .map((name) => ({ name, ...(special[name] ?? { query: (s: string) => `${name}(${s})`, args: [] }) }));
}

const aggr179 = aggrOverTimeNames.filter((n) => !["iqr_over_time", "mad_over_time", "median_over_time"].includes(n));

interface Grid {
  label: string;
  start: number;
  end: number;
  step: number;
  windows: string[];
  lookbackDelta: number;
}

const windowMs: Record<string, number> = { "": 0, "3s": 3 * sec, "30s": 30 * sec, "45s": 45 * sec, "1m": min, "2m": 2 * min, "7m": 7 * min, "10m": 10 * min };

interface VMSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

function close(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

test("rollup functions match VictoriaMetrics 1.79.5", { skip, timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-rollup-vm-"));
  const port = await freePort();
  const child = spawn(
    vmBinary,
    [`-storageDataPath=${dir}`, `-httpListenAddr=127.0.0.1:${port}`, "-search.disableCache", "-loggerLevel=ERROR"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise((r) => child.on("exit", r));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let k = 0; ; k++) {
      try {
        if ((await fetch(base + "/health")).ok) break;
      } catch {
        // not listening yet
      }
      assert.ok(k < 200, `victoria-metrics did not start: ${stderr}`);
      await sleep(50);
    }

    // Data end at least two hours before now, far from -search.latencyOffset.
    const t0 = Math.floor((Date.now() - 3 * 3600 * sec) / min) * min;
    const series = makeSeries(t0);
    const resp = await fetch(base + "/api/v1/write", {
      method: "POST",
      body: snappyLiterals(writeRequest(series)),
      headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf" },
    });
    assert.equal(resp.status, 204, await resp.text());
    await fetch(base + "/internal/force_flush");

    // Wait until every sample is searchable, and check that VictoriaMetrics
    // stores exactly our samples (export shows staleness markers as null).
    const want = new Map(series.map((s) => [s.name, s]));
    for (let k = 0; ; k++) {
      const text = await (await fetch(`${base}/api/v1/export?match[]=m`)).text();
      const lines = text.split("\n").filter((l) => l !== "");
      const total = lines.reduce((acc, l) => acc + (JSON.parse(l) as { values: unknown[] }).values.length, 0);
      if (total === series.reduce((acc, s) => acc + s.ts.length, 0)) {
        for (const l of lines) {
          const got = JSON.parse(l) as { metric: Record<string, string>; values: Array<number | null>; timestamps: number[] };
          const s = want.get(got.metric["s"]!)!;
          assert.deepEqual(got.timestamps, s.ts, `timestamps of ${s.name}`);
          assert.deepEqual(got.values.map((v) => (v === null ? NaN : v)), s.vs, `values of ${s.name}`);
        }
        break;
      }
      assert.ok(k < 200, `only ${total} samples became searchable`);
      await sleep(50);
    }

    const grids: Grid[] = [
      { label: "A", start: t0 - 6 * min, end: t0 + 66 * min, step: min, windows: ["", "45s", "2m", "10m"], lookbackDelta: 0 },
      { label: "B", start: t0 + 7 * min + 13 * sec, end: t0 + 52 * min, step: 37 * sec, windows: ["", "45s", "2m", "10m"], lookbackDelta: 0 },
      { label: "C", start: t0 - 6 * min, end: t0 + 66 * min, step: min, windows: ["", "2m"], lookbackDelta: 40 * sec },
      { label: "D", start: t0 - 10 * min, end: t0 + 70 * min, step: 5 * min, windows: ["", "1m", "7m"], lookbackDelta: 0 },
      { label: "E", start: t0 + 30 * min + 7 * sec, end: t0 + 30 * min + 7 * sec, step: min, windows: ["", "2m"], lookbackDelta: 0 },
      { label: "F", start: t0 + 9 * min, end: t0 + 22 * min, step: 15 * sec, windows: ["", "3s", "30s"], lookbackDelta: 0 },
    ];
    const failures: string[] = [];
    let compared = 0;
    const jobs: Array<() => Promise<void>> = [];
    for (const c of cases()) {
      for (const g of grids) {
        for (const win of g.windows) {
          jobs.push(async () => {
            const sel = win === "" ? "m" : `m[${win}]`;
            const q = c.query(sel);
            let url = `${base}/api/v1/query_range?query=${encodeURIComponent(q)}&start=${g.start / 1000}&end=${g.end / 1000}&step=${g.step / 1000}&nocache=1`;
            if (g.lookbackDelta > 0) url += `&max_lookback=${g.lookbackDelta / 1000}s`;
            const r = await fetch(url);
            const body = (await r.json()) as { status: string; error?: string; data: { result: VMSeries[] } };
            if (body.status !== "success") {
              failures.push(`${g.label} ${q}: ${body.error}`);
              return;
            }
            const cfg: RollupConfig = { start: g.start, end: g.end, step: g.step, window: windowMs[win]!, lookbackDelta: g.lookbackDelta };
            compared += compare(c, cfg, series, body.data.result, `${g.label} ${q}`, failures);
          });
        }
      }
    }
    // A few queries at a time: the machine is shared.
    let next = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );
    assert.ok(compared > 10000, `only ${compared} points compared`);
    assert.deepEqual(failures.slice(0, 40), [], `${failures.length} mismatches`);
  } finally {
    child.kill();
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// compare checks VictoriaMetrics' answer against evalRollup on every series
// and returns the number of points compared.
function compare(c: Case, cfg: RollupConfig, series: Series[], vm: VMSeries[], what: string, failures: string[]): number {
  const info = getRollupFunc(c.name)!;
  const range = getRollupTimeRange(info, cfg);
  const points = Math.floor((cfg.end - cfg.start) / cfg.step) + 1;
  // Our rows, keyed like VictoriaMetrics' series: s label plus added tags.
  const mine = new Map<string, Float64Array>();
  const absent = new Float64Array(points).fill(1);
  for (const s of series) {
    const idx: number[] = [];
    for (let k = 0; k < s.ts.length; k++) if (s.ts[k]! >= range.minTimestamp && s.ts[k]! <= range.maxTimestamp) idx.push(k);
    // VictoriaMetrics only sees series with samples in the fetched range.
    if (idx.length === 0) continue;
    const ts = Float64Array.from(idx, (k) => s.ts[k]!);
    const vs = Float64Array.from(idx, (k) => s.vs[k]!);
    for (const row of evalRollup(info, c.args, cfg, ts, vs, ts.length)) {
      if (c.name === "absent_over_time") {
        // The original collapses absent_over_time over all series: 1 only where every series is empty.
        for (let p = 0; p < points; p++) if (Number.isNaN(row.values[p])) absent[p] = NaN;
        continue;
      }
      const key = JSON.stringify([s.name, ...(row.tags ?? []).flat()]);
      if (mine.has(key)) failures.push(`${what}: duplicate row ${key}`);
      mine.set(key, row.values);
    }
  }
  if (c.name === "absent_over_time") mine.set(JSON.stringify([]), absent);

  let n = 0;
  const seen = new Set<string>();
  for (const r of vm) {
    const { __name__: name, s, ...tags } = r.metric;
    const key = c.name === "absent_over_time" ? JSON.stringify([]) : JSON.stringify([s, ...Object.entries(tags).flat()]);
    seen.add(key);
    const values = mine.get(key);
    if (values === undefined) {
      failures.push(`${what}: VictoriaMetrics returns ${JSON.stringify(r.metric)}, we do not`);
      continue;
    }
    if (c.name !== "absent_over_time" && (name !== undefined) !== info.keepMetricName) {
      failures.push(`${what}: metric name ${name === undefined ? "dropped" : "kept"} by VictoriaMetrics for ${key}`);
    }
    const got = new Map<number, number>();
    for (const [t, v] of r.values) got.set(Math.round(t * 1000), v === "+Inf" || v === "Inf" ? Infinity : v === "-Inf" ? -Infinity : Number(v));
    for (let p = 0; p < points; p++) {
      const t = cfg.start + p * cfg.step;
      const theirs = got.get(t);
      const ours = values[p]!;
      n++;
      if (theirs === undefined) {
        if (!Number.isNaN(ours)) failures.push(`${what}: ${key} at ${(t - cfg.start) / 1000}s: VictoriaMetrics has no point, we have ${ours}`);
      } else if (!close(ours, theirs)) {
        failures.push(`${what}: ${key} at ${(t - cfg.start) / 1000}s: VictoriaMetrics ${theirs}, we ${ours}`);
      }
    }
  }
  for (const [key, values] of mine) {
    if (seen.has(key)) continue;
    const p = values.findIndex((v) => !Number.isNaN(v));
    if (p >= 0) failures.push(`${what}: ${key} at ${(p * cfg.step) / 1000}s: we have ${values[p]}, VictoriaMetrics has no series`);
  }
  return n;
}
