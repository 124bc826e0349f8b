import { test } from "node:test";
import assert from "node:assert/strict";
import type { Expr } from "./ast.ts";
import { ParseError } from "./errors.ts";
import { AGGR_FUNCS, ROLLUP_FUNCS, TEMPLATE_FUNCS, TRANSFORM_FUNCS } from "./functions.ts";
import { parse } from "./parse.ts";
import { parseRaw } from "./parser.ts";
import { printExpr } from "./printer.ts";

// f checks that q parses and prints as want, and that the printed form parses back
// into the same tree.
function f(q: string, want: string): void {
  let e: Expr;
  try {
    e = parse(q);
  } catch (err) {
    assert.fail(`parse(${JSON.stringify(q)}) failed: ${(err as Error).message}`);
  }
  const got = printExpr(e);
  assert.equal(got, want, `q=${JSON.stringify(q)}`);
  assert.deepEqual(parse(got), e, `round trip of ${JSON.stringify(got)}`);
}

// bad checks that q fails with a ParseError at pos whose message contains msg.
function bad(q: string, pos: number, msg: string): void {
  assert.throws(
    () => parse(q),
    (err: unknown) => {
      assert.ok(err instanceof ParseError, `q=${JSON.stringify(q)}: want a ParseError; got ${String(err)}`);
      assert.ok(err instanceof SyntaxError);
      assert.ok(err.message.includes(msg), `q=${JSON.stringify(q)}: message ${JSON.stringify(err.message)} lacks ${JSON.stringify(msg)}`);
      assert.equal(err.pos, pos, `q=${JSON.stringify(q)}: position in ${JSON.stringify(err.message)}`);
      return true;
    },
  );
}

test("selectors", () => {
  f("foo", "foo");
  f("  foo  ", "foo");
  f("foo{}", "foo");
  f("{}", "{}");
  f('foo{bar="baz"}', 'foo{bar="baz"}');
  f('foo{bar="baz",}', 'foo{bar="baz"}');
  f('foo{ bar = "baz" , qux != "x" , a =~ "b.*" , c !~ "d|e" }', 'foo{bar="baz",qux!="x",a=~"b.*",c!~"d|e"}');
  f('foo{a="b",a="b",c="d"}', 'foo{a="b",c="d"}');
  f("foo:bar.baz", "foo:bar.baz");
  f("METRIC", "METRIC");
  f('ტემპერატურა{πόλη="Київ"}', 'ტემპერატურა{πόλη="Київ"}');
  f('foo\\-bar{baz\\=aa="b"}', 'foo\\-bar{baz\\=aa="b"}');
  f('\\x66oo{\\u0062ar="x"}', 'foo{bar="x"}');
  f("foo{a='single'}", 'foo{a="single"}');
  f("foo{a=`raw\\n`}", 'foo{a="raw\\\\n"}');
  f('foo{a="x"+"y"+\'z\'}', 'foo{a="xyz"}');
  f('foo{a="\\u00e9\\t"}', 'foo{a="é\\t"}');
});

test("metric names in braces", () => {
  f('{__name__="foo"}', "foo");
  f('{__name__="foo",a="b"}', 'foo{a="b"}');
  f('{a="b",__name__="foo"}', 'foo{a="b"}');
  f('{__name__=~"foo|bar"}', '{__name__=~"foo|bar"}');
  f('{__name__!="foo"}', '{__name__!="foo"}');
  f('foo{__name__="foo"}', "foo");
  // Prometheus 3 quoted names.
  f('{"foo"}', "foo");
  f('{"foo.bar-baz", job="x"}', 'foo.bar\\-baz{job="x"}');
  f('{"foo", "job"="x"}', 'foo{job="x"}');
  f('foo{"my label"="x"}', 'foo{my\\ label="x"}');
  f('{"3foo"}', "\\3foo");
  f('{"inf"}', '{__name__="inf"}');
  f('{__name__="NaN",a="b"}', '{__name__="NaN",a="b"}');
  f('sum({"metric name","label"="value"}) by ("cluster!one", instance)', 'sum(metric\\ name{label="value"}) by(cluster\\!one,instance)');
});

