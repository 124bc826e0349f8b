// The Elasticsearch bulk protocol (/insert/elasticsearch/_bulk): NDJSON
// pairs of an action line ({"create":{...}} or {"index":{...}}) and a
// document line. See
// https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html
import type { CommonParams } from "./common_params.ts";
import { FieldList } from "./field_list.ts";
import { parseJSONFields } from "./json_fields.ts";
import { isBlank, type OnInvalidLine, type StreamResult } from "./jsonline.ts";
import { LinesReader } from "./lines_reader.ts";
import { LogParseError } from "./parse_error.ts";
import { renameMsgField, type LogRowProcessor } from "./row_processor.ts";
import { parseLogTimestamp } from "./timestamp.ts";

/**
 * bulkParams applies the Elasticsearch defaults to cp: `_msg_field=message`
 * and `_time_field=@timestamp` unless the request sets them.
 */
export function bulkParams(cp: CommonParams): CommonParams {
  return {
    ...cp,
    msgFields: cp.msgFields.length > 0 ? cp.msgFields : ["message"],
    timeFields: cp.isTimeFieldSet ? cp.timeFields : ["@timestamp"],
  };
}

/**
 * parseElasticsearchTimestamp parses a document's timestamp: the forms of
 * parseLogTimestamp plus a plain date `YYYY-MM-DD` (UTC midnight). "" and "0" give 0n.
 */
export function parseElasticsearchTimestamp(s: string): bigint {
  if (s === "" || s === "0") return 0n;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m !== null) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(ms);
    if (d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) throw new LogParseError(`cannot parse date ${JSON.stringify(s)}: want YYYY-MM-DD`);
    return BigInt(ms) * 1_000_000n;
  }
  return parseLogTimestamp(s, 0n);
}

/**
 * processBulk reads a bulk request body as it arrives and adds one row per
 * document to p (p's params should come from bulkParams). An action line
 * that is not "create" or "index", and a document that is not a JSON
 * object or has a bad timestamp, are skipped and reported via onInvalid.
 * The result's `lines` counts the documents added; they get `create` items
 * with status 201 in the response.
 */
export async function processBulk(body: AsyncIterable<Uint8Array>, p: LogRowProcessor, maxLineSize: number, onInvalid: OnInvalidLine): Promise<StreamResult> {
  const res: StreamResult = { lines: 0, invalid: 0, lastError: "" };
  const fields = new FieldList();
  const cp = p.params;
  let wantDoc = false;
  const invalid = (lineNumber: number, msg: string) => {
    res.invalid++;
    res.lastError = msg;
    onInvalid(lineNumber, msg);
  };
  const lr = new LinesReader(maxLineSize, (text, start, end, lineNumber) => {
    if (isBlank(text, start, end)) return;
    if (!wantDoc) {
      const line = text.slice(start, end);
      if (!line.includes('"create"') && !line.includes('"index"')) {
        invalid(lineNumber, `unexpected command ${JSON.stringify(line.slice(0, 200))}; want "create" or "index"`);
        return;
      }
      wantDoc = true;
      return;
    }
    wantDoc = false;
    fields.reset();
    try {
      parseJSONFields(text, fields, start, end);
      let ts = 0n;
      const items = fields.items;
      outer: for (const tf of cp.timeFields) {
        for (const f of items) {
          if (f.name !== tf) continue;
          try {
            ts = parseElasticsearchTimestamp(f.value);
          } catch (e) {
            throw new LogParseError(`cannot parse timestamp from field ${JSON.stringify(tf)}: ${(e as Error).message}`);
          }
          f.value = "";
          break outer;
        }
      }
      if (ts === 0n) ts = BigInt(Date.now()) * 1_000_000n;
      renameMsgField(items, cp.msgFields);
      p.addRow(ts, items);
      res.lines++;
    } catch (e) {
      if (!(e instanceof LogParseError)) throw e;
      invalid(lineNumber, `cannot parse json-encoded log entry: ${e.message}`);
    }
  }, "elasticsearch_bulk");
  for await (const chunk of body) lr.push(chunk);
  lr.end();
  return res;
}

/** bulkResponse is the JSON answer Elasticsearch clients expect: one `create` item with status 201 per document. */
export function bulkResponse(docs: number, tookMs: number): string {
  const item = '{"create":{"status":201}}';
  const items = docs === 0 ? "" : item + ("," + item).repeat(docs - 1);
  return `{"took":${tookMs},"errors":false,"items":[${items}]}`;
}
