import { test } from "node:test";
import assert from "node:assert/strict";
import { formatGoDuration, QueryStats } from "./query_stats.ts";

test("formatGoDuration writes Go's Duration.String()", () => {
  const f = (ms: number, want: string) => assert.equal(formatGoDuration(ms), want, `formatGoDuration(${ms})`);
  f(0, "0s");
  f(1, "1ms");
  f(1.5, "1.5ms");
  f(1000, "1s");
  f(1500, "1.5s");
  f(600_000, "10m0s");
  f(3_723_000, "1h2m3s");
  f(7_200_000, "2h0m0s");
});

test("QueryStats groups the recent queries", () => {
  const qs = new QueryStats(3, 1);
  qs.register("a", 0, 5, 1000);
  qs.register("a", 0, 7, 1000);
  qs.register("fast", 0, 0.5, 1000);
  qs.register("b", 3_600_000, 30, 1000);
  assert.equal(
    qs.toJSON(2, 600_000, 3, 2000),
    '{"topN":"2","maxLifetime":"10m0s","search.queryStats.lastQueriesCount":3,"search.queryStats.minQueryDuration":"1ms",' +
      '"topByCount":[{"query":"a","timeRangeSeconds":0,"count":2},{"query":"b","timeRangeSeconds":3600,"count":1}],' +
      '"topByAvgDuration":[{"query":"b","timeRangeSeconds":3600,"avgDurationSeconds":0.030,"count":1},{"query":"a","timeRangeSeconds":0,"avgDurationSeconds":0.006,"count":2}],' +
      '"topBySumDuration":[{"query":"b","timeRangeSeconds":3600,"sumDurationSeconds":0.030,"count":1},{"query":"a","timeRangeSeconds":0,"sumDurationSeconds":0.012,"count":2}]}',
  );
  // The ring keeps the last 3; old ones age out.
  qs.register("c", 0, 2, 1000);
  assert.match(qs.toJSON(5, 600_000, 3, 2000), /"topByCount":\[[^\]]*\{"query":"a","timeRangeSeconds":0,"count":1\}[^\]]*\]/);
  assert.match(qs.toJSON(5, 1, 3, 700_000), /"topByCount":\[\]/);
});
