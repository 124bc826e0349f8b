// stats_funcs: the accumulators of the stats pipe's functions (count, sum, quantile, ...).

import type { StatsFunc } from "./ast.ts";
import { formatNumber, parseFloatValue } from "./numbers.ts";
import { compareKeys, compareValues, valueKey, type ValueKey } from "./compare_values.ts";

/** BatchView gives stats functions the columns of the batch being added. */
export interface BatchView {
  readonly names: readonly string[];
  col(name: string): readonly string[];
}

/** StatsAcc accumulates one stats function for one group. */
export interface StatsAcc {
  add(v: BatchView, i: number): void;
  finish(): string;
}

/** StatsContext carries what some functions need besides rows (rate: the step in seconds). */
export interface StatsContext {
  stepSeconds: number;
}

function expand(fields: readonly string[], v: BatchView): readonly string[] {
  if (fields.length === 0) return v.names;
  if (!fields.some((f) => f.endsWith("*"))) return fields;
  const out: string[] = [];
  for (const f of fields) {
    if (!f.endsWith("*")) out.push(f);
    else {
      const p = f.slice(0, -1);
      for (const n of v.names) if (n.startsWith(p) && !out.includes(n)) out.push(n);
    }
  }
  return out;
}

// fieldsCache avoids re-expanding field lists for every row of a batch.
function fieldsGetter(fn: StatsFunc): (v: BatchView) => readonly string[] {
  let lastView: BatchView | undefined;
  let last: readonly string[] = [];
  return (v) => {
    if (v !== lastView) {
      lastView = v;
      last = expand(fn.fields, v);
    }
    return last;
  };
}

// rowObject prints the fields of row i as a JSON object in the given order (all fields: empty ones left out).
function rowObject(v: BatchView, i: number, fields: readonly string[]): string {
  const parts: string[] = [];
  for (const f of fields) {
    const x = v.col(f)[i];
    if (x !== "" || fields !== v.names) parts.push(JSON.stringify(f) + ":" + JSON.stringify(x));
  }
  return "{" + parts.join(",") + "}";
}

function vmrange(v: number): [number, string] {
  if (v < 1e-9) return [-Infinity, "0...1.000e-09"];
  const l = Math.log10(v);
  const e = Math.floor(l);
  let idx = Math.floor((l - e) * 18);
  if (idx >= 18) idx = 17;
  const lo = 10 ** (e + idx / 18);
  const hi = 10 ** (e + (idx + 1) / 18);
  const f = (x: number): string => x.toExponential(3).replace(/e([+-])(\d)$/, "e$10$2");
  return [lo, `${f(lo)}...${f(hi)}`];
}

