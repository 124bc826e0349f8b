import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { Table, type TableOptions } from "./table.ts";
import type { TableSearch } from "./table_search.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "mergeset-table-"));
process.on("exit", () => fs.rmSync(root, { recursive: true, force: true }));
let seq = 0;
function newDir(): string {
  return path.join(root, `t${seq++}`);
}

const manual: TableOptions = { flushIntervalMs: 0, backgroundMerges: false };
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const lat = (s: string) => Buffer.from(s, "latin1");

function drain(ts: TableSearch, limit = Infinity): string[] {
  const out: string[] = [];
  while (out.length < limit && ts.nextItem()) out.push(hex(ts.item));
  return out;
}

function scanAll(tb: Table): string[] {
  const ts = tb.search();
  try {
    return drain(ts);
  } finally {
    ts.close();
  }
}

function sortedHex(set: Iterable<string>): string[] {
  return [...set].map((h) => Buffer.from(h, "hex")).sort(Buffer.compare).map(hex);
}

function expectFrom(sorted: string[], key: Uint8Array, limit: number): string[] {
  const k = Buffer.from(key);
  return sorted.filter((h) => Buffer.compare(Buffer.from(h, "hex"), k) >= 0).slice(0, limit);
}

function indexRows(seed: number, n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const id = Buffer.alloc(8);
    id.writeBigUInt64BE(BigInt(seed * 1_000_003 + i * 7));
    out.push(Buffer.concat([lat(`\x01name${seed % 3}\x01value${i % 40}\x01`), id]));
  }
  return out;
}

test("seek semantics and duplicates across parts", () => {
  const tb = Table.mustOpen(newDir(), manual);
  tb.addItems(["b", "d", "f"].map(lat));
  tb.flushToDisk();
  tb.addItems(["d", "bb", "f", "d"].map(lat)); // duplicates in pending and across parts
  tb.flushToDisk();
  tb.addItems(["da", "b"].map(lat)); // stays in memory
  const ts = tb.search();
  const f = (key: string, want: string[]) => {
    ts.seek(lat(key));
    assert.deepEqual(drain(ts).map((h) => Buffer.from(h, "hex").toString("latin1")), want, `seek(${JSON.stringify(key)})`);
  };
  f("", ["b", "bb", "d", "da", "f"]); // before first
  f("b", ["b", "bb", "d", "da", "f"]); // exact first
  f("ba", ["bb", "d", "da", "f"]); // between
  f("d", ["d", "da", "f"]); // exact, present in three parts
  f("e", ["f"]);
  f("f", ["f"]); // exact last
  f("f\x00", []); // after last
  assert.equal(ts.nextItem(), false, "stays at the end");
  f("bb", ["bb", "d", "da", "f"]); // seek again after the end
  ts.close();
  tb.mustClose();
});

test("a new search starts at the first item; item views stay valid until the next call", () => {
  const tb = Table.mustOpen(newDir(), manual);
  assert.deepEqual(scanAll(tb), [], "empty table");
  tb.addItems([lat("x"), lat("a")]);
  const ts = tb.search();
  assert.equal(ts.nextItem(), true);
  const first = ts.item;
  assert.equal(hex(first), hex(lat("a")));
  assert.equal(ts.nextItem(), true);
  assert.equal(hex(ts.item), hex(lat("x")));
  assert.equal(ts.nextItem(), false);
  ts.close();
  tb.mustClose();
});

test("addItems copies, and a search sees exactly what was added before it started", () => {
  const tb = Table.mustOpen(newDir(), manual);
  const buf = lat("aaa");
  tb.addItems([buf]);
  buf.fill(0x7a); // the caller reuses its buffer
  const before = tb.search();
  tb.addItems([lat("bbb")]);
  tb.flushToDisk();
  const after = tb.search();
  assert.deepEqual(drain(before), [hex(lat("aaa"))]);
  assert.deepEqual(drain(after), [hex(lat("aaa")), hex(lat("bbb"))]);
  before.close();
  after.close();
  tb.mustClose();
});

