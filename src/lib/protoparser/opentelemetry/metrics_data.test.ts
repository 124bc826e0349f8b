import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ProtoWriter } from "../../protobuf/index.ts";
import { DEFAULT_DECODE_OPTIONS, OtlpDecoder, nanosToMillis, type DecodeOptions } from "./metrics_data.ts";
import { OtlpRows } from "./otlp_rows.ts";
import { jsonToProtobuf } from "./json_to_proto.ts";

const T = "1700000000123456789"; // ns -> 1700000000123 ms

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

// render lists the rows as `name{a="b",...} ts value`, labels after the name sorted.
function render(rows: OtlpRows): string[] {
  const out: string[] = [];
  const bits = new Uint32Array(rows.values.buffer);
  for (let i = 0; i < rows.lines; i++) {
    const ls = [...rows.labels[i]!];
    const name = ls.find((l) => l[0] === "__name__")?.[1] ?? "";
    const rest = ls.filter((l) => l[0] !== "__name__").sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const v = rows.values[i]!;
    const vs = Number.isNaN(v) ? `NaN(${bits[2 * i + 1]!.toString(16)}:${bits[2 * i]})` : String(v);
    out.push(`${name}{${rest.map(([k, x]) => `${k}=${JSON.stringify(x)}`).join(",")}} ${rows.timestamps[i]} ${vs}`);
  }
  return out;
}

function decodeJSON(obj: unknown, opts: DecodeOptions = DEFAULT_DECODE_OPTIONS): { rows: string[]; invalid: number; errors: string[] } {
  const rows = new OtlpRows();
  const r = new OtlpDecoder(opts).decode(jsonToProtobuf(JSON.stringify(obj)), rows);
  return { rows: render(rows), invalid: r.invalid, errors: r.errors };
}

const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

// request wraps metrics into one resource (service.name=svc) and one scope (lib 1.0).
function request(metrics: unknown[], resourceAttrs: unknown[] = [str("service.name", "svc")]): unknown {
  return {
    resourceMetrics: [{
      resource: { attributes: resourceAttrs },
      scopeMetrics: [{ scope: { name: "lib", version: "1.0" }, metrics }],
    }],
  };
}

const RS = `scope.name="lib",scope.version="1.0",service.name="svc"`;

test("jsonToProtobuf encodes the same bytes as a hand-built message", () => {
  const w = new ProtoWriter();
  w.beginMessage(1); // ResourceMetrics
  w.beginMessage(2); // ScopeMetrics
  w.beginMessage(2); // Metric
  w.string(1, "g");
  w.beginMessage(5); // Gauge
  w.beginMessage(1); // NumberDataPoint
  w.beginMessage(7);
  w.string(1, "k");
  w.beginMessage(2);
  w.string(1, "v");
  w.endMessage();
  w.endMessage();
  w.doubleBits(3, new Uint8Array(new BigUint64Array([1700000000123456789n]).buffer), 0);
  w.double(4, 1.5);
  w.endMessage();
  w.endMessage();
  w.endMessage();
  w.endMessage();
  w.endMessage();
  const want = hex(w.finish());
  const got = hex(jsonToProtobuf(JSON.stringify({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: "g", gauge: { dataPoints: [{ attributes: [str("k", "v")], timeUnixNano: T, asDouble: 1.5 }] } }] }] }],
  })));
  assert.equal(got, want);
  // snake_case names are accepted too.
  const got2 = hex(jsonToProtobuf(JSON.stringify({
    resource_metrics: [{ scope_metrics: [{ metrics: [{ name: "g", gauge: { data_points: [{ attributes: [str("k", "v")], time_unix_nano: T, as_double: 1.5 }] } }] }] }],
  })));
  assert.equal(got2, want);
});

