import { test } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import * as flags from "../flagutil/index.ts";
import { writePrometheus } from "../metrics/index.ts";
import { request, sleep, withServer } from "./_test_client.ts";
import { HttpServer } from "./server.ts";
import type { Handler } from "./server.ts";
import { HttpError } from "./http_error.ts";
import { sendText } from "./response.ts";

function metricValue(text: string, fullName: string): number {
  for (const line of text.split("\n")) {
    if (line.startsWith(fullName + " ")) return Number(line.slice(fullName.length + 1));
  }
  return 0;
}

const echo: Handler = (req, res) => {
  if (req.path === "/ok") { sendText(res, 200, `ok ${req.method} ${req.query.get("a") ?? ""}`); return true; }
  if (req.path === "/bad") throw new HttpError(400, "cannot parse query: got X; want Y");
  if (req.path === "/busy") throw new HttpError(503, "too many requests");
  if (req.path === "/crash") throw new TypeError("x is not a function");
  if (req.path === "/crash-async") return Promise.reject(new Error("async failure"));
  if (req.path === "/noend") return true;
  return false;
};

test("unsupported paths get VM's 400 answer and are counted", async () => {
  await withServer(echo, async (port) => {
    const before = metricValue(writePrometheus(), `vm_http_request_errors_total{path="*", reason="unsupported"}`);
    const f = async (path: string, wantBody: string) => {
      const r = await request(port, path);
      assert.equal(r.status, 400, `path=${path}`);
      assert.equal(r.body.toString(), wantBody, `path=${path}`);
      assert.equal(r.headers["content-type"], "text/plain; charset=utf-8", `path=${path}`);
    };
    await f("/foo", 'unsupported path requested: "/foo"\n');
    await f("/a%20b?x=1", 'unsupported path requested: "/a b"\n');
    await f("/q\"uote", 'unsupported path requested: "/q\\"uote"\n');
    const after = metricValue(writePrometheus(), `vm_http_request_errors_total{path="*", reason="unsupported"}`);
    assert.equal(after - before, 3);
  });
});

test("handler results and errors become responses; the server keeps serving", async () => {
  await withServer(echo, async (port) => {
    const f = async (path: string, status: number, body: string) => {
      const r = await request(port, path);
      assert.equal(r.status, status, `path=${path}`);
      assert.equal(r.body.toString(), body, `path=${path}`);
    };
    await f("/ok?a=1", 200, "ok GET 1");
    await f("/bad", 400, "cannot parse query: got X; want Y\n");
    await f("/busy", 503, "too many requests\n");
    await f("/crash", 500, "x is not a function\n");
    await f("/crash-async", 500, "async failure\n");
    await f("/noend", 500, 'BUG: the handler for "/noend" returned without a response\n');
    await f("/ok?a=2", 200, "ok GET 2");
    await f("/bad%zz", 400, 'cannot parse request URI "/bad%zz": got invalid percent-encoding in the path; want %XX with hex digits X\n');
  });
});

test("built-in routes, OPTIONS and request counters", async () => {
  await withServer(echo, async (port) => {
    const before = metricValue(writePrometheus(), "vm_http_requests_all_total");
    let r = await request(port, "/health");
    assert.deepEqual([r.status, r.body.toString()], [200, "OK"]);
    r = await request(port, "/ping");
    assert.equal(r.status, 204);
    r = await request(port, "/ping?verbose=true");
    assert.equal(r.status, 200);
    r = await request(port, "/-/healthy");
    assert.equal(r.status, 200);
    r = await request(port, "/robots.txt");
    assert.equal(r.body.toString(), "User-agent: *\nDisallow: /\n");
    r = await request(port, "/api/v1/query", { method: "OPTIONS" });
    assert.equal(r.status, 204);
    assert.equal(r.headers["access-control-allow-origin"], "*");
    r = await request(port, "/metrics");
    assert.equal(r.status, 200);
    const text = r.body.toString();
    assert.equal(metricValue(text, "vm_http_requests_all_total") - before, 7, text);
    assert.ok(metricValue(text, `vm_http_requests_total{path="/metrics"}`) >= 1, text);
  });
});

