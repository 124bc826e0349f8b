import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError, readBody } from "../httpserver/index.ts";
import { ConnHttpServer } from "./conn_http_server.ts";

test("ConnHttpServer serves its handler, answers errors like VictoriaMetrics and stops after requests in flight", async () => {
  let release: () => void = () => {};
  const s = new ConnHttpServer("test", async (req, res) => {
    if (req.path === "/bad") throw new HttpError(400, "cannot parse x: got y; want z");
    if (req.path === "/slow") await new Promise<void>((r) => { release = r; });
    const b = await readBody(req, { maxSize: 10, limitName: "test.max" });
    res.statusCode = 204;
    res.setHeader("X-Len", String(b.length));
    res.end();
  });
  const port = await s.listen("127.0.0.1:0");
  const url = `http://127.0.0.1:${port}`;
  let r = await fetch(url + "/ok", { method: "POST", body: "abc" });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get("x-len"), "3");
  r = await fetch(url + "/bad");
  assert.equal(r.status, 400);
  assert.equal(await r.text(), "cannot parse x: got y; want z\n");
  r = await fetch(url + "/ok", { method: "POST", body: "x".repeat(100) });
  assert.equal(r.status, 413);
  const slow = fetch(url + "/slow", { method: "POST", body: "1" });
  await new Promise((r) => setTimeout(r, 50));
  const stopped = s.stop(2000);
  await new Promise((r) => setTimeout(r, 50));
  release();
  assert.equal((await slow).status, 204, "the request in flight finishes");
  await stopped;
  await assert.rejects(fetch(url + "/ok"));
});