test("nanosToMillis is exact for 64-bit nanoseconds", () => {
  const f = (ns: bigint, wantMs: number) => {
    const b = new Uint8Array(new BigUint64Array([ns]).buffer);
    assert.equal(nanosToMillis(b, 0), wantMs, `nanosToMillis(${ns})`);
  };
  f(0n, 0);
  f(999999n, 0);
  f(1000000n, 1);
  f(1700000000123456789n, 1700000000123);
  f(1700000000123999999n, 1700000000123);
  f(18446744073709551615n, 18446744073709);
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (n) => nanosToMillis(new Uint8Array(new BigUint64Array([n]).buffer), 0) === Number(n / 1000000n)));
});

test("gauges and sums map to one sample each; attributes become labels", () => {
  const f = (metrics: unknown[], want: string[]) => {
    const got = decodeJSON(request(metrics));
    assert.deepEqual(got.rows, want, JSON.stringify(metrics));
    assert.equal(got.invalid, 0);
  };
  f([{ name: "temp", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 21.5, attributes: [str("room", "a")] }, { timeUnixNano: T, asInt: "-7" }] } }], [
    `temp{room="a",${RS}} 1700000000123 21.5`,
    `temp{${RS}} 1700000000123 -7`,
  ]);
  f([{ name: "requests", sum: { isMonotonic: true, aggregationTemporality: 2, dataPoints: [{ timeUnixNano: T, asInt: "9007199254740993" }] } }], [
    `requests{${RS}} 1700000000123 9007199254740992`,
  ]);
  f([{ name: "queue", sum: { isMonotonic: false, dataPoints: [{ timeUnixNano: T, asDouble: -3 }] } }], [`queue{${RS}} 1700000000123 -3`]);
  // Attribute value kinds: bool, int, double, bytes, array, kvlist (flattened).
  f([{ name: "x", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1, attributes: [
    { key: "b", value: { boolValue: true } },
    { key: "i", value: { intValue: "-9223372036854775808" } },
    { key: "d", value: { doubleValue: 1e21 } },
    { key: "y", value: { bytesValue: "AQID" } },
    { key: "arr", value: { arrayValue: { values: [{ stringValue: "s" }, { intValue: 3 }, { boolValue: false }] } } },
    { key: "kv", value: { kvlistValue: { values: [str("inner", "v"), { key: "deep", value: { kvlistValue: { values: [str("z", "w")] } } }] } } },
  ] }] } }], [
    `x{arr="[\\"s\\",3,false]",b="true",d="1000000000000000000000",i="-9223372036854775808",kv.deep.z="w",kv.inner="v",${RS},y="AQID"} 1700000000123 1`,
  ]);
  // Flag 1 (no recorded value) is the staleness marker.
  f([{ name: "gone", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 5, flags: 1 }] } }], [`gone{${RS}} 1700000000123 NaN(7ff00000:2)`]);
});

test("scope attributes, missing scope name and version, no resource", () => {
  const got = decodeJSON({ resourceMetrics: [{ scopeMetrics: [{ scope: { attributes: [str("a", "b")] }, metrics: [{ name: "m", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } }] }] }] });
  assert.deepEqual(got.rows, [`m{scope.attributes.a="b",scope.name="unknown",scope.version="unknown"} 1700000000123 1`]);
  const got2 = decodeJSON({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: "m", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } }] }] }] });
  assert.deepEqual(got2.rows, [`m{} 1700000000123 1`]);
  const noScope = decodeJSON({ resourceMetrics: [{ scopeMetrics: [{ scope: { name: "s" }, metrics: [{ name: "m", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } }] }] }] },
    { ...DEFAULT_DECODE_OPTIONS, promoteScopeMetadata: false });
  assert.deepEqual(noScope.rows, [`m{} 1700000000123 1`]);
});

