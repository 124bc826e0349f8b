// Parser: hand-written recursive descent over the Lexer's tokens, building the raw
// tree (WITH templates, parentheses, and strings / label filters / durations as
// written). Grammar and error wording follow VictoriaMetrics' metricsql parser.
//
// Operator precedence is applied as VictoriaMetrics does: operands are read left to
// right and each new operator is pushed down the right edge of the tree built so far
// while it binds tighter (balance()). A unary minus becomes `0 - x` and takes part in
// that rebalancing, so `-a * b` is `0 - (a * b)` and `-1 ^ 2` is -1, as in Prometheus.

import type {
  AggrFuncExpr,
  BinaryOpExpr,
  DurationExpr,
  Expr,
  MetricExpr,
  ModifierExpr,
  NumberExpr,
  ParensExpr,
  RawLabelFilter,
  RollupExpr,
  StringExpr,
  WithArgExpr,
  WithExpr,
} from "./ast.ts";
import {
  binaryOpPriority,
  isBinaryOpCmp,
  isBinaryOpLogicalSet,
  isBoolModifier,
  isGroupModifier,
  isJoinModifier,
  isPrefixModifier,
  isRightAssociative,
  toBinaryOp,
} from "./binary_op.ts";
import { durationValue, isPositiveDuration } from "./duration.ts";
import { checkNesting, guardDepth, syntaxError } from "./errors.ts";
import { isAggrFunc, isAggrFuncModifier } from "./functions.ts";
import { goQuote, goUnquote } from "./go_strconv.ts";
import {
  isIdentPrefix,
  isInfOrNaN,
  isPositiveNumberPrefix,
  isStringPrefix,
  Lexer,
  parsePositiveNumber,
  unescapeIdent,
} from "./lexer.ts";

/**
 * parseRaw parses query q into a raw tree: WITH templates are not expanded, and
 * parentheses are kept as ParensExpr. It throws a ParseError for invalid syntax.
 * Use parse() to get the tree the query engine evaluates.
 */
export function parseRaw(q: string): Expr {
  checkNesting(q);
  return guardDepth(() => parseRawWithPositions(q).expr);
}

/**
 * NodePositions maps nodes of a raw tree (selectors, label filters, strings, calls,
 * durations, binary operations) to their offsets in the query, for error messages.
 */
export type NodePositions = ReadonlyMap<object, number>;

/** parseRawWithPositions is parseRaw that also returns where the nodes start. */
export function parseRawWithPositions(q: string): { expr: Expr; positions: NodePositions } {
  const p = new Parser(q);
  const expr = p.parseExpr();
  p.expectEOF();
  return { expr, positions: p.positions };
}

/** parseWithArgExprs parses `name(args) = expr, ...` (the inside of a WITH) into templates. */
export function parseWithArgExprs(src: string): WithArgExpr[] {
  const p = new Parser(src);
  const was: WithArgExpr[] = [];
  for (;;) {
    was.push(p.parseWithArgExpr());
    if (p.lex.token === "") return was;
    p.expect(",", "withArgExprs");
    p.lex.next();
  }
}

function isWith(token: string): boolean {
  return token.toLowerCase() === "with";
}

function isOffset(token: string): boolean {
  return token.toLowerCase() === "offset";
}

function isKeepMetricNames(token: string): boolean {
  return token.toLowerCase() === "keep_metric_names";
}

function isQuotedString(s: string): boolean {
  return s.length >= 2 && isStringPrefix(s) && isStringPrefix(s[s.length - 1]);
}

function q(token: string): string {
  return goQuote(token);
}

// balance re-associates be, whose left operand may be a binary operation built
// before be's operator was seen, so that tighter-binding operators end up lower.
function balance(be: BinaryOpExpr): Expr {
  const bel = be.left;
  if (bel.kind !== "binaryOp") return be;
  const lp = binaryOpPriority(bel.op);
  const rp = binaryOpPriority(be.op);
  if (rp < lp) return be;
  if (rp === lp && !isRightAssociative(be.op)) return be;
  be.left = bel.right;
  bel.right = balance(be);
  return bel;
}

