// Datadog ingestion on a real `tidemark` process, and the same bodies sent to the real
// VictoriaMetrics 1.79.5 (which has /datadog/api/v1/series): the exports must be equal.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { ProtoWriter } from "../src/lib/protobuf/index.ts";
import { metricValue, normalizeExport, startServer, tempDir, type Server, startVictoriaMetrics, vmSkip, type VictoriaMetrics } from "./harness.ts";

const skipVM = vmSkip;

let tm: Server;
let vm: VictoriaMetrics | undefined;
let vmURL = "";
const dirs: string[] = [];
// Whole seconds, an hour ago.
const s0 = Math.floor((Date.now() - 3_600_000) / 1000);

before(async () => {
  const d = tempDir();
  dirs.push(d);
  const starting = startServer([`-storageDataPath=${d}`, "-retentionPeriod=1y"]);
  if (vmSkip === false) {
    vm = await startVictoriaMetrics();
    vmURL = vm.url;
  }
  tm = await starting;
});

after(async () => {
  await tm?.stop();
  await vm?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function exportJSON(url: string, match: string): Promise<string[]> {
  await fetch(`${url}/internal/force_flush`);
  const r = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent(match)}&start=0`);
  assert.equal(r.status, 200, `${url} export ${match}`);
  return normalizeExport((await r.text()).replace(/([[,])(NaN|[+-]Inf)(?=[,\]])/g, '$1"$2"'));
}

// snappyLiteral encodes data (under 64 KiB) as one snappy block of one literal.
function snappyLiteral(data: Uint8Array): Buffer {
  const hdr: number[] = [];
  for (let n = data.length; ; n = Math.floor(n / 128)) {
    if (n < 128) { hdr.push(n); break; }
    hdr.push((n % 128) | 128);
  }
  const m = data.length - 1;
  if (m < 60) hdr.push(m << 2);
  else if (m < 256) hdr.push(60 << 2, m);
  else hdr.push(61 << 2, m & 255, m >> 8);
  return Buffer.concat([Uint8Array.from(hdr), data]);
}

async function metric(name: string): Promise<number> {
  return metricValue(await (await tm.get("/metrics")).text(), name) ?? 0;
}

test("datadog small endpoints answer as VictoriaMetrics", async () => {
  const f = async (path: string, status: number, body: string) => {
    const r = await tm.post(path, "{}");
    assert.equal(r.status, status, path);
    assert.equal(r.headers.get("content-type"), "application/json", path);
    assert.equal(await r.text(), body, path);
  };
  await f("/datadog/api/v1/validate", 200, `{"valid":true}`);
  await f("/datadog/api/v1/validate/", 200, `{"valid":true}`);
  await f("/datadog/api/v1/check_run", 202, `{"status":"ok"}`);
  await f("/datadog/intake", 200, `{}`);
  await f("/datadog/intake/", 200, `{}`);
  await f("/datadog/api/v1/metadata", 200, `{}`);
});

test("datadog v1 series: labels, sanitizing, compression, extra_label", async () => {
  const r0 = await metric(`vm_rows_inserted_total{type="datadogv1"}`);
  const body = JSON.stringify({ series: [
    { metric: "system.load-1", host: "h1", device: "sda", type: "gauge", points: [[s0, 1.5], [s0 + 10, 2]], tags: ["env:prod", "host:other", "solo"] },
    { metric: "dd.nohost", points: [[s0, -3]] },
  ] });
  const r = await tm.post("/datadog/api/v1/series?extra_label=src=dd1", body);
  assert.equal(r.status, 202);
  assert.equal(await r.text(), `{"status":"ok"}`);
  const gz = zlib.deflateSync(JSON.stringify({ series: [{ metric: "dd.deflate", points: [[s0, 7]] }] }));
  assert.equal((await tm.post("/datadog/api/v1/series/?extra_label=src=dd1", gz, { "Content-Encoding": "deflate" })).status, 202);
  const zs = zlib.zstdCompressSync(JSON.stringify({ series: [{ metric: "dd.zstd", points: [[s0, 8]] }] }));
  assert.equal((await tm.post("/datadog/api/v1/series?extra_label=src=dd1", zs, { "Content-Encoding": "zstd" })).status, 202);
  const sn = snappyLiteral(Buffer.from(JSON.stringify({ series: [{ metric: "dd.snappy", host: "snappy-host-with-a-long-name-to-pass-sixty-bytes", points: [[s0, 10]] }] })));
  assert.equal((await tm.post("/datadog/api/v1/series?extra_label=src=dd1", sn, { "Content-Encoding": "snappy" })).status, 202);
  const badSnappy = await tm.post("/datadog/api/v1/series", Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), { "Content-Encoding": "snappy" });
  assert.equal(badSnappy.status, 400);
  assert.match(await badSnappy.text(), /cannot decompress request body: cannot decode snappy block/);
  const gzip = zlib.gzipSync(JSON.stringify({ series: [{ metric: "dd.gzip", points: [[0, 9]] }] }));
  const before = Date.now();
  assert.equal((await tm.post("/datadog/api/v1/series?extra_label=src=dd1", gzip, { "Content-Encoding": "gzip" })).status, 202);
  const got = await exportJSON(tm.url, '{src="dd1"}');
  assert.equal(got.length, 6, got.join("\n"));
  assert.equal(got[0], `{"__name__":"dd.deflate","src":"dd1"} [7] [${s0 * 1000}]`);
  assert.ok(got[1]!.startsWith(`{"__name__":"dd.gzip","src":"dd1"} [9] [`), got[1]);
  const ts = JSON.parse(got[1]!.split(" ")[2]!)[0] as number;
  assert.ok(ts >= Math.floor(before / 1000) * 1000 && ts <= Date.now(), `now timestamp ${ts}`);
  assert.equal(got[2], `{"__name__":"dd.nohost","src":"dd1"} [-3] [${s0 * 1000}]`);
  assert.equal(got[3], `{"__name__":"dd.snappy","host":"snappy-host-with-a-long-name-to-pass-sixty-bytes","src":"dd1"} [10] [${s0 * 1000}]`);
  assert.equal(got[4], `{"__name__":"dd.zstd","src":"dd1"} [8] [${s0 * 1000}]`);
  assert.equal(got[5], `{"__name__":"system.load_1","device":"sda","env":"prod","exported_host":"other","host":"h1","solo":"no_label_value","src":"dd1"} [1.5,2] [${s0 * 1000},${(s0 + 10) * 1000}]`);
  assert.equal(await metric(`vm_rows_inserted_total{type="datadogv1"}`), r0 + 7);
});

test("datadog v1 series: a body that does not decode gets 400 and nothing of it is stored", async () => {
  const e0 = await metric(`vm_protoparser_unmarshal_errors_total{type="datadogv1"}`);
  const f = async (body: string | Uint8Array, want: RegExp, headers: Record<string, string> = {}, status = 400) => {
    const r = await tm.post("/datadog/api/v1/series", body, headers);
    assert.equal(r.status, status, String(body));
    assert.match(await r.text(), want, String(body));
  };
  await f(JSON.stringify({ series: [{ metric: "dd.bad", points: [[s0, 1]] }, { metric: 5, points: [[s0, 1]] }] }),
    /cannot decode DataDog protocol data: cannot unmarshal DataDog POST request with size \d+ bytes: json: cannot unmarshal number 5 into Go struct field Series.series.metric of type string/);
  await f(`{"series":[{"metric":"dd.bad","points":[[1,"x"]]}]}`, /of type float64/);
  await f(`{"series":[`, /cannot parse JSON/);
  assert.equal(await metric(`vm_protoparser_unmarshal_errors_total{type="datadogv1"}`), e0 + 3);
  await f("garbage", /cannot decompress|gzip|header/i, { "Content-Encoding": "gzip" });
  await f("{}", /unsupported Content-Encoding/, { "Content-Encoding": "br" });
  assert.deepEqual(await exportJSON(tm.url, '{__name__="dd.bad"}'), []);
});

test("datadog v2 series: JSON and protobuf, compressed, bad bodies rejected whole", async () => {
  const r0 = await metric(`vm_rows_inserted_total{type="datadogv2"}`);
  const json = JSON.stringify({ series: [{ metric: "dd2.json", type: 3, points: [{ timestamp: s0, value: 1.25 }, { timestamp: s0 + 15, value: 2 }],
    resources: [{ type: "host", name: "h2" }], source_type_name: "src", tags: ["env:dev", "host:other"] }] });
  let r = await tm.post("/datadog/api/v2/series?extra_label=src=dd2", zlib.gzipSync(json), { "Content-Type": "application/json", "Content-Encoding": "gzip" });
  assert.equal(r.status, 202);
  assert.equal(await r.text(), `{"status":"ok"}`);
  const w = new ProtoWriter();
  w.beginMessage(1);
  w.beginMessage(1); w.string(1, "host"); w.string(2, "ph"); w.endMessage();
  w.string(2, "dd2.proto-name");
  w.string(3, "k:v");
  w.beginMessage(4); w.double(1, -4.5); w.int64(2, s0); w.endMessage();
  w.beginMessage(4); w.double(1, 5); w.int64(2, s0 + 1); w.endMessage();
  w.endMessage();
  const pb = w.finish().slice();
  r = await tm.post("/datadog/api/v2/series/?extra_label=src=dd2", zlib.zstdCompressSync(pb), { "Content-Type": "application/x-protobuf", "Content-Encoding": "zstd" });
  assert.equal(r.status, 202, await r.text());
  assert.deepEqual(await exportJSON(tm.url, '{src="dd2"}'), [
    `{"__name__":"dd2.json","env":"dev","exported_host":"other","host":"h2","source_type_name":"src","src":"dd2"} [1.25,2] [${s0 * 1000},${(s0 + 15) * 1000}]`,
    `{"__name__":"dd2.proto_name","host":"ph","k":"v","src":"dd2"} [-4.5,5] [${s0 * 1000},${(s0 + 1) * 1000}]`,
  ]);
  assert.equal(await metric(`vm_rows_inserted_total{type="datadogv2"}`), r0 + 4);
  const e0 = await metric(`vm_protoparser_unmarshal_errors_total{type="datadogv2"}`);
  r = await tm.post("/datadog/api/v2/series", `{"series":[{"metric":"dd2.bad","points":[{"timestamp":${s0},"value":1}]},{"points":[{"timestamp":"x"}]}]}`, { "Content-Type": "application/json" });
  assert.equal(r.status, 400);
  assert.match(await r.text(), /cannot decode DataDog protocol data: cannot unmarshal DataDog application\/json request with size \d+ bytes: json: cannot unmarshal string into Go struct field Point.series.points.timestamp of type int64/);
  r = await tm.post("/datadog/api/v2/series", Buffer.concat([Buffer.from(pb), Buffer.from([0x0a, 0x05])]), { "Content-Type": "application/x-protobuf" });
  assert.equal(r.status, 400);
  assert.match(await r.text(), /cannot unmarshal DataDog application\/x-protobuf request/);
  assert.equal(await metric(`vm_protoparser_unmarshal_errors_total{type="datadogv2"}`), e0 + 2);
  assert.equal(await metric(`vm_rows_inserted_total{type="datadogv2"}`), r0 + 4, "nothing of a rejected body is stored");
  assert.deepEqual(await exportJSON(tm.url, '{__name__="dd2.bad"}'), []);
});

test("datadog sketches become quantile, sum, count, min and max series", async () => {
  const r0 = await metric(`vm_rows_inserted_total{type="datadogsketches"}`);
  const w = new ProtoWriter();
  w.beginMessage(1);
  w.string(1, "ddsk.latency");
  w.string(2, "skhost");
  w.string(4, "env:prod");
  w.beginMessage(7);
  w.int64(1, s0); w.int64(2, 10); w.double(3, 1); w.double(4, 2); w.double(6, 15);
  w.packedVarints(7, [1338 * 2]); w.packedVarints(8, [10]);
  w.endMessage();
  w.endMessage();
  const r = await tm.post("/datadog/api/beta/sketches?extra_label=src=ddsk", zlib.deflateSync(w.finish()), { "Content-Type": "application/x-protobuf", "Content-Encoding": "deflate" });
  assert.equal(r.status, 202, await r.text());
  const gamma = 1 + 2 / 128;
  const t = s0 * 1000;
  const q = (name: string, v: number) => `{"__name__":"ddsk.latency","env":"prod","host":"skhost","quantile":"${name}","src":"ddsk"} [${v}] [${t}]`;
  const other = (suffix: string, v: number) => `{"__name__":"ddsk.latency.${suffix}","env":"prod","host":"skhost","src":"ddsk"} [${v}] [${t}]`;
  assert.deepEqual(await exportJSON(tm.url, '{src="ddsk"}'), [
    q("0.5", 0.6 + gamma * 0.4), q("0.75", 0.3 + gamma * 0.7), q("0.9", 0.2 + gamma * 0.8), q("0.95", 0.1 + gamma * 0.9), q("0.99", 0.1 + gamma * 0.9),
    other("count", 10), other("max", 2), other("min", 1), other("sum", 15),
  ].sort());
  assert.equal(await metric(`vm_rows_inserted_total{type="datadogsketches"}`), r0 + 9);
  const bad = await tm.post("/datadog/api/beta/sketches", Buffer.from("0a020801", "hex"));
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /cannot unmarshal DataDog Sketches request with size 4 bytes: cannot unmarshal Sketch: cannot read metric/);
});

test("-datadog.sanitizeMetricName=false keeps names; -datadog.maxInsertRequestSize limits bodies", async () => {
  const d = tempDir();
  dirs.push(d);
  const s = await startServer([`-storageDataPath=${d}`, "-retentionPeriod=1y", "-datadog.sanitizeMetricName=false", "-datadog.maxInsertRequestSize=1KB"]);
  try {
    const r = await s.post("/datadog/api/v1/series", JSON.stringify({ series: [{ metric: "my-metric__x", points: [[s0, 1]] }] }));
    assert.equal(r.status, 202);
    assert.deepEqual(await exportJSON(s.url, '{__name__=~"my.*"}'), [`{"__name__":"my-metric__x"} [1] [${s0 * 1000}]`]);
    const big = JSON.stringify({ series: [{ metric: "big", points: Array.from({ length: 200 }, (_, i) => [s0 + i, i]) }] });
    const r2 = await s.post("/datadog/api/v2/series", big);
    assert.equal(r2.status, 413);
    assert.match(await r2.text(), /datadog.maxInsertRequestSize/);
  } finally {
    await s.stop();
  }
});

test("the same datadog v1 bodies into VictoriaMetrics 1.79.5 and Tidemark export the same", { skip: skipVM }, async () => {
  // VictoriaMetrics 1.79.5 neither sanitizes names nor knows "device": avoid both here.
  // It also reuses pooled series without clearing them (VictoriaMetrics issue 3432), so a
  // series without "host" or "tags" may inherit them from an earlier request: every series
  // sets both (current VictoriaMetrics and Tidemark do not inherit).
  const bodies = [
    { series: [
      { metric: "cmpdd.load", host: "h1", points: [[s0, 1.5], [s0 + 10, 2], [s0 + 20.25, -1e-3]], tags: ["env:prod", "host:other", "solo", "a:b:c", "e:"] },
      { metric: "cmpdd.nohost", host: "", tags: [], type: "count", interval: 10, points: [[s0, 3], [s0 + 1, 4, 99]] },
      { metric: "cmpdd.short", host: "", tags: [], points: [[s0 + 2], [s0 + 3, null]] },
      { metric: "cmpdd.empty", host: "", tags: [], points: [] },
    ] },
    { SERIES: [{ Metric: "cmpdd.case", Host: "H", Points: [[s0, 1e300]], Tags: null }] },
    { series: [{ metric: "cmpdd.big", host: "", tags: [], points: Array.from({ length: 200 }, (_, i) => [s0 + i, i * 0.5]) }] },
  ];
  for (const b of bodies) {
    const text = JSON.stringify(b);
    const a = await fetch(vmURL + "/datadog/api/v1/series?extra_label=cmp=1", { method: "POST", body: text });
    assert.equal(a.status, 202, `VictoriaMetrics accepts ${text.slice(0, 100)}`);
    const t = await tm.post("/datadog/api/v1/series?extra_label=cmp=1", zlib.deflateSync(text), { "Content-Encoding": "deflate" });
    assert.equal(t.status, 202, await t.text());
  }
  // Bodies both reject.
  for (const text of [`{"series":[{"metric":1}]}`, `[1]`, `{"series":[{"metric":"cmpdd.rej","points":[["1",2]]}]}`]) {
    const a = await fetch(vmURL + "/datadog/api/v1/series", { method: "POST", body: text });
    const t = await tm.post("/datadog/api/v1/series", text);
    assert.equal(t.status, a.status, text);
  }
  const tmJSON = await exportJSON(tm.url, '{__name__=~"cmpdd.*"}');
  const vmJSON = await exportJSON(vmURL, '{__name__=~"cmpdd.*"}');
  assert.equal(vmJSON.length, 5, vmJSON.join("\n"));
  assert.deepEqual(tmJSON, vmJSON);
});
