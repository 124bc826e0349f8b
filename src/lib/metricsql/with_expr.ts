// WITH templates: expansion of a raw tree into one without WITH expressions.
// https://docs.victoriametrics.com/victoriametrics/metricsql/ ("WITH templates"),
// behaving as VictoriaMetrics' /expand-with-exprs does:
//
//   - a template is `name = expr` or `name(params) = expr`; a later or inner template
//     hides an earlier one; a template body sees only the templates defined before
//     it, plus its parameters;
//   - a name is replaced where it is a metric name (`x`, `x{a="b"}` merges filters),
//     a function name (`f(a, b)`), a bare filter inside braces (`{x, a="b"}`), a part
//     of a string concatenation (`"a" + x`), a window / step / offset (`m[w]`), or a
//     label in by(), without(), on(), ignoring(), group_left(), group_right() (for
//     a template parameter given a metric name or a list of them, `f((a, b))`);
//   - the predefined templates ru(), ttf(), range_median() and alias() apply
//     everywhere unless redefined.
//
// Expansion also resolves the raw parts every query has: quoted metric names
// ({"foo"}), string concatenation; it validates regexps and rejects calls of
// unknown functions.

import { compileAnchored } from "../regexutil/index.ts";
import {
  isMetricNameFilter,
  isOnlyMetricName,
  metricExpr,
  metricName,
  metricNameFilter,
  type DurationExpr,
  type Expr,
  type LabelFilter,
  type MetricExpr,
  type RawLabelFilter,
  type StringExpr,
  type WithArgExpr,
} from "./ast.ts";
import { durationValue } from "./duration.ts";
import { expandError, syntaxError } from "./errors.ts";
import { isSupportedFunction } from "./functions.ts";
import { goQuote, goUnquote } from "./go_strconv.ts";
import { isStringPrefix } from "./lexer.ts";
import { parseWithArgExprs, type NodePositions } from "./parser.ts";
import { printExpr, printModifier } from "./printer.ts";

const DEFAULT_TEMPLATES = `
  ru(freev, maxv) = clamp_min(maxv - clamp_min(freev, 0), 0) / clamp_min(maxv, 0) * 100,
  ttf(freev) = smooth_exponential(
    clamp_max(clamp_max(-freev, 0) / clamp_max(deriv_fast(freev), 0), 365*24*3600),
    clamp_max(step()/300, 1)
  ),
  range_median(q) = range_quantile(0.5, q),
  alias(q, name) = label_set(q, "__name__", name)
`;

let defaultTemplates: WithArgExpr[] | undefined;

/** defaultWithTemplates returns the predefined templates ru, ttf, range_median and alias. */
export function defaultWithTemplates(): readonly WithArgExpr[] {
  defaultTemplates ??= parseWithArgExprs(DEFAULT_TEMPLATES);
  return defaultTemplates;
}

/**
 * expandWithExpr returns raw tree e with every WITH template, quoted metric name and
 * string concatenation resolved, on top of the predefined templates. ParensExpr nodes
 * remain. It throws a ParseError (at the position positions gives for the offending
 * part) when a template is missing, misused or called with the wrong number of
 * arguments, when a label filter's regexp is invalid, or when a function that is
 * left after expansion is not a known one.
 */
export function expandWithExpr(e: Expr, positions: NodePositions = new Map()): Expr {
  return new Expander(positions).expand(defaultWithTemplates(), e, 0);
}

function q(s: string): string {
  return goQuote(s);
}

function lookup(was: readonly WithArgExpr[], name: string): WithArgExpr | undefined {
  for (let i = was.length - 1; i >= 0; i--) if (was[i].name === name) return was[i];
  return undefined;
}

function labelFilterKey(lf: LabelFilter): string {
  return (lf.isNegative ? "!" : "=") + (lf.isRegexp ? "~" : "=") + lf.label + "\u0000" + lf.value;
}

