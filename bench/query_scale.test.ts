import { test } from "node:test";
import assert from "node:assert/strict";
import { checkQueryScale, renderQueryScale, type QueryScaleResult } from "./query_scale.ts";

const step = (server: string, series: number, ms: number, resultSum: number): QueryScaleResult => ({
  server, series, samples: series * 60, rssBeforeBytes: 100 * 2 ** 20, peakRssBytes: 110 * 2 ** 20, problems: [],
  queries: [{ name: "instant count", query: "count(x)", medianMs: ms, minMs: ms, resultSeries: 1, resultSum }],
});

test("checkQueryScale: answers of the two servers must agree", () => {
  const f = (steps: QueryScaleResult[], want: number) => assert.equal(checkQueryScale(steps).length, want, JSON.stringify(steps.map((s) => [s.server, s.series, s.queries[0]!.resultSum])));
  f([step("victoria-metrics", 1000, 5, 1000), step("tidemark", 1000, 6, 1000)], 0);
  f([step("victoria-metrics", 1000, 5, 1000), step("tidemark", 1000, 6, 1001)], 1);
  f([step("victoria-metrics", 1000, 5, 1000)], 0); // one server only: nothing to compare
});

test("renderQueryScale: one row per step and query, ratio tidemark / vm", () => {
  const out = renderQueryScale([step("victoria-metrics", 1000, 5, 1), step("tidemark", 1000, 10, 1)]);
  assert.match(out, /1,000\s+instant count\s+5\.0\s+10\.0\s+2\.00\s+10\.0\s+10\.0/, out);
});
