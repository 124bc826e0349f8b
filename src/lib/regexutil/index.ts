// Package regexutil: linear-time regular expressions with RE2 / Go syntax for label
// matchers (=~, !~), with the fast paths and literal facts the index uses.

export { RegexSyntaxError } from "./regex_syntax_error.ts";
export { compileAnchored, clearRegexCache, MAX_OR_VALUES, type AnchoredRegex, type CompileOptions } from "./anchored_regex.ts";
