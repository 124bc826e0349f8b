import { test } from "node:test";
import assert from "node:assert/strict";
import { writePrometheus } from "../metrics/index.ts";
import { request, withServer } from "./_test_client.ts";
import { Router } from "./router.ts";
import { HttpError } from "./http_error.ts";
import { sendText } from "./response.ts";

function metric(fullName: string): number {
  const line = writePrometheus().split("\n").find((l) => l.startsWith(fullName + " "));
  return line === undefined ? NaN : Number(line.slice(fullName.length + 1));
}

test("Router matches exact paths, then the longest prefix", async () => {
  const r = new Router();
  const reply = (name: string) => (req: { path: string }, res: Parameters<Parameters<Router["add"]>[1]>[1]) => sendText(res, 200, `${name} ${req.path}`);
  r.add("/api/v1/query", reply("query"));
  r.add("/api/v1/*", reply("v1"));
  r.add("/api/*", reply("api"));
  r.add("/api/v1/write", reply("write"), { methods: ["POST"], protocol: "promremotewrite" });
  r.add("/fail", () => { throw new HttpError(400, "cannot parse x"); });
  assert.throws(() => r.add("/api/v1/query", reply("again")), /^Error: BUG: route "\/api\/v1\/query" is registered twice$/);
  assert.throws(() => r.add("/api/*", reply("again")), /^Error: BUG: route "\/api\/\*" is registered twice$/);
  assert.throws(() => r.add("nope", reply("x")), /must start with "\/"/);
  await withServer(r.handle, async (port) => {
    const f = async (method: string, path: string, status: number, body: string) => {
      const res = await request(port, path, { method });
      assert.deepEqual([res.status, res.body.toString()], [status, body], `method=${method} path=${path}`);
      return res;
    };
    await f("GET", "/api/v1/query?query=up", 200, "query /api/v1/query");
    await f("GET", "/api/v1/query_range", 200, "v1 /api/v1/query_range");
    await f("GET", "/api/v2/x", 200, "api /api/v2/x");
    await f("GET", "/api", 400, 'unsupported path requested: "/api"\n');
    await f("POST", "/api/v1/write", 200, "write /api/v1/write");
    const res = await f("GET", "/api/v1/write", 405, 'unsupported method GET for path "/api/v1/write"; want POST\n');
    assert.equal(res.headers.allow, "POST");
    await f("GET", "/fail", 400, "cannot parse x\n");
  });
  const f = (name: string, want: number) => assert.equal(metric(name), want, name);
  f(`vm_http_requests_total{path="/api/v1/query"}`, 1);
  f(`vm_http_requests_total{path="/api/v1/*"}`, 1);
  f(`vm_http_requests_total{path="/api/v1/write", protocol="promremotewrite"}`, 2);
  f(`vm_http_request_errors_total{path="/api/v1/write", protocol="promremotewrite"}`, 1);
  f(`vm_http_request_errors_total{path="/api/v1/query"}`, 0);
  f(`vm_http_requests_total{path="/fail"}`, 1);
  f(`vm_http_request_errors_total{path="/fail"}`, 1);
  f(`vm_request_duration_seconds_count{path="/api/v1/query"}`, 1);
  assert.ok(metric(`vm_request_duration_seconds_sum{path="/api/v1/query"}`) >= 0);
});

test("Router metricPath names the route in its metrics", async () => {
  const r = new Router();
  r.add("/api/v1/label/*", (req, res) => sendText(res, 200, req.path), { metricPath: "/api/v1/label/{}/values" });
  await withServer(r.handle, async (port) => {
    assert.equal((await request(port, "/api/v1/label/job/values")).status, 200);
  });
  assert.equal(metric(`vm_http_requests_total{path="/api/v1/label/{}/values"}`), 1);
});
