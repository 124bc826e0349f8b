import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { tmpDir } from "./testutil.ts";
import { LogWal, listWalSegments, replayWalSegment, sealWalRecord, walRecordHeaderSize } from "./wal.ts";

function record(payload: string): Uint8Array {
  const rec = new Uint8Array(walRecordHeaderSize + payload.length);
  rec.set(Buffer.from(payload), walRecordHeaderSize);
  sealWalRecord(rec);
  return rec;
}

test("WAL record layout", () => {
  // length 3 BE, crc32("abc") BE, payload.
  assert.equal(Buffer.from(record("abc")).toString("hex"), "00000003" + "352441c2" + "616263");
});

test("WAL append, replay, torn tail, rotate and remove", () => {
  const dir = tmpDir();
  try {
    const w = new LogWal(dir, 1, 0);
    w.append(record("one"));
    w.append(record("two"));
    w.close();
    const seg = path.join(dir, "0000000000000001.wal");
    // A torn tail: half a record, then a record with a bad checksum.
    const third = record("three");
    fs.appendFileSync(seg, third.subarray(0, 6));
    const f = (want: string[], wantTorn: number) => {
      const got: string[] = [];
      const torn = replayWalSegment(dir, 1, (p) => got.push(Buffer.from(p).toString()));
      assert.deepEqual(got, want);
      assert.equal(torn, wantTorn);
    };
    f(["one", "two"], 6);
    // The tail was cut: a second replay finds nothing torn.
    f(["one", "two"], 0);
    const bad = record("four");
    bad[walRecordHeaderSize] ^= 1;
    fs.appendFileSync(seg, bad);
    fs.appendFileSync(seg, record("five"));
    f(["one", "two"], bad.length + 8 + 4);
    const w2 = new LogWal(dir, 2, 0);
    w2.append(record("x"));
    assert.equal(w2.rotate(), 2);
    assert.deepEqual(listWalSegments(dir), [1, 2, 3]);
    w2.removeUpTo(2);
    assert.deepEqual(listWalSegments(dir), [3]);
    w2.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
