// Real clients of the query API against Tidemark: promtool (Prometheus 2.42)
// `query instant` / `query range` with exact expected output; vmalert 1.79.5
// evaluating recording and alerting rules with -datasource.url at Tidemark
// and -remoteWrite.url back to it; and the requests Grafana's Prometheus
// data source sends (shapes recorded from Grafana 10), answered as
// VictoriaMetrics 1.79.5 answers them on the same data. Each test is skipped,
// with the reason, when its program is not installed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { freePort, normalizeExport, startServer, startVictoriaMetrics, tempDir, vmSkip, which, type Server, type VictoriaMetrics } from "./harness.ts";

const promtool = which("promtool");
const vmalert = which("vmalert");
const promtoolSkip = promtool === undefined ? "promtool is not installed (apt-get install prometheus)" : false;
const vmalertSkip = vmalert === undefined ? "vmalert is not installed (apt-get install victoria-metrics)" : false;

function run(bin: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    p.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    p.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

async function load(url: string, lines: string[]): Promise<void> {
  const r = await fetch(url + "/api/v1/import", { method: "POST", body: lines.join("\n") + "\n" });
  assert.equal(r.status, 204, await r.text());
  await fetch(url + "/internal/force_flush");
}

test("promtool query instant and query range", { skip: promtoolSkip }, async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y"]);
  // With VictoriaMetrics installed, every expected output is also checked against it.
  const vm = vmSkip === false ? await startVictoriaMetrics() : undefined;
  try {
    // Four samples a minute apart, starting on a whole minute 20 minutes ago.
    const t0 = (Math.floor(Date.now() / 60_000) - 20) * 60;
    const lines = [0, 1, 2].map((i) => JSON.stringify({
      metric: { __name__: "a", job: `j${i % 2}`, i: String(i) },
      values: [1, 2, 3, 4.5],
      timestamps: [0, 1, 2, 3].map((k) => (t0 + 60 * k) * 1000),
    }));
    await load(tm.url, lines);
    if (vm !== undefined) await load(vm.url, lines);
    const f = async (args: string[], want: string) => {
      const r = await run(promtool!, ["query", ...args]);
      assert.equal(r.stdout, want, `promtool query ${args.join(" ")}\n${r.stderr}`);
      assert.equal(r.code, 0, `promtool query ${args.join(" ")}: ${r.stderr}`);
      if (vm !== undefined) {
        const v = await run(promtool!, ["query", ...args.map((a) => a.replace(tm.url, vm.url))]);
        assert.equal(v.stdout, want, `VictoriaMetrics: promtool query ${args.join(" ")}\n${v.stderr}`);
      }
    };
    const t = t0 + 120;
    await f(["instant", `--time=${t}`, tm.url, "sum(a) by (job)"], `{job="j0"} => 6 @[${t}]\n{job="j1"} => 3 @[${t}]\n`);
    await f(["instant", `--time=${t}`, tm.url, "a"], `a{i="0", job="j0"} => 3 @[${t}]\na{i="1", job="j1"} => 3 @[${t}]\na{i="2", job="j0"} => 3 @[${t}]\n`);
    await f(["instant", `--time=${t}`, tm.url, "scalar(sum(a))"], `{} => 9 @[${t}]\n`);
    await f(["instant", `--time=${t}`, tm.url, "a{job=\"none\"}"], "\n");
    await f(["instant", `--time=${t}`, `${tm.url}/prometheus`, "count(a)"], `{} => 3 @[${t}]\n`);
    await f(["range", `--start=${t0}`, `--end=${t0 + 180}`, "--step=60s", tm.url, "sum(a) by (job)"],
      `{job="j0"} =>\n2 @[${t0}]\n4 @[${t0 + 60}]\n6 @[${t0 + 120}]\n9 @[${t0 + 180}]\n{job="j1"} =>\n1 @[${t0}]\n2 @[${t0 + 60}]\n3 @[${t0 + 120}]\n4.5 @[${t0 + 180}]\n`);
    await f(["range", `--start=${t0}`, `--end=${t0 + 120}`, "--step=1m", tm.url, "rate(a{i=\"1\"}[2m])"],
      `{i="1", job="j1"} =>\n0.016666666666666666 @[${t0 + 60}]\n0.016666666666666666 @[${t0 + 120}]\n`);
    // A bad query: promtool reports the 422 and exits 1.
    const r = await run(promtool!, ["query", "instant", `--time=${t}`, tm.url, "sum(a"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^query error: 422: .*cannot parse/);
  } finally {
    await tm.stop();
    await vm?.stop();
  }
});

// notifier is an Alertmanager stand-in that records the alerts vmalert posts.
async function startNotifier(): Promise<{ url: string; alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }>; close(): Promise<void> }> {
  const alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> = [];
  const srv = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (d: string) => { body += d; }).on("end", () => {
      if (req.method === "POST" && req.url === "/api/v2/alerts") alerts.push(...(JSON.parse(body) as typeof alerts));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as import("node:net").AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, alerts, close: () => new Promise((r) => srv.close(() => r())) };
}

