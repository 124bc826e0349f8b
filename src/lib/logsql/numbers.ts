// numbers: LogsQL number literals (with size suffixes and '_' separators) and durations.

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  "µs": 1000n,
  "μs": 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
  y: 31_536_000_000_000_000n,
};

const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w|y)/y;

/**
 * parseDuration parses a duration such as "5m", "1h30m", "1.5d" or "-2h" into
 * nanoseconds, or returns undefined when s is not a duration. A bare number is not a duration.
 */
export function parseDuration(s: string): bigint | undefined {
  let i = 0;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    i = 1;
  }
  if (i >= s.length) return undefined;
  let total = 0n;
  while (i < s.length) {
    DURATION_PART.lastIndex = i;
    const m = DURATION_PART.exec(s);
    if (m === null) return undefined;
    const unit = DURATION_UNITS[m[2]];
    const [ip, fp = ""] = m[1].split(".");
    total += BigInt(ip === "" ? "0" : ip) * unit;
    if (fp !== "") total += BigInt(Math.round(Number("0." + fp) * Number(unit)));
    i = DURATION_PART.lastIndex;
  }
  return neg ? -total : total;
}

const SIZE_SUFFIXES: Record<string, number> = {
  k: 1e3, kb: 1e3, ki: 1024, kib: 1024,
  m: 1e6, mb: 1e6, mi: 1024 ** 2, mib: 1024 ** 2,
  g: 1e9, gb: 1e9, gi: 1024 ** 3, gib: 1024 ** 3,
  t: 1e12, tb: 1e12, ti: 1024 ** 4, tib: 1024 ** 4,
};

const FLOAT = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const WITH_SUFFIX = /^(\d+\.?\d*|\.\d+)([kKmMgGtT][iI]?[bB]?)$/;

/**
 * parseNumber parses a LogsQL number: decimal or float ("1.5e3"), hex/octal/binary
 * ("0x1f"), '_' separators ("1_000"), size suffixes ("10K", "1.5GiB", "2MB"),
 * "inf"/"nan" and durations (as nanoseconds). It returns NaN when s is none of these.
 */
export function parseNumber(s: string): number {
  if (s.length === 0) return NaN;
  let sign = 1;
  let t = s;
  if (t[0] === "-" || t[0] === "+") {
    if (t[0] === "-") sign = -1;
    t = t.slice(1);
  }
  if (t.length === 0) return NaN;
  if (t.includes("_")) {
    if (!/^[0-9a-zA-Z.]+(?:_[0-9a-zA-Z.]+)*$/.test(t)) return NaN;
    t = t.replaceAll("_", "");
  }
  const c0 = t.charCodeAt(0);
  if (c0 >= 0x30 && c0 <= 0x39 || c0 === 0x2e) {
    if (FLOAT.test(t)) return sign * Number(t);
    if (t.length > 2 && t[0] === "0") {
      const p = t[1].toLowerCase();
      const body = t.slice(2);
      if (p === "x" && /^[0-9a-fA-F]+$/.test(body)) return sign * parseInt(body, 16);
      if (p === "o" && /^[0-7]+$/.test(body)) return sign * parseInt(body, 8);
      if (p === "b" && /^[01]+$/.test(body)) return sign * parseInt(body, 2);
    }
    const m = WITH_SUFFIX.exec(t);
    if (m !== null) {
      const mul = SIZE_SUFFIXES[m[2].toLowerCase()];
      if (mul !== undefined) return sign * Number(m[1]) * mul;
    }
    const d = parseDuration(t);
    if (d !== undefined) return sign * Number(d);
    return NaN;
  }
  const lower = t.toLowerCase();
  if (lower === "inf") return sign * Infinity;
  if (lower === "nan") return NaN;
  return NaN;
}

/** isNumberLiteral reports whether parseNumber accepts s (including "nan"). */
export function isNumberLiteral(s: string): boolean {
  return !Number.isNaN(parseNumber(s)) || /^[+-]?nan$/i.test(s);
}

/**
 * parseFloatValue parses a stored field value as a number the way range filters
 * and stats do: plain decimals and floats first (the common case), then the
 * other forms parseNumber accepts. Returns NaN when the value is not a number.
 */
export function parseFloatValue(s: string): number {
  const n = s.length;
  if (n === 0 || n > 64) return NaN;
  const c = s.charCodeAt(0);
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x69 || c === 0x49)) return NaN;
  const v = Number(s);
  if (!Number.isNaN(v) && s.trim() === s && !/^[+-]?0[xob]/i.test(s) && !/^[+-]?Infinity$/.test(s)) return v;
  return parseNumber(s);
}

/**
 * formatNumber prints a float like Go's strconv.FormatFloat(f, 'f', -1, 64), as
 * VictoriaLogs prints computed numbers: the shortest digits that read back as f,
 * never in exponent form ("1000000000000000000000", "0.0000001"); NaN, +Inf, -Inf.
 */
export function formatNumber(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  const s = String(f);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const sign = m[1];
  const digits = m[2] + (m[3] ?? "");
  const exp = Number(m[4]);
  if (exp >= 0) {
    const intLen = exp + 1;
    if (digits.length <= intLen) return sign + digits + "0".repeat(intLen - digits.length);
    return sign + digits.slice(0, intLen) + "." + digits.slice(intLen);
  }
  return sign + "0." + "0".repeat(-exp - 1) + digits;
}
