import { test } from "node:test";
import assert from "node:assert/strict";
import { commonPrefix, enumerate, literalPrefix } from "./literal_info.ts";
import { parse } from "./parser.ts";
import { simplify } from "./simplify.ts";

const tree = (re: string) => simplify(parse(re));

test("enumerate lists finite languages within limits", () => {
  const f = (re: string, limit: number, want: string[] | undefined, sawAssert = false) => {
    const e = enumerate(tree(re), limit);
    assert.deepEqual(e?.values, want, `re=${JSON.stringify(re)}`);
    if (e !== undefined) assert.equal(e.sawAssert, sawAssert, `re=${JSON.stringify(re)}`);
  };
  f("a|b", 10, ["a", "b"]);
  f("a|b|c", 2, undefined);
  f("[ab][cd]", 4, ["ac", "ad", "bc", "bd"]);
  f("[ab][cd]", 3, undefined);
  f("a{0,3}", 10, ["", "a", "aa", "aaa"]);
  f("a*", 10, undefined);
  f("(?:)*", 10, [""]);
  f("\\bx", 10, ["x"], true);
  f("(?i)k", 10, ["K", "k", "\u212a"]);
  f("[\\x{D7FF}-\\x{E000}]", 10, ["\ud7ff", "\ue000"]); // surrogates skipped
  f("(?:a?){1000}", 100_000, undefined); // gives up on its budget
});

test("literalPrefix", () => {
  const f = (re: string, want: string) => assert.equal(literalPrefix(tree(re)), want, `re=${JSON.stringify(re)}`);
  f("foo", "foo");
  f("foo.*", "foo");
  f("foo(bar|baz)", "fooba");
  f("foo(bar|baz)x", "fooba");
  f("(foo|foo)x", "foox");
  f("foo?", "fo");
  f("(ab)+c", "ab");
  f("(ab){2}c", "ababc");
  f("(ab){2,3}c", "abab");
  f("\\bfoo", "foo");
  f("(?i)foo", "");
  f("(?i)1a", "1");
  f("[a]b", "ab");
  f("[ab]c", "");
  f("a[^\\x00-\\x{10FFFF}]", "");
});

test("commonPrefix does not split surrogate pairs", () => {
  assert.equal(commonPrefix("abc", "abd"), "ab");
  assert.equal(commonPrefix("abc", "abc"), "abc");
  assert.equal(commonPrefix("x😀", "x😁"), "x");
  assert.equal(commonPrefix("", "a"), "");
});
