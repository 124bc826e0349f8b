import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { clearRegexCache, compileAnchored } from "./anchored_regex.ts";
import { RegexSyntaxError } from "./regex_syntax_error.ts";
import { engines, matchAll } from "./test_engines.ts";

// Expected results follow Go: regexp.MustCompile("^(?:" + re + ")$").MatchString(s).
test("compileAnchored matches like Go's anchored regexp", () => {
  const f = (re: string, s: string, want: boolean, dotAll = false) => {
    const got = matchAll(engines(re, dotAll), s);
    assert.equal(got, want, `re=${JSON.stringify(re)} s=${JSON.stringify(s)} dotAll=${dotAll}`);
  };
  // Literals and whole-string anchoring.
  f("foo", "foo", true);
  f("foo", "foobar", false);
  f("foo", "xfoo", false);
  f("foo", "", false);
  f("", "", true);
  f("", "a", false);
  f("a.c", "abc", true);
  f("a.c", "a\nc", false);
  f("a\\.c", "abc", false);
  f("a\\.c", "a.c", true);
  // Alternation: the whole string must match one branch.
  f("foo|bar", "bar", true);
  f("foo|bar", "foobar", false);
  f("foo|foobar", "foobar", true);
  f("a|b|", "", true);
  f("(a|b)c", "bc", true);
  f("a(b|c)*d", "abcbcd", true);
  f("a(b|c)*d", "abxd", false);
  // Quantifiers, lazy ones included (laziness never changes a whole-string match).
  f("a*", "", true);
  f("a*", "aaa", true);
  f("a*", "aab", false);
  f("a+", "", false);
  f("a+?", "aaa", true);
  f("a??", "a", true);
  f("a?b", "b", true);
  f("a*?b", "aab", true);
  f("(?U)a+", "aaa", true);
  f("a{3}", "aaa", true);
  f("a{3}", "aa", false);
  f("a{3}", "aaaa", false);
  f("a{2,}", "aa", true);
  f("a{2,}", "a", false);
  f("a{2,}", "a".repeat(50), true);
  f("a{2,4}", "aaaa", true);
  f("a{2,4}", "aaaaa", false);
  f("a{0}", "", true);
  f("a{0}b", "b", true);
  f("a{0,0}", "a", false);
  f("(ab){2}", "abab", true);
  f("(?:a{2}){3}", "aaaaaa", true);
  f("(?:a{2}){3}", "aaaaa", false);
  f("x{2}{", "xx{", true);
  f("a{,2}", "a{,2}", true);
  f("(a*)*", "aaa", true);
  f("(a*)+b", "b", true);
  f("(a|)+b", "aab", true);
  f("(|a)*", "aa", true);
  f("((a?)*)*c", "aac", true);
  // Dot and newlines.
  f(".", "\n", false);
  f(".", "\r", true);
  f(".*", "a\nb", false);
  f("(?s).*", "a\nb", true);
  f("(?s:.)b", "\nb", true);
  f("(?s).(?-s).", "\n\n", false);
  f(".*", "a\nb", true, true);
  f("(?-s).*", "a\nb", false, true);
  f("[^a]", "\n", true);
  f("[^a]*", "b\nc", true);
  f("\\D", "\n", true);
  // Character classes.
  f("[abc]+", "cab", true);
  f("[abc]+", "cad", false);
  f("[a-c]", "b", true);
  f("[a-c]", "d", false);
  f("[^a-c]", "d", true);
  f("[^a-c]", "b", false);
  f("[]a]", "]", true);
  f("[^]a]", "]", false);
  f("[a-]", "-", true);
  f("[\\]]", "]", true);
  f("[\\-]", "-", true);
  f("[\\x41-\\x{43}]+", "ABC", true);
  f("[\\n]", "\n", true);
  f("[.]", "a", false);
  f("[\\d\\s]+", "1 2\t3", true);
  f("[^\\d]", "a", true);
  f("[^\\d]", "5", false);
  f("[^\\D]", "5", true);
  // Perl classes (ASCII only, as in Go).
  f("\\d+", "0123456789", true);
  f("\\d", "٣", false);
  f("\\D", "a", true);
  f("\\w+", "az_AZ09", true);
  f("\\w", "é", false);
  f("\\W", "é", true);
  f("\\W", "_", false);
  f("\\s+", " \t\n\f\r", true);
  f("\\s", "\v", false);
  f("\\s", "\u00a0", false);
  f("\\S", "\v", true);
  // POSIX classes.
  f("[[:alpha:]]+", "abcXYZ", true);
  f("[[:alpha:]]", "é", false);
  f("[[:digit:]]", "7", true);
  f("[[:^digit:]]", "7", false);
  f("[[:^digit:]]", "x", true);
  f("[[:alnum:]]+", "a1B2", true);
  f("[[:upper:]][[:lower:]]", "Ab", true);
  f("[[:upper:]]", "a", false);
  f("[[:space:]]", "\v", true);
  f("[[:blank:]]", "\t", true);
  f("[[:blank:]]", "\n", false);
  f("[[:punct:]]+", "!-/:@[`{~", true);
  f("[[:punct:]]", "a", false);
  f("[[:xdigit:]]+", "09afAF", true);
  f("[[:xdigit:]]", "g", false);
  f("[[:word:]]+", "a_1", true);
  f("[[:cntrl:]]", "\x7f", true);
  f("[[:print:]]", " ", true);
  f("[[:graph:]]", " ", false);
  f("[[:ascii:]]", "\x7f", true);
  f("[[:ascii:]]", "\x80", false);
  // Unicode classes.
  f("\\pL+", "héllo", true);
  f("\\pL", "1", false);
  f("\\PL", "1", true);
  f("\\p{L}+", "Ωμέγα", true);
  f("\\p{Lu}", "Ω", true);
  f("\\p{Lu}", "ω", false);
  f("\\p{Ll}", "ω", true);
  f("\\p{Greek}+", "αβγ", true);
  f("\\p{Greek}", "a", false);
  f("\\P{Greek}", "a", true);
  f("\\p{^Greek}", "a", true);
  f("\\P{^Greek}", "α", true);
  f("\\p{Han}+", "漢字", true);
  f("\\p{Cyrillic}+", "привет", true);
  f("\\p{Latin}+", "abcé", true);
  f("\\p{Nd}+", "12٣", true);
  f("\\pN", "½", true);
  f("\\p{Zs}", " ", true);
  f("\\p{Sc}", "€", true);
  f("\\p{So}", "😀", true);
  f("\\p{Any}", "\n", true);
  f("[\\p{Greek}\\d]+", "α1β2", true);
  f("[^\\p{Greek}]", "α", false);
  f("\\p{Letter}", "a", true); // Go 1.25 category alias
  f("\\p{greek}", "α", true); // Go 1.25 loose matching
  // Case folding.
  f("(?i)foo", "FoO", true);
  f("(?i)foo", "FoX", false);
  f("(?i)k", "\u212a", true); // KELVIN SIGN
  f("(?i)\u212a", "k", true);
  f("(?i)s", "\u017f", true); // LONG S
  f("(?i)σ", "ς", true);
  f("(?i)σ", "Σ", true);
  f("(?i)ß", "ẞ", true);
  f("(?i)i", "İ", false);
  f("(?i)i", "ı", false);
  f("(?i)[a-c]+", "AbC", true);
  f("(?i)[^a]", "A", false);
  f("(?i)\\w", "\u212a", true);
  f("(?i)\\W", "\u212a", false);
  f("\\w", "\u212a", false);
  f("(?i)\\p{Lu}", "a", true);
  f("(?i)[[:upper:]]", "a", true);
  f("(?i)foo(?-i)bar", "FOObar", true);
  f("(?i)foo(?-i)bar", "FOOBAR", false);
  f("(?i:f)oo", "Foo", true);
  f("(?i:f)oo", "FOO", false);
  f("(a(?i)b)c", "aBc", true);
  f("(a(?i)b)c", "aBC", false);
  f("(?i)été", "ÉTÉ", true);
  f("(?i)😀", "😀", true);
  // Assertions.
  f("^foo$", "foo", true);
  f("^foo", "foo", true);
  f("foo$", "foo", true);
  f("^^foo$$", "foo", true);
  f("a^b", "ab", false);
  f("a$b", "ab", false);
  f("^$", "", true);
  f("\\Afoo\\z", "foo", true);
  f("foo\\z|bar", "bar", true);
  f("(^foo$|^bar$)", "bar", true);
  f("a$\n", "a\n", false);
  f("(?m)a$\n^b", "a\nb", true);
  f("(?m)^a$", "a", true);
  f("(?m)a^", "a", false);
  f("(?m)a\n^", "a\n", true);
  f("(?m).*^b", "a\nb", false);
  f("(?m)(?s).*^b", "a\nb", true);
  f("(?ms).*$.*", "a\nb", true);
  f("(?s).*\\z.", "a", false);
  f("\\bfoo\\b", "foo", true);
  f("\\bfoo", "foo", true);
  f("foo\\b.*", "foo bar", true);
  f("foo\\b.*", "foobar", false);
  f("foo\\B.*", "foobar", true);
  f("foo\\B.*", "foo bar", false);
  f(".*\\bbar", "foo bar", true);
  f(".*\\bbar", "foobar", false);
  f("a\\bb", "ab", false);
  f("a\\Bb", "ab", true);
  f("\\b", "", false);
  f("\\B", "", true);
  f("é\\b", "é", false); // é is not an ASCII word character
  f("é\\B", "é", true);
  f("\\b_\\b", "_", true);
  f("(?:\\b|x)y", "y", true);
  f("x\\b*y", "xy", true);
  // Escapes.
  f("\\Q.*+?\\E", ".*+?", true);
  f("\\Q.*\\E+", ".**", true);
  f("a\\Q\\E*b", "aab", true);
  f("\\x41\\x{42}\\x{1F600}", "AB😀", true);
  f("\\101\\0", "A\0", true);
  f("\\t\\n\\r\\f\\v\\a", "\t\n\r\f\v\x07", true);
  f("\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\.\\\\", "*+?()[]{}|^$.\\", true);
  f("\\x{FFFD}", "\uD800", true); // a lone surrogate reads as U+FFFD
  f("\\x{D800}", "\uD800", false);
  f("[\\x{D800}-\\x{DFFF}]", "\uD800", false);
  // Unicode and UTF-16: code points, not code units.
  f(".", "😀", true);
  f("..", "😀", false);
  f("😀+", "😀😀", true);
  f("[😀-😂]", "😁", true);
  f("[^a]", "😀", true);
  f("a.b", "a\uD800b", true);
  f("a..b", "a\uD800b", false);
  f(".", "\uDC00", true);
  f("\\x{10FFFF}", "\u{10FFFF}", true);
  // Groups and names.
  f("(?P<host>[a-z]+)-(?<n>\\d+)", "web-01", true);
  f("(?:ab)+", "ababab", true);
  f("(?:ab)+", "ababa", false);
  // Typical label matchers.
  f("host-000[0-9]:.*", "host-0003:9100", true);
  f("host-000[0-9]:.*", "host-0013:9100", false);
  f(".*error.*", "an error occurred", true);
  f(".*error.*", "an err", false);
  f(".*error.*", "an error\noccurred", false);
  f("(?s).*error.*", "an error\noccurred", true);
  f(".+foo.+", "afoob", true);
  f(".+foo.+", "foob", false);
  f(".+foo.+", "afoo", false);
  f(".+foo.+", "foofoo1", true);
  f(".+foo.+", "fooXfooY", true);
  f("foo.+", "foo", false);
  f("foo.+", "foox", true);
  f(".*foo", "barfoo", true);
  f(".*foo", "foo", true);
  f(".*foo", "fo", false);
  f("a.*a", "a", false);
  f("a.*a", "aa", true);
  f("api_(v1|v2)_.*", "api_v2_requests", true);
  f("(prod|staging)-(eu|us)-[0-9]+", "staging-us-12", true);
  f("(prod|staging)-(eu|us)-[0-9]+", "staging-asia-12", false);
  f("[a-z]{2}", "ab", true);
  f("[a-z]{2}", "a1", false);
});

