import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SeriesCache } from "./series_cache.ts";

test("SeriesCache returns what was set, in any lookup order", () => {
  const c = new SeriesCache<number>(10);
  const f = (key: string, want: number | undefined) => assert.equal(c.get(key), want, `get(${key})`);
  f("a", undefined);
  c.set("a", 1);
  c.set("b", 2);
  c.set("c", 3);
  f("a", 1);
  f("b", 2); // the guess after "a"
  f("c", 3);
  f("a", 1);
  f("c", 3); // not the guess
  f("b", 2);
  f("x", undefined);
  c.set("b", 20);
  f("b", 20);
});

test("SeriesCache keeps the two latest generations of maxEntries (property)", () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 30 })), { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (ops, max) => {
    const c = new SeriesCache<number>(max);
    const model = new Map<string, number>();
    let n = 0;
    for (const [set, k] of ops) {
      const key = `k${k}`;
      if (set) {
        c.set(key, ++n);
        model.set(key, n);
      } else {
        const got = c.get(key);
        // A cached value is never stale; a miss is allowed (evicted).
        if (got !== undefined) assert.equal(got, model.get(key), `get(${key})`);
      }
      assert.ok(c.size <= 2 * max, `size ${c.size} <= ${2 * max}`);
    }
    // The latest set key is always found.
    const last = ops.findLast(([set]) => set);
    if (last !== undefined) assert.equal(c.get(`k${last[1]}`), model.get(`k${last[1]}`));
  }), { numRuns: 2000 });
});
