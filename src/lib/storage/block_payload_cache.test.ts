import { test } from "node:test";
import assert from "node:assert/strict";
import { compressZstd, MarshalType } from "../encoding/index.ts";
import { BlockPayloadCache } from "./block_payload_cache.ts";
import type { PartSource } from "./part.ts";

// A part source over one buffer per stream that counts reads.
function source(ts: Uint8Array, vals: Uint8Array) {
  const reads = { n: 0 };
  const src: PartSource = {
    readTimestamps: (off, size) => { reads.n++; return ts.subarray(off, off + size); },
    readValues: (off, size) => { reads.n++; return vals.subarray(off, off + size); },
    readIndex: () => new Uint8Array(0),
    close: () => {},
  };
  return { src, reads };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("BlockPayloadCache: decompresses zstd payloads once, passes others through", () => {
  const raw = Uint8Array.from({ length: 300 }, (_, i) => i % 7);
  const z = compressZstd(raw, 1);
  const plain = Uint8Array.from({ length: 40 }, (_, i) => i);
  const vals = new Uint8Array(z.length + plain.length + 4);
  vals.set(z, 0); vals.set(plain, z.length); vals.set([1, 2, 3, 4], z.length + plain.length);
  const { src, reads } = source(new Uint8Array(0), vals);
  const c = new BlockPayloadCache(1 << 20);
  const f = (off: number, size: number, mt: number, wantHex: string, wantType: number, wantReads: number) => {
    const [b, t] = c.payload(7, src, "v", off, size, mt, 301);
    assert.equal(hex(b), wantHex, `payload at ${off}`);
    assert.equal(t, wantType, `type at ${off}`);
    assert.equal(reads.n, wantReads, `reads after payload at ${off}`);
  };
  f(0, z.length, MarshalType.ZstdNearestDelta2, hex(raw), MarshalType.NearestDelta2, 1);
  f(0, z.length, MarshalType.ZstdNearestDelta2, hex(raw), MarshalType.NearestDelta2, 1); // cached
  f(z.length, plain.length, MarshalType.NearestDelta, hex(plain), MarshalType.NearestDelta, 2);
  f(z.length, plain.length, MarshalType.NearestDelta, hex(plain), MarshalType.NearestDelta, 2); // cached too
  f(z.length + plain.length, 4, MarshalType.DeltaConst, "01020304", MarshalType.DeltaConst, 3); // small payloads too
  f(z.length + plain.length, 4, MarshalType.DeltaConst, "01020304", MarshalType.DeltaConst, 3);
  f(0, 0, MarshalType.Const, "", MarshalType.Const, 3); // nothing to read
  assert.deepEqual([c.requests, c.misses, c.entries], [6, 3, 3]);
  // Another part with the same offsets is another entry.
  c.payload(8, src, "v", 0, z.length, MarshalType.ZstdNearestDelta2, 301);
  assert.equal(reads.n, 4);
});

test("BlockPayloadCache: stays within its byte budget", () => {
  const vals = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) % 251);
  const { src } = source(new Uint8Array(0), vals);
  const c = new BlockPayloadCache(20_000);
  for (let i = 0; i < 100; i++) c.payload(1, src, "v", i * 1000, 1000, MarshalType.NearestDelta, 1001);
  assert.ok(c.sizeBytes <= 20_000, `size ${c.sizeBytes}`);
  assert.ok(c.entries > 5 && c.entries < 20, `entries ${c.entries}`);
  c.setMaxBytes(0);
  assert.deepEqual([c.sizeBytes, c.entries], [0, 0]);
});

test("BlockPayloadCache: keeps copies, not views of bigger buffers", () => {
  const raw = Uint8Array.from({ length: 300 }, (_, i) => i % 7);
  const z = compressZstd(raw, 1);
  const big = new Uint8Array(1 << 16);
  big.set(z, 100);
  const { src } = source(new Uint8Array(0), big);
  const c = new BlockPayloadCache(1 << 20);
  const [a] = c.payload(1, src, "v", 100, z.length, MarshalType.ZstdNearestDelta2, 301);
  const [b] = c.payload(1, src, "v", 200, 1000, MarshalType.NearestDelta, 1001);
  assert.equal(a.buffer.byteLength, 300, "decompressed payload owns its bytes");
  assert.equal(b.buffer.byteLength, 1000, "plain payload owns its bytes");
});
