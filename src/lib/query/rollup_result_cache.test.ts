import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultReachMs, mergeCachedAndFresh, RollupResultCache } from "./rollup_result_cache.ts";
import type { Timeseries } from "./timeseries.ts";

const series = (name: string, values: number[]): Timeseries => ({ name, tags: new Map([["job", "a"]]), values: Float64Array.from(values), timestamps: new Float64Array(0) });
const show = (tss: readonly Timeseries[] | undefined) => (tss === undefined ? "miss" : tss.map((t) => `${t.name}:${[...t.values].join(",")}`).join(" "));
const names = (...n: string[]) => new Set(n);

test("get: the cached part of a grid", () => {
  const c = new RollupResultCache(1 << 20);
  // Points at 100, 110, ..., 150.
  c.put("k", names("m"), 100, 150, 10, [series("m", [1, 2, 3, 4, 5, 6])], c.generation());
  const f = (start: number, end: number, step: number, want: string, wantEnd?: number) => {
    const got = c.get("k", start, end, step);
    assert.equal(show(got?.series), want, `get(${start}, ${end}, ${step})`);
    if (wantEnd !== undefined) assert.equal(got?.end, wantEnd, `end of get(${start}, ${end}, ${step})`);
  };
  f(100, 150, 10, "m:1,2,3,4,5,6", 150);
  f(120, 140, 10, "m:3,4,5", 140);
  f(120, 200, 10, "m:3,4,5,6", 150); // partial: 160.. must be evaluated
  f(150, 300, 10, "m:6", 150);
  f(90, 150, 10, "miss"); // starts before the entry
  f(125, 150, 10, "miss"); // another grid
  f(100, 150, 20, "miss"); // another step
  f(160, 200, 10, "miss"); // after the entry
  assert.equal(show(c.get("other", 100, 150, 10)?.series), "miss");
  const s = c.stats();
  assert.deepEqual([s.requests, s.fullHits, s.partialHits, s.misses], [9, 2, 2, 5]);
});

test("invalidate: by metric name and time", () => {
  const f = (entryNames: Set<string> | null, writeNames: Set<string> | null, minT: number, kept: boolean) => {
    const c = new RollupResultCache(1 << 20);
    c.put("k", entryNames, 100, 150, 10, [series("m", [1, 2, 3, 4, 5, 6])], c.generation());
    c.invalidate(writeNames, minT);
    assert.equal(c.get("k", 100, 150, 10) !== undefined, kept, `entry ${[...(entryNames ?? ["*"])]} after a write to ${[...(writeNames ?? ["*"])]} at ${minT}`);
  };
  f(names("m"), names("m"), 120, false);
  f(names("m"), names("m"), 150, false);
  f(names("m"), names("m"), 151, true); // after the last cached point
  f(names("m"), names("other"), 0, true);
  f(names("m", "n"), names("n"), 0, false);
  f(null, names("other"), 0, false); // the entry depends on any name
  f(names("m"), null, -Infinity, false); // a write of unknown names
});

test("put: skipped when a write came while the query ran", () => {
  const c = new RollupResultCache(1 << 20);
  const gen = c.generation();
  c.invalidate(names("other"), 0);
  c.put("a", names("m"), 100, 150, 10, [series("m", [1, 2, 3, 4, 5, 6])], gen);
  assert.notEqual(c.get("a", 100, 150, 10), undefined, "a write of another name does not matter");
  const gen2 = c.generation();
  c.invalidate(names("m"), 140);
  c.put("b", names("m"), 100, 150, 10, [series("m", [1, 2, 3, 4, 5, 6])], gen2);
  assert.equal(c.get("b", 100, 150, 10), undefined, "a write inside the range keeps the result out");
  const gen3 = c.generation();
  c.invalidate(names("m"), 200);
  c.put("c", names("m"), 100, 150, 10, [series("m", [1, 2, 3, 4, 5, 6])], gen3);
  assert.notEqual(c.get("c", 100, 150, 10), undefined, "a write after the range does not matter");
});

