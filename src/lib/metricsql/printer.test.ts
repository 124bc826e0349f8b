import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type {
  AggrFuncExpr,
  BinaryOp,
  BinaryOpExpr,
  DurationExpr,
  Expr,
  FuncExpr,
  LabelFilter,
  MetricExpr,
  ModifierExpr,
  NumberExpr,
  RollupExpr,
  StringExpr,
} from "./ast.ts";
import { BINARY_OPS, isBinaryOpCmp, isBinaryOpLogicalSet } from "./binary_op.ts";
import { ParseError } from "./errors.ts";
import { AGGR_FUNCS, ROLLUP_FUNCS, TRANSFORM_FUNCS } from "./functions.ts";
import { formatGoFloat } from "./go_strconv.ts";
import { parsePositiveNumber } from "./lexer.ts";
import { parse } from "./parse.ts";
import { parseRaw } from "./parser.ts";
import { prettify } from "./prettifier.ts";
import { printExpr } from "./printer.ts";

// Generators of trees in the form parse() returns: expanded, parentheses removed,
// constants folded, names known.

// rec is fc.record with plain objects (deepStrictEqual compares prototypes).
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

function anyString(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const cp = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    fc.integer({ min: 0, max: 0x1f }),
    fc.integer({ min: 0x80, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0x10ffff }),
  );
  return fc.array(cp, { minLength, maxLength }).map((cps) => String.fromCodePoint(...cps));
}

// Names that collide with keywords, operators, functions and numbers, or need escaping.
const TRICKY_NAMES = [
  "on", "ignoring", "group_left", "group_right", "bool", "prefix", "by", "without", "limit", "offset", "with",
  "keep_metric_names", "or", "and", "unless", "if", "ifnot", "default", "atan2", "sum", "topk", "rate", "ru",
  "alias", "inf", "NaN", "Inf", "a-b", "3x", "a b", "温度", "x.y:z", "_", ":", "a\\b", 'q"', "\u0000",
];

const metricNameArb = fc.oneof(fc.constantFrom("foo", "http_requests_total", ...TRICKY_NAMES), anyString(1, 5));
const labelArb = fc.oneof(fc.constantFrom("job", "instance", "le", "", ...TRICKY_NAMES), anyString(1, 5));
const modifierLabelArb = fc.oneof(fc.constantFrom("job", "instance", "le", ...TRICKY_NAMES), anyString(1, 5)).filter((s) => s !== "*");
const regexArb = fc.constantFrom("", ".*", "a|b", "x[0-9]+", "(?i)foo", "\\.", "温.*", "a{2,3}");

const labelFilterArb: fc.Arbitrary<LabelFilter> = fc.oneof(
  rec({ label: labelArb.filter((l) => l !== "__name__"), value: anyString(0, 6), isNegative: fc.boolean(), isRegexp: fc.constant(false) }),
  rec({ label: labelArb.filter((l) => l !== "__name__"), value: regexArb, isNegative: fc.boolean(), isRegexp: fc.constant(true) }),
  rec({ label: fc.constant("__name__"), value: regexArb, isNegative: fc.boolean(), isRegexp: fc.constant(true) }),
  rec({ label: fc.constant("__name__"), value: anyString(0, 4), isNegative: fc.constant(true), isRegexp: fc.constant(false) }),
);

const filtersArb = (minLength: number) =>
  fc.uniqueArray(labelFilterArb, {
    minLength,
    maxLength: 3,
    selector: (lf) => `${lf.isNegative}${lf.isRegexp}${lf.label}\u0000${lf.value}`,
  });

const nameFilter = (name: string): LabelFilter => ({ label: "__name__", value: name, isNegative: false, isRegexp: false });

// Either no or-group names a metric, or all of them do (expansion would otherwise
// copy a shared name into the groups without one).
const metricArb: fc.Arbitrary<MetricExpr> = fc.oneof(
  fc.array(filtersArb(1), { minLength: 0, maxLength: 3 }),
  fc.tuple(metricNameArb, fc.array(filtersArb(0), { minLength: 1, maxLength: 3 })).map(([name, groups]) =>
    groups.map((g) => [nameFilter(name), ...g]),
  ),
  fc.array(fc.tuple(metricNameArb, filtersArb(0)), { minLength: 1, maxLength: 3 }).map((groups) =>
    groups.map(([name, g]) => [nameFilter(name), ...g]),
  ),
).map((labelFilterss) => ({ kind: "metric", labelFilterss, raw: null }));

const NUMBER_TEXTS = ["0", "1", "42", "1.5", ".5", "12.", "1e3", "1.5e-3", "1_000", "0x1F", "0b101", "0o17", "017", "1Ki", "2MB", "3gi", "4T", "Inf", "NaN", "inf", "nan"];

