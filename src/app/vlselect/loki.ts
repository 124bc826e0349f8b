// A read API for Grafana's stock Loki datasource: /loki/api/v1/{query_range,
// query,labels,label/NAME/values,series,status/buildinfo} (also under
// /select/), with LogQL translated to LogsQL by lib/logql. What LogQL is
// supported is listed in src/lib/logql/README.md; the rest gets 400.

import type * as http from "node:http";
import { HttpError, sendJSON, type Request } from "../../lib/httpserver/index.ts";
import { evalMetric, logQueryToLogsQL, parseLogQL, parseStreamLabels, LogQLParseError, type EvalResult, type Expr, type LogQuery, type MetricExpr, type Rows } from "../../lib/logql/index.ts";
import { executeQuery, parseQuery, parseTimestamp, LogsQLParseError, type Filter, type Query, type RowBatch } from "../../lib/logsql/index.ts";
import type { LogSearcher, TenantID } from "../../lib/logstorage/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import { parseTenant, queryDeadline } from "./common.ts";

const lokiErrors = counter(`vl_http_errors_total{path="/loki/api/v1", reason="bad_request"}`);

const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;

function badRequest(msg: string): HttpError {
  lokiErrors.inc();
  return new HttpError(400, msg);
}

/** parseLokiTime parses Loki's time args: unix ns/µs/ms/s by length, fractional seconds, or RFC3339. */
function parseLokiTime(name: string, s: string, nowNs: bigint): bigint {
  const t = parseTimestamp(s, nowNs);
  if (t === undefined) throw badRequest(`cannot parse ${name}=${JSON.stringify(s)}: want a unix timestamp or an RFC3339 time`);
  return t;
}

/** parseLokiStep parses `step` as a duration (5m) or float seconds; Loki's default is range/250, at least 1s. */
function parseLokiStepMs(s: string, startNs: bigint, endNs: bigint): number {
  if (s === "") return Math.max(Math.floor(Number(endNs - startNs) / 1e9 / 250), 1) * 1000;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const ns = parseTimestamp(`now-${s}`, 0n);
  if (ns === undefined || !/^[0-9.]+[a-zµ]/.test(s)) throw badRequest(`cannot parse step=${JSON.stringify(s)}: want a duration or seconds`);
  return Number(-ns) / 1e6;
}

function and(a: Filter, b: Filter): Filter {
  return a.t === "any" ? b : { t: "and", fs: [a, b] };
}

function withTimeRange(q: Query, minNs: bigint, maxNs: bigint): Query {
  return { ...q, filter: and(q.filter, { t: "time", min: minNs, max: maxNs, repr: `[${minNs}, ${maxNs}]` }) };
}

function toLogsQL(text: string, nowNs: bigint): Query {
  try {
    return parseQuery(text, nowNs);
  } catch (e) {
    if (e instanceof LogsQLParseError) throw badRequest(`the LogQL query translates to LogsQL that cannot be parsed [${text}]: ${e.message}`);
    throw e;
  }
}

async function collect(src: LogSearcher, tenants: TenantID[], q: Query, req: Request, limit?: number): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  const deadline = await queryDeadline(req);
  try {
    await executeQuery(q, src, { tenants, minTimestamp: MIN_NS, maxTimestamp: MAX_NS, signal: deadline.signal, limit }, (b) => void out.push(b));
  } catch (e) {
    if (e instanceof LogsQLParseError) throw badRequest(e.message);
    throw e;
  } finally {
    deadline.done();
  }
  return out;
}

function parseLogQLOrThrow(s: string): Expr {
  if (s === "") throw badRequest("missing 'query' arg");
  try {
    return parseLogQL(s);
  } catch (e) {
    if (e instanceof LogQLParseError) throw badRequest(e.message);
    throw e;
  }
}

function column(b: RowBatch, name: string): readonly string[] | undefined {
  return b.columns.find((c) => c.name === name)?.values;
}

function fmtValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

