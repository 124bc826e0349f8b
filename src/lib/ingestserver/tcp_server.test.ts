import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { readBody } from "../httpserver/index.ts";
import { ConnHttpServer } from "./conn_http_server.ts";
import { type Conn, TcpServer, type TcpServerOptions } from "./tcp_server.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function connect(port: number): Promise<net.Socket> {
  const c = net.connect(port, "127.0.0.1");
  c.on("error", () => {});
  c.resume();
  await new Promise<void>((resolve, reject) => { c.once("connect", resolve); c.once("error", reject); });
  return c;
}

function closed(c: net.Socket): Promise<void> {
  return new Promise((resolve) => { if (c.destroyed) resolve(); else c.once("close", () => resolve()); });
}

async function start(o: Partial<TcpServerOptions> = {}) {
  const got: string[] = [];
  const s = await TcpServer.start({
    name: "test", listenAddr: "127.0.0.1:0", maxLineLen: 100,
    onLines: (d: Buffer, c: Conn) => { got.push(`${c.lineNumber}:${d.toString()}`); },
    ...o,
  });
  return { s, got };
}

test("TcpServer hands over whole lines as they arrive, numbered per connection", async () => {
  const { s, got } = await start();
  try {
    const c = await connect(s.port);
    c.write("a 1\nb");
    await until(() => got.length === 1, "the first line");
    assert.deepEqual(got, ["1:a 1"], "a complete line is processed before more data arrives");
    c.write(" 2\nc 3\nd");
    await until(() => got.length === 2, "the next lines");
    c.end(" 4");
    await closed(c);
    await until(() => got.length === 3, "the unfinished line at EOF");
    assert.deepEqual(got, ["1:a 1", "2:b 2\nc 3", "4:d 4"]);
    const c2 = await connect(s.port);
    c2.end("x\n");
    await closed(c2);
    await until(() => got.length === 4, "the second connection's line");
    assert.equal(got[3], "1:x");
  } finally {
    await s.stop();
  }
});

test("TcpServer closes a connection whose line is too long, or whose handler throws, and keeps serving others", async () => {
  const { s, got } = await start({ maxLineLen: 10, onLines: (d) => { if (d.includes("boom")) throw new Error("boom"); got.push(d.toString()); } });
  try {
    const good = await connect(s.port);
    const bad = await connect(s.port);
    bad.write("ok\n" + "x".repeat(20));
    await closed(bad);
    const bad2 = await connect(s.port);
    bad2.write("boom\nlater\n");
    await closed(bad2);
    good.write("fine\n");
    await until(() => got.includes("fine"), "the good connection's line");
    assert.deepEqual(got, ["ok", "fine"]);
    good.destroy();
  } finally {
    await s.stop();
  }
});

test("TcpServer bounds unfinished lines across connections and the number of connections", async () => {
  const { s } = await start({ maxLineLen: 1000, maxPendingBytes: 1500 });
  try {
    const a = await connect(s.port);
    a.write("y".repeat(900));
    await sleep(50);
    const b = await connect(s.port);
    b.write("z".repeat(900));
    await closed(b);
    assert.equal(a.destroyed, false, "the connection under the budget stays open");
    a.destroy();
  } finally {
    await s.stop();
  }
  const { s: s2, got } = await start({ maxConnections: 1 });
  try {
    const a = await connect(s2.port);
    const b = await connect(s2.port);
    await closed(b);
    a.end("still here\n");
    await until(() => got.length === 1, "the first connection's line");
    assert.deepEqual(got, ["1:still here"]);
  } finally {
    await s2.stop();
  }
});

test("TcpServer serves HTTP on the same port when the first byte says so", async () => {
  const http = new ConnHttpServer("test-http", async (req, res) => {
    const b = await readBody(req, { maxSize: 1 << 20 });
    res.statusCode = 200;
    res.end(`${req.method} ${req.path} ${b.length}`);
  });
  const { s, got } = await start({ http: { server: http, linesFirstByte: 0x70 } });
  try {
    const c = await connect(s.port);
    c.end("put a\nput b");
    await closed(c);
    await until(() => got.length === 2, "the telnet lines");
    assert.deepEqual(got, ["1:put a", "2:put b"]);
    const body = "x".repeat(300_000);
    const r = await fetch(`http://127.0.0.1:${s.port}/api/put`, { method: "POST", body });
    assert.equal(await r.text(), `POST /api/put ${body.length}`);
    // A keep-alive connection left open does not hold up stop().
    const r2 = await fetch(`http://127.0.0.1:${s.port}/x`);
    assert.equal(await r2.text(), "GET /x 0");
  } finally {
    const t0 = Date.now();
    await s.stop();
    assert.ok(Date.now() - t0 < 2000, `stop took ${Date.now() - t0}ms`);
  }
});

test("TcpServer.stop closes open connections and the listener", async () => {
  const { s, got } = await start();
  const c = await connect(s.port);
  c.write("a\nunfinished");
  await until(() => got.length === 1, "the first line");
  await s.stop();
  await closed(c);
  await assert.rejects(connect(s.port));
  assert.deepEqual(got, ["1:a"], "the unfinished line is dropped");
  await s.stop();
});

test("TcpServer.start rejects an address in use or a bad address", async () => {
  const { s } = await start();
  try {
    await assert.rejects(TcpServer.start({ name: "test", listenAddr: `127.0.0.1:${s.port}`, maxLineLen: 10, onLines: () => {} }), /cannot start TCP test server at "127.0.0.1:\d+": .*EADDRINUSE/);
    await assert.rejects(TcpServer.start({ name: "test", listenAddr: "nonsense", maxLineLen: 10, onLines: () => {} }), /cannot parse listen address/);
  } finally {
    await s.stop();
  }
});
