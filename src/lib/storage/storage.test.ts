import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Storage } from "./storage.ts";
import type { Label } from "./metric_name.ts";

test("addRows: a labels array that a parser refills for another series never reuses the old series key", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-storage-"));
  const st = Storage.open(dir, { retentionMs: 30 * 86_400_000, flushIntervalMs: 0, rawFlushIntervalMs: 0, backgroundMerges: false });
  try {
    const t = Date.now() - 60_000;
    const labels: Array<Array<[string, string]>> = [[["__name__", "a"], ["job", "x"]]];
    const add = (v: number) => st.addRows({ lines: 1, labels: labels as Label[][], timestamps: Float64Array.of(t + v), values: Float64Array.of(v), offsets: Uint32Array.of(0, 1) });
    add(1);
    add(2); // same array, same labels: cached key
    labels[0]![0] = ["__name__", "b"]; // a new tuple in the same array
    add(3);
    labels[0]![1]![1] = "y"; // a tuple changed in place
    add(4);
    labels[0]!.push(["zone", "z"]); // a label added
    add(5);
    const got: string[] = [];
    for (const s of st.search([{ label: "__name__", value: ".+", isRegex: true, isNegative: false }], 0, Date.now(), 1000)) {
      got.push(`${JSON.stringify(s.labels)}=${[...s.values.subarray(0, s.n)].join(",")}`);
    }
    assert.deepEqual(got.sort(), [
      '[["__name__","a"],["job","x"]]=1,2',
      '[["__name__","b"],["job","x"]]=3',
      '[["__name__","b"],["job","y"]]=4',
      '[["__name__","b"],["job","y"],["zone","z"]]=5',
    ].sort());
  } finally {
    await st.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("addRows: fresh label arrays per row (InfluxDB-style parsers) find their series, also across separator collisions and deletions", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-storage-"));
  const st = Storage.open(dir, { retentionMs: 30 * 86_400_000, flushIntervalMs: 0, rawFlushIntervalMs: 0, backgroundMerges: false });
  try {
    const t = Date.now() - 60_000;
    const add = (labels: Array<[string, string]>, v: number) =>
      st.addRows({ lines: 1, labels: [labels.map(([n, x]) => [n, x] as const)], timestamps: Float64Array.of(t + v), values: Float64Array.of(v), offsets: Uint32Array.of(0, 1) });
    const dump = (): string[] => {
      const got: string[] = [];
      for (const s of st.search([{ label: "__name__", value: ".+", isRegex: true, isNegative: false }], 0, Date.now(), 1000)) {
        got.push(`${JSON.stringify(s.labels)}=${[...s.values.subarray(0, s.n)].join(",")}`);
      }
      return got.sort();
    };
    add([["__name__", "m"], ["a", "x\u0000b"]], 1);
    add([["__name__", "m"], ["a\u0000x", "b"]], 2); // the same key as given, another series
    add([["__name__", "m"], ["a", "x\u0000b"]], 3);
    add([["a", "x\u0000b"], ["__name__", "m"]], 4); // other order, same series
    assert.deepEqual(dump(), [
      '[["__name__","m"],["a","x\\u0000b"]]=1,3,4',
      '[["__name__","m"],["a\\u0000x","b"]]=2',
    ].sort());
    assert.equal(await st.deleteSeries([{ label: "a", value: "x\u0000b", isRegex: false, isNegative: false }], -Infinity, Infinity, 1000), 1);
    add([["__name__", "m"], ["a", "x\u0000b"]], 5); // a new series after the deletion
    assert.deepEqual(dump(), [
      '[["__name__","m"],["a","x\\u0000b"]]=5',
      '[["__name__","m"],["a\\u0000x","b"]]=2',
    ].sort());
  } finally {
    await st.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
