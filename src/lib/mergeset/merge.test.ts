import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { mergePartsInmemory, mergePartsToDir } from "./merge.ts";
import { Part } from "./part.ts";
import { PartSearch } from "./part_search.ts";

function partOf(items: string[]): Part {
  const bufs = [...new Set(items)].map((s) => Buffer.from(s, "hex")).sort(Buffer.compare);
  return Part.buildInmemory((w) => { for (const b of bufs) w.add(b, 0, b.length); });
}

function all(p: Part): string[] {
  const ps = new PartSearch(p);
  ps.seekFirst();
  const out: string[] = [];
  while (!ps.done) {
    out.push(ps.data.subarray(ps.start, ps.end).toString("hex"));
    ps.next();
  }
  return out;
}

test("mergePartsInmemory", () => {
  const f = (inputs: string[][], want: string[]) =>
    assert.deepEqual(all(mergePartsInmemory(inputs.map(partOf))), want, `inputs=${JSON.stringify(inputs)}`);
  f([], []);
  f([[]], []);
  f([["01"]], ["01"]);
  f([["01", "03"], ["02", "03"], ["03", "04"]], ["01", "02", "03", "04"]);
  f([["", "00"], [""], ["00", "0000"]], ["", "00", "0000"]);
  f([["05"], ["01", "02", "05"]], ["01", "02", "05"]);
  f([["01", "02", "05"], ["05"]], ["01", "02", "05"]);
});

test("merge equals the sorted union", () => {
  const item = fc.uint8Array({ maxLength: 4 }).map((a) => Buffer.from(a.map((b) => b & 7)).toString("hex"));
  fc.assert(fc.property(fc.array(fc.array(item, { maxLength: 200 }), { maxLength: 17 }), (inputs) => {
    const want = [...new Set(inputs.flat())].map((s) => Buffer.from(s, "hex")).sort(Buffer.compare).map((b) => b.toString("hex"));
    const got = mergePartsInmemory(inputs.map(partOf));
    assert.deepEqual(all(got), want);
    assert.equal(got.header.itemsCount, want.length);
  }));
});

test("mergePartsToDir writes a part that opens", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mergeset-merge-"));
  try {
    const dir = path.join(root, "p");
    const h = mergePartsToDir([partOf(["01", "03"]), partOf(["02"])], dir);
    assert.equal(h.itemsCount, 3);
    const p = Part.mustOpenFile(dir);
    assert.deepEqual(all(p), ["01", "02", "03"]);
    p.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
