import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ProtoWriter } from "../../protobuf/index.ts";
import { FakeIngester } from "./_test_ingester.ts";
import { defaultCommonParams, type CommonParams } from "./common_params.ts";
import { addOtlpLogs, decodeOtlpLogsJSON, decodeOtlpLogsProtobuf, formatAnyValue } from "./otlp_logs.ts";
import { LogParseError } from "./parse_error.ts";
import { LogRowProcessor } from "./row_processor.ts";

function rowsOf(resources: ReturnType<typeof decodeOtlpLogsJSON>, params: Partial<CommonParams> = {}) {
  const ing = new FakeIngester();
  const p = new LogRowProcessor({ ingester: ing, params: { ...defaultCommonParams(), ...params }, type: "test", defaultMsgValue: "", maxFieldsPerLine: 1000 });
  addOtlpLogs(resources, p);
  p.close();
  return ing.rows.map((r) => [r.ts, r.fields, r.stream]);
}

function kv(w: ProtoWriter, num: number, key: string, write: (w: ProtoWriter) => void): void {
  w.beginMessage(num);
  w.string(1, key);
  w.beginMessage(2);
  write(w);
  w.endMessage();
  w.endMessage();
}

function sampleProtobuf(): Uint8Array {
  const w = new ProtoWriter();
  w.beginMessage(1); // ResourceLogs
  w.beginMessage(1); // Resource
  kv(w, 1, "service.name", (x) => x.string(1, "checkout"));
  kv(w, 1, "host", (x) => x.string(1, "h1"));
  w.endMessage();
  w.beginMessage(2); // ScopeLogs
  w.beginMessage(2); // LogRecord
  w.fixed64(1, 1700000000000000000);
  w.int32(2, 9);
  w.beginMessage(5);
  w.string(1, "payment done");
  w.endMessage();
  kv(w, 6, "user", (x) => x.string(1, "u1"));
  kv(w, 6, "count", (x) => x.int64(3, -5));
  kv(w, 6, "ok", (x) => x.bool(2, true));
  kv(w, 6, "ratio", (x) => x.double(4, 0.5));
  kv(w, 6, "http", (x) => { x.beginMessage(6); kv(x, 1, "method", (y) => y.string(1, "GET")); x.endMessage(); });
  kv(w, 6, "tags", (x) => { x.beginMessage(5); x.beginMessage(1); x.string(1, "a"); x.endMessage(); x.beginMessage(1); x.int64(3, 2); x.endMessage(); x.endMessage(); });
  kv(w, 6, "raw", (x) => x.bytes(7, new Uint8Array([1, 2, 3])));
  w.bytes(9, Buffer.from("0102030405060708090a0b0c0d0e0f10", "hex"));
  w.bytes(10, Buffer.from("a1a2a3a4a5a6a7a8", "hex"));
  w.endMessage();
  w.beginMessage(2); // LogRecord with observed time, severity text and a kv body
  w.fixed64(11, 1700000000000000000);
  w.string(3, "WARN");
  w.beginMessage(5);
  w.beginMessage(6);
  kv(w, 1, "message", (x) => x.string(1, "from body"));
  kv(w, 1, "code", (x) => x.int64(3, 7));
  w.endMessage();
  w.endMessage();
  w.endMessage();
  w.endMessage();
  w.endMessage();
  return w.finish().slice();
}

test("decodeOtlpLogsProtobuf: fields, stream fields, severity, ids", () => {
  const rows = rowsOf(decodeOtlpLogsProtobuf(sampleProtobuf()), { msgFields: ["message"] });
  assert.deepEqual(rows, [
    [1700000000_000000000n, {
      "service.name": "checkout", host: "h1", _msg: "payment done", user: "u1", count: "-5", ok: "true", ratio: "0.5", "http.method": "GET",
      tags: '["a",2]', raw: "AQID", trace_id: "0102030405060708090a0b0c0d0e0f10", span_id: "a1a2a3a4a5a6a7a8", severity: "Info",
    }, ["service.name", "host"]],
    [1700000000_000000000n, { "service.name": "checkout", host: "h1", _msg: "from body", code: "7", severity: "WARN" }, ["service.name", "host"]],
  ]);
});

test("decodeOtlpLogsJSON: the same request in JSON", () => {
  const req = {
    resourceLogs: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
      scopeLogs: [{ scope: { name: "s" }, logRecords: [{
        timeUnixNano: "1700000000000000001", severityNumber: 17, body: { stringValue: "boom" },
        attributes: [{ key: "n", value: { intValue: "12" } }, { key: "d", value: { doubleValue: 1.5 } }, { key: "kv", value: { kvlistValue: { values: [{ key: "a", value: { boolValue: false } }] } } }],
        traceId: "0102030405060708090A0B0C0D0E0F10", spanId: "a1a2a3a4a5a6a7a8",
      }] }],
    }],
  };
  assert.deepEqual(rowsOf(decodeOtlpLogsJSON(JSON.stringify(req))), [
    [1700000000_000000001n, { "service.name": "checkout", _msg: "boom", n: "12", d: "1.5", "kv.a": "false", trace_id: "0102030405060708090a0b0c0d0e0f10", span_id: "a1a2a3a4a5a6a7a8", severity: "Error" }, ["service.name"]],
  ]);
  assert.deepEqual(rowsOf(decodeOtlpLogsJSON(JSON.stringify(req)), { streamFields: ["n"], isStreamFieldsSet: true })[0]![2], ["n"]);
});

test("decodeOtlpLogsJSON: bad requests", () => {
  const f = (s: string) => assert.throws(() => decodeOtlpLogsJSON(s), LogParseError, s);
  f("");
  f("[]");
  f('{"resourceLogs":{}}');
  f('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]}');
  f('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz"}]}]}]}');
  f('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a","value":{"intValue":"1.5"}}]}]}]}]}');
});

test("formatAnyValue", () => {
  const f = (v: Parameters<typeof formatAnyValue>[0], want: string) => assert.equal(formatAnyValue(v), want, JSON.stringify(v));
  f(undefined, "");
  f({ s: "x" }, "x");
  f({ a: [{ s: "x" }, undefined, { kv: [["k", { d: 1 }]] }] }, '["x",null,{"k":1}]');
  f({ d: Infinity }, "+Inf");
});

test("decodeOtlpLogsProtobuf: random and mutated data throw only LogParseError", () => {
  const good = sampleProtobuf();
  const check = (b: Uint8Array) => {
    try {
      rowsOf(decodeOtlpLogsProtobuf(b));
    } catch (e) {
      assert.ok(e instanceof LogParseError, String(e));
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), check), { numRuns: 1000 });
  fc.assert(fc.property(fc.nat(), fc.nat(255), (at, v) => {
    const b = good.slice();
    b[at % b.length] = v;
    check(b);
  }), { numRuns: 1000 });
  fc.assert(fc.property(fc.json(), (j) => {
    try {
      rowsOf(decodeOtlpLogsJSON(j));
    } catch (e) {
      assert.ok(e instanceof LogParseError, String(e));
    }
  }), { numRuns: 500 });
});
