// OpenTelemetry logs (/insert/opentelemetry/v1/logs), protobuf
// (ExportLogsServiceRequest) and the OTLP/HTTP JSON encoding. Resource
// attributes become fields and, unless `_stream_fields` is given, the stream
// fields; a string body becomes `_msg` (a key-value body becomes fields, then
// `_msg_field` applies); record attributes become fields (nested key-value
// lists flattened with "."), plus `trace_id` and `span_id` (hex) and
// `severity` (the text, else the name of the number). See
// https://opentelemetry.io/docs/specs/otlp/ and
// https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/logs/v1/logs.proto
import { FieldReader, ProtoError, WIRE_I64 } from "../../protobuf/index.ts";
import { FieldList } from "./field_list.ts";
import { LogParseError } from "./parse_error.ts";
import { nowNs, renameMsgField, type LogRowProcessor } from "./row_processor.ts";

/** AnyValue is OTLP's AnyValue as decoded here; undefined is an unset value. */
export type AnyValue =
  | { s: string } | { b: boolean } | { i: string } | { d: number }
  | { a: (AnyValue | undefined)[] } | { kv: KeyValue[] } | { bytes: Uint8Array };

/** KeyValue is an OTLP attribute. */
export type KeyValue = [string, AnyValue | undefined];

/** OtlpLogRecord is the part of a LogRecord that becomes a row. */
export interface OtlpLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AnyValue | undefined;
  attributes: KeyValue[];
  traceId: string;
  spanId: string;
}

/** OtlpResourceLogs is a resource with its records (scopes merged). */
export interface OtlpResourceLogs {
  attributes: KeyValue[];
  records: OtlpLogRecord[];
}

const severities = [
  "Unspecified", "Trace", "Trace2", "Trace3", "Trace4", "Debug", "Debug2", "Debug3", "Debug4", "Info", "Info2", "Info3", "Info4",
  "Warn", "Warn2", "Warn3", "Warn4", "Error", "Error2", "Error3", "Error4", "Fatal", "Fatal2", "Fatal3", "Fatal4",
];

/** formatAnyValue renders a value as VictoriaLogs stores it: top-level strings raw, arrays and lists as JSON, bytes as base64. */
export function formatAnyValue(v: AnyValue | undefined, toplevel = true): string {
  if (v === undefined) return toplevel ? "" : "null";
  if ("s" in v) return toplevel ? v.s : JSON.stringify(v.s);
  if ("b" in v) return v.b ? "true" : "false";
  if ("i" in v) return v.i;
  if ("d" in v) return Number.isFinite(v.d) ? String(v.d) : v.d > 0 ? "+Inf" : v.d < 0 ? "-Inf" : "NaN";
  if ("a" in v) return "[" + v.a.map((x) => formatAnyValue(x, false)).join(",") + "]";
  if ("kv" in v) return "{" + v.kv.map(([k, x]) => JSON.stringify(k) + ":" + formatAnyValue(x, false)).join(",") + "}";
  return Buffer.from(v.bytes).toString("base64");
}

function appendKeyValues(dst: FieldList, kvs: readonly KeyValue[], prefix: string): void {
  for (const [k, v] of kvs) {
    const name = prefix === "" ? k : prefix + "." + k;
    if (v !== undefined && "kv" in v) appendKeyValues(dst, v.kv, name);
    else dst.add(name, formatAnyValue(v));
  }
}

/** addOtlpLogs adds one row per log record to p; it returns the number of records. */
export function addOtlpLogs(resources: readonly OtlpResourceLogs[], p: LogRowProcessor): number {
  const fields = new FieldList();
  const useResource = !p.params.isStreamFieldsSet;
  let n = 0;
  for (const rl of resources) {
    fields.reset();
    appendKeyValues(fields, rl.attributes, "");
    const common = fields.items.length;
    const streamNames = useResource ? fields.items.map((f) => f.name) : undefined;
    for (const r of rl.records) {
      fields.truncate(common);
      if (r.body !== undefined && "kv" in r.body) {
        const b0 = fields.items.length;
        appendKeyValues(fields, r.body.kv, "");
        const bodyFields = fields.items.slice(b0);
        renameMsgField(bodyFields, p.params.msgFields);
      } else {
        fields.add("_msg", formatAnyValue(r.body));
      }
      appendKeyValues(fields, r.attributes, "");
      if (r.traceId !== "") fields.add("trace_id", r.traceId);
      if (r.spanId !== "") fields.add("span_id", r.spanId);
      fields.add("severity", r.severityText !== "" ? r.severityText : severities[r.severityNumber] ?? severities[0]!);
      const ts = r.timeUnixNano > 0n ? r.timeUnixNano : r.observedTimeUnixNano > 0n ? r.observedTimeUnixNano : nowNs();
      p.addRow(ts, fields.items, streamNames);
      n++;
    }
  }
  return n;
}

// --- protobuf ---

