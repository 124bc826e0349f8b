// A small YAML subset parser: enough for relabeling configs (and other
// config files of the same shape). The project has no YAML dependency.
//
// Supported: block sequences and mappings (a sequence may sit at its key's
// indentation), "- key: value" items, flow sequences and mappings ([a, b],
// {a: b}) also across lines, plain, 'single' and "double" quoted scalars,
// block scalars (| and > with - / + chomping), comments, "---" / "...".
// Not supported (rejected with an error): anchors, aliases, tags, complex keys,
// several documents.

/** YamlNode is a parsed YAML value; scalars keep their text and whether they were plain (unquoted). */
export type YamlNode =
  | { readonly kind: "scalar"; readonly value: string; readonly plain: boolean; readonly line: number }
  | { readonly kind: "seq"; readonly items: YamlNode[]; readonly line: number }
  | { readonly kind: "map"; readonly entries: Array<[string, YamlNode]>; readonly line: number };

/** YamlError is a syntax error in YAML text; the message names the line. */
export class YamlError extends SyntaxError {}

interface Line {
  indent: number;
  text: string; // without the indentation; may contain a trailing comment
  no: number; // 1-based line number
}

/**
 * parseYaml parses one YAML document. An empty document (only blanks and
 * comments) gives a null scalar (plain, value ""). It throws YamlError for
 * invalid or unsupported input.
 */
export function parseYaml(text: string): YamlNode {
  const raw = text.split(/\r?\n/);
  const lines: Line[] = [];
  let started = false;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!;
    if (/^(---|\.\.\.)(\s|$)/.test(s)) {
      if (s.startsWith("...")) break;
      if (started) throw new YamlError(`cannot parse YAML: line ${i + 1}: got a second document; want one`);
      started = true;
      const rest = s.slice(3).trim();
      if (rest !== "" && !rest.startsWith("#")) lines.push({ indent: 3 + s.slice(3).search(/\S/), text: rest, no: i + 1 });
      continue;
    }
    const m = /^( *)(.*)$/.exec(s)!;
    if (m[2]!.startsWith("\t")) throw new YamlError(`cannot parse YAML: line ${i + 1}: got a tab in the indentation; want spaces`);
    lines.push({ indent: m[1]!.length, text: m[2]!.replace(/\s+$/, ""), no: i + 1 });
    if (m[2] !== "" && !m[2]!.startsWith("#")) started = true;
  }
  const p = new Parser(lines);
  p.skipBlank();
  if (p.pos >= lines.length) return { kind: "scalar", value: "", plain: true, line: 1 };
  const node = p.parseBlock(p.lines[p.pos]!.indent);
  p.skipBlank();
  if (p.pos < lines.length) {
    const l = lines[p.pos]!;
    throw new YamlError(`cannot parse YAML: line ${l.no}: unexpected ${JSON.stringify(l.text)} at indentation ${l.indent}`);
  }
  return node;
}

function isBlank(l: Line): boolean {
  return l.text === "" || l.text.startsWith("#");
}

function fail(no: number, msg: string): never {
  throw new YamlError(`cannot parse YAML: line ${no}: ${msg}`);
}

class Parser {
  readonly lines: Line[];
  pos = 0;
  constructor(lines: Line[]) {
    this.lines = lines;
  }

  skipBlank(): void {
    while (this.pos < this.lines.length && isBlank(this.lines[this.pos]!)) this.pos++;
  }

  // parseBlock parses the node whose first line is the current one, at indent.
  parseBlock(indent: number): YamlNode {
    const l = this.lines[this.pos]!;
    if (l.text === "-" || l.text.startsWith("- ")) return this.parseSeq(indent);
    if (findKeyColon(l.text, l.no) >= 0) return this.parseMap(indent);
    // A scalar (possibly flow, possibly spanning lines).
    this.pos++;
    return this.parseInlineValue(l.text, l.no, indent - 1);
  }

