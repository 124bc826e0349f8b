import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer, Reader } from "./byte_buffer.ts";
import {
  appendVarInt,
  appendVarInts,
  appendVarUint,
  appendVarUints,
  getVarInts,
  putVarUint,
  readVarInt,
  readVarInts,
  readVarUint,
  readVarUints,
  zigzagDecode,
  zigzagEncode,
} from "./varint.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

test("appendVarUint", () => {
  const f = (v: number, hexExpected: string) => {
    const bb = new ByteBuffer();
    appendVarUint(bb, v);
    assert.equal(hex(bb.bytes()), hexExpected, `v=${v}`);
    const r = new Reader(bb.bytes());
    assert.equal(readVarUint(r), v, `read back v=${v}`);
    assert.equal(r.remaining(), 0, `v=${v}`);
  };
  f(0, "00");
  f(1, "01");
  f(127, "7f");
  f(128, "8001");
  f(300, "ac02");
  f(16383, "ff7f");
  f(16384, "808001");
  f(2 ** 21 - 1, "ffff7f");
  f(2 ** 28, "8080808001");
  f(2 ** 31 - 1, "ffffffff07");
  f(2 ** 31, "8080808008");
  f(2 ** 32, "8080808010");
  f(2 ** 35, "808080808001");
  f(2 ** 49, "8080808080808001");
  f(2 ** 49 - 1, "ffffffffffff7f");
  f(2 ** 53 - 1, "ffffffffffffff0f");
});

test("appendVarInt (zigzag)", () => {
  const f = (v: number, hexExpected: string) => {
    const bb = new ByteBuffer();
    appendVarInt(bb, v);
    assert.equal(hex(bb.bytes()), hexExpected, `v=${v}`);
    const r = new Reader(bb.bytes());
    assert.equal(readVarInt(r), v, `read back v=${v}`);
  };
  f(0, "00");
  f(-1, "01");
  f(1, "02");
  f(-2, "03");
  f(63, "7e");
  f(-64, "7f");
  f(64, "8001");
  f(-65, "8101");
  f(2 ** 30 - 1, "feffffff07");
  f(-(2 ** 30), "ffffffff07");
  f(2 ** 30, "8080808008");
  f(-(2 ** 31), "ffffffff0f");
  f(2 ** 52 - 1, "feffffffffffff0f");
  f(-(2 ** 52 - 1), "fdffffffffffff0f");
});

test("zigzag", () => {
  const f = (v: number, u: number) => {
    assert.equal(zigzagEncode(v), u, `zigzagEncode(${v})`);
    assert.equal(zigzagDecode(u), v, `zigzagDecode(${u})`);
  };
  f(0, 0);
  f(-1, 1);
  f(1, 2);
  f(2 ** 30 - 1, 2 ** 31 - 2);
  f(-(2 ** 30), 2 ** 31 - 1);
  f(2 ** 31 - 1, 2 ** 32 - 2);
  f(-(2 ** 31), 2 ** 32 - 1);
  f(2 ** 31, 2 ** 32);
  f(-(2 ** 51), 2 ** 52 - 1);
  f(2 ** 52 - 1, 2 ** 53 - 2);
  f(-(2 ** 52 - 1), 2 ** 53 - 3);
});

test("appendVarUint and appendVarInt reject values outside their domain", () => {
  const f = (append: (bb: ByteBuffer, v: number) => void, v: number, what: string) =>
    assert.throws(() => append(new ByteBuffer(), v), /^Error: BUG: /, `${what}(${v})`);
  f(appendVarUint, -1, "appendVarUint");
  f(appendVarUint, 1.5, "appendVarUint");
  f(appendVarUint, 2 ** 53, "appendVarUint");
  f(appendVarUint, Infinity, "appendVarUint");
  f(appendVarUint, NaN, "appendVarUint");
  f(appendVarInt, 2 ** 52, "appendVarInt");
  f(appendVarInt, -(2 ** 52), "appendVarInt");
  f(appendVarInt, 0.5, "appendVarInt");
  f(appendVarInt, NaN, "appendVarInt");
  const bb = new ByteBuffer();
  assert.throws(() => appendVarUints(bb, new Float64Array([1, -1]), 0, 2), /^Error: BUG: /);
  assert.throws(() => appendVarInts(bb, new Float64Array([1, 2 ** 52]), 0, 2), /^Error: BUG: /);
});