class Parser {
  readonly lex: Lexer;
  readonly positions = new Map<object, number>();

  constructor(q: string) {
    this.lex = new Lexer(q);
    this.lex.next();
  }

  // tok returns the current token (a call, so that checks on it are not carried across lex.next()).
  tok(): string {
    return this.lex.token;
  }

  // at records that node starts at pos; it returns node.
  at<T extends object>(node: T, pos: number): T {
    this.positions.set(node, pos);
    return node;
  }

  fail(reason: string, pos = this.lex.pos): never {
    throw syntaxError(pos, reason);
  }

  expect(token: string, context: string): void {
    if (this.tok() !== token) this.fail(`${context}: unexpected token ${q(this.tok())}; want ${q(token)}`);
  }

  expectEOF(): void {
    if (this.tok() !== "") this.fail(`unparsed data left: ${q(this.tok())}`);
  }

  parseExpr(): Expr {
    let e = this.parseSingleExpr();
    for (;;) {
      const op = toBinaryOp(this.tok());
      if (op === undefined) return e;
      const opPos = this.lex.pos;
      const be: BinaryOpExpr = this.at(
        {
          kind: "binaryOp",
          op,
          bool: false,
          groupModifier: null,
          joinModifier: null,
          joinModifierPrefix: null,
          keepMetricNames: false,
          left: e,
          right: e,
        },
        opPos,
      );
      this.lex.next();
      if (isBoolModifier(this.tok())) {
        if (!isBinaryOpCmp(op)) this.fail(`bool modifier cannot be applied to ${q(op)}`);
        be.bool = true;
        this.lex.next();
      }
      if (isGroupModifier(this.tok())) {
        be.groupModifier = this.parseModifierExpr(false);
        if (isJoinModifier(this.tok())) {
          if (isBinaryOpLogicalSet(op)) this.fail(`modifier ${q(this.tok())} cannot be applied to ${q(op)}`);
          be.joinModifier = this.parseModifierExpr(true);
          if (isPrefixModifier(this.tok())) {
            this.lex.next();
            be.joinModifierPrefix = this.parseStringExpr();
          }
        }
      }
      be.right = this.parseSingleExpr();
      if (isKeepMetricNames(this.tok())) {
        be.keepMetricNames = true;
        this.lex.next();
      }
      e = balance(be);
    }
  }

  // parseSingleExpr parses an operand: anything but a binary operation.
  parseSingleExpr(): Expr {
    if (isWith(this.tok())) {
      this.lex.next();
      const isWithExpr = this.tok() === "(";
      this.lex.prev();
      if (isWithExpr) return this.parseWithExpr();
    }
    const e = this.parseSingleExprWithoutRollupSuffix();
    const t = this.tok();
    if (t !== "[" && t !== "@" && !isOffset(t)) return e;
    return this.parseRollupExpr(e);
  }

  parseSingleExprWithoutRollupSuffix(): Expr {
    const t = this.tok();
    const pos = this.lex.pos;
    if (isPositiveDuration(t)) return this.parsePositiveDuration();
    if (isStringPrefix(t)) return this.parseStringExpr();
    if (isPositiveNumberPrefix(t) || isInfOrNaN(t)) return this.parsePositiveNumberExpr();
    if (isIdentPrefix(t)) return this.parseIdentExpr();
    switch (t) {
      case "(":
        return this.parseParensExpr();
      case "{":
        return this.parseMetricExpr();
      case "-": {
        // Unary minus: -x is 0 - x.
        this.lex.next();
        const zero: NumberExpr = { kind: "number", value: 0, text: "0" };
        const right = this.parseSingleExpr();
        return {
          kind: "binaryOp",
          op: "-",
          bool: false,
          groupModifier: null,
          joinModifier: null,
          joinModifierPrefix: null,
          keepMetricNames: false,
          left: zero,
          right,
        };
      }
      case "+":
        this.lex.next();
        return this.parseSingleExpr();
      default:
        this.fail(`singleExpr: unexpected token ${q(t)}; want "(", "{", "-", "+"`);
    }
  }