  private parseSeq(indent: number): YamlNode {
    const items: YamlNode[] = [];
    const first = this.lines[this.pos]!.no;
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.lines.length) break;
      const l = this.lines[this.pos]!;
      if (l.indent < indent) break;
      if (l.indent > indent) fail(l.no, `unexpected indentation ${l.indent}; want ${indent}`);
      if (!(l.text === "-" || l.text.startsWith("- "))) break;
      const rest = l.text.slice(1).replace(/^ +/, "");
      if (rest === "" || rest.startsWith("#")) {
        this.pos++;
        items.push(this.parseNested(indent, l.no, false));
        continue;
      }
      // The item starts on this line: parse it as a block at the column of its text.
      const col = indent + (l.text.length - rest.length);
      this.lines[this.pos] = { indent: col, text: rest, no: l.no };
      items.push(this.parseBlock(col));
    }
    return { kind: "seq", items, line: first };
  }

  private parseMap(indent: number): YamlNode {
    const entries: Array<[string, YamlNode]> = [];
    const seen = new Set<string>();
    const first = this.lines[this.pos]!.no;
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.lines.length) break;
      const l = this.lines[this.pos]!;
      if (l.indent < indent) break;
      if (l.indent > indent) fail(l.no, `unexpected indentation ${l.indent}; want ${indent}`);
      if (l.text === "-" || l.text.startsWith("- ")) break;
      const c = findKeyColon(l.text, l.no);
      if (c < 0) fail(l.no, `cannot find "key: value" in ${JSON.stringify(l.text)}`);
      const key = parseKey(l.text.slice(0, c), l.no);
      if (seen.has(key)) fail(l.no, `duplicate key ${JSON.stringify(key)}`);
      seen.add(key);
      const rest = l.text.slice(c + 1).replace(/^ +/, "");
      this.pos++;
      let v: YamlNode;
      if (rest === "" || rest.startsWith("#")) v = this.parseNested(indent, l.no, true);
      else v = this.parseInlineValue(rest, l.no, indent);
      entries.push([key, v]);
    }
    return { kind: "map", entries, line: first };
  }

  // parseNested parses the value on the lines after a "key:" or "-" with
  // nothing after it: a more indented block, a sequence at the same
  // indentation (after a key only), or null.
  private parseNested(indent: number, no: number, afterKey: boolean): YamlNode {
    this.skipBlank();
    if (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.indent > indent) return this.parseBlock(l.indent);
      if (afterKey && l.indent === indent && (l.text === "-" || l.text.startsWith("- "))) return this.parseSeq(indent);
    }
    return { kind: "scalar", value: "", plain: true, line: no };
  }

  // parseInlineValue parses the value text after "key: " or "- " (or a whole
  // scalar line); continuation lines must be indented more than parentIndent.
  private parseInlineValue(text: string, no: number, parentIndent: number): YamlNode {
    const c = text[0]!;
    if (c === "&" || c === "*" || c === "!") fail(no, `anchors, aliases and tags are not supported; got ${JSON.stringify(text)}`);
    if (c === "|" || c === ">") return this.parseBlockScalar(text, no, parentIndent);
    if (c === "[" || c === "{") {
      // Collect lines until the flow collection closes.
      let src = text;
      for (;;) {
        const f = new FlowParser(src, no);
        const r = f.tryParse();
        if (r !== undefined) return r;
        // Lenient like go-yaml: the closing bracket may sit at any indentation.
        if (this.pos >= this.lines.length) {
          fail(no, `unterminated flow collection ${JSON.stringify(src.slice(0, 80))}`);
        }
        const next = this.lines[this.pos++]!;
        if (!next.text.startsWith("#")) src += " " + next.text;
      }
    }
    if (c === '"' || c === "'") {
      let src = text;
      for (;;) {
        const q = c === '"' ? scanDoubleQuoted(src, 0) : scanSingleQuoted(src, 0);
        if (q !== undefined) {
          const after = src.slice(q.end).trim();
          if (after !== "" && !after.startsWith("#")) fail(no, `unexpected ${JSON.stringify(after)} after a quoted string`);
          return { kind: "scalar", value: q.value, plain: false, line: no };
        }
        if (this.pos >= this.lines.length) fail(no, "unterminated quoted string");
        const next = this.lines[this.pos++]!;
        // Line folding inside quotes: a line break becomes a space, an empty line a newline.
        src += next.text === "" ? "\n" : (src.endsWith("\n") ? "" : " ") + next.text;
      }
    }
    // A plain scalar; it may continue on more indented lines.
    let v = stripPlainComment(text);
    while (this.pos < this.lines.length) {
      const next = this.lines[this.pos]!;
      if (next.text === "" || next.text.startsWith("#") || next.indent <= parentIndent) break;
      if (findKeyColon(next.text, next.no) >= 0 || next.text.startsWith("- ")) break;
      v += " " + stripPlainComment(next.text);
      this.pos++;
    }
    if (v.includes(": ") && parentIndent >= 0) fail(no, `mapping values are not allowed here: ${JSON.stringify(text)}`);
    return { kind: "scalar", value: v, plain: true, line: no };
  }

  private parseBlockScalar(header: string, no: number, parentIndent: number): YamlNode {
    const m = /^([|>])([+-]?)(\d?)([+-]?)\s*(#.*)?$/.exec(header);
    if (m === null) fail(no, `cannot parse block scalar header ${JSON.stringify(header)}`);
    const folded = m[1] === ">";
    const chomp = m[2] || m[4] || "";
    const body: Line[] = [];
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.text !== "" && l.indent <= parentIndent) break;
      body.push(l);
      this.pos++;
    }
    // Trailing blank lines belong to the scalar only for chomping; comments after it are not content.
    let contentIndent = m[3] !== "" ? parentIndent + 1 + Number(m[3]) - 1 : -1;
    if (contentIndent < 0) {
      const firstText = body.find((l) => l.text !== "");
      contentIndent = firstText === undefined ? parentIndent + 1 : firstText.indent;
    }
    const parts: string[] = [];
    for (const l of body) parts.push(l.text === "" ? "" : " ".repeat(Math.max(0, l.indent - contentIndent)) + l.text);
    let end = parts.length;
    while (end > 0 && parts[end - 1] === "") end--;
    const content = parts.slice(0, end);
    let s: string;
    if (!folded) s = content.join("\n");
    else {
      s = "";
      for (let i = 0; i < content.length; i++) {
        const p = content[i]!;
        if (i > 0) s += p === "" || content[i - 1] === "" || p.startsWith(" ") ? "\n" : " ";
        s += p;
      }
      s = s.replace(/ ?\n\n/g, "\n");
    }
    if (content.length > 0) {
      if (chomp === "") s += "\n";
      else if (chomp === "+") s += "\n" + "\n".repeat(parts.length - end);
    }
    return { kind: "scalar", value: s, plain: false, line: no };
  }
}

