import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatFloatE3, formatFloatF } from "./format.ts";
import { prometheusLabelName, prometheusMetricName, KIND_COUNTER, KIND_GAUGE, KIND_HISTOGRAM } from "./naming.ts";

test("formatFloatF matches Go's FormatFloat(v, 'f', -1, 64)", () => {
  const f = (v: number, want: string) => assert.equal(formatFloatF(v), want, `formatFloatF(${v})`);
  f(0, "0");
  f(0.5, "0.5");
  f(-1.25, "-1.25");
  f(1e21, "1000000000000000000000");
  f(1.5e22, "15000000000000000000000");
  f(1e-7, "0.0000001");
  f(-1.234e-10, "-0.0000000001234");
  f(Infinity, "+Inf");
  f(-Infinity, "-Inf");
  f(NaN, "NaN");
  f(5e-324, "0." + "0".repeat(323) + "5");
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
    const s = formatFloatF(v);
    assert.ok(!/e/i.test(s), s);
    assert.equal(Number(s), v, s);
  }));
});

test("formatFloatE3 matches Go's FormatFloat(v, 'e', 3, 64)", () => {
  const f = (v: number, want: string) => assert.equal(formatFloatE3(v), want, `formatFloatE3(${v})`);
  f(1, "1.000e+00");
  f(0.001, "1.000e-03");
  f(-0.5, "-5.000e-01");
  f(1.4142135623730951, "1.414e+00");
  f(1e100, "1.000e+100");
  f(0, "0.000e+00");
});

test("Prometheus naming of metrics and labels", () => {
  const f = (name: string, unit: string, kind: number, want: string) => assert.equal(prometheusMetricName(name, unit, kind), want, `${name} ${unit} ${kind}`);
  f("http.server.duration", "ms", KIND_HISTOGRAM, "http_server_duration_milliseconds");
  f("system.memory.usage", "By", KIND_GAUGE, "system_memory_usage_bytes");
  f("requests", "{request}", KIND_COUNTER, "requests_total");
  f("total.requests", "1", KIND_COUNTER, "requests_total");
  f("cpu.utilization", "1", KIND_GAUGE, "cpu_utilization_ratio");
  f("net.io", "By/s", KIND_GAUGE, "net_io_bytes_per_second");
  f("duration_seconds", "s", KIND_GAUGE, "duration_seconds");
  f("x", "foo", KIND_GAUGE, "x_foo");
  const g = (name: string, want: string, underscore = true) => assert.equal(prometheusLabelName(name, underscore), want, name);
  g("service.name", "service_name");
  g("_private", "key_private");
  g("_private", "_private", false);
  g("__reserved", "__reserved");
  g("0day", "key_0day");
  g("ok_name", "ok_name");
  g("", "");
});
