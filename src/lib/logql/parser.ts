// A recursive-descent parser for the supported part of LogQL. Anything
// outside it fails with a LogQLParseError that names the unsupported
// construct, so the Loki API answers 400 instead of a wrong result.

import type { AggOp, BinaryOp, CmpOp, Expr, LabelFilter, LineFilterOp, LogQuery, Matcher, MetricExpr, RangeFn, Stage } from "./ast.ts";
import { LogQLParseError, parseDurationMs, tokenize, type Token } from "./lexer.ts";

const RANGE_FNS = new Set<string>(["count_over_time", "rate", "bytes_over_time", "bytes_rate", "sum_over_time", "avg_over_time", "min_over_time", "max_over_time"]);
const UNWRAP_FNS = new Set<string>(["sum_over_time", "avg_over_time", "min_over_time", "max_over_time"]);
const UNSUPPORTED_RANGE_FNS = new Set<string>(["absent_over_time", "quantile_over_time", "first_over_time", "last_over_time", "stddev_over_time", "stdvar_over_time", "rate_counter"]);
const AGG_OPS = new Set<string>(["sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk"]);
const UNSUPPORTED_AGG_OPS = new Set<string>(["sort", "sort_desc", "approx_topk", "label_replace"]);

// Binary operator precedence, lowest first (PromQL's, without set operators).
const PRECEDENCE: Record<string, number> = { "==": 1, "!=": 1, ">": 1, ">=": 1, "<": 1, "<=": 1, "+": 2, "-": 2, "*": 3, "/": 3, "%": 3, "^": 4 };

class Parser {
  private readonly toks: Token[];
  private i = 0;

  constructor(src: string) {
    this.toks = tokenize(src);
  }

