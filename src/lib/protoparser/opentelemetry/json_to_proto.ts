// The OTLP/HTTP JSON encoding (protobuf's JSON mapping with lowerCamelCase names;
// 64-bit integers as strings or numbers) re-encoded as protobuf, so that one decoder
// serves both. See https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding .

import { ProtoError, ProtoWriter } from "../../protobuf/index.ts";

type FieldType =
  | "msg" | "string" | "bool" | "double" | "fixed64" | "sfixed64" | "int64" | "uint32" | "sint32"
  | "bytes" | "packedFixed64" | "packedDouble" | "packedUint64" | "skip";

interface FieldDesc {
  num: number;
  type: FieldType;
  msg?: string;
  repeated?: boolean;
}

type MessageDesc = Record<string, FieldDesc>;

const f = (num: number, type: FieldType, msg?: string, repeated = false): FieldDesc => ({ num, type, msg, repeated });
const rep = (num: number, msg: string): FieldDesc => f(num, "msg", msg, true);

// Fields by their JSON names; the snake_case proto names are accepted too (below).
const schema: Record<string, MessageDesc> = {
  MetricsData: { resourceMetrics: rep(1, "ResourceMetrics") },
  ResourceMetrics: { resource: f(1, "msg", "Resource"), scopeMetrics: rep(2, "ScopeMetrics"), schemaUrl: f(3, "string") },
  Resource: { attributes: rep(1, "KeyValue"), droppedAttributesCount: f(2, "uint32") },
  ScopeMetrics: { scope: f(1, "msg", "Scope"), metrics: rep(2, "Metric"), schemaUrl: f(3, "string") },
  Scope: { name: f(1, "string"), version: f(2, "string"), attributes: rep(3, "KeyValue"), droppedAttributesCount: f(4, "uint32") },
  KeyValue: { key: f(1, "string"), value: f(2, "msg", "AnyValue") },
  AnyValue: {
    stringValue: f(1, "string"), boolValue: f(2, "bool"), intValue: f(3, "int64"), doubleValue: f(4, "double"),
    arrayValue: f(5, "msg", "ArrayValue"), kvlistValue: f(6, "msg", "KeyValueList"), bytesValue: f(7, "bytes"),
  },
  ArrayValue: { values: rep(1, "AnyValue") },
  KeyValueList: { values: rep(1, "KeyValue") },
  Metric: {
    name: f(1, "string"), description: f(2, "string"), unit: f(3, "string"), gauge: f(5, "msg", "Gauge"), sum: f(7, "msg", "Sum"),
    histogram: f(9, "msg", "Histogram"), exponentialHistogram: f(10, "msg", "ExponentialHistogram"), summary: f(11, "msg", "Summary"),
    metadata: rep(12, "KeyValue"),
  },
  Gauge: { dataPoints: rep(1, "NumberDataPoint") },
  Sum: { dataPoints: rep(1, "NumberDataPoint"), aggregationTemporality: f(2, "skip"), isMonotonic: f(3, "bool") },
  Histogram: { dataPoints: rep(1, "HistogramDataPoint"), aggregationTemporality: f(2, "skip") },
  ExponentialHistogram: { dataPoints: rep(1, "ExponentialHistogramDataPoint"), aggregationTemporality: f(2, "skip") },
  Summary: { dataPoints: rep(1, "SummaryDataPoint") },
  NumberDataPoint: {
    attributes: rep(7, "KeyValue"), startTimeUnixNano: f(2, "fixed64"), timeUnixNano: f(3, "fixed64"),
    asDouble: f(4, "double"), asInt: f(6, "sfixed64"), exemplars: f(5, "skip"), flags: f(8, "uint32"),
  },
  HistogramDataPoint: {
    attributes: rep(9, "KeyValue"), startTimeUnixNano: f(2, "fixed64"), timeUnixNano: f(3, "fixed64"), count: f(4, "fixed64"),
    sum: f(5, "double"), bucketCounts: f(6, "packedFixed64"), explicitBounds: f(7, "packedDouble"), exemplars: f(8, "skip"),
    flags: f(10, "uint32"), min: f(11, "double"), max: f(12, "double"),
  },
  ExponentialHistogramDataPoint: {
    attributes: rep(1, "KeyValue"), startTimeUnixNano: f(2, "fixed64"), timeUnixNano: f(3, "fixed64"), count: f(4, "fixed64"),
    sum: f(5, "double"), scale: f(6, "sint32"), zeroCount: f(7, "fixed64"), positive: f(8, "msg", "Buckets"),
    negative: f(9, "msg", "Buckets"), flags: f(10, "uint32"), exemplars: f(11, "skip"), min: f(12, "double"), max: f(13, "double"),
    zeroThreshold: f(14, "double"),
  },
  Buckets: { offset: f(1, "sint32"), bucketCounts: f(2, "packedUint64") },
  SummaryDataPoint: {
    attributes: rep(7, "KeyValue"), startTimeUnixNano: f(2, "fixed64"), timeUnixNano: f(3, "fixed64"), count: f(4, "fixed64"),
    sum: f(5, "double"), quantileValues: rep(6, "ValueAtQuantile"), flags: f(8, "uint32"),
  },
  ValueAtQuantile: { quantile: f(1, "double"), value: f(2, "double") },
};

