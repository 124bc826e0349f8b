import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ProtoError, ProtoWriter } from "../../protobuf/index.ts";
import { GoJSONError, SeriesRows } from "../datadogutil/index.ts";
import { parseSeriesV2JSON, parseSeriesV2Protobuf } from "./parser.ts";

function dump(r: SeriesRows): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.lines; i++) {
    const l = r.labels[i]!.map(([k, v]) => `${k}=${v}`).join(",");
    const s: string[] = [];
    for (let j = r.offsets[i]!; j < r.offsets[i + 1]!; j++) s.push(`${r.timestamps[j]}=${r.values[j]}`);
    out.push(`{${l}} ${s.join(" ")}`);
  }
  return out;
}

const opts = { sanitize: true, nowSeconds: 1700000000, extraLabels: [["x", "y"]] as Array<[string, string]> };

test("parseSeriesV2JSON decodes series as VictoriaMetrics", () => {
  const rows = new SeriesRows();
  const f = (body: string, want: string[]) => {
    rows.reset();
    const n = parseSeriesV2JSON(body, rows, opts);
    assert.deepEqual(dump(rows), want, body);
    assert.equal(n, rows.samples, body);
  };
  f(`{"series":[{"metric":"system.load-1","type":0,"points":[{"timestamp":1636000000,"value":0.5},{"timestamp":1636000010,"value":2}],` +
    `"resources":[{"type":"host","name":"h1"},{"name":"n","type":"t"}],"source_type_name":"kafka","tags":["env:prod","host:x","solo"]}]}`,
  ["{__name__=system.load_1,host=h1,t=n,env=prod,exported_host=x,solo=no_label_value,source_type_name=kafka,x=y} 1636000000000=0.5 1636000010000=2"]);
  f(`{"series":[{"metric":"m","points":[{"value":1},{"timestamp":0,"value":2},{"timestamp":-1},null]}]}`,
    ["{__name__=m,x=y} 1700000000000=1 1700000000000=2 1700000000000=0 1700000000000=0"]);
  f(`{"Series":[{"METRIC":"a","Tags":["k:v"],"Points":[{"Timestamp":5,"Value":1}],"metadata":{"origin":{}}},null]}`, ["{__name__=a,k=v,x=y} 5000=1"]);
  f(`null`, []);
  f(`{"series":[]}`, []);
});

test("parseSeriesV2JSON rejects what Go's json.Unmarshal rejects", () => {
  const f = (body: string, want: RegExp) => {
    assert.throws(() => parseSeriesV2JSON(body, new SeriesRows(), opts), (e: unknown) => e instanceof GoJSONError && want.test(e.message), body);
  };
  f(`{`, /cannot parse JSON/);
  f(`"x"`, /cannot unmarshal string into Go value of type datadogv2.Request/);
  f(`{"series":[{"points":[{"timestamp":1.5}]}]}`, /cannot unmarshal number 1.5 into Go struct field Point.series.points.timestamp of type int64/);
  f(`{"series":[{"points":[{"timestamp":"1"}]}]}`, /of type int64/);
  f(`{"series":[{"points":[{"value":true}]}]}`, /cannot unmarshal bool into Go struct field Point.series.points.value of type float64/);
  f(`{"series":[{"resources":[{"type":1}]}]}`, /Resource.series.resources.type of type string/);
  f(`{"series":[{"points":[[1,2]]}]}`, /cannot unmarshal array into Go struct field Series.series.points of type datadogv2.Point/);
});

// payload builds a MetricPayload.
function payload(series: Array<{ metric?: string; points?: Array<[number, number]>; resources?: Array<[string, string]>; tags?: string[]; stn?: string }>): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    w.beginMessage(1);
    for (const [type, name] of s.resources ?? []) {
      w.beginMessage(1);
      w.string(1, type);
      w.string(2, name);
      w.endMessage();
    }
    if (s.metric !== undefined) w.string(2, s.metric);
    for (const t of s.tags ?? []) w.string(3, t);
    for (const [ts, v] of s.points ?? []) {
      w.beginMessage(4);
      w.double(1, v);
      w.int64(2, ts);
      w.endMessage();
    }
    if (s.stn !== undefined) w.string(7, s.stn);
    w.int64(5, 3); // type: unknown to the parser, skipped
    w.endMessage();
  }
  return w.finish().slice();
}

