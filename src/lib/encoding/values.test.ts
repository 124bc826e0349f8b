import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer } from "./byte_buffer.ts";
import { MAX_MANTISSA, isStaleNaN, staleNaN } from "./float_decimal.ts";
import { MarshalType } from "./marshal_type.ts";
import { marshalValues, unmarshalValues } from "./values.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const bitsHex = (a: Float64Array): string => hex(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

// fromBits builds a Float64Array from big-endian hex bit patterns, so that NaN
// payloads never pass through JS arithmetic or plain arrays.
function fromBits(hexes: string[]): Float64Array {
  const a = new Float64Array(hexes.length);
  const dv = new DataView(a.buffer);
  hexes.forEach((h, i) => dv.setBigUint64(8 * i, BigInt("0x" + h), true));
  return a;
}

interface Encoded {
  mt: number;
  first: number;
  scale: number;
  payload: Buffer;
}

function encode(values: Float64Array): Encoded {
  const bb = new ByteBuffer();
  const r = marshalValues(bb, values, values.length);
  return { mt: r.marshalType, first: r.firstValue, scale: r.scale, payload: bb.toBuffer() };
}

function decode(e: Encoded, n: number): Float64Array {
  const out = new Float64Array(n + 1).fill(-7);
  unmarshalValues(out, e.payload, e.mt, e.first, e.scale, n);
  assert.equal(out[n], -7, "nothing is written past dst[n-1]");
  return out.subarray(0, n);
}

function roundTrip(values: Float64Array): Encoded {
  const e = encode(values);
  assert.equal(bitsHex(decode(e, values.length)), bitsHex(values), `type ${e.mt}`);
  return e;
}

// rand is a fixed-seed PRNG (mulberry32) for reproducible inputs.
function makeRand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("marshalValues writes the header fields and the payload", () => {
  const f = (values: Float64Array, mt: number, first: number, scale: number, payloadHex: string) => {
    const e = roundTrip(values);
    const what = `values=[${Array.from(values)}]`;
    assert.deepEqual({ mt: e.mt, first: e.first, scale: e.scale }, { mt, first, scale }, what);
    assert.equal(hex(e.payload), payloadHex, what);
  };
  const F = (vs: number[]) => Float64Array.from(vs);
  f(F([]), MarshalType.Const, 0, 0, "");
  f(F([1.5, 1.5, 1.5]), MarshalType.Const, 15, -1, "");
  f(F([1, 2, 3]), MarshalType.DeltaConst, 1, 0, "02");
  f(F([20.5, 20.25, 20.75]), MarshalType.NearestDelta, 2050, -2, "3164");
  f(F([1000, 2000, 4000, 7000]), MarshalType.NearestDelta2, 1, 3, "020202");
  f(F([0.1, 0.2, 0.30000000000000004]), MarshalType.Float64, 0, 0, "3f3f3fb9c9d39999339999339999339999339999339a9a34");
  f(F([1e-300]), MarshalType.Float64, 0, 0, "01a56e1fc2f8f359");
  const stale = fromBits(["7ff0000000000002", "7ff0000000000002"]);
  f(stale, MarshalType.Const, MAX_MANTISSA + 2, 0, "");
  // 1, stale, 2: mantissas 1, 2^49+2, 2 are a counter with one reset.
  f(fromBits(["3ff0000000000000", "7ff0000000000002", "4000000000000000"]), MarshalType.NearestDelta2, 1, 0, "82808080808080028180808080808004");
  // A NaN payload without a special code keeps its bits through the fallback.
  f(fromBits(["7ff8000000000002", "3ff0000000000000"]), MarshalType.Float64, 0, 0, "7f3ff8f0000000000000000000000200");
});

test("marshalValues compresses large blocks", () => {
  const rand = makeRand(3);
  const walk = new Float64Array(1000);
  const gauge = new Float64Array(1000);
  let w = 0;
  let g = 2000;
  for (let i = 0; i < walk.length; i++) {
    w += rand() - 0.5;
    walk[i] = w;
    g += Math.floor(rand() * 21) - 10;
    gauge[i] = g / 100;
  }
  const f = (values: Float64Array, mt: number, maxBytesPerValue: number, what: string) => {
    const e = roundTrip(values);
    assert.equal(e.mt, mt, what);
    assert.equal(hex(e.payload.subarray(0, 4)), "28b52ffd", `${what}: zstd frame`);
    assert.ok(e.payload.length <= maxBytesPerValue * values.length, `${what}: ${e.payload.length} bytes`);
  };
  f(walk, MarshalType.ZstdFloat64, 7.5, "random walk of doubles");
  f(gauge, MarshalType.ZstdNearestDelta, 1, "gauge with 2 decimals");
});

test("staleNaN stored into a Float64Array survives the codec", () => {
  const values = new Float64Array(100);
  for (let i = 0; i < values.length; i++) values[i] = i % 10 === 9 ? staleNaN : i / 4;
  const out = decode(roundTrip(values), values.length);
  for (let i = 0; i < out.length; i++) assert.equal(isStaleNaN(out[i]!), i % 10 === 9, `item ${i}`);
});