test("resource attributes can be filtered", () => {
  const attrs = [str("service.name", "svc"), str("host.name", "h1"), str("k8s.pod", "p")];
  const body = request([{ name: "m", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } }], attrs);
  const f = (promoteAll: boolean, keys: string[], want: string) => {
    const got = decodeJSON(body, { ...DEFAULT_DECODE_OPTIONS, promoteScopeMetadata: false, promoteAllResourceAttributes: promoteAll, resourceAttributes: new Set(keys) });
    assert.deepEqual(got.rows, [`m{${want}} 1700000000123 1`], `${promoteAll} ${keys}`);
  };
  f(true, [], `host.name="h1",k8s.pod="p",service.name="svc"`);
  f(true, ["host.name"], `k8s.pod="p",service.name="svc"`);
  f(false, ["service.name", "absent"], `service.name="svc"`);
  f(false, [], ``);
});

test("histograms map to _count, _sum and cumulative _bucket{le}", () => {
  const got = decodeJSON(request([{ name: "lat", unit: "s", histogram: { aggregationTemporality: 2, dataPoints: [
    { timeUnixNano: T, count: "6", sum: 2.5, bucketCounts: ["1", "2", "3"], explicitBounds: [0.005, 1e21], attributes: [str("p", "q")] },
    { timeUnixNano: T, count: "0" }, // no buckets: skipped
  ] } }]));
  assert.deepEqual(got.rows, [
    `lat_count{p="q",${RS}} 1700000000123 6`,
    `lat_sum{p="q",${RS}} 1700000000123 2.5`,
    `lat_bucket{le="0.005",p="q",${RS}} 1700000000123 1`,
    `lat_bucket{le="1000000000000000000000",p="q",${RS}} 1700000000123 3`,
    `lat_bucket{le="+Inf",p="q",${RS}} 1700000000123 6`,
  ]);
  const bad = decodeJSON(request([{ name: "h", histogram: { dataPoints: [{ timeUnixNano: T, count: "1", bucketCounts: ["1"], explicitBounds: [1] }] } }]));
  assert.deepEqual(bad.rows, []);
  assert.equal(bad.invalid, 1);
  assert.match(bad.errors[0]!, /histogram "h": got 1 bucket_counts; want 2/);
});

test("exponential histograms map to _bucket{vmrange}", () => {
  const got = decodeJSON(request([{ name: "eh", exponentialHistogram: { dataPoints: [{
    timeUnixNano: T, count: "10", sum: 12, scale: 0, zeroCount: "1", zeroThreshold: 0.001,
    positive: { offset: 1, bucketCounts: ["3", "0", "4"] }, negative: { offset: -1, bucketCounts: ["2"] },
  }] } }]));
  assert.deepEqual(got.rows, [
    `eh_count{${RS}} 1700000000123 10`,
    `eh_sum{${RS}} 1700000000123 12`,
    `eh_bucket{${RS},vmrange="-1.000e-03...1.000e-03"} 1700000000123 1`,
    `eh_bucket{${RS},vmrange="2.000e+00...4.000e+00"} 1700000000123 3`,
    `eh_bucket{${RS},vmrange="8.000e+00...1.600e+01"} 1700000000123 4`,
    `eh_bucket{${RS},vmrange="-1.000e+00...-5.000e-01"} 1700000000123 2`,
  ]);
  const s1 = decodeJSON(request([{ name: "e", exponentialHistogram: { dataPoints: [{ timeUnixNano: T, count: "1", scale: 1, positive: { offset: 0, bucketCounts: [1] } }] } }]));
  assert.deepEqual(s1.rows, [`e_count{${RS}} 1700000000123 1`, `e_bucket{${RS},vmrange="1.000e+00...1.414e+00"} 1700000000123 1`]);
});

test("summaries map to _count, _sum and {quantile}", () => {
  const got = decodeJSON(request([{ name: "rt", summary: { dataPoints: [{
    timeUnixNano: T, count: "4", sum: 8, quantileValues: [{ quantile: 0.5, value: 1.5 }, { quantile: 0.99, value: 3 }],
  }] } }]));
  assert.deepEqual(got.rows, [
    `rt_count{${RS}} 1700000000123 4`,
    `rt_sum{${RS}} 1700000000123 8`,
    `rt{quantile="0.5",${RS}} 1700000000123 1.5`,
    `rt{quantile="0.99",${RS}} 1700000000123 3`,
  ]);
});

