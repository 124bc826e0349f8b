// Regexes with capture groups for relabeling: whether a string matches is
// decided by the project's linear-time RE2 engine (regexutil); the capture
// groups of a string known to match are then read with a JavaScript RegExp
// translated from the Go syntax. V8's linear-time engine (the "l" flag) runs
// the translation when it can, so a pathological pattern cannot stall
// ingestion there either; patterns it rejects (case-insensitive ones, for
// instance) fall back to V8's backtracking engine, which then only ever sees
// strings the RE2 engine has already accepted.
//
// regexutil has no submatch API yet; when it gets one this file shrinks to
// calls of it.

import v8 from "node:v8";
import { compileAnchored, type AnchoredRegex } from "../regexutil/index.ts";

// Enables the "l" (linear) RegExp flag; it changes nothing for other regexes.
v8.setFlagsFromString("--enable-experimental-regexp-engine");

interface JsTranslation {
  source: string;
  flags: string;
  names: Map<string, number>;
  groups: number;
}

/**
 * translateToJs turns an RE2 (Go regexp) pattern into an equivalent JavaScript
 * (non-unicode mode) pattern for the constructs relabeling configs use, or
 * returns undefined for constructs it does not translate (\p classes, scoped
 * or ungreedy flags, \Q inside classes). Named groups become plain groups
 * whose numbers are recorded in names.
 */
export function translateToJs(src: string): JsTranslation | undefined {
  let out = "";
  let flags = "";
  let groups = 0;
  const names = new Map<string, number>();
  let dotAll = false;
  let i = 0;
  const n = src.length;
  // Leading (?flags).
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead !== null) {
    for (const f of lead[1]!) {
      if (f === "U") return undefined;
      if (!flags.includes(f)) flags += f;
    }
    dotAll = flags.includes("s");
    flags = flags.replace("s", "");
    i = lead[0].length;
  }
  while (i < n) {
    const c = src[i]!;
    if (c === "\\") {
      const r = translateEscape(src, i, false);
      if (r === undefined) return undefined;
      out += r.text;
      i = r.end;
      continue;
    }
    if (c === ".") {
      out += dotAll ? "[\\s\\S]" : "[^\\n]";
      i++;
      continue;
    }
    if (c === "(") {
      if (src[i + 1] !== "?") {
        groups++;
        out += "(";
        i++;
        continue;
      }
      const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(src.slice(i, i + 300));
      if (named !== null) {
        groups++;
        if (!names.has(named[1]!)) names.set(named[1]!, groups);
        out += "(";
        i += named[0].length;
        continue;
      }
      if (src.startsWith("(?:", i)) {
        out += "(?:";
        i += 3;
        continue;
      }
      return undefined; // scoped flags
    }
    if (c === "[") {
      const r = translateClass(src, i);
      if (r === undefined) return undefined;
      out += r.text;
      i = r.end;
      continue;
    }
    out += c;
    i++;
  }
  return { source: out, flags, names, groups };
}

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z", alpha: "A-Za-z", ascii: "\\x00-\\x7f", blank: "\\t ", cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9", graph: "!-~", lower: "a-z", print: " -~", punct: "!-\\/:-@\\[-`{-~", space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z", word: "0-9A-Za-z_", xdigit: "0-9A-Fa-f",
};

function translateClass(src: string, start: number): { text: string; end: number } | undefined {
  let i = start + 1;
  let out = "[";
  if (src[i] === "^") {
    out += "^";
    i++;
  }
  let first = true;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "]" && !first) return { text: out + "]", end: i + 1 };
    first = false;
    if (c === "[" && src[i + 1] === ":") {
      const m = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i, i + 20));
      if (m === null || POSIX[m[2]!] === undefined || m[1] === "^") return undefined;
      out += POSIX[m[2]!];
      i += m[0].length;
      continue;
    }
    if (c === "\\") {
      const r = translateEscape(src, i, true);
      if (r === undefined) return undefined;
      out += r.text;
      i = r.end;
      continue;
    }
    if (c === "[") {
      out += "\\[";
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return undefined;
}

function escapeCodePoint(cp: number, inClass: boolean): string | undefined {
  if (cp > 0xffff) return inClass ? undefined : "(?:" + escapeUnit(String.fromCodePoint(cp)) + ")";
  return "\\u" + cp.toString(16).padStart(4, "0");
}

function escapeUnit(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += "\\u" + s.charCodeAt(i).toString(16).padStart(4, "0");
  return out;
}

