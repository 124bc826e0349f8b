// The JSON lines protocol (/insert/jsonline): one JSON object per line.
import { FieldList } from "./field_list.ts";
import { parseJSONFields } from "./json_fields.ts";
import { LinesReader } from "./lines_reader.ts";
import { LogParseError } from "./parse_error.ts";
import type { LogRowProcessor } from "./row_processor.ts";

/** StreamResult summarizes a streamed request. */
export interface StreamResult {
  /** lines is the number of non-empty lines (or entries) read. */
  lines: number;
  /** invalid is the number of lines that could not be parsed (skipped). */
  invalid: number;
  /** lastError is the message of the last invalid line. */
  lastError: string;
}

/** OnInvalidLine gets each skipped line's number and error message. */
export type OnInvalidLine = (lineNumber: number, msg: string) => void;

/**
 * processJsonLines reads JSON lines from body as it arrives and adds one row
 * per line to p (time and message by the `_time_field`/`_msg_field`
 * parameters). Invalid lines are skipped and reported through onInvalid;
 * lines over maxLineSize bytes are skipped and counted. Errors of body (413,
 * decompression, disconnect) propagate. p is not closed.
 */
export async function processJsonLines(body: AsyncIterable<Uint8Array>, p: LogRowProcessor, maxLineSize: number, onInvalid: OnInvalidLine, name = "jsonline"): Promise<StreamResult> {
  const res: StreamResult = { lines: 0, invalid: 0, lastError: "" };
  const fields = new FieldList();
  const lr = new LinesReader(maxLineSize, (text, start, end, lineNumber) => {
    if (isBlank(text, start, end)) return;
    res.lines++;
    fields.reset();
    try {
      parseJSONFields(text, fields, start, end);
      p.addParsedRow(fields.items);
    } catch (e) {
      if (!(e instanceof LogParseError)) throw e;
      res.invalid++;
      res.lastError = `${e.message}; line contents: ${JSON.stringify(text.slice(start, Math.min(end, start + 500)))}`;
      onInvalid(lineNumber, res.lastError);
    }
  }, name);
  for await (const chunk of body) lr.push(chunk);
  lr.end();
  return res;
}

/** isBlank tells whether text[start, end) holds only whitespace. */
export function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}
