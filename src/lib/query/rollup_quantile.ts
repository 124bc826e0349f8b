// Order statistics over a window of samples: quantiles (Prometheus' linear
// interpolation between closest ranks, as VictoriaMetrics uses), the mode and
// the median absolute deviation. Work happens in a reusable scratch buffer, so
// the window's samples are never reordered.

/** SortScratch is a growable Float64Array used to sort copies of windows. */
export class SortScratch {
  buf: Float64Array = new Float64Array(16);

  /** sortedCopy copies values[i..j) without NaNs, sorts it ascending and returns the sorted view. */
  sortedCopy(values: Float64Array, i: number, j: number): Float64Array {
    if (this.buf.length < j - i) this.buf = new Float64Array(Math.max(j - i, this.buf.length * 2));
    const buf = this.buf;
    let n = 0;
    for (let k = i; k < j; k++) {
      const v = values[k]!;
      if (v === v) buf[n++] = v;
    }
    return buf.subarray(0, n).sort();
  }
}

/**
 * quantileSorted returns the phi-quantile of ascending NaN-free values: NaN for
 * no values or NaN phi, -Inf for phi < 0, +Inf for phi > 1, else linear
 * interpolation at rank phi*(n-1).
 */
export function quantileSorted(phi: number, sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0 || phi !== phi) return NaN;
  if (phi < 0) return -Infinity;
  if (phi > 1) return Infinity;
  const rank = phi * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

/**
 * modeSorted returns the most frequent value of ascending NaN-free values,
 * where a run equal to prev (the sample before the window) counts one extra
 * sample; ties go to the smaller value. With no values it returns prev.
 */
export function modeSorted(prev: number, sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return prev;
  // runStart is the index where the current run of equal values began; -1
  // means the run began with prev, which therefore counts as a sample.
  let runStart = -1;
  let bestLen = 0;
  let best = prev;
  let cur = prev;
  for (let k = 0; k < n; k++) {
    const v = sorted[k]!;
    if (cur === v) continue;
    const len = k - runStart;
    if (len > bestLen || best !== best) {
      bestLen = len;
      best = cur;
    }
    runStart = k;
    cur = v;
  }
  if (n - runStart > bestLen || best !== best) best = cur;
  return best;
}

/**
 * madSorted returns the median absolute deviation of ascending NaN-free
 * values (median of |v - median|); NaN for no values. It overwrites sorted.
 */
export function madSorted(sorted: Float64Array): number {
  const median = quantileSorted(0.5, sorted);
  for (let k = 0; k < sorted.length; k++) sorted[k] = Math.abs(sorted[k]! - median);
  sorted.sort();
  return quantileSorted(0.5, sorted);
}
