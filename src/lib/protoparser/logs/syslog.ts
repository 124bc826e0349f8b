// Syslog messages in RFC5424 and RFC3164 (BSD) formats, as VictoriaLogs
// parses them: the extracted fields are priority, facility_keyword, level,
// facility, severity, format, hostname, app_name, proc_id, msg_id,
// structured data params as `SDID.param`, and the message as `_msg`.
// See https://datatracker.ietf.org/doc/html/rfc5424 and
// https://datatracker.ietf.org/doc/html/rfc3164
import { FieldList } from "./field_list.ts";
import { LogParseError } from "./parse_error.ts";
import { parseRFC3339 } from "./timestamp.ts";

const facilityKeywords = [
  "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp", "security",
  "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
];
const levels = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** SyslogOptions configure the parsing of RFC3164 timestamps, which carry neither year nor zone. */
export interface SyslogOptions {
  /** timezone is an IANA zone name or "Local" (-syslog.timezone). */
  timezone: string;
  /** nowMs is the current time (the year of RFC3164 timestamps is taken from it). */
  nowMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

// zoneOffsetMs returns the offset of zone from UTC at the instant utcMs.
function zoneOffsetMs(zone: string, utcMs: number): number {
  if (zone === "Local" || zone === "") return -new Date(utcMs).getTimezoneOffset() * 60000;
  if (zone === "UTC") return 0;
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(new Date(utcMs))) if (x.type !== "literal") p[x.type] = Number(x.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** checkTimezone throws when zone is not "Local" or a known IANA zone name. */
export function checkTimezone(zone: string): void {
  if (zone === "Local" || zone === "" || zone === "UTC") return;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw new Error(`cannot parse timezone ${JSON.stringify(zone)}: want Local, UTC or an IANA zone name such as Europe/Berlin`);
  }
}

// wallToUtcMs converts a wall-clock time in zone to a UTC instant.
function wallToUtcMs(zone: string, y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const wall = Date.UTC(y, mo, d, h, mi, s);
  let utc = wall - zoneOffsetMs(zone, wall);
  utc = wall - zoneOffsetMs(zone, utc);
  return utc;
}

function addPriority(dst: FieldList, pri: number): void {
  const facility = pri >> 3, severity = pri & 7;
  dst.add("priority", String(pri));
  dst.add("facility_keyword", facilityKeywords[facility] ?? String(facility));
  dst.add("level", levels[severity]!);
  dst.add("facility", String(facility));
  dst.add("severity", String(severity));
}

// nextToken returns the space-delimited token of s at i and the position after the space.
function nextToken(s: string, i: number): [string, number] {
  let j = s.indexOf(" ", i);
  if (j < 0) j = s.length;
  return [s.slice(i, j), Math.min(j + 1, s.length)];
}

function addNonNil(dst: FieldList, name: string, v: string): void {
  if (v !== "-" && v !== "") dst.add(name, v);
}

/**
 * parseSyslogMessage parses one syslog message into dst and returns its
 * timestamp in ns (0n when the message has none: the caller uses now). A
 * message that is neither RFC5424 nor RFC3164 is kept whole as `_msg`
 * with format "rfc3164", as VictoriaLogs does; LogParseError is thrown only
 * for a malformed priority.
 */
export function parseSyslogMessage(s: string, dst: FieldList, o: SyslogOptions): bigint {
  let i = 0;
  if (s.charCodeAt(0) === 60 /* < */) {
    const close = s.indexOf(">");
    const priText = close < 0 ? "" : s.slice(1, close);
    if (!/^\d{1,3}$/.test(priText) || Number(priText) > 191) throw new LogParseError(`cannot parse syslog priority in ${JSON.stringify(s.slice(0, 20))}: want <N> with N from 0 to 191`);
    addPriority(dst, Number(priText));
    i = close + 1;
  }
  // RFC5424 has a version digit and a space after the priority.
  if (s.charCodeAt(i) >= 49 && s.charCodeAt(i) <= 57 && s.charCodeAt(i + 1) === 32) return parseRFC5424(s, i + 2, dst);
  return parseRFC3164(s, i, dst, o);
}

function parseRFC5424(s: string, i: number, dst: FieldList): bigint {
  dst.add("format", "rfc5424");
  let tsText: string, hostname: string, app: string, proc: string, msgId: string;
  [tsText, i] = nextToken(s, i);
  [hostname, i] = nextToken(s, i);
  [app, i] = nextToken(s, i);
  [proc, i] = nextToken(s, i);
  [msgId, i] = nextToken(s, i);
  addNonNil(dst, "hostname", hostname);
  addNonNil(dst, "app_name", app);
  addNonNil(dst, "proc_id", proc);
  addNonNil(dst, "msg_id", msgId);
  let ts = 0n;
  if (tsText !== "-" && tsText !== "") {
    const t = parseRFC3339(tsText);
    if (t !== undefined) ts = t;
  }
  // Structured data: "-" or one or more [SDID name="value" ...] elements.
  if (s[i] === "-") {
    i += s[i + 1] === " " ? 2 : 1;
  } else {
    while (s[i] === "[") {
      const r = parseSDElement(s, i, dst);
      if (r < 0) break;
      i = r;
    }
    if (s[i] === " ") i++;
  }
  let msg = s.slice(i);
  // A UTF-8 BOM may start the message (RFC5424 section 6.4).
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
  if (msg !== "") dst.add("_msg", msg);
  return ts;
}

// parseSDElement parses one [SDID k="v" ...] element at s[i] and returns the
// position after it, or -1 when it is malformed (the rest is then the message).
function parseSDElement(s: string, i: number, dst: FieldList): number {
  const n0 = dst.items.length;
  let j = i + 1;
  let k = j;
  while (k < s.length && s[k] !== " " && s[k] !== "]") k++;
  const id = s.slice(j, k);
  j = k;
  for (;;) {
    if (j >= s.length) { dst.truncate(n0); return -1; }
    if (s[j] === "]") return j + 1;
    if (s[j] === " ") { j++; continue; }
    const eq = s.indexOf("=", j);
    if (eq < 0 || s[eq + 1] !== '"') { dst.truncate(n0); return -1; }
    const name = s.slice(j, eq);
    let v = "";
    let p = eq + 2;
    for (;;) {
      if (p >= s.length) { dst.truncate(n0); return -1; }
      const c = s[p]!;
      if (c === "\\" && p + 1 < s.length && (s[p + 1] === '"' || s[p + 1] === "\\" || s[p + 1] === "]")) { v += s[p + 1]; p += 2; continue; }
      if (c === '"') break;
      v += c;
      p++;
    }
    dst.add(`${id}.${name}`, v);
    j = p + 1;
  }
}

function parseRFC3164(s: string, i: number, dst: FieldList, o: SyslogOptions): bigint {
  dst.add("format", "rfc3164");
  let ts = 0n;
  // "Mmm dd hh:mm:ss " or an RFC3339 timestamp (as rsyslog sends with high precision).
  const m = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) /.exec(s.slice(i, i + 17));
  if (m !== null && months.includes(m[1]!)) {
    const now = new Date(o.nowMs);
    let y = now.getUTCFullYear();
    const mo = months.indexOf(m[1]!);
    let ms = wallToUtcMs(o.timezone, y, mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    // A timestamp far in the future is from last year (a December message read in January).
    if (ms > o.nowMs + 2 * 24 * 3600 * 1000) {
      y--;
      ms = wallToUtcMs(o.timezone, y, mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    }
    ts = BigInt(ms) * 1_000_000n;
    i += m[0].length;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(s.slice(i, i + 11))) {
    const [t, next] = nextToken(s, i);
    const v = parseRFC3339(t);
    if (v !== undefined) {
      ts = v;
      i = next;
    }
  } else {
    if (s.slice(i) !== "") dst.add("_msg", s.slice(i));
    return 0n;
  }
  let hostname: string;
  [hostname, i] = nextToken(s, i);
  addNonNil(dst, "hostname", hostname);
  // The tag: APP[PID]: or APP:, ending with ':' (or '[').
  const rest = s.slice(i);
  const tm = /^([^\s:[\]]{1,128})(?:\[([^\]]*)\])?: ?/.exec(rest);
  let msg = rest;
  if (tm !== null) {
    dst.add("app_name", tm[1]!);
    if (tm[2] !== undefined && tm[2] !== "") dst.add("proc_id", tm[2]);
    msg = rest.slice(tm[0].length);
  }
  if (msg !== "") dst.add("_msg", msg);
  return ts;
}
