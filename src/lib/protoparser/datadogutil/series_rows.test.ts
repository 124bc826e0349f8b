import { test } from "node:test";
import assert from "node:assert/strict";
import { SeriesRows } from "./series_rows.ts";

test("SeriesRows grows, skips empty series, discards and resets", () => {
  const r = new SeriesRows();
  const f = (series: number[][], want: { lines: number; offsets: number[]; values: number[] }) => {
    r.reset();
    series.forEach((vs, i) => {
      for (const v of vs) r.addSample(v * 10, v);
      r.endSeries([["__name__", `s${i}`]]);
    });
    assert.equal(r.lines, want.lines, JSON.stringify(series));
    assert.deepEqual([...r.offsets.subarray(0, r.lines + 1)], want.offsets, JSON.stringify(series));
    assert.deepEqual([...r.values.subarray(0, r.samples)], want.values, JSON.stringify(series));
    assert.deepEqual([...r.timestamps.subarray(0, r.samples)], want.values.map((v) => v * 10), JSON.stringify(series));
    assert.equal(r.labels.length, r.lines);
  };
  f([], { lines: 0, offsets: [0], values: [] });
  f([[1, 2], [], [3]], { lines: 2, offsets: [0, 2, 3], values: [1, 2, 3] });
  // Beyond the initial capacities (1024 samples, 256 series).
  const many = Array.from({ length: 600 }, (_, i) => [i, i + 0.5]);
  f(many, { lines: 600, offsets: Array.from({ length: 601 }, (_, i) => i * 2), values: many.flat() });
  r.reset();
  r.addSample(1, 1);
  r.endSeries([["a", "b"]]);
  r.addSample(2, 2);
  r.discardSeries();
  r.addSample(3, 3);
  r.endSeries([["c", "d"]]);
  assert.deepEqual([...r.values.subarray(0, r.samples)], [1, 3]);
  assert.deepEqual(r.labels, [[["a", "b"]], [["c", "d"]]]);
});
