// Handler tests: every protocol against a real HTTP server on a free port,
// with an in-memory LogIngester.
import test from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import * as zlib from "node:zlib";
import { HttpServer, Router } from "../../lib/httpserver/index.ts";
import * as logger from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import * as flags from "../../lib/flagutil/index.ts";
import { ProtoWriter } from "../../lib/protobuf/index.ts";
import type { LogField, LogIngester, LogRowsBatch, TenantID } from "../../lib/protoparser/logs/index.ts";
import { maxStreamRequestSize } from "./common.ts";
import { registerRoutes } from "./index.ts";

logger.setLevel("FATAL");

interface Row { tenant: string; ts: bigint; fields: Record<string, string>; stream: string[] }

class Ingester implements LogIngester {
  rows: Row[] = [];
  newBatch(): LogRowsBatch {
    const rows: Row[] = [];
    return {
      get rowsCount() { return rows.length; },
      addRow(t: TenantID, ts: bigint, fields: readonly LogField[], sf: readonly string[]) {
        rows.push({ tenant: `${t.accountID}:${t.projectID}`, ts, fields: Object.fromEntries(fields.map((f) => [f.name, f.value])), stream: [...sf] });
      },
      _rows: rows,
    } as LogRowsBatch;
  }
  commit(b: LogRowsBatch): number {
    const rows = (b as unknown as { _rows: Row[] })._rows;
    this.rows.push(...rows);
    return rows.length;
  }
}

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

function send(port: number, method: string, path: string, headers: http.OutgoingHttpHeaders = {}, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== undefined) h["content-length"] = Buffer.byteLength(body);
    const r = http.request({ host: "127.0.0.1", port, method, path, headers: h, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    r.on("error", reject);
    r.end(body);
  });
}

let server: HttpServer;
let ing: Ingester;
let port: number;

test.before(async () => {
  ing = new Ingester();
  const router = new Router();
  registerRoutes(router, ing);
  server = await HttpServer.start({ listenAddr: "127.0.0.1:0", handler: router.handle });
  port = server.port;
});
test.after(async () => {
  await server.stop({ maxGracefulShutdownMs: 1000, shutdownDelayMs: 0 });
});
test.beforeEach(() => { ing.rows = []; });

const post = (path: string, body: Buffer | string, headers: http.OutgoingHttpHeaders = {}) => send(port, "POST", path, headers, body);

test("jsonline: rows with parameters from args and headers, tenant, gzip and zstd", async () => {
  const body = '{"_time":"2024-01-02T03:04:05Z","log":"hello","host":"h1","secret":"s"}\n{"log":"second","host":"h2","n":{"a":[1,2]}}\n';
  let r = await post("/insert/jsonline?_msg_field=log&_stream_fields=host&ignore_fields=secret", body, { AccountID: "5", ProjectID: "6", "VL-Extra-Fields": "env=prod" });
  assert.equal(r.status, 200, r.body);
  assert.equal(r.body, "");
  assert.equal(ing.rows[0]!.ts, 1704164645_000000000n);
  assert.deepEqual(ing.rows.map((x) => [x.tenant, x.fields, x.stream]), [
    ["5:6", { _msg: "hello", host: "h1", env: "prod" }, ["host"]],
    ["5:6", { _msg: "second", host: "h2", "n.a": "[1,2]", env: "prod" }, ["host"]],
  ]);
  for (const [enc, data] of [["gzip", zlib.gzipSync(body)], ["zstd", zlib.zstdCompressSync(Buffer.from(body))]] as const) {
    ing.rows = [];
    r = await post("/insert/jsonline", data, { "Content-Encoding": enc });
    assert.equal(r.status, 200, `${enc}: ${r.body}`);
    assert.equal(ing.rows.length, 2, enc);
  }
});