test("or-groups of label filters", () => {
  f('foo{a="1" or b="2"}', 'foo{a="1" or b="2"}');
  f('foo{a="1",b="2" OR c="3"}', 'foo{a="1",b="2" or c="3"}');
  f('{a="1" or b="2"}', '{a="1" or b="2"}');
  f('{__name__="a",x="1" or __name__="b",y="2"}', '{__name__="a",x="1" or __name__="b",y="2"}');
  f('{"a",x="1" or y="2"}', 'a{x="1" or y="2"}');
  f('{__name__="a",x="1" or __name__="a",y="2"}', 'a{x="1" or y="2"}');
  // A group that is just the name matches every `a` series, so it is kept
  // (VictoriaMetrics prints a{x="1"} here).
  f('{__name__="a",x="1" or __name__="a"}', '{__name__="a",x="1" or __name__="a"}');
  f('rate(foo{a="1" or b="2"}[5m])', 'rate(foo{a="1" or b="2"}[5m])');
});

test("windows, subqueries, offsets and @", () => {
  f("foo[5m]", "foo[5m]");
  f("foo[ 5m ]", "foo[5m]");
  f("foo[5m:1m]", "foo[5m:1m]");
  f("foo[ 5m : 1m ]", "foo[5m:1m]");
  f("foo[5m:]", "foo[5m:]");
  f("foo[:1m]", "foo[:1m]");
  f("foo[:]", "foo[:]");
  f("foo[1.5m]", "foo[1.5m]");
  f("foo[300]", "foo[300]");
  f("foo[2h30m]", "foo[2h30m]");
  f("foo[1h-5m]", "foo[1h-5m]");
  f("foo[5ms]", "foo[5ms]");
  f("foo[1d1w1y]", "foo[1d1w1y]");
  f("foo[10i]", "foo[10i]");
  f("foo[5i:1i]", "foo[5i:1i]");
  f("foo offset 5m", "foo offset 5m");
  f("foo OFFSET -5m", "foo offset -5m");
  f("foo offset 1.5", "foo offset 1.5");
  f("foo offset -1h30m", "foo offset -1h30m");
  f("foo offset 3i", "foo offset 3i");
  f("foo[5m] offset 1h", "foo[5m] offset 1h");
  f("foo @ 1609746000", "foo @ 1609746000");
  f("foo @ start()", "foo @ start()");
  f("foo @ end()", "foo @ end()");
  f("foo @ (end() - 1h)", "foo @ (end() - 1h)");
  f("foo @ (start())", "foo @ start()");
  f("foo @ -1", "foo @ -1");
  f("foo[5m] @ end() offset 1h", "foo[5m] offset 1h @ end()");
  f("foo offset 1h @ end()", "foo offset 1h @ end()");
  f("sum(foo) @ end()", "sum(foo) @ end()");
  f("sum(foo) offset 1h", "sum(foo) offset 1h");
  f("rate(foo[5m])[1h:5m]", "rate(foo[5m])[1h:5m]");
  f("max_over_time(rate(foo[5m])[1h:])", "max_over_time(rate(foo[5m])[1h:])");
  f("(foo + bar)[5m:1m]", "(foo + bar)[5m:1m]");
  f("(foo + bar) offset 5m", "(foo + bar) offset 5m");
  f("sum(foo) by (a) [5m]", "(sum(foo) by(a))[5m]");
  f("sum(foo)[5m]", "sum(foo)[5m]");
  f("(foo[5m])[10m]", "(foo[5m])[10m]");
  f("-foo[5m]", "0 - foo[5m]");
  f('"foo"[5m]', '"foo"[5m]');
  f("1[5m]", "1[5m]");
});

