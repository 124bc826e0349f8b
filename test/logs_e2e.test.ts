// End-to-end tests of the log part against the real process: ingestion
// through every protocol, LogsQL answers, the Loki read API, durability
// under kill -9, retention, and the second listener.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, metricValue, startServer, tempDir, which, type Server } from "./harness.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function query(s: Server, q: string, extra = ""): Promise<Record<string, string>[]> {
  const r = await s.get(`/select/logsql/query?query=${encodeURIComponent(q)}${extra}`);
  const text = await r.text();
  assert.equal(r.status, 200, `query ${q}: ${text}`);
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, string>);
}

/** rowsUntil polls q until it returns want rows (entries are searchable within about a second). */
async function rowsUntil(s: Server, q: string, want: number, timeoutMs = 10_000): Promise<Record<string, string>[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await query(s, q);
    if (rows.length >= want || Date.now() > deadline) return rows;
    await sleep(100);
  }
}

function strip(row: Record<string, string>): Record<string, string> {
  const { _stream_id: _id, ...rest } = row;
  return rest;
}

test("jsonline entries come back with their fields, stream and time", async () => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${dir}`]);
  try {
    const t = Date.now() - 60_000;
    const body = [
      { _time: new Date(t).toISOString(), app: "shop", host: "h1", _msg: "order 1 created", level: "info", nested: { a: 1, b: [1, 2] } },
      { _time: String(t + 1), app: "shop", host: "h2", message: "payment failed", level: "error" },
      { _time: new Date(t + 2).toISOString(), app: "shop", host: "h1", _msg: "order 2 created", level: "info" },
    ];
    const r = await s.post("/insert/jsonline?_stream_fields=app,host&_msg_field=_msg,message&_time_field=_time", body.map((o) => JSON.stringify(o)).join("\n"));
    assert.equal(r.status, 200, await r.text());
    const rows = await rowsUntil(s, "*", 3);
    assert.equal(rows.length, 3);
    const byMsg = new Map(rows.map((x) => [x._msg!, strip(x)]));
    assert.deepEqual(byMsg.get("order 1 created"), {
      _msg: "order 1 created", _stream: `{app="shop",host="h1"}`, _time: new Date(t).toISOString().replace(".000Z", "Z").replace(/(\.\d*?)0+Z$/, "$1Z"),
      app: "shop", host: "h1", level: "info", "nested.a": "1", "nested.b": "[1,2]",
    });
    assert.equal(byMsg.get("payment failed")?._stream, `{app="shop",host="h2"}`);
    assert.equal((await query(s, "level:error")).length, 1);
    assert.deepEqual((await query(s, `_stream:{host="h1"} created | sort by (_time) | fields _msg`)).map((x) => x._msg), ["order 1 created", "order 2 created"]);
    assert.deepEqual(await query(s, "* | stats by (level) count() n | sort by (level)"), [{ level: "error", n: "1" }, { level: "info", n: "2" }]);
    // limit returns the newest entries.
    assert.deepEqual((await query(s, "*", "&limit=1")).map((x) => x._msg), ["order 2 created"]);
    // A bad query is a 400 that names the problem.
    const bad = await s.get(`/select/logsql/query?query=${encodeURIComponent("foo | stats nosuchfunc(x)")}`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /nosuchfunc/);
    // Hits, streams, field names and values.
    const hits = (await (await s.get(`/select/logsql/hits?query=*&step=1h&start=${t - 3_600_000}&end=${t + 60_000}`)).json()) as { hits: { total: number }[] };
    assert.equal(hits.hits.reduce((a, h) => a + h.total, 0), 3);
    const streams = (await (await s.get(`/select/logsql/streams?query=*`)).json()) as { values: { value: string; hits: number }[] };
    assert.deepEqual(streams.values, [{ value: `{app="shop",host="h1"}`, hits: 2 }, { value: `{app="shop",host="h2"}`, hits: 1 }]);
    const values = (await (await s.get(`/select/logsql/field_values?query=*&field=level`)).json()) as { values: { value: string; hits: number }[] };
    assert.deepEqual(values.values, [{ value: "error", hits: 1 }, { value: "info", hits: 2 }]);
    const sfv = (await (await s.get(`/select/logsql/stream_field_values?query=*&field=host`)).json()) as { values: { value: string; hits: number }[] };
    assert.deepEqual(sfv.values, [{ value: "h1", hits: 2 }, { value: "h2", hits: 1 }]);
    const stats = (await (await s.get(`/select/logsql/stats_query?query=${encodeURIComponent("* | stats by (level) count() n")}&time=${Math.floor(t / 1000) + 60}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    assert.deepEqual(stats.data.result.map((x) => [x.metric, x.value[1]]).sort(), [[{ __name__: "n", level: "error" }, "1"], [{ __name__: "n", level: "info" }, "2"]]);
    const range = (await (await s.get(`/select/logsql/stats_query_range?query=${encodeURIComponent("* | stats by (level) count() n")}&start=${Math.floor(t / 1000) - 3600}&end=${Math.floor(t / 1000) + 60}&step=1h`)).json()) as { data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] } };
    assert.equal(range.data.resultType, "matrix");
    assert.deepEqual(range.data.result.map((x) => [x.metric.level, x.values.reduce((a, v) => a + Number(v[1]), 0)]).sort(), [["error", 1], ["info", 2]]);
    const facets = (await (await s.get(`/select/logsql/facets?query=*`)).json()) as { facets: { field_name: string; values: { field_value: string; hits: number }[] }[] };
    assert.deepEqual(facets.facets.find((f) => f.field_name === "level")?.values.sort((a, b) => a.field_value.localeCompare(b.field_value)), [{ field_value: "error", hits: 1 }, { field_value: "info", hits: 2 }]);
  } finally {
    await s.stop();
  }
});