// Realistic value columns.
const realistic = fc.oneof(
  // counters with resets
  fc.tuple(fc.nat(1e9), fc.array(fc.nat(1000), { maxLength: 400 }), fc.array(fc.nat(399), { maxLength: 3 })).map(([start, incs, resets]) => {
    let v = start;
    return Float64Array.from(incs.map((d, i) => (resets.includes(i) ? (v = d) : (v += d))));
  }),
  // gauges with 2 decimals
  fc.tuple(fc.integer({ min: -100000, max: 100000 }), fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 400 })).map(([start, steps]) => {
    let v = start;
    return Float64Array.from(steps.map((d) => (v += d) / 100));
  }),
  // constants, occasionally with stale markers
  fc.tuple(fc.double(), fc.nat(300), fc.array(fc.nat(299), { maxLength: 3 })).map(([c, n, stale]) => {
    const a = new Float64Array(n).fill(c);
    for (const i of stale) if (i < n) a[i] = staleNaN;
    return a;
  }),
  // any doubles, including -0, subnormals, huge and tiny exponents, Inf and NaN
  fc.float64Array({ maxLength: 100 }),
  // any bit patterns, including every NaN payload
  fc.bigUint64Array({ maxLength: 50 }).map((b) => new Float64Array(b.buffer, b.byteOffset, b.length)),
  // decimals mixed with special values
  fc.array(fc.oneof(fc.integer({ min: -1e6, max: 1e6 }).map((m) => m / 1000), fc.constantFrom(Infinity, -Infinity, -0, 0, NaN)), { maxLength: 100 }).map((vs) => Float64Array.from(vs)),
);

test("values round trip bit for bit", () => {
  fc.assert(
    fc.property(realistic, (values) => {
      const e = roundTrip(values);
      assert.ok(Number.isInteger(e.scale) && Math.abs(e.scale) <= 22, `scale ${e.scale}`);
      assert.ok(Number.isSafeInteger(e.first), `first ${e.first}`);
      assert.equal(hex(encode(values).payload), hex(e.payload), "deterministic");
    }),
    { numRuns: 400 },
  );
});

test("values blocks with a truncated or extended payload are rejected", () => {
  fc.assert(
    fc.property(realistic, (values) => {
      const e = encode(values);
      const n = values.length;
      if (e.payload.length > 0) {
        const truncated = { ...e, payload: e.payload.subarray(0, e.payload.length - 1) };
        assert.throws(() => decode(truncated, n), /cannot /, `truncated type ${e.mt}`);
      }
      // zstd ignores bytes after its frame, so only plain payloads can tell.
      if (e.mt !== MarshalType.ZstdFloat64 && e.mt !== MarshalType.ZstdNearestDelta && e.mt !== MarshalType.ZstdNearestDelta2) {
        const extended = { ...e, payload: Buffer.concat([e.payload, Buffer.from([0])]) };
        assert.throws(() => decode(extended, n), /cannot /, `extended type ${e.mt}`);
      }
      if (e.mt !== MarshalType.Const && e.mt !== MarshalType.DeltaConst) {
        assert.throws(() => decode(e, n + 1), /cannot /, `n+1 items of type ${e.mt}`);
      }
    }),
    { numRuns: 300 },
  );
});

test("unmarshalValues on random input throws 'cannot ...' or decodes exactly n values", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 80 }),
      fc.integer({ min: 0, max: 9 }),
      fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(MAX_MANTISSA + 2, -(MAX_MANTISSA + 4), 2 ** 50, 0.5)),
      fc.integer({ min: -25, max: 25 }),
      fc.nat(40),
      (src, mt, first, scale, n) => {
        const out = new Float64Array(n + 1).fill(-7);
        try {
          unmarshalValues(out, src, mt, first, scale, n);
        } catch (e) {
          assert.match((e as Error).message, /^cannot /);
          return;
        }
        assert.equal(out[n], -7);
      },
    ),
    { numRuns: 2000 },
  );
});

test("marshalValues and unmarshalValues work on subarrays", () => {
  const big = fromBits(["3ff0000000000000", "7ff0000000000002", "8000000000000000", "3fb999999999999a", "7ff8000000000001", "4000000000000000"]);
  const f = (start: number, end: number) => {
    const values = big.subarray(start, end);
    const e = encode(values);
    const out = new Float64Array(10);
    unmarshalValues(out.subarray(3), e.payload, e.mt, e.first, e.scale, values.length);
    assert.equal(bitsHex(out.subarray(3, 3 + values.length)), bitsHex(values), `values[${start}:${end}] type ${e.mt}`);
    assert.equal(bitsHex(out.subarray(0, 3)), "00".repeat(24), "nothing written before the subarray");
  };
  f(1, 3); // decimal path with specials
  f(1, 6); // fallback with a NaN payload
  f(0, 2);
});
