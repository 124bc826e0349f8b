// Translating a LogQL log query into LogsQL text. Stream matchers become a
// LogsQL stream filter, line filters become regexp filters on _msg (LogQL's
// `|=` is a case-sensitive substring match; a LogsQL regexp of the escaped
// text is exactly that), parsers become unpack/extract pipes and label
// filters become `filter` pipes.

import type { LabelFilter, LogQuery, Matcher, Stage } from "./ast.ts";
import { LogQLParseError } from "./lexer.ts";

/** quoteString quotes s as a LogsQL string literal. */
export function quoteString(s: string): string {
  return JSON.stringify(s);
}

/** quoteField returns a field name as LogsQL accepts it: bare when it is a plain identifier. */
export function quoteField(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) && !RESERVED.has(name.toLowerCase()) ? name : quoteString(name);
}

const RESERVED = new Set(["and", "or", "not", "in", "re", "seq", "i", "range", "exact", "len_range", "ipv4_range", "string_range"]);

/** escapeRegexp escapes s so that a regexp of it matches s literally. */
export function escapeRegexp(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

function streamFilter(ms: readonly Matcher[]): string {
  return "{" + ms.map((m) => `${quoteField(m.name)}${m.op}${quoteString(m.value)}`).join(",") + "}";
}

function lineFilter(op: string, values: readonly string[]): string {
  const one = (v: string): string => {
    const re = op === "|=" || op === "!=" ? escapeRegexp(v) : v;
    return `~${quoteString(re)}`;
  };
  const positive = values.length === 1 ? one(values[0]!) : "(" + values.map(one).join(" or ") + ")";
  return op === "!=" || op === "!~" ? `!${positive}` : positive;
}

function labelFilter(f: LabelFilter): string {
  if (f.kind !== "cmp") return `(${labelFilter(f.left)} ${f.kind} ${labelFilter(f.right)})`;
  const field = quoteField(f.name);
  if (f.valueKind === "string") {
    switch (f.op) {
      case "=":
      case "==":
        return f.value === "" ? `${field}:""` : `${field}:=${quoteString(f.value)}`;
      case "!=":
        return f.value === "" ? `!${field}:""` : `!${field}:=${quoteString(f.value)}`;
      case "=~":
        return `${field}:~${quoteString(`^(?:${f.value})$`)}`;
      case "!~":
        return `!${field}:~${quoteString(`^(?:${f.value})$`)}`;
      default:
        throw new Error(`BUG: string label filter with ${f.op}`);
    }
  }
  switch (f.op) {
    case "=":
    case "==":
      return `${field}:range[${f.value}, ${f.value}]`;
    case "!=":
      return `!${field}:range[${f.value}, ${f.value}]`;
    case ">":
    case ">=":
    case "<":
    case "<=":
      return `${field}:${f.op}${f.value}`;
    default:
      throw new Error(`BUG: numeric label filter with ${f.op}`);
  }
}

function lineFormat(template: string): string {
  // Only `{{.field}}` and `{{ .field }}` placeholders and plain text.
  let out = "";
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{{", i);
    const text = open < 0 ? template.slice(i) : template.slice(i, open);
    if (text.includes("<") || text.includes("}}")) throw new LogQLParseError(`line_format text with "<" or "}}" is not supported: ${JSON.stringify(template)}`, 0);
    out += text;
    if (open < 0) break;
    const close = template.indexOf("}}", open + 2);
    if (close < 0) throw new LogQLParseError(`unterminated {{ in line_format ${JSON.stringify(template)}`, 0);
    const m = /^\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(template.slice(open + 2, close));
    if (m === null) throw new LogQLParseError(`line_format supports only {{.label}} placeholders; got ${JSON.stringify(template.slice(open, close + 2))}`, 0);
    out += `<${m[1]}>`;
    i = close + 2;
  }
  return `format ${quoteString(out)} as _msg`;
}

function stagePipe(s: Stage): string {
  switch (s.kind) {
    case "line":
      return `filter ${lineFilter(s.op, s.values)}`;
    case "label":
      return `filter ${labelFilter(s.filter)}`;
    case "json":
    case "unpack":
      return "unpack_json";
    case "logfmt":
      return "unpack_logfmt";
    case "decolorize":
      return "decolorize";
    case "regexp":
      return `extract_regexp ${quoteString(s.arg)}`;
    case "pattern":
      return `extract ${quoteString(s.arg)}`;
    case "line_format":
      return lineFormat(s.template);
    case "drop":
      return `delete ${s.labels.map(quoteField).join(", ")}`;
    case "keep":
      return `fields _time, _stream, _stream_id, _msg, ${s.labels.map(quoteField).join(", ")}`;
  }
}

/**
 * logQueryToLogsQL returns the LogsQL of a LogQL log query: the stream
 * filter and the line filters before the first other stage form the filter
 * part; every later stage becomes a pipe.
 */
export function logQueryToLogsQL(q: LogQuery): string {
  const filters = [streamFilter(q.matchers)];
  let k = 0;
  for (; k < q.stages.length; k++) {
    const s = q.stages[k]!;
    if (s.kind !== "line") break;
    filters.push(lineFilter(s.op, s.values));
  }
  let out = filters.join(" ");
  for (; k < q.stages.length; k++) out += " | " + stagePipe(q.stages[k]!);
  return out;
}