function fixed64(r: FieldReader): bigint {
  if (r.wireType !== WIRE_I64) throw new ProtoError(`cannot read field ${r.fieldNum} as fixed64: wrong wire type`);
  return Buffer.from(r.buf.buffer, r.buf.byteOffset, r.buf.byteLength).readBigUInt64LE(r.dataStart);
}

function readAnyValue(buf: Uint8Array, start: number, end: number, depth: number): AnyValue | undefined {
  if (depth > 100) throw new ProtoError("too deep nesting of AnyValue");
  const r = new FieldReader(buf, start, end);
  let v: AnyValue | undefined;
  while (r.next()) {
    switch (r.fieldNum) {
      case 1: v = { s: r.string() }; break;
      case 2: v = { b: r.bool() }; break;
      case 3: {
        r.int64();
        // int64 exactly, from the varint's two halves.
        const u = (BigInt(r.hi >>> 0) << 32n) | BigInt(r.lo >>> 0);
        v = { i: BigInt.asIntN(64, u).toString() };
        break;
      }
      case 4: v = { d: r.double() }; break;
      case 5: {
        r.message();
        const a: (AnyValue | undefined)[] = [];
        const ar = new FieldReader(buf, r.dataStart, r.dataEnd);
        while (ar.next()) if (ar.fieldNum === 1) { ar.message(); a.push(readAnyValue(buf, ar.dataStart, ar.dataEnd, depth + 1)); }
        v = { a };
        break;
      }
      case 6: {
        r.message();
        v = { kv: readKeyValues(buf, r.dataStart, r.dataEnd, 1, depth + 1) };
        break;
      }
      case 7: v = { bytes: r.bytes() }; break;
    }
  }
  return v;
}

// readKeyValues reads the repeated KeyValue field num of the message buf[start, end).
function readKeyValues(buf: Uint8Array, start: number, end: number, num: number, depth: number): KeyValue[] {
  const out: KeyValue[] = [];
  const r = new FieldReader(buf, start, end);
  while (r.next()) {
    if (r.fieldNum !== num) continue;
    r.message();
    out.push(readKeyValue(buf, r.dataStart, r.dataEnd, depth));
  }
  return out;
}

function readKeyValue(buf: Uint8Array, start: number, end: number, depth: number): KeyValue {
  const r = new FieldReader(buf, start, end);
  let k = "";
  let v: AnyValue | undefined;
  while (r.next()) {
    if (r.fieldNum === 1) k = r.string();
    else if (r.fieldNum === 2) { r.message(); v = readAnyValue(buf, r.dataStart, r.dataEnd, depth); }
  }
  return [k, v];
}

function readLogRecord(buf: Uint8Array, start: number, end: number): OtlpLogRecord {
  const rec: OtlpLogRecord = { timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, severityText: "", body: undefined, attributes: [], traceId: "", spanId: "" };
  const r = new FieldReader(buf, start, end);
  while (r.next()) {
    switch (r.fieldNum) {
      case 1: rec.timeUnixNano = fixed64(r); break;
      case 11: rec.observedTimeUnixNano = fixed64(r); break;
      case 2: rec.severityNumber = r.int32(); break;
      case 3: rec.severityText = r.string(); break;
      case 5: r.message(); rec.body = readAnyValue(buf, r.dataStart, r.dataEnd, 0); break;
      case 6: r.message(); rec.attributes.push(readKeyValue(buf, r.dataStart, r.dataEnd, 0)); break;
      case 9: rec.traceId = Buffer.from(r.bytes()).toString("hex"); break;
      case 10: rec.spanId = Buffer.from(r.bytes()).toString("hex"); break;
    }
  }
  return rec;
}

/** decodeOtlpLogsProtobuf decodes an ExportLogsServiceRequest; it throws LogParseError for malformed data. */
export function decodeOtlpLogsProtobuf(data: Uint8Array): OtlpResourceLogs[] {
  try {
    const out: OtlpResourceLogs[] = [];
    const r0 = new FieldReader(data);
    while (r0.next()) {
      if (r0.fieldNum !== 1) continue;
      r0.message();
      const rl: OtlpResourceLogs = { attributes: [], records: [] };
      const r1 = new FieldReader(data, r0.dataStart, r0.dataEnd);
      while (r1.next()) {
        if (r1.fieldNum === 1) {
          r1.message();
          rl.attributes = readKeyValues(data, r1.dataStart, r1.dataEnd, 1, 0);
        } else if (r1.fieldNum === 2) {
          r1.message();
          const r2 = new FieldReader(data, r1.dataStart, r1.dataEnd);
          while (r2.next()) {
            if (r2.fieldNum !== 2) continue;
            r2.message();
            rl.records.push(readLogRecord(data, r2.dataStart, r2.dataEnd));
          }
        }
      }
      out.push(rl);
    }
    return out;
  } catch (e) {
    if (e instanceof ProtoError) throw new LogParseError(`cannot unmarshal OpenTelemetry logs request from ${data.length} bytes: ${e.message}`);
    throw e;
  }
}

