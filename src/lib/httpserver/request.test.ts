import { test } from "node:test";
import assert from "node:assert/strict";
import { request, withServer } from "./_test_client.ts";
import { parseRequestTarget } from "./request.ts";
import { sendJSON } from "./response.ts";
import { HttpError } from "./http_error.ts";
import { errorContext } from "./send_error.ts";

test("parseRequestTarget decodes the path and keeps the raw query", () => {
  const f = (uri: string, path: string, rawQuery: string, error = false) => {
    const t = parseRequestTarget(uri);
    assert.deepEqual([t.path, t.rawQuery, t.error !== undefined], [path, rawQuery, error], `uri=${JSON.stringify(uri)}`);
  };
  f("/", "/", "");
  f("/api/v1/query?query=up&time=1", "/api/v1/query", "query=up&time=1");
  f("/api/v1/label/a%2Fb/values", "/api/v1/label/a/b/values", "");
  f("/a+b%20c", "/a+b c", "");
  f("/%E2%82%AC", "/€", "");
  f("/%ff", "/\ufffd", "");
  f("/x?", "/x", "");
  f("/x#frag", "/x", "");
  f("/../etc//passwd", "/../etc//passwd", "");
  f("http://example.com:8428/api/v1/write?extra_label=a", "/api/v1/write", "extra_label=a");
  f("http://example.com", "/", "");
  f("*", "*", "");
  f("/bad%zz", "/bad%zz", "", true);
  f("/bad%2", "/bad%2", "", true);
  f("/bad%", "/bad%", "", true);
});

test("formArgs merges an urlencoded POST body before the query args", async () => {
  await withServer(async (req, res) => {
    const form = await req.formArgs();
    if (req.path === "/fail") throw new HttpError(400, "cannot parse form");
    sendJSON(res, 200, { all: [...form], query: req.query.get("query"), q: form.get("query"), again: (await req.formArgs()) === form, ua: req.header("User-Agent"), none: req.header("x-none") });
    return true;
  }, async (port) => {
    const f = async (method: string, contentType: string | undefined, body: string | undefined, path: string, want: object) => {
      const headers = contentType === undefined ? {} : { "content-type": contentType };
      const r = await request(port, path, { method, headers: { ...headers, "user-agent": "t" }, body });
      assert.equal(r.status, 200, `method=${method} ct=${contentType} body=${body} path=${path}: ${r.body}`);
      assert.deepEqual(JSON.parse(r.body.toString()), { ua: "t", none: "", again: true, ...want }, `method=${method} ct=${contentType} body=${body} path=${path}`);
    };
    await f("GET", undefined, undefined, "/q?query=up", { all: [["query", "up"]], query: "up", q: "up" });
    await f("POST", "application/x-www-form-urlencoded", "query=rate(x%5B5m%5D)&step=15", "/q?query=up",
      { all: [["query", "rate(x[5m])"], ["step", "15"], ["query", "up"]], query: "up", q: "rate(x[5m])" });
    await f("POST", "application/x-www-form-urlencoded; charset=UTF-8", "a=1+2", "/q", { all: [["a", "1 2"]], query: null, q: null });
    await f("PUT", "application/x-www-form-urlencoded", "a=1", "/q", { all: [["a", "1"]], query: null, q: null });
    await f("POST", "text/plain", "a=1", "/q", { all: [], query: null, q: null });
    await f("GET", "application/x-www-form-urlencoded", "a=1", "/q", { all: [], query: null, q: null });
  });
});

test("errorContext names the client and the request URI with POST args, authKey masked", async () => {
  let ctx = "";
  await withServer(async (req) => {
    await req.formArgs();
    ctx = errorContext(req);
    throw new HttpError(400, "boom");
  }, async (port) => {
    const r = await request(port, "/api/v1/query?x=1", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "10.0.0.1" },
      body: "query=up&authKey=topsecret",
    });
    assert.equal(r.status, 400);
    assert.match(ctx, /^remoteAddr: "127\.0\.0\.1:\d+, X-Forwarded-For: 10\.0\.0\.1"; requestURI: \/api\/v1\/query\?x=1&query=up&authKey=secret$/);
  });
});
