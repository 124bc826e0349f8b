import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Storage } from "./storage.ts";
import { decodeBatchSeries, SampleRuns } from "../seriesbatch/index.ts";
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
        // meta has 11 fields per block; field 6 is where its timestamps start.
        const starts = new Set<number>();
        for (let o = 6; o < batch.meta.length; o += 11) {
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
