// Literal facts about a regex that let callers skip full scans: the set of strings
// it can match (when small and finite) and the literal prefix of every match.

import { runesString, type Node } from "./ast.ts";
import { foldOrbit } from "./case_fold.ts";
import { classRunes } from "./char_class.ts";

/** Enumeration is the result of enumerate(): values ignore assertions, so when sawAssert is set they are only candidates. */
export interface Enumeration {
  values: string[];
  sawAssert: boolean;
}

/**
 * enumerate returns every string a simplified node can match, sorted and without
 * duplicates, when there are at most limit of them; otherwise undefined. Empty-width
 * assertions are treated as always true (sawAssert is then set), so the caller must
 * filter the values through a real matcher in that case. Surrogate code points are
 * skipped: they never occur in decoded input. budget bounds the total length of the
 * strings produced along the way (undefined beyond it).
 */
export function enumerate(n: Node, limit: number, budget = DEFAULT_BUDGET): Enumeration | undefined {
  const st: State = { sawAssert: false, budget };
  const v = enumerateNode(n, limit, st);
  if (v === undefined) return undefined;
  return { values: v.sort(), sawAssert: st.sawAssert };
}

// DEFAULT_BUDGET bounds the characters enumerate() may produce, so that
// (a?){1000} costs little before it gives up.
const DEFAULT_BUDGET = 1 << 20;

interface State {
  sawAssert: boolean;
  budget: number;
}

function enumerateNode(n: Node, limit: number, st: State): string[] | undefined {
  switch (n.kind) {
    case "empty":
      return [""];
    case "noMatch":
      return [];
    case "assert":
      st.sawAssert = true;
      return [""];
    case "literal": {
      if (!n.fold) return [runesString(n.runes)];
      let acc: string[] | undefined = [""];
      for (const r of n.runes) {
        const orbit = foldOrbit(r) ?? [r];
        acc = product(acc, orbit.map((c) => String.fromCodePoint(c)), limit, st);
        if (acc === undefined) return undefined;
      }
      return acc;
    }
    case "class": {
      const runes = classRunes(n.ranges, limit);
      return runes?.filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c));
    }
    case "capture":
      return enumerateNode(n.sub, limit, st);
    case "concat": {
      let acc: string[] | undefined = [""];
      for (const s of n.subs) {
        const v = enumerateNode(s, limit, st);
        if (v === undefined) return undefined;
        acc = product(acc, v, limit, st);
        if (acc === undefined) return undefined;
      }
      return acc;
    }
    case "alternate": {
      const set = new Set<string>();
      for (const s of n.subs) {
        const v = enumerateNode(s, limit, st);
        if (v === undefined) return undefined;
        for (const x of v) set.add(x);
        if (set.size > limit) return undefined;
      }
      return [...set];
    }
    case "repeat": {
      const v = enumerateNode(n.sub, limit, st);
      if (v === undefined) return undefined;
      if (v.length === 0) return n.min === 0 ? [""] : [];
      if (v.length === 1 && v[0] === "") return [""];
      if (n.max === -1) return undefined;
      const set = new Set<string>();
      if (n.min === 0) set.add("");
      let pow: string[] | undefined = [""];
      for (let k = 1; k <= n.max; k++) {
        pow = product(pow, v, limit, st);
        if (pow === undefined) return undefined;
        if (k >= n.min) for (const x of pow) set.add(x);
        if (set.size > limit) return undefined;
      }
      return [...set];
    }
    default: {
      const _: never = n;
      throw new Error(`BUG: unknown node ${JSON.stringify(_)}`);
    }
  }
}

function product(a: readonly string[], b: readonly string[], limit: number, st: State): string[] | undefined {
  const set = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      const s = x + y;
      st.budget -= s.length + 1;
      if (st.budget < 0) return undefined;
      set.add(s);
      if (set.size > limit) return undefined;
    }
  }
  return [...set];
}

/**
 * literalPrefix returns a string that every match of the simplified node starts with
 * (possibly ""). Case-insensitive parts contribute only runes without case.
 */
export function literalPrefix(n: Node): string {
  return prefixOf(n).prefix;
}

// exact means the node matches no string other than prefix.
function prefixOf(n: Node): { prefix: string; exact: boolean } {
  switch (n.kind) {
    case "empty":
    case "assert":
      return { prefix: "", exact: true };
    case "noMatch":
      return { prefix: "", exact: false };
    case "literal": {
      if (!n.fold) return { prefix: runesString(n.runes), exact: true };
      let p = "";
      for (const r of n.runes) {
        if (foldOrbit(r) !== undefined) return { prefix: p, exact: false };
        p += String.fromCodePoint(r);
      }
      return { prefix: p, exact: true };
    }
    case "class": {
      const r = n.ranges;
      if (r.length === 2 && r[0] === r[1] && (r[0]! < 0xd800 || r[0]! > 0xdfff)) {
        return { prefix: String.fromCodePoint(r[0]!), exact: true };
      }
      return { prefix: "", exact: false };
    }
    case "capture":
      return prefixOf(n.sub);
    case "concat": {
      let p = "";
      for (const s of n.subs) {
        const r = prefixOf(s);
        p += r.prefix;
        if (!r.exact) return { prefix: p, exact: false };
      }
      return { prefix: p, exact: true };
    }
    case "alternate": {
      const rs = n.subs.map(prefixOf);
      let p = rs[0]!.prefix;
      let exact = rs[0]!.exact;
      for (const r of rs.slice(1)) {
        p = commonPrefix(p, r.prefix);
        exact = exact && r.exact && r.prefix === p;
      }
      exact = exact && rs[0]!.prefix === p;
      return { prefix: p, exact };
    }
    case "repeat": {
      if (n.max === 0) return { prefix: "", exact: true };
      if (n.min === 0) return { prefix: "", exact: false };
      const r = prefixOf(n.sub);
      if (r.exact) return { prefix: r.prefix.repeat(n.min), exact: n.min === n.max };
      return { prefix: r.prefix, exact: false };
    }
    default: {
      const _: never = n;
      throw new Error(`BUG: unknown node ${JSON.stringify(_)}`);
    }
  }
}

/** commonPrefix returns the longest common prefix of a and b that does not split a surrogate pair. */
export function commonPrefix(a: string, b: string): string {
  let i = 0;
  const n = Math.min(a.length, b.length);
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i > 0 && i < a.length) {
    const c = a.charCodeAt(i - 1);
    if (c >= 0xd800 && c <= 0xdbff) i--;
  }
  return a.slice(0, i);
}
