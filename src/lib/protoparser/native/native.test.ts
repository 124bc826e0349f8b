import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer, isStaleNaN, staleNaN } from "../../encoding/index.ts";
import { appendHeader, appendBlock, appendMetricName, BlockScratch, NativeEncoder, parseBlock, parseMetricName, parseStream } from "./index.ts";
import { marshalInt64s, unmarshalInt64s } from "./int64_array.ts";
import { decimalToFloatsVM, floatsToDecimalVM, fromFloatVM, goPow10, V_INF_NEG, V_INF_POS, V_STALE_NAN } from "./vm_decimal.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

async function* chunks(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
  if (b.length === 0) return;
}

test("header and metric name bytes", () => {
  const f = (minT: number, maxT: number, want: string) => {
    const bb = new ByteBuffer();
    appendHeader(bb, minT, maxT);
    assert.equal(hex(bb.bytes()), want, `header(${minT}, ${maxT})`);
  };
  f(0, 1, "00000000000000000000000000000002");
  f(-1, 1700000000000, "0000000000000001000003179fcad000");

  const g = (labels: Array<[string, string]>, want: string, back: Array<[string, string]>) => {
    const bb = new ByteBuffer();
    appendMetricName(bb, labels);
    assert.equal(hex(bb.bytes()), want, `metric name of ${JSON.stringify(labels)}`);
    assert.deepEqual(parseMetricName(bb.bytes()), back, `parse of ${want}`);
  };
  // "m" 01 "a" 01 "b" 01
  g([["__name__", "m"], ["a", "b"]], "6d01610162" + "01", [["__name__", "m"], ["a", "b"]]);
  // Bytes 0, 1, 2 are escaped; labels with empty values are left out.
  g([["a", "\u0000\u0001\u0002"], ["__name__", "x"], ["e", ""]], "78016101" + "003000310032" + "01", [["__name__", "x"], ["a", "\u0000\u0001\u0002"]]);
  g([["a", "b"]], "01610162" + "01", [["a", "b"]]);

  const bad = (src: string, re: RegExp) => assert.throws(() => parseMetricName(Buffer.from(src, "hex")), re, src);
  bad("", /cannot unmarshal MetricGroup/);
  bad("6d0161", /cannot find the end/);
  bad("6d01610162", /cannot find the end/);
  bad("6d0100330162", /unsupported escaped char/);
  bad("6d010001", /missing escaped char/);
});

test("portable block bytes as VictoriaMetrics 1.79.5 writes them", () => {
  const f = (ts: number[], vs: number[], want: string) => {
    const bb = new ByteBuffer();
    appendBlock(bb, Float64Array.from(ts), Float64Array.from(vs), 0, ts.length, new BlockScratch());
    assert.equal(hex(bb.bytes()), want, `block of ${JSON.stringify(ts)} ${JSON.stringify(vs)}`);
    const back = parseBlock(bb.bytes());
    assert.deepEqual([...back.timestamps], ts);
    assert.deepEqual([...back.values], vs);
  };
  // firstTs=1000 (zigzag d00f), firstValue=1, rows=3, scale=0, DeltaConst ts, DeltaConst values;
  // ts payload zigzag(1000)=d00f, values payload zigzag(1)=02.
  f([1000, 2000, 3000], [1, 2, 3], "d00f" + "02" + "03" + "00" + "02" + "02" + "02d00f" + "0102");
  // Const values 0.5: mantissa 5, scale -1 (zigzag 01).
  f([5, 6, 7], [0.5, 0.5, 0.5], "0a" + "0a" + "03" + "01" + "02" + "03" + "0102" + "00");
  // A gauge: NearestDelta (6) of mantissas [20, -15, 30] with scale 0.
  f([1, 2, 4], [20, -15, 30], "02" + "28" + "03" + "00" + "05" + "06" + "020202" + "02455a");
});

