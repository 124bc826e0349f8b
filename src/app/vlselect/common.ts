// What every /select/logsql/* request shares: the tenant from the AccountID
// and ProjectID headers, the query with the start/end/time args applied as
// a time filter, and extra_filters / extra_stream_filters, as VictoriaLogs
// parses them.

import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, type Request } from "../../lib/httpserver/index.ts";
import { parseFilterOnly, parseQuery, parseTimestamp, printQuery, LogsQLParseError, type Filter, type Query } from "../../lib/logsql/index.ts";
import type { TenantID } from "../../lib/logstorage/index.ts";

const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;

/** parseTenant reads the AccountID and ProjectID headers (0 when absent). */
export function parseTenant(req: Request): TenantID {
  const f = (name: string): number => {
    const s = req.header(name);
    if (s === "") return 0;
    if (!/^\d+$/.test(s) || Number(s) > 0xffffffff) throw new HttpError(400, `cannot parse ${name} header ${JSON.stringify(s)}: want a uint32`);
    return Number(s);
  };
  return { accountID: f("AccountID"), projectID: f("ProjectID") };
}

/**
 * parseTimeArgNs parses a time query arg as VictoriaLogs does: RFC3339 and
 * its truncations, unix timestamps (s, ms, µs, ns by length, or fractional
 * seconds), `now`, `now-1h`, or a bare duration meaning that long ago.
 */
export function parseTimeArgNs(name: string, s: string, nowNs: bigint): bigint {
  const t = parseTimestamp(s, nowNs);
  if (t !== undefined) return t;
  const d = parseTimestamp(`now-${s.replace(/^-/, "")}`, nowNs);
  if (d !== undefined && /^-?[0-9.]+[a-zµ]/.test(s)) return d;
  throw new HttpError(400, `cannot parse ${name}=${s}: want a unix timestamp, RFC3339 time or a duration`);
}

/** CommonArgs are the parsed common args of a select request. */
export interface CommonArgs {
  q: Query;
  tenants: TenantID[];
  /** The time the query is evaluated at (the `time` arg, else `end`, else now), minus 1ns as VictoriaLogs does. */
  timestampNs: bigint;
  /** The start/end args, or the full range when absent. */
  startNs: bigint;
  endNs: bigint;
  hasStart: boolean;
  hasEnd: boolean;
}

function andFilters(a: Filter, b: Filter): Filter {
  if (a.t === "any") return b;
  if (b.t === "any") return a;
  const fs: Filter[] = [];
  for (const f of [a, b]) {
    if (f.t === "and") fs.push(...f.fs);
    else fs.push(f);
  }
  return { t: "and", fs };
}

function jsonExtraFilters(s: string, stream: boolean): string {
  let o: unknown;
  try {
    o = JSON.parse(s);
  } catch (e) {
    throw new HttpError(400, `cannot parse extra filters ${s}: ${(e as Error).message}`);
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new HttpError(400, `cannot parse extra filters ${s}: want a JSON object`);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const values = typeof v === "string" ? [v] : Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
    if (values === undefined) throw new HttpError(400, `unexpected type of value for key ${JSON.stringify(k)} in extra filters: want a string or an array of strings`);
    if (values.length === 0) continue;
    if (stream) {
      parts.push(values.length === 1 ? `${JSON.stringify(k)}=${JSON.stringify(values[0])}` : `${JSON.stringify(k)}=~${JSON.stringify(values.map((x) => x.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&")).join("|"))}`);
    } else {
      parts.push(values.length === 1 ? `${JSON.stringify(k)}:=${JSON.stringify(values[0])}` : `${JSON.stringify(k)}:in(${values.map((x) => JSON.stringify(x)).join(",")})`);
    }
  }
  if (parts.length === 0) return "";
  return stream ? `{${parts.join(",")}}` : parts.join(" ");
}

function parseExtra(s: string, stream: boolean, nowNs: bigint): Filter | undefined {
  if (s === "") return undefined;
  const text = s.startsWith(`{"`) ? jsonExtraFilters(s, stream) : s;
  if (text === "") return undefined;
  try {
    return parseFilterOnly(text, nowNs);
  } catch (e) {
    if (e instanceof LogsQLParseError) throw new HttpError(400, `cannot parse extra filters [${text}]: ${e.message}`);
    throw e;
  }
}

