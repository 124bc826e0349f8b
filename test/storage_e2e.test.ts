// End-to-end tests of the single node's storage through its HTTP API, against
// the real server process.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { metricValue, runTidemark, startServer, tempDir, type Server } from "./harness.ts";

const HOUR = 3_600_000;

interface Line { metric: Record<string, string>; values: number[]; timestamps: number[] }

function makeLines(series: number, samples: number, endMs: number, stepMs = 15_000): Line[] {
  const out: Line[] = [];
  for (let s = 0; s < series; s++) {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < samples; i++) {
      ts.push(endMs - (samples - i) * stepMs);
      vs.push(s % 2 === 0 ? Math.round(Math.sin(i / 10) * 10000) / 100 : s * 1000 + i * 3);
    }
    out.push({ metric: { __name__: s % 3 === 0 ? "temp_celsius" : "requests_total", job: "j" + (s % 4), instance: `host-${s}:9100` }, values: vs, timestamps: ts });
  }
  return out;
}

function body(lines: Line[]): string {
  return lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
}

function key(m: Record<string, string>): string {
  return JSON.stringify(Object.entries(m).sort());
}

async function exportAll(s: Server, match = '{__name__!=""}', extra = ""): Promise<Map<string, Line>> {
  const r = await s.get(`/api/v1/export?match[]=${encodeURIComponent(match)}${extra}`);
  assert.equal(r.status, 200, await r.clone().text());
  const text = await r.text();
  const out = new Map<string, Line>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const l = JSON.parse(line) as Line;
    const k = key(l.metric);
    const prev = out.get(k);
    if (prev !== undefined) { prev.values.push(...l.values); prev.timestamps.push(...l.timestamps); }
    else out.set(k, l);
  }
  return out;
}

function assertSameData(got: Map<string, Line>, want: Line[], msg: string): void {
  assert.equal(got.size, want.length, `${msg}: series count`);
  for (const w of want) {
    const g = got.get(key(w.metric));
    assert.ok(g !== undefined, `${msg}: series ${key(w.metric)} missing`);
    assert.deepEqual(g.timestamps, w.timestamps, `${msg}: timestamps of ${key(w.metric)}`);
    assert.deepEqual(g.values, w.values, `${msg}: values of ${key(w.metric)}`);
  }
}

