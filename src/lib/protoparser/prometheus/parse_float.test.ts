import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FloatTokenError, parseFloatToken } from "./parse_float.ts";

test("parseFloatToken accepts fastfloat's grammar", () => {
  const f = (s: string, want: number) => assert.ok(Object.is(parseFloatToken(s), want), `${s} -> ${parseFloatToken(s)}; want ${want}`);
  f("0", 0);
  f("-0", -0);
  f("12", 12);
  f("-12.5", -12.5);
  f("1.", 1);
  f("-1.", -1);
  f(".5", 0.5);
  f("-.5", -0.5);
  f("1e3", 1000);
  f("1.5E-3", 0.0015);
  f("1.e2", 100);
  f("1e+2", 100);
  f("007", 7);
  f("1e400", Infinity);
  f("-1e400", -Infinity);
  f("1e-400", 0);
  f("123456789012345678901234567890", 1.2345678901234568e29);
  f("0.30000000000000004", 0.30000000000000004);
  f("inf", Infinity);
  f("+Inf", Infinity);
  f("-Infinity", -Infinity);
  f("-+inf", -Infinity);
  assert.ok(Number.isNaN(parseFloatToken("NaN")));
  assert.ok(Number.isNaN(parseFloatToken("-nan")));
});

test("parseFloatToken rejects other tokens with fastfloat's messages", () => {
  const f = (s: string, want: string) => assert.throws(() => parseFloatToken(s), (e: unknown) => e instanceof FloatTokenError && e.message === want, s);
  f("", "cannot parse float64 from empty string");
  f("-", 'cannot parse float64 from "-"');
  f(".", 'missing integer and fractional part in "."');
  f("-.e1", 'missing integer and fractional part in "-.e1"');
  f("+1", 'unparsed tail left after parsing float64 from "+1": "1"');
  f("abc", 'unparsed tail left after parsing float64 from "abc": "abc"');
  f("infinit", 'unparsed tail left after parsing float64 from "infinit": "infinit"');
  f("1e", 'cannot parse exponent in "1e"');
  f("1e+", 'cannot parse exponent in "1e+"');
  f("1x", 'cannot parse float64 from "1x"');
  f("1.2.3", 'cannot parse float64 from "1.2.3"');
  f("1e5x", 'cannot parse float64 from "1e5x"');
  f("0x10", 'cannot parse float64 from "0x10"');
  f("1_000", 'cannot parse float64 from "1_000"');
  f(" 1", 'unparsed tail left after parsing float64 from " 1": " 1"');
});

test("parseFloatToken reads every double's shortest form back exactly", () => {
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
    const s = Object.is(v, -0) ? "-0" : String(v).replace("e+", "e");
    assert.ok(Object.is(parseFloatToken(s), v), s);
  }), { numRuns: 2000 });
});