  parseWithExpr(): WithExpr {
    this.lex.next();
    this.expect("(", "withExpr");
    const args: WithArgExpr[] = [];
    const argPos: number[] = [];
    for (;;) {
      this.lex.next();
      if (this.tok() === ")") break;
      argPos.push(this.lex.pos);
      args.push(this.parseWithArgExpr());
      if (this.tok() === ",") continue;
      if (this.tok() === ")") break;
      this.fail(`withExpr: unexpected token ${q(this.tok())}; want ",", ")"`);
    }
    const seen = new Map<string, WithArgExpr>();
    for (let i = 0; i < args.length; i++) {
      const prev = seen.get(args[i].name);
      if (prev !== undefined) {
        this.fail(`duplicate WITH template name ${q(args[i].name)}`, argPos[i]);
      }
      seen.set(args[i].name, args[i]);
    }
    this.lex.next();
    const expr = this.parseExpr();
    return { kind: "with", args, expr };
  }

  parseWithArgExpr(): WithArgExpr {
    if (!isIdentPrefix(this.tok())) this.fail(`withArgExpr: unexpected token ${q(this.tok())}; want "ident"`);
    const name = unescapeIdent(this.tok());
    this.lex.next();
    let params: string[] = [];
    if (this.tok() === "(") {
      const listPos = this.lex.pos;
      params = this.parseIdentList(false);
      const seen = new Set<string>();
      for (const p of params) {
        if (seen.has(p)) this.fail(`withArgExpr: duplicate func arg found in ${q(name)}: ${q(p)}`, listPos);
        seen.add(p);
      }
    }
    if (this.tok() !== "=") this.fail(`withArgExpr: unexpected token ${q(this.tok())}; want "="`);
    this.lex.next();
    const expr = this.parseExpr();
    return { name, params, expr };
  }

  parsePositiveNumberExpr(): NumberExpr {
    const t = this.tok();
    if (!isPositiveNumberPrefix(t) && !isInfOrNaN(t)) {
      this.fail(`positiveNumberExpr: unexpected token ${q(t)}; want "number"`);
    }
    let value: number;
    try {
      value = parsePositiveNumber(t);
    } catch (err) {
      this.fail(`cannot parse number ${q(t)}: ${(err as Error).message}`);
    }
    this.lex.next();
    return { kind: "number", value, text: t };
  }

  // parseStringExpr parses a string, or a concatenation `"a" + "b"`, `"a" + tmpl`
  // where tmpl names a WITH template. `"a" + m(...)` and `"a" + m{...}` stop at the
  // "+": those are binary operations.
  parseStringExpr(): StringExpr {
    const pos = this.lex.pos;
    const tokens: string[] = [];
    // value is the concatenation of the literals, which is the string's value unless a
    // template name is among the tokens.
    let value = "";
    for (;;) {
      const t = this.tok();
      if (isStringPrefix(t)) {
        try {
          value += goUnquote(t);
        } catch (err) {
          this.fail(`cannot parse string literal ${t}: ${(err as Error).message}`);
        }
      } else if (!isIdentPrefix(t)) {
        this.fail(`stringExpr: unexpected token ${q(t)}; want "string"`);
      }
      tokens.push(t);
      this.lex.next();
      if (this.tok() !== "+") break;
      this.lex.next();
      if (isStringPrefix(this.tok())) continue;
      if (!isIdentPrefix(this.tok())) {
        this.lex.prev();
        break;
      }
      this.lex.next();
      const after = this.tok();
      this.lex.prev();
      if (after === "(" || after === "{") {
        this.lex.prev();
        break;
      }
    }
    return this.at({ kind: "string", value, tokens }, pos);
  }

