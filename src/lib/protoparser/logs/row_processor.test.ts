import test from "node:test";
import assert from "node:assert/strict";
import type { LogField } from "./storage_types.ts";
import { FakeIngester } from "./_test_ingester.ts";
import { defaultCommonParams, parseCommonParams, type CommonParams } from "./common_params.ts";
import { LogParseError } from "./parse_error.ts";
import { LogRowProcessor, renameMsgField } from "./row_processor.ts";

const NOW = 7n;

function proc(ing: FakeIngester, params: Partial<CommonParams>, extra: { maxFieldsPerLine?: number; maxBatchRows?: number; debugLog?: (s: string) => void } = {}): LogRowProcessor {
  return new LogRowProcessor({
    ingester: ing, params: { ...defaultCommonParams(), ...params }, type: "test", defaultMsgValue: "missing",
    maxFieldsPerLine: extra.maxFieldsPerLine ?? 1000, maxBatchRows: extra.maxBatchRows, now: () => NOW, debugLog: extra.debugLog,
  });
}

const fl = (o: Record<string, string>): LogField[] => Object.entries(o).map(([name, value]) => ({ name, value }));

test("parseCommonParams: args, headers and defaults", () => {
  const f = (query: Record<string, string>, headers: Record<string, string>, want: Partial<CommonParams>) => {
    const cp = parseCommonParams({ query: (n) => query[n] ?? "", header: (n) => headers[n] ?? "" });
    for (const [k, v] of Object.entries(want)) assert.deepEqual(cp[k as keyof CommonParams], v, `${k} for ${JSON.stringify({ query, headers })}`);
  };
  f({}, {}, { tenant: { accountID: 0, projectID: 0 }, timeFields: ["_time"], isTimeFieldSet: false, msgFields: [], streamFields: [], debug: false });
  f({ _msg_field: "message, log" }, { "VL-Msg-Field": "x" }, { msgFields: ["message", "log"] });
  f({}, { "VL-Msg-Field": "x,y" }, { msgFields: ["x", "y"] });
  f({ _time_field: "ts" }, {}, { timeFields: ["ts"], isTimeFieldSet: true });
  f({}, { "VL-Stream-Fields": "host,app" }, { streamFields: ["host", "app"], isStreamFieldsSet: true });
  f({ ignore_fields: "a,b*" }, {}, { ignoreFields: ["a", "b*"] });
  f({ decolorize_fields: "c" }, {}, { decolorizeFields: ["c"] });
  f({ extra_fields: "env=prod,dc=a=b" }, {}, { extraFields: [{ name: "env", value: "prod" }, { name: "dc", value: "a=b" }] });
  f({ debug: "1" }, {}, { debug: true });
  f({}, { "VL-Debug": "false" }, { debug: false });
  f({}, { AccountID: "12", ProjectID: "34" }, { tenant: { accountID: 12, projectID: 34 } });
  f({}, { AccountID: "4294967295" }, { tenant: { accountID: 4294967295, projectID: 0 } });
});

test("parseCommonParams: bad values", () => {
  const f = (query: Record<string, string>, headers: Record<string, string>) =>
    assert.throws(() => parseCommonParams({ query: (n) => query[n] ?? "", header: (n) => headers[n] ?? "" }), LogParseError, JSON.stringify({ query, headers }));
  f({}, { AccountID: "x" });
  f({}, { AccountID: "-1" });
  f({}, { ProjectID: "4294967296" });
  f({ extra_fields: "novalue" }, {});
  f({ extra_fields: "k=" }, {});
  f({ extra_fields: "=v" }, {});
  f({ debug: "maybe" }, {});
});

test("LogRowProcessor: fields, message, ignore, extra, decolorize, default message", () => {
  const f = (params: Partial<CommonParams>, input: Record<string, string>, want: Record<string, string>, wantTs = NOW) => {
    const ing = new FakeIngester();
    const p = proc(ing, params);
    p.addParsedRow(fl(input));
    assert.equal(p.close(), 1);
    assert.deepEqual(ing.rows[0]!.fields, want, `params=${JSON.stringify(params)} input=${JSON.stringify(input)}`);
    assert.equal(ing.rows[0]!.ts, wantTs);
  };
  f({}, { _msg: "hi", a: "1" }, { _msg: "hi", a: "1" });
  f({}, { a: "1" }, { a: "1", _msg: "missing" });
  f({}, { _msg: "", a: "" }, { _msg: "missing" });
  f({}, { _time: "2024-01-02T03:04:05Z", _msg: "x" }, { _msg: "x" }, 1704164645_000000000n);
  f({}, { _time: "0", _msg: "x" }, { _msg: "x" });
  f({ timeFields: ["ts", "@t"], isTimeFieldSet: true }, { "@t": "1700000000", _msg: "x", _time: "keep" }, { _msg: "x", _time: "keep" }, 1700000000_000000000n);
  f({ msgFields: ["message", "log"] }, { log: "L", message: "" }, { _msg: "L" });
  f({ msgFields: ["message", "log"] }, { log: "L", message: "M" }, { log: "L", _msg: "M" });
  f({ msgFields: ["message"] }, { _msg: "old", message: "M" }, { _msg: "M" });
  f({ ignoreFields: ["a", "p.*"] }, { a: "1", "p.x": "2", p: "3", _msg: "m" }, { p: "3", _msg: "m" });
  f({ extraFields: [{ name: "env", value: "prod" }] }, { env: "dev", _msg: "m" }, { _msg: "m", env: "prod" });
  f({}, { "a.b": "1", x: "y", "a.b ": "k" }, { "a.b": "1", x: "y", "a.b ": "k", _msg: "missing" });
  f({ decolorizeFields: ["_msg"] }, { _msg: "\x1b[31mred\x1b[0m text", c: "\x1b[1mb" }, { _msg: "red text", c: "\x1b[1mb" });
});

