// Conformance suite: in-memory and file parts must read back exactly what
// was written, through the same cursor and merger.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileSink, MemorySink, type Part, type PartSink } from "./part.ts";
import { writeSortedPart } from "./raw_rows.ts";
import { mergeParts } from "./merge.ts";
import { SeriesMerger } from "./series_merger.ts";

type Sample = [tsid: number, t: number, v: number];

function rows(samples: Sample[]) {
  return {
    tsid: Float64Array.from(samples, (s) => s[0]),
    ts: Float64Array.from(samples, (s) => s[1]),
    vals: Float64Array.from(samples, (s) => s[2]),
    n: samples.length,
  };
}

function readAll(parts: Part[], tsids?: number[], minT = -Infinity, maxT = Infinity, dedup = 0): Sample[] {
  const m = new SeriesMerger(parts, tsids === undefined ? undefined : Float64Array.from(tsids), { minT, maxT, dedupInterval: dedup });
  const out: Sample[] = [];
  while (m.next()) for (let i = 0; i < m.n; i++) out.push([m.tsid, m.ts[i]!, m.vals[i]!]);
  return out;
}

function sorted(s: Sample[]): Sample[] {
  return [...s].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function gen(series: number, perSeries: number, seed: number): Sample[] {
  const out: Sample[] = [];
  let x = seed;
  const rnd = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
  for (let s = 0; s < series; s++) {
    const tsid = (s * 7919) % 1000 * 2 ** 32 + s + 1;
    let v = rnd() * 100;
    for (let i = 0; i < perSeries; i++) {
      v = s % 3 === 0 ? Math.round(rnd() * 10000) / 100 : s % 3 === 1 ? v + Math.floor(rnd() * 10) : (0.1 + 0.2) * i;
      out.push([tsid, 1_700_000_000_000 + i * 15_000 + (s % 5), v]);
    }
  }
  // Shuffle to exercise sorting.
  for (let i = out.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [out[i], out[j]] = [out[j]!, out[i]!]; }
  return out;
}

function runPartTests(kind: string, newSink: () => PartSink) {
  test(`${kind} part: write, read back, filter by series and time`, () => {
    const data = gen(50, 20000 / 50 + 9000 * (kind === "file" ? 1 : 0) / 50, 1);
    const r = rows(data);
    const part = writeSortedPart(r.tsid, r.ts, r.vals, r.n, newSink());
    assert.equal(part.header.rowsCount, data.length);
    assert.deepEqual(readAll([part]), sorted(data));
    const some = sorted(data).map((s) => s[0]).filter((t, i, a) => i === 0 || a[i - 1] !== t).filter((_, i) => i % 7 === 3);
    const want = sorted(data).filter((s) => some.includes(s[0]) && s[1] >= 1_700_000_100_000 && s[1] <= 1_700_000_200_000);
    assert.deepEqual(readAll([part], some, 1_700_000_100_000, 1_700_000_200_000), want);
    assert.deepEqual(readAll([part], [12345]), []);
    part.release(true);
  });
  test(`${kind} part: long series are split into blocks of 8192 and merge back`, () => {
    const data: Sample[] = [];
    for (let i = 0; i < 20000; i++) data.push([42, i * 1000, i % 17]);
    const r = rows(data);
    const part = writeSortedPart(r.tsid, r.ts, r.vals, r.n, newSink());
    assert.equal(part.header.blocksCount, 3);
    assert.deepEqual(readAll([part]), data);
    part.release(true);
  });
  test(`${kind} part: special values survive`, () => {
    const stale = new Float64Array(new Uint32Array([2, 0x7ff00000]).buffer)[0]!;
    const data: Sample[] = [[1, 1, Infinity], [1, 2, -Infinity], [1, 3, stale], [1, 4, -0], [1, 5, 5e-324], [1, 6, 1.7976931348623157e308], [1, 7, 0.30000000000000004]];
    const r = rows(data);
    const part = writeSortedPart(r.tsid, r.ts, r.vals, r.n, newSink());
    const got = readAll([part]);
    assert.equal(got.length, data.length);
    for (let i = 0; i < data.length; i++) assert.ok(Object.is(got[i]![2], data[i]![2]) || (Number.isNaN(got[i]![2]) && Number.isNaN(data[i]![2])), `value ${i}: ${got[i]![2]}`);
    const bits = new Uint32Array(new Float64Array([got[2]![2]]).buffer);
    // x86 may quiet the signaling staleness NaN when it passes through a register; its payload (2) must survive.
    assert.equal(bits[0], 2, "stale NaN payload");
    assert.ok(bits[1] === 0x7ff00000 || bits[1] === 0x7ff80000, `stale NaN high bits ${bits[1]!.toString(16)}`);
    part.release(true);
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-part-"));
let seq = 0;
runPartTests("inmemory", () => new MemorySink());
runPartTests("file", () => new FileSink(path.join(tmp, `p${seq++}`)));

test("mergeParts: overlapping parts, dedup, retention and deletion", () => {
  const a = gen(20, 100, 2), b = gen(20, 100, 3).map((s) => [s[0], s[1] + 7, s[2]] as Sample);
  const ra = rows(a), rb = rows(b);
  const pa = writeSortedPart(ra.tsid, ra.ts, ra.vals, ra.n, new MemorySink());
  const pb = writeSortedPart(rb.tsid, rb.ts, rb.vals, rb.n, new MemorySink());
  const all = sorted([...a, ...b]);
  const { part } = mergeParts([pa, pb], new FileSink(path.join(tmp, "merged")), { minT: -Infinity, maxT: Infinity, dedupInterval: 0 });
  assert.deepEqual(readAll([part]), all);
  // Dedup at query time over two parts equals dedup at merge time.
  const dq = readAll([pa, pb], undefined, -Infinity, Infinity, 15_000);
  const { part: dm } = mergeParts([pa, pb], new MemorySink(), { minT: -Infinity, maxT: Infinity, dedupInterval: 15_000 });
  assert.deepEqual(readAll([dm]), dq);
  assert.ok(dq.length < all.length);
  // Retention and deletion.
  const victim = all[0]![0];
  const { part: fm } = mergeParts([part], new MemorySink(), {
    minT: 1_700_000_300_000, maxT: Infinity, dedupInterval: 0,
    deleteRange: (t) => (t === victim ? [-Infinity, Infinity] : undefined),
  });
  assert.deepEqual(readAll([fm]), all.filter((s) => s[1] >= 1_700_000_300_000 && s[0] !== victim));
  part.release(true);
});

test("cleanup", () => fs.rmSync(tmp, { recursive: true, force: true }));