test("optional lookbehind windows and Grafana's intervals", () => {
  f("rate(foo)", "rate(foo)");
  f("foo[$__interval]", "foo");
  f("rate(foo[$__rate_interval])", "rate(foo)");
  f("rate(foo[$__interval:1m])", "rate(foo[:1m])");
  f("rate(foo[1h:$__interval])", "rate(foo[1h:1i])");
  f("foo offset $__interval", "foo offset 1i");
  f("foo offset -$__rate_interval", "foo offset -1i");
  f("foo[5m$__interval]", "foo[5m$__interval]");
  f("(5m$__interval)", "5m$__interval");
  f("rate(foo) * $__interval", "rate(foo) * 1i");
  // A bare window on a subquery is kept: it makes the expression a subquery.
  f("sum(foo)[$__interval]", "sum(foo)[$__interval]");
});

test("numbers", () => {
  f("1", "1");
  f("1.5", "1.5");
  f(".5", ".5");
  f("12.", "12.");
  f("1e3", "1e3");
  f("1.5E-3", "1.5E-3");
  f("12.e+4", "12.e+4");
  f("1_000_000", "1_000_000");
  f("0x1F", "0x1F");
  f("0b101", "0b101");
  f("0o17", "0o17");
  f("017", "017");
  f("1Ki", "1Ki");
  f("1.5KiB", "1.5KiB");
  f("2M", "2M");
  f("2mb", "2mb");
  f("3Gi", "3Gi");
  f("4T", "4T");
  f("NaN", "NaN");
  f("nan", "nan");
  f("Inf", "Inf");
  f("+Inf", "Inf");
  f("-Inf", "-Inf");
  f("-1", "-1");
  f("-1.5e3", "-1500");
  f("- 2", "-2");
  f("-0x10", "-16");
  f("-1.23Gb", "-1.23e+09");
  f("-.5", "-0.5");
  f("foo > 45Mi", "foo > 45Mi");
  assert.equal((parse("1.5Ki") as { value: number }).value, 1536);
  assert.equal((parse("0x1f") as { value: number }).value, 31);
});

test("durations as values", () => {
  f("5m", "5m");
  f("1h30m", "1h30m");
  f("-5m", "0 - 5m");
  f("1h + 2", "1h + 2");
  f("sum_over_time(m[1h]) / 1h", "sum_over_time(m[1h]) / 1h");
});

test("strings", () => {
  f('"foo"', '"foo"');
  f('""', '""');
  f("'foo'", '"foo"');
  f("`foo`", '"foo"');
  f("'it\\'s \"x\"'", '"it\'s \\"x\\""');
  f('"\\n\\t {}[]()"', '"\\n\\t {}[]()"');
  f('"a" + "b"', '"ab"');
  f("\"a\" + 'b' + `c`", '"abc"');
  f('("a" + "b") + "c"', '"abc"');
  f('"a" < "b"', "1");
  f('"a" > "b"', "NaN");
  f('"a" == bool "b"', "0");
  f('"a" != "b"', "1");
  f('"a" - "b"', '"a" - "b"');
  f('"a" + foo{x="y"}', '"a" + foo{x="y"}');
  f('"a" + rate(x)', '"a" + rate(x)');
  f('("a") + foo', '"a" + (foo)');
  f('("a") + NaN', '"a" + (NaN)');
});