const rules = `groups:
- name: g
  interval: 1s
  rules:
  - record: job:a:sum
    expr: sum(a) by (job)
  - alert: AHigh
    expr: a > 2
    labels:
      severity: page
    annotations:
      summary: "a is {{ $value }}"
  - alert: APending
    expr: a > 0
    for: 1h
`;

// seriesOf returns the series of an export as `labels values`, timestamps and ALERTS_FOR_STATE values dropped.
function seriesOf(text: string): string[] {
  return normalizeExport(text).map((l) => {
    const [labels, values] = l.split(" ") as [string, string];
    const vs = JSON.parse(values) as number[];
    const isForState = labels.includes(`"__name__":"ALERTS_FOR_STATE"`);
    return `${labels} ${isForState ? "activeAt" : [...new Set(vs)].join(",")}`;
  }).sort();
}

async function runVMAlert(datasource: string, dir: string): Promise<{ series: string[]; forState: number[]; alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> }> {
  const notifier = await startNotifier();
  const rulesPath = path.join(dir, "rules.yml");
  fs.writeFileSync(rulesPath, rules);
  const port = await freePort();
  const p = spawn(vmalert!, [
    `-rule=${rulesPath}`,
    `-datasource.url=${datasource}`,
    `-remoteWrite.url=${datasource}`,
    `-notifier.url=${notifier.url}`,
    "-evaluationInterval=1s",
    "-remoteWrite.flushInterval=200ms",
    `-httpListenAddr=127.0.0.1:${port}`,
  ], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  p.stderr.setEncoding("utf8").on("data", (d: string) => { log += d; });
  const exited = new Promise((r) => p.once("exit", r));
  try {
    const match = ["job:a:sum", "ALERTS", "ALERTS_FOR_STATE"].map((m) => "match[]=" + encodeURIComponent(m)).join("&");
    let text = "";
    for (const end = Date.now() + 20_000; Date.now() < end;) {
      await fetch(datasource + "/internal/force_flush");
      text = await (await fetch(`${datasource}/api/v1/export?${match}`)).text();
      if (text.split("\n").filter((l) => l !== "").length >= 9 && notifier.alerts.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const forState = normalizeExport(text).filter((l) => l.includes(`"__name__":"ALERTS_FOR_STATE"`)).map((l) => (JSON.parse(l.split(" ")[1]!) as number[])[0]!);
    return { series: seriesOf(text), forState, alerts: notifier.alerts };
  } catch (e) {
    throw new Error(`${(e as Error).message}\nvmalert log:\n${log}`);
  } finally {
    p.kill("SIGTERM");
    await exited;
    await notifier.close();
  }
}

// alertLines is a constant gauge a{i,job} = i+1 over the last 10 minutes, every 10s.
function alertLines(now: number): string[] {
  return [0, 1, 2].map((i) => {
    const ts: number[] = [];
    for (let k = 0; k <= 60; k++) ts.push(now - 600_000 + k * 10_000);
    return JSON.stringify({ metric: { __name__: "a", job: `j${i % 2}`, i: String(i) }, values: ts.map(() => i + 1), timestamps: ts });
  });
}

test("vmalert: recording and alerting rules read from and written back to Tidemark", { skip: vmalertSkip }, async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}/data`, "-retentionPeriod=1y"]);
  try {
    const started = Math.floor(Date.now() / 1000);
    await load(tm.url, alertLines(Date.now()));
    const got = await runVMAlert(tm.url, dir);
    const want = [
      `{"__name__":"job:a:sum","job":"j0"} 4`,
      `{"__name__":"job:a:sum","job":"j1"} 2`,
      `{"__name__":"ALERTS","alertgroup":"g","alertname":"AHigh","alertstate":"firing","i":"2","job":"j0","severity":"page"} 1`,
      `{"__name__":"ALERTS","alertgroup":"g","alertname":"APending","alertstate":"pending","i":"0","job":"j0"} 1`,
      `{"__name__":"ALERTS","alertgroup":"g","alertname":"APending","alertstate":"pending","i":"1","job":"j1"} 1`,
      `{"__name__":"ALERTS","alertgroup":"g","alertname":"APending","alertstate":"pending","i":"2","job":"j0"} 1`,
      // ALERTS_FOR_STATE only for rules with `for`; its value is when the alert became active.
      `{"__name__":"ALERTS_FOR_STATE","alertgroup":"g","alertname":"APending","i":"0","job":"j0"} activeAt`,
      `{"__name__":"ALERTS_FOR_STATE","alertgroup":"g","alertname":"APending","i":"1","job":"j1"} activeAt`,
      `{"__name__":"ALERTS_FOR_STATE","alertgroup":"g","alertname":"APending","i":"2","job":"j0"} activeAt`,
    ].sort();
    assert.deepEqual(got.series, want);
    for (const v of got.forState) assert.ok(v >= started - 1 && v <= Date.now() / 1000, `ALERTS_FOR_STATE value ${v} is the activation time (started ${started})`);
    const fired = got.alerts.find((a) => a.labels.alertname === "AHigh");
    assert.ok(fired !== undefined, "AHigh was sent to the notifier");
    assert.equal(fired.labels.i, "2");
    assert.equal(fired.annotations.summary, "a is 3");
  } finally {
    await tm.stop();
  }
});

test("vmalert: the same series as with VictoriaMetrics 1.79.5 as the datasource", { skip: vmalertSkip || vmSkip }, async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}/data`, "-retentionPeriod=1y"]);
  let vm: VictoriaMetrics | undefined;
  try {
    vm = await startVictoriaMetrics();
    const now = Date.now();
    await load(tm.url, alertLines(now));
    await load(vm.url, alertLines(now));
    fs.mkdirSync(path.join(dir, "vm"));
    const [a, b] = await Promise.all([runVMAlert(tm.url, dir), runVMAlert(vm.url, path.join(dir, "vm"))]);
    assert.deepEqual(a.series, b.series);
  } finally {
    await tm.stop();
    await vm?.stop();
  }
});

