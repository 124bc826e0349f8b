import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { readBody, writePayload } from "./payload.ts";

test("writePayload: bodies hold every sample once, in time order per series", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-payload-test-"));
  try {
    const f = async (series: number, samples: number, linesPerBody: number, lineSamples: number, wantBodies: number) => {
      const what = `series=${series} samples=${samples} linesPerBody=${linesPerBody} lineSamples=${lineSamples}`;
      const file = path.join(dir, "p.jsonl");
      const p = writePayload(file, { series, samples, intervalMs: 15_000, endMs: Date.UTC(2026, 0, 1), seed: 3 }, linesPerBody, lineSamples);
      assert.equal(p.bodies, wantBodies, what);
      assert.equal(p.totalSamples, series * samples, what);
      assert.equal(p.totalBytes, fs.statSync(file).size, what);
      const lastTs = new Map<string, number>();
      let count = 0;
      const fh = await fs.promises.open(file, "r");
      try {
        for (let b = 0; b < p.bodies; b++) {
          const lines = (await readBody(fh, p, b)).toString().split("\n");
          assert.equal(lines.pop(), "", `${what}: body ${b} ends with a newline`);
          assert.equal(lines.length, p.lines[b], `${what}: body ${b} lines`);
          let n = 0;
          let sum = 0;
          for (const l of lines) {
            const o = JSON.parse(l) as { metric: unknown; values: number[]; timestamps: number[] };
            const key = JSON.stringify(o.metric);
            for (const t of o.timestamps) {
              assert.ok(t > (lastTs.get(key) ?? 0), `${what}: ${key} goes back in time`);
              lastTs.set(key, t);
            }
            n += o.timestamps.length;
            sum += o.values.reduce((x, y) => x + y, 0);
          }
          assert.equal(n, p.samples[b], `${what}: body ${b} samples`);
          assert.ok(Math.abs(sum - p.sums[b]!) <= 1e-9 * Math.abs(sum), `${what}: body ${b} sum`);
          count += n;
        }
      } finally {
        await fh.close();
      }
      assert.equal(count, series * samples, what);
      assert.equal(lastTs.size, series, what);
    };
    await f(250, 20, 100, 8, 8); // 3 chunks x 250 lines = 750 lines
    await f(100, 5, 100, 5, 1);
    await f(7, 3, 2, 1, 11); // 21 lines
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