test("compileAnchored is linear on pathological patterns", () => {
  const n = 100_000;
  const f = (re: string, s: string, want: boolean) => {
    const t0 = performance.now();
    const r = compileAnchored(re);
    const got = r.matches(s);
    const ms = performance.now() - t0;
    assert.equal(got, want, `re=${re}`);
    assert.ok(ms < 2000, `re=${re} took ${ms.toFixed(0)} ms on ${s.length} chars`);
  };
  const as = "a".repeat(n);
  f("(a+)+$", as + "!", false);
  f("(a+)+b", as, false);
  f("(a*)*b", as, false);
  f("(a|aa)*b", as, false);
  f("(a|a)*b", as, false);
  f("(x|x|x)*y", "x".repeat(n), false);
  f("(.*a){20}", as, true);
  f("(.*a){20}b", as, false);
  f("(?:a?){1000}a{1000}", "a".repeat(1000), true);
  f("(\\w+\\s?)*$", "word ".repeat(n / 5) + "!", false);
  // A DFA-hostile pattern: the n-th character from the end is an 'a' (2^20 states);
  // the cache overflows and matching falls back to the NFA, still linear.
  let ab = "";
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    ab += x & 1 ? "a" : "b";
  }
  f("(a|b)*a(a|b){20}", ab, ab[ab.length - 21] === "a");
  f("(?s)(.*)(.*)(.*)(.*)(.*)x", as, false);
});

