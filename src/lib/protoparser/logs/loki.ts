// The Loki push protocol (/insert/loki/api/v1/push): JSON
// (`{"streams":[{"stream":{labels},"values":[["<ns>","line",{metadata}]]}]}`)
// and protobuf (logproto.PushRequest, snappy-compressed). Labels become
// fields and, unless `_stream_fields` is given, the stream fields; structured
// metadata become fields; the line becomes `_msg`, or, when it is a JSON
// object and message parsing is on, its flattened fields (then `_msg_field`
// applies). See https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
import { FieldReader, ProtoError } from "../../protobuf/index.ts";
import { FieldList } from "./field_list.ts";
import { parseJSONFields } from "./json_fields.ts";
import { LogParseError } from "./parse_error.ts";
import { renameMsgField, nowNs, type LogRowProcessor } from "./row_processor.ts";
import { parseUnixTimestamp } from "./timestamp.ts";

/** LokiOptions are the Loki-specific request options. */
export interface LokiOptions {
  /** parseMessage unpacks lines that are JSON objects into fields (-loki.disableMessageParsing=false). */
  parseMessage: boolean;
}

/**
 * parsePromLabels parses `{name="value", ...}` (Prometheus text format, as
 * Loki streams carry labels) into dst. It throws LogParseError when s is not in that form.
 */
export function parsePromLabels(s: string, dst: FieldList): void {
  s = s.trim();
  if (s.length < 2 || s[0] !== "{" || s[s.length - 1] !== "}") throw new LogParseError(`cannot parse stream labels ${JSON.stringify(s)}: want {name="value",...}`);
  let i = 1;
  const end = s.length - 1;
  const skipWS = () => { while (i < end && (s[i] === " " || s[i] === "\t")) i++; };
  skipWS();
  while (i < end) {
    const eq = s.indexOf("=", i);
    if (eq < 0 || eq >= end) throw new LogParseError(`cannot parse stream labels ${JSON.stringify(s)}: missing '=' after label name`);
    const name = s.slice(i, eq).trim();
    i = eq + 1;
    skipWS();
    if (s[i] !== '"') throw new LogParseError(`cannot parse value for label ${JSON.stringify(name)} in ${JSON.stringify(s)}: want a quoted string`);
    const [value, next] = unquoteGo(s, i, end);
    dst.add(name, value);
    i = next;
    skipWS();
    if (i >= end) break;
    if (s[i] !== ",") throw new LogParseError(`cannot parse stream labels ${JSON.stringify(s)}: missing ',' after label ${JSON.stringify(name)}`);
    i++;
    skipWS();
  }
}

// unquoteGo reads a Go double-quoted string starting at s[i] (the quote) and
// returns its value and the position after the closing quote.
function unquoteGo(s: string, i: number, end: number): [string, number] {
  let out = "";
  let j = i + 1;
  for (;;) {
    if (j >= end) throw new LogParseError(`cannot parse quoted string ${JSON.stringify(s.slice(i, end))}: missing closing quote`);
    const c = s[j]!;
    if (c === '"') return [out, j + 1];
    if (c !== "\\") { out += c; j++; continue; }
    const e = s[j + 1];
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", "'": "'", a: "\x07", b: "\b", f: "\f", v: "\v" };
    if (e !== undefined && simple[e] !== undefined) { out += simple[e]; j += 2; continue; }
    const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (hexLen > 0) {
      const h = s.slice(j + 2, j + 2 + hexLen);
      if (h.length !== hexLen || !/^[0-9a-fA-F]+$/.test(h)) throw new LogParseError(`cannot parse quoted string ${JSON.stringify(s.slice(i, end))}: invalid \\${e} escape`);
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff) throw new LogParseError(`cannot parse quoted string ${JSON.stringify(s.slice(i, end))}: invalid code point`);
      out += String.fromCodePoint(cp);
      j += 2 + hexLen;
      continue;
    }
    throw new LogParseError(`cannot parse quoted string ${JSON.stringify(s.slice(i, end))}: invalid escape`);
  }
}

