// parser: recursive-descent parser for LogsQL queries (filters, then pipes).

import type { ByField, Filter, MathExpr, Pipe, Query, QueryOptions, SortField, StatsFunc, StreamTagFilter, Subquery } from "./ast.ts";
import { lex, isWord, type Token } from "./lexer.ts";
import { LogsQLParseError } from "./logsql_parse_error.ts";
import { parseDuration, parseNumber, isNumberLiteral } from "./numbers.ts";
import { printStatsFuncCall, printMathExpr, printFilter } from "./printer.ts";
import { quoteIfNeeded, quote, PIPE_NAMES, STATS_FUNC_NAMES } from "./quote.ts";
import { parseTimestamp, timestampEnd } from "./time_format.ts";
import { parseIPv4 } from "./ipv4.ts";
import { regexpError } from "./regexp.ts";

/**
 * parseQuery parses a LogsQL query. Relative times (`_time:5m`, `now-1h`) are
 * resolved against nowNs (nanoseconds; the current time by default). It throws
 * LogsQLParseError (with the offset of the problem) for invalid input and
 * for pipes Tidemark does not support yet ("pipe join is not supported").
 */
export function parseQuery(s: string, nowNs: bigint = BigInt(Date.now()) * 1_000_000n): Query {
  const p = new Parser(s, nowNs);
  const q = p.query();
  if (!p.isEnd()) p.fail(`unexpected token ${JSON.stringify(p.tok.raw)} after the query [${printFilterSafe(q.filter)}]`);
  return q;
}

/** parseFilter parses a LogsQL filter without pipes (as used by extra_filters and `if (...)`). */
export function parseFilterOnly(s: string, nowNs: bigint = BigInt(Date.now()) * 1_000_000n): Filter {
  const p = new Parser(s, nowNs);
  const f = p.filter();
  if (!p.isEnd()) p.fail(`unexpected token ${JSON.stringify(p.tok.raw)} after the filter`);
  return f;
}

function printFilterSafe(f: Filter): string {
  try {
    return printFilter(f);
  } catch {
    return "";
  }
}

const GLUE = new Set(["+", "-", "/", ":", ".", "$"]);
const MATH_STOP = ["+", "-", "/"];
const TRAILERS = ["|", ")", ";", ""];
// Pipes of VictoriaLogs that Tidemark does not run; they must not be read as implicit filters.
const UNSUPPORTED_PIPES = new Set([
  "block_stats", "coalesce", "generate_sequence", "json_array_concat", "query_stats", "running_stats", "set_stream_fields",
  "split", "time_add", "total_stats",
]);
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const WEEKDAYS_LONG = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const VALUE_TYPES = new Set(["string", "dict", "uint8", "uint16", "uint32", "uint64", "int64", "float64", "ipv4", "iso8601", "const"]);

class Parser {
  private readonly toks: Token[];
  private i = 0;
  tok: Token;
  private readonly nowNs: bigint;
  private depth = 0;

  constructor(s: string, nowNs: bigint) {
    this.toks = lex(s);
    this.tok = this.toks[0];
    this.nowNs = nowNs;
  }

  fail(msg: string, pos: number = this.tok.pos): never {
    throw new LogsQLParseError(msg, pos);
  }

  next(): void {
    if (this.i < this.toks.length - 1) this.i++;
    this.tok = this.toks[this.i];
  }

  private save(): number {
    return this.i;
  }

  private restore(i: number): void {
    this.i = i;
    this.tok = this.toks[i];
  }

  private get prevRaw(): string {
    return this.i > 0 ? this.toks[this.i - 1].raw : "";
  }

  isEnd(): boolean {
    return this.tok.raw === "" && this.i === this.toks.length - 1;
  }

  isKw(...kws: string[]): boolean {
    if (this.tok.quoted) return false;
    return kws.includes(this.tok.s.toLowerCase());
  }

  private isTrailer(): boolean {
    return this.isKw(...TRAILERS);
  }

  private expect(kw: string, ctx: string): void {
    if (!this.isKw(kw)) this.fail(`missing '${kw}' ${ctx}; got ${JSON.stringify(this.tok.raw)}`);
    this.next();
  }

  // compound reads a token, gluing adjacent words and glue characters ("foo-bar.baz:8080").
  compound(stop: readonly string[] = [], what = "token"): string {
    const t = this.tok;
    if (t.quoted) {
      this.next();
      return t.s;
    }
    if (!this.allowedInCompound(stop)) {
      if (t.raw === "") this.fail(`unexpected end of query; expecting ${what}`);
      this.fail(`compound token cannot start with ${JSON.stringify(t.s)}; put it into quotes if needed`);
    }
    let s = t.s;
    this.next();
    while (!this.tok.space && this.allowedInCompound(stop)) {
      s += this.tok.s;
      this.next();
    }
    if (GLUE.has(s)) this.fail(`compound token cannot be equal to ${JSON.stringify(s)}; put it into quotes if needed`, t.pos);
    return s;
  }

  private allowedInCompound(stop: readonly string[]): boolean {
    const t = this.tok;
    if (t.quoted || t.s === "") return false;
    if (stop.includes(t.s)) return false;
    if (GLUE.has(t.s)) return true;
    return isWord(t.s);
  }

  // ---- query ----

  query(): Query {
    if (++this.depth > 200) this.fail("too deep nesting in the query");
    const opts = this.options();
    let filter = this.filter();
    if (opts.timeOffset !== undefined) filter = shiftTime(filter, parseDuration(opts.timeOffset) ?? 0n);
    const pipes: Pipe[] = [];
    while (this.isKw("|")) {
      this.next();
      const pos = this.tok.pos;
      const p = this.pipe();
      if (p.t === "stream_context" && pipes.length > 0) this.fail("the stream_context pipe must be the first pipe after the filters", pos);
      pipes.push(p);
    }
    if (this.isKw(";")) this.next();
    this.depth--;
    return { opts, filter, pipes };
  }

  private options(): QueryOptions {
    const o: QueryOptions = {};
    if (!this.isKw("options")) return o;
    const save = this.save();
    this.next();
    if (!this.isKw("(") || this.tok.space) {
      this.restore(save);
      return o;
    }
    this.next();
    while (!this.isKw(")")) {
      const namePos = this.tok.pos;
      const name = this.compound([], "option name");
      this.expect("=", `after ${JSON.stringify(name)} option`);
      const pos = this.tok.pos;
      const v = this.compound([], "option value");
      switch (name) {
        case "concurrency":
        case "parallel_readers": {
          if (!/^\d+$/.test(v)) this.fail(`cannot parse '${name}=${JSON.stringify(v)}' option as unsigned integer`, pos);
          if (name === "concurrency") o.concurrency = Number(v);
          else o.parallelReaders = Number(v);
          break;
        }
        case "ignore_global_time_filter":
        case "allow_partial_response": {
          const b = parseBool(v);
          if (b === undefined) this.fail(`cannot parse '${name}=${JSON.stringify(v)}' option as boolean`, pos);
          if (name === "ignore_global_time_filter") o.ignoreGlobalTimeFilter = b;
          else o.allowPartialResponse = b;
          break;
        }
        case "time_offset":
          if (parseDuration(v) === undefined) this.fail(`cannot parse 'time_offset=${JSON.stringify(v)}' option as duration`, pos);
          o.timeOffset = v;
          break;
        default:
          this.fail(`unexpected option inside 'options': ${JSON.stringify(name)}`, namePos);
      }
      if (this.isKw(",")) this.next();
      else if (!this.isKw(")")) this.fail(`unexpected token inside the 'options(...)': ${JSON.stringify(this.tok.raw)}; want ',' or ')'`);
    }
    this.next();
    return o;
  }

  // ---- filters ----

  filter(): Filter {
    if (this.isTrailer()) this.fail("missing query");
    return this.filterOr("");
  }