async function logStreams(src: LogSearcher, tenants: TenantID[], lq: LogQuery, req: Request, startNs: bigint, endNs: bigint, limit: number, forward: boolean) {
  let q = withTimeRange(toLogsQL(logQueryToLogsQL(lq), endNs), startNs, endNs);
  let direct: number | undefined;
  if (!forward && q.pipes.length === 0) direct = limit;
  else q = { ...q, pipes: [...q.pipes, ...toLogsQL(`* | sort by (_time${forward ? "" : " desc"}) | limit ${limit}`, endNs).pipes] };
  const rows: { stream: string; t: string; msg: string }[] = [];
  for (const b of await collect(src, tenants, q, req, direct)) {
    const st = column(b, "_stream") ?? [];
    const ts = column(b, "_time") ?? [];
    const msg = column(b, "_msg") ?? [];
    for (let i = 0; i < b.rowsCount; i++) {
      const ns = parseTimestamp(ts[i] ?? "", 0n);
      rows.push({ stream: st[i] ?? "{}", t: ns === undefined ? "0" : ns.toString(), msg: msg[i] ?? "" });
    }
  }
  const byStream = new Map<string, [string, string][]>();
  for (const r of rows) {
    let l = byStream.get(r.stream);
    if (l === undefined) byStream.set(r.stream, (l = []));
    l.push([r.t, r.msg]);
  }
  const cmp = (a: [string, string], b: [string, string]): number => {
    const x = BigInt(a[0]), y = BigInt(b[0]);
    return x === y ? 0 : (x < y) === forward ? -1 : 1;
  };
  return [...byStream.entries()].map(([stream, values]) => ({ stream: parseStreamLabels(stream), values: values.sort(cmp) }));
}

function statsRunner(src: LogSearcher, tenants: TenantID[], req: Request, nowNs: bigint) {
  return async (logsql: string, minNs: bigint, maxNs: bigint): Promise<Rows[]> => collect(src, tenants, withTimeRange(toLogsQL(logsql, nowNs), minNs, maxNs), req);
}

function sendMetric(res: http.ServerResponse, r: EvalResult, instant: boolean): void {
  if (r.kind === "scalar") {
    const t = Date.now() / 1000;
    sendJSON(res, 200, { status: "success", data: { resultType: "scalar", result: [t, fmtValue(r.value)], stats: {} } });
    return;
  }
  if (instant) {
    const result = r.series.map((s) => ({ metric: s.labels, value: [s.timestamps[0]! / 1000, fmtValue(s.values[0]!)] }));
    sendJSON(res, 200, { status: "success", data: { resultType: "vector", result, stats: {} } });
    return;
  }
  const result = r.series.map((s) => ({ metric: s.labels, values: s.timestamps.map((t, i) => [t / 1000, fmtValue(s.values[i]!)]) }));
  sendJSON(res, 200, { status: "success", data: { resultType: "matrix", result, stats: {} } });
}

async function handleQueryRange(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const args = await req.formArgs();
  const tenants = [parseTenant(req)];
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const endNs = args.get("end") ? parseLokiTime("end", args.get("end")!, nowNs) : nowNs;
  const startNs = args.get("start") ? parseLokiTime("start", args.get("start")!, nowNs) : endNs - 3_600_000_000_000n;
  if (startNs > endNs) throw badRequest("the end timestamp must not be before the start time");
  const e = parseLogQLOrThrow(args.get("query") ?? "");
  const limit = args.get("limit") ? Number(args.get("limit")) : 100;
  if (!Number.isInteger(limit) || limit <= 0) throw badRequest(`cannot parse limit=${JSON.stringify(args.get("limit"))}: want a positive integer`);
  const direction = (args.get("direction") ?? "backward").toLowerCase();
  if (direction !== "backward" && direction !== "forward") throw badRequest(`invalid direction=${JSON.stringify(direction)}: want backward or forward`);
  if (e.kind === "log") {
    const result = await logStreams(src, tenants, e, req, startNs, endNs, limit, direction === "forward");
    sendJSON(res, 200, { status: "success", data: { resultType: "streams", result, stats: {} } });
    return;
  }
  const stepMs = parseLokiStepMs(args.get("step") ?? "", startNs, endNs);
  if (!(stepMs > 0)) throw badRequest("step must be positive");
  const startMs = Number(startNs / 1_000_000n), endMs = Number(endNs / 1_000_000n);
  if ((endMs - startMs) / stepMs > 11_000) throw badRequest(`exceeded maximum resolution of 11,000 points per time series: try decreasing the query resolution (?step=XX)`);
  const r = await evalOrThrow(e, { start: startMs, end: endMs, step: stepMs }, statsRunner(src, tenants, req, nowNs));
  sendMetric(res, r, false);
}

async function evalOrThrow(e: MetricExpr, range: { start: number; end: number; step: number }, run: ReturnType<typeof statsRunner>): Promise<EvalResult> {
  try {
    return await evalMetric(e, range, run);
  } catch (err) {
    if (err instanceof LogQLParseError) throw badRequest(err.message);
    throw err;
  }
}

