import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ProtoWriter } from "../../protobuf/index.ts";
import { FakeIngester } from "./_test_ingester.ts";
import { defaultCommonParams, type CommonParams } from "./common_params.ts";
import { FieldList } from "./field_list.ts";
import { parsePromLabels, processLokiJSON, processLokiProtobuf } from "./loki.ts";
import { LogParseError } from "./parse_error.ts";
import { LogRowProcessor } from "./row_processor.ts";

function newProc(params: Partial<CommonParams> = {}) {
  const ing = new FakeIngester();
  const p = new LogRowProcessor({ ingester: ing, params: { ...defaultCommonParams(), ...params }, type: "test", defaultMsgValue: "", maxFieldsPerLine: 1000 });
  return { ing, p };
}

test("parsePromLabels", () => {
  const f = (s: string, want: Record<string, string>) => {
    const fl = new FieldList();
    parsePromLabels(s, fl);
    assert.deepEqual(Object.fromEntries(fl.items.map((x) => [x.name, x.value])), want, s);
  };
  f("{}", {});
  f('{job="a"}', { job: "a" });
  f(' {job="a", host="h\\"q\\n\\x41\\u00e9"} ', { job: "a", host: 'h"q\nAé' });
  f('{a="1",b="2"}', { a: "1", b: "2" });
  const bad = (s: string) => assert.throws(() => parsePromLabels(s, new FieldList()), LogParseError, s);
  bad("");
  bad("job=a");
  bad("{job}");
  bad("{job=a}");
  bad('{job="a}');
  bad('{job="a" x="b"}');
  bad('{job="\\q"}');
});

test("processLokiJSON: labels as stream fields, metadata, JSON messages", () => {
  const { ing, p } = newProc({ msgFields: ["msg"] });
  const n = processLokiJSON(JSON.stringify({
    streams: [
      { stream: { job: "api", host: "h1" }, values: [["1700000000000000000", "plain line"], ["1700000000000000001", "with md", { trace_id: "t1" }]] },
      { stream: {}, values: [["", '{"msg":"json msg","level":"info"}'], ["1700000000", "{not json}"]] },
    ],
  }), p, { parseMessage: true });
  p.close();
  assert.equal(n, 4);
  const now = BigInt(Date.now()) * 1_000_000n;
  assert.deepEqual(ing.rows.slice(0, 2).map((r) => [r.ts, r.fields, r.stream]), [
    [1700000000_000000000n, { job: "api", host: "h1", _msg: "plain line" }, ["job", "host"]],
    [1700000000_000000001n, { job: "api", host: "h1", trace_id: "t1", _msg: "with md" }, ["job", "host"]],
  ]);
  assert.deepEqual(ing.rows[2]!.fields, { _msg: "json msg", level: "info" });
  assert.ok(ing.rows[2]!.ts <= now + 10_000_000_000n && ing.rows[2]!.ts > now - 10_000_000_000n);
  assert.deepEqual(ing.rows[3]!.fields, { _msg: "{not json}" });
  assert.equal(ing.rows[3]!.ts, 1700000000_000000000n);
});

test("processLokiJSON: _stream_fields replaces the labels; no message parsing", () => {
  const { ing, p } = newProc({ streamFields: ["host"], isStreamFieldsSet: true });
  processLokiJSON('{"streams":[{"stream":{"job":"a","host":"h"},"values":[["1","{\\"a\\":1}"]]}]}', p, { parseMessage: false });
  p.close();
  assert.deepEqual(ing.rows.map((r) => [r.fields, r.stream]), [[{ job: "a", host: "h", _msg: '{"a":1}' }, ["host"]]]);
});

