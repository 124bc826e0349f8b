// Graphite plaintext end to end: TCP and UDP on -graphiteListenAddr against
// the real server; the same lines sent to VictoriaMetrics 1.79.5 export the same.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import { metricValue, startServer, tempDir, which, freePort, listenerPort, sendTCP, sendUDP, exportUntil } from "./harness.ts";

const vmBin = which("victoria-metrics");
const skipVM = vmBin === undefined ? "victoria-metrics is not installed (apt-get install victoria-metrics; .ci/run installs it)" : false;

const T0 = Math.floor(Date.now() / 1000) - 3600;

function lines(prefix: string, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 20;
    out.push(`${prefix}.servers.web${i % 3}.cpu.user ${(i * 1.25).toFixed(2)} ${t}`);
    out.push(`${prefix}.disk;host=h${i % 2};mount=/var;dc=eu\t${i * 1e6}\t${t}.75`);
    out.push(`${prefix}.tagged;env=;novalue;=x;k=v=w -${i}.5e-2 ${t}\r`);
  }
  return out.join("\n") + "\n";
}

test("Graphite lines over TCP and UDP export the same from Tidemark and VictoriaMetrics 1.79.5", { skip: skipVM }, async () => {
  const vmDir = tempDir("vm-graphite-");
  const tmDir = tempDir();
  const [vmPort, vmGraphite] = [await freePort(), await freePort()];
  const args = ["-retentionPeriod=1y", "-graphiteTrimTimestamp=20s"];
  const vm = spawn(vmBin!, [`-httpListenAddr=127.0.0.1:${vmPort}`, `-graphiteListenAddr=127.0.0.1:${vmGraphite}`, `-storageDataPath=${vmDir}`, ...args], { stdio: "ignore" });
  const vmExited = new Promise((r) => vm.once("exit", r));
  const vmURL = `http://127.0.0.1:${vmPort}`;
  const tm = await startServer([`-storageDataPath=${tmDir}`, "-graphiteListenAddr=127.0.0.1:0", ...args]);
  try {
    const tmGraphite = await listenerPort(() => tm.stderr, "TCP Graphite");
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(vmURL + "/health")).status === 200) break; } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const port of [vmGraphite, tmGraphite]) {
      await sendTCP(port, lines("tcp", 60), 777);
      await sendUDP(port, lines("udp", 10));
    }
    // 3 cpu + 2 disk + 1 tagged series per protocol; UDP is processed asynchronously, so wait for all.
    const vmAll = await exportUntil(vmURL, '{__name__=~"(tcp|udp)\\\\..*"}', 12);
    assert.equal(vmAll.length, 12, "VictoriaMetrics stored every series");
    const tmAll = await exportUntil(tm.url, '{__name__=~"(tcp|udp)\\\\..*"}', 12);
    assert.deepEqual(tmAll, vmAll);
  } finally {
    vm.kill("SIGTERM");
    await tm.stop();
    await vmExited;
    fs.rmSync(vmDir, { recursive: true, force: true });
    fs.rmSync(tmDir, { recursive: true, force: true });
  }
});

test("Graphite: bad lines are counted and skipped, -graphite.sanitizeMetricName, slow senders, stop", async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-graphiteListenAddr=127.0.0.1:0", "-graphite.sanitizeMetricName"]);
  try {
    const port = await listenerPort(() => tm.stderr, "TCP Graphite");
    const t = T0 * 1000;
    await sendTCP(port, `a..b-c;ta-g=v-v 1 ${T0}\nbroken\nok.metric 2 ${T0}\n`);
    // A slow sender: its lines are stored as they complete, without waiting for the connection to end.
    const c = net.connect(port, "127.0.0.1");
    c.resume();
    await new Promise((r) => c.once("connect", r));
    c.write(`slow.one 3 ${T0}\nslow.t`);
    assert.deepEqual(await exportUntil(tm.url, '{__name__="slow.one"}', 1), [`{"__name__":"slow.one"} [3] [${t}]`]);
    c.write(`wo 4 ${T0}\n`);
    assert.deepEqual(await exportUntil(tm.url, '{__name__="slow.two"}', 1), [`{"__name__":"slow.two"} [4] [${t}]`]);
    assert.deepEqual(await exportUntil(tm.url, '{__name__=~"a.b_c|ok.metric"}', 2), [
      `{"__name__":"a.b_c","ta_g":"v-v"} [1] [${t}]`,
      `{"__name__":"ok.metric"} [2] [${t}]`,
    ]);
    const metrics = await (await tm.get("/metrics")).text();
    assert.equal(metricValue(metrics, `vm_rows_inserted_total{type="graphite"}`), 4);
    assert.equal(metricValue(metrics, `vm_rows_invalid_total{type="graphite"}`), 1);
    assert.equal(metricValue(metrics, `vm_ingestserver_requests_total{type="graphite", name="write", net="tcp"}`), 2);
    // Stopping with the slow connection still open is clean and quick.
    c.write("unfinished line");
    c.on("error", () => {});
    const t0 = Date.now();
    assert.equal(await tm.stop(), 0);
    assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0}ms`);
    c.destroy();
  } finally {
    await tm.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
