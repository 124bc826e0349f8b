// The select endpoints beyond query/query_range: /federate, the placeholder
// endpoints (/api/v1/metadata, /api/v1/query_exemplars, rules, alerts)
// compared with VictoriaMetrics 1.79.5 on the same data; the query limits
// (each error names its flag); -search.maxConcurrentRequests queueing and
// its 503; and the trace=1 tree.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { metricValue, startServer, startVictoriaMetrics, tempDir, vmSkip, type Server, type VictoriaMetrics } from "./harness.ts";

const sec = 1000;
const min = 60 * sec;

// dataLines returns JSON import lines: a{i=0..3} and b{i=0..3} with 10
// samples each, big with 30, c{i=0..5} with one, all within the last 10
// minutes before now-1m; one series has a label value needing escapes.
function dataLines(now: number): string {
  const lines: string[] = [];
  const add = (metric: Record<string, string>, n: number) => {
    const ts: number[] = [], vs: number[] = [];
    for (let k = 0; k < n; k++) {
      ts.push(now - 60 * sec - (n - 1 - k) * 15 * sec);
      vs.push(k === n - 1 ? 0.5 + k : k);
    }
    lines.push(JSON.stringify({ metric, values: vs, timestamps: ts }));
  };
  for (let i = 0; i < 4; i++) add({ __name__: "a", i: String(i), job: i < 2 ? "x" : "y" }, 10);
  for (let i = 0; i < 4; i++) add({ __name__: "b", i: String(i) }, 10);
  add({ __name__: "big", q: `say "<hi>" & 'bye'` }, 30);
  for (let i = 0; i < 6; i++) add({ __name__: "c", i: String(i) }, 1);
  return lines.join("\n") + "\n";
}

async function load(url: string, body: string): Promise<void> {
  const r = await fetch(url + "/api/v1/import", { method: "POST", body });
  assert.equal(r.status, 204, await r.text());
  await fetch(url + "/internal/force_flush");
}

// federateLines returns the lines of a /federate answer, each with its labels sorted, sorted.
function federateLines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "").map((l) => {
    const m = /^([^{ ]*)(?:\{(.*)\})? (\S+) (\S+)$/.exec(l);
    assert.ok(m !== null, `bad federate line ${JSON.stringify(l)}`);
    const tags = (m[2] ?? "").match(/[a-zA-Z_]\w*="(?:[^"\\]|\\.)*"/g) ?? [];
    return `${m[1]}{${[...tags].sort().join(",")}} ${m[3]} ${m[4]}`;
  }).sort();
}

