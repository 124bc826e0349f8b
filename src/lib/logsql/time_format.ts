// time_format: parsing the time formats LogsQL accepts and printing RFC3339 with nanoseconds.

import { parseDuration } from "./numbers.ts";

const ISO =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?(Z|z|[+-]\d{2}:\d{2})?$/;

/**
 * parseTimestamp parses a LogsQL time into nanoseconds since the epoch: "now",
 * "now-1h" (relative to nowNs), RFC3339 and its truncations ("2024", "2024-01",
 * "2024-01-02T10", ... with optional fractional seconds and "Z" or "+03:00"; a
 * missing zone means UTC), and unix timestamps ("1700000000" seconds, 13 digits
 * milliseconds, 16 microseconds, 19 nanoseconds, or "1700000000.123" seconds).
 * Returns undefined when s is none of these.
 */
export function parseTimestamp(s: string, nowNs: bigint): bigint | undefined {
  if (s.toLowerCase().startsWith("now")) {
    const rest = s.slice(3);
    if (rest === "") return nowNs;
    if (rest[0] !== "-" && rest[0] !== "+") return undefined;
    const d = parseDuration(rest.slice(1));
    if (d === undefined) return undefined;
    return rest[0] === "-" ? nowNs - d : nowNs + d;
  }
  if (/^\d+$/.test(s) && s.length !== 4) {
    const v = BigInt(s);
    if (s.length <= 10) return v * 1_000_000_000n;
    if (s.length <= 13) return v * 1_000_000n;
    if (s.length <= 16) return v * 1_000n;
    return v;
  }
  const fm = /^(\d+)\.(\d{1,9})$/.exec(s);
  if (fm !== null) return BigInt(fm[1]) * 1_000_000_000n + BigInt(fm[2].padEnd(9, "0"));
  const m = ISO.exec(s);
  if (m === null) return undefined;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return undefined;
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi, sec, 0);
  const ms = dt.getTime();
  if (Number.isNaN(ms)) return undefined;
  let ns = BigInt(ms) * 1_000_000n;
  if (m[7] !== undefined) ns += BigInt(m[7].padEnd(9, "0"));
  const tz = m[8];
  if (tz !== undefined && tz !== "Z" && tz !== "z") {
    const off = (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000_000_000;
    ns += tz[0] === "+" ? -BigInt(off) : BigInt(off);
  }
  return ns;
}

/**
 * timestampEnd returns the last nanosecond of the period that the time string s
 * names and that starts at t: "2024" -> the year's end, "2024-05-20" -> the day's,
 * a unix timestamp in seconds -> t+1s-1, and so on; t itself for "now" forms.
 */
export function timestampEnd(t: bigint, s: string): bigint {
  if (s.toLowerCase().startsWith("now")) return t;
  let body = s;
  if (/[Zz]$/.test(body)) body = body.slice(0, -1);
  else if (/[+-]\d{2}:\d{2}$/.test(body) && body.length > 10) body = body.slice(0, -6);
  if (/^\d+$/.test(body) && body.length !== 4) {
    if (body.length <= 10) return t + 1_000_000_000n - 1n;
    if (body.length <= 13) return t + 1_000_000n - 1n;
    if (body.length <= 16) return t + 1_000n - 1n;
    return t;
  }
  const fm = /^\d+\.(\d+)$/.exec(body);
  if (fm !== null) return t + 10n ** BigInt(Math.max(0, 9 - fm[1].length)) - 1n;
  switch (body.length) {
    case 4:
    case 7: {
      const ms = Number(t / 1_000_000n);
      const dt = new Date(ms);
      if (body.length === 4) dt.setUTCFullYear(dt.getUTCFullYear() + 1);
      else dt.setUTCMonth(dt.getUTCMonth() + 1);
      return BigInt(dt.getTime()) * 1_000_000n + (t % 1_000_000n) - 1n;
    }
    case 10: return t + 86_400_000_000_000n - 1n;
    case 13: return t + 3_600_000_000_000n - 1n;
    case 16: return t + 60_000_000_000n - 1n;
    case 19: return t + 1_000_000_000n - 1n;
    case 23: return t + 1_000_000n - 1n;
    case 26: return t + 1_000n - 1n;
    default: return t;
  }
}

let cachedSec = 0n;
let cachedBase = "1970-01-01T00:00:00";

/** formatTimestamp prints ns since the epoch as RFC3339 in UTC with the fraction trimmed of trailing zeros ("2024-01-02T03:04:05.12Z"), like Go's RFC3339Nano. */
export function formatTimestamp(ns: bigint): string {
  let frac = ns % 1_000_000_000n;
  if (frac < 0n) frac += 1_000_000_000n;
  const sec = (ns - frac) / 1_000_000_000n;
  if (sec !== cachedSec) {
    // Rows of a block are close in time: the date part changes rarely.
    cachedBase = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
    cachedSec = sec;
  }
  if (frac === 0n) return cachedBase + "Z";
  let f = frac.toString().padStart(9, "0");
  let e = f.length;
  while (f.charCodeAt(e - 1) === 0x30) e--;
  f = f.slice(0, e);
  return `${cachedBase}.${f}Z`;
}

/**
 * formatTimestampsAt returns formatTimestamp(ts[idx[j]]) for every j; it is
 * faster when the timestamps are close together (such as a block's rows).
 */
export function formatTimestampsAt(ts: BigInt64Array, idx: Uint32Array): string[] {
  const n = idx.length;
  const out = new Array<string>(n);
  if (n === 0) return out;
  // Offsets in ns from the whole second of the first row, as numbers.
  const first = ts[idx[0]!]!;
  let frac0 = first % 1_000_000_000n;
  if (frac0 < 0n) frac0 += 1_000_000_000n;
  const baseNs = first - frac0;
  const baseSec = Number(baseNs / 1_000_000_000n);
  let lastSec = NaN;
  let base = "";
  for (let j = 0; j < n; j++) {
    const t = ts[idx[j]!]!;
    const d = Number(t - baseNs);
    if (!(d >= 0 && d <= Number.MAX_SAFE_INTEGER)) {
      out[j] = formatTimestamp(t);
      continue;
    }
    let s = Math.floor(d / 1e9);
    let frac = d - s * 1e9;
    if (frac < 0) {
      s--;
      frac += 1e9;
    } else if (frac >= 1e9) {
      s++;
      frac -= 1e9;
    }
    const sec = baseSec + s;
    if (sec !== lastSec) {
      base = new Date(sec * 1000).toISOString().slice(0, 19);
      lastSec = sec;
    }
    if (frac === 0) {
      out[j] = base + "Z";
      continue;
    }
    const f = String(frac + 1e9);
    let e = f.length;
    while (f.charCodeAt(e - 1) === 0x30) e--;
    out[j] = `${base}.${f.slice(1, e)}Z`;
  }
  return out;
}
