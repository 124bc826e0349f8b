import { test } from "node:test";
import assert from "node:assert/strict";
import { alphabetFor } from "./alphabet.ts";
import { LazyDfa } from "./dfa.ts";
import { parse } from "./parser.ts";
import { compile } from "./program.ts";
import { simplify, stripAnchors } from "./simplify.ts";

const dfaFor = (re: string, maxBytes?: number) => {
  const prog = compile(stripAnchors(simplify(parse(re))), re);
  return new LazyDfa(prog, alphabetFor(prog), maxBytes);
};

test("LazyDfa caches states and resumes after a prefix", () => {
  const d = dfaFor("host-[0-9]+:(9100|9101)");
  assert.equal(d.matches("host-12:9100"), true);
  const states = d.stats().states;
  assert.equal(d.matches("host-12:9100"), true);
  assert.equal(d.stats().states, states, "no new states for a repeated input");
  assert.equal(d.matchesAfterPrefix("host-7:9101", "host-"), true);
  assert.equal(d.matchesAfterPrefix("host-x:9101", "host-"), false);
  assert.equal(d.matchesAfterPrefix("host-", "host-"), false);
  const w = dfaFor("\\bfoo.*");
  assert.equal(w.matchesAfterPrefix("foo bar", "foo"), true);
  assert.equal(w.matchesAfterPrefix("foobar", "fo"), true);
  assert.equal(dfaFor("x\\bfoo").matchesAfterPrefix("xfoo", "x"), false);
});

test("LazyDfa flushes a full cache and then falls back to the NFA", () => {
  const d = dfaFor("(a|b)*a(a|b){12}", 4096);
  let s = "";
  let x = 7;
  for (let i = 0; i < 20_000; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += x & 1 ? "a" : "b";
  }
  const want = s[s.length - 13] === "a";
  assert.equal(d.matches(s), want);
  const st = d.stats();
  assert.ok(st.flushes > 0, "the cache was flushed");
  assert.ok(st.bytes <= 4096, `cache within budget: ${st.bytes}`);
  assert.equal(st.gaveUp, true);
  assert.equal(d.matches(s), want);
  assert.equal(d.matches(s.slice(0, -1) + (want ? "a" : "b")), want);
});

test("LazyDfa.matchesEverything", () => {
  const f = (re: string, want: boolean) => assert.equal(dfaFor(re).matchesEverything(256), want, `re=${re}`);
  f("(?s).*", true);
  f("(?s)(a|.)*", true);
  f("(a|[^a])*", true);
  f(".*", false);
  f("(?s).+", false);
  f("(?s).*a.*|(?s)[^a]*", true);
  f("(?s)\\b.*", false);
  f("[^\\x{D800}-\\x{DFFF}]*", true); // surrogates never occur in input
});

test("LazyDfa handles programs with more than 65535 instructions", () => {
  const re = "[ab]{1000}".repeat(70);
  const d = dfaFor(re);
  assert.equal(d.matches("ab".repeat(35_000)), true);
  assert.equal(d.matches("ab".repeat(35_000) + "a"), false);
  assert.equal(d.matches("ab".repeat(34_999) + "ac"), false);
});
