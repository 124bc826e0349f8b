// extract_format: the patterns of the extract, extract_regexp and format pipes.

import { compileJSRegExp } from "./js_regexp.ts";
import { compileRegexp } from "./regexp.ts";

function unescapeHTML(s: string): string {
  return s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
}

/** compileExtract compiles an extract pattern ("ip=<ip> <_>") into a function returning the extracted fields ("" for the fields a mismatch left unset). */
export function compileExtract(pattern: string): (s: string) => Map<string, string> {
  const steps: { field: string; after: string }[] = [];
  let prefix = "";
  let i = 0;
  let lit = "";
  let first = true;
  while (i < pattern.length) {
    const s = pattern.indexOf("<", i);
    const e = s < 0 ? -1 : pattern.indexOf(">", s);
    if (s < 0 || e < 0) {
      lit += pattern.slice(i);
      break;
    }
    const name = pattern.slice(s + 1, e);
    if (/[<\s]/.test(name)) {
      lit += pattern.slice(i, s + 1);
      i = s + 1;
      continue;
    }
    lit += pattern.slice(i, s);
    if (first) prefix = unescapeHTML(lit);
    else steps[steps.length - 1].after = unescapeHTML(lit);
    first = false;
    lit = "";
    steps.push({ field: name.replace(/^q:/, ""), after: "" });
    i = e + 1;
  }
  if (steps.length > 0) steps[steps.length - 1].after = unescapeHTML(lit);
  return (s) => {
    let pos = 0;
    const fill = (m: Map<string, string>): Map<string, string> => {
      // On a mismatch the fields not extracted so far become empty, as in VictoriaLogs.
      for (const st of steps) if (st.field !== "_" && st.field !== "" && !m.has(st.field)) m.set(st.field, "");
      return m;
    };
    if (prefix !== "") {
      const n = s.indexOf(prefix);
      if (n < 0) return fill(new Map());
      pos = n + prefix.length;
    }
    const m = new Map<string, string>();
    for (let k = 0; k < steps.length; k++) {
      const st = steps[k];
      let v: string;
      if (s[pos] === '"') {
        const q = readJSONString(s, pos);
        if (q !== undefined) {
          v = q[0];
          pos = q[1];
          if (st.after !== "") {
            if (!s.startsWith(st.after, pos)) return fill(m);
            pos += st.after.length;
          }
          if (st.field !== "_" && st.field !== "") m.set(st.field, v);
          continue;
        }
      }
      if (st.after === "") {
        v = s.slice(pos);
        pos = s.length;
      } else {
        const n = s.indexOf(st.after, pos);
        if (n < 0) return fill(m);
        v = s.slice(pos, n);
        pos = n + st.after.length;
      }
      if (st.field !== "_" && st.field !== "") m.set(st.field, v);
    }
    return fill(m);
  };
}

/** readJSONString reads the JSON string literal starting at s[pos] and returns its value and end, or undefined. */
export function readJSONString(s: string, pos: number): [string, number] | undefined {
  let i = pos + 1;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === '"') {
      try {
        return [JSON.parse(s.slice(pos, i + 1)) as string, i + 1];
      } catch {
        return undefined;
      }
    }
    i++;
  }
  return undefined;
}

/** compileExtractRegexp compiles an extract_regexp pattern: named groups become fields ("" when the value does not match). */
export function compileExtractRegexp(pattern: string): (s: string) => Map<string, string> | undefined {
  const re = compileJSRegExp(pattern, "");
  const pre = compileRegexp(pattern);
  return (s) => {
    const m = pre.matches(s) ? re.exec(s) : null;
    const out = new Map<string, string>();
    const groups = (m?.groups ?? {}) as Record<string, string | undefined>;
    for (const name of groupNames(pattern)) out.set(name, m === null ? "" : (groups[name] ?? ""));
    return out;
  };
}

function groupNames(pattern: string): string[] {
  const out: string[] = [];
  for (const m of pattern.matchAll(/\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g)) out.push(m[1]);
  return out;
}

/** compileFormat splits a format pattern into literal text and `<field>` / `<fn:field>` placeholders. */
export function compileFormat(pattern: string): { text: string; field?: string; fn: string }[] {
  const out: { text: string; field?: string; fn: string }[] = [];
  let i = 0;
  while (i < pattern.length) {
    const s = pattern.indexOf("<", i);
    const e = s < 0 ? -1 : pattern.indexOf(">", s);
    if (s < 0 || e < 0) {
      out.push({ text: unescapeHTML(pattern.slice(i)), fn: "" });
      break;
    }
    const inner = pattern.slice(s + 1, e);
    if (/[<\s]/.test(inner) || inner === "") {
      out.push({ text: pattern.slice(i, s + 1), fn: "" });
      i = s + 1;
      continue;
    }
    if (s > i) out.push({ text: unescapeHTML(pattern.slice(i, s)), fn: "" });
    const c = inner.indexOf(":");
    const fns = ["q", "lc", "uc", "urlencode", "urldecode", "hexencode", "hexdecode", "base64encode", "base64decode", "duration_seconds", "time"];
    if (c > 0 && fns.includes(inner.slice(0, c))) out.push({ text: "", field: inner.slice(c + 1), fn: inner.slice(0, c) });
    else out.push({ text: "", field: inner, fn: "" });
    i = e + 1;
  }
  return out;
}

/** applyFormatFn applies a format placeholder function (q, lc, uc, urlencode, ...) to v. */
export function applyFormatFn(fn: string, v: string): string {
  switch (fn) {
    case "q": return JSON.stringify(v);
    case "lc": return v.toLowerCase();
    case "uc": return v.toUpperCase();
    case "urlencode": return encodeURIComponent(v);
    case "urldecode":
      try {
        return decodeURIComponent(v.replaceAll("+", " "));
      } catch {
        return v;
      }
    case "hexencode": return Buffer.from(v).toString("hex").toUpperCase();
    case "hexdecode": return /^([0-9a-fA-F]{2})*$/.test(v) ? Buffer.from(v, "hex").toString() : v;
    case "base64encode": return Buffer.from(v).toString("base64");
    case "base64decode": return Buffer.from(v, "base64").toString();
    default: return v;
  }
}
