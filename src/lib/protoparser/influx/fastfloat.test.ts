import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { NumberError, parseFloat, parseFloatBestEffort, parseInt64, parsePlainNumber, parseUint64 } from "./fastfloat.ts";

test("parseFloat accepts fastfloat's grammar with correctly rounded values", () => {
  const f = (s: string, want: number) => assert.equal(parseFloat(s), want, `parseFloat(${JSON.stringify(s)})`);
  f("0", 0);
  f("-0", -0);
  f("123", 123);
  f("-123.5", -123.5);
  f("1.", 1);
  f(".5", 0.5);
  f("-.5", -0.5);
  f("5.e3", 5000);
  f("1e5", 1e5);
  f("1E-5", 1e-5);
  f("1e+5", 1e5);
  f("007", 7);
  f("inf", Infinity);
  f("+Inf", Infinity);
  f("-inf", -Infinity);
  f("-+infinity", -Infinity);
  f("NaN", NaN);
  f("-nan", NaN);
  f("1e400", Infinity);
  f("-1e400", -Infinity);
  f("1e-400", 0);
  f("12345678901234567890", 12345678901234567890);
  f("1234567890123456789.5e3", 1234567890123456789.5e3);
  f("0.1", 0.1);
  f("9.999999999999999", 9.999999999999999);
  f("3.14159265358979323846", 3.14159265358979323846);
  f("1.7976931348623157e308", 1.7976931348623157e308);
});

test("parseFloat rejects what fastfloat rejects, with its messages", () => {
  const f = (s: string, msg: string) => assert.throws(() => parseFloat(s), (e: unknown) => e instanceof NumberError && e.message === msg, `parseFloat(${JSON.stringify(s)})`);
  f("", "cannot parse float64 from empty string");
  f("-", `cannot parse float64 from "-"`);
  f(".", `missing integer and fractional part in "."`);
  f("-.", `missing integer and fractional part in "-."`);
  f(".e5", `missing integer and fractional part in ".e5"`);
  f("+1", `unparsed tail left after parsing float64 from "+1": "1"`);
  f("abc", `unparsed tail left after parsing float64 from "abc": "abc"`);
  f("Infinityx", `unparsed tail left after parsing float64 from "Infinityx": "Infinityx"`);
  f("1x", `cannot parse float64 from "1x"`);
  f("1.5.5", `cannot parse float64 from "1.5.5"`);
  f("1e", `cannot parse exponent in "1e"`);
  f("1e+", `cannot parse exponent in "1e+"`);
  f("1ex", `cannot parse exponent in "1ex"`);
  f("1 ", `cannot parse float64 from "1 "`);
  f("0x10", `cannot parse float64 from "0x10"`);
  f("1_000", `cannot parse float64 from "1_000"`);
  f("12345678901234567890x", `strconv.ParseFloat: parsing "12345678901234567890x": invalid syntax`);
  f("1.23456789012345678x", `cannot parse mantissa in "1.23456789012345678x": strconv.ParseFloat: parsing "1.23456789012345678x": invalid syntax`);
});

test("parseFloatBestEffort returns 0 where parseFloat throws", () => {
  const f = (s: string, want: number) => assert.equal(parseFloatBestEffort(s), want, `parseFloatBestEffort(${JSON.stringify(s)})`);
  f("1.5", 1.5);
  f("abc", 0);
  f("", 0);
  f("1x", 0);
  f("-inf", -Infinity);
});