test("results are copies; the byte budget evicts the oldest", () => {
  const c = new RollupResultCache(1 << 20);
  const s = series("m", [1, 2, 3]);
  c.put("k", names("m"), 0, 20, 10, [s], c.generation());
  s.values[0] = 100;
  const got = c.get("k", 0, 20, 10)!;
  got.series[0]!.values[1] = 200;
  assert.equal(show(c.get("k", 0, 20, 10)?.series), "m:1,2,3");
  // About 700 bytes per entry: 20 of them do not fit in 8000.
  const small = new RollupResultCache(8000);
  for (let i = 0; i < 20; i++) small.put(`k${i}`, names("m"), 0, 490, 10, [series("m", new Array(50).fill(i))], small.generation());
  assert.ok(small.stats().sizeBytes <= 8000, `size ${small.stats().sizeBytes}`);
  assert.ok(small.stats().entries >= 5, `entries ${small.stats().entries}`);
  assert.equal(small.get("k0", 0, 490, 10), undefined, "oldest evicted");
  assert.notEqual(small.get("k19", 0, 490, 10), undefined, "newest kept");
});

test("mergeCachedAndFresh joins series by labels", () => {
  const ts = Float64Array.of(0, 10, 20, 30);
  const f = (cached: Timeseries[], fresh: Timeseries[], cachedPoints: number, want: string) =>
    assert.equal(show(mergeCachedAndFresh(cached, fresh, ts, cachedPoints)), want, `${show(cached)} + ${show(fresh)}`);
  f([series("a", [1, 2])], [series("a", [3, 4])], 2, "a:1,2,3,4");
  f([series("a", [1, 2]), series("b", [5, 6])], [series("a", [3, 4])], 2, "a:1,2,3,4 b:5,6,NaN,NaN");
  f([series("a", [1, 2, 3])], [series("c", [9])], 3, "a:1,2,3,NaN c:NaN,NaN,NaN,9");
});

test("setRetentionBound: entries that may have read samples older than the bound go", () => {
  // f puts an entry over 10_000..10_050 with the given reach, moves the bound, and says whether it stays.
  const f = (reach: number | undefined, bound: number, kept: boolean) => {
    const c = new RollupResultCache(1 << 20);
    c.put("k", names("m"), 10_000, 10_050, 10, [series("m", [1, 2, 3, 4, 5, 6])], c.generation(), reach);
    c.setRetentionBound(bound);
    assert.equal(c.get("k", 10_000, 10_050, 10) !== undefined, kept, `reach=${reach} bound=${bound}`);
    assert.equal(c.stats().invalidations, kept ? 0 : 1, `invalidations: reach=${reach} bound=${bound}`);
    assert.equal(c.stats().entries, kept ? 1 : 0, `entries: reach=${reach} bound=${bound}`);
  };
  f(300, 9_700, true); // reads back to 9_700: still visible
  f(300, 9_701, false);
  f(0, 10_000, true);
  f(0, 10_001, false);
  f(0, 20_000, false); // a bound after the whole entry (its partition dropped)
  f(undefined, 10_000 - defaultReachMs, true);
  f(undefined, 10_001 - defaultReachMs, false);
});

test("setRetentionBound: later puts that may have read hidden samples are skipped; the bound never goes back", () => {
  const c = new RollupResultCache(1 << 20);
  c.setRetentionBound(5_000);
  c.put("old", names("m"), 10_000, 10_050, 10, [series("m", [1, 2, 3, 4, 5, 6])], c.generation(), 5_001);
  assert.equal(show(c.get("old", 10_000, 10_050, 10)?.series), "miss", "reads from 4_999 < bound");
  c.put("ok", names("m"), 10_000, 10_050, 10, [series("m", [1, 2, 3, 4, 5, 6])], c.generation(), 3_000);
  assert.equal(show(c.get("ok", 10_000, 10_050, 10)?.series), "m:1,2,3,4,5,6");
  c.setRetentionBound(1_000); // older: ignored
  c.put("old", names("m"), 10_000, 10_050, 10, [series("m", [1, 2, 3, 4, 5, 6])], c.generation(), 5_001);
  assert.equal(show(c.get("old", 10_000, 10_050, 10)?.series), "miss", "the bound stays at 5_000");
  // Entries far from the bound survive many moves of it; the one at the edge goes.
  c.put("edge", names("m"), 6_000, 6_050, 10, [series("m", [1, 2, 3, 4, 5, 6])], c.generation(), 0);
  for (let b = 5_001; b <= 6_000; b += 100) c.setRetentionBound(b);
  assert.equal(c.stats().entries, 2);
  c.setRetentionBound(6_001);
  assert.equal(show(c.get("edge", 6_000, 6_050, 10)?.series), "miss");
  assert.equal(show(c.get("ok", 10_000, 10_050, 10)?.series), "m:1,2,3,4,5,6");
  assert.throws(() => c.put("bad", null, 0, 10, 10, [], c.generation(), NaN), /BUG: reachMs must be >= 0; got NaN/);
});
