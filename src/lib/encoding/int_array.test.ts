import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer } from "./byte_buffer.ts";
import { MAX_INT_ARRAY_ABS, MarshalType, marshalInt64Array, unmarshalInt64Array } from "./int_array.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function encode(vs: ArrayLike<number>): { mt: number; first: number; payload: Buffer } {
  const bb = new ByteBuffer();
  const r = marshalInt64Array(bb, Float64Array.from(vs), vs.length);
  return { mt: r.marshalType, first: r.firstValue, payload: bb.toBuffer() };
}

function decode(payload: Uint8Array, mt: number, first: number, n: number): number[] {
  const out = new Float64Array(n + 1).fill(-7);
  unmarshalInt64Array(out, payload, mt, first, n);
  assert.equal(out[n], -7, "nothing is written past dst[n-1]");
  return Array.from(out.subarray(0, n));
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

test("marshalInt64Array picks the type and writes the payload", () => {
  const f = (vs: number[], mtExpected: number, hexExpected: string) => {
    const { mt, first, payload } = encode(vs);
    assert.equal(mt, mtExpected, `type of [${vs}]`);
    assert.equal(hex(payload), hexExpected, `payload of [${vs}]`);
    assert.equal(first, vs.length === 0 ? 0 : vs[0], `first of [${vs}]`);
    assert.deepEqual(decode(payload, mt, first, vs.length), vs, `round trip of [${vs}]`);
  };
  f([], MarshalType.Const, "");
  f([7], MarshalType.Const, "");
  f([5, 5, 5], MarshalType.Const, "");
  f([-3, -3], MarshalType.Const, "");
  f([1, -3], MarshalType.DeltaConst, "07");
  f([10, 20, 30], MarshalType.DeltaConst, "14");
  f([10, 7, 4], MarshalType.DeltaConst, "05");
  f([1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000], MarshalType.DeltaConst, "b0ea01");
  // A drop that a counter reset cannot explain: gauge, first-order deltas.
  f([5, 3, 8], MarshalType.NearestDelta, "030a");
  // A negative value: gauge.
  f([1, 2, -4], MarshalType.NearestDelta, "020b");
  // Counter: the first delta, then second-order deltas.
  f([1, 2, 4, 7], MarshalType.NearestDelta2, "020202");
  // Counter with one reset (200 -> 5 falls below 200/8).
  f([100, 200, 5, 105], MarshalType.NearestDelta2, "c801cd04ce04");
  // Resets in more than 1/8 of the items: gauge.
  f([0, 10, 0, 10, 0, 10, 0, 11], MarshalType.NearestDelta, "14131413141316");
  // Large values take long varints.
  f([0, 2 ** 49, 3], MarshalType.NearestDelta2, "8080808080808002f9ffffffffffff03");
  f([-(2 ** 50) + 1, 2 ** 50 - 1, 0], MarshalType.NearestDelta, "fcffffffffffff07fdffffffffffff03");
});

test("marshalInt64Array compresses large payloads with zstd only when it pays", () => {
  const rand = makeRand(1);
  const counter: number[] = [];
  const gauge: number[] = [];
  const noisy: number[] = [];
  let r = 0;
  let c = 1000;
  let g = 0;
  for (let i = 0; i < 1000; i++) {
    c += Math.floor(rand() * 10);
    counter.push(c);
    g += Math.floor(rand() * 21) - 10;
    gauge.push(g);
    // Uniform deltas in [-64, 63]: one varint byte with 7 random bits each.
    r += Math.floor(rand() * 128) - 64;
    noisy.push(r);
  }
  const f = (vs: number[], mtExpected: number, what: string) => {
    const { mt, first, payload } = encode(vs);
    assert.equal(mt, mtExpected, what);
    if (mt === MarshalType.ZstdNearestDelta || mt === MarshalType.ZstdNearestDelta2) {
      assert.equal(hex(payload.subarray(0, 4)), "28b52ffd", `${what}: a zstd frame`);
      assert.ok(payload.length < 1000, `${what}: ${payload.length} bytes`);
    } else {
      assert.ok(payload.length >= 128, `${what}: large plain payload`);
    }
    assert.deepEqual(decode(payload, mt, first, vs.length), vs, what);
  };
  f(counter, MarshalType.ZstdNearestDelta2, "counter");
  f(gauge, MarshalType.ZstdNearestDelta, "gauge");
  f(noisy, MarshalType.NearestDelta, "random 7-bit deltas do not compress by 10%");
});

test("marshalInt64Array appends after existing bytes", () => {
  const bb = new ByteBuffer();
  bb.appendBytes(Buffer.from("abcd", "hex"));
  const r = marshalInt64Array(bb, new Float64Array([1, 2, 4, 7, 100]), 4);
  assert.equal(r.marshalType, MarshalType.NearestDelta2);
  assert.equal(hex(bb.bytes()), "abcd020202");
});

test("marshalInt64Array rejects values outside the domain", () => {
  const f = (vs: number[]) =>
    assert.throws(() => marshalInt64Array(new ByteBuffer(), new Float64Array(vs), vs.length), /^Error: BUG: /, `[${vs}]`);
  f([2 ** 50]);
  f([0, -(2 ** 50)]);
  f([1, 2, 2.5]);
  f([NaN]);
  f([1, Infinity]);
  assert.throws(() => marshalInt64Array(new ByteBuffer(), new Float64Array(2), 3), /^Error: BUG: /, "n > length");
});

// classify is a plain restatement of the type rules, to check the encoder's choice.
function classify(vs: number[]): string {
  if (vs.length === 0 || vs.every((v) => v === vs[0])) return "const";
  if (vs.every((v, i) => i === 0 || v - vs[i - 1]! === vs[1]! - vs[0]!)) return "deltaConst";
  if (vs.some((v) => v < 0)) return "gauge";
  let resets = 0;
  for (let i = 1; i < vs.length; i++) {
    if (vs[i]! < vs[i - 1]!) {
      if (vs[i]! > Math.floor(vs[i - 1]! / 8)) return "gauge";
      resets++;
    }
  }
  return resets > 2 && resets > Math.floor(vs.length / 8) ? "gauge" : "counter";
}

const familyOf: Record<number, string> = {
  [MarshalType.Const]: "const",
  [MarshalType.DeltaConst]: "deltaConst",
  [MarshalType.NearestDelta]: "gauge",
  [MarshalType.ZstdNearestDelta]: "gauge",
  [MarshalType.NearestDelta2]: "counter",
  [MarshalType.ZstdNearestDelta2]: "counter",
};

const domainInt = fc.maxSafeInteger().map((v) => v % MAX_INT_ARRAY_ABS);

// Realistic series: counters with resets, gauges, constants, timestamps with jitter.
const series = fc.oneof(
  fc.array(domainInt, { maxLength: 300 }),
  fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 300 }),
  fc.tuple(fc.nat(1e9), fc.array(fc.nat(1000), { maxLength: 500 }), fc.array(fc.nat(499), { maxLength: 4 })).map(([start, incs, resetsAt]) => {
    let v = start;
    return incs.map((d, i) => (resetsAt.includes(i) ? (v = d) : (v += d)));
  }),
  fc.tuple(fc.integer({ min: 0, max: 2 ** 42 }), fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 1000 })).map(([t0, jitter]) =>
    jitter.map((j, i) => t0 + i * 15_000 + j),
  ),
  fc.tuple(fc.integer(), fc.nat(1000)).map(([v, n]) => new Array<number>(n).fill(v)),
);

