// Parse errors for user regular expressions, worded like Go's regexp/syntax.

/**
 * RegexSyntaxError reports an invalid regular expression. Its message reads like Go's
 * ("error parsing regexp: missing closing ): `(a`"); `code` is the bare reason
 * ("missing closing )"), `expr` the offending text and `pos` the UTF-16 offset in the
 * pattern where that text starts (0 when the whole pattern is at fault).
 */
export class RegexSyntaxError extends SyntaxError {
  readonly pos: number;
  readonly code: string;
  readonly expr: string;

  constructor(code: string, expr: string, pos: number) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.name = "RegexSyntaxError";
    this.code = code;
    this.expr = expr;
    this.pos = pos;
  }
}

/** ErrorCode lists the reasons RegexSyntaxError carries; the strings are Go's. */
export const ErrorCode = {
  invalidCharClass: "invalid character class",
  invalidCharRange: "invalid character class range",
  invalidEscape: "invalid escape sequence",
  invalidNamedCapture: "invalid named capture",
  invalidPerlOp: "invalid or unsupported Perl syntax",
  invalidRepeatOp: "invalid nested repetition operator",
  invalidRepeatSize: "invalid repeat count",
  invalidUTF8: "invalid UTF-8",
  missingBracket: "missing closing ]",
  missingParen: "missing closing )",
  missingRepeatArgument: "missing argument to repetition operator",
  trailingBackslash: "trailing backslash at end of expression",
  unexpectedParen: "unexpected )",
  nestingDepth: "expression nests too deeply",
  large: "expression too large",
} as const;
