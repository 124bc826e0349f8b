import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ProtoError, ProtoWriter } from "../../protobuf/index.ts";
import { SeriesRows } from "../datadogutil/index.ts";
import { parseSketches } from "./parser.ts";
import { keyLowerBound, sketchQuantile } from "./quantile.ts";

const gamma = 1 + 2 / 128;

test("keyLowerBound", () => {
  const f = (k: number, want: number) => assert.equal(keyLowerBound(k), want, `keyLowerBound(${k})`);
  f(0, 0);
  // Key 1338 starts at 1: 1e-9 is key 1.
  f(1338, 1);
  f(-1338, -1);
  f(1339, gamma);
  f(32767, Infinity);
  f(-32767, -Infinity);
  f(40000, Infinity);
  assert.ok(Math.abs(keyLowerBound(1) / 1e-9 - 1) < 2 / 128, "key 1 is about 1e-9");
});

test("sketchQuantile", () => {
  const f = (q: number, cnt: number, min: number, max: number, k: number[], n: number[], want: number) => {
    const got = sketchQuantile(q, cnt, min, max, k, n);
    assert.ok(Math.abs(got - want) <= Math.abs(want) * 1e-15, `sketchQuantile(${q}, ${cnt}, ${min}, ${max}, [${k}], [${n}]) = ${got}; want ${want}`);
  };
  f(0.5, 0, 1, 2, [1338], [0], 0);
  f(0, 10, 1, 2, [1338], [10], 1);
  f(1, 10, 1, 2, [1338], [10], 2);
  f(0.5, 10, 1, 2, [1338, 1339], [10], 0);
  // rank round(4.5) = 4 (ties to even); the first bin starts at min: 1*0.6 + gamma*0.4.
  f(0.5, 10, 1, 2, [1338], [10], 0.6 + gamma * 0.4);
  // rank round(8.1) = 8 falls in the second bin: weight (10-8)/8.
  const lo = Math.pow(gamma, 62);
  f(0.9, 10, 1, 5, [1338, 1400], [2, 8], lo * 0.25 + lo * gamma * 0.75);
  // rank round(2.5) = 2 (even): inside bin 0 (3 values): weight 1/3.
  f(0.5, 6, 0.5, 9, [1338, 1400], [3, 3], 0.5 / 3 + gamma * 2 / 3);
  // Counts that do not reach the rank: max.
  f(0.99, 100, 1, 7, [1338], [5], 7);
});

// payload builds a SketchPayload.
function payload(sketches: Array<{ metric?: string; host?: string; tags?: string[]; dogs?: Array<{ ts: number; cnt: number; min: number; max: number; sum: number; k: number[]; n: number[] }> }>): Uint8Array {
  const w = new ProtoWriter();
  for (const s of sketches) {
    w.beginMessage(1);
    if (s.metric !== undefined) w.string(1, s.metric);
    if (s.host !== undefined) w.string(2, s.host);
    for (const t of s.tags ?? []) w.string(4, t);
    for (const d of s.dogs ?? []) {
      w.beginMessage(7);
      w.int64(1, d.ts);
      w.int64(2, d.cnt);
      w.double(3, d.min);
      w.double(4, d.max);
      w.double(6, d.sum);
      w.int64(5, 1); // avg: unknown to the parser, skipped
      if (d.k.length > 0) w.packedVarints(7, d.k.map((k) => (k << 1) ^ (k >> 31)));
      if (d.n.length > 0) w.packedVarints(8, d.n);
      w.endMessage();
    }
    w.endMessage();
  }
  return w.finish().slice();
}

function dump(r: SeriesRows): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.lines; i++) {
    const l = r.labels[i]!.map(([k, v]) => `${k}=${v}`).join(",");
    const s: string[] = [];
    for (let j = r.offsets[i]!; j < r.offsets[i + 1]!; j++) s.push(`${r.timestamps[j]}=${r.values[j]}`);
    out.push(`{${l}} ${s.join(" ")}`);
  }
  return out;
}

