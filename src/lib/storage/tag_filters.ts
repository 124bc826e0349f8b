// Label matchers of a series selector: `name="v"`, `name!="v"`, `name=~"re"`,
// `name!~"re"`. Regexes are anchored and matched in linear time.

import { compileAnchored, type AnchoredRegex } from "../regexutil/index.ts";

/** TagFilter is one label matcher. */
export interface TagFilter {
  label: string;
  value: string;
  isNegative: boolean;
  isRegex: boolean;
}

/** CompiledFilter decides per label value whether the matcher accepts it. */
export class CompiledFilter {
  readonly f: TagFilter;
  private re: AnchoredRegex | undefined;
  /** whether a series without the label (value "") passes */
  readonly matchesEmpty: boolean;
  constructor(f: TagFilter) {
    this.f = f;
    if (f.isRegex) this.re = compileAnchored(f.value);
    this.matchesEmpty = this.matches("");
  }
  /** positiveMatch reports whether value satisfies the matcher ignoring negation. */
  positiveMatch(value: string): boolean {
    return this.re !== undefined ? this.re.matches(value) : value === this.f.value;
  }
  matches(value: string): boolean {
    return this.positiveMatch(value) !== this.f.isNegative;
  }
  /** exactValues lists the only values the positive matcher accepts, when finite and known. */
  exactValues(): readonly string[] | undefined {
    if (!this.f.isRegex) return [this.f.value];
    return this.re!.orValues;
  }
  /** literalPrefix every positively matching value starts with */
  literalPrefix(): string {
    return this.f.isRegex ? this.re!.literalPrefix : this.f.value;
  }
}

/** parseMatchArg parses a `match[]` series selector such as `up{job="x"}` or `{__name__=~"a.*"}` into filters. */
export function parseSeriesSelector(s: string): TagFilter[] {
  let i = 0;
  const n = s.length;
  const filters: TagFilter[] = [];
  const err = (msg: string): never => {
    throw new SyntaxError(`cannot parse series selector ${JSON.stringify(s)} at position ${i}: ${msg}`);
  };
  const skipWs = () => { while (i < n && /\s/.test(s[i]!)) i++; };
  const ident = (): string => {
    const m = /^[a-zA-Z_:][a-zA-Z0-9_:.]*/.exec(s.slice(i));
    if (m === null) err("expecting an identifier");
    i += m![0].length;
    return m![0];
  };
  const str = (): string => {
    const q = s[i];
    if (q !== '"' && q !== "'" && q !== "`") err("expecting a quoted string");
    let j = i + 1;
    let out = "";
    while (j < n && s[j] !== q) {
      if (s[j] === "\\" && q !== "`") {
        j++;
        const c = s[j];
        if (c === undefined) break;
        const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "'": "'", "`": "`" };
        if (esc[c] !== undefined) { out += esc[c]; j++; continue; }
        if (c === "x" || c === "u" || c === "U") {
          const len = c === "x" ? 2 : c === "u" ? 4 : 8;
          const hex = s.slice(j + 1, j + 1 + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) { i = j; err("invalid escape"); }
          out += String.fromCodePoint(Number.parseInt(hex, 16));
          j += 1 + len;
          continue;
        }
        out += "\\" + c;
        j++;
        continue;
      }
      out += s[j];
      j++;
    }
    if (j >= n) err("unterminated string");
    i = j + 1;
    return out;
  };
  skipWs();
  if (i < n && s[i] !== "{") {
    const name = ident();
    filters.push({ label: "__name__", value: name, isNegative: false, isRegex: false });
    skipWs();
  }
  if (i < n && s[i] === "{") {
    i++;
    skipWs();
    while (i < n && s[i] !== "}") {
      const label = s[i] === '"' ? str() : ident();
      skipWs();
      let op: string;
      if (s.startsWith("=~", i) || s.startsWith("!~", i) || s.startsWith("!=", i)) { op = s.slice(i, i + 2); i += 2; }
      else if (s[i] === "=") { op = "="; i++; }
      else { err("expecting one of =, !=, =~, !~"); op = ""; }
      skipWs();
      const value = str();
      filters.push({ label, value, isNegative: op[0] === "!", isRegex: op[1] === "~" });
      skipWs();
      if (s[i] === ",") { i++; skipWs(); continue; }
      if (s[i] !== "}") err("expecting , or }");
    }
    if (s[i] !== "}") err("missing }");
    i++;
  }
  skipWs();
  if (i !== n) err("unexpected trailing characters");
  if (filters.length === 0) err("empty selector");
  if (filters.every((f) => new CompiledFilter(f).matchesEmpty)) {
    throw new SyntaxError(`cannot parse series selector ${JSON.stringify(s)}: it must contain at least one label matcher that does not match an empty value`);
  }
  return filters;
}
