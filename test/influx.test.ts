// InfluxDB line protocol end to end: HTTP /write, /api/v2/write, /query,
// /influx/health, TCP and UDP on -influxListenAddr, against the real server;
// and the same lines sent to VictoriaMetrics 1.79.5 export the same.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as zlib from "node:zlib";
import { metricValue, startServer, tempDir, which, freePort, listenerPort, sendTCP, sendUDP, exportUntil } from "./harness.ts";

const vmBin = which("victoria-metrics");
const skipVM = vmBin === undefined ? "victoria-metrics is not installed (apt-get install victoria-metrics; .ci/run installs it)" : false;

const T0 = Date.now() - 3_600_000;

// Telegraf-shaped lines: tags, several fields of every type, escapes, ns timestamps.
function telegrafLines(prefix: string, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const ns = BigInt(T0 + i * 10_000) * 1_000_000n + BigInt(i * 1237);
    out.push(`${prefix}cpu,cpu=cpu${i % 4},host=web\\ ${i % 3},region=eu usage_user=${(i * 1.37).toFixed(2)},usage_idle=${100 - i},uptime=${i * 60}i,up=true,state="running" ${ns}`);
    out.push(`${prefix}mem,host=web\\ ${i % 3} used_percent=${i / 8},free=${1e9 + i}u ${ns}`);
  }
  return out.join("\n") + "\n";
}

// seriesCount is the number of series telegrafLines(prefix, n) makes.
function seriesCount(n: number): number {
  const cpu = new Set<string>(), mem = new Set<number>();
  for (let i = 0; i < n; i++) { cpu.add(`${i % 4}/${i % 3}`); mem.add(i % 3); }
  return cpu.size * 5 + mem.size * 2;
}

test("InfluxDB lines over HTTP, TCP and UDP export the same from Tidemark and VictoriaMetrics 1.79.5", { skip: skipVM }, async () => {
  const vmDir = tempDir("vm-influx-");
  const tmDir = tempDir();
  const [vmPort, vmInflux] = [await freePort(), await freePort()];
  const vm = spawn(vmBin!, [`-httpListenAddr=127.0.0.1:${vmPort}`, `-influxListenAddr=127.0.0.1:${vmInflux}`, `-storageDataPath=${vmDir}`, "-retentionPeriod=1y"], { stdio: "ignore" });
  const vmExited = new Promise((r) => vm.once("exit", r));
  const vmURL = `http://127.0.0.1:${vmPort}`;
  const tm = await startServer([`-storageDataPath=${tmDir}`, "-retentionPeriod=1y", "-influxListenAddr=127.0.0.1:0"]);
  try {
    const tmInflux = await listenerPort(() => tm.stderr, "TCP InfluxDB");
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(vmURL + "/health")).status === 200) break; } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    const gz = zlib.gzipSync(telegrafLines("http_", 50));
    const plain = telegrafLines("v2_", 10) + `weird\\ name,t\\,k=v\\=1 f\\ 1=1,f2="a \\" b",f3=-12i,f4=F,f5=1e3 ${BigInt(T0) * 1_000_000n}\n`;
    for (const base of [vmURL, tm.url]) {
      // What Telegraf sends: POST /write?db=telegraf with gzip.
      const r1 = await fetch(base + "/write?db=telegraf", { method: "POST", body: gz, headers: { "Content-Encoding": "gzip", "User-Agent": "Telegraf/1.30" } });
      assert.equal(r1.status, 204, `${base} /write`);
      assert.equal(r1.headers.get("x-influxdb-version"), "1.8.0");
      const r2 = await fetch(base + "/api/v2/write?bucket=b&org=o&precision=ns", { method: "POST", body: plain });
      assert.equal(r2.status, 204, `${base} /api/v2/write`);
      const r3 = await fetch(base + `/influx/write?db=s&precision=s`, { method: "POST", body: `sec,k=v f=1 ${Math.floor(T0 / 1000)}\n` });
      assert.equal(r3.status, 204, `${base} /influx/write`);
    }
    await sendTCP(vmInflux, telegrafLines("tcp_", 20));
    await sendTCP(tmInflux, telegrafLines("tcp_", 20));
    await sendUDP(vmInflux, telegrafLines("udp_", 5));
    await sendUDP(tmInflux, telegrafLines("udp_", 5));
    // UDP datagrams are processed asynchronously: wait until every series is there.
    const want = seriesCount(50) + seriesCount(10) + seriesCount(20) + seriesCount(5) + 5 + 1;
    const match = '{__name__=~"(http|v2|tcp|udp)_.*|sec_f|weird name_.*"}';
    const vmAll = await exportUntil(vmURL, match, want);
    assert.equal(vmAll.length, want, "VictoriaMetrics stored every series");
    const tmAll = await exportUntil(tm.url, match, want);
    assert.deepEqual(tmAll, vmAll);
    const r = await fetch(tm.url + "/query", { method: "POST", body: "q=CREATE+DATABASE+%22telegraf%22", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), await (await fetch(vmURL + "/query?q=show+databases")).text());
  } finally {
    vm.kill("SIGTERM");
    await tm.stop();
    await vmExited;
    fs.rmSync(vmDir, { recursive: true, force: true });
    fs.rmSync(tmDir, { recursive: true, force: true });
  }
});

