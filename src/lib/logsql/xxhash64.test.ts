import { test } from "node:test";
import assert from "node:assert/strict";
import { xxhash64 } from "./xxhash64.ts";

test("xxhash64 matches the published XXH64 vectors (seed 0)", () => {
  const f = (s: string, want: string): void => assert.equal(xxhash64(Buffer.from(s)).toString(16).padStart(16, "0"), want, `xxhash64(${JSON.stringify(s)})`);
  f("", "ef46db3751d8e999");
  f("a", "d24ec4f1a98c6e5b");
  f("abc", "44bc2cf5ad770999");
  f("Nobody inspects the spammish repetition", "fbcea83c8a378bf1");
});