test("compileAnchored picks fast paths", () => {
  const f = (re: string, strategy: string, dotAll = false) => {
    assert.equal(compileAnchored(re, { dotAll }).strategy, strategy, `re=${JSON.stringify(re)} dotAll=${dotAll}`);
  };
  f("foo", "literal");
  f("^foo$", "literal");
  f("", "literal");
  f("foo|bar|baz", "set");
  f("(foo|bar)baz", "set");
  f("[a-z]{2}", "set");
  f("a^b", "none");
  f("[^\\x00-\\x{10FFFF}]", "none");
  f("foo.*", "prefix.*");
  f(".*", "prefix.*");
  f("foo.+", "prefix.+");
  f(".+", "prefix.+");
  f(".*foo.*", "prefix.*substr.*");
  f("bar.*foo.*?", "prefix.*substr.*");
  f(".+foo.+", "prefix.+substr.+");
  f(".*foo", "prefix.*suffix");
  f("foo.*bar", "prefix.*suffix");
  f("(?s).*", "all");
  f(".*", "all", true);
  f("(?s).*|x", "all");
  f("(?s).*.*", "all");
  f("(a|[^a])*", "all");
  f("(?i)foo", "foldLiteral");
  f("(?i)foo-bar", "foldLiteral");
  f("(?i)été", "set");
  f("host-000[0-9]:.*", "dfa");
  f("x*", "dfa");
});

