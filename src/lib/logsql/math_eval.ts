// math_eval: evaluation of the math pipe's expressions.

import type { MathExpr } from "./ast.ts";
import { parseIPv4 } from "./ipv4.ts";
import { parseFloatValue } from "./numbers.ts";
import type { BatchView } from "./stats_funcs.ts";
import { parseTimestamp } from "./time_format.ts";

function mathValue(s: string): number {
  const v = parseFloatValue(s);
  if (!Number.isNaN(v)) return v;
  const ip = parseIPv4(s);
  if (ip !== undefined) return ip;
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const t = parseTimestamp(s, 0n);
    if (t !== undefined) return Number(t);
  }
  return NaN;
}

function toU64(x: number): bigint {
  if (!Number.isFinite(x) || x < 0) return 0n;
  return BigInt(Math.trunc(x)) & 0xffffffffffffffffn;
}

/** evalMath evaluates a math pipe expression for row i (field values parse as numbers, IPv4 addresses or RFC3339 times). */
export function evalMath(e: MathExpr, v: BatchView, i: number, nowNs: bigint): number {
  switch (e.k) {
    case "num":
      return e.v;
    case "field":
      return mathValue(v.col(e.name)[i]);
    case "neg":
      return -evalMath(e.a, v, i, nowNs);
    case "bin": {
      const a = evalMath(e.a, v, i, nowNs);
      if (e.op === "default") return Number.isNaN(a) ? evalMath(e.b, v, i, nowNs) : a;
      const b = evalMath(e.b, v, i, nowNs);
      switch (e.op) {
        case "+": return a + b;
        case "-": return a - b;
        case "*": return a * b;
        case "/": return a / b;
        case "%": return a % b;
        case "^": return a ** b;
        case "&": return Number(toU64(a) & toU64(b));
        case "or": return Number(toU64(a) | toU64(b));
        case "xor": return Number(toU64(a) ^ toU64(b));
      }
      throw new Error(`BUG: unknown math operator ${e.op}`);
    }
    case "fn": {
      const args = e.args.map((x) => evalMath(x, v, i, nowNs));
      switch (e.name) {
        case "abs": return Math.abs(args[0]);
        case "ceil": return Math.ceil(args[0]);
        case "exp": return Math.exp(args[0]);
        case "floor": return Math.floor(args[0]);
        case "ln": return Math.log(args[0]);
        case "max": return args.some(Number.isNaN) ? NaN : Math.max(...args);
        case "min": return args.some(Number.isNaN) ? NaN : Math.min(...args);
        case "now": return Number(nowNs);
        case "rand": return Math.random();
        case "round": {
          if (args.length === 1) return Math.round(args[0]);
          const n = args[1];
          return Math.round(args[0] / n) * n;
        }
      }
      throw new Error(`BUG: unknown math function ${e.name}`);
    }
  }
}
