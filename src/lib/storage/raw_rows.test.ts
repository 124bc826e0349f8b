import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RawRows, writeRawRowsPart, writeSortedPart } from "./raw_rows.ts";
import { MemorySink } from "./part.ts";
import { SeriesMerger } from "./series_merger.ts";

function readAll(p: ReturnType<typeof writeSortedPart>): number[][] {
  const m = new SeriesMerger([p], undefined, { minT: -Infinity, maxT: Infinity, dedupInterval: 0 });
  const out: number[][] = [];
  while (m.next()) for (let i = 0; i < m.n; i++) out.push([m.tsid, m.ts[i]!, m.vals[i]!]);
  return out;
}

test("writeRawRowsPart equals writeSortedPart for any mix of runs and single rows", () => {
  const batch = fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 8 }), fc.boolean()), { minLength: 1, maxLength: 30 });
  fc.assert(fc.property(batch, (b) => {
    const raw = new RawRows();
    let v = 0;
    for (const [tsid, times, single] of b) {
      if (single) for (const t of times) raw.add(tsid, t, v++);
      else raw.addMany(tsid, Float64Array.from(times), Float64Array.from(times, () => v++), 0, times.length);
    }
    const a = readAll(writeRawRowsPart(raw, new MemorySink()));
    const c = readAll(writeSortedPart(raw.tsids(), raw.ts, raw.vals, raw.n, new MemorySink()));
    // Equal timestamps may come in different orders; compare as sorted multisets per (tsid, t).
    const key = (x: number[][]) => x.map((r) => r.join(",")).sort();
    assert.deepEqual(key(a), key(c));
    // And sorted by (tsid, t).
    for (let i = 1; i < a.length; i++) assert.ok(a[i - 1]![0]! < a[i]![0]! || (a[i - 1]![0] === a[i]![0] && a[i - 1]![1]! <= a[i]![1]!));
  }));
});

test("RawRows.tsids expands the runs into one TSID per row", () => {
  // adds: [tsid, number of samples, via addMany]
  const f = (adds: Array<[number, number, boolean]>, expected: number[]) => {
    const raw = new RawRows();
    for (const [tsid, k, many] of adds) {
      const ts = Float64Array.from({ length: k }, (_, i) => i);
      if (many) raw.addMany(tsid, ts, ts, 0, k);
      else for (let i = 0; i < k; i++) raw.add(tsid, i, i);
    }
    assert.deepEqual([...raw.tsids()], expected, `adds ${JSON.stringify(adds)}`);
  };
  f([], []);
  f([[7, 1, false]], [7]);
  f([[7, 2, false], [7, 1, true], [3, 2, true], [7, 1, false]], [7, 7, 7, 3, 3, 7]);
  f([[1, 20, true], [2, 1, false]], [...Array(20).fill(1), 2]);
});

test("writeRawRowsPart gives the same part when its work arrays are reused from a bigger or smaller batch", () => {
  const batch = fc.array(fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 40 });
  const fill = (raw: RawRows, b: Array<[number, number[]]>) => {
    raw.reset();
    let v = 0;
    for (const [tsid, times] of b) for (const t of times) raw.add(tsid, t, v++);
  };
  // One RawRows that keeps its scratch across batches, as the table's does.
  const shared = new RawRows();
  fc.assert(fc.property(batch, batch, (b1, b2) => {
    for (const b of [b1, b2, b1]) {
      fill(shared, b);
      const fresh = new RawRows();
      fill(fresh, b);
      const got = readAll(writeRawRowsPart(shared, new MemorySink()));
      const want = readAll(writeRawRowsPart(fresh, new MemorySink()));
      assert.deepEqual(got, want);
    }
  }), { numRuns: 50 });
});

test("writeRawRowsPart grows its work arrays past their first size (5000 series, two samples each)", () => {
  const raw = new RawRows();
  for (let round = 0; round < 2; round++) for (let i = 5000; i > 0; i--) raw.add(i * 7, 1000 + round, i + round);
  const got = readAll(writeRawRowsPart(raw, new MemorySink()));
  const want: number[][] = [];
  for (let i = 1; i <= 5000; i++) want.push([i * 7, 1000, i], [i * 7, 1001, i + 1]);
  assert.deepEqual(got, want);
});
