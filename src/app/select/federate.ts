// /federate: the newest sample of every series matching match[], in the
// Prometheus text format, as VictoriaMetrics 1.79.5 answers it
// (app/vmselect/prometheus: FederateHandler and federate.qtpl). See
// https://prometheus.io/docs/prometheus/latest/federation/ .

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { createResponseWriter, HttpError, isClientDisconnected, type Request } from "../../lib/httpserver/index.ts";
import { formatFloatF } from "../../lib/query/index.ts";
import { SeriesLimitError, type Storage } from "../../lib/storage/index.ts";
import { quoteJSON } from "../../lib/protoparser/vmimport/index.ts";
import { exportParams } from "./prometheus_api.ts";

const maxFederateSeries = flags.int("search.maxFederateSeries", 1_000_000, "The maximum number of time series, which can be returned from /federate. This option allows limiting memory usage");

/** defaultLookbackMs is the window /federate looks back without start, max_lookback or a lookback flag (VictoriaMetrics' defaultStep). */
const defaultLookbackMs = 5 * 60_000;

// flagMs reads a duration flag declared by query_api.ts (ms; 0 when unset).
function flagMs(name: string): number {
  const f = flags.lookup(name);
  return f === undefined ? 0 : (f.value as number);
}

// lookbackMs is VictoriaMetrics' getMaxLookback: `max_lookback`, else
// -search.maxLookback, else -search.maxStalenessInterval; 0 when none is set.
function lookbackMs(args: URLSearchParams): number {
  let d = flagMs("search.maxLookback");
  if (d === 0) d = flagMs("search.maxStalenessInterval");
  const s = args.get("max_lookback") ?? "";
  if (s === "") return d;
  let ms = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) * 1000 : NaN;
  if (ms !== ms) ms = flags.parseDuration(s) ?? NaN;
  if (!(ms > 0)) throw new HttpError(400, `cannot parse "max_lookback"=${JSON.stringify(s)}: got ${JSON.stringify(s)}; want a positive duration such as 5m or a number of seconds`);
  return Math.trunc(ms);
}

/**
 * federateLine returns the line of one series for /federate:
 * `name{k="v",...} value timestamp\n`, or "" when the series has no samples
 * or its newest value is a staleness marker (NaN; VictoriaMetrics issue 3185).
 * labels come with __name__ (if any) first; values are quoted as
 * VictoriaMetrics' templates quote them.
 */
export function federateLine(labels: ReadonlyArray<readonly [string, string]>, timestamps: ArrayLike<number>, values: ArrayLike<number>, n: number): string {
  if (n === 0) return "";
  const v = values[n - 1]!;
  if (v !== v) return "";
  let name = "";
  let tags = "";
  for (const [k, val] of labels) {
    if (k === "__name__") {
      name = val;
      continue;
    }
    tags += (tags === "" ? "" : ",") + k + "=" + quoteJSON(val);
  }
  return `${name}${tags === "" ? "" : "{" + tags + "}"} ${formatFloatF(v)} ${timestamps[n - 1]!}\n`;
}

/** handleFederate serves /federate?match[]=...: the newest sample in [end-lookback, end] of each matching series. */
export async function handleFederate(req: Request, res: http.ServerResponse, storage: Storage): Promise<void> {
  const args = await req.formArgs();
  const now = Date.now();
  const cp = await exportParams(req);
  let lookback = lookbackMs(args);
  if (lookback <= 0) lookback = defaultLookbackMs;
  // Without start (and with end at about now) only the lookback window counts.
  if (cp.start === 0 && now - cp.end < 1000) cp.start = cp.end - lookback;
  const w = createResponseWriter(req, res, "text/plain; charset=utf-8");
  const seen = new Set<number>();
  let chunk = "";
  try {
    for (const filters of cp.filterSets) {
      try {
        for (const s of storage.search(filters, cp.start, cp.end, maxFederateSeries.value)) {
          if (cp.filterSets.length > 1) {
            if (seen.has(s.tsid)) continue;
            seen.add(s.tsid);
          }
          chunk += federateLine(s.labels, s.timestamps, s.values, s.n);
          if (chunk.length >= 64 * 1024) {
            await w.write(chunk);
            chunk = "";
          }
        }
      } catch (e) {
        if (e instanceof SeriesLimitError) throw new HttpError(400, `${e.message.replace("-search.maxUniqueTimeseries", "-search.maxFederateSeries")}`);
        throw e;
      }
    }
    await w.end(chunk);
  } catch (e) {
    if (isClientDisconnected(e)) return;
    throw e;
  }
}