test("fast paths agree with the automaton on edge inputs", () => {
  const inputs = ["", "a", "foo", "foox", "xfoo", "xfoox", "foo\n", "\nfoo", "x\nfoo\nx", "foofoo", "fooXfooY", "fo", "barfoo",
    "foobar", "foo bar", "FOO", "fOo", "\u212a", "\uD800foo", "foo\uD800", "😀foo😀", "foo-bar", "FOO-BAR", "foo_bar"];
  for (const re of ["foo", "foo.*", "foo.+", ".*foo.*", ".+foo.+", ".*foo", "foo.*bar", "(?s)foo.*", "(?s).+foo.+", "(?s).*foo",
    "(?i)foo", "(?i)foo-bar", "foo|bar", "(?i)k", ".*\\n.*", "(?s).*\\n.*", "fo.+o", ".+"]) {
    for (const dotAll of [false, true]) {
      const e = engines(re, dotAll);
      for (const s of inputs) {
        const got = matchAll(e, s);
        assert.equal(typeof got, "boolean", `re=${JSON.stringify(re)} s=${JSON.stringify(s)} dotAll=${dotAll}: ${got}`);
      }
    }
  }
});

test("literalPrefix, orValues and matchesAll", () => {
  const f = (re: string, prefix: string, orValues: string[] | undefined, matchesAll: boolean) => {
    const r = compileAnchored(re);
    const msg = `re=${JSON.stringify(re)}`;
    assert.equal(r.literalPrefix, prefix, msg);
    assert.deepEqual(r.orValues, orValues, msg);
    assert.equal(r.matchesAll, matchesAll, msg);
  };
  f("foo", "foo", ["foo"], false);
  f("", "", [""], false);
  f("foo|bar|baz", "", ["bar", "baz", "foo"], false);
  f("foo(a|b)", "foo", ["fooa", "foob"], false);
  f("(foo|bar)baz", "", ["barbaz", "foobaz"], false);
  f("abc|abd", "ab", ["abc", "abd"], false);
  f("a|a|a", "a", ["a"], false);
  f("[a-c]x", "", ["ax", "bx", "cx"], false);
  f("a{2}", "aa", ["aa"], false);
  f("a?", "", ["", "a"], false);
  f("x{0,2}", "", ["", "x", "xx"], false);
  f("\\d", "", ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], false);
  f("^foo$", "foo", ["foo"], false);
  f("foo\\b", "foo", ["foo"], false);
  f("(?:foo|bar)\\b(?:|x)", "", ["bar", "foo"], false);
  f("foo\\bbar", "", [], false);
  f("(?i)ab", "", ["AB", "Ab", "aB", "ab"], false);
  f("(?i)1a", "1", ["1A", "1a"], false);
  f("(a|b)*", "", undefined, false);
  f("[a-z]{2}", "", undefined, false); // 676 values: a set internally, too many to report
  f("foo.*", "foo", undefined, false);
  f("foo.+bar", "foo", undefined, false);
  f("foo(bar|baz).*", "fooba", undefined, false);
  f("(foo)+", "foo", undefined, false);
  f("foo{2,}", "fooo", undefined, false);
  f("(?:ab){2,}", "abab", undefined, false);
  f("(?i)foo.*", "", undefined, false);
  f("😀x|😀y", "😀", ["😀x", "😀y"], false);
  f("\\x{FFFD}a.*", "", undefined, false);
  f(".*", "", undefined, false);
  f("(?s).*", "", undefined, true);
  f("(?s:.)*", "", undefined, true);
  f("[\\s\\S]*", "", undefined, true);
  f("(?s).*|a", "", undefined, true);
  f("(a|[^a])*", "", undefined, true);
  f("(?s)(.*)*", "", undefined, true);
  f("(?s).*.*", "", undefined, true);
  f("(?s).+", "", undefined, false);
  f("x*", "", undefined, false);
  f("\\b(?s).*", "", undefined, false);
  f("(?m)^(?s).*$", "", undefined, true);
  const hundred = Array.from({ length: 100 }, (_, i) => `v${String(i).padStart(3, "0")}`);
  f(hundred.join("|"), "v0", hundred, false);
  f(hundred.join("|") + "|w", "", undefined, false);
  assert.equal(compileAnchored(".*", { dotAll: true }).matchesAll, true);
});