test("an invalid line is skipped and counted; the rest of the request is kept", async () => {
  const s = await startServer([`-storageDataPath=${tempDir()}`]);
  try {
    const r = await s.post("/insert/jsonline", `{"_msg":"good one"}\n{not json\n{"_msg":"good two"}\n`);
    assert.equal(r.status, 200);
    assert.equal((await rowsUntil(s, "good", 2)).length, 2);
    const m = await (await s.get("/metrics")).text();
    // VictoriaLogs counts a skipped line as an HTTP error of the path.
    assert.match(m, /vl_http_errors_total\{path="\/insert\/jsonline"[^}]*\} [1-9]/);
  } finally {
    await s.stop();
  }
});

test("each protocol stores entries that LogsQL finds", async () => {
  const dir = tempDir();
  const syslogTCP = await freePort();
  const syslogUDP = await freePort();
  const s = await startServer([`-storageDataPath=${dir}`, `-syslog.listenAddr.tcp=127.0.0.1:${syslogTCP}`, `-syslog.listenAddr.udp=127.0.0.1:${syslogUDP}`]);
  try {
    const now = Date.now();
    const iso = new Date(now - 1000).toISOString();
    // Elasticsearch bulk (Filebeat, Logstash, Vector).
    let r = await s.post("/insert/elasticsearch/_bulk", `{"create":{"_index":"x"}}\n{"@timestamp":"${iso}","message":"esbulk entry","host":{"name":"h1"}}\n`, { "Content-Type": "application/x-ndjson" });
    const bulkText = await r.text();
    assert.equal(r.status, 200, bulkText);
    assert.equal((JSON.parse(bulkText) as { errors: boolean }).errors, false);
    // Loki push, JSON.
    r = await s.post("/insert/loki/api/v1/push", JSON.stringify({ streams: [{ stream: { job: "lokijob" }, values: [[`${BigInt(now - 1000) * 1_000_000n}`, "lokijson entry"]] }] }), { "Content-Type": "application/json" });
    assert.ok(r.status === 200 || r.status === 204, `loki push: ${r.status} ${await r.text()}`);
    // OpenTelemetry logs, JSON.
    r = await s.post("/insert/opentelemetry/v1/logs", JSON.stringify({
      resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "otelsvc" } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: String(BigInt(now - 1000) * 1_000_000n), severityText: "WARN", body: { stringValue: "otel entry" }, attributes: [{ key: "k", value: { stringValue: "v" } }] }] }] }],
    }), { "Content-Type": "application/json" });
    assert.equal(r.status, 200, await r.text());
    // Datadog agent.
    r = await s.post("/insert/datadog/api/v2/logs", JSON.stringify([{ message: "datadog entry", ddsource: "x", service: "ddsvc", hostname: "h3" }]), { "Content-Type": "application/json", "DD-API-KEY": "k" });
    assert.ok(r.status >= 200 && r.status < 300, `datadog: ${r.status} ${await r.text()}`);
    // journald export format.
    r = await s.post("/insert/journald/upload", `__REALTIME_TIMESTAMP=${(now - 1000) * 1000}\nMESSAGE=journald entry\n_HOSTNAME=h4\nSYSLOG_IDENTIFIER=jd\n\n`, { "Content-Type": "application/vnd.fdo.journal" });
    assert.ok(r.status >= 200 && r.status < 300, `journald: ${r.status} ${await r.text()}`);
    // Syslog through the real `logger` over TCP (both framings) and UDP.
    const logger = which("logger");
    let syslogWant = 0;
    if (logger !== undefined) {
      const run = (args: string[]): Promise<number | null> => new Promise((resolve) => spawn(logger, args, { stdio: "ignore" }).on("exit", resolve));
      assert.equal(await run(["--server", "127.0.0.1", "--port", String(syslogTCP), "--tcp", "--rfc5424", "-t", "sysapp", "syslogtcp entry"]), 0);
      assert.equal(await run(["--server", "127.0.0.1", "--port", String(syslogTCP), "--tcp", "--octet-count", "--rfc5424", "-t", "sysapp", "syslogoctet entry"]), 0);
      assert.equal(await run(["--server", "127.0.0.1", "--port", String(syslogUDP), "--udp", "--rfc3164", "-t", "sysapp", "syslogudp entry"]), 0);
      syslogWant = 3;
    }
    const want = 5 + syslogWant;
    const rows = await rowsUntil(s, "entry", want);
    const msgs = rows.map((x) => x._msg).sort();
    assert.equal(rows.length, want, `got ${JSON.stringify(msgs)}`);
    const by = (m: string): Record<string, string> => rows.find((x) => x._msg === m)!;
    assert.equal(by("lokijson entry")._stream, `{job="lokijob"}`);
    assert.equal(by("otel entry")["service.name"], "otelsvc");
    assert.equal(by("otel entry").k, "v");
    if (syslogWant > 0) {
      assert.equal(by("syslogtcp entry").app_name, "sysapp");
      assert.equal(by("syslogoctet entry").app_name, "sysapp");
      assert.equal(by("syslogudp entry").app_name, "sysapp");
    }
  } finally {
    await s.stop();
  }
});

