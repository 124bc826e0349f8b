import { test } from "node:test";
import assert from "node:assert/strict";
import { deltaValues, derivValues, dropNaNs, removeCounterResets, scrapeIntervalValues } from "./rollup_prepare.ts";

test("dropNaNs", () => {
  const f = (vs: number[], wantTs: number[], wantVs: number[]) => {
    const ts = Float64Array.from(vs, (_, k) => k * 10);
    const v = Float64Array.from(vs);
    const n = dropNaNs(ts, v, vs.length);
    assert.deepEqual([[...ts.subarray(0, n)], [...v.subarray(0, n)]], [wantTs, wantVs], `dropNaNs([${vs}])`);
  };
  f([], [], []);
  f([1, 2], [0, 10], [1, 2]);
  f([NaN, 1, NaN, NaN, 2, NaN], [10, 40], [1, 2]);
  f([NaN], [], []);
});

test("removeCounterResets", () => {
  const f = (vs: number[], want: number[]) => {
    const v = Float64Array.from(vs);
    removeCounterResets(v, v.length);
    assert.deepEqual([...v], want, `removeCounterResets([${vs}])`);
  };
  f([], []);
  f([5], [5]);
  f([1, 2, 3], [1, 2, 3]);
  // A full reset adds the value before it.
  f([10, 20, 5, 15], [10, 20, 25, 35]);
  f([10, 0, 0, 3], [10, 10, 10, 13]);
  // A drop of less than an eighth of the previous value adds only the drop.
  f([100, 90, 95], [100, 100, 105]);
  f([100, 87.5, 95], [100, 187.5, 195]);
  // Negative "counters": a drop below 0 is a full reset.
  f([-1, -2], [-1, -3]);
});

test("deltaValues", () => {
  const f = (vs: number[], want: number[]) => {
    const v = Float64Array.from(vs);
    deltaValues(v, v.length);
    assert.deepEqual([...v], want, `deltaValues([${vs}])`);
  };
  f([], []);
  f([7], [0]);
  f([1, 3, 2, 5], [2, -1, 3, 3]);
});

test("derivValues", () => {
  const f = (ts: number[], vs: number[], want: number[]) => {
    const v = Float64Array.from(vs);
    derivValues(Float64Array.from(ts), v, v.length);
    assert.deepEqual([...v], want, `derivValues([${ts}], [${vs}])`);
  };
  f([], [], []);
  f([1000], [7], [0]);
  f([0, 10000, 20000, 40000], [1, 3, 2, 6], [0.2, -0.1, 0.2, 0.2]);
  // A repeated timestamp repeats the previous rate and is otherwise skipped.
  f([0, 10000, 10000, 20000], [1, 3, 9, 4], [0.2, 0.2, 0.1, 0.1]);
});

test("scrapeIntervalValues", () => {
  const f = (ts: number[], want: number[]) => {
    const v = new Float64Array(ts.length);
    scrapeIntervalValues(Float64Array.from(ts), v, v.length);
    assert.deepEqual([...v], want, `scrapeIntervalValues([${ts}])`);
  };
  f([], []);
  f([5000], [NaN]);
  f([5000, 15000, 45000], [10, 10, 30]);
});
