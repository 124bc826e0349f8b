import { test } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import * as zlib from "node:zlib";
import * as crypto from "node:crypto";
import * as flags from "../flagutil/index.ts";
import { request, withServer } from "./_test_client.ts";
import { createResponseWriter, sendJSON, sendText } from "./response.ts";
import type { Request } from "./request.ts";

function decode(enc: string | undefined, body: Buffer): Buffer {
  if (enc === "gzip") return zlib.gunzipSync(body);
  if (enc === "zstd") return zlib.zstdDecompressSync(body);
  if (enc === undefined) return body;
  throw new Error(`unexpected Content-Encoding ${enc}`);
}

test("sendText and sendJSON compress bodies of 1 KB and more when accepted", async () => {
  const compression = flags.lookup("http.disableResponseCompression")!;
  await withServer((req, res) => {
    const n = Number(req.query.get("n"));
    if (req.path === "/json") sendJSON(res, 200, { data: "x".repeat(n) });
    else if (req.path === "/jsonstr") sendJSON(res, 201, '{"a":1}');
    else sendText(res, 200, "y".repeat(n));
    return true;
  }, async (port) => {
    const f = async (path: string, accept: string, wantEnc: string | undefined, wantType: string, wantBody: string, status = 200) => {
      const r = await request(port, path, { headers: accept === "" ? {} : { "accept-encoding": accept } });
      const what = `path=${path} accept=${JSON.stringify(accept)}`;
      assert.equal(r.status, status, what);
      assert.equal(r.headers["content-encoding"], wantEnc, what);
      assert.equal(r.headers["content-type"], wantType, what);
      assert.equal(Number(r.headers["content-length"]), r.body.length, what);
      assert.equal(r.headers.vary, compression.value ? undefined : "Accept-Encoding", what);
      assert.equal(decode(wantEnc, r.body).toString(), wantBody, what);
    };
    const text = "text/plain; charset=utf-8";
    await f("/t?n=1023", "gzip", undefined, text, "y".repeat(1023));
    await f("/t?n=1024", "gzip", "gzip", text, "y".repeat(1024));
    await f("/t?n=5000", "", undefined, text, "y".repeat(5000));
    await f("/t?n=5000", "gzip, deflate, br", "gzip", text, "y".repeat(5000));
    await f("/t?n=5000", "zstd", "zstd", text, "y".repeat(5000));
    await f("/t?n=5000", "gzip, zstd", "gzip", text, "y".repeat(5000));
    await f("/t?n=5000", "gzip;q=0.5, zstd", "zstd", text, "y".repeat(5000));
    await f("/t?n=5000", "gzip;q=0", undefined, text, "y".repeat(5000));
    await f("/t?n=5000", "deflate", undefined, text, "y".repeat(5000));
    await f("/json?n=2000", "gzip", "gzip", "application/json", JSON.stringify({ data: "x".repeat(2000) }));
    await f("/jsonstr", "gzip", undefined, "application/json", '{"a":1}', 201);
    compression.set("true");
    try {
      await f("/t?n=5000", "gzip", undefined, text, "y".repeat(5000));
    } finally {
      compression.set("false");
    }
  });
});

test("ResponseWriter: small bodies get Content-Length, large ones stream compressed", async () => {
  await withServer(async (req, res) => {
    const w = createResponseWriter(req, res, "application/jsonl");
    const n = Number(req.query.get("n"));
    for (let i = 0; i < n; i++) await w.write(`{"i":${i}}\n`);
    await w.end();
    return true;
  }, async (port) => {
    const want = (n: number) => Array.from({ length: n }, (_, i) => `{"i":${i}}\n`).join("");
    const f = async (n: number, accept: string, wantEnc: string | undefined, wantLength: boolean) => {
      const r = await request(port, `/w?n=${n}`, { headers: { "accept-encoding": accept } });
      const what = `n=${n} accept=${accept}`;
      assert.equal(r.status, 200, what);
      assert.equal(r.headers["content-type"], "application/jsonl", what);
      assert.equal(r.headers["content-encoding"], wantEnc, what);
      assert.equal(r.headers["content-length"] !== undefined, wantLength, what);
      assert.equal(r.headers["transfer-encoding"] === "chunked", !wantLength, what);
      assert.equal(decode(wantEnc, r.body).toString(), want(n), what);
    };
    await f(0, "gzip", undefined, true);
    await f(3, "gzip", undefined, true);
    await f(100, "gzip", undefined, true);
    await f(200, "identity", undefined, true);
    await f(200, "gzip", "gzip", false);
    await f(30000, "identity", undefined, false);
    await f(30000, "gzip", "gzip", false);
    await f(30000, "zstd", "zstd", false);
  });
});