test("special values use VictoriaMetrics' int64 codes", () => {
  const vals = Float64Array.from([1, Infinity, -Infinity, 2.5, -0]);
  vals[3] = staleNaN;
  const bb = new ByteBuffer();
  appendBlock(bb, Float64Array.from([1, 2, 3, 4, 5]), vals, 0, 5, new BlockScratch());
  const back = parseBlock(bb.bytes());
  assert.equal(back.values[0], 1);
  assert.equal(back.values[1], Infinity);
  assert.equal(back.values[2], -Infinity);
  assert.ok(isStaleNaN(back.values[3]!), "stale marker");
  assert.ok(Object.is(back.values[4], 0), "-0 becomes 0");
  // Decoding VictoriaMetrics' codes directly.
  const out = new Float64Array(3);
  decimalToFloatsVM(out, BigInt64Array.from([V_INF_POS, V_INF_NEG, V_STALE_NAN]), -3, 3);
  assert.equal(out[0], Infinity);
  assert.equal(out[1], -Infinity);
  assert.ok(isStaleNaN(out[2]!));
});

test("VictoriaMetrics' decimal conversion is reproduced", () => {
  const f = (v: number, m: bigint, e: number) => assert.deepEqual(fromFloatVM(v), [m, e], `fromFloatVM(${v})`);
  f(0, 0n, 0);
  f(1, 1n, 0);
  f(-120, -12n, 1);
  f(0.1, 1n, -1);
  f(12.34, 1234n, -2);
  f(0.1 + 0.2, 3n, -1);
  f(9007199254740993, 9007199254740992n, 0);
  f(2 ** 60, 11529215046068469n, 2);
  f(1e300, 1n, 300);
  f(Infinity, V_INF_POS, 0);
  // Go's math.Pow10 is a product of two table entries beyond 10^31.
  assert.equal(goPow10(22), 1e22);
  assert.equal(goPow10(-5), 1e-5);
  assert.equal(goPow10(309), Infinity);
  assert.equal(goPow10(-324), 0);
  const g = (vs: number[], want: bigint[], scale: number) => {
    const out = new BigInt64Array(vs.length);
    assert.equal(floatsToDecimalVM(out, Float64Array.from(vs), vs.length), scale, `scale of ${JSON.stringify(vs)}`);
    assert.deepEqual([...out], want, `mantissas of ${JSON.stringify(vs)}`);
  };
  g([1.5, 20, 300], [15n, 200n, 3000n], -1);
  g([0, 0], [0n, 0n], 0);
  g([1e-300, 1], [0n, 10n ** 18n], -18);
});

test("int64 codec round trip over the full int64 range (fast-check)", () => {
  const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
  const small = fc.bigInt({ min: -(2n ** 20n), max: 2n ** 20n });
  fc.assert(fc.property(fc.array(fc.oneof(int64, small, fc.constant(0n)), { minLength: 1, maxLength: 300 }), (vals) => {
    const a = BigInt64Array.from(vals);
    const bb = new ByteBuffer();
    const { marshalType, firstValue } = marshalInt64s(bb, a, a.length);
    const back = unmarshalInt64s(bb.bytes(), marshalType, firstValue, a.length);
    const got = back instanceof BigInt64Array ? [...back] : [...back].map((x) => BigInt(x));
    assert.deepEqual(got, vals, `round trip of ${vals.length} values, type ${marshalType}`);
  }), { numRuns: 300 });
});

