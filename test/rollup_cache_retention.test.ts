// The rollup result cache and retention: an entry whose points may have read
// samples that retention now hides (the bound moves forward with the clock)
// is dropped, so the next query evaluates again instead of answering from it.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { metricValue, startServer, tempDir, type Server } from "./harness.ts";

const hour = 3_600_000;
const day = 24 * hour;
// The reach the cache assumes for a rollup (src/lib/query/rollup_result_cache.ts defaultReachMs).
const reach = hour;

async function rangeQuery(s: Server, q: string, start: number, end: number, extra = ""): Promise<string> {
  const r = await s.get(`/api/v1/query_range?query=${encodeURIComponent(q)}&start=${start / 1000}&end=${end / 1000}&step=1${extra}`);
  const body = await r.text();
  assert.equal(r.status, 200, body);
  return body;
}

async function counters(s: Server): Promise<{ miss: number; full: number; inv: number }> {
  const body = await (await s.get("/metrics")).text();
  return {
    miss: metricValue(body, "vm_rollup_result_cache_miss_total") ?? NaN,
    full: metricValue(body, "vm_rollup_result_cache_full_hits_total") ?? NaN,
    inv: metricValue(body, "tidemark_rollup_result_cache_invalidations_total") ?? NaN,
  };
}

test("rollup result cache: entries reaching past the moving retention bound are dropped", async () => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=24h"]);
  try {
    // The entry starts 3 s after the point where its reach meets the retention bound.
    const start = Math.ceil((Date.now() - day + reach + 3000) / 1000) * 1000;
    const end = start + 600_000;
    const lines: string[] = [];
    for (let ts = start - reach + 5000; ts <= end; ts += 15_000) lines.push(`m{job="a"} ${(ts - start) / 15_000} ${ts}`);
    const r = await s.post("/api/v1/import/prometheus", lines.join("\n") + "\n");
    assert.equal(r.status, 204, await r.text());

    const q = "max_over_time(m[1m])";
    const c0 = await counters(s);
    const first = await rangeQuery(s, q, start, end);
    const c1 = await counters(s);
    assert.equal(c1.miss - c0.miss, 1, "the first query misses");
    assert.equal(await rangeQuery(s, q, start, end), first, "the second answer comes from the cache");
    const c2 = await counters(s);
    assert.equal(c2.full - c1.full, 1, "the second query is a full hit");

    // Wait until the retention bound (now - 24h) passes start - reach.
    const wait = start - reach - (Date.now() - day) + 200;
    assert.ok(wait > 0 && wait < 5000, `wait ${wait} ms`);
    await new Promise((res) => setTimeout(res, wait));
    const third = await rangeQuery(s, q, start, end);
    const c3 = await counters(s);
    assert.equal(c3.inv - c2.inv, 1, "the entry was invalidated");
    assert.equal(c3.miss - c2.miss, 1, "the third query misses");
    assert.equal(c3.full - c2.full, 0, "the third query is not a hit");
    assert.equal(third, await rangeQuery(s, q, start, end, "&nocache=1"), "same as without the cache");
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
