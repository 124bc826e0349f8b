import { test } from "node:test";
import assert from "node:assert/strict";
import { formatNumber, parseDuration, parseFloatValue, parseNumber } from "./numbers.ts";
import { formatTimestamp, parseTimestamp, timestampEnd } from "./time_format.ts";

test("parseNumber", () => {
  const f = (s: string, want: number): void => assert.equal(parseNumber(s), want, `parseNumber(${JSON.stringify(s)})`);
  f("10", 10);
  f("-1.5", -1.5);
  f("1e3", 1000);
  f(".5", 0.5);
  f("1_000_000", 1e6);
  f("0x1f", 31);
  f("1K", 1000);
  f("1Ki", 1024);
  f("1.5KiB", 1536);
  f("2MB", 2e6);
  f("3G", 3e9);
  f("1Ti", 1024 ** 4);
  f("inf", Infinity);
  f("-Inf", -Infinity);
  f("1s", 1e9);
  f("1h30m", 5.4e12);
  f("-5ms", -5e6);
  assert.ok(Number.isNaN(parseNumber("abc")));
  assert.ok(Number.isNaN(parseNumber("")));
  assert.ok(Number.isNaN(parseNumber("1x")));
  assert.ok(Number.isNaN(parseNumber("_1")));
});

test("parseFloatValue is strict about field values", () => {
  const f = (s: string, want: number): void => assert.equal(parseFloatValue(s), want, `parseFloatValue(${JSON.stringify(s)})`);
  f("42", 42);
  f("-3.5", -3.5);
  f("300ms", 3e8);
  assert.ok(Number.isNaN(parseFloatValue(" 42")));
  assert.ok(Number.isNaN(parseFloatValue("Infinity")));
  assert.ok(Number.isNaN(parseFloatValue("")));
});

test("parseDuration", () => {
  const f = (s: string, want: bigint | undefined): void => assert.equal(parseDuration(s), want, `parseDuration(${JSON.stringify(s)})`);
  f("5m", 300_000_000_000n);
  f("1h30m", 5_400_000_000_000n);
  f("1.5d", 129_600_000_000_000n);
  f("2w", 1_209_600_000_000_000n);
  f("1y", 31_536_000_000_000_000n);
  f("-10s", -10_000_000_000n);
  f("100ns", 100n);
  f("5µs", 5000n);
  f("5", undefined);
  f("m", undefined);
  f("", undefined);
});

test("formatNumber prints like Go's FormatFloat(f, 'f', -1, 64)", () => {
  const f = (x: number, want: string): void => assert.equal(formatNumber(x), want, `formatNumber(${x})`);
  f(1, "1");
  f(-2.5, "-2.5");
  f(NaN, "NaN");
  f(Infinity, "+Inf");
  f(1e21, "1000000000000000000000");
  f(1.5e22, "15000000000000000000000");
  f(1e-7, "0.0000001");
  f(-2.5e-8, "-0.000000025");
  f(123.456, "123.456");
  f(0.1 + 0.2, "0.30000000000000004");
});

test("timestamps parse and print", () => {
  const now = 1_700_000_000_000_000_000n;
  const f = (s: string, want: string): void => assert.equal(formatTimestamp(parseTimestamp(s, now)!), want, `parseTimestamp(${JSON.stringify(s)})`);
  f("2024", "2024-01-01T00:00:00Z");
  f("2024-02", "2024-02-01T00:00:00Z");
  f("2024-02-03", "2024-02-03T00:00:00Z");
  f("2024-02-03T04", "2024-02-03T04:00:00Z");
  f("2024-02-03T04:05:06.789Z", "2024-02-03T04:05:06.789Z");
  f("2024-02-03T04:05:06.123456789+02:00", "2024-02-03T02:05:06.123456789Z");
  f("2024-02-03 04:05:06", "2024-02-03T04:05:06Z");
  f("1700000000", "2023-11-14T22:13:20Z");
  f("1700000000123", "2023-11-14T22:13:20.123Z");
  f("1700000000123456", "2023-11-14T22:13:20.123456Z");
  f("1700000000123456789", "2023-11-14T22:13:20.123456789Z");
  f("1700000000.5", "2023-11-14T22:13:20.5Z");
  f("now", "2023-11-14T22:13:20Z");
  f("now-1h", "2023-11-14T21:13:20Z");
  assert.equal(parseTimestamp("2024-13", now), undefined);
  assert.equal(parseTimestamp("yesterday", now), undefined);
  assert.equal(formatTimestamp(-1n), "1969-12-31T23:59:59.999999999Z");
  const g = (s: string, want: string): void => assert.equal(formatTimestamp(timestampEnd(parseTimestamp(s, now)!, s)), want, `timestampEnd(${JSON.stringify(s)})`);
  g("2024", "2024-12-31T23:59:59.999999999Z");
  g("2024-02", "2024-02-29T23:59:59.999999999Z");
  g("2024-02-03", "2024-02-03T23:59:59.999999999Z");
  g("2024-02-03T04:05Z", "2024-02-03T04:05:59.999999999Z");
  g("1700000000", "2023-11-14T22:13:20.999999999Z");
});
