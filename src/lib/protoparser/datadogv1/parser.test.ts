import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { GoJSONError, SeriesRows } from "../datadogutil/index.ts";
import { parseSeriesV1 } from "./parser.ts";

// dump renders rows as "labels ts=value ..." lines.
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

test("parseSeriesV1 decodes series as VictoriaMetrics", () => {
  const rows = new SeriesRows();
  const f = (body: string, want: string[], sanitize = true) => {
    rows.reset();
    parseSeriesV1(body, rows, { sanitize, nowSeconds: 1700000000, extraLabels: [["x", "y"]] });
    assert.deepEqual(dump(rows), want, body);
  };
  f(`{"series":[{"metric":"system.load.1","host":"h","device":"sda","points":[[1636000000,0.5],[1636000001.5,2]],"tags":["env:prod","host:other","solo","a:b:c"]}]}`,
    ["{__name__=system.load.1,host=h,device=sda,env=prod,exported_host=other,solo=no_label_value,a=b:c,x=y} 1636000000000=0.5 1636000001500=2"]);
  // Missing or non-positive timestamps get the current time; short points are zero-filled.
  f(`{"series":[{"metric":"m","points":[[0,1],[-5,2],[null,3],[],[7]]}]}`,
    ["{__name__=m,x=y} 1700000000000=1 1700000000000=2 1700000000000=3 1700000000000=0 7000=0"]);
  // Sanitizing, or not.
  f(`{"series":[{"metric":"my-metric__x_.y","points":[[1,1]]}]}`, ["{__name__=my_metric_x.y,x=y} 1000=1"]);
  f(`{"series":[{"metric":"my-metric__x_.y","points":[[1,1]]}]}`, ["{__name__=my-metric__x_.y,x=y} 1000=1"], false);
  // Keys match case-insensitively, unknown keys and nulls are ignored, series without points are skipped.
  f(`{"SERIES":[{"Metric":"a","type":"gauge","interval":10,"host":null,"tags":null,"points":[[2,3,"extra"]]},null,{"metric":"empty","points":[]}],"other":1}`,
    ["{__name__=a,x=y} 2000=3"]);
  f(`null`, []);
  f(`{}`, []);
  f(`{"series":null}`, []);
});

test("parseSeriesV1 rejects what Go's json.Unmarshal rejects", () => {
  const f = (body: string, want: RegExp) => {
    assert.throws(() => parseSeriesV1(body, new SeriesRows(), { sanitize: true, nowSeconds: 1 }), (e: unknown) => e instanceof GoJSONError && want.test(e.message), body);
  };
  f(``, /cannot parse JSON/);
  f(`{"series":[}`, /cannot parse JSON/);
  f(`[]`, /cannot unmarshal array into Go value of type datadogv1.Request/);
  f(`{"series":{}}`, /cannot unmarshal object into Go struct field Request.series of type \[\]datadogv1.Series/);
  f(`{"series":[1]}`, /cannot unmarshal number 1 into Go struct field Request.series of type datadogv1.Series/);
  f(`{"series":[{"metric":1}]}`, /cannot unmarshal number 1 into Go struct field Series.series.metric of type string/);
  f(`{"series":[{"metric":"m","points":[["1",2]]}]}`, /cannot unmarshal string into Go struct field Series.series.points of type float64/);
  f(`{"series":[{"metric":"m","points":[[1,1e400]]}]}`, /cannot unmarshal number Infinity/);
  f(`{"series":[{"metric":"m","tags":[1]}]}`, /cannot unmarshal number 1 into Go struct field Series.series.tags of type string/);
  f(`{"series":[{"metric":"m","points":{}}]}`, /of type \[\]datadogv1.Point/);
});

test("parseSeriesV1 never throws anything but GoJSONError and keeps rows consistent", () => {
  const rows = new SeriesRows();
  const point = fc.oneof(fc.tuple(fc.double(), fc.double()), fc.array(fc.jsonValue(), { maxLength: 3 }));
  const series = fc.record({ metric: fc.oneof(fc.string(), fc.jsonValue()), host: fc.oneof(fc.string(), fc.constant(null)), points: fc.array(point, { maxLength: 4 }), tags: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.jsonValue()) }, { requiredKeys: [] });
  const body = fc.oneof(
    fc.record({ series: fc.array(series, { maxLength: 4 }) }).map((x) => JSON.stringify(x)),
    fc.jsonValue().map((x) => JSON.stringify(x)),
    fc.string(),
  );
  // Mutations: cut or splice a valid body.
  const mutated = fc.tuple(body, fc.nat(), fc.string({ maxLength: 3 })).map(([b, i, s]) => b.slice(0, i % (b.length + 1)) + s + b.slice(i % (b.length + 1) + 1));
  fc.assert(fc.property(fc.oneof(body, mutated), (b) => {
    rows.reset();
    try {
      const n = parseSeriesV1(b, rows, { sanitize: true, nowSeconds: 1 });
      assert.ok(n >= rows.samples);
      assert.equal(rows.offsets[rows.lines], rows.samples);
    } catch (e) {
      if (!(e instanceof GoJSONError)) throw e;
    }
  }), { numRuns: 500 });
});
