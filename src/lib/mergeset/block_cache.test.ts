import { test } from "node:test";
import assert from "node:assert/strict";
import { LruCache } from "./block_cache.ts";

test("LruCache evicts the least recently used entries above maxBytes", () => {
  const c = new LruCache<string>(10);
  c.set("a", "A", 4);
  c.set("b", "B", 4);
  assert.equal(c.get("a"), "A"); // a is now the most recent
  c.set("c", "C", 4); // 12 > 10: evicts b
  assert.equal(c.get("b"), undefined);
  assert.equal(c.get("a"), "A");
  assert.equal(c.get("c"), "C");
  assert.equal(c.sizeBytes, 8);
  c.set("a", "A2", 2); // replacing adjusts the size
  assert.equal(c.sizeBytes, 6);
  c.set("huge", "H", 11); // bigger than the cache: not stored
  assert.equal(c.get("huge"), undefined);
  assert.equal(c.entries, 2);
  assert.deepEqual([c.hits, c.misses], [3, 2]);
  c.clear();
  assert.deepEqual([c.entries, c.sizeBytes], [0, 0]);
});
