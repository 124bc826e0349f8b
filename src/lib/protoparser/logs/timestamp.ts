// Log timestamps in every form VictoriaLogs accepts in `_time` fields:
// RFC3339 / ISO8601 (with `T` or a space, optional fraction, optional zone:
// the local zone when missing) and unix timestamps in seconds, milliseconds,
// microseconds or nanoseconds, the unit guessed from the magnitude, as
// integers, decimals or in scientific notation.
import { LogParseError } from "./parse_error.ts";

const NS_PER_SEC = 1_000_000_000n;
const TWO_31 = 2147483648;

/**
 * parseLogTimestamp returns s as nanoseconds since the epoch. "", "0" and "-"
 * (the syslog nil value) mean nowNs. It throws LogParseError when s is none
 * of the accepted forms.
 */
export function parseLogTimestamp(s: string, nowNs: bigint): bigint {
  if (s === "" || s === "0" || s === "-") return nowNs;
  if (s.length <= 4 || s.charCodeAt(4) !== 45 /* - */) {
    const ns = parseUnixTimestamp(s);
    if (ns === undefined) throw new LogParseError(`cannot parse unix timestamp ${JSON.stringify(s)}: want seconds, milliseconds, microseconds or nanoseconds since 1970`);
    return ns;
  }
  const ns = parseRFC3339(s);
  if (ns === undefined) throw new LogParseError(`cannot parse rfc3339 timestamp ${JSON.stringify(s)}: want YYYY-MM-DDTHH:MM:SS[.fraction][Z|+hh:mm]`);
  return ns;
}

const reInt = /^[-+]?\d+$/;
const reDec = /^([-+]?)(\d*)\.(\d*)$/;
const reSci = /^([-+]?)(\d*)(?:\.(\d*))?[eE]([-+]?\d+)$/;

// scaleToNs converts an integer in an unknown unit to nanoseconds by its magnitude,
// as VictoriaMetrics does: |n| < 2^31 is seconds, then ms, then µs, else ns.
function scaleToNs(n: bigint): bigint {
  const a = n < 0n ? -n : n;
  const lim = BigInt(TWO_31);
  if (a < lim || n === -lim) return n * NS_PER_SEC;
  if (a < 1000n * lim || n === -1000n * lim) return n * 1_000_000n;
  if (a < 1_000_000n * lim || n === -1_000_000n * lim) return n * 1000n;
  return n;
}

const MAX_I64 = (1n << 63n) - 1n;

function inRange(n: bigint): boolean {
  return n <= MAX_I64 && n >= -MAX_I64 - 1n;
}

/** parseUnixTimestamp parses an integer, decimal or scientific unix timestamp; undefined when s is not one. */
export function parseUnixTimestamp(s: string): bigint | undefined {
  if (reInt.test(s)) {
    const n = BigInt(s);
    if (!inRange(n)) return undefined;
    return scaleToNs(n);
  }
  let sign = "", ip = "", fp = "", exp = 0;
  let m = reDec.exec(s);
  if (m !== null) {
    sign = m[1]!; ip = m[2]!; fp = m[3]!;
    if (ip === "" && fp === "") return undefined;
  } else {
    m = reSci.exec(s);
    if (m === null) return undefined;
    sign = m[1]!; ip = m[2]!; fp = m[3] ?? "";
    if (ip === "" && fp === "") return undefined;
    exp = Number(m[4]!);
    if (exp < fp.length || exp > 18) return undefined;
  }
  // The digits as an integer with `frac` decimals; a decimal's integer part is
  // padded to a multiple of 3 decimals so that the magnitude rule picks ms/µs/ns.
  let digits = (ip === "" ? "0" : ip) + fp;
  if (exp > 0) {
    digits += "0".repeat(exp - fp.length);
  } else {
    let decimals = fp.length;
    while (decimals % 3 !== 0) { digits += "0"; decimals++; }
  }
  if (digits.length > 25) return undefined;
  const n = BigInt(sign === "-" ? "-" + digits : digits);
  if (!inRange(n)) return undefined;
  return scaleToNs(n);
}

function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian date.
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * parseRFC3339 parses `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±hh:mm]`
 * (fraction up to 9 digits; the local zone when none is given); undefined
 * when s is not in that form. Years must be within 1677..2262 (int64 ns).
 */
export function parseRFC3339(s: string): bigint | undefined {
  const n = s.length;
  if (n < 19) return undefined;
  const y = digits2(s, 0) * 100 + digits2(s, 2);
  if (digits2(s, 0) < 0 || digits2(s, 2) < 0 || y < 1677 || y > 2262) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const sep = s.charCodeAt(10);
  if (sep !== 84 /* T */ && sep !== 32) return undefined;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const mo = digits2(s, 5), d = digits2(s, 8), h = digits2(s, 11), mi = digits2(s, 14), se = digits2(s, 17);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 24 || mi < 0 || mi > 59 || se < 0 || se > 60) return undefined;
  // The zone at the end: "Z", "±hh:mm", or none (local time).
  let end = n;
  let offsetSec: number | undefined;
  const last = s.charCodeAt(n - 1);
  if (last === 90 /* Z */ || last === 122 /* z */) {
    offsetSec = 0;
    end = n - 1;
  } else if (n >= 25 && s.charCodeAt(n - 3) === 58 && (s.charCodeAt(n - 6) === 43 || s.charCodeAt(n - 6) === 45)) {
    const zh = digits2(s, n - 5), zm = digits2(s, n - 2);
    if (zh < 0 || zh > 24 || zm < 0 || zm > 60) return undefined;
    offsetSec = (zh * 3600 + zm * 60) * (s.charCodeAt(n - 6) === 45 ? -1 : 1);
    end = n - 6;
  }
  // The fraction between the seconds and the zone: [.,]digits (at most 9).
  let fracNs = 0;
  if (end > 19) {
    const c = s.charCodeAt(19);
    if (c !== 46 /* . */ && c !== 44 /* , */) return undefined;
    const digits = end - 20;
    if (digits < 1 || digits > 9) return undefined;
    let f = 0;
    for (let i = 20; i < end; i++) {
      const x = s.charCodeAt(i) - 48;
      if (x < 0 || x > 9) return undefined;
      f = f * 10 + x;
    }
    fracNs = f * POW10[9 - digits]!;
  } else if (end < 19) {
    return undefined;
  }
  const localSecs = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  if (offsetSec === undefined) {
    // The local zone's offset at that wall-clock time.
    const guess = new Date(localSecs * 1000);
    offsetSec = -new Date(guess.getTime() + guess.getTimezoneOffset() * 60000).getTimezoneOffset() * 60;
  }
  // Exact: seconds and nanoseconds stay below 2^53 apart; join them as a bigint once.
  return BigInt(localSecs - offsetSec) * NS_PER_SEC + BigInt(fracNs);
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];