  private filterOr(field: string): Filter {
    const fs: Filter[] = [];
    for (;;) {
      fs.push(this.filterAnd(field));
      if (this.isKw("or")) {
        this.next();
        continue;
      }
      if (this.isTrailer()) return fs.length === 1 ? fs[0] : { t: "or", fs };
      this.fail(`unexpected token ${JSON.stringify(this.tok.raw)}`);
    }
  }

  private filterAnd(field: string): Filter {
    const fs: Filter[] = [];
    for (;;) {
      fs.push(this.filterGeneric(field));
      if (this.isKw("or") || this.isTrailer()) return fs.length === 1 ? fs[0] : { t: "and", fs };
      if (this.isKw("and")) this.next();
    }
  }

  private filterGeneric(field: string): Filter {
    if (++this.depth > 200) this.fail("too deep nesting in the query");
    try {
      return this.filterGeneric0(field);
    } finally {
      this.depth--;
    }
  }

  private filterGeneric0(field: string): Filter {
    const t = this.tok;
    if (t.raw === "") this.fail(`unexpected end of query after ${JSON.stringify(this.prevRaw)}; expecting a filter`);
    if (!t.space && this.i > 0) {
      const allowed = this.isKw("(") ? ["|", ":", "(", "!", "-", "not", "and", "or"] : ["|", ":", "(", "!", "-"];
      const prev = this.prevRaw.toLowerCase();
      if (!allowed.includes(prev)) {
        this.fail(`missing whitespace or ':' between ${JSON.stringify(this.prevRaw)} and ${JSON.stringify(t.raw)}; probably, the whole string must be put into quotes`);
      }
    }
    if (t.quoted) return this.filterPhrase(field);
    switch (t.s.toLowerCase()) {
      case "{":
        return this.filterStream();
      case "*":
        return this.filterStar(field);
      case "(": {
        this.next();
        const f = this.filterOr(field);
        this.expect(")", "at the end of the parenthesized filter");
        return f;
      }
      case ">":
      case "<":
        return this.filterCmp(field);
      case "=":
      case "!=": {
        const neg = t.s === "!=";
        const f = this.filterEq(field);
        return neg ? negate(f) : f;
      }
      case "~":
      case "!~": {
        const neg = t.s === "!~";
        this.next();
        if (this.tok.space && field === "") this.fail(`missing ':' in front of ${JSON.stringify(t.s)}`, t.pos);
        const re = this.compound([], "regexp");
        const f = this.newRegexp(field, re, t.pos);
        return neg ? negate(f) : f;
      }
      case "not":
      case "!":
      case "-": {
        this.next();
        return negate(this.filterGeneric(field));
      }
      case "contains_all":
      case "contains_any":
      case "in":
        return this.filterIn(field, t.s.toLowerCase() as "in");
      case "eq_field":
      case "le_field":
      case "lt_field":
        return this.funcArgs(field, (args, pos) => {
          if (args.length !== 1) this.fail(`unexpected number of args for ${t.s}(); got ${args.length}; want 1`, pos);
          return { t: "field_cmp", op: t.s.toLowerCase() as "eq_field", field: fieldName(field), other: args[0] };
        });
      case "exact":
        return this.funcArgMaybePrefix(field, (arg, prefix) => ({ t: "exact", field: fieldName(field), value: arg, prefix }));
      case "i":
        return this.funcArgMaybePrefix(field, (arg, prefix) => ({ t: "anycase", field: fieldName(field), phrase: arg, prefix }));
      case "seq":
        return this.funcArgs(field, (args) => ({ t: "seq", field: fieldName(field), phrases: args }));
      case "re":
        return this.funcArgs(field, (args, pos) => {
          if (args.length !== 1) this.fail(`unexpected number of args for re(); got ${args.length}; want 1`, pos);
          return this.newRegexp(field, args[0], pos);
        });
      case "range":
        return this.filterRange(field);
      case "ipv4_range":
        return this.funcArgs(field, (args, pos) => this.newIPv4Range(field, args, pos));
      case "string_range":
        return this.funcArgs(field, (args, pos) => {
          if (args.length !== 2) this.fail(`unexpected number of args for string_range(); got ${args.length}; want 2`, pos);
          return { t: "string_range", field: fieldName(field), min: args[0], max: args[1], repr: `string_range(${args.map(quoteIfNeeded).join(", ")})` };
        });
      case "len_range":
        return this.funcArgs(field, (args, pos) => {
          if (args.length !== 2) this.fail(`unexpected number of args for len_range(); got ${args.length}; want 2`, pos);
          const lo = parseLen(args[0]);
          const hi = parseLen(args[1]);
          if (lo === undefined) this.fail(`cannot parse minLen at len_range(): ${JSON.stringify(args[0])}`, pos);
          if (hi === undefined) this.fail(`cannot parse maxLen at len_range(): ${JSON.stringify(args[1])}`, pos);
          return { t: "len_range", field: fieldName(field), min: lo, max: hi, repr: `len_range(${args[0]}, ${args[1]})` };
        });
      case "value_type":
        return this.funcArgs(field, (args, pos) => {
          if (args.length !== 1) this.fail(`unexpected number of args for value_type(); got ${args.length}; want 1`, pos);
          if (!VALUE_TYPES.has(args[0])) this.fail(`unknown value type ${JSON.stringify(args[0])} in value_type()`, pos);
          return { t: "value_type", field: fieldName(field), type: args[0] };
        });
      case "_time":
        if (field === "") {
          const save = this.save();
          this.next();
          if (this.isKw(":") && !this.tok.space) {
            this.next();
            return this.filterTime();
          }
          this.restore(save);
        }
        return this.filterPhrase(field);
      case "_stream_id":
        if (field === "") {
          const save = this.save();
          this.next();
          if (this.isKw(":") && !this.tok.space) {
            this.next();
            return this.filterStreamID();
          }
          this.restore(save);
        }
        return this.filterPhrase(field);
      case "_stream":
        if (field === "") {
          const save = this.save();
          this.next();
          if (this.isKw(":") && !this.tok.space) {
            this.next();
            if (!this.isKw("{")) this.fail(`missing '{' in _stream filter; got ${JSON.stringify(this.tok.raw)}`);
            return this.filterStream();
          }
          this.restore(save);
        }
        return this.filterPhrase(field);
      default:
        return this.filterPhrase(field);
    }
  }

  private filterPhrase(field: string): Filter {
    const startPos = this.tok.pos;
    const phrase = this.compound(field === "" ? [":"] : [], "a filter");
    if (!this.tok.space && this.isKw("*")) {
      this.next();
      if (field === "" && this.isKw(":")) this.fail(`field name wildcards such as ${JSON.stringify(phrase + "*:")} are not supported`, startPos);
      return { t: "prefix", field: fieldName(field), prefix: phrase };
    }
    if (field === "" && this.isKw(":")) {
      this.next();
      if (this.tok.raw === "") this.fail(`missing filter after ${JSON.stringify(phrase + ":")}`);
      return this.filterGeneric(phrase === "" ? "_msg" : phrase);
    }
    return { t: "phrase", field: fieldName(field), phrase };
  }

  private filterStar(field: string): Filter {
    const starPos = this.tok.pos;
    this.next();
    if (field === "" && this.isKw(":")) this.fail("'*:' field wildcards are not supported", starPos);
    if (this.tok.space || this.isTrailer()) {
      if (field === "") return { t: "any" };
      return { t: "prefix", field: fieldName(field), prefix: "" };
    }
    const s = this.compound([], "*substr* filter");
    if (this.tok.space || !this.isKw("*")) this.fail(`missing ending '*' in the *${JSON.stringify(s)}* filter`);
    this.next();
    if (!this.tok.space && !this.isTrailer()) this.fail(`missing whitespace between *${JSON.stringify(s)}* and ${JSON.stringify(this.tok.raw)}`);
    return { t: "substring", field: fieldName(field), s };
  }