test("InfluxDB HTTP: bad lines get 400 naming them while the valid lines are stored; flags and limits", async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-influxMeasurementFieldSeparator=.", "-influxSkipSingleField", "-influxDBLabel=database",
    "-influxTrimTimestamp=1s", "-influx.maxRequestSize=2KB", "-influx.maxLineSize=300", "-influx.databaseNames=db1,db2", "-influxListenAddr=127.0.0.1:0"]);
  try {
    const tcpPort = await listenerPort(() => tm.stderr, "TCP InfluxDB");
    const ts = T0 + 1234;
    let r = await tm.post(`/write?db=mydb&precision=ms&extra_label=env=test`, `m,host=a v=1 ${ts}\nbroken\nm2 a=1,b=2 ${ts}\nm3 v=1 12x\n`);
    assert.equal(r.status, 400);
    const msg = await r.text();
    assert.match(msg, /^2 of 4 lines are invalid and were skipped; the valid lines were stored: line 2: cannot parse InfluxDB line "broken": cannot find Whitespace I in "broken"; line 4: cannot parse InfluxDB line "m3 v=1 12x": cannot parse timestamp "12x": /);
    const sec = Math.floor(ts / 1000) * 1000;
    const got = await exportUntil(tm.url, '{__name__=~"m.*"}', 3);
    assert.deepEqual(got, [
      `{"__name__":"m","database":"mydb","env":"test","host":"a"} [1] [${sec}]`,
      `{"__name__":"m2.a","database":"mydb","env":"test"} [1] [${sec}]`,
      `{"__name__":"m2.b","database":"mydb","env":"test"} [2] [${sec}]`,
    ]);
    // Limits: body size (413) and line length (400, lines before it kept).
    r = await tm.post("/write", "x".repeat(3000));
    assert.equal(r.status, 413);
    r = await tm.post("/write?precision=ms", `long v=1 ${ts}\n` + "y".repeat(400) + "\n");
    assert.equal(r.status, 400);
    assert.match(await r.text(), /cannot read influx line protocol data: too long line: more than 300 bytes/);
    // A corrupt gzip body is a 400.
    r = await tm.post("/write", Buffer.from("not gzip"), { "Content-Encoding": "gzip" });
    assert.equal(r.status, 400);
    // -influx.databaseNames and /influx/health.
    assert.equal(await (await tm.get("/influx/query?q=show+databases")).text(),
      `{"results":[{"statement_id":0,"series":[{"name":"databases","columns":["name"],"values":[["db1"],["db2"]]}]}]}`);
    r = await tm.get("/influx/health");
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(await r.text()) as { status: string }).status, "pass");
    // TCP: a bad line is logged and skipped, the connection goes on; an HTTP request sent there is explained.
    await sendTCP(tcpPort, `tcp1 v=1 ${ts}\nbad\ntcp2 v=2 ${ts}\n`);
    await sendTCP(tcpPort, "POST /write HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.equal((await exportUntil(tm.url, '{__name__=~"tcp.*"}', 2)).length, 2);
    const metrics = await (await tm.get("/metrics")).text();
    assert.equal(metricValue(metrics, `vm_rows_inserted_total{type="influx"}`), 6);
    // broken, m3, bad, and the two header lines of the HTTP request sent over TCP.
    assert.equal(metricValue(metrics, `vm_rows_invalid_total{type="influx"}`), 5);
    assert.equal(metricValue(metrics, `vm_http_requests_total{path="/influx/write", protocol="influx"}`), 4);
    // Stopping with a TCP connection open is clean.
    const idle = net.connect(tcpPort, "127.0.0.1");
    idle.on("error", () => {});
    await new Promise((res) => idle.once("connect", res));
    idle.write("partial li");
    assert.equal(await tm.stop(), 0);
    idle.destroy();
  } finally {
    await tm.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
