import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { request, withServer } from "./_test_client.ts";
import { HttpError } from "./http_error.ts";

test("an error before the headers: status, text/plain message, nosniff", async () => {
  await withServer((req, res) => {
    res.setHeader("Content-Encoding", "gzip");
    res.setHeader("Content-Length", "12345");
    throw new HttpError(422, "cannot parse <x>");
  }, async (port) => {
    const r = await request(port, "/x");
    assert.equal(r.status, 422);
    assert.equal(r.body.toString(), "cannot parse <x>\n");
    assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    assert.equal(r.headers["content-encoding"], undefined);
    assert.equal(r.headers["content-length"], String(r.body.length));
  });
});

test("an error after the headers: the message is appended and the response is broken", async () => {
  await withServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("partial result\n");
    throw new Error("storage <failed>");
  }, async (port) => {
    // A raw socket shows the bytes as sent; node:http's client would just fail on them.
    const raw = await new Promise<string>((resolve, reject) => {
      const c = net.connect(port, "127.0.0.1", () => c.write("GET /x HTTP/1.1\r\nHost: t\r\n\r\n"));
      let d = "";
      c.on("data", (b: Buffer) => { d += b.toString(); });
      c.on("close", () => resolve(d));
      c.on("error", reject);
    });
    const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
    assert.match(raw, /^HTTP\/1\.1 200 OK\r\n/);
    // node:http may coalesce the chunks; what matters is their content and the missing last chunk.
    assert.match(body, /^[0-9a-f]+\r\npartial result\n(\r\n[0-9a-f]+\r\n)?\nstorage &lt;failed&gt;\n\r\n\nthe connection has been aborted; see the last line in the response and\/or in the server log for the reason\n$/);
    assert.ok(!body.includes("\r\n0\r\n\r\n"), "the chunked body must not be terminated");
  });
});
