// InfluxDB timestamps: the `precision` query arg, the guessing of the unit
// when it is absent, and the conversion to milliseconds, as VictoriaMetrics'
// lib/protoparser/influx/stream does it. Nanosecond timestamps exceed 2^53,
// so tokens are split into exact parts instead of going through one double.
import { parseInt64 } from "./fastfloat.ts";

/**
 * Precision is how a line's timestamp is read: a positive number divides it
 * (ns: 1e6, us: 1e3, ms: 1), a negative one multiplies it by its absolute
 * value (s: -1e3, m: -6e4, h: -3.6e6), and 0 guesses the unit from the
 * number of digits.
 */
export type Precision = number;

/**
 * precisionFromArg maps the `precision` query arg to a Precision, as
 * VictoriaMetrics does: "ns", "u"/"us"/"µ", "ms", "s", "m", "h"; any other
 * value (including "") means "guess".
 */
export function precisionFromArg(p: string): Precision {
  switch (p) {
    case "ns": return 1e6;
    case "u": case "us": case "µ": return 1e3;
    case "ms": return 1;
    case "s": return -1e3;
    case "m": return -6e4;
    case "h": return -3.6e6;
    default: return 0;
  }
}

/**
 * timestampToMs converts a line's timestamp token (or "" when the line has
 * none) to milliseconds, exactly as VictoriaMetrics' int64 arithmetic does
 * (division truncates toward zero). A missing or zero timestamp becomes nowMs
 * (rounded down to the unit for s, m and h). With precision 0 the unit is
 * guessed: >= 1e17 ns, >= 1e14 us, >= 1e11 ms, otherwise seconds. trimMs > 1
 * rounds the result toward zero to a multiple of trimMs
 * (-influxTrimTimestamp). Throws NumberError with fastfloat's message when the
 * token is not an int64.
 */
export function timestampToMs(tok: string, precision: Precision, nowMs: number, trimMs: number): number {
  let ts: number;
  if (tok === "") {
    ts = precision < 0 ? nowMs - (nowMs % -precision) : nowMs;
  } else {
    ts = convert(tok, precision, nowMs);
  }
  if (trimMs > 1) ts -= ts % trimMs;
  return ts + 0;
}

function convert(tok: string, precision: Precision, nowMs: number): number {
  const digits = tok.charCodeAt(0) === 45 ? tok.length - 1 : tok.length;
  if (digits <= 15) {
    // Exact as a double.
    const v = parseInt64(tok);
    return scaleExact(v, precision, nowMs);
  }
  // Validate with fastfloat's rules, then split into v = sign*(hi*1e6 + lo).
  parseInt64(tok);
  const neg = tok.charCodeAt(0) === 45;
  const body = neg ? tok.slice(1) : tok;
  const hi = Number(body.slice(0, body.length - 6));
  const lo = Number(body.slice(body.length - 6));
  if (hi === 0 && lo === 0) return precision < 0 ? nowMs - (nowMs % -precision) : nowMs;
  const sign = neg ? -1 : 1;
  switch (precision) {
    case 0:
      if (!neg && hi >= 1e11) return hi; // ns
      if (!neg && hi >= 1e8) return hi * 1e3 + Math.floor(lo / 1e3); // us
      // ms or s (positive values here have leading zeros and are below 1e14, so exact).
      if (neg) return Number(tok) * 1e3;
      return hi * 1e6 + lo >= 1e11 ? hi * 1e6 + lo : (hi * 1e6 + lo) * 1e3;
    case 1e6:
      return sign * hi;
    case 1e3:
      return sign * (hi * 1e3 + Math.floor(lo / 1e3));
    default:
      // Far outside any retention: the nearest double is as good as VictoriaMetrics' (overflowing) int64.
      return precision > 0 ? Number(tok) : Number(tok) * -precision;
  }
}

function scaleExact(v: number, precision: Precision, nowMs: number): number {
  if (v === 0) return precision < 0 ? nowMs - (nowMs % -precision) : nowMs;
  if (precision === 0) {
    if (v >= 1e17) return Math.trunc(v / 1e6);
    if (v >= 1e14) return Math.trunc(v / 1e3);
    if (v >= 1e11) return v;
    return v * 1e3;
  }
  if (precision > 0) return Math.trunc(v / precision);
  return v * -precision;
}

/**
 * timestampDigitsToMs is timestampToMs for the token s[from, to) when it is
 * 1 to 19 plain digits below 9e18 (no sign), without making a string of it:
 * it returns the same milliseconds, or NaN when the token is not of that
 * form or needs a precision it does not handle (the caller then slices the
 * token and calls timestampToMs).
 */
export function timestampDigitsToMs(s: string, from: number, to: number, precision: Precision, nowMs: number, trimMs: number): number {
  const n = to - from;
  if (n <= 0 || n > 19) return NaN;
  if (n === 19 && s.charCodeAt(from) >= 57) return NaN; // int64 range is checked by the slow path
  // hi: all digits but the last 6; lo: the last 6 (v = hi * 1e6 + lo, both exact).
  const split = n > 6 ? to - 6 : from;
  let hi = 0;
  for (let i = from; i < split; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    hi = hi * 10 + d;
  }
  let lo = 0;
  for (let i = split; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    lo = lo * 10 + d;
  }
  let ts: number;
  if (n <= 15) {
    ts = scaleExact(hi * 1e6 + lo, precision, nowMs);
  } else if (hi === 0 && lo === 0) {
    ts = precision < 0 ? nowMs - (nowMs % -precision) : nowMs;
  } else if (precision === 0) {
    if (hi >= 1e11) ts = hi;
    else if (hi >= 1e8) ts = hi * 1e3 + Math.floor(lo / 1e3);
    else ts = hi * 1e6 + lo >= 1e11 ? hi * 1e6 + lo : (hi * 1e6 + lo) * 1e3;
  } else if (precision === 1e6) {
    ts = hi;
  } else if (precision === 1e3) {
    ts = hi * 1e3 + Math.floor(lo / 1e3);
  } else {
    return NaN;
  }
  if (trimMs > 1) ts -= ts % trimMs;
  return ts + 0;
}