function removeDuplicateLabelFilters(lfs: LabelFilter[]): LabelFilter[] {
  const seen = new Set<string>();
  return lfs.filter((lf) => {
    const k = labelFilterKey(lf);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

class Expander {
  private readonly positions: NodePositions;

  constructor(positions: NodePositions) {
    this.positions = positions;
  }

  // posOf returns where node starts in the query, or ctx (the enclosing node's start)
  // for nodes without a recorded position (those of the predefined templates).
  posOf(node: object, ctx: number): number {
    return this.positions.get(node) ?? ctx;
  }

  fail(pos: number, reason: string): never {
    throw expandError(pos, reason);
  }

  expand(was: readonly WithArgExpr[], e: Expr, ctx: number): Expr {
    const pos = this.posOf(e, ctx);
    switch (e.kind) {
      case "binaryOp": {
        const left = this.expand(was, e.left, pos);
        const right = this.expand(was, e.right, pos);
        const groupModifier =
          e.groupModifier && { op: e.groupModifier.op, args: this.expandModifierArgs(was, e.groupModifier.args, pos) };
        const joinModifier =
          e.joinModifier && { op: e.joinModifier.op, args: this.expandModifierArgs(was, e.joinModifier.args, pos) };
        let joinModifierPrefix: StringExpr | null = null;
        if (e.joinModifierPrefix !== null) {
          const p = this.expand(was, e.joinModifierPrefix, pos);
          if (p.kind !== "string") {
            this.fail(pos, `unexpected prefix for ${printModifier(e.joinModifier!)}; want quoted string; got ${printExpr(p)}`);
          }
          joinModifierPrefix = p;
        }
        if (e.op === "+" && left.kind === "string" && right.kind === "string") {
          return { kind: "string", value: left.value + right.value, tokens: null };
        }
        return { ...e, left, right, groupModifier, joinModifier, joinModifierPrefix };
      }
      case "func": {
        const args = e.args.map((a) => this.expand(was, a, pos));
        const wa = lookup(was, e.name);
        if (wa !== undefined) return this.expandTemplate(was, wa, args, pos);
        // What is not a template now stays a function call.
        if (!isSupportedFunction(e.name)) throw syntaxError(pos, `unsupported function ${q(e.name)}`);
        return { ...e, args };
      }
      case "aggr": {
        const args = e.args.map((a) => this.expand(was, a, pos));
        const wa = lookup(was, e.name);
        if (wa !== undefined) return this.expandTemplate(was, wa, args, pos);
        const modifier = e.modifier && { op: e.modifier.op, args: this.expandModifierArgs(was, e.modifier.args, pos) };
        return { ...e, args, modifier };
      }
      case "parens":
        return { kind: "parens", args: e.args.map((a) => this.expand(was, a, pos)) };
      case "string":
        return this.expandString(was, e, pos);
      case "rollup": {
        const expr = this.expand(was, e.expr, pos);
        const window = this.expandDuration(was, e.window, pos);
        const step = this.expandDuration(was, e.step, pos);
        const offset = this.expandDuration(was, e.offset, pos);
        const at = e.at === null ? null : this.expand(was, e.at, pos);
        return { ...e, expr, window, step, offset, at };
      }
      case "with":
        return this.expand([...was, ...e.args], e.expr, pos);
      case "metric":
        return this.expandMetric(was, e, pos);
      case "number":
      case "duration":
        return e;
      default: {
        const _: never = e;
        throw new Error(`BUG: unknown expression ${JSON.stringify(_)}`);
      }
    }
  }

  // expandTemplate substitutes template wa called with args; args is null where the
  // name is used without a call (as a metric name or inside a string).
  expandTemplate(was: readonly WithArgExpr[], wa: WithArgExpr, args: Expr[] | null, pos: number): Expr {
    if (wa.params.length !== (args?.length ?? 0)) {
      // A metric named like a function template stays a metric.
      if (args === null) return metricExpr(wa.name);
      this.fail(pos, `invalid number of args for ${q(wa.name)}; got ${args.length}; want ${wa.params.length}`);
    }
    const scope: WithArgExpr[] = [];
    for (const t of was) {
      if (t === wa) break;
      scope.push(t);
    }
    wa.params.forEach((name, i) => scope.push({ name, params: [], expr: args![i] }));
    return this.expand(scope, wa.expr, pos);
  }

  expandString(was: readonly WithArgExpr[], se: StringExpr, pos: number): StringExpr {
    if (se.tokens === null) return se;
    // Literals only: the parser has joined them.
    if (se.tokens.every(isStringPrefix)) return { kind: "string", value: se.value, tokens: null };
    let value = "";
    for (const token of se.tokens) {
      if (isStringPrefix(token)) {
        try {
          value += goUnquote(token);
        } catch (err) {
          this.fail(pos, `cannot parse string literal ${token}: ${(err as Error).message}`);
        }
        continue;
      }
      const wa = lookup(was, token);
      if (wa === undefined) this.fail(pos, `missing ${q(token)} value inside stringExpr`);
      const e = this.expandTemplate(was, wa, null, pos);
      if (e.kind !== "string") this.fail(pos, `${q(token)} must be string expression; got ${q(printExpr(e))}`);
      value += e.value;
    }
    return { kind: "string", value, tokens: null };
  }

  expandDuration(was: readonly WithArgExpr[], d: DurationExpr | null, ctx: number): DurationExpr | null {
    if (d === null || !d.isTemplateRef) return d;
    const pos = this.posOf(d, ctx);
    const wa = lookup(was, d.text);
    if (wa === undefined) this.fail(pos, `cannot find WITH template for ${q(d.text)}`);
    const e = this.expandTemplate(was, wa, [], pos);
    if (e.kind === "duration") return e;
    if (e.kind === "number") {
      // A number of seconds.
      try {
        durationValue(e.text, 0);
      } catch (err) {
        this.fail(pos, `cannot parse duration ${q(e.text)}: ${(err as Error).message}`);
      }
      return { kind: "duration", text: e.text, isTemplateRef: false };
    }
    this.fail(pos, `unexpected value for WITH template ${q(d.text)}; got ${printExpr(e)}; want duration`);
  }

  // expandModifierArgs replaces template names in a by() / on() / ... list with the
  // metric names they stand for: a template argument `x` given `foo` or `(foo, bar)`.
  expandModifierArgs(was: readonly WithArgExpr[], args: string[], pos: number): string[] {
    const out: string[] = [];
    for (const arg of args) {
      const wa = lookup(was, arg);
      if (wa === undefined || wa.params.length > 0) {
        out.push(arg);
        continue;
      }
      const e = wa.expr;
      const cannotUse: () => never = () =>
        this.fail(pos, `cannot use ${q(printExpr(e))} instead of ${q(arg)} in ${printList(args)}`);
      if (e.kind === "metric") {
        if (!isOnlyMetricName(e)) cannotUse();
        out.push(metricName(e));
      } else if (e.kind === "parens") {
        for (const a of e.args) {
          if (a.kind !== "metric" || !isOnlyMetricName(a)) cannotUse();
          out.push(metricName(a));
        }
      } else {
        cannotUse();
      }
    }
    return [...new Set(out)];
  }

  expandMetric(was: readonly WithArgExpr[], t: MetricExpr, pos: number): Expr {
    // An expanded selector (a template argument, say) is not looked up again.
    if (t.raw === null) return t;
    const me = this.expandLabelFilters(was, t, t.raw, pos);
    const name = metricName(me);
    if (name === "") return me;
    const wa = lookup(was, name);
    if (wa === undefined) return me;
    const e = this.expandTemplate(was, wa, null, pos);
    const re = e.kind === "rollup" ? e : null;
    const inner = re !== null ? re.expr : e;
    if (inner.kind !== "metric") {
      if (isOnlyMetricName(me)) return e;
      this.fail(pos, `cannot expand ${q(printExpr(me))} to non-metric expression ${q(printExpr(e))}`);
    }
    const src = inner.labelFilterss;
    const lfss: LabelFilter[][] = [];
    if (src.length !== 1) {
      // The template is {... or ...} (or {}): it can take plain filters only.
      if (isOnlyMetricName(me)) return e;
      if (me.labelFilterss.length !== 1) {
        this.fail(pos, `${q(name)} mustn't contain 'or' filters; got ${printExpr(inner)}`);
      }
      for (const lfs of src) lfss.push(removeDuplicateLabelFilters([...lfs, ...me.labelFilterss[0].slice(1)]));
    } else {
      for (const lfs of me.labelFilterss) lfss.push(removeDuplicateLabelFilters([...src[0], ...lfs.slice(1)]));
    }
    const merged: MetricExpr = { kind: "metric", labelFilterss: lfss, raw: null };
    return re !== null ? { ...re, expr: merged } : merged;
  }

  expandLabelFilters(was: readonly WithArgExpr[], t: MetricExpr, raw: RawLabelFilter[][], ctx: number): MetricExpr {
    const lfss: LabelFilter[][] = [];
    // If every or-group that names a metric names the same one, it goes to the
    // groups that name none: {"foo", a="1" or b="2"} is foo{a="1" or b="2"}.
    let commonName = "";
    let haveCommonName = true;
    for (const group of raw) {
      let localName = "";
      let lfs: LabelFilter[] = [];
      const setName = (name: string, pos: number) => {
        if (localName !== "" && localName !== name) {
          this.fail(pos, `metric name must not be set twice: ${q(localName)} or ${q(name)}`);
        }
        localName = name;
        lfs = [metricNameFilter(name), ...lfs];
      };
      for (const lfe of group) {
        const pos = this.posOf(lfe, ctx);
        if (lfe.value === null) {
          const wa = lookup(was, lfe.label);
          if (wa === undefined) {
            if (lfe.isPossibleMetricName) {
              setName(lfe.label, pos);
              continue;
            }
            this.fail(pos, `cannot find WITH template for ${q(lfe.label)} inside ${q(printExpr(t))}`);
          }
          const e = this.expandTemplate(was, wa, [], pos);
          if (e.kind !== "metric" || metricName(e) !== "") {
            this.fail(pos, `WITH template ${q(lfe.label)} inside ${q(printExpr(t))} must be {...}; got ${q(printExpr(e))}`);
          }
          if (e.labelFilterss.length > 1) {
            this.fail(pos, `WITH template ${q(lfe.label)} at ${q(printExpr(t))} must be {...} without 'or'; got ${printExpr(e)}`);
          }
          if (e.labelFilterss.length === 1) lfs.push(...e.labelFilterss[0]);
          continue;
        }
        const se = this.expandString(was, lfe.value, this.posOf(lfe.value, pos));
        const lf: LabelFilter = { label: lfe.label, value: se.value, isNegative: lfe.isNegative, isRegexp: lfe.isRegexp };
        if (lf.isRegexp) {
          try {
            compileAnchored(lf.value, { dotAll: true });
          } catch (err) {
            this.fail(pos, `invalid regexp in ${lf.label}=${q(lf.value)}: ${(err as Error).message}`);
          }
        }
        if (isMetricNameFilter(lf)) setName(lf.value, pos);
        else lfs.push(lf);
      }
      if (haveCommonName && localName !== "") {
        if (commonName === "") commonName = localName;
        else if (commonName !== localName) haveCommonName = false;
      }
      lfss.push(removeDuplicateLabelFilters(lfs));
    }
    if (haveCommonName && commonName !== "") {
      for (let i = 0; i < lfss.length; i++) {
        if (!lfss[i].some((lf) => lf.label === "__name__")) lfss[i] = [metricNameFilter(commonName), ...lfss[i]];
      }
    }
    return { kind: "metric", labelFilterss: lfss, raw: null };
  }
}

function printList(args: string[]): string {
  return "[" + args.join(" ") + "]";
}