const numberArb: fc.Arbitrary<NumberExpr> = fc.oneof(
  fc.constantFrom(...NUMBER_TEXTS).map((text) => ({ kind: "number" as const, value: parsePositiveNumber(text), text })),
  // Folded constants, also negative ones.
  fc.double({ noNaN: true }).filter((v) => !Object.is(v, -0)).map((v) => ({ kind: "number" as const, value: v, text: formatGoFloat(v) })),
);

const stringArb: fc.Arbitrary<StringExpr> = anyString(0, 8).map((value) => ({ kind: "string", value, tokens: null }));

const duration = (texts: string[]): fc.Arbitrary<DurationExpr> =>
  fc.constantFrom(...texts).map((text) => ({ kind: "duration", text, isTemplateRef: false }));
const WINDOWS = ["5m", "1h30m", "1.5m", "300", "1.5", "10i", "5ms", "1d", "2h-30m", "1e3", "1_000", "1y1w"];
const windowArb = duration(WINDOWS);
const offsetArb = duration([...WINDOWS, "-5m", "-300", "-1h30m", "-1.5"]);
const durationValueArb = duration(["5m", "1h30m", "10i", "1.5h", "5ms", "2d-1h"]);

const modifierArgsArb = fc.uniqueArray(modifierLabelArb, { maxLength: 3 });

const FUNC_NAMES = [...ROLLUP_FUNCS.keys(), ...TRANSFORM_FUNCS.keys()].filter((n) => n !== "");

interface Tree {
  expr: Expr;
}

const { expr: exprArb } = fc.letrec<Tree>((tie) => {
  const sub = tie("expr") as fc.Arbitrary<Expr>;
  const subs = (max: number) => fc.array(sub, { maxLength: max });
  const rollup: fc.Arbitrary<RollupExpr> = fc
    .record({
      expr: sub,
      window: fc.option(windowArb),
      step: fc.option(windowArb),
      inheritStep: fc.boolean(),
      offset: fc.option(offsetArb),
      at: fc.option(sub, { freq: 4 }),
    })
    .map((r) => {
      const re: RollupExpr = { kind: "rollup", ...r, inheritStep: r.step === null && r.inheritStep };
      // parse() turns m[$__interval] into m.
      if (re.expr.kind === "metric" && re.window === null && re.step === null && !re.inheritStep && re.offset === null && re.at === null) {
        re.window = { kind: "duration", text: "5m", isTemplateRef: false };
      }
      return re;
    });
  const func: fc.Arbitrary<FuncExpr> = fc.oneof(
    rec({
      kind: fc.constant("func" as const),
      name: fc.constantFrom(...FUNC_NAMES).chain((n) => fc.constantFrom(n, n.toUpperCase())),
      args: subs(3),
      keepMetricNames: fc.boolean(),
    }),
    // The union `(a, b)`; a single element would read as plain parentheses.
    rec({
      kind: fc.constant("func" as const),
      name: fc.constant(""),
      args: fc.oneof(fc.constant([] as Expr[]), fc.array(sub, { minLength: 2, maxLength: 3 })),
      keepMetricNames: fc.constant(false),
    }),
  );
  const aggr: fc.Arbitrary<AggrFuncExpr> = rec({
    kind: fc.constant("aggr" as const),
    name: fc.constantFrom(...AGGR_FUNCS.keys()),
    args: subs(3),
    modifier: fc.option(rec({ op: fc.constantFrom("by", "without"), args: modifierArgsArb })),
    limit: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })),
  });
  const binaryOp: fc.Arbitrary<BinaryOpExpr> = fc
    .record({
      op: fc.constantFrom(...BINARY_OPS),
      bool: fc.boolean(),
      groupModifier: fc.option(rec({ op: fc.constantFrom("on", "ignoring"), args: modifierArgsArb })),
      joinModifier: fc.option(
        rec<ModifierExpr>({ op: fc.constantFrom("group_left", "group_right"), args: fc.oneof(modifierArgsArb, fc.constant<string[]>(["*"])) }),
      ),
      joinModifierPrefix: fc.option(stringArb),
      keepMetricNames: fc.boolean(),
      left: sub,
      right: sub,
    })
    .map((b) => {
      const op: BinaryOp = b.op;
      const joinModifier: ModifierExpr | null = b.groupModifier !== null && !isBinaryOpLogicalSet(op) ? b.joinModifier : null;
      return {
        kind: "binaryOp" as const,
        ...b,
        bool: b.bool && isBinaryOpCmp(op),
        joinModifier,
        joinModifierPrefix: joinModifier !== null ? b.joinModifierPrefix : null,
      };
    })
    .filter((b) => {
      // Constants are folded by parse().
      if (b.left.kind === "number" && b.right.kind === "number") return false;
      if (b.left.kind === "string" && b.right.kind === "string" && (b.op === "+" || isBinaryOpCmp(b.op))) return false;
      return true;
    });
  return {
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      metricArb,
      numberArb,
      stringArb,
      durationValueArb,
      rollup,
      func,
      aggr,
      binaryOp,
    ),
  };
});

