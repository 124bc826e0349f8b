// Remote write 2.0: io.prometheus.write.v2.Request
// (https://prometheus.io/docs/specs/prw/remote_write_spec_2_0/ ,
// prompb/io/prometheus/write/v2/types.proto in Prometheus).
//
//   message Request { reserved 1 to 3; repeated string symbols = 4; repeated TimeSeries timeseries = 5; }
//   message TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2;
//                        repeated Histogram histograms = 3; repeated Exemplar exemplars = 4;
//                        Metadata metadata = 5; }
//   message Sample { double value = 1; int64 timestamp = 2; int64 start_timestamp = 3; }

import { FieldReader, ProtoError, decodeString } from "../../protobuf/index.ts";
import { NativeHistogram, appendNativeHistogram } from "./native_histogram.ts";
import { readSample } from "./sample.ts";
import type { Label, WriteRows } from "./write_rows.ts";

const top = new FieldReader();
const tsr = new FieldReader();
const inner = new FieldReader();
const hist = new NativeHistogram();
const symbols: string[] = [];
const refs: number[] = [];
let seriesRanges = new Int32Array(256);
let histRanges: number[] = [];

/**
 * parseWriteRequestV2 decodes a remote write 2.0 Request from buf (already decompressed)
 * and appends its series to rows like parseWriteRequest does: labels come from the
 * symbols table through labels_refs; float samples are kept bit for bit; native
 * histograms are converted; exemplars and metadata are only counted (a metadata
 * message counts when it is not empty). It throws ProtoError when buf is malformed,
 * when symbols[0] is not "" (the spec requires it), when labels_refs has an odd length
 * or a reference outside the symbols table, or when a series has both samples and
 * histograms; rows then holds a partial result that must be discarded.
 */
export function parseWriteRequestV2(buf: Uint8Array, rows: WriteRows): void {
  // Symbols may come after the series in the encoding: collect both first.
  symbols.length = 0;
  let nSeries = 0;
  const r = top.reset(buf);
  while (r.next()) {
    if (r.fieldNum === 4) {
      r.message();
      symbols.push(decodeString(buf, r.dataStart, r.dataEnd));
    } else if (r.fieldNum === 5) {
      r.message();
      if (2 * nSeries + 2 > seriesRanges.length) {
        const a = new Int32Array(2 * seriesRanges.length);
        a.set(seriesRanges);
        seriesRanges = a;
      }
      seriesRanges[2 * nSeries] = r.dataStart;
      seriesRanges[2 * nSeries + 1] = r.dataEnd;
      nSeries++;
    }
  }
  if (nSeries > 0 && (symbols.length === 0 || symbols[0] !== "")) {
    throw new ProtoError(`cannot use symbols table: got ${symbols.length === 0 ? "no symbols" : `symbols[0]=${JSON.stringify(symbols[0]!.slice(0, 100))}`}; want an empty string as symbols[0]`);
  }
  for (let i = 0; i < nSeries; i++) {
    try {
      parseTimeSeries(buf, seriesRanges[2 * i]!, seriesRanges[2 * i + 1]!, rows);
    } catch (e) {
      if (e instanceof ProtoError) throw new ProtoError(`cannot unmarshal timeseries #${i}: ${e.message}`);
      throw e;
    }
  }
}

const pushRef = (lo: number) => {
  refs.push(lo);
};

function parseTimeSeries(buf: Uint8Array, start: number, end: number, rows: WriteRows): void {
  const r = tsr.reset(buf, start, end);
  refs.length = 0;
  let nHist = 0;
  const first = rows.samples;
  let s = first;
  while (r.next()) {
    switch (r.fieldNum) {
      case 1:
        r.forEachVarint(pushRef);
        break;
      case 2:
        r.message();
        readSample(rows, s, buf, r.dataStart, r.dataEnd, inner);
        s++;
        break;
      case 3:
        r.message();
        if (histRanges.length < 2 * nHist + 2) histRanges.push(0, 0);
        histRanges[2 * nHist] = r.dataStart;
        histRanges[2 * nHist + 1] = r.dataEnd;
        nHist++;
        break;
      case 4:
        r.message();
        rows.exemplars++;
        break;
      case 5:
        r.message();
        if (r.dataEnd > r.dataStart) rows.metadata++;
        break;
    }
  }
  rows.samples = s;
  const nSamples = s - first;
  if (nSamples === 0 && nHist === 0) return;
  if (nSamples > 0 && nHist > 0) throw new ProtoError("cannot have both samples and native histograms in the same TimeSeries");
  if (refs.length % 2 !== 0) throw new ProtoError(`cannot use labels_refs: got ${refs.length} references; want an even number (name, value pairs)`);
  const labels: Label[] = new Array(refs.length / 2);
  for (let i = 0; i < refs.length; i += 2) {
    const n = refs[i]!;
    const v = refs[i + 1]!;
    if (n >= symbols.length || v >= symbols.length) {
      throw new ProtoError(`cannot use labels_refs[${n >= symbols.length ? i : i + 1}]=${n >= symbols.length ? n : v}: want a reference below ${symbols.length} (the size of the symbols table)`);
    }
    const name = symbols[n]!;
    labels[i / 2] = [name === "" ? "__name__" : name, symbols[v]!];
  }
  if (nSamples > 0) {
    rows.floatSamples += nSamples;
    rows.commitSeries(labels);
    return;
  }
  for (let i = 0; i < nHist; i++) {
    try {
      hist.decode(buf, histRanges[2 * i]!, histRanges[2 * i + 1]!);
    } catch (e) {
      if (e instanceof ProtoError) throw new ProtoError(`cannot unmarshal native histogram: ${e.message}`);
      throw e;
    }
    rows.histograms++;
    appendNativeHistogram(rows, labels, hist);
  }
}
