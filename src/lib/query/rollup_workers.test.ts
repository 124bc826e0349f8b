import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteBuffer, decompressZstd, marshalInt64Array, marshalValues, MarshalType } from "../encoding/index.ts";
import { SeriesBatchBuilder } from "../seriesbatch/index.ts";
import { exec, type EvalConfig, type SeriesSource, type SourceFilter, type Timeseries } from "./index.ts";
import type { BatchSource, SourceBatch } from "./source.ts";
import { RollupWorkerPool } from "./rollup_workers.ts";

const rollupWorkers = new RollupWorkerPool(2);

interface MemSeries {
  labels: Array<[string, string]>;
  ts: Float64Array;
  vs: Float64Array;
}

// rand is a fixed-seed PRNG (mulberry32), so that a failure repeats.
function makeRand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// 300 series of 2 h at 15 s with jitter: counters with resets, gauges,
// staleness markers, histogram buckets.
function makeData(): MemSeries[] {
  const rand = makeRand(7);
  const out: MemSeries[] = [];
  for (let i = 0; i < 300; i++) {
    const n = 480;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    let c = Math.floor(rand() * 1000);
    for (let k = 0; k < n; k++) {
      ts[k] = k * 15_000 + Math.floor(rand() * 200);
      if (i % 3 === 0) {
        c += Math.floor(rand() * 50);
        if (rand() < 0.01) c = Math.floor(rand() * 10);
        vs[k] = c;
      } else if (i % 3 === 1) {
        vs[k] = Math.round(rand() * 10_000) / 100;
      } else {
        vs[k] = rand() < 0.02 ? NaN : Math.floor(rand() * 20);
      }
    }
    const kind = i % 3 === 0 ? "counter" : i % 3 === 1 ? "gauge" : "h_bucket";
    const labels: Array<[string, string]> = [["__name__", kind], ["instance", `host-${i % 40}`], ["job", `job-${i % 4}`], ["series", String(Math.floor(i / 9))]];
    if (kind === "h_bucket") labels.push(["le", ["0.1", "1", "+Inf"][Math.floor(i / 3) % 3]!]);
    out.push({ labels, ts, vs });
  }
  return out;
}

function matches(s: MemSeries, f: SourceFilter): boolean {
  const v = s.labels.find((l) => l[0] === f.label)?.[1] ?? "";
  const ok = f.isRegex ? new RegExp(`^(?:${f.value})$`).test(v) : v === f.value;
  return ok !== f.isNegative;
}

function plainSource(data: MemSeries[]): SeriesSource {
  return {
    *search(filters, minT, maxT) {
      for (const s of data) {
        if (!filters.every((f) => matches(s, f))) continue;
        let a = 0;
        while (a < s.ts.length && s.ts[a]! < minT) a++;
        let b = a;
        while (b < s.ts.length && s.ts[b]! <= maxT) b++;
        if (b > a) yield { labels: s.labels, timestamps: s.ts.subarray(a), values: s.vs.subarray(a), n: b - a };
      }
    },
  };
}

// addEncodedBlock marshals ts/vs[a:b] as the storage does and adds it as one block.
function addEncodedBlock(bb: SeriesBatchBuilder, ts: Float64Array, vs: Float64Array, a: number, b: number): void {
  const tsBuf = new ByteBuffer(0);
  const th = marshalInt64Array(tsBuf, ts.subarray(a, b), b - a);
  const valBuf = new ByteBuffer(0);
  const vh = marshalValues(valBuf, vs.subarray(a, b), b - a);
  const plain = (buf: ByteBuffer, t: number, max: number): [Uint8Array, number] => {
    const raw = buf.buf.subarray(0, buf.length);
    if (t === MarshalType.ZstdNearestDelta2) return [decompressZstd(raw, max), MarshalType.NearestDelta2];
    if (t === MarshalType.ZstdNearestDelta) return [decompressZstd(raw, max), MarshalType.NearestDelta];
    if (t === MarshalType.ZstdFloat64) return [decompressZstd(raw, max), MarshalType.Float64];
    return [raw, t];
  };
  const [tb, tt] = plain(tsBuf, th.marshalType, 8 * (b - a));
  const [vb, vt] = plain(valBuf, vh.marshalType, 8 * (b - a));
  bb.addBlock(b - a, tb, tt, ts[a]!, vb, vt, vh.firstValue, vh.scale);
}

