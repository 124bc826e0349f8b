// pipes: the processors that run a query's pipes over batches of rows.

import type { ByField, Filter, Pipe, SortField, StatsFunc } from "./ast.ts";
import { matchFilterBitmap } from "./filter_eval.ts";
import { formatIPv4, parseIPv4 } from "./ipv4.ts";
import { formatNumber, parseDuration, parseFloatValue, parseNumber } from "./numbers.ts";
import {
  batchRows, batchSource, getColumn, rowGet, rowSet, rowsToBatch, rowsToBatches, selectRows, setColumn, sliceRows,
  type Row, type RowBatch,
} from "./row_batch.ts";
import { newStatsAcc, type BatchView, type StatsAcc } from "./stats_funcs.ts";
import { formatTimestamp, parseTimestamp } from "./time_format.ts";
import { compileJSRegExp, expandGoTemplate } from "./js_regexp.ts";
import { compileRegexp } from "./regexp.ts";
import { compareKeys, valueKey, type ValueKey } from "./compare_values.ts";
import { applyFormatFn, compileExtract, compileExtractRegexp, compileFormat } from "./extract_format.ts";
import { collapseNums, hash64, jsonArrayItems, logfmtValue, unpackJSON, unpackLogfmt, wordsOf } from "./text_funcs.ts";
import { evalMath } from "./math_eval.ts";
import { FieldList, parseSyslogMessage } from "../protoparser/logs/index.ts";

/** Processor is one pipe stage: push hands it rows; flush signals the end of input. */
export interface Processor {
  push(b: RowBatch): void;
  flush(): void;
}

/** PipeContext is shared by the processors of one query. */
export interface PipeContext {
  /** Set by a limit pipe when no more input is needed. */
  stop: boolean;
  /** The query's time range in seconds, for rate() without a _time bucket. */
  rangeSeconds: number;
  nowNs: bigint;
  /** The result rows of the union and join pipes' subqueries, run before the pipeline starts. */
  subRows?: Map<Pipe, Row[]>;
}

/** batchTimestamps remembers the timestamps of batches made from storage blocks (keyed by the _time column's array). */
export const batchTimestamps = new WeakMap<readonly string[], BigInt64Array>();

/** isStreamingPipe reports whether p handles each row on its own (it needs no later rows before it can emit). */
export function isStreamingPipe(p: Pipe): boolean {
  switch (p.t) {
    case "sort":
    case "first":
    case "last":
    case "stats":
    case "uniq":
    case "top":
    case "field_names":
    case "field_values":
    case "facets":
    case "union":
    case "blocks_count":
    case "stream_context":
      return false;
    default:
      return true;
  }
}

/** buildPipeline chains processors for pipes, ending in sink. */
export function buildPipeline(pipes: readonly Pipe[], ctx: PipeContext, sink: (b: RowBatch) => void): Processor {
  let next: Processor = { push: (b) => { if (b.rowsCount > 0) sink(b); }, flush: () => {} };
  for (let i = pipes.length - 1; i >= 0; i--) {
    const canStop = pipes.slice(0, i).every(isStreamingPipe);
    next = newProcessor(pipes[i], ctx, next, canStop);
  }
  return next;
}

function streaming(next: Processor, f: (b: RowBatch) => RowBatch | undefined): Processor {
  return {
    push(b) {
      const r = f(b);
      if (r !== undefined && r.rowsCount > 0) next.push(r);
    },
    flush: () => next.flush(),
  };
}

function matchesPattern(name: string, pat: string): boolean {
  if (pat === "*") return true;
  if (pat.endsWith("*")) return name.startsWith(pat.slice(0, -1));
  return name === pat;
}

function copyBatch(b: RowBatch): RowBatch {
  return { rowsCount: b.rowsCount, columns: b.columns.map((c) => ({ name: c.name, values: c.values })) };
}

// ifMask returns the rows an `if (...)` condition selects (all rows when there is none).
function ifMask(iff: Filter | undefined, b: RowBatch): Uint8Array | undefined {
  if (iff === undefined) return undefined;
  return matchFilterBitmap(iff, batchSource(b));
}

