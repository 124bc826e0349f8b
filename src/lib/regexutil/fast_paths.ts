// Matchers for common label-regex shapes that need no automaton, as VictoriaMetrics
// does in lib/regexutil/promregex.go: "foo.*", "foo.+", ".*foo.*", ".+foo.+",
// ".*foo", and case-insensitive ASCII literals.

import { runesString, type Node } from "./ast.ts";
import { isAnyButNewline, isFullClass } from "./char_class.ts";
import { REPLACEMENT } from "./input.ts";

/** FastPath is a matcher for a recognised shape, named for tests and diagnostics. */
export interface FastPath {
  readonly strategy: string;
  readonly matches: (s: string) => boolean;
}

// dotRepeat returns "all" for (?s).* / [\s\S]* style nodes (or .+ when plus), "line"
// for .* without (?s) (anything but \n), else undefined.
function dotRepeat(n: Node, plus: boolean): "all" | "line" | undefined {
  if (n.kind !== "repeat" || n.max !== -1 || n.min !== (plus ? 1 : 0) || n.sub.kind !== "class") return undefined;
  if (isFullClass(n.sub.ranges)) return "all";
  if (isAnyButNewline(n.sub.ranges)) return "line";
  return undefined;
}

function plainLiteral(n: Node | undefined): string | undefined {
  if (n === undefined || n.kind !== "literal" || n.fold) return undefined;
  const s = runesString(n.runes);
  // A lone surrogate in the input reads as U+FFFD, which string comparison would miss.
  return s.includes(String.fromCharCode(REPLACEMENT)) ? undefined : s;
}

// noNewline reports whether s has no \n in [from, to).
function noNewline(s: string, from: number, to: number): boolean {
  const i = s.indexOf("\n", from);
  return i < 0 || i >= to;
}

/**
 * fastPath returns a matcher for a simplified, anchor-stripped node of one of the
 * shapes above, or undefined. The matcher agrees with the automaton on every input.
 */
export function fastPath(node: Node): FastPath | undefined {
  const items = node.kind === "concat" ? node.subs : [node];
  let prefix = plainLiteral(items[0]);
  const rest = prefix === undefined ? items : items.slice(1);
  const p = prefix ?? "";
  const pl = p.length;

  if (rest.length === 1) {
    const star = dotRepeat(rest[0]!, false);
    if (star === "all") return { strategy: "prefix.*", matches: (s) => s.startsWith(p) };
    if (star === "line") return { strategy: "prefix.*", matches: (s) => s.startsWith(p) && noNewline(s, pl, s.length) };
    const plus = dotRepeat(rest[0]!, true);
    if (plus === "all") return { strategy: "prefix.+", matches: (s) => s.length > pl && s.startsWith(p) };
    if (plus === "line") {
      return { strategy: "prefix.+", matches: (s) => s.length > pl && s.startsWith(p) && noNewline(s, pl, s.length) };
    }
    const lit = rest[0]!;
    if (prefix === undefined && lit.kind === "literal" && lit.fold) return foldLiteral(lit.runes);
    return undefined;
  }
  if (rest.length === 2) {
    // prefix.*suffix
    const star = dotRepeat(rest[0]!, false);
    const suffix = plainLiteral(rest[1]);
    if (star === undefined || suffix === undefined) return undefined;
    const sl = suffix.length;
    const all = star === "all";
    return {
      strategy: "prefix.*suffix",
      matches: (s) => s.length >= pl + sl && s.startsWith(p) && s.endsWith(suffix) && (all || noNewline(s, pl, s.length - sl)),
    };
  }
  if (rest.length === 3) {
    const mid = plainLiteral(rest[1]);
    if (mid === undefined || mid === "") return undefined;
    const star0 = dotRepeat(rest[0]!, false);
    const star2 = dotRepeat(rest[2]!, false);
    if (star0 !== undefined && star0 === star2 && (star0 === "all" || !mid.includes("\n"))) {
      const all = star0 === "all";
      return {
        strategy: "prefix.*substr.*",
        matches: (s) => s.startsWith(p) && s.indexOf(mid, pl) >= 0 && (all || noNewline(s, pl, s.length)),
      };
    }
    const plus0 = dotRepeat(rest[0]!, true);
    const plus2 = dotRepeat(rest[2]!, true);
    if (plus0 !== undefined && plus0 === plus2 && (plus0 === "all" || !mid.includes("\n"))) {
      const all = plus0 === "all";
      const ml = mid.length;
      return {
        strategy: "prefix.+substr.+",
        matches: (s) => {
          if (!s.startsWith(p)) return false;
          // The earliest occurrence after at least one character leaves the most room after it.
          const i = s.indexOf(mid, pl + 1);
          return i >= 0 && i + ml < s.length && (all || noNewline(s, pl, s.length));
        },
      };
    }
  }
  return undefined;
}

// foldLiteral matches a (?i) literal of ASCII runes; k and s also match U+212A KELVIN
// SIGN and U+017F LONG S, which fold to them.
function foldLiteral(runes: readonly number[]): FastPath | undefined {
  if (runes.some((r) => r >= 0x80)) return undefined;
  const want = Int32Array.from(runes, (r) => (r >= 0x41 && r <= 0x5a ? r + 0x20 : r));
  const n = want.length;
  return {
    strategy: "foldLiteral",
    matches: (s) => {
      if (s.length !== n) return false;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        const w = want[i]!;
        if (c === w) continue;
        if (c >= 0x41 && c <= 0x5a && c + 0x20 === w) continue;
        if ((w === 0x6b && c === 0x212a) || (w === 0x73 && c === 0x17f)) continue;
        return false;
      }
      return true;
    },
  };
}