test("kill -9 during ingestion loses no acknowledged entry (5 cycles)", async () => {
  const dir = tempDir();
  const acked = new Set<number>();
  let next = 0;
  for (let cycle = 0; cycle < 5; cycle++) {
    const s = await startServer([`-storageDataPath=${dir}`]);
    let stop = false;
    const sender = (async () => {
      while (!stop) {
        const ids: number[] = [];
        for (let i = 0; i < 200; i++) ids.push(next++);
        try {
          const r = await s.post("/insert/jsonline?_stream_fields=w", ids.map((id) => `{"_msg":"kill test ${id}","id":"${id}","w":"${id % 3}"}`).join("\n"));
          if (r.status === 200) for (const id of ids) acked.add(id);
        } catch {
          return; // the process is gone
        }
      }
    })();
    await sleep(300 + cycle * 150);
    await s.kill9();
    stop = true;
    await sender;
  }
  const s = await startServer([`-storageDataPath=${dir}`]);
  try {
    const rows = await rowsUntil(s, "* | fields id", acked.size, 15_000);
    const got = new Set(rows.map((x) => Number(x.id)));
    const missing = [...acked].filter((id) => !got.has(id));
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${acked.size} acknowledged entries lost`);
    assert.ok(acked.size > 0);
  } finally {
    await s.stop();
  }
});

test("entries outside the retention are dropped and counted; data survive a restart", async () => {
  const dir = tempDir();
  let s = await startServer([`-storageDataPath=${dir}`, "-logs.retentionPeriod=2d"]);
  try {
    const old = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const fresh = new Date(Date.now() - 60_000).toISOString();
    const r = await s.post("/insert/jsonline", `{"_time":"${old}","_msg":"too old"}\n{"_time":"${fresh}","_msg":"fresh one"}\n`);
    assert.equal(r.status, 200);
    assert.equal((await rowsUntil(s, "*", 1)).length, 1);
    await sleep(500);
    assert.deepEqual((await query(s, "*")).map((x) => x._msg), ["fresh one"]);
    const m = await (await s.get("/metrics")).text();
    assert.equal(metricValue(m, `vl_rows_dropped_total{reason="too_old"}`), 1);
    await s.stop();
    s = await startServer([`-storageDataPath=${dir}`, "-logs.retentionPeriod=2d"]);
    assert.deepEqual((await rowsUntil(s, "*", 1)).map((x) => x._msg), ["fresh one"]);
  } finally {
    await s.stop();
  }
});

test("the log APIs also answer on -logs.httpListenAddr", async () => {
  const port = await freePort();
  const s = await startServer([`-storageDataPath=${tempDir()}`, `-logs.httpListenAddr=127.0.0.1:${port}`]);
  try {
    const base = `http://127.0.0.1:${port}`;
    const r = await fetch(`${base}/insert/jsonline`, { method: "POST", body: `{"_msg":"second port"}` });
    assert.equal(r.status, 200);
    const deadline = Date.now() + 5000;
    let text = "";
    while (Date.now() < deadline) {
      text = await (await fetch(`${base}/select/logsql/query?query=port`)).text();
      if (text.includes("second port")) break;
      await sleep(100);
    }
    assert.match(text, /second port/);
    assert.equal((await fetch(`${base}/health`)).status, 200);
  } finally {
    await s.stop();
  }
});

