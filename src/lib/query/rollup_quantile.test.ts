import { test } from "node:test";
import assert from "node:assert/strict";
import { SortScratch, madSorted, modeSorted, quantileSorted } from "./rollup_quantile.ts";

test("quantileSorted", () => {
  const f = (phi: number, vs: number[], want: number) =>
    assert.equal(quantileSorted(phi, Float64Array.from(vs)), want, `quantileSorted(${phi}, [${vs}])`);
  f(0.5, [], NaN);
  f(NaN, [1], NaN);
  f(-0.1, [1], -Infinity);
  f(1.1, [1], Infinity);
  f(0.5, [7], 7);
  f(0, [1, 2, 4], 1);
  f(1, [1, 2, 4], 4);
  f(0.5, [1, 2, 4], 2);
  f(0.75, [1, 2, 4], 3);
  f(0.25, [1, 2, 3, 4, 5], 2);
});

test("modeSorted", () => {
  const f = (prev: number, vs: number[], want: number) =>
    assert.equal(modeSorted(prev, Float64Array.from(vs)), want, `modeSorted(${prev}, [${vs}])`);
  f(NaN, [], NaN);
  f(3, [], 3);
  f(NaN, [1, 1, 2], 1);
  f(NaN, [1, 2, 2], 2);
  // Ties go to the smaller value.
  f(NaN, [1, 2], 1);
  f(NaN, [1, 1, 2, 2], 1);
  // prev counts as one more sample of its value.
  f(2, [1, 1, 2], 1);
  f(2, [1, 2, 2], 2);
  f(2, [1, 1, 2, 2], 1);
  f(1, [1, 2, 2], 1);
  // prev wins a tie of single samples, even when it is not in the window.
  f(5, [7], 5);
  f(5, [2, 7], 5);
});

test("madSorted", () => {
  const f = (vs: number[], want: number) => assert.equal(madSorted(Float64Array.from(vs)), want, `madSorted([${vs}])`);
  f([], NaN);
  f([3], 0);
  f([1, 2, 3, 4, 100], 1);
  f([1, 3], 1);
});

test("SortScratch.sortedCopy", () => {
  const s = new SortScratch();
  const vs = Float64Array.from([5, NaN, 3, 9, 1]);
  assert.deepEqual([...s.sortedCopy(vs, 0, 5)], [1, 3, 5, 9]);
  assert.deepEqual([...s.sortedCopy(vs, 1, 4)], [3, 9]);
  assert.deepEqual([...vs.subarray(0, 1)], [5], "input untouched");
  const big = Float64Array.from({ length: 100 }, (_, k) => 100 - k);
  assert.deepEqual([...s.sortedCopy(big, 0, 100)], Array.from({ length: 100 }, (_, k) => k + 1));
});