function translateEscape(src: string, i: number, inClass: boolean): { text: string; end: number } | undefined {
  const e = src[i + 1];
  if (e === undefined) return undefined;
  switch (e) {
    case "d": case "D": case "w": case "W":
      return { text: "\\" + e, end: i + 2 };
    case "b": case "B":
      return inClass ? undefined : { text: "\\" + e, end: i + 2 };
    case "s":
      return { text: inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]", end: i + 2 };
    case "S":
      return inClass ? undefined : { text: "[^\\t\\n\\f\\r ]", end: i + 2 };
    case "A":
      return inClass ? undefined : { text: "^", end: i + 2 };
    case "z":
      return inClass ? undefined : { text: "$", end: i + 2 };
    case "a":
      return { text: "\\x07", end: i + 2 };
    case "f": case "n": case "r": case "t": case "v":
      return { text: "\\" + e, end: i + 2 };
    case "Q": {
      if (inClass) return undefined;
      const j = src.indexOf("\\E", i + 2);
      const lit = j < 0 ? src.slice(i + 2) : src.slice(i + 2, j);
      let text = "";
      for (const ch of lit) text += escapeCodePoint(ch.codePointAt(0)!, false);
      return { text: text === "" ? "" : "(?:" + text + ")", end: j < 0 ? src.length : j + 2 };
    }
    case "x": {
      let m = /^\\x\{([0-9a-fA-F]{1,6})\}/.exec(src.slice(i, i + 10));
      if (m === null) m = /^\\x([0-9a-fA-F]{2})/.exec(src.slice(i, i + 4));
      if (m === null) return undefined;
      const t = escapeCodePoint(Number.parseInt(m[1]!, 16), inClass);
      return t === undefined ? undefined : { text: t, end: i + m[0].length };
    }
    default: {
      if (/[0-7]/.test(e)) {
        const m = /^\\([0-7]{1,3})/.exec(src.slice(i, i + 4))!;
        if (m[1]!.length === 1 && e !== "0") return undefined;
        const t = escapeCodePoint(Number.parseInt(m[1]!, 8), inClass);
        return t === undefined ? undefined : { text: t, end: i + m[0].length };
      }
      if (/[A-Za-z0-9]/.test(e)) return undefined; // \p, \P, \C and the like
      // Escaped punctuation is a literal.
      return { text: escapeCodePoint(e.codePointAt(0)!, inClass)!, end: i + 2 };
    }
  }
}

/**
 * SubmatchRegex is a relabeling regex: anchored() tells whether a whole
 * string matches (RE2 semantics, linear time) and exec() returns the capture
 * groups of a string that matches, as Go's FindStringSubmatch would (unmatched
 * groups are "").
 */
export class SubmatchRegex {
  /** source is the pattern as written in the config. */
  readonly source: string;
  /** re matches whole strings: Go's regexp.MustCompile("^(?:" + source + ")$"). */
  readonly re: AnchoredRegex;
  /** names maps the names of named groups to their numbers. */
  readonly names: ReadonlyMap<string, number>;
  /** linear is false when captures are read by V8's backtracking engine. */
  readonly linear: boolean;
  private readonly js: RegExp | undefined;
  private readonly groups: number;

  /** The constructor throws RegexSyntaxError for an invalid pattern. */
  constructor(source: string) {
    this.source = source;
    this.re = compileAnchored(source);
    const t = translateToJs(source);
    let js: RegExp | undefined;
    let linear = false;
    if (t !== undefined) {
      const anchored = "^(?:" + t.source + ")$";
      try {
        js = new RegExp(anchored, t.flags + "l");
        linear = true;
      } catch {
        try {
          js = new RegExp(anchored, t.flags);
        } catch {
          js = undefined;
        }
      }
    }
    this.js = js;
    this.linear = linear;
    this.names = t?.names ?? new Map();
    this.groups = t?.groups ?? 0;
  }

  /** hasCaptures is false when capture groups cannot be read (a construct the translation lacks). */
  get hasCaptures(): boolean {
    return this.js !== undefined;
  }

  /**
   * exec returns [s, group1, group2, ...] when the whole of s matches, else
   * null. Without a translation, only [s] is returned (groups read as "").
   */
  exec(s: string): string[] | null {
    if (!this.re.matches(s)) return null;
    if (this.js === undefined) return [s];
    const m = this.js.exec(s);
    if (m === null) return [s]; // the translations disagree on an exotic construct: no groups
    const out: string[] = new Array(this.groups + 1);
    for (let i = 0; i <= this.groups; i++) out[i] = m[i] ?? "";
    return out;
  }
}

