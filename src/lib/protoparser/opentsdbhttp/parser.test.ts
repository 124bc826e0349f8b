import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ImportRows } from "../vmimport/index.ts";
import { type OpentsdbHttpOptions, parseBody } from "./parser.ts";

const NOW = 1_700_000_000;

function show(rows: ImportRows): string[] {
  assert.equal(rows.offsets[rows.lines], rows.samples, "offsets end at samples");
  const out: string[] = [];
  for (let i = 0; i < rows.lines; i++) {
    const labels = rows.labels[i]!.map(([k, v]) => `${k}=${v}`).join(",");
    out.push(`{${labels}} ${rows.values[rows.offsets[i]!]} @${rows.timestamps[rows.offsets[i]!]}`);
  }
  return out;
}

function parse(body: string, o: Partial<OpentsdbHttpOptions> = {}) {
  const rows = new ImportRows();
  const errors: string[] = [];
  const valid = parseBody(rows, body, { nowSec: NOW, trimMs: 1, extraLabels: [], ...o }, (i, m) => errors.push(`${i}: ${m}`));
  return { rows: show(rows), errors, valid };
}

test("parseBody reads one data point or an array of them", () => {
  const f = (body: string, want: string[], o: Partial<OpentsdbHttpOptions> = {}) => {
    const got = parse(body, o);
    assert.deepEqual(got.errors, [], `no errors for ${body}`);
    assert.deepEqual(got.rows, want, `rows of ${body}`);
    assert.equal(got.valid, want.length);
  };
  f(`[]`, []);
  f(`{"metric":"sys.cpu","timestamp":1700000001,"value":1.5,"tags":{"host":"a","dc":"eu"}}`, ["{__name__=sys.cpu,host=a,dc=eu} 1.5 @1700000001000"]);
  f(`[{"metric":"a","value":1},{"metric":"b","value":"2.5","timestamp":"1700000001234"}]`, [`{__name__=a} 1 @${NOW * 1000}`, "{__name__=b} 2.5 @1700000001234"]);
  f(`{"metric":"a","value":1,"timestamp":0,"tags":{}}`, [`{__name__=a} 1 @${NOW * 1000}`]);
  f(`{"metric":"a","value":1,"timestamp":1700000001.9}`, ["{__name__=a} 1 @1700000001000"]);
  f(`{"metric":"a","value":"-inf","timestamp":4294967296}`, ["{__name__=a} -Infinity @4294967296"]);
  f(`{"metric":"a","value":1,"tags":{"":"x","y":"","z":"1"}}`, [`{__name__=a,z=1} 1 @${NOW * 1000}`]);
  f(`{"metric":"a","value":1,"timestamp":1700000001234}`, ["{__name__=a} 1 @1700000001000"], { trimMs: 1000 });
  f(`{"metric":"a","value":1,"tags":{"t":"1"},"x":[1]}`, [`{__name__=a,t=1,e=2} 1 @${NOW * 1000}`], { extraLabels: [["e", "2"]] });
});

test("parseBody reports VictoriaMetrics' reason for each bad data point and keeps the others", () => {
  const f = (point: string, reason: string) => {
    const got = parse(`[{"metric":"ok","value":1,"timestamp":1700000001},${point},{"metric":"ok2","value":2,"timestamp":1700000001}]`);
    assert.deepEqual(got.rows, ["{__name__=ok} 1 @1700000001000", "{__name__=ok2} 2 @1700000001000"], `valid points around ${point}`);
    assert.equal(got.valid, 2);
    assert.deepEqual(got.errors, [`2: cannot unmarshal OpenTSDB object ${JSON.stringify(JSON.parse(point))}: ${reason}`], `error for ${point}`);
  };
  f(`{"value":1}`, "missing `metric` in {\"value\":1}");
  f(`{"metric":"","value":1}`, "missing `metric` in {\"metric\":\"\",\"value\":1}");
  f(`{"metric":5,"value":1}`, "missing `metric` in {\"metric\":5,\"value\":1}");
  f(`7`, "missing `metric` in 7");
  f(`{"metric":"a"}`, "missing `value` in {\"metric\":\"a\"}");
  f(`{"metric":"a","value":null}`, "invalid `value` in {\"metric\":\"a\",\"value\":null}: value doesn't contain float64; it contains null");
  f(`{"metric":"a","value":"x"}`, "invalid `value` in {\"metric\":\"a\",\"value\":\"x\"}: cannot parse value \"x\": unparsed tail left after parsing float64 from \"x\": \"x\"");
  f(`{"metric":"a","value":1,"timestamp":true}`, "invalid `timestamp` in {\"metric\":\"a\",\"value\":1,\"timestamp\":true}: value doesn't contain float64; it contains true");
  f(`{"metric":"a","value":1,"timestamp":"inf"}`, "invalid `timestamp` in {\"metric\":\"a\",\"value\":1,\"timestamp\":\"inf\"}: want a finite number");
  f(`{"metric":"a","value":1,"tags":[]}`, "invalid `tags` in {\"metric\":\"a\",\"value\":1,\"tags\":[]}: value doesn't contain object; it contains array");
  f(`{"metric":"a","value":1,"tags":{"t":1}}`, "cannot parse tags {\"t\":1}: tag value must be string; got number; value=1");
});

test("parseBody rejects a body that is not JSON and reports one that is neither object nor array", () => {
  const rows = new ImportRows();
  assert.throws(() => parseBody(rows, `{"metric":`, { nowSec: NOW, trimMs: 1, extraLabels: [] }, () => {}), /^Error: cannot parse HTTP OpenTSDB json: /);
  assert.equal(rows.lines, 0);
  const got = parse(`"abc"`);
  assert.deepEqual(got.errors, [`1: OpenTSDB JSON must be either object or array; got string; body="abc"`]);
});

test("parseBody never throws anything but the JSON error and keeps rows consistent (property)", () => {
  const point = fc.record({
    metric: fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null)),
    value: fc.oneof(fc.double(), fc.string({ maxLength: 5 }), fc.boolean()),
    timestamp: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })),
    tags: fc.oneof(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 3 }), fc.integer())), fc.constant([])),
  }, { requiredKeys: [] });
  fc.assert(fc.property(fc.oneof(fc.array(fc.oneof(point, fc.anything())).map((a) => JSON.stringify(a)), point.map((p) => JSON.stringify(p)), fc.string()), (body) => {
    const rows = new ImportRows();
    let errs = 0;
    let valid: number;
    try {
      valid = parseBody(rows, body, { nowSec: NOW, trimMs: 1, extraLabels: [] }, () => errs++);
    } catch (e) {
      assert.match((e as Error).message, /^cannot parse HTTP OpenTSDB json: /);
      assert.equal(rows.lines, 0);
      return;
    }
    assert.equal(rows.offsets[rows.lines], rows.samples);
    assert.equal(rows.lines, valid);
    for (let i = 0; i < rows.samples; i++) assert.ok(Number.isFinite(rows.timestamps[i]!));
    const v: unknown = JSON.parse(body);
    if (Array.isArray(v)) assert.equal(valid + errs, v.length);
  }), { numRuns: 2000 });
});