test("LogRowProcessor: stream fields and tenant", () => {
  const ing = new FakeIngester();
  const p = proc(ing, { streamFields: ["host", "app", "gone"], ignoreFields: ["gone"], tenant: { accountID: 3, projectID: 4 } });
  p.addRow(5n, fl({ host: "h", app: "a", _msg: "m" }));
  p.addRow(6n, fl({ host: "h", _msg: "m" }), ["x"]);
  p.close();
  assert.deepEqual(ing.rows.map((r) => [r.tenant, r.ts, r.stream]), [["3:4", 5n, ["host", "app"]], ["3:4", 6n, ["x"]]]);
});

test("LogRowProcessor: limits drop rows and keep the rest", () => {
  const ing = new FakeIngester();
  const p = proc(ing, {}, { maxFieldsPerLine: 2 });
  p.addRow(1n, fl({ a: "1", b: "2", c: "3" }));
  p.addRow(2n, fl({ ["n".repeat(129)]: "1" }));
  p.addRow(2n, fl({ ["é".repeat(65)]: "1" }));
  p.addRow(5n, fl({ ["é".repeat(64)]: "1" }));
  p.addRow(3n, fl({ big: "x".repeat(3 * 1024 * 1024) }));
  p.addRow(4n, fl({ ok: "1" }));
  p.close();
  assert.deepEqual(ing.rows.map((r) => r.ts), [5n, 4n]);
});

test("LogRowProcessor: bad timestamp throws and adds nothing", () => {
  const ing = new FakeIngester();
  const p = proc(ing, {});
  assert.throws(() => p.addParsedRow(fl({ _time: "yesterday" })), LogParseError);
  p.close();
  assert.equal(ing.rows.length, 0);
});

test("LogRowProcessor: batches are committed at the row bound", () => {
  const ing = new FakeIngester();
  const p = proc(ing, {}, { maxBatchRows: 3 });
  for (let i = 0; i < 7; i++) p.addRow(BigInt(i), fl({ _msg: String(i) }));
  assert.equal(ing.commits, 2);
  assert.equal(p.close(), 7);
  assert.equal(ing.commits, 3);
  p.close();
  assert.equal(ing.commits, 3, "closing again commits nothing");
});

test("LogRowProcessor: debug logs instead of storing", () => {
  const ing = new FakeIngester();
  const logged: string[] = [];
  const p = proc(ing, { debug: true, streamFields: ["h"] }, { debugLog: (s) => logged.push(s) });
  p.addRow(9n, fl({ _msg: "m", h: "x" }));
  p.close();
  assert.equal(ing.rows.length, 0);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /"_msg":"m".*"_time":"1970-01-01T00:00:00.000000009Z","_stream":"\{h=\\"x\\"\}"/);
});

test("LogRowProcessor: repeated names keep the last value", () => {
  const ing = new FakeIngester();
  const p = proc(ing, {});
  p.addRow(1n, [{ name: "a", value: "1" }, { name: "b", value: "2" }, { name: "a", value: "3" }, { name: "_msg", value: "m" }]);
  const many = Array.from({ length: 40 }, (_, i) => ({ name: `f${i % 35}`, value: String(i) }));
  p.addRow(2n, many);
  p.close();
  assert.deepEqual(ing.rows[0]!.fields, { b: "2", a: "3", _msg: "m" });
  assert.equal(Object.keys(ing.rows[1]!.fields).length, 36);
  assert.equal(ing.rows[1]!.fields.f0, "35");
});

test("renameMsgField", () => {
  const f = (names: string[], input: Record<string, string>, want: Record<string, string>) => {
    const a = fl(input);
    renameMsgField(a, names);
    assert.deepEqual(Object.fromEntries(a.filter((x) => x.value !== "").map((x) => [x.name, x.value])), want, `${names} ${JSON.stringify(input)}`);
  };
  f([], { message: "m" }, { message: "m" });
  f(["message"], { message: "m" }, { _msg: "m" });
  f(["a", "b"], { b: "B", a: "A" }, { b: "B", _msg: "A" });
  f(["_msg", "b"], { _msg: "x", b: "B" }, { _msg: "x", b: "B" });
});
