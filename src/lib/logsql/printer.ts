// printer: prints a parsed LogsQL query in canonical form (parse(print(q)) prints the same).

import type { ByField, Filter, MathExpr, Pipe, Query, QueryOptions, SortField } from "./ast.ts";
import { isWord } from "./lexer.ts";
import { isNumberLiteral } from "./numbers.ts";
import { quote, quoteFieldPattern, quoteIfNeeded } from "./quote.ts";

/** printQuery prints q in canonical LogsQL form. */
export function printQuery(q: Query): string {
  let s = printOptions(q.opts) + printFilter(q.filter);
  for (const p of q.pipes) s += " | " + printPipe(p);
  return s;
}

function printOptions(o: QueryOptions): string {
  const a: string[] = [];
  if (o.concurrency !== undefined) a.push(`concurrency=${o.concurrency}`);
  if (o.parallelReaders !== undefined) a.push(`parallel_readers=${o.parallelReaders}`);
  if (o.ignoreGlobalTimeFilter !== undefined) a.push(`ignore_global_time_filter=${o.ignoreGlobalTimeFilter}`);
  if (o.allowPartialResponse !== undefined) a.push(`allow_partial_response=${o.allowPartialResponse}`);
  if (o.timeOffset !== undefined) a.push(`time_offset=${o.timeOffset}`);
  return a.length === 0 ? "" : `options(${a.join(", ")}) `;
}

// fieldOf prints a name used as a field: words starting with '_' (such as _time) need no quotes there.
function fieldOf(name: string): string {
  if (name.startsWith("_") && isWord(name)) return name;
  return quoteIfNeeded(name);
}

function fp(field: string): string {
  // _time, _stream and _stream_id before ':' start their own filters, so they are quoted here.
  return field === "_msg" || field === "" ? "" : quoteIfNeeded(field) + ":";
}

/** printFilter prints a filter in canonical form. */
export function printFilter(f: Filter): string {
  switch (f.t) {
    case "any":
      return "*";
    case "none":
      return "!*";
    case "and":
      return f.fs.map((c) => (c.t === "or" ? `(${printFilter(c)})` : printFilter(c))).join(" ");
    case "or":
      return f.fs.map((c) => printFilter(c)).join(" or ");
    case "not":
      return "!" + (f.f.t === "and" || f.f.t === "or" ? `(${printFilter(f.f)})` : printFilter(f.f));
    case "phrase":
      return fp(f.field) + quoteIfNeeded(f.phrase);
    case "prefix":
      if (f.prefix === "") return (f.field === "_msg" ? "_msg:" : fp(f.field)) + "*";
      return fp(f.field) + quoteIfNeeded(f.prefix) + "*";
    case "substring":
      return fp(f.field) + "*" + quoteIfNeeded(f.s) + "*";
    case "exact":
      return fp(f.field) + "=" + quoteIfNeeded(f.value) + (f.prefix ? "*" : "");
    case "in":
      if (f.sub !== undefined) return `${fp(f.field)}${f.op}(${printQuery(f.sub.q)})`;
      if (f.values.length === 1 && f.values[0] === "*") return `${fp(f.field)}${f.op}(*)`;
      return `${fp(f.field)}${f.op}(${f.values.map(quoteIfNeeded).join(", ")})`;
    case "anycase":
      return `${fp(f.field)}i(${f.prefix && f.phrase === "" ? "*" : quoteIfNeeded(f.phrase) + (f.prefix ? "*" : "")})`;
    case "seq":
      return `${fp(f.field)}seq(${f.phrases.map(quoteIfNeeded).join(", ")})`;
    case "regexp":
      return fp(f.field) + "~" + quote(f.re);
    case "range":
    case "string_range":
    case "ipv4_range":
    case "len_range":
      return fp(f.field) + f.repr;
    case "value_type":
      return `${fp(f.field)}value_type(${f.type})`;
    case "field_cmp":
      return `${fp(f.field)}${f.op}(${fieldOf(f.other)})`;
    case "time":
    case "day_range":
    case "week_range":
      return "_time:" + f.repr;
    case "stream":
      return "{" + f.groups.map((g) => g.map((t) => `${quoteIfNeeded(t.name)}${t.op}${quote(t.value)}`).join(",")).join(" or ") + "}";
    case "stream_id":
      if (f.sub !== undefined) return `_stream_id:in(${printQuery(f.sub.q)})`;
      if (f.ids.length === 1) return "_stream_id:" + f.ids[0];
      return `_stream_id:in(${f.ids.join(", ")})`;
  }
}

function fieldList(fields: readonly string[]): string {
  return fields.map((f) => (f === "*" ? "*" : f.endsWith("*") ? quoteFieldPattern(f) : fieldOf(f))).join(", ");
}