// grafanaStep is the step Grafana's Prometheus data source picks for a range:
// (to-from)/maxDataPoints rounded to a "nice" interval, at least the scrape
// interval (15s), in seconds.
function grafanaStep(rangeSec: number, maxDataPoints: number): number {
  const raw = rangeSec / maxDataPoints;
  const nice = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600];
  const r = nice.find((n) => n >= raw) ?? 3600;
  return Math.max(15, r);
}

// grafanaRequests are the calls of the Prometheus data source for a
// dashboard on [from, to] (Unix seconds), as Grafana 10 sends them (the
// query editor's label lookups by GET, panel queries as POST forms with the
// range aligned down to the step).
function grafanaRequests(from: number, to: number): Array<{ method: "GET" | "POST"; path: string; body?: string }> {
  const step = grafanaStep(to - from, 1130);
  const start = Math.floor(from / step) * step;
  const end = Math.floor(to / step) * step;
  const rateInterval = `${Math.max(4 * 15, step + 15)}s`;
  const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
  return [
    { method: "GET", path: `/api/v1/labels?start=${from}&end=${to}` },
    { method: "GET", path: `/api/v1/label/__name__/values?start=${from}&end=${to}` },
    { method: "GET", path: `/api/v1/label/job/values?start=${from}&end=${to}` },
    { method: "GET", path: `/api/v1/label/instance/values?match%5B%5D=${encodeURIComponent('http_requests_total{job="api"}')}&start=${from}&end=${to}` },
    { method: "GET", path: `/api/v1/series?match%5B%5D=${encodeURIComponent("http_requests_total")}&start=${from}&end=${to}` },
    { method: "POST", path: "/api/v1/labels", body: form({ start: String(from), end: String(to) }) },
    { method: "POST", path: "/api/v1/series", body: form({ "match[]": 'http_requests_total{job="web"}', start: String(from), end: String(to) }) },
    { method: "POST", path: "/api/v1/query_range", body: form({ query: `sum(rate(http_requests_total[${rateInterval}])) by (job)`, start: String(start), end: String(end), step: String(step) }) },
    { method: "POST", path: "/api/v1/query_range", body: form({ query: `rate(http_requests_total{job="api",instance=~"h1|h2"}[${rateInterval}])`, start: String(start), end: String(end), step: String(step) }) },
    { method: "POST", path: "/api/v1/query_range", body: form({ query: "max_over_time(temperature[5m])", start: String(start), end: String(end), step: String(step) }) },
    { method: "POST", path: "/api/v1/query", body: form({ query: "sum(http_requests_total) by (instance)", time: String(to) }) },
    { method: "POST", path: "/api/v1/query", body: form({ query: "topk(2, temperature)", time: String(to) }) },
    { method: "GET", path: `/api/v1/query?query=${encodeURIComponent("up or vector(1)")}&time=${to}` },
    { method: "GET", path: "/api/v1/status/buildinfo" },
    { method: "GET", path: "/api/v1/metadata" },
  ];
}