test("basic auth protects every path but the health checks", async () => {
  const user = flags.lookup("httpAuth.username")!;
  const pass = flags.lookup("httpAuth.password")!;
  user.set("alice");
  pass.set("s3cret");
  try {
    await withServer(echo, async (port) => {
      const auth = (u: string, p: string) => ({ authorization: "Basic " + Buffer.from(`${u}:${p}`).toString("base64") });
      const wrongBefore = metricValue(writePrometheus(), `vm_http_request_errors_total{path="*", reason="wrong_basic_auth"}`);
      const f = async (path: string, headers: http.OutgoingHttpHeaders, status: number) => {
        const r = await request(port, path, { headers });
        assert.equal(r.status, status, `path=${path} headers=${JSON.stringify(headers)}`);
        if (status === 401) assert.equal(r.headers["www-authenticate"], 'Basic realm="VictoriaMetrics"');
      };
      await f("/ok", {}, 401);
      await f("/ok", auth("alice", "wrong"), 401);
      await f("/ok", auth("bob", "s3cret"), 401);
      await f("/ok", { authorization: "Bearer xyz" }, 401);
      await f("/ok", auth("alice", "s3cret"), 200);
      await f("/metrics", {}, 401);
      await f("/metrics", auth("alice", "s3cret"), 200);
      await f("/health", {}, 200);
      await f("/ping", {}, 204);
      await f("/unknown", auth("alice", "s3cret"), 400);
      const wrongAfter = metricValue(writePrometheus(), `vm_http_request_errors_total{path="*", reason="wrong_basic_auth"}`);
      assert.equal(wrongAfter - wrongBefore, 2);
    });
  } finally {
    user.set("");
    pass.set("");
  }
});

test("-http.pathPrefix is required and stripped", async () => {
  const prefix = flags.lookup("http.pathPrefix")!;
  prefix.set("/vm");
  try {
    await withServer(echo, async (port) => {
      let r = await request(port, "/vm/ok?a=x");
      assert.deepEqual([r.status, r.body.toString()], [200, "ok GET x"]);
      r = await request(port, "/vm");
      assert.deepEqual([r.status, r.headers.location], [302, "/vm/"]);
      r = await request(port, "/ok");
      assert.deepEqual([r.status, r.body.toString()], [400, 'missing -http.pathPrefix="/vm" in the requested path "/ok"\n']);
      r = await request(port, "/vm/health");
      assert.equal(r.status, 200);
    });
  } finally {
    prefix.set("");
  }
});

test("start rejects bad or busy addresses", async () => {
  await assert.rejects(HttpServer.start({ listenAddr: "nope", handler: echo }), /cannot parse listen address "nope"/);
  await withServer(echo, async (port) => {
    await assert.rejects(HttpServer.start({ listenAddr: `127.0.0.1:${port}`, handler: echo }), /cannot start http server at 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  });
});

test("stop waits for an in-flight request and then refuses connections", async () => {
  let started!: () => void;
  const startedP = new Promise<void>((r) => { started = r; });
  const s = await HttpServer.start({
    listenAddr: "127.0.0.1:0",
    handler: async (req, res) => {
      started();
      await sleep(300);
      sendText(res, 200, "done");
      return true;
    },
  });
  const port = s.port;
  const replyP = request(port, "/slow");
  await startedP;
  let stopped = false;
  const stopP = s.stop({ maxGracefulShutdownMs: 5000, shutdownDelayMs: 0 }).then(() => { stopped = true; });
  await sleep(50);
  assert.equal(stopped, false, "stop must wait for the in-flight request");
  const reply = await replyP;
  assert.deepEqual([reply.status, reply.body.toString(), reply.headers.connection], [200, "done", "close"]);
  await stopP;
  await assert.rejects(request(port, "/x"), /ECONNREFUSED/);
});

test("stop closes idle keep-alive connections promptly", async () => {
  const s = await HttpServer.start({ listenAddr: "127.0.0.1:0", handler: echo });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const r = await request(s.port, "/ok", { agent });
    assert.equal(r.status, 200);
    const t0 = Date.now();
    await s.stop({ maxGracefulShutdownMs: 5000, shutdownDelayMs: 0 });
    assert.ok(Date.now() - t0 < 1000, `stop took ${Date.now() - t0}ms`);
  } finally {
    agent.destroy();
  }
});

