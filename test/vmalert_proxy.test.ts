// -vmalert.proxyURL end to end: Tidemark in front of the real vmalert 1.79.5
// (whose datasource is that same Tidemark), without the flag, and with an
// unreachable vmalert.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { freePort, metricValue, runTidemark, startServer, tempDir, which } from "./harness.ts";

const vmalertBin = which("vmalert");

const rulesYAML = `groups:
  - name: tidemark_test
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1) > 0
        labels:
          severity: test
      - record: tidemark_test:one
        expr: vector(1)
`;

async function waitFor<T>(what: () => string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what()}; last error: ${String(last)}`);
}

// rawGet sends a GET without following redirects and returns status, headers and body.
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => { body += d; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on("error", reject);
  });
}

test("vmalert proxy: without -vmalert.proxyURL, fixed answers and 400 for /vmalert/*", async () => {
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${path.join(dir, "data")}`]);
  try {
    const f = async (p: string, status: number, body: string) => {
      const r = await rawGet(s.url + p);
      assert.equal(r.status, status, `status of ${p}`);
      assert.equal(r.body, body, `body of ${p}`);
    };
    await f("/api/v1/rules", 200, `{"status":"success","data":{"groups":[]}}`);
    await f("/prometheus/api/v1/rules", 200, `{"status":"success","data":{"groups":[]}}`);
    await f("/rules", 200, `{"status":"success","data":{"groups":[]}}`);
    await f("/api/v1/alerts", 200, `{"status":"success","data":{"alerts":[]}}`);
    await f("/prometheus/alerts", 200, `{"status":"success","data":{"alerts":[]}}`);
    const notConfigured = `{"status":"error","msg":"for accessing vmalert flag '-vmalert.proxyURL' must be configured"}`;
    await f("/vmalert/", 400, notConfigured);
    await f("/vmalert/api/v1/alerts", 400, notConfigured);
    await f("/prometheus/vmalert/groups", 400, notConfigured);
    for (const p of ["/vmalert", "/prometheus/vmalert"]) {
      const r = await rawGet(s.url + p);
      assert.equal(r.status, 301, `status of ${p}`);
      assert.equal(r.headers.location, "vmalert/", `Location of ${p}`);
    }
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("vmalert proxy: an invalid -vmalert.proxyURL stops the process at start", async () => {
  const dir = tempDir();
  try {
    const r = await runTidemark(["-httpListenAddr=127.0.0.1:0", `-storageDataPath=${path.join(dir, "data")}`, "-vmalert.proxyURL=vmalert:8880"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /fatal\tcannot parse -vmalert\.proxyURL="vmalert:8880": got scheme "vmalert"; want http or https/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("vmalert proxy: an unreachable vmalert gives 502 and is counted", async () => {
  const dir = tempDir();
  const port = await freePort(); // nothing listens there
  const s = await startServer([`-storageDataPath=${path.join(dir, "data")}`, `-vmalert.proxyURL=http://127.0.0.1:${port}`]);
  try {
    for (const p of ["/api/v1/rules", "/vmalert/api/v1/alerts", "/prometheus/alerts"]) {
      const r = await rawGet(s.url + p);
      assert.equal(r.status, 502, `status of ${p}`);
      assert.match(r.body, /cannot proxy the request to vmalert at -vmalert\.proxyURL="http:\/\/127\.0\.0\.1:\d+": .*ECONNREFUSED/, `body of ${p}`);
    }
    const m = await (await s.get("/metrics")).text();
    assert.equal(metricValue(m, "tidemark_vmalert_proxy_errors_total"), 3);
    assert.equal(metricValue(m, `vm_http_requests_total{path="/vmalert"}`), 1);
    // The server keeps serving.
    assert.equal((await s.get("/health")).status, 200);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("vmalert proxy: path, query, method, headers and body reach the target; the answer streams back", async () => {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const echo = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => { body += d; });
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.setHeader("X-From-Target", "1");
      res.setHeader("Content-Type", "application/json");
      res.writeHead(418);
      res.write(`{"part":1,`);
      setTimeout(() => res.end(`"part2":2}`), 20);
    });
  });
  await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  const echoPort = (echo.address() as import("node:net").AddressInfo).port;
  const dir = tempDir();
  const s = await startServer([`-storageDataPath=${path.join(dir, "data")}`, `-vmalert.proxyURL=http://127.0.0.1:${echoPort}/base?tenant=7`]);
  try {
    const r = await rawGet(s.url + "/prometheus/vmalert/api/v1/alerts?x=a%20b", { "X-Custom": "v", "Connection": "keep-alive, X-Hop", "X-Hop": "h" });
    assert.equal(r.status, 418);
    assert.equal(r.headers["x-from-target"], "1");
    assert.equal(r.body, `{"part":1,"part2":2}`);
    const g = seen.at(-1)!;
    assert.equal(g.method, "GET");
    assert.equal(g.url, "/base/prometheus/vmalert/api/v1/alerts?tenant=7&x=a%20b");
    assert.equal(g.headers["x-custom"], "v");
    assert.equal(g.headers["x-hop"], undefined, "headers named in Connection are hop-by-hop");
    assert.equal(g.headers["host"], `127.0.0.1:${echoPort}`);
    assert.equal(g.headers["x-forwarded-for"], "127.0.0.1");

    const big = "y".repeat(300_000);
    const pr = await fetch(s.url + "/api/v1/rules", { method: "POST", body: big, headers: { "Content-Type": "text/plain" } });
    assert.equal(pr.status, 418);
    await pr.text();
    const p = seen.at(-1)!;
    assert.equal(p.method, "POST");
    assert.equal(p.url, "/base/api/v1/rules?tenant=7");
    assert.equal(p.body.length, big.length, "the POST body is forwarded whole");
  } finally {
    await s.stop();
    echo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("vmalert proxy: real vmalert 1.79.5 behind -vmalert.proxyURL", { skip: vmalertBin === undefined ? "vmalert is not installed (/usr/bin/vmalert; apt install victoria-metrics)" : false }, async () => {
  const dir = tempDir();
  const rulesPath = path.join(dir, "rules.yml");
  fs.writeFileSync(rulesPath, rulesYAML);
  const vmalertPort = await freePort();
  const s = await startServer([`-storageDataPath=${path.join(dir, "data")}`, `-vmalert.proxyURL=http://127.0.0.1:${vmalertPort}`]);
  let va: ChildProcess | undefined;
  let vaLog = "";
  try {
    va = spawn(vmalertBin!, [
      `-rule=${rulesPath}`,
      `-datasource.url=${s.url}`,
      `-remoteWrite.url=${s.url}`,
      "-remoteWrite.flushInterval=100ms",
      `-notifier.url=http://127.0.0.1:${await freePort()}`,
      `-httpListenAddr=127.0.0.1:${vmalertPort}`,
      "-evaluationInterval=1s",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    va.stderr!.setEncoding("utf8").on("data", (d: string) => { vaLog += d; });
    va.stdout!.setEncoding("utf8").on("data", (d: string) => { vaLog += d; });
    const direct = `http://127.0.0.1:${vmalertPort}`;
    // Wait until vmalert has evaluated the alerting rule (it queries Tidemark).
    await waitFor(() => `vmalert to fire AlwaysFiring (log: ${vaLog.slice(-1500)})`, async () => {
      const r = await rawGet(direct + "/api/v1/alerts");
      return r.status === 200 && r.body.includes("AlwaysFiring") ? true : undefined;
    });
    const f = async (p: string, directPath: string, mustContain: string) => {
      const [a, b] = await Promise.all([rawGet(s.url + p), rawGet(direct + directPath)]);
      assert.equal(a.status, 200, `status of ${p}: ${a.body}`);
      assert.equal(a.headers["content-type"], "application/json", `Content-Type of ${p}`);
      assert.ok(a.body.includes(mustContain), `${p} contains ${mustContain}: ${a.body}`);
      // Both answers list the same groups/alerts (the evaluation time fields may move between the two calls).
      const strip = (s: string) => s.replace(/"(lastEvaluation|activeAt|lastExec|evaluationTime|lastSamples|lastSeriesFetched|lastDuration|value)":("[^"]*"|[0-9.e+-]+)/g, "");
      assert.equal(strip(a.body), strip(b.body), `${p} is vmalert's ${directPath}`);
    };
    await f("/api/v1/rules", "/api/v1/rules", `"name":"tidemark_test"`);
    await f("/api/v1/alerts", "/api/v1/alerts", `"name":"AlwaysFiring"`);
    await f("/vmalert/api/v1/alerts", "/vmalert/api/v1/alerts", `"name":"AlwaysFiring"`);
    await f("/vmalert/api/v1/rules", "/vmalert/api/v1/rules", `"name":"tidemark_test:one"`);
    // The recording rule's result came back through remote write.
    await waitFor(() => "tidemark_test:one in Tidemark", async () => {
      const r = await rawGet(s.url + "/api/v1/export?match[]=tidemark_test:one");
      return r.body.includes(`"__name__":"tidemark_test:one"`) ? true : undefined;
    });
    const ui = await rawGet(s.url + "/vmalert/groups");
    assert.equal(ui.status, 200);
    assert.match(ui.body, /tidemark_test/);
  } finally {
    va?.kill("SIGKILL");
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
