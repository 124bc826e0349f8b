import assert from "node:assert/strict";
import { test } from "node:test";
import { ConcurrencyLimiter, defaultMaxConcurrentRequests } from "./concurrency_limit.ts";

test("defaultMaxConcurrentRequests", () => {
  const f = (cpus: number, want: number) => assert.equal(defaultMaxConcurrentRequests(cpus), want, `cpus=${cpus}`);
  f(1, 2);
  f(2, 4);
  f(4, 8);
  f(5, 5);
  f(16, 16);
  f(64, 16);
});

test("ConcurrencyLimiter: slots, FIFO hand-over, timeout", async () => {
  const l = new ConcurrencyLimiter(2);
  assert.equal(await l.acquire(0), true);
  assert.equal(await l.acquire(0), true);
  assert.equal(l.tryAcquire(), false);
  assert.equal(await l.acquire(20), false, "no slot frees up within 20ms");
  const order: string[] = [];
  const a = l.acquire(1000).then((ok) => order.push(`a:${ok}`));
  const b = l.acquire(1000).then((ok) => order.push(`b:${ok}`));
  l.release();
  await a;
  assert.deepEqual(order, ["a:true"], "the oldest waiter gets the slot first");
  assert.equal(l.current, 2, "a released slot is handed over, not freed");
  l.release();
  await b;
  assert.deepEqual(order, ["a:true", "b:true"]);
  l.release();
  l.release();
  assert.equal(l.current, 0);
  assert.throws(() => l.release(), /^Error: BUG: release\(\) without a slot/);
});