// findKeyColon returns the index of the ":" that ends a mapping key at the start
// of text, or -1 when text is not a "key: value" line.
function findKeyColon(text: string, no: number): number {
  const c = text[0];
  if (c === "[" || c === "{" || c === "#" || c === "|" || c === ">") return -1;
  if (c === '"' || c === "'") {
    const q = c === '"' ? scanDoubleQuoted(text, 0) : scanSingleQuoted(text, 0);
    if (q === undefined) return -1;
    let i = q.end;
    while (text[i] === " ") i++;
    return text[i] === ":" && (i + 1 === text.length || text[i + 1] === " ") ? i : -1;
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "#" && i > 0 && text[i - 1] === " ") return -1;
    if (ch === ":" && (i + 1 === text.length || text[i + 1] === " ")) {
      if (i === 0) fail(no, `empty mapping key in ${JSON.stringify(text)}`);
      return i;
    }
  }
  return -1;
}

function parseKey(k: string, no: number): string {
  const t = k.trim();
  if (t.startsWith('"')) return scanDoubleQuoted(t, 0)!.value;
  if (t.startsWith("'")) return scanSingleQuoted(t, 0)!.value;
  if (t.startsWith("?") || t.startsWith("&") || t.startsWith("*") || t.startsWith("!")) fail(no, `unsupported mapping key ${JSON.stringify(t)}`);
  return t;
}

function stripPlainComment(s: string): string {
  const i = s.search(/\s#/);
  return (i >= 0 ? s.slice(0, i) : s).trim();
}

const DQ_ESCAPES: Record<string, string> = {
  "0": "\0", a: "\x07", b: "\b", t: "\t", "\t": "\t", n: "\n", v: "\v", f: "\f", r: "\r", e: "\x1b",
  " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\u0085", _: "\u00a0", L: "\u2028", P: "\u2029",
};

// scanDoubleQuoted reads a "..." string starting at s[i]; undefined when it does not end in s.
function scanDoubleQuoted(s: string, i: number): { value: string; end: number } | undefined {
  let out = "";
  let j = i + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (c === '"') return { value: out, end: j + 1 };
    if (c !== "\\") {
      out += c;
      j++;
      continue;
    }
    const e = s[j + 1];
    if (e === undefined) return undefined;
    if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = s.slice(j + 2, j + 2 + n);
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) throw new YamlError(`cannot parse YAML: invalid escape \\${e}${hex} in a double-quoted string`);
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) throw new YamlError(`cannot parse YAML: invalid escape \\${e}${hex} in a double-quoted string`);
      out += String.fromCodePoint(cp);
      j += 2 + n;
      continue;
    }
    const r = DQ_ESCAPES[e];
    if (r === undefined) throw new YamlError(`cannot parse YAML: invalid escape \\${e} in a double-quoted string`);
    out += r;
    j += 2;
  }
  return undefined;
}

