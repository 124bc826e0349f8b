// A lazily built DFA over a Program, with a bounded state cache.
//
// A DFA state is the set of NFA instructions live at a position, plus what the
// empty-width assertions need to know about the previous character (was it a word
// character, a newline, or is this the start). Assertions are resolved when the next
// character (or the end) is seen, as RE2's DFA does. States and transitions are
// created on demand and memoized; when the cache exceeds its byte budget it is
// flushed, and after a few flushes the DFA gives up for good and every match runs
// on the NFA simulation. Both are linear in the input length.

import { colorOf, type Alphabet } from "./alphabet.ts";
import { REPLACEMENT } from "./input.ts";
import { NfaMatcher } from "./nfa.ts";
import {
  EMPTY_BEGIN_LINE, EMPTY_BEGIN_TEXT, EMPTY_END_LINE, EMPTY_END_TEXT, EMPTY_NO_WORD_BOUNDARY, EMPTY_WORD_BOUNDARY,
  OP_ASSERT, OP_MATCH, OP_NOP, OP_RUNE, OP_SPLIT, type Program,
} from "./program.ts";

const DEAD = 0;
const START = 1;
const GAVE_UP = -2;

// Context bits of a state (only used when the program has assertions).
const CTX_PREV_WORD = 1;
const CTX_PREV_NEWLINE = 2;
const CTX_AT_START = 4;

/** DEFAULT_DFA_BYTES is the default cache budget of one LazyDfa. */
export const DEFAULT_DFA_BYTES = 512 * 1024;

// MAX_FLUSHES is how many times the cache may be flushed before the DFA gives up.
const MAX_FLUSHES = 8;
// STATE_OVERHEAD approximates the bytes a state costs beyond its arrays.
const STATE_OVERHEAD = 96;

/**
 * LazyDfa matches whole strings against a Program. It keeps scratch buffers and a
 * cache: an instance must not be used re-entrantly (fine in single-threaded JS).
 * Transitions are stored as the row offset (state id * number of colors) of the
 * next state, so the inner loop needs no multiplication; -1 means not computed yet.
 */
export class LazyDfa {
  private readonly prog: Program;
  private readonly alpha: Alphabet;
  private readonly nc: number;
  private readonly maxBytes: number;
  private readonly wideKeys: boolean;

  private trans: Int32Array = new Int32Array(0);
  private capacity = 0;
  private sets: Int32Array[] = [];
  private ctxs: number[] = [];
  private accept: Int8Array = new Int8Array(0);
  private index = new Map<string, number>();
  private bytes = 0;
  private flushes = 0;
  private gaveUp = false;
  private prefix = "";
  private prefixRow = 0;
  private prefixFlushes = -1;
  private nfa: NfaMatcher | undefined;

  // Scratch for closures.
  private readonly mark: Uint32Array;
  private gen = 0;
  private readonly stack: Int32Array;
  private readonly buf: Int32Array;
  private readonly runes: Int32Array;

  constructor(prog: Program, alpha: Alphabet, maxBytes = DEFAULT_DFA_BYTES) {
    this.prog = prog;
    this.alpha = alpha;
    this.nc = alpha.numColors;
    this.maxBytes = maxBytes;
    const n = prog.op.length;
    this.wideKeys = n > 0xffff;
    this.mark = new Uint32Array(n);
    this.stack = new Int32Array(2 * n + 2);
    this.buf = new Int32Array(n);
    this.runes = new Int32Array(n);
    this.flush();
  }

  /** stats returns the cache state, for tests and diagnostics. */
  stats(): { states: number; bytes: number; flushes: number; gaveUp: boolean } {
    return { states: this.sets.length, bytes: this.bytes, flushes: this.flushes, gaveUp: this.gaveUp };
  }

  /** matches reports whether the whole of s matches the program. */
  matches(s: string): boolean {
    if (this.gaveUp) return this.nfaMatcher().matches(s);
    const r = this.run(s, 0, START * this.nc);
    return r === GAVE_UP ? this.nfaMatcher().matches(s) : r === 1;
  }

