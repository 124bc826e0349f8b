// Number tokens of the line protocols (InfluxDB, Graphite, OpenTSDB) as
// VictoriaMetrics reads them with fastjson's fastfloat (v1.6.10, the version
// VictoriaMetrics vendors at b7ef6cc3ed35): the accepted grammar and the error
// messages are fastfloat's; the value of an accepted token is the correctly
// rounded double (fastfloat's fast path is sometimes 1 ulp off).
import { goQuote } from "../util/index.ts";

/** NumberError is a token that fastfloat rejects; its message is fastfloat's. */
export class NumberError extends Error {
  override name = "NumberError";
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// Go's strconv.ParseFloat syntax for the tokens that reach it: they start
// with 19 or more digits (after an optional '-'), so only the decimal form
// is possible.
const goFloatRe = /^-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$/;
const goFloatFracRe = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function isInfOrNaN(s: string): number | undefined {
  const l = s.length;
  if (l !== 3 && l !== 8) return undefined;
  const w = s.toLowerCase();
  if (w === "inf" || w === "infinity") return Infinity;
  if (w === "nan") return NaN;
  return undefined;
}

/**
 * scanFloat checks s against fastfloat.Parse's grammar and returns its value,
 * or a string with fastfloat's error message. The grammar: an optional '-';
 * then digits with an optional fraction (`1`, `1.`, `1.5`, `.5`) and an
 * optional exponent (`e5`, `E-5`); or, instead of digits, an optional '+'
 * and `inf`, `infinity` or `nan` in any case. Out-of-range values are ±Inf.
 */
function scanFloat(s: string): number | string {
  const n = s.length;
  if (n === 0) return "cannot parse float64 from empty string";
  let i = 0;
  const minus = s.charCodeAt(0) === 45;
  if (minus) {
    i++;
    if (i >= n) return `cannot parse float64 from ${goQuote(s)}`;
  }
  if (s.charCodeAt(i) === 46 && (i + 1 >= n || !isDigit(s.charCodeAt(i + 1)))) {
    return `missing integer and fractional part in ${goQuote(s)}`;
  }
  const j = i;
  while (i < n && isDigit(s.charCodeAt(i))) {
    i++;
    if (i > 18) {
      // fastfloat falls back to strconv.ParseFloat for long integer parts.
      if (!goFloatRe.test(s)) return `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`;
      return Number(s);
    }
  }
  if (i <= j && s.charCodeAt(i) !== 46) {
    let ss = s.slice(i);
    if (ss.charCodeAt(0) === 43) ss = ss.slice(1);
    const w = isInfOrNaN(ss);
    if (w !== undefined) return minus && w === Infinity ? -Infinity : w;
    return `unparsed tail left after parsing float64 from ${goQuote(s)}: ${goQuote(ss)}`;
  }
  if (i >= n) return Number(s);
  if (s.charCodeAt(i) === 46) {
    i++;
    if (i >= n) return Number(s);
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++;
      if (i - j >= 17) {
        if (!goFloatFracRe.test(s)) return `cannot parse mantissa in ${goQuote(s)}: strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`;
        return Number(s);
      }
    }
    if (i >= n) return Number(s);
  }
  const c = s.charCodeAt(i);
  if (c === 101 || c === 69) {
    i++;
    if (i >= n) return `cannot parse exponent in ${goQuote(s)}`;
    const sc = s.charCodeAt(i);
    if (sc === 43 || sc === 45) {
      i++;
      if (i >= n) return `cannot parse exponent in ${goQuote(s)}`;
    }
    const k = i;
    let exp = 0;
    while (i < n && isDigit(s.charCodeAt(i))) {
      exp = exp * 10 + s.charCodeAt(i) - 48;
      i++;
      if (exp > 300) {
        if (!goFloatFracRe.test(s)) return `cannot parse exponent in ${goQuote(s)}: strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`;
        return Number(s);
      }
    }
    if (i <= k) return `cannot parse exponent in ${goQuote(s)}`;
    // Number() reads "1.e5" and ".5e3" as Go does; the characters are validated above.
    if (i >= n) return Number(s);
  }
  return `cannot parse float64 from ${goQuote(s)}`;
}

/**
 * parseFloat parses a float token as fastfloat.Parse does (see scanFloat's
 * grammar) and throws NumberError with fastfloat's message otherwise.
 */
export function parseFloat(s: string): number {
  const v = scanFloat(s);
  if (typeof v === "string") throw new NumberError(v);
  return v;
}