test("import -> export round trip, gzip body, restart keeps everything", async () => {
  const dir = tempDir();
  const now = Date.now();
  const lines = makeLines(30, 500, now - HOUR);
  let s = await startServer([`-storageDataPath=${dir}`]);
  try {
    let r = await s.post("/api/v1/import", body(lines.slice(0, 20)));
    assert.equal(r.status, 204, await r.text());
    r = await s.post("/api/v1/import", zlib.gzipSync(body(lines.slice(20))), { "Content-Encoding": "gzip" });
    assert.equal(r.status, 204, await r.text());
    assertSameData(await exportAll(s), lines, "before restart");
    // Selectors narrow the result.
    const only = await exportAll(s, 'temp_celsius{job="j0"}');
    assert.equal(only.size, lines.filter((l) => l.metric.__name__ === "temp_celsius" && l.metric.job === "j0").length);
    // start/end clip the samples.
    const startS = (lines[0]!.timestamps[100]! / 1000).toString();
    const clipped = await exportAll(s, '{__name__="requests_total"}', `&start=${startS}`);
    for (const l of clipped.values()) assert.equal(l.timestamps.length, 400);
    assert.equal(await s.stop(), 0, s.stderr);
    s = await startServer([`-storageDataPath=${dir}`]);
    assertSameData(await exportAll(s), lines, "after restart");
    const m = await (await s.get("/metrics")).text();
    assert.equal(metricValue(m, "vm_app_started_after_unclean_shutdown"), 0);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("malformed lines: 400 naming the line, counted, valid lines kept", async () => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${dir}`]);
  try {
    const good = makeLines(3, 10, Date.now() - HOUR);
    const text = [JSON.stringify(good[0]), '{"metric":{"__name__":"x"},"values":[1,2],"timestamps":[1]}', JSON.stringify(good[1]), "not json", JSON.stringify(good[2])].join("\n");
    const r = await s.post("/api/v1/import", text);
    assert.equal(r.status, 400);
    const msg = await r.text();
    assert.match(msg, /line 2/);
    assert.match(msg, /line 4/);
    assertSameData(await exportAll(s), good, "valid lines of a partly bad request");
    const m = await (await s.get("/metrics")).text();
    assert.equal(metricValue(m, 'vm_rows_invalid_total{type="vmimport"}'), 2);
    // A bad gzip body is rejected as a whole.
    const r2 = await s.post("/api/v1/import", "garbage", { "Content-Encoding": "gzip" });
    assert.equal(r2.status, 400);
    assert.equal((await s.get("/health")).status, 200);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("kill -9 during continuous ingestion loses no acknowledged sample (10 cycles)", async () => {
  const dir = tempDir();
  const acked: Line[] = [];
  let seq = 0;
  const base = Date.now() - 2 * HOUR;
  try {
    for (let cycle = 0; cycle < 10; cycle++) {
      const s = await startServer([`-storageDataPath=${dir}`]);
      let stop = false;
      const writer = (async () => {
        while (!stop) {
          const batch: Line[] = [];
          for (let k = 0; k < 20; k++) {
            const n = seq++;
            batch.push({ metric: { __name__: "kill_test", series: String(n % 50) }, values: [n], timestamps: [base + n] });
          }
          try {
            const r = await s.post("/api/v1/import", body(batch));
            if (r.status === 204) acked.push(...batch);
          } catch {
            return; // the server died mid-request: that batch was not acknowledged
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 150 + cycle * 70));
      await s.kill9();
      stop = true;
      await writer;
    }
    const s = await startServer([`-storageDataPath=${dir}`]);
    try {
      const got = await exportAll(s, "kill_test");
      const have = new Set<number>();
      for (const l of got.values()) for (const v of l.values) have.add(v);
      const missing = acked.filter((l) => !have.has(l.values[0]!)).map((l) => l.values[0]);
      assert.ok(acked.length > 100, `only ${acked.length} samples were acknowledged`);
      assert.deepEqual(missing, [], `acknowledged samples lost after kill -9 (${acked.length} acked)`);
      const m = await (await s.get("/metrics")).text();
      assert.equal(metricValue(m, "vm_app_started_after_unclean_shutdown"), 1);
    } finally {
      await s.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("retention: samples outside -retentionPeriod are rejected and dropped after a restart with a shorter one", async () => {
  const dir = tempDir();
  const now = Date.now();
  const old = makeLines(2, 10, now - 40 * 24 * HOUR, 60_000).map((l) => ({ ...l, metric: { ...l.metric, __name__: "old_metric" } }));
  const recent = makeLines(2, 10, now - HOUR, 60_000);
  let s = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y"]);
  try {
    assert.equal((await s.post("/api/v1/import", body([...old, ...recent]))).status, 204);
    assert.equal((await exportAll(s)).size, 4);
    await s.stop();
    s = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=30d"]);
    assertSameData(await exportAll(s), recent, "after shortening retention");
    // New samples older than retention are refused and counted.
    assert.equal((await s.post("/api/v1/import", body(old))).status, 204);
    assertSameData(await exportAll(s), recent, "old samples are not stored");
    const m = await (await s.get("/metrics")).text();
    assert.ok((metricValue(m, 'vm_rows_ignored_total{reason="small_timestamp"}') ?? 0) >= 20);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("snapshot create -> modify -> restore from a copy gives the original data; bad names are refused", async () => {
  const dir = tempDir();
  const restored = tempDir();
  const lines = makeLines(10, 100, Date.now() - HOUR);
  let s = await startServer([`-storageDataPath=${dir}`]);
  try {
    assert.equal((await s.post("/api/v1/import", body(lines))).status, 204);
    const cr = await (await s.get("/snapshot/create")).json() as { status: string; snapshot: string };
    assert.equal(cr.status, "ok");
    assert.match(cr.snapshot, /^\d{14}-[0-9A-F]{8}$/);
    const list = await (await s.get("/snapshot/list")).json() as { snapshots: string[] };
    assert.deepEqual(list.snapshots, [cr.snapshot]);
    // Modify the live data: delete a series and add another.
    assert.equal((await s.get(`/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent('{instance="host-0:9100"}')}`)).status, 204);
    assert.equal((await s.post("/api/v1/import", body(makeLines(1, 5, Date.now()).map((l) => ({ ...l, metric: { __name__: "added_later" } }))))).status, 204);
    assert.equal((await exportAll(s)).size, 10);
    // Traversal and foreign names are refused and touch nothing.
    const canary = path.join(dir, "canary");
    fs.writeFileSync(canary, "x");
    for (const bad of ["..", "../canary", "/etc", "snapshots", "", "20200101000000-0000000G", `${cr.snapshot}/..`, "%2e%2e"]) {
      const r = await s.get(`/snapshot/delete?snapshot=${encodeURIComponent(bad)}`);
      assert.equal(r.status, 400, `name ${JSON.stringify(bad)}`);
    }
    assert.ok(fs.existsSync(canary));
    assert.ok(fs.existsSync(path.join(dir, "snapshots", cr.snapshot)));
    assert.equal((await s.get("/snapshot/delete?snapshot=20200101000000-00000000")).status, 404);
    // Restore: copy the snapshot and start on the copy.
    fs.cpSync(path.join(dir, "snapshots", cr.snapshot), restored, { recursive: true });
    const s2 = await startServer([`-storageDataPath=${restored}`]);
    try {
      assertSameData(await exportAll(s2), lines, "restored snapshot");
    } finally {
      await s2.stop();
    }
    assert.equal((await (await s.get(`/snapshot/delete?snapshot=${cr.snapshot}`)).json() as { status: string }).status, "ok");
    assert.deepEqual((await (await s.get("/snapshot/list")).json() as { snapshots: string[] }).snapshots, []);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(restored, { recursive: true, force: true });
  }
});

test("delete_series: whole series and a time range; deleted data never come back", async () => {
  const dir = tempDir();
  const now = Date.now();
  const lines = makeLines(6, 200, now - HOUR);
  let s = await startServer([`-storageDataPath=${dir}`]);
  try {
    assert.equal((await s.post("/api/v1/import", body(lines))).status, 204);
    await s.get("/internal/force_flush");
    // Whole series.
    assert.equal((await s.get(`/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent('{instance="host-1:9100"}')}`)).status, 204);
    // A time range of another series.
    const l2 = lines[2]!;
    const from = l2.timestamps[50]!, to = l2.timestamps[149]!;
    const r = await s.post("/api/v1/admin/tsdb/delete_series", `match[]=${encodeURIComponent('{instance="host-2:9100"}')}&start=${from / 1000}&end=${to / 1000}`, { "Content-Type": "application/x-www-form-urlencoded" });
    assert.equal(r.status, 204, await r.text());
    const expected = lines.filter((l) => l.metric.instance !== "host-1:9100").map((l) => {
      if (l !== l2) return l;
      const keep = l.timestamps.map((t, i) => [t, l.values[i]!] as const).filter(([t]) => t < from || t > to);
      return { ...l, timestamps: keep.map((x) => x[0]), values: keep.map((x) => x[1]) };
    });
    assertSameData(await exportAll(s), expected, "after delete");
    await s.get("/internal/force_merge");
    assertSameData(await exportAll(s), expected, "after force_merge");
    await s.kill9();
    s = await startServer([`-storageDataPath=${dir}`]);
    assertSameData(await exportAll(s), expected, "after kill -9 and restart");
    // The deleted series can be written again as a new series.
    assert.equal((await s.post("/api/v1/import", body([lines[1]!]))).status, 204);
    assert.equal((await exportAll(s)).size, 6);
    assert.equal((await s.get("/api/v1/admin/tsdb/delete_series")).status, 400);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a second process on the same -storageDataPath refuses to start", async () => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${dir}`]);
  try {
    const r = await runTidemark([`-storageDataPath=${dir}`, "-httpListenAddr=127.0.0.1:0"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /in use by another process/);
    assert.equal((await s.get("/health")).status, 200);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("flags: -help lists them with defaults; unknown flags and bad values exit with a message", async () => {
  const h = await runTidemark(["-help"]);
  assert.equal(h.code, 0);
  for (const f of ["-httpListenAddr", "-storageDataPath", "-retentionPeriod", "-dedup.minScrapeInterval", "-memory.allowedPercent", "-loggerLevel"]) assert.ok(h.stdout.includes(f), `-help lists ${f}`);
  assert.match(h.stdout, /tidemark-data/);
  const u = await runTidemark(["-noSuchFlag=1"]);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /flag provided but not defined: -noSuchFlag/);
  const b = await runTidemark(["-retentionPeriod=abc"]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /invalid value "abc" for flag -retentionPeriod/);
  const d = await runTidemark(["-dedup.minScrapeInterval=5parsecs"]);
  assert.equal(d.code, 2);
});

test("-dedup.minScrapeInterval keeps one sample per interval, at query time and after merges", async () => {
  const dir = tempDir();
  const base = Math.floor((Date.now() - HOUR) / 60_000) * 60_000;
  // Two replicas sending the same series 1 s apart, every 10 s.
  const ts: number[] = [], vs: number[] = [];
  for (let i = 0; i < 60; i++) { ts.push(base + i * 10_000); vs.push(i); ts.push(base + i * 10_000 + 1000); vs.push(i + 0.5); }
  const order = ts.map((t, i) => [t, vs[i]!] as const).sort((a, b) => a[0] - b[0]);
  const line = { metric: { __name__: "dedup_me" }, values: order.map((x) => x[1]), timestamps: order.map((x) => x[0]) };
  const s = await startServer([`-storageDataPath=${dir}`, "-dedup.minScrapeInterval=30s"]);
  try {
    assert.equal((await s.post("/api/v1/import", JSON.stringify(line))).status, 204);
    const check = async (when: string) => {
      const got = [...(await exportAll(s, "dedup_me")).values()][0]!;
      // The last sample of each 30 s interval (k*30s, (k+1)*30s].
      const want = new Map<number, [number, number]>();
      for (const [t, v] of order) want.set(Math.ceil(t / 30_000), [t, v]);
      assert.deepEqual(got.timestamps, [...want.values()].map((x) => x[0]), `${when}: timestamps`);
      assert.deepEqual(got.values, [...want.values()].map((x) => x[1]), `${when}: values`);
    };
    await check("before merge");
    await s.get("/internal/force_flush");
    await s.get("/internal/force_merge");
    await check("after force_merge");
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("out-of-order and backfilled samples are accepted and come back sorted", async () => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y"]);
  try {
    const now = Date.now();
    const all: Array<[number, number]> = [];
    // Recent data first, then a backfill of 60 days ago, then samples in between, in shuffled order.
    const batches = [[now - HOUR, 10], [now - 60 * 24 * HOUR, 10], [now - 2 * HOUR, 10]] as const;
    for (const [start, n] of batches) {
      const pts: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) pts.push([start + i * 15_000, start / 1e9 + i]);
      pts.reverse();
      all.push(...pts);
      const line = { metric: { __name__: "ooo" }, values: pts.map((p) => p[1]), timestamps: pts.map((p) => p[0]) };
      assert.equal((await s.post("/api/v1/import", JSON.stringify(line))).status, 204);
      await s.get("/internal/force_flush");
    }
    all.sort((a, b) => a[0] - b[0]);
    const got = [...(await exportAll(s, "ooo")).values()][0]!;
    assert.deepEqual(got.timestamps, all.map((p) => p[0]));
    assert.deepEqual(got.values, all.map((p) => p[1]));
    await s.get("/internal/force_merge");
    const got2 = [...(await exportAll(s, "ooo")).values()][0]!;
    assert.deepEqual(got2.timestamps, all.map((p) => p[0]));
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("/api/v1/import drops series over -maxLabelsPerTimeseries and counts them", async () => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${dir}`, "-maxLabelsPerTimeseries=3"]);
  try {
    const t = Date.now() - HOUR;
    const ok = { metric: { __name__: "ok", a: "1", b: "2" }, values: [1], timestamps: [t] };
    const tooMany = { metric: { __name__: "wide", a: "1", b: "2", c: "3" }, values: [1], timestamps: [t] };
    assert.equal((await s.post("/api/v1/import", JSON.stringify(ok) + "\n" + JSON.stringify(tooMany))).status, 204);
    const got = await exportAll(s);
    assert.deepEqual([...got.values()].map((l) => l.metric.__name__), ["ok"]);
    const m = await (await s.get("/metrics")).text();
    assert.equal(metricValue(m, 'vm_rows_ignored_total{reason="too_many_labels"}'), 1);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