test("binary operators and their precedence", () => {
  f("1 + 2 * 3", "7");
  f("(1 + 2) * 3", "9");
  f("2 ^ 3 ^ 2", "512");
  f("-2 ^ 2", "-4");
  f("(-2) ^ 2", "4");
  f("1 / 0", "Inf");
  f("0 / 0", "NaN");
  f("NaN == NaN", "NaN");
  f("NaN == bool NaN", "1");
  f("1 > bool 2", "0");
  f("3 > 2", "3");
  f("3 < 2", "NaN");
  f("-5 % 3", "-2");
  f("1 and 2", "1");
  f("NaN or 2", "2");
  f("1 unless 2", "NaN");
  f("NaN default 7", "7");
  f("5 if 1", "5");
  f("5 if NaN", "NaN");
  f("5 ifnot NaN", "5");
  f("foo + bar * baz", "foo + (bar * baz)");
  f("foo * bar + baz", "(foo * bar) + baz");
  f("foo - bar - baz", "(foo - bar) - baz");
  f("foo ^ bar ^ baz", "foo ^ (bar ^ baz)");
  f("foo % bar atan2 baz", "(foo % bar) atan2 baz");
  f("foo or bar and baz", "foo or (bar and baz)");
  f("foo and bar or baz", "(foo and bar) or baz");
  f("foo AND bar OR baz UNLESS qux", "(foo and bar) or (baz unless qux)");
  f("foo == bar + baz", "foo == (bar + baz)");
  f("foo > bar == baz", "(foo > bar) == baz");
  f("foo default bar if baz", "foo default (bar if baz)");
  f("foo if bar default baz", "(foo if bar) default baz");
  f("foo ifnot bar or baz", "foo ifnot (bar or baz)");
  f("-foo", "0 - foo");
  f("-foo * bar", "0 - (foo * bar)");
  f("-foo + bar", "(0 - foo) + bar");
  f("a * -b + c", "(a * (0 - b)) + c");
  f("--foo", "0 - (0 - foo)");
  f("+foo", "foo");
  f("foo + bar offset 5m", "foo + (bar offset 5m)");
  f("foo @ end() + bar", "(foo @ end()) + bar");
  f("foo == (1, 2)", "foo == (1, 2)");
  f("foo - -1", "foo - -1");
  f("(-1) ^ foo", "(-1) ^ foo");
  f("-1 ^ foo", "0 - (1 ^ foo)");
});

test("bool, on, ignoring, group_left, group_right, prefix", () => {
  f("foo > bool bar", "foo >bool bar");
  f("foo >BOOL bar", "foo >bool bar");
  f("foo + on(job) bar", "foo + on(job) bar");
  f("foo + ON (job, instance,) bar", "foo + on(job,instance) bar");
  f("foo + ignoring() bar", "foo + ignoring() bar");
  f('foo + on("a.b") bar', "foo + on(a.b) bar");
  f("foo * on(job) group_left bar", "foo * on(job) group_left() bar");
  f("foo * on(job) group_left(a, b) bar", "foo * on(job) group_left(a,b) bar");
  f("foo * ignoring(x) group_right(*) bar", "foo * ignoring(x) group_right(*) bar");
  f('foo * on() group_left(*) prefix "ns_" bar', 'foo * on() group_left(*) prefix "ns_" bar');
  f("foo * on() GROUP_LEFT(*) PREFIX 'x_' bar", 'foo * on() group_left(*) prefix "x_" bar');
  f('foo / on(a) group_right(*) prefix "p_" bar', 'foo / on(a) group_right(*) prefix "p_" bar');
  f('foo / ignoring(a) group_right( * ) prefix `p_` (bar)', 'foo / ignoring(a) group_right(*) prefix "p_" bar');
  f('foo > bool on(a) group_left(*) prefix "" bar', 'foo >bool on(a) group_left(*) prefix "" bar');
  f('sum(foo) by (a) * on(a) group_left(*) prefix "x_" sum(bar) by (a, b)', 'sum(foo) by(a) * on(a) group_left(*) prefix "x_" sum(bar) by(a,b)');
  f("foo == bool on(a) group_right(b) bar", "foo ==bool on(a) group_right(b) bar");
  f("foo and on(job) bar", "foo and on(job) bar");
  f("foo unless ignoring(x) bar", "foo unless ignoring(x) bar");
  f("foo or on() bar", "foo or on() bar");
  f("foo if on(a) bar", "foo if on(a) bar");
  f("foo + on(a, a) bar", "foo + on(a) bar");
});