function scanSingleQuoted(s: string, i: number): { value: string; end: number } | undefined {
  let out = "";
  let j = i + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (c === "'") {
      if (s[j + 1] === "'") {
        out += "'";
        j += 2;
        continue;
      }
      return { value: out, end: j + 1 };
    }
    out += c;
    j++;
  }
  return undefined;
}

// FlowParser parses a flow collection; tryParse returns undefined when the text ends too early.
class FlowParser {
  private readonly s: string;
  private readonly no: number;
  private i = 0;
  constructor(s: string, no: number) {
    this.s = s;
    this.no = no;
  }

  tryParse(): YamlNode | undefined {
    try {
      const v = this.value();
      this.ws();
      if (this.i < this.s.length && this.s[this.i] !== "#") fail(this.no, `unexpected ${JSON.stringify(this.s.slice(this.i))} after a flow collection`);
      return v;
    } catch (e) {
      if (e === INCOMPLETE) return undefined;
      throw e;
    }
  }

  private ws(): void {
    while (this.i < this.s.length && (this.s[this.i] === " " || this.s[this.i] === "\t")) this.i++;
  }

  private value(): YamlNode {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) throw INCOMPLETE;
    if (c === "[") {
      this.i++;
      const items: YamlNode[] = [];
      for (;;) {
        this.ws();
        if (this.i >= this.s.length) throw INCOMPLETE;
        if (this.s[this.i] === "]") { this.i++; break; }
        items.push(this.value());
        this.ws();
        if (this.i >= this.s.length) throw INCOMPLETE;
        if (this.s[this.i] === ",") { this.i++; continue; }
        if (this.s[this.i] === "]") { this.i++; break; }
        fail(this.no, `expecting "," or "]" in a flow sequence; got ${JSON.stringify(this.s.slice(this.i, this.i + 20))}`);
      }
      return { kind: "seq", items, line: this.no };
    }
    if (c === "{") {
      this.i++;
      const entries: Array<[string, YamlNode]> = [];
      for (;;) {
        this.ws();
        if (this.i >= this.s.length) throw INCOMPLETE;
        if (this.s[this.i] === "}") { this.i++; break; }
        const k = this.scalar(true);
        this.ws();
        if (this.s[this.i] !== ":") {
          if (this.i >= this.s.length) throw INCOMPLETE;
          fail(this.no, `expecting ":" after key ${JSON.stringify(k.value)} in a flow mapping`);
        }
        this.i++;
        this.ws();
        const nc = this.s[this.i];
        const v: YamlNode = nc === "," || nc === "}" ? { kind: "scalar", value: "", plain: true, line: this.no } : this.value();
        if (entries.some((e) => e[0] === k.value)) fail(this.no, `duplicate key ${JSON.stringify(k.value)}`);
        entries.push([k.value, v]);
        this.ws();
        if (this.i >= this.s.length) throw INCOMPLETE;
        if (this.s[this.i] === ",") { this.i++; continue; }
        if (this.s[this.i] === "}") { this.i++; break; }
        fail(this.no, `expecting "," or "}" in a flow mapping; got ${JSON.stringify(this.s.slice(this.i, this.i + 20))}`);
      }
      return { kind: "map", entries, line: this.no };
    }
    return this.scalar(false);
  }

  private scalar(isKey: boolean): { kind: "scalar"; value: string; plain: boolean; line: number } {
    const c = this.s[this.i];
    if (c === '"' || c === "'") {
      const q = c === '"' ? scanDoubleQuoted(this.s, this.i) : scanSingleQuoted(this.s, this.i);
      if (q === undefined) throw INCOMPLETE;
      this.i = q.end;
      return { kind: "scalar", value: q.value, plain: false, line: this.no };
    }
    if (c === "&" || c === "*" || c === "!") fail(this.no, "anchors, aliases and tags are not supported");
    const start = this.i;
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!;
      if (ch === "," || ch === "]" || ch === "}" || ch === "[" || ch === "{") break;
      if (ch === ":" && (isKey || this.s[this.i + 1] === " " || this.i + 1 === this.s.length)) break;
      if (ch === "#" && this.i > start && this.s[this.i - 1] === " ") break;
      this.i++;
    }
    return { kind: "scalar", value: this.s.slice(start, this.i).trim(), plain: true, line: this.no };
  }
}

const INCOMPLETE = new Error("incomplete flow collection");

/** isYamlNull reports whether n is a null scalar (empty, "~" or "null" written plain). */
export function isYamlNull(n: YamlNode): boolean {
  return n.kind === "scalar" && n.plain && (n.value === "" || n.value === "~" || n.value === "null" || n.value === "Null" || n.value === "NULL");
}
