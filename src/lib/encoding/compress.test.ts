import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compressZstd, decompressZstd } from "./compress.ts";

test("zstd round trip at several levels", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom(-5, 1, 3, 9), (src, level) => {
      const c = compressZstd(src, level);
      assert.equal(Buffer.from(c.subarray(0, 4)).toString("hex"), "28b52ffd", "zstd magic");
      assert.deepEqual(decompressZstd(c), Buffer.from(src));
      assert.deepEqual(decompressZstd(c, src.length), Buffer.from(src));
    }),
    { numRuns: 50 },
  );
});

test("compressZstd shrinks redundant data", () => {
  const src = Buffer.alloc(10000, "abc");
  assert.ok(compressZstd(src, 1).length < 100);
});

test("decompressZstd rejects corrupt input", () => {
  const good = compressZstd(Buffer.alloc(1000, "hello world "), 3);
  const f = (src: Uint8Array, maxSize: number | undefined, what: string) =>
    assert.throws(() => decompressZstd(src, maxSize), /^Error: cannot decompress zstd data: /, what);
  f(Buffer.alloc(0), undefined, "empty");
  f(Buffer.from("not zstd at all"), undefined, "garbage");
  f(good.subarray(0, good.length - 3), undefined, "truncated");
  f(good, 999, "larger than maxSize");
  const flipped = Buffer.from(good);
  flipped[flipped.length - 2]! ^= 1;
  f(flipped, undefined, "checksum mismatch");
});

test("decompressZstd on random bytes throws 'cannot decompress' or returns", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (src) => {
      const withMagic = Buffer.concat([Buffer.from("28b52ffd", "hex"), src]);
      try {
        decompressZstd(withMagic, 10000);
      } catch (e) {
        assert.match((e as Error).message, /^cannot decompress zstd data: /);
      }
    }),
    { numRuns: 300 },
  );
});