function sortFields(by: readonly SortField[]): string {
  return by.map((b) => fieldOf(b.field) + (b.desc ? " desc" : "")).join(", ");
}

function byField(b: ByField): string {
  let s = fieldOf(b.name);
  if (b.bucket !== undefined) s += ":" + b.bucket;
  if (b.offset !== undefined) s += " offset " + b.offset;
  return s;
}

function ifPart(f: Filter | undefined): string {
  return f === undefined ? "" : ` if (${printFilter(f)})`;
}

/** printStatsFuncCall prints a stats function call without its result name; it is also the default result name. */
export function printStatsFuncCall(name: string, fields: readonly string[], phi: string | undefined, limit: number, iff: Filter | undefined): string {
  const args: string[] = [];
  if (phi !== undefined) args.push(phi);
  for (const f of fields) args.push(f.endsWith("*") ? quoteFieldPattern(f) : fieldOf(f));
  if (fields.length === 0 && name !== "rate") args.push("*");
  let s = `${name}(${args.join(", ")})`;
  if (limit > 0) s += ` limit ${limit}`;
  return s + ifPart(iff);
}

/** printPipe prints one pipe in canonical form. */
export function printPipe(p: Pipe): string {
  switch (p.t) {
    case "fields":
    case "delete":
      return `${p.t} ${fieldList(p.fields)}`;
    case "rename":
    case "copy":
      return `${p.t} ${p.pairs.map(([a, b]) => `${fieldList([a])} as ${fieldList([b])}`).join(", ")}`;
    case "limit":
    case "offset":
    case "sample":
      return `${p.t} ${p.n}`;
    case "sort": {
      let s = "sort";
      if (p.by.length > 0) s += ` by (${sortFields(p.by)})`;
      if (p.desc) s += " desc";
      if (p.offset > 0) s += ` offset ${p.offset}`;
      if (p.limit > 0) s += ` limit ${p.limit}`;
      if (p.partitionBy.length > 0) s += ` partition by (${fieldList(p.partitionBy)})`;
      if (p.rank !== "") s += ` rank as ${fieldOf(p.rank)}`;
      return s;
    }
    case "first":
    case "last": {
      let s = `${p.t} ${p.n}`;
      if (p.by.length > 0) s += ` by (${sortFields(p.by)})`;
      if (p.partitionBy.length > 0) s += ` partition by (${fieldList(p.partitionBy)})`;
      return s;
    }
    case "stats": {
      let s = "stats ";
      if (p.by.length > 0) s += `by (${p.by.map(byField).join(", ")}) `;
      s += p.funcs
        .map((f) => {
          const call = printStatsFuncCall(f.name, f.fields, f.phi, f.limit, f.iff);
          return f.result === call ? call : `${call} as ${fieldOf(f.result)}`;
        })
        .join(", ");
      return s;
    }
    case "uniq": {
      let s = "uniq";
      if (p.fields.length > 0) s += ` by (${fieldList(p.fields)})`;
      if (p.hits) s += " with hits";
      if (p.limit > 0) s += ` limit ${p.limit}`;
      return s;
    }
    case "top": {
      let s = `top ${p.n}`;
      if (p.fields.length > 0) s += ` by (${fieldList(p.fields)})`;
      if (p.hitsField !== "hits") s += ` hits as ${fieldOf(p.hitsField)}`;
      if (p.rank !== "") s += ` rank as ${fieldOf(p.rank)}`;
      return s;
    }
    case "filter":
      return `filter ${printFilter(p.f)}`;
    case "field_names":
      return p.result === "" ? "field_names" : `field_names as ${fieldOf(p.result)}`;
    case "field_values":
      return `field_values ${fieldOf(p.field)}` + (p.limit > 0 ? ` limit ${p.limit}` : "");
    case "facets": {
      let s = `facets ${p.limit}`;
      if (p.maxValuesPerField !== 1000) s += ` max_values_per_field ${p.maxValuesPerField}`;
      if (p.maxValueLen !== 128) s += ` max_value_len ${p.maxValueLen}`;
      if (p.keepConst) s += " keep_const_fields";
      return s;
    }
    case "extract":
    case "extract_regexp": {
      let s = `${p.t}${ifPart(p.iff)} ${quote(p.pattern)}`;
      if (p.from !== "_msg") s += ` from ${fieldOf(p.from)}`;
      if (p.keepOriginal) s += " keep_original_fields";
      if (p.skipEmpty) s += " skip_empty_results";
      return s;
    }
    case "format": {
      let s = `format${ifPart(p.iff)} ${quote(p.pattern)}`;
      if (p.result !== "_msg") s += ` as ${fieldOf(p.result)}`;
      if (p.keepOriginal) s += " keep_original_fields";
      if (p.skipEmpty) s += " skip_empty_results";
      return s;
    }
    case "unpack_json":
    case "unpack_logfmt": {
      let s = p.t + ifPart(p.iff);
      if (p.from !== "_msg") s += ` from ${fieldOf(p.from)}`;
      if (p.fields.length > 0) s += ` fields (${fieldList(p.fields)})`;
      if (p.prefix !== "") s += ` result_prefix ${quote(p.prefix)}`;
      if (p.keepOriginal) s += " keep_original_fields";
      if (p.skipEmpty) s += " skip_empty_results";
      return s;
    }
    case "pack_json":
    case "pack_logfmt": {
      let s = p.t;
      if (p.fields.length > 0) s += ` fields (${fieldList(p.fields)})`;
      if (p.result !== "_msg") s += ` as ${fieldOf(p.result)}`;
      return s;
    }
    case "math":
      return "math " + p.entries.map((e) => `${printMathExpr(e.expr)} as ${fieldOf(e.result)}`).join(", ");
    case "replace":
    case "replace_regexp": {
      let s = `${p.t}${ifPart(p.iff)} (${quote(p.old)}, ${quote(p.repl)})`;
      if (p.at !== "_msg") s += ` at ${fieldOf(p.at)}`;
      if (p.limit > 0) s += ` limit ${p.limit}`;
      return s;
    }
    case "len":
    case "hash":
    case "json_array_len": {
      const call = `${p.t}(${fieldOf(p.field)})`;
      const def = `${p.t}(${p.field})`;
      return p.result === def ? call : `${call} as ${fieldOf(p.result)}`;
    }
    case "drop_empty_fields":
      return p.t;
    case "decolorize":
      return p.field === "_msg" ? "decolorize" : `decolorize ${fieldOf(p.field)}`;
    case "collapse_nums": {
      let s = "collapse_nums" + ifPart(p.iff);
      if (p.at !== "_msg") s += ` at ${fieldOf(p.at)}`;
      if (p.prettify) s += " prettify";
      return s;
    }
    case "unroll":
      return `unroll${ifPart(p.iff)} by (${fieldList(p.fields)})`;
    case "union":
      return `union (${printQuery(p.q)})`;
    case "join": {
      let s = `join by (${fieldList(p.by)}) (${printQuery(p.q)})`;
      if (p.inner) s += " inner";
      if (p.prefix !== "") s += ` prefix ${quote(p.prefix)}`;
      return s;
    }
    case "unpack_syslog": {
      let s = "unpack_syslog" + ifPart(p.iff);
      if (p.from !== "_msg") s += ` from ${fieldOf(p.from)}`;
      if (p.offset !== "") s += ` offset ${p.offset}`;
      if (p.prefix !== "") s += ` result_prefix ${quote(p.prefix)}`;
      if (p.keepOriginal) s += " keep_original_fields";
      return s;
    }
    case "stream_context": {
      let s = "stream_context";
      if (p.before > 0) s += ` before ${p.before}`;
      if (p.after > 0) s += ` after ${p.after}`;
      if (p.before === 0 && p.after === 0) s += " after 0";
      if (p.timeWindow !== "") s += ` time_window ${p.timeWindow}`;
      return s;
    }
    case "blocks_count":
      return p.result === "blocks_count" ? "blocks_count" : `blocks_count as ${fieldOf(p.result)}`;
    case "unpack_words": {
      let s = "unpack_words";
      if (p.from !== "_msg") s += ` from ${fieldOf(p.from)}`;
      if (p.result !== p.from) s += ` as ${fieldOf(p.result)}`;
      if (p.dropDuplicates) s += " drop_duplicates";
      return s;
    }
  }
}

/** printMathExpr prints a math pipe expression; nested binary operations get parentheses. */
export function printMathExpr(e: MathExpr): string {
  switch (e.k) {
    case "num":
      return e.raw;
    case "field":
      return isNumberLiteral(e.name) || e.name.includes("-") || e.name.includes("+") || e.name.includes("/") ? quote(e.name) : fieldOf(e.name);
    case "neg":
      return "-" + wrapMath(e.a);
    case "bin":
      return `${wrapMath(e.a)} ${e.op} ${wrapMath(e.b)}`;
    case "fn":
      return `${e.name}(${e.args.map(printMathExpr).join(", ")})`;
  }
}

function wrapMath(e: MathExpr): string {
  if (e.k === "bin" || (e.k === "num" && e.raw.startsWith("-"))) return `(${printMathExpr(e)})`;
  return printMathExpr(e);
}
