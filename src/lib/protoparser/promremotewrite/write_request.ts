// Remote write 1.0: prometheus.WriteRequest
// (https://prometheus.io/docs/specs/prw/remote_write_spec/ ,
// prompb/remote.proto and prompb/types.proto in Prometheus).
//
//   message WriteRequest { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
//   message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2;
//                        repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
//   message Label { string name = 1; string value = 2; }
//   message Sample { double value = 1; int64 timestamp = 2; }

import { FieldReader, ProtoError, decodeString, latin1Key } from "../../protobuf/index.ts";
import { LabelsCache } from "./labels_cache.ts";
import { NativeHistogram, appendNativeHistogram } from "./native_histogram.ts";
import { readSample } from "./sample.ts";
import type { Label, WriteRows } from "./write_rows.ts";

const top = new FieldReader();
const tsr = new FieldReader();
const inner = new FieldReader();
const hist = new NativeHistogram();
const defaultCache = new LabelsCache();
let labelRanges = new Int32Array(64);
let histRanges: number[] = [];

/**
 * parseWriteRequest decodes a remote write 1.0 WriteRequest from buf (already
 * decompressed) and appends its series to rows: float samples as they are (NaN bits,
 * staleness markers included), native histograms converted (see native_histogram.ts);
 * exemplars and metadata are only counted. Decoded label sets are kept in cache, keyed
 * by their encoded bytes. A series whose label name is empty gets "__name__" (VM treats
 * both as the metric name). It throws ProtoError naming the series and the problem when
 * buf is malformed, or when a series has both samples and histograms; rows then holds a
 * partial result that must be discarded. rows keeps references into nothing of buf.
 */
export function parseWriteRequest(buf: Uint8Array, rows: WriteRows, cache: LabelsCache = defaultCache): void {
  const r = top.reset(buf);
  let n = 0;
  while (r.next()) {
    if (r.fieldNum === 1) {
      r.message();
      try {
        parseTimeSeries(buf, r.dataStart, r.dataEnd, rows, cache);
      } catch (e) {
        if (e instanceof ProtoError) throw new ProtoError(`cannot unmarshal timeseries #${n}: ${e.message}`);
        throw e;
      }
      n++;
    } else if (r.fieldNum === 3) {
      r.message();
      rows.metadata++;
    }
  }
}

function parseTimeSeries(buf: Uint8Array, start: number, end: number, rows: WriteRows, cache: LabelsCache): void {
  let nLabels = 0;
  let labelsStart = -1;
  let labelsEnd = -1;
  let contiguous = true;
  let nHist = 0;
  const first = rows.samples;
  let s = first;
  const r = tsr.reset(buf, start, end);
  while (r.next()) {
    switch (r.fieldNum) {
      case 1: {
        r.message();
        if (2 * nLabels + 2 > labelRanges.length) {
          const a = new Int32Array(2 * labelRanges.length);
          a.set(labelRanges);
          labelRanges = a;
        }
        labelRanges[2 * nLabels] = r.dataStart;
        labelRanges[2 * nLabels + 1] = r.dataEnd;
        if (nLabels === 0) labelsStart = r.fieldStart;
        else if (r.fieldStart !== labelsEnd) contiguous = false;
        labelsEnd = r.dataEnd;
        nLabels++;
        break;
      }
      case 2:
        r.message();
        readSample(rows, s, buf, r.dataStart, r.dataEnd, inner);
        s++;
        break;
      case 3:
        r.message();
        rows.exemplars++;
        break;
      case 4:
        r.message();
        if (histRanges.length < 2 * nHist + 2) histRanges.push(0, 0);
        histRanges[2 * nHist] = r.dataStart;
        histRanges[2 * nHist + 1] = r.dataEnd;
        nHist++;
        break;
    }
  }
  rows.samples = s;
  const nSamples = s - first;
  if (nSamples === 0 && nHist === 0) return;
  if (nSamples > 0 && nHist > 0) throw new ProtoError("cannot have both samples and native histograms in the same TimeSeries");
  let labels: readonly Label[] | undefined;
  let key = "";
  if (contiguous && nLabels > 0) {
    key = latin1Key(buf, labelsStart, labelsEnd);
    labels = cache.get(key);
  }
  if (labels === undefined) {
    labels = decodeLabels(buf, nLabels);
    if (contiguous && nLabels > 0) cache.set(key, labels);
  }
  if (nSamples > 0) {
    rows.floatSamples += nSamples;
    rows.commitSeries(labels);
    return;
  }
  for (let i = 0; i < nHist; i++) {
    const hs = histRanges[2 * i]!;
    const he = histRanges[2 * i + 1]!;
    try {
      hist.decode(buf, hs, he);
    } catch (e) {
      if (e instanceof ProtoError) throw new ProtoError(`cannot unmarshal native histogram: ${e.message}`);
      throw e;
    }
    rows.histograms++;
    appendNativeHistogram(rows, labels, hist);
  }
}

// Label names and many values (job, region, ...) repeat across series: the
// cached label sets share one copy of each (bounded).
const interned = new Map<string, string>();

function intern(s: string): string {
  const v = interned.get(s);
  if (v !== undefined) return v;
  if (interned.size >= 100_000) interned.clear();
  interned.set(s, s);
  return s;
}

function decodeLabels(buf: Uint8Array, n: number): readonly Label[] {
  const out: Label[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const lr = inner.reset(buf, labelRanges[2 * i]!, labelRanges[2 * i + 1]!);
    let name = "";
    let value = "";
    try {
      while (lr.next()) {
        if (lr.fieldNum === 1) {
          lr.message();
          name = intern(decodeString(buf, lr.dataStart, lr.dataEnd));
        } else if (lr.fieldNum === 2) {
          lr.message();
          value = intern(decodeString(buf, lr.dataStart, lr.dataEnd));
        }
      }
    } catch (e) {
      if (e instanceof ProtoError) throw new ProtoError(`cannot unmarshal label: ${e.message}`);
      throw e;
    }
    out[i] = [name === "" ? "__name__" : name, value];
  }
  return out;
}
