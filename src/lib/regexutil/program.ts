// Compilation of a syntax tree to a Thompson NFA program.

import type { AssertOp, Node } from "./ast.ts";
import { foldOrbit } from "./case_fold.ts";
import { classKey, cleanClass } from "./char_class.ts";
import { ErrorCode, RegexSyntaxError } from "./regex_syntax_error.ts";

/** Instruction opcodes of a Program. */
export const OP_MATCH = 0;
export const OP_RUNE = 1; // consume one code point in classes[arg], continue at out
export const OP_SPLIT = 2; // continue at out and at out1
export const OP_NOP = 3; // continue at out
export const OP_ASSERT = 4; // continue at out if an EMPTY_* flag in arg holds here
export const OP_FAIL = 5;

/** Empty-width conditions, as bits: an OP_ASSERT passes when (arg & flags) != 0. */
export const EMPTY_BEGIN_LINE = 1;
export const EMPTY_END_LINE = 2;
export const EMPTY_BEGIN_TEXT = 4;
export const EMPTY_END_TEXT = 8;
export const EMPTY_WORD_BOUNDARY = 16;
export const EMPTY_NO_WORD_BOUNDARY = 32;

const ASSERT_BITS: Record<AssertOp, number> = {
  beginLine: EMPTY_BEGIN_LINE,
  endLine: EMPTY_END_LINE,
  beginText: EMPTY_BEGIN_TEXT,
  endText: EMPTY_END_TEXT,
  wordBoundary: EMPTY_WORD_BOUNDARY,
  noWordBoundary: EMPTY_NO_WORD_BOUNDARY,
};

/**
 * Program is an NFA in struct-of-arrays form: instruction pc has opcode op[pc],
 * argument arg[pc] and successors out[pc] (and out1[pc] for OP_SPLIT). Matching
 * starts at start; classes are the distinct clean classes OP_RUNE refers to.
 */
export interface Program {
  readonly op: Uint8Array;
  readonly arg: Int32Array;
  readonly out: Int32Array;
  readonly out1: Int32Array;
  readonly start: number;
  readonly classes: readonly (readonly number[])[];
  readonly hasAsserts: boolean;
}

/** MAX_INSTRUCTIONS bounds the size of a compiled program. */
export const MAX_INSTRUCTIONS = 2_000_000;

interface Frag {
  start: number;
  holes: number[]; // pc*2 (out) or pc*2+1 (out1) still to be patched
}

/**
 * compile turns a simplified tree into a Program that matches exactly the strings the
 * tree matches (whole-string, anchored at both ends). It throws RegexSyntaxError
 * "expression too large" (quoting src) beyond MAX_INSTRUCTIONS.
 */
export function compile(node: Node, src: string): Program {
  const c = new Compiler(src);
  const f = c.frag(node);
  const m = c.emit(OP_MATCH, 0);
  c.patch(f.holes, m);
  return {
    op: Uint8Array.from(c.op),
    arg: Int32Array.from(c.arg),
    out: Int32Array.from(c.out),
    out1: Int32Array.from(c.out1),
    start: f.start,
    classes: c.classes,
    hasAsserts: c.hasAsserts,
  };
}

class Compiler {
  readonly op: number[] = [];
  readonly arg: number[] = [];
  readonly out: number[] = [];
  readonly out1: number[] = [];
  readonly classes: (readonly number[])[] = [];
  hasAsserts = false;
  private readonly classIndex = new Map<string, number>();
  private readonly src: string;

  constructor(src: string) {
    this.src = src;
  }

  emit(op: number, arg: number): number {
    const pc = this.op.length;
    if (pc >= MAX_INSTRUCTIONS) throw new RegexSyntaxError(ErrorCode.large, this.src, 0);
    this.op.push(op);
    this.arg.push(arg);
    this.out.push(-1);
    this.out1.push(-1);
    return pc;
  }

  patch(holes: readonly number[], target: number): void {
    for (const h of holes) {
      if (h & 1) this.out1[h >> 1] = target;
      else this.out[h >> 1] = target;
    }
  }

  private classId(ranges: readonly number[]): number {
    const key = classKey(ranges);
    let id = this.classIndex.get(key);
    if (id === undefined) {
      id = this.classes.length;
      this.classes.push(ranges);
      this.classIndex.set(key, id);
    }
    return id;
  }