  parseParensExpr(): ParensExpr {
    this.expect("(", "parensExpr");
    const args: Expr[] = [];
    for (;;) {
      this.lex.next();
      if (this.tok() === ")") break;
      args.push(this.parseExpr());
      if (this.tok() === ",") continue;
      if (this.tok() === ")") break;
      this.fail(`parensExpr: unexpected token ${q(this.tok())}; want "," or ")"`);
    }
    this.lex.next();
    if (args.length === 1 && args[0].kind === "binaryOp" && isKeepMetricNames(this.tok())) {
      args[0].keepMetricNames = true;
      this.lex.next();
    }
    return { kind: "parens", args };
  }

  parseAggrFuncExpr(): AggrFuncExpr {
    const pos = this.lex.pos;
    const ae: AggrFuncExpr = this.at(
      { kind: "aggr", name: unescapeIdent(this.tok()).toLowerCase(), args: [], modifier: null, limit: 0 },
      pos,
    );
    this.lex.next();
    if (isIdentPrefix(this.tok())) {
      if (!isAggrFuncModifier(this.tok())) {
        this.fail(`aggrFuncExpr: unexpected token ${q(this.tok())}; want aggregate func modifier`);
      }
      ae.modifier = this.parseModifierExpr(false);
    } else if (this.tok() !== "(") {
      this.fail(`aggrFuncExpr: unexpected token ${q(this.tok())}; want "("`);
    }
    ae.args = this.parseArgListExpr();
    if (ae.modifier === null && isAggrFuncModifier(this.tok())) ae.modifier = this.parseModifierExpr(false);
    if (this.tok().toLowerCase() === "limit") {
      this.lex.next();
      const t = this.tok();
      if (!/^[0-9]+$/.test(t)) this.fail(`cannot parse limit ${q(t)}: want a non-negative integer`);
      const limit = Number(t);
      if (!Number.isSafeInteger(limit)) this.fail(`cannot parse limit ${q(t)}: value out of range`);
      ae.limit = limit;
      this.lex.next();
    }
    return ae;
  }

  parseFuncExpr(): Expr {
    const pos = this.lex.pos;
    const name = unescapeIdent(this.tok());
    this.lex.next();
    this.expect("(", "funcExpr");
    const args = this.parseArgListExpr();
    let keepMetricNames = false;
    if (isKeepMetricNames(this.tok())) {
      keepMetricNames = true;
      this.lex.next();
    }
    return this.at({ kind: "func", name, args, keepMetricNames }, pos);
  }

  parseModifierExpr(allowStar: boolean): ModifierExpr {
    if (!isIdentPrefix(this.tok())) this.fail(`modifierExpr: unexpected token ${q(this.tok())}; want "ident"`);
    const op = this.tok().toLowerCase();
    this.lex.next();
    // group_left and group_right may go without a label list.
    if (isJoinModifier(op) && this.tok() !== "(") return { op, args: [] };
    return { op, args: this.parseIdentList(allowStar) };
  }

  // parseIdentList parses `(a, b, ...)`; names may be quoted, Prometheus 3 style
  // (https://github.com/prometheus/proposals/blob/main/proposals/2023-08-21-utf8.md).
  parseIdentList(allowStar: boolean): string[] {
    this.expect("(", "identList");
    this.lex.next();
    if (allowStar && this.tok() === "*") {
      this.lex.next();
      if (this.tok() !== ")") this.fail(`identList: unexpected token ${q(this.tok())} after "*"; want ")"`);
      this.lex.next();
      return ["*"];
    }
    const idents: string[] = [];
    for (;;) {
      if (this.tok() === ")") {
        this.lex.next();
        return idents;
      }
      let t = this.tok();
      if (isQuotedString(t)) t = t.slice(1, -1);
      if (!isIdentPrefix(t)) this.fail(`identList: unexpected token ${q(this.tok())}; want "ident"`);
      idents.push(unescapeIdent(t));
      this.lex.next();
      if (this.tok() === ",") this.lex.next();
      else if (this.tok() !== ")") this.fail(`identList: unexpected token ${q(this.tok())}; want ",", ")"`);
    }
  }

