// Thompson NFA simulation: the linear-time reference matcher, and the fallback
// when the lazy DFA's cache thrashes.

import { colorOf, type Alphabet } from "./alphabet.ts";
import { codePointAt, emptyFlags } from "./input.ts";
import { OP_ASSERT, OP_MATCH, OP_NOP, OP_RUNE, OP_SPLIT, type Program } from "./program.ts";

/**
 * NfaMatcher runs a Program over whole strings by tracking the set of live
 * instructions, in O(len(s) * len(program)) time whatever the pattern. An instance
 * owns scratch buffers: do not call matches() re-entrantly.
 */
export class NfaMatcher {
  private readonly prog: Program;
  private readonly alpha: Alphabet;
  private cur: SparseSet;
  private next: SparseSet;
  private readonly stack: Int32Array;

  constructor(prog: Program, alpha: Alphabet) {
    this.prog = prog;
    this.alpha = alpha;
    const n = prog.op.length;
    this.cur = new SparseSet(n);
    this.next = new SparseSet(n);
    this.stack = new Int32Array(2 * n + 2);
  }

  /** matches reports whether the whole of s matches the program. */
  matches(s: string): boolean {
    const { op, arg, out } = this.prog;
    const nc = this.alpha.numColors;
    const classHas = this.alpha.classHas;
    this.cur.clear();
    let c = s.length > 0 ? codePointAt(s, 0) : -1;
    this.add(this.cur, this.prog.start, emptyFlags(-1, c));
    let i = 0;
    while (c >= 0) {
      i += c > 0xffff ? 2 : 1;
      const d = i < s.length ? codePointAt(s, i) : -1;
      const flags = emptyFlags(c, d);
      const color = colorOf(this.alpha, c);
      const next = this.next;
      next.clear();
      const cur = this.cur;
      for (let k = 0; k < cur.size; k++) {
        const pc = cur.dense[k]!;
        if (op[pc] === OP_RUNE && classHas[arg[pc]! * nc + color] === 1) this.add(next, out[pc]!, flags);
      }
      this.next = cur;
      this.cur = next;
      if (next.size === 0) return false;
      c = d;
    }
    for (let k = 0; k < this.cur.size; k++) {
      if (op[this.cur.dense[k]!] === OP_MATCH) return true;
    }
    return false;
  }

  // add adds pc and everything reachable from it without consuming input, given the
  // empty-width conditions holding at this position.
  private add(set: SparseSet, pc0: number, flags: number): void {
    const { op, arg, out, out1 } = this.prog;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const pc = stack[--sp]!;
      if (set.has(pc)) continue;
      set.add(pc);
      switch (op[pc]) {
        case OP_SPLIT:
          stack[sp++] = out1[pc]!;
          stack[sp++] = out[pc]!;
          break;
        case OP_NOP:
          stack[sp++] = out[pc]!;
          break;
        case OP_ASSERT:
          if ((arg[pc]! & flags) !== 0) stack[sp++] = out[pc]!;
          break;
      }
    }
  }
}

/** SparseSet is a set of small integers with O(1) add, has and clear (Briggs & Torczon). */
export class SparseSet {
  readonly dense: Int32Array;
  private readonly sparse: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.dense = new Int32Array(capacity);
    this.sparse = new Int32Array(capacity);
  }

  has(x: number): boolean {
    const i = this.sparse[x]!;
    return i < this.size && this.dense[i] === x;
  }

  add(x: number): void {
    this.sparse[x] = this.size;
    this.dense[this.size++] = x;
  }

  clear(): void {
    this.size = 0;
  }
}
