// DataDog agent logs (/insert/datadog/api/v2/logs): a JSON array of records
// such as {"message":"...","ddtags":"env:prod,version:1","hostname":"h",
// "service":"s","ddsource":"x","status":"info","timestamp":1700000000000}.
// `message` becomes `_msg` (an object message gives `_msg` from its
// `message` and `status`), `ddtags` become one field per `tag:value`, and
// other string properties become fields. Timestamps are milliseconds; the
// `dd-message-timestamp` header (ms) is the default.
// See https://docs.datadoghq.com/api/latest/logs/#send-logs
import type { LogField } from "./storage_types.ts";
import { FieldList } from "./field_list.ts";
import { LogParseError } from "./parse_error.ts";
import type { LogRowProcessor } from "./row_processor.ts";

function fail(what: string): never {
  throw new LogParseError(`cannot parse DataDog logs request: ${what}`);
}

function addTags(dst: FieldList, tags: string): void {
  for (const pair of tags.split(",")) {
    if (pair === "") continue;
    const n = pair.indexOf(":");
    if (n < 0) dst.add(pair, "no_label_value");
    else dst.add(pair.slice(0, n), pair.slice(n + 1));
  }
}

function addMessage(dst: FieldList, v: unknown): void {
  if (typeof v === "string") {
    dst.add("_msg", v);
    return;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(`unsupported message type ${JSON.stringify(v)?.slice(0, 100)}; want string or object`);
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (k === "message" || k === "status") {
      if (typeof x === "string") dst.add(k === "message" ? "_msg" : "status", x);
    } else if (k === "lambda" && typeof x === "object" && x !== null) {
      for (const [lk, lv] of Object.entries(x)) {
        if (typeof lv !== "string") fail(`lambda label ${JSON.stringify(lk)} must be a string`);
        dst.add(lk, lv);
      }
    }
  }
}

/**
 * decodeDatadogLogs parses a request body into rows (timestamps in ns,
 * defaultTsNs when a record has none). It throws LogParseError for a body
 * that is not an array of records of the documented shape.
 */
export function decodeDatadogLogs(text: string, defaultTsNs: bigint): { ts: bigint; fields: LogField[] }[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    fail((e as Error).message);
  }
  if (!Array.isArray(v)) fail("want a JSON array of log records");
  const rows: { ts: bigint; fields: LogField[] }[] = [];
  for (const r of v) {
    if (typeof r !== "object" || r === null || Array.isArray(r)) fail("a log record must be an object");
    const fields = new FieldList();
    let ts = defaultTsNs;
    for (const [k, x] of Object.entries(r as Record<string, unknown>)) {
      switch (k) {
        case "message": addMessage(fields, x); break;
        case "timestamp": {
          if (typeof x !== "number" || !Number.isInteger(x)) fail(`cannot parse timestamp ${JSON.stringify(x)}: want integer milliseconds`);
          if (x > 0) ts = BigInt(x) * 1_000_000n;
          break;
        }
        case "ddtags":
          if (typeof x !== "string") fail("ddtags must be a string");
          addTags(fields, x);
          break;
        default:
          if (typeof x !== "string") fail(`unexpected value type for ${JSON.stringify(k)}: want string`);
          fields.add(k, x);
      }
    }
    rows.push({ ts, fields: fields.items });
  }
  return rows;
}

/** processDatadogLogs decodes the whole body first (nothing is added when it is malformed), then adds the rows to p. */
export function processDatadogLogs(text: string, defaultTsNs: bigint, p: LogRowProcessor): number {
  const rows = decodeDatadogLogs(text, defaultTsNs);
  for (const r of rows) p.addRow(r.ts, r.fields);
  return rows.length;
}
