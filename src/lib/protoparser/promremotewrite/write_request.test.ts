import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ProtoError, ProtoWriter } from "../../protobuf/index.ts";
import { isStaleNaN } from "../../encoding/index.ts";
import { LabelsCache } from "./labels_cache.ts";
import { marshalWriteRequest } from "./marshal.ts";
import { parseWriteRequest } from "./write_request.ts";
import { WriteRows, type Label } from "./write_rows.ts";
import { bitsHex, writeHistogram, writeLabel, writeSample, type HistogramSpec } from "./_test_builders.ts";

interface Series { labels: Label[]; ts: number[]; vs: number[] }

function toRows(series: Series[]): WriteRows {
  const r = new WriteRows();
  for (const s of series) {
    r.growSamples(r.samples + s.ts.length);
    for (let i = 0; i < s.ts.length; i++) {
      r.timestamps[r.samples] = s.ts[i]!;
      r.values[r.samples] = s.vs[i]!;
      r.samples++;
    }
    r.commitSeries(s.labels);
  }
  return r;
}

function fromRows(r: WriteRows): Series[] {
  const out: Series[] = [];
  for (let i = 0; i < r.lines; i++) {
    const s = r.offsets[i]!, e = r.offsets[i + 1]!;
    out.push({ labels: [...r.labels[i]!] as Label[], ts: [...r.timestamps.subarray(s, e)], vs: [...r.values.subarray(s, e)] });
  }
  return out;
}

test("parseWriteRequest decodes series, labels and samples", () => {
  const f = (series: Series[], what: string) => {
    const body = marshalWriteRequest(toRows(series)).slice();
    const rows = new WriteRows();
    parseWriteRequest(body, rows, new LabelsCache());
    assert.deepEqual(fromRows(rows), series, what);
    assert.equal(rows.floatSamples, series.reduce((n, s) => n + s.ts.length, 0), `${what}: floatSamples`);
  };
  f([], "empty request");
  f([{ labels: [["__name__", "up"], ["job", "node"]], ts: [1700000000000], vs: [1] }], "one sample");
  f([
    { labels: [["__name__", "a"]], ts: [1, 2, 3], vs: [0.5, -1e300, Infinity] },
    { labels: [["__name__", "b"], ["ü", "ö\n\"x\""]], ts: [-5], vs: [-0] },
  ], "several samples, negative timestamps, UTF-8");
});

test("parseWriteRequest keeps value bits, staleness markers included", () => {
  const w = new ProtoWriter();
  const bits = ["7ff0000000000002", "7ff8000000000001", "fff8000000000000", "8000000000000000", "3ff0000000000000"];
  w.beginMessage(1);
  writeLabel(w, "__name__", "m");
  for (let i = 0; i < bits.length; i++) {
    w.beginMessage(2);
    w.doubleBits(1, Buffer.from(bits[i]!, "hex").reverse(), 0);
    w.int64(2, 1000 + i);
    w.endMessage();
  }
  w.endMessage();
  const rows = new WriteRows();
  parseWriteRequest(w.finish(), rows);
  assert.deepEqual(bitsHex(rows.values, 0, rows.samples), bits);
  assert.ok(isStaleNaN(rows.values[0]!));
});

test("parseWriteRequest field details", () => {
  const rows = new WriteRows();
  const w = new ProtoWriter();
  // A label with an empty name is the metric name; a sample without fields is (0, 0);
  // a label after a sample; unknown fields skipped; exemplars and metadata counted.
  w.beginMessage(1);
  writeLabel(w, "", "m1");
  w.beginMessage(2);
  w.endMessage();
  w.beginMessage(3); // exemplar
  w.endMessage();
  writeLabel(w, "a", "b");
  w.int64(9, 5);
  w.endMessage();
  w.beginMessage(3); // metadata
  w.string(2, "m1");
  w.endMessage();
  w.beginMessage(1); // a series without samples is skipped
  writeLabel(w, "__name__", "nothing");
  w.endMessage();
  w.int64(7, 1);
  parseWriteRequest(w.finish(), rows);
  assert.deepEqual(fromRows(rows), [{ labels: [["__name__", "m1"], ["a", "b"]], ts: [0], vs: [0] }]);
  assert.equal(rows.exemplars, 1);
  assert.equal(rows.metadata, 1);
});

test("parseWriteRequest decodes a repeated series' labels once (cache)", () => {
  const cache = new LabelsCache();
  const body = marshalWriteRequest(toRows([
    { labels: [["__name__", "x"], ["i", "1"]], ts: [1], vs: [1] },
    { labels: [["__name__", "x"], ["i", "2"]], ts: [1], vs: [2] },
  ])).slice();
  const r1 = new WriteRows();
  parseWriteRequest(body, r1, cache);
  const r2 = new WriteRows();
  parseWriteRequest(body, r2, cache);
  assert.equal(r1.labels[0], r2.labels[0], "the same labels array comes back");
  assert.notEqual(r1.labels[0], r1.labels[1]);
  assert.equal(cache.size, 2);
  const small = new LabelsCache(1);
  r1.reset();
  parseWriteRequest(body, r1, small);
  assert.ok(small.size <= 2, "the cache is bounded");
  assert.deepEqual(fromRows(r1).map((s) => s.labels), [[["__name__", "x"], ["i", "1"]], [["__name__", "x"], ["i", "2"]]]);
});