test("Grafana's Loki datasource calls get Loki-shaped answers", async () => {
  const s = await startServer([`-storageDataPath=${tempDir()}`]);
  try {
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    const ns = (ms: number): string => String(BigInt(ms) * 1_000_000n);
    const push = {
      streams: [
        { stream: { app: "api", env: "prod" }, values: [[ns(t0 + 1000), "GET /a 200"], [ns(t0 + 2000), "GET /b 500 error"], [ns(t0 + 61_000), "POST /c 200"]] },
        { stream: { app: "web", env: "prod" }, values: [[ns(t0 + 3000), `level=error msg=boom`], [ns(t0 + 4000), `level=info msg=fine`]] },
      ],
    };
    const r = await s.post("/insert/loki/api/v1/push", JSON.stringify(push), { "Content-Type": "application/json" });
    assert.ok(r.status === 200 || r.status === 204);
    await rowsUntil(s, "*", 5);
    const get = async (p: string): Promise<{ status: number; body: any }> => {
      const res = await s.get(p);
      const text = await res.text();
      return { status: res.status, body: res.status === 200 ? JSON.parse(text) : text };
    };
    const range = `start=${ns(t0 - 60_000)}&end=${ns(t0 + 120_000)}`;
    assert.deepEqual((await get(`/loki/api/v1/labels?${range}`)).body, { status: "success", data: ["app", "env"] });
    assert.deepEqual((await get(`/loki/api/v1/label/app/values?${range}`)).body, { status: "success", data: ["api", "web"] });
    const series = (await get(`/loki/api/v1/series?match[]=${encodeURIComponent('{app="api"}')}&${range}`)).body;
    assert.deepEqual(series, { status: "success", data: [{ app: "api", env: "prod" }] });
    const logs = (await get(`/loki/api/v1/query_range?query=${encodeURIComponent('{env="prod"} |= "GET"')}&${range}&limit=10&direction=backward`)).body;
    assert.equal(logs.data.resultType, "streams");
    assert.deepEqual(logs.data.result, [{ stream: { app: "api", env: "prod" }, values: [[ns(t0 + 2000), "GET /b 500 error"], [ns(t0 + 1000), "GET /a 200"]] }]);
    const logfmt = (await get(`/loki/api/v1/query_range?query=${encodeURIComponent('{app="web"} | logfmt | level="error"')}&${range}&limit=10`)).body;
    assert.deepEqual(logfmt.data.result.map((x: any) => x.values.map((v: string[]) => v[1])), [["level=error msg=boom"]]);
    const metric = (await get(`/loki/api/v1/query_range?query=${encodeURIComponent('sum by (app) (count_over_time({env="prod"}[1m]))')}&start=${ns(t0 + 60_000)}&end=${ns(t0 + 120_000)}&step=60`)).body;
    assert.equal(metric.data.resultType, "matrix");
    const bySeries = Object.fromEntries(metric.data.result.map((x: any) => [x.metric.app, x.values]));
    assert.deepEqual(bySeries, { api: [[(t0 + 60_000) / 1000, "2"], [(t0 + 120_000) / 1000, "1"]], web: [[(t0 + 60_000) / 1000, "2"]] });
    const health = (await get(`/loki/api/v1/query?query=${encodeURIComponent("vector(1)+vector(1)")}&time=${ns(t0)}`)).body;
    assert.deepEqual(health.data.result.map((x: any) => x.value[1]), ["2"]);
    const unsupported = await get(`/loki/api/v1/query_range?query=${encodeURIComponent('{app="api"} | label_format a=b')}&${range}`);
    assert.equal(unsupported.status, 400);
    assert.match(unsupported.body, /label_format.*not supported/);
  } finally {
    await s.stop();
  }
});