test("words that are also keywords", () => {
  f("with", "with");
  f("WITH + 1", "WITH + 1");
  f("offset", "offset");
  f("offset offset 5m", "offset offset 5m");
  f("by", "by");
  f("bool", "bool");
  f("keep_metric_names", "keep_metric_names");
  f("foo + keep_metric_names", "foo + keep_metric_names");
  f("on + foo", "on + foo");
  f("foo + (on)", "foo + (on)");
  f("foo + (on[5m])", "foo + (on[5m])");
  f("foo + (bool{a=\"b\"}[5m:])", 'foo + (bool{a="b"}[5m:])');
  f("foo + (bool)", "foo + (bool)");
  f('foo + (group_left{a="b"})', 'foo + (group_left{a="b"})');
  f("foo / (prefix)", "foo / (prefix)");
  f("sum + foo", "sum + foo");
  f("foo + sum", "foo + sum");
  f("(sum) or foo", "(sum) or foo");
  f("rate", "rate");
  f("rate{a=\"b\"}[5m]", 'rate{a="b"}[5m]');
  f("limit", "limit");
});

test("functions, aggregates and keep_metric_names", () => {
  f("rate(foo[5m])", "rate(foo[5m])");
  f("Rate(foo[5m])", "Rate(foo[5m])");
  f("r\\a\\te(foo[5m])", "rate(foo[5m])");
  f('label_replace(foo, "a", "$1", "b", "(.*)")', 'label_replace(foo, "a", "$1", "b", "(.*)")');
  f("clamp_min(foo, 0,)", "clamp_min(foo, 0)");
  f("time()", "time()");
  f("rate(rate(foo[5m]))", "rate(rate(foo[5m]))");
  f("sum(rate(foo[5m])) by (job)", "sum(rate(foo[5m])) by(job)");
  f("sum by (job) (rate(foo[5m]))", "sum(rate(foo[5m])) by(job)");
  f("sum without (instance) (foo)", "sum(foo) without(instance)");
  f("SUM BY (Job) (foo)", "sum(foo) by(Job)");
  f("sum(foo) by (job) limit 5", "sum(foo) by(job) limit 5");
  f("sum by (job) (foo) limit 5", "sum(foo) by(job) limit 5");
  f("sum(foo) limit 10", "sum(foo) limit 10");
  f("sum(foo) limit 0", "sum(foo)");
  f("topk(5, foo) by (job)", "topk(5, foo) by(job)");
  f("quantile(0.9, foo)", "quantile(0.9, foo)");
  f('count_values("value", foo)', 'count_values("value", foo)');
  f("sum(a, b, c)", "sum(a, b, c)");
  f("sum(a, 1 + 2)", "sum(a, 3)");
  f("sum()", "sum()");
  f("sum(foo) by ()", "sum(foo) by()");
  f('sum(foo) by ("job.name", "x")', "sum(foo) by(job.name,x)");
  f("avg(foo) by (job,)", "avg(foo) by(job)");
  f("sum(foo) by (a, a, b)", "sum(foo) by(a,b)");
  f("rate(foo[5m]) keep_metric_names", "rate(foo[5m]) keep_metric_names");
  f("abs(foo) KEEP_METRIC_NAMES", "abs(foo) keep_metric_names");
  f("(foo + bar) keep_metric_names", "(foo + bar) keep_metric_names");
  f("foo + bar keep_metric_names", "(foo + bar) keep_metric_names");
  f("((foo) + (bar)) keep_metric_names", "(foo + bar) keep_metric_names");
  f("(rate(x) + 1) keep_metric_names", "(rate(x) + 1) keep_metric_names");
  f("(foo + abs(x)) keep_metric_names", "(foo + (abs(x))) keep_metric_names");
  f("rate(x) keep_metric_names + (abs(y) keep_metric_names)", "rate(x) keep_metric_names + (abs(y) keep_metric_names)");
  f("a + (rate(b) keep_metric_names)", "a + (rate(b) keep_metric_names)");
  f("abs(x) keep_metric_names[5m]", "abs(x) keep_metric_names[5m]");
  f('Sum(timestamp(M) * M{X=""}[5m] Offset 7m - 123, 35) BY (X, y) * LAG("Test")', 'sum((timestamp(M) * (M{X=""}[5m] offset 7m)) - 123, 35) by(X,y) * LAG("Test")');
});

