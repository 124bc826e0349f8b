// The VictoriaLogs query API: /select/logsql/{query,hits,facets,
// field_names,field_values,stream_field_names,stream_field_values,streams,
// stream_ids,stats_query,stats_query_range}, with VictoriaLogs' arguments and
// response shapes. Every endpoint is one LogsQL query, often with a pipe
// appended (hits = `stats by (_time:step) count()`), run by lib/logsql.

import type * as http from "node:http";
import { createResponseWriter, HttpError, sendJSON, type Request } from "../../lib/httpserver/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { canLiveTail, executeQuery, formatRowBatchJSONLines, parseDuration, parseTimestamp, LogsQLParseError, type Filter, type Pipe, type Query, type RowBatch } from "../../lib/logsql/index.ts";
import type { LogSearcher } from "../../lib/logstorage/index.ts";
import { intArg, parseCommonArgs, queryDeadline, queryText, type CommonArgs } from "./common.ts";

const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;

const queryErrors = counter(`vl_http_errors_total{path="/select/logsql/query", reason="query"}`);

/** run executes q for the request and collects every result row batch. */
export async function runCollect(src: LogSearcher, a: CommonArgs, q: Query, req: Request, live = false): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  await runQuery(src, a, q, req, (b) => void out.push(b), undefined, live);
  return out;
}

async function runQuery(src: LogSearcher, a: CommonArgs, q: Query, req: Request, onBatch: (b: RowBatch) => void, limit?: number, live = false): Promise<void> {
  const deadline = live ? undefined : await queryDeadline(req);
  try {
    await executeQuery(q, src, { tenants: a.tenants, minTimestamp: MIN_NS, maxTimestamp: MAX_NS, signal: deadline?.signal ?? req.signal, limit }, onBatch);
  } catch (e) {
    if (e instanceof LogsQLParseError) {
      queryErrors.inc();
      throw new HttpError(400, `cannot execute query [${queryText(q)}]: ${e.message}`);
    }
    if (e instanceof HttpError && e.status === 503) throw new HttpError(503, `cannot execute query [${queryText(q)}]: ${e.message}`);
    throw e;
  } finally {
    deadline?.done();
  }
}

function column(b: RowBatch, name: string): readonly string[] | undefined {
  return b.columns.find((c) => c.name === name)?.values;
}

/** A query whose newest rows the `limit` arg can select directly (no pipes that change the rows). */
function canReturnLastN(q: Query): boolean {
  return q.pipes.every((p) => p.t === "fields" || p.t === "delete" || p.t === "rename" || p.t === "copy" || p.t === "filter" || p.t === "decolorize" || p.t === "format" || p.t === "unpack_json" || p.t === "unpack_logfmt" || p.t === "extract" || p.t === "extract_regexp" || p.t === "replace" || p.t === "replace_regexp" || p.t === "math" || p.t === "len" || p.t === "hash");
}

async function handleQuery(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const a = await parseCommonArgs(req);
  const limit = await intArg(req, "limit");
  const q = a.q;
  let directLimit: number | undefined;
  if (limit > 0) {
    if (canReturnLastN(q)) directLimit = limit;
    else q.pipes.push({ t: "limit", n: limit });
  }
  const w = createResponseWriter(req, res, "application/stream+json");
  let pending: Promise<void> = Promise.resolve();
  await runQuery(src, a, q, req, (b) => {
    const text = formatRowBatchJSONLines(b);
    if (text !== "") pending = pending.then(() => w.write(text));
  }, directLimit);
  await pending;
  await w.end();
}

function stripPipes(q: Query): Query {
  return { ...q, pipes: [] };
}

