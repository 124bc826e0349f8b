// NewRelic infrastructure agent ingestion on a real `tidemark` process. VictoriaMetrics
// 1.79.5 has no NewRelic endpoints, so the expected answers come from current
// VictoriaMetrics' code and docs.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { metricValue, normalizeExport, startServer, tempDir, type Server } from "./harness.ts";

let tm: Server;
let dir = "";
const s0 = Math.floor((Date.now() - 3_600_000) / 1000);

before(async () => {
  dir = tempDir();
  tm = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y"]);
});

after(async () => {
  await tm?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function exportJSON(match: string): Promise<string[]> {
  await tm.get("/internal/force_flush");
  const r = await tm.get(`/api/v1/export?match[]=${encodeURIComponent(match)}&start=0`);
  assert.equal(r.status, 200);
  return normalizeExport(await r.text());
}

async function metric(name: string): Promise<number> {
  return metricValue(await (await tm.get("/metrics")).text(), name) ?? 0;
}

test("newrelic agent endpoints answer as VictoriaMetrics", async () => {
  const f = async (path: string, body: string) => {
    const r = await tm.post(path, "{}");
    assert.equal(r.status, 202, path);
    assert.equal(r.headers.get("content-type"), "application/json", path);
    assert.equal(await r.text(), body, path);
  };
  await f("/newrelic", `{"status":"ok"}`);
  await f("/newrelic/inventory/deltas", `{"payload":{"version": 1, "state": {}, "reset": "false"}}`);
});

test("newrelic events become one series per numeric field", async () => {
  const r0 = await metric(`vm_rows_inserted_total{type="newrelic"}`);
  const body = JSON.stringify([{ EntityID: 1, IsAgent: true, ReportingAgentID: 1, Events: [
    { eventType: "SystemSample", timestamp: s0, entityKey: "host1", cpuPercent: 25.5, memoryUsedBytes: 1048576, empty: "", flag: true },
    { eventType: "ProcessSample", timestamp: s0 * 1000 + 250, processDisplayName: "node", cpuPercent: 3 },
  ] }]);
  const r = await tm.post("/newrelic/infra/v2/metrics/events/bulk?extra_label=src=nr", zlib.gzipSync(body), { "Content-Encoding": "gzip" });
  assert.equal(r.status, 202);
  assert.equal(await r.text(), `{"status":"ok"}`);
  const before = Date.now();
  const r2 = await tm.post("/newrelic/infra/v2/metrics/events/bulk?extra_label=src=nr", JSON.stringify([{ Events: [{ eventType: "X", nots: 7 }] }]));
  assert.equal(r2.status, 202);
  const got = await exportJSON('{src="nr"}');
  assert.equal(got.length, 4, got.join("\n"));
  assert.deepEqual(got.slice(0, 3), [
    `{"__name__":"cpuPercent","entityKey":"host1","eventType":"SystemSample","src":"nr"} [25.5] [${s0 * 1000}]`,
    `{"__name__":"cpuPercent","eventType":"ProcessSample","processDisplayName":"node","src":"nr"} [3] [${s0 * 1000 + 250}]`,
    `{"__name__":"memoryUsedBytes","entityKey":"host1","eventType":"SystemSample","src":"nr"} [1048576] [${s0 * 1000}]`,
  ]);
  assert.ok(got[3]!.startsWith(`{"__name__":"nots","eventType":"X","src":"nr"} [7] [`), got[3]);
  const ts = JSON.parse(got[3]!.split(" ")[2]!)[0] as number;
  assert.ok(ts >= Math.floor(before / 1000) * 1000 && ts <= Date.now(), `now timestamp ${ts}`);
  assert.equal(await metric(`vm_rows_inserted_total{type="newrelic"}`), r0 + 4);
});

test("newrelic: a body that does not decode gets 400 and nothing of it is stored", async () => {
  const e0 = await metric(`vm_protoparser_unmarshal_errors_total{type="newrelic"}`);
  const f = async (body: string, want: RegExp) => {
    const r = await tm.post("/newrelic/infra/v2/metrics/events/bulk", body);
    assert.equal(r.status, 400, body);
    assert.match(await r.text(), want, body);
  };
  await f(`{"Events":[]}`, /cannot decode NewRelic data: cannot unmarshal NewRelic request: cannot find the top-level array of MetricPost objects/);
  await f(JSON.stringify([{ Events: [{ nrbad: 1, timestamp: s0 }] }, 5]), /cannot find MetricPost object/);
  await f(`[{"Events":[`, /cannot parse JSON/);
  assert.equal(await metric(`vm_protoparser_unmarshal_errors_total{type="newrelic"}`), e0 + 3);
  assert.deepEqual(await exportJSON("nrbad"), []);
  const r = await tm.post("/newrelic/infra/v2/metrics/events/bulk", "x", { "Content-Encoding": "zstd" });
  assert.equal(r.status, 400);
  // A snappy block of one literal is accepted, as VictoriaMetrics accepts it.
  const text = Buffer.from(`[{"Events":[{"nrsnappy":1,"timestamp":${s0}}]}]`);
  const sn = await tm.post("/newrelic/infra/v2/metrics/events/bulk", Buffer.concat([Uint8Array.of(text.length, (text.length - 1) << 2), text]), { "Content-Encoding": "snappy" });
  assert.equal(sn.status, 202);
  assert.deepEqual(await exportJSON("nrsnappy"), [`{"__name__":"nrsnappy"} [1] [${s0 * 1000}]`]);
});
