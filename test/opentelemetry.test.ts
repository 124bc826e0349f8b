// OpenTelemetry metrics end to end: OTLP/HTTP protobuf and JSON bodies (plain, gzip,
// zstd) covering every metric type go into the real server, and exactly the expected
// samples come back from /api/v1/export; bad bodies get 400 and are counted; the
// OpenTelemetry JS SDK's OTLP exporter, when installed, sends a counter, a gauge and a
// histogram.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as zlib from "node:zlib";
import { jsonToProtobuf } from "../src/lib/protoparser/opentelemetry/index.ts";
import { metricValue, runTidemark, startServer, tempDir, normalizeExport as normalize } from "./harness.ts";

const T0ms = Date.now() - 3_600_000;
const ns = (ms: number) => `${BigInt(ms) * 1000000n + 123456n}`;

const require = createRequire(import.meta.url);
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
const sdkPkgs = ["@opentelemetry/sdk-metrics", "@opentelemetry/exporter-metrics-otlp-proto"];
const skipSDK = sdkPkgs.every(installed) ? false
  : "the OpenTelemetry JS SDK is not installed (npm install --save-dev @opentelemetry/api @opentelemetry/sdk-metrics @opentelemetry/exporter-metrics-otlp-proto)";

const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

// request builds an ExportMetricsServiceRequest (JSON form) with one metric of each type,
// names prefixed with p, points at time ms.
function request(p: string, ms: number, v: number): unknown {
  const t = ns(ms);
  return {
    resourceMetrics: [{
      resource: { attributes: [str("service.name", "checkout"), { key: "host.cpus", value: { intValue: "8" } }] },
      scopeMetrics: [{
        scope: { name: "shop", version: "2.1", attributes: [str("team", "a")] },
        metrics: [
          { name: `${p}_temperature`, unit: "Cel", gauge: { dataPoints: [{ timeUnixNano: t, asDouble: v + 0.5, attributes: [str("room", "k")] }] } },
          { name: `${p}_requests`, sum: { isMonotonic: true, aggregationTemporality: 2, dataPoints: [{ timeUnixNano: t, asInt: String(v * 10) }] } },
          { name: `${p}_inflight`, sum: { isMonotonic: false, dataPoints: [{ timeUnixNano: t, asInt: "-2" }] } },
          { name: `${p}_latency`, unit: "s", histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: t, count: "6", sum: 1.25, bucketCounts: ["1", "2", "3"], explicitBounds: [0.1, 1] }] } },
          { name: `${p}_size`, exponentialHistogram: { dataPoints: [{ timeUnixNano: t, count: "5", sum: 20, scale: 0, zeroCount: "1", positive: { offset: 2, bucketCounts: ["4"] } }] } },
          { name: `${p}_rt`, summary: { dataPoints: [{ timeUnixNano: t, count: "3", sum: 0.9, quantileValues: [{ quantile: 0.5, value: 0.25 }, { quantile: 1, value: 0.5 }] }] } },
        ],
      }],
    }],
  };
}

// expected lists the normalized export lines of request(p, ms, v).
function expected(p: string, ms: number, v: number): string[] {
  const common = { "host.cpus": "8", "scope.attributes.team": "a", "scope.name": "shop", "scope.version": "2.1", "service.name": "checkout" };
  const line = (name: string, extra: Record<string, string>, value: number) =>
    JSON.stringify(Object.fromEntries(Object.entries({ __name__: name, ...common, ...extra }).sort())) + ` [${value}] [${ms}]`;
  return [
    line(`${p}_temperature`, { room: "k" }, v + 0.5),
    line(`${p}_requests`, {}, v * 10),
    line(`${p}_inflight`, {}, -2),
    line(`${p}_latency_count`, {}, 6),
    line(`${p}_latency_sum`, {}, 1.25),
    line(`${p}_latency_bucket`, { le: "0.1" }, 1),
    line(`${p}_latency_bucket`, { le: "1" }, 3),
    line(`${p}_latency_bucket`, { le: "+Inf" }, 6),
    line(`${p}_size_count`, {}, 5),
    line(`${p}_size_sum`, {}, 20),
    line(`${p}_size_bucket`, { vmrange: "-0.000e+00...0.000e+00" }, 1),
    line(`${p}_size_bucket`, { vmrange: "4.000e+00...8.000e+00" }, 4),
    line(`${p}_rt_count`, {}, 3),
    line(`${p}_rt_sum`, {}, 0.9),
    line(`${p}_rt`, { quantile: "0.5" }, 0.25),
    line(`${p}_rt`, { quantile: "1" }, 0.5),
  ].sort();
}