test("jsonline: invalid lines are skipped and counted; all invalid gives 400", async () => {
  const errors = counter(`vl_http_errors_total{path="/insert/jsonline"}`);
  const before = errors.get();
  let r = await post("/insert/jsonline", '{"_msg":"ok"}\nnot json\n{"_msg":"ok2"}\n');
  assert.equal(r.status, 200);
  assert.deepEqual(ing.rows.map((x) => x.fields._msg), ["ok", "ok2"]);
  assert.equal(errors.get(), before + 1);
  r = await post("/insert/jsonline", "nope\n[1]\n");
  assert.equal(r.status, 400);
  assert.match(r.body, /cannot process jsonline request/);
  r = await post("/insert/jsonline", '{"_msg":"x"}', { AccountID: "abc" });
  assert.equal(r.status, 400);
  assert.match(r.body, /cannot parse AccountID header/);
  r = await post("/insert/jsonline?extra_fields=bad", '{"_msg":"x"}');
  assert.equal(r.status, 400);
  r = await post("/insert/jsonline", "garbage", { "Content-Encoding": "gzip" });
  assert.equal(r.status, 400);
  r = await send(port, "GET", "/insert/jsonline");
  assert.equal(r.status, 405);
});

test("jsonline: 413 above -insert.maxRequestSize", async () => {
  const prev = maxStreamRequestSize.value;
  maxStreamRequestSize.value = 100;
  try {
    const r = await post("/insert/jsonline", '{"_msg":"0123456789"}\n'.repeat(20));
    assert.equal(r.status, 413, r.body);
  } finally {
    maxStreamRequestSize.value = prev;
  }
});

test("jsonline: streamed body is processed before it ends", async () => {
  // Send the first line, check that it was parsed, then finish.
  const ingested = counter(`vl_rows_ingested_total{type="jsonline"}`);
  const before = ingested.get();
  let seenEarly = -1;
  await new Promise<void>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/insert/jsonline", headers: { "transfer-encoding": "chunked" }, agent: false }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.write('{"_msg":"first"}\n');
    setTimeout(() => {
      seenEarly = ingested.get() - before;
      req.end('{"_msg":"second"}\n');
    }, 100);
  });
  assert.equal(seenEarly, 1, "the first line is processed before the body ends");
  assert.deepEqual(ing.rows.map((x) => x.fields._msg), ["first", "second"]);
});

test("elasticsearch: bulk and the client endpoints", async () => {
  const body = '{"create":{"_index":"x"}}\n{"@timestamp":"2024-01-02T03:04:05Z","message":"m1","host":{"name":"h"}}\n{"index":{}}\n{"message":"m2"}\n';
  let r = await post("/insert/elasticsearch/_bulk?_stream_fields=host.name", body, { "content-type": "application/x-ndjson" });
  assert.equal(r.status, 200, r.body);
  assert.equal(r.headers["x-elastic-product"], "Elasticsearch");
  const resp = JSON.parse(r.body);
  assert.equal(resp.errors, false);
  assert.deepEqual(resp.items, [{ create: { status: 201 } }, { create: { status: 201 } }]);
  assert.deepEqual(ing.rows.map((x) => [x.fields, x.stream]), [[{ _msg: "m1", "host.name": "h" }, ["host.name"]], [{ _msg: "m2" }, ["host.name"]]]);
  assert.equal(ing.rows[0]!.ts, 1704164645_000000000n);
  r = await send(port, "GET", "/insert/elasticsearch/");
  assert.deepEqual(JSON.parse(r.body), { version: { number: "8.9.0" } });
  r = await send(port, "GET", "/insert/elasticsearch");
  assert.deepEqual(JSON.parse(r.body), { version: { number: "8.9.0" } });
  r = await send(port, "HEAD", "/insert/elasticsearch/");
  assert.equal(r.status, 200);
  r = await send(port, "GET", "/insert/elasticsearch/_license");
  assert.equal(JSON.parse(r.body).license.status, "active");
  for (const p of ["/insert/elasticsearch/_ilm/policy/x", "/insert/elasticsearch/_index_template/t", "/insert/elasticsearch/_ingest/pipeline/p", "/insert/elasticsearch/_nodes/http", "/insert/elasticsearch/_logstash/pipeline/x"]) {
    r = await send(port, "GET", p);
    assert.equal(r.status, 200, p);
    assert.equal(r.body, "{}", p);
  }
  r = await post("/insert/elasticsearch/_bulk", "{bad\n");
  assert.equal(r.status, 400);
});

