// OpenTSDB end to end: telnet `put` over TCP and UDP and HTTP /api/put on
// -opentsdbListenAddr, HTTP /api/put on -opentsdbHTTPListenAddr, against the
// real server; the same data sent to VictoriaMetrics 1.79.5 export the same.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as zlib from "node:zlib";
import { metricValue, startServer, tempDir, which, freePort, listenerPort, sendTCP, sendUDP, exportUntil } from "./harness.ts";

const vmBin = which("victoria-metrics");
const skipVM = vmBin === undefined ? "victoria-metrics is not installed (apt-get install victoria-metrics; .ci/run installs it)" : false;

const T0 = Math.floor(Date.now() / 1000) - 3600;

function putLines(prefix: string, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`put ${prefix}.sys.cpu ${T0 + i * 15} ${(i * 0.37).toFixed(2)} host=web${i % 3} cpu=${i % 2}`);
    // Millisecond telnet timestamps are left out: 1.79.5 read every telnet timestamp as seconds (later versions and Tidemark do not).
    out.push(`  put  ${prefix}.sp   ${T0 + i * 15}  ${-i}e3 empty= dc=eu\r`);
    out.push(`put ${prefix}.notags ${T0 + i * 15} ${i}`);
  }
  return out.join("\n") + "\n";
}

function putJSON(prefix: string, n: number): string {
  const points: unknown[] = [];
  for (let i = 0; i < n; i++) {
    points.push({ metric: `${prefix}.http`, timestamp: T0 + i * 15, value: i * 1.5, tags: { host: `h${i % 2}`, "": "x" } });
    points.push({ metric: `${prefix}.str`, timestamp: String((T0 + i * 15) * 1000 + 7), value: String(i / 4) });
  }
  return JSON.stringify(points);
}

test("OpenTSDB telnet and HTTP data export the same from Tidemark and VictoriaMetrics 1.79.5", { skip: skipVM }, async () => {
  const vmDir = tempDir("vm-opentsdb-");
  const tmDir = tempDir();
  const [vmPort, vmTsdb, vmTsdbHTTP] = [await freePort(), await freePort(), await freePort()];
  const vm = spawn(vmBin!, [`-httpListenAddr=127.0.0.1:${vmPort}`, `-opentsdbListenAddr=127.0.0.1:${vmTsdb}`, `-opentsdbHTTPListenAddr=127.0.0.1:${vmTsdbHTTP}`,
    `-storageDataPath=${vmDir}`, "-retentionPeriod=1y"], { stdio: "ignore" });
  const vmExited = new Promise((r) => vm.once("exit", r));
  const vmURL = `http://127.0.0.1:${vmPort}`;
  const tm = await startServer([`-storageDataPath=${tmDir}`, "-retentionPeriod=1y", "-opentsdbListenAddr=127.0.0.1:0", "-opentsdbHTTPListenAddr=127.0.0.1:0"]);
  try {
    const tmTsdb = await listenerPort(() => tm.stderr, /started TCP OpenTSDB server at "[^"]*:(\d+)"/);
    const tmTsdbHTTP = await listenerPort(() => tm.stderr, /started HTTP OpenTSDB server at "[^"]*"; port (\d+)/);
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(vmURL + "/health")).status === 200) break; } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const [tsdb, tsdbHTTP] of [[vmTsdb, vmTsdbHTTP], [tmTsdb, tmTsdbHTTP]] as const) {
      await sendTCP(tsdb, putLines("tcp", 40));
      await sendUDP(tsdb, putLines("udp", 5));
      // HTTP on the telnet port (told apart by the first byte), and on its own port, gzipped.
      let r = await fetch(`http://127.0.0.1:${tsdb}/api/put`, { method: "POST", body: putJSON("switch", 20), headers: { "Content-Type": "application/json" } });
      assert.equal(r.status, 204, `port ${tsdb}`);
      r = await fetch(`http://127.0.0.1:${tsdbHTTP}/opentsdb/api/put`, { method: "POST", body: zlib.gzipSync(putJSON("own", 20)), headers: { "Content-Encoding": "gzip" } });
      assert.equal(r.status, 204, `port ${tsdbHTTP}`);
      r = await fetch(`http://127.0.0.1:${tsdbHTTP}/api/put`, { method: "POST", body: JSON.stringify({ metric: "single", timestamp: T0, value: 42, tags: { a: "b" } }) });
      assert.equal(r.status, 204, `port ${tsdbHTTP}`);
    }
    const match = '{__name__=~"(tcp|udp|switch|own)\\\\..*|single"}';
    // tcp: 6 cpu + sp + notags; udp: 5 cpu + sp + notags; switch and own: 2 http + str each; single.
    // UDP is processed asynchronously, so wait for all.
    const want = 8 + 7 + 3 + 3 + 1;
    const vmAll = await exportUntil(vmURL, match, want);
    assert.equal(vmAll.length, want, "VictoriaMetrics stored every series");
    const tmAll = await exportUntil(tm.url, match, want);
    assert.deepEqual(tmAll, vmAll);
  } finally {
    vm.kill("SIGTERM");
    await tm.stop();
    await vmExited;
    fs.rmSync(vmDir, { recursive: true, force: true });
    fs.rmSync(tmDir, { recursive: true, force: true });
  }
});