test("a search started before a merge keeps its parts until it closes", () => {
  const dir = newDir();
  const tb = Table.mustOpen(dir, manual);
  const want = new Set<string>();
  for (let k = 0; k < 5; k++) {
    const rows = indexRows(k, 3000);
    tb.addItems(rows);
    for (const r of rows) want.add(hex(r));
    tb.flushToDisk();
  }
  const partDirs = () => fs.readdirSync(dir).filter((n) => n !== "parts.json").sort();
  const oldParts = partDirs();
  assert.equal(oldParts.length, 5);
  const ts = tb.search();
  const got = drain(ts, 100);
  tb.addItems([lat("\x00new")]);
  tb.forceMerge();
  assert.equal(tb.stats().fileParts, 1);
  // The old part directories are still there while the search is open.
  for (const name of oldParts) assert.ok(fs.existsSync(path.join(dir, name)), `part ${name} kept while a search uses it`);
  assert.ok(!JSON.parse(fs.readFileSync(path.join(dir, "parts.json"), "utf8")).includes(oldParts[0]), "old parts unlisted");
  got.push(...drain(ts));
  assert.deepEqual(got, sortedHex(want), "the old search sees its view, without the item added later");
  ts.seek(Buffer.alloc(0));
  assert.equal(drain(ts).length, want.size, "seek after the merge still reads the old parts");
  ts.close();
  assert.equal(partDirs().length, 1, "old parts removed after the search closed");
  assert.deepEqual(scanAll(tb), sortedHex([...want, hex(lat("\x00new"))]));
  tb.mustClose();
});

test("reopen after a crash removes leftovers and keeps flushed items", () => {
  const dir = newDir();
  const tb = Table.mustOpen(dir, manual);
  const rows = indexRows(1, 5000);
  tb.addItems(rows);
  tb.flushToDisk();
  tb.addItems([lat("lost")]); // never flushed: a crash loses it (the caller's WAL covers this)
  // Simulate a crash in the middle of a flush and of a merge: a temp part
  // dir, a finished part dir not yet listed, and a temp parts.json.
  const listed = JSON.parse(fs.readFileSync(path.join(dir, "parts.json"), "utf8")) as string[];
  fs.mkdirSync(path.join(dir, "00000000000000AA.tmp"));
  fs.writeFileSync(path.join(dir, "00000000000000AA.tmp", "items.bin"), "junk");
  fs.cpSync(path.join(dir, listed[0]!), path.join(dir, "FFFFFFFFFFFFFFF0"), { recursive: true });
  fs.writeFileSync(path.join(dir, "parts.json.tmp.12345"), "[");
  // (the crashed table object is abandoned without mustClose)
  const tb2 = Table.mustOpen(dir, manual);
  assert.deepEqual(fs.readdirSync(dir).sort(), [...listed, "parts.json"].sort(), "leftovers removed");
  assert.deepEqual(scanAll(tb2), sortedHex(rows.map(hex)));
  tb2.addItems([lat("after")]);
  tb2.mustClose();
  const tb3 = Table.mustOpen(dir, manual);
  assert.equal(scanAll(tb3).length, rows.length + 1);
  tb3.mustClose();
});

test("snapshot opens as a table with the items at snapshot time", () => {
  const dir = newDir();
  const snap = newDir();
  const tb = Table.mustOpen(dir, manual);
  const rows = indexRows(2, 4000);
  tb.addItems(rows.slice(0, 2000));
  tb.flushToDisk();
  tb.addItems(rows.slice(2000)); // in memory at snapshot time: flushed by the snapshot
  tb.createSnapshotAt(snap);
  tb.addItems([lat("later")]);
  tb.forceMerge(); // the originals go; the snapshot's hard links stay
  tb.mustClose();
  const st = Table.mustOpen(snap, manual);
  assert.deepEqual(scanAll(st), sortedHex(rows.map(hex)));
  assert.equal(st.stats().fileParts, 2);
  st.mustClose();
});

test("background merges keep the number of file parts bounded", () => {
  const tb = Table.mustOpen(newDir(), manual);
  const want = new Set<string>();
  let maxParts = 0;
  for (let k = 0; k < 60; k++) {
    const rows = indexRows(k, 200);
    tb.addItems(rows);
    for (const r of rows) want.add(hex(r));
    tb.flushToDisk();
    tb.runBackgroundMerges();
    maxParts = Math.max(maxParts, tb.stats().fileParts);
  }
  assert.ok(maxParts <= 16, `max file parts ${maxParts}`); // about 2 tiers of < 8 parts each
  assert.ok(tb.stats().mergesTotal >= 5, `merges ${tb.stats().mergesTotal}`);
  assert.deepEqual(scanAll(tb), sortedHex(want));
  tb.mustClose();
});

test("above maxFileParts, merges ignore the size cap", () => {
  const tb = Table.mustOpen(newDir(), { ...manual, maxBackgroundMergeBytes: 1, maxFileParts: 4 });
  for (let k = 0; k < 10; k++) {
    tb.addItems(indexRows(k, 100 * (k + 1) * (k + 1)));
    tb.flushToDisk();
    tb.runBackgroundMerges();
    assert.ok(tb.stats().fileParts <= 4, `file parts ${tb.stats().fileParts} after flush ${k}`);
  }
  tb.mustClose();
});

