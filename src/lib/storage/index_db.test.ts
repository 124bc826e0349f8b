import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Storage } from "./storage.ts";
import type { Label } from "./metric_name.ts";
import type { TagFilter } from "./tag_filters.ts";

const DAY = 86_400_000;

// Label names and values without filters come off the label index by
// jumping from one string to the next; with filters, from the matching
// series. Both must agree, and deleted series must not show.
test("label names and values: per-day index, global index, filters, deletions", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-indexdb-"));
  const st = Storage.open(dir, { retentionMs: 3650 * DAY, flushIntervalMs: 0, rawFlushIntervalMs: 0, backgroundMerges: false });
  try {
    const day = Math.floor(Date.now() / DAY) - 3;
    const add = (labels: Label[], t: number) => st.addRows({ lines: 1, labels: [labels], timestamps: Float64Array.of(t), values: Float64Array.of(1), offsets: Uint32Array.of(0, 1) });
    add([["__name__", "up"], ["job", "a"], ["instance", "h1"]], day * DAY + 1000);
    add([["__name__", "up"], ["job", "b"], ["instance", "h2"]], day * DAY + 2000);
    add([["__name__", "up"], ["job", "ab"], ["x\x01y", "v\x02w"]], day * DAY + 3000);
    add([["__name__", "cpu"], ["job", "a"], ["mode", "idle"]], (day + 1) * DAY + 1000);
    add([["__name__", "gone"], ["zone", "z"]], day * DAY + 4000);
    st.forceFlush();
    const all: TagFilter[] = [];
    const f = (got: string[], want: string[], what: string) => assert.deepEqual(got, want, what);
    const d0 = day * DAY, d1 = (day + 1) * DAY - 1, d2 = (day + 2) * DAY - 1;
    f(st.labelNames(all, d0, d1, 1000), ["__name__", "instance", "job", "x\x01y", "zone"], "names, day 0");
    f(st.labelNames(all, d1 + 1, d2, 1000), ["__name__", "job", "mode"], "names, day 1");
    f(st.labelNames(all, 0, Date.now(), 1000), ["__name__", "instance", "job", "mode", "x\x01y", "zone"], "names, global index");
    f(st.labelValues("job", all, d0, d2, 1000), ["a", "ab", "b"], "job values, two days");
    f(st.labelValues("x\x01y", all, d0, d2, 1000), ["v\x02w"], "escaped label");
    f(st.labelValues("__name__", all, 0, Date.now(), 1000), ["cpu", "gone", "up"], "names, global index");
    f(st.labelValues("nosuch", all, d0, d2, 1000), [], "missing label");
    const up: TagFilter[] = [{ label: "__name__", value: "up", isRegex: false, isNegative: false }];
    f(st.labelValues("job", up, d0, d2, 1000), ["a", "ab", "b"], "job values of up");
    f(st.labelNames(up, d0, d2, 1000), ["__name__", "instance", "job", "x\x01y"], "names of up");
    await st.deleteSeries([{ label: "__name__", value: "gone", isRegex: false, isNegative: false }], -Infinity, Infinity, 1000);
    await st.deleteSeries([{ label: "job", value: "b", isRegex: false, isNegative: false }], -Infinity, Infinity, 1000);
    f(st.labelNames(all, d0, d1, 1000), ["__name__", "instance", "job", "x\x01y"], "names after deletion");
    f(st.labelValues("job", all, d0, d2, 1000), ["a", "ab"], "job values after deletion");
    f(st.labelValues("instance", all, 0, Date.now(), 1000), ["h1"], "instance values after deletion, global index");
  } finally {
    await st.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a repeated selector search sees new series, series new on a day, and deletions at once", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-indexdb-"));
  const st = Storage.open(dir, { retentionMs: 3650 * DAY, flushIntervalMs: 0, rawFlushIntervalMs: 0, backgroundMerges: false });
  try {
    const day = Math.floor(Date.now() / DAY) - 3;
    const add = (labels: Label[], t: number) => st.addRows({ lines: 1, labels: [labels], timestamps: Float64Array.of(t), values: Float64Array.of(1), offsets: Uint32Array.of(0, 1) });
    const up: TagFilter[] = [{ label: "__name__", value: "up", isRegex: false, isNegative: false }];
    const count = (minT: number, maxT: number): number => st.searchSeries(up, minT, maxT, 1000).tsids.length;
    const d0 = day * DAY, d1 = (day + 1) * DAY - 1, d2 = (day + 2) * DAY - 1;
    add([["__name__", "up"], ["i", "1"]], d0 + 1000);
    assert.equal(count(d0, d1), 1);
    assert.equal(count(d0, d1), 1, "again, from the cache");
    add([["__name__", "up"], ["i", "2"]], d0 + 2000);
    assert.equal(count(d0, d1), 2, "a new series");
    assert.equal(count(d1 + 1, d2), 0);
    add([["__name__", "up"], ["i", "1"]], d1 + 1000);
    assert.equal(count(d1 + 1, d2), 1, "a known series new on the next day");
    await st.deleteSeries([{ label: "i", value: "2", isRegex: false, isNegative: false }], -Infinity, Infinity, 1000);
    assert.equal(count(d0, d1), 1, "after a deletion");
    assert.throws(() => st.searchSeries(up, d0, d2, 0), /maxUniqueTimeseries|exceeds/, "the series limit applies to cached results too");
  } finally {
    await st.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
