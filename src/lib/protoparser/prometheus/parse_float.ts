// Number tokens of the Prometheus text format as VictoriaMetrics reads them: the grammar
// and the error messages of fastjson's fastfloat.Parse (the version VictoriaMetrics
// vendors today), with correctly rounded values.
import { goQuote } from "../util/index.ts";

/** FloatTokenError is a token VictoriaMetrics rejects; the message is its reason. */
export class FloatTokenError extends Error {
  override name = "FloatTokenError";
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const infNaN = /^\+?(?:inf|infinity|nan)$/i;

/**
 * parseFloatToken parses s as fastfloat.Parse does: an optional '-', then decimal
 * digits with an optional fraction (`1`, `1.`, `.5`, `1.5`) and exponent (`1e5`,
 * `1.E-3`), or `inf`, `infinity`, `nan` in any case with an optional '+' after the
 * optional '-'. A '+' before digits, hex, underscores and spaces are errors. Values too
 * large become ±Inf. It throws FloatTokenError with VictoriaMetrics' message otherwise.
 * Departure: "-1." is -1 (fastfloat drops the sign there).
 */
export function parseFloatToken(s: string): number {
  const n = s.length;
  if (n === 0) throw new FloatTokenError("cannot parse float64 from empty string");
  let i = 0;
  const minus = s.charCodeAt(0) === 45;
  if (minus) {
    i++;
    if (i >= n) throw new FloatTokenError(`cannot parse float64 from ${goQuote(s)}`);
  }
  if (s.charCodeAt(i) === 46 && (i + 1 >= n || !isDigit(s.charCodeAt(i + 1)))) {
    throw new FloatTokenError(`missing integer and fractional part in ${goQuote(s)}`);
  }
  const j = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === j && s.charCodeAt(i) !== 46) {
    const tail = s.slice(i);
    if (infNaN.test(tail)) {
      const w = tail.charCodeAt(tail.length - 1) | 0x20;
      if (w === 110) return NaN; // "nan"
      return minus ? -Infinity : Infinity;
    }
    if (i - (minus ? 1 : 0) > 18) throw new FloatTokenError(`strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`);
    throw new FloatTokenError(`unparsed tail left after parsing float64 from ${goQuote(s)}: ${goQuote(tail.startsWith("+") ? tail.slice(1) : tail)}`);
  }
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
  }
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 101 && c !== 69) throw new FloatTokenError(`cannot parse float64 from ${goQuote(s)}`);
    i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    const k = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === k) throw new FloatTokenError(`cannot parse exponent in ${goQuote(s)}`);
    if (i < n) throw new FloatTokenError(`cannot parse float64 from ${goQuote(s)}`);
  }
  // The token is a decimal literal that Number() reads exactly as Go's strconv would.
  return Number(s);
}
