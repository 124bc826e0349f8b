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
    const c = readAll(writeSortedPart(raw.tsid, raw.ts, raw.vals, raw.n, new MemorySink()));
    // Equal timestamps may come in different orders; compare as sorted multisets per (tsid, t).
    const key = (x: number[][]) => x.map((r) => r.join(",")).sort();
    assert.deepEqual(key(a), key(c));
    // And sorted by (tsid, t).
    for (let i = 1; i < a.length; i++) assert.ok(a[i - 1]![0]! < a[i]![0]! || (a[i - 1]![0] === a[i]![0] && a[i - 1]![1]! <= a[i]![1]!));
  }));
});
