import { test } from "node:test";
import assert from "node:assert/strict";
import { goQuote, startEndString } from "./go_quote.ts";

// Expected strings are Go's strconv.Quote output for the same text.
test("goQuote quotes as Go's %q", () => {
  const f = (s: string, expected: string) => assert.equal(goQuote(s), expected, `goQuote(${JSON.stringify(s)})`);
  f("", `""`);
  f("foo", `"foo"`);
  f(`a"b\\c`, `"a\\"b\\\\c"`);
  f("\x07\b\f\n\r\t\v", `"\\a\\b\\f\\n\\r\\t\\v"`);
  f("\x00\x01\x1f\x7f", `"\\x00\\x01\\x1f\\x7f"`);
  f("é日本😀<>&'", `"é日本😀<>&'"`);
  f("\u0085\u2028\ufeff", `"\\u0085\\u2028\\ufeff"`);
  f("\ud800x", `"\\ufffdx"`);
});

test("startEndString keeps short strings and elides the middle of long ones", () => {
  const f = (s: string, half: number, expected: string) => assert.equal(startEndString(s, half), expected, `startEndString(${s}, ${half})`);
  f("", 40, "");
  f("x".repeat(80), 40, "x".repeat(80));
  f("a".repeat(40) + "m" + "b".repeat(40), 40, "a".repeat(40) + "..." + "b".repeat(40));
  f("abcdefgh", 2, "ab...gh");
});