// updateColumn applies fn to each row's value of a field (only where mask selects), writing to dst.
function mapColumn(b: RowBatch, src: string, dst: string, mask: Uint8Array | undefined, fn: (v: string, i: number) => string): RowBatch {
  const out = copyBatch(b);
  const vals = getColumn(b, src) ?? new Array<string>(b.rowsCount).fill("");
  const old = getColumn(b, dst);
  const res = new Array<string>(b.rowsCount);
  for (let i = 0; i < b.rowsCount; i++) res[i] = mask !== undefined && !mask[i] ? (old?.[i] ?? "") : fn(vals[i], i);
  setColumn(out, dst, res);
  return out;
}

// setFields merges per-row extracted fields into a batch with VictoriaLogs' keep_original_fields / skip_empty_results rules.
function mergeFields(b: RowBatch, perRow: (Map<string, string> | undefined)[], keepOriginal: boolean, skipEmpty: boolean): RowBatch {
  const out = copyBatch(b);
  const names: string[] = [];
  const seen = new Set<string>();
  for (const m of perRow) {
    if (m === undefined) continue;
    for (const k of m.keys()) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  for (const name of names) {
    const old = getColumn(b, name);
    const res = new Array<string>(b.rowsCount);
    for (let i = 0; i < b.rowsCount; i++) {
      const o = old?.[i] ?? "";
      const m = perRow[i];
      const v = m?.get(name);
      if (v === undefined) res[i] = o;
      else if (keepOriginal && o !== "") res[i] = o;
      else if (skipEmpty && v === "") res[i] = o;
      else res[i] = v;
    }
    setColumn(out, name, res);
  }
  return out;
}

function newProcessor(p: Pipe, ctx: PipeContext, next: Processor, canStop: boolean): Processor {
  switch (p.t) {
    case "fields":
      return streaming(next, (b) => {
        const cols: { name: string; values: readonly string[] }[] = [];
        const used = new Set<string>();
        for (const pat of p.fields) {
          if (pat.endsWith("*")) {
            for (const c of b.columns) if (!used.has(c.name) && matchesPattern(c.name, pat)) (used.add(c.name), cols.push(c));
          } else if (!used.has(pat)) {
            used.add(pat);
            cols.push({ name: pat, values: getColumn(b, pat) ?? new Array<string>(b.rowsCount).fill("") });
          }
        }
        return { rowsCount: b.rowsCount, columns: cols };
      });
    case "delete":
      return streaming(next, (b) => ({ rowsCount: b.rowsCount, columns: b.columns.filter((c) => !p.fields.some((pat) => matchesPattern(c.name, pat))) }));
    case "rename":
    case "copy":
      return streaming(next, (b) => {
        let out = copyBatch(b);
        for (const [src, dst] of p.pairs) {
          const moves: [string, string][] = [];
          if (src.endsWith("*")) {
            const sp = src.slice(0, -1);
            const dp = dst.slice(0, -1);
            for (const c of out.columns) if (c.name.startsWith(sp)) moves.push([c.name, dp + c.name.slice(sp.length)]);
          } else moves.push([src, dst]);
          for (const [s, d] of moves) {
            if (s === d) continue;
            const vals = getColumn(out, s) ?? new Array<string>(out.rowsCount).fill("");
            if (p.t === "rename") {
              const idx = out.columns.findIndex((c) => c.name === s);
              out = { rowsCount: out.rowsCount, columns: out.columns.filter((c) => c.name !== d) };
              const j = out.columns.findIndex((c) => c.name === s);
              if (idx >= 0 && j >= 0) out.columns[j] = { name: d, values: vals };
              else out.columns.push({ name: d, values: vals });
            } else {
              setColumn(out, d, vals);
            }
          }
        }
        return out;
      });
    case "limit": {
      let left = p.n;
      return {
        push(b) {
          if (left <= 0) return;
          const r = sliceRows(b, 0, left);
          left -= r.rowsCount;
          if (left <= 0 && canStop) ctx.stop = true;
          if (r.rowsCount > 0) next.push(r);
        },
        flush: () => next.flush(),
      };
    }
    case "offset": {
      let skip = p.n;
      return streaming(next, (b) => {
        if (skip <= 0) return b;
        if (skip >= b.rowsCount) {
          skip -= b.rowsCount;
          return undefined;
        }
        const r = sliceRows(b, skip, b.rowsCount);
        skip = 0;
        return r;
      });
    }
    case "sample": {
      let seed = 0x9e3779b9;
      const rand = (): number => {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed >>> 0) / 2 ** 32;
      };
      return streaming(next, (b) => {
        const bm = new Uint8Array(b.rowsCount);
        for (let i = 0; i < bm.length; i++) bm[i] = rand() * p.n < 1 ? 1 : 0;
        return selectRows(b, bm);
      });
    }
    case "filter":
      return streaming(next, (b) => selectRows(b, matchFilterBitmap(p.f, batchSource(b))));
    case "sort":
      return sortProcessor(p.by, p.desc, p.offset, p.limit, p.partitionBy, p.rank, next);
    case "first":
    case "last":
      return sortProcessor(p.by.length === 0 ? [{ field: "_time", desc: false }] : p.by, p.t === "last", 0, p.n, p.partitionBy, "", next);
    case "stats":
      return statsProcessor(p.by, p.funcs, ctx, next);
    case "uniq":
      return uniqProcessor(p.fields, p.hits, p.limit, next);
    case "top":
      return topProcessor(p.n, p.fields, p.hitsField, p.rank, next);
    case "field_names": {
      const hits = new Map<string, number>();
      return {
        push(b) {
          for (const c of b.columns) {
            let n = 0;
            for (const v of c.values) if (v !== "") n++;
            if (n > 0) hits.set(c.name, (hits.get(c.name) ?? 0) + n);
          }
        },
        flush() {
          const names = [...hits.keys()].sort();
          next.push({ rowsCount: names.length, columns: [{ name: p.result === "" ? "name" : p.result, values: names }, { name: "hits", values: names.map((n) => String(hits.get(n))) }] });
          next.flush();
        },
      };
    }
    case "field_values":
      return uniqProcessor([p.field], true, p.limit, next);
    case "facets":
      return facetsProcessor(p, next);
    case "extract":
    case "extract_regexp": {
      const extractor = p.t === "extract" ? compileExtract(p.pattern) : compileExtractRegexp(p.pattern);
      return streaming(next, (b) => {
        const mask = ifMask(p.iff, b);
        const vals = getColumn(b, p.from) ?? new Array<string>(b.rowsCount).fill("");
        const per: (Map<string, string> | undefined)[] = new Array(b.rowsCount);
        for (let i = 0; i < b.rowsCount; i++) per[i] = mask !== undefined && !mask[i] ? undefined : extractor(vals[i]);
        return mergeFields(b, per, p.keepOriginal, p.skipEmpty);
      });
    }
    case "format": {
      const parts = compileFormat(p.pattern);
      return streaming(next, (b) => {
        const mask = ifMask(p.iff, b);
        const old = getColumn(b, p.result);
        const cols = parts.map((x) => (x.field === undefined ? undefined : getColumn(b, x.field)));
        return mapColumn(b, p.result, p.result, mask, (_v, i) => {
          let s = "";
          for (let k = 0; k < parts.length; k++) {
            const x = parts[k];
            if (x.field === undefined) s += x.text;
            else s += applyFormatFn(x.fn, cols[k]?.[i] ?? "");
          }
          const o = old?.[i] ?? "";
          if (p.keepOriginal && o !== "") return o;
          if (p.skipEmpty && s === "") return o;
          return s;
        });
      });
    }
    case "unpack_json":
    case "unpack_logfmt":
      return streaming(next, (b) => {
        const mask = ifMask(p.iff, b);
        const vals = getColumn(b, p.from) ?? new Array<string>(b.rowsCount).fill("");
        const per: (Map<string, string> | undefined)[] = new Array(b.rowsCount);
        for (let i = 0; i < b.rowsCount; i++) {
          if (mask !== undefined && !mask[i]) continue;
          const m = p.t === "unpack_json" ? unpackJSON(vals[i]) : unpackLogfmt(vals[i]);
          const r = new Map<string, string>();
          for (const [k, v] of m) if (p.fields.length === 0 || p.fields.some((pat) => matchesPattern(k, pat))) r.set(p.prefix + k, v);
          if (p.fields.length > 0) for (const f of p.fields) if (!f.endsWith("*") && !r.has(p.prefix + f)) r.set(p.prefix + f, "");
          per[i] = r;
        }
        return mergeFields(b, per, p.keepOriginal, p.skipEmpty);
      });
    case "pack_json":
    case "pack_logfmt":
      return streaming(next, (b) => {
        const cols = p.fields.length === 0 ? b.columns : b.columns.filter((c) => p.fields.some((pat) => matchesPattern(c.name, pat)));
        return mapColumn(b, p.result, p.result, undefined, (_v, i) => {
          // As VictoriaLogs: every selected column of the batch, in batch order, empty values too.
          if (p.t === "pack_json") return "{" + cols.map((c) => JSON.stringify(c.name) + ":" + JSON.stringify(c.values[i])).join(",") + "}";
          const parts: string[] = [];
          for (const c of cols) parts.push(`${c.name}=${logfmtValue(c.values[i])}`);
          return parts.join(" ");
        });
      });
    case "math":
      return streaming(next, (b) => {
        let out = b;
        for (const e of p.entries) {
          const view = columnsView(out);
          const res = new Array<string>(out.rowsCount);
          for (let i = 0; i < out.rowsCount; i++) res[i] = formatNumber(evalMath(e.expr, view, i, ctx.nowNs));
          out = copyBatch(out);
          setColumn(out, e.result, res);
        }
        return out;
      });
    case "replace":
    case "replace_regexp": {
      let fn: (s: string) => string;
      if (p.t === "replace") {
        fn = (s) => {
          if (p.limit === 0) return s.replaceAll(p.old, p.repl);
          let out = "";
          let pos = 0;
          for (let k = 0; k < p.limit; k++) {
            const n = s.indexOf(p.old, pos);
            if (n < 0) break;
            out += s.slice(pos, n) + p.repl;
            pos = n + p.old.length;
          }
          return out + s.slice(pos);
        };
      } else {
        const re = compileJSRegExp(p.old, "g");
        const pre = compileRegexp(p.old);
        fn = (s) => {
          // The linear-time matcher rules out non-matching values first: they are where
          // a backtracking engine can take exponential time.
          if (!pre.matches(s)) return s;
          let k = 0;
          return s.replace(re, (...args: unknown[]) => {
            const m = args[0] as string;
            if (p.limit > 0 && k >= p.limit) return m;
            k++;
            return expandGoTemplate(p.repl, args);
          });
        };
      }
      return streaming(next, (b) => mapColumn(b, p.at, p.at, ifMask(p.iff, b), fn));
    }
    case "len":
      return streaming(next, (b) => mapColumn(b, p.field, p.result, undefined, (v) => String(Buffer.byteLength(v))));
    case "hash":
      return streaming(next, (b) => mapColumn(b, p.field, p.result, undefined, (v) => hash64(v)));
    case "json_array_len":
      return streaming(next, (b) =>
        mapColumn(b, p.field, p.result, undefined, (v) => {
          try {
            const a: unknown = JSON.parse(v);
            return String(Array.isArray(a) ? a.length : 0);
          } catch {
            return "0";
          }
        }),
      );
    case "drop_empty_fields":
      return {
        push(b) {
          const cols = b.columns.filter((c) => c.values.some((v) => v !== ""));
          if (cols.every((c) => c.values.every((v) => v !== ""))) {
            if (b.rowsCount > 0) next.push({ rowsCount: b.rowsCount, columns: cols });
            return;
          }
          const rows = batchRows({ rowsCount: b.rowsCount, columns: cols }).map((r) => r.filter((x) => x[1] !== ""));
          for (const x of rowsToBatches(rows.filter((r) => r.length > 0))) next.push(x);
        },
        flush: () => next.flush(),
      };
    case "decolorize":
      return streaming(next, (b) => mapColumn(b, p.field, p.field, undefined, (v) => v.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "")));
    case "collapse_nums":
      return streaming(next, (b) => mapColumn(b, p.at, p.at, ifMask(p.iff, b), (v) => collapseNums(v, p.prettify)));
    case "unroll":
      return streaming(next, (b) => {
        const mask = ifMask(p.iff, b);
        const rows = batchRows(b);
        const out: Row[] = [];
        rows.forEach((r, i) => {
          if (mask !== undefined && !mask[i]) {
            out.push(r);
            return;
          }
          const arrays = p.fields.map((f) => jsonArrayItems(rowGet(r, f)));
          const n = Math.max(1, ...arrays.map((a) => a.length));
          for (let k = 0; k < n; k++) {
            const nr: Row = r.map(([a, v]) => [a, v]);
            p.fields.forEach((f, j) => rowSet(nr, f, arrays[j][k] ?? ""));
            out.push(nr);
          }
        });
        return rowsToBatch(out);
      });
    case "union":
      return {
        push: (b) => next.push(b),
        flush() {
          for (const b of rowsToBatches(ctx.subRows?.get(p) ?? [])) next.push(b);
          next.flush();
        },
      };
    case "join": {
      const index = new Map<string, Row[]>();
      for (const r of ctx.subRows?.get(p) ?? []) {
        const k = JSON.stringify(p.by.map((f) => rowGet(r, f)));
        let l = index.get(k);
        if (l === undefined) index.set(k, (l = []));
        l.push(r);
      }
      return streaming(next, (b) => {
        const out: Row[] = [];
        for (const r of batchRows(b)) {
          const matches = index.get(JSON.stringify(p.by.map((f) => rowGet(r, f))));
          if (matches === undefined) {
            if (!p.inner) out.push(r);
            continue;
          }
          for (const m of matches) {
            const nr: Row = r.map(([a, v]) => [a, v]);
            for (const [name, v] of m) if (!p.by.includes(name)) rowSet(nr, p.prefix + name, v);
            out.push(nr);
          }
        }
        return rowsToBatch(out);
      });
    }
    case "unpack_syslog": {
      const off = p.offset === "" ? 0n : (parseDuration(p.offset) ?? 0n);
      const fl = new FieldList();
      return streaming(next, (b) => {
        const mask = ifMask(p.iff, b);
        const vals = getColumn(b, p.from) ?? new Array<string>(b.rowsCount).fill("");
        const per: (Map<string, string> | undefined)[] = new Array(b.rowsCount);
        for (let i = 0; i < b.rowsCount; i++) {
          if ((mask !== undefined && !mask[i]) || vals[i] === "") continue;
          fl.reset();
          let ts = 0n;
          try {
            // The timezone offset of RFC3164 timestamps comes from `offset`, so they are parsed as UTC here.
            ts = parseSyslogMessage(vals[i], fl, { timezone: "UTC", nowMs: Number(ctx.nowNs / 1_000_000n) });
          } catch {
            continue;
          }
          const m = new Map<string, string>();
          for (const f of fl.items) m.set(p.prefix + (f.name === "_msg" ? "message" : f.name), f.value);
          if (ts !== 0n) m.set(p.prefix + "timestamp", formatTimestamp(m.get(p.prefix + "format") === "rfc3164" ? ts - off : ts));
          per[i] = m;
        }
        return mergeFields(b, per, p.keepOriginal, false);
      });
    }
    case "stream_context":
      // executeQuery expands stream_context before the pipeline runs.
      return next;
    case "blocks_count": {
      let n = 0;
      return {
        push: () => void n++,
        flush() {
          next.push({ rowsCount: 1, columns: [{ name: p.result, values: [String(n)] }] });
          next.flush();
        },
      };
    }
    case "unpack_words":
      return streaming(next, (b) =>
        mapColumn(b, p.from, p.result, undefined, (v) => {
          const words = wordsOf(v);
          return JSON.stringify(p.dropDuplicates ? [...new Set(words)] : words);
        }),
      );
  }
}