test("stop cancels in-flight requests before the deadline, and fails past it", async () => {
  // A handler that honours req.signal is cancelled and answers 503.
  let s = await HttpServer.start({
    listenAddr: "127.0.0.1:0",
    handler: async (req) => {
      await new Promise<void>((resolve) => req.signal.addEventListener("abort", () => resolve()));
      throw req.signal.reason;
    },
  });
  let replyP = request(s.port, "/wait");
  await sleep(50);
  const t0 = Date.now();
  await s.stop({ maxGracefulShutdownMs: 500, shutdownDelayMs: 0 });
  const took = Date.now() - t0;
  assert.ok(took >= 350 && took < 500, `stop took ${took}ms; want about 400ms`);
  const reply = await replyP;
  assert.equal(reply.status, 503);
  assert.match(reply.body.toString(), /server is shutting down/);

  // A handler that ignores it is cut off at the deadline, and stop rejects.
  s = await HttpServer.start({ listenAddr: "127.0.0.1:0", handler: async () => { await sleep(600); return false; } });
  replyP = request(s.port, "/stuck");
  await sleep(50);
  await assert.rejects(s.stop({ maxGracefulShutdownMs: 200, shutdownDelayMs: 0 }), /cannot gracefully shutdown http server at 127\.0\.0\.1:0 in 0\.200s/);
  await assert.rejects(replyP, /socket hang up|ECONNRESET/);
});

test("/health fails during -http.shutdownDelay", async () => {
  const s = await HttpServer.start({ listenAddr: "127.0.0.1:0", handler: echo });
  const stopP = s.stop({ shutdownDelayMs: 300, maxGracefulShutdownMs: 1000 });
  await sleep(50);
  const r = await request(s.port, "/health");
  assert.equal(r.status, 503);
  assert.match(r.body.toString(), /^The server is in delayed shutdown mode, which will end in 0\.\d{3}s\n$/);
  assert.equal((await request(s.port, "/ok")).status, 200);
  await stopP;
});

test("-http.disableKeepAlive answers with Connection: close", async () => {
  const f = flags.lookup("http.disableKeepAlive")!;
  await withServer(echo, async (port) => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      assert.equal((await request(port, "/ok", { agent })).headers.connection, "keep-alive");
      f.set("true");
      assert.equal((await request(port, "/ok", { agent })).headers.connection, "close");
    } finally {
      f.set("false");
      agent.destroy();
    }
  });
});

test("-http.connTimeout closes old keep-alive connections", async () => {
  const f = flags.lookup("http.connTimeout")!;
  f.set("50ms");
  try {
    await withServer(echo, async (port) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const before = metricValue(writePrometheus(), "vm_http_conn_timeout_closed_conns_total");
        assert.equal((await request(port, "/ok", { agent })).headers.connection, "keep-alive");
        await sleep(100);
        assert.equal((await request(port, "/ok", { agent })).headers.connection, "close");
        assert.equal(metricValue(writePrometheus(), "vm_http_conn_timeout_closed_conns_total") - before, 1);
      } finally {
        agent.destroy();
      }
    });
  } finally {
    f.set("2m");
  }
});

test("misbehaving handlers do not crash the server", async () => {
  await withServer(async (req, res) => {
    if (req.path === "/write-after-end") {
      res.end("done");
      res.write("more");
      return true;
    }
    if (req.path === "/throw-string") throw "plain string";
    if (req.path === "/half-read") {
      // Read one chunk of the body, then answer: the connection must not hang on the rest.
      const it = (await import("./body.ts")).bodyStream(req, { maxSize: 1 << 30 });
      await it.next();
      await it.return();
      sendText(res, 200, "half");
      return true;
    }
    return false;
  }, async (port) => {
    assert.equal((await request(port, "/write-after-end")).body.toString(), "done");
    const r = await request(port, "/throw-string");
    assert.deepEqual([r.status, r.body.toString()], [500, "plain string\n"]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const half = await new Promise<string>((resolve, reject) => {
        const cr = http.request({ host: "127.0.0.1", port, path: "/half-read", method: "POST", agent, headers: { "transfer-encoding": "chunked" } }, (res) => {
          let b = "";
          res.on("data", (c: Buffer) => { b += c; });
          res.on("end", () => resolve(`${res.statusCode} ${b} ${res.headers.connection}`));
        });
        cr.on("error", (e: NodeJS.ErrnoException) => { if (e.code !== "EPIPE" && e.code !== "ECONNRESET") reject(e); });
        cr.write(Buffer.alloc(1000, 1)); // and never end the body
      });
      assert.equal(half, "200 half close");
      assert.equal((await request(port, "/write-after-end", { agent })).status, 200);
    } finally {
      agent.destroy();
    }
  });
});