async function handleHits(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const a = await parseCommonArgs(req);
  const args = await req.formArgs();
  const stepStr = args.get("step") || "1d";
  const step = parseDuration(stepStr);
  if (step === undefined) throw new HttpError(400, `cannot parse 'step' arg: ${JSON.stringify(stepStr)}`);
  if (step <= 0n) throw new HttpError(400, "'step' must be bigger than zero");
  const offsetStr = args.get("offset") || "0s";
  const offset = parseDuration(offsetStr.replace(/^-/, ""));
  if (offset === undefined) throw new HttpError(400, `cannot parse 'offset' arg: ${JSON.stringify(offsetStr)}`);
  const fields = args.getAll("field");
  const fieldsLimit = await intArg(req, "fields_limit");
  const q = stripPipes(a.q);
  q.pipes = [{ t: "stats", by: [{ name: "_time", bucket: stepStr, offset: offsetStr !== "0s" ? offsetStr : undefined }, ...fields.map((f) => ({ name: f }))], funcs: [{ name: "count", fields: [], limit: 0, result: "hits" }] }];
  const series = new Map<string, { timestamps: string[]; hits: number[]; total: number }>();
  for (const b of await runCollect(src, a, q, req)) {
    const ts = column(b, "_time") ?? [];
    const hits = column(b, "hits") ?? [];
    const fcols = fields.map((f) => column(b, f) ?? []);
    for (let i = 0; i < b.rowsCount; i++) {
      const key = "{" + fields.map((f, j) => `${JSON.stringify(f)}:${JSON.stringify(fcols[j]![i] ?? "")}`).join(",") + "}";
      let s = series.get(key);
      if (s === undefined) series.set(key, (s = { timestamps: [], hits: [], total: 0 }));
      const h = Number(hits[i]);
      s.timestamps.push(ts[i]!);
      s.hits.push(h);
      s.total += h;
    }
  }
  let entries = [...series.entries()];
  if (fieldsLimit > 0 && fieldsLimit < entries.length) {
    entries.sort((x, y) => y[1].total - x[1].total);
    const other = new Map<string, number>();
    for (const [, s] of entries.slice(fieldsLimit)) s.timestamps.forEach((t, i) => other.set(t, (other.get(t) ?? 0) + s.hits[i]!));
    entries = entries.slice(0, fieldsLimit);
    const o = { timestamps: [...other.keys()], hits: [...other.values()], total: 0 };
    o.total = o.hits.reduce((x, y) => x + y, 0);
    entries.push(["{}", o]);
  }
  entries.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const parts = entries.map(([k, s]) => {
    const idx = s.timestamps.map((_, i) => i).sort((i, j) => (s.timestamps[i]! < s.timestamps[j]! ? -1 : 1));
    return `{"fields":${k},"timestamps":[${idx.map((i) => JSON.stringify(s.timestamps[i])).join(",")}],"values":[${idx.map((i) => s.hits[i]).join(",")}],"total":${s.total}}`;
  });
  res.setHeader("Content-Type", "application/json");
  res.end(`{"hits":[${parts.join(",")}]}`);
}

