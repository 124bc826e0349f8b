// Package regexutil: regular expressions for label matchers (=~ and !~ in PromQL /
// MetricsQL selectors, later LogsQL), matched in time linear in the input whatever
// the pattern, so that a user's pathological regex cannot stall the server.
//
// Syntax and semantics are Go's regexp (RE2): compileAnchored(re) matches like
// regexp.MustCompile("^(?:" + re + ")$"). Supported: literals and escapes (\n \t
// \x41 \x{1F600} \123 \Q...\E, escaped punctuation), ".", classes with ranges and
// negation, \d \s \w and negations, [[:alpha:]] and the other POSIX classes, \pL
// \p{Greek} \PL \p{^Greek} (general categories, scripts, Any, ASCII, Assigned, with
// Go 1.25's loose name matching), ^ $ \A \z \b \B, groups (capturing, (?:...),
// (?P<n>...), (?<n>...)), flags i m s U (also scoped and negated, (?i-s:...)),
// alternation, * + ? {n} {n,} {n,m} and their lazy forms, counts up to 1000.
// Input and patterns are handled as code points; a lone surrogate in the input
// reads as U+FFFD (what UTF-8 encoding would make of it).
//
// Differences from Go, deliberately small:
//   - Unicode tables (\p, case folding) are those of the running Node (Unicode 17
//     for Node 26) rather than Go's Unicode 15.
//   - A compiled program may have at most 1,000,000 instructions by Go's own size
//     estimate (Go allows 3.3M); larger patterns fail with "expression too large".
//   - orValues are sorted in UTF-16 code unit order, not UTF-8 byte order.
//
// How matching works: parse -> simplify -> (fast path | Thompson NFA program run by
// a lazily built, memory-bounded DFA, falling back to NFA simulation when the DFA
// cache thrashes). See anchored_regex.ts for the fast paths.

export { RegexSyntaxError } from "./regex_syntax_error.ts";
export { compileAnchored, clearRegexCache, MAX_OR_VALUES, type AnchoredRegex, type CompileOptions } from "./anchored_regex.ts";
