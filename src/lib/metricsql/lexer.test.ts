import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ParseError } from "./errors.ts";
import {
  escapeIdent,
  hasEscapedChars,
  isIdentPrefix,
  Lexer,
  parsePositiveNumber,
  quoteIdent,
  unescapeIdent,
} from "./lexer.ts";

// tokens lists "token@pos" up to the end of s.
function tokens(s: string): string[] {
  const lex = new Lexer(s);
  const out: string[] = [];
  for (;;) {
    lex.next();
    if (lex.token === "") return out;
    out.push(`${lex.token}@${lex.pos}`);
  }
}


// anyString generates strings of any Unicode scalar values (biased to ASCII).
function anyString(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const cp = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 0x7f }) },
    fc.integer({ min: 0x80, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0x10ffff }),
  );
  return fc.array(cp, { minLength, maxLength }).map((cps) => String.fromCodePoint(...cps));
}

test("Lexer splits queries into tokens with positions", () => {
  const f = (s: string, want: string[]) => assert.deepEqual(tokens(s), want, `s=${JSON.stringify(s)}`);
  f("", []);
  f("  \t\n ", []);
  f("foo", ["foo@0"]);
  f(' foo{bar="baz"}', ["foo@1", "{@4", "bar@5", "=@8", '"baz"@9', "}@14"]);
  f("a=~'x'!~`y`!=\"z\"", ["a@0", "=~@1", "'x'@3", "!~@6", "`y`@8", "!=@11", '"z"@13']);
  f("rate(m[5m:30s])", ["rate@0", "(@4", "m@5", "[@6", "5m@7", ":30s@9", "]@13", ")@14"]);
  f("m[5m:]", ["m@0", "[@1", "5m@2", ":@4", "]@5"]);
  f("a+b-c*d/e%f^g", ["a@0", "+@1", "b@2", "-@3", "c@4", "*@5", "d@6", "/@7", "e@8", "%@9", "f@10", "^@11", "g@12"]);
  f("a==b>=c<=d>e<f", ["a@0", "==@1", "b@3", ">=@4", "c@6", "<=@7", "d@9", ">@10", "e@11", "<@12", "f@13"]);
  f("x @ 123.5e3 offset -1h30m", ["x@0", "@@2", "123.5e3@4", "offset@12", "-@19", "1h30m@20"]);
  f("1Ki 2MB 3.5gib 0x1F 0b101 0o17 017 1_000 .5", ["1Ki@0", "2MB@4", "3.5gib@8", "0x1F@15", "0b101@20", "0o17@26", "017@31", "1_000@35", ".5@41"]);
  f("5m 5M 5ms 5mi", ["5m@0", "5M@3", "5ms@6", "5mi@10"]);
  f("foo.bar:baz_1 ტემპერატურა", ["foo.bar:baz_1@0", "ტემპერატურა@14"]);
  f("foo\\-bar\\x41\\u00e9", ["foo\\-bar\\x41\\u00e9@0"]);
  f("a # comment ( [\nb#c", ["a@0", "b@16"]);
  f("$__interval $__rate_interval", ["$__interval@0", "$__interval@12"]);
  f('"a\\"b" \'c\\\'d\'', ['"a\\"b"@0', "'c\\'d'@7"]);
  f("sum by (a) (b)", ["sum@0", "by@4", "(@7", "a@8", ")@9", "(@11", "b@12", ")@13"]);
  f("@,()[]{}", ["@@0", ",@1", "(@2", ")@3", "[@4", "]@5", "{@6", "}@7"]);
  f("1h-m", ["1h-m@0"]); // as VictoriaMetrics scans it; an invalid duration
});