function snappyLiteralBlock(data: Uint8Array): Buffer {
  const out: number[] = [];
  let n = data.length;
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  for (let i = 0; i < data.length; i += 60) {
    const part = data.subarray(i, i + 60);
    out.push((part.length - 1) << 2, ...part);
  }
  return Buffer.from(out);
}

test("loki: JSON, protobuf+snappy, X-Scope-OrgID, ready, bad bodies", async () => {
  let r = await post("/insert/loki/api/v1/push", JSON.stringify({ streams: [{ stream: { job: "j", host: "h" }, values: [["1700000000000000000", "line 1", { user: "u" }]] }] }), { "content-type": "application/json", "X-Scope-OrgID": "7:8" });
  assert.equal(r.status, 204, r.body);
  assert.deepEqual(ing.rows.map((x) => [x.tenant, x.ts, x.fields, x.stream]), [["7:8", 1700000000_000000000n, { job: "j", host: "h", user: "u", _msg: "line 1" }, ["job", "host"]]]);
  ing.rows = [];
  const w = new ProtoWriter();
  w.beginMessage(1);
  w.string(1, '{app="a"}');
  w.beginMessage(2);
  w.beginMessage(1); w.int64(1, 1700000000); w.endMessage();
  w.string(2, "proto line");
  w.endMessage();
  w.endMessage();
  const proto = w.finish().slice();
  r = await post("/insert/loki/api/v1/push", snappyLiteralBlock(proto), { "content-type": "application/x-protobuf" });
  assert.equal(r.status, 204, r.body);
  assert.deepEqual(ing.rows.map((x) => [x.ts, x.fields, x.stream]), [[1700000000_000000000n, { app: "a", _msg: "proto line" }, ["app"]]]);
  r = await post("/insert/loki/api/v1/push", zlib.gzipSync(proto), { "content-type": "application/x-protobuf", "content-encoding": "gzip" });
  assert.equal(r.status, 204, r.body);
  ing.rows = [];
  r = await post("/insert/loki/api/v1/push", '{"streams":[{"stream":{},"values":[["1","a"]]},{"values":[["x","b"]]}]}', { "content-type": "application/json" });
  assert.equal(r.status, 400);
  assert.equal(ing.rows.length, 0, "nothing of a bad request is stored");
  r = await post("/insert/loki/api/v1/push", Buffer.from([1, 2, 3]), { "content-type": "application/x-protobuf" });
  assert.equal(r.status, 400);
  r = await send(port, "GET", "/insert/loki/ready");
  assert.equal(r.status, 200);
  assert.equal(r.body, "ready");
});

test("loki: 413 above -loki.maxRequestSize, errors counted", async () => {
  const f = flags.lookup("loki.maxRequestSize") as flags.Flag<number>;
  const errors = counter(`vl_http_errors_total{path="/insert/loki/api/v1/push",format="json"}`);
  const before = errors.get();
  const prev = f.value;
  f.value = 50;
  try {
    const r = await post("/insert/loki/api/v1/push", JSON.stringify({ streams: [{ stream: {}, values: [["1", "x".repeat(100)]] }] }), { "content-type": "application/json" });
    assert.equal(r.status, 413, r.body);
  } finally {
    f.value = prev;
  }
  const r = await post("/insert/loki/api/v1/push", "{", { "content-type": "application/json" });
  assert.equal(r.status, 400);
  assert.match(r.body, /cannot read Loki JSON data/);
  assert.equal(errors.get(), before + 2);
  assert.equal(ing.rows.length, 0);
});