  private filterEq(field: string): Filter {
    const op = this.tok;
    this.next();
    if (this.tok.space && field === "") this.fail(`missing ':' in front of ${JSON.stringify(op.s)}`, op.pos);
    const v = this.compound([], "a value");
    if (!this.tok.space && this.isKw("*")) {
      this.next();
      return { t: "exact", field: fieldName(field), value: v, prefix: true };
    }
    return { t: "exact", field: fieldName(field), value: v, prefix: false };
  }

  private filterCmp(field: string): Filter {
    const opTok = this.tok;
    let op = opTok.s;
    this.next();
    if (!this.tok.space && this.isKw("=")) {
      op += "=";
      this.next();
    }
    if (this.tok.space && field === "") this.fail(`missing ':' in front of ${JSON.stringify(op)}`, opTok.pos);
    const s = this.compound([], "a number");
    const v = parseNumber(s);
    if (Number.isNaN(v) && !/^[+-]?nan$/i.test(s)) {
      // A string comparison: f:>abc is string_range.
      const repr = op + quoteIfNeeded(s);
      if (op[0] === ">") {
        return { t: "string_range", field: fieldName(field), min: op === ">" ? s + "\0" : s, max: "\u{10FFFF}\u{10FFFF}", repr };
      }
      return { t: "string_range", field: fieldName(field), min: "", max: op === "<=" ? s + "\0" : s, repr };
    }
    const repr = op + (this.toks[this.i - 1].quoted ? quote(s) : s);
    switch (op) {
      case ">": return { t: "range", field: fieldName(field), min: nextUp(v), max: Infinity, repr };
      case ">=": return { t: "range", field: fieldName(field), min: v, max: Infinity, repr };
      case "<": return { t: "range", field: fieldName(field), min: -Infinity, max: nextDown(v), repr };
      default: return { t: "range", field: fieldName(field), min: -Infinity, max: v, repr };
    }
  }

  private filterRange(field: string): Filter {
    const save = this.save();
    this.next();
    if (!this.isKw("(", "[")) {
      this.restore(save);
      return this.filterPhrase(field);
    }
    const incMin = this.tok.s === "[";
    this.next();
    const p1 = this.tok.pos;
    const a = this.compound([], "range start");
    const lo = parseNumber(a);
    if (Number.isNaN(lo) && !/^[+-]?nan$/i.test(a)) this.fail(`cannot parse minValue in range(): ${JSON.stringify(a)}`, p1);
    this.expect(",", `after ${JSON.stringify(a)} in range()`);
    const p2 = this.tok.pos;
    const b = this.compound([], "range end");
    const hi = parseNumber(b);
    if (Number.isNaN(hi) && !/^[+-]?nan$/i.test(b)) this.fail(`cannot parse maxValue in range(): ${JSON.stringify(b)}`, p2);
    if (!this.isKw(")", "]")) this.fail(`unexpected closing token ${JSON.stringify(this.tok.raw)} in range(); want ')' or ']'`);
    const incMax = this.tok.s === "]";
    this.next();
    const repr = `range${incMin ? "[" : "("}${numRepr(a)}, ${numRepr(b)}${incMax ? "]" : ")"}`;
    return { t: "range", field: fieldName(field), min: incMin ? lo : nextUp(lo), max: incMax ? hi : nextDown(hi), repr };
  }

  private newRegexp(field: string, re: string, pos: number): Filter {
    // Validate now so that a bad regexp is a parse error.
    const err = validateRegexp(re);
    if (err !== undefined) this.fail(`cannot parse regexp ${JSON.stringify(re)}: ${err}`, pos);
    return { t: "regexp", field: fieldName(field), re };
  }

  private newIPv4Range(field: string, args: string[], pos: number): Filter {
    const repr = `ipv4_range(${args.join(", ")})`;
    if (args.length === 1) {
      const a = args[0];
      const slash = a.indexOf("/");
      if (slash >= 0) {
        const ip = parseIPv4(a.slice(0, slash));
        const bits = Number(a.slice(slash + 1));
        if (ip === undefined || !/^\d+$/.test(a.slice(slash + 1)) || bits > 32) this.fail(`cannot parse IPv4 CIDR ${JSON.stringify(a)} in ipv4_range()`, pos);
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        const lo = (ip & mask) >>> 0;
        return { t: "ipv4_range", field: fieldName(field), min: lo, max: (lo | (~mask >>> 0)) >>> 0, repr };
      }
      const ip = parseIPv4(a);
      if (ip === undefined) this.fail(`cannot parse IPv4 address ${JSON.stringify(a)} in ipv4_range()`, pos);
      return { t: "ipv4_range", field: fieldName(field), min: ip, max: ip, repr };
    }
    if (args.length !== 2) this.fail(`unexpected number of args for ipv4_range(); got ${args.length}; want 1 or 2`, pos);
    const lo = parseIPv4(args[0]);
    const hi = parseIPv4(args[1]);
    if (lo === undefined) this.fail(`cannot parse lower bound ip ${JSON.stringify(args[0])} in ipv4_range()`, pos);
    if (hi === undefined) this.fail(`cannot parse upper bound ip ${JSON.stringify(args[1])} in ipv4_range()`, pos);
    return { t: "ipv4_range", field: fieldName(field), min: lo, max: hi, repr };
  }

  // funcArgs parses `name(arg, ...)`; when no '(' follows the name, the name is a phrase.
  private funcArgs(field: string, cb: (args: string[], pos: number) => Filter): Filter {
    const save = this.save();
    const pos = this.tok.pos;
    this.next();
    if (!this.isKw("(")) {
      this.restore(save);
      return this.filterPhrase(field);
    }
    this.next();
    const args = this.argsUntilParen();
    return cb(args, pos);
  }

  // argsUntilParen reads `a, b, c)` (the '(' is consumed already).
  private argsUntilParen(): string[] {
    const args: string[] = [];
    while (!this.isKw(")")) {
      args.push(this.compound([], "an argument"));
      if (this.isKw(",")) {
        this.next();
        continue;
      }
      if (!this.isKw(")")) this.fail(`unexpected token ${JSON.stringify(this.tok.raw)}; want ',' or ')'`);
    }
    this.next();
    return args;
  }

  private funcArgMaybePrefix(field: string, cb: (arg: string, prefix: boolean) => Filter): Filter {
    const save = this.save();
    const name = this.tok.s;
    this.next();
    if (!this.isKw("(")) {
      this.restore(save);
      return this.filterPhrase(field);
    }
    this.next();
    let arg = "";
    let prefix = false;
    if (this.isKw("*")) {
      this.next();
      prefix = true;
    } else {
      arg = this.compound([], `${name}() arg`);
      if (!this.tok.space && this.isKw("*")) {
        this.next();
        prefix = true;
      }
    }
    this.expect(")", `for ${name}()`);
    return cb(arg, prefix);
  }

  private filterIn(field: string, op: "in" | "contains_all" | "contains_any"): Filter {
    const save = this.save();
    this.next();
    if (!this.isKw("(")) {
      this.restore(save);
      return this.filterPhrase(field);
    }
    this.next();
    const r = this.inValues(op);
    return { t: "in", op, field: fieldName(field), values: r.values, sub: r.sub };
  }