test("-opentelemetry.usePrometheusNaming renames metrics and labels", () => {
  const prom = { ...DEFAULT_DECODE_OPTIONS, usePrometheusNaming: true };
  const got = decodeJSON(request([
    { name: "http.server.duration", unit: "ms", histogram: { dataPoints: [{ timeUnixNano: T, count: "1", bucketCounts: ["1"], attributes: [str("http.method", "GET"), str("_x", "1"), str("1a", "2")] }] } },
    { name: "requests", unit: "1", sum: { isMonotonic: true, dataPoints: [{ timeUnixNano: T, asInt: "3" }] } },
    { name: "cpu.utilization", unit: "1", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 0.5 }] } },
  ]), prom);
  const rs = `scope_name="lib",scope_version="1.0",service_name="svc"`;
  assert.deepEqual(got.rows, [
    `http_server_duration_milliseconds_count{http_method="GET",key_1a="2",key_x="1",${rs}} 1700000000123 1`,
    `http_server_duration_milliseconds_bucket{http_method="GET",key_1a="2",key_x="1",le="+Inf",${rs}} 1700000000123 1`,
    `requests_total{${rs}} 1700000000123 3`,
    `cpu_utilization_ratio{${rs}} 1700000000123 0.5`,
  ]);
  const namesOnly = decodeJSON(request([{ name: "a.b", unit: "By/s", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1, attributes: [str("k.x", "v")] }] } }]),
    { ...DEFAULT_DECODE_OPTIONS, convertMetricNamesToPrometheus: true });
  assert.deepEqual(namesOnly.rows, [`a_b_bytes_per_second{k.x="v",${RS}} 1700000000123 1`]);
});

test("a bad metric is skipped and reported; the others are kept", () => {
  const got = decodeJSON(request([
    { name: "ok1", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } },
    { gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 2 }] } },
    { name: "ok2", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 3 }] } },
  ]));
  assert.deepEqual(got.rows, [`ok1{${RS}} 1700000000123 1`, `ok2{${RS}} 1700000000123 3`]);
  assert.equal(got.invalid, 1);
  assert.match(got.errors[0]!, /missing metric name/);

  // A metric whose data point has a wrong wire type: its samples go, the error names it.
  const w = new ProtoWriter();
  w.beginMessage(1);
  w.beginMessage(2);
  w.beginMessage(2);
  w.string(1, "good");
  w.beginMessage(5);
  w.beginMessage(1);
  w.double(4, 1);
  w.endMessage();
  w.endMessage();
  w.endMessage();
  w.beginMessage(2);
  w.string(1, "broken");
  w.beginMessage(5);
  w.beginMessage(1);
  w.double(4, 1);
  w.endMessage();
  w.beginMessage(1);
  w.uint64(3, 5); // time_unix_nano must be fixed64
  w.endMessage();
  w.endMessage();
  w.endMessage();
  w.endMessage();
  w.endMessage();
  const rows = new OtlpRows();
  const r = new OtlpDecoder().decode(w.finish(), rows);
  assert.deepEqual(render(rows), [`good{} 0 1`]);
  assert.equal(r.invalid, 1);
  assert.match(r.errors[0]!, /metric "broken": cannot read time_unix_nano: got wire type 0; want i64/);

  // Truncated framing stops decoding with an error.
  const trunc = new OtlpDecoder().decode(new Uint8Array([0x0a, 0x05, 0x12]), new OtlpRows());
  assert.equal(trunc.invalid, 1);
  assert.match(trunc.errors[0]!, /cannot decode MetricsData: cannot read field 1: got length 5/);
});

