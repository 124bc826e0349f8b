// Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"), as VictoriaMetrics 1.79.5
// uses them for CSV time columns (time.Parse) and for /api/v1/export/csv
// (time.Time.AppendFormat). Formatting is in UTC (VictoriaMetrics formats in the
// process's local zone, which is UTC on the usual server and container).
import { goQuote } from "../util/index.ts";

/** RFC3339 is Go's time.RFC3339 layout. */
export const RFC3339 = "2006-01-02T15:04:05Z07:00";

// Layout elements (Go's std* constants).
const LONG_MONTH = 1, MONTH = 2, NUM_MONTH = 3, ZERO_MONTH = 4, LONG_WEEKDAY = 5, WEEKDAY = 6;
const DAY = 7, UNDER_DAY = 8, ZERO_DAY = 9, UNDER_YDAY = 10, ZERO_YDAY = 11;
const HOUR = 12, HOUR12 = 13, ZERO_HOUR12 = 14, MINUTE = 15, ZERO_MINUTE = 16, SECOND = 17, ZERO_SECOND = 18;
const LONG_YEAR = 19, YEAR = 20, PM_UPPER = 21, PM_LOWER = 22, TZ_NAME = 23;
// Numeric zones: ISO variants accept and print "Z" for UTC.
const ISO_TZ = 24, ISO_SECONDS_TZ = 25, ISO_SHORT_TZ = 26, ISO_COLON_TZ = 27, ISO_COLON_SECONDS_TZ = 28;
const NUM_TZ = 29, NUM_SECONDS_TZ = 30, NUM_SHORT_TZ = 31, NUM_COLON_TZ = 32, NUM_COLON_SECONDS_TZ = 33;
const FRAC0 = 34, FRAC9 = 35;

/** One piece of a layout: literal text, or an element with its layout text. */
interface Chunk {
  std: number; // 0 for literal text
  text: string;
  digits: number; // fraction digits for FRAC0/FRAC9
}

const tzSuffixes: ReadonlyArray<readonly [string, number]> = [
  ["070000", 1], ["07:00:00", 4], ["0700", 0], ["07:00", 3], ["07", 2],
];

