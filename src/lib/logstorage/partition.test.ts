import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { Partition, parseStreamIndexItem, streamIndexItem } from "./partition.ts";
import { streamIDOf } from "./stream.ts";
import { tmpDir } from "./testutil.ts";

test("stream index items", () => {
  const id = streamIDOf('{a="b"}');
  const item = streamIndexItem(1, 0xfffffffe, id, '{a="b"}');
  assert.equal(Buffer.from(item).toString("hex"), "01" + "00000001" + "fffffffe" + id + Buffer.from('{a="b"}').toString("hex"));
  assert.deepEqual(parseStreamIndexItem(item), { accountID: 1, projectID: 0xfffffffe, streamID: id, stream: '{a="b"}' });
  assert.equal(parseStreamIndexItem(Uint8Array.of(2, 0, 0)), undefined);
});

test("the stream index of a partition", () => {
  const dir = tmpDir();
  try {
    const day = 20000;
    let pt = new Partition(dir, day, 0);
    assert.equal(pt.name, "20241004");
    const streams = ['{a="1"}', '{a="2"}', '{a="3"}'];
    for (const s of streams) assert.equal(pt.registerStream(0, 0, streamIDOf(s), s), true);
    assert.equal(pt.registerStream(0, 0, streamIDOf(streams[0]!), streams[0]!), false, "registered once");
    assert.equal(pt.registerStream(7, 1, streamIDOf(streams[0]!), streams[0]!), true, "another tenant");
    const list = (acc: number, proj: number) => {
      const out: string[] = [];
      pt.forEachStream(acc, proj, (id, s) => {
        assert.equal(id, streamIDOf(s));
        out.push(s);
      });
      return out.sort();
    };
    assert.deepEqual(list(0, 0), streams);
    assert.deepEqual(list(7, 1), [streams[0]]);
    assert.deepEqual(list(7, 0), []);
    pt.index.mustClose();
    // Reopened, the partition knows its streams.
    pt = new Partition(dir, day, 0);
    assert.equal(pt.streams.size, 4);
    assert.equal(pt.registerStream(0, 0, streamIDOf(streams[1]!), streams[1]!), false);
    assert.deepEqual(list(0, 0), streams);
    assert.equal(pt.minTimestamp, 20000n * 86_400_000_000_000n);
    assert.equal(pt.maxTimestamp, 20001n * 86_400_000_000_000n - 1n);
    pt.index.mustClose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