// --- JSON ---

function jsonErr(what: string): never {
  throw new LogParseError(`cannot parse OpenTelemetry logs JSON request: ${what}`);
}

function asArray(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) jsonErr(`${what} must be an array`);
  return v;
}

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) jsonErr(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function jsonAnyValue(v: unknown, depth: number): AnyValue | undefined {
  if (v === undefined || v === null) return undefined;
  if (depth > 100) jsonErr("too deep nesting");
  const o = asObject(v, "AnyValue");
  if ("stringValue" in o) {
    if (typeof o.stringValue !== "string") jsonErr("stringValue must be a string");
    return { s: o.stringValue };
  }
  if ("boolValue" in o) return { b: o.boolValue === true };
  if ("intValue" in o) {
    const t = String(o.intValue);
    if (!/^-?\d+$/.test(t)) jsonErr(`cannot parse intValue ${JSON.stringify(o.intValue)}`);
    return { i: BigInt(t).toString() };
  }
  if ("doubleValue" in o) {
    const d = Number(o.doubleValue);
    if (Number.isNaN(d) && o.doubleValue !== "NaN") jsonErr(`cannot parse doubleValue ${JSON.stringify(o.doubleValue)}`);
    return { d };
  }
  if ("arrayValue" in o) return { a: asArray(asObject(o.arrayValue ?? {}, "arrayValue").values, "arrayValue.values").map((x) => jsonAnyValue(x, depth + 1)) };
  if ("kvlistValue" in o) return { kv: jsonKeyValues(asObject(o.kvlistValue ?? {}, "kvlistValue").values, depth + 1) };
  if ("bytesValue" in o) {
    if (typeof o.bytesValue !== "string") jsonErr("bytesValue must be a base64 string");
    return { bytes: Buffer.from(o.bytesValue, "base64") };
  }
  return undefined;
}

function jsonKeyValues(v: unknown, depth: number): KeyValue[] {
  return asArray(v, "attributes").map((x) => {
    const kv = asObject(x, "attribute");
    return [String(kv.key ?? ""), jsonAnyValue(kv.value, depth)];
  });
}

function jsonNanos(v: unknown, what: string): bigint {
  if (v === undefined || v === null || v === "") return 0n;
  const t = String(v);
  if (!/^\d+$/.test(t)) jsonErr(`cannot parse ${what} ${JSON.stringify(v)}: want unix nanoseconds`);
  return BigInt(t);
}

function jsonId(v: unknown, what: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string" || !/^[0-9a-fA-F]*$/.test(v)) jsonErr(`${what} must be a hex string`);
  return v.toLowerCase();
}

/** decodeOtlpLogsJSON decodes the OTLP/HTTP JSON form of an ExportLogsServiceRequest; it throws LogParseError for bad input. */
export function decodeOtlpLogsJSON(text: string): OtlpResourceLogs[] {
  let req: unknown;
  try {
    req = JSON.parse(text);
  } catch (e) {
    jsonErr((e as Error).message);
  }
  const root = asObject(req, "the request");
  const out: OtlpResourceLogs[] = [];
  for (const rlv of asArray(root.resourceLogs ?? root.resource_logs, "resourceLogs")) {
    const rl = asObject(rlv, "resourceLogs item");
    const res = rl.resource === undefined ? {} : asObject(rl.resource, "resource");
    const item: OtlpResourceLogs = { attributes: jsonKeyValues(res.attributes, 0), records: [] };
    for (const slv of asArray(rl.scopeLogs ?? rl.scope_logs, "scopeLogs")) {
      const sl = asObject(slv, "scopeLogs item");
      for (const lrv of asArray(sl.logRecords ?? sl.log_records, "logRecords")) {
        const lr = asObject(lrv, "logRecords item");
        const sev = lr.severityNumber ?? lr.severity_number ?? 0;
        let sevNum = typeof sev === "number" ? sev : Number(sev);
        if (typeof sev === "string" && Number.isNaN(sevNum)) {
          const i = severities.findIndex((s) => "SEVERITY_NUMBER_" + s.toUpperCase() === sev);
          sevNum = i < 0 ? 0 : i;
        }
        item.records.push({
          timeUnixNano: jsonNanos(lr.timeUnixNano ?? lr.time_unix_nano, "timeUnixNano"),
          observedTimeUnixNano: jsonNanos(lr.observedTimeUnixNano ?? lr.observed_time_unix_nano, "observedTimeUnixNano"),
          severityNumber: Number.isInteger(sevNum) ? sevNum : 0,
          severityText: typeof lr.severityText === "string" ? lr.severityText : "",
          body: jsonAnyValue(lr.body, 0),
          attributes: jsonKeyValues(lr.attributes, 0),
          traceId: jsonId(lr.traceId ?? lr.trace_id, "traceId"),
          spanId: jsonId(lr.spanId ?? lr.span_id, "spanId"),
        });
      }
    }
    out.push(item);
  }
  return out;
}
