import { test } from "node:test";
import assert from "node:assert/strict";
import type { BinaryOp } from "./ast.ts";
import { BINARY_OPS, binaryOpPriority, evalBinaryOpNumbers, isRightAssociative, pow, toBinaryOp } from "./binary_op.ts";

test("evalBinaryOpNumbers", () => {
  const f = (op: BinaryOp, l: number, r: number, isBool: boolean, want: number) =>
    assert.ok(Object.is(evalBinaryOpNumbers(op, l, r, isBool), want), `${l} ${op}${isBool ? " bool" : ""} ${r}: got ${evalBinaryOpNumbers(op, l, r, isBool)}; want ${want}`);
  f("+", 1, 2, false, 3);
  f("-", 1, 2, false, -1);
  f("*", 3, 2, false, 6);
  f("/", 1, 0, false, Infinity);
  f("/", 0, 0, false, NaN);
  f("%", -5, 3, false, -2);
  f("%", 5, 0, false, NaN);
  f("^", 2, 10, false, 1024);
  f("^", NaN, 0, false, NaN);
  f("^", 1, NaN, false, 1);
  f("^", -1, Infinity, false, 1);
  f("atan2", 1, 1, false, Math.PI / 4);
  f("==", 1, 1, false, 1);
  f("==", 2, 1, false, NaN);
  f("==", NaN, NaN, false, NaN); // true, and the left value is NaN
  f("==", NaN, NaN, true, 1);
  f("!=", NaN, NaN, true, 0);
  f("!=", NaN, 1, true, 1);
  f("!=", 1, NaN, true, 1);
  f(">", 3, 2, false, 3);
  f(">", 2, 3, true, 0);
  f("<", 2, 3, false, 2);
  f(">=", 2, 2, true, 1);
  f("<=", 3, 2, false, NaN);
  f("and", 1, 2, false, 1);
  f("and", 1, NaN, false, NaN);
  f("or", NaN, 2, false, 2);
  f("or", 1, 2, false, 1);
  f("unless", 1, 2, false, NaN);
  f("default", NaN, 2, false, 2);
  f("default", 1, 2, false, 1);
  f("if", 1, 2, false, 1);
  f("if", 1, NaN, false, NaN);
  f("ifnot", 1, NaN, false, 1);
  f("ifnot", 1, 2, false, NaN);
  assert.equal(pow(0, -1), Infinity);
});

test("operator table", () => {
  assert.equal(BINARY_OPS.length, 19);
  assert.equal(toBinaryOp("AND"), "and");
  assert.equal(toBinaryOp("Atan2"), "atan2");
  assert.equal(toBinaryOp("=~"), undefined);
  assert.equal(toBinaryOp("constructor"), undefined);
  const order: BinaryOp[][] = [["default"], ["if", "ifnot"], ["or"], ["and", "unless"], ["==", "!=", "<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%", "atan2"], ["^"]];
  order.forEach((ops, i) => {
    for (const op of ops) assert.equal(binaryOpPriority(op), i - 1, op);
  });
  assert.ok(isRightAssociative("^"));
  assert.ok(!isRightAssociative("-"));
});