test("parseWriteRequest grows its arrays", () => {
  const series: Series[] = [];
  for (let i = 0; i < 3000; i++) series.push({ labels: [["__name__", `m${i % 7}`], ["i", String(i)]], ts: [i, i + 1], vs: [i / 3, -i] });
  const rows = new WriteRows();
  parseWriteRequest(marshalWriteRequest(toRows(series)).slice(), rows, new LabelsCache());
  assert.deepEqual(fromRows(rows), series);
});

test("parseWriteRequest rejects malformed requests with ProtoError", () => {
  const f = (build: (w: ProtoWriter) => void, want: RegExp) => {
    const w = new ProtoWriter();
    build(w);
    assert.throws(() => parseWriteRequest(w.finish(), new WriteRows()), (e: unknown) => e instanceof ProtoError && want.test(e.message), String(want));
  };
  f((w) => w.int64(1, 5), /cannot read field 1 as message: got wire type varint; want len/);
  f((w) => { w.beginMessage(1); w.int64(2, 1); w.endMessage(); }, /cannot unmarshal timeseries #0: cannot read field 2 as message/);
  f((w) => { w.beginMessage(1); w.beginMessage(2); w.int64(1, 1); w.endMessage(); w.endMessage(); }, /cannot read field 1 as double: got wire type varint; want i64/);
  f((w) => { w.beginMessage(1); w.beginMessage(2); w.double(2, 1); w.endMessage(); w.endMessage(); }, /cannot read field 2 as int64/);
  f((w) => { w.beginMessage(1); w.beginMessage(1); w.int64(1, 1); w.endMessage(); writeSample(w, 1, 1); w.endMessage(); }, /cannot unmarshal label: cannot read field 1 as message/);
  f((w) => { w.beginMessage(1); writeLabel(w, "__name__", "h"); writeSample(w, 1, 1); writeHistogram(w, 4, { countInt: 1 }); w.endMessage(); }, /cannot have both samples and native histograms/);
  f((w) => { w.beginMessage(1); writeLabel(w, "__name__", "h"); w.beginMessage(4); w.int64(3, 1); w.endMessage(); w.endMessage(); }, /cannot unmarshal native histogram: cannot read field 3 as double/);
  f((w) => { w.beginMessage(1); w.bytes(1, Uint8Array.of(0x0a, 0x05)); writeSample(w, 1, 1); w.endMessage(); }, /cannot unmarshal timeseries #0: cannot unmarshal label: cannot read field 1: got length 5/);
});

const histBase: Label[] = [["__name__", "rpc_seconds"], ["job", "api"]];

function histSeries(h: HistogramSpec, labels: Label[] = histBase): { rows: WriteRows; got: [string, number, number][] } {
  const w = new ProtoWriter();
  w.beginMessage(1);
  for (const [n, v] of labels) writeLabel(w, n, v);
  writeHistogram(w, 4, h);
  w.endMessage();
  const rows = new WriteRows();
  parseWriteRequest(w.finish(), rows, new LabelsCache());
  const got: [string, number, number][] = [];
  for (let i = 0; i < rows.lines; i++) {
    assert.equal(rows.offsets[i + 1]! - rows.offsets[i]!, 1, "one sample per series");
    const ls = rows.labels[i]!.filter(([n]) => n !== "__name__" && n !== "job").map(([n, v]) => `${n}=${v}`);
    const name = rows.labels[i]!.find(([n]) => n === "__name__")?.[1];
    got.push([[name, ...ls].join(" "), rows.timestamps[rows.offsets[i]!]!, rows.values[rows.offsets[i]!]!]);
  }
  return { rows, got };
}

test("native histograms become VictoriaMetrics histogram series", () => {
  const f = (h: HistogramSpec, want: [string, number][], what: string) => {
    const { got, rows } = histSeries({ timestamp: 1234, ...h });
    assert.deepEqual(got, want.map(([s, v]) => [s, 1234, v]), what);
    assert.equal(rows.histograms, 1, `${what}: counted`);
    assert.deepEqual([...rows.kinds.subarray(0, rows.lines)], [2, ...new Array<number>(rows.lines - 1).fill(1)], `${what}: kinds`);
    assert.equal(rows.floatSamples, 0);
  };
  f({ countInt: 10, sum: 12.5, schema: 0, zeroThreshold: 1e-5, zeroCountInt: 2, positiveSpans: [[0, 2], [2, 1]], positiveDeltas: [1, 2, -2], negativeSpans: [[1, 1]], negativeDeltas: [4] }, [
    ["rpc_seconds_count", 10],
    ["rpc_seconds_sum", 12.5],
    ["rpc_seconds_bucket vmrange=-1.000e-05...1.000e-05", 2],
    ["rpc_seconds_bucket vmrange=5.000e-01...1.000e+00", 1],
    ["rpc_seconds_bucket vmrange=1.000e+00...2.000e+00", 3],
    ["rpc_seconds_bucket vmrange=8.000e+00...1.600e+01", 1],
    ["rpc_seconds_bucket vmrange=-2.000e+00...-1.000e+00", 4],
  ], "integer histogram, schema 0, gaps between spans");
  f({ countFloat: 2.5, sum: -1, schema: 1, zeroCountFloat: 0, positiveSpans: [[0, 3]], positiveCounts: [1.5, 0, 1] }, [
    ["rpc_seconds_count", 2.5],
    ["rpc_seconds_sum", -1],
    ["rpc_seconds_bucket vmrange=7.071e-01...1.000e+00", 1.5],
    ["rpc_seconds_bucket vmrange=1.414e+00...2.000e+00", 1],
  ], "float histogram, schema 1, empty buckets and zero bucket left out");
  f({ countInt: 3, sum: 4, schema: -1, positiveSpans: [[-1, 2]], positiveDeltas: [1, 1] }, [
    ["rpc_seconds_count", 3],
    ["rpc_seconds_sum", 4],
    ["rpc_seconds_bucket vmrange=6.250e-02...2.500e-01", 1],
    ["rpc_seconds_bucket vmrange=2.500e-01...1.000e+00", 2],
  ], "schema -1 (base 4), negative bucket index");
  f({ countInt: 6, sum: 9, schema: -53, customValues: [0.1, 1, 10], positiveSpans: [[0, 2], [1, 1]], positiveDeltas: [1, 1, 2] }, [
    ["rpc_seconds_count", 6],
    ["rpc_seconds_sum", 9],
    ["rpc_seconds_bucket vmrange=-Inf...1.000e-01", 1],
    ["rpc_seconds_bucket vmrange=1.000e-01...1.000e+00", 2],
    ["rpc_seconds_bucket vmrange=1.000e+01...+Inf", 4],
  ], "custom buckets (NHCB)");
  f({ countInt: 5, sum: 1, positiveSpans: [[0, 5]], positiveDeltas: [1] }, [
    ["rpc_seconds_count", 5],
    ["rpc_seconds_sum", 1],
    ["rpc_seconds_bucket vmrange=5.000e-01...1.000e+00", 1],
  ], "buckets beyond the deltas are ignored");
});

test("a stale native histogram gives staleness markers for _count and _sum", () => {
  const { rows, got } = histSeries({ countInt: 0, sumBits: Buffer.from("7ff0000000000002", "hex").reverse(), timestamp: 5, positiveSpans: [[0, 1]], positiveDeltas: [1] });
  assert.deepEqual(got.map((g) => g[0]), ["rpc_seconds_count", "rpc_seconds_sum"]);
  assert.ok(isStaleNaN(rows.values[0]!) && isStaleNaN(rows.values[1]!));
});

test("a native histogram without a metric name is skipped", () => {
  const { got, rows } = histSeries({ countInt: 1, sum: 1 }, [["job", "x"]]);
  assert.deepEqual(got, []);
  assert.equal(rows.histograms, 1);
});

test("parseWriteRequest on random and mutated input throws only ProtoError", () => {
  const valid = (() => {
    const w = new ProtoWriter();
    w.beginMessage(1);
    writeLabel(w, "__name__", "m");
    writeLabel(w, "job", "j");
    writeSample(w, 1.5, 1000);
    writeSample(w, 2, 2000);
    w.endMessage();
    w.beginMessage(1);
    writeLabel(w, "__name__", "h");
    writeHistogram(w, 4, { countInt: 3, sum: 2, schema: 2, zeroThreshold: 0.1, zeroCountInt: 1, positiveSpans: [[1, 2]], positiveDeltas: [1, 1], negativeSpans: [[0, 1]], negativeCounts: [2], customValues: [1], timestamp: 7 });
    w.endMessage();
    w.beginMessage(3);
    w.string(2, "m");
    w.endMessage();
    return w.finish().slice();
  })();
  const rows = new WriteRows();
  const check = (b: Uint8Array) => {
    try {
      parseWriteRequest(b, rows, new LabelsCache());
      assert.equal(rows.offsets[rows.lines], rows.samples);
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
    }
    rows.reset();
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 1000 });
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(valid.length), (muts, cut) => {
      const m = valid.slice();
      for (const [i, b] of muts) m[i] = b;
      check(m);
      check(m.subarray(0, cut));
    }),
    { numRuns: 2000 },
  );
});
