// Deduplication as VictoriaMetrics does it (-dedup.minScrapeInterval): time is
// cut into intervals (k*D, (k+1)*D]; in each, only the sample with the largest
// timestamp is kept; among equal timestamps the largest value wins, and a real
// value beats a staleness marker.

import { isStaleNaN } from "../encoding/index.ts";

/**
 * deduplicateSamples dedups ts/vals[0:n] (sorted by time) in place with
 * interval d (ms) and returns the new length. d <= 0 returns n unchanged.
 */
export function deduplicateSamples(ts: Float64Array, vals: Float64Array, n: number, d: number): number {
  if (d <= 0 || n < 2) return n;
  let out = 0;
  let i = 0;
  while (i < n) {
    // The bucket of ts[i] ends at ceil(ts/d)*d.
    const bucketEnd = Math.ceil(ts[i]! / d) * d;
    let best = i;
    let j = i + 1;
    while (j < n && ts[j]! <= bucketEnd) {
      if (ts[j]! > ts[best]! || (ts[j] === ts[best] && better(vals[j]!, vals[best]!))) best = j;
      j++;
    }
    ts[out] = ts[best]!;
    vals[out] = vals[best]!;
    out++;
    i = j;
  }
  return out;
}

function better(a: number, b: number): boolean {
  if (isStaleNaN(b) && !isStaleNaN(a)) return true;
  if (isStaleNaN(a)) return false;
  if (Number.isNaN(b)) return !Number.isNaN(a);
  return a > b;
}

/** needsDedup reports whether ts[0:n] has two samples in one interval of d. */
export function needsDedup(ts: Float64Array, n: number, d: number): boolean {
  if (d <= 0 || n < 2) return false;
  let prevEnd = Math.ceil(ts[0]! / d) * d;
  for (let i = 1; i < n; i++) {
    if (ts[i]! <= prevEnd) return true;
    prevEnd = Math.ceil(ts[i]! / d) * d;
  }
  return false;
}
