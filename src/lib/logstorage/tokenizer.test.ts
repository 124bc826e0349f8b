import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenize } from "./tokenizer.ts";

test("tokenize", () => {
  const f = (s: string, want: string[]) => assert.deepEqual(tokenize(s), want, `tokenize(${JSON.stringify(s)})`);
  f("", []);
  f("   ", []);
  f("foo", ["foo"]);
  f("foo bar", ["foo", "bar"]);
  f("foo_bar-baz.qux", ["foo_bar", "baz", "qux"]);
  f("GET /api/v1/items/123 HTTP/1.1 200", ["GET", "api", "v1", "items", "123", "HTTP", "1", "200"]);
  f("a a b a", ["a", "b"]);
  f("trace_id=0af7651916cd43dd8448eb211c80319c;", ["trace_id", "0af7651916cd43dd8448eb211c80319c"]);
  f("10.0.1.254:8080", ["10", "0", "1", "254", "8080"]);
  f("[error] {x}: \"quoted\"", ["error", "x", "quoted"]);
  // Unicode letters and digits are token chars; symbols and punctuation are not.
  f("привет, мир!", ["привет", "мир"]);
  f("日本語のテキスト", ["日本語のテキスト"]);
  f("naïve café", ["naïve", "café"]);
  f("٣٤ digits", ["٣٤", "digits"]);
  f("a→b ★ c", ["a", "b", "c"]);
  f("emoji 😀 done", ["emoji", "done"]);
  // An astral letter (U+1D400 MATHEMATICAL BOLD CAPITAL A) is a letter.
  f("x\u{1D400}y z", ["x\u{1D400}y", "z"]);
  // A lone surrogate separates tokens.
  f("ab\uD800cd", ["ab", "cd"]);
});

test("tokenize appends to out without repeating", () => {
  const out = ["foo"];
  assert.equal(tokenize("foo bar", out), out);
  assert.deepEqual(out, ["foo", "bar"]);
});