// addEntry completes a row whose labels and metadata are in fields[0..] and adds it.
function addEntry(p: LogRowProcessor | undefined, fields: FieldList, labelsLen: number, labelNames: string[] | undefined, ts: bigint, line: string, o: LokiOptions): void {
  let renaming = false;
  if (o.parseMessage && line.length >= 2 && line[0] === "{" && line[line.length - 1] === "}") {
    const n0 = fields.items.length;
    try {
      parseJSONFields(line, fields);
      renaming = true;
    } catch (e) {
      if (!(e instanceof LogParseError)) throw e;
      fields.truncate(n0);
    }
  }
  if (!renaming) fields.add("_msg", line);
  if (p === undefined) return;
  if (renaming) renameMsgField(fields.items, p.params.msgFields);
  p.addRow(ts === 0n ? nowNs() : ts, fields.items, labelNames);
  void labelsLen;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * processLokiJSON adds the entries of a Loki JSON push request to p. The
 * request is checked whole before any row is added: a malformed one throws
 * LogParseError and adds nothing. It returns the number of entries.
 */
export function processLokiJSON(data: Buffer | string, p: LogRowProcessor, o: LokiOptions): number {
  let req: unknown;
  try {
    req = JSON.parse(typeof data === "string" ? data : data.toString("utf8"));
  } catch (e) {
    throw new LogParseError(`cannot parse JSON request body: ${(e as Error).message}`);
  }
  walkLokiJSON(req, undefined, o);
  return walkLokiJSON(req, p, o);
}

function walkLokiJSON(req: unknown, p: LogRowProcessor | undefined, o: LokiOptions): number {
  if (!isRecord(req) || !("streams" in req)) throw new LogParseError("cannot parse Loki request: missing `streams` item in the JSON object");
  const streams = req.streams;
  if (!Array.isArray(streams)) throw new LogParseError("cannot parse Loki request: `streams` must be an array");
  const fields = new FieldList();
  const useLabels = p === undefined || !p.params.isStreamFieldsSet;
  let n = 0;
  for (const st of streams) {
    if (!isRecord(st)) throw new LogParseError("cannot parse Loki request: a `streams` item must be an object");
    fields.reset();
    const labels = st.stream ?? {};
    if (!isRecord(labels)) throw new LogParseError("cannot parse Loki request: `stream` must be an object");
    for (const k in labels) {
      const v = labels[k];
      if (typeof v !== "string") throw new LogParseError(`cannot parse Loki request: label ${JSON.stringify(k)} has a non-string value; want string`);
      fields.add(k, v);
    }
    const labelsLen = fields.items.length;
    const labelNames = useLabels ? fields.items.map((f) => f.name) : undefined;
    const values = st.values;
    if (!Array.isArray(values)) throw new LogParseError("cannot parse Loki request: missing `values` array in a stream");
    for (const e of values) {
      if (!Array.isArray(e) || e.length < 2 || e.length > 3) throw new LogParseError(`cannot parse Loki request: a \`values\` item must be [timestamp, line] or [timestamp, line, metadata]; got ${JSON.stringify(e)?.slice(0, 200)}`);
      fields.truncate(labelsLen);
      const tsText = e[0];
      if (typeof tsText !== "string") throw new LogParseError(`cannot parse Loki request: timestamp ${JSON.stringify(tsText)} must be a string`);
      const ts = tsText === "" ? 0n : parseUnixTimestamp(tsText);
      if (ts === undefined) throw new LogParseError(`cannot parse Loki request: cannot parse unix timestamp ${JSON.stringify(tsText)}`);
      if (e.length === 3) {
        const md = e[2];
        if (!isRecord(md)) throw new LogParseError("cannot parse Loki request: structured metadata must be an object");
        for (const k in md) {
          const v = md[k];
          if (typeof v !== "string") throw new LogParseError(`cannot parse Loki request: structured metadata ${JSON.stringify(k)} has a non-string value; want string`);
          fields.add(k, v);
        }
      }
      const line = e[1];
      if (typeof line !== "string") throw new LogParseError("cannot parse Loki request: the log line must be a string");
      addEntry(p, fields, labelsLen, labelNames, ts, line, o);
      n++;
    }
  }
  return n;
}

/**
 * processLokiProtobuf adds the entries of a Loki protobuf push request
 * (already snappy-decoded) to p. The request is checked whole first: a
 * malformed one throws LogParseError and adds nothing. It returns the number of entries.
 */
export function processLokiProtobuf(data: Uint8Array, p: LogRowProcessor, o: LokiOptions): number {
  try {
    walkLokiProtobuf(data, undefined, o);
    return walkLokiProtobuf(data, p, o);
  } catch (e) {
    if (e instanceof ProtoError) throw new LogParseError(`cannot parse Loki protobuf request: ${e.message}`);
    throw e;
  }
}

function walkLokiProtobuf(data: Uint8Array, p: LogRowProcessor | undefined, o: LokiOptions): number {
  const fields = new FieldList();
  const useLabels = p === undefined || !p.params.isStreamFieldsSet;
  const r0 = new FieldReader(data), r1 = new FieldReader(), r2 = new FieldReader(), r3 = new FieldReader();
  let n = 0;
  while (r0.next()) {
    if (r0.fieldNum !== 1) continue;
    r0.message();
    // StreamAdapter: labels = 1, entries = 2. Labels may follow entries on the wire: read them first.
    fields.reset();
    r1.reset(data, r0.dataStart, r0.dataEnd);
    let labels = "";
    while (r1.next()) if (r1.fieldNum === 1) labels = r1.string();
    parsePromLabels(labels === "" ? "{}" : labels, fields);
    const labelsLen = fields.items.length;
    const labelNames = useLabels ? fields.items.map((f) => f.name) : undefined;
    r1.reset(data, r0.dataStart, r0.dataEnd);
    while (r1.next()) {
      if (r1.fieldNum !== 2) continue;
      r1.message();
      // EntryAdapter: timestamp = 1 (seconds = 1, nanos = 2), line = 2, structuredMetadata = 3 (name = 1, value = 2).
      fields.truncate(labelsLen);
      r2.reset(data, r1.dataStart, r1.dataEnd);
      let secs = 0, nanos = 0, line = "";
      while (r2.next()) {
        switch (r2.fieldNum) {
          case 1:
            r2.message();
            r3.reset(data, r2.dataStart, r2.dataEnd);
            while (r3.next()) {
              if (r3.fieldNum === 1) secs = r3.int64();
              else if (r3.fieldNum === 2) nanos = r3.int32();
            }
            break;
          case 2: line = r2.string(); break;
          case 3: {
            r2.message();
            r3.reset(data, r2.dataStart, r2.dataEnd);
            let name = "", value = "";
            while (r3.next()) {
              if (r3.fieldNum === 1) name = r3.string();
              else if (r3.fieldNum === 2) value = r3.string();
            }
            fields.add(name, value);
            break;
          }
        }
      }
      const ts = BigInt(secs) * 1_000_000_000n + BigInt(nanos);
      addEntry(p, fields, labelsLen, labelNames, ts, line, o);
      n++;
    }
  }
  return n;
}