function grafanaData(t0: number): string[] {
  const lines: string[] = [];
  for (const job of ["api", "web"]) {
    for (const instance of ["h1", "h2", "h3"]) {
      const ts: number[] = [], vs: number[] = [];
      let v = job.length * 100 + instance.charCodeAt(1);
      for (let t = t0, k = 0; t < t0 + 2 * 3600_000; t += 15_000, k++) {
        v += k % 7;
        ts.push(t);
        vs.push(v);
      }
      lines.push(JSON.stringify({ metric: { __name__: "http_requests_total", job, instance }, values: vs, timestamps: ts }));
    }
  }
  for (const room of ["a", "b", "c"]) {
    const ts: number[] = [], vs: number[] = [];
    for (let t = t0, k = 0; t < t0 + 2 * 3600_000; t += 30_000, k++) {
      ts.push(t);
      vs.push(20 + (k % 11) / 4 + room.charCodeAt(0) / 100);
    }
    lines.push(JSON.stringify({ metric: { __name__: "temperature", room }, values: vs, timestamps: ts }));
  }
  return lines;
}

// sameAnswer compares two canonical answers, sample values within 1e-9
// relative tolerance (VictoriaMetrics rounds stored values).
function sameAnswer(a: unknown, b: unknown, what: string): void {
  const num = /"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"\]/g;
  const sa = JSON.stringify(a), sb = JSON.stringify(b);
  const va = [...sa.matchAll(num)].map((m) => Number(m[1]));
  const vb = [...sb.matchAll(num)].map((m) => Number(m[1]));
  assert.equal(sa.replace(num, "V]"), sb.replace(num, "V]"), what);
  assert.equal(va.length, vb.length, what);
  for (let i = 0; i < va.length; i++) {
    const x = va[i]!, y = vb[i]!;
    assert.ok(x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)), `${what}: value #${i}: ${x} vs ${y}`);
  }
}

// canonical makes answers comparable: label lists and series lists sorted.
function canonical(body: string): unknown {
  const j = JSON.parse(body) as { status: string; data: unknown };
  if (Array.isArray(j.data)) {
    return { ...j, data: j.data.map((x) => JSON.stringify(typeof x === "object" ? Object.fromEntries(Object.entries(x as object).sort()) : x)).sort() };
  }
  const d = j.data as { resultType?: string; result?: Array<{ metric: Record<string, string> }> } | undefined;
  if (d?.result !== undefined && d.resultType !== undefined) {
    return { ...j, data: { ...d, result: d.result.map((r) => JSON.stringify({ ...r, metric: Object.fromEntries(Object.entries(r.metric).sort()) })) } };
  }
  return j;
}

async function send(base: string, r: { method: "GET" | "POST"; path: string; body?: string }): Promise<{ status: number; body: string }> {
  const res = await fetch(base + r.path, r.method === "GET"
    ? { headers: { "X-Grafana-Org-Id": "1", Accept: "application/json, text/plain, */*" } }
    : { method: "POST", body: r.body, headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Grafana-Org-Id": "1" } });
  return { status: res.status, body: await res.text() };
}

test("Grafana's Prometheus data source calls: the answers of VictoriaMetrics 1.79.5", { skip: vmSkip }, async (t) => {
  const dir = tempDir();
  const tm: Server = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y"]);
  let vm: VictoriaMetrics | undefined;
  try {
    vm = await startVictoriaMetrics();
    // The dashboard shows the last hour up to 5 minutes ago, so that the
    // answers do not depend on when each server is asked.
    const to = Math.floor(Date.now() / 1000) - 300;
    const from = to - 3600;
    const data = grafanaData((from - 3600) * 1000);
    await load(tm.url, data);
    await load(vm.url, data);
    for (const prefix of ["", "/prometheus"]) {
      await t.test(`prefix ${JSON.stringify(prefix)}`, async () => {
        for (const r of grafanaRequests(from, to)) {
          const req = { ...r, path: prefix + r.path };
          const a = await send(tm.url, req);
          const b = await send(vm!.url, req);
          const what = `${r.method} ${req.path} ${r.body ?? ""}`;
          assert.equal(a.status, b.status, `${what}: ${a.body}`);
          sameAnswer(canonical(a.body), canonical(b.body), what);
          if (r.path.includes("query_range")) assert.match(a.body, /"values":\[\[/, `${what} returned points`);
        }
      });
    }
  } finally {
    await tm.stop();
    await vm?.stop();
  }
});
