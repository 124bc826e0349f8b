// Number tokens as VictoriaMetrics 1.79.5 reads them from a JSON line: the grammar and
// the error messages of fastjson's fastfloat.Parse / fastfloat.ParseInt64 (with Go's
// strconv as their fallback for long tokens). The value of an accepted token is the
// correctly rounded double (as Go's strconv.ParseFloat gives), so that every value
// VictoriaMetrics exports reads back bit for bit.
import { goQuote } from "../util/index.ts";

/** TokenError is a number token that VictoriaMetrics rejects; message is VM's reason. */
export class TokenError extends Error {
  override name = "TokenError";
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// Go's strconv.ParseFloat grammar for the tokens that can reach it here (decimal only:
// the characters of a JSON number token exclude '_', 'x', 'p' and letters other than e/E).
const goFloatRe = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function goParseFloat(s: string): number {
  if (!goFloatRe.test(s)) throw new TokenError(`strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`);
  // Out-of-range values come back as ±Inf, which fastfloat accepts.
  return Number(s);
}

function isInfOrNaNWord(ss: string): number | undefined {
  const l = ss.length;
  if (l !== 3 && l !== 8) return undefined;
  const w = ss.toLowerCase();
  if (w === "inf" || w === "infinity") return Infinity;
  if (w === "nan") return NaN;
  return undefined;
}

/**
 * parseFloatToken parses a value token as fastfloat.Parse does in VictoriaMetrics 1.79.5:
 * `-?\d+(\.\d*)?([eE][+-]?\d+)?` (a '.' must be followed by something), `[-]?[+]?` then
 * inf / infinity / nan in any case, and strconv.ParseFloat syntax for tokens whose digits
 * run too long for the fast path. It throws TokenError with VM's message otherwise.
 */
export function parseFloatToken(s: string): number {
  const n = s.length;
  if (n === 0) throw new TokenError("cannot parse float64 from empty string");
  let i = 0;
  const minus = s.charCodeAt(0) === 45;
  if (minus) {
    i++;
    if (i >= n) throw new TokenError(`cannot parse float64 from ${goQuote(s)}`);
  }
  const j = i;
  while (i < n && isDigit(s.charCodeAt(i))) {
    i++;
    if (i > 18) {
      // The integer part may not fit uint64: fastfloat falls back to strconv.
      return goParseFloat(s);
    }
  }
  if (i <= j) {
    let ss = s.slice(i);
    if (ss.charCodeAt(0) === 43) ss = ss.slice(1);
    const w = isInfOrNaNWord(ss);
    if (w !== undefined) return minus && w === Infinity ? -Infinity : w;
    throw new TokenError(`unparsed tail left after parsing float64 from ${goQuote(s)}: ${goQuote(ss)}`);
  }
  if (i >= n) return Number(s);
  if (s.charCodeAt(i) === 46) {
    i++;
    if (i >= n) throw new TokenError(`cannot parse fractional part in ${goQuote(s)}`);
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++;
      if (i - j >= 17) {
        // The mantissa does not fit the fast path: fastfloat falls back to strconv.
        try {
          return goParseFloat(s);
        } catch (e) {
          throw new TokenError(`cannot parse mantissa in ${goQuote(s)}: ${(e as Error).message}`);
        }
      }
    }
    if (i >= n) return Number(s);
  }
  const c = s.charCodeAt(i);
  if (c === 101 || c === 69) {
    i++;
    if (i >= n) throw new TokenError(`cannot parse exponent in ${goQuote(s)}`);
    const sc = s.charCodeAt(i);
    if (sc === 43 || sc === 45) {
      i++;
      if (i >= n) throw new TokenError(`cannot parse exponent in ${goQuote(s)}`);
    }
    let exp = 0;
    const k = i;
    while (i < n && isDigit(s.charCodeAt(i))) {
      exp = exp * 10 + s.charCodeAt(i) - 48;
      i++;
      if (exp > 300) {
        try {
          return goParseFloat(s);
        } catch (e) {
          throw new TokenError(`cannot parse exponent in ${goQuote(s)}: ${(e as Error).message}`);
        }
      }
    }
    if (i <= k) throw new TokenError(`cannot parse exponent in ${goQuote(s)}`);
    if (i >= n) {
      // Number() reads "1.e5" as Go does; digits are all validated above.
      return Number(s);
    }
  }
  throw new TokenError(`cannot parse float64 from ${goQuote(s)}`);
}

const goIntRe = /^[+-]?\d+$/;
const minInt64 = -(2n ** 63n);
const maxInt64 = 2n ** 63n - 1n;

/**
 * parseInt64Token parses a timestamp token as fastfloat.ParseInt64 does in
 * VictoriaMetrics 1.79.5: `-?\d+` only (no fraction, no exponent), with strconv.ParseInt
 * for tokens of 19 characters or more (which must fit int64). The result is the nearest
 * double (exact below 2^53). It throws TokenError with VM's message otherwise.
 */
export function parseInt64Token(s: string): number {
  const n = s.length;
  if (n === 0) throw new TokenError("cannot parse int64 from empty string");
  let i = 0;
  const minus = s.charCodeAt(0) === 45;
  if (minus) {
    i++;
    if (i >= n) throw new TokenError(`cannot parse int64 from ${goQuote(s)}`);
  }
  let d = 0;
  const j = i;
  while (i < n && isDigit(s.charCodeAt(i))) {
    d = d * 10 + s.charCodeAt(i) - 48;
    i++;
    if (i > 18) {
      if (!goIntRe.test(s)) throw new TokenError(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
      const b = BigInt(s);
      if (b < minInt64 || b > maxInt64) throw new TokenError(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
      return Number(b);
    }
  }
  if (i <= j) throw new TokenError(`cannot parse int64 from ${goQuote(s)}`);
  if (i < n) {
    // "form" is VictoriaMetrics' (fastjson's) spelling.
    throw new TokenError(`unparsed tail left after parsing int64 form ${goQuote(s)}: ${goQuote(s.slice(i))}`);
  }
  // Up to 18 digits; above 2^53 the running sum may have rounded, so let Number() round once.
  if (i - j > 15) return Number(s) + 0;
  return minus ? 0 - d : d;
}