  private get t(): Token {
    return this.toks[this.i]!;
  }

  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }

  private isOp(text: string): boolean {
    return this.t.kind === "op" && this.t.text === text;
  }

  private isIdent(text: string): boolean {
    return this.t.kind === "ident" && this.t.text === text;
  }

  private fail(msg: string, tok: Token = this.t): never {
    throw new LogQLParseError(msg, tok.pos);
  }

  private describe(tok: Token): string {
    return tok.kind === "eof" ? "end of query" : JSON.stringify(tok.text);
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(`expecting ${JSON.stringify(text)}; got ${this.describe(this.t)}`);
    return this.toks[this.i++]!;
  }

  private expectString(what: string): string {
    if (this.t.kind !== "string") this.fail(`expecting a quoted ${what}; got ${this.describe(this.t)}`);
    return this.toks[this.i++]!.text;
  }

  private expectIdent(what: string): string {
    if (this.t.kind !== "ident") this.fail(`expecting ${what}; got ${this.describe(this.t)}`);
    return this.toks[this.i++]!.text;
  }

  parseTop(): Expr {
    // A query that starts with a selector is a log query.
    const e = this.isOp("{") ? this.parseLogQuery() : this.parseExpr(0);
    if (this.t.kind !== "eof") this.fail(`unexpected ${this.describe(this.t)}`);
    return e;
  }

  parseLogQuery(): LogQuery {
    const matchers = this.parseSelector();
    const stages: Stage[] = [];
    for (;;) {
      const s = this.parseStage();
      if (s === undefined) break;
      stages.push(s);
    }
    return { kind: "log", matchers, stages };
  }

  private parseSelector(): Matcher[] {
    const open = this.expectOp("{");
    const out: Matcher[] = [];
    while (!this.isOp("}")) {
      const name = this.expectIdent("a label name");
      const opTok = this.t;
      if (opTok.kind !== "op" || !["=", "!=", "=~", "!~"].includes(opTok.text)) this.fail(`expecting one of =, !=, =~, !~ after ${JSON.stringify(name)}; got ${this.describe(opTok)}`);
      this.i++;
      const value = this.expectString("label value");
      out.push({ name, op: opTok.text as Matcher["op"], value });
      if (this.isOp(",")) this.i++;
      else if (!this.isOp("}")) this.fail(`expecting "," or "}"; got ${this.describe(this.t)}`);
    }
    this.i++;
    if (out.length === 0) this.fail("a stream selector needs at least one matcher", open);
    return out;
  }

  /** parseStage parses one pipeline stage, or returns undefined when the pipeline ends. */
  private parseStage(): Stage | undefined {
    const t = this.t;
    if (t.kind === "op" && (t.text === "|=" || t.text === "!=" || t.text === "|~" || t.text === "!~")) {
      this.i++;
      if (this.t.kind === "ident" && this.peek().kind === "op" && this.peek().text === "(") this.fail(`line filter functions such as ${this.t.text}(...) are not supported`);
      const values = [this.expectString("line filter")];
      while (this.isIdent("or") && this.peek().kind === "string") {
        this.i++;
        values.push(this.expectString("line filter"));
      }
      return { kind: "line", op: t.text as LineFilterOp, values };
    }
    if (!(t.kind === "op" && t.text === "|")) return undefined;
    // "| unwrap" belongs to the range aggregation around us.
    if (this.peek().kind === "ident" && this.peek().text === "unwrap") return undefined;
    this.i++;
    const nameTok = this.t;
    if (nameTok.kind !== "ident") this.fail(`expecting a stage after "|"; got ${this.describe(nameTok)}`);
    const name = nameTok.text;
    const next = this.peek();
    const isLabelFilter = next.kind === "op" && ["=", "==", "!=", "=~", "!~", ">", ">=", "<", "<="].includes(next.text);
    if (isLabelFilter) return { kind: "label", filter: this.parseLabelFilterOr() };
    switch (name) {
      case "json":
      case "logfmt": {
        this.i++;
        if (name === "logfmt" && this.isOp("-")) this.fail("logfmt flags are not supported");
        if (this.t.kind === "ident" && this.peek().kind === "op" && this.peek().text === "=") this.fail(`${name} with parameters is not supported`);
        return { kind: name };
      }
      case "unpack":
      case "decolorize":
        this.i++;
        return { kind: name };
      case "regexp":
      case "pattern":
        this.i++;
        return { kind: name, arg: this.expectString(`${name} expression`) };
      case "line_format":
        this.i++;
        return { kind: "line_format", template: this.expectString("template") };
      case "drop":
      case "keep": {
        this.i++;
        const labels = [this.expectIdent("a label name")];
        if (this.t.kind === "op" && ["=", "=~", "!=", "!~"].includes(this.t.text)) this.fail(`${name} with label matchers is not supported`);
        while (this.isOp(",")) {
          this.i++;
          labels.push(this.expectIdent("a label name"));
        }
        return { kind: name, labels };
      }
      default:
        this.fail(`the pipeline stage ${JSON.stringify(name)} is not supported`, nameTok);
    }
  }

  private parseLabelFilterOr(): LabelFilter {
    let left = this.parseLabelFilterAnd();
    while (this.isIdent("or")) {
      this.i++;
      left = { kind: "or", left, right: this.parseLabelFilterAnd() };
    }
    return left;
  }

  private parseLabelFilterAnd(): LabelFilter {
    let left = this.parseLabelFilterPrimary();
    for (;;) {
      if (this.isIdent("and") || this.isOp(",")) {
        this.i++;
      } else if (!(this.t.kind === "ident" && this.peek().kind === "op" && ["=", "==", "!=", "=~", "!~", ">", ">=", "<", "<="].includes(this.peek().text)) && !this.isOp("(")) {
        break;
      }
      // A space between two label filters means "and" too.
      left = { kind: "and", left, right: this.parseLabelFilterPrimary() };
    }
    return left;
  }

  private parseLabelFilterPrimary(): LabelFilter {
    if (this.isOp("(")) {
      this.i++;
      const f = this.parseLabelFilterOr();
      this.expectOp(")");
      return f;
    }
    const name = this.expectIdent("a label name");
    const opTok = this.t;
    if (opTok.kind !== "op" || !["=", "==", "!=", "=~", "!~", ">", ">=", "<", "<="].includes(opTok.text)) this.fail(`expecting a comparison after ${JSON.stringify(name)}; got ${this.describe(opTok)}`);
    this.i++;
    const op = opTok.text as CmpOp;
    const v = this.t;
    if (v.kind === "string") {
      this.i++;
      if (op !== "=" && op !== "!=" && op !== "=~" && op !== "!~") this.fail(`${op} needs a number, a duration or a byte size; got a string`, v);
      return { kind: "cmp", name, op, value: v.text, valueKind: "string" };
    }
    if (v.kind === "number" || v.kind === "duration") {
      this.i++;
      if (op === "=~" || op === "!~") this.fail(`${op} needs a quoted regexp`, v);
      if (v.kind === "duration" && Number.isNaN(parseDurationMs(v.text))) this.fail(`byte-size label filters are not supported: ${v.text}`, v);
      return { kind: "cmp", name, op, value: v.text, valueKind: v.kind };
    }
    if (v.kind === "ident" && v.text === "ip") this.fail("ip() label filters are not supported", v);
    return this.fail(`expecting a value after ${JSON.stringify(name + op)}; got ${this.describe(v)}`);
  }

  // Metric expressions.

  parseExpr(minPrec: number): MetricExpr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.t;
      if (t.kind === "ident" && (t.text === "and" || t.text === "or" || t.text === "unless")) this.fail(`the set operator ${t.text} is not supported`);
      if (t.kind !== "op" || PRECEDENCE[t.text] === undefined) break;
      const prec = PRECEDENCE[t.text]!;
      if (prec < minPrec) break;
      this.i++;
      let bool = false;
      if (this.isIdent("bool")) {
        bool = true;
        this.i++;
      }
      if (this.isIdent("on") || this.isIdent("ignoring")) this.fail(`vector matching with ${this.t.text} is not supported`);
      // "^" is right-associative; the others are left-associative.
      const right = this.parseExpr(t.text === "^" ? prec : prec + 1);
      left = { kind: "binary", op: t.text as BinaryOp, bool, left, right };
    }
    return left;
  }

  private parseUnary(): MetricExpr {
    if (this.isOp("-") || this.isOp("+")) {
      const neg = this.t.text === "-";
      this.i++;
      const e = this.parseUnary();
      if (e.kind === "number") return { kind: "number", value: neg ? -e.value : e.value };
      return neg ? { kind: "binary", op: "*", bool: false, left: { kind: "number", value: -1 }, right: e } : e;
    }
    return this.parsePrimary();
  }

  private parseNumber(): number {
    const t = this.t;
    if (t.kind !== "number") this.fail(`expecting a number; got ${this.describe(t)}`);
    this.i++;
    const v = Number(t.text.replaceAll("_", ""));
    if (Number.isNaN(v)) this.fail(`cannot parse ${JSON.stringify(t.text)} as a number`, t);
    return v;
  }

  private parsePrimary(): MetricExpr {
    const t = this.t;
    if (t.kind === "number") return { kind: "number", value: this.parseNumber() };
    if (t.kind === "op" && t.text === "(") {
      this.i++;
      const e = this.parseExpr(0);
      this.expectOp(")");
      return e;
    }
    if (t.kind === "op" && t.text === "{") this.fail("a log query cannot be used where a metric expression is expected");
    if (t.kind !== "ident") this.fail(`unexpected ${this.describe(t)}`);
    const name = t.text;
    if (name === "vector") {
      this.i++;
      this.expectOp("(");
      const v = this.parseNumber();
      this.expectOp(")");
      return { kind: "vector", value: v };
    }
    if (RANGE_FNS.has(name)) return this.parseRangeAggregation(name as RangeFn);
    if (AGG_OPS.has(name)) return this.parseVectorAggregation(name as AggOp);
    if (UNSUPPORTED_RANGE_FNS.has(name) || UNSUPPORTED_AGG_OPS.has(name)) this.fail(`the function ${name} is not supported`);
    return this.fail(`unknown function ${JSON.stringify(name)}`);
  }

  private parseRangeAggregation(fn: RangeFn): MetricExpr {
    this.i++;
    this.expectOp("(");
    let paren = false;
    if (this.isOp("(")) {
      paren = true;
      this.i++;
    }
    const query = this.parseLogQuery();
    let unwrap: string | undefined;
    if (this.isOp("|") && this.peek().kind === "ident" && this.peek().text === "unwrap") {
      this.i += 2;
      if (this.t.kind === "ident" && this.peek().kind === "op" && this.peek().text === "(") this.fail(`unwrap conversion functions such as ${this.t.text}() are not supported`);
      unwrap = this.expectIdent("the label to unwrap");
      if (this.isOp("|")) this.fail("stages after unwrap are not supported");
    }
    if (paren) this.expectOp(")");
    const rangeStart = this.t;
    this.expectOp("[");
    const d = this.t;
    if (d.kind !== "duration" || Number.isNaN(parseDurationMs(d.text))) this.fail(`expecting a duration for the range; got ${this.describe(d)}`);
    this.i++;
    const rangeMs = parseDurationMs(d.text);
    if (!(rangeMs > 0)) this.fail("the range must be positive", d);
    this.expectOp("]");
    let offsetMs = 0;
    if (this.isIdent("offset")) {
      this.i++;
      const o = this.t;
      if (o.kind !== "duration" || Number.isNaN(parseDurationMs(o.text))) this.fail(`expecting a duration after offset; got ${this.describe(o)}`);
      this.i++;
      offsetMs = parseDurationMs(o.text);
    }
    this.expectOp(")");
    if (UNWRAP_FNS.has(fn) && unwrap === undefined) this.fail(`${fn} needs "| unwrap <label>"`, rangeStart);
    if (!UNWRAP_FNS.has(fn) && fn !== "rate" && unwrap !== undefined) this.fail(`${fn} cannot be used with unwrap`, rangeStart);
    if (this.isIdent("by") || this.isIdent("without")) this.fail(`grouping on ${fn} is not supported; use sum by (...) (${fn}(...))`);
    return { kind: "range", fn, query, unwrap, rangeMs, offsetMs };
  }

  private parseGrouping(): { without: boolean; labels: string[] } {
    const without = this.t.text === "without";
    this.i++;
    this.expectOp("(");
    const labels: string[] = [];
    while (!this.isOp(")")) {
      labels.push(this.expectIdent("a label name"));
      if (this.isOp(",")) this.i++;
      else if (!this.isOp(")")) this.fail(`expecting "," or ")"; got ${this.describe(this.t)}`);
    }
    this.i++;
    return { without, labels };
  }

  private parseVectorAggregation(op: AggOp): MetricExpr {
    this.i++;
    let grouping: { without: boolean; labels: string[] } | undefined;
    if (this.isIdent("by") || this.isIdent("without")) grouping = this.parseGrouping();
    this.expectOp("(");
    let param: number | undefined;
    if (op === "topk" || op === "bottomk") {
      const p = this.t;
      param = this.parseNumber();
      if (!Number.isInteger(param) || param <= 0) this.fail(`${op} needs a positive integer; got ${p.text}`, p);
      this.expectOp(",");
    }
    const expr = this.parseExpr(0);
    this.expectOp(")");
    if (this.isIdent("by") || this.isIdent("without")) {
      if (grouping !== undefined) this.fail("the grouping is given twice");
      grouping = this.parseGrouping();
    }
    return { kind: "agg", op, grouping, param, expr };
  }
}

/** parseLogQL parses a LogQL query; it throws LogQLParseError for bad or unsupported input. */
export function parseLogQL(src: string): Expr {
  return new Parser(src).parseTop();
}