  // inValues reads `a, b)` or `<query>)` after '('.
  private inValues(what: string): { values: string[]; sub?: Subquery } {
    const save = this.save();
    if (this.isKw("*") ) {
      // in(*) matches any value: keep it as a subquery-free marker.
      this.next();
      if (this.isKw(")")) {
        this.next();
        return { values: ["*"] };
      }
      this.restore(save);
    }
    try {
      return { values: this.argsUntilParen() };
    } catch (e) {
      if (!(e instanceof LogsQLParseError)) throw e;
      this.restore(save);
    }
    const qpos = this.tok.pos;
    const q = this.query();
    this.expect(")", `after the subquery in ${what}()`);
    const last = q.pipes[q.pipes.length - 1];
    let f: string | undefined;
    if (last !== undefined && last.t === "fields" && last.fields.length === 1 && !last.fields[0].endsWith("*")) f = last.fields[0];
    if (last !== undefined && last.t === "uniq" && last.fields.length === 1 && !last.hits) f = last.fields[0];
    if (f === undefined) this.fail(`the subquery in ${what}() must end with '| fields <field>' or '| uniq by (<field>)'`, qpos);
    return { values: [], sub: { q, field: f } };
  }

  private filterStream(): Filter {
    const open = this.tok.pos;
    this.expect("{", "in stream filter");
    const groups: StreamTagFilter[][] = [];
    let cur: StreamTagFilter[] = [];
    while (!this.isKw("}")) {
      if (this.tok.raw === "") this.fail("missing '}' at the end of stream filter", open);
      const name = this.compound(["=", "!"], "stream tag name");
      if (!this.isKw("=", "!=", "=~", "!~")) this.fail(`unexpected token ${JSON.stringify(this.tok.raw)} after ${JSON.stringify(name)} in stream filter; want '=', '!=', '=~' or '!~'`);
      const op = this.tok.s as StreamTagFilter["op"];
      this.next();
      const vpos = this.tok.pos;
      const value = this.compound([], "stream tag value");
      if (op === "=~" || op === "!~") {
        const err = validateRegexp(value);
        if (err !== undefined) this.fail(`cannot parse regexp ${JSON.stringify(value)}: ${err}`, vpos);
      }
      cur.push({ name, op, value });
      if (this.isKw(",")) {
        this.next();
      } else if (this.isKw("or")) {
        this.next();
        groups.push(cur);
        cur = [];
      } else if (!this.isKw("}")) {
        this.fail(`unexpected token ${JSON.stringify(this.tok.raw)} in stream filter; want ',', 'or' or '}'`);
      }
    }
    this.next();
    groups.push(cur);
    return { t: "stream", groups };
  }

  private filterStreamID(): Filter {
    if (this.isKw("in")) {
      const save = this.save();
      this.next();
      if (this.isKw("(")) {
        this.next();
        const r = this.inValues("_stream_id:in");
        for (const id of r.values) if (!/^[0-9a-f]{32}$/.test(id)) this.fail(`cannot parse _stream_id ${JSON.stringify(id)}: want 32 hex chars`);
        return { t: "stream_id", ids: r.values, sub: r.sub };
      }
      this.restore(save);
    }
    const pos = this.tok.pos;
    const id = this.compound([], "stream id");
    if (!/^[0-9a-fA-F]{32}$/.test(id)) this.fail(`cannot parse _stream_id ${JSON.stringify(id)}: want 32 hex chars`, pos);
    return { t: "stream_id", ids: [id.toLowerCase()] };
  }

  private filterTime(): Filter {
    if (this.isKw("day_range")) return this.dayRange();
    if (this.isKw("week_range")) return this.weekRange();
    let min: bigint;
    let max: bigint;
    let repr: string;
    const now = this.nowNs;
    const MIN = -(2n ** 63n);
    const MAX = 2n ** 63n - 1n;
    if (this.isKw("offset")) {
      min = MIN;
      max = now;
      repr = "";
    } else if (this.isKw("[", "(")) {
      const incMin = this.tok.s === "[";
      this.next();
      const [a, as] = this.timeArg("start time");
      this.expect(",", "after start time in _time filter");
      const [b, bs] = this.timeArg("end time");
      if (!this.isKw("]", ")")) this.fail(`_time filter ends with unexpected token ${JSON.stringify(this.tok.raw)}; it must end with ']' or ')'`);
      const incMax = this.tok.s === "]";
      this.next();
      min = incMin ? a : a + 1n;
      max = incMax ? timestampEnd(b, bs) : b - 1n;
      repr = `${incMin ? "[" : "("}${as}, ${bs}${incMax ? "]" : ")"}`;
    } else if (this.isKw(">", "<")) {
      let op = this.tok.s;
      this.next();
      if (this.isKw("=")) {
        op += "=";
        this.next();
      }
      if (this.likelyTimestamp()) {
        const [t, ts] = this.timeArg("time");
        repr = op + ts;
        if (op === ">") [min, max] = [t + 1n, MAX];
        else if (op === ">=") [min, max] = [t, MAX];
        else if (op === "<") [min, max] = [MIN, t - 1n];
        else [min, max] = [MIN, timestampEnd(t, ts)];
      } else {
        const [d, ds] = this.durationArg();
        repr = op + ds;
        if (op === ">") [min, max] = [MIN, now - d - 1n];
        else if (op === ">=") [min, max] = [MIN, now - d];
        else if (op === "<") [min, max] = [now - d + 1n, now - 1n];
        else [min, max] = [now - d, now - 1n];
      }
    } else {
      let prefix = "";
      if (this.isKw("=")) {
        prefix = "=";
        this.next();
      }
      if (this.likelyTimestamp()) {
        const [t, ts] = this.timeArg("time");
        min = t;
        max = timestampEnd(t, ts);
        repr = prefix + ts;
      } else {
        const [d, ds] = this.durationArg();
        min = now - d;
        max = now - 1n;
        repr = prefix + ds;
      }
    }
    if (this.isKw("offset")) {
      this.next();
      const [off, offs] = this.durationArg(true);
      if (min !== MIN) min -= off;
      if (max !== MAX) max -= off;
      repr += (repr === "" ? "" : " ") + "offset " + offs;
    }
    return { t: "time", min, max, repr };
  }

  private likelyTimestamp(): boolean {
    if (this.tok.quoted) return true;
    const s = this.tok.s.toLowerCase();
    return s === "now" || /^\d{4}$/.test(s) || /^\d{4}-/.test(s) || (/^\d{5,}$/.test(s) && !this.nextIsUnit());
  }

  private nextIsUnit(): boolean {
    const n = this.toks[this.i + 1];
    return n !== undefined && !n.space && /^[a-zµμ]/i.test(n.s);
  }

  private timeArg(what: string): [bigint, string] {
    const pos = this.tok.pos;
    const quoted = this.tok.quoted;
    const s = this.compound([], what);
    const t = parseTimestamp(s, this.nowNs);
    if (t === undefined) this.fail(`cannot parse ${what} in _time filter: ${JSON.stringify(s)}`, pos);
    return [t, quoted ? quote(s) : s];
  }

  // durationArg reads a duration; unless signed, its absolute value is returned.
  private durationArg(signed = false): [bigint, string] {
    const pos = this.tok.pos;
    const s = this.compound([], "duration");
    const d = parseDuration(s);
    if (d === undefined) this.fail(`cannot parse duration ${JSON.stringify(s)}`, pos);
    return [d < 0n && !signed ? -d : d, s];
  }

  private dayRange(): Filter {
    const r = this.periodRange("day_range", () => this.dayTime());
    return { t: "day_range", start: r.incMin ? r.a : r.a + 1n, end: r.incMax ? r.b : r.b - 1n, offset: r.offset, repr: r.repr };
  }

  // periodRange parses `name[a, b] offset d` (either end open with ( or ))
  // after the filter's name, reading the ends with point.
  private periodRange<T>(name: string, point: () => [T, string]): { a: T; b: T; incMin: boolean; incMax: boolean; offset: bigint; repr: string } {
    this.next();
    if (!this.isKw("[", "(")) this.fail(`missing '[' or '(' after ${name}`);
    const incMin = this.tok.s === "[";
    this.next();
    const [a, as] = point();
    this.expect(",", `in ${name}`);
    const [b, bs] = point();
    if (!this.isKw("]", ")")) this.fail(`${name} must end with ']' or ')'; got ${JSON.stringify(this.tok.raw)}`);
    const incMax = this.tok.s === "]";
    this.next();
    let repr = `${name}${incMin ? "[" : "("}${as}, ${bs}${incMax ? "]" : ")"}`;
    let offset = 0n;
    if (this.isKw("offset")) {
      this.next();
      const [o, os] = this.durationArg(true);
      offset = o;
      repr += " offset " + os;
    }
    return { a, b, incMin, incMax, offset, repr };
  }

