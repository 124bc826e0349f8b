// VictoriaMetrics' log-linear histogram buckets ("vmrange"), as produced by
// histogram_over_time(): 18 buckets per decade from 1e-9 to 1e18, plus one
// bucket below (0...1e-9) and one above (1e18...+Inf). Bucket bounds and the
// bucket a value falls into must match the original to the last bit, so the
// logarithm and the bound labels are computed the way its Go runtime does.

const e10Min = -9;
const e10Max = 18;
const bucketsPerDecimal = 18;
const bucketsCount = (e10Max - e10Min) * bucketsPerDecimal;

/** vmrangeLowerIdx is the bucket index of values below 1e-9 (including 0). */
export const vmrangeLowerIdx = -1;
/** vmrangeUpperIdx is the bucket index of values of 1e18 and above. */
export const vmrangeUpperIdx = bucketsCount;

/**
 * vmrangeBucketIdx returns the bucket of v: vmrangeLowerIdx, 0..485, or
 * vmrangeUpperIdx; -2 for NaN and negative values, which are not counted.
 * A bucket's upper bound is inclusive (exact powers of ten go down a bucket).
 */
export function vmrangeBucketIdx(v: number): number {
  if (v !== v || v < 0) return -2;
  const f = (goLog10(v) - e10Min) * bucketsPerDecimal;
  if (f < 0) return vmrangeLowerIdx;
  if (f >= bucketsCount) return vmrangeUpperIdx;
  let idx = Math.trunc(f);
  if (f === idx && idx > 0) idx--;
  return idx;
}

let bucketLabels: string[] | undefined;

/** vmrangeLabel returns the vmrange label value ("<lower>...<upper>") of a bucket index. */
export function vmrangeLabel(idx: number): string {
  if (idx === vmrangeLowerIdx) return "0..." + formatExp3(1e-9);
  if (idx === vmrangeUpperIdx) return formatExp3(1e18) + "...+Inf";
  if (bucketLabels === undefined) {
    // Bounds are a running product, as in the original, so rounding matches.
    const labels: string[] = [];
    const mul = Math.pow(10, 1 / bucketsPerDecimal);
    let v = 1e-9;
    let lo = formatExp3(v);
    for (let k = 0; k < bucketsCount; k++) {
      v *= mul;
      const hi = formatExp3(v);
      labels.push(lo + "..." + hi);
      lo = hi;
    }
    bucketLabels = labels;
  }
  const label = bucketLabels[idx];
  if (label === undefined) throw new Error(`BUG: vmrange bucket index out of range: ${idx}`);
  return label;
}

/** formatExp3 formats v like Go's "%.3e": "1.000e-09". */
export function formatExp3(v: number): string {
  const s = v.toExponential(3);
  const e = s.indexOf("e");
  const digits = s.slice(e + 2);
  return s.slice(0, e + 2) + (digits.length < 2 ? "0" + digits : digits);
}

// goLog10 is log(x)/ln(10) computed as Go's amd64 runtime does: the classic
// fdlibm reduction x = 2^k * (1+f) with sqrt(2)/2 <= 1+f < sqrt(2) and a
// polynomial in s = f/(2+f), then a multiplication by 1/ln(10). JavaScript's
// Math.log10 differs from it in the last bit for many inputs, and that bit
// decides the bucket of values on a bucket bound.
const lg1 = 6.666666666666735130e-01;
const lg2 = 3.999999999940941908e-01;
const lg3 = 2.857142874366239149e-01;
const lg4 = 2.222219843214978396e-01;
const lg5 = 1.818357216161805012e-01;
const lg6 = 1.531383769920937332e-01;
const lg7 = 1.479819860511658591e-01;
const ln2Hi = 6.93147180369123816490e-01;
const ln2Lo = 1.90821492927058770002e-10;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian machines keep the sign/exponent word second.
const hiWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

function goLog10(x: number): number {
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  // Split x into frac * 2^exp with frac in [0.5, 1).
  let scale = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 2 ** 54;
    scale = -54;
  }
  f64[0] = x;
  const hi = u32[hiWord]!;
  let exp = ((hi >>> 20) & 0x7ff) - 1022 + scale;
  u32[hiWord] = (hi & 0x800fffff) | (1022 << 20);
  let frac = f64[0]!;
  if (frac < Math.SQRT1_2) {
    frac *= 2;
    exp--;
  }
  const f = frac - 1;
  const k = exp;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (lg1 + s4 * (lg3 + s4 * (lg5 + s4 * lg7)));
  const t2 = s4 * (lg2 + s4 * (lg4 + s4 * lg6));
  const r = t1 + t2;
  const hfsq = 0.5 * f * f;
  const ln = k * ln2Hi - ((hfsq - (s * (hfsq + r) + k * ln2Lo)) - f);
  return ln * Math.LOG10E;
}
