import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeSnappyBlock } from "../src/lib/protoparser/util/index.ts";
import { snappyEncode } from "./snappy_encode.ts";

test("snappyEncode output decodes back to its input, and repeats compress", () => {
  const f = (src: Uint8Array, what: string) =>
    assert.equal(decodeSnappyBlock(snappyEncode(src), 1 << 24).toString("hex"), Buffer.from(src).toString("hex"), what);
  f(new Uint8Array(0), "empty");
  f(Buffer.from("abc"), "short");
  f(Buffer.from("abcd".repeat(1000)), "repeated");
  const labels = Buffer.from(Array.from({ length: 300 }, (_, i) => `node_cpu_seconds_total{cpu="${i % 4}",mode="idle",instance="host-${i}"}`).join(""));
  f(labels, "label-like text");
  assert.ok(snappyEncode(labels).length < labels.length / 3, `label-like text compresses: ${snappyEncode(labels).length} of ${labels.length}`);
  const big = new Uint8Array(200_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
  f(big, "long literal runs and far matches");
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 50 }), (a, k) => {
    const src = Buffer.concat([a, a.subarray(0, k), a]);
    f(src, `random ${src.length}`);
  }), { numRuns: 300 });
});