function columnsView(b: RowBatch): BatchView {
  const empty = new Array<string>(b.rowsCount).fill("");
  const names = b.columns.map((c) => c.name);
  const map = new Map<string, readonly string[]>();
  for (const c of b.columns) map.set(c.name, c.values);
  return { names, col: (n) => map.get(n) ?? empty };
}

// ---- sort ----

function sortProcessor(by: readonly SortField[], desc: boolean, offset: number, limit: number, partitionBy: readonly string[], rank: string, next: Processor): Processor {
  // Rows with their sort keys; with a limit and no partitions only the best
  // offset+limit rows are kept (the buffer is cut whenever it doubles).
  let rows: { r: Row; k: ValueKey[]; seq: number }[] = [];
  let seq = 0;
  const keep = limit > 0 && partitionBy.length === 0 && by.length > 0 ? offset + limit : 0;
  const cmp = (a: { k: ValueKey[]; seq: number }, b: { k: ValueKey[]; seq: number }, fields: readonly SortField[]): number => {
    for (let i = 0; i < fields.length; i++) {
      let c = compareKeys(a.k[i], b.k[i]);
      if (fields[i].desc) c = -c;
      if (desc) c = -c;
      if (c !== 0) return c;
    }
    return a.seq - b.seq;
  };
  return {
    push(b) {
      for (const r of batchRows(b)) rows.push({ r, k: by.map((f) => valueKey(rowGet(r, f.field))), seq: seq++ });
      if (keep > 0 && rows.length > 2 * keep + 1000) {
        rows.sort((x, y) => cmp(x, y, by));
        rows.length = keep;
      }
    },
    flush() {
      let fields = by;
      if (fields.length === 0) {
        const names = new Set<string>();
        for (const x of rows) for (const [n] of x.r) names.add(n);
        fields = [...names].sort().map((field) => ({ field, desc: false }));
        for (const x of rows) x.k = fields.map((f) => valueKey(rowGet(x.r, f.field)));
      }
      rows.sort((x, y) => cmp(x, y, fields));
      const parts = new Map<string, Row[]>();
      for (const x of rows) {
        const key = partitionBy.length === 0 ? "" : JSON.stringify(partitionBy.map((f) => rowGet(x.r, f)));
        let l = parts.get(key);
        if (l === undefined) parts.set(key, (l = []));
        l.push(x.r);
      }
      rows = [];
      const out: Row[] = [];
      for (const l of parts.values()) {
        const sel = l.slice(offset, limit > 0 ? offset + limit : undefined);
        sel.forEach((r, k) => {
          if (rank !== "") rowSet(r, rank, String(offset + k + 1));
          out.push(r);
        });
      }
      for (const b of rowsToBatches(out)) next.push(b);
      next.flush();
    },
  };
}

