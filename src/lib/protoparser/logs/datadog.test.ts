import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeDatadogLogs } from "./datadog.ts";
import { LogParseError } from "./parse_error.ts";

test("decodeDatadogLogs", () => {
  const rows = decodeDatadogLogs(JSON.stringify([
    { ddsource: "nginx", ddtags: "env:prod,version:1.2,solo", hostname: "h1", message: "GET /", service: "web", timestamp: 1700000000123 },
    { message: { message: "from object", status: "error", other: 1 }, service: "api" },
  ]), 5n);
  assert.deepEqual(rows.map((r) => [r.ts, Object.fromEntries(r.fields.map((f) => [f.name, f.value]))]), [
    [1700000000_123000000n, { ddsource: "nginx", env: "prod", version: "1.2", solo: "no_label_value", hostname: "h1", _msg: "GET /", service: "web" }],
    [5n, { _msg: "from object", status: "error", service: "api" }],
  ]);
});

test("decodeDatadogLogs: bad bodies", () => {
  const f = (s: string) => assert.throws(() => decodeDatadogLogs(s, 0n), LogParseError, s);
  f("");
  f("{}");
  f("[1]");
  f('[{"message":1}]');
  f('[{"timestamp":"x"}]');
  f('[{"service":1}]');
  f('[{"ddtags":1}]');
  fc.assert(fc.property(fc.json(), (j) => {
    try {
      decodeDatadogLogs(j, 0n);
    } catch (e) {
      assert.ok(e instanceof LogParseError, String(e));
    }
  }), { numRuns: 500 });
});
