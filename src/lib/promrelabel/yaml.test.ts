import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseYaml, YamlError, type YamlNode } from "./yaml.ts";

// plain turns a node into JSON-like data: scalars as strings (quoted ones prefixed with "'" to tell them apart).
function plain(n: YamlNode): unknown {
  if (n.kind === "scalar") return n.plain ? n.value : "'" + n.value;
  if (n.kind === "seq") return n.items.map(plain);
  return Object.fromEntries(n.entries.map(([k, v]) => [k, plain(v)]));
}

test("parseYaml: block and flow structures", () => {
  const f = (text: string, want: unknown) => assert.deepEqual(plain(parseYaml(text)), want, `parseYaml(${JSON.stringify(text)})`);
  f("", "");
  f("# only a comment\n\n", "");
  f("foo", "foo");
  f("- a\n- b\n", ["a", "b"]);
  f("a: 1\nb: two words # comment\n", { a: "1", b: "two words" });
  f("- source_labels: [a, b]\n  target_label: c\n- action: drop\n", [{ source_labels: ["a", "b"], target_label: "c" }, { action: "drop" }]);
  // A list at its key's indentation, and a more indented one.
  f("k:\n- x\n- y\nz: 1\n", { k: ["x", "y"], z: "1" });
  f("k:\n  - x\n  - y\n", { k: ["x", "y"] });
  // Nested maps.
  f("- action: graphite\n  labels:\n    job: $1\n    instance: '${2}:8080'\n", [{ action: "graphite", labels: { job: "$1", instance: "'${2}:8080" } }]);
  // Quoted scalars and escapes.
  f(`- regex: "a\\\\.b\\"c\\n"\n- regex: 'it''s # not a comment'\n`, [{ regex: "'a\\.b\"c\n" }, { regex: "'it's # not a comment" }]);
  f(`a: "\\u00e9\\x41"`, { a: "'éA" });
  // Plain scalars keep ":" without a space and "#" without a space before it.
  f("a: http://x:80/#frag\n", { a: "http://x:80/#frag" });
  // Flow collections, also across lines, with quotes and nesting.
  f("a: [x, 'y, z', \"w\"]\n", { a: ["x", "'y, z", "'w"] });
  f("a: [\n  x,\n  y\n]\nb: c\n", { a: ["x", "y"], b: "c" });
  f("a: {x: 1, y: [2, 3]}\n", { a: { x: "1", y: ["2", "3"] } });
  f("a: []\nb: {}\n", { a: [], b: {} });
  // Block scalars.
  f("a: |\n  line1\n  line2\nb: x\n", { a: "'line1\nline2\n", b: "x" });
  f("a: |-\n  line1\n   indented\n\nb: x\n", { a: "'line1\n indented", b: "x" });
  f("a: >\n  one\n  two\n\n  three\n", { a: "'one two\nthree\n" });
  // Null values.
  f("a:\nb: ~\n", { a: "", b: "~" });
  // "- " items holding lists.
  f("- - a\n  - b\n- c\n", [["a", "b"], "c"]);
  f("---\n- a\n...\nignored: after end\n", ["a"]);
  f("- regex:\n    - foo\n    - bar\n", [{ regex: ["foo", "bar"] }]);
});

test("parseYaml: errors name the line", () => {
  const f = (text: string, want: RegExp) => assert.throws(() => parseYaml(text), (e: unknown) => e instanceof YamlError && want.test((e as Error).message), `parseYaml(${JSON.stringify(text)})`);
  f("a: 1\na: 2\n", /line 2: duplicate key "a"/);
  f("a: [1, 2\n", /unterminated flow collection/);
  f("a: \"abc\n", /unterminated quoted string/);
  f("a: &x 1\n", /anchors, aliases and tags are not supported/);
  f("a: 1\n   b: 2\n", /line 2: unexpected indentation/);
  f("a:\n\t- x\n", /tab/);
  f("- a\nb: 1\n", /line 2: unexpected/);
  f("a: b: c\n", /mapping values are not allowed/);
  f("a: \"\\q\"\n", /invalid escape/);
  f("---\na: 1\n---\nb: 2\n", /second document/);
});

test("parseYaml: random input throws only YamlError", () => {
  const alphabet = fc.constantFrom("-", " ", ":", "\n", "a", "b", "'", '"', "[", "]", "{", "}", ",", "#", "|", ">", "\\", "&", "\t", "1");
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 60 }).map((a) => a.join("")), (s) => {
    try {
      parseYaml(s);
    } catch (e) {
      if (!(e instanceof YamlError)) throw e;
    }
  }), { numRuns: 3000 });
});
