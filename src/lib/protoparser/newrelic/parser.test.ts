import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SeriesRows } from "../datadogutil/index.ts";
import { NewRelicParseError, parseEvents } from "./parser.ts";

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

const opts = { nowMs: 1700000000000, extraLabels: [["x", "y"]] as Array<[string, string]> };

test("parseEvents decodes events as VictoriaMetrics", () => {
  const rows = new SeriesRows();
  const f = (body: string, want: string[]) => {
    rows.reset();
    const n = parseEvents(body, rows, opts);
    assert.deepEqual(dump(rows), want, body);
    assert.equal(n, rows.samples, body);
  };
  f(`[{"EntityID":28257883748326179,"IsAgent":true,"Events":[{"eventType":"SystemSample","timestamp":1690286061,"entityKey":"macbook-pro.local",` +
    `"cpuPercent":25.056660790748904,"cpuUserPercent":8.687987912389374,"empty":"","flag":true,"obj":{},"nil":null}],"ReportingAgentID":28257883748326179}]`, [
    "{__name__=cpuPercent,eventType=SystemSample,entityKey=macbook-pro.local,x=y} 1690286061000=25.056660790748904",
    "{__name__=cpuUserPercent,eventType=SystemSample,entityKey=macbook-pro.local,x=y} 1690286061000=8.687987912389374",
  ]);
  // Milliseconds above 2^32, now for 0 or missing, fractions truncated.
  f(`[{"Events":[{"a":1,"timestamp":1690286061123},{"b":2,"timestamp":0},{"c":3},{"d":4,"timestamp":1.5}]}]`, [
    "{__name__=a,x=y} 1690286061123=1",
    "{__name__=b,x=y} 1700000000000=2",
    "{__name__=c,x=y} 1700000000000=3",
    "{__name__=d,x=y} 1500=4",
  ]);
  // A string timestamp is a label; a post without Events, an event without numbers, and "events" (case) are skipped.
  f(`[{"Events":[{"timestamp":"5","v":-1}]},{"EntityID":1},{"Events":[{"k":"v"}]},{"events":5}]`, ["{__name__=v,timestamp=5,x=y} 1700000000000=-1"]);
  f(`[]`, []);
});

test("parseEvents rejects what VictoriaMetrics rejects", () => {
  const f = (body: string, want: RegExp) => {
    assert.throws(() => parseEvents(body, new SeriesRows(), opts), (e: unknown) => e instanceof NewRelicParseError && want.test(e.message), body);
  };
  f(``, /cannot parse JSON/);
  f(`[{]`, /cannot parse JSON/);
  f(`{}`, /cannot find the top-level array of MetricPost objects: value doesn't contain array; it contains object/);
  f(`null`, /it contains null/);
  f(`[1]`, /cannot find MetricPost object: value doesn't contain object; it contains number/);
  f(`[{"Events":{}}]`, /cannot find Events array in MetricPost object/);
  f(`[{"Events":[[]]}]`, /cannot find EventObject: value doesn't contain object; it contains array/);
  f(`[{"Events":[{"timestamp":1e400}]}]`, /cannot parse `timestamp` field/);
});

test("parseEvents throws only NewRelicParseError", () => {
  const rows = new SeriesRows();
  const event = fc.dictionary(fc.oneof(fc.string(), fc.constant("timestamp")), fc.oneof(fc.double(), fc.string(), fc.jsonValue()), { maxKeys: 5 });
  const body = fc.oneof(
    fc.array(fc.record({ Events: fc.oneof(fc.array(event, { maxLength: 3 }), fc.jsonValue()) }, { requiredKeys: [] }), { maxLength: 3 }).map((x) => JSON.stringify(x)),
    fc.jsonValue().map((x) => JSON.stringify(x)),
    fc.string());
  const mutated = fc.tuple(body, fc.nat(), fc.string({ maxLength: 2 })).map(([b, i, s]) => b.slice(0, i % (b.length + 1)) + s + b.slice(i % (b.length + 1) + 1));
  fc.assert(fc.property(fc.oneof(body, mutated), (b) => {
    rows.reset();
    try {
      const n = parseEvents(b, rows, opts);
      assert.equal(n, rows.samples);
      assert.equal(rows.offsets[rows.lines], rows.samples);
    } catch (e) {
      if (!(e instanceof NewRelicParseError)) throw e;
    }
  }), { numRuns: 500 });
});
