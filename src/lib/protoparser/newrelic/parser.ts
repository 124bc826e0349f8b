// The body of the NewRelic infrastructure agent's POST /infra/v2/metrics/events/bulk,
// decoded as VictoriaMetrics decodes it (lib/protoparser/newrelic, app/vminsert/newrelic):
//   [{"EntityID":1,"IsAgent":true,"Events":[{"eventType":"SystemSample","timestamp":1690286061,
//     "entityKey":"host","cpuPercent":25.05,...}]}]
// Each event gives one series per numeric field other than "timestamp": the field name is
// the metric name, the event's non-empty string fields are labels (in order), then the
// extra labels. Other value types are ignored. A "timestamp" below 2^32 is in seconds,
// otherwise in milliseconds; a missing or 0 timestamp is the current time.

import { SeriesRows } from "../datadogutil/index.ts";

/** NewRelicParseError is a body that VictoriaMetrics rejects; the message says why. */
export class NewRelicParseError extends Error {
  override name = "NewRelicParseError";
}

/** ParseOptions control the samples' timestamps and labels. */
export interface ParseOptions {
  /** nowMs is the Unix time in ms (whole seconds) given to events without a timestamp. */
  nowMs: number;
  /** extraLabels are appended to the labels of every series. */
  extraLabels?: ReadonlyArray<readonly [string, string]>;
}

// kind names a JSON value's type as fastjson does.
function kind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * parseEvents decodes a NewRelic events body into rows (appending to it) and returns the
 * number of samples read. It throws NewRelicParseError for a body VictoriaMetrics rejects
 * (bad JSON, no top-level array, a post or event that is not an object, a bad timestamp);
 * rows may then hold part of the body and must be reset by the caller.
 */
export function parseEvents(body: string, rows: SeriesRows, opts: ParseOptions): number {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (e) {
    throw new NewRelicParseError(`cannot parse JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(v)) throw new NewRelicParseError(`cannot find the top-level array of MetricPost objects: value doesn't contain array; it contains ${kind(v)}`);
  const extra = opts.extraLabels ?? [];
  let samples = 0;
  const names: string[] = [];
  const values: number[] = [];
  for (const mp of v) {
    if (!isObject(mp)) throw new NewRelicParseError(`cannot find MetricPost object: value doesn't contain object; it contains ${kind(mp)}`);
    if (!Object.hasOwn(mp, "Events")) continue;
    const events = mp["Events"];
    if (!Array.isArray(events)) {
      throw new NewRelicParseError(`cannot parse MetricPost object: cannot find Events array in MetricPost object: value doesn't contain array; it contains ${kind(events)}`);
    }
    for (const ev of events) {
      if (!isObject(ev)) throw new NewRelicParseError(`cannot parse MetricPost object: cannot find EventObject: value doesn't contain object; it contains ${kind(ev)}`);
      const tags: Array<readonly [string, string]> = [];
      names.length = 0;
      values.length = 0;
      let ts = 0;
      for (const k of Object.keys(ev)) {
        if (k === "") continue;
        const x = ev[k];
        if (typeof x === "string") {
          if (x !== "") tags.push([k, x]);
        } else if (typeof x === "number") {
          if (k === "timestamp") {
            if (!Number.isFinite(x)) {
              throw new NewRelicParseError(`cannot parse MetricPost object: cannot unmarshal EventObject: cannot parse \`timestamp\` field: value ${String(x)} is out of range`);
            }
            // Seconds below 2^32, else milliseconds.
            ts = Math.trunc(x < 4294967296 ? x * 1e3 : x);
          } else {
            names.push(k);
            // Numbers beyond float64 do not parse in fastjson: the value is 0.
            values.push(Number.isFinite(x) ? x : 0);
          }
        }
      }
      if (ts === 0) ts = opts.nowMs;
      for (let i = 0; i < names.length; i++) {
        const labels: Array<readonly [string, string]> = [["__name__", names[i]!]];
        for (const t of tags) labels.push(t);
        for (const l of extra) labels.push(l);
        rows.addSample(ts, values[i]!);
        rows.endSeries(labels);
        samples++;
      }
    }
  }
  return samples;
}
