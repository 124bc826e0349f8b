import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LogParseError } from "./parse_error.ts";
import { parseLogTimestamp, parseRFC3339, parseUnixTimestamp } from "./timestamp.ts";

const NOW = 42n;

test("parseLogTimestamp: valid forms", () => {
  const f = (s: string, want: bigint) => assert.equal(parseLogTimestamp(s, NOW), want, `s=${JSON.stringify(s)}`);
  f("", NOW);
  f("0", NOW);
  f("-", NOW);
  // unix timestamps; the unit is guessed from the magnitude
  f("1700000000", 1700000000_000000000n);
  f("1700000000123", 1700000000_123000000n);
  f("1700000000123456", 1700000000_123456000n);
  f("1700000000123456789", 1700000000_123456789n);
  f("-1", -1_000000000n);
  f("1700000000.5", 1700000000_500000000n);
  f("1700000000.123456", 1700000000_123456000n);
  f("1.7e9", 1700000000_000000000n);
  f("1.7E12", 1700000000_000000000n);
  // RFC3339 / ISO8601
  f("2024-01-02T03:04:05Z", 1704164645_000000000n);
  f("2024-01-02T03:04:05.123Z", 1704164645_123000000n);
  f("2024-01-02T03:04:05.123456789Z", 1704164645_123456789n);
  f("2024-01-02 03:04:05Z", 1704164645_000000000n);
  f("2024-01-02T05:04:05+02:00", 1704164645_000000000n);
  f("2024-01-02T01:04:05.5-02:00", 1704164645_500000000n);
  f("1970-01-01T00:00:00Z", 0n);
});

test("parseLogTimestamp: the local zone when none is given", () => {
  const local = parseLogTimestamp("2024-06-01T12:00:00", NOW);
  const expected = BigInt(new Date(2024, 5, 1, 12, 0, 0).getTime()) * 1_000_000n;
  assert.equal(local, expected);
});

test("parseLogTimestamp: invalid forms", () => {
  const f = (s: string) => assert.throws(() => parseLogTimestamp(s, NOW), LogParseError, `s=${JSON.stringify(s)}`);
  f("abc");
  f("12a");
  f("2024-13-01T00:00:00Z");
  f("2024-02-30T00:00:00Z");
  f("2024-01-02X03:04:05Z");
  f("2024-01-02T03:04:05.1234567891Z");
  f("2024-01-02T03:04:05+2:00");
  f("2024-01-02");
  f("1.5e");
  f("99999999999999999999");
  f("1000-01-01T00:00:00Z");
});

test("parseUnixTimestamp and parseRFC3339 never throw", () => {
  fc.assert(fc.property(fc.string(), (s) => {
    parseUnixTimestamp(s);
    parseRFC3339(s);
    try {
      parseLogTimestamp(s, NOW);
    } catch (e) {
      assert.ok(e instanceof LogParseError, String(e));
    }
  }), { numRuns: 2000 });
});

test("parseRFC3339 agrees with Date for UTC times", () => {
  fc.assert(fc.property(fc.date({ min: new Date("1700-01-01T00:00:00Z"), max: new Date("2260-01-01T00:00:00Z"), noInvalidDate: true }), (d) => {
    const s = d.toISOString();
    assert.equal(parseRFC3339(s), BigInt(d.getTime()) * 1_000_000n, s);
  }), { numRuns: 500 });
});