test("readVarUint rejects truncated and too large input", () => {
  const f = (hexSrc: string, what: string) => {
    const r = new Reader(Buffer.from(hexSrc, "hex"));
    assert.throws(() => readVarUint(r), (e: Error) => e instanceof RangeError && e.message.startsWith("cannot unmarshal varint"), `${what}: ${hexSrc}`);
  };
  f("", "empty");
  f("80", "truncated after 1 byte");
  f("ffff", "truncated after 2 bytes");
  f("ffffffffffffff", "truncated after 7 bytes");
  f("ffffffffffffff10", "2^53");
  f("ffffffffffffff7f", "2^56-1");
  f("ffffffffffffff8f01", "continuation in the 8th byte");
  f("ffffffffffffffffff01", "10-byte uint64");
});

test("varint round trip", () => {
  fc.assert(
    fc.property(fc.array(fc.maxSafeNat()), (vs) => {
      const bb = new ByteBuffer();
      for (const v of vs) appendVarUint(bb, v);
      const r = new Reader(bb.bytes());
      for (const v of vs) assert.equal(readVarUint(r), v);
      assert.equal(r.remaining(), 0);
    }),
  );
  const signed = fc.oneof(fc.integer(), fc.maxSafeInteger().map((v) => v % 2 ** 52), fc.integer({ min: -20000, max: 20000 }));
  fc.assert(
    fc.property(fc.array(signed), (vs) => {
      const bb = new ByteBuffer();
      for (const v of vs) appendVarInt(bb, v);
      const r = new Reader(bb.bytes());
      for (const v of vs) assert.equal(readVarInt(r), v);
      assert.equal(r.remaining(), 0);
    }),
  );
});

test("bulk varints match single ones", () => {
  const signed = fc.oneof(fc.integer({ min: -100, max: 100 }), fc.integer({ min: -10000, max: 10000 }), fc.maxSafeInteger().map((v) => v % 2 ** 52));
  fc.assert(
    fc.property(fc.array(signed, { maxLength: 200 }), fc.nat(5), (vs, skip) => {
      const src = new Float64Array(vs);
      const start = Math.min(skip, vs.length);
      const one = new ByteBuffer();
      for (let i = start; i < vs.length; i++) appendVarInt(one, vs[i]!);
      const bulk = new ByteBuffer();
      appendVarInts(bulk, src, start, vs.length);
      assert.equal(hex(bulk.bytes()), hex(one.bytes()));
      const out = new Float64Array(vs.length);
      const r = new Reader(bulk.bytes());
      readVarInts(r, out, start, vs.length);
      assert.equal(r.remaining(), 0);
      assert.deepEqual(Array.from(out.subarray(start)), vs.slice(start));

      const us = new Float64Array(vs.map((v) => Math.abs(v)));
      const ub = new ByteBuffer();
      appendVarUints(ub, us, 0, us.length);
      const uout = new Float64Array(us.length);
      const ur = new Reader(ub.bytes());
      readVarUints(ur, uout, 0, us.length);
      assert.equal(ur.remaining(), 0);
      assert.deepEqual(Array.from(uout), Array.from(us));
    }),
  );
});

test("getVarInts decodes at a position and reports where it stopped", () => {
  const src = Buffer.from("ff" + "0102" + "8001" + "03" + "ee", "hex");
  const dst = new Float64Array(5);
  const end = getVarInts(dst, 1, 5, src, 1, src.length - 1);
  assert.equal(end, 6);
  assert.deepEqual(Array.from(dst), [0, -1, 1, 64, -2]);
});

test("bulk reads throw on truncated input", () => {
  const f = (hexSrc: string, count: number) => {
    const r = new Reader(Buffer.from(hexSrc, "hex"));
    assert.throws(() => readVarInts(r, new Float64Array(count), 0, count), RangeError, `ints ${hexSrc} count=${count}`);
    const r2 = new Reader(Buffer.from(hexSrc, "hex"));
    assert.throws(() => readVarUints(r2, new Float64Array(count), 0, count), RangeError, `uints ${hexSrc} count=${count}`);
  };
  f("", 1);
  f("01", 2);
  f("0102", 3);
  f("0180", 2);
  f("01ff", 2);
  f("0180808080", 2);
  f("01ffffffffffffff10", 2);
});

test("putVarUint writes branch-free short varints correctly at the edges", () => {
  const f = (v: number, hexExpected: string) => {
    const buf = new Uint8Array(10).fill(0xee);
    const end = putVarUint(buf, 1, v);
    assert.equal(hex(buf.subarray(1, end)), hexExpected, `v=${v}`);
    assert.equal(buf[0], 0xee, `v=${v}: nothing written before pos`);
  };
  f(0, "00");
  f(127, "7f");
  f(128, "8001");
  f(16383, "ff7f");
  f(16384, "808001");
});
