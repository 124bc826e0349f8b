import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ProtoError, ProtoWriter } from "../../protobuf/index.ts";
import { isStaleNaN } from "../../encoding/index.ts";
import { parseWriteRequestV2 } from "./write_request_v2.ts";
import { WriteRows } from "./write_rows.ts";
import { bitsHex, writeHistogram } from "./_test_builders.ts";

interface V2Series { refs: number[]; samples?: [number, number][]; hist?: boolean; exemplars?: number; metadata?: boolean }

function v2(symbols: string[], series: V2Series[], symbolsLast = false): Uint8Array {
  const w = new ProtoWriter();
  const syms = () => { for (const s of symbols) w.string(4, s); };
  if (!symbolsLast) syms();
  for (const s of series) {
    w.beginMessage(5);
    w.packedVarints(1, s.refs);
    for (const [v, t] of s.samples ?? []) {
      w.beginMessage(2);
      w.double(1, v);
      w.int64(2, t);
      w.int64(3, t - 1000); // start_timestamp, ignored
      w.endMessage();
    }
    if (s.hist === true) writeHistogram(w, 3, { countInt: 2, sum: 3, schema: 0, positiveSpans: [[1, 1]], positiveDeltas: [2], timestamp: 99 });
    for (let i = 0; i < (s.exemplars ?? 0); i++) {
      w.beginMessage(4);
      w.packedVarints(1, [1, 2]);
      w.double(2, 1);
      w.endMessage();
    }
    if (s.metadata === true) {
      w.beginMessage(5);
      w.int32(1, 2);
      w.uint32(3, 1);
      w.endMessage();
    }
    w.endMessage();
  }
  if (symbolsLast) syms();
  return w.finish().slice();
}

function dump(rows: WriteRows): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.lines; i++) {
    const ls = rows.labels[i]!.map(([n, v]) => `${n}=${v}`).join(",");
    for (let j = rows.offsets[i]!; j < rows.offsets[i + 1]!; j++) out.push(`${ls} ${rows.values[j]} @${rows.timestamps[j]}`);
  }
  return out;
}

test("parseWriteRequestV2 resolves labels through the symbols table", () => {
  const f = (symbols: string[], series: V2Series[], want: string[], what: string, symbolsLast = false) => {
    const rows = new WriteRows();
    parseWriteRequestV2(v2(symbols, series, symbolsLast), rows);
    assert.deepEqual(dump(rows), want, what);
  };
  const syms = ["", "__name__", "up", "job", "node", "instance", "h1", "h2"];
  f(syms, [], [], "no series");
  f([], [], [], "nothing at all");
  f(syms, [{ refs: [1, 2, 3, 4, 5, 6], samples: [[1, 1000], [0, 2000]] }, { refs: [1, 2, 5, 7], samples: [[-2.5, 1500]] }], [
    "__name__=up,job=node,instance=h1 1 @1000",
    "__name__=up,job=node,instance=h1 0 @2000",
    "__name__=up,instance=h2 -2.5 @1500",
  ], "two series");
  f(syms, [{ refs: [1, 2], samples: [[7, 1]] }], ["__name__=up 7 @1"], "symbols after the series", true);
  f(syms, [{ refs: [1, 2] }], [], "a series without samples is skipped");
  f(syms, [{ refs: [1, 2], hist: true }], [
    "__name__=up_count 2 @99",
    "__name__=up_sum 3 @99",
    "__name__=up_bucket,vmrange=1.000e+00...2.000e+00 2 @99",
  ], "a native histogram");
});

test("parseWriteRequestV2 counts samples, histograms, exemplars and metadata", () => {
  const rows = new WriteRows();
  parseWriteRequestV2(v2(["", "__name__", "a"], [
    { refs: [1, 2], samples: [[1, 1], [2, 2]], exemplars: 2, metadata: true },
    { refs: [1, 2], hist: true, exemplars: 1 },
  ]), rows);
  assert.equal(rows.floatSamples, 2);
  assert.equal(rows.histograms, 1);
  assert.equal(rows.exemplars, 3);
  assert.equal(rows.metadata, 1);
  assert.equal(rows.samples, 5);
});

test("parseWriteRequestV2 keeps staleness markers and accepts unpacked labels_refs", () => {
  const w = new ProtoWriter();
  w.string(4, "");
  w.string(4, "__name__");
  w.string(4, "m");
  w.beginMessage(5);
  w.uint32(1, 1);
  w.uint32(1, 2);
  w.beginMessage(2);
  w.doubleBits(1, Buffer.from("7ff0000000000002", "hex").reverse(), 0);
  w.int64(2, 5);
  w.endMessage();
  w.endMessage();
  const rows = new WriteRows();
  parseWriteRequestV2(w.finish(), rows);
  assert.deepEqual(rows.labels[0], [["__name__", "m"]]);
  assert.deepEqual(bitsHex(rows.values, 0, 1), ["7ff0000000000002"]);
  assert.ok(isStaleNaN(rows.values[0]!));
});

test("parseWriteRequestV2 rejects bad requests with ProtoError", () => {
  const f = (body: Uint8Array, want: RegExp) =>
    assert.throws(() => parseWriteRequestV2(body, new WriteRows()), (e: unknown) => e instanceof ProtoError && want.test(e.message), String(want));
  f(v2(["x", "__name__", "m"], [{ refs: [1, 2], samples: [[1, 1]] }]), /got symbols\[0\]="x"; want an empty string as symbols\[0\]/);
  f(v2([], [{ refs: [], samples: [[1, 1]] }]), /got no symbols; want an empty string/);
  f(v2(["", "a"], [{ refs: [1], samples: [[1, 1]] }]), /cannot unmarshal timeseries #0: cannot use labels_refs: got 1 references; want an even number/);
  f(v2(["", "a"], [{ refs: [1, 1] , samples: [[1, 1]] }, { refs: [1, 5], samples: [[1, 1]] }]), /timeseries #1: cannot use labels_refs\[1\]=5: want a reference below 2/);
  f(v2(["", "a"], [{ refs: [1, 1], samples: [[1, 1]], hist: true }]), /cannot have both samples and native histograms/);
  f(Uint8Array.of(0x22, 0x05, 0x61), /cannot read field 4: got length 5/);
});

test("parseWriteRequestV2 on random and mutated input throws only ProtoError", () => {
  const valid = v2(["", "__name__", "m", "job", "j"], [
    { refs: [1, 2, 3, 4], samples: [[1, 1000], [2, 2000]], exemplars: 1, metadata: true },
    { refs: [1, 2], hist: true },
  ]);
  const rows = new WriteRows();
  const check = (b: Uint8Array) => {
    try {
      parseWriteRequestV2(b, rows);
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
