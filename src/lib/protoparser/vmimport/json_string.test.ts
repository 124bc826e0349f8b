import { test } from "node:test";
import assert from "node:assert/strict";
import { rawStringEnd, unescapeBestEffort } from "./json_string.ts";

test("rawStringEnd finds the quote preceded by an even number of backslashes", () => {
  const f = (s: string, expected: number) => assert.equal(rawStringEnd(s, 0, s.length), expected, `rawStringEnd(${JSON.stringify(s)})`);
  f(`abc"`, 3);
  f(`"`, 0);
  f(`a\\"b"`, 4);
  f(`a\\\\"b"`, 3);
  f(`a\\\\\\"b"`, 6);
  f(`abc`, -1);
  f(`a\\"`, -1);
  // The end bound is respected.
  assert.equal(rawStringEnd(`ab"`, 0, 2), -1);
});

// Expected strings are what fastjson 1.6.3 (VictoriaMetrics 1.79.5) decodes.
test("unescapeBestEffort decodes escapes as fastjson does, keeping invalid ones", () => {
  const f = (raw: string, expected: string) => assert.equal(unescapeBestEffort(raw), expected, `unescape(${JSON.stringify(raw)})`);
  f(`plain`, "plain");
  f(`a\\"b`, 'a"b');
  f(`\\\\`, "\\");
  f(`\\/`, "/");
  f(`\\b\\f\\n\\r\\t`, "\b\f\n\r\t");
  f(`\\u0041\\u00e9\\u65E5`, "Aé日");
  f(`\\u0000`, "\u0000");
  f(`\\ud83d\\ude00`, "😀");
  f(`\\ud83d\\u0041`, "\ufffd"); // an invalid pair becomes U+FFFD and eats both
  f(`\\ude00\\ud83d`, "\ufffd");
  f(`\\ud83d`, "\\ud83d"); // a lone surrogate at the end stays as written
  f(`\\ud83dx`, "\\ud83dx");
  f(`\\ud83d\\u12`, "\\ud83d\\u12");
  f(`\\ud83d\\uzzzz`, "\\ud83d\\uzzzz");
  f(`\\u12`, "\\u12");
  f(`\\u12zz`, "\\u12zz");
  f(`\\x`, "\\x");
  f(`\\q\\`, "\\q"); // a trailing lone backslash is dropped
  f(`é\\n日`, "é\n日");
});
