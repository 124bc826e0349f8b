// compileAnchored: whole-string regex matching for label matchers (=~ and !~).

import { alphabetFor } from "./alphabet.ts";
import { fastPath } from "./fast_paths.ts";
import { REPLACEMENT } from "./input.ts";
import { commonPrefix, enumerate, literalPrefix } from "./literal_info.ts";
import { LruCache } from "./lru_cache.ts";
import { FLAG_DOT_NL, parse } from "./parser.ts";
import { compile } from "./program.ts";
import { LazyDfa } from "./dfa.ts";
import { simplify, stripAnchors } from "./simplify.ts";
import type { Node } from "./ast.ts";
import { isFullClass } from "./char_class.ts";

/** AnchoredRegex matches whole strings against a regular expression with RE2 semantics, in linear time. */
export interface AnchoredRegex {
  /** source is the pattern as given. */
  readonly source: string;
  /** matches reports whether the whole of s matches, like Go's regexp.MustCompile("^(?:" + source + ")$").MatchString(s). */
  matches(s: string): boolean;
  /** literalPrefix is a literal every matching string starts with ("" if none). */
  readonly literalPrefix: string;
  /** orValues lists, sorted, all strings the regex can match when that is a finite set of at most MAX_OR_VALUES, else undefined. */
  readonly orValues: readonly string[] | undefined;
  /** matchesAll is true when the regex matches every string (e.g. "(?s).*", or ".*" with dotAll). */
  readonly matchesAll: boolean;
  /** strategy names how matches() works ("all", "none", "literal", "set", "prefix.*", ..., "dfa"), for tests and diagnostics. */
  readonly strategy: string;
}

/** CompileOptions adjust compileAnchored. */
export interface CompileOptions {
  /**
   * dotAll makes "." match "\n" too, as if the pattern started with (?s). Prometheus 3
   * and VictoriaMetrics treat label regexes this way; Go's plain "^(?:re)$" does not.
   */
  readonly dotAll?: boolean;
}

/** MAX_OR_VALUES is the largest set orValues reports. */
export const MAX_OR_VALUES = 100;

// Beyond this many strings a finite regex is matched by the automaton instead of a
// set lookup; long literal alternations ("host1|host2|...") raise the bound.
const SET_VALUES_BASE = 1000;
// States the matchesAll check may explore.
const MATCHES_ALL_STATES = 256;

// The cache holds at most 1000 regexes and about 64 MB of patterns and programs
// (each lazy DFA adds at most DEFAULT_DFA_BYTES on top).
const cache = new LruCache<string, AnchoredRegex>(1000, 64 << 20);

/**
 * compileAnchored compiles re for whole-string matching (Prometheus label matcher
 * semantics: "^(?:re)$" with RE2 / Go syntax). It throws RegexSyntaxError for an
 * invalid pattern. Results are cached in a bounded LRU keyed by pattern and options;
 * the returned object is shared and immutable.
 */
export function compileAnchored(re: string, opts: CompileOptions = {}): AnchoredRegex {
  const dotAll = opts.dotAll === true;
  const key = (dotAll ? "s:" : ":") + re;
  let r = cache.get(key);
  if (r === undefined) {
    const b = build(re, dotAll);
    r = b.regex;
    cache.set(key, r, b.weight);
  }
  return r;
}

/** clearRegexCache empties the compileAnchored cache (for tests and benchmarks). */
export function clearRegexCache(): void {
  cache.clear();
}

// build compiles source; weight approximates the bytes the result holds on to.
function build(source: string, dotAll: boolean): { regex: AnchoredRegex; weight: number } {
  const node = stripAnchors(simplify(parse(source, dotAll ? FLAG_DOT_NL : 0)));
  let dfa: LazyDfa | undefined;
  let weight = 256 + 4 * source.length;
  const engine = (): LazyDfa => {
    if (dfa === undefined) {
      const prog = compile(node, source);
      dfa = new LazyDfa(prog, alphabetFor(prog));
      weight += 40 * prog.op.length;
    }
    return dfa;
  };

  // The finite set of matching strings, if small.
  const en = enumerate(node, SET_VALUES_BASE + (source.length >> 1), Math.max(1 << 20, 8 * source.length));
  let values = en?.values;
  if (en !== undefined && en.sawAssert) {
    const d = engine();
    values = en.values.filter((v) => d.matches(v));
  }
  const orValues = values !== undefined && values.length <= MAX_OR_VALUES ? Object.freeze(values.slice()) : undefined;

  let prefix = values === undefined ? literalPrefix(node) : values.length === 0 ? "" : values.reduce(commonPrefix);
  // A lone surrogate in the input reads as U+FFFD: keep string comparisons away from it.
  const cut = prefix.indexOf(String.fromCharCode(REPLACEMENT));
  if (cut >= 0) prefix = prefix.slice(0, cut);

  const matchesAll = values === undefined &&
    (isMatchAll(node) || (mayMatchEmpty(node) && engine().matches("") && engine().matchesEverything(MATCHES_ALL_STATES)));

  let strategy: string;
  let matches: (s: string) => boolean;
  const fast = node.kind === "literal" && node.fold ? fastPath(node) : undefined;
  if (matchesAll) {
    strategy = "all";
    matches = () => true;
  } else if (fast !== undefined) {
    // A (?i) literal: cheaper than the set of its case variants.
    strategy = fast.strategy;
    matches = fast.matches;
  } else if (values !== undefined && !values.some((v) => v.includes(String.fromCharCode(REPLACEMENT)))) {
    if (values.length === 0) {
      strategy = "none";
      matches = () => false;
    } else if (values.length === 1) {
      const v = values[0]!;
      strategy = "literal";
      matches = (s) => s === v;
    } else {
      const set = new Set(values);
      strategy = "set";
      matches = (s) => set.has(s);
    }
  } else {
    const f = fastPath(node);
    if (f !== undefined) {
      strategy = f.strategy;
      matches = f.matches;
    } else {
      const d = engine();
      strategy = "dfa";
      matches = prefix === "" ? (s) => d.matches(s) : (s) => s.startsWith(prefix) && d.matchesAfterPrefix(s, prefix);
    }
  }
  const regex = Object.freeze({ source, matches, literalPrefix: prefix, orValues, matchesAll, strategy });
  if (values !== undefined) weight += values.reduce((n, v) => n + 2 * v.length + 32, 0);
  return { regex, weight };
}

// mayMatchEmpty reports whether n might match "" (assertions are assumed to hold).
function mayMatchEmpty(n: Node): boolean {
  switch (n.kind) {
    case "empty":
    case "assert":
      return true;
    case "noMatch":
    case "literal":
    case "class":
      return false;
    case "capture":
      return mayMatchEmpty(n.sub);
    case "concat":
      return n.subs.every(mayMatchEmpty);
    case "alternate":
      return n.subs.some(mayMatchEmpty);
    case "repeat":
      return n.min === 0 || mayMatchEmpty(n.sub);
    default: {
      const _: never = n;
      throw new Error(`BUG: unknown node ${JSON.stringify(_)}`);
    }
  }
}

// isMatchAll recognises (?s).* and alternations containing it without building an automaton.
function isMatchAll(n: Node): boolean {
  if (n.kind === "alternate") return n.subs.some(isMatchAll);
  return n.kind === "repeat" && n.min === 0 && n.max === -1 && n.sub.kind === "class" && isFullClass(n.sub.ranges);
}