/** newStatsAcc returns an empty accumulator for fn. */
export function newStatsAcc(fn: StatsFunc, ctx: StatsContext): StatsAcc {
  const fields = fieldsGetter(fn);
  const limit = fn.limit;
  switch (fn.name) {
    case "count": {
      let n = 0;
      if (fn.fields.length === 0) return { add: () => void n++, finish: () => String(n) };
      return {
        add(v, i) {
          for (const f of fields(v)) {
            if (v.col(f)[i] !== "") {
              n++;
              return;
            }
          }
        },
        finish: () => String(n),
      };
    }
    case "count_empty": {
      let n = 0;
      return {
        add(v, i) {
          for (const f of fields(v)) if (v.col(f)[i] !== "") return;
          n++;
        },
        finish: () => String(n),
      };
    }
    case "count_uniq":
    case "count_uniq_hash": {
      const seen = new Set<string>();
      return {
        add(v, i) {
          if (limit > 0 && seen.size >= limit) return;
          const fs = fields(v);
          let key: string;
          if (fs.length === 1) {
            key = v.col(fs[0])[i];
            if (key === "") return;
          } else {
            const parts = fs.map((f) => v.col(f)[i]);
            if (parts.every((p) => p === "")) return;
            key = JSON.stringify(parts);
          }
          seen.add(key);
        },
        finish: () => String(seen.size),
      };
    }
    case "sum":
    case "avg":
    case "rate_sum":
    case "stddev": {
      let sum = 0;
      let sq = 0;
      let n = 0;
      return {
        add(v, i) {
          for (const f of fields(v)) {
            const x = parseFloatValue(v.col(f)[i]);
            if (Number.isNaN(x)) continue;
            sum += x;
            sq += x * x;
            n++;
          }
        },
        finish() {
          if (fn.name === "rate_sum") return formatNumber(n === 0 ? NaN : sum / ctx.stepSeconds);
          if (n === 0) return "NaN";
          if (fn.name === "sum") return formatNumber(sum);
          const avg = sum / n;
          if (fn.name === "avg") return formatNumber(avg);
          return formatNumber(Math.sqrt(Math.max(0, sq / n - avg * avg)));
        },
      };
    }
    case "min":
    case "max": {
      // VictoriaLogs' value order (numbers numerically, else natural string order); the value as stored.
      const sign = fn.name === "min" ? -1 : 1;
      let best: ValueKey | undefined;
      return {
        add(v, i) {
          for (const f of fields(v)) {
            const s = v.col(f)[i];
            if (s === "" || (best !== undefined && s === best.s)) continue;
            const k = valueKey(s);
            if (best === undefined || compareKeys(k, best) * sign > 0) best = k;
          }
        },
        finish: () => best?.s ?? "",
      };
    }
    case "median":
    case "quantile": {
      // As VictoriaLogs: the value at index phi*n of the sorted non-empty values, as stored.
      const phi = fn.name === "median" ? 0.5 : Number(fn.phi);
      const vals: ValueKey[] = [];
      return {
        add(v, i) {
          for (const f of fields(v)) {
            const s = v.col(f)[i];
            if (s !== "") vals.push(valueKey(s));
          }
        },
        finish() {
          if (vals.length === 0) return "";
          vals.sort(compareKeys);
          const idx = Math.min(vals.length - 1, Math.max(0, Math.floor(phi * vals.length)));
          return vals[idx].s;
        },
      };
    }
    case "rate": {
      let n = 0;
      return { add: () => void n++, finish: () => formatNumber(n / ctx.stepSeconds) };
    }
    case "sum_len": {
      let n = 0;
      return {
        add(v, i) {
          for (const f of fields(v)) n += Buffer.byteLength(v.col(f)[i]);
        },
        finish: () => String(n),
      };
    }
    case "uniq_values": {
      const seen = new Set<string>();
      return {
        add(v, i) {
          for (const f of fields(v)) {
            if (limit > 0 && seen.size >= limit) return;
            const s = v.col(f)[i];
            if (s !== "") seen.add(s);
          }
        },
        finish: () => JSON.stringify([...seen].sort(compareValues)),
      };
    }
    case "values": {
      const out: string[] = [];
      return {
        add(v, i) {
          for (const f of fields(v)) {
            if (limit > 0 && out.length >= limit) return;
            out.push(v.col(f)[i]);
          }
        },
        finish: () => JSON.stringify(out),
      };
    }
    case "json_values": {
      const out: string[] = [];
      return {
        add(v, i) {
          if (limit > 0 && out.length >= limit) return;
          out.push(rowObject(v, i, fields(v)));
        },
        finish: () => `[${out.join(",")}]`,
      };
    }
    case "any": {
      let r: string | undefined;
      return {
        add(v, i) {
          if (r !== undefined) return;
          for (const f of fields(v)) {
            const s = v.col(f)[i];
            if (s !== "") {
              r = s;
              return;
            }
          }
        },
        finish: () => r ?? "",
      };
    }
    case "row_any": {
      let r: string | undefined;
      return {
        add(v, i) {
          if (r === undefined) r = rowObject(v, i, fields(v));
        },
        finish: () => r ?? "{}",
      };
    }
    case "row_min":
    case "row_max": {
      const sign = fn.name === "row_min" ? -1 : 1;
      const key = fn.fields[0];
      const rest = fn.fields.slice(1);
      let best: ValueKey | undefined;
      let r: string | undefined;
      return {
        add(v, i) {
          const s = v.col(key)[i];
          if (s === "") return;
          const k = valueKey(s);
          if (best === undefined || compareKeys(k, best) * sign > 0) {
            best = k;
            r = rowObject(v, i, rest.length === 0 ? v.names : expand(rest, v));
          }
        },
        finish: () => r ?? "{}",
      };
    }
    case "field_min":
    case "field_max": {
      // The value of the second field in the row where the first one is smallest (largest).
      const sign = fn.name === "field_min" ? -1 : 1;
      const [src, dst] = fn.fields;
      let best: ValueKey | undefined;
      let r = "";
      return {
        add(v, i) {
          const s = v.col(src)[i];
          if (s === "") return;
          const k = valueKey(s);
          if (best === undefined || compareKeys(k, best) * sign > 0) {
            best = k;
            r = v.col(dst)[i];
          }
        },
        finish: () => r,
      };
    }
    case "histogram": {
      const buckets = new Map<string, [number, number]>();
      return {
        add(v, i) {
          const x = parseFloatValue(v.col(fn.fields[0])[i]);
          if (Number.isNaN(x) || x < 0) return;
          const [lo, label] = vmrange(x);
          const b = buckets.get(label);
          if (b === undefined) buckets.set(label, [lo, 1]);
          else b[1]++;
        },
        finish() {
          const items = [...buckets.entries()].sort((a, b) => a[1][0] - b[1][0]);
          return JSON.stringify(items.map(([vmr, [, hits]]) => ({ vmrange: vmr, hits })));
        },
      };
    }
    default:
      throw new Error(`BUG: unknown stats function ${fn.name}`);
  }
}
