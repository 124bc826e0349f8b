import { test } from "node:test";
import assert from "node:assert/strict";
import { AGGR_FUNCS, ROLLUP_FUNCS, TRANSFORM_FUNCS } from "../metricsql/index.ts";
import { aggrFuncNames, rollupFuncNames, transformFuncNames } from "./index.ts";

test("every function the parser knows is implemented by the evaluator", () => {
  const rollups = new Set(rollupFuncNames);
  const transforms = new Set(transformFuncNames);
  const aggrs = new Set(aggrFuncNames);
  // "" is the `(a, b)` union.
  const missing = [
    ...[...TRANSFORM_FUNCS.keys()].filter((n) => n !== "" && !transforms.has(n) && !rollups.has(n)).map((n) => `transform ${n}`),
    ...[...AGGR_FUNCS.keys()].filter((n) => !aggrs.has(n)).map((n) => `aggregate ${n}`),
    ...[...ROLLUP_FUNCS.keys()].filter((n) => !rollups.has(n)).map((n) => `rollup ${n}`),
  ];
  assert.deepEqual(missing, []);
});
