// js_regexp: Go (RE2) regexps translated to JavaScript RegExp, for the pipes that need
// capture groups (extract_regexp, replace_regexp), which src/lib/regexutil does not provide.
// The pattern is validated with the RE2 parser first; matching uses the backtracking
// JavaScript engine, so it is NOT guaranteed linear-time (see the package report).

import { compileRegexp } from "./regexp.ts";

/** compileJSRegExp translates a Go regexp into a JavaScript RegExp with the given extra flags ("g"). */
export function compileJSRegExp(pattern: string, flags: string): RegExp {
  compileRegexp(pattern); // Throws RegexSyntaxError for an invalid RE2 pattern.
  let p = pattern;
  let f = flags;
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead !== null) {
    for (const c of lead[1]) if (c !== "U" && !f.includes(c)) f += c;
    p = p.slice(lead[0].length);
  }
  p = p.replace(/\\Q([\s\S]*?)(\\E|$)/g, (_m, lit: string) => lit.replace(/[\\^$.|?*+()[\]{}\/-]/g, "\\$&"));
  p = p.replaceAll("(?P<", "(?<").replaceAll("\\z", "$(?![\\s\\S])").replaceAll("\\A", "^");
  if (/\\[pP]/.test(p)) f += "u";
  return new RegExp(p, f);
}

/** expandGoTemplate expands Go's replacement syntax ($1, ${1}, $name, ${name}, $$) for a String.replace callback's args. */
export function expandGoTemplate(tpl: string, args: unknown[]): string {
  if (!tpl.includes("$")) return tpl;
  const last = args[args.length - 1];
  const groups = typeof last === "object" && last !== null ? (last as Record<string, string | undefined>) : undefined;
  const nGroups = args.length - (groups !== undefined ? 3 : 2);
  return tpl.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (m, _a, braced: string | undefined, bare: string | undefined) => {
    if (m === "$$") return "$";
    const name = braced ?? bare ?? "";
    if (/^\d+$/.test(name)) {
      const k = Number(name);
      return k < nGroups ? ((args[k] as string | undefined) ?? "") : "";
    }
    return groups?.[name] ?? "";
  });
}