test("/select/logsql/tail streams new entries live", async () => {
  const s = await startServer([`-storageDataPath=${tempDir()}`]);
  const ac = new AbortController();
  try {
    const bad = await s.get(`/select/logsql/tail?query=${encodeURIComponent("* | stats count()")}`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /cannot be used in live tailing/);
    const r = await fetch(`${s.url}/select/logsql/tail?query=tailword&refresh_interval=200ms&offset=0s`, { signal: ac.signal });
    assert.equal(r.status, 200);
    const reader = r.body!.getReader();
    const got: string[] = [];
    let buf = "";
    const deadline = Date.now() + 10_000;
    let sent = 0;
    let pending: ReturnType<typeof reader.read> | undefined;
    while (got.length < 3 && Date.now() < deadline) {
      if (sent < 3) {
        const p = await s.post("/insert/jsonline", `{"_msg":"tailword ${sent}"}\n{"_msg":"other ${sent}"}`);
        assert.equal(p.status, 200);
        sent++;
      }
      pending ??= reader.read();
      const chunk = await Promise.race([pending, sleep(500).then(() => undefined)]);
      if (chunk === undefined) continue;
      pending = undefined;
      if (chunk.done === true) break;
      buf += new TextDecoder().decode(chunk.value);
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) if (l !== "") got.push((JSON.parse(l) as { _msg: string })._msg);
    }
    assert.deepEqual(got, ["tailword 0", "tailword 1", "tailword 2"]);
  } finally {
    ac.abort();
    await s.stop();
  }
});

test("log snapshots: create, list, restore into a new data dir, delete", async () => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${dir}`]);
  let name = "";
  try {
    const r = await s.post("/insert/jsonline?_stream_fields=app", `{"_msg":"snap one","app":"x"}\n{"_msg":"snap two","app":"y"}`);
    assert.equal(r.status, 200);
    await rowsUntil(s, "snap", 2);
    const created = (await (await s.get("/logs/snapshot/create")).json()) as { status: string; snapshot: string };
    assert.equal(created.status, "ok");
    name = created.snapshot;
    const list = (await (await s.get("/logs/snapshot/list")).json()) as { snapshots: string[] };
    assert.deepEqual(list.snapshots, [name]);
    // Entries after the snapshot are not in it.
    assert.equal((await s.post("/insert/jsonline", `{"_msg":"snap three"}`)).status, 200);
    await rowsUntil(s, "snap", 3);
  } finally {
    await s.stop();
  }
  // A snapshot directory is a complete log storage: copy it to <new dir>/logs and start on it.
  const restored = tempDir();
  fs.cpSync(path.join(dir, "logs", "snapshots", name), path.join(restored, "logs"), { recursive: true });
  const s2 = await startServer([`-storageDataPath=${restored}`]);
  try {
    const rows = await rowsUntil(s2, "snap", 2);
    assert.deepEqual(rows.map((x) => x._msg).sort(), ["snap one", "snap two"]);
    assert.equal((await s2.get("/logs/snapshot/delete?snapshot=nosuch")).status, 404);
  } finally {
    await s2.stop();
  }
  const s3 = await startServer([`-storageDataPath=${dir}`]);
  try {
    assert.equal((await s3.get(`/logs/snapshot/delete?snapshot=${name}`)).status, 200);
    assert.deepEqual(((await (await s3.get("/logs/snapshot/list")).json()) as { snapshots: string[] }).snapshots, []);
    assert.equal(fs.existsSync(path.join(dir, "logs", "snapshots", name)), false);
  } finally {
    await s3.stop();
  }
});

test("a query is stopped at the timeout arg / -search.maxQueryDuration with a 503 naming them", async () => {
  const s = await startServer([`-storageDataPath=${tempDir()}`]);
  try {
    assert.equal((await s.get("/select/logsql/query?query=*&timeout=soon")).status, 400);
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(`{"_msg":"line ${i} ${"x".repeat(200)}","w":"${i % 7}"}`);
    for (let k = 0; k < 20; k++) assert.equal((await s.post("/insert/jsonline?_stream_fields=w", lines.join("\n"))).status, 200);
    await s.get("/internal/force_flush");
    const r = await s.get(`/select/logsql/query?query=${encodeURIComponent("* | stats by (_msg) count() n")}&timeout=1ms`);
    const text = await r.text();
    assert.equal(r.status, 503, text.slice(0, 200));
    assert.match(text, /-search.maxQueryDuration/);
    // Without a timeout the same query answers.
    const ok = await s.get(`/select/logsql/query?query=${encodeURIComponent("* | stats count() n")}`);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /"n":"100000"/);
  } finally {
    await s.stop();
  }
});