async function handleQuery(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const args = await req.formArgs();
  const tenants = [parseTenant(req)];
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const tNs = args.get("time") ? parseLokiTime("time", args.get("time")!, nowNs) : nowNs;
  const e = parseLogQLOrThrow(args.get("query") ?? "");
  if (e.kind === "log") throw badRequest("log queries are not supported as an instant query type; use /loki/api/v1/query_range");
  const t = Number(tNs / 1_000_000n);
  const r = await evalOrThrow(e, { start: t, end: t, step: 1000 }, statsRunner(src, tenants, req, nowNs));
  sendMetric(res, r, true);
}

/** streamsIn returns the distinct streams (with their labels) that have entries in the range and match the optional selector. */
async function streamsIn(src: LogSearcher, req: Request, args: URLSearchParams, selector: string): Promise<Record<string, string>[]> {
  const tenants = [parseTenant(req)];
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const endNs = args.get("end") ? parseLokiTime("end", args.get("end")!, nowNs) : nowNs;
  const startNs = args.get("start") ? parseLokiTime("start", args.get("start")!, nowNs) : endNs - 6n * 3_600_000_000_000n;
  let filter = "*";
  if (selector !== "") {
    const e = parseLogQLOrThrow(selector);
    if (e.kind !== "log") throw badRequest(`want a stream selector; got a metric query: ${selector}`);
    filter = logQueryToLogsQL(e);
  }
  const q = withTimeRange(toLogsQL(`${filter} | stats by (_stream) count() hits`, nowNs), startNs, endNs);
  const out: Record<string, string>[] = [];
  for (const b of await collect(src, tenants, q, req)) {
    const st = column(b, "_stream") ?? [];
    for (let i = 0; i < b.rowsCount; i++) out.push(parseStreamLabels(st[i] ?? "{}"));
  }
  return out;
}

async function handleLabels(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const args = await req.formArgs();
  const names = new Set<string>();
  for (const s of await streamsIn(src, req, args, args.get("query") ?? "")) for (const k of Object.keys(s)) names.add(k);
  sendJSON(res, 200, { status: "success", data: [...names].sort() });
}

async function handleLabelValues(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const m = /^(?:\/select)?\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(req.path);
  if (m === null) throw new HttpError(404, `unsupported path ${JSON.stringify(req.path)}`);
  const name = decodeURIComponent(m[1]!);
  const args = await req.formArgs();
  const values = new Set<string>();
  for (const s of await streamsIn(src, req, args, args.get("query") ?? "")) if (s[name] !== undefined) values.add(s[name]!);
  sendJSON(res, 200, { status: "success", data: [...values].sort() });
}

async function handleSeries(req: Request, res: http.ServerResponse, src: LogSearcher): Promise<void> {
  const args = await req.formArgs();
  const matches = [...args.getAll("match[]"), ...args.getAll("match")];
  const seen = new Map<string, Record<string, string>>();
  for (const sel of matches.length === 0 ? [""] : matches) {
    for (const s of await streamsIn(src, req, args, sel)) seen.set(JSON.stringify(Object.entries(s).sort()), s);
  }
  sendJSON(res, 200, { status: "success", data: [...seen.values()] });
}

/** registerLokiRoutes adds the Loki read API under /loki/api/v1/ and /select/loki/api/v1/. */
export function registerLokiRoutes(add: (path: string, h: (req: Request, res: http.ServerResponse) => Promise<void> | void) => void, src: LogSearcher): void {
  for (const prefix of ["/loki/api/v1", "/select/loki/api/v1"]) {
    add(`${prefix}/query_range`, (req, res) => handleQueryRange(req, res, src));
    add(`${prefix}/query`, (req, res) => handleQuery(req, res, src));
    add(`${prefix}/labels`, (req, res) => handleLabels(req, res, src));
    add(`${prefix}/label`, (req, res) => handleLabels(req, res, src));
    add(`${prefix}/label/*`, (req, res) => handleLabelValues(req, res, src));
    add(`${prefix}/series`, (req, res) => handleSeries(req, res, src));
    add(`${prefix}/status/buildinfo`, (_req, res) => sendJSON(res, 200, { version: "2.9.0", revision: "tidemark", branch: "", buildUser: "", buildDate: "", goVersion: "" }));
  }
}