test("int arrays round trip and follow the type rules", () => {
  fc.assert(
    fc.property(series, (vs) => {
      const { mt, first, payload } = encode(vs);
      assert.equal(familyOf[mt], classify(vs), `type ${mt}`);
      assert.deepEqual(decode(payload, mt, first, vs.length), vs);
      const again = encode(vs);
      assert.equal(hex(again.payload), hex(payload), "deterministic");
    }),
    { numRuns: 300 },
  );
});

test("unmarshalInt64Array rejects corrupt blocks", () => {
  const f = (payloadHex: string, mt: number, first: number, n: number, what: string) =>
    assert.throws(
      () => unmarshalInt64Array(new Float64Array(n + 1), Buffer.from(payloadHex, "hex"), mt, first, n),
      (e: Error) => (e instanceof RangeError || e instanceof Error) && e.message.startsWith("cannot "),
      what,
    );
  f("00", MarshalType.Const, 5, 3, "const with payload");
  f("", MarshalType.DeltaConst, 5, 3, "delta const without payload");
  f("0202", MarshalType.DeltaConst, 5, 3, "delta const with trailing bytes");
  f("80", MarshalType.DeltaConst, 5, 3, "delta const truncated");
  f("ffffffffffffffffff01", MarshalType.DeltaConst, 5, 3, "delta const varint too long");
  f("feffffffffffff0f", MarshalType.DeltaConst, 0, 3, "delta const leaving the domain");
  f("0202", MarshalType.NearestDelta2, 1, 4, "delta2 truncated");
  f("02020202", MarshalType.NearestDelta2, 1, 4, "delta2 with trailing bytes");
  f("0202", MarshalType.NearestDelta, 1, 4, "delta truncated");
  f("020202", MarshalType.NearestDelta, 1, 2, "delta with trailing bytes");
  f("02", MarshalType.NearestDelta, 1, 1, "one item has no deltas");
  f("02", MarshalType.NearestDelta, 1, 0, "no items have no deltas");
  f("feffffffffffff0f02", MarshalType.NearestDelta, 2 ** 49, 3, "delta leaving the domain");
  f("feffffffffffff0f02", MarshalType.NearestDelta2, 2 ** 49, 3, "delta2 leaving the domain");
  f("020202", MarshalType.ZstdNearestDelta, 1, 4, "not a zstd frame");
  f("020202", MarshalType.ZstdNearestDelta2, 1, 4, "not a zstd frame");
  f("", 0, 1, 1, "unknown type 0");
  f("", 7, 1, 1, "float64 type is not an int array type");
  f("", MarshalType.Const, 2 ** 50, 1, "first value outside the domain");
  f("", MarshalType.Const, 0.5, 1, "fractional first value");
});

