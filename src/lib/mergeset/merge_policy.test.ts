import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { choosePartsToMerge, defaultMaxPartsToMerge, defaultMinMergeMultiplier } from "./merge_policy.ts";

test("choosePartsToMerge", () => {
  const f = (sizes: number[], maxParts: number, maxOut: number, minM: number, want: number[]) =>
    assert.deepEqual(choosePartsToMerge(sizes, maxParts, maxOut, minM), want, `sizes=${sizes} maxParts=${maxParts} maxOut=${maxOut} minM=${minM}`);
  f([], 15, Infinity, 7.5, []);
  f([10], 15, Infinity, 7.5, []);
  // too few similar parts for m >= 7.5
  f([10, 10, 10, 10], 15, Infinity, 7.5, []);
  // eight equal parts give m = 8
  f([10, 10, 10, 10, 10, 10, 10, 10], 15, Infinity, 7.5, [0, 1, 2, 3, 4, 5, 6, 7]);
  // the big part is left alone: the small ones merge among themselves
  f([1000, 10, 10, 10, 10, 10, 10, 10, 10], 15, Infinity, 7.5, [1, 2, 3, 4, 5, 6, 7, 8]);
  // maxParts bounds the window
  f([10, 10, 10, 10, 10, 10, 10, 10], 4, Infinity, 2, [0, 1, 2, 3]);
  // maxOut excludes windows whose output is too big
  f([10, 10, 10, 10, 10, 10, 10, 10], 15, 50, 2, [0, 1, 2, 3, 4]);
  // unbalanced windows are skipped: 1 and 100 never merge
  f([1, 100], 15, Infinity, 1.01, []);
  f([1, 2], 15, Infinity, 1.5, [0, 1]);
  // prefer the highest multiplier: the five 1s (m=5) over 1,1,1,1,1,4 (m=2.25)
  f([4, 1, 1, 1, 1, 1], 15, Infinity, 2, [1, 2, 3, 4, 5]);
});

test("choosePartsToMerge picks balanced windows within limits", () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 1, max: 1e6 }), { maxLength: 40 }),
    fc.integer({ min: 2, max: 15 }),
    fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 1e7 })),
    (sizes, maxParts, maxOut) => {
      const sel = choosePartsToMerge(sizes, maxParts, maxOut, 2);
      if (sel.length === 0) return;
      assert.ok(sel.length >= 2 && sel.length <= maxParts, `len ${sel.length}`);
      assert.equal(new Set(sel).size, sel.length, "distinct");
      const ss = sel.map((i) => sizes[i]!);
      const out = ss.reduce((a, b) => a + b, 0);
      const largest = Math.max(...ss);
      assert.ok(out <= maxOut, "fits maxOut");
      assert.ok(out / largest >= 2, "multiplier");
      assert.ok(Math.min(...ss) * ss.length >= largest, "balanced");
    }));
});

test("steady flushes keep the number of parts logarithmic", () => {
  // Simulate 3000 equal flushes with a merge after each.
  let parts: number[] = [];
  let maxParts = 0;
  let written = 0;
  for (let i = 0; i < 3000; i++) {
    parts.push(1);
    for (;;) {
      const sel = choosePartsToMerge(parts, defaultMaxPartsToMerge, Infinity, defaultMinMergeMultiplier);
      if (sel.length === 0) break;
      const out = sel.reduce((a, k) => a + parts[k]!, 0);
      written += out;
      const drop = new Set(sel);
      parts = parts.filter((_, k) => !drop.has(k));
      parts.push(out);
    }
    maxParts = Math.max(maxParts, parts.length);
  }
  assert.ok(maxParts <= 30, `max parts ${maxParts}`);
  // write amplification about log_8(3000) ~ 4
  assert.ok(written / 3000 <= 5, `write amplification ${written / 3000}`);
});
