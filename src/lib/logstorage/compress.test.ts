import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compressZstd } from "../encoding/index.ts";
import { pack, unpack, zstdContentSize } from "./compress.ts";

function data(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = 97 + ((x >>> 16) % 6);
  }
  return out;
}

test("zstdContentSize reads the size the frame header declares", () => {
  const f = (n: number) => assert.equal(zstdContentSize(compressZstd(data(n, n), 3)), n, `size ${n}`);
  for (const n of [0, 1, 200, 255, 256, 300, 65535, 65791, 65792, 70000, 1 << 20]) f(n);
  const g = (hex: string, want: number) => assert.equal(zstdContentSize(Buffer.from(hex, "hex")), want, hex);
  g("", -1);
  g("28b52ffd00", -1);
  g("0000000000000000", -1);
  // No declared size: flag 0 without single segment.
  g("28b52ffd0058", -1);
});

test("unpack(pack(x)) returns x (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 300_000 }), fc.nat(), fc.constantFrom(1, 7), (n, seed, level) => {
      const x = data(n, seed);
      const got = unpack(pack(x, level));
      assert.equal(Buffer.from(got).toString("hex"), Buffer.from(x).toString("hex"), `n ${n}`);
    }),
    { numRuns: 40 },
  );
  assert.throws(() => unpack(pack(data(5000, 1), 3), 100), /cannot decompress/);
});
