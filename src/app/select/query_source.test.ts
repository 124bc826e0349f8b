import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "../../lib/metricsql/index.ts";
import { QueryError, type SeriesSource, type SourceFilter, type SourceSeries } from "../../lib/query/index.ts";
import { foldsIntoIncrementalAggr, formatFilters, MemoryPool, QuerySource, type QueryLimits } from "./query_source.ts";
import { QueryTracer } from "./query_tracer.ts";

// memSource holds series of the given sample counts, all matching every filter.
function memSource(counts: number[]): SeriesSource {
  return {
    *search(): Iterable<SourceSeries> {
      for (let i = 0; i < counts.length; i++) {
        const n = counts[i]!;
        yield { labels: [["__name__", "m"], ["i", String(i)]], timestamps: new Float64Array(n), values: new Float64Array(n), n };
      }
    },
  };
}

const none: QueryLimits = { maxSamplesPerQuery: 0, maxSamplesPerSeries: 0, pointsPerSeries: 10, step: 60_000, memory: null };
const filters: SourceFilter[] = [{ label: "__name__", value: "m", isNegative: false, isRegex: false }];

// read returns the number of series read, or the error message.
function read(counts: number[], limits: Partial<QueryLimits>): number | string {
  const src = new QuerySource(memSource(counts), { ...none, ...limits });
  try {
    let n = 0;
    for (const _ of src.search(filters, 0, 1, 0)) n++;
    return n;
  } catch (e) {
    assert.ok(e instanceof QueryError, `want a QueryError; got ${String(e)}`);
    return e.message;
  }
}

test("QuerySource: limits", () => {
  const f = (counts: number[], limits: Partial<QueryLimits>, want: number | RegExp) => {
    const got = read(counts, limits);
    if (typeof want === "number") assert.equal(got, want, `counts=${counts} limits=${JSON.stringify(limits)}`);
    else assert.match(String(got), want, `counts=${counts} limits=${JSON.stringify(limits)}`);
  };
  f([5, 5, 5], {}, 3);
  f([5, 5, 5], { maxSamplesPerQuery: 15 }, 3);
  f([5, 5, 5], { maxSamplesPerQuery: 14 }, /^cannot select more than -search\.maxSamplesPerQuery=14 samples; possible solutions/);
  f([5, 5, 5], { maxSamplesPerSeries: 6 }, 3);
  f([5, 6, 5], { maxSamplesPerSeries: 6 }, /^cannot process more than 6 samples per series; either increase -search\.maxSamplesPerSeries/);
  // 3 series x 10 points x 16 bytes = 480 bytes.
  f([1, 1, 1], { memory: new MemoryPool(480) }, 3);
  f([1, 1, 1], { memory: new MemoryPool(479) }, /^not enough memory for processing 30 data points across 3 time series with 10 points in each time series; total available memory for concurrent requests: 479 bytes; requested memory: 480 bytes; .*increasing `step` query arg \(60s\)$/);
});

test("QuerySource: memory is held while a search runs and shared by queries", () => {
  const pool = new MemoryPool(3 * 10 * 16);
  const a = new QuerySource(memSource([2, 2]), { ...none, memory: pool });
  const b = new QuerySource(memSource([2, 2]), { ...none, memory: pool });
  // Searches one after another reuse the memory.
  for (let k = 0; k < 3; k++) for (const _ of a.search(filters, 0, 1, 0)) { /* read */ }
  assert.equal(a.seriesRead, 6);
  assert.equal(a.samplesRead, 12);
  assert.equal(pool.inUse, 0);
  // While a's search holds two series, b gets one more, not two.
  const it = a.search(filters, 0, 1, 0)[Symbol.iterator]();
  it.next();
  it.next();
  assert.equal(pool.inUse, 2 * 160);
  assert.throws(() => { for (const _ of b.search(filters, 0, 1, 0)) { /* read */ } }, /total available memory for concurrent requests: 480 bytes; requested memory: 320 bytes/);
  assert.equal(pool.inUse, 2 * 160, "b gave back what it had");
  it.return!(undefined);
  assert.equal(pool.inUse, 0);
  for (const _ of b.search(filters, 0, 1, 0)) { /* read */ }
});

test("QuerySource: trace nodes per search, also when the reader stops early", () => {
  const qt = QueryTracer.create(true, "eval")!;
  const src = new QuerySource(memSource([3, 4]), none, qt);
  for (const _ of src.search(filters, 0, 60_000, 0)) { /* all */ }
  for (const _ of src.search(filters, 0, 60_000, 0)) break;
  qt.done();
  const msgs = qt.toSpan().children!.map((c) => c.message);
  assert.deepEqual(msgs, [
    `fetch matching series: filters=[{__name__="m"}], timeRange=[1970-01-01T00:00:00Z..1970-01-01T00:01:00Z]: series=2, samples=7`,
    `fetch matching series: filters=[{__name__="m"}], timeRange=[1970-01-01T00:00:00Z..1970-01-01T00:01:00Z]: series=1, samples=3`,
  ]);
});

test("formatFilters", () => {
  assert.equal(
    formatFilters([
      { label: "__name__", value: "up", isNegative: false, isRegex: false },
      { label: "job", value: "a.*", isNegative: false, isRegex: true },
      { label: "x", value: "b\"", isNegative: true, isRegex: false },
      { label: "y", value: "c", isNegative: true, isRegex: true },
    ]),
    `[{__name__="up",job=~"a.*",x!="b\\"",y!~"c"}]`,
  );
});

test("foldsIntoIncrementalAggr", () => {
  const f = (q: string, want: boolean) => assert.equal(foldsIntoIncrementalAggr(parse(q)), want, q);
  f("sum(rate(m[5m])) by (job)", true);
  f("count(m)", true);
  f("max(max_over_time(m[1h]))", true);
  f("avg(quantile_over_time(0.9, m[5m]))", true);
  f("sum(m offset 5m)", true);
  f("m", false);
  f("rate(m[5m])", false);
  f("topk(3, m)", false);
  f("sum(rate(m[5m])) / sum(rate(n[5m]))", false);
  f("sum(rate(m[5m:1m]))", false);
  f("sum(abs(m))", false);
  f("sum(rate(m[5m]) * 2)", false);
});
