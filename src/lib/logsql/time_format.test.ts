import fc from "fast-check";
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatTimestamp, formatTimestampsAt } from "./time_format.ts";

test("formatTimestampsAt prints as formatTimestamp", () => {
  const f = (ts: bigint[]) => {
    const arr = BigInt64Array.from(ts);
    const idx = Uint32Array.from(ts.keys());
    assert.deepEqual(formatTimestampsAt(arr, idx), ts.map(formatTimestamp), `[${ts}]`);
  };
  f([]);
  f([0n, 1n, 999_999_999n, 1_000_000_000n, 1_000_000_001n]);
  f([-1n, -1_000_000_000n, -1_000_000_001n, 5n]);
  f([1764150000123456789n, 1764150000120000000n, 1764150001000000000n]);
  f([1764150000999999999n, 1764150000999999999n + 9_007_199_254_740_991n, 1764150000999999999n + 9_007_199_254_740_992n]);
  f([2n ** 63n - 1n, -(2n ** 63n)]);
});

test("formatTimestampsAt prints as formatTimestamp (property)", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), fc.array(fc.bigInt({ min: -(10n ** 12n), max: 2n ** 54n }), { maxLength: 20 }), (start, ds) => {
      const ts = BigInt64Array.from(ds.map((d) => BigInt.asIntN(64, start + d)));
      const idx = Uint32Array.from(ds.keys());
      assert.deepEqual(formatTimestampsAt(ts, idx), [...ts].map(formatTimestamp), `[${ts}]`);
    }),
  );
});
