import { test } from "node:test";
import assert from "node:assert/strict";
import { MemorySink } from "./part.ts";
import { PartWriter } from "./part_writer.ts";
import { SeriesMerger } from "./series_merger.ts";

test("PartWriter stores the timestamps of consecutive blocks once when they are equal, and reads back every sample", () => {
  // series: timestamps of each series (TSIDs 1, 2, ...); expected: which blocks share the previous block's timestamps
  const f = (series: number[][], sharesPrev: boolean[]) => {
    const w = new PartWriter(new MemorySink(), 0);
    series.forEach((t, i) => w.addSeries(i + 1, Float64Array.from(t), Float64Array.from(t, (x) => x * 10 + i), 0, t.length));
    const part = w.finish();
    const ib = part.indexBlock(0);
    const got = Array.from({ length: ib.n }, (_, i) => i > 0 && ib.tsOffset[i] === ib.tsOffset[i - 1]);
    assert.deepEqual(got, sharesPrev, `series ${JSON.stringify(series)}`);
    const m = new SeriesMerger([part], undefined, { minT: -Infinity, maxT: Infinity, dedupInterval: 0 });
    const back: number[][] = [];
    while (m.next()) back.push(Array.from(m.ts.subarray(0, m.n)));
    assert.deepEqual(back, series);
  };
  f([[1000, 2000]], [false]);
  f([[1000, 2000], [1000, 2000], [1000, 3000], [1000, 3000], [1000, 2000]], [false, true, false, true, false]);
  f([[5, 6], [5, 6], [6, 7], [5, 6]], [false, true, false, false]);
});