async function exportAll(base: string, match: string, want: number): Promise<string[]> {
  let got: string[] = [];
  for (const end = Date.now() + 15_000; Date.now() < end;) {
    await fetch(base + "/internal/force_flush");
    got = normalize(await (await fetch(base + "/api/v1/export?match[]=" + encodeURIComponent(match))).text());
    if (got.length >= want) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
  return got;
}

test("OTLP protobuf and JSON, plain, gzip and zstd: every metric type comes back exactly", async () => {
  const s = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
  try {
    const cases: Array<[string, string, (b: Uint8Array) => Uint8Array, Record<string, string>]> = [
      ["pb", "/opentelemetry/v1/metrics", (b) => b, { "Content-Type": "application/x-protobuf" }],
      ["pbgz", "/opentelemetry/v1/metrics", (b) => zlib.gzipSync(b), { "Content-Type": "application/x-protobuf", "Content-Encoding": "gzip" }],
      ["pbzstd", "/opentelemetry/api/v1/push", (b) => zlib.zstdCompressSync(b), { "Content-Type": "application/x-protobuf", "Content-Encoding": "zstd" }],
      ["js", "/opentelemetry/v1/metrics", (b) => b, { "Content-Type": "application/json" }],
      ["jsgz", "/opentelemetry/v1/metrics", (b) => zlib.gzipSync(b), { "Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip" }],
    ];
    for (const [i, [p, path, enc, headers]] of cases.entries()) {
      const ms = T0ms + i * 1000;
      const json = JSON.stringify(request(`otel_${p}`, ms, i + 1));
      const raw = headers["Content-Type"]!.startsWith("application/json") ? new TextEncoder().encode(json) : jsonToProtobuf(json).slice();
      const r = await s.post(path, enc(raw), headers);
      const text = await r.text();
      assert.equal(r.status, 200, `${p}: ${text}`);
      if (p.startsWith("js")) assert.equal(text, "{}");
      const got = await exportAll(s.url, `{__name__=~"otel_${p}_.*"}`, 16);
      assert.deepEqual(got, expected(`otel_${p}`, ms, i + 1), p);
    }
    // extra_label is added to every series.
    const r = await s.post("/opentelemetry/v1/metrics?extra_label=env=prod", jsonToProtobuf(JSON.stringify(request("otel_extra", T0ms, 1))).slice());
    assert.equal(r.status, 200);
    const got = await exportAll(s.url, `{__name__=~"otel_extra_.*",env="prod"}`, 16);
    assert.equal(got.length, 16);
    const m = await (await s.get("/metrics")).text();
    assert.equal(metricValue(m, `vm_rows_inserted_total{type="opentelemetry"}`), 16 * 6);
  } finally {
    await s.stop();
  }
});

test("bad OTLP bodies get 400 naming the problem, are counted, and keep the valid metrics", async () => {
  const s = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y", "-opentelemetry.maxRequestSize=100000"]);
  try {
    const t = ns(T0ms);
    // One metric without a name between two good ones.
    const body = jsonToProtobuf(JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [
      { name: "bad_ok1", gauge: { dataPoints: [{ timeUnixNano: t, asDouble: 1 }] } },
      { gauge: { dataPoints: [{ timeUnixNano: t, asDouble: 2 }] } },
      { name: "bad_ok2", gauge: { dataPoints: [{ timeUnixNano: t, asDouble: 3 }] } },
    ] }] }] })).slice();
    let r = await s.post("/opentelemetry/v1/metrics", body);
    let text = await r.text();
    assert.equal(r.status, 400, text);
    assert.match(text, /missing metric name/);
    assert.deepEqual(await exportAll(s.url, `{__name__=~"bad_ok.*"}`, 2), [
      `{"__name__":"bad_ok1"} [1] [${T0ms}]`,
      `{"__name__":"bad_ok2"} [3] [${T0ms}]`,
    ]);
    // Truncated protobuf.
    r = await s.post("/opentelemetry/v1/metrics", body.subarray(0, body.length - 3));
    text = await r.text();
    assert.equal(r.status, 400, text);
    assert.match(text, /cannot decode OpenTelemetry protocol data: cannot decode MetricsData: .*want at most/);
    // Broken JSON and JSON of the wrong shape.
    r = await s.post("/opentelemetry/v1/metrics", "{", { "Content-Type": "application/json" });
    text = await r.text();
    assert.equal(r.status, 400, text);
    assert.match(text, /cannot parse OTLP JSON/);
    r = await s.post("/opentelemetry/v1/metrics", `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"asDouble":"z"}]}}]}]}]}`, { "Content-Type": "application/json" });
    text = await r.text();
    assert.equal(r.status, 400, text);
    assert.match(text, /asDouble: got "z"; want a number/);
    // A corrupt gzip body, an unknown encoding, a too big body, a GET.
    r = await s.post("/opentelemetry/v1/metrics", new Uint8Array([1, 2, 3]), { "Content-Encoding": "gzip" });
    assert.equal(r.status, 400, await r.text());
    r = await s.post("/opentelemetry/v1/metrics", body, { "Content-Encoding": "br" });
    assert.equal(r.status, 400, await r.text());
    r = await s.post("/opentelemetry/v1/metrics", new Uint8Array(200000));
    assert.equal(r.status, 413, await r.text());
    r = await s.get("/opentelemetry/v1/metrics");
    assert.equal(r.status, 405, await r.text());
    const m = await (await s.get("/metrics")).text();
    assert.equal(metricValue(m, `vm_rows_invalid_total{type="opentelemetry"}`), 4);
    // The server still works.
    r = await s.post("/opentelemetry/v1/metrics", jsonToProtobuf(JSON.stringify(request("after", T0ms, 1))).slice());
    assert.equal(r.status, 200);
  } finally {
    await s.stop();
  }
});