test("parentheses and unions", () => {
  f("(foo)", "foo");
  f("((foo))", "foo");
  f("((foo + bar))", "foo + bar");
  f("(foo, bar)", "(foo, bar)");
  f("(foo, bar,)", "(foo, bar)");
  f("()", "()");
  f("(1, 2, 3)", "(1, 2, 3)");
  f("((foo, bar), (baz))", "((foo, bar), baz)");
  f("union(foo, bar)", "union(foo, bar)");
  f("1 + (2, 3)", "1 + (2, 3)");
});

test("comments", () => {
  f("foo # trailing comment", "foo");
  f("# leading\nfoo", "foo");
  f("sum(foo) # by x\n by (y) # more", "sum(foo) by(y)");
  f('foo{a="#not a comment"}', 'foo{a="#not a comment"}');
});

test("predefined WITH templates", () => {
  f("ru(free, max)", "(clamp_min(max - clamp_min(free, 0), 0) / clamp_min(max, 0)) * 100");
  f("ttf(free)", "smooth_exponential(clamp_max(clamp_max(0 - free, 0) / clamp_max(deriv_fast(free), 0), 3.1536e+07), clamp_max(step() / 300, 1))");
  f("range_median(foo)", "range_quantile(0.5, foo)");
  f('alias(foo, "bar")', 'label_set(foo, "__name__", "bar")');
  f("WITH (ru = 1) ru", "1");
  f("ru", "ru");
});

test("every documented function parses", () => {
  const call = (name: string, n: number) => name + "(" + Array.from({ length: n }, (_, i) => `q${i}`).join(", ") + ")";
  for (const [name, info] of [...ROLLUP_FUNCS, ...TRANSFORM_FUNCS]) {
    if (name === "") continue;
    const n = Math.max(info.minArgs, 1);
    f(call(name, n), call(name, n));
    f(call(name.toUpperCase(), n), call(name.toUpperCase(), n));
    f(call(name, n) + " keep_metric_names", call(name, n) + " keep_metric_names");
  }
  for (const [name, info] of AGGR_FUNCS) {
    const n = info.minArgs;
    f(call(name, n), call(name, n));
    f(`${name.toUpperCase()} by (job) (${call("", n).slice(1, -1)}) limit 3`, `${call(name, n)} by(job) limit 3`);
    f(`${call(name, n)} without (instance)`, `${call(name, n)} without(instance)`);
  }
  for (const [name, info] of TEMPLATE_FUNCS) {
    assert.doesNotThrow(() => parse(call(name, info.minArgs)), name);
  }
});