  private dayTime(): [bigint, string] {
    const pos = this.tok.pos;
    const s = this.compound([], "hh:mm");
    const m = /^(\d{1,2}):(\d{2})$/.exec(s);
    if (m === null || Number(m[1]) > 24 || Number(m[2]) > 59) this.fail(`cannot parse ${JSON.stringify(s)} as hh:mm in day_range`, pos);
    return [BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60) * 1_000_000_000n, s];
  }

  private weekRange(): Filter {
    const r = this.periodRange("week_range", () => this.weekDay());
    return { t: "week_range", start: r.incMin ? r.a : r.a + 1, end: r.incMax ? r.b : r.b - 1, offset: r.offset, repr: r.repr };
  }


  private weekDay(): [number, string] {
    const pos = this.tok.pos;
    const s = this.compound([], "weekday");
    const l = s.toLowerCase();
    let d = WEEKDAYS.indexOf(l);
    if (d < 0) d = WEEKDAYS_LONG.indexOf(l);
    if (d < 0) this.fail(`cannot parse weekday ${JSON.stringify(s)} in week_range; want Sun, Mon, Tue, Wed, Thu, Fri or Sat`, pos);
    return [d, s];
  }

  // ---- pipes ----

  private pipe(): Pipe {
    const t = this.tok;
    const name = t.quoted ? "" : t.s.toLowerCase();
    if (UNSUPPORTED_PIPES.has(name)) this.fail(`pipe ${name} is not supported`);
    switch (name) {
      case "fields":
      case "keep":
        this.next();
        return { t: "fields", fields: this.fieldList(true, "fields") };
      case "delete":
      case "del":
      case "rm":
      case "drop":
        this.next();
        return { t: "delete", fields: this.fieldList(true, "delete") };
      case "rename":
      case "mv":
      case "copy":
      case "cp":
        return this.pipeRenameCopy(name === "rename" || name === "mv" ? "rename" : "copy");
      case "limit":
      case "head": {
        this.next();
        const n = this.isPipeEnd() ? 10 : this.uintArg("limit");
        return { t: "limit", n };
      }
      case "offset":
      case "skip":
        this.next();
        return { t: "offset", n: this.uintArg("offset") };
      case "sample":
        this.next();
        return { t: "sample", n: this.uintArg("sample") };
      case "sort":
      case "order":
        return this.pipeSort();
      case "first":
      case "last":
        return this.pipeFirstLast(name);
      case "stats":
      case "stats_remote":
        this.next();
        return this.pipeStats();
      case "uniq":
        return this.pipeUniq();
      case "top":
        return this.pipeTop();
      case "filter":
      case "where":
        this.next();
        return { t: "filter", f: this.filter() };
      case "field_names": {
        this.next();
        let result = "";
        if (this.isKw("as")) {
          this.next();
          result = this.compound([], "result name");
        }
        return { t: "field_names", result };
      }
      case "field_values": {
        this.next();
        const field = this.compound([], "field name");
        let limit = 0;
        if (this.isKw("limit")) {
          this.next();
          limit = this.uintArg("limit");
        }
        return { t: "field_values", field, limit };
      }
      case "facets":
        return this.pipeFacets();
      case "extract":
      case "extract_regexp":
        return this.pipeExtract(name);
      case "format":
        return this.pipeFormat();
      case "unpack_json":
      case "unpack_logfmt":
        return this.pipeUnpack(name);
      case "pack_json":
      case "pack_logfmt":
        return this.pipePack(name);
      case "math":
      case "eval":
        return this.pipeMath();
      case "replace":
      case "replace_regexp":
        return this.pipeReplace(name);
      case "len":
      case "hash":
      case "json_array_len": {
        this.next();
        this.expect("(", `after ${name}`);
        const field = this.compound([], "field name");
        this.expect(")", `after ${name}(${field}`);
        let result = `${name}(${field})`;
        if (this.isKw("as")) this.next();
        if (!this.isPipeEnd()) result = this.compound([], "result name");
        return { t: name, field, result };
      }
      case "drop_empty_fields":
        this.next();
        return { t: "drop_empty_fields" };
      case "decolorize": {
        this.next();
        let field = "_msg";
        if (!this.isPipeEnd()) field = this.compound([], "field name");
        return { t: "decolorize", field };
      }
      case "collapse_nums": {
        this.next();
        const iff = this.optIf();
        let at = "_msg";
        let prettify = false;
        for (;;) {
          if (this.isKw("at")) {
            this.next();
            at = this.compound([], "field name");
          } else if (this.isKw("prettify")) {
            this.next();
            prettify = true;
          } else break;
        }
        return { t: "collapse_nums", iff, at, prettify };
      }
      case "unroll": {
        this.next();
        const iff = this.optIf();
        if (this.isKw("by")) this.next();
        const fields = this.fieldList(false, "unroll");
        return { t: "unroll", iff, fields };
      }
      case "union": {
        this.next();
        return { t: "union", q: this.subqueryInParens("union") };
      }
      case "join": {
        this.next();
        this.expect("by", "after 'join'");
        const by = this.fieldList(false, "join by");
        const q = this.subqueryInParens("join");
        let inner = false;
        let prefix = "";
        for (;;) {
          if (this.isKw("inner")) {
            this.next();
            inner = true;
          } else if (this.isKw("prefix")) {
            this.next();
            prefix = this.compound([], "prefix");
          } else break;
        }
        return { t: "join", by, q, inner, prefix };
      }
      case "unpack_syslog": {
        this.next();
        let iff = this.optIf();
        let from = "_msg";
        let offset = "";
        let prefix = "";
        let keepOriginal = false;
        for (;;) {
          if (this.isKw("from")) {
            this.next();
            from = this.compound([], "field name");
          } else if (this.isKw("offset")) {
            this.next();
            const [, os] = this.durationArg(true);
            offset = os;
          } else if (this.isKw("result_prefix")) {
            this.next();
            prefix = this.compound([], "result prefix");
          } else if (this.isKw("keep_original_fields")) {
            this.next();
            keepOriginal = true;
          } else if (this.isKw("if") && iff === undefined) {
            iff = this.optIf();
          } else break;
        }
        return { t: "unpack_syslog", iff, from, offset, prefix, keepOriginal };
      }
      case "stream_context": {
        const pos = this.tok.pos;
        this.next();
        let before = 0;
        let after = 0;
        let timeWindow = "";
        let seen = false;
        for (;;) {
          if (this.isKw("before")) {
            this.next();
            before = this.uintArg("before");
            seen = true;
          } else if (this.isKw("after")) {
            this.next();
            after = this.uintArg("after");
            seen = true;
          } else if (this.isKw("time_window")) {
            this.next();
            const tpos = this.tok.pos;
            timeWindow = this.compound([], "time_window");
            const d = parseDuration(timeWindow);
            if (d === undefined || d <= 0n) this.fail(`cannot parse 'time_window ${timeWindow}'; it must be a positive duration`, tpos);
          } else break;
        }
        if (!seen) this.fail("missing 'before N' or 'after N' in 'stream_context'", pos);
        return { t: "stream_context", before, after, timeWindow };
      }
      case "blocks_count": {
        this.next();
        let result = "blocks_count";
        if (this.isKw("as")) {
          this.next();
          result = this.compound([], "result name");
        }
        return { t: "blocks_count", result };
      }
      case "unpack_words": {
        this.next();
        let from = "_msg";
        let result = "";
        let dropDuplicates = false;
        for (;;) {
          if (this.isKw("from")) {
            this.next();
            from = this.compound([], "field name");
          } else if (this.isKw("as")) {
            this.next();
            result = this.compound([], "result name");
          } else if (this.isKw("drop_duplicates")) {
            this.next();
            dropDuplicates = true;
          } else break;
        }
        return { t: "unpack_words", from, result: result === "" ? from : result, dropDuplicates };
      }
    }
    if (!t.quoted && STATS_FUNC_NAMES.has(name) && this.toks[this.i + 1]?.s === "(") return this.pipeStats();
    if (this.isKw("by") && !t.quoted) return this.pipeStats();
    // An unknown name starts an implicit filter pipe: `... | foo:bar`.
    if (!t.quoted && PIPE_NAMES.has(name)) this.fail(`pipe ${name} is not supported`);
    return { t: "filter", f: this.filter() };
  }

  private subqueryInParens(what: string): Query {
    this.expect("(", `before the ${what} query`);
    const q = this.query();
    this.expect(")", `after the ${what} query`);
    return q;
  }

  private isPipeEnd(): boolean {
    return this.isTrailer();
  }

  private uintArg(what: string): number {
    const pos = this.tok.pos;
    const s = this.compound([], `${what} value`);
    const v = parseNumber(s);
    if (!Number.isFinite(v) || v < 0 || !Number.isInteger(v)) this.fail(`cannot parse ${JSON.stringify(s)} as ${what}; want a non-negative integer`, pos);
    return v;
  }

  private fieldName(what: string): string {
    let f = this.compound([], `field name in ${what}`);
    if (!this.tok.space && this.isKw("*")) {
      this.next();
      f += "*";
    }
    return f;
  }

  // fieldList reads `a, b*, c` or `(a, b)`.
  private fieldList(allowWildcard: boolean, what: string): string[] {
    const out: string[] = [];
    if (this.isKw("(")) {
      this.next();
      while (!this.isKw(")")) {
        out.push(this.fieldItem(allowWildcard, what));
        if (this.isKw(",")) this.next();
        else if (!this.isKw(")")) this.fail(`unexpected token ${JSON.stringify(this.tok.raw)} in ${what}; want ',' or ')'`);
      }
      this.next();
    } else {
      for (;;) {
        out.push(this.fieldItem(allowWildcard, what));
        if (!this.isKw(",")) break;
        this.next();
      }
    }
    if (out.length === 0) this.fail(`missing fields in ${what}`);
    return out;
  }

  private fieldItem(allowWildcard: boolean, what: string): string {
    if (this.isKw("*")) {
      if (!allowWildcard) this.fail(`wildcards are not allowed in ${what}`);
      this.next();
      return "*";
    }
    const pos = this.tok.pos;
    const f = this.fieldName(what);
    if (!allowWildcard && f.endsWith("*")) this.fail(`wildcards are not allowed in ${what}`, pos);
    return f;
  }

  private pipeRenameCopy(t: "rename" | "copy"): Pipe {
    this.next();
    const pairs: [string, string][] = [];
    for (;;) {
      const src = this.fieldName(t);
      if (this.isKw("as")) this.next();
      const dst = this.fieldName(t);
      if (src.endsWith("*") !== dst.endsWith("*")) this.fail(`${t}: both names must be wildcards or both plain: ${JSON.stringify(src)} and ${JSON.stringify(dst)}`);
      pairs.push([src, dst]);
      if (!this.isKw(",")) break;
      this.next();
    }
    return { t, pairs };
  }

  private sortFields(): SortField[] {
    this.expect("(", "after 'by'");
    const by: SortField[] = [];
    while (!this.isKw(")")) {
      const field = this.fieldName("sort");
      let desc = false;
      if (this.isKw("desc")) {
        this.next();
        desc = true;
      } else if (this.isKw("asc")) this.next();
      by.push({ field, desc });
      if (this.isKw(",")) this.next();
      else if (!this.isKw(")")) this.fail(`unexpected token ${JSON.stringify(this.tok.raw)} in 'by (...)'; want ',' or ')'`);
    }
    this.next();
    return by;
  }

  private pipeSort(): Pipe {
    this.next();
    let by: SortField[] = [];
    let desc = false;
    let offset = 0;
    let limit = 0;
    let partitionBy: string[] = [];
    let rank = "";
    if (this.isKw("by")) {
      this.next();
      by = this.sortFields();
    } else if (this.isKw("(")) {
      by = this.sortFields();
    }
    for (;;) {
      if (this.isKw("desc")) {
        this.next();
        desc = true;
      } else if (this.isKw("asc")) {
        this.next();
      } else if (this.isKw("offset")) {
        this.next();
        offset = this.uintArg("offset");
      } else if (this.isKw("limit")) {
        this.next();
        limit = this.uintArg("limit");
      } else if (this.isKw("partition")) {
        this.next();
        this.expect("by", "after 'partition'");
        partitionBy = this.fieldList(false, "partition by");
      } else if (this.isKw("rank")) {
        this.next();
        if (this.isKw("as")) this.next();
        rank = this.compound([], "rank field name");
      } else break;
    }
    return { t: "sort", by, desc, offset, limit, partitionBy, rank };
  }

  private pipeFirstLast(t: "first" | "last"): Pipe {
    this.next();
    let n = 1;
    if (!this.isPipeEnd() && !this.isKw("by", "(", "partition")) n = this.uintArg(t);
    let by: SortField[] = [];
    if (this.isKw("by")) {
      this.next();
      by = this.sortFields();
    } else if (this.isKw("(")) by = this.sortFields();
    let partitionBy: string[] = [];
    if (this.isKw("partition")) {
      this.next();
      this.expect("by", "after 'partition'");
      partitionBy = this.fieldList(false, "partition by");
    }
    return { t, n, by, partitionBy };
  }

  private pipeStats(): Pipe {
    let by: ByField[] = [];
    if (this.isKw("by")) {
      this.next();
      by = this.byFields();
    } else if (this.isKw("(")) {
      by = this.byFields();
    }
    const funcs: StatsFunc[] = [];
    const names = new Set<string>();
    for (;;) {
      const pos = this.tok.pos;
      const f = this.statsFunc();
      if (names.has(f.result)) this.fail(`duplicate stats result name ${JSON.stringify(f.result)}`, pos);
      if (by.some((b) => b.name === f.result)) this.fail(`the ${JSON.stringify(f.result)} is used as 'by' field, so it cannot be used as result name`, pos);
      names.add(f.result);
      funcs.push(f);
      if (!this.isKw(",")) break;
      this.next();
    }
    return { t: "stats", by, funcs };
  }

  private byFields(): ByField[] {
    this.expect("(", "after 'by'");
    const out: ByField[] = [];
    while (!this.isKw(")")) {
      const name = this.compound([":"], "by field");
      let bucket: string | undefined;
      let offset: string | undefined;
      if (this.isKw(":") && !this.tok.space) {
        this.next();
        const pos = this.tok.pos;
        if (this.isKw("/")) {
          this.next();
          const bits = this.compound([], "bucket");
          if (!/^\d+$/.test(bits) || Number(bits) > 32) this.fail(`cannot parse ip bucket /${bits}`, pos);
          bucket = "/" + bits;
        } else {
          bucket = this.compound([], "bucket");
          if (Number.isNaN(parseNumber(bucket)) && !/^(nanosecond|microsecond|millisecond|second|minute|hour|day|week|month|year)$/.test(bucket)) {
            this.fail(`cannot parse bucket size ${JSON.stringify(bucket)} for ${JSON.stringify(name)}`, pos);
          }
        }
        if (this.isKw("offset")) {
          this.next();
          const opos = this.tok.pos;
          offset = this.compound([], "bucket offset");
          if (Number.isNaN(parseNumber(offset))) this.fail(`cannot parse bucket offset ${JSON.stringify(offset)}`, opos);
        }
      }
      out.push({ name, bucket, offset });
      if (this.isKw(",")) this.next();
      else if (!this.isKw(")")) this.fail(`unexpected token ${JSON.stringify(this.tok.raw)} in 'by (...)'; want ',' or ')'`);
    }
    this.next();
    return out;
  }

  private statsFunc(): StatsFunc {
    const pos = this.tok.pos;
    const name = this.tok.quoted ? "" : this.tok.s.toLowerCase();
    if (!STATS_FUNC_NAMES.has(name)) this.fail(`unknown stats func ${JSON.stringify(this.tok.raw)}`);
    this.next();
    this.expect("(", `after ${name}`);
    let phi: string | undefined;
    const fields: string[] = [];
    if (name === "quantile") {
      const ppos = this.tok.pos;
      phi = this.compound([], "phi");
      const v = parseNumber(phi);
      if (!(v >= 0 && v <= 1)) this.fail(`phi in quantile() must be in the range [0..1]; got ${JSON.stringify(phi)}`, ppos);
      if (this.isKw(",")) this.next();
    }
    while (!this.isKw(")")) {
      const f = this.fieldItem(true, `${name}()`);
      if (f !== "*") fields.push(f);
      if (this.isKw(",")) this.next();
      else if (!this.isKw(")")) this.fail(`unexpected token ${JSON.stringify(this.tok.raw)} in ${name}(); want ',' or ')'`);
    }
    this.next();
    if ((name === "row_min" || name === "row_max") && fields.length === 0) this.fail(`missing field for ${name}()`, pos);
    if ((name === "field_min" || name === "field_max") && fields.length !== 2) this.fail(`unexpected number of args for ${name}(); got ${fields.length}; want 2`, pos);
    if (name === "histogram" && fields.length !== 1) this.fail(`histogram() needs exactly one field`, pos);
    if (name === "rate" && fields.length !== 0) this.fail(`rate() takes no args`, pos);
    let limit = 0;
    if (this.isKw("limit")) {
      if (!["count_uniq", "count_uniq_hash", "uniq_values", "values", "json_values", "row_any"].includes(name)) this.fail(`${name}() does not support limit`);
      this.next();
      limit = this.uintArg("limit");
    }
    const iff = this.optIf();
    const call = printStatsFuncCall(name, fields, phi, limit, iff);
    let result = call;
    if (this.isKw("as")) {
      this.next();
      result = this.compound([], "result name");
    } else if (!this.isKw(",", "|", ")", ";", "") ) {
      result = this.compound([], "result name");
    }
    return { name, fields, phi, limit, iff, result };
  }

  private optIf(): Filter | undefined {
    if (!this.isKw("if")) return undefined;
    this.next();
    this.expect("(", "after 'if'");
    const f = this.filterOr("");
    this.expect(")", "after 'if (...'");
    return f;
  }

  private pipeUniq(): Pipe {
    this.next();
    let fields: string[] = [];
    if (this.isKw("by")) {
      this.next();
      fields = this.fieldList(false, "uniq");
    } else if (!this.isPipeEnd() && !this.isKw("with", "limit", "hits")) {
      fields = this.fieldList(false, "uniq");
    }
    let hits = false;
    let limit = 0;
    for (;;) {
      if (this.isKw("with")) {
        this.next();
        this.expect("hits", "after 'with'");
        hits = true;
      } else if (this.isKw("hits")) {
        this.next();
        hits = true;
      } else if (this.isKw("limit")) {
        this.next();
        limit = this.uintArg("limit");
      } else break;
    }
    return { t: "uniq", fields, hits, limit };
  }

  private pipeTop(): Pipe {
    this.next();
    let n = 10;
    if (!this.isPipeEnd() && !this.isKw("by", "(")) n = this.uintArg("top");
    let fields: string[] = [];
    if (this.isKw("by")) {
      this.next();
      fields = this.fieldList(false, "top");
    } else if (this.isKw("(")) fields = this.fieldList(false, "top");
    let hitsField = "hits";
    let rank = "";
    for (;;) {
      if (this.isKw("hits")) {
        this.next();
        this.expect("as", "after 'hits'");
        hitsField = this.compound([], "hits field name");
      } else if (this.isKw("rank")) {
        this.next();
        if (this.isKw("as")) this.next();
        rank = this.isPipeEnd() ? "rank" : this.compound([], "rank field name");
      } else break;
    }
    return { t: "top", n, fields, hitsField, rank };
  }

  private pipeFacets(): Pipe {
    this.next();
    let limit = 10;
    let maxValuesPerField = 1000;
    let maxValueLen = 128;
    let keepConst = false;
    if (!this.isPipeEnd() && /^\d/.test(this.tok.s) && !this.tok.quoted) limit = this.uintArg("facets");
    for (;;) {
      if (this.isKw("max_values_per_field")) {
        this.next();
        maxValuesPerField = this.uintArg("max_values_per_field");
      } else if (this.isKw("max_value_len")) {
        this.next();
        maxValueLen = this.uintArg("max_value_len");
      } else if (this.isKw("keep_const_fields")) {
        this.next();
        keepConst = true;
      } else break;
    }
    return { t: "facets", limit, maxValuesPerField, maxValueLen, keepConst };
  }

  private extractOptions(): { keepOriginal: boolean; skipEmpty: boolean } {
    let keepOriginal = false;
    let skipEmpty = false;
    for (;;) {
      if (this.isKw("keep_original_fields")) {
        this.next();
        keepOriginal = true;
      } else if (this.isKw("skip_empty_results")) {
        this.next();
        skipEmpty = true;
      } else break;
    }
    return { keepOriginal, skipEmpty };
  }

  private pipeExtract(t: "extract" | "extract_regexp"): Pipe {
    this.next();
    const iff = this.optIf();
    const pos = this.tok.pos;
    if (this.tok.raw === "" || this.isKw("|", ")")) this.fail(`missing pattern for ${t}`);
    const pattern = this.compound([], "pattern");
    if (t === "extract") {
      const err = validateExtractPattern(pattern);
      if (err !== undefined) this.fail(`cannot parse ${t} pattern ${JSON.stringify(pattern)}: ${err}`, pos);
    } else {
      const err = validateRegexp(pattern);
      if (err !== undefined) this.fail(`cannot parse regexp ${JSON.stringify(pattern)}: ${err}`, pos);
      if (!/\(\?P?<[^>]+>/.test(pattern)) this.fail(`the regexp of extract_regexp must have at least one named group (?P<name>...)`, pos);
    }
    let from = "_msg";
    if (this.isKw("from")) {
      this.next();
      from = this.compound([], "field name");
    }
    const o = this.extractOptions();
    const iff2 = iff ?? this.optIf();
    return { t, iff: iff2, pattern, from, ...o };
  }

  private pipeFormat(): Pipe {
    this.next();
    const iff = this.optIf();
    const pos = this.tok.pos;
    const pattern = this.compound([], "pattern");
    let result = "_msg";
    if (this.isKw("as")) {
      this.next();
      result = this.compound([], "result field");
    }
    const o = this.extractOptions();
    return { t: "format", iff, pattern, result, ...o };
  }

  private pipeUnpack(t: "unpack_json" | "unpack_logfmt"): Pipe {
    this.next();
    let iff = this.optIf();
    let from = "_msg";
    let fields: string[] = [];
    let prefix = "";
    let keepOriginal = false;
    let skipEmpty = false;
    for (;;) {
      if (this.isKw("from")) {
        this.next();
        from = this.compound([], "field name");
      } else if (this.isKw("fields")) {
        this.next();
        fields = this.fieldList(true, t);
      } else if (this.isKw("result_prefix")) {
        this.next();
        prefix = this.compound([], "result prefix");
      } else if (this.isKw("keep_original_fields")) {
        this.next();
        keepOriginal = true;
      } else if (this.isKw("skip_empty_results")) {
        this.next();
        skipEmpty = true;
      } else if (this.isKw("if") && iff === undefined) {
        iff = this.optIf();
      } else break;
    }
    return { t, iff, from, fields, prefix, keepOriginal, skipEmpty };
  }

  private pipePack(t: "pack_json" | "pack_logfmt"): Pipe {
    this.next();
    let fields: string[] = [];
    let result = "_msg";
    if (this.isKw("fields")) {
      this.next();
      fields = this.fieldList(true, t);
    }
    if (this.isKw("as")) {
      this.next();
      result = this.compound([], "result field");
    }
    return { t, fields, result };
  }

  private pipeReplace(t: "replace" | "replace_regexp"): Pipe {
    this.next();
    const iff = this.optIf();
    this.expect("(", `after ${t}`);
    const pos = this.tok.pos;
    const old = this.compound([], "old value");
    if (old === "") this.fail(`the ${t} pattern cannot be empty`, pos);
    if (t === "replace_regexp") {
      const err = validateRegexp(old);
      if (err !== undefined) this.fail(`cannot parse regexp ${JSON.stringify(old)}: ${err}`, pos);
    }
    this.expect(",", `in ${t}(...)`);
    const repl = this.compound([], "replacement");
    this.expect(")", `in ${t}(...)`);
    let at = "_msg";
    let limit = 0;
    for (;;) {
      if (this.isKw("at")) {
        this.next();
        at = this.compound([], "field name");
      } else if (this.isKw("limit")) {
        this.next();
        limit = this.uintArg("limit");
      } else break;
    }
    return { t, iff, old, repl, at, limit };
  }

  private pipeMath(): Pipe {
    this.next();
    const entries: { expr: MathExpr; result: string }[] = [];
    for (;;) {
      const expr = this.mathBinary(0);
      let result: string;
      if (this.isKw("as")) {
        this.next();
        result = this.compound([], "result name");
      } else if (!this.isKw(",", "|", ")", ";", "")) {
        result = this.compound([], "result name");
      } else {
        result = printMathExpr(expr);
      }
      entries.push({ expr, result });
      if (!this.isKw(",")) break;
      this.next();
    }
    return { t: "math", entries };
  }

  private mathBinary(minPrec: number): MathExpr {
    if (++this.depth > 200) this.fail("too deep nesting in math expression");
    let a = this.mathUnary();
    for (;;) {
      const op = this.tok.quoted ? "" : this.tok.s.toLowerCase();
      const prec = MATH_PREC[op];
      if (prec === undefined || prec < minPrec) break;
      this.next();
      const b = this.mathBinary(op === "^" ? prec : prec + 1);
      a = { k: "bin", op, a, b };
    }
    this.depth--;
    return a;
  }

  private mathUnary(): MathExpr {
    if (this.isKw("-")) {
      this.next();
      const a = this.mathUnary();
      if (a.k === "num") return { k: "num", v: -a.v, raw: a.raw.startsWith("-") ? a.raw.slice(1) : "-" + a.raw };
      return { k: "neg", a };
    }
    if (this.isKw("+")) {
      this.next();
      return this.mathUnary();
    }
    if (this.isKw("(")) {
      this.next();
      const e = this.mathBinary(0);
      this.expect(")", "in math expression");
      return e;
    }
    const t = this.tok;
    if (!t.quoted && MATH_FUNCS.has(t.s.toLowerCase()) && this.toks[this.i + 1]?.s === "(") {
      const name = t.s.toLowerCase();
      this.next();
      this.next();
      const args: MathExpr[] = [];
      while (!this.isKw(")")) {
        args.push(this.mathBinary(0));
        if (this.isKw(",")) this.next();
        else if (!this.isKw(")")) this.fail(`unexpected token ${JSON.stringify(this.tok.raw)} in ${name}(); want ',' or ')'`);
      }
      this.next();
      const want = MATH_FUNCS.get(name)!;
      if (args.length < want[0] || args.length > want[1]) this.fail(`unexpected number of args for ${name}(); got ${args.length}`, t.pos);
      return { k: "fn", name, args };
    }
    if (t.raw === "" || this.isKw(")", ",", "|")) this.fail(`missing operand in math expression`);
    const s = this.compound(MATH_STOP, "math operand");
    if (!t.quoted) {
      const v = parseNumber(s);
      if (!Number.isNaN(v) || /^nan$/i.test(s)) return { k: "num", v, raw: s };
    }
    return { k: "field", name: s };
  }
}

