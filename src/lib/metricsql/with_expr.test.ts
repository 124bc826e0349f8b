import { test } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "./errors.ts";
import { expandWithExprs, parse } from "./parse.ts";
import { parseRaw } from "./parser.ts";
import { printExpr } from "./printer.ts";
import { defaultWithTemplates, expandWithExpr } from "./with_expr.ts";

function f(q: string, want: string): void {
  const got = expandWithExprs(q);
  assert.equal(got, want, `q=${JSON.stringify(q)}`);
  assert.equal(expandWithExprs(got), got, `expanding ${JSON.stringify(got)} again`);
}

function bad(q: string, pos: number, msg: string): void {
  assert.throws(
    () => expandWithExprs(q),
    (err: unknown) => {
      assert.ok(err instanceof ParseError, `q=${JSON.stringify(q)}: ${String(err)}`);
      assert.ok(err.message.includes(msg), `q=${JSON.stringify(q)}: ${JSON.stringify(err.message)} lacks ${JSON.stringify(msg)}`);
      assert.equal(err.pos, pos, `q=${JSON.stringify(q)}: position in ${JSON.stringify(err.message)}`);
      return true;
    },
  );
}

test("templates replace metric names, calls and filters", () => {
  f("WITH (x = foo) x", "foo");
  f('with (x = foo) x + x{a="b"}', 'foo + foo{a="b"}');
  f("WITH () foo", "foo");
  f("WITH (x = 1,) x", "1");
  f("WITH (f(a) = a + 1) f(foo)", "foo + 1");
  f("WITH (f(a, b) = a / b) f(foo, bar)", "foo / bar");
  f("WITH (f() = foo) f()", "foo");
  f('WITH (cf = {job="api", env="prod"}) foo{cf} / bar{cf, x="y"}', 'foo{job="api",env="prod"} / bar{job="api",env="prod",x="y"}');
  f('WITH (cf = {job="api"}) {cf}', '{job="api"}');
  f('WITH (cf = {job="api"}) foo{cf, cf}', 'foo{job="api"}');
  f("WITH (x = {}) foo{x}", "foo");
  f('WITH (sel = {a="1" or b="2"}) sel{c="3"}', '{a="1",c="3" or b="2",c="3"}');
  f('WITH (sel = {a="1" or b="2"}) sel', '{a="1" or b="2"}');
  f('WITH (sel = {a="1"}) sel{b="2" or c="3"}', '{a="1",b="2" or a="1",c="3"}');
  f('WITH (x = foo{a="b"}) x{c="d"}', 'foo{a="b",c="d"}');
  f('WITH (x = foo{a="b"}[5m]) x{c="d"}', 'foo{a="b",c="d"}[5m]');
  f("WITH (x = rate(foo[5m])) x", "rate(foo[5m])");
  f('WITH (f(x) = x{a="b"} offset 5m) f(m{c="d"})', 'm{c="d",a="b"} offset 5m');
  f('WITH (f(m, x) = m{x}[5m]) f(foo, {a="b"})', 'foo{a="b"}[5m]');
});

test("templates for durations", () => {
  f("WITH (w = 5m) rate(foo[w])", "rate(foo[5m])");
  f("WITH (w = 5m, s = 30s) max_over_time(foo[w:s]) offset w", "max_over_time(foo[5m:30s]) offset 5m");
  f("WITH (w = 300) rate(foo[w])", "rate(foo[300])");
  f("WITH (f(w) = rate(foo[w])) f(1h)", "rate(foo[1h])");
  f("WITH (x = 1) rate(foo)[x:x]", "rate(foo)[1:1]");
  f("WITH (x = 1.5m) rate(foo)[x:]", "rate(foo)[1.5m:]");
  f("WITH (w = 5m) w + foo[w]", "5m + foo[5m]");
});

test("templates in strings and modifiers", () => {
  f('WITH (prefix = "node_") {__name__=prefix + "cpu"}', "node_cpu");
  f('WITH (f(p) = foo{a=p + "_suffix"}) f("x")', 'foo{a="x_suffix"}');
  f('WITH (s = "a") s + "b"', '"ab"');
  f('WITH (a = "x", b = a + "y") "<" + b + ">" + count(foo)', '"<xy>" + count(foo)');
  f("WITH (f(l) = sum(foo) by (l)) f((job, instance))", "sum(foo) by(job,instance)");
  f("WITH (f(l) = sum(foo) by (l)) f(job)", "sum(foo) by(job)");
  f("WITH (f(l) = sum(foo) without (l, env)) f((job, env))", "sum(foo) without(job,env)");
  f("WITH (f(l) = foo * on(l) group_left(l) bar) f(job)", "foo * on(job) group_left(job) bar");
  f("WITH (f(a, b) = foo + on(a, b) bar) f((x), ())", "foo + on(x) bar");
  f('WITH (f(p) = foo * on() group_left() prefix p bar) f("x_")', 'foo * on() group_left() prefix "x_" bar');
  f('WITH (f(p) = foo * on() group_left() prefix p + "y" bar) f("x_")', 'foo * on() group_left() prefix "x_y" bar');
  f("WITH (f(x) = x) sum(foo) by (f)", "sum(foo) by(f)");
});

