import { test } from "node:test";
import assert from "node:assert/strict";
import type { BinaryOpExpr, MetricExpr } from "./ast.ts";
import { getCommonLabelFilters, optimize, pushdownBinaryOpFilters, trimFiltersByGroupModifier } from "./optimizer.ts";
import { parse } from "./parse.ts";
import { printExpr, printLabelFilter } from "./printer.ts";

// f checks optimize(parse(q)) and that the parsed tree itself is left alone.
function f(q: string, want: string): void {
  const e = parse(q);
  const before = printExpr(e);
  assert.equal(printExpr(optimize(e)), want, `q=${JSON.stringify(q)}`);
  assert.equal(printExpr(e), before, `optimize modified its input for ${JSON.stringify(q)}`);
}

test("optimize pushes common label filters across binary operations", () => {
  f('foo{job="a"} + bar', 'foo{job="a"} + bar{job="a"}');
  f('foo + bar{b="2"} + baz{c="3"}', '(foo{b="2",c="3"} + bar{b="2",c="3"}) + baz{b="2",c="3"}');
  f('abs(foo{a="1"} - bar)', 'abs(foo{a="1"} - bar{a="1"})');
  f('rate(foo{a="1"}[5m]) + rate(bar[5m])', 'rate(foo{a="1"}[5m]) + rate(bar{a="1"}[5m])');
  f('foo{a="1"} @ end() + bar', '(foo{a="1"} @ end()) + bar{a="1"}');
  f('histogram_quantile(0.9, rate(foo_bucket{job="a"}[5m])) > bar', 'histogram_quantile(0.9, rate(foo_bucket{job="a"}[5m])) > bar{job="a"}');
  f('foo{a="1" or a="1",b="2"} + bar', 'foo{a="1" or a="1",b="2"} + bar{a="1"}');
  f("foo", "foo");
  f("sum(foo)", "sum(foo)");
});

test("on, ignoring and group modifiers limit the pushdown", () => {
  f('foo{job="a"} / on(instance) bar{instance="x"}', 'foo{instance="x",job="a"} / on(instance) bar{instance="x"}');
  f('foo{job="a"} / ignoring(job) bar', 'foo{job="a"} / ignoring(job) bar');
  f('foo{job="a",x="1"} * on(job) group_left(y) bar', 'foo{job="a",x="1"} * on(job) group_left(y) bar{job="a"}');
  f('foo * on(job) group_right() bar{job="b",x="2"}', 'foo{job="b"} * on(job) group_right() bar{job="b",x="2"}');
});

test("set operators", () => {
  f('foo{a="1"} or bar{a="1",b="2"}', 'foo{a="1"} or bar{a="1",b="2"}');
  f('foo{a="1"} or bar{b="2"}', 'foo{a="1"} or bar{b="2"}');
  f('foo{a="1"} unless bar{b="2"}', 'foo{a="1"} unless bar{a="1",b="2"}');
  f('foo{a="1"} ifnot bar', 'foo{a="1"} ifnot bar{a="1"}');
  f('foo{a="1"} and bar', 'foo{a="1"} and bar{a="1"}');
});

test("aggregates and label functions", () => {
  f('sum(foo{a="1"}) by (a) + bar', 'sum(foo{a="1"}) by(a) + bar{a="1"}');
  f('sum(foo{a="1"}) without (a) + bar', 'sum(foo{a="1"}) without(a) + bar');
  f('sum(foo{a="1"}) + bar', 'sum(foo{a="1"}) + bar');
  f('topk(3, foo{a="1"}) by (a) + bar', 'topk(3, foo{a="1"}) by(a) + bar{a="1"}');
  f('count_values("a", foo{a="1",b="2"}) by (a, b) + bar', 'count_values("a", foo{a="1",b="2"}) by(a,b) + bar{b="2"}');
  f('label_replace(foo{a="1",b="2"}, "a", "$1", "c", "(.*)") + bar', 'label_replace(foo{a="1",b="2"}, "a", "$1", "c", "(.*)") + bar{b="2"}');
  f('label_set(foo, "a", "x") + bar', 'label_set(foo, "a", "x") + bar{a="x"}');
  f('label_del(foo{a="1",b="2"}, "a") + bar', 'label_del(foo{a="1",b="2"}, "a") + bar{b="2"}');
  f('label_keep(foo{a="1",b="2"}, "a") + bar', 'label_keep(foo{a="1",b="2"}, "a") + bar{a="1"}');
  f('label_copy(foo{a="1",b="2"}, "a", "b") + bar', 'label_copy(foo{a="1",b="2"}, "a", "b") + bar{a="1"}');
  f('absent(foo{a="1"}) + bar', 'absent(foo{a="1"}) + bar');
});

test("optimize copies nodes that expansion shares", () => {
  // x is one node in both places of the expanded tree; each side must get its own filters.
  f('WITH (f(x) = (x + bar{a="1"}) or (x + baz{b="2"})) f(abs(foo))', '(abs(foo{a="1"}) + bar{a="1"}) or (abs(foo{b="2"}) + baz{b="2"})');
});

test("getCommonLabelFilters", () => {
  const g = (q: string, want: string) =>
    assert.equal(getCommonLabelFilters(parse(q)).map(printLabelFilter).join(","), want, `q=${JSON.stringify(q)}`);
  g("{}", "");
  g('{__name__=~"a|b",x="y"}', 'x="y"');
  g('foo{c!="d",a="b"}', 'c!="d",a="b"');
  g('foo + bar{a="b"}', 'a="b"');
  g('{a="b"} + on() {c="d"}', "");
  g('{a="b"} + on(c) group_left() {c="d"}', 'a="b",c="d"');
  g('{a="b",x="y"} or on(x) {x="y",c="d"}', 'x="y"');
  g('{a="b",c="d" or c="d",a="b"}', 'c="d",a="b"');
});

test("pushdownBinaryOpFilters and trimFiltersByGroupModifier", () => {
  const lfs = (parse('{a="b",x="y"}') as MetricExpr).labelFilterss[0];
  const e = parse("foo + sum(bar)");
  assert.equal(printExpr(pushdownBinaryOpFilters(e, lfs)), 'foo{a="b",x="y"} + sum(bar)');
  assert.equal(printExpr(e), "foo + sum(bar)");
  assert.equal(pushdownBinaryOpFilters(e, []), e);
  const be = parse("foo + on(a) bar") as BinaryOpExpr;
  assert.deepEqual(trimFiltersByGroupModifier(lfs, be).map(printLabelFilter), ['a="b"']);
  const be2 = parse("foo + ignoring(a) bar") as BinaryOpExpr;
  assert.deepEqual(trimFiltersByGroupModifier(lfs, be2).map(printLabelFilter), ['x="y"']);
});
