import { test } from "node:test";
import assert from "node:assert/strict";
import * as flags from "../flagutil/index.ts";
import { counter } from "../metrics/index.ts";
import { request, withServer } from "./_test_client.ts";

test("/metrics serves the self-metrics, guarded by -metricsAuthKey when set", async () => {
  counter(`tidemark_test_builtin_total`).add(42);
  const key = flags.lookup("metricsAuthKey")!;
  await withServer(() => false, async (port) => {
    let r = await request(port, "/metrics");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
    assert.match(r.body.toString(), /^tidemark_test_builtin_total 42$/m);
    key.set("mk");
    try {
      r = await request(port, "/metrics");
      assert.deepEqual([r.status, r.body.toString()], [401, "Expected to receive non-empty authKey when -metricsAuthKey is set\n"]);
      r = await request(port, "/metrics?authKey=mk");
      assert.equal(r.status, 200);
    } finally {
      key.set("");
    }
  });
});

test("built-in routes answer without a handler, unless disabled", async () => {
  const paths: [string, number, string][] = [
    ["/health", 200, "OK"],
    ["/ping", 204, ""],
    ["/ping?verbose=true", 200, ""],
    ["/-/healthy", 200, "VictoriaMetrics is Healthy.\n"],
    ["/-/ready", 200, "VictoriaMetrics is Ready.\n"],
    ["/robots.txt", 200, "User-agent: *\nDisallow: /\n"],
  ];
  await withServer(() => false, async (port) => {
    for (const [path, status, body] of paths) {
      const r = await request(port, path);
      assert.deepEqual([r.status, r.body.toString()], [status, body], `path=${path}`);
    }
  });
  await withServer(() => false, async (port) => {
    for (const [path] of paths) {
      const r = await request(port, path);
      assert.equal(r.status, 400, `path=${path} with disableBuiltinRoutes`);
    }
  }, { disableBuiltinRoutes: true });
});