  parseArgListExpr(): Expr[] {
    this.expect("(", "argList");
    const args: Expr[] = [];
    for (;;) {
      this.lex.next();
      if (this.tok() === ")") break;
      args.push(this.parseExpr());
      if (this.tok() === ",") continue;
      if (this.tok() === ")") break;
      this.fail(`argList: unexpected token ${q(this.tok())}; want ",", ")"`);
    }
    this.lex.next();
    return args;
  }

  // parseIdentExpr parses what starts with an identifier: a selector, a function or
  // an aggregate; the token after the identifier decides.
  parseIdentExpr(): Expr {
    this.lex.next();
    const t = this.tok();
    this.lex.prev();
    if (t === "" || isOffset(t)) return this.parseMetricExpr();
    if (isIdentPrefix(t)) return isAggrFunc(this.tok()) ? this.parseAggrFuncExpr() : this.parseMetricExpr();
    if (toBinaryOp(t) !== undefined) return this.parseMetricExpr();
    switch (t) {
      case "(":
        return isAggrFunc(this.tok()) ? this.parseAggrFuncExpr() : this.parseFuncExpr();
      case "{":
      case "[":
      case ")":
      case ",":
      case "@":
        return this.parseMetricExpr();
      default:
        this.lex.next();
        this.fail(`identExpr: unexpected token ${q(t)}; want "(", "{", "[", ")", "," or "@"`);
    }
  }

  parseMetricExpr(): MetricExpr {
    const pos = this.lex.pos;
    let mf: RawLabelFilter | null = null;
    if (isIdentPrefix(this.tok())) {
      const name = unescapeIdent(this.tok());
      const value: StringExpr = this.at({ kind: "string", value: name, tokens: [goQuote(name)] }, pos);
      const nameFilter: RawLabelFilter = { label: "__name__", value, isNegative: false, isRegexp: false, isPossibleMetricName: false };
      mf = nameFilter;
      this.lex.next();
      if (this.tok() !== "{") return this.at({ kind: "metric", labelFilterss: [], raw: [[nameFilter]] }, pos);
    }
    const raw = this.parseLabelFilterss(mf);
    return this.at({ kind: "metric", labelFilterss: [], raw }, pos);
  }

  parseLabelFilterss(mf: RawLabelFilter | null): RawLabelFilter[][] | null {
    this.expect("{", "labelFilters");
    this.lex.next();
    if (this.tok() === "}") {
      this.lex.next();
      return mf !== null ? [[mf]] : null;
    }
    const lfss: RawLabelFilter[][] = [];
    for (;;) {
      lfss.push(this.parseLabelFilters(mf));
      if (this.tok() === "}") {
        this.lex.next();
        return lfss;
      }
      // parseLabelFilters stops only at "}" or "or".
      this.lex.next();
    }
  }

  parseLabelFilters(mf: RawLabelFilter | null): RawLabelFilter[] {
    const lfs: RawLabelFilter[] = mf !== null ? [mf] : [];
    for (;;) {
      lfs.push(this.parseLabelFilterExpr());
      const t = this.tok().toLowerCase();
      if (t === ",") {
        this.lex.next();
        if (this.tok() === "}") return lfs;
        continue;
      }
      if (t === "or" || t === "}") return lfs;
      this.fail(`labelFilters: unexpected token ${q(this.tok())}; want ",", "or", "}"`);
    }
  }

