import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Storage } from "./storage.ts";
import { decodeBatchSeries, SampleRuns, takeBatchFills } from "../seriesbatch/index.ts";
import { blockPayloadCache } from "./block_payload_cache.ts";
import type { Label } from "./metric_name.ts";

test("searchBatches decoded with decodeBatchSeries gives what search gives, over several parts and a time range", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-batch-"));
  const st = Storage.open(dir, { retentionMs: 30 * 86_400_000, flushIntervalMs: 0, rawFlushIntervalMs: 0, backgroundMerges: false });
  try {
    const t0 = Date.now() - 3_600_000;
    // 200 series, written in three rounds of 40 samples with a flush
    // between them, so that each series has blocks in three parts.
    for (let round = 0; round < 3; round++) {
      const labels: Label[][] = [];
      const ts: number[] = [];
      const vs: number[] = [];
      const offsets = [0];
      for (let s = 0; s < 200; s++) {
        labels.push([["__name__", s % 2 === 0 ? "even" : "odd"], ["i", String(s)]]);
        for (let k = 0; k < 40; k++) {
          const j = round * 40 + k;
          // Series of one name share their timestamps, as series of one scrape do.
          ts.push(t0 + j * 15_000 + (s % 2) * 7);
          vs.push(s % 5 === 0 && j % 17 === 3 ? NaN : s * 1000 + j * 1.25);
        }
        offsets.push(ts.length);
      }
      st.addRows({ lines: labels.length, labels, timestamps: Float64Array.from(ts), values: Float64Array.from(vs), offsets: Uint32Array.from(offsets) });
      st.flushToDisk();
    }
    const filters = [{ label: "__name__", value: "even|odd", isRegex: true, isNegative: false }];
    const fmt = (labels: ReadonlyArray<readonly [string, string]>, ts: Float64Array, vs: Float64Array, n: number) =>
      `${JSON.stringify(labels)} ${Array.from(ts.subarray(0, n)).join(",")} ${Array.from(vs.subarray(0, n), (v) => (Number.isNaN(v) ? "NaN" : v)).join(",")}`;
    for (const [minT, maxT] of [[0, Date.now()], [t0 + 500_000, t0 + 1_300_000]] as const) {
      const want: string[] = [];
      for (const s of st.search(filters, minT, maxT, 1000)) want.push(fmt(s.labels, s.timestamps, s.values, s.n));
      const got: string[] = [];
      const runs = new SampleRuns();
      let batches = 0;
      let sharedTs = 0;
      for (const { labelsAt, batch } of st.searchBatches(filters, minT, maxT, 1000, 32, 1 << 20)) {
        batches++;
        assert.ok(batch.count <= 32, `batch of ${batch.count} series`);
        // meta has 12 fields per block; field 6 is where its timestamps start.
        const starts = new Set<number>();
        for (let o = 6; o < batch.meta.length; o += 12) {
          if (starts.has(batch.meta[o]!)) sharedTs++;
          starts.add(batch.meta[o]!);
        }
        for (let i = 0; i < batch.count; i++) {
          const n = decodeBatchSeries(batch, i, runs);
          if (n > 0) got.push(fmt(labelsAt(i), runs.ts.subarray(runs.start), runs.vals.subarray(runs.start), n));
        }
      }
      assert.equal(batches, Math.ceil(200 / 32), `batches for [${minT}, ${maxT}]`);
      assert.ok(sharedTs > 100, `blocks sharing stored timestamps: ${sharedTs}`);
      assert.equal(got.length, want.length, `series in [${minT}, ${maxT}]`);
      assert.deepEqual(got, want);
    }
  } finally {
    await st.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("searchBatches sends payloads the block cache lacks compressed; what the decoder hands back fills the cache", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-batch-"));
  const st = Storage.open(dir, { retentionMs: 30 * 86_400_000, flushIntervalMs: 0, rawFlushIntervalMs: 0, backgroundMerges: false });
  try {
    const t0 = Date.now() - 5 * 3_600_000;
    const labels: Label[][] = [];
    const ts: number[] = [];
    const vs: number[] = [];
    const offsets = [0];
    // Long noisy series: their blocks are stored zstd-compressed.
    for (let s = 0; s < 40; s++) {
      labels.push([["__name__", "big"], ["i", String(s)]]);
      let v = s * 1e6;
      for (let k = 0; k < 1000; k++) {
        ts.push(t0 + k * 15_000 + ((k * 7919 + s) % 13));
        v += (k * 104729 + s * 31) % 1000;
        vs.push(v / 100);
      }
      offsets.push(ts.length);
    }
    st.addRows({ lines: labels.length, labels, timestamps: Float64Array.from(ts), values: Float64Array.from(vs), offsets: Uint32Array.from(offsets) });
    st.flushToDisk();
    const filters = [{ label: "__name__", value: "big", isRegex: false, isNegative: false }];
    const want: string[] = [];
    for (const s of st.search(filters, 0, Date.now(), 100)) want.push(`${s.n} ${s.timestamps[s.n - 1]} ${s.values.subarray(0, s.n).join(",")}`);
    const read = (): { got: string[]; filled: number; compressed: number } => {
      const got: string[] = [];
      const runs = new SampleRuns();
      let filled = 0;
      let compressed = 0;
      for (const { batch, cacheFills } of st.searchBatches(filters, 0, Date.now(), 100, 16, 1 << 20)) {
        // meta has 12 fields per block; types at 1 (timestamps) and 3 (values); zstd types are 1, 4 and 8.
        for (let o = 0; o < batch.meta.length; o += 12) for (const t of [batch.meta[o + 1], batch.meta[o + 3]]) if (t === 1 || t === 4 || t === 8) compressed++;
        for (let i = 0; i < batch.count; i++) {
          const n = decodeBatchSeries(batch, i, runs);
          const s = runs.start;
          got.push(`${n} ${runs.ts[s + n - 1]} ${runs.vals.subarray(s, s + n).join(",")}`);
        }
        const f = takeBatchFills();
        if (f !== undefined) {
          filled += f.pos.length;
          cacheFills(f);
        }
      }
      return { got, filled, compressed };
    };
    blockPayloadCache.setMaxBytes(64 << 20);
    const cold = read();
    assert.deepEqual(cold.got, want, "cold read");
    assert.ok(cold.compressed > 0 && cold.filled === cold.compressed, `cold: ${cold.compressed} compressed payloads, ${cold.filled} handed back`);
    const warm = read();
    assert.deepEqual(warm.got, want, "warm read");
    assert.equal(warm.compressed, 0, "warm: everything came from the cache");
  } finally {
    await st.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
