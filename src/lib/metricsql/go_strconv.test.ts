import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatGoFloat, goQuote, goUnquote, isPrint, parseGoFloat, parseGoInt } from "./go_strconv.ts";


// anyString generates strings of any Unicode scalar values (biased to ASCII).
function anyString(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const cp = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 0x7f }) },
    fc.integer({ min: 0x80, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0x10ffff }),
  );
  return fc.array(cp, { minLength, maxLength }).map((cps) => String.fromCodePoint(...cps));
}

test("goQuote escapes like Go's strconv.Quote", () => {
  const f = (s: string, want: string) => assert.equal(goQuote(s), want, `s=${JSON.stringify(s)}`);
  f("", '""');
  f("abc", '"abc"');
  f('a"b\\c', '"a\\"b\\\\c"');
  f("\n\t\r\x07\x08\x0c\x0b", '"\\n\\t\\r\\a\\b\\f\\v"');
  f("\x00\x1f\x7f", '"\\x00\\x1f\\x7f"');
  f("é温度🎉", '"é温度🎉"');
  f("\u00a0\u200b", '"\\u00a0\\u200b"');
  f("\u{e0001}", '"\\U000e0001"');
  f("'`", "\"'`\"");
});

test("goUnquote reads the three kinds of string literals", () => {
  const f = (token: string, want: string) => assert.equal(goUnquote(token), want, `token=${token}`);
  f('""', "");
  f('"a\\nb\\t\\"c\\\\"', 'a\nb\t"c\\');
  f('"\\x41\\101\\u00e9\\U0001F389"', "AAé🎉");
  f('"\\xc3\\xa9"', "é"); // bytes form UTF-8
  f('"\\xff"', "\ufffd"); // an invalid UTF-8 byte
  f("'it\\'s'", "it's");
  f("'say \"hi\"'", 'say "hi"');
  f("'\\n'", "\n");
  f("`raw\\n\"x\"`", 'raw\\n"x"');
  f("`a\r\nb`", "a\nb");
  f("`multi\nline`", "multi\nline");

  const bad = (token: string) => assert.throws(() => goUnquote(token), /invalid syntax/, `token=${token}`);
  bad('"a\nb"'); // newline in an interpreted string
  bad('"\\q"');
  bad('"\\\'"'); // \' only in single quotes
  bad('"\\x4"');
  bad('"\\400"');
  bad('"\\ud800"');
  bad("'a\\\"b'"); // becomes "a\\"b": an unescaped quote
  bad('"abc');
});

test("goUnquote(goQuote(s)) gives s back", () => {
  fc.assert(
    fc.property(anyString(0, 20), (s) => {
      assert.equal(goUnquote(goQuote(s)), s);
    }),
  );
});

test("isPrint matches Go's unicode.IsPrint on samples", () => {
  const f = (cp: number, want: boolean) => assert.equal(isPrint(cp), want, `cp=${cp.toString(16)}`);
  f(0x20, true);
  f(0x41, true);
  f(0x7e, true);
  f(0x7f, false);
  f(0x0a, false);
  f(0xa0, false); // no-break space: a space, not printable
  f(0x301, true); // combining mark
  f(0x1f389, true);
  f(0xe000, false); // private use
});

test("parseGoFloat", () => {
  const f = (s: string, want: number) => assert.equal(parseGoFloat(s), want, `s=${s}`);
  f("0", 0);
  f("1.5", 1.5);
  f("1.", 1);
  f(".25", 0.25);
  f("12.e+4", 120000);
  f("1e-3", 0.001);
  f("1_000", 1000);
  f("1_2.3_4e1_0", 12.34e10);
  f("INF", Infinity);
  f("Infinity", Infinity);
  f("-inf", -Infinity);
  f("-2.5", -2.5);
  assert.ok(Number.isNaN(parseGoFloat("nan")));

  const bad = (s: string) => assert.throws(() => parseGoFloat(s), /invalid syntax|out of range/, `s=${s}`);
  bad("");
  bad(".");
  bad("e5");
  bad("1e");
  bad("1_");
  bad("_1");
  bad("1__0");
  bad("1_.5");
  bad("1e_5");
  bad("0x10");
  bad("1e400");
  bad("abc");
});

test("parseGoInt reads base prefixes", () => {
  const f = (s: string, want: number) => assert.equal(parseGoInt(s), want, `s=${s}`);
  f("0", 0);
  f("42", 42);
  f("0x1f", 31);
  f("0X1F", 31);
  f("017", 15);
  f("0o17", 15);
  f("0b101", 5);
  f("0b1_0_1", 5);
  f("9223372036854775807", 9223372036854775807);
  const bad = (s: string) => assert.throws(() => parseGoInt(s), /invalid syntax|out of range/, `s=${s}`);
  bad("0x");
  bad("08");
  bad("0b2");
  bad("0xg");
  bad("9223372036854775808");
});

test("formatGoFloat is Go's %g with the shortest digits", () => {
  const f = (v: number, want: string) => assert.equal(formatGoFloat(v), want, `v=${v}`);
  f(0, "0");
  f(-0, "-0");
  f(1, "1");
  f(-4, "-4");
  f(123456, "123456");
  f(1e6, "1e+06");
  f(1234567, "1.234567e+06");
  f(-1.23e9, "-1.23e+09");
  f(0.0001, "0.0001");
  f(0.00001, "1e-05");
  f(0.1 + 0.2, "0.30000000000000004");
  f(1.5e300, "1.5e+300");
  f(5e-324, "5e-324");
  f(256.5, "256.5");
  f(NaN, "NaN");
  f(Infinity, "Inf");
  f(-Infinity, "-Inf");
});

test("formatGoFloat output parses back to the same number", () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true }), (v) => {
      assert.ok(Object.is(parseGoFloat(formatGoFloat(v)), v) || (v === 0 && parseGoFloat(formatGoFloat(v)) === 0));
    }),
  );
});