  private rune(ranges: readonly number[]): Frag {
    const pc = this.emit(OP_RUNE, this.classId(ranges));
    return { start: pc, holes: [pc * 2] };
  }

  private seq(a: Frag, b: Frag): Frag {
    this.patch(a.holes, b.start);
    return { start: a.start, holes: b.holes };
  }

  frag(n: Node): Frag {
    switch (n.kind) {
      case "empty": {
        const pc = this.emit(OP_NOP, 0);
        return { start: pc, holes: [pc * 2] };
      }
      case "noMatch":
        return { start: this.emit(OP_FAIL, 0), holes: [] };
      case "literal": {
        let f: Frag | undefined;
        for (const r of n.runes) {
          const orbit = n.fold ? foldOrbit(r) : undefined;
          const ranges = orbit === undefined ? [r, r] : cleanClass(orbit.flatMap((c) => [c, c]));
          const g = this.rune(ranges);
          f = f === undefined ? g : this.seq(f, g);
        }
        return f ?? this.frag({ kind: "empty" });
      }
      case "class":
        return this.rune(n.ranges);
      case "assert": {
        this.hasAsserts = true;
        const pc = this.emit(OP_ASSERT, ASSERT_BITS[n.op]);
        return { start: pc, holes: [pc * 2] };
      }
      case "capture":
        return this.frag(n.sub);
      case "concat": {
        let f = this.frag(n.subs[0]!);
        for (let k = 1; k < n.subs.length; k++) f = this.seq(f, this.frag(n.subs[k]!));
        return f;
      }
      case "alternate": {
        // Right to left: SPLIT(branch k, rest).
        let f = this.frag(n.subs[n.subs.length - 1]!);
        for (let k = n.subs.length - 2; k >= 0; k--) {
          const g = this.frag(n.subs[k]!);
          const pc = this.emit(OP_SPLIT, 0);
          this.out[pc] = g.start;
          this.out1[pc] = f.start;
          for (const h of g.holes) f.holes.push(h);
          f = { start: pc, holes: f.holes };
        }
        return f;
      }
      case "repeat":
        return this.repeat(n.sub, n.min, n.max);
      default: {
        const _: never = n;
        throw new Error(`BUG: unknown node ${JSON.stringify(_)}`);
      }
    }
  }

  private star(sub: Node): Frag {
    const pc = this.emit(OP_SPLIT, 0);
    const g = this.frag(sub);
    this.out[pc] = g.start;
    this.patch(g.holes, pc);
    return { start: pc, holes: [pc * 2 + 1] };
  }

  private plus(sub: Node): Frag {
    const g = this.frag(sub);
    const pc = this.emit(OP_SPLIT, 0);
    this.out[pc] = g.start;
    this.patch(g.holes, pc);
    return { start: g.start, holes: [pc * 2 + 1] };
  }

  private repeat(sub: Node, min: number, max: number): Frag {
    if (max === -1) {
      if (min === 0) return this.star(sub);
      // x{n,} = x x ... x x+ (n-1 copies, then x+)
      let f: Frag | undefined;
      for (let k = 1; k < min; k++) {
        const g = this.frag(sub);
        f = f === undefined ? g : this.seq(f, g);
      }
      const p = this.plus(sub);
      return f === undefined ? p : this.seq(f, p);
    }
    if (max === 0) return this.frag({ kind: "empty" });
    // x{n,m} = x ... x (n copies) then (x(x(x)?)?)? (m-n levels)
    let f: Frag | undefined;
    for (let k = 0; k < min; k++) {
      const g = this.frag(sub);
      f = f === undefined ? g : this.seq(f, g);
    }
    if (max > min) {
      const exits: number[] = [];
      let pending: number[] | undefined;
      let start = -1;
      for (let k = min; k < max; k++) {
        const pc = this.emit(OP_SPLIT, 0);
        if (pending === undefined) start = pc;
        else this.patch(pending, pc);
        const g = this.frag(sub);
        this.out[pc] = g.start;
        exits.push(pc * 2 + 1);
        pending = g.holes;
      }
      for (const h of pending!) exits.push(h);
      const opt: Frag = { start, holes: exits };
      f = f === undefined ? opt : this.seq(f, opt);
    }
    return f!;
  }
}
