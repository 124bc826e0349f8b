// Tree simplification before analysis and compilation.

import { EMPTY, NO_MATCH, concatNodes, type Node } from "./ast.ts";

/**
 * simplify returns an equivalent tree without capture groups, with nested
 * concatenations and alternations flattened, adjacent literals merged, trivial
 * repetitions removed (x{1} -> x, x{0} -> empty, (x*)* -> x*) and impossible
 * branches (empty classes) pruned to noMatch.
 */
export function simplify(n: Node): Node {
  switch (n.kind) {
    case "empty":
    case "noMatch":
    case "literal":
    case "assert":
      return n;
    case "class":
      return n.ranges.length === 0 ? NO_MATCH : n;
    case "capture":
      return simplify(n.sub);
    case "concat":
      return concatOf(n.subs.map(simplify));
    case "alternate":
      return alternateOf(n.subs.map(simplify));
    case "repeat": {
      const sub = simplify(n.sub);
      if (n.max === 0 || sub.kind === "empty") return EMPTY;
      if (sub.kind === "noMatch") return n.min === 0 ? EMPTY : NO_MATCH;
      if (n.min === 1 && n.max === 1) return sub;
      if (n.max === -1 && n.min <= 1 && sub.kind === "repeat" && sub.max === -1 && sub.min <= 1) {
        // x** = x*, (x+)* = x*, (x*)+ = x*, (x+)+ = x+
        return { kind: "repeat", sub: sub.sub, min: Math.min(n.min, sub.min), max: -1, greedy: n.greedy };
      }
      return sub === n.sub ? n : { kind: "repeat", sub, min: n.min, max: n.max, greedy: n.greedy };
    }
    default: {
      const _: never = n;
      throw new Error(`BUG: unknown node ${JSON.stringify(_)}`);
    }
  }
}

/** concatOf concatenates simplified nodes: flattens, drops empties, merges literals, and is noMatch if any part is. */
export function concatOf(parts: readonly Node[]): Node {
  if (parts.some((p) => p.kind === "noMatch")) return NO_MATCH;
  return concatNodes(parts);
}

/** alternateOf alternates simplified nodes: flattens and drops noMatch branches. */
export function alternateOf(parts: readonly Node[]): Node {
  const out: Node[] = [];
  for (const p of parts) {
    if (p.kind === "noMatch") continue;
    if (p.kind === "alternate") out.push(...p.subs);
    else out.push(p);
  }
  if (out.length === 0) return NO_MATCH;
  if (out.length === 1) return out[0]!;
  return { kind: "alternate", subs: out };
}

/**
 * stripAnchors removes the ^ / \A assertions that can only be met at the start of
 * the text and the $ / \z ones that can only be met at its end, from the positions
 * where whole-string matching makes them always true: `^foo$|^bar$` becomes
 * `foo|bar`. Multi-line ^ and $ are also true there. The input must be simplified.
 */
export function stripAnchors(n: Node): Node {
  return simplify(stripEdge(stripEdge(n, true), false));
}

function isEdgeAssert(n: Node, leading: boolean): boolean {
  if (n.kind !== "assert") return false;
  return leading ? n.op === "beginText" || n.op === "beginLine" : n.op === "endText" || n.op === "endLine";
}

function stripEdge(n: Node, leading: boolean): Node {
  if (isEdgeAssert(n, leading)) return EMPTY;
  if (n.kind === "alternate") return alternateOf(n.subs.map((s) => stripEdge(s, leading)));
  if (n.kind !== "concat") return n;
  const subs = n.subs.slice();
  if (leading) {
    for (let k = 0; k < subs.length; k++) {
      subs[k] = stripEdge(subs[k]!, true);
      if (subs[k]!.kind !== "empty") break;
    }
  } else {
    for (let k = subs.length - 1; k >= 0; k--) {
      subs[k] = stripEdge(subs[k]!, false);
      if (subs[k]!.kind !== "empty") break;
    }
  }
  return concatOf(subs);
}