test("Lexer reports what it cannot read, with the position", () => {
  const f = (s: string, pos: number, msg: RegExp) => {
    assert.throws(
      () => tokens(s),
      (err: unknown) => err instanceof ParseError && err.pos === pos && msg.test(err.message),
      `s=${JSON.stringify(s)}`,
    );
  };
  f("foo $", 4, /cannot recognize "\$"/);
  f('a{b="c}', 4, /cannot find closing quote " for the string "\\"c}"/);
  f("x + 'abc", 4, /cannot find closing quote '/);
  f("1e+", 0, /missing exponent part/);
  f("x 2.5E", 2, /missing exponent part/);
  f("!", 0, /cannot recognize/);
  f(".", 0, /cannot recognize/);
  f("foo\\", 3, /cannot recognize "\\\\"/);
});

test("Lexer.prev steps back over tokens already read", () => {
  const lex = new Lexer("a + b");
  lex.next();
  lex.next();
  lex.next();
  assert.equal(lex.token, "b");
  lex.prev();
  lex.prev();
  assert.equal(lex.token, "a");
  assert.equal(lex.pos, 0);
  lex.next();
  assert.equal(lex.token, "+");
  assert.equal(lex.pos, 2);
});

test("parsePositiveNumber", () => {
  const f = (s: string, want: number) => assert.equal(parsePositiveNumber(s), want, `s=${s}`);
  f("42", 42);
  f("4.5", 4.5);
  f("1e3", 1000);
  f("12.e+4", 120000);
  f(".5", 0.5);
  f("1_234_567", 1234567);
  f("0x1f", 31);
  f("0X1F", 31);
  f("0b1011", 11);
  f("0o17", 15);
  f("017", 15);
  f("2k", 2000);
  f("2K", 2000);
  f("2Ki", 2048);
  f("2kb", 2000);
  f("2KiB", 2048);
  f("1.5M", 1.5e6);
  f("1Mi", 1024 ** 2);
  f("3gb", 3e9);
  f("3Gi", 3 * 1024 ** 3);
  f("1T", 1e12);
  f("1TiB", 1024 ** 4);
  f(".5m", 5e5); // a number, not a duration: m is mega here
  f("Inf", Infinity);
  assert.ok(Number.isNaN(parsePositiveNumber("nan")));
  const bad = (s: string) => assert.throws(() => parsePositiveNumber(s), /invalid syntax|out of range/, `s=${s}`);
  bad("08");
  bad("0x");
  bad("0b12");
  bad("1__0");
  bad("017.5"); // a leading 0 makes it octal
  bad("1e400");
});

test("identifier escaping", () => {
  const f = (s: string, escaped: string) => {
    assert.equal(escapeIdent(s), escaped, `escapeIdent(${JSON.stringify(s)})`);
    assert.equal(unescapeIdent(escaped), s, `unescapeIdent(${JSON.stringify(escaped)})`);
  };
  f("foo", "foo");
  f("foo:bar.baz_1", "foo:bar.baz_1");
  f("3foo", "\\3foo");
  f("foo-bar", "foo\\-bar");
  f("a b", "a\\ b");
  f("温度", "温度");
  f("a\nb", "a\\x0ab");
  f("a\u200bb", "a\\u200bb");
  f("a\u{e0001}", "a\\udb40\\udc01");
  f('"q"', '\\"q\\"');

  const u = (s: string, want: string) => assert.equal(unescapeIdent(s), want, `unescapeIdent(${JSON.stringify(s)})`);
  u("\\x41\\X42\\u0043\\U0044", "ABCD");
  u("a\\", "a\\"); // invalid escapes stay as written
  u("a\\xZZ", "a\\xZZ");
  u("\\r\\a\\t\\e", "rate");

  assert.equal(hasEscapedChars("foo"), false);
  assert.equal(hasEscapedChars("3foo"), true);
  assert.equal(hasEscapedChars("foo-bar"), true);
  assert.equal(hasEscapedChars(""), false);
  assert.equal(quoteIdent('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(isIdentPrefix("\\x41"), true);
  assert.equal(isIdentPrefix("\\"), false);
  assert.equal(isIdentPrefix("1a"), false);
});

test("an escaped identifier is one token that unescapes to the original", () => {
  fc.assert(
    fc.property(anyString(1, 12), (s) => {
      const escaped = escapeIdent(s);
      assert.deepEqual(tokens(escaped + " x"), [`${escaped}@0`, `x@${escaped.length + 1}`]);
      assert.equal(unescapeIdent(escaped), s);
    }),
  );
});
