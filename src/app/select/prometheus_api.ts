// The metadata parts of the Prometheus querying API: /api/v1/series,
// /api/v1/labels and /api/v1/label/<name>/values, with VictoriaMetrics'
// defaults and error shapes. See
// https://prometheus.io/docs/prometheus/latest/querying/api/ .

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, sendJSON, type Request } from "../../lib/httpserver/index.ts";
import { parseTime } from "../../lib/searchutil/index.ts";
import { SeriesLimitError, parseSeriesSelector, unmarshalMetricName, type Storage, type TagFilter } from "../../lib/storage/index.ts";
import { formatFilters } from "./query_source.ts";
import { formatTimeRange, QueryTracer } from "./query_tracer.ts";

const maxSeries = flags.int("search.maxSeries", 30_000, "The maximum number of time series which can be returned from /api/v1/series");
/** maxUniqueTimeseries is -search.maxUniqueTimeseries, shared with the query endpoints. */
export const maxUniqueTimeseries = flags.int("search.maxUniqueTimeseries", 300_000, "The maximum number of unique time series which can be selected during /api/v1/query, /api/v1/query_range and the label APIs");

/** defaultStep is how far back /api/v1/series looks without `start` (VictoriaMetrics 1.79). */
const defaultStepMs = 5 * 60_000;

/** PromAPIError is answered in Prometheus' JSON error shape. */
export class PromAPIError extends Error {
  override name = "PromAPIError";
  readonly status: number;
  readonly errorType: string;
  constructor(status: number, errorType: string, message: string) {
    super(message);
    this.status = status;
    this.errorType = errorType;
  }
}

/** sendPromError answers {"status":"error","errorType":...,"error":...} as VictoriaMetrics does (422 for bad input). */
export function sendPromError(res: http.ServerResponse, e: unknown): void {
  if (e instanceof PromAPIError) {
    sendJSON(res, e.status, { status: "error", errorType: e.errorType, error: e.message });
    return;
  }
  if (e instanceof HttpError) {
    sendJSON(res, e.status, { status: "error", errorType: String(e.status), error: e.message });
    return;
  }
  throw e;
}

export interface CommonParams {
  start: number;
  end: number;
  filterSets: TagFilter[][];
}

function bad(msg: string): PromAPIError {
  return new PromAPIError(422, "422", msg);
}

/**
 * exportParams is commonParams with match[] required, for the export and
 * federation APIs, which answer a bad argument with a plain 400.
 */
export async function exportParams(req: Request): Promise<CommonParams> {
  try {
    return await commonParams(req, true);
  } catch (e) {
    if (e instanceof PromAPIError) throw new HttpError(400, e.message);
    throw e;
  }
}

// commonParams reads start, end, match[] (and match), extra_label and
// extra_filters[] as VictoriaMetrics' getCommonParams does.
export async function commonParams(req: Request, requireMatch: boolean): Promise<CommonParams> {
  const args = await req.formArgs();
  const now = Date.now();
  let start: number, end: number;
  try {
    start = parseTime("start", args.get("start"), 0, now);
    // A missing end is now rounded down to seconds, as VictoriaMetrics' GetTime.
    end = parseTime("end", args.get("end"), now - (now % 1000), now);
  } catch (e) {
    throw bad((e as Error).message);
  }
  // Like ingestion, the end is capped at now + 2 days.
  end = Math.min(end, now + 2 * 86_400_000);
  if (end < start) end = start;
  const matches = [...args.getAll("match[]"), ...args.getAll("match")];
  if (requireMatch && matches.length === 0) throw bad("missing `match[]` arg");
  const parse = (m: string): TagFilter[] => {
    try {
      return parseSeriesSelector(m);
    } catch (e) {
      throw bad(`cannot parse match[]=${JSON.stringify(m)}: ${(e as Error).message}`);
    }
  };
  let filterSets = matches.map(parse);
  // extra_label=name=value and extra_filters[]=selector narrow every match[].
  const extra: TagFilter[] = [];
  for (const v of args.getAll("extra_label")) {
    const i = v.indexOf("=");
    if (i <= 0) throw bad(`cannot parse extra_label=${JSON.stringify(v)}: want name=value`);
    extra.push({ label: v.slice(0, i), value: v.slice(i + 1), isNegative: false, isRegex: false });
  }
  const extraSets = [...args.getAll("extra_filters[]"), ...args.getAll("extra_filters")].map(parse);
  if (extra.length > 0 || extraSets.length > 0) {
    const base = filterSets.length > 0 ? filterSets : [[]];
    const ex = extraSets.length > 0 ? extraSets : [[]];
    filterSets = [];
    for (const b of base) for (const e of ex) filterSets.push([...b, ...e, ...extra]);
  }
  return { start, end, filterSets };
}

async function limitArg(req: Request): Promise<number> {
  const v = (await req.formArgs()).get("limit");
  if (v === null || v === "") return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw bad(`cannot parse limit=${JSON.stringify(v)}: want a non-negative integer`);
  return n;
}

// startTrace returns the request's tracer when it has trace=1.
async function startTrace(req: Request): Promise<QueryTracer | undefined> {
  const v = (await req.formArgs()).get("trace");
  return QueryTracer.create(v !== null && v !== "" && v !== "0" && v.toLowerCase() !== "false", req.path);
}

// withTrace appends the `trace` member to a JSON object answer.
function withTrace(body: object, qt: QueryTracer | undefined): string {
  const s = JSON.stringify(body);
  return qt === undefined ? s : `${s.slice(0, -1)},"trace":${qt.toJSON()}}`;
}

function limitError(e: unknown, flag: string): never {
  if (e instanceof SeriesLimitError) throw bad(e.message.replace("-search.maxUniqueTimeseries", flag));
  throw e;
}