test("parseInt64 and parseUint64 follow fastfloat", () => {
  const i = (s: string, want: number) => assert.equal(parseInt64(s), want, `parseInt64(${JSON.stringify(s)})`);
  i("0", 0);
  i("-0", 0);
  i("123", 123);
  i("-123", -123);
  i("9007199254740993", 9007199254740992);
  i("9223372036854775807", 9223372036854775807);
  i("-9223372036854775808", -9223372036854775808);
  const ie = (s: string, msg: string) => assert.throws(() => parseInt64(s), { message: msg }, `parseInt64(${JSON.stringify(s)})`);
  ie("", "cannot parse int64 from empty string");
  ie("-", `cannot parse int64 from "-"`);
  ie("+1", `cannot parse int64 from "+1"`);
  ie("1.5", `unparsed tail left after parsing int64 form "1.5": ".5"`);
  ie("1e3", `unparsed tail left after parsing int64 form "1e3": "e3"`);
  ie("9223372036854775808", `strconv.ParseInt: parsing "9223372036854775808": value out of range`);
  ie("1234567890123456789x", `strconv.ParseInt: parsing "1234567890123456789x": invalid syntax`);
  const u = (s: string, want: number) => assert.equal(parseUint64(s), want, `parseUint64(${JSON.stringify(s)})`);
  u("0", 0);
  u("42", 42);
  u("18446744073709551615", 18446744073709551615);
  const ue = (s: string, msg: string) => assert.throws(() => parseUint64(s), { message: msg }, `parseUint64(${JSON.stringify(s)})`);
  ue("", "cannot parse uint64 from empty string");
  ue("-1", `cannot parse uint64 from "-1"`);
  ue("1a", `unparsed tail left after parsing uint64 from "1a": "a"`);
  ue("18446744073709551616", `strconv.ParseUint: parsing "18446744073709551616": value out of range`);
});

test("parseFloat reads back every double JS prints, and throws only NumberError", () => {
  fc.assert(fc.property(fc.double(), (x) => {
    const got = parseFloat(String(x));
    assert.ok(got === x || (Number.isNaN(got) && Number.isNaN(x)), `${x}`);
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(..."0123456789.eE+-infaINFx _"), maxLength: 30 }), (s) => {
    try {
      const v = parseFloat(s);
      assert.equal(typeof v, "number");
      assert.ok(Object.is(parseFloatBestEffort(s), v) || Number.isNaN(v));
    } catch (e) {
      assert.ok(e instanceof NumberError, `unexpected ${String(e)} for ${JSON.stringify(s)}`);
      assert.equal(parseFloatBestEffort(s), 0);
    }
    for (const p of [parseInt64, parseUint64]) {
      try { p(s); } catch (e) { assert.ok(e instanceof NumberError, `unexpected ${String(e)} for ${JSON.stringify(s)}`); }
    }
  }), { numRuns: 3000 });
});

test("parsePlainNumber reads plain field values as the general parsers do, and gives up on the rest", () => {
  const f = (tok: string, want: number) => assert.ok(Object.is(parsePlainNumber(`x=${tok} `, 2, 2 + tok.length), want), `parsePlainNumber(${JSON.stringify(tok)}) = ${parsePlainNumber(`x=${tok} `, 2, 2 + tok.length)}; want ${want}`);
  f("0", 0);
  f("-0", -0);
  f("-0i", 0);
  f("12592918.97", 12592918.97);
  f("-1.5", -1.5);
  f("007.25", 7.25);
  f("123456789012345", 123456789012345);
  f("42i", 42);
  f("-42i", -42);
  f("42u", 42);
  for (const tok of ["", "-", "1.", ".5", "1e3", "+1", "-5u", "1.5i", "1234567890123456", "1.234567890123456", "t", "nan", "1x", "1ii", "--1"]) f(tok, NaN);
});

test("parsePlainNumber agrees with parseFloatBestEffort, parseInt64 and parseUint64 (property)", () => {
  fc.assert(fc.property(fc.stringMatching(/^-?[0-9]{1,16}(\.[0-9]{0,8})?[iu]?$/), (tok) => {
    const got = parsePlainNumber(tok, 0, tok.length);
    if (got !== got) return;
    const last = tok.at(-1);
    const want = last === "i" ? parseInt64(tok.slice(0, -1)) : last === "u" ? parseUint64(tok.slice(0, -1)) : parseFloatBestEffort(tok);
    assert.ok(Object.is(got, want), `${tok}: got ${got}; want ${want}`);
  }), { numRuns: 20000 });
});
