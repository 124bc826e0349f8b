import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { getFloat64Planes, putFloat64Planes } from "./float64_planes.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

test("putFloat64Planes splits big-endian bits into byte planes", () => {
  const f = (values: number[], hexExpected: string) => {
    const a = Float64Array.from(values);
    const out = new Uint8Array(8 * a.length + 2).fill(0xee);
    putFloat64Planes(out, 1, a, a.length);
    assert.equal(hex(out), "ee" + hexExpected + "ee", `values=[${values}]`);
  };
  f([], "");
  f([1.5], "3ff8000000000000");
  f([1.5, -2], "3fc0f800000000000000000000000000");
  f([0.1, 0.2, 0.30000000000000004], "3f3f3fb9c9d39999339999339999339999339999339a9a34");
});

test("float64 planes round trip every bit pattern", () => {
  fc.assert(
    fc.property(fc.bigUint64Array({ maxLength: 40 }), (raw) => {
      const values = new Float64Array(raw.buffer, raw.byteOffset, raw.length);
      const n = values.length;
      const planes = new Uint8Array(8 * n);
      putFloat64Planes(planes, 0, values, n);
      const out = new Float64Array(n + 1);
      getFloat64Planes(out, planes, n);
      assert.equal(hex(new Uint8Array(out.buffer, 0, 8 * n)), hex(new Uint8Array(raw.buffer, raw.byteOffset, 8 * n)));
      assert.ok(Object.is(out[n], 0), "nothing written past n");
    }),
  );
});

test("getFloat64Planes rejects a payload of the wrong size", () => {
  const f = (len: number, n: number) =>
    assert.throws(() => getFloat64Planes(new Float64Array(n), new Uint8Array(len), n), /^RangeError: cannot unmarshal float64 values/, `len=${len} n=${n}`);
  f(7, 1);
  f(9, 1);
  f(1, 0);
});
