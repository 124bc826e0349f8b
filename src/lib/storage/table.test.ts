import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Table, partitionName, partitionRange } from "./table.ts";
import { SeriesMerger } from "./series_merger.ts";

const DAY = 86_400_000;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-table-"));
}

function countRows(t: Table, minT = -Infinity, maxT = Infinity): number {
  const parts = t.pinParts(minT, maxT);
  try {
    const m = new SeriesMerger(parts, undefined, { minT, maxT, dedupInterval: 0 });
    let n = 0;
    while (m.next()) n += m.n;
    return n;
  } finally {
    for (const p of parts) p.decRef();
  }
}

test("partition names and ranges", () => {
  assert.equal(partitionName(Date.UTC(2026, 10, 26, 7)), "2026_11");
  assert.equal(partitionName(Date.UTC(2026, 0, 1)), "2026_01");
  assert.deepEqual(partitionRange("2026_02"), [Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1) - 1]);
});

test("background merges keep the part count bounded under constant ingestion, losing nothing", async () => {
  const dir = tmp();
  const t = new Table(dir, { retentionMs: 365 * DAY, futureRetentionMs: DAY, dedupIntervalMs: 0, backgroundMerges: false, rawFlushIntervalMs: 0, mergeInWorker: false });
  try {
    const now = Date.now();
    let rows = 0;
    let maxParts = 0;
    for (let flush = 0; flush < 120; flush++) {
      for (let s = 0; s < 50; s++) {
        for (let i = 0; i < 4; i++) t.raw.add(s + 1, now - DAY + flush * 60_000 + i * 15_000, flush * i + s);
        rows += 4;
      }
      t.flushToDisk(flush + 1, () => {});
      t.mergeStep();
      await t.idle();
      maxParts = Math.max(maxParts, t.partsCount().file);
    }
    assert.ok(maxParts <= 31, `file parts reached ${maxParts}`);
    assert.ok(t.stats.mergesTotal.small > 0, "merges happened");
    assert.equal(countRows(t), rows);
    await t.forceMerge("");
    assert.equal(t.partsCount().file, 1);
    assert.equal(countRows(t), rows);
  } finally {
    await t.close();
    t.releaseAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("retention drops expired partitions and filters the rest at merge; reopen keeps the manifest", async () => {
  const dir = tmp();
  const now = Date.now();
  const opts = { retentionMs: 400 * DAY, futureRetentionMs: DAY, dedupIntervalMs: 0, backgroundMerges: false, rawFlushIntervalMs: 0, mergeInWorker: false };
  let t = new Table(dir, opts);
  t.raw.add(1, now - 300 * DAY, 1);
  t.raw.add(1, now - 10 * DAY, 2);
  t.raw.add(1, now - DAY, 3);
  t.flushToDisk(1, () => {});
  assert.equal(countRows(t), 3);
  await t.close();
  t.releaseAll();
  // Reopen with a 30-day retention: the partition 300 days old is dropped.
  t = new Table(dir, { ...opts, retentionMs: 30 * DAY });
  try {
    assert.equal(t.walCheckpoint, 1);
    t.dropExpiredPartitions();
    assert.equal(t.partitions.has(partitionName(now - 300 * DAY)), false);
    assert.equal(countRows(t), 2);
    // Inside a live partition, a merge drops samples older than retention.
    t.raw.add(2, now - 31 * DAY, 9);
    t.flushToDisk(2, () => {});
    const oldPart = partitionName(now - 31 * DAY);
    const before = t.stats.rowsDeletedTotal;
    await t.forceMerge(oldPart);
    if (partitionRange(oldPart)[1] >= now - 30 * DAY) assert.equal(t.stats.rowsDeletedTotal - before, 1);
  } finally {
    await t.close();
    t.releaseAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a part directory not in the manifest and temp dirs are removed at open", async () => {
  const dir = tmp();
  const now = Date.now();
  const opts = { retentionMs: 30 * DAY, futureRetentionMs: DAY, dedupIntervalMs: 0, backgroundMerges: false, rawFlushIntervalMs: 0, mergeInWorker: false };
  let t = new Table(dir, opts);
  t.raw.add(1, now, 1);
  t.flushToDisk(1, () => {});
  await t.close();
  t.releaseAll();
  const pdir = path.join(dir, partitionName(now));
  fs.mkdirSync(path.join(pdir, "00000000DEADBEEF"));
  fs.writeFileSync(path.join(pdir, "00000000DEADBEEF", "values.bin"), "junk");
  fs.mkdirSync(path.join(pdir, "00000000CAFEBABE.tmp"));
  t = new Table(dir, opts);
  try {
    assert.deepEqual(fs.readdirSync(pdir).filter((n) => n.includes("DEADBEEF") || n.includes("CAFEBABE")), []);
    assert.equal(countRows(t), 1);
  } finally {
    await t.close();
    t.releaseAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("smallPartsToMerge: several small parts, or two when ingestion is quiet; big ones are left to the tiered policy", async () => {
  const { smallPartsToMerge } = await import("./table.ts");
  const K = 1024, M = 1024 * K;
  assert.deepEqual(smallPartsToMerge([100 * K, 200 * K, 50 * M], false), []);
  assert.deepEqual(smallPartsToMerge([100 * K, 200 * K, 50 * M], true), [0, 1]);
  assert.deepEqual(smallPartsToMerge([1 * K, 2 * K, 3 * K, 4 * K, 90 * M], false), [0, 1, 2, 3]);
  assert.deepEqual(smallPartsToMerge([50 * M, 60 * M], true), []);
  assert.deepEqual(smallPartsToMerge([1 * K], true), []);
});

test("flushRawRows splits a buffer spanning two months into both partitions, keeping each row's series", async () => {
  const dir = tmp();
  const t = new Table(dir, { retentionMs: 100 * 365 * DAY, futureRetentionMs: 2 * DAY, dedupIntervalMs: 0, backgroundMerges: false, rawFlushIntervalMs: 0, mergeInWorker: false });
  try {
    const oct = Date.UTC(2026, 9, 31, 23, 59), nov = Date.UTC(2026, 10, 1, 0, 1);
    t.raw.add(5, oct, 1);
    t.raw.add(5, nov, 2);
    t.raw.add(9, nov, 3);
    t.raw.add(2, oct, 4);
    t.flushRawRows();
    const got = (name: string) => {
      const m = new SeriesMerger(t.partitions.get(name)!.inmemory, undefined, { minT: -Infinity, maxT: Infinity, dedupInterval: 0 });
      const out: number[][] = [];
      while (m.next()) for (let i = 0; i < m.n; i++) out.push([m.tsid, m.ts[i]!, m.vals[i]!]);
      return out;
    };
    assert.deepEqual(got("2026_10"), [[2, oct, 4], [5, oct, 1]]);
    assert.deepEqual(got("2026_11"), [[5, nov, 2], [9, nov, 3]]);
  } finally {
    await t.close();
    t.releaseAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