test("compileAnchored caches and reports syntax errors", () => {
  clearRegexCache();
  const a = compileAnchored("foo.*");
  assert.equal(compileAnchored("foo.*"), a);
  assert.notEqual(compileAnchored("foo.*", { dotAll: true }), a);
  assert.equal(a.source, "foo.*");
  assert.throws(() => compileAnchored("(a"), (e: unknown) =>
    e instanceof RegexSyntaxError && e.message === "error parsing regexp: missing closing ): `(a`" && e.pos === 0);
  assert.ok(Object.isFrozen(a));
});

test("compileAnchored handles long literal alternations", () => {
  const values = Array.from({ length: 5000 }, (_, i) => `host-${i}\\.example\\.com:9100`);
  const re = values.join("|");
  const t0 = performance.now();
  const r = compileAnchored(re);
  assert.equal(r.strategy, "set");
  assert.equal(r.orValues, undefined);
  assert.ok(r.matches("host-4999.example.com:9100"));
  assert.ok(!r.matches("host-5000.example.com:9100"));
  const r2 = compileAnchored("(" + re + ")\\d*");
  assert.ok(r2.matches("host-17.example.com:91001"));
  assert.ok(!r2.matches("host-17.example.com:9101"));
  assert.ok(performance.now() - t0 < 5000);
});

