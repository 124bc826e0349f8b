// Sample values as VictoriaMetrics 1.79.5 prints them in exports: quicktemplate's
// `{%f= v %}`, i.e. an integer in int64 range as that integer, anything else as Go's
// strconv.AppendFloat(v, 'f', -1, 64) (shortest round-trip digits, never an exponent).

const TWO53 = 2 ** 53;
const TWO63 = 2 ** 63;

// expandExponent rewrites JS's exponent form ("1.5e-7", "1e+21") without exponent.
function expandExponent(s: string): string {
  const neg = s.charCodeAt(0) === 45;
  const body = neg ? s.slice(1) : s;
  const e = body.indexOf("e");
  const mant = body.slice(0, e);
  const exp = Number(body.slice(e + 1));
  const dot = mant.indexOf(".");
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const point = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (point <= 0) out = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = digits.slice(0, point) + "." + digits.slice(point);
  return neg ? "-" + out : out;
}

/**
 * formatFloat formats a float64 as VictoriaMetrics 1.79.5 writes sample values in
 * exports: integers in [-2^63, 2^63) exactly ("-0" as "0"), other finite values with the
 * shortest digits that read back to the same double and no exponent (1e21 is
 * "1000000000000000000000", 5e-7 is "0.0000005"), NaN as "NaN", and infinities as "+Inf"
 * and "-Inf" (as Go prints them; these are not valid JSON, but VictoriaMetrics reads them).
 */
export function formatFloat(v: number): string {
  if (Number.isInteger(v)) {
    if (v <= TWO53 && v >= -TWO53) return "" + v;
    if (v < TWO63 && v >= -TWO63) return BigInt(v).toString();
  } else if (v !== v) {
    return "NaN";
  } else if (v === Infinity) {
    return "+Inf";
  } else if (v === -Infinity) {
    return "-Inf";
  }
  const s = "" + v;
  return s.indexOf("e") < 0 ? s : expandExponent(s);
}