test("-opentelemetry.usePrometheusNaming", async () => {
  const s = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y", "-opentelemetry.usePrometheusNaming"]);
  try {
    const t = ns(T0ms);
    const r = await s.post("/opentelemetry/v1/metrics", jsonToProtobuf(JSON.stringify({ resourceMetrics: [{
      resource: { attributes: [str("service.name", "api")] },
      scopeMetrics: [{ metrics: [
        { name: "http.server.request.duration", unit: "s", histogram: { dataPoints: [{ timeUnixNano: t, count: "2", sum: 0.5, bucketCounts: ["2"], attributes: [str("http.route", "/x")] }] } },
        { name: "app.jobs", unit: "{job}", sum: { isMonotonic: true, dataPoints: [{ timeUnixNano: t, asInt: "7" }] } },
      ] }],
    }] })).slice());
    assert.equal(r.status, 200, await r.text());
    assert.deepEqual(await exportAll(s.url, `{service_name="api"}`, 4), [
      `{"__name__":"app_jobs_total","service_name":"api"} [7] [${T0ms}]`,
      `{"__name__":"http_server_request_duration_seconds_bucket","http_route":"/x","le":"+Inf","service_name":"api"} [2] [${T0ms}]`,
      `{"__name__":"http_server_request_duration_seconds_count","http_route":"/x","service_name":"api"} [2] [${T0ms}]`,
      `{"__name__":"http_server_request_duration_seconds_sum","http_route":"/x","service_name":"api"} [0.5] [${T0ms}]`,
    ]);
  } finally {
    await s.stop();
  }
});

