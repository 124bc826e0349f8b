import { test } from "node:test";
import assert from "node:assert/strict";
import { dumpNode } from "./ast.ts";
import { parse } from "./parser.ts";
import { simplify, stripAnchors } from "./simplify.ts";

test("simplify removes groups and trivial repetitions", () => {
  const f = (re: string, want: string) => assert.equal(dumpNode(simplify(parse(re))), want, `re=${JSON.stringify(re)}`);
  f("(a)(b)", "lit{ab}");
  f("(?:a)(b)c", "lit{abc}");
  f("a{1}", "lit{a}");
  f("a{0}b", "lit{b}");
  f("(a*)*", "star{lit{a}}");
  f("(a+)*", "star{lit{a}}");
  f("(a+)+", "plus{lit{a}}");
  f("(a*)+", "star{lit{a}}");
  f("(?:)*", "emp{}");
  f("a[^\\x00-\\x{10FFFF}]", "no{}");
  f("a|[^\\x00-\\x{10FFFF}]", "lit{a}");
  f("[^\\x00-\\x{10FFFF}]*", "emp{}");
  f("[^\\x00-\\x{10FFFF}]+", "no{}");
});

test("stripAnchors drops anchors that whole-string matching makes true", () => {
  const f = (re: string, want: string) =>
    assert.equal(dumpNode(stripAnchors(simplify(parse(re)))), want, `re=${JSON.stringify(re)}`);
  f("^foo$", "lit{foo}");
  f("\\Afoo\\z", "lit{foo}");
  f("(?m)^foo$", "lit{foo}");
  f("^^foo$$", "lit{foo}");
  f("^foo$|^bar$", "alt{lit{foo} lit{bar}}");
  f("(^foo)|(bar$)", "alt{lit{foo} lit{bar}}");
  f("(?:^|x)a", "cat{alt{emp{} lit{x}} lit{a}}");
  f("a^b", "cat{lit{a} bot lit{b}}");
  f("a*^b", "cat{star{lit{a}} bot lit{b}}");
  f("\\b^a", "cat{wb bot lit{a}}");
  f("^*a", "cat{star{bot} lit{a}}");
});