function isLower(c: string | undefined): boolean {
  return c !== undefined && c >= "a" && c <= "z";
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

// stdAt returns the element starting at layout[i] and its length, or undefined (Go's nextStdChunk).
function stdAt(l: string, i: number): [number, number, number] | undefined {
  const c = l[i];
  const has = (s: string) => l.startsWith(s, i);
  switch (c) {
    case "J":
      if (has("January")) return [LONG_MONTH, 7, 0];
      if (has("Jan") && !isLower(l[i + 3])) return [MONTH, 3, 0];
      break;
    case "M":
      if (has("Monday")) return [LONG_WEEKDAY, 6, 0];
      if (has("Mon") && !isLower(l[i + 3])) return [WEEKDAY, 3, 0];
      if (has("MST")) return [TZ_NAME, 3, 0];
      break;
    case "0": {
      const d = l[i + 1];
      if (d !== undefined && d >= "1" && d <= "6") return [[ZERO_MONTH, ZERO_DAY, ZERO_HOUR12, ZERO_MINUTE, ZERO_SECOND, YEAR][d.charCodeAt(0) - 49]!, 2, 0];
      if (has("002")) return [ZERO_YDAY, 3, 0];
      break;
    }
    case "1":
      return has("15") ? [HOUR, 2, 0] : [NUM_MONTH, 1, 0];
    case "2":
      return has("2006") ? [LONG_YEAR, 4, 0] : [DAY, 1, 0];
    case "_":
      if (has("_2")) {
        // "_2006" is a literal "_" followed by the year.
        if (has("_2006")) return undefined;
        return [UNDER_DAY, 2, 0];
      }
      if (has("__2")) return [UNDER_YDAY, 3, 0];
      break;
    case "3":
      return [HOUR12, 1, 0];
    case "4":
      return [MINUTE, 1, 0];
    case "5":
      return [SECOND, 1, 0];
    case "P":
      if (has("PM")) return [PM_UPPER, 2, 0];
      break;
    case "p":
      if (has("pm")) return [PM_LOWER, 2, 0];
      break;
    case "-":
    case "Z":
      for (const [suf, k] of tzSuffixes) {
        if (l.startsWith(suf, i + 1)) return [(c === "Z" ? ISO_TZ : NUM_TZ) + k, 1 + suf.length, 0];
      }
      break;
    case ".":
    case ",": {
      const d = l[i + 1];
      if (d === "0" || d === "9") {
        let j = i + 1;
        while (l[j] === d) j++;
        if (!isDigitAt(l, j)) return [d === "0" ? FRAC0 : FRAC9, j - i, j - i - 1];
      }
      break;
    }
  }
  return undefined;
}

const layoutCache = new Map<string, Chunk[]>();

function chunks(layout: string): Chunk[] {
  let cs = layoutCache.get(layout);
  if (cs !== undefined) return cs;
  cs = [];
  let lit = "";
  for (let i = 0; i < layout.length;) {
    const s = stdAt(layout, i);
    if (s === undefined) {
      lit += layout[i];
      i++;
      continue;
    }
    if (lit !== "") cs.push({ std: 0, text: lit, digits: 0 });
    lit = "";
    cs.push({ std: s[0], text: layout.slice(i, i + s[1]), digits: s[2] });
    i += s[1];
  }
  if (lit !== "") cs.push({ std: 0, text: lit, digits: 0 });
  if (layoutCache.size < 1000) layoutCache.set(layout, cs);
  return cs;
}

const longMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const shortMonths = longMonths.map((m) => m.slice(0, 3));
const longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const shortDays = longDays.map((d) => d.slice(0, 3));

class BadValue extends Error {}

// lookup matches one of names at the start of v, ignoring ASCII case; returns its index.
function lookup(names: readonly string[], v: string): number {
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (v.length >= n.length && v.slice(0, n.length).toLowerCase() === n.toLowerCase()) return i;
  }
  return -1;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

// daysFromCivil returns days since 1970-01-01 of a proleptic Gregorian date.
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * parseGoTime parses value with a Go layout as Go's time.Parse does (a value without a
 * zone is UTC; a zone name such as "MST" is accepted and, unless it is "GMT+N", taken
 * as offset 0, as on a UTC server) and returns unix milliseconds truncated toward zero
 * (VictoriaMetrics' t.UnixNano()/1e6). It throws Error with Go's message
 * ("parsing time ... as ...: cannot parse ... as ...") otherwise.
 */
export function parseGoTime(layout: string, value: string): number {
  const cs = chunks(layout);
  let v = value;
  let year = 0, month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
  let pm = false, am = false, offset = 0;
  let rangeErr = "";
  const fail = (elem: string): never => {
    throw new Error(`parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(v)} as ${goQuote(elem)}`);
  };
  const getnum = (fixed: boolean): number => {
    if (!isDigitAt(v, 0)) throw new BadValue();
    if (!isDigitAt(v, 1)) {
      if (fixed) throw new BadValue();
      const n = v.charCodeAt(0) - 48;
      v = v.slice(1);
      return n;
    }
    const n = (v.charCodeAt(0) - 48) * 10 + v.charCodeAt(1) - 48;
    v = v.slice(2);
    return n;
  };
  const getnum3 = (fixed: boolean): number => {
    let n = 0, i = 0;
    for (; i < 3 && isDigitAt(v, i); i++) n = n * 10 + v.charCodeAt(i) - 48;
    if (i === 0 || (fixed && i !== 3)) throw new BadValue();
    v = v.slice(i);
    return n;
  };
  // nanos reads a fraction "[.,]ddd" of n characters.
  const nanos = (n: number): number => {
    const sep = v[0];
    let digits = v.slice(1, n);
    v = v.slice(n);
    if (sep !== "." && sep !== ",") throw new BadValue();
    if (digits.length > 9) digits = digits.slice(0, 9);
    for (let i = 0; i < digits.length; i++) if (!isDigitAt(digits, i)) throw new BadValue();
    return Number(digits.padEnd(9, "0"));
  };
  for (let ci = 0; ci < cs.length; ci++) {
    const c = cs[ci]!;
    try {
      if (c.std === 0) {
        // Go's skip: a space in the layout matches one or more spaces.
        let p = c.text;
        while (p.length > 0) {
          if (p[0] === " ") {
            if (v.length > 0 && v[0] !== " ") throw new BadValue();
            p = p.replace(/^ +/, "");
            v = v.replace(/^ +/, "");
            continue;
          }
          if (v.length === 0 || v[0] !== p[0]) throw new BadValue();
          p = p.slice(1);
          v = v.slice(1);
        }
        continue;
      }
      switch (c.std) {
        case YEAR: {
          if (v.length < 2) throw new BadValue();
          const p = v.slice(0, 2);
          v = v.slice(2);
          if (!/^\d\d$/.test(p)) throw new BadValue();
          year = Number(p);
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case LONG_YEAR: {
          if (v.length < 4 || !isDigitAt(v, 0)) throw new BadValue();
          const p = v.slice(0, 4);
          v = v.slice(4);
          if (!/^\d\d\d\d$/.test(p)) throw new BadValue();
          year = Number(p);
          break;
        }
        case MONTH:
        case LONG_MONTH: {
          const names = c.std === MONTH ? shortMonths : longMonths;
          const i = lookup(names, v);
          if (i < 0) throw new BadValue();
          month = i + 1;
          v = v.slice(names[i]!.length);
          break;
        }
        case NUM_MONTH:
        case ZERO_MONTH:
          month = getnum(c.std === ZERO_MONTH);
          if (month <= 0 || month > 12) rangeErr = "month";
          break;
        case WEEKDAY:
        case LONG_WEEKDAY: {
          const names = c.std === WEEKDAY ? shortDays : longDays;
          const i = lookup(names, v);
          if (i < 0) throw new BadValue();
          v = v.slice(names[i]!.length);
          break;
        }
        case DAY:
        case UNDER_DAY:
        case ZERO_DAY:
          if (c.std === UNDER_DAY && v[0] === " ") v = v.slice(1);
          day = getnum(c.std === ZERO_DAY);
          break;
        case UNDER_YDAY:
        case ZERO_YDAY:
          for (let i = 0; i < 2 && c.std === UNDER_YDAY && v[0] === " "; i++) v = v.slice(1);
          yday = getnum3(c.std === ZERO_YDAY);
          if (yday < 1 || yday > 366) rangeErr = "day-of-year";
          break;
        case HOUR:
          hour = getnum(false);
          if (hour < 0 || hour >= 24) rangeErr = "hour";
          break;
        case HOUR12:
        case ZERO_HOUR12:
          hour = getnum(c.std === ZERO_HOUR12);
          if (hour < 0 || hour > 12) rangeErr = "hour";
          break;
        case MINUTE:
        case ZERO_MINUTE:
          min = getnum(c.std === ZERO_MINUTE);
          if (min < 0 || min >= 60) rangeErr = "minute";
          break;
        case SECOND:
        case ZERO_SECOND: {
          sec = getnum(c.std === ZERO_SECOND);
          if (sec < 0 || sec >= 60) {
            rangeErr = "second";
            break;
          }
          // A fraction may follow the seconds even when the layout has none,
          // unless the layout's next element is a fraction.
          if (v.length >= 2 && (v[0] === "." || v[0] === ",") && isDigitAt(v, 1)) {
            const next = cs.slice(ci + 1).find((x) => x.std !== 0);
            if (next !== undefined && (next.std === FRAC0 || next.std === FRAC9)) break;
            let n = 2;
            while (n < v.length && isDigitAt(v, n)) n++;
            nsec = nanos(n);
          }
          break;
        }
        case PM_UPPER:
        case PM_LOWER: {
          if (v.length < 2) throw new BadValue();
          const p = v.slice(0, 2);
          v = v.slice(2);
          const [P, A] = c.std === PM_UPPER ? ["PM", "AM"] : ["pm", "am"];
          if (p === P) pm = true;
          else if (p === A) am = true;
          else throw new BadValue();
          break;
        }
        case FRAC0: {
          const n = 1 + c.digits;
          if (v.length < n) throw new BadValue();
          nsec = nanos(n);
          break;
        }
        case FRAC9: {
          if (v.length < 2 || (v[0] !== "." && v[0] !== ",") || !isDigitAt(v, 1)) break;
          let i = 0;
          while (i < 9 && i + 1 < v.length && isDigitAt(v, i + 1)) i++;
          nsec = nanos(1 + i);
          break;
        }
        case TZ_NAME: {
          if (v.startsWith("UTC")) {
            v = v.slice(3);
            break;
          }
          const n = zoneNameLen(v);
          if (n === 0) throw new BadValue();
          // Go keeps the wall clock as UTC and only labels it with the zone name.
          v = v.slice(n);
          break;
        }
        default: {
          // Numeric zones. Only these three ISO forms accept "Z" (as Go 1.19).
          if ((c.std === ISO_TZ || c.std === ISO_SHORT_TZ || c.std === ISO_COLON_TZ) && v[0] === "Z") {
            v = v.slice(1);
            break;
          }
          const iso = c.std >= ISO_TZ && c.std <= ISO_COLON_SECONDS_TZ;
          const shape = ["-hhmm", "-hhmmss", "-hh", "-hh:mm", "-hh:mm:ss"][c.std - (iso ? ISO_TZ : NUM_TZ)]!;
          if (v.length < shape.length) throw new BadValue();
          if ((shape[3] === ":" && v[3] !== ":") || (shape[6] === ":" && v[6] !== ":")) throw new BadValue();
          const z = v.slice(0, shape.length);
          v = v.slice(shape.length);
          const num = (i: number): number => {
            if (!isDigitAt(z, i) || !isDigitAt(z, i + 1)) throw new BadValue();
            return (z.charCodeAt(i) - 48) * 10 + z.charCodeAt(i + 1) - 48;
          };
          const colon = shape[3] === ":";
          const hh = num(1);
          const mm = shape.length >= 5 ? num(colon ? 4 : 3) : 0;
          const ss = shape.length >= 7 ? num(colon ? 7 : 5) : 0;
          if (z[0] !== "+" && z[0] !== "-") throw new BadValue();
          offset = (hh * 3600 + mm * 60 + ss) * (z[0] === "-" ? -1 : 1);
          break;
        }
      }
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      fail(c.text);
    }
    if (rangeErr !== "") throw new Error(`parsing time ${goQuote(value)}: ${rangeErr} out of range`);
  }
  if (v.length > 0) throw new Error(`parsing time ${goQuote(value)}: extra text: ${goQuote(v)}`);
  if (pm && hour < 12) hour += 12;
  else if (am && hour === 12) hour = 0;
  if (yday >= 0) {
    // The day of the year picks month and day, which must agree when also given.
    let m = 1, d = yday;
    const leap = daysIn(2, year) === 29;
    if (yday > (leap ? 366 : 365)) throw new Error(`parsing time ${goQuote(value)}: day-of-year out of range`);
    while (d > daysIn(m, year)) {
      d -= daysIn(m, year);
      m++;
    }
    if ((month >= 0 && month !== m) || (day >= 0 && day !== d)) throw new Error(`parsing time ${goQuote(value)}: day-of-year does not match month`);
    month = m;
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw new Error(`parsing time ${goQuote(value)}: day out of range`);
  const secs = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - offset;
  if (Math.abs(secs) > 9_000_000_000) {
    // Outside 1678..2262 Go's UnixNano wraps around int64; VictoriaMetrics takes what it gives.
    return Number(BigInt.asIntN(64, BigInt(secs) * 1_000_000_000n + BigInt(nsec)) / 1_000_000n);
  }
  let ms = secs * 1000 + Math.floor(nsec / 1e6);
  // Go's integer division truncates toward zero.
  if (ms < 0 && nsec % 1e6 !== 0) ms += 1;
  return ms;
}

// zoneNameLen returns the length of a zone abbreviation at the start of v (Go's parseTimeZone), or 0.
function zoneNameLen(v: string): number {
  if (v.length < 3) return 0;
  if (v.startsWith("ChST") || v.startsWith("MeST")) return 4;
  if (v.startsWith("GMT")) {
    // "GMT+3", "GMT-11": a signed hour offset of at most 23 may follow.
    const m = /^[+-](\d+)/.exec(v.slice(3));
    if (m === null || Number(m[1]) > 23) return 3;
    return 3 + m[0].length;
  }
  let n = 0;
  while (n < 6 && n < v.length && v[n]! >= "A" && v[n]! <= "Z") n++;
  if (n === 3) return 3;
  if (n === 4 && (v[3] === "T" || v.startsWith("WITA"))) return 4;
  if (n === 5 && v[4] === "T") return 5;
  return 0;
}

function pad(n: number, width: number, ch = "0"): string {
  const s = String(Math.abs(n));
  return (n < 0 ? "-" : "") + (s.length >= width ? s : ch.repeat(width - s.length) + s);
}

/**
 * formatGoTime formats unix milliseconds ms in UTC with a Go layout, as Go's
 * time.Time.AppendFormat does (zones print as "Z", "+00:00", "+0000", "UTC", ...).
 */
export function formatGoTime(layout: string, ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear(), month = d.getUTCMonth() + 1, day = d.getUTCDate();
  const hour = d.getUTCHours(), min = d.getUTCMinutes(), sec = d.getUTCSeconds();
  const nsec = (((ms % 1000) + 1000) % 1000) * 1e6;
  let out = "";
  for (const c of chunks(layout)) {
    switch (c.std) {
      case 0: out += c.text; break;
      case YEAR: out += pad(((year % 100) + 100) % 100, 2); break;
      case LONG_YEAR: out += pad(year, 4); break;
      case MONTH: out += shortMonths[month - 1]; break;
      case LONG_MONTH: out += longMonths[month - 1]; break;
      case NUM_MONTH: out += month; break;
      case ZERO_MONTH: out += pad(month, 2); break;
      case WEEKDAY: out += shortDays[d.getUTCDay()]; break;
      case LONG_WEEKDAY: out += longDays[d.getUTCDay()]; break;
      case DAY: out += day; break;
      case UNDER_DAY: out += pad(day, 2, " "); break;
      case ZERO_DAY: out += pad(day, 2); break;
      case UNDER_YDAY:
      case ZERO_YDAY: {
        const yd = daysFromCivil(year, month, day) - daysFromCivil(year, 1, 1) + 1;
        out += pad(yd, 3, c.std === UNDER_YDAY ? " " : "0");
        break;
      }
      case HOUR: out += pad(hour, 2); break;
      case HOUR12: out += hour % 12 === 0 ? 12 : hour % 12; break;
      case ZERO_HOUR12: out += pad(hour % 12 === 0 ? 12 : hour % 12, 2); break;
      case MINUTE: out += min; break;
      case ZERO_MINUTE: out += pad(min, 2); break;
      case SECOND: out += sec; break;
      case ZERO_SECOND: out += pad(sec, 2); break;
      case PM_UPPER: out += hour >= 12 ? "PM" : "AM"; break;
      case PM_LOWER: out += hour >= 12 ? "pm" : "am"; break;
      case TZ_NAME: out += "UTC"; break;
      case FRAC0: out += c.text[0]! + String(nsec).padStart(9, "0").slice(0, c.digits); break;
      case FRAC9: {
        const f = String(nsec).padStart(9, "0").slice(0, c.digits).replace(/0+$/, "");
        if (f !== "") out += c.text[0]! + f;
        break;
      }
      default: {
        const iso = c.std >= ISO_TZ && c.std <= ISO_COLON_SECONDS_TZ;
        if (iso) {
          out += "Z";
          break;
        }
        out += ["+0000", "+000000", "+00", "+00:00", "+00:00:00"][c.std - NUM_TZ];
      }
    }
  }
  return out;
}
