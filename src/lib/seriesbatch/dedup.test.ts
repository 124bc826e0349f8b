import { test } from "node:test";
import assert from "node:assert/strict";
import { deduplicateSamples, needsDedup } from "./dedup.ts";

test("deduplicateSamples keeps the last sample per interval, the max value on ties", () => {
  const f = (ts: number[], vs: number[], d: number, wantTs: number[], wantVs: number[]) => {
    const t = Float64Array.from(ts), v = Float64Array.from(vs);
    const n = deduplicateSamples(t, v, t.length, d);
    assert.deepEqual([...t.subarray(0, n)], wantTs, `ts=${ts} d=${d}`);
    assert.deepEqual([...v.subarray(0, n)], wantVs, `vs=${vs} d=${d}`);
  };
  f([1, 2, 3], [1, 2, 3], 0, [1, 2, 3], [1, 2, 3]);
  // Intervals are (k*d, (k+1)*d]: 10 and 20 fall into different ones.
  f([10, 11, 20, 21, 29, 30], [1, 2, 3, 4, 5, 6], 10, [10, 20, 30], [1, 3, 6]);
  f([5, 5, 5], [1, 7, 3], 10, [5], [7]);
  f([1000, 16000, 31000], [1, 2, 3], 15000, [1000, 16000, 31000], [1, 2, 3]);
  f([1000, 2000, 14000, 15000, 15001], [1, 2, 3, 4, 5], 15000, [15000, 15001], [4, 5]);
  assert.equal(needsDedup(Float64Array.of(1, 2), 2, 10), true);
  assert.equal(needsDedup(Float64Array.of(10, 20), 2, 10), false);
});
