import { test } from "node:test";
import assert from "node:assert/strict";
import * as dgram from "node:dgram";
import * as net from "node:net";
import { LineListeners } from "./line_listeners.ts";
import { UdpServer } from "./udp_server.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function send(port: number, msg: string): Promise<void> {
  const c = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => c.send(msg, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
  c.close();
}

test("UdpServer hands over each datagram's lines; a failing handler does not stop it", async () => {
  const got: string[] = [];
  const s = await UdpServer.start({
    name: "test", listenAddr: "127.0.0.1:0",
    onLines: (d, c) => {
      if (d.toString() === "boom") throw new Error("boom");
      got.push(`${c.net}:${c.lineNumber}:${d.toString()}`);
    },
  });
  try {
    await send(s.port, "a 1\nb 2");
    await send(s.port, "boom");
    await send(s.port, "c 3\n");
    await until(() => got.length === 2, "two datagrams");
    assert.deepEqual(got, ["udp:1:a 1\nb 2", "udp:1:c 3\n"]);
  } finally {
    await s.stop();
  }
  await s.stop();
});

test("LineListeners serve TCP and UDP on one port, also when asked for port 0", async () => {
  const got: string[] = [];
  const l = await LineListeners.start({ name: "test", listenAddr: "127.0.0.1:0", maxLineLen: 100, onLines: (d, c) => { got.push(`${c.net}:${d.toString()}`); } });
  try {
    assert.equal(l.udp.port, l.tcp.port);
    await send(l.udp.port, "u 1");
    const c = net.connect(l.tcp.port, "127.0.0.1");
    c.resume();
    c.end("t 1\n");
    await until(() => got.length === 2, "both lines");
    assert.deepEqual(got.sort(), ["tcp:t 1", "udp:u 1"]);
  } finally {
    await l.stop();
  }
  // A busy UDP port fails the start and leaves nothing listening.
  const busy = dgram.createSocket("udp4");
  await new Promise<void>((r) => busy.bind(0, "127.0.0.1", () => r()));
  const port = busy.address().port;
  try {
    await assert.rejects(LineListeners.start({ name: "test", listenAddr: `127.0.0.1:${port}`, maxLineLen: 100, onLines: () => {} }), /cannot start UDP test server/);
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => { probe.once("error", reject); probe.listen(port, "127.0.0.1", () => resolve()); });
    await new Promise((r) => probe.close(r));
  } finally {
    busy.close();
  }
});
