import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { precisionFromArg, timestampDigitsToMs, timestampToMs } from "./timestamp.ts";

test("precisionFromArg maps VictoriaMetrics' precision values", () => {
  const f = (p: string, want: number) => assert.equal(precisionFromArg(p), want, `precision=${p}`);
  f("ns", 1e6);
  f("u", 1e3);
  f("us", 1e3);
  f("µ", 1e3);
  f("ms", 1);
  f("s", -1e3);
  f("m", -6e4);
  f("h", -3.6e6);
  f("", 0);
  f("n", 0);
  f("S", 0);
});

test("timestampToMs converts like VictoriaMetrics' int64 arithmetic", () => {
  const now = 1_700_000_123_456;
  const f = (tok: string, precision: string, trimMs: number, want: number) =>
    assert.equal(timestampToMs(tok, precisionFromArg(precision), now, trimMs), want, `ts=${tok} precision=${precision} trim=${trimMs}`);
  // Guessed unit.
  f("1700000000", "", 1, 1_700_000_000_000);
  f("1700000000123", "", 1, 1_700_000_000_123);
  f("1700000000123456", "", 1, 1_700_000_000_123);
  f("1700000000123456789", "", 1, 1_700_000_000_123);
  f("99999999999", "", 1, 99_999_999_999_000);
  f("100000000000", "", 1, 100_000_000_000);
  f("-5", "", 1, -5000);
  f("", "", 1, now);
  f("0", "", 1, now);
  f("0000000000000000000", "", 1, now);
  // Explicit precision.
  f("1700000000123456789", "ns", 1, 1_700_000_000_123);
  // Exactly: the double nearest to this value is 1700000000124000000.
  f("1700000000123999999", "ns", 1, 1_700_000_000_123);
  f("-1700000000123999999", "ns", 1, -1_700_000_000_123);
  f("1700000000123999", "us", 1, 1_700_000_000_123);
  f("1700000000123", "ms", 1, 1_700_000_000_123);
  f("1700000000", "s", 1, 1_700_000_000_000);
  f("28333333", "m", 1, 1_699_999_980_000);
  f("472222", "h", 1, 1_699_999_200_000);
  f("", "s", 1, 1_700_000_123_000);
  f("", "h", 1, 1_699_999_200_000);
  f("", "ns", 1, now);
  f("999", "ns", 1, 0);
  // Trimming (-influxTrimTimestamp).
  f("1700000000123", "ms", 1000, 1_700_000_000_000);
  f("1700000000123", "ms", 60_000, 1_699_999_980_000);
  f("-1500", "ms", 1000, -1000);
  assert.throws(() => timestampToMs("12a", 0, now, 1), { message: `unparsed tail left after parsing int64 form "12a": "a"` });
  assert.throws(() => timestampToMs("9223372036854775808", 0, now, 1), { message: /value out of range/ });
});

test("timestampToMs matches exact integer arithmetic for every int64 (within 2^53 ms)", () => {
  const trunc = (a: bigint, b: bigint) => a / b; // BigInt division truncates toward zero, as Go's.
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom("", "ns", "us", "ms"), (v, p) => {
    if (v === 0n) return;
    let want: bigint;
    if (p === "ns") want = trunc(v, 1_000_000n);
    else if (p === "us") want = trunc(v, 1000n);
    else if (p === "ms") want = v;
    else if (v >= 10n ** 17n) want = trunc(v, 1_000_000n);
    else if (v >= 10n ** 14n) want = trunc(v, 1000n);
    else if (v >= 10n ** 11n) want = v;
    else want = v * 1000n;
    const got = timestampToMs(v.toString(), precisionFromArg(p), 0, 1);
    // Results beyond 2^53 ms (year 287396) may be a rounding away from the nearest double.
    if (want > -(2n ** 53n) && want < 2n ** 53n) assert.equal(got, Number(want), `v=${v} precision=${p}`);
    else assert.ok(Math.abs(got - Number(want)) <= Math.abs(Number(want)) * 1e-15, `v=${v} precision=${p}: got ${got}`);
  }), { numRuns: 5000 });
});

test("timestampDigitsToMs equals timestampToMs on plain digit tokens, or gives up (property)", () => {
  const now = 1_700_000_123_456;
  const f = (tok: string, precision: number, trimMs: number) => {
    const got = timestampDigitsToMs(` ${tok} `, 1, 1 + tok.length, precision, now, trimMs);
    if (got !== got) {
      assert.ok(!/^[0-9]{1,19}$/.test(tok) || tok.length === 19 || (tok.length > 15 && precision !== 0 && precision !== 1e3 && precision !== 1e6), `gave up on ${tok} precision ${precision}`);
      return;
    }
    assert.ok(Object.is(got, timestampToMs(tok, precision, now, trimMs)), `${tok} precision ${precision} trim ${trimMs}: got ${got}; want ${timestampToMs(tok, precision, now, trimMs)}`);
  };
  for (const p of [0, 1e6, 1e3, 1, -1e3, -6e4, -3.6e6]) {
    for (const tok of ["0", "0000000000000000", "1", "1700000000", "1700000000123", "1700000000123456", "1700000000123456789", "8999999999999999999", "9000000000000000000", "99999999999", "", "1a", "-1"]) f(tok, p, 1);
  }
  fc.assert(fc.property(
    fc.oneof(fc.bigInt({ min: 0n, max: 9_999_999_999_999_999_999n }).map(String), fc.stringMatching(/^[0-9]{1,19}$/)),
    fc.constantFrom(0, 1e6, 1e3, 1, -1e3, -6e4, -3.6e6),
    fc.constantFrom(1, 7, 1000, 60_000),
    (tok, p, trim) => f(tok, p, trim),
  ), { numRuns: 20000 });
});
