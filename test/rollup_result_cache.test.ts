// The rollup result cache end to end: repeated range queries are served from
// it (the counters move), and its answers stay equal to nocache=1 answers
// when old samples are backfilled inside a cached range or series deleted.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { metricValue, startServer, tempDir, type Server } from "./harness.ts";

const min = 60_000;

interface Answer { status: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } }

async function rangeQuery(s: Server, q: string, start: number, end: number, extra = ""): Promise<string> {
  const r = await s.get(`/api/v1/query_range?query=${encodeURIComponent(q)}&start=${start / 1000}&end=${end / 1000}&step=60${extra}`);
  const body = await r.text();
  assert.equal(r.status, 200, body);
  const a = JSON.parse(body) as Answer;
  return a.data.result.map((x) => `${JSON.stringify(x.metric)} ${x.values.map((v) => v[1]).join(",")}`).join("\n");
}

async function counters(s: Server): Promise<Record<string, number>> {
  const body = await (await s.get("/metrics")).text();
  const out: Record<string, number> = {};
  for (const n of ["vm_rollup_result_cache_full_hits_total", "vm_rollup_result_cache_partial_hits_total", "vm_rollup_result_cache_miss_total", `vm_cache_requests_total{type="promql/rollupResult"}`]) {
    out[n] = metricValue(body, n) ?? NaN;
  }
  return out;
}

async function importLines(s: Server, lines: string[]): Promise<void> {
  const r = await s.post("/api/v1/import/prometheus", lines.join("\n") + "\n");
  assert.equal(r.status, 204, await r.text());
}

test("rollup result cache: serves repeated range queries and stays correct after backfill and deletion", async (t) => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y"]);
  try {
    // Two hours of samples every 15s, ending an hour ago (older than -search.cacheTimestampOffset).
    const end = Math.floor((Date.now() - 60 * min) / min) * min;
    const start = end - 120 * min;
    const lines: string[] = [];
    for (let ts = start - 10 * min; ts <= end; ts += 15_000) {
      lines.push(`m{job="a"} ${(ts - start) / 15_000} ${ts}`, `m{job="b"} 1 ${ts}`, `other 5 ${ts}`);
    }
    await importLines(s, lines);
    const queries = ['max_over_time(m{job="a"}[5m])', "sum(count_over_time(m[5m]))", "m"];
    const check = async (what: string) => {
      for (const q of queries) {
        assert.equal(await rangeQuery(s, q, start, end), await rangeQuery(s, q, start, end, "&nocache=1"), `${what}: ${q}`);
      }
    };

    await t.test("repeated and extended queries hit the cache", async () => {
      const c0 = await counters(s);
      const first = await rangeQuery(s, queries[0]!, start, end - 30 * min);
      const c1 = await counters(s);
      assert.equal(c1["vm_rollup_result_cache_miss_total"]! - c0["vm_rollup_result_cache_miss_total"]!, 1, "first query misses");
      assert.equal(await rangeQuery(s, queries[0]!, start, end - 30 * min), first, "same answer from the cache");
      const c2 = await counters(s);
      assert.equal(c2["vm_rollup_result_cache_full_hits_total"]! - c1["vm_rollup_result_cache_full_hits_total"]!, 1, "second query is a full hit");
      // A dashboard moving forward: only the new points are evaluated.
      const later = await rangeQuery(s, queries[0]!, start + 10 * min, end);
      const c3 = await counters(s);
      assert.equal(c3["vm_rollup_result_cache_partial_hits_total"]! - c2["vm_rollup_result_cache_partial_hits_total"]!, 1, "moved range is a partial hit");
      assert.equal(later, await rangeQuery(s, queries[0]!, start + 10 * min, end, "&nocache=1"), "partial hit equals a fresh evaluation");
      // nocache=1 bypasses the cache.
      await rangeQuery(s, queries[0]!, start, end, "&nocache=1");
      assert.equal((await counters(s))[`vm_cache_requests_total{type="promql/rollupResult"}`], c3[`vm_cache_requests_total{type="promql/rollupResult"}`], "nocache=1 does not ask the cache");
      await check("before backfill");
    });

    await t.test("a backfilled old sample changes the cached answer", async () => {
      const before = await rangeQuery(s, queries[0]!, start, end);
      assert.ok(!before.includes("1000"), before);
      // Between two scrapes, an hour into the cached range.
      await importLines(s, [`m{job="a"} 1000 ${start + 60 * min + 7_000}`, `m{job="c"} 7 ${start + 30 * min}`]);
      const after = await rangeQuery(s, queries[0]!, start, end);
      assert.ok(after.includes("1000"), `the backfilled sample shows: ${after}`);
      await check("after backfill");
      assert.ok((await rangeQuery(s, "sum(count_over_time(m[5m]))", start, end)).length > 0);
    });

    await t.test("deleted series disappear from cached answers", async () => {
      assert.notEqual(await rangeQuery(s, "m", start, end), "");
      const r = await s.post("/api/v1/admin/tsdb/delete_series", "match[]=m", { "Content-Type": "application/x-www-form-urlencoded" });
      assert.equal(r.status, 204, await r.text());
      assert.equal(await rangeQuery(s, "m", start, end), "", "m is gone");
      assert.equal(await rangeQuery(s, queries[0]!, start, end), "", "rollups of m are gone");
      assert.equal(await rangeQuery(s, "sum(count_over_time(m[5m]))", start, end), "", "aggregates of m are gone");
      assert.notEqual(await rangeQuery(s, "other", start, end), "", "other series stay");
    });
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("-search.disableCache turns the rollup result cache off", async () => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y", "-search.disableCache"]);
  try {
    const end = Math.floor((Date.now() - 60 * min) / min) * min;
    await importLines(s, [`m 1 ${end - 30 * min}`, `m 2 ${end - 20 * min}`]);
    for (let i = 0; i < 2; i++) await rangeQuery(s, "m", end - 60 * min, end);
    const c = await counters(s);
    assert.equal(c[`vm_cache_requests_total{type="promql/rollupResult"}`], 0, JSON.stringify(c));
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
