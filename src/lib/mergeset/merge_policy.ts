// Which parts to merge next: size-tiered, as in VictoriaMetrics. Among the
// parts sorted by size, try every contiguous window of 2..maxParts parts
// whose output fits maxOutBytes and whose parts are balanced (the largest is
// at most len times the smallest), and pick the one with the highest
// multiplier m = outputSize / largestInputSize. Merge only when m >=
// minMultiplier: each item is then rewritten about log_m(total/flushSize)
// times, and about m parts of similar size wait per tier, so the number of
// parts stays logarithmic in the table size.

/** defaultMaxPartsToMerge is the widest merge. */
export const defaultMaxPartsToMerge = 15;
/** defaultMinMergeMultiplier: merge when the output is at least this many times the largest input. */
export const defaultMinMergeMultiplier = 7.5;

/**
 * choosePartsToMerge returns the indexes (into sizes) of the parts to merge,
 * or [] when no merge is worth it. sizes are part sizes in bytes.
 */
export function choosePartsToMerge(sizes: readonly number[], maxParts: number, maxOutBytes: number, minMultiplier: number): number[] {
  if (maxParts < 2) throw new Error(`BUG: maxParts must be at least 2; got ${maxParts}`);
  const idx: number[] = [];
  for (let i = 0; i < sizes.length; i++) {
    // A part that cannot be multiplied by minMultiplier within maxOutBytes
    // never takes part in a worthwhile merge.
    if (sizes[i]! * minMultiplier <= maxOutBytes) idx.push(i);
  }
  if (idx.length < 2) return [];
  idx.sort((a, b) => sizes[a]! - sizes[b]! || a - b);
  const n = idx.length;
  const maxLen = Math.min(maxParts, n);
  let bestM = 0;
  let bestOut = Infinity;
  let bestStart = -1;
  let bestLen = 0;
  for (let len = 2; len <= maxLen; len++) {
    for (let s = 0; s + len <= n; s++) {
      const smallest = sizes[idx[s]!]!;
      const largest = sizes[idx[s + len - 1]!]!;
      if (smallest * len < largest) continue;
      let out = 0;
      for (let k = s; k < s + len; k++) out += sizes[idx[k]!]!;
      // Windows further right are bigger still.
      if (out > maxOutBytes) break;
      const m = largest === 0 ? len : out / largest;
      if (m > bestM || (m === bestM && out < bestOut)) {
        bestM = m;
        bestOut = out;
        bestStart = s;
        bestLen = len;
      }
    }
  }
  if (bestStart < 0 || bestM < minMultiplier) return [];
  return idx.slice(bestStart, bestStart + bestLen).sort((a, b) => a - b);
}
