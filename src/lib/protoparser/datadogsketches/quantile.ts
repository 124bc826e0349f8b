// Quantiles of a Datadog DDSketch in its sparse form (bin keys k with counts n), as
// Datadog's agent and VictoriaMetrics estimate them: the bins are logarithmic with
// relative accuracy 1/128, key 1 starting at 1e-9.

const eps = 1 / 128;
const gamma = 1 + 2 * eps;
const bias = 1 - Math.floor(Math.log(1e-9) / Math.log1p(2 * eps));
// Keys at +-(2^15-1) and beyond stand for the infinities.
const maxKey = (1 << 15) - 1;

/** keyLowerBound returns the lower bound of the bin with key k. */
export function keyLowerBound(k: number): number {
  if (k <= -maxKey) return -Infinity;
  if (k >= maxKey) return Infinity;
  if (k === 0) return 0;
  if (k < 0) return -keyLowerBound(-k);
  return Math.pow(gamma, k - bias);
}

// roundToEven rounds x to the nearest integer, ties to the even one.
function roundToEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * sketchQuantile estimates quantile q of a sketch with cnt values between min and max in
 * bins keys[i] holding counts[i] values: 0 for an empty sketch (or keys and counts of
 * different lengths), min for q <= 0, max for q >= 1; otherwise it interpolates inside
 * the bin that holds the value of rank round(q*(cnt-1)), the first bin starting at min.
 */
export function sketchQuantile(q: number, cnt: number, min: number, max: number, keys: ArrayLike<number>, counts: ArrayLike<number>): number {
  if (cnt === 0) return 0;
  if (q <= 0) return min;
  if (q >= 1) return max;
  if (keys.length !== counts.length) return 0;
  const rank = roundToEven(q * (cnt - 1));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    seen += n;
    if (seen <= rank) continue;
    const weight = (seen - rank) / n;
    let lo = keyLowerBound(keys[i]!);
    const hi = lo * gamma;
    if (i === 0) lo = min;
    return lo * weight + hi * (1 - weight);
  }
  return max;
}
