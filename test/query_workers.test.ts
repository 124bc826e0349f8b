// Queries over many series are rolled up on worker threads
// (-search.maxWorkersPerQuery); these tests check that concurrent queries get
// the same answers as on the main thread alone, through the real server.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as os from "node:os";
import { metricValue, startServer, tempDir } from "./harness.ts";

const queries = [
  "sum by (g) (rate(m[5m]))",
  "max by (g) (increase(m[10m]))",
  "quantile_over_time(0.9, m[5m])",
  "rollup(m[5m])",
  "histogram_quantile(0.5, sum by (le) (rate(h[5m])))",
  "topk(5, avg_over_time(m[15m]))",
  "count(m > 100000)",
];

// 600 counters in 6 groups and 60 histogram buckets, 3 h at 30 s, written as
// JSON lines: with 128 series per batch, every selector of `m` spans 5 batches.
function dataLines(end: number): string {
  const lines: string[] = [];
  const n = 360;
  const ts = Array.from({ length: n }, (_, k) => end - (n - 1 - k) * 30_000);
  for (let i = 0; i < 600; i++) {
    let v = i * 1000;
    const vs = ts.map((_, k) => (v += ((i * 7 + k * 13) % 50) + (k === 200 && i % 5 === 0 ? -v + 3 : 0)));
    lines.push(JSON.stringify({ metric: { __name__: "m", i: String(i), g: `g${i % 6}` }, values: vs, timestamps: ts }));
  }
  const les = ["0.1", "0.5", "1", "5", "+Inf"];
  for (let i = 0; i < 60; i++) {
    const le = les[i % 5]!;
    let v = 0;
    const vs = ts.map((_, k) => (v += ((i % 5) + 1) * ((k % 7) + 1)));
    lines.push(JSON.stringify({ metric: { __name__: "h", le, i: String(Math.floor(i / 5)) }, values: vs, timestamps: ts }));
  }
  return lines.join("\n") + "\n";
}

async function answers(url: string, start: number, end: number): Promise<string[]> {
  // All at once: the workers are shared by concurrent queries.
  return Promise.all(queries.map(async (q) => {
    const r = await fetch(`${url}/api/v1/query_range?query=${encodeURIComponent(q)}&start=${start}&end=${end}&step=60&nocache=1`);
    const body = await r.text();
    assert.equal(r.status, 200, `${q}: ${body.slice(0, 300)}`);
    const j = JSON.parse(body) as { data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> } };
    assert.ok(j.data.result.length > 0, `${q}: no series`);
    return JSON.stringify(j.data.result.map((s) => [s.metric, s.values]));
  }));
}

test("concurrent queries on worker threads answer as the main thread alone does", async () => {
  const dir = tempDir();
  const end = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  const start = end / 1000 - 2 * 3600;
  let withWorkers: string[];
  let tm = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y", "-search.maxWorkersPerQuery=2"]);
  try {
    const r = await tm.post("/api/v1/import", dataLines(end));
    assert.equal(r.status, 204);
    await tm.get("/internal/force_flush");
    withWorkers = await answers(tm.url, start, end / 1000);
    // Again, with the workers running: the same answers.
    assert.deepEqual(await answers(tm.url, start, end / 1000), withWorkers);
    const jobs = metricValue(await (await tm.get("/metrics")).text(), "tidemark_rollup_worker_jobs_total") ?? 0;
    // Workers exist only where there are two cores or more.
    if (os.availableParallelism() > 1) assert.ok(jobs > 0, `jobs run by workers: ${jobs}`);
    else assert.equal(jobs, 0);
  } finally {
    await tm.stop();
  }
  tm = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y", "-search.maxWorkersPerQuery=1"]);
  try {
    const single = await answers(tm.url, start, end / 1000);
    for (let k = 0; k < queries.length; k++) assert.equal(withWorkers[k], single[k], queries[k]);
  } finally {
    await tm.stop();
  }
});
