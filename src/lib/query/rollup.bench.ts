// Micro-benchmark of evalRollup (run by hand, not part of npm test):
//   node_modules/.bin/node src/lib/query/rollup.bench.ts
// One series of a day of 15s samples (5760, with jitter) is rolled up over
// the day at a 1-minute step (1440 points) with a 5-minute window, the shape
// of a dashboard panel. It reports time per call, per input sample and per
// output point, for a few typical functions.

import { evalRollup, getRollupFunc } from "./rollup.ts";
import type { RollupArg } from "./rollup.ts";

const n = 5760;
const t0 = 1_700_000_000_000;
const ts = new Float64Array(n);
const vs = new Float64Array(n);
let s = 42;
const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
let counter = 0;
for (let k = 0; k < n; k++) {
  ts[k] = t0 + k * 15_000 + Math.floor(rand() * 200);
  counter += Math.floor(rand() * 100);
  vs[k] = k % 1000 === 999 ? (counter = 0) : counter;
}
const cfg = { start: t0 + 300_000, end: t0 + 86_400_000, step: 60_000, window: 300_000, lookbackDelta: 0 };
const points = Math.floor((cfg.end - cfg.start) / cfg.step) + 1;

const cases: Array<[string, RollupArg[]]> = [
  ["rate", []],
  ["increase", []],
  ["avg_over_time", []],
  ["max_over_time", []],
  ["default_rollup", []],
  ["deriv", []],
  ["quantile_over_time", [0.9]],
  ["histogram_over_time", []],
  ["rollup", []],
];
for (const [name, args] of cases) {
  const info = getRollupFunc(name)!;
  for (let k = 0; k < 20; k++) evalRollup(info, args, cfg, ts, vs, n);
  const runs = 200;
  const start = process.hrtime.bigint();
  for (let k = 0; k < runs; k++) evalRollup(info, args, cfg, ts, vs, n);
  const ns = Number(process.hrtime.bigint() - start) / runs;
  console.log(
    `${name.padEnd(20)} ${(ns / 1e3).toFixed(1).padStart(8)} us/call  ${(ns / n).toFixed(1).padStart(6)} ns/sample  ${(ns / points).toFixed(1).padStart(6)} ns/point`,
  );
}
