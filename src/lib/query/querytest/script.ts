// The script language of query tests, close to Prometheus' promql test
// files:
//
//   load 15s
//     http_requests{job="api"} 0+10x20      # 0, 10, ..., 200 every 15s
//     temp{room="a"} 1 2 _ 4 stale 6        # _ = no sample, stale = staleness marker
//   eval instant at 5m sum(http_requests)
//     {} 200
//   eval range from 1m to 3m step 1m rate(http_requests[1m])
//     {job="api"} 0.6666666666666666 0.6666666666666666 _
//   eval_fail instant at 1m sum(
//   clear
//
// Times are durations from the start of the data (time 0 of the script).
// Expected lines are `selector values`; in ranges `_` is a missing point and
// `a+bxn` expands to n+1 values. `# comment` lines are ignored.

import { durationMs, parse, type Expr } from "../../metricsql/index.ts";

/** LoadedSeries is one series of a `load` block; NaN values are staleness markers. */
export interface LoadedSeries {
  labels: Array<[string, string]>;
  timestamps: number[];
  values: number[];
}

/** Expected is one expected series: its labels and one value per point (undefined: no point). */
export interface Expected {
  labels: Array<[string, string]>;
  values: Array<number | undefined>;
}

/** Command is one step of a script. */
export type Command =
  | { kind: "load"; line: number; series: LoadedSeries[] }
  | { kind: "clear"; line: number }
  | {
      kind: "eval";
      line: number;
      query: string;
      instant: boolean;
      /** ms from the script's time 0 */
      start: number;
      end: number;
      step: number;
      fail: boolean;
      /** ordered: the expected series must come in this order (`eval_ordered`). */
      ordered: boolean;
      expected: Expected[];
    };

/** ScriptError is a malformed script, with its line number. */
export class ScriptError extends Error {
  override name = "ScriptError";
}

function dur(s: string, line: number): number {
  if (s === "0") return 0;
  const m = /^-?(\d+(\.\d+)?(ms|s|m|h|d|w|y))+$/.exec(s);
  if (m === null) throw new ScriptError(`line ${line}: cannot parse duration ${JSON.stringify(s)}: want e.g. 5m or 1h30m`);
  return durationMs({ kind: "duration", text: s, isTemplateRef: false }, 1);
}