test("parse errors name the problem and its position", () => {
  bad("", 0, 'singleExpr: unexpected token ""');
  bad("  ", 2, 'unexpected token ""');
  bad("# only a comment", 16, 'unexpected token ""');
  bad("foo{", 4, 'labelFilterExpr: unexpected token ""; want "ident"');
  bad("foo{bar", 7, 'labelFilterExpr: unexpected token ""; want "=", "!=", "=~", "!~", ",", "or", "}"');
  bad("foo{bar=", 8, 'stringExpr: unexpected token ""; want "string"');
  bad('foo{bar="baz"', 13, 'labelFilters: unexpected token ""; want ",", "or", "}"');
  bad('foo{bar="baz" x}', 14, 'unexpected token "x"');
  bad('foo{123="x"}', 4, 'unexpected token "123"; want "ident"');
  bad('foo{bar=="x"}', 7, 'unexpected token "=="');
  bad('foo{bar="baz" or}', 16, 'unexpected token "}"; want "ident"');
  bad("foo{,}", 4, 'unexpected token ","');
  bad("foo}", 3, 'identExpr: unexpected token "}"');
  bad("foo bar", 4, 'unparsed data left: "bar"');
  bad("foo $", 4, 'cannot recognize "$"');
  bad("foo[", 4, 'duration: unexpected token ""; want valid duration');
  bad("foo[]", 4, 'duration: unexpected token "]"');
  bad("foo[5m", 6, 'windowAndStep: unexpected token ""; want "]"');
  bad("foo[-5m]", 4, 'duration: unexpected token "-"');
  bad("foo[5m:-1m]", 7, 'duration: unexpected token "-"');
  bad("foo[5x]", 5, 'unexpected token "x"; want "]"');
  bad("foo[1h-m]", 4, 'cannot parse duration "1h-m"');
  bad("foo[5m] offset", 14, "want valid duration");
  bad("foo offset 5m offset 5m", 14, 'unparsed data left: "offset"');
  bad("foo @", 5, 'unexpected token ""');
  bad("foo @ 1 @ 2", 8, "duplicate `@` token");
  bad("foo @ 1 offset 5m @ 2", 18, "duplicate `@` token");
  bad("sum(", 4, 'unexpected token ""');
  bad("sum(foo", 7, 'argList: unexpected token ""; want ",", ")"');
  bad("sum(,)", 4, 'unexpected token ","');
  bad("sum(foo) by", 11, 'identList: unexpected token ""; want "("');
  bad("sum(foo) by (a", 14, 'identList: unexpected token ""; want ",", ")"');
  bad("sum(foo) by (1)", 13, 'identList: unexpected token "1"; want "ident"');
  bad("sum(foo) by (*)", 13, 'unexpected token "*"');
  bad("sum(foo) by (a) by (b)", 16, 'unparsed data left: "by"');
  bad("sum(foo) limit", 14, 'cannot parse limit ""');
  bad("sum(foo) limit -1", 15, 'cannot parse limit "-"');
  bad("sum(foo) limit 1.5", 15, 'cannot parse limit "1.5"');
  bad("sum(foo) limit 99999999999999999999", 15, "value out of range");
  bad("sum(foo) keep_metric_names", 9, 'unparsed data left: "keep_metric_names"');
  bad("sum foo", 4, 'unexpected token "foo"; want aggregate func modifier');
  bad("rate(foo) by (x)", 10, 'unparsed data left: "by"');
  bad("foo +", 5, 'unexpected token ""');
  bad("foo + on", 8, 'identList: unexpected token ""; want "("');
  bad("foo + on(*) bar", 9, 'unexpected token "*"');
  bad("foo + group_left bar", 17, 'unparsed data left: "bar"');
  bad("foo + bool bar", 6, 'bool modifier cannot be applied to "+"');
  bad("foo and bool bar", 8, 'bool modifier cannot be applied to "and"');
  bad("foo and on(x) group_left bar", 14, 'modifier "group_left" cannot be applied to "and"');
  bad("foo + on(x) group_left(*,a) bar", 24, 'unexpected token "," after "*"');
  bad("foo + on(x) group_left(a,*) bar", 25, 'unexpected token "*"');
  bad("foo + on(x) group_left(*) prefix 1 bar", 33, 'unexpected token "1"');
  bad('foo + on() prefix "x" bar', 18, 'identExpr: unexpected token "\\"x\\""');
  bad("foo keep_metric_names", 4, 'unparsed data left: "keep_metric_names"');
  bad('"foo" keep_metric_names', 6, "unparsed data left");
  bad("(foo) keep_metric_names", 6, "unparsed data left");
  bad("(", 1, 'unexpected token ""');
  bad("(foo", 4, 'parensExpr: unexpected token ""; want "," or ")"');
  bad("(foo bar)", 5, 'parensExpr: unexpected token "bar"');
  bad(")", 0, 'singleExpr: unexpected token ")"; want "(", "{", "-", "+"');
  bad("1 2", 2, 'unparsed data left: "2"');
  bad("1e", 0, 'missing exponent part in "1e"');
  bad("0x", 0, 'cannot parse number "0x"');
  bad("08", 0, 'cannot parse number "08"');
  bad("1__0", 0, 'cannot parse number "1__0"');
  bad("1e999", 0, "value out of range");
  bad('"abc', 0, "cannot find closing quote");
  bad("x + 'abc", 4, "cannot find closing quote '");
  bad('"a\\qb"', 0, 'cannot parse string literal "a\\qb"');
  bad('foo{a="\\xZ"}', 6, "cannot parse string literal");
  bad("-", 1, 'unexpected token ""');
  bad("@", 0, 'unexpected token "@"');
  bad("[5m]", 0, 'unexpected token "["');
  bad("{}[5m:3x]", 7, 'windowAndStep: unexpected token "x"; want "]"');
  bad("inf{}", 3, 'unparsed data left: "{"');
});

