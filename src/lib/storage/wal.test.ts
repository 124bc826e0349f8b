import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { WalWriter, listSegments, replaySegment, type ReplayStats } from "./wal.ts";

function replayAll(dir: string): { rows: Array<[string, number, number]>; stats: ReplayStats } {
  const stats: ReplayStats = { segments: 0, records: 0, rows: 0, tornBytes: 0 };
  const rows: Array<[string, number, number]> = [];
  for (const seq of listSegments(dir)) {
    replaySegment(dir, seq, (keys, ids, ts, vals, n) => {
      for (let i = 0; i < n; i++) rows.push([keys.get(ids[i]!)!, ts[i]!, vals[i]!]);
    }, stats);
  }
  return { rows, stats };
}

test("WAL: committed records replay; a torn tail is cut and ignored", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-wal-"));
  try {
    const w = new WalWriter(dir, 1, 0);
    for (let r = 0; r < 3; r++) {
      w.beginRecord();
      if (!w.isDefined(7)) w.defineSeries(7, "up\x01job\x02a\x01");
      w.addSeriesRows(7, Float64Array.of(r * 10, r * 10 + 1), Float64Array.of(r, r + 0.5), 0, 2);
      w.commit();
    }
    w.rotate();
    w.beginRecord();
    w.defineSeries(9, "x\x01");
    w.addSeriesRows(9, Float64Array.of(100), Float64Array.of(-1), 0, 1);
    w.commit();
    w.close();
    let { rows, stats } = replayAll(dir);
    assert.equal(rows.length, 7);
    assert.deepEqual(rows[6], ["x\x01", 100, -1]);
    assert.equal(stats.tornBytes, 0);
    // Tear the last record of segment 1: cut it in the middle.
    const seg1 = path.join(dir, listSegments(dir).map((s) => s.toString(16).padStart(16, "0") + ".wal")[0]!);
    const size = fs.statSync(seg1).size;
    fs.truncateSync(seg1, size - 10);
    ({ rows, stats } = replayAll(dir));
    assert.equal(rows.length, 5, "the torn record is dropped, the others kept");
    assert.ok(stats.tornBytes > 0);
    // Garbage appended after valid records is ignored too.
    fs.appendFileSync(seg1, Buffer.from([0, 0, 0, 5, 1, 2, 3, 4, 9, 9, 9, 9, 9]));
    ({ rows } = replayAll(dir));
    assert.equal(rows.length, 5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
