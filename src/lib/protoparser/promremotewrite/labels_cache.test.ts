import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LabelsCache } from "./labels_cache.ts";
import type { Label } from "./write_rows.ts";

test("LabelsCache returns what was set for a key, whatever the order of lookups, and stays bounded", () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 300 }), (max, keys) => {
    const c = new LabelsCache(max);
    const labelsOf = (k: number): readonly Label[] => [["__name__", `m${k}`]];
    for (const k of keys) {
      const key = `k${k}`;
      const got = c.get(key);
      if (got === undefined) c.set(key, labelsOf(k));
      else assert.deepEqual(got, labelsOf(k), `key ${key}`);
      assert.ok(c.size <= 2 * max, `size ${c.size} with maxEntries ${max}`);
    }
  }), { numRuns: 300 });
  // A repeating order (as clients send) hits through the guesses; a changed order still finds every key.
  const c = new LabelsCache(100);
  for (let i = 0; i < 10; i++) c.set(`s${i}`, [["__name__", `s${i}`]]);
  for (const order of [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [9, 3, 0, 1, 7, 2, 8, 4, 6, 5]]) {
    for (const i of order) assert.deepEqual(c.get(`s${i}`), [["__name__", `s${i}`]]);
  }
  assert.equal(c.get("s10"), undefined);
});