// Patterns from features where JavaScript's /u RegExp and RE2 agree on the inputs
// below (no \r, \v or non-ASCII spaces, so ".", "\s" and "\b" mean the same; "$"
// without the m flag is the end of input in both).
const jsAtoms = ["a", "b", "c", "A", "é", "😀", "-", "_", " ", "1", "\\n", ".", "[ab]", "[^a]", "[a-c]", "[^b-c]", "[😀-😂]",
  "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "\\.", "\\b", "\\B", "^", "$", ""];
const jsQuantifiers = ["*", "+", "?", "*?", "+?", "??", "{2}", "{1,2}", "{0,2}", "{2,}", "{0}", "{1}"];
const { jsPattern } = fc.letrec<{ jsPattern: string; concat: string; alt: string; group: string; quant: string }>((tie) => ({
  jsPattern: fc.oneof({ depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...jsAtoms), tie("concat"), tie("alt"), tie("group"), tie("quant")),
  concat: fc.array(tie("jsPattern"), { minLength: 2, maxLength: 3 }).map((a) => a.join("")),
  alt: fc.array(tie("jsPattern"), { minLength: 2, maxLength: 3 }).map((a) => a.join("|")),
  group: fc.tuple(tie("jsPattern"), fc.boolean()).map(([e, cap]) => (cap ? `(${e})` : `(?:${e})`)),
  quant: fc.tuple(tie("jsPattern"), fc.constantFrom(...jsQuantifiers)).map(([e, q]) => `(?:${e})${q}`),
}));
const inputChar = fc.constantFrom("a", "b", "c", "A", "é", "😀", "😁", "-", "_", " ", "\n", "1", ".");
const input = fc.array(inputChar, { maxLength: 8 }).map((a) => a.join(""));

test("property: compileAnchored agrees with JavaScript's RegExp where both apply", () => {
  fc.assert(
    fc.property(jsPattern, fc.array(input, { minLength: 1, maxLength: 8 }), (p, inputs) => {
      const js = new RegExp("^(?:" + p + ")$", "u");
      const e = engines(p);
      for (const s of inputs) {
        assert.equal(matchAll(e, s), js.test(s), `re=${JSON.stringify(p)} s=${JSON.stringify(s)}`);
      }
    }),
    { numRuns: 1000 },
  );
});

// Patterns with everything, including features JavaScript lacks: the engines are
// checked against each other, and the literal facts against the matches.
const allAtoms = [...jsAtoms, "(?i)a", "(?i:é)", "(?i)k", "\\x{212A}", "(?s).", "(?s:.)", "(?m)^", "(?m)$", "\\A", "\\z",
  "\\pL", "\\p{Greek}", "\\PL", "[[:alpha:]]", "[[:^space:]]", "\\Q.\\E", "\\x{1F600}", "[^\\n]", "(?i)[a-c]"];
const { anyPattern } = fc.letrec<{ anyPattern: string; concat: string; alt: string; group: string; quant: string }>((tie) => ({
  anyPattern: fc.oneof({ depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...allAtoms), tie("concat"), tie("alt"), tie("group"), tie("quant")),
  concat: fc.array(tie("anyPattern"), { minLength: 2, maxLength: 3 }).map((a) => a.join("")),
  alt: fc.array(tie("anyPattern"), { minLength: 2, maxLength: 3 }).map((a) => a.join("|")),
  group: tie("anyPattern").map((e) => `(?:${e})`),
  quant: fc.tuple(tie("anyPattern"), fc.constantFrom(...jsQuantifiers)).map(([e, q]) => `(?:${e})${q}`),
}));
const anyInputChar = fc.constantFrom("a", "b", "A", "k", "K", "\u212a", "é", "É", "α", "😀", "-", " ", "\n", "\uD800", ".");
const anyInput = fc.array(anyInputChar, { maxLength: 8 }).map((a) => a.join(""));

test("property: all engines agree, and literal facts hold", () => {
  fc.assert(
    fc.property(anyPattern, fc.boolean(), fc.array(anyInput, { minLength: 1, maxLength: 8 }), (p, dotAll, inputs) => {
      const e = engines(p, dotAll);
      const r = compileAnchored(p, { dotAll });
      const msg = `re=${JSON.stringify(p)} dotAll=${dotAll}`;
      for (const v of r.orValues ?? []) assert.equal(matchAll(e, v), true, `${msg} orValue=${JSON.stringify(v)}`);
      for (const s of inputs) {
        const m = matchAll(e, s);
        assert.equal(typeof m, "boolean", `${msg} s=${JSON.stringify(s)}: ${m}`);
        if (r.matchesAll) assert.equal(m, true, `${msg} matchesAll but not ${JSON.stringify(s)}`);
        if (r.orValues !== undefined) assert.equal(m, r.orValues.includes(s), `${msg} orValues vs ${JSON.stringify(s)}`);
        if (m) assert.ok(s.startsWith(r.literalPrefix), `${msg} prefix ${JSON.stringify(r.literalPrefix)} vs ${JSON.stringify(s)}`);
      }
    }),
    { numRuns: 1000 },
  );
});