test("semantic errors name the problem and its position", () => {
  bad("foo(bar)", 0, 'unsupported function "foo"');
  bad("sum(rate(foo), bar(1))", 15, 'unsupported function "bar"');
  bad("WITH (f(x) = nope(x)) f(1)", 13, 'unsupported function "nope"');
  bad('foo{x=~"["}', 4, 'invalid regexp in x="[": error parsing regexp: missing closing ]');
  bad('foo{x!~"(a"}', 4, "missing closing )");
  bad("foo{bar=baz}", 8, 'missing "baz" value inside stringExpr');
  bad('foo{"a", "b"}', 4, 'metric name must not be set twice: "foo" or "a"');
  bad('{__name__="a", __name__="b"}', 15, 'metric name must not be set twice: "a" or "b"');
  bad("{x}", 1, 'cannot find WITH template for "x" inside "{x}"');
  bad('foo{x,y="z"}', 4, 'cannot find WITH template for "x"');
  bad("rate(bar[w])", 9, 'cannot find WITH template for "w"');
  bad("rate(bar[5m:w])", 12, 'cannot find WITH template for "w"');
  bad("bar offset w", 11, 'cannot find WITH template for "w"');
  bad('foo + on() group_left() prefix bar baz', 31, 'missing "bar" value inside stringExpr');
});

test("parse errors are ParseErrors for any input", () => {
  const inputs = ["foo{a=", "sum(", "((", "1 +* 2", "rate(x[5m", "with (x", "{a=~'('}", "\u0000", "😀"];
  for (const q of inputs) assert.throws(() => parse(q), ParseError, JSON.stringify(q));
});

test("deeply nested queries fail with a ParseError", () => {
  for (const q of ["(".repeat(20000) + "x" + ")".repeat(20000), "abs(".repeat(20000) + "x" + ")".repeat(20000), Array(50000).fill("x").join("+")]) {
    assert.throws(() => parse(q), (err: unknown) => err instanceof ParseError && /nested too deeply/.test(err.message));
  }
  const ok = "(".repeat(500) + "x" + ")".repeat(500);
  assert.equal(printExpr(parse(ok)), "x");
});

test("parseRaw keeps WITH templates and parentheses", () => {
  const g = (q: string, want: string) => assert.equal(printExpr(parseRaw(q)), want, `q=${JSON.stringify(q)}`);
  g("WITH (x = foo{a=\"b\"}) (x + 1)", 'WITH (x = foo{a="b"}) (x + 1)');
  g('WITH (f(a, b) = a{b}) f(x, {c="d"})', 'WITH (f(a,b) = a{b}) f(x, {c="d"})');
  g('{"foo", x, "y"="z" or q}', '{"foo",x,y="z" or q}');
  g('{"foo", x, "y"="z"}', 'foo{x,y="z"}');
  g('{"3foo", x}', '{"3foo", x}');
  g('"a" + b + "c"', '"a"+b+"c"');
  g("rate(m[w:s] offset o)", "rate(m[w:s] offset o)");
  g("(a)", "(a)");
});
