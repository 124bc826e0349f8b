import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MAX_RUNE, classContains, classRunes, classSize, cleanClass, negateClass } from "./char_class.ts";

test("cleanClass sorts and merges ranges", () => {
  const f = (r: number[], want: number[]) => assert.deepEqual(cleanClass(r), want, `r=${r}`);
  f([], []);
  f([5, 9], [5, 9]);
  f([10, 20, 1, 3], [1, 3, 10, 20]);
  f([1, 5, 3, 9], [1, 9]);
  f([1, 5, 6, 9], [1, 9]);
  f([1, 5, 7, 9], [1, 5, 7, 9]);
  f([3, 3, 1, 10, 4, 4], [1, 10]);
  f([0, MAX_RUNE, 5, 6], [0, MAX_RUNE]);
});

test("negateClass complements within [0, MAX_RUNE]", () => {
  const f = (r: number[], want: number[]) => assert.deepEqual(negateClass(r), want, `r=${r}`);
  f([], [0, MAX_RUNE]);
  f([0, MAX_RUNE], []);
  f([0x61, 0x61], [0, 0x60, 0x62, MAX_RUNE]);
  f([0, 9, 11, MAX_RUNE], [10, 10]);
});

test("classContains, classSize and classRunes", () => {
  const r = [0x30, 0x39, 0x41, 0x5a, 0x1f600, 0x1f600];
  assert.equal(classContains(r, 0x35), true);
  assert.equal(classContains(r, 0x40), false);
  assert.equal(classContains(r, 0x1f600), true);
  assert.equal(classContains(r, 0x1f601), false);
  assert.equal(classSize(r), 37);
  assert.deepEqual(classRunes([0x61, 0x63], 3), [0x61, 0x62, 0x63]);
  assert.equal(classRunes([0x61, 0x63], 2), undefined);
});

test("property: clean and negate agree with membership", () => {
  const ranges = fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20 })), { maxLength: 6 })
    .map((a) => a.flatMap(([lo, n]) => [lo, lo + n]));
  fc.assert(fc.property(ranges, fc.integer({ min: 0, max: 230 }), (r, c) => {
    let inside = false;
    for (let i = 0; i < r.length; i += 2) if (r[i]! <= c && c <= r[i + 1]!) inside = true;
    const clean = cleanClass(r);
    assert.equal(classContains(clean, c), inside);
    assert.equal(classContains(negateClass(clean), c), !inside);
    for (let i = 2; i < clean.length; i += 2) assert.ok(clean[i]! > clean[i - 1]! + 1, `not clean: ${clean}`);
  }));
});
