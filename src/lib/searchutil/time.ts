// Parsing of the time args of the HTTP APIs (`start`, `end`, `time`) as
// VictoriaMetrics accepts them: Unix seconds with an optional fraction,
// RFC3339 (with or without the time and zone), and durations relative to now
// (`-1h`, `now-5m`, `now`).

import { parseDuration } from "../flagutil/index.ts";

/** TimeParseError is a time arg that cannot be parsed. */
export class TimeParseError extends Error {
  override name = "TimeParseError";
}

/**
 * parseTime parses s into milliseconds since the epoch. Empty s returns def.
 * Throws TimeParseError naming the arg.
 */
export function parseTime(argName: string, s: string | null | undefined, def: number, now = Date.now()): number {
  if (s === null || s === undefined || s === "") return def;
  const t = s.trim();
  if (t === "now") return now;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    // Unix seconds, with up to millisecond precision.
    return Math.round(Number(t) * 1000);
  }
  const rel = /^(now)?-(.+)$/.exec(t);
  if (rel !== null) {
    const d = parseDuration(rel[2]!);
    if (d !== undefined) return now - d;
  }
  let iso = t;
  if (/^\d{4}$/.test(iso)) iso += "-01-01";
  if (/^\d{4}-\d{2}$/.test(iso)) iso += "-01";
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += "T00:00:00Z";
  if (/^\d{4}-\d{2}-\d{2}T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(iso)) iso += "Z";
  const ms = Date.parse(iso);
  if (/^\d{4}-\d{2}-\d{2}T/.test(iso) && Number.isFinite(ms)) return ms;
  throw new TimeParseError(`cannot parse ${argName}=${JSON.stringify(s)}: want Unix seconds, RFC3339 or a relative duration such as -1h`);
}
