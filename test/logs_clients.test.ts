// Real log shippers against the real process: rsyslog forwarding RFC5424
// over TCP (octet-counted) and the OpenTelemetry JS SDK's OTLP log exporter.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { freePort, startServer, tempDir, which, type Server } from "./harness.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function rowsUntil(s: Server, q: string, want: number, timeoutMs = 15_000): Promise<Record<string, string>[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await s.get(`/select/logsql/query?query=${encodeURIComponent(q)}`);
    const text = await r.text();
    assert.equal(r.status, 200, text);
    const rows = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, string>);
    if (rows.length >= want || Date.now() > deadline) return rows;
    await sleep(100);
  }
}

async function waitListening(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => {
        c.destroy();
        resolve(true);
      });
      c.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await sleep(100);
  }
}

const rsyslogd = which("rsyslogd") ?? (fs.existsSync("/usr/sbin/rsyslogd") ? "/usr/sbin/rsyslogd" : undefined);
const logger = which("logger");
const rsyslogSkip = rsyslogd === undefined ? "rsyslogd is not installed (apt-get install rsyslog; .ci/run installs it)" : logger === undefined ? "logger (util-linux) is not installed" : false;

test("rsyslog forwards RFC5424 over TCP (octet-counted) into the syslog listener", { skip: rsyslogSkip }, async () => {
  const syslogPort = await freePort();
  const s = await startServer([`-storageDataPath=${tempDir()}`, `-syslog.listenAddr.tcp=127.0.0.1:${syslogPort}`]);
  const work = tempDir("tidemark-rsyslog-");
  const inPort = await freePort();
  const conf = path.join(work, "rsyslog.conf");
  fs.writeFileSync(conf, [
    `global(workDirectory="${work}")`,
    `module(load="imtcp")`,
    `input(type="imtcp" address="127.0.0.1" port="${inPort}")`,
    `*.* action(type="omfwd" target="127.0.0.1" port="${syslogPort}" protocol="tcp" tcp_framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")`,
    "",
  ].join("\n"));
  const rs = spawn(rsyslogd!, ["-n", "-f", conf, "-i", path.join(work, "rsyslogd.pid")], { stdio: ["ignore", "pipe", "pipe"] });
  let rsOut = "";
  rs.stdout!.on("data", (d: Buffer) => (rsOut += d.toString()));
  rs.stderr!.on("data", (d: Buffer) => (rsOut += d.toString()));
  try {
    await waitListening(inPort);
    for (let i = 0; i < 3; i++) {
      const code = await new Promise<number | null>((resolve) => spawn(logger!, ["--server", "127.0.0.1", "--port", String(inPort), "--tcp", "--rfc5424", "-t", "rsysapp", "-p", "user.warning", `via rsyslog ${i}`], { stdio: "ignore" }).on("exit", resolve));
      assert.equal(code, 0);
    }
    const rows = await rowsUntil(s, "rsyslog", 3);
    assert.equal(rows.length, 3, `rows: ${JSON.stringify(rows)}; rsyslogd: ${rsOut}`);
    const r = rows.find((x) => x._msg === "via rsyslog 1")!;
    assert.ok(r !== undefined, JSON.stringify(rows));
    assert.equal(r.app_name, "rsysapp");
    assert.equal(r.format, "rfc5424");
    assert.equal(r.facility_keyword ?? r.facility, r.facility_keyword !== undefined ? "user" : "1");
    assert.ok(r._stream.includes(`app_name="rsysapp"`), r._stream);
  } finally {
    rs.kill("SIGTERM");
    await s.stop();
  }
});

let sdkSkip: string | false = false;
try {
  await import("@opentelemetry/sdk-logs");
  await import("@opentelemetry/exporter-logs-otlp-proto");
} catch {
  sdkSkip = "the OpenTelemetry logs SDK is not installed (npm ci)";
}

test("the OpenTelemetry JS SDK's OTLP log exporter", { skip: sdkSkip }, async () => {
  type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const sdk: Any = await import("@opentelemetry/sdk-logs");
  const exp: Any = await import("@opentelemetry/exporter-logs-otlp-proto");
  const res: Any = await import("@opentelemetry/resources");
  const s = await startServer([`-storageDataPath=${tempDir()}`]);
  try {
    const exporter = new exp.OTLPLogExporter({ url: `${s.url}/insert/opentelemetry/v1/logs` });
    const provider = new sdk.LoggerProvider({
      resource: res.resourceFromAttributes({ "service.name": "otel-sdk-test", "host.name": "h9" }),
      processors: [new sdk.SimpleLogRecordProcessor({ exporter })],
    });
    const log = provider.getLogger("tidemark-test", "1.0.0");
    const t = Date.now() - 1000;
    log.emit({ body: "sdk entry one", severityText: "INFO", severityNumber: 9, timestamp: t, attributes: { "user.id": "u1", count: 3 } });
    log.emit({ body: "sdk entry two", severityText: "ERROR", severityNumber: 17, timestamp: t + 1 });
    await provider.forceFlush();
    await provider.shutdown();
    const rows = await rowsUntil(s, "sdk", 2);
    assert.equal(rows.length, 2, JSON.stringify(rows));
    const one = rows.find((x) => x._msg === "sdk entry one")!;
    assert.equal(one["service.name"], "otel-sdk-test");
    assert.equal(one["user.id"], "u1");
    assert.equal(one.count, "3");
    assert.equal(one.severity, "INFO");
    assert.ok(one._stream.includes(`service.name="otel-sdk-test"`), one._stream);
    assert.equal(Date.parse(one._time), t);
  } finally {
    await s.stop();
  }
});