test("parseSketches makes quantile, sum, count, min and max series", () => {
  const rows = new SeriesRows();
  const body = payload([{ metric: "req-latency", host: "h", tags: ["env:prod", "host:t"], dogs: [
    { ts: 1700000000, cnt: 10, min: 1, max: 2, sum: 15, k: [1338], n: [10] },
    { ts: 1700000010, cnt: 0, min: 0, max: 0, sum: 0, k: [], n: [] },
  ] }, { metric: "nodogs" }]);
  const n = parseSketches(body, rows, { sanitize: true, extraLabels: [["x", "y"]] });
  assert.equal(n, 18);
  const tail = "env=prod,host=t,x=y";
  const q = (name: string, v: string) => `{host=h,__name__=req_latency,quantile=${name},${tail}} 1700000000000=${v} 1700000010000=0`;
  assert.deepEqual(dump(rows), [
    q("0.5", String(0.6 + gamma * 0.4)),
    q("0.75", String((10 - 7) / 10 + gamma * 7 / 10)),
    q("0.9", String(2 / 10 + gamma * 8 / 10)),
    q("0.95", String(1 / 10 + gamma * 9 / 10)),
    q("0.99", String(1 / 10 + gamma * 9 / 10)),
    `{host=h,__name__=req_latency.sum,${tail}} 1700000000000=15 1700000010000=0`,
    `{host=h,__name__=req_latency.count,${tail}} 1700000000000=10 1700000010000=0`,
    `{host=h,__name__=req_latency.min,${tail}} 1700000000000=1 1700000010000=0`,
    `{host=h,__name__=req_latency.max,${tail}} 1700000000000=2 1700000010000=0`,
  ]);
});

test("parseSketches rejects malformed protobuf", () => {
  const f = (hex: string, want: RegExp) => {
    assert.throws(() => parseSketches(Buffer.from(hex, "hex"), new SeriesRows(), { sanitize: false }), (e: unknown) => e instanceof ProtoError && want.test(e.message), hex);
  };
  f("0a", /cannot read next field in SketchPayload message/);
  f("0801", /cannot read Sketch data/);
  f("0a020801", /cannot unmarshal Sketch: cannot read metric/);
  f("0a043a020a00", /cannot unmarshal Sketch: cannot unmarshal Dogsketch: cannot read timestamp/);
  f("0a053a033a0180", /cannot read k/);
  f("0a0b3a09390000000000000000", /cannot read k/);
  f("0a033a0108", /cannot unmarshal Dogsketch: cannot read next field in Dogsketch message/);
});

test("parseSketches throws only ProtoError", () => {
  const rows = new SeriesRows();
  const dog = fc.record({ ts: fc.integer({ min: -1e9, max: 4e9 }), cnt: fc.nat(1000), min: fc.double(), max: fc.double(), sum: fc.double(),
    k: fc.array(fc.integer({ min: -40000, max: 40000 }), { maxLength: 4 }), n: fc.array(fc.nat(100), { maxLength: 4 }) });
  const valid = fc.array(fc.record({ metric: fc.string(), host: fc.string(), tags: fc.array(fc.string(), { maxLength: 2 }), dogs: fc.array(dog, { maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 2 }).map(payload);
  const mutate = (b: Uint8Array, i: number, x: number) => {
    const c = b.slice();
    if (c.length > 0) c[i % c.length] = x;
    return c;
  };
  const body = fc.oneof(valid, fc.uint8Array({ maxLength: 64 }),
    fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, x]) => mutate(b, i, x)),
    fc.tuple(valid, fc.nat()).map(([b, i]) => b.subarray(0, i % (b.length + 1))));
  fc.assert(fc.property(body, (b) => {
    rows.reset();
    try {
      const n = parseSketches(b, rows, { sanitize: true });
      assert.equal(n, rows.samples);
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
    }
  }), { numRuns: 1000 });
});
