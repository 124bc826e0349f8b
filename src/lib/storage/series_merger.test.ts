import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MemorySink } from "./part.ts";
import { writeSortedPart } from "./raw_rows.ts";
import { SeriesMerger } from "./series_merger.ts";

// A part per list of [t, v] samples of one series (tsid 1), sorted by time
// inside the part as the writer keeps them.
function partOf(samples: [number, number][]) {
  const s = [...samples].sort((a, b) => a[0] - b[0]);
  return writeSortedPart(new Float64Array(s.length).fill(1), Float64Array.from(s, (x) => x[0]), Float64Array.from(s, (x) => x[1]), s.length, new MemorySink());
}

function mergeAll(partsSamples: [number, number][][]): string {
  const parts = partsSamples.filter((p) => p.length > 0).map(partOf);
  const m = new SeriesMerger(parts, undefined, { minT: -Infinity, maxT: Infinity, dedupInterval: 0 });
  const out: string[] = [];
  while (m.next()) for (let i = 0; i < m.n; i++) out.push(`${m.ts[i]}:${m.vals[i]}`);
  return out.join(" ");
}

// What a stable sort of the parts' samples, concatenated in part order, gives.
function want(partsSamples: [number, number][][]): string {
  const all = partsSamples.flatMap((p) => [...p].sort((a, b) => a[0] - b[0]));
  return all.map((x, i) => [x, i] as const).sort((a, b) => a[0][0] - b[0][0] || a[1] - b[1]).map(([x]) => `${x[0]}:${x[1]}`).join(" ");
}

test("SeriesMerger merges interleaved parts of a series in time order", () => {
  const f = (partsSamples: [number, number][][], expected: string) =>
    assert.equal(mergeAll(partsSamples), expected, `parts ${JSON.stringify(partsSamples)}`);
  f([[[10, 1], [30, 3]], [[20, 2], [40, 4]]], "10:1 20:2 30:3 40:4");
  f([[[30, 3]], [[10, 1]], [[20, 2]]], "10:1 20:2 30:3");
  f([[[10, 1], [20, 2]], [[30, 3]]], "10:1 20:2 30:3");
  // Equal timestamps keep part order.
  f([[[10, 1], [20, 2]], [[10, 5], [20, 6]]], "10:1 10:5 20:2 20:6");
});

test("SeriesMerger equals a stable sort of the parts' samples", () => {
  const sample = fc.tuple(fc.integer({ min: 0, max: 50 }).map((t) => t * 1000), fc.integer({ min: -5, max: 5 }));
  fc.assert(
    fc.property(fc.array(fc.array(sample, { maxLength: 12 }), { minLength: 1, maxLength: 7 }), (ps) => {
      // Within a part, a timestamp appears once (the writer keeps what it is given; make it unambiguous).
      const parts = ps.map((p) => [...new Map(p).entries()]);
      assert.equal(mergeAll(parts), want(parts));
    }),
    { numRuns: 300 },
  );
});
