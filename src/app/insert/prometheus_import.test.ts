import { test } from "node:test";
import assert from "node:assert/strict";
import { pushgatewayLabels } from "./prometheus_import.ts";

test("pushgatewayLabels reads Pushgateway-style paths", () => {
  const f = (path: string, want: [string, string][]) => assert.deepEqual(pushgatewayLabels(path), want, path);
  f("/api/v1/import/prometheus", []);
  f("/api/v1/import/prometheus/metrics/job/app", [["job", "app"]]);
  f("/api/v1/import/prometheus/metrics/job/app/instance/h1/zone/", [["job", "app"], ["instance", "h1"]]);
  f(`/prometheus/api/v1/import/prometheus/metrics/job@base64/${Buffer.from("a/b").toString("base64url")}`, [["job", "a/b"]]);
  f("/api/v1/import/prometheus/metrics/job/app/path@base64/L3Zhci90bXA=", [["job", "app"], ["path", "/var/tmp"]]);
  f("/api/v1/import/prometheus/metrics/jobs/x", []);
  const g = (path: string, want: RegExp) => assert.throws(() => pushgatewayLabels(path), want, path);
  g("/api/v1/import/prometheus/metrics/job/app/lonely", /cannot parse pushgateway-style labels from .*: missing value for label "lonely"/);
  g("/api/v1/import/prometheus/metrics/job/app/x@base64/!!", /cannot base64-decode value="!!" for label="x"/);
});
