// Conformance tests for parts: the same cases run on in-memory parts and on
// file parts, through PartSearch.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { Part } from "./part.ts";
import { PartSearch } from "./part_search.ts";

let tmpRoot = "";
let seq = 0;
function tmpDir(): string {
  if (tmpRoot === "") tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "mergeset-part-"));
  return path.join(tmpRoot, `p${seq++}`);
}
process.on("exit", () => { if (tmpRoot !== "") fs.rmSync(tmpRoot, { recursive: true, force: true }); });

type NewPart = (sortedItems: Buffer[]) => Part;
const newInmemory: NewPart = (items) => Part.buildInmemory((w) => { for (const it of items) w.add(it, 0, it.length); });
const newFile: NewPart = (items) => {
  const dir = tmpDir();
  Part.buildFiles(dir, (w) => { for (const it of items) w.add(it, 0, it.length); });
  return Part.mustOpenFile(dir);
};

function sortedUnique(items: Uint8Array[]): Buffer[] {
  const m = new Map<string, Buffer>();
  for (const it of items) m.set(Buffer.from(it).toString("hex"), Buffer.from(it));
  return [...m.values()].sort(Buffer.compare);
}

function scanFrom(ps: PartSearch, key: Uint8Array | null, limit = Infinity): string[] {
  if (key === null) ps.seekFirst();
  else ps.seek(key);
  const out: string[] = [];
  while (!ps.done && out.length < limit) {
    out.push(ps.data.subarray(ps.start, ps.end).toString("hex"));
    ps.next();
  }
  return out;
}

function expectFrom(items: Buffer[], key: Uint8Array, limit = Infinity): string[] {
  const out: string[] = [];
  for (const it of items) {
    if (out.length >= limit) break;
    if (Buffer.compare(it, Buffer.from(key)) >= 0) out.push(it.toString("hex"));
  }
  return out;
}

/** indexRows builds n items shaped like index rows: prefix · name · 1 · value · 1 · metricID(8). */
function indexRows(n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const head = Buffer.from(`\x01label${i % 5}\x01value${Math.floor(i / 50) % 300}\x01`, "latin1");
    const id = Buffer.alloc(8);
    id.writeBigUInt64BE(BigInt(1_700_000_000_000 + i * 3));
    out.push(Buffer.concat([head, id]));
  }
  return sortedUnique(out);
}

function runPartTests(kind: string, newPart: NewPart): void {
  test(`${kind}: empty part`, () => {
    const p = newPart([]);
    assert.equal(p.header.itemsCount, 0);
    assert.equal(p.header.blocksCount, 0);
    const ps = new PartSearch(p);
    assert.deepEqual(scanFrom(ps, null), []);
    assert.deepEqual(scanFrom(ps, Buffer.alloc(0)), []);
    p.close();
  });

  test(`${kind}: seek semantics`, () => {
    const items = ["b", "bb", "d", "da", "f"].map((s) => Buffer.from(s, "latin1"));
    const p = newPart(items);
    const ps = new PartSearch(p);
    const f = (key: string, want: string[]) =>
      assert.deepEqual(scanFrom(ps, Buffer.from(key, "latin1")).map((h) => Buffer.from(h, "hex").toString("latin1")), want, `${kind} seek(${JSON.stringify(key)})`);
    f("", ["b", "bb", "d", "da", "f"]); // before first
    f("a", ["b", "bb", "d", "da", "f"]);
    f("b", ["b", "bb", "d", "da", "f"]); // exact first
    f("ba", ["bb", "d", "da", "f"]); // between
    f("d", ["d", "da", "f"]); // exact
    f("db", ["f"]);
    f("f", ["f"]); // exact last
    f("f\x00", []); // after last
    f("z", []);
    assert.equal(p.header.firstItem.toString("latin1"), "b");
    assert.equal(p.header.lastItem.toString("latin1"), "f");
    p.close();
  });

  test(`${kind}: many blocks of index rows`, () => {
    const items = indexRows(20000);
    const p = newPart(items);
    assert.equal(p.header.itemsCount, items.length);
    assert.ok(p.header.blocksCount > 5, `blocks ${p.header.blocksCount}`);
    const ps = new PartSearch(p);
    assert.deepEqual(scanFrom(ps, null), items.map((b) => b.toString("hex")));
    // seek to every 997th item, to just before and just after it
    for (let i = 0; i < items.length; i += 997) {
      const it = items[i]!;
      const before = Buffer.concat([it.subarray(0, it.length - 1), Buffer.from([it[it.length - 1]! - 1])]);
      const after = Buffer.concat([it, Buffer.from([0])]);
      for (const key of [it, before, after, it.subarray(0, 10)]) {
        assert.deepEqual(scanFrom(ps, key, 5), expectFrom(items, key, 5), `${kind} seek ${key.toString("hex")}`);
      }
    }
    p.close();
  });

  test(`${kind}: big items span many blocks and index blocks`, () => {
    const items: Buffer[] = [];
    for (let i = 0; i < 40; i++) items.push(Buffer.concat([Buffer.from([i >> 2]), Buffer.alloc(20000 + i * 1000, i)]));
    const sorted = sortedUnique(items);
    const p = newPart(sorted);
    assert.ok(p.metaindex.length > 3, `index blocks ${p.metaindex.length}`);
    const ps = new PartSearch(p);
    assert.deepEqual(scanFrom(ps, null), sorted.map((b) => b.toString("hex")));
    for (const it of sorted) {
      assert.deepEqual(scanFrom(ps, it, 2), expectFrom(sorted, it, 2), `${kind} seek to a big item`);
      const key = it.subarray(0, 3);
      assert.deepEqual(scanFrom(ps, key, 2), expectFrom(sorted, key, 2), `${kind} seek to a big item's prefix`);
    }
    p.close();
  });

  test(`${kind}: random items and seeks`, () => {
    const item = fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a.map((b) => b & 3)));
    fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 300 }), fc.array(item, { maxLength: 20 }), (raw, keys) => {
      const items = sortedUnique(raw);
      const p = newPart(items);
      const ps = new PartSearch(p);
      assert.deepEqual(scanFrom(ps, null), items.map((b) => b.toString("hex")));
      for (const k of keys) assert.deepEqual(scanFrom(ps, k), expectFrom(items, k), `seek ${Buffer.from(k).toString("hex")}`);
      p.close();
    }), { numRuns: kind === "file" ? 30 : 100 });
  });
}

runPartTests("in-memory", newInmemory);
runPartTests("file", newFile);

test("in-memory part written to disk reads back the same", () => {
  const items = indexRows(5000);
  const mp = newInmemory(items);
  const dir = tmpDir();
  mp.mustWriteTo(dir);
  const fp = Part.mustOpenFile(dir);
  assert.deepEqual(fp.header, mp.header);
  assert.equal(fp.sizeBytes > mp.sizeBytes, true, "file size includes metadata.json");
  assert.deepEqual(scanFrom(new PartSearch(fp), null), items.map((b) => b.toString("hex")));
  fp.close();
});
