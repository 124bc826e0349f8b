// Command-line flags in the syntax of Go's `flag` package, as VictoriaMetrics
// uses it: `-name=value`, `--name=value`, `-name value`, and `-name` alone for
// booleans. Flags are declared at the top of the file that reads them; the
// registry here feeds `-help` and `parse()`.

export type FlagKind = "string" | "int" | "float" | "bool" | "duration" | "bytes" | "retention" | "array";

/** Flag is one registered command-line flag. `value` holds the parsed value. */
export interface Flag<T> {
  readonly name: string;
  readonly kind: FlagKind;
  readonly usage: string;
  readonly defaultText: string;
  value: T;
  /** isSet is true when the flag was given on the command line. */
  isSet: boolean;
  set(text: string): void;
}

/** FlagError is a bad command line: an unknown flag or a value that cannot be parsed. */
export class FlagError extends Error {
  override name = "FlagError";
}

const registry = new Map<string, Flag<unknown>>();

function register<T>(name: string, kind: FlagKind, def: T, defaultText: string, usage: string, parse: (s: string, prev: T) => T): Flag<T> {
  if (registry.has(name)) throw new Error(`BUG: flag -${name} is declared twice`);
  const f: Flag<T> = {
    name,
    kind,
    usage,
    defaultText,
    value: def,
    isSet: false,
    set(text: string) {
      this.value = parse(text, this.isSet ? this.value : def);
      this.isSet = true;
    },
  };
  registry.set(name, f as Flag<unknown>);
  return f;
}

/** string declares a string flag. */
export function string(name: string, def: string, usage: string): Flag<string> {
  return register(name, "string", def, def === "" ? "" : JSON.stringify(def), usage, (s) => s);
}

/** int declares an integer flag; it accepts the size suffixes of `bytes` too (1e6, 10K). */
export function int(name: string, def: number, usage: string): Flag<number> {
  return register(name, "int", def, String(def), usage, (s) => {
    const n = parseNumberWithSuffix(s);
    if (n === undefined || !Number.isInteger(n)) throw new FlagError(`invalid value "${s}" for flag -${name}: want an integer`);
    return n;
  });
}

/** float declares a floating-point flag. */
export function float(name: string, def: number, usage: string): Flag<number> {
  return register(name, "float", def, String(def), usage, (s) => {
    const n = Number(s);
    if (s.trim() === "" || !Number.isFinite(n)) throw new FlagError(`invalid value "${s}" for flag -${name}: want a number`);
    return n;
  });
}

/** bool declares a boolean flag: `-name`, `-name=true`, `-name=false`. */
export function bool(name: string, def: boolean, usage: string): Flag<boolean> {
  return register(name, "bool", def, String(def), usage, (s) => {
    const v = parseBool(s);
    if (v === undefined) throw new FlagError(`invalid value "${s}" for flag -${name}: want true or false`);
    return v;
  });
}

/** duration declares a flag in Go duration syntax (`30s`, `1m30s`, `500ms`); the value is milliseconds. */
export function duration(name: string, defText: string, usage: string): Flag<number> {
  const def = parseDuration(defText);
  if (def === undefined) throw new Error(`BUG: bad default ${defText} for -${name}`);
  return register(name, "duration", def, defText, usage, (s) => {
    const v = parseDuration(s);
    if (v === undefined) throw new FlagError(`invalid value "${s}" for flag -${name}: want a duration such as 30s, 5m or 1h30m`);
    return v;
  });
}

/** bytes declares a size flag: a number with an optional suffix KB, MB, GB, TB, KiB, MiB, GiB, TiB. */
export function bytes(name: string, def: number, usage: string): Flag<number> {
  return register(name, "bytes", def, String(def), usage, (s) => {
    const v = parseNumberWithSuffix(s);
    if (v === undefined || v < 0) throw new FlagError(`invalid value "${s}" for flag -${name}: want a size such as 100MB or 1GiB`);
    return Math.floor(v);
  });
}

/**
 * retention declares a retention-like flag as VictoriaMetrics has it: a bare number
 * is months; suffixes h, d, w, y (and ms, s, m for minutes... as in Go durations) are accepted.
 * The value is milliseconds.
 */
export function retention(name: string, defText: string, usage: string): Flag<number> {
  const def = parseRetention(defText);
  if (def === undefined) throw new Error(`BUG: bad default ${defText} for -${name}`);
  return register(name, "retention", def, defText, usage, (s) => {
    const v = parseRetention(s);
    if (v === undefined) throw new FlagError(`invalid value "${s}" for flag -${name}: want a number of months or a duration with a suffix h, d, w or y, such as 1, 30d or 1y`);
    return v;
  });
}

