// The body of Datadog's POST /api/beta/sketches (SketchPayload, protobuf; see
// https://github.com/DataDog/agent-payload proto/metrics/agent_payload.proto), turned into
// series as VictoriaMetrics does (lib/protoparser/datadogsketches, app/vminsert/datadogsketches):
// per sketch, NAME{quantile="0.5"|"0.75"|"0.9"|"0.95"|"0.99"}, NAME.sum, NAME.count,
// NAME.min and NAME.max, with one point per Dogsketch (its ts in seconds). Labels: host
// (the sketch's), __name__ (sanitized with sanitize), quantile, the tags split at their
// first ":" (a "host" tag is NOT renamed here, as in VictoriaMetrics), then the extra labels.

import { FieldReader, ProtoError, WIRE_I64, WIRE_LEN, WIRE_VARINT } from "../../protobuf/index.ts";
import { SeriesRows, sanitizeName, splitTag } from "../datadogutil/index.ts";
import { sketchQuantile } from "./quantile.ts";

/** ParseOptions control how sketches become labels. */
export interface ParseOptions {
  /** sanitize applies -datadog.sanitizeMetricName to metric names. */
  sanitize: boolean;
  /** extraLabels are appended to the labels of every series. */
  extraLabels?: ReadonlyArray<readonly [string, string]>;
}

const quantiles = [0.5, 0.75, 0.9, 0.95, 0.99];
const quantileNames = ["0.5", "0.75", "0.9", "0.95", "0.99"];

interface Dogsketch {
  ts: number;
  cnt: number;
  min: number;
  max: number;
  sum: number;
  k: number[];
  n: number[];
}

const payloadReader = new FieldReader();
const sketchReader = new FieldReader();
const dogReader = new FieldReader();

function need(r: FieldReader, wire: number, what: string): void {
  if (r.wireType !== wire) throw new ProtoError(`cannot read ${what}`);
}

/**
 * parseSketches decodes a SketchPayload into rows (appending to it) and returns the
 * number of samples added. It throws ProtoError for malformed protobuf; rows must then be
 * reset by the caller.
 */
export function parseSketches(body: Uint8Array, rows: SeriesRows, opts: ParseOptions): number {
  const pr = payloadReader.reset(body);
  let samples = 0;
  const wrap = (e: unknown, prefix: string): never => {
    if (e instanceof ProtoError) throw new ProtoError(`${prefix}: ${e.message}`);
    throw e;
  };
  for (;;) {
    try {
      if (!pr.next()) break;
    } catch (e) {
      wrap(e, "cannot read next field in SketchPayload message");
    }
    if (pr.fieldNum !== 1) continue;
    need(pr, WIRE_LEN, "Sketch data");
    try {
      samples += parseSketch(pr, rows, opts);
    } catch (e) {
      wrap(e, "cannot unmarshal Sketch");
    }
  }
  return samples;
}

function parseSketch(pr: FieldReader, rows: SeriesRows, opts: ParseOptions): number {
  // message Sketch { string metric = 1; string host = 2; repeated string tags = 4; repeated Dogsketch dogsketches = 7; ... }
  const sr = sketchReader.reset(pr.buf, pr.dataStart, pr.dataEnd);
  let metric = "";
  let host = "";
  const tags: string[] = [];
  const dogs: Dogsketch[] = [];
  for (;;) {
    try {
      if (!sr.next()) break;
    } catch (e) {
      if (e instanceof ProtoError) throw new ProtoError(`cannot read next field in Sketch message: ${e.message}`);
      throw e;
    }
    switch (sr.fieldNum) {
      case 1: need(sr, WIRE_LEN, "metric"); metric = sr.string(); break;
      case 2: need(sr, WIRE_LEN, "host"); host = sr.string(); break;
      case 4: need(sr, WIRE_LEN, "tag"); tags.push(sr.string()); break;
      case 7:
        need(sr, WIRE_LEN, "Dogsketch data");
        try {
          dogs.push(parseDogsketch(sr));
        } catch (e) {
          if (e instanceof ProtoError) throw new ProtoError(`cannot unmarshal Dogsketch: ${e.message}`);
          throw e;
        }
        break;
    }
  }
  if (opts.sanitize) metric = sanitizeName(metric);
  const tail: Array<readonly [string, string]> = tags.map(splitTag);
  if (opts.extraLabels !== undefined) for (const l of opts.extraLabels) tail.push(l);
  const emit = (name: string, extra: readonly [string, string] | undefined, value: (d: Dogsketch) => number): void => {
    for (const d of dogs) rows.addSample(d.ts * 1000, value(d));
    const labels: Array<readonly [string, string]> = [["host", host], ["__name__", name]];
    if (extra !== undefined) labels.push(extra);
    for (const l of tail) labels.push(l);
    rows.endSeries(labels);
  };
  for (let i = 0; i < quantiles.length; i++) {
    const q = quantiles[i]!;
    emit(metric, ["quantile", quantileNames[i]!], (d) => sketchQuantile(q, d.cnt, d.min, d.max, d.k, d.n));
  }
  emit(metric + ".sum", undefined, (d) => d.sum);
  emit(metric + ".count", undefined, (d) => d.cnt);
  emit(metric + ".min", undefined, (d) => d.min);
  emit(metric + ".max", undefined, (d) => d.max);
  return dogs.length * (quantiles.length + 4);
}

function parseDogsketch(sr: FieldReader): Dogsketch {
  // message Dogsketch { int64 ts = 1; int64 cnt = 2; double min = 3; double max = 4; double sum = 6;
  //   repeated sint32 k = 7; repeated uint32 n = 8; ... }
  const r = dogReader.reset(sr.buf, sr.dataStart, sr.dataEnd);
  const d: Dogsketch = { ts: 0, cnt: 0, min: 0, max: 0, sum: 0, k: [], n: [] };
  for (;;) {
    try {
      if (!r.next()) break;
    } catch (e) {
      if (e instanceof ProtoError) throw new ProtoError(`cannot read next field in Dogsketch message: ${e.message}`);
      throw e;
    }
    switch (r.fieldNum) {
      case 1: need(r, WIRE_VARINT, "timestamp"); d.ts = r.int64(); break;
      case 2: need(r, WIRE_VARINT, "count"); d.cnt = r.int64(); break;
      case 3: need(r, WIRE_I64, "min"); d.min = r.double(); break;
      case 4: need(r, WIRE_I64, "max"); d.max = r.double(); break;
      case 6: need(r, WIRE_I64, "sum"); d.sum = r.double(); break;
      case 7:
        if (r.wireType !== WIRE_VARINT && r.wireType !== WIRE_LEN) throw new ProtoError("cannot read k");
        try {
          // sint32: zigzag over the low 32 bits.
          r.forEachVarint((lo) => d.k.push((lo >>> 1) ^ -(lo & 1)));
        } catch (e) {
          if (e instanceof ProtoError) throw new ProtoError("cannot read k");
          throw e;
        }
        break;
      case 8:
        if (r.wireType !== WIRE_VARINT && r.wireType !== WIRE_LEN) throw new ProtoError("cannot read n");
        try {
          r.forEachVarint((lo) => d.n.push(lo >>> 0));
        } catch (e) {
          if (e instanceof ProtoError) throw new ProtoError("cannot read n");
          throw e;
        }
        break;
    }
  }
  return d;
}
