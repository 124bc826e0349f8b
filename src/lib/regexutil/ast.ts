// The regular expression syntax tree produced by the parser.

/** AssertOp names an empty-width assertion: ^ $ (multi-line or not), \A \z, \b \B. */
export type AssertOp = "beginLine" | "endLine" | "beginText" | "endText" | "wordBoundary" | "noWordBoundary";

/**
 * Node is a parsed regular expression. Character classes are clean range lists
 * (see char_class.ts). A literal with fold=true matches each rune case-insensitively.
 * A repeat has max = -1 when unbounded; greedy does not change whole-string matching.
 */
export type Node =
  | { readonly kind: "empty" }
  | { readonly kind: "noMatch" }
  | { readonly kind: "literal"; readonly runes: readonly number[]; readonly fold: boolean }
  | { readonly kind: "class"; readonly ranges: readonly number[] }
  | { readonly kind: "assert"; readonly op: AssertOp }
  | { readonly kind: "capture"; readonly sub: Node; readonly name: string }
  | { readonly kind: "concat"; readonly subs: readonly Node[] }
  | { readonly kind: "alternate"; readonly subs: readonly Node[] }
  | { readonly kind: "repeat"; readonly sub: Node; readonly min: number; readonly max: number; readonly greedy: boolean };

/** EMPTY matches the empty string. */
export const EMPTY: Node = { kind: "empty" };

/** NO_MATCH matches nothing. */
export const NO_MATCH: Node = { kind: "noMatch" };

/**
 * concatNodes concatenates nodes: nested concatenations are flattened, empties
 * dropped and adjacent literals of the same case mode merged (in linear time).
 * It does not prune noMatch.
 */
export function concatNodes(parts: readonly Node[]): Node {
  const out: Node[] = [];
  let runes: number[] | undefined; // the literal being accumulated
  let fold = false;
  const flush = () => {
    if (runes !== undefined) out.push({ kind: "literal", runes, fold });
    runes = undefined;
  };
  for (const p of parts) {
    for (const s of p.kind === "concat" ? p.subs : [p]) {
      if (s.kind === "empty") continue;
      if (s.kind === "literal") {
        if (runes !== undefined && fold === s.fold) {
          for (const r of s.runes) runes.push(r);
          continue;
        }
        flush();
        runes = s.runes.slice();
        fold = s.fold;
        continue;
      }
      flush();
      out.push(s);
    }
  }
  flush();
  if (out.length === 0) return EMPTY;
  if (out.length === 1) return out[0]!;
  return { kind: "concat", subs: out };
}

/** runesString converts code points to a string (chunked: literals may be long). */
export function runesString(runes: readonly number[]): string {
  let s = "";
  for (let i = 0; i < runes.length; i += 8192) s += String.fromCodePoint(...runes.slice(i, i + 8192));
  return s;
}

const ASSERT_NAMES: Record<AssertOp, string> = {
  beginLine: "bol", endLine: "eol", beginText: "bot", endText: "eot", wordBoundary: "wb", noWordBoundary: "nwb",
};

function runeString(c: number): string {
  return c >= 0x21 && c <= 0x7e && c !== 0x2d ? String.fromCharCode(c) : `0x${c.toString(16)}`;
}

/**
 * dumpNode renders a node compactly for tests and debugging, e.g.
 * `cat{lit{ab} star{cc{0x30-9}}}`; `litfold{..}` is a case-insensitive literal.
 */
export function dumpNode(n: Node): string {
  switch (n.kind) {
    case "empty": return "emp{}";
    case "noMatch": return "no{}";
    case "literal": return `${n.fold ? "litfold" : "lit"}{${runesString(n.runes)}}`;
    case "class": {
      const parts: string[] = [];
      for (let i = 0; i < n.ranges.length; i += 2) {
        const lo = n.ranges[i]!;
        const hi = n.ranges[i + 1]!;
        parts.push(lo === hi ? runeString(lo) : `${runeString(lo)}-${runeString(hi)}`);
      }
      return `cc{${parts.join(" ")}}`;
    }
    case "assert": return ASSERT_NAMES[n.op];
    case "capture": return `cap${n.name === "" ? "" : ":" + n.name}{${dumpNode(n.sub)}}`;
    case "concat": return `cat{${n.subs.map(dumpNode).join(" ")}}`;
    case "alternate": return `alt{${n.subs.map(dumpNode).join(" ")}}`;
    case "repeat": {
      const lazy = n.greedy ? "" : "?";
      if (n.min === 0 && n.max === -1) return `star${lazy}{${dumpNode(n.sub)}}`;
      if (n.min === 1 && n.max === -1) return `plus${lazy}{${dumpNode(n.sub)}}`;
      if (n.min === 0 && n.max === 1) return `que${lazy}{${dumpNode(n.sub)}}`;
      return `rep{${n.min},${n.max === -1 ? "" : n.max}${lazy} ${dumpNode(n.sub)}}`;
    }
    default: {
      const _: never = n;
      throw new Error(`BUG: unknown node ${JSON.stringify(_)}`);
    }
  }
}