test("OpenTSDB: bad lines and data points are counted and skipped, HTTP answers 400 naming them, limits, stop", async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-opentsdbListenAddr=127.0.0.1:0", "-opentsdbHTTPListenAddr=127.0.0.1:0", "-opentsdbhttp.maxInsertRequestSize=1KB"]);
  try {
    const tsdb = await listenerPort(() => tm.stderr, /started TCP OpenTSDB server at "[^"]*:(\d+)"/);
    const tsdbHTTP = await listenerPort(() => tm.stderr, /started HTTP OpenTSDB server at "[^"]*"; port (\d+)/);
    await sendTCP(tsdb, `put a ${T0} 1 k=v\nput broken\nput b ${T0} 2\n`);
    const base = `http://127.0.0.1:${tsdbHTTP}`;
    let r = await fetch(base + "/api/put?extra_label=src=http", { method: "POST", body: `[{"metric":"c","value":3,"timestamp":${T0}},{"metric":"d"},{"value":1}]` });
    assert.equal(r.status, 400);
    assert.equal(await r.text(), "2 of 3 data points are invalid and were skipped; the valid ones were stored: " +
      "data point 2: cannot unmarshal OpenTSDB object {\"metric\":\"d\"}: missing `value` in {\"metric\":\"d\"}; " +
      "data point 3: cannot unmarshal OpenTSDB object {\"value\":1}: missing `metric` in {\"value\":1}\n");
    r = await fetch(base + "/api/put", { method: "POST", body: "{not json" });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /^cannot decode opentsdb data: cannot parse HTTP OpenTSDB json: /);
    r = await fetch(base + "/api/put", { method: "POST", body: "[" + "1,".repeat(1000) + "1]" });
    assert.equal(r.status, 413);
    r = await fetch(base + "/api/query", { method: "POST", body: "[]" });
    assert.equal(r.status, 400);
    assert.equal(await r.text(), `unexpected path requested on HTTP OpenTSDB server: "/api/query"\n`);
    const t = T0 * 1000;
    assert.deepEqual(await exportUntil(tm.url, '{__name__=~"a|b|c"}', 3), [
      `{"__name__":"a","k":"v"} [1] [${t}]`,
      `{"__name__":"b"} [2] [${t}]`,
      `{"__name__":"c","src":"http"} [3] [${t}]`,
    ]);
    const metrics = await (await tm.get("/metrics")).text();
    assert.equal(metricValue(metrics, `vm_rows_inserted_total{type="opentsdb"}`), 2);
    assert.equal(metricValue(metrics, `vm_rows_invalid_total{type="opentsdb"}`), 1);
    assert.equal(metricValue(metrics, `vm_rows_inserted_total{type="opentsdbhttp"}`), 1);
    assert.equal(metricValue(metrics, `vm_rows_invalid_total{type="opentsdbhttp"}`), 2);
    assert.equal(metricValue(metrics, `vm_ingestserver_requests_total{type="opentsdbhttp", name="write", net="tcp"}`), 4);
    assert.equal(metricValue(metrics, `vm_ingestserver_request_errors_total{type="opentsdbhttp", name="write", net="tcp"}`), 4);
    // Stop with an idle telnet connection and an idle keep-alive HTTP connection open.
    const idle = net.connect(tsdb, "127.0.0.1");
    idle.on("error", () => {});
    await new Promise((res) => idle.once("connect", res));
    idle.write("put unfinished");
    await fetch(base + "/api/put", { method: "POST", body: "[]" });
    const t0 = Date.now();
    assert.equal(await tm.stop(), 0);
    assert.ok(Date.now() - t0 < 6000, `stop took ${Date.now() - t0}ms`);
    idle.destroy();
  } finally {
    await tm.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
