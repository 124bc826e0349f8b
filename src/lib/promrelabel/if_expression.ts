// The `if` option of a relabeling rule: a series selector such as
// `foo{bar=~"a|b", baz!=""}` that the labels must match for the rule to apply.

import { compileAnchored, type AnchoredRegex } from "../regexutil/index.ts";
import { parse, type Expr } from "../metricsql/index.ts";
import type { LabelsBuf } from "./labels_buf.ts";

interface Filter {
  label: string;
  value: string;
  negative: boolean;
  re: AnchoredRegex | undefined;
}

/** IfExpression is a parsed `if` series selector; match tells whether labels satisfy it. */
export class IfExpression {
  /** source is the selector as written. */
  readonly source: string;
  private readonly groups: Filter[][]; // any group (`or`) whose filters all match

  private constructor(source: string, groups: Filter[][]) {
    this.source = source;
    this.groups = groups;
  }

  /**
   * parse parses a series selector. It throws an Error "cannot parse `if`
   * series selector ..." for anything else (a function call, a syntax error,
   * an invalid regexp).
   */
  static parse(s: string): IfExpression {
    let e: Expr;
    try {
      e = parse(s);
    } catch (err) {
      throw new Error(`cannot parse \`if\` series selector ${JSON.stringify(s)}: ${(err as Error).message}`);
    }
    if (e.kind !== "metric") throw new Error(`cannot parse \`if\` series selector ${JSON.stringify(s)}: got ${e.kind} expression; want a series selector`);
    const groups: Filter[][] = [];
    for (const lfs of e.labelFilterss) {
      const g: Filter[] = [];
      for (const lf of lfs) {
        let re: AnchoredRegex | undefined;
        if (lf.isRegexp) {
          try {
            re = compileAnchored(lf.value);
          } catch (err) {
            throw new Error(`cannot parse \`if\` series selector ${JSON.stringify(s)}: cannot parse regexp ${JSON.stringify(lf.value)}: ${(err as Error).message}`);
          }
        }
        g.push({ label: lf.label, value: lf.value, negative: lf.isNegative, re });
      }
      groups.push(g);
    }
    if (groups.length === 0) groups.push([]);
    return new IfExpression(s, groups);
  }

  /**
   * match reports whether the labels match: in some `or` group, every filter
   * matches the label's value, where a missing label reads as "".
   */
  match(lb: LabelsBuf): boolean {
    for (const g of this.groups) {
      let ok = true;
      for (const f of g) {
        const v = lb.get(f.label);
        const pos = f.re !== undefined ? f.re.matches(v) : v === f.value;
        if (pos === f.negative) {
          ok = false;
          break;
        }
      }
      if (ok) return true;
    }
    return false;
  }
}