function parseSelectorLabels(s: string, line: number): Array<[string, string]> {
  let e: Expr;
  try {
    e = parse(s);
  } catch (err) {
    throw new ScriptError(`line ${line}: cannot parse series ${JSON.stringify(s)}: ${(err as Error).message}`);
  }
  if (e.kind !== "metric") throw new ScriptError(`line ${line}: want a series like name{label="value"}; got ${JSON.stringify(s)}`);
  const out: Array<[string, string]> = [];
  for (const lf of e.labelFilterss[0] ?? []) {
    if (lf.isNegative || lf.isRegexp) throw new ScriptError(`line ${line}: series labels must use =; got ${JSON.stringify(s)}`);
    out.push([lf.label, lf.value]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

// splitSeriesLine splits `name{a="b c"} 1 2 3` into the selector and the value tokens.
function splitSeriesLine(s: string, line: number): [string, string[]] {
  let i = 0;
  let inQuote = false;
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (inQuote) {
      if (c === "\\") i++;
      else if (c === '"') inQuote = false;
      continue;
    }
    if (c === '"') inQuote = true;
    else if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (depth === 0 && /\s/.test(c)) break;
  }
  if (depth !== 0 || inQuote) throw new ScriptError(`line ${line}: unbalanced braces or quotes in ${JSON.stringify(s)}`);
  return [s.slice(0, i), s.slice(i).trim().split(/\s+/).filter((t) => t !== "")];
}

function parseNumber(t: string, line: number): number {
  const l = t.toLowerCase();
  if (l === "nan") return NaN;
  if (l === "inf" || l === "+inf") return Infinity;
  if (l === "-inf") return -Infinity;
  const v = Number(t);
  if (t === "" || Number.isNaN(v)) throw new ScriptError(`line ${line}: cannot parse value ${JSON.stringify(t)}`);
  return v;
}

// expandValues expands value tokens: numbers, `_`, `stale`, `a+bxn`, `a-bxn`, `axn` (a, n+1 times), `_xn`.
function expandValues(tokens: string[], line: number): Array<number | "_" | "stale"> {
  const out: Array<number | "_" | "stale"> = [];
  for (const t of tokens) {
    if (t === "_" || t === "stale") {
      out.push(t);
      continue;
    }
    const gap = /^_x(\d+)$/.exec(t);
    if (gap !== null) {
      for (let k = 0; k < Number(gap[1]); k++) out.push("_");
      continue;
    }
    const rep = /^([-+]?[0-9.]+(?:e[+-]?\d+)?)x(\d+)$/i.exec(t);
    if (rep !== null) {
      for (let k = 0; k <= Number(rep[2]); k++) out.push(parseNumber(rep[1]!, line));
      continue;
    }
    const m = /^([-+]?[0-9.eE+-]*?[0-9.])([+-])([0-9.eE]+)x(\d+)$/.exec(t);
    if (m !== null) {
      const a = parseNumber(m[1]!, line);
      const b = parseNumber(m[3]!, line) * (m[2] === "-" ? -1 : 1);
      for (let k = 0; k <= Number(m[4]); k++) out.push(Math.round((a + k * b) * 1e12) / 1e12);
      continue;
    }
    out.push(parseNumber(t, line));
  }
  return out;
}

/** parseScript parses a query test script. */
export function parseScript(text: string): Command[] {
  const lines = text.split("\n");
  const cmds: Command[] = [];
  let i = 0;
  // indented lines following a command
  const body = (): Array<[number, string]> => {
    const out: Array<[number, string]> = [];
    while (i < lines.length && (/^\s+\S/.test(lines[i]!) || lines[i]!.trim() === "")) {
      const t = lines[i]!.trim();
      if (t !== "" && !t.startsWith("#")) out.push([i + 1, t]);
      i++;
      if (t === "") break;
    }
    return out;
  };
  while (i < lines.length) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const t = raw.trim();
    i++;
    if (t === "" || t.startsWith("#")) continue;
    let m: RegExpExecArray | null;
    if ((m = /^load\s+(\S+)$/.exec(t)) !== null) {
      const interval = dur(m[1]!, lineNo);
      const series: LoadedSeries[] = [];
      for (const [ln, l] of body()) {
        const [sel, toks] = splitSeriesLine(l, ln);
        const s: LoadedSeries = { labels: parseSelectorLabels(sel, ln), timestamps: [], values: [] };
        expandValues(toks, ln).forEach((v, k) => {
          if (v === "_") return;
          s.timestamps.push(k * interval);
          s.values.push(v === "stale" ? NaN : v);
        });
        series.push(s);
      }
      cmds.push({ kind: "load", line: lineNo, series });
    } else if (t === "clear") {
      cmds.push({ kind: "clear", line: lineNo });
    } else if ((m = /^(eval|eval_fail|eval_ordered)\s+instant\s+at\s+(\S+)\s+(.+)$/.exec(t)) !== null) {
      const at = dur(m[2]!, lineNo);
      cmds.push({ kind: "eval", line: lineNo, query: m[3]!, instant: true, start: at, end: at, step: 5 * 60_000, fail: m[1] === "eval_fail", ordered: m[1] === "eval_ordered", expected: expectedLines(body(), true) });
    } else if ((m = /^(eval|eval_fail|eval_ordered)\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/.exec(t)) !== null) {
      cmds.push({
        kind: "eval",
        line: lineNo,
        query: m[5]!,
        instant: false,
        start: dur(m[2]!, lineNo),
        end: dur(m[3]!, lineNo),
        step: dur(m[4]!, lineNo),
        fail: m[1] === "eval_fail",
        ordered: m[1] === "eval_ordered",
        expected: expectedLines(body(), false),
      });
    } else {
      throw new ScriptError(`line ${lineNo}: unknown command ${JSON.stringify(t)}; want load, clear, eval, eval_ordered or eval_fail`);
    }
  }
  return cmds;
}

function expectedLines(lines: Array<[number, string]>, instant: boolean): Expected[] {
  return lines.map(([ln, l]) => {
    const [sel, toks] = splitSeriesLine(l, ln);
    const values = expandValues(toks, ln).map((v) => (v === "_" ? undefined : v === "stale" ? NaN : v));
    if (instant && values.length !== 1) throw new ScriptError(`line ${ln}: an instant result has one value; got ${values.length}`);
    return { labels: parseSelectorLabels(sel, ln), values };
  });
}
