import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { canonicalStream, parseCanonicalStream, streamIDOf, streamOfRow } from "./stream.ts";

test("canonicalStream", () => {
  const f = (tags: [string, string][], want: string) => {
    const s = canonicalStream(tags.map(([name, value]) => ({ name, value })));
    assert.equal(s, want, `canonicalStream(${JSON.stringify(tags)})`);
  };
  f([], "{}");
  f([["b", "2"], ["a", "1"]], '{a="1",b="2"}');
  f([["a", ""], ["b", "x"]], '{b="x"}');
  f([["q", 'say "hi"\\now']], '{q="say \\"hi\\"\\\\now"}');
  f([["c", "a\nb\t\x01\x7f"]], '{c="a\\nb\\t\\x01\\x7f"}');
  f([["u", "привет"]], '{u="привет"}');
});

test("streamOfRow", () => {
  const f = (fields: [string, string][], sf: string[], want: string) =>
    assert.equal(streamOfRow(fields.map(([name, value]) => ({ name, value })), sf), want, `streamOfRow(${JSON.stringify(fields)}, ${sf})`);
  f([["host", "h1"], ["app", "a"], ["x", "1"]], ["app", "host"], '{app="a",host="h1"}');
  f([["host", "h1"]], ["app", "host"], '{host="h1"}');
  f([["host", "h1"], ["host", "h2"]], ["host", "host"], '{host="h1"}');
  f([["host", "h1"]], [], "{}");
});

test("streamIDOf", () => {
  assert.equal(streamIDOf("{}"), "99914b932bd37a50b983c5e7c90ae93b");
  assert.match(streamIDOf('{a="b"}'), /^[0-9a-f]{32}$/);
  assert.notEqual(streamIDOf('{a="b"}'), streamIDOf('{a="c"}'));
});

test("parseCanonicalStream inverts canonicalStream", () => {
  const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.]{0,8}$/);
  fc.assert(
    fc.property(fc.uniqueArray(fc.record({ name, value: fc.string({ minLength: 1 }) }), { selector: (t) => t.name, maxLength: 5 }), (tags) => {
      const s = canonicalStream(tags);
      const back = parseCanonicalStream(s);
      assert.equal(canonicalStream(back), s);
      assert.deepEqual(back, tags.map((t) => ({ name: t.name, value: t.value })).sort((a, b) => (a.name < b.name ? -1 : 1)));
    }),
  );
  assert.throws(() => parseCanonicalStream("a"), /cannot parse stream/);
  assert.throws(() => parseCanonicalStream('{a="b}'), /unterminated/);
  assert.throws(() => parseCanonicalStream('{a="\\q"}'), /got escape \\q/);
});