test("block codec round trip (fast-check)", () => {
  const scratch = new BlockScratch();
  const decimalish = fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -6, max: 6 })).map(([m, e]) => Number(`${m}e${e}`));
  const anyDouble = fc.double({ noNaN: true });
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.oneof(decimalish, anyDouble)), { minLength: 1, maxLength: 400 }),
    fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
    (samples, t0) => {
      const n = samples.length;
      const ts = new Float64Array(n), vs = new Float64Array(n);
      let t = t0;
      for (let i = 0; i < n; i++) {
        t += samples[i]![0];
        ts[i] = t;
        vs[i] = samples[i]![1];
      }
      const bb = new ByteBuffer();
      appendBlock(bb, ts, vs, 0, n, scratch);
      const back = parseBlock(bb.bytes());
      assert.deepEqual([...back.timestamps], [...ts], "timestamps are exact");
      // What VictoriaMetrics would store for these values.
      const m = new BigInt64Array(n);
      const vmValues = new Float64Array(n);
      decimalToFloatsVM(vmValues, m, floatsToDecimalVM(m, vs, n), n);
      for (let i = 0; i < n; i++) {
        const got = back.values[i]!, want = vs[i]!;
        if (Object.is(got, want === 0 ? 0 : want)) continue;
        // Not exact: only when VictoriaMetrics itself cannot hold the block exactly, and then as it would store it.
        assert.ok(Object.is(got, vmValues[i]), `value ${i}: got ${got}; want ${want} or VictoriaMetrics' ${vmValues[i]}`);
      }
    },
  ), { numRuns: 300 });
});

test("encoder splits series into blocks of 8192 and drops NaNs; stream parser reads them back", async () => {
  const n = 20000;
  const ts = Float64Array.from({ length: n }, (_, i) => 1e12 + i * 1000);
  const vs = Float64Array.from({ length: n }, (_, i) => (i % 1000 === 7 ? NaN : i * 0.25));
  vs[5] = staleNaN;
  const bb = new ByteBuffer();
  appendHeader(bb, 1e12 + 100_000, 1e12 + 19_999_000);
  const enc = new NativeEncoder();
  const blocks = enc.appendSeries(bb, [["__name__", "x"], ["job", "j"]], ts, vs, 0, n);
  assert.equal(blocks, 3, "20000 samples minus 20 NaNs in blocks of 8192");
  for (const size of [1, 7, 65536]) {
    const got: number[] = [];
    let lines = 0;
    const res = await parseStream(chunks(bb.bytes(), size), (rows) => {
      lines += rows.lines;
      for (let i = 0; i < rows.samples; i++) got.push(rows.timestamps[i]!);
      assert.deepEqual(rows.labels[0], [["__name__", "x"], ["job", "j"]]);
    }, () => assert.fail("no invalid blocks"), { batchSamples: 5000 });
    assert.equal(res.blocks, 3);
    assert.equal(lines, 3);
    // The header's range [100 s, 19999 s] keeps 19900 samples, minus the NaNs among them.
    const want = [...ts].filter((t, i) => t >= 1e12 + 100_000 && i % 1000 !== 7);
    assert.deepEqual(got, want, `chunk size ${size}`);
    assert.equal(res.samples, want.length);
  }
});

test("stream parser never throws anything but its errors on random and mutated input (fast-check)", async () => {
  const bb = new ByteBuffer();
  appendHeader(bb, 0, 2e12);
  const enc = new NativeEncoder();
  for (let s = 0; s < 3; s++) {
    enc.appendSeries(bb, [["__name__", `m${s}`], ["a", "b"]], Float64Array.from([1e12, 1e12 + 10, 1e12 + 30, 1e12 + 40]), Float64Array.from([s, 1.5, -3, 1e20]), 0, 4);
  }
  const valid = bb.toBuffer();
  const check = async (body: Uint8Array) => {
    try {
      await parseStream(chunks(body, 13), () => {}, (_, msg) => assert.match(msg, /^cannot unmarshal/));
    } catch (e) {
      assert.match((e as Error).message, /^(cannot read|too big)/, `unexpected error ${(e as Error).stack}`);
    }
  };
  // Empty frames at the end of the body, split anywhere.
  await check(Buffer.concat([valid, Buffer.alloc(8)]));
  await check(Buffer.concat([valid, Buffer.alloc(4)]));
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (b) => check(b)), { numRuns: 300 });
  await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), async (muts) => {
    const b = Buffer.from(valid);
    for (const [i, v] of muts) b[i] = v;
    await check(b);
  }), { numRuns: 500 });
});