test("processLokiJSON: a malformed request stores nothing", () => {
  const f = (body: string) => {
    const { ing, p } = newProc();
    assert.throws(() => processLokiJSON(body, p, { parseMessage: true }), LogParseError, body);
    p.close();
    assert.equal(ing.rows.length, 0, body);
  };
  f("");
  f("[]");
  f("{}");
  f('{"streams":{}}');
  f('{"streams":[1]}');
  f('{"streams":[{"stream":{"a":1},"values":[]}]}');
  f('{"streams":[{"stream":{},"values":[["1","ok"]]},{"stream":{},"values":[["x","bad ts"]]}]}');
  f('{"streams":[{"stream":{},"values":[["1"]]}]}');
  f('{"streams":[{"stream":{},"values":[[1,"a"]]}]}');
  f('{"streams":[{"stream":{},"values":[["1",2]]}]}');
  f('{"streams":[{"stream":{},"values":[["1","a",{"k":1}]]}]}');
  f('{"streams":[{"stream":{}}]}');
});

test("processLokiJSON: random JSON throws only LogParseError", () => {
  const anyStreams = fc.record({ streams: fc.array(fc.record({ stream: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())), values: fc.array(fc.array(fc.oneof(fc.string(), fc.integer(), fc.json()), { maxLength: 4 })) }, { requiredKeys: [] })) }, { requiredKeys: [] });
  fc.assert(fc.property(fc.oneof(fc.json(), anyStreams.map((o) => JSON.stringify(o))), (j) => {
    const { p } = newProc();
    try {
      processLokiJSON(j, p, { parseMessage: true });
    } catch (e) {
      assert.ok(e instanceof LogParseError, String(e));
    }
  }), { numRuns: 1000 });
});

function lokiProto(streams: { labels: string; entries: { secs: number; nanos: number; line: string; md?: [string, string][] }[] }[]): Uint8Array {
  const w = new ProtoWriter();
  for (const s of streams) {
    w.beginMessage(1);
    w.string(1, s.labels);
    for (const e of s.entries) {
      w.beginMessage(2);
      w.beginMessage(1);
      w.int64(1, e.secs);
      w.int32(2, e.nanos);
      w.endMessage();
      w.string(2, e.line);
      for (const [k, v] of e.md ?? []) {
        w.beginMessage(3);
        w.string(1, k);
        w.string(2, v);
        w.endMessage();
      }
      w.endMessage();
    }
    w.endMessage();
  }
  return w.finish().slice();
}

test("processLokiProtobuf: entries with labels and metadata", () => {
  const { ing, p } = newProc();
  const data = lokiProto([{ labels: '{app="x", env="prod"}', entries: [{ secs: 1700000000, nanos: 5, line: "hello", md: [["user", "u1"]] }, { secs: 1700000001, nanos: 0, line: "bye" }] }]);
  assert.equal(processLokiProtobuf(data, p, { parseMessage: true }), 2);
  p.close();
  assert.deepEqual(ing.rows.map((r) => [r.ts, r.fields, r.stream]), [
    [1700000000_000000005n, { app: "x", env: "prod", user: "u1", _msg: "hello" }, ["app", "env"]],
    [1700000001_000000000n, { app: "x", env: "prod", _msg: "bye" }, ["app", "env"]],
  ]);
});

test("processLokiProtobuf: malformed data stores nothing; random data throws only LogParseError", () => {
  const good = lokiProto([{ labels: '{a="b"}', entries: [{ secs: 1, nanos: 0, line: "x" }] }]);
  const f = (data: Uint8Array) => {
    const { ing, p } = newProc();
    try {
      processLokiProtobuf(data, p, { parseMessage: true });
    } catch (e) {
      assert.ok(e instanceof LogParseError, String(e));
      p.close();
      assert.equal(ing.rows.length, 0);
    }
  };
  f(good.subarray(0, good.length - 1));
  f(lokiProto([{ labels: "bad labels", entries: [{ secs: 1, nanos: 0, line: "x" }] }]));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => f(b)), { numRuns: 1000 });
  fc.assert(fc.property(fc.nat(), fc.nat(255), (at, v) => {
    const b = good.slice();
    b[at % b.length] = v;
    f(b);
  }), { numRuns: 1000 });
});