/** array declares a flag that may be repeated or given comma-separated; the value is the list. */
export function array(name: string, usage: string): Flag<string[]> {
  return register<string[]>(name, "array", [], "", usage, (s, prev) => [...prev, ...splitArray(s)]);
}

function splitArray(s: string): string[] {
  if (s === "") return [""];
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') { quoted = !quoted; continue; }
    if (ch === "," && !quoted) { out.push(cur); cur = ""; continue; }
    cur += ch;
  }
  out.push(cur);
  return out;
}

export function parseBool(s: string): boolean | undefined {
  switch (s.toLowerCase()) {
    case "1": case "t": case "true": return true;
    case "0": case "f": case "false": return false;
  }
  return undefined;
}

const durationUnits: Record<string, number> = {
  ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000,
};

/** parseDuration parses Go duration syntax plus d, w and y; returns milliseconds or undefined. */
export function parseDuration(s: string): number | undefined {
  s = s.trim();
  if (s === "0") return 0;
  let neg = false;
  if (s.startsWith("-")) { neg = true; s = s.slice(1); }
  const re = /^([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)(ns|us|µs|ms|s|m|h|d|w|y)/;
  let total = 0;
  if (s === "") return undefined;
  while (s !== "") {
    const m = re.exec(s);
    if (m === null) return undefined;
    total += Number(m[1]) * durationUnits[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return neg ? -total : total;
}

/** parseRetention parses a retention period: bare number = months (31 days each, as VictoriaMetrics). */
export function parseRetention(s: string): number | undefined {
  s = s.trim();
  if (/^[0-9]*\.?[0-9]+$/.test(s)) {
    const months = Number(s);
    return months * 31 * 86_400_000;
  }
  const v = parseDuration(s);
  if (v === undefined || v < 0) return undefined;
  return v;
}

const sizeSuffixes: Record<string, number> = {
  "": 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3, ti: 1024 ** 4, tib: 1024 ** 4,
};

/** parseNumberWithSuffix parses `1e6`, `10K`, `64KiB`, `1.5GB`; returns undefined when invalid. */
export function parseNumberWithSuffix(s: string): number | undefined {
  const m = /^\s*(-?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(s);
  if (m === null) return undefined;
  const mul = sizeSuffixes[m[2]!.toLowerCase()];
  if (mul === undefined) return undefined;
  return Number(m[1]) * mul;
}

/**
 * parse applies args to the registered flags. It returns the positional
 * arguments that follow the flags (for example a subcommand). Throws FlagError
 * on an unknown flag or a bad value, as Go's flag package does.
 */
export function parse(args: readonly string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") { rest.push(...args.slice(i + 1)); break; }
    if (!a.startsWith("-") || a === "-") { rest.push(a); continue; }
    const body = a.startsWith("--") ? a.slice(2) : a.slice(1);
    const eq = body.indexOf("=");
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (name === "help" || name === "h") throw new HelpRequested();
    const f = registry.get(name);
    if (f === undefined) throw new FlagError(`flag provided but not defined: -${name}`);
    if (eq >= 0) {
      f.set(body.slice(eq + 1));
    } else if (f.kind === "bool") {
      f.set("true");
    } else {
      if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: -${name}`);
      f.set(args[++i]!);
    }
  }
  return rest;
}

/** HelpRequested is thrown by parse() for -help / -h. */
export class HelpRequested extends Error {
  override name = "HelpRequested";
}

/** usage returns the `-help` text: every flag with its help and default. */
export function usage(): string {
  const names = [...registry.keys()].sort();
  const lines: string[] = [];
  for (const n of names) {
    const f = registry.get(n)!;
    const typ = f.kind === "bool" ? "" : ` ${f.kind === "array" ? "array" : f.kind === "retention" ? "value" : f.kind}`;
    lines.push(`  -${n}${typ}`);
    let text = `    \t${f.usage}`;
    if (f.kind === "array") text += " (may be given multiple times or comma-separated)";
    else if (f.defaultText !== "" && f.defaultText !== "false") text += ` (default ${f.defaultText})`;
    lines.push(text);
  }
  return lines.join("\n") + "\n";
}

/** lookup returns the flag with the given name, if declared. */
export function lookup(name: string): Flag<unknown> | undefined {
  return registry.get(name);
}

/** all returns all flags sorted by name (for /flags-style output). */
export function all(): Flag<unknown>[] {
  return [...registry.keys()].sort().map((n) => registry.get(n)!);
}
