// Micro-benchmark of the block codecs (run by hand, not part of npm test):
//   node_modules/.bin/node src/lib/encoding/values.bench.ts
// For each series it reports the marshal type, encode and decode time per
// value and the encoded size per value, on blocks of 8192 rows (the storage
// block size). Inputs come from a fixed-seed generator, so sizes repeat.
// "L5" is the size with the same raw payload compressed at zstd level 5,
// the level VictoriaMetrics uses for 8k-row blocks; the raw payloads of
// types 1..6 are byte-identical to VictoriaMetrics' for the same integers.

import { ByteBuffer } from "./byte_buffer.ts";
import { compressZstd, decompressZstd } from "./compress.ts";
import { marshalInt64Array, unmarshalInt64Array } from "./int_array.ts";
import { marshalValues, unmarshalValues } from "./values.ts";

const N = 8192;

// rand is a small fixed-seed PRNG (mulberry32) returning [0, 1).
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

function series(name: string): Float64Array {
  const rand = makeRand(42);
  const a = new Float64Array(N);
  const t0 = 1_700_000_000_000;
  let x = 0;
  for (let i = 0; i < N; i++) {
    switch (name) {
      case "timestamps 15s regular":
        a[i] = t0 + i * 15_000;
        break;
      case "timestamps 15s jitter":
        a[i] = t0 + i * 15_000 + Math.floor(rand() * 21) - 10;
        break;
      case "counter noisy increments":
        x += Math.floor(rand() * 200);
        a[i] = x;
        break;
      case "gauge 2 decimals":
        x = i === 0 ? 2345 : Math.max(0, x + Math.floor(rand() * 41) - 20);
        a[i] = x / 100;
        break;
      case "node_load1":
        // /proc/loadavg-style: 2 decimals, small, slowly drifting.
        x = i === 0 ? 80 : Math.max(0, x + Math.floor(rand() * 7) - 3);
        a[i] = x / 100;
        break;
      case "float gauge (fallback)":
        x += rand() - 0.5;
        a[i] = x;
        break;
    }
  }
  return a;
}

function bench(name: string, ints: boolean): void {
  const a = series(name);
  const out = new Float64Array(N);
  const bb = new ByteBuffer(16 * N);
  let mt = 0, first = 0, scale = 0;
  const encode = (): void => {
    bb.reset();
    if (ints) {
      const r = marshalInt64Array(bb, a, N);
      mt = r.marshalType;
      first = r.firstValue;
    } else {
      const r = marshalValues(bb, a, N);
      mt = r.marshalType;
      first = r.firstValue;
      scale = r.scale;
    }
  };
  const decode = (): void => {
    if (ints) unmarshalInt64Array(out, bb.bytes(), mt, first, N);
    else unmarshalValues(out, bb.bytes(), mt, first, scale, N);
  };
  const time = (fn: () => void): number => {
    for (let i = 0; i < 30; i++) fn();
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const iters = 40;
      const t = process.hrtime.bigint();
      for (let i = 0; i < iters; i++) fn();
      const ns = Number(process.hrtime.bigint() - t) / iters / N;
      if (ns < best) best = ns;
    }
    return best;
  };
  const encNs = time(encode);
  const decNs = time(decode);
  for (let i = 0; i < N; i++) {
    if (!Object.is(out[i], a[i])) throw new Error(`BUG: ${name}: item ${i} decoded as ${out[i]}; want ${a[i]}`);
  }
  const zstd = mt === 1 || mt === 4 || mt === 8;
  const l5 = zstd ? compressZstd(decompressZstd(bb.bytes()), 5).length : bb.length;
  console.log(
    `${name.padEnd(26)} type=${mt} encode ${encNs.toFixed(1).padStart(5)} ns/v  decode ${decNs.toFixed(1).padStart(5)} ns/v  ` +
      `size ${(bb.length / N).toFixed(3)} B/v (L5 ${(l5 / N).toFixed(3)})`,
  );
}

bench("timestamps 15s regular", true);
bench("timestamps 15s jitter", true);
bench("counter noisy increments", false);
bench("gauge 2 decimals", false);
bench("node_load1", false);
bench("float gauge (fallback)", false);
