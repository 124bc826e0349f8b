import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  MAX_MANTISSA,
  SPECIAL_NAN,
  SPECIAL_NEG_INF,
  SPECIAL_NEG_NAN,
  SPECIAL_NEG_ZERO,
  SPECIAL_POS_INF,
  SPECIAL_STALE_NAN,
  decimalToFloats,
  floatsToDecimal,
  isStaleNaN,
  staleNaN,
} from "./float_decimal.ts";

const M = MAX_MANTISSA;

// fromBits builds a Float64Array from big-endian hex bit patterns, so that NaN
// payloads never pass through JS arithmetic or plain arrays.
function fromBits(hexes: string[]): Float64Array {
  const a = new Float64Array(hexes.length);
  const dv = new DataView(a.buffer);
  hexes.forEach((h, i) => dv.setBigUint64(8 * i, BigInt("0x" + h), true));
  return a;
}

function bitsOf(a: Float64Array): string[] {
  const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
  return Array.from({ length: a.length }, (_, i) => dv.getBigUint64(8 * i, true).toString(16).padStart(16, "0"));
}

// Plain numbers are fine for test inputs without NaN payloads.
function roundTrip(values: Float64Array): { e: number | undefined; m: number[] } {
  const n = values.length;
  const m = new Float64Array(n);
  const e = floatsToDecimal(m, values, n);
  if (e !== undefined) {
    const out = new Float64Array(n);
    decimalToFloats(out, m, e, n);
    assert.deepEqual(bitsOf(out), bitsOf(values), `decoding [${Array.from(values)}] at e=${e}`);
    const inPlace = Float64Array.from(m);
    decimalToFloats(inPlace, inPlace, e, n);
    assert.deepEqual(bitsOf(inPlace), bitsOf(values), "in-place decoding");
  }
  return { e, m: Array.from(m) };
}

test("floatsToDecimal finds the common exponent", () => {
  const f = (values: number[], eExpected: number | undefined, mExpected?: number[]) => {
    const { e, m } = roundTrip(Float64Array.from(values));
    assert.equal(e, eExpected, `exponent of [${values}]`);
    if (mExpected !== undefined) assert.deepEqual(m, mExpected, `mantissas of [${values}]`);
  };
  f([], 0, []);
  f([1, 2, 3], 0, [1, 2, 3]);
  f([0, 0], 0, [0, 0]);
  f([1000, 2000, 0], 3, [1, 2, 0]);
  f([1500, 20], 1, [150, 2]);
  f([1.5, 2.25], -2, [150, 225]);
  f([2.25, 1.5], -2, [225, 150]);
  f([-1.234], -3, [-1234]);
  f([0.1], -1, [1]);
  f([123.456, 7], -3, [123456, 7000]);
  f([7, 123.456], -3, [7000, 123456]);
  f([0, 0.5, -0.25], -2, [0, 50, -25]);
  f([1e20], 20, [1]);
  f([1e20, 3e20, 0], 20, [1, 3, 0]);
  f([1e22], 22, [1]);
  f([1e-22], -22, [1]);
  f([2 ** 49], 0, [2 ** 49]);
  f([-(2 ** 49)], 0, [-(2 ** 49)]);
  // No exact decimal form within the bounds: fallback.
  f([0.1, 0.2, 0.30000000000000004], undefined);
  f([1e-23], undefined);
  f([5e-324], undefined);
  f([1e300], undefined);
  f([2 ** 49 + 1], undefined);
  f([2 ** 53], undefined);
  f([1 / 3], undefined);
  f([12.34, 1e13], undefined);
  f([1e13, 12.34], undefined);
  f([1e20, 5], undefined);
  f([5, 1e20], undefined);
  f([0.123456789012345], -15, [123456789012345]);
  f([0.1234567890123456], undefined);
});

