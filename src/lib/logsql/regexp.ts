// regexp: LogsQL regexps (RE2 syntax, unanchored: they match anywhere in the value), in linear time.

import { compileAnchored, RegexSyntaxError } from "../regexutil/index.ts";

/** Matcher tests whether a regexp matches somewhere in a string. */
export interface Matcher {
  matches(s: string): boolean;
}

const LITERAL = /^[\p{L}\p{N}_ ,:;'"=@%&<>/-]*$/u;

const cache = new Map<string, Matcher>();

/**
 * compileRegexp compiles re (Go RE2 syntax) for unanchored matching, as LogsQL's
 * `~"re"` and re("re") filters need: it reports whether re matches any substring.
 * Matching runs in time linear in the input (src/lib/regexutil). Throws
 * RegexSyntaxError for an invalid pattern.
 */
export function compileRegexp(re: string): Matcher {
  let m = cache.get(re);
  if (m !== undefined) return m;
  if (LITERAL.test(re)) {
    m = re === "" ? { matches: () => true } : { matches: (s: string) => s.includes(re) };
  } else {
    compileAnchored(re, {}); // Validate the pattern alone first.
    let body = re;
    if (body.lastIndexOf("\\Q") > body.lastIndexOf("\\E")) body += "\\E";
    const r = compileAnchored(`(?s:.*)(?:${body})(?s:.*)`, {});
    m = r.matchesAll ? { matches: () => true } : { matches: (s: string) => r.matches(s) };
  }
  if (cache.size > 1000) cache.clear();
  cache.set(re, m);
  return m;
}

/** regexpError returns the reason re is not a valid regexp, or undefined when it is valid. */
export function regexpError(re: string): string | undefined {
  try {
    compileRegexp(re);
    return undefined;
  } catch (e) {
    if (e instanceof RegexSyntaxError) return e.message;
    if (e instanceof Error) return e.message;
    throw e;
  }
}
