import { test } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import * as zlib from "node:zlib";
import * as crypto from "node:crypto";
import { request, withServer } from "./_test_client.ts";
import type { Reply } from "./_test_client.ts";
import type { Handler } from "./server.ts";
import { bodyStream, readBody } from "./body.ts";
import { sendText } from "./response.ts";

const maxSize = 1 << 20;

// The handler answers with the sha256 and length of the decoded body.
const digest: Handler = async (req, res) => {
  let body: Buffer;
  if (req.path === "/read") {
    body = await readBody(req, { maxSize });
  } else if (req.path === "/raw") {
    body = await readBody(req, { maxSize, decompress: false });
  } else if (req.path === "/stream") {
    const h = crypto.createHash("sha256");
    let n = 0;
    for await (const c of bodyStream(req, { maxSize, limitName: "maxInsertRequestSize" })) { h.update(c); n += c.length; }
    sendText(res, 200, `${n} ${h.digest("hex")}`);
    return true;
  } else {
    return false;
  }
  sendText(res, 200, `${body.length} ${crypto.createHash("sha256").update(body).digest("hex")}`);
  return true;
};

function expected(b: Buffer): string {
  return `${b.length} ${crypto.createHash("sha256").update(b).digest("hex")}`;
}

test("readBody and bodyStream decode Content-Encoding", async () => {
  const plain = Buffer.from("metric{a=\"b\"} 1 2\n".repeat(20000));
  await withServer(digest, async (port) => {
    const f = async (path: string, enc: string, body: Buffer, want: string) => {
      const r = await request(port, path, { method: "POST", headers: enc === "" ? {} : { "content-encoding": enc }, body });
      assert.deepEqual([r.status, r.body.toString()], [200, want], `path=${path} enc=${enc}`);
    };
    for (const path of ["/read", "/stream"]) {
      await f(path, "", plain, expected(plain));
      await f(path, "identity", plain, expected(plain));
      await f(path, "gzip", zlib.gzipSync(plain), expected(plain));
      await f(path, "GZIP", zlib.gzipSync(plain), expected(plain));
      await f(path, "deflate", zlib.deflateSync(plain), expected(plain));
      await f(path, "zstd", zlib.zstdCompressSync(plain), expected(plain));
      await f(path, "gzip", Buffer.concat([zlib.gzipSync(plain.subarray(0, 1000)), zlib.gzipSync(plain.subarray(1000))]), expected(plain));
      await f(path, "", Buffer.alloc(0), expected(Buffer.alloc(0)));
    }
    const gz = zlib.gzipSync(plain);
    await f("/raw", "gzip", gz, expected(gz));
  });
});

test("bad Content-Encoding or corrupt data get 400", async () => {
  await withServer(digest, async (port) => {
    const f = async (enc: string, body: Buffer, wantStatus: number, wantBody: RegExp) => {
      const r = await request(port, "/read", { method: "POST", headers: { "content-encoding": enc }, body });
      assert.equal(r.status, wantStatus, `enc=${enc}`);
      assert.match(r.body.toString(), wantBody, `enc=${enc}`);
    };
    await f("br", Buffer.from("x"), 400, /^cannot decompress request body: unsupported Content-Encoding "br"; want gzip, deflate, zstd or identity\n$/);
    await f("gzip", Buffer.from("not gzip at all"), 400, /^cannot decompress request body with Content-Encoding "gzip": /);
    await f("zstd", Buffer.from("not zstd at all"), 400, /^cannot decompress request body with Content-Encoding "zstd": /);
    const truncated = zlib.gzipSync(Buffer.alloc(100000, 1)).subarray(0, 50);
    await f("gzip", truncated, 400, /^cannot decompress request body with Content-Encoding "gzip": /);
  });
});

// rawRequest sends a POST with a chunked body of `total` bytes and returns the reply,
// ignoring write errors once the server has answered (it may close early).
function rawRequest(port: number, path: string, headers: http.OutgoingHttpHeaders, body: Buffer | ((w: http.ClientRequest) => void)): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: "127.0.0.1", port, path, method: "POST", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    r.on("error", (e: NodeJS.ErrnoException) => { if (e.code !== "EPIPE" && e.code !== "ECONNRESET") reject(e); });
    if (typeof body === "function") body(r); else r.end(body);
  });
}

test("413 by Content-Length, before the body is read", async () => {
  await withServer(digest, async (port) => {
    // Announce 100 MB but send nothing: the answer must come without the body.
    const r = await rawRequest(port, "/stream", { "content-length": String(100 << 20) }, (w) => w.flushHeaders());
    assert.equal(r.status, 413);
    assert.equal(r.headers.connection, "close");
    assert.equal(r.body.toString(), `too big request body: Content-Length=${100 << 20} exceeds -maxInsertRequestSize=${maxSize} bytes\n`);
  });
});

test("413 when the streamed body exceeds maxSize", async () => {
  await withServer(digest, async (port) => {
    for (const path of ["/read", "/stream"]) {
      let sent = 0;
      const r = await rawRequest(port, path, { "transfer-encoding": "chunked" }, (w) => {
        const chunk = Buffer.alloc(64 * 1024, 120);
        const pump = () => {
          while (sent < 8 * maxSize) {
            sent += chunk.length;
            if (!w.write(chunk)) { w.once("drain", pump); return; }
          }
          w.end();
        };
        pump();
      });
      assert.equal(r.status, 413, `path=${path}`);
      const limit = path === "/stream" ? `-maxInsertRequestSize=${maxSize} bytes` : `${maxSize} bytes`;
      assert.equal(r.body.toString(), `too big data size exceeding ${limit}\n`, `path=${path}`);
      assert.equal(r.headers.connection, "close", `path=${path}`);
    }
  });
});

test("413 when the decompressed body exceeds maxSize (gzip and zstd bombs)", async () => {
  const zeros = Buffer.alloc(16 * maxSize);
  const bombs: [string, Buffer][] = [["gzip", zlib.gzipSync(zeros)], ["zstd", zlib.zstdCompressSync(zeros)], ["deflate", zlib.deflateSync(zeros)]];
  await withServer(digest, async (port) => {
    for (const [enc, bomb] of bombs) {
      assert.ok(bomb.length < maxSize, `enc=${enc}: the bomb itself must fit in maxSize`);
      for (const path of ["/read", "/stream"]) {
        const r = await request(port, path, { method: "POST", headers: { "content-encoding": enc }, body: bomb });
        assert.equal(r.status, 413, `enc=${enc} path=${path}`);
        assert.match(r.body.toString(), /^too big decompressed data size exceeding /, `enc=${enc} path=${path}`);
      }
    }
  });
});

test("a body within the limit passes at exactly maxSize", async () => {
  await withServer(digest, async (port) => {
    const exact = crypto.randomBytes(maxSize);
    let r = await request(port, "/read", { method: "POST", body: exact });
    assert.deepEqual([r.status, r.body.toString()], [200, expected(exact)]);
    // The limit applies to the compressed size too: random data does not shrink.
    r = await request(port, "/read", { method: "POST", headers: { "content-encoding": "gzip" }, body: zlib.gzipSync(exact) });
    assert.equal(r.status, 413);
    const text = Buffer.alloc(maxSize, "abc");
    r = await request(port, "/read", { method: "POST", headers: { "content-encoding": "gzip" }, body: zlib.gzipSync(text) });
    assert.deepEqual([r.status, r.body.toString()], [200, expected(text)]);
    const over = Buffer.concat([exact, Buffer.from("x")]);
    r = await request(port, "/read", { method: "POST", body: over });
    assert.equal(r.status, 413);
  });
});
