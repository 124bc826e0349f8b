// The `vmrange` label value of VictoriaMetrics histogram buckets: "lower...upper" with
// both bounds in Go's strconv.FormatFloat(v, 'e', 3, 64) form, as VictoriaMetrics
// writes them for converted native histograms (lib/prompb).

/**
 * formatGoE3 formats v as Go's strconv.FormatFloat(v, 'e', 3, 64): four significant
 * digits, round half to even on the exact binary value, an exponent of at least two
 * digits with its sign ("1.500e+00", "-6.250e-02"), "+Inf", "-Inf", "NaN"; -0 keeps
 * its sign ("-0.000e+00").
 */
export function formatGoE3(v: number): string {
  if (v !== v) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  let s = a.toExponential(3);
  // JavaScript rounds exact ties up; Go rounds them to even. A tie means the exact
  // value has exactly five significant digits, the fifth being 5.
  const s5 = a.toExponential(4);
  if (s5[5] === "5") {
    const exact = a.toPrecision(100);
    const digits = exact.replace(/^0\.0*|\./g, "").replace(/e.*$/, "");
    if (/^\d{4}50*$/.test(digits.slice(0, 100)) && (Number(s5[4]) & 1) === 0) {
      // Round down to the even fourth digit: truncate the five-digit form.
      s = s5.slice(0, 5) + s5.slice(6);
    }
  }
  const e = s.indexOf("e");
  const mant = s.slice(0, e);
  const expSign = s[e + 1]!;
  let exp = s.slice(e + 2);
  if (exp.length < 2) exp = "0" + exp;
  return (neg ? "-" : "") + mant + "e" + expSign + exp;
}

/** formatVmrange returns the vmrange label value for the bucket (lower, upper]. */
export function formatVmrange(lower: number, upper: number): string {
  return formatGoE3(lower) + "..." + formatGoE3(upper);
}
