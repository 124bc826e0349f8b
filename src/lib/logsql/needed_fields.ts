// needed_fields: which stored fields a query's pipes can read, so blocks are copied only partly.

import type { Filter, Pipe } from "./ast.ts";

/** filterFields adds to out the fields f reads; it returns false when f may read any field. */
export function filterFields(f: Filter, out: Set<string>): boolean {
  switch (f.t) {
    case "any":
    case "none":
      return true;
    case "and":
    case "or":
      return f.fs.every((c) => filterFields(c, out));
    case "not":
      return filterFields(f.f, out);
    case "time":
    case "day_range":
    case "week_range":
      out.add("_time");
      return true;
    case "stream":
      out.add("_stream");
      return true;
    case "stream_id":
      out.add("_stream_id");
      return true;
    case "field_cmp":
      out.add(f.field);
      out.add(f.other);
      return true;
    default:
      out.add(f.field);
      return true;
  }
}

function plain(fields: readonly string[]): boolean {
  return fields.every((f) => !f.endsWith("*"));
}

/**
 * neededFields returns the fields the pipes can read from the rows the filter
 * selects, or undefined when they may read (or output) any field.
 */
export function neededFields(pipes: readonly Pipe[]): Set<string> | undefined {
  let need: Set<string> | undefined; // undefined: every field
  for (let i = pipes.length - 1; i >= 0; i--) {
    const p = pipes[i];
    switch (p.t) {
      case "fields":
        if (!plain(p.fields)) return undefined;
        need = new Set(need === undefined ? p.fields : p.fields.filter((f) => need!.has(f)));
        break;
      case "stats": {
        const s = new Set<string>(p.by.map((b) => b.name));
        for (const fn of p.funcs) {
          if (fn.fields.length === 0 && fn.name !== "count" && fn.name !== "rate") return undefined;
          if (!plain(fn.fields)) return undefined;
          for (const f of fn.fields) s.add(f);
          if (fn.iff !== undefined && !filterFields(fn.iff, s)) return undefined;
        }
        need = s;
        break;
      }
      case "uniq":
        if (p.fields.length === 0) return undefined;
        need = new Set(p.fields);
        break;
      case "top":
        need = new Set(p.fields);
        break;
      case "field_values":
        need = new Set([p.field]);
        break;
      case "blocks_count":
        need = new Set();
        break;
      case "limit":
      case "offset":
      case "sample":
        break;
      case "filter":
        if (need !== undefined && !filterFields(p.f, need)) return undefined;
        break;
      case "delete":
        break;
      case "len":
      case "hash":
      case "json_array_len":
        if (need !== undefined) {
          need.delete(p.result);
          need.add(p.field);
        }
        break;
      case "sort":
      case "first":
      case "last":
        if (need !== undefined) {
          if (p.t === "sort" && p.by.length === 0) return undefined;
          for (const b of p.by) need.add(b.field);
          if (p.t !== "sort" && p.by.length === 0) need.add("_time");
          for (const f of p.partitionBy) need.add(f);
        }
        break;
      default:
        return undefined;
    }
  }
  return need;
}

/**
 * timeOnlyBucketed reports whether the pipes read _time only through a stats
 * `by (_time:step)` bucket of the first pipe, so the _time strings of the rows
 * need not be formatted (the bucketer reads the timestamps).
 */
export function timeOnlyBucketed(pipes: readonly Pipe[]): boolean {
  const p = pipes[0];
  if (p === undefined || p.t !== "stats") return false;
  if (!p.by.some((b) => b.name === "_time" && b.bucket !== undefined)) return false;
  if (p.by.some((b) => b.name === "_time" && b.bucket === undefined)) return false;
  for (const fn of p.funcs) {
    if (fn.fields.length === 0 && fn.name !== "count" && fn.name !== "rate") return false;
    if (fn.fields.some((f) => f === "_time" || f.endsWith("*"))) return false;
    if (fn.iff !== undefined) {
      const s = new Set<string>();
      if (!filterFields(fn.iff, s) || s.has("_time")) return false;
    }
  }
  return true;
}