// ---- stats ----

const NAMED_STEPS: Record<string, string> = {
  nanosecond: "1ns", microsecond: "1us", millisecond: "1ms", second: "1s", minute: "1m", hour: "1h", day: "1d", week: "1w",
};

type Bucketer = (b: RowBatch, view: BatchView) => (i: number) => string;

function newBucketer(f: ByField): Bucketer {
  if (f.bucket === undefined) return (_b, view) => {
    const c = view.col(f.name);
    return (i) => c[i];
  };
  if (f.bucket.startsWith("/")) {
    const bits = Number(f.bucket.slice(1));
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (_b, view) => {
      const c = view.col(f.name);
      return (i) => {
        const ip = parseIPv4(c[i]);
        return ip === undefined ? c[i] : formatIPv4((ip & mask) >>> 0);
      };
    };
  }
  if (f.name === "_time") {
    const cal = f.bucket === "month" || f.bucket === "year" ? f.bucket : undefined;
    const step = cal === undefined ? parseDuration(NAMED_STEPS[f.bucket] ?? f.bucket) ?? BigInt(Math.round(parseNumber(f.bucket))) : 0n;
    // As in VictoriaLogs, the offset shifts times forward before truncation (a time zone), and
    // weeks start on Monday.
    let off = f.offset === undefined ? 0n : parseDuration(f.offset) ?? BigInt(Math.round(parseNumber(f.offset)));
    if (f.bucket === "week") off += 3n * 86_400_000_000_000n;
    const cache = new Map<bigint, string>();
    const bucketOf = (t: bigint): string => {
      const x = t + off;
      let start: bigint;
      if (cal !== undefined) {
        const d = new Date(Number((x - (((x % 1_000_000n) + 1_000_000n) % 1_000_000n)) / 1_000_000n));
        const ms = cal === "year" ? Date.UTC(d.getUTCFullYear(), 0, 1) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
        start = BigInt(ms) * 1_000_000n;
      } else if (step <= 0n) {
        start = x;
      } else {
        let r = x % step;
        if (r < 0n) r += step;
        start = x - r;
      }
      start -= off;
      let s = cache.get(start);
      if (s === undefined) {
        s = formatTimestamp(start);
        if (cache.size > 100000) cache.clear();
        cache.set(start, s);
      }
      return s;
    };
    return (b, view) => {
      const c = view.col("_time");
      const ts = batchTimestamps.get(c);
      if (ts !== undefined) return (i) => bucketOf(ts[i]);
      return (i) => {
        const t = c[i] === "" ? undefined : parseTimestamp(c[i], 0n);
        return t === undefined ? c[i] : bucketOf(t);
      };
    };
  }
  const step = parseNumber(f.bucket);
  const off = f.offset === undefined ? 0 : parseNumber(f.offset);
  return (_b, view) => {
    const c = view.col(f.name);
    return (i) => {
      const v = parseFloatValue(c[i]);
      if (Number.isNaN(v) || !(step > 0)) return c[i];
      return formatNumber(Math.floor((v + off) / step) * step - off);
    };
  };
}