test("floatsToDecimal codes special values", () => {
  const f = (bits: string[], eExpected: number | undefined, mExpected?: number[]) => {
    const values = fromBits(bits);
    const { e, m } = roundTrip(values);
    assert.equal(e, eExpected, `exponent of [${bits}]`);
    if (mExpected !== undefined) assert.deepEqual(m, mExpected, `mantissas of [${bits}]`);
  };
  f(["7ff0000000000000", "fff0000000000000"], 0, [SPECIAL_POS_INF, SPECIAL_NEG_INF]);
  f(["7ff0000000000002"], 0, [SPECIAL_STALE_NAN]);
  f(["8000000000000000", "0000000000000000"], 0, [SPECIAL_NEG_ZERO, 0]);
  f(["7ff8000000000000", "fff8000000000000"], 0, [SPECIAL_NAN, SPECIAL_NEG_NAN]);
  // 1.5, stale, -0, 2.25: specials are not rescaled with the exponent.
  f(["3ff8000000000000", "7ff0000000000002", "8000000000000000", "4002000000000000"], -2, [150, SPECIAL_STALE_NAN, SPECIAL_NEG_ZERO, 225]);
  // Other NaN payloads have no code: fallback.
  f(["7ff8000000000001"], undefined);
  f(["7ff8000000000002"], undefined);
  f(["fff0000000000001"], undefined);
  f(["7fffffffffffffff"], undefined);
});

test("decimalToFloats rejects bad exponents and mantissas", () => {
  const f = (m: number[], e: number, what: string) =>
    assert.throws(() => decimalToFloats(new Float64Array(m.length), Float64Array.from(m), e, m.length), /^RangeError: cannot unmarshal/, what);
  f([1], 23, "exponent 23");
  f([1], -23, "exponent -23");
  f([1], 0.5, "fractional exponent");
  f([M + 4], 0, "mantissa 2^49+4");
  f([-(M + 4)], -2, "mantissa -(2^49+4)");
  f([M * 4], 3, "mantissa 2^51");
});

test("staleNaN and isStaleNaN", () => {
  assert.ok(isStaleNaN(staleNaN));
  assert.ok(!isStaleNaN(NaN));
  assert.ok(!isStaleNaN(0));
  assert.ok(!isStaleNaN(Infinity));
  const a = new Float64Array(4);
  a[1] = staleNaN;
  assert.deepEqual(bitsOf(a.subarray(1, 2)), ["7ff0000000000002"], "stale NaN survives a typed array store");
  assert.ok(isStaleNaN(a[1]!), "and a typed array load");
  assert.ok(isStaleNaN(fromBits(["7ff0000000000002"])[0]!));
  assert.ok(isStaleNaN(fromBits(["7ff8000000000002"])[0]!), "the quieted marker is still stale");
  assert.ok(!isStaleNaN(fromBits(["7ff8000000000001"])[0]!), "another payload is not stale");
});

// decimals builds a block m[i] / 10^k with |m| <= 2^49, which must be accepted.
const decimalBlock = fc
  .tuple(fc.integer({ min: 0, max: 15 }), fc.array(fc.maxSafeInteger().map((v) => v % (M + 1)), { minLength: 1, maxLength: 50 }))
  .map(([k, ms]) => ({ k, values: Float64Array.from(ms.map((m) => m / 10 ** k)) }));

test("floatsToDecimal accepts every block of decimals with a common exponent", () => {
  fc.assert(
    fc.property(decimalBlock, ({ k, values }) => {
      const { e, m } = roundTrip(values);
      assert.notEqual(e, undefined, `k=${k}`);
      assert.ok(e! >= -k, `e=${e} k=${k}`);
      for (const x of m) assert.ok(Number.isInteger(x) && Math.abs(x) <= M);
    }),
    { numRuns: 500 },
  );
});

test("floatsToDecimal round trips any doubles bit for bit or falls back", () => {
  const specials = fc.constantFrom(
    ...fromBits(["7ff0000000000002", "7ff8000000000000", "fff8000000000000", "7ff8000000000001", "8000000000000000", "7ff0000000000000", "fff0000000000000", "0000000000000001", "7fefffffffffffff"]),
  );
  const value = fc.oneof(
    fc.double(),
    fc.integer({ min: -1e6, max: 1e6 }).map((m) => m / 100),
    fc.integer().map((m) => m * 1000),
    specials,
  );
  fc.assert(
    fc.property(fc.array(value, { maxLength: 60 }), fc.bigUint64Array({ maxLength: 4 }), (vs, raw) => {
      const values = new Float64Array(vs.length + raw.length);
      values.set(vs);
      values.set(new Float64Array(raw.buffer), vs.length);
      const { e, m } = roundTrip(values);
      if (e !== undefined) {
        assert.ok(Number.isInteger(e) && Math.abs(e) <= 22, `e=${e}`);
        for (const x of m) assert.ok(Number.isInteger(x) && Math.abs(x) <= M + 3, `mantissa ${x}`);
      }
    }),
    { numRuns: 1000 },
  );
});