test("decode hands full batches to flush at metric boundaries", () => {
  const metrics = [];
  for (let m = 0; m < 5; m++) metrics.push({ name: `m${m}`, gauge: { dataPoints: [1, 2, 3].map((v) => ({ timeUnixNano: T, asDouble: v })) } });
  const rows = new OtlpRows();
  const batches: string[][] = [];
  const r = new OtlpDecoder().decode(jsonToProtobuf(JSON.stringify(request(metrics))), rows, (b) => batches.push(render(b)), 5);
  assert.equal(r.invalid, 0);
  batches.push(render(rows));
  assert.deepEqual(batches.map((b) => b.map((l) => l.split("{")[0]).join(" ")), ["m0 m0 m0 m1 m1 m1", "m2 m2 m2 m3 m3 m3", "m4 m4 m4"]);
});

test("jsonToProtobuf rejects what is not OTLP JSON, naming the field", () => {
  const f = (text: string, want: RegExp) => assert.throws(() => jsonToProtobuf(text), want, text);
  f("{", /cannot parse OTLP JSON: /);
  f("[]", /field \$: got array; want a MetricsData object/);
  f(`{"resourceMetrics":{}}`, /field \$.resourceMetrics: got object; want an array/);
  f(`{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":5}]}]}]}`, /field \$.resourceMetrics\[0\].scopeMetrics\[0\].metrics\[0\].name: got number; want a string/);
  f(`{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"timeUnixNano":"-1"}]}}]}]}]}`, /timeUnixNano: got "-1"; want an unsigned 64-bit integer/);
  f(`{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"asDouble":"abc"}]}}]}]}]}`, /asDouble: got "abc"; want a number/);
  // Unknown fields are ignored.
  assert.equal(hex(jsonToProtobuf(`{"foo":1,"resourceMetrics":[]}`)), "");
});

test("property: random and mutated bodies never throw or hang", () => {
  const valid = jsonToProtobuf(JSON.stringify(request([
    { name: "g", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1, attributes: [{ key: "a", value: { arrayValue: { values: [{ kvlistValue: { values: [str("x", "y")] } }] } } }] }] } },
    { name: "h", histogram: { dataPoints: [{ timeUnixNano: T, count: "3", sum: 1, bucketCounts: ["1", "2"], explicitBounds: [1] }] } },
    { name: "e", exponentialHistogram: { dataPoints: [{ timeUnixNano: T, count: "3", scale: 3, zeroCount: "1", positive: { offset: -2, bucketCounts: ["1", "1"] } }] } },
    { name: "s", summary: { dataPoints: [{ timeUnixNano: T, count: "1", sum: 1, quantileValues: [{ quantile: 0.5, value: 1 }] }] } },
  ]))).slice();
  const dec = new OtlpDecoder();
  const rows = new OtlpRows();
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
    rows.reset();
    dec.decode(b, rows);
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(valid.length), (muts, cut) => {
    const b = valid.slice(0, Math.max(cut, 1));
    for (const [i, v] of muts) if (i < b.length) b[i] = v;
    rows.reset();
    const r = dec.decode(b, rows);
    assert.ok(r.invalid >= 0 && rows.lines >= 0);
  }), { numRuns: 3000 });
  // Deep nesting of attribute values is bounded, not a stack overflow.
  let deep = '{"stringValue":"x"}';
  for (let i = 0; i < 200; i++) deep = `{"arrayValue":{"values":[${deep}]}}`;
  assert.throws(() => jsonToProtobuf(`{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":${deep}}]}}]}`), /nesting deeper than 64/);
  fc.assert(fc.property(fc.json(), (text) => {
    try {
      const b = jsonToProtobuf(text);
      rows.reset();
      dec.decode(b, rows);
    } catch (e) {
      assert.equal((e as Error).name, "ProtoError", String(e));
    }
  }), { numRuns: 500 });
});

// exact lists the rows with their labels in order and the value's bits.
function exact(rows: OtlpRows): string[] {
  const out: string[] = [];
  const bits = new Uint32Array(rows.values.buffer, rows.values.byteOffset, rows.values.length * 2);
  for (let i = 0; i < rows.lines; i++) out.push(`${JSON.stringify(rows.labels[i])} ${rows.timestamps[i]} ${bits[2 * i + 1]}:${bits[2 * i]}`);
  return out;
}