function statsProcessor(by: readonly ByField[], funcs: readonly StatsFunc[], ctx: PipeContext, next: Processor): Processor {
  const timeBucket = by.find((f) => f.name === "_time" && f.bucket !== undefined);
  let stepSeconds = ctx.rangeSeconds;
  if (timeBucket !== undefined) {
    const d = parseDuration(NAMED_STEPS[timeBucket.bucket!] ?? timeBucket.bucket!);
    if (d !== undefined && d > 0n) stepSeconds = Number(d) / 1e9;
    else if (timeBucket.bucket === "month") stepSeconds = 30 * 86400;
    else if (timeBucket.bucket === "year") stepSeconds = 365 * 86400;
  }
  if (!(stepSeconds > 0)) stepSeconds = 1;
  const sctx = { stepSeconds };
  const bucketers = by.map(newBucketer);
  const groups = new Map<string, { key: string[]; accs: StatsAcc[] }>();
  const newGroup = (key: string[]) => ({ key, accs: funcs.map((f) => newStatsAcc(f, sctx)) });
  return {
    push(b) {
      const view = columnsView(b);
      const getters = bucketers.map((bk) => bk(b, view));
      const masks = funcs.map((f) => ifMask(f.iff, b));
      let lastK: string | undefined;
      let lastG: { key: string[]; accs: StatsAcc[] } | undefined;
      for (let i = 0; i < b.rowsCount; i++) {
        let k: string;
        let key: string[];
        if (getters.length === 0) {
          k = "";
          key = [];
        } else if (getters.length === 1) {
          k = getters[0](i);
          key = [k];
        } else {
          key = getters.map((g) => g(i));
          k = JSON.stringify(key);
        }
        let g: { key: string[]; accs: StatsAcc[] } | undefined;
        if (k === lastK) g = lastG;
        else {
          g = groups.get(k);
          if (g === undefined) groups.set(k, (g = newGroup(key)));
          lastK = k;
          lastG = g;
        }
        for (let j = 0; j < funcs.length; j++) {
          const m = masks[j];
          if (m === undefined || m[i]) g!.accs[j].add(view, i);
        }
      }
    },
    flush() {
      if (groups.size === 0 && by.length === 0) groups.set("", newGroup([]));
      const gs = [...groups.values()];
      const cols: { name: string; values: string[] }[] = [];
      by.forEach((f, j) => cols.push({ name: f.name, values: gs.map((g) => g.key[j]) }));
      funcs.forEach((f, j) => cols.push({ name: f.result, values: gs.map((g) => g.accs[j].finish()) }));
      next.push({ rowsCount: gs.length, columns: cols });
      next.flush();
    },
  };
}

