import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer, Reader } from "./byte_buffer.ts";
import { staleNaN } from "./float_decimal.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

test("ByteBuffer appends big-endian numbers", () => {
  const f = (append: (bb: ByteBuffer) => void, hexExpected: string, what: string) => {
    const bb = new ByteBuffer();
    append(bb);
    assert.equal(hex(bb.bytes()), hexExpected, what);
    assert.equal(bb.length, hexExpected.length / 2, what);
  };
  f((bb) => bb.appendByte(0x1ff), "ff", "appendByte(0x1ff) keeps the low 8 bits");
  f((bb) => bb.appendBytes(Buffer.from("0102", "hex")), "0102", "appendBytes");
  f((bb) => bb.appendUint32BE(0), "00000000", "appendUint32BE(0)");
  f((bb) => bb.appendUint32BE(0xdeadbeef), "deadbeef", "appendUint32BE(0xdeadbeef)");
  f((bb) => bb.appendUint64BE(0), "0000000000000000", "appendUint64BE(0)");
  f((bb) => bb.appendUint64BE(0x0102030405), "0000000102030405", "appendUint64BE(0x0102030405)");
  f((bb) => bb.appendUint64BE(Number.MAX_SAFE_INTEGER), "001fffffffffffff", "appendUint64BE(2^53-1)");
  f((bb) => bb.appendFloat64BE(1.5), "3ff8000000000000", "appendFloat64BE(1.5)");
  f((bb) => bb.appendFloat64BE(-0), "8000000000000000", "appendFloat64BE(-0)");
  f((bb) => bb.appendFloat64BE(Infinity), "7ff0000000000000", "appendFloat64BE(Inf)");
  f((bb) => bb.appendFloat64BE(staleNaN), "7ff0000000000002", "appendFloat64BE(staleNaN)");
});

test("ByteBuffer.appendUint64BE rejects non-safe integers", () => {
  const f = (v: number) => assert.throws(() => new ByteBuffer().appendUint64BE(v), /^Error: BUG: /, `v=${v}`);
  f(-1);
  f(0.5);
  f(2 ** 53);
  f(NaN);
});

test("ByteBuffer grows, resets and copies", () => {
  const bb = new ByteBuffer(2);
  for (let i = 0; i < 1000; i++) bb.appendByte(i);
  assert.equal(bb.length, 1000);
  assert.ok(bb.buf.length >= 1000);
  const view = bb.bytes();
  const copy = bb.toBuffer();
  assert.equal(view.length, 1000);
  bb.buf[0] = 0xaa;
  assert.equal(view[0], 0xaa, "bytes() is a view");
  assert.equal(hex(copy.subarray(0, 4)), "00010203", "toBuffer() is a copy");
  const cap = bb.buf.length;
  bb.reset();
  assert.equal(bb.length, 0);
  assert.equal(bb.buf.length, cap, "reset keeps the capacity");
  bb.ensure(10);
  assert.equal(bb.buf.length, cap, "ensure within capacity does not grow");
  bb.ensure(cap + 1);
  assert.ok(bb.buf.length >= cap + 1);
});

test("Reader reads what ByteBuffer wrote", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 16 }), fc.nat(), fc.maxSafeNat(), fc.double(), fc.integer({ min: 0, max: 255 }), (bytes, u32, u64, f64, b) => {
      const bb = new ByteBuffer();
      bb.appendByte(b);
      bb.appendUint32BE(u32);
      bb.appendUint64BE(u64);
      bb.appendFloat64BE(f64);
      bb.appendBytes(bytes);
      const r = new Reader(bb.bytes());
      assert.equal(r.readByte(), b);
      assert.equal(r.readUint32BE(), u32);
      assert.equal(r.readUint64BE(), u64);
      assert.ok(Object.is(r.readFloat64BE(), f64));
      assert.equal(hex(r.readBytes(bytes.length)), hex(bytes));
      assert.equal(r.remaining(), 0);
    }),
  );
});

test("Reader reads at an offset and uint32 above 2^31", () => {
  const r = new Reader(Buffer.from("00ffffffff", "hex"), 1);
  assert.equal(r.remaining(), 4);
  assert.equal(r.readUint32BE(), 0xffffffff);
});

test("Reader keeps NaN payloads of float64", () => {
  const r = new Reader(Buffer.from("7ff0000000000002", "hex"));
  const v = r.readFloat64BE();
  const f = new Float64Array([0]);
  f[0] = v;
  assert.equal(hex(new Uint8Array(f.buffer).reverse()), "7ff0000000000002");
});

test("Reader throws RangeError past the end and does not move", () => {
  const f = (hexSrc: string, read: (r: Reader) => unknown, what: string) => {
    const r = new Reader(Buffer.from(hexSrc, "hex"));
    assert.throws(() => read(r), (e: Error) => e instanceof RangeError && e.message.startsWith("cannot read"), what);
    assert.equal(r.off, 0, `${what}: offset unchanged`);
  };
  f("", (r) => r.readByte(), "readByte on empty");
  f("010203", (r) => r.readUint32BE(), "readUint32BE on 3 bytes");
  f("01020304050607", (r) => r.readUint64BE(), "readUint64BE on 7 bytes");
  f("01020304050607", (r) => r.readFloat64BE(), "readFloat64BE on 7 bytes");
  f("0102", (r) => r.readBytes(3), "readBytes(3) on 2 bytes");
  f("0102", (r) => r.readBytes(-1), "readBytes(-1)");
  f("0020000000000000", (r) => r.readUint64BE(), "readUint64BE of 2^53");
  f("ffffffffffffffff", (r) => r.readUint64BE(), "readUint64BE of 2^64-1");
});

test("Reader.readBytes returns a view", () => {
  const src = Buffer.from("0102030405", "hex");
  const r = new Reader(src, 1);
  const b = r.readBytes(2);
  assert.equal(hex(b), "0203");
  assert.equal(b.buffer, src.buffer);
  assert.equal(r.off, 3);
  assert.equal(r.readBytes(0).length, 0);
});