test("-opentelemetry.promoteResourceAttributes and -opentelemetry.promoteScopeMetadata", async () => {
  const dir = tempDir();
  const bad = await runTidemark([`-storageDataPath=${dir}`, "-httpListenAddr=127.0.0.1:0", "-opentelemetry.ignoreResourceAttributes=x", "-opentelemetry.promoteAllResourceAttributes=false"]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /-opentelemetry.ignoreResourceAttributes can only be set when -opentelemetry.promoteAllResourceAttributes is true/);
  const s = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y", "-opentelemetry.promoteAllResourceAttributes=false",
    "-opentelemetry.promoteResourceAttributes=service.name", "-opentelemetry.promoteScopeMetadata=false"]);
  try {
    const r = await s.post("/opentelemetry/v1/metrics", jsonToProtobuf(JSON.stringify(request("sel", T0ms, 1))).slice());
    assert.equal(r.status, 200, await r.text());
    assert.deepEqual(await exportAll(s.url, `{__name__="sel_requests"}`, 1), [`{"__name__":"sel_requests","service.name":"checkout"} [10] [${T0ms}]`]);
  } finally {
    await s.stop();
  }
});

test("the OpenTelemetry JS SDK's OTLP exporter: counter, gauge, histogram", { skip: skipSDK }, async () => {
  type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const sdk: Any = await import(sdkPkgs[0]!);
  const exp: Any = await import(sdkPkgs[1]!);
  const s = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
  try {
    const exporter = new exp.OTLPMetricExporter({ url: `${s.url}/opentelemetry/v1/metrics` });
    const reader = new sdk.PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new sdk.MeterProvider({ readers: [reader] });
    const meter = provider.getMeter("tidemark-test", "1.2.3");
    meter.createCounter("sdk_requests").add(5, { route: "/a" });
    meter.createCounter("sdk_requests").add(2, { route: "/a" });
    const g = meter.createGauge("sdk_temperature");
    g.record(21.5, { room: "k" });
    const h = meter.createHistogram("sdk_latency", { advice: { explicitBucketBoundaries: [0.1, 1] } });
    h.record(0.05);
    h.record(0.3);
    h.record(7);
    // shutdown() exports once (a forceFlush() before it would export the same cumulative points again).
    await provider.shutdown();
    const got = await exportAll(s.url, `{__name__=~"sdk_.*"}`, 7);
    const byName = new Map<string, string>();
    for (const l of got) {
      const metric = JSON.parse(l.slice(0, l.indexOf("} ") + 1)) as Record<string, string>;
      assert.equal(metric["scope.name"], "tidemark-test");
      assert.equal(metric["scope.version"], "1.2.3");
      assert.ok(metric["service.name"] !== undefined, l);
      const key = metric.__name__ + (metric.le !== undefined ? `{le=${metric.le}}` : "") + (metric.route !== undefined ? `{route=${metric.route}}` : "") + (metric.room !== undefined ? `{room=${metric.room}}` : "");
      byName.set(key, l.slice(l.indexOf("} ") + 2).split(" ")[0]!);
    }
    assert.deepEqual(Object.fromEntries([...byName].sort()), {
      "sdk_latency_bucket{le=+Inf}": "[3]",
      "sdk_latency_bucket{le=0.1}": "[1]",
      "sdk_latency_bucket{le=1}": "[2]",
      "sdk_latency_count": "[3]",
      "sdk_latency_sum": "[7.35]",
      "sdk_requests{route=/a}": "[7]",
      "sdk_temperature{room=k}": "[21.5]",
    });
  } finally {
    await s.stop();
  }
});