// ---- uniq, top, facets ----

function uniqProcessor(fields: readonly string[], withHits: boolean, limit: number, next: Processor): Processor {
  const m = new Map<string, { vals: string[]; hits: number }>();
  let names = fields;
  return {
    push(b) {
      if (fields.length === 0) names = [...new Set([...names, ...b.columns.map((c) => c.name)])];
      const view = columnsView(b);
      const cols = names.map((f) => view.col(f));
      for (let i = 0; i < b.rowsCount; i++) {
        const vals = cols.map((c) => c[i]);
        const k = vals.length === 1 ? vals[0] : JSON.stringify(vals);
        const e = m.get(k);
        if (e !== undefined) e.hits++;
        else if (limit === 0 || m.size < limit) m.set(k, { vals, hits: 1 });
      }
    },
    flush() {
      const es = [...m.values()];
      const cols = names.map((f, j) => ({ name: f, values: es.map((e) => e.vals[j] ?? "") }));
      if (withHits) cols.push({ name: "hits", values: es.map((e) => String(e.hits)) });
      next.push({ rowsCount: es.length, columns: cols });
      next.flush();
    },
  };
}

function topProcessor(n: number, fields: readonly string[], hitsField: string, rank: string, next: Processor): Processor {
  const m = new Map<string, { vals: string[]; hits: number }>();
  return {
    push(b) {
      const view = columnsView(b);
      const cols = fields.map((f) => view.col(f));
      for (let i = 0; i < b.rowsCount; i++) {
        const vals = cols.map((c) => c[i]);
        const k = vals.length === 1 ? vals[0] : JSON.stringify(vals);
        const e = m.get(k);
        if (e !== undefined) e.hits++;
        else m.set(k, { vals, hits: 1 });
      }
    },
    flush() {
      const es = [...m.entries()].sort((a, b) => b[1].hits - a[1].hits || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, n).map((e) => e[1]);
      const cols = fields.map((f, j) => ({ name: f, values: es.map((e) => e.vals[j]) }));
      cols.push({ name: hitsField, values: es.map((e) => String(e.hits)) });
      if (rank !== "") cols.push({ name: rank, values: es.map((_, k) => String(k + 1)) });
      next.push({ rowsCount: es.length, columns: cols });
      next.flush();
    },
  };
}

