import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SubmatchRegex, UnanchoredRegex, expandTemplate, translateToJs } from "./submatch.ts";
import { GraphiteLabelTemplate, GraphiteMatchTemplate } from "./graphite.ts";
import { xxhash64 as hash64 } from "../encoding/index.ts";

test("SubmatchRegex.exec: captures of whole-string matches", () => {
  const f = (re: string, s: string, want: string[] | null) => assert.deepEqual(new SubmatchRegex(re).exec(s), want, `${re} on ${JSON.stringify(s)}`);
  f("(.*)", "abc", ["abc", "abc"]);
  f("([^:]+):(\\d+)", "host:80", ["host:80", "host", "80"]);
  f("([^:]+):(\\d+)", "host:80x", null);
  f("a|(b)", "a", ["a", ""]);
  f("(?P<first>\\w+)\\.(?<second>\\w+)", "x.y", ["x.y", "x", "y"]);
  f("(?i)(FOO)bar", "fooBAR", ["fooBAR", "foo"]);
  f("(?s)(.*)", "a\nb", ["a\nb", "a\nb"]);
  f("(.*)", "a\nb", null); // "." does not match "\n" without (?s), as in Go
  f("x\\Q.*\\E(y)", "x.*y", ["x.*y", "y"]);
  f("([[:digit:]]+)\\s([[:alpha:]]+)", "12 ab", ["12 ab", "12", "ab"]);
  f("\\x41(\\x{42})", "AB", ["AB", "B"]);
  f("(a+?)(a*)", "aaa", ["aaa", "a", "aa"]);
  // \pL is not translated: the match is still decided, groups read as absent.
  f("(\\pL+)", "héllo", ["héllo"]);
  assert.throws(() => new SubmatchRegex("("), /missing closing \)|cannot parse|error/i);
});

test("translateToJs: what is and is not translated", () => {
  const f = (re: string, want: string | undefined) => assert.equal(translateToJs(re)?.source, want, re);
  f("a.b", "a[^\\n]b");
  f("(?s)a.b", "a[\\s\\S]b");
  f("(?P<x>a)", "(a)");
  f("\\s\\S", "[\\t\\n\\f\\r ][^\\t\\n\\f\\r ]");
  f("[\\s]", "[\\t\\n\\f\\r ]");
  f("\\pL", undefined);
  f("a(?i:b)", undefined);
  f("(?U)a*", undefined);
  f("\\Aa\\z", "^a$");
});

test("expandTemplate follows Go's Regexp.Expand", () => {
  const names = new Map([["name", 2]]);
  const caps = ["whole", "one", "two"];
  const f = (t: string, want: string) => assert.equal(expandTemplate(t, caps, names), want, t);
  f("$1", "one");
  f("${1}x", "onex");
  f("$1x", ""); // the name is "1x"
  f("$name-$2", "two-two");
  f("${name}", "two");
  f("$$1", "$1");
  f("$", "$");
  f("a$-b", "a$-b");
  f("${bad-name}", "${bad-name}");
  f("$9", "");
  f("$0", "whole");
  f("no refs", "no refs");
});

test("UnanchoredRegex.replaceAll follows Go's ReplaceAllString", () => {
  const f = (re: string, s: string, t: string, want: string) => assert.equal(new UnanchoredRegex(re).replaceAll(s, t), want, `${re} in ${JSON.stringify(s)} -> ${t}`);
  f("\\.", "a.b.c", "_", "a_b_c");
  f("b*", "abc", "-", "-a-c-");
  f("", "abc", "-", "-a-b-c-");
  f("(a)(b)?", "ab a", "[$2$1]", "[ba] [a]");
  f("^a", "aaa", "b", "baa");
  f("x", "", "y", "");
  assert.equal(new UnanchoredRegex("b").matchesAnywhere("abc"), true);
  assert.equal(new UnanchoredRegex("^b").matchesAnywhere("abc"), false);
});

test("exec agrees with the RE2 engine on random strings", () => {
  const patterns = ["(a|b)*c", "([a-c]+)-([0-9]*)", "(.*?)(c+)", "x|(y(z?))", "(a{1,3})(a*)"];
  fc.assert(fc.property(fc.constantFrom(...patterns), fc.string({ unit: fc.constantFrom("a", "b", "c", "-", "1", "x", "y", "z"), maxLength: 12 }), (p, s) => {
    const r = new SubmatchRegex(p);
    const m = r.exec(s);
    assert.equal(m !== null, r.re.matches(s));
    if (m !== null) {
      assert.equal(m[0], s);
      assert.equal(m.length > 1, true, "groups were read");
    }
  }), { numRuns: 2000 });
});

test("a pathological pattern runs in linear time", () => {
  const r = new SubmatchRegex("(a|a)*(a|a)*b");
  assert.equal(r.linear, true);
  const s = "a".repeat(50_000);
  const t0 = performance.now();
  assert.equal(r.exec(s), null);
  assert.equal(r.exec(s + "b")![2], "");
  assert.ok(performance.now() - t0 < 2000);
});

test("graphite templates", () => {
  const m = (tpl: string, s: string, want: string[] | null) => assert.deepEqual(new GraphiteMatchTemplate(tpl).match(s), want, `${tpl} on ${s}`);
  m("foo.*.bar", "foo.x.bar", ["foo.x.bar", "x"]);
  m("foo.*.bar", "foo.x.y.bar", null);
  m("*.*", "a.b", ["a.b", "a", "b"]);
  m("*.*", "a.b.c", null);
  m("foo", "foo", ["foo"]);
  m("foo", "foox", null);
  m("*", "", ["", ""]);
  const e = (tpl: string, caps: string[], want: string) => assert.equal(new GraphiteLabelTemplate(tpl).expand(caps), want, tpl);
  e("$1-${2}", ["all", "a", "b"], "a-b");
  e("$3 $x ${y} $", ["all", "a"], "$3 $x ${y} $");
  e("${0}", ["all"], "all");
  e("x${1", ["all", "a"], "x${1");
});

test("hash64 (xxHash64 seed 0)", () => {
  const f = (s: string, want: string) => assert.equal(hash64(new TextEncoder().encode(s)).toString(16), want, s);
  f("", "ef46db3751d8e999");
  f("abc", "44bc2cf5ad770999");
  f("Nobody inspects the spammish repetition", "fbcea83c8a378bf1");
});