  parseLabelFilterExpr(): RawLabelFilter {
    let t = this.tok();
    const pos = this.lex.pos;
    let isPossibleMetricName = false;
    if (isQuotedString(t)) {
      // A quoted name may be a metric name: {"metric.name"} (Prometheus 3).
      t = t.slice(1, -1);
      isPossibleMetricName = true;
    } else if (!isIdentPrefix(t)) {
      this.fail(`labelFilterExpr: unexpected token ${q(t)}; want "ident"`);
    }
    const lf: RawLabelFilter = this.at(
      { label: unescapeIdent(t), value: null, isNegative: false, isRegexp: false, isPossibleMetricName: false },
      pos,
    );
    this.lex.next();
    switch (this.tok().toLowerCase()) {
      case "=":
        break;
      case "!=":
        lf.isNegative = true;
        break;
      case "=~":
        lf.isRegexp = true;
        break;
      case "!~":
        lf.isNegative = true;
        lf.isRegexp = true;
        break;
      case ",":
      case "}":
      case "or":
        // A bare name: a WITH template reference ({x, a="b"}) or a quoted metric name.
        lf.isPossibleMetricName = isPossibleMetricName;
        return lf;
      default:
        this.fail(`labelFilterExpr: unexpected token ${q(this.tok())}; want "=", "!=", "=~", "!~", ",", "or", "}"`);
    }
    this.lex.next();
    lf.value = this.parseStringExpr();
    return lf;
  }

  parseWindowAndStep(re: RollupExpr): void {
    this.expect("[", "windowAndStep");
    this.lex.next();
    if (!this.tok().startsWith(":")) {
      // [$__interval] means no window: VictoriaMetrics picks one, as for rate(m).
      if (this.tok() === "$__interval") this.lex.next();
      else re.window = this.parsePositiveDuration();
    }
    if (this.tok().startsWith(":")) {
      // The lexer read ":" with what follows as an identifier (":30s", ":"); read on after the ":".
      this.lex.rescanFrom(this.lex.pos + 1);
      if (this.tok() === "]") re.inheritStep = true;
      else re.step = this.parsePositiveDuration();
    }
    this.expect("]", "windowAndStep");
    this.lex.next();
  }

  parseAtExpr(): Expr {
    this.lex.next();
    return this.parseSingleExprWithoutRollupSuffix();
  }

  parseRollupExpr(arg: Expr): RollupExpr {
    const re: RollupExpr = { kind: "rollup", expr: arg, window: null, step: null, inheritStep: false, offset: null, at: null };
    if (this.tok() === "[") {
      this.parseWindowAndStep(re);
      if (!isOffset(this.tok()) && this.tok() !== "@") return re;
    }
    if (this.tok() === "@") re.at = this.parseAtExpr();
    if (isOffset(this.tok())) {
      this.lex.next();
      re.offset = this.parseDuration();
    }
    if (this.tok() === "@") {
      if (re.at !== null) this.fail("duplicate `@` token");
      re.at = this.parseAtExpr();
    }
    return re;
  }

  // parseDuration parses a duration that may be negative (offsets).
  parseDuration(): DurationExpr {
    const isNegative = this.tok() === "-";
    if (isNegative) this.lex.next();
    const de = this.parsePositiveDuration();
    if (isNegative) de.text = "-" + de.text;
    return de;
  }

  parsePositiveDuration(): DurationExpr {
    let t = this.tok();
    const pos = this.lex.pos;
    if (isIdentPrefix(t)) {
      // A WITH template name; in `[w:s]` the lexer reads "w:s" as one identifier.
      const n = t.indexOf(":");
      if (n >= 0) {
        this.lex.splitToken(n);
        t = t.slice(0, n);
      }
      this.lex.next();
      return this.at({ kind: "duration", text: t, isTemplateRef: true }, pos);
    }
    if (isPositiveDuration(t)) {
      this.lex.next();
    } else {
      if (!isPositiveNumberPrefix(t)) this.fail(`duration: unexpected token ${q(t)}; want valid duration`);
      // A bare number is a duration in seconds.
      this.parsePositiveNumberExpr();
    }
    if (t === "$__interval") t = "1i";
    try {
      durationValue(t, 0);
    } catch (err) {
      this.fail(`cannot parse duration ${q(t)}: ${(err as Error).message}`, pos);
    }
    return { kind: "duration", text: t, isTemplateRef: false };
  }
}