test("many small searches between adds keep in-memory parts bounded", () => {
  const tb = Table.mustOpen(newDir(), manual);
  const want = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const it = lat(`item${(i * 7919) % 1000}`);
    tb.addItems([it]);
    want.add(hex(it));
    const ts = tb.search();
    ts.seek(it);
    assert.equal(ts.nextItem() && hex(ts.item) === hex(it), true, `just added item ${i} is visible`);
    ts.close();
  }
  assert.ok(tb.stats().inmemoryParts <= 30, `in-memory parts ${tb.stats().inmemoryParts}`);
  assert.deepEqual(scanAll(tb), sortedHex(want));
  tb.mustClose();
});

test("the flush timer writes file parts", async () => {
  const tb = Table.mustOpen(newDir(), { flushIntervalMs: 20, backgroundMerges: false });
  tb.addItems([lat("x")]);
  const deadline = Date.now() + 3000;
  while (tb.stats().fileParts === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(tb.stats().fileParts, 1);
  assert.equal(tb.stats().pendingItems, 0);
  tb.mustClose();
});

test("stats", () => {
  const tb = Table.mustOpen(newDir(), manual);
  tb.addItems([lat("a"), lat("b")]);
  let s = tb.stats();
  assert.equal(s.pendingItems, 2);
  assert.equal(s.itemsCount, 0);
  tb.flushToDisk();
  s = tb.stats();
  assert.deepEqual([s.pendingItems, s.itemsCount, s.inmemoryParts, s.fileParts], [0, 2, 0, 1]);
  assert.ok(s.sizeBytes > 0);
  tb.mustClose();
  assert.throws(() => tb.addItems([lat("c")]), /BUG: addItems called on closed table/);
});

test("table equals a reference set under random adds, flushes, merges and reopens", () => {
  const smallItem = fc.uint8Array({ maxLength: 5 }).map((a) => Buffer.from(a.map((b) => (b & 3) * 85)));
  const op = fc.oneof(
    { weight: 4, arbitrary: fc.record({ t: fc.constant("add" as const), items: fc.array(smallItem, { maxLength: 30 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant("bulk" as const), seed: fc.nat(20), n: fc.integer({ min: 1, max: 3000 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant("check" as const), keys: fc.array(smallItem, { maxLength: 4 }), picks: fc.array(fc.nat(), { maxLength: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("hold" as const) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant("flush" as const) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("merge" as const) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("force" as const) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("reopen" as const) }) },
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 14 }), (ops) => {
    const dir = newDir();
    let tb = Table.mustOpen(dir, manual);
    const ref = new Set<string>();
    const held: { ts: TableSearch; want: string[] }[] = [];
    try {
      for (const o of ops) {
        switch (o.t) {
          case "add":
            tb.addItems(o.items);
            for (const it of o.items) ref.add(hex(it));
            break;
          case "bulk": {
            const rows = indexRows(o.seed, o.n);
            tb.addItems(rows);
            for (const r of rows) ref.add(hex(r));
            break;
          }
          case "check": {
            const want = sortedHex(ref);
            assert.deepEqual(scanAll(tb), want);
            const ts = tb.search();
            const keys: Uint8Array[] = [...o.keys];
            for (const p of o.picks) {
              if (want.length === 0) break;
              const it = Buffer.from(want[p % want.length]!, "hex");
              keys.push(it, it.subarray(0, Math.max(0, it.length - 3)), Buffer.concat([it, Buffer.from([0])]));
            }
            for (const k of keys) {
              ts.seek(k);
              assert.deepEqual(drain(ts, 3), expectFrom(want, k, 3), `seek ${hex(k)}`);
            }
            ts.close();
            break;
          }
          case "hold":
            held.push({ ts: tb.search(), want: sortedHex(ref) });
            break;
          case "flush":
            tb.flushToDisk();
            break;
          case "merge":
            tb.runBackgroundMerges();
            break;
          case "force":
            tb.forceMerge();
            assert.ok(tb.stats().fileParts <= 1);
            break;
          case "reopen":
            tb.mustClose();
            tb = Table.mustOpen(dir, manual);
            break;
          default: {
            const _: never = o;
          }
        }
      }
      assert.deepEqual(scanAll(tb), sortedHex(ref));
      for (const h of held) assert.deepEqual(drain(h.ts), h.want, "held search");
    } finally {
      for (const h of held) h.ts.close();
      tb.mustClose();
    }
    // Everything was flushed by mustClose and survives a reopen.
    const again = Table.mustOpen(dir, manual);
    assert.deepEqual(scanAll(again), sortedHex(ref));
    again.mustClose();
  }), { numRuns: 100 });
});