test("template scoping", () => {
  f("WITH (x = a, y = x + 1) y", "a + 1");
  // A template body sees only the templates before it.
  f("WITH (y = x + 1, x = a) y", "x + 1");
  f("WITH (x = 1) WITH (x = 2) x", "2");
  f("WITH (x = 1) (WITH (x = 2) x) + x", "3");
  f("WITH (f(x) = x * 2) f(f(3))", "12");
  f("WITH (f(a, f, x) = clamp(x, f, a)) f(f(q, y, z), 1, 2)", "clamp(2, 1, clamp(z, y, q))");
  f("WITH (x = foo) sum(x) by (job)", "sum(foo) by(job)");
  f("WITH (rate(x) = x) rate(foo)", "foo");
  f("WITH (sum = foo) sum", "foo");
  f("WITH (sum(a, b) = a + b) sum(1, 2)", "3");
  f("WITH (f(x) = x) f", "f");
  f('WITH (f(x) = x) f{a="b"}', 'f{a="b"}');
  f("WITH (ru = 1) ru", "1");
  f("rate(x) + WITH (rate(a, b) = a * b) rate(2, b)", "rate(x) + (2 * b)");
  f("WITH (x = foo) clamp_min(a, WITH (y = x) y)", "clamp_min(a, foo)");
  f(
    `WITH (
      commonFilters = {job="cacher", instance=~"1.2.3.4"},
      hits = rate(cache{type="hit", commonFilters}[5m]),
      miss = rate(cache{type="miss", commonFilters}[5m]),
      sumByInstance(arg) = sum(arg) by (instance),
      hitRatio = sumByInstance(hits) / sumByInstance(hits + miss)
    )
    hitRatio < 0.9`,
    '(sum(rate(cache{type="hit",job="cacher",instance=~"1.2.3.4"}[5m])) by(instance) / sum(rate(cache{type="hit",job="cacher",instance=~"1.2.3.4"}[5m]) + rate(cache{type="miss",job="cacher",instance=~"1.2.3.4"}[5m])) by(instance)) < 0.9',
  );
});

test("expansion errors name the template and its position", () => {
  bad('WITH (cf = {job="api" or job="web"}) foo{cf}', 41, "must be {...} without 'or'");
  bad('WITH (x = {a="1" or b="2"}) x{c="3" or d="4"}', 28, "mustn't contain 'or' filters");
  bad("WITH (f(x) = x) f(1, 2)", 16, 'invalid number of args for "f"; got 2; want 1');
  bad('WITH (x(a) = {b="c"}) foo{x}', 26, 'invalid number of args for "x"; got 0; want 1');
  bad("WITH (x = foo) bar{x}", 19, 'WITH template "x" inside "bar{x}" must be {...}; got "foo"');
  bad("WITH (x = 1) foo{x}", 17, "must be {...}");
  bad("WITH (x = foo) foo{a=x}", 21, '"x" must be string expression; got "foo"');
  bad('WITH (x = 1) "a" + x', 13, '"x" must be string expression; got "1"');
  bad("WITH (w = foo) rate(bar[w])", 24, 'unexpected value for WITH template "w"; got foo; want duration');
  bad('WITH (w = "5m") rate(bar[w])', 25, "want duration");
  bad("WITH (x = -5m) foo offset x", 26, "want duration");
  bad("WITH (w = 1Ki) foo[w]", 19, 'cannot parse duration "1Ki"');
  bad('WITH (f(x) = x{a="b"}) f(1)', 13, 'cannot expand "x{a=\\"b\\"}" to non-metric expression "1"');
  bad("WITH (lbls = (job, instance)) sum(foo) by (lbls)", 30, 'cannot use "(job, instance)" instead of "lbls"');
  bad('WITH (f(l) = sum(x) by (l)) f(foo{a="b"})', 13, "cannot use");
  bad("WITH (f(p) = a * on() group_left() prefix p b) f(1)", 42, '"p" must be string expression');
  bad("with (x = 1, x = 2) x", 13, 'duplicate WITH template name "x"');
  bad("with (f(a, a) = a) f(1)", 7, 'duplicate func arg found in "f": "a"');
  bad("with (f(x) = x) f(1) + g(2)", 23, 'unsupported function "g"');
  bad("WITH (f(x) = m keep_metric_names) f(1)", 15, 'unexpected token "keep_metric_names"');
  bad("with (x", 7, 'withArgExpr: unexpected token ""; want "="');
  bad("with (x = 1)", 12, 'unexpected token ""');
  bad("with (1 = 2) x", 6, 'withArgExpr: unexpected token "1"; want "ident"');
  bad("with (f(1) = 2) x", 8, 'identList: unexpected token "1"');
});

test("the predefined templates parse", () => {
  const names = defaultWithTemplates().map((wa) => `${wa.name}(${wa.params.join(",")})`);
  assert.deepEqual(names, ["ru(freev,maxv)", "ttf(freev)", "range_median(q)", "alias(q,name)"]);
});

test("expandWithExpr keeps parentheses for parse() to remove", () => {
  const e = expandWithExpr(parseRaw("WITH (x = (a, b)) x"));
  assert.equal(e.kind, "parens");
  assert.equal(printExpr(parse("WITH (x = (a, b)) x")), "(a, b)");
});