const MATH_PREC: Record<string, number> = { default: 1, or: 2, xor: 3, "&": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6, "^": 7 };

/** MATH_FUNCS maps the math pipe's functions to their [min, max] arg counts. */
export const MATH_FUNCS: ReadonlyMap<string, readonly [number, number]> = new Map<string, readonly [number, number]>([
  ["abs", [1, 1]], ["ceil", [1, 1]], ["exp", [1, 1]], ["floor", [1, 1]], ["ln", [1, 1]], ["max", [1, 100]], ["min", [1, 100]],
  ["now", [0, 0]], ["rand", [0, 0]], ["round", [1, 2]],
]);

// shiftTime moves the _time filters of f back by off (the time_offset option).
function shiftTime(f: Filter, off: bigint): Filter {
  const MIN = -(2n ** 63n);
  const MAX = 2n ** 63n - 1n;
  switch (f.t) {
    case "time":
      return { ...f, min: f.min === MIN ? MIN : f.min - off, max: f.max === MAX ? MAX : f.max - off };
    case "and":
    case "or":
      return { t: f.t, fs: f.fs.map((c) => shiftTime(c, off)) };
    case "not":
      return { t: "not", f: shiftTime(f.f, off) };
    default:
      return f;
  }
}

function negate(f: Filter): Filter {
  return f.t === "not" ? f.f : { t: "not", f };
}