test("opentelemetry: protobuf (zstd) and JSON", async () => {
  const w = new ProtoWriter();
  w.beginMessage(1);
  w.beginMessage(1);
  w.beginMessage(1); w.string(1, "service.name"); w.beginMessage(2); w.string(1, "svc"); w.endMessage(); w.endMessage();
  w.endMessage();
  w.beginMessage(2);
  w.beginMessage(2);
  w.fixed64(1, 1700000000000000000);
  w.int32(2, 13);
  w.beginMessage(5); w.string(1, "otel msg"); w.endMessage();
  w.endMessage();
  w.endMessage();
  w.endMessage();
  let r = await post("/insert/opentelemetry/v1/logs", zlib.zstdCompressSync(Buffer.from(w.finish())), { "content-type": "application/x-protobuf", "content-encoding": "zstd" });
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(ing.rows.map((x) => [x.ts, x.fields, x.stream]), [[1700000000_000000000n, { "service.name": "svc", _msg: "otel msg", severity: "Warn" }, ["service.name"]]]);
  ing.rows = [];
  r = await post("/insert/opentelemetry/v1/logs", JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: "1700000000000000000", body: { stringValue: "j" } }] }] }] }), { "content-type": "application/json" });
  assert.equal(r.status, 200, r.body);
  assert.equal(r.body, "{}");
  assert.deepEqual(ing.rows.map((x) => x.fields), [{ _msg: "j", severity: "Unspecified" }]);
  r = await post("/insert/opentelemetry/v1/logs", Buffer.from([0x0a, 0x05, 1]), { "content-type": "application/x-protobuf" });
  assert.equal(r.status, 400);
});

test("journald: export format", async () => {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(3n);
  const body = Buffer.concat([Buffer.from("__REALTIME_TIMESTAMP=1700000000000000\n_HOSTNAME=h\nMESSAGE=hello\n\n_HOSTNAME=h\nMESSAGE\n"), len, Buffer.from("a\nb\n\n")]);
  let r = await post("/insert/journald/upload", body, { "content-type": "application/vnd.fdo.journal" });
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(ing.rows.map((x) => [x.fields, x.stream]), [[{ _HOSTNAME: "h", _msg: "hello" }, ["_MACHINE_ID", "_HOSTNAME", "_SYSTEMD_UNIT"]], [{ _HOSTNAME: "h", _msg: "a\nb" }, ["_MACHINE_ID", "_HOSTNAME", "_SYSTEMD_UNIT"]]]);
  assert.equal(ing.rows[0]!.ts, 1700000000_000000000n);
  r = await post("/insert/journald/upload", body, { "content-type": "text/plain" });
  assert.equal(r.status, 400);
});

test("datadog: logs and validate", async () => {
  let r = await post("/insert/datadog/api/v2/logs", JSON.stringify([{ message: "dd", ddtags: "env:p", service: "s", timestamp: 1700000000000 }]), { "content-type": "application/json", "dd-api-key": "x" });
  assert.equal(r.status, 202, r.body);
  assert.equal(r.body, "{}");
  assert.deepEqual(ing.rows.map((x) => [x.ts, x.fields]), [[1700000000_000000000n, { _msg: "dd", env: "p", service: "s" }]]);
  r = await post("/insert/datadog/api/v2/logs", "{}");
  assert.equal(r.status, 400);
  r = await send(port, "GET", "/insert/datadog/api/v1/validate");
  assert.equal(r.body, "{}");
});

test("debug=1 logs the rows instead of storing them", async () => {
  const r = await post("/insert/jsonline?debug=1", '{"_msg":"x"}\n');
  assert.equal(r.status, 200);
  assert.equal(ing.rows.length, 0);
});

test("counters: vl_rows_ingested_total per protocol", async () => {
  const c = counter(`vl_rows_ingested_total{type="jsonline"}`);
  const before = c.get();
  await post("/insert/jsonline", '{"_msg":"a"}\n{"_msg":"b"}\n');
  assert.equal(c.get(), before + 2);
});