/** parseFloatBestEffort is parseFloat that returns 0 instead of throwing (fastfloat.ParseBestEffort). */
export function parseFloatBestEffort(s: string): number {
  const v = scanFloat(s);
  return typeof v === "string" ? 0 : v;
}

const maxInt64 = 2n ** 63n - 1n;
const minInt64 = -(2n ** 63n);
const maxUint64 = 2n ** 64n - 1n;

/**
 * parseInt64 parses `-?\d+` as fastfloat.ParseInt64 does; tokens of 19 or
 * more digits must fit int64 (strconv.ParseInt's check). The result is the
 * nearest double. Throws NumberError with fastfloat's message otherwise.
 */
export function parseInt64(s: string): number {
  const n = s.length;
  if (n === 0) throw new NumberError("cannot parse int64 from empty string");
  let i = 0;
  const minus = s.charCodeAt(0) === 45;
  if (minus) {
    i++;
    if (i >= n) throw new NumberError(`cannot parse int64 from ${goQuote(s)}`);
  }
  const j = i;
  let d = 0;
  while (i < n && isDigit(s.charCodeAt(i))) {
    d = d * 10 + s.charCodeAt(i) - 48;
    i++;
    if (i > 18) {
      if (!/^-?\d+$/.test(s)) throw new NumberError(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
      const b = BigInt(s);
      if (b < minInt64 || b > maxInt64) throw new NumberError(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
      return Number(b);
    }
  }
  if (i <= j) throw new NumberError(`cannot parse int64 from ${goQuote(s)}`);
  // "form" is fastfloat's spelling.
  if (i < n) throw new NumberError(`unparsed tail left after parsing int64 form ${goQuote(s)}: ${goQuote(s.slice(i))}`);
  // Up to 18 digits: above 2^53 the running sum may have rounded more than once.
  if (i - j > 15) return Number(s) + 0;
  return minus ? 0 - d : d;
}

/**
 * parseUint64 parses `\d+` as fastfloat.ParseUint64 does (19 or more digits
 * must fit uint64). The result is the nearest double. Throws NumberError with
 * fastfloat's message otherwise.
 */
export function parseUint64(s: string): number {
  const n = s.length;
  if (n === 0) throw new NumberError("cannot parse uint64 from empty string");
  let i = 0;
  let d = 0;
  while (i < n && isDigit(s.charCodeAt(i))) {
    d = d * 10 + s.charCodeAt(i) - 48;
    i++;
    if (i > 18) {
      if (!/^\d+$/.test(s)) throw new NumberError(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
      const b = BigInt(s);
      if (b > maxUint64) throw new NumberError(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
      return Number(b);
    }
  }
  if (i === 0) throw new NumberError(`cannot parse uint64 from ${goQuote(s)}`);
  if (i < n) throw new NumberError(`unparsed tail left after parsing uint64 from ${goQuote(s)}: ${goQuote(s.slice(i))}`);
  if (i > 15) return Number(s);
  return d;
}

// Exact powers of ten: a mantissa below 2^53 divided by one of them is
// correctly rounded, as Number() of the same decimal is.
const pow10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * parsePlainNumber reads the InfluxDB field value s[from, to) when it is
 * plain: `-?\d+(\.\d+)?` with at most 15 digits, or `-?\d+i` / `\d+u` with at
 * most 15 digits. It returns the value that parseFloatBestEffort,
 * parseInt64 or parseUint64 (without the suffix) give for the same token,
 * or NaN when the token is not plain (the caller then takes the general
 * path).
 */
export function parsePlainNumber(s: string, from: number, to: number): number {
  let i = from;
  const minus = i < to && s.charCodeAt(i) === 45;
  if (minus) i++;
  const j = i;
  let m = 0;
  while (i < to) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    i++;
  }
  let digits = i - j;
  if (digits === 0 || digits > 15) return NaN;
  if (i === to) return minus ? -m : m;
  const c = s.charCodeAt(i);
  if (i + 1 === to) {
    if (c === 105) return minus ? 0 - m : m; // 'i'
    if (c === 117 && !minus) return m; // 'u'
    return NaN;
  }
  if (c !== 46) return NaN;
  i++;
  const k = i;
  while (i < to) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    m = m * 10 + d;
    i++;
  }
  const frac = i - k;
  digits += frac;
  if (frac === 0 || digits > 15) return NaN;
  const v = m / pow10[frac]!;
  return minus ? -v : v;
}
