import { test } from "node:test";
import assert from "node:assert/strict";
import { compareNatural, compareValues } from "./compare_values.ts";

test("compareValues orders like VictoriaLogs' lessString", () => {
  const f = (a: string, b: string, want: number): void => assert.equal(Math.sign(compareValues(a, b)), want, `compareValues(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
  f("2", "10", -1);
  f("-3.5", "1", -1);
  f("1e3", "999", 1);
  f("1.5s", "300ms", 1);
  f("2023-11-14T22:13:22.5Z", "2023-11-14T22:13:22Z", 1);
  f("2023-11-14T23:00:00+02:00", "2023-11-14T22:00:00Z", -1);
  f("a2", "a10", -1);
  f("abc", "abd", -1);
  f("x", "x", 0);
  f("", "a", -1);
  f("007", "7", -1);
});

test("compareNatural", () => {
  const sorted = ["a", "a1", "a01b", "a2", "a10", "b", "b0x"].slice().sort(compareNatural);
  assert.deepEqual(sorted, ["a", "a1", "a01b", "a2", "a10", "b", "b0x"]);
});
