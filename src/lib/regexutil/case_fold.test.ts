import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFoldedRange, foldClass, foldOrbit, hasFold } from "./case_fold.ts";

test("foldOrbit follows Unicode simple case folding", () => {
  const f = (c: string, want: string[] | undefined) =>
    assert.deepEqual(foldOrbit(c.codePointAt(0)!)?.map((x) => String.fromCodePoint(x)), want, `c=${c}`);
  f("a", ["A", "a"]);
  f("A", ["A", "a"]);
  f("k", ["K", "k", "\u212a"]);
  f("\u212a", ["K", "k", "\u212a"]);
  f("s", ["S", "s", "\u017f"]);
  f("σ", ["Σ", "ς", "σ"]);
  f("ß", ["ß", "ẞ"]);
  f("θ", ["Θ", "θ", "ϑ", "ϴ"]);
  f("ǅ", ["Ǆ", "ǅ", "ǆ"]);
  f("𐐀", ["𐐀", "𐐨"]);
  f("1", undefined);
  f("ı", undefined); // dotless i folds only to itself
  f("İ", undefined);
  f("😀", undefined);
});

test("hasFold", () => {
  assert.equal(hasFold(0x61), true);
  assert.equal(hasFold(0x5a), true);
  assert.equal(hasFold(0x31), false);
  assert.equal(hasFold(0x5f), false);
  assert.equal(hasFold(0xe9), true);
});

test("foldClass closes a class under folding", () => {
  const f = (r: number[], want: number[]) => assert.deepEqual(foldClass(r), want, `r=${r.map((x) => x.toString(16))}`);
  f([0x61, 0x63], [0x41, 0x43, 0x61, 0x63]);
  f([0x6b, 0x6b], [0x4b, 0x4b, 0x6b, 0x6b, 0x212a, 0x212a]);
  f([0x30, 0x39], [0x30, 0x39]);
  f([0, 0x10ffff], [0, 0x10ffff]);
  const dst: number[] = [];
  appendFoldedRange(dst, 0x41, 0x41);
  assert.deepEqual(dst, [0x41, 0x41, 0x61, 0x61]);
});