function facetsProcessor(p: Extract<Pipe, { t: "facets" }>, next: Processor): Processor {
  const limit = p.limit > 0 ? p.limit : 10;
  const maxValues = p.maxValuesPerField > 0 ? p.maxValuesPerField : 1000;
  const maxLen = p.maxValueLen > 0 ? p.maxValueLen : 128;
  const fields = new Map<string, Map<string, number> | null>();
  let total = 0;
  return {
    push(b) {
      total += b.rowsCount;
      for (const c of b.columns) {
        if (c.name === "_time") continue;
        let m = fields.get(c.name);
        if (m === null) continue;
        if (m === undefined) fields.set(c.name, (m = new Map()));
        for (const v of c.values) {
          if (v === "" || v.length > maxLen) continue;
          m.set(v, (m.get(v) ?? 0) + 1);
        }
        if (m.size > maxValues) fields.set(c.name, null);
      }
    },
    flush() {
      const names: string[] = [];
      const values: string[] = [];
      const hits: string[] = [];
      for (const name of [...fields.keys()].sort()) {
        const m = fields.get(name);
        if (m === null || m === undefined || m.size === 0) continue;
        if (!p.keepConst && m.size === 1 && [...m.values()][0] === total) continue;
        const es = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
        for (const [v, h] of es) {
          names.push(name);
          values.push(v);
          hits.push(String(h));
        }
      }
      next.push({ rowsCount: names.length, columns: [{ name: "field_name", values: names }, { name: "field_value", values }, { name: "hits", values: hits }] });
      next.flush();
    },
  };
}
