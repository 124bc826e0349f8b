import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { writePrometheus } from "../metrics/index.ts";
import { LogStorage, type LogStorageOptions } from "./log_storage.ts";
import { tmpDir } from "./testutil.ts";
import { tokenize } from "./tokenizer.ts";
import type { LogField, SearchOptions } from "./types.ts";

const dayNs = 86_400_000_000_000n;
const t0 = { accountID: 0, projectID: 0 };
const t1 = { accountID: 1, projectID: 2 };
const fast: LogStorageOptions = { flushIntervalMs: 0, useWorkers: false, backgroundMerges: false };

function fieldsOf(i: number, host: string): LogField[] {
  return [
    { name: "_msg", value: `request ${i} done in ${i % 100}ms` },
    { name: "host", value: host },
    { name: "app", value: "web" },
    { name: "n", value: String(i) },
    { name: "trace_id", value: i.toString(16).padStart(32, "0") },
  ];
}

/** commitRows commits n rows (times start + i ms) over hosts h0..h2 in one batch. */
function commitRows(s: LogStorage, n: number, startNs: bigint, from = 0, tenant = t0): number {
  const b = s.newBatch();
  for (let i = from; i < from + n; i++) b.addRow(tenant, startNs + BigInt(i) * 1_000_000n, fieldsOf(i, `h${i % 3}`), ["host", "app"]);
  assert.equal(b.rowsCount, n);
  return s.commit(b);
}

const all = (tenants = [t0]): SearchOptions => ({ tenants, minTimestamp: -(2n ** 63n), maxTimestamp: 2n ** 63n - 1n });

async function rowsOf(s: LogStorage, opts: SearchOptions = all()): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await s.search(opts, (b) => {
    const ts = b.timestamps();
    const n = b.columnValues("n");
    const msg = b.columnValues("_msg");
    for (let i = 0; i < b.rowsCount; i++) if (ts[i]! >= opts.minTimestamp && ts[i]! <= opts.maxTimestamp) out.set(n[i]!, msg[i]!);
  });
  return out;
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

