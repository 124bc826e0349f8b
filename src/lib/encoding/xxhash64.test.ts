import { test } from "node:test";
import assert from "node:assert/strict";
import { xxhash64 } from "./xxhash64.ts";

test("xxhash64 matches the reference vectors", () => {
  const f = (s: string, want: bigint) => assert.equal(xxhash64(Buffer.from(s)).toString(16), want.toString(16), `xxhash64(${JSON.stringify(s)})`);
  f("", 0xef46db3751d8e999n);
  f("a", 0xd24ec4f1a98c6e5bn);
  f("abc", 0x44bc2cf5ad770999n);
  f("Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1n);
});