/** parseCommonArgs parses query, start, end, time, extra_filters and extra_stream_filters. */
export async function parseCommonArgs(req: Request): Promise<CommonArgs> {
  const args = await req.formArgs();
  const tenants = [parseTenant(req)];
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const arg = (n: string): string => args.get(n) ?? "";
  const hasStart = arg("start") !== "";
  const hasEnd = arg("end") !== "";
  const startNs = hasStart ? parseTimeArgNs("start", arg("start"), nowNs) : MIN_NS;
  const endNs = hasEnd ? parseTimeArgNs("end", arg("end"), nowNs) : MAX_NS;
  let timestampNs = arg("time") !== "" ? parseTimeArgNs("time", arg("time"), nowNs) : hasEnd ? endNs : nowNs;
  timestampNs--;
  const qs = arg("query");
  let q: Query;
  try {
    q = parseQuery(qs, timestampNs);
  } catch (e) {
    if (e instanceof LogsQLParseError) throw new HttpError(400, `cannot parse query [${qs}]: ${e.message}`);
    throw e;
  }
  if (hasStart || hasEnd) {
    q.filter = andFilters(q.filter, { t: "time", min: startNs, max: endNs, repr: timeRepr(startNs, endNs) });
  }
  for (const s of args.getAll("extra_filters")) {
    const f = parseExtra(s, false, timestampNs);
    if (f !== undefined) q.filter = andFilters(q.filter, f);
  }
  for (const s of args.getAll("extra_stream_filters")) {
    const f = parseExtra(s, true, timestampNs);
    if (f !== undefined) q.filter = andFilters(q.filter, f);
  }
  return { q, tenants, timestampNs, startNs, endNs, hasStart, hasEnd };
}

function timeRepr(min: bigint, max: bigint): string {
  const f = (ns: bigint): string => {
    if (ns === MIN_NS || ns === MAX_NS) return ns === MIN_NS ? "-inf" : "+inf";
    return new Date(Number(ns / 1_000_000n)).toISOString();
  };
  return `[${f(min)}, ${f(max)}]`;
}

/** queryText prints q for error messages. */
export function queryText(q: Query): string {
  return printQuery(q);
}

/** intArg parses an optional non-negative integer arg (0 when absent). */
export async function intArg(req: Request, name: string): Promise<number> {
  const s = (await req.formArgs()).get(name) ?? "";
  if (s === "") return 0;
  const n = Number(s);
  if (!Number.isInteger(n)) throw new HttpError(400, `cannot parse ${name}=${JSON.stringify(s)}: want an integer`);
  return Math.max(0, n);
}

/**
 * QueryDeadline aborts a query at min(`timeout` arg, -search.maxQueryDuration)
 * with a 503 that names both, or when the client goes away.
 */
export interface QueryDeadline {
  signal: AbortSignal;
  /** done stops the timer; call it when the query ends. */
  done(): void;
}

/** queryDeadline starts the deadline of one query of req. */
export async function queryDeadline(req: Request): Promise<QueryDeadline> {
  const maxMs = Number(flags.lookup("search.maxQueryDuration")?.value ?? 30_000);
  let ms = maxMs;
  const t = (await req.formArgs()).get("timeout") ?? "";
  if (t !== "") {
    const d = /^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : flags.parseDuration(t);
    if (d === undefined || !(d > 0)) throw new HttpError(400, `cannot parse timeout=${JSON.stringify(t)}: want a duration such as 10s`);
    ms = Math.min(ms, d);
  }
  const ac = new AbortController();
  const timer = setTimeout(() => {
    ac.abort(new HttpError(503, `the query has been cancelled after ${ms / 1000}s; the limit is the \`timeout\` arg or -search.maxQueryDuration=${maxMs / 1000}s, whichever is smaller`));
  }, ms);
  const onAbort = (): void => ac.abort(req.signal.reason);
  if (req.signal.aborted) onAbort();
  else req.signal.addEventListener("abort", onAbort, { once: true });
  return {
    signal: ac.signal,
    done: () => {
      clearTimeout(timer);
      req.signal.removeEventListener("abort", onAbort);
    },
  };
}
