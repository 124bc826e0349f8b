// Merging parts: the background merges, retention filtering, deduplication
// and deletion all rewrite parts through mergeParts. It is a pure function of
// its inputs (part objects in, one new part out), so it can run in a worker.

import { PartWriter } from "./part_writer.ts";
import type { Part, PartSink } from "./part.ts";
import { SeriesMerger, type MergeOptions } from "./series_merger.ts";

/** mergeParts merges parts into one new part written through sink. Returns it and the rows dropped. */
export function mergeParts(parts: readonly Part[], sink: PartSink, opts: MergeOptions): { part: Part; rowsIn: number; rowsOut: number } {
  let rowsIn = 0;
  for (const p of parts) rowsIn += p.header.rowsCount;
  const m = new SeriesMerger(parts, undefined, opts);
  const w = new PartWriter(sink, opts.dedupInterval);
  while (m.next()) w.addSeries(m.tsid, m.ts, m.vals, 0, m.n);
  const part = w.finish();
  return { part, rowsIn, rowsOut: part.header.rowsCount };
}

/**
 * pickPartsToMerge chooses up to maxParts parts of similar size whose merge
 * pays off, as VictoriaMetrics does: sort by size, try every window, skip
 * unbalanced ones (smallest*len < largest), and pick the window with the
 * largest output/largest-input ratio if it is at least minMultiplier.
 * Returns indexes into sizes, or [] when nothing is worth merging.
 */
export function pickPartsToMerge(sizes: readonly number[], maxParts: number, maxOutBytes: number, minMultiplier: number): number[] {
  const idx = sizes.map((_, i) => i).filter((i) => sizes[i]! <= maxOutBytes);
  idx.sort((a, b) => sizes[a]! - sizes[b]!);
  let best: number[] = [];
  let bestM = 0;
  for (let i = 0; i < idx.length; i++) {
    let sum = sizes[idx[i]!]!;
    for (let k = 2; k <= maxParts && i + k <= idx.length; k++) {
      const largest = sizes[idx[i + k - 1]!]!;
      sum += largest;
      if (sum > maxOutBytes) break;
      if (sizes[idx[i]!]! * k < largest) continue;
      const m = sum / Math.max(1, largest);
      if (m > bestM) {
        bestM = m;
        best = idx.slice(i, i + k);
      }
    }
  }
  return bestM >= minMultiplier ? best : [];
}
