// query_info: helpers the HTTP layer needs around a parsed query (extra filters, hits, stats queries).

import type { ByField, Filter, Pipe, Query } from "./ast.ts";
import type { LogSearcher } from "../logstorage/index.ts";
import { executeQuery, type ExecuteOptions } from "./execute.ts";
import { LogsQLParseError } from "./logsql_parse_error.ts";
import { parseDuration } from "./numbers.ts";
import { parseFilterOnly } from "./parser.ts";
import { printQuery } from "./printer.ts";
import { getColumn } from "./row_batch.ts";
import { isStreamingPipe } from "./pipes.ts";
import { parseTimestamp } from "./time_format.ts";

function andFilters(a: Filter, b: Filter): Filter {
  if (a.t === "any") return b;
  if (b.t === "any") return a;
  return { t: "and", fs: [...(a.t === "and" ? a.fs : [a]), ...(b.t === "and" ? b.fs : [b])] };
}

function escapeRegexp(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

/**
 * parseExtraFilters turns an `extra_filters` (stream=false) or
 * `extra_stream_filters` (stream=true) HTTP arg into a filter: either a JSON
 * object `{"k":"v","k2":["a","b"]}` (exact matches; a list means any of them)
 * or LogsQL filter text. Returns undefined for "". Throws LogsQLParseError.
 */
export function parseExtraFilters(arg: string, stream: boolean, nowNs?: bigint): Filter | undefined {
  const s = arg.trim();
  if (s === "") return undefined;
  if (!s.startsWith("{") || (stream && !s.startsWith('{"'))) return parseFilterOnly(s, nowNs);
  let o: unknown;
  try {
    o = JSON.parse(s);
  } catch (e) {
    if (stream) return parseFilterOnly(s, nowNs);
    throw new LogsQLParseError(`cannot parse extra filters ${s}: ${(e as Error).message}`, 0);
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new LogsQLParseError(`cannot parse extra filters ${s}: want a JSON object`, 0);
  const fs: Filter[] = [];
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const values = typeof v === "string" ? [v] : Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
    if (values === undefined) throw new LogsQLParseError(`unexpected value for key ${JSON.stringify(k)} in extra filters: want a string or an array of strings`, 0);
    if (values.length === 0) continue;
    if (stream) {
      fs.push({ t: "stream", groups: [[values.length === 1 ? { name: k, op: "=", value: values[0] } : { name: k, op: "=~", value: values.map(escapeRegexp).join("|") }]] });
    } else {
      fs.push(values.length === 1 ? { t: "exact", field: k === "" ? "_msg" : k, value: values[0], prefix: false } : { t: "in", op: "in", field: k === "" ? "_msg" : k, values });
    }
  }
  if (fs.length === 0) return undefined;
  return fs.length === 1 ? fs[0] : { t: "and", fs };
}

/** addExtraFilters returns q with the extra_filters / extra_stream_filters args ANDed to its filter (subqueries are not touched). */
export function addExtraFilters(q: Query, extraFilters: readonly string[], extraStreamFilters: readonly string[], nowNs?: bigint): Query {
  let f = q.filter;
  for (const s of extraFilters) {
    const x = parseExtraFilters(s, false, nowNs);
    if (x !== undefined) f = andFilters(f, x);
  }
  for (const s of extraStreamFilters) {
    const x = parseExtraFilters(s, true, nowNs);
    if (x !== undefined) f = andFilters(f, x);
  }
  return { ...q, filter: f };
}

/**
 * canLiveTail reports whether q can serve /select/logsql/tail: every pipe must
 * handle rows one by one (no stats, sort, uniq, limit, offset and the like).
 */
export function canLiveTail(q: Query): boolean {
  return q.pipes.every((p) => isStreamingPipe(p) && p.t !== "limit" && p.t !== "offset");
}

/** StatsQueryInfo describes the final stats pipe of a stats query. */
export interface StatsQueryInfo {
  /** The by(...) field names (the Prometheus labels). */
  byFields: string[];
  /** The result names of the stats functions (the Prometheus __name__ values). */
  resultNames: string[];
}

/** statsQueryInfo checks that q ends with a stats pipe and describes it; it throws LogsQLParseError otherwise. */
export function statsQueryInfo(q: Query): StatsQueryInfo {
  const last = q.pipes[q.pipes.length - 1];
  if (last === undefined || last.t !== "stats") throw new LogsQLParseError(`last pipe in the query [${printQuery(q)}] must be stats`, 0);
  return { byFields: last.by.map((b) => b.name), resultNames: last.funcs.map((f) => f.result) };
}

/** withStatsTimeStep returns q with `_time:step` added to the by-list of its final stats pipe (for stats_query_range); an existing _time bucket is replaced. */
export function withStatsTimeStep(q: Query, step: string, offset?: string): Query {
  statsQueryInfo(q);
  if (parseDuration(step) === undefined) throw new LogsQLParseError(`cannot parse step ${JSON.stringify(step)}`, 0);
  const last = q.pipes[q.pipes.length - 1] as Extract<Pipe, { t: "stats" }>;
  const by: ByField[] = [...last.by.filter((b) => b.name !== "_time"), { name: "_time", bucket: step, offset }];
  return { ...q, pipes: [...q.pipes.slice(0, -1), { ...last, by }] };
}

/** HitsSeries is one series of the /select/logsql/hits answer. */
export interface HitsSeries {
  fields: Record<string, string>;
  timestamps: string[];
  values: number[];
  total: number;
}

/** HitsOptions are the args of /select/logsql/hits. */
export interface HitsOptions {
  /** Bucket size as a duration ("1h"). */
  step: string;
  /** Bucket offset (the time zone) as a duration ("2h", "-30m"); none by default. */
  offset?: string;
  /** Group-by fields (the repeatable `field` arg). */
  fields?: readonly string[];
  /** Keep the top N series by total hits and fold the rest into one series with empty fields; 0 keeps all. */
  fieldsLimit?: number;
}

/**
 * hits counts the rows of q's filter (its pipes are dropped) per step-aligned
 * time bucket and per value of the group-by fields, as /select/logsql/hits does.
 * Series are sorted by their fields, timestamps ascending.
 */
export async function hits(q: Query, src: LogSearcher, opts: ExecuteOptions, h: HitsOptions): Promise<HitsSeries[]> {
  const fields = h.fields ?? [];
  const step = parseDuration(h.step);
  if (step === undefined || step <= 0n) throw new LogsQLParseError(`cannot parse step ${JSON.stringify(h.step)}: want a positive duration`, 0);
  const hq: Query = {
    opts: q.opts,
    filter: q.filter,
    pipes: [{ t: "stats", by: [{ name: "_time", bucket: h.step, offset: h.offset }, ...fields.map((name) => ({ name }))], funcs: [{ name: "count", fields: [], limit: 0, result: "hits" }] }],
  };
  const series = new Map<string, { fields: Record<string, string>; points: Map<string, number>; total: number }>();
  await executeQuery(hq, src, { ...opts, limit: undefined }, (b) => {
    const ts = getColumn(b, "_time")!;
    const hv = getColumn(b, "hits")!;
    const fcols = fields.map((f) => getColumn(b, f)!);
    for (let i = 0; i < b.rowsCount; i++) {
      const rec: Record<string, string> = {};
      fields.forEach((f, j) => (rec[f] = fcols[j][i]));
      const key = JSON.stringify(rec);
      let s = series.get(key);
      if (s === undefined) series.set(key, (s = { fields: rec, points: new Map(), total: 0 }));
      const n = Number(hv[i]);
      s.points.set(ts[i], (s.points.get(ts[i]) ?? 0) + n);
      s.total += n;
    }
  });
  let list = [...series.entries()];
  const limit = h.fieldsLimit ?? 0;
  if (limit > 0 && list.length > limit) {
    list.sort((a, b) => b[1].total - a[1].total);
    const rest = { fields: {} as Record<string, string>, points: new Map<string, number>(), total: 0 };
    for (const [, s] of list.slice(limit)) {
      for (const [t, n] of s.points) rest.points.set(t, (rest.points.get(t) ?? 0) + n);
      rest.total += s.total;
    }
    list = list.slice(0, limit);
    list.push(["{}", rest]);
  }
  list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return list.map(([, s]) => {
    const ts = [...s.points.keys()].sort((a, b) => {
      const x = parseTimestamp(a, 0n) ?? 0n;
      const y = parseTimestamp(b, 0n) ?? 0n;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return { fields: s.fields, timestamps: ts, values: ts.map((t) => s.points.get(t)!), total: s.total };
  });
}
