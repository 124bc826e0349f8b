import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer } from "./byte_buffer.ts";
import { appendVarUint, readVarUint } from "./varint.ts";

test("appendVarUint", () => {
  const f = (v: number, hexExpected: string) => {
    const bb = new ByteBuffer(1);
    appendVarUint(bb, v);
    assert.equal(bb.bytes().toString("hex"), hexExpected, `v=${v}`);
    const c = { pos: 0 };
    assert.equal(readVarUint(bb.bytes(), c), v, `read back v=${v}`);
    assert.equal(c.pos, bb.len, `cursor after v=${v}`);
  };
  f(0, "00");
  f(1, "01");
  f(127, "7f");
  f(128, "8001");
  f(300, "ac02");
  f(2 ** 32, "8080808010");
  f(Number.MAX_SAFE_INTEGER, "ffffffffffffff0f");
});

test("readVarUint rejects bad input", () => {
  const f = (hex: string, wantMsg: RegExp) =>
    assert.throws(() => readVarUint(Buffer.from(hex, "hex"), { pos: 0 }), wantMsg, `hex=${hex}`);
  f("", /truncated/);
  f("80", /truncated/);
  f("ffffffffffffffff01", /more than 8 bytes/);
});

test("varint round trip", () => {
  fc.assert(fc.property(fc.array(fc.maxSafeNat()), (vs) => {
    const bb = new ByteBuffer(3);
    for (const v of vs) appendVarUint(bb, v);
    const c = { pos: 0 };
    const got = vs.map(() => readVarUint(bb.bytes(), c));
    assert.deepEqual(got, vs);
    assert.equal(c.pos, bb.len);
  }));
});