async function get(url: string, p: string, method: "GET" | "POST" = "GET"): Promise<{ status: number; body: string; type: string }> {
  let r: Response;
  if (method === "GET") r = await fetch(url + p);
  else {
    const [path, q] = p.split("?") as [string, string | undefined];
    r = await fetch(url + path, { method: "POST", body: q ?? "", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  }
  return { status: r.status, body: await r.text(), type: r.headers.get("content-type") ?? "" };
}

test("federate and placeholder endpoints answer as VictoriaMetrics 1.79.5", { skip: vmSkip }, async (t) => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y"]);
  let vm: VictoriaMetrics | undefined;
  try {
    vm = await startVictoriaMetrics();
    const now = Date.now();
    const data = dataLines(now);
    await load(tm.url, data);
    await load(vm.url, data);
    const start = Math.floor((now - 5 * min) / 1000);
    const cases = [
      "/federate?match[]=a",
      "/federate?match[]=a&match[]={job=\"x\"}",
      "/federate?match[]={__name__=~\"a|big|c\"}",
      `/federate?match[]=b&start=${start}`,
      "/federate?match[]=c&max_lookback=5m",
      "/federate?match[]=c&max_lookback=30s",
      `/federate?match[]=a&end=${Math.floor((now - 2 * min) / 1000)}`,
      "/federate?match[]=nothing",
      "/federate?match[]=a&extra_label=job=y",
    ];
    for (const prefix of ["", "/prometheus"]) {
      for (const method of ["GET", "POST"] as const) {
        await t.test(`${method} ${prefix}/federate`, async () => {
          for (const c of cases) {
            const a = await get(tm.url, prefix + c, method);
            const b = await get(vm!.url, prefix + c, method);
            assert.equal(a.status, b.status, `${method} ${c}: ${a.body}`);
            assert.equal(a.type, b.type, c);
            assert.deepEqual(federateLines(a.body), federateLines(b.body), `${method} ${c}`);
            if (c === cases[2]) assert.equal(federateLines(a.body).length, 11, `${c} selects 4 + 1 + 6 series:\n${a.body}`);
          }
        });
        await t.test(`${method} ${prefix} placeholders`, async () => {
          for (const p of ["/api/v1/metadata", "/api/v1/metadata?metric=a&limit=1", "/api/v1/query_exemplars?query=a", "/api/v1/rules", "/api/v1/alerts"]) {
            const a = await get(tm.url, prefix + p, method);
            const b = await get(vm!.url, prefix + p, method);
            assert.deepEqual([a.status, a.body], [b.status, b.body], `${method} ${prefix}${p}`);
            assert.equal(a.type, "application/json", p);
          }
        });
      }
    }
    await t.test("federate errors", async () => {
      for (const c of ["/federate", "/federate?match[]=a{", "/federate?match[]=a&max_lookback=abc"]) {
        const a = await get(tm.url, c);
        const b = await get(vm!.url, c);
        assert.equal(a.status, b.status, `${c}: ${a.body} vs ${b.body}`);
      }
      assert.match((await get(tm.url, "/federate")).body, /missing `match\[\]` arg/);
    });
    await t.test("trace=1: root and eval messages as VictoriaMetrics'", async () => {
      const time = Math.floor((now - 2 * min) / 60_000) * 60;
      for (const q of [`/api/v1/query?query=sum(a)&time=${time}&step=60&trace=1`, `/api/v1/query?query=rate(b[5m])&time=${time}&trace=1`]) {
        type Span = { duration_msec: number; message: string; children?: Span[] };
        const a = JSON.parse((await get(tm.url, q)).body) as { trace: Span };
        const b = JSON.parse((await get(vm!.url, q)).body) as { trace: Span };
        assert.equal(a.trace.message, b.trace.message, q);
        assert.equal(a.trace.children![0]!.message, b.trace.children![0]!.message, q);
        assert.equal(a.trace.children!.at(-1)!.message, b.trace.children!.at(-1)!.message, q);
      }
      const s = Math.floor((now - 10 * min) / 1000), e = Math.floor((now - min) / 1000);
      for (const q of [`/api/v1/series?match[]=a&start=${s}&end=${e}&trace=1`, `/api/v1/labels?start=${s}&end=${e}&trace=1`, `/prometheus/api/v1/label/i/values?match[]=b&trace=1`]) {
        type Span = { duration_msec: number; message: string; children?: Span[] };
        const a = JSON.parse((await get(tm.url, q)).body) as { data: unknown; trace: Span };
        const b = JSON.parse((await get(vm!.url, q)).body) as { data: unknown; trace: Span };
        assert.equal(a.trace.message, b.trace.message, q);
        assert.equal(a.trace.children!.at(-1)!.message, b.trace.children!.at(-1)!.message, q);
        assert.equal(JSON.stringify(a.data).length, JSON.stringify(b.data).length, q);
      }
    });
  } finally {
    await tm.stop();
    await vm?.stop();
  }
});

test("query limits: each error names its flag", async (t) => {
  const dir = tempDir();
  const tm = await startServer([
    `-storageDataPath=${dir}`,
    "-retentionPeriod=1y",
    "-search.maxSamplesPerQuery=50",
    "-search.maxSamplesPerSeries=25",
    "-search.maxUniqueTimeseries=10",
    "-search.maxSeries=3",
    "-search.maxPointsPerTimeseries=100",
    "-search.maxFederateSeries=5",
  ]);
  try {
    const now = Date.now();
    await load(tm.url, dataLines(now));
    const s = Math.floor((now - 15 * min) / 1000);
    const e = Math.floor(now / 1000);
    const f = async (p: string, status: number, want: RegExp | null) => {
      const r = await get(tm.url, p);
      assert.equal(r.status, status, `${p}: ${r.body}`);
      if (want !== null) assert.match(r.body, want, p);
    };
    await t.test("within the limits", async () => {
      await f(`/api/v1/query_range?query=sum(a)&start=${s}&end=${e}&step=60`, 200, /"status":"success"/);
      await f("/api/v1/series?match[]=b&match[]=big&start=" + s, 422, /-search\.maxSeries/);
      await f("/api/v1/series?match[]=big&start=" + s, 200, /"__name__":"big"/);
      // Without `time`, an instant query is at now rounded down to seconds (VictoriaMetrics' GetTime).
      const r = JSON.parse((await get(tm.url, "/api/v1/query?query=sum(a)")).body) as { data: { result: Array<{ value: [number, string] }> } };
      const at = r.data.result[0]!.value[0];
      assert.ok(Number.isInteger(at) && Math.abs(at * 1000 - Date.now()) < 2000, `time ${at}`);
    });
    await t.test("-search.maxSamplesPerQuery", () => f(`/api/v1/query_range?query={__name__=~"a|b"}&start=${s}&end=${e}&step=60`, 422, /"error":"error when executing query=.* on the time range \(start=\d+, end=\d+, step=60000\): cannot execute query: cannot select more than -search\.maxSamplesPerQuery=50 samples/));
    await t.test("-search.maxSamplesPerSeries", () => f(`/api/v1/query?query=count_over_time(big[1h])`, 422, /"error":"error when executing query=\\"count_over_time\(big\[1h\]\)\\" for \(time=\d+, step=300000\): cannot process more than 25 samples per series; either increase -search\.maxSamplesPerSeries/));
    await t.test("-search.maxUniqueTimeseries", () => f(`/api/v1/query?query=${encodeURIComponent('count({__name__=~".+"})')}`, 422, /-search\.maxUniqueTimeseries/));
    await t.test("-search.maxSeries", () => f("/api/v1/series?match[]=a&start=" + s, 422, /the number of matching time series exceeds 3; .*-search\.maxSeries/));
    await t.test("-search.maxPointsPerTimeseries", () => f(`/api/v1/query_range?query=a&start=${s}&end=${e}&step=1`, 422, /cannot exceed -search\.maxPointsPerTimeseries=100/));
    await t.test("-search.maxFederateSeries", () => f("/federate?match[]=c", 400, /-search\.maxFederateSeries/));
    await t.test("-search.maxQueryLen", async () => {
      const r = await get(tm.url, `/api/v1/query?query=${encodeURIComponent("a+".repeat(9000) + "a")}`, "POST");
      assert.equal(r.status, 422);
      assert.match(r.body, /too long query; got 18001 bytes; mustn't exceed `-search\.maxQueryLen=16384` bytes/);
    });
  } finally {
    await tm.stop();
  }
});

test("a query's memory is bounded: 16 bytes per output point of each series read, a quarter of -memory.allowedBytes", async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y", "-memory.allowedBytes=100KiB"]);
  try {
    const now = Date.now();
    await load(tm.url, dataLines(now));
    const e = Math.floor(now / 1000);
    const s = e - 999;
    // 4 series x 1000 points x 16 bytes = 64000 bytes; the pool has 25600.
    const r = await get(tm.url, `/api/v1/query_range?query=a&start=${s}&end=${e}&step=1&nocache=1`);
    assert.equal(r.status, 422, r.body);
    assert.match(r.body, /not enough memory for processing 2000 data points across 2 time series with 1000 points in each time series; total available memory for concurrent requests: 25600 bytes; requested memory: 32000 bytes; .*increasing `step` query arg \(1s\)/);
    // An aggregate folding series one by one is not bounded by it.
    const ok = await get(tm.url, `/api/v1/query_range?query=sum(a)&start=${s}&end=${e}&step=1&nocache=1`);
    assert.equal(ok.status, 200, ok.body);
    // Nor is a range the pool holds.
    assert.equal((await get(tm.url, `/api/v1/query_range?query=a&start=${e - 299}&end=${e}&step=1&nocache=1`)).status, 200);
  } finally {
    await tm.stop();
  }
});

// holdSlot starts a POST /api/v1/query whose body arrives only when release is
// called, so that the request holds a -search.maxConcurrentRequests slot.
async function holdSlot(port: number): Promise<{ release: () => Promise<string> }> {
  const body = "query=1";
  const c = net.connect(port, "127.0.0.1");
  let answer = "";
  c.setEncoding("utf8");
  c.on("data", (d: string) => { answer += d; });
  await new Promise<void>((resolve, reject) => { c.once("connect", () => resolve()); c.once("error", reject); });
  c.write(`POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
  return {
    async release() {
      c.end(body);
      await new Promise((r) => c.once("close", r));
      return answer;
    },
  };
}

async function waitMetric(s: Server, name: string, want: number): Promise<void> {
  let got: number | undefined;
  for (let i = 0; i < 100; i++) {
    got = metricValue(await (await s.get("/metrics")).text(), name);
    if (got === want) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(got, want, name);
}

test("-search.maxConcurrentRequests: queue, then 503 after -search.maxQueueDuration; -search.logSlowQueryDuration", async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-search.maxConcurrentRequests=1", "-search.maxQueueDuration=300ms", "-search.logSlowQueryDuration=200ms"]);
  try {
    const m0 = await (await tm.get("/metrics")).text();
    assert.equal(metricValue(m0, "vm_concurrent_select_capacity"), 1);
    assert.equal(metricValue(m0, "vm_concurrent_select_limit_reached_total"), 0);

    const h = await holdSlot(tm.port);
    await waitMetric(tm, "vm_concurrent_select_current", 1);
    const t0 = Date.now();
    const r = await tm.get("/api/v1/query?query=2");
    const waited = Date.now() - t0;
    assert.equal(r.status, 503);
    assert.equal((await r.text()).trimEnd(), "cannot handle more than 1 concurrent search requests during 300ms; possible solutions: increase `-search.maxQueueDuration`; increase `-search.maxQueryDuration`; increase `-search.maxConcurrentRequests`; increase server capacity");
    assert.ok(waited >= 280, `waited ${waited}ms in the queue`);
    // A shorter `timeout` arg shortens the wait.
    const r2 = await tm.get("/api/v1/query?query=2&timeout=0.1");
    assert.equal(r2.status, 503);
    assert.match(await r2.text(), /during 100ms/);

    // A queued request runs once the slot frees up.
    const queued = tm.get("/api/v1/query?query=3&trace=1");
    await new Promise((res) => setTimeout(res, 50));
    const first = await h.release();
    assert.match(first, /^HTTP\/1\.1 200/);
    const q = await queued;
    assert.equal(q.status, 200);
    const j = await q.json() as { trace: { children: Array<{ message: string }> } };
    assert.equal(j.trace.children[0]!.message, "wait in queue because -search.maxConcurrentRequests=1 concurrent requests are executed");

    const m1 = await (await tm.get("/metrics")).text();
    assert.equal(metricValue(m1, "vm_concurrent_select_limit_reached_total"), 3);
    assert.equal(metricValue(m1, "vm_concurrent_select_limit_timeout_total"), 2);
    assert.equal(metricValue(m1, "vm_concurrent_select_current"), 0);
    // The request that held the slot for half a second was slow; the queued ones were not.
    assert.equal(metricValue(m1, "vm_slow_queries_total"), 1);
    assert.match(tm.stderr, /slow query according to -search\.logSlowQueryDuration=200ms: remoteAddr="127\.0\.0\.1:\d+", duration=\d+\.\d{3} seconds; requestURI: "\/api\/v1\/query\?query=1"/);
  } finally {
    await tm.stop();
  }
});

test("trace=1: the tree for query and query_range", async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-retentionPeriod=1y"]);
  try {
    const now = Date.now();
    await load(tm.url, dataLines(now));
    type Span = { duration_msec: number; message: string; children?: Span[] };
    const msgs = (s: Span): unknown => (s.children === undefined ? s.message : [s.message, s.children.map(msgs)]);
    const time = Math.floor((now - 2 * min) / 60_000) * 60;
    const j = await (await tm.get(`/prometheus/api/v1/query?query=a%20%2B%20on(i)%20b&time=${time}&step=60&trace=1`)).json() as { trace: Span };
    const r = `[${new Date(time * 1000).toISOString().replace(".000Z", "Z")}..${new Date(time * 1000).toISOString().replace(".000Z", "Z")}]`;
    const lb = `[${new Date(time * 1000 - 60_000 - 5 * min).toISOString().replace(".000Z", "Z")}..${new Date(time * 1000).toISOString().replace(".000Z", "Z")}]`;
    const samples = (m: string): string => m.match(/samples=(\d+)/)![1]!;
    const binop = j.trace.children![0]!.children![0]!.children!;
    const fetchA = binop[0]!.children![0]!.children![0]!.message;
    const fetchB = binop[1]!.children![0]!.children![0]!.message;
    // The tree of VictoriaMetrics 1.79.5: an eval node per expression, with
    // the transform, aggregation, binary operator or rollup inside it, and
    // the selector searches inside the rollups.
    assert.deepEqual(msgs(j.trace), [
      `/prometheus/api/v1/query: query=a + on(i) b, time=${time * 1000}: series=4`,
      [
        [`eval: query=a + on(i) b, timeRange=${r}, step=60000, mayCache=true: series=4, points=4, pointsPerSeries=1`, [
          [`binary op "+": series=4`, [
            [`eval: query=a, timeRange=${r}, step=60000, mayCache=true: series=4, points=4, pointsPerSeries=1`, [
              [`rollup default_rollup(): timeRange=${r}, step=60000, window=0: series=4`, [
                `fetch matching series: filters=[{__name__="a"}], timeRange=${lb}: series=4, samples=${samples(fetchA)}`,
              ]],
            ]],
            // The evaluator narrows the second selector by the label values of the first side.
            [`eval: query=b{i=~"0|1|2|3"}, timeRange=${r}, step=60000, mayCache=true: series=4, points=4, pointsPerSeries=1`, [
              [`rollup default_rollup(): timeRange=${r}, step=60000, window=0: series=4`, [
                `fetch matching series: filters=[{__name__="b",i=~"0|1|2|3"}], timeRange=${lb}: series=4, samples=${samples(fetchB)}`,
              ]],
            ]],
          ]],
        ]],
        "generate /api/v1/query response for series=4",
      ],
    ]);
    const rr = await (await tm.get(`/api/v1/query_range?query=sum(b)&start=${time - 600}&end=${time}&step=60&trace=1&nocache=1`)).json() as { trace: Span };
    assert.equal(rr.trace.message, `/api/v1/query_range: start=${(time - 600) * 1000}, end=${time * 1000}, step=60000, query="sum(b)": series=1`);
    assert.match(rr.trace.children!.at(-1)!.message, /^generate \/api\/v1\/query_range response for series=1, points=\d+$/);
    const evalNode = rr.trace.children![0]!;
    assert.match(evalNode.message, /^eval: query=sum\(b\), timeRange=\[.*\], step=60000, mayCache=false: series=1, points=11, pointsPerSeries=11$/);
    assert.equal(evalNode.children![0]!.message, "aggregate sum(): series=1");
    assert.match(evalNode.children![0]!.children![0]!.message, /^rollup default_rollup\(\): timeRange=\[.*\], step=60000, window=0: series=4, folded into an aggregate$/);
    const tf = await (await tm.get(`/api/v1/query_range?query=abs(b)&start=${time - 600}&end=${time}&step=60&trace=1`)).json() as { trace: Span };
    assert.match(tf.trace.children![0]!.message, /^eval: query=abs\(b\), .*mayCache=true: series=4, points=44, pointsPerSeries=11$/);
    assert.equal(tf.trace.children![0]!.children![0]!.message, "transform abs(): series=4");
    assert.ok(rr.trace.duration_msec >= rr.trace.children![0]!.duration_msec);
  } finally {
    await tm.stop();
  }
});