/** valuesWithHits answers `{"values":[{"value":..,"hits":N}]}` sorted by value, at most limit (0: all). */
function sendValuesWithHits(res: http.ServerResponse, m: Map<string, number>, limit: number): void {
  let values = [...m.entries()].map(([value, hits]) => ({ value, hits }));
  if (limit > 0 && values.length > limit) {
    values.sort((x, y) => y.hits - x.hits);
    values = values.slice(0, limit);
  }
  values.sort((x, y) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
  sendJSON(res, 200, { values });
}

async function countBy(src: LogSearcher, a: CommonArgs, req: Request, field: string): Promise<Map<string, number>> {
  const q = stripPipes(a.q);
  q.pipes = [{ t: "stats", by: [{ name: field }], funcs: [{ name: "count", fields: [], limit: 0, result: "hits" }] }];
  const m = new Map<string, number>();
  for (const b of await runCollect(src, a, q, req)) {
    const v = column(b, field) ?? [];
    const h = column(b, "hits") ?? [];
    for (let i = 0; i < b.rowsCount; i++) m.set(v[i] ?? "", (m.get(v[i] ?? "") ?? 0) + Number(h[i]));
  }
  return m;
}

function parseStream(s: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /([^{},=\s]+)="((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) out.push([m[1]!, JSON.parse(`"${m[2]!}"`) as string]);
  return out;
}

async function handleStreamFields(req: Request, res: http.ServerResponse, src: LogSearcher, wantValuesOf: string | undefined): Promise<void> {
  const a = await parseCommonArgs(req);
  const limit = await intArg(req, "limit");
  const perStream = await countBy(src, a, req, "_stream");
  const m = new Map<string, number>();
  for (const [stream, hits] of perStream) {
    for (const [name, value] of parseStream(stream)) {
      if (wantValuesOf === undefined) m.set(name, (m.get(name) ?? 0) + hits);
      else if (name === wantValuesOf) m.set(value, (m.get(value) ?? 0) + hits);
    }
  }
  sendValuesWithHits(res, m, limit);
}

async function handleFieldNames(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const a = await parseCommonArgs(req);
  const q = stripPipes(a.q);
  q.pipes = [{ t: "field_names", result: "name" } as Pipe];
  const m = new Map<string, number>();
  for (const b of await runCollect(src, a, q, req)) {
    const names = column(b, "name") ?? [];
    const hits = column(b, "hits") ?? [];
    for (let i = 0; i < b.rowsCount; i++) m.set(names[i]!, (m.get(names[i]!) ?? 0) + Number(hits[i] ?? 0));
  }
  sendValuesWithHits(res, m, 0);
}

async function requiredField(req: Request): Promise<string> {
  const f = (await req.formArgs()).get("field") ?? "";
  if (f === "") throw new HttpError(400, "missing 'field' query arg");
  return f;
}

async function handleFieldValues(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const field = await requiredField(req);
  const a = await parseCommonArgs(req);
  const limit = await intArg(req, "limit");
  sendValuesWithHits(res, await countBy(src, a, req, field), limit);
}

async function handleStreams(req: Request, res: http.ServerResponse, src: LogSearcher, field: "_stream" | "_stream_id"): Promise<void> {
  const a = await parseCommonArgs(req);
  const limit = await intArg(req, "limit");
  sendValuesWithHits(res, await countBy(src, a, req, field), limit);
}

async function handleFacets(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const a = await parseCommonArgs(req);
  const args = await req.formArgs();
  const q = stripPipes(a.q);
  q.pipes = [{ t: "facets", limit: await intArg(req, "limit"), maxValuesPerField: await intArg(req, "max_values_per_field"), maxValueLen: await intArg(req, "max_value_len"), keepConst: ["1", "true"].includes(args.get("keep_const_fields") ?? "") }];
  const m = new Map<string, { field_value: string; hits: number }[]>();
  for (const b of await runCollect(src, a, q, req)) {
    const names = column(b, "field_name") ?? [];
    const values = column(b, "field_value") ?? [];
    const hits = column(b, "hits") ?? [];
    for (let i = 0; i < b.rowsCount; i++) {
      let l = m.get(names[i]!);
      if (l === undefined) m.set(names[i]!, (l = []));
      l.push({ field_value: values[i]!, hits: Number(hits[i]) });
    }
  }
  const facets = [...m.keys()].sort().map((k) => ({ field_name: k, values: m.get(k)! }));
  sendJSON(res, 200, { facets });
}

/** promError answers in Prometheus' error shape, as VictoriaLogs does for the stats endpoints. */
function promError(res: http.ServerResponse, status: number, msg: string): void {
  sendJSON(res, status, { status: "error", errorType: String(status), error: msg });
}

function statsByFields(q: Query): string[] {
  const last = q.pipes[q.pipes.length - 1];
  if (last === undefined || last.t !== "stats") throw new HttpError(400, `last pipe in the query [${queryText(q)}] must be stats`);
  return last.by.map((b) => b.name);
}

async function handleStatsQuery(req: Request, res: http.ServerResponse, src: LogSearcher, range: boolean): Promise<void> {
  let a: CommonArgs;
  let by: string[];
  let stepStr = "";
  try {
    a = await parseCommonArgs(req);
    by = statsByFields(a.q);
    if (range) {
      stepStr = (await req.formArgs()).get("step") || "1d";
      const step = parseDuration(stepStr);
      if (step === undefined) throw new HttpError(400, `cannot parse 'step' arg: ${JSON.stringify(stepStr)}`);
      if (step <= 0n) throw new HttpError(400, "'step' must be bigger than zero");
      const last = a.q.pipes[a.q.pipes.length - 1] as Extract<Pipe, { t: "stats" }>;
      if (!last.by.some((b) => b.name === "_time")) a.q.pipes[a.q.pipes.length - 1] = { ...last, by: [...last.by, { name: "_time", bucket: stepStr }] };
    }
  } catch (e) {
    if (e instanceof HttpError) return promError(res, e.status === 400 ? 400 : e.status, e.message);
    throw e;
  }
  let batches: RowBatch[];
  try {
    batches = await runCollect(src, a, a.q, req);
  } catch (e) {
    if (e instanceof HttpError) return promError(res, e.status, e.message);
    throw e;
  }
  const tsSec = Number(a.timestampNs + 1n) / 1e9;
  if (!range) {
    const result: { metric: Record<string, string>; value: [number, string] }[] = [];
    for (const b of batches) {
      for (let i = 0; i < b.rowsCount; i++) {
        const labels: Record<string, string> = {};
        for (const c of b.columns) if (by.includes(c.name)) labels[c.name] = c.values[i]!;
        for (const c of b.columns) if (!by.includes(c.name)) result.push({ metric: { __name__: c.name, ...labels }, value: [tsSec, c.values[i]!] });
      }
    }
    sendJSON(res, 200, { status: "success", data: { resultType: "vector", result } });
    return;
  }
  const series = new Map<string, { metric: Record<string, string>; values: [number, string][] }>();
  for (const b of batches) {
    const times = column(b, "_time") ?? [];
    for (let i = 0; i < b.rowsCount; i++) {
      const labels: Record<string, string> = {};
      for (const c of b.columns) if (c.name !== "_time" && by.includes(c.name)) labels[c.name] = c.values[i]!;
      const t = Date.parse(times[i] ?? "") / 1000;
      for (const c of b.columns) {
        if (by.includes(c.name) || c.name === "_time") continue;
        const key = c.name + JSON.stringify(labels);
        let s = series.get(key);
        if (s === undefined) series.set(key, (s = { metric: { __name__: c.name, ...labels }, values: [] }));
        s.values.push([Number.isNaN(t) ? tsSec : t, c.values[i]!]);
      }
    }
  }
  const result = [...series.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([, s]) => ({ metric: s.metric, values: s.values.sort((x, y) => x[0] - y[0]) }));
  sendJSON(res, 200, { status: "success", data: { resultType: "matrix", result } });
}

const liveTailRequests = counter("vl_live_tailing_requests");

async function durationArgMs(req: Request, name: string, defMs: number): Promise<number> {
  const s = (await req.formArgs()).get(name) ?? "";
  if (s === "") return defMs;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const d = parseDuration(s);
  if (d === undefined || d < 0n) throw new HttpError(400, `cannot parse ${name}=${JSON.stringify(s)}: want a duration`);
  return Number(d / 1_000_000n);
}

/**
 * handleTail serves /select/logsql/tail: every refresh_interval it runs the
 * query over the last few seconds (ending `offset` ago, so late rows are
 * still caught) and streams the rows not sent yet, per stream in time order.
 */
async function handleTail(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const a = await parseCommonArgs(req);
  if (!canLiveTail(a.q)) throw new HttpError(400, `the query [${queryText(a.q)}] cannot be used in live tailing; see https://docs.victoriametrics.com/victorialogs/querying/#live-tailing for details`);
  const refreshMs = Math.max(10, await durationArgMs(req, "refresh_interval", 1000));
  const startOffsetNs = BigInt(Math.round(await durationArgMs(req, "start_offset", 5000))) * 1_000_000n;
  const offsetNs = BigInt(Math.round(await durationArgMs(req, "offset", 1000))) * 1_000_000n;
  liveTailRequests.inc();
  res.setHeader("Access-Control-Allow-Origin", "*");
  const w = createResponseWriter(req, res, "application/x-ndjson");
  const last = new Map<string, bigint>();
  const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;
  let end = nowNs() - offsetNs;
  let start = end - startOffsetNs;
  const base = a.q;
  try {
    while (!req.signal.aborted) {
      const timeFilter: Filter = { t: "time", min: start, max: end, repr: `[${start}, ${end}]` };
      const q: Query = { ...base, filter: base.filter.t === "any" ? timeFilter : { t: "and", fs: [base.filter, timeFilter] } };
      const rows: { ts: bigint; stream: string; b: RowBatch; i: number }[] = [];
      for (const b of await runCollect(src, a, q, req, true)) {
        const ts = column(b, "_time");
        if (ts === undefined) throw new HttpError(400, `cannot get tail results for query [${queryText(base)}]: missing _time field`);
        const ids = column(b, "_stream_id") ?? [];
        for (let i = 0; i < b.rowsCount; i++) rows.push({ ts: parseTimestamp(ts[i]!, 0n) ?? 0n, stream: ids[i] ?? "", b, i });
      }
      rows.sort((x, y) => (x.ts < y.ts ? -1 : x.ts > y.ts ? 1 : 0));
      const fresh = rows.filter((r) => {
        const l = last.get(r.stream);
        return l === undefined || r.ts > l;
      });
      for (const r of fresh) last.set(r.stream, r.ts);
      if (fresh.length > 0) {
        let text = "";
        for (const r of fresh) text += formatRowBatchJSONLines({ rowsCount: 1, columns: r.b.columns.map((c) => ({ name: c.name, values: [c.values[r.i]!] })) });
        await w.write(text);
        await w.flush();
      } else if (!res.headersSent) {
        await w.flush();
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, refreshMs);
        req.signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
      });
      start = end - 5_000_000_000n;
      end = nowNs() - offsetNs;
    }
  } catch (e) {
    if (req.signal.aborted) return;
    throw e;
  }
}