test("unmarshalInt64Array rejects a zstd block decoded with the wrong count", () => {
  const vs = Array.from({ length: 500 }, (_, i) => i * i);
  const { mt, first, payload } = encode(vs);
  assert.equal(mt, MarshalType.ZstdNearestDelta2);
  assert.throws(() => decode(payload, mt, first, 499), /^RangeError: cannot unmarshal/);
  assert.throws(() => decode(payload, mt, first, 501), /^RangeError: cannot unmarshal/);
  const flipped = Buffer.from(payload);
  flipped[flipped.length - 5]! ^= 0x40;
  assert.throws(() => decode(flipped, mt, first, 500), /^Error: cannot decompress zstd data/);
});

test("unmarshalInt64Array on random bytes throws 'cannot ...' or decodes n in-domain values", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: -1000, max: 1000 }), fc.nat(40), (src, mt, first, n) => {
      const out = new Float64Array(n + 1).fill(-7);
      try {
        unmarshalInt64Array(out, src, mt, first, n);
      } catch (e) {
        assert.ok((e as Error).message.startsWith("cannot "), (e as Error).message);
        return;
      }
      assert.equal(out[n], -7);
      for (let i = 0; i < n; i++) assert.ok(Number.isInteger(out[i]) && Math.abs(out[i]!) < MAX_INT_ARRAY_ABS, `item ${i} = ${out[i]}`);
    }),
    { numRuns: 2000 },
  );
});
