// Number formatting of the OpenTelemetry mapping, matching VictoriaMetrics' output
// (Go's strconv.FormatFloat) so that label values are the same in both.

/**
 * formatFloatF formats v as Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest
 * decimal that reads back as v, never in exponent form; "+Inf", "-Inf", "NaN".
 */
export function formatFloatF(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Object.is(v, -0)) return "-0";
  const s = String(v);
  const e = s.indexOf("e");
  if (e < 0) return s;
  // Expand d.ddde±x into plain digits.
  let mant = s.slice(0, e);
  const exp = Number(s.slice(e + 1));
  let sign = "";
  if (mant[0] === "-") {
    sign = "-";
    mant = mant.slice(1);
  }
  const dot = mant.indexOf(".");
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const intLen = (dot < 0 ? mant.length : dot) + exp;
  if (intLen <= 0) return `${sign}0.${"0".repeat(-intLen)}${digits}`;
  if (intLen >= digits.length) return sign + digits + "0".repeat(intLen - digits.length);
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** formatFloatE3 formats v as Go's strconv.FormatFloat(v, 'e', 3, 64), e.g. "1.000e+00". */
export function formatFloatE3(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  const s = v.toExponential(3);
  const e = s.indexOf("e");
  const expSign = s[e + 1]!;
  const expDigits = s.slice(e + 2);
  const sign = Object.is(v, -0) ? "-" : "";
  return `${sign}${s.slice(0, e)}e${expSign}${expDigits.length < 2 ? "0" + expDigits : expDigits}`;
}

/** formatVmrange returns the vmrange label value "start...end" of a histogram bucket. */
export function formatVmrange(start: number, end: number): string {
  return `${formatFloatE3(start)}...${formatFloatE3(end)}`;
}
