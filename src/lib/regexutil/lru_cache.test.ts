import { test } from "node:test";
import assert from "node:assert/strict";
import { LruCache } from "./lru_cache.ts";

test("LruCache evicts the least recently used entry", () => {
  const c = new LruCache<string, number>(2);
  c.set("a", 1);
  c.set("b", 2);
  assert.equal(c.get("a"), 1); // a is now the most recent
  c.set("c", 3);
  assert.equal(c.get("b"), undefined);
  assert.equal(c.get("a"), 1);
  assert.equal(c.get("c"), 3);
  assert.equal(c.size, 2);
  c.clear();
  assert.equal(c.size, 0);
});

test("LruCache bounds total weight", () => {
  const c = new LruCache<string, number>(100, 10);
  c.set("a", 1, 4);
  c.set("b", 2, 4);
  c.set("c", 3, 4); // 12 > 10: a goes
  assert.equal(c.get("a"), undefined);
  assert.equal(c.get("b"), 2);
  c.set("huge", 4, 11); // heavier than the whole cache: not kept
  assert.equal(c.get("huge"), undefined);
  assert.equal(c.get("c"), 3);
  c.set("b", 5, 1); // replacing adjusts the weight
  c.set("d", 6, 5);
  assert.deepEqual([c.get("b"), c.get("c"), c.get("d")], [5, 3, 6]);
});