// Add the proto (snake_case) names as aliases.
for (const desc of Object.values(schema)) {
  for (const [name, fd] of Object.entries(desc)) {
    const snake = name.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
    if (snake !== name) desc[snake] = fd;
  }
}

const MAX_DEPTH = 64;
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function bad(path: string, v: unknown, want: string): never {
  const shown = typeof v === "string" ? JSON.stringify(v.length > 50 ? v.slice(0, 50) + "..." : v) : typeName(v);
  throw new ProtoError(`cannot parse OTLP JSON field ${path}: got ${shown}; want ${want}`);
}

// integer parses a JSON integer (number or decimal string) into a BigInt within [min, max].
function integer(v: unknown, path: string, min: bigint, max: bigint, want: string): bigint {
  let n: bigint;
  if (typeof v === "number" && Number.isInteger(v)) n = BigInt(v);
  else if (typeof v === "string" && /^-?\d{1,20}$/.test(v)) n = BigInt(v);
  else return bad(path, v, want);
  if (n < min || n > max) return bad(path, v, want);
  return n;
}

function double(v: unknown, path: string): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return bad(path, v, "a number");
}

function int64Bytes(n: bigint): Uint8Array {
  scratchView.setBigUint64(0, BigInt.asUintN(64, n), true);
  return scratch;
}

function writeMessage(w: ProtoWriter, obj: unknown, type: string, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new ProtoError(`cannot parse OTLP JSON at ${path}: got nesting deeper than ${MAX_DEPTH} levels`);
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) bad(path, obj, `a ${type} object`);
  const desc = schema[type]!;
  for (const [name, v] of Object.entries(obj as Record<string, unknown>)) {
    if (!Object.hasOwn(desc, name)) continue; // unknown fields are ignored, as the spec asks
    if (v === null) continue;
    const fd = desc[name]!;
    const p = `${path}.${name}`;
    if (fd.repeated) {
      if (!Array.isArray(v)) bad(p, v, "an array");
      for (let i = 0; i < v.length; i++) {
        w.beginMessage(fd.num);
        writeMessage(w, v[i], fd.msg!, `${p}[${i}]`, depth + 1);
        w.endMessage();
      }
      continue;
    }
    writeField(w, fd, v, p, depth);
  }
}

function writeField(w: ProtoWriter, fd: FieldDesc, v: unknown, p: string, depth: number): void {
  switch (fd.type) {
    case "skip": return;
    case "msg":
      w.beginMessage(fd.num);
      writeMessage(w, v, fd.msg!, p, depth + 1);
      w.endMessage();
      return;
    case "string":
      if (typeof v !== "string") bad(p, v, "a string");
      w.string(fd.num, v);
      return;
    case "bool":
      if (typeof v !== "boolean") bad(p, v, "true or false");
      w.bool(fd.num, v);
      return;
    case "double": w.double(fd.num, double(v, p)); return;
    case "fixed64": w.doubleBits(fd.num, int64Bytes(integer(v, p, 0n, U64_MAX, "an unsigned 64-bit integer")), 0); return;
    case "sfixed64": w.doubleBits(fd.num, int64Bytes(integer(v, p, I64_MIN, I64_MAX, "a 64-bit integer")), 0); return;
    case "int64":
      // Exact within ±2^53 (beyond it the attribute's text may be rounded).
      w.int64(fd.num, Number(integer(v, p, I64_MIN, I64_MAX, "a 64-bit integer")));
      return;
    case "uint32": w.uint32(fd.num, Number(integer(v, p, 0n, 0xffffffffn, "an unsigned 32-bit integer"))); return;
    case "sint32": w.sint32(fd.num, Number(integer(v, p, -(1n << 31n), (1n << 31n) - 1n, "a 32-bit integer"))); return;
    case "bytes": {
      if (typeof v !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) bad(p, v, "base64 bytes");
      w.bytes(fd.num, Buffer.from(v, "base64"));
      return;
    }
    case "packedFixed64": {
      if (!Array.isArray(v)) bad(p, v, "an array");
      const out = new Uint8Array(v.length * 8);
      const dv = new DataView(out.buffer);
      for (let i = 0; i < v.length; i++) dv.setBigUint64(i * 8, integer(v[i], `${p}[${i}]`, 0n, U64_MAX, "an unsigned 64-bit integer"), true);
      if (v.length > 0) w.bytes(fd.num, out);
      return;
    }
    case "packedDouble": {
      if (!Array.isArray(v)) bad(p, v, "an array");
      w.packedDoubles(fd.num, v.map((x, i) => double(x, `${p}[${i}]`)));
      return;
    }
    case "packedUint64": {
      if (!Array.isArray(v)) bad(p, v, "an array");
      w.packedVarints(fd.num, v.map((x, i) => Number(integer(x, `${p}[${i}]`, 0n, (1n << 53n) - 1n, "an unsigned integer below 2^53"))));
      return;
    }
  }
}

/**
 * jsonToProtobuf re-encodes an OTLP JSON ExportMetricsServiceRequest as protobuf
 * (the returned view is valid until the next call with the same writer). It throws
 * ProtoError naming the field for text that is not such JSON.
 */
export function jsonToProtobuf(text: string, w: ProtoWriter = new ProtoWriter()): Uint8Array {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new ProtoError(`cannot parse OTLP JSON: ${(e as Error).message}`);
  }
  w.reset();
  writeMessage(w, obj, "MetricsData", "$", 0);
  return w.finish();
}
