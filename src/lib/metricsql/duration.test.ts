import { test } from "node:test";
import assert from "node:assert/strict";
import {
  durationMs,
  durationValue,
  isPositiveDuration,
  nonNegativeDurationMs,
  positiveDurationValue,
  scanDuration,
} from "./duration.ts";

test("durationValue converts to milliseconds", () => {
  const step = 15_000;
  const f = (s: string, want: number) => assert.equal(durationValue(s, step), want, `s=${s}`);
  f("1ms", 1);
  f("1s", 1000);
  f("1m", 60_000);
  f("1h", 3_600_000);
  f("1d", 86_400_000);
  f("1w", 604_800_000);
  f("1y", 31_536_000_000);
  f("3i", 45_000);
  f("1.5m", 90_000);
  f("0.5s", 500);
  f("13.4ms", 13);
  f("1H3S", 3_603_000); // upper case units, except M alone
  f("1h30m", 5_400_000);
  f("1h-30m", 1_800_000);
  f("-1h30m", -5_400_000);
  f("-5m", -300_000);
  f("2d-3h4m", 2 * 86_400_000 - 3 * 3_600_000 - 4 * 60_000);
  f("300", 300_000); // bare numbers are seconds
  f("1.5", 1500);
  f("-2", -2000);
  f("1e3", 1_000_000);
  f("1_000", 1_000_000);
  f("5MS", 5);
  f("1m$__interval", 75_000);
  f("1e30", 9223372036854775807); // clamped to int64
  f("-1e30", -9223372036854775808);
  f("99999999999999999y", 9223372036854775807);

  const bad = (s: string) => assert.throws(() => durationValue(s, step), /duration/, `s=${s}`);
  bad("");
  bad("5x");
  bad("5M"); // mega, not minutes
  bad("5Mi");
  bad("5mb");
  bad("m");
  bad("1h-m");
  bad("0x10");
  bad("1.h");
});

test("positiveDurationValue rejects negative durations", () => {
  assert.equal(positiveDurationValue("5m", 0), 300_000);
  assert.throws(() => positiveDurationValue("-5m", 0), /duration cannot be negative; got "-5m"/);
});

test("scanDuration finds where a duration token ends", () => {
  const f = (s: string, want: number) => assert.equal(scanDuration(s, 0), want, `s=${s}`);
  f("5m", 2);
  f("5m)", 2);
  f("5m:3s]", 2);
  f("1h30m]", 5);
  f("1h-30m]", 6);
  f("1.5h", 4);
  f("10i", 3);
  f("5ms", 3);
  f("5MS", 3);
  f("5", -1);
  f("5M", -1);
  f("5Mi", -1);
  f("5mb", -1);
  f("5k", -1);
  f(".5m", -1);
  f("1.m", -1);
  f("-5m", -1); // the first part may not be negative
  f("1h-m", 4); // scanned, then rejected by durationValue
  f("5m$__interval)", 13);
  f("$__interval", 11);
});

test("isPositiveDuration", () => {
  const f = (s: string, want: boolean) => assert.equal(isPositiveDuration(s), want, `s=${s}`);
  f("5m", true);
  f("1h5m", true);
  f("$__interval", true);
  f("5", false);
  f("5m ", false);
  f("-5m", false);
});

test("durationMs evaluates a DurationExpr", () => {
  assert.equal(durationMs(null, 1000), 0);
  assert.equal(durationMs({ kind: "duration", text: "2i", isTemplateRef: false }, 1000), 2000);
  assert.equal(durationMs({ kind: "duration", text: "-1m", isTemplateRef: false }, 1000), -60_000);
  assert.throws(() => durationMs({ kind: "duration", text: "w", isTemplateRef: true }, 1000), /BUG/);
  assert.throws(() => nonNegativeDurationMs({ kind: "duration", text: "-1m", isTemplateRef: false }, 0), /negative/);
});