  /**
   * matchesAfterPrefix is matches(s) for an s known to start with prefix: it resumes
   * from the (cached) state reached after prefix instead of reading it again.
   */
  matchesAfterPrefix(s: string, prefix: string): boolean {
    if (this.gaveUp) return this.nfaMatcher().matches(s);
    if (this.prefixFlushes !== this.flushes || this.prefix !== prefix) {
      const r = this.run(prefix, 0, START * this.nc, true);
      if (r === GAVE_UP) return this.nfaMatcher().matches(s);
      this.prefix = prefix;
      this.prefixRow = r;
      this.prefixFlushes = this.flushes;
    }
    if (this.prefixRow === DEAD) return false;
    const r = this.run(s, prefix.length, this.prefixRow);
    return r === GAVE_UP ? this.nfaMatcher().matches(s) : r === 1;
  }

  // run reads s from index i in the state whose transition row starts at row. It
  // returns 1 or 0 (match or not at the end of s), GAVE_UP, or with rowOnly the row
  // reached (DEAD included).
  private run(s: string, i: number, row: number, rowOnly = false): number {
    const nc = this.nc;
    const latin = this.alpha.latin;
    let trans = this.trans;
    const len = s.length;
    for (; i < len; i++) {
      let c = s.charCodeAt(i);
      let color: number;
      if (c < 256) {
        color = latin[c]!;
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = c <= 0xdbff && i + 1 < len ? s.charCodeAt(i + 1) : 0;
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
          } else {
            c = REPLACEMENT;
          }
        }
        color = colorOf(this.alpha, c);
      }
      let next = trans[row + color]!;
      if (next < 0) {
        next = this.step(row / nc, color);
        if (next === GAVE_UP) return GAVE_UP;
        next *= nc;
        trans = this.trans;
      }
      if (next === DEAD) return rowOnly ? DEAD : 0;
      row = next;
    }
    if (rowOnly) return row;
    return this.acceptsAtEnd(row / nc) ? 1 : 0;
  }

  /**
   * matchesEverything reports whether every string matches, by exploring the states
   * reachable from the start; it answers false when that takes more than maxStates states.
   */
  matchesEverything(maxStates: number): boolean {
    if (this.gaveUp || !this.acceptsAtEnd(START)) return false;
    const seen = new Map<string, boolean>();
    const queue: { set: Int32Array; ctx: number }[] = [{ set: this.sets[START]!, ctx: this.ctxs[START]! }];
    seen.set(this.key(this.sets[START]!, this.ctxs[START]!), true);
    while (queue.length > 0) {
      const { set, ctx } = queue.shift()!;
      for (let color = 0; color < this.nc; color++) {
        if (this.alpha.colorRep[color]! < 0) continue; // only surrogates: never in input
        const next = this.successor(set, ctx, color);
        if (next.set.length === 0) return false;
        const k = this.key(next.set, next.ctx);
        if (seen.has(k)) continue;
        if (!this.matchSetAtEnd(next.set, next.ctx)) return false;
        if (seen.size >= maxStates) return false;
        seen.set(k, true);
        queue.push(next);
      }
    }
    return true;
  }

  private nfaMatcher(): NfaMatcher {
    if (this.nfa === undefined) this.nfa = new NfaMatcher(this.prog, this.alpha);
    return this.nfa;
  }

  // flush empties the cache and re-creates the dead and start states.
  private flush(): void {
    this.capacity = 16;
    this.trans = new Int32Array(this.capacity * this.nc).fill(-1);
    this.sets = [];
    this.ctxs = [];
    this.accept = new Int8Array(this.capacity).fill(-1);
    this.index = new Map();
    this.bytes = 0;
    this.insert(new Int32Array(0), 0); // DEAD
    this.trans.fill(DEAD, 0, this.nc);
    this.accept[DEAD] = 0;
    this.gen++;
    const n = this.closure(this.prog.start, -1, 0);
    this.insert(this.buf.slice(0, n).sort(), this.prog.hasAsserts ? CTX_AT_START : 0); // START
  }

  private key(set: Int32Array, ctx: number): string {
    let k = String.fromCharCode(ctx);
    const CHUNK = 4096;
    if (!this.wideKeys) {
      for (let i = 0; i < set.length; i += CHUNK) {
        k += String.fromCharCode.apply(null, set.subarray(i, i + CHUNK) as unknown as number[]);
      }
      return k;
    }
    const u16 = new Uint16Array(2 * set.length);
    for (let i = 0; i < set.length; i++) {
      u16[2 * i] = set[i]! >>> 16;
      u16[2 * i + 1] = set[i]! & 0xffff;
    }
    for (let i = 0; i < u16.length; i += CHUNK) {
      k += String.fromCharCode.apply(null, u16.subarray(i, i + CHUNK) as unknown as number[]);
    }
    return k;
  }

  private insert(set: Int32Array, ctx: number): number {
    const id = this.sets.length;
    if (id === this.capacity) {
      this.capacity *= 2;
      const t = new Int32Array(this.capacity * this.nc).fill(-1);
      t.set(this.trans);
      this.trans = t;
      const a = new Int8Array(this.capacity).fill(-1);
      a.set(this.accept);
      this.accept = a;
    }
    this.sets.push(set);
    this.ctxs.push(ctx);
    const k = this.key(set, ctx);
    this.index.set(k, id);
    this.bytes += this.nc * 4 + set.length * 4 + k.length * 2 + STATE_OVERHEAD;
    return id;
  }

  // step computes, stores and returns the transition of state st on color, or
  // GAVE_UP when the cache has been flushed too often.
  private step(st: number, color: number): number {
    const next = this.successor(this.sets[st]!, this.ctxs[st]!, color);
    if (next.set.length === 0) {
      this.trans[st * this.nc + color] = DEAD;
      return DEAD;
    }
    const k = this.key(next.set, next.ctx);
    let id = this.index.get(k);
    if (id === undefined) {
      if (this.bytes + this.nc * 4 + next.set.length * 4 + k.length * 2 + STATE_OVERHEAD > this.maxBytes) {
        // The cache is full: flush it. st is gone, so the transition is not recorded.
        if (++this.flushes > MAX_FLUSHES) {
          this.gaveUp = true;
          this.flush();
          return GAVE_UP;
        }
        this.flush();
        return this.insert(next.set, next.ctx);
      }
      id = this.insert(next.set, next.ctx);
    }
    this.trans[st * this.nc + color] = id * this.nc;
    return id;
  }

  // successor returns the state reached from (set, ctx) by reading a character of color.
  private successor(set: Int32Array, ctx: number, color: number): { set: Int32Array; ctx: number } {
    const { op, arg, out } = this.prog;
    const nc = this.nc;
    const classHas = this.alpha.classHas;
    const hasAsserts = this.prog.hasAsserts;
    // 1. Resolve pending assertions now that the next character is known.
    let nr = 0;
    const runes = this.runes;
    if (hasAsserts) {
      let flags = 0;
      if (ctx & CTX_AT_START) flags |= EMPTY_BEGIN_TEXT | EMPTY_BEGIN_LINE;
      else if (ctx & CTX_PREV_NEWLINE) flags |= EMPTY_BEGIN_LINE;
      if (this.alpha.colorIsNewline[color]) flags |= EMPTY_END_LINE;
      const prevWord = (ctx & CTX_PREV_WORD) !== 0;
      flags |= prevWord !== (this.alpha.colorIsWord[color] === 1) ? EMPTY_WORD_BOUNDARY : EMPTY_NO_WORD_BOUNDARY;
      this.gen++;
      for (let i = 0; i < set.length; i++) nr = this.resolve(set[i]!, flags, nr);
    } else {
      for (let i = 0; i < set.length; i++) if (op[set[i]!] === OP_RUNE) runes[nr++] = set[i]!;
    }
    // 2. Step over the character, then follow empty edges (leaving assertions pending).
    this.gen++;
    let n = 0;
    for (let i = 0; i < nr; i++) {
      const pc = runes[i]!;
      if (classHas[arg[pc]! * nc + color] === 1) n = this.closure(out[pc]!, -1, n);
    }
    const nextSet = this.buf.slice(0, n).sort();
    let nextCtx = 0;
    if (hasAsserts) {
      if (this.alpha.colorIsWord[color]) nextCtx |= CTX_PREV_WORD;
      if (this.alpha.colorIsNewline[color]) nextCtx |= CTX_PREV_NEWLINE;
    }
    return { set: nextSet, ctx: nextCtx };
  }

  // resolve follows pc through empty edges and the assertions that hold under flags,
  // appending the OP_RUNE instructions found to this.runes; it returns the new count.
  private resolve(pc0: number, flags: number, nr: number): number {
    const { op, arg, out, out1 } = this.prog;
    const stack = this.stack;
    const mark = this.mark;
    const gen = this.gen;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const pc = stack[--sp]!;
      if (mark[pc] === gen) continue;
      mark[pc] = gen;
      switch (op[pc]) {
        case OP_RUNE:
          this.runes[nr++] = pc;
          break;
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
    return nr;
  }

  // closure follows pc through empty edges and appends to this.buf the instructions
  // a state keeps: OP_RUNE, OP_MATCH and (when flags < 0, unresolved) OP_ASSERT.
  // With flags >= 0, assertions holding under flags are followed instead.
  private closure(pc0: number, flags: number, n: number): number {
    const { op, arg, out, out1 } = this.prog;
    const stack = this.stack;
    const mark = this.mark;
    const buf = this.buf;
    const gen = this.gen;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const pc = stack[--sp]!;
      if (mark[pc] === gen) continue;
      mark[pc] = gen;
      switch (op[pc]) {
        case OP_RUNE:
        case OP_MATCH:
          buf[n++] = pc;
          break;
        case OP_SPLIT:
          stack[sp++] = out1[pc]!;
          stack[sp++] = out[pc]!;
          break;
        case OP_NOP:
          stack[sp++] = out[pc]!;
          break;
        case OP_ASSERT:
          if (flags < 0) buf[n++] = pc;
          else if ((arg[pc]! & flags) !== 0) stack[sp++] = out[pc]!;
          break;
      }
    }
    return n;
  }

  private acceptsAtEnd(st: number): boolean {
    let a = this.accept[st]!;
    if (a < 0) {
      a = this.matchSetAtEnd(this.sets[st]!, this.ctxs[st]!) ? 1 : 0;
      this.accept[st] = a;
    }
    return a === 1;
  }

  // matchSetAtEnd reports whether (set, ctx) accepts when the text ends here.
  private matchSetAtEnd(set: Int32Array, ctx: number): boolean {
    const op = this.prog.op;
    if (!this.prog.hasAsserts) {
      for (let i = 0; i < set.length; i++) if (op[set[i]!] === OP_MATCH) return true;
      return false;
    }
    let flags = EMPTY_END_TEXT | EMPTY_END_LINE;
    if (ctx & CTX_AT_START) flags |= EMPTY_BEGIN_TEXT | EMPTY_BEGIN_LINE;
    else if (ctx & CTX_PREV_NEWLINE) flags |= EMPTY_BEGIN_LINE;
    flags |= ctx & CTX_PREV_WORD ? EMPTY_WORD_BOUNDARY : EMPTY_NO_WORD_BOUNDARY;
    this.gen++;
    let n = 0;
    for (let i = 0; i < set.length; i++) n = this.closure(set[i]!, flags, n);
    for (let i = 0; i < n; i++) if (op[this.buf[i]!] === OP_MATCH) return true;
    return false;
  }
}
