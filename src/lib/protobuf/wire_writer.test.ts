import { test } from "node:test";
import assert from "node:assert/strict";
import { ProtoWriter } from "./wire_writer.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("ProtoWriter scalar fields", () => {
  const f = (write: (w: ProtoWriter) => void, want: string, what: string) => {
    const w = new ProtoWriter(16);
    write(w);
    assert.equal(hex(w.finish()), want, what);
  };
  // Examples from https://protobuf.dev/programming-guides/encoding/ .
  f((w) => w.int64(1, 150), "089601", "int64 150");
  f((w) => w.int64(1, 0), "0800", "int64 0");
  f((w) => w.int64(1, -1), "08ffffffffffffffffff01", "int64 -1 takes 10 bytes");
  f((w) => w.int64(1, -2), "08feffffffffffffffff01", "int64 -2");
  f((w) => w.int64(1, 2 ** 32), "0880808080 10".replace(" ", ""), "int64 2^32");
  f((w) => w.int64(1, 2 ** 53 - 1), "08ffffffffffffff0f", "int64 2^53-1");
  f((w) => w.int64(1, -(2 ** 53)), "0880808080808080f0ff01", "int64 -2^53");
  f((w) => w.uint64(2, 1700000000000), "1080d095ffbc31", "uint64 ms timestamp");
  f((w) => w.int32(1, -1), "08ffffffffffffffffff01", "int32 -1 is sign-extended");
  f((w) => w.uint32(1, 0xffffffff), "08ffffffff0f", "uint32 max");
  f((w) => w.sint64(1, 0), "0800", "sint64 0");
  f((w) => w.sint64(1, -1), "0801", "sint64 -1");
  f((w) => w.sint64(1, 1), "0802", "sint64 1");
  f((w) => w.sint64(1, -2), "0803", "sint64 -2");
  f((w) => w.sint64(1, 2147483647), "08feffffff0f", "sint64 2^31-1");
  f((w) => w.sint64(1, -2147483648), "08ffffffff0f", "sint64 -2^31");
  f((w) => w.sint64(1, -(2 ** 40)), "08ffffffffff3f", "sint64 -2^40");
  f((w) => w.sint32(4, -3), "2005", "sint32 -3");
  f((w) => w.bool(3, true), "1801", "bool");
  f((w) => w.double(1, 1.5), "09000000000000f83f", "double 1.5");
  f((w) => w.double(1, -0), "090000000000000080", "double -0");
  f((w) => w.float(1, 1.5), "0d0000c03f", "float 1.5");
  f((w) => w.fixed32(1, 0x01020304), "0d04030201", "fixed32");
  f((w) => w.fixed64(1, 2 ** 32 + 5), "090500000001000000", "fixed64");
  f((w) => w.string(2, "testing"), "120774657374696e67", "string");
  f((w) => w.string(2, ""), "1200", "empty string");
  f((w) => w.string(2, "é"), "1202c3a9", "non-ASCII string");
  f((w) => w.bytes(3, Uint8Array.of(1, 2)), "1a020102", "bytes");
  f((w) => w.int64(16, 1), "800101", "field number 16 takes a two-byte tag");
  f((w) => w.packedVarints(4, [3, 270, 86942]), "2206038e029ea705", "packed varints (the docs' example)");
  f((w) => w.packedVarints(4, []), "", "an empty packed field is left out");
  f((w) => w.packedSint64s(9, [1, -1, 0]), "4a03020100", "packed sint64");
  f((w) => w.packedDoubles(10, [1]), "5208000000000000f03f", "packed doubles");
});

test("ProtoWriter keeps NaN payloads", () => {
  const bits = Buffer.from("0200000000007ff0", "hex").reverse(); // 0x7ff0000000000002 little-endian
  const w = new ProtoWriter();
  w.doubleBits(1, bits, 0);
  const v = new Float64Array(bits.buffer.slice(bits.byteOffset, bits.byteOffset + 8))[0]!;
  w.double(2, v);
  assert.equal(hex(w.finish()), "09" + hex(bits) + "11" + hex(bits));
});

test("ProtoWriter nested messages get their length prefix", () => {
  const f = (payloadLen: number, wantPrefix: string) => {
    const w = new ProtoWriter(4);
    w.beginMessage(1);
    // A bytes field of payloadLen bytes in all: tag, length varint, data.
    const lenBytes = payloadLen - 2 < 128 ? 1 : payloadLen - 3 < 16384 ? 2 : 3;
    w.bytes(2, new Uint8Array(payloadLen - 1 - lenBytes));
    w.endMessage();
    w.int64(3, 7);
    const out = w.finish();
    assert.equal(hex(out.subarray(0, wantPrefix.length / 2)), wantPrefix, `payload ${payloadLen}`);
    assert.equal(out.length, wantPrefix.length / 2 + payloadLen + 2, `total length for payload ${payloadLen}`);
    assert.equal(hex(out.subarray(out.length - 2)), "1807", "the field after the message");
  };
  f(2, "0a02");
  f(127, "0a7f");
  f(200, "0ac801");
  f(20000, "0aa09c01");
  const w = new ProtoWriter();
  w.beginMessage(1);
  w.beginMessage(2);
  w.string(1, "a");
  w.endMessage();
  w.endMessage();
  assert.equal(hex(w.finish()), "0a05" + "1203" + "0a0161");
  w.reset();
  assert.equal(w.finish().length, 0, "reset empties the writer");
  w.beginMessage(1);
  assert.throws(() => w.finish(), /BUG/);
  assert.throws(() => new ProtoWriter().endMessage(), /BUG/);
  assert.throws(() => new ProtoWriter().int64(1, 1.5), /BUG/);
  assert.throws(() => new ProtoWriter().int64(0, 1), /BUG/);
});
