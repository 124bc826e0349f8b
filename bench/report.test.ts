import assert from "node:assert/strict";
import { test } from "node:test";
import { num, ratio, table } from "./report.ts";

test("num", () => {
  const f = (n: number | undefined, d: number, want: string) => assert.equal(num(n, d), want, `num(${n}, ${d})`);
  f(1234567, 0, "1,234,567");
  f(1.23456, 3, "1.235");
  f(0.5, 1, "0.5");
  f(NaN, 1, "-");
  f(undefined, 0, "-");
  f(Infinity, 0, "-");
});

test("ratio", () => {
  const f = (a: number | undefined, b: number | undefined, want: string) => assert.equal(ratio(a, b), want, `ratio(${a}, ${b})`);
  f(3, 2, "1.50");
  f(1, 3, "0.33");
  f(1, 0, "-");
  f(undefined, 2, "-");
  f(2, NaN, "-");
});

test("table aligns the first column left and the others right", () => {
  assert.equal(table([["", "a", "bb"], ["long label", "1", "22,222"], ["x", "333", ""]]), "              a      bb\nlong label    1  22,222\nx           333\n");
});
