// MetricsQL durations: "5m", "1h30m", "3.4d-35.66s", "1.5" (seconds), "10i" (steps).
// See https://docs.victoriametrics.com/victoriametrics/metricsql/ (durations may be
// fractional, combined, in steps with the `i` suffix, or bare numbers of seconds).

import type { DurationExpr } from "./ast.ts";
import { parseGoFloat } from "./go_strconv.ts";

const INTERVAL = "$__interval";
const INT64_MAX = 9223372036854775807;
const INT64_MIN = -9223372036854775808;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/**
 * scanSingleDuration returns the end of the single duration part ("5m", "-3.4s",
 * "10ms", "2i") that starts at s[i], or -1. A part may start with "-" only when
 * canBeNegative. A lone "M" is not minutes but the mega suffix of a number, and "Mi",
 * "MB" are byte-size suffixes, so none of them scan as durations
 * (https://github.com/VictoriaMetrics/VictoriaMetrics/issues/3664).
 */
export function scanSingleDuration(s: string, i: number, canBeNegative: boolean): number {
  if (i >= s.length) return -1;
  const start = i;
  if (s[i] === "-" && canBeNegative) i++;
  // VictoriaMetrics takes "$__interval" as a part only at the very end of the query,
  // which makes `5m$__interval` one token or two depending on what follows; here it
  // is a part wherever it appears.
  if (s.startsWith(INTERVAL, i)) return i + INTERVAL.length;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  if (i === start || i === s.length) return -1;
  if (s[i] === ".") {
    const dot = i;
    i++;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    if (i === dot + 1 || i === s.length) return -1;
  }
  switch (lower(s.charCodeAt(i))) {
    case 0x6d: {
      // m
      if (i + 1 < s.length) {
        const n = lower(s.charCodeAt(i + 1));
        if (n === 0x73) return i + 2; // ms
        if (n === 0x69 || n === 0x62) return -1; // Mi, MB
      }
      return s[i] === "m" ? i + 1 : -1;
    }
    case 0x73: // s
    case 0x68: // h
    case 0x64: // d
    case 0x77: // w
    case 0x79: // y
    case 0x69: // i
      return i + 1;
    default:
      return -1;
  }
}

/**
 * scanDuration returns the end of the (possibly combined) duration starting at s[i],
 * or -1. The first part must be non-negative; later parts may be negative ("1h-5m").
 */
export function scanDuration(s: string, i: number): number {
  let end = scanSingleDuration(s, i, false);
  if (end < 0) return -1;
  for (;;) {
    const next = scanSingleDuration(s, end, true);
    if (next < 0) return end;
    end = next;
  }
}

/** isPositiveDuration reports whether the whole of s is a duration (or "$__interval"). */
export function isPositiveDuration(s: string): boolean {
  return s === INTERVAL || scanDuration(s, 0) === s.length;
}

function parseSingleDuration(part: string, step: number): number {
  if (part === INTERVAL) return step;
  const s = part.toLowerCase();
  let num = s.slice(0, -1);
  if (num.endsWith("m")) num = num.slice(0, -1);
  let f: number;
  try {
    f = parseGoFloat(num);
  } catch (err) {
    throw new Error(`cannot parse duration ${JSON.stringify(s)}: ${(err as Error).message}`);
  }
  let mult: number;
  switch (s.slice(num.length)) {
    case "ms":
      mult = 1;
      break;
    case "s":
      mult = 1000;
      break;
    case "m":
      mult = 60 * 1000;
      break;
    case "h":
      mult = 60 * 60 * 1000;
      break;
    case "d":
      mult = 24 * 60 * 60 * 1000;
      break;
    case "w":
      mult = 7 * 24 * 60 * 60 * 1000;
      break;
    case "y":
      mult = 365 * 24 * 60 * 60 * 1000;
      break;
    case "i":
      mult = step;
      break;
    default:
      throw new Error(`invalid duration suffix in ${JSON.stringify(s)}`);
  }
  return mult * f;
}

function toInt64(d: number): number {
  // Too big durations are truncated; see https://github.com/VictoriaMetrics/VictoriaMetrics/issues/8447
  if (d >= INT64_MAX) return INT64_MAX;
  if (d <= INT64_MIN) return INT64_MIN;
  return Math.trunc(d) || 0;
}

/**
 * durationValue returns the duration s in milliseconds, given the query step in
 * milliseconds (for the `i` suffix). s may be a bare number of seconds ("1.5"), or
 * combined parts ("2h5m", "-2h5m" meaning -(2h5m), "2h-5m" meaning 1h55m). The result
 * may be negative; it is truncated to an integer and clamped to the int64 range.
 * It throws an Error for anything that is not a duration.
 */
export function durationValue(s: string, step: number): number {
  if (s.length === 0) throw new Error("duration cannot be empty");
  const last = s[s.length - 1];
  if ((last >= "0" && last <= "9") || last === ".") {
    try {
      return toInt64(parseGoFloat(s) * 1000);
    } catch {
      // Fall through to the suffixed form, which reports the error.
    }
  }
  let isMinus = false;
  let d = 0;
  for (let i = 0; i < s.length; ) {
    const end = scanSingleDuration(s, i, true);
    if (end <= i) throw new Error(`cannot parse duration ${JSON.stringify(s.slice(i))}`);
    let part = parseSingleDuration(s.slice(i, end), step);
    if (isMinus && part > 0) part = -part;
    d += part;
    if (part < 0) isMinus = true;
    i = end;
  }
  return toInt64(d);
}

/** positiveDurationValue is durationValue that also throws for a negative duration. */
export function positiveDurationValue(s: string, step: number): number {
  const d = durationValue(s, step);
  if (d < 0) throw new Error(`duration cannot be negative; got ${JSON.stringify(s)}`);
  return d;
}

/**
 * durationMs returns the value of an expanded DurationExpr in milliseconds for the
 * given step (ms), or 0 for null (no duration given).
 */
export function durationMs(de: DurationExpr | null, step: number): number {
  if (de === null) return 0;
  if (de.isTemplateRef) throw new Error(`BUG: duration ${JSON.stringify(de.text)} must be expanded`);
  return durationValue(de.text, step);
}

/** nonNegativeDurationMs is durationMs that throws for a negative duration. */
export function nonNegativeDurationMs(de: DurationExpr | null, step: number): number {
  const d = durationMs(de, step);
  if (d < 0) throw new Error(`unexpected negative duration ${d}ms`);
  return d;
}