test("property: a decoder that has seen other requests decodes a body as a fresh decoder does", () => {
  const body = (attrs: unknown[], res: unknown[]) => jsonToProtobuf(JSON.stringify(request([
    { name: "g", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1, attributes: attrs }, { timeUnixNano: T, asInt: "2", attributes: [], flags: 1 }] } },
    { name: "c", unit: "s", sum: { isMonotonic: true, dataPoints: [{ timeUnixNano: T, asDouble: 3, attributes: attrs }] } },
    { name: "h", histogram: { dataPoints: [{ timeUnixNano: T, count: "3", sum: 1, bucketCounts: ["1", "2"], explicitBounds: [1], attributes: attrs }] } },
    { name: "e", exponentialHistogram: { dataPoints: [{ timeUnixNano: T, count: "3", scale: 3, zeroCount: "1", positive: { offset: -2, bucketCounts: ["1", "1"] }, attributes: attrs }] } },
    { name: "s", summary: { dataPoints: [{ timeUnixNano: T, count: "1", sum: 1, quantileValues: [{ quantile: 0.5, value: 1 }], attributes: attrs }] } },
  ], res))).slice();
  const attrArb = fc.array(fc.tuple(fc.constantFrom("a", "b", "_x", "9z", "a.b"), fc.constantFrom("1", "2", "")), { maxLength: 3 }).map((l) => l.map(([k, v]) => str(k, v)));
  const optsArb = fc.record({
    usePrometheusNaming: fc.boolean(),
    convertMetricNamesToPrometheus: fc.boolean(),
    labelNameUnderscoreSanitization: fc.boolean(),
    promoteScopeMetadata: fc.boolean(),
  });
  const mutArb = fc.array(fc.tuple(fc.nat(10_000), fc.integer({ min: 0, max: 255 })), { maxLength: 2 });
  fc.assert(fc.property(optsArb, fc.array(fc.tuple(attrArb, attrArb, mutArb), { minLength: 1, maxLength: 6 }), (opts, reqs) => {
    const warm = new OtlpDecoder(opts);
    for (const [attrs, res, muts] of reqs) {
      const b = body(attrs, res);
      for (const [i, v] of muts) b[i % b.length] = v;
      const want = new OtlpRows();
      const wr = new OtlpDecoder(opts).decode(b, want);
      for (const round of [1, 2]) {
        const got = new OtlpRows();
        const gr = warm.decode(b, got);
        assert.deepEqual(exact(got), exact(want), `rows, round ${round}`);
        assert.deepEqual(gr, wr, `result, round ${round}`);
      }
    }
  }), { numRuns: 1500 });
});

test("a series decoded again gets the same labels array; another resource gets another", () => {
  const d = new OtlpDecoder();
  const decode = (res: string) => {
    const rows = new OtlpRows();
    d.decode(jsonToProtobuf(JSON.stringify(request([
      { name: "g", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1, attributes: [str("a", "1")] }, { timeUnixNano: T, asDouble: 2, attributes: [str("a", "2")] }] } },
      { name: "h", histogram: { dataPoints: [{ timeUnixNano: T, count: "3", bucketCounts: ["1", "2"], explicitBounds: [1], attributes: [str("a", "1")] }] } },
    ], [str("service.name", res)]))), rows);
    return rows.labels;
  };
  const a = decode("svc");
  const b = decode("svc");
  assert.equal(a.length, 5);
  for (let i = 0; i < a.length; i++) assert.equal(b[i], a[i], `series ${i}: ${JSON.stringify(a[i])}`);
  assert.deepEqual(a[4], [["__name__", "h_bucket"], ["service.name", "svc"], ["scope.name", "lib"], ["scope.version", "1.0"], ["a", "1"], ["le", "+Inf"]]);
  const c = decode("other");
  assert.notEqual(c[0], a[0]);
  assert.deepEqual(c[0], [["__name__", "g"], ["service.name", "other"], ["scope.name", "lib"], ["scope.version", "1.0"], ["a", "1"]]);
});
