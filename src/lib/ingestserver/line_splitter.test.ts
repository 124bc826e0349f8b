import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LineSplitter, TooLongLineError } from "./line_splitter.ts";

// feed pushes chunks and returns what came out, one string per push that completed lines, plus the end.
function feed(chunks: string[], maxLineLen = 1000): string[] {
  const s = new LineSplitter(maxLineLen);
  const out: string[] = [];
  for (const c of chunks) {
    const d = s.push(Buffer.from(c));
    if (d !== undefined) out.push(d.toString());
  }
  const rest = s.end();
  if (rest !== undefined) out.push(`end:${rest.toString()}`);
  return out;
}

test("LineSplitter hands over whole lines as soon as they complete", () => {
  const f = (chunks: string[], want: string[]) => assert.deepEqual(feed(chunks), want, JSON.stringify(chunks));
  f([], []);
  f(["a\n"], ["a"]);
  f(["a\nb\n"], ["a\nb"]);
  f(["a", "b", "\n"], ["ab"]);
  f(["a\nb", "c\nd"], ["a", "bc", "end:d"]);
  f(["\n"], [""]);
  f(["x", "\n\n", "y"], ["x\n", "end:y"]);
  f(["abc"], ["end:abc"]);
});

test("LineSplitter bounds the unfinished line", () => {
  const s = new LineSplitter(5);
  assert.equal(s.push(Buffer.from("12345")), undefined);
  assert.equal(s.pending, 5);
  assert.throws(() => s.push(Buffer.from("6")), (e) => e instanceof TooLongLineError && e.message === "too long line: more than 5 bytes");
  const t = new LineSplitter(5);
  assert.equal(t.push(Buffer.from("123\n45678\n"))?.toString(), "123\n45678", "complete lines in one chunk are not limited");
  assert.equal(t.pending, 0);
  assert.throws(() => t.push(Buffer.from("ab\ncd\n123456")), (e) => e instanceof TooLongLineError && e.lines?.toString() === "ab\ncd", "the lines before a too long one come with the error");
  assert.throws(() => new LineSplitter(0), /BUG/);
});

test("LineSplitter gives the same lines for any chunking (property)", () => {
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom("a", "b", "\n"), maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 10 }), (text, cuts) => {
    const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
    const chunks: string[] = [];
    let prev = 0;
    for (const p of points) { chunks.push(text.slice(prev, p)); prev = p; }
    chunks.push(text.slice(prev));
    const joined = feed(chunks.filter((c) => c !== "")).map((s) => s.startsWith("end:") ? s.slice(4) : s + "\n").join("");
    assert.equal(joined, text, JSON.stringify(chunks));
  }), { numRuns: 2000 });
});