test("ResponseWriter honours back-pressure from a slow client", async () => {
  const chunk = crypto.randomBytes(64 * 1024);
  const total = 32 << 20;
  let accepted = 0;
  let handlerDone!: Promise<void>;
  await withServer((req, res) => {
    handlerDone = (async () => {
      const w = createResponseWriter(req, res, "application/octet-stream");
      for (accepted = 0; accepted < total; accepted += chunk.length) await w.write(chunk);
      await w.end();
    })();
    return handlerDone.then(() => true);
  }, async (port) => {
    const got = await new Promise<{ n: number; hash: string; acceptedWhilePaused: number }>((resolve, reject) => {
      const r = http.request({ host: "127.0.0.1", port, path: "/big", agent: false }, (res) => {
        res.pause();
        setTimeout(() => {
          const acceptedWhilePaused = accepted;
          const h = crypto.createHash("sha256");
          let n = 0;
          res.on("data", (c: Buffer) => { n += c.length; h.update(c); });
          res.on("end", () => resolve({ n, hash: h.digest("hex"), acceptedWhilePaused }));
          res.resume();
        }, 300);
      });
      r.on("error", reject);
      r.end();
    });
    await handlerDone;
    const h = crypto.createHash("sha256");
    for (let i = 0; i < total; i += chunk.length) h.update(chunk);
    assert.equal(got.n, total);
    assert.equal(got.hash, h.digest("hex"));
    assert.ok(got.acceptedWhilePaused < total / 2, `the writer accepted ${got.acceptedWhilePaused} of ${total} bytes while the client was not reading`);
  });
});

test("a client that disconnects makes write() reject with ClientDisconnected and aborts req.signal", async () => {
  for (const accept of ["identity", "gzip"]) {
    let result!: Promise<{ name: string; aborted: boolean; written: number }>;
    await withServer((req: Request, res) => {
      result = (async () => {
        const w = createResponseWriter(req, res, "text/plain");
        const chunk = crypto.randomBytes(16 * 1024).toString("hex");
        let written = 0;
        try {
          for (;;) { await w.write(chunk); written += chunk.length; }
        } catch (e) {
          return { name: (e as Error).name, aborted: req.signal.aborted, written };
        }
      })();
      return result.then(() => true);
    }, async (port) => {
      await new Promise<void>((resolve, reject) => {
        const r = http.request({ host: "127.0.0.1", port, path: "/endless", agent: false, headers: { "accept-encoding": accept } }, (res) => {
          res.once("data", () => { r.destroy(); resolve(); });
        });
        r.on("error", (e: NodeJS.ErrnoException) => { if (e.code !== "ECONNRESET") reject(e); });
        r.end();
      });
      let timer: NodeJS.Timeout | undefined;
      const got = await Promise.race([result, new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), 3000); })]);
      clearTimeout(timer);
      assert.ok(got !== undefined, `accept=${accept}: the writer did not stop after the client went away`);
      assert.equal(got.name, "ClientDisconnected", `accept=${accept}`);
      assert.equal(got.aborted, true, `accept=${accept}`);
      assert.ok(got.written > 0, `accept=${accept}`);
    });
  }
});

test("ResponseWriter.flush sends buffered data before the end", async () => {
  for (const accept of ["identity", "gzip"]) {
    let clientGotData!: () => void;
    const clientGotDataP = new Promise<void>((r) => { clientGotData = r; });
    await withServer(async (req, res) => {
      const w = createResponseWriter(req, res, "text/plain");
      await w.write("first line\n");
      await w.flush();
      await clientGotDataP;
      await w.end("second line\n");
      return true;
    }, async (port) => {
      const body = await new Promise<Buffer>((resolve, reject) => {
        const r = http.request({ host: "127.0.0.1", port, path: "/live", agent: false, headers: { "accept-encoding": accept } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => { chunks.push(c); clientGotData(); });
          res.on("end", () => resolve(decode(res.headers["content-encoding"], Buffer.concat(chunks))));
        });
        r.on("error", reject);
        r.end();
      });
      assert.equal(body.toString(), "first line\nsecond line\n", `accept=${accept}`);
    });
  }
});
