import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { mergeParts } from "./merge.ts";
import { Part } from "./part.ts";
import { maxBlockBytes } from "./part_writer.ts";
import { type TRow, canon, readPart, tmpDir, writePart } from "./testutil.ts";

test("merge keeps every row and the blocks of a stream together", () => {
  const dir = tmpDir();
  try {
    const a: TRow[] = [];
    const b: TRow[] = [];
    for (let i = 0; i < 2000; i++) {
      // Interleaved in time across the two parts, three streams.
      (i % 2 === 0 ? a : b).push({ s: i % 3, t: BigInt(i), f: { _msg: `m${i}`, k: String(i % 5) } });
    }
    const pa = writePart(path.join(dir, "a"), a);
    const pb = writePart(path.join(dir, "b"), b);
    const { meta, stats } = mergeParts([pa, pb], path.join(dir, "m"), 3);
    assert.deepEqual(stats, { rowsIn: 2000, rowsOut: 2000 });
    assert.equal(meta.rowsCount, 2000);
    const m = Part.open(path.join(dir, "m"));
    assert.equal(m.blocksCount, 3, "one block per stream");
    assert.deepEqual(canon(readPart(m)), canon([...a, ...b]));
    // Blocks ordered by stream, then time; a stream's blocks are adjacent.
    const seen = new Set<number>();
    let last = -1;
    for (let i = 0; i < m.blocksCount; i++) {
      const s = m.blockStream[i]!;
      if (s !== last) {
        assert.ok(!seen.has(s), `stream ${s} is split`);
        seen.add(s);
        last = s;
      }
    }
    for (const p of [pa, pb, m]) p.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("merge drops rows before minTimestamp", () => {
  const dir = tmpDir();
  try {
    const rows: TRow[] = Array.from({ length: 100 }, (_, i) => ({ s: 0, t: BigInt(i), f: { _msg: `m${i}` } }));
    const p = writePart(path.join(dir, "a"), rows);
    const { stats } = mergeParts([p], path.join(dir, "m"), 1, 60n);
    assert.deepEqual(stats, { rowsIn: 100, rowsOut: 40 });
    const m = Part.open(path.join(dir, "m"));
    assert.deepEqual(canon(readPart(m)), canon(rows.slice(60)));
    p.close();
    m.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("merge copies big blocks of parts at the merge level as they are", () => {
  const dir = tmpDir();
  try {
    const pad = "y".repeat(2000);
    const a: TRow[] = Array.from({ length: 1500 }, (_, i) => ({ s: 0, t: BigInt(i), f: { _msg: `a${i} ${pad}` } }));
    const b: TRow[] = Array.from({ length: 10 }, (_, i) => ({ s: 0, t: BigInt(10000 + i), f: { _msg: `b${i}` } }));
    const pa = writePart(path.join(dir, "a"), a, 5);
    const pb = writePart(path.join(dir, "b"), b, 5);
    assert.ok(pa.blockUncompressed[0]! >= maxBlockBytes / 2);
    mergeParts([pa, pb], path.join(dir, "m"), 5);
    const m = Part.open(path.join(dir, "m"));
    assert.deepEqual(canon(readPart(m)), canon([...a, ...b]));
    // The copied block keeps its bytes: the same packed timestamps.
    const src = pa.read("timestamps.bin", pa.blockTsOffset[0]!, pa.blockTsSize[0]!);
    const dst = m.read("timestamps.bin", m.blockTsOffset[0]!, m.blockTsSize[0]!);
    assert.equal(dst.toString("hex"), src.toString("hex"));
    for (const p of [pa, pb, m]) p.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("merge (property)", () => {
  const dir = tmpDir();
  let k = 0;
  try {
    const row = fc.record({
      s: fc.integer({ min: 0, max: 3 }),
      t: fc.bigInt({ min: 0n, max: 1000n }),
      f: fc.dictionary(fc.constantFrom("_msg", "a", "b"), fc.oneof(fc.string(), fc.nat().map(String)), { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(row, { maxLength: 30 }), { minLength: 1, maxLength: 4 }), (partsRows) => {
        const parts = partsRows.map((rows) => writePart(path.join(dir, `p${k++}`), rows));
        const out = path.join(dir, `m${k++}`);
        mergeParts(parts, out, 1);
        const m = Part.open(out);
        try {
          assert.deepEqual(canon(readPart(m)), canon(partsRows.flat()));
        } finally {
          m.close();
          for (const p of parts) p.close();
        }
      }),
      { numRuns: 15 },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
