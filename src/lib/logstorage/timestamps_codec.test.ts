import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ByteBuffer } from "../encoding/index.ts";
import { decodeTimestamps, encodeTimestamps } from "./timestamps_codec.ts";

function roundTrip(ts: bigint[]): void {
  const b = new ByteBuffer(64);
  encodeTimestamps(b, BigInt64Array.from(ts), ts.length);
  assert.deepEqual([...decodeTimestamps(b.bytes(), ts.length)], ts, `timestamps ${ts}`);
}

test("decodeTimestamps carries across the 32-bit halves", () => {
  const f = (ts: bigint[]) => roundTrip(ts);
  f([0xffffffffn, 0x100000000n, 0x1ffffffffn + 5n]);
  f([-1n, 0n, 1n]);
  f([-(2n ** 32n) - 1n, -(2n ** 32n), 5n]);
  f([1764150000123456789n, 1764150000123456789n, 1764150001000000000n, 1764150001000000001n]);
  f([-(2n ** 63n), -(2n ** 63n) + 1000n]);
  f([2n ** 63n - 2000n, 2n ** 63n - 1n]);
});

test("decodeTimestamps round trip (property)", () => {
  const deltas = fc.array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 2n ** 33n }), fc.bigInt({ min: 0n, max: 1000n }).map((x) => x * 1_000_000n)), { maxLength: 30 });
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), deltas, (start, ds) => {
      const ts = [start];
      for (const d of ds) ts.push(ts[ts.length - 1]! + d);
      roundTrip(ts);
    }),
  );
});