test("parse(printExpr(e)) equals e for trees parse() can return", () => {
  fc.assert(
    fc.property(exprArb, (e) => {
      const q = printExpr(e);
      let back: Expr;
      try {
        back = parse(q);
      } catch (err) {
        throw new Error(`cannot parse printed ${JSON.stringify(q)}: ${(err as Error).message}`);
      }
      assert.deepEqual(back, e, `printed as ${JSON.stringify(q)}`);
    }),
    { numRuns: 1500 },
  );
});

test("prettify keeps the meaning of any query", () => {
  fc.assert(
    fc.property(exprArb, (e) => {
      const q = printExpr(e);
      const pretty = prettify(q);
      assert.deepEqual(parse(pretty), e, `prettified ${JSON.stringify(q)} as ${JSON.stringify(pretty)}`);
      assert.equal(prettify(pretty), pretty);
    }),
    { numRuns: 300 },
  );
});

test("printing and prettifying a raw tree keep its meaning", () => {
  const queries = [
    'WITH (cf = {job="a"}, f(x, w) = rate(x{cf}[w])) f(foo, 5m) / on(job) group_left() f(bar, 1h)',
    'WITH (p = "x_") foo * on() group_left(*) prefix p + "y" bar',
    '{"foo.bar", x="1" or y="2"} offset -5m',
    'WITH (b = "x") ("a" + b) + c',
    'WITH (b = "x") ("a" + b) + NaN',
    "(with (x = 1) x) + x",
    "(-1)[5m]",
    "foo @ (bar offset 5m)",
    "sum(x) @ (with (t = end()) t)",
    "-1 ^ (-2)",
    "(sum) or foo",
    '{__name__="a",x="1" or __name__="a"}',
    '{"foo",a="1" or "bar",b="2"}',
    '{"inf"} + {"nan", a="b"}',
    "rate(foo[$__interval]) + (sum(foo))[$__interval]",
    '(("a")) + NaN',
    "(a + b) keep_metric_names + c",
  ];
  for (const q of queries) {
    const printed = printExpr(parseRaw(q));
    assert.deepEqual(parse(printed), parse(q), `q=${JSON.stringify(q)} printed as ${JSON.stringify(printed)}`);
    const pretty = prettify(q);
    assert.deepEqual(parse(pretty), parse(q), `q=${JSON.stringify(q)} prettified as ${JSON.stringify(pretty)}`);
    assert.equal(prettify(pretty), pretty, `q=${JSON.stringify(q)}`);
  }
});

// Tokens for random queries: mostly valid pieces in random order.
const TOKENS = [
  "foo", "bar", "rate", "sum", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "prefix",
  "offset", "with", "WITH", "keep_metric_names", "limit", "or", "and", "unless", "if", "ifnot", "default", "atan2",
  "(", ")", "{", "}", "[", "]", ",", "@", ":", "=", "!=", "=~", "!~", "+", "-", "*", "/", "%", "^", "==", ">",
  "<=", "1", "2.5", "0x1f", "1Ki", "5m", "1h30m", "10i", '"s"', "'q'", "`r`", "$__interval", "#", "\n", "x",
  "le", "NaN", "Inf", "end()", "start()", "{a=\"b\"}", "[5m]", "[5m:1m]",
];

test("random token sequences parse or fail with a ParseError", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }), fc.boolean(), (toks, spaced) => {
      const q = toks.join(spaced ? " " : "");
      let e: Expr;
      try {
        e = parse(q);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        assert.ok(err.pos >= 0 && err.pos <= q.length, `position ${err.pos} for ${JSON.stringify(q)}`);
        return;
      }
      const printed = printExpr(e);
      assert.deepEqual(parse(printed), e, `q=${JSON.stringify(q)} printed as ${JSON.stringify(printed)}`);
    }),
    { numRuns: 3000 },
  );
});

test("random characters never crash the parser", () => {
  fc.assert(
    fc.property(anyString(0, 30), (q) => {
      try {
        parse(q);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
      }
    }),
    { numRuns: 2000 },
  );
});
