// Label values that VictoriaMetrics derives from numbers (the phi label of
// quantiles_over_time(), the value label of count_values_over_time()) are
// written with Go's shortest "%g" formatting; this reproduces it.

/**
 * formatG formats v like Go's fmt "%g" / strconv.FormatFloat(v, 'g', -1, 64):
 * the shortest digits that round-trip, in exponent form ("1e+06", "2.5e-07")
 * when the decimal exponent is < -4 or >= 6, else plain ("0.0001", "123456");
 * "NaN", "+Inf", "-Inf" and "-0" for the special values.
 */
export function formatG(v: number): string {
  if (v !== v) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const sign = v < 0 ? "-" : "";
  // toExponential() without an argument gives the shortest round-trip digits.
  const s = Math.abs(v).toExponential();
  const e = s.indexOf("e");
  const digits = s.slice(0, e).replace(".", "");
  const exp = Number(s.slice(e + 1));
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    const absExp = Math.abs(exp);
    return sign + mant + "e" + (exp < 0 ? "-" : "+") + (absExp < 10 ? "0" : "") + absExp;
  }
  if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length);
  return sign + digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
}