/** handleSeries serves /api/v1/series. */
export async function handleSeries(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  try {
    const cp = await commonParams(req, true);
    // Without start, look back one step: scanning all history is what makes
    // this slow on big databases (VictoriaMetrics issue #91).
    if (cp.start === 0) cp.start = cp.end - defaultStepMs;
    const limit = await limitArg(req);
    const qt = await startTrace(req);
    const seen = new Set<string>();
    const out: Record<string, string>[] = [];
    for (const fs of cp.filterSets) {
      let found: { keys: string[] };
      const child = qt?.newChild(`fetch metric names: filters=${formatFilters(fs)}, timeRange=${formatTimeRange(cp.start, cp.end)}`);
      try {
        found = storage.searchSeries(fs, cp.start, cp.end, maxSeries.value);
      } catch (e) {
        limitError(e, "-search.maxSeries");
      }
      child?.donef(`series=${found.keys.length}`);
      for (const k of found.keys) {
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(Object.fromEntries(unmarshalMetricName(k)));
      }
    }
    if (seen.size > maxSeries.value) throw bad(`the number of matching time series exceeds ${maxSeries.value}; either narrow down the search or increase -search.maxSeries`);
    const data = limit > 0 ? out.slice(0, limit) : out;
    qt?.printf(`generate response: series=${data.length}`);
    qt?.donef(`start=${cp.start}, end=${cp.end}`);
    sendJSON(res, 200, withTrace({ status: "success", data }, qt));
  } catch (e) {
    sendPromError(res, e);
  }
}

/** handleLabels serves /api/v1/labels. */
export async function handleLabels(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  try {
    const cp = await commonParams(req, false);
    const limit = await limitArg(req);
    const qt = await startTrace(req);
    const names = new Set<string>();
    const sets = cp.filterSets.length > 0 ? cp.filterSets : [[]];
    for (const fs of sets) {
      const child = qt?.newChild(`get labels: filters=${formatFilters(fs)}, timeRange=${formatTimeRange(cp.start, cp.end)}`);
      try {
        for (const n of storage.labelNames(fs, cp.start, cp.end, maxUniqueTimeseries.value)) names.add(n);
      } catch (e) {
        limitError(e, "-search.maxUniqueTimeseries");
      }
      child?.done();
    }
    const data = [...names].sort();
    qt?.printf(`sort ${data.length} labels`);
    const answer = limit > 0 ? data.slice(0, limit) : data;
    qt?.printf(`generate response for ${answer.length} labels`);
    qt?.done();
    sendJSON(res, 200, withTrace({ status: "success", data: answer }, qt));
  } catch (e) {
    sendPromError(res, e);
  }
}

/** handleLabelValues serves /api/v1/label/<name>/values. */
export async function handleLabelValues(req: Request, res: http.ServerResponse, storage: Storage, name: string): Promise<void> {
  try {
    const cp = await commonParams(req, false);
    const limit = await limitArg(req);
    const qt = await startTrace(req);
    const values = new Set<string>();
    const sets = cp.filterSets.length > 0 ? cp.filterSets : [[]];
    for (const fs of sets) {
      const child = qt?.newChild(`get values for label ${name}: filters=${formatFilters(fs)}, timeRange=${formatTimeRange(cp.start, cp.end)}`);
      try {
        for (const v of storage.labelValues(name, fs, cp.start, cp.end, maxUniqueTimeseries.value)) values.add(v);
      } catch (e) {
        limitError(e, "-search.maxUniqueTimeseries");
      }
      child?.done();
    }
    const data = [...values].sort();
    qt?.printf(`sort ${data.length} label values`);
    const answer = limit > 0 ? data.slice(0, limit) : data;
    qt?.printf(`generate response for ${answer.length} label values`);
    qt?.done();
    sendJSON(res, 200, withTrace({ status: "success", data: answer }, qt));
  } catch (e) {
    sendPromError(res, e);
  }
}

const maxTSDBStatusSeries = flags.int("search.maxTSDBStatusSeries", 10_000_000, "The maximum number of time series which can be processed during the call to /api/v1/status/tsdb");

/** handleTSDBStatus serves /api/v1/status/tsdb: cardinality of a day (`date=YYYY-MM-DD`, default today; `date=0` = all time). */
export async function handleTSDBStatus(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  try {
    const cp = await commonParams(req, false);
    const args = await req.formArgs();
    let date = Math.floor(Date.now() / 86_400_000);
    const dateStr = args.get("date") ?? "";
    if (dateStr === "0") date = 0;
    else if (dateStr !== "") {
      const t = /^\d{4}-\d{2}-\d{2}$/.test(dateStr) ? Date.parse(dateStr + "T00:00:00Z") : NaN;
      if (!Number.isFinite(t)) throw bad(`cannot parse \`date\` arg ${JSON.stringify(dateStr)}: want YYYY-MM-DD`);
      date = Math.floor(t / 86_400_000);
    }
    let topN = 10;
    const topNStr = args.get("topN") ?? "";
    if (topNStr !== "") {
      const n = Number(topNStr);
      if (!Number.isInteger(n)) throw bad(`cannot parse \`topN\` arg ${JSON.stringify(topNStr)}: want an integer`);
      topN = Math.min(1000, Math.max(1, n));
    }
    let status;
    try {
      status = storage.tsdbStatus(date, cp.filterSets, args.get("focusLabel") ?? "", topN, maxTSDBStatusSeries.value);
    } catch (e) {
      limitError(e, "-search.maxTSDBStatusSeries");
    }
    sendJSON(res, 200, { status: "success", data: status });
  } catch (e) {
    sendPromError(res, e);
  }
}
