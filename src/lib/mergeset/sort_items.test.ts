import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { sortItems } from "./sort_items.ts";

function sortHex(items: Uint8Array[]): string[] {
  const data = Buffer.concat(items);
  const starts = new Uint32Array(items.length);
  const ends = new Uint32Array(items.length);
  let p = 0;
  for (let i = 0; i < items.length; i++) {
    starts[i] = p;
    p += items[i]!.length;
    ends[i] = p;
  }
  const idx = Uint32Array.from(items.keys());
  sortItems(data, starts, ends, idx);
  return [...idx].map((k) => data.subarray(starts[k]!, ends[k]!).toString("hex"));
}

const want = (items: Uint8Array[]) => items.map((b) => Buffer.from(b)).sort(Buffer.compare).map((b) => b.toString("hex"));

test("sortItems", () => {
  const f = (hexItems: string[]) => {
    const items = hexItems.map((h) => Buffer.from(h, "hex"));
    assert.deepEqual(sortHex(items), want(items), `items=${hexItems}`);
  };
  f([]);
  f(["01"]);
  f(["02", "01"]);
  f(["", "00", "", "ff", "0000", "7f", "80"]);
  // more than the insertion-sort threshold, sharing a long prefix, with duplicates
  f(Array.from({ length: 100 }, (_, i) => "0102030405060708" + ((i * 37) % 50).toString(16).padStart(2, "0")));
  // a deep chain of prefixes
  f(Array.from({ length: 300 }, (_, i) => "aa".repeat(300 - i)));
});

test("sortItems agrees with Buffer.compare", () => {
  const item = fc.oneof(
    fc.uint8Array({ maxLength: 6 }).map((a) => a.map((b) => b & 3)),
    fc.uint8Array({ maxLength: 3 }).map((a) => Buffer.concat([Buffer.from("0101010101010101", "hex"), a])),
  );
  fc.assert(fc.property(fc.array(item, { maxLength: 500 }), (items) => {
    assert.deepEqual(sortHex(items), want(items));
  }));
});