/** registerLogsQLRoutes adds the /select/logsql/* paths. */
export function registerLogsQLRoutes(add: (path: string, h: (req: Request, res: http.ServerResponse) => Promise<void>) => void, src: LogSearcher): void {
  add("/select/logsql/query", (req, res) => handleQuery(req, res, src));
  add("/select/logsql/tail", (req, res) => handleTail(req, res, src));
  add("/select/logsql/hits", (req, res) => handleHits(req, res, src));
  add("/select/logsql/facets", (req, res) => handleFacets(req, res, src));
  add("/select/logsql/field_names", (req, res) => handleFieldNames(req, res, src));
  add("/select/logsql/field_values", (req, res) => handleFieldValues(req, res, src));
  add("/select/logsql/stream_field_names", (req, res) => handleStreamFields(req, res, src, undefined));
  add("/select/logsql/stream_field_values", async (req, res) => handleStreamFields(req, res, src, await requiredField(req)));
  add("/select/logsql/streams", (req, res) => handleStreams(req, res, src, "_stream"));
  add("/select/logsql/stream_ids", (req, res) => handleStreams(req, res, src, "_stream_id"));
  add("/select/logsql/stats_query", (req, res) => handleStatsQuery(req, res, src, false));
  add("/select/logsql/stats_query_range", (req, res) => handleStatsQuery(req, res, src, true));
}