function fieldName(f: string): string {
  return f === "" ? "_msg" : f;
}

function numRepr(s: string): string {
  return isNumberLiteral(s) ? s : quote(s);
}

function parseBool(s: string): boolean | undefined {
  const l = s.toLowerCase();
  if (l === "true" || l === "1" || l === "t") return true;
  if (l === "false" || l === "0" || l === "f") return false;
  return undefined;
}

function parseLen(s: string): number | undefined {
  if (/^\+?inf$/i.test(s)) return Infinity;
  const v = parseNumber(s);
  if (!Number.isInteger(v) || v < 0) return undefined;
  return v;
}

function nextUp(v: number): number {
  if (Number.isNaN(v) || v === Infinity) return v;
  if (v === 0) return Number.MIN_VALUE;
  const b = new Float64Array([v]);
  const u = new BigInt64Array(b.buffer);
  u[0] += v > 0 ? 1n : -1n;
  return b[0];
}

function nextDown(v: number): number {
  return -nextUp(-v);
}

function validateRegexp(re: string): string | undefined {
  return regexpError(re);
}

/** validateExtractPattern checks an extract pattern such as `ip=<ip> <_>`: it must have a named placeholder. */
export function validateExtractPattern(p: string): string | undefined {
  let named = 0;
  let i = 0;
  let prevField = false;
  while (i < p.length) {
    const s = p.indexOf("<", i);
    if (s < 0) break;
    const e = p.indexOf(">", s);
    if (e < 0) break;
    const name = p.slice(s + 1, e);
    if (/^[^<>\s]*$/.test(name) && !name.includes("\n")) {
      if (prevField && s === i) return "placeholders must be separated by text";
      if (name !== "_" && name !== "") named++;
      prevField = true;
      i = e + 1;
    } else {
      prevField = false;
      i = s + 1;
    }
  }
  if (named === 0) return "missing named placeholders like <name>";
  return undefined;
}