test("commit, search, flush, reopen", async () => {
  const dir = tmpDir();
  try {
    const start = nowNs() - 3_600_000_000_000n;
    let s = await LogStorage.open(dir, fast);
    assert.equal(commitRows(s, 1000, start), 1000);
    // Searchable before any flush.
    let rows = await rowsOf(s);
    assert.equal(rows.size, 1000);
    assert.equal(rows.get("7"), "request 7 done in 7ms");
    const checkBlocks = async () =>
      s.search(all(), (b) => {
        assert.deepEqual([...b.columnNames()].sort(), ["_msg", "app", "host", "n", "trace_id"]);
        assert.equal(b.constValue("app"), "web");
        assert.equal(b.constValue("nosuch"), "");
        assert.equal(b.columnValues("nosuch").length, b.rowsCount);
        assert.equal(b.mayContainTokens("nosuch", ["x"]), false);
        assert.equal(b.mayContainTokens("_msg", ["request"]), true);
        const r = b.numericRange("n");
        assert.ok(r !== undefined && r.min >= 0 && r.max < 1000, JSON.stringify(r));
        assert.equal(b.numericRange("_msg"), undefined);
        const ts = b.timestamps();
        for (let i = 1; i < ts.length; i++) assert.ok(ts[i - 1]! <= ts[i]!);
        assert.equal(ts[0], b.minTimestamp);
        assert.equal(ts[ts.length - 1], b.maxTimestamp);
      });
    await checkBlocks();
    await s.forceFlush();
    assert.equal((await rowsOf(s)).size, 1000);
    await checkBlocks();
    let st = s.stats();
    assert.equal(st.rows, 1000);
    assert.equal(st.streams, 3);
    assert.ok(st.parts >= 1 && st.partitions >= 1 && st.bytesOnDisk > 0, JSON.stringify(st));
    // Blocks carry the stream, and the stream fields are const columns.
    await s.search(all(), (b) => {
      assert.match(b.stream, /^\{app="web",host="h[012]"\}$/);
      assert.match(b.streamID, /^[0-9a-f]{32}$/);
      assert.equal(b.constValue("app"), "web");
      assert.deepEqual(b.tenant, t0);
    });
    assert.equal(commitRows(s, 500, start, 1000), 500);
    await s.close();
    s = await LogStorage.open(dir, fast);
    rows = await rowsOf(s);
    assert.equal(rows.size, 1500);
    st = s.stats();
    assert.equal(st.rows, 1500);
    await s.forceMerge();
    assert.equal(s.stats().parts, s.stats().partitions);
    assert.equal((await rowsOf(s)).size, 1500);
    // Time range and tenants.
    const some = await rowsOf(s, { tenants: [t0], minTimestamp: start + 100_000_000n, maxTimestamp: start + 199_000_000n });
    assert.equal(some.size, 100);
    assert.equal((await rowsOf(s, all([t1]))).size, 0);
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("tenants, stream filter, streams() and bloom lookups", async () => {
  const dir = tmpDir();
  try {
    const start = nowNs() - 3_600_000_000_000n;
    const s = await LogStorage.open(dir, fast);
    commitRows(s, 300, start, 0, t0);
    commitRows(s, 300, start, 300, t1);
    const check = async () => {
      assert.equal((await rowsOf(s, all([t1]))).size, 300);
      assert.equal((await rowsOf(s, all([t0, t1]))).size, 600);
      const calls: string[] = [];
      const opts: SearchOptions = { ...all([t0, t1]), streamFilter: (tags) => (calls.push(JSON.stringify(tags)), tags.some((t) => t.name === "host" && t.value === "h1")) };
      assert.equal((await rowsOf(s, opts)).size, 200);
      assert.equal(calls.length, 6, "once per stream (3 per tenant)");
      const st = await s.streams(opts);
      assert.deepEqual(st.map((x) => `${x.tenant.accountID}:${x.stream}`).sort(), ['0:{app="web",host="h1"}', '1:{app="web",host="h1"}']);
      assert.deepEqual(st[0]!.tags, [{ name: "app", value: "web" }, { name: "host", value: "h1" }]);
      assert.equal((await s.streams(all([t0]))).length, 3);
      // A trace id lookup: blocks the bloom filter rejects are not read.
      const want = (123).toString(16).padStart(32, "0");
      let found = 0;
      await s.search(all([t0]), (b) => {
        if (!b.mayContainTokens("trace_id", tokenize(want))) return;
        for (const v of b.columnValues("trace_id")) if (v === want) found++;
      });
      assert.equal(found, 1);
      // onBlock returning false stops the search.
      let blocks = 0;
      await s.search(all([t0, t1]), () => (blocks++, false));
      assert.equal(blocks, 1);
    };
    await check();
    await s.forceFlush();
    await check();
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("rows outside the retention window are dropped and counted", async () => {
  const dir = tmpDir();
  try {
    const s = await LogStorage.open(dir, { ...fast, retentionPeriodMs: 86_400_000, futureRetentionMs: 3_600_000 });
    const metric = (reason: string) => Number(new RegExp(`vl_rows_dropped_total\\{reason="${reason}"\\} (\\d+)`).exec(writePrometheus())?.[1] ?? 0);
    const old0 = metric("too_old");
    const new0 = metric("too_new");
    const b = s.newBatch();
    const now = nowNs();
    b.addRow(t0, now - 2n * dayNs, [{ name: "_msg", value: "old" }], []);
    b.addRow(t0, now, [{ name: "_msg", value: "ok" }], []);
    b.addRow(t0, now + 2n * 3_600_000_000_000n, [{ name: "_msg", value: "new" }], []);
    assert.equal(b.rowsCount, 3);
    assert.equal(s.commit(b), 1);
    assert.equal(metric("too_old") - old0, 1);
    assert.equal(metric("too_new") - new0, 1);
    assert.throws(() => s.commit(b), /BUG: .*committed already/);
    // Derived fields are not stored as columns.
    const b2 = s.newBatch();
    b2.addRow(t0, now, [{ name: "_msg", value: "m" }, { name: "_time", value: "1" }, { name: "_stream", value: "{}" }, { name: "_stream_id", value: "x" }, { name: "_x", value: "y" }, { name: "e", value: "" }], []);
    assert.equal(s.commit(b2), 1);
    const names: string[][] = [];
    await s.search(all(), (blk) => void names.push([...blk.columnNames()].sort()));
    assert.deepEqual(names.sort(), [["_msg"], ["_msg", "_x"]]);
    // At most 2000 fields per row are stored (a block's column limit).
    const b3 = s.newBatch();
    b3.addRow(t0, now, Array.from({ length: 2100 }, (_, i) => ({ name: `f${i}`, value: "v" })), []);
    s.commit(b3);
    await s.forceFlush();
    let widest = 0;
    await s.search(all(), (blk) => void (widest = Math.max(widest, blk.columnNames().length)));
    assert.equal(widest, 2000);
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("retention and the disk-space limit drop whole days", async () => {
  const dir = tmpDir();
  try {
    let clock = Date.now();
    const opts: LogStorageOptions = { ...fast, retentionPeriodMs: 10 * 86_400_000, now: () => clock };
    let s = await LogStorage.open(dir, opts);
    const today = BigInt(Math.floor(clock / 86_400_000)) * dayNs;
    for (let d = 0; d < 5; d++) commitRows(s, 100, today - BigInt(d) * dayNs + 1_000_000n, d * 100);
    await s.forceFlush();
    assert.equal(s.stats().partitions, 5);
    await s.close();
    // Eight days later, the days older than ten days are gone.
    clock += 8 * 86_400_000;
    s = await LogStorage.open(dir, opts);
    assert.equal(s.stats().partitions, 3);
    assert.equal((await rowsOf(s)).size, 300);
    assert.deepEqual(fs.readdirSync(path.join(dir, "partitions")).length, 3);
    await s.close();
    // A disk-space limit keeps the last two days.
    s = await LogStorage.open(dir, { ...opts, maxDiskSpaceUsageBytes: 1 });
    assert.equal(s.stats().partitions, 2);
    const rows = await rowsOf(s);
    assert.deepEqual([...rows.keys()].map(Number).sort((a, b) => a - b)[0], 0);
    assert.equal(rows.size, 200);
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("rows committed before an unclean stop are there after reopen", async () => {
  const dir = tmpDir();
  try {
    const script = path.join(dir, "child.ts");
    const data = path.join(dir, "data");
    const mod = new URL("./log_storage.ts", import.meta.url).pathname;
    fs.writeFileSync(script, `
import { LogStorage } from ${JSON.stringify(mod)};
const s = await LogStorage.open(${JSON.stringify(data)}, { flushIntervalMs: 0, useWorkers: false });
const start = BigInt(Date.now()) * 1000000n - 1000000000n;
for (let k = 0; k < 3; k++) {
  const b = s.newBatch();
  for (let i = 0; i < 100; i++) b.addRow({ accountID: 0, projectID: 0 }, start + BigInt(k * 100 + i), [{ name: "_msg", value: "x" + (k * 100 + i) }, { name: "n", value: String(k * 100 + i) }], []);
  s.commit(b);
  if (k === 0) await s.forceFlush();
}
// A torn record at the end of the WAL, as a crash in the middle of a write leaves.
const fs = await import("node:fs");
const wal = ${JSON.stringify(path.join(data, "wal"))};
const segs = fs.readdirSync(wal).sort();
fs.appendFileSync(wal + "/" + segs[segs.length - 1], Buffer.from([0, 0, 1, 0, 1, 2, 3]));
process.kill(process.pid, "SIGKILL");
`);
    const r = spawnSync(process.execPath, [script], { encoding: "utf8" });
    assert.equal(r.signal, "SIGKILL", r.stderr);
    const s = await LogStorage.open(data, fast);
    const rows = await rowsOf(s);
    assert.equal(rows.size, 300);
    assert.equal(rows.get("250"), "x250");
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("snapshots", async () => {
  const dir = tmpDir();
  try {
    const s = await LogStorage.open(dir, fast);
    commitRows(s, 200, nowNs() - 1_000_000_000n);
    const name = await s.createSnapshot();
    assert.match(name, /^\d{14}-[0-9a-f]{16}$/);
    assert.deepEqual(s.listSnapshots(), [name]);
    const snap = path.join(dir, "snapshots", name);
    assert.ok(fs.existsSync(path.join(snap, "parts.json")));
    // The snapshot opens as a storage with the same rows.
    const copy = path.join(tmpDir(), "copy");
    fs.cpSync(snap, copy, { recursive: true });
    const c = await LogStorage.open(copy, fast);
    assert.equal((await rowsOf(c)).size, 200);
    await c.close();
    fs.rmSync(path.dirname(copy), { recursive: true, force: true });
    assert.throws(() => s.deleteSnapshot("nope"), /cannot delete snapshot "nope": got a bad name/);
    assert.throws(() => s.deleteSnapshot("20200101000000-0000000000000000"), /no such snapshot/);
    s.deleteSnapshot(name);
    assert.deepEqual(s.listSnapshots(), []);
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("low free disk space makes the storage read-only", async () => {
  const dir = tmpDir();
  try {
    const s = await LogStorage.open(dir, { ...fast, minFreeDiskSpaceBytes: Number.MAX_SAFE_INTEGER });
    assert.equal(s.isReadOnly(), true);
    assert.throws(() => commitRows(s, 1, nowNs()), /cannot store logs: the log storage .* is read-only/);
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("flushes and merges in worker threads", async () => {
  const dir = tmpDir();
  try {
    const s = await LogStorage.open(dir, { flushIntervalMs: 0, useWorkers: true, backgroundMerges: true });
    const start = nowNs() - 3_600_000_000_000n;
    for (let k = 0; k < 4; k++) {
      commitRows(s, 500, start, k * 500);
      await s.forceFlush();
    }
    await s.forceMerge();
    assert.equal(s.stats().parts, 1);
    const rows = await rowsOf(s);
    assert.equal(rows.size, 2000);
    await s.close();
    const s2 = await LogStorage.open(dir, fast);
    assert.equal((await rowsOf(s2)).size, 2000);
    await s2.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a search running while a flush and a merge finish sees every row once", async () => {
  const dir = tmpDir();
  try {
    const s = await LogStorage.open(dir, { flushIntervalMs: 0, useWorkers: true, backgroundMerges: false });
    const start = nowNs() - 3_600_000_000_000n;
    // 100 streams: 100 blocks per part.
    const commit = (from: number) => {
      const b = s.newBatch();
      for (let i = from; i < from + 3000; i++) b.addRow(t0, start + BigInt(i) * 1_000_000n, fieldsOf(i, `h${i % 100}`), ["host"]);
      s.commit(b);
    };
    commit(0);
    await s.forceFlush();
    commit(3000);
    // The flush and a merge finish while the search waits between slow blocks.
    const seen = new Map<string, number>();
    let finished = false;
    const done = s.forceFlush().then(() => s.forceMerge()).then(() => (finished = true));
    let finishedDuring = false;
    await s.search(all(), (b) => {
      for (const n of b.columnValues("n")) seen.set(n, (seen.get(n) ?? 0) + 1);
      if (finished) finishedDuring = true;
      const until = performance.now() + 5;
      while (performance.now() < until);
    });
    await done;
    assert.ok(finishedDuring, "the flush and the merge finished during the search");
    assert.equal(seen.size, 6000);
    assert.ok([...seen.values()].every((c) => c === 1), "no row seen twice");
    assert.equal(s.stats().parts, 1);
    assert.equal((await rowsOf(s)).size, 6000);
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("leftovers of an unclean stop during a merge are removed at open", async () => {
  const dir = tmpDir();
  try {
    let s = await LogStorage.open(dir, fast);
    commitRows(s, 100, nowNs() - 1_000_000_000n);
    await s.close();
    const pdir = path.join(dir, "partitions", fs.readdirSync(path.join(dir, "partitions"))[0]!, "datadb");
    const listed = fs.readdirSync(pdir);
    // A merge output that was renamed but never listed, and a temporary dir.
    fs.cpSync(path.join(pdir, listed[0]!), path.join(pdir, "ffffffffffffffff"), { recursive: true });
    fs.mkdirSync(path.join(pdir, "0123456789abcdef.tmp"));
    s = await LogStorage.open(dir, fast);
    assert.deepEqual(fs.readdirSync(pdir), listed);
    assert.equal((await rowsOf(s)).size, 100);
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("forceMerge by partition prefix", async () => {
  const dir = tmpDir();
  try {
    const s = await LogStorage.open(dir, fast);
    const today = BigInt(Math.floor(Date.now() / 86_400_000)) * dayNs;
    for (let k = 0; k < 2; k++) {
      commitRows(s, 50, today - dayNs + 1_000_000n, k * 50);
      commitRows(s, 50, today + 1_000_000n, 1000 + k * 50);
      await s.forceFlush();
    }
    assert.equal(s.stats().parts, 4);
    const y = new Date(Number((today - dayNs) / 1_000_000n)).toISOString().slice(0, 10).replaceAll("-", "");
    await s.forceMerge(y);
    assert.equal(s.stats().parts, 3);
    await s.forceMerge();
    assert.equal(s.stats().parts, 2);
    assert.equal((await rowsOf(s)).size, 200);
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("unflushed rows: each search gets its own blocks (decoded columns do not outlive it)", async () => {
  const dir = tmpDir();
  try {
    const s = await LogStorage.open(dir, fast);
    try {
      commitRows(s, 300, nowNs() - 60_000_000_000n);
      const seen: object[][] = [];
      for (let run = 0; run < 2; run++) {
        const blocks: object[] = [];
        const rows = new Map<string, string>();
        await s.search(all(), (b) => {
          blocks.push(b);
          const n = b.columnValues("n");
          const host = b.columnValues("host");
          for (let i = 0; i < b.rowsCount; i++) rows.set(n[i]!, host[i]!);
        });
        assert.equal(rows.size, 300, `rows of search ${run}`);
        assert.equal(rows.get("4"), "h1", `host of row 4 in search ${run}`);
        seen.push(blocks);
      }
      assert.equal(seen[0]!.length, 3, "one block per stream (host)");
      assert.equal(seen[1]!.length, 3);
      for (let i = 0; i < 3; i++) assert.notEqual(seen[0]![i], seen[1]![i], `block ${i} is shared between searches`);
    } finally {
      await s.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