// batchSource serves the same series undecoded, three per batch, each split
// into two blocks given in reverse time order (as blocks of two parts may come).
function batchSource(data: MemSeries[]): BatchSource {
  return {
    ...plainSource(data),
    *searchBatches(filters, minT, maxT): Generator<SourceBatch> {
      const bb = new SeriesBatchBuilder();
      let labels: Array<Array<[string, string]>> = [];
      for (const s of data) {
        if (!filters.every((f) => matches(s, f))) continue;
        const mid = s.ts.length >> 1;
        bb.startSeries();
        addEncodedBlock(bb, s.ts, s.vs, mid, s.ts.length);
        addEncodedBlock(bb, s.ts, s.vs, 0, mid);
        labels.push(s.labels);
        if (labels.length === 3) {
          const ls = labels;
          yield { labelsAt: (i: number) => ls[i]!, batch: bb.finish(minT, maxT, 0) };
          labels = [];
        }
      }
      if (labels.length > 0) yield { labelsAt: (i: number) => labels[i]!, batch: bb.finish(minT, maxT, 0) };
    },
  };
}

function canon(tss: Timeseries[]): string[] {
  return tss.map((ts) => `${ts.name}{${[...ts.tags].sort().map(([k, v]) => `${k}=${v}`).join(",")}} ${Array.from(ts.values, (v) => (Number.isNaN(v) ? "NaN" : String(v))).join(" ")}`);
}

test("rollups over batches (decoded in worker threads or in this one) equal rollups over decoded series", async () => {
  const data = makeData();
  const cfg = (source: SeriesSource, workers?: RollupWorkerPool): EvalConfig => ({ start: 600_000, end: 7_200_000, step: 60_000, lookbackDelta: 0, maxSeries: 0, maxPointsPerSeries: 30_000, deadline: Infinity, source, workers });
  const queries = [
    "rate(counter[5m])",
    "sum by (job) (increase(counter[10m]))",
    "gauge",
    "avg_over_time(gauge[3m])",
    "quantiles_over_time(\"phi\", 0.5, 0.9, gauge[10m])",
    "rollup(gauge[5m])",
    "histogram_over_time(gauge[10m])",
    "count_values_over_time(\"v\", h_bucket[2m])",
    "stale_samples_over_time(h_bucket[10m])",
    "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))",
    "max by (instance) (default_rollup(h_bucket))",
    "count(last_over_time(h_bucket[1m]))",
    "absent_over_time(gauge[1m])",
    "sum(rate({__name__=~\"counter|h_bucket\"}[5m])) by (job)",
  ];
  // Until a worker is ready, batches are rolled up in this thread: wait for them.
  rollupWorkers.warm();
  while (rollupWorkers.ready < rollupWorkers.size) await new Promise((r) => setTimeout(r, 5));
  const before = rollupWorkers.jobsRun;
  for (const q of queries) {
    const want = canon(await exec(cfg(plainSource(data)), q, false));
    assert.ok(want.length > 0 || q.startsWith("absent"), `${q}: no result`);
    assert.deepEqual(canon(await exec(cfg(batchSource(data), rollupWorkers), q, false)), want, `${q} on workers`);
    assert.deepEqual(canon(await exec(cfg(batchSource(data)), q, false)), want, `${q} in this thread`);
  }
  assert.ok(rollupWorkers.jobsRun > before, "the batches ran on worker threads");
  await rollupWorkers.close();
});

test("a failing batch fails the query with the decoder's error", async () => {
  const data = makeData().slice(0, 30);
  const src = batchSource(data);
  const corrupt: BatchSource = {
    ...src,
    *searchBatches(filters, minT, maxT, maxSeries, bs, bb) {
      let i = 0;
      for (const b of src.searchBatches(filters, minT, maxT, maxSeries, bs, bb)) {
        // Cut the payload of the third batch short.
        if (i++ === 2) b.batch.payload = b.batch.payload.slice(0, 5);
        yield b;
      }
    },
  };
  const ec: EvalConfig = { start: 600_000, end: 7_200_000, step: 60_000, lookbackDelta: 0, maxSeries: 0, maxPointsPerSeries: 30_000, deadline: Infinity, source: corrupt, workers: rollupWorkers };
  rollupWorkers.warm();
  while (rollupWorkers.ready < rollupWorkers.size) await new Promise((r) => setTimeout(r, 5));
  await assert.rejects(exec(ec, "rate(counter[5m])", false), /cannot unmarshal|offset|want/);
  await rollupWorkers.close();
});

test("a query that comes before the workers are ready is rolled up in this thread, with the same result", async () => {
  const pool = new RollupWorkerPool(2);
  const data = makeData();
  const ec = (source: SeriesSource, workers?: RollupWorkerPool): EvalConfig => ({ start: 600_000, end: 7_200_000, step: 60_000, lookbackDelta: 0, maxSeries: 0, maxPointsPerSeries: 30_000, deadline: Infinity, source, workers });
  assert.equal(pool.ready, 0);
  const want = canon(await exec(ec(plainSource(data)), "sum by (job) (rate(counter[5m]))", false));
  assert.deepEqual(canon(await exec(ec(batchSource(data), pool), "sum by (job) (rate(counter[5m]))", false)), want);
  // The query started the workers.
  while (pool.ready < pool.size) await new Promise((r) => setTimeout(r, 5));
  await pool.close();
});
