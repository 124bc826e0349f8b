import assert from "node:assert/strict";
import { test } from "node:test";
import { formatTimeRange, formatTraceTime, QueryTracer, type TraceSpan } from "./query_tracer.ts";

// shape drops the durations, keeping messages and nesting.
function shape(s: TraceSpan): unknown {
  return s.children === undefined ? s.message : [s.message, s.children.map(shape)];
}

test("QueryTracer: disabled gives undefined", () => {
  assert.equal(QueryTracer.create(false, "/api/v1/query"), undefined);
});

test("QueryTracer: tree of children, notes and donef messages", () => {
  const qt = QueryTracer.create(true, "/api/v1/query")!;
  qt.printf("wait in queue");
  const ev = qt.newChild("eval: query=up");
  const f = ev.newChild("fetch matching series");
  f.donef("series=2, samples=10");
  ev.donef("series=2");
  qt.printf("generate response");
  qt.donef("query=up: series=2");
  assert.deepEqual(shape(qt.toSpan()), [
    "/api/v1/query: query=up: series=2",
    ["wait in queue", ["eval: query=up: series=2", ["fetch matching series: series=2, samples=10"]], "generate response"],
  ]);
  const j = JSON.parse(qt.toJSON()) as TraceSpan;
  assert.equal(typeof j.duration_msec, "number");
  assert.ok(j.duration_msec >= j.children![1]!.duration_msec, "a parent lasts at least as long as its child");
  assert.equal(j.children![0]!.children, undefined, "a note has no children member");
});

test("QueryTracer: a child left open is reported, a closed tracer refuses more", () => {
  const qt = QueryTracer.create(true, "root")!;
  qt.newChild("open");
  qt.done();
  assert.deepEqual(shape(qt.toSpan()), ["root", ["open: missing done() call"]]);
  assert.throws(() => qt.printf("late"), /^Error: BUG: printf\(\) cannot be called after done/);
});

test("QueryTracer: JSON escapes <, > and & as Go's encoding/json does", () => {
  const qt = QueryTracer.create(true, `a<b>c&d "q"`)!;
  qt.done();
  const s = qt.toJSON();
  assert.match(s, /"message":"a\\u003cb\\u003ec\\u0026d \\"q\\""/, s);
  assert.equal((JSON.parse(s) as TraceSpan).message, `a<b>c&d "q"`);
});

test("formatTraceTime", () => {
  const f = (ms: number, want: string) => assert.equal(formatTraceTime(ms), want, `ms=${ms}`);
  f(0, "1970-01-01T00:00:00Z");
  f(1795685835000, "2026-11-26T09:37:15Z");
  f(1795685835100, "2026-11-26T09:37:15.1Z");
  f(1795685835120, "2026-11-26T09:37:15.12Z");
  f(1795685835565, "2026-11-26T09:37:15.565Z");
  f(1795685830000, "2026-11-26T09:37:10Z");
  assert.equal(formatTimeRange(0, 1500), "[1970-01-01T00:00:00Z..1970-01-01T00:00:01.5Z]");
});