test("parseSeriesV2Protobuf decodes MetricPayload as VictoriaMetrics", () => {
  const rows = new SeriesRows();
  const f = (body: Uint8Array, want: string[]) => {
    rows.reset();
    const n = parseSeriesV2Protobuf(body, rows, opts);
    assert.deepEqual(dump(rows), want, Buffer.from(body).toString("hex"));
    assert.equal(n, rows.samples);
  };
  f(payload([{ metric: "a.b-c", points: [[1636000000, 1.5], [0, 2], [-3, 4]], resources: [["host", "h"]], tags: ["e:1", "host:z"], stn: "src" }, { metric: "nopoints" }]),
    ["{__name__=a.b_c,host=h,e=1,exported_host=z,source_type_name=src,x=y} 1636000000000=1.5 0=2 -3000=4"]);
  f(new Uint8Array(0), []);
  // An empty Point message is timestamp 0, value 0.
  f(Uint8Array.from([0x0a, 0x05, 0x12, 0x01, 0x6d, 0x22, 0x00]), ["{__name__=m,x=y} 0=0"]);
});

test("parseSeriesV2Protobuf rejects malformed protobuf", () => {
  const f = (hex: string, want: RegExp) => {
    assert.throws(() => parseSeriesV2Protobuf(Buffer.from(hex, "hex"), new SeriesRows(), opts), (e: unknown) => e instanceof ProtoError && want.test(e.message), hex);
  };
  f("0a", /cannot/);
  f("0a05", /cannot/);
  f("08 01".replace(" ", ""), /cannot read series data/);
  f("0a021001", /cannot unmarshal series: cannot unmarshal metric/);
  f("0a03220108", /cannot unmarshal series/);
  f("0a0422020801", /cannot unmarshal series: cannot unmarshal point: cannot unmarshal value/);
});

test("parseSeriesV2 parsers throw only their documented errors", () => {
  const rows = new SeriesRows();
  const pt = fc.tuple(fc.integer({ min: -1e9, max: 4e9 }), fc.double());
  const ser = fc.record({ metric: fc.string(), points: fc.array(pt, { maxLength: 3 }), resources: fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 2 }), tags: fc.array(fc.string(), { maxLength: 3 }), stn: fc.string() }, { requiredKeys: [] });
  const valid = fc.array(ser, { maxLength: 3 }).map(payload);
  const mutate = (b: Uint8Array, i: number, x: number) => {
    const c = b.slice();
    if (c.length > 0) c[i % c.length] = x;
    return c;
  };
  const proto = fc.oneof(valid, fc.uint8Array({ maxLength: 64 }),
    fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, x]) => mutate(b, i, x)),
    fc.tuple(valid, fc.nat()).map(([b, i]) => b.subarray(0, i % (b.length + 1))));
  fc.assert(fc.property(proto, (b) => {
    rows.reset();
    try {
      parseSeriesV2Protobuf(b, rows, opts);
      assert.equal(rows.offsets[rows.lines], rows.samples);
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
    }
  }), { numRuns: 1000 });
  const json = fc.oneof(
    fc.record({ series: fc.array(fc.record({ metric: fc.jsonValue(), points: fc.oneof(fc.array(fc.record({ timestamp: fc.jsonValue(), value: fc.jsonValue() }, { requiredKeys: [] }), { maxLength: 3 }), fc.jsonValue()), tags: fc.jsonValue(), resources: fc.jsonValue() }, { requiredKeys: [] }), { maxLength: 3 }) }).map((x) => JSON.stringify(x)),
    fc.string());
  const mutatedJSON = fc.tuple(json, fc.nat(), fc.string({ maxLength: 2 })).map(([b, i, s]) => b.slice(0, i % (b.length + 1)) + s + b.slice(i % (b.length + 1) + 1));
  fc.assert(fc.property(fc.oneof(json, mutatedJSON), (b) => {
    rows.reset();
    try {
      parseSeriesV2JSON(b, rows, opts);
      assert.equal(rows.offsets[rows.lines], rows.samples);
    } catch (e) {
      if (!(e instanceof GoJSONError)) throw e;
    }
  }), { numRuns: 500 });
});