/**
 * UnanchoredRegex finds all non-overlapping matches of a pattern in a string,
 * as Go's Regexp.ReplaceAllString does; matchesAnywhere is decided by RE2.
 */
export class UnanchoredRegex {
  readonly source: string;
  private readonly anywhere: AnchoredRegex;
  private readonly js: RegExp | undefined;
  private readonly names: ReadonlyMap<string, number>;
  private readonly groups: number;

  /** The constructor throws RegexSyntaxError for an invalid pattern. */
  constructor(source: string) {
    this.source = source;
    compileAnchored(source); // syntax check of the pattern alone
    this.anywhere = compileAnchored("(?s:.*)(?:" + source + ")(?s:.*)");
    const t = translateToJs(source);
    let js: RegExp | undefined;
    if (t !== undefined) {
      try {
        js = new RegExp(t.source, t.flags + "gl");
      } catch {
        try {
          js = new RegExp(t.source, t.flags + "g");
        } catch {
          js = undefined;
        }
      }
    }
    this.js = js;
    this.names = t?.names ?? new Map();
    this.groups = t?.groups ?? 0;
  }

  /** matchesAnywhere reports whether the pattern matches some substring of s. */
  matchesAnywhere(s: string): boolean {
    return this.anywhere.matches(s);
  }

  /**
   * replaceAll replaces every match in s with template expanded (Go's
   * ReplaceAllString: $1, ${name}, $$), skipping empty matches right after a
   * previous match. Returns s when the pattern cannot be run.
   */
  replaceAll(s: string, template: string): string {
    const js = this.js;
    if (js === undefined) return s;
    let out = "";
    let lastEnd = 0;
    let pos = 0;
    const caps: string[] = new Array(this.groups + 1);
    while (pos <= s.length) {
      js.lastIndex = pos;
      const m = js.exec(s);
      if (m === null) break;
      const a0 = m.index;
      const a1 = a0 + m[0].length;
      out += s.slice(lastEnd, a0);
      // No replacement for an empty match right after the previous match (as Go).
      if (a1 > lastEnd || a0 === 0) {
        for (let i = 0; i <= this.groups; i++) caps[i] = m[i] ?? "";
        out += expandTemplate(template, caps, this.names);
      }
      lastEnd = a1;
      const cp = s.codePointAt(pos);
      const width = cp === undefined ? 1 : cp > 0xffff ? 2 : 1;
      if (pos + width > a1) pos += width;
      else if (pos + 1 > a1) pos++;
      else pos = a1;
    }
    return out + s.slice(lastEnd);
  }
}

/**
 * expandTemplate expands a Go regexp template: $n and ${n} are capture group n,
 * $name and ${name} the named group (a name is the longest run of letters,
 * digits and "_", so "$1x" means group "1x"), $$ is "$". Unknown or unmatched
 * groups expand to ""; a "$" that starts no valid reference is kept as is.
 */
export function expandTemplate(template: string, caps: readonly string[], names: ReadonlyMap<string, number>): string {
  let i = template.indexOf("$");
  if (i < 0) return template;
  let out = template.slice(0, i);
  while (i < template.length) {
    const c = template[i]!;
    if (c !== "$") {
      const j = template.indexOf("$", i);
      const end = j < 0 ? template.length : j;
      out += template.slice(i, end);
      i = end;
      continue;
    }
    if (template[i + 1] === "$") {
      out += "$";
      i += 2;
      continue;
    }
    let name: string;
    let end: number;
    if (template[i + 1] === "{") {
      const close = template.indexOf("}", i + 2);
      name = close < 0 ? "" : template.slice(i + 2, close);
      end = close + 1;
      if (name === "" || !/^[A-Za-z0-9_]+$/.test(name)) {
        out += "$";
        i++;
        continue;
      }
    } else {
      let j = i + 1;
      while (j < template.length && /[A-Za-z0-9_]/.test(template[j]!)) j++;
      name = template.slice(i + 1, j);
      end = j;
      if (name === "") {
        out += "$";
        i++;
        continue;
      }
    }
    let num = -1;
    if (/^[0-9]+$/.test(name) && name.length < 9) num = Number(name);
    else if (names.has(name)) num = names.get(name)!;
    if (num >= 0 && num < caps.length) out += caps[num]!;
    i = end;
  }
  return out;
}
