// Errors for bad MetricsQL input.

/**
 * ParseError reports a query that cannot be parsed, expanded or checked. `pos` is the
 * UTF-16 offset in the query where the offending token or expression starts (the
 * query's length for an unexpected end); `reason` is the message without the position.
 */
export class ParseError extends SyntaxError {
  readonly pos: number;
  readonly reason: string;

  constructor(message: string, reason: string, pos: number) {
    super(message);
    this.name = "ParseError";
    this.pos = pos;
    this.reason = reason;
  }
}

/** syntaxError builds the ParseError for a query that does not follow the grammar. */
export function syntaxError(pos: number, reason: string): ParseError {
  return new ParseError(`cannot parse MetricsQL query at position ${pos}: ${reason}`, reason, pos);
}

/** expandError builds the ParseError for a failed WITH template expansion. */
export function expandError(pos: number, reason: string): ParseError {
  return new ParseError(`cannot expand WITH expressions at position ${pos}: ${reason}`, reason, pos);
}

/**
 * guardDepth runs fn, turning a stack overflow (a query nested thousands of levels
 * deep: parentheses, calls or operator chains) into a ParseError at position 0.
 */
export function guardDepth<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw syntaxError(0, "the query is nested too deeply");
    }
    throw err;
  }
}

/** bug throws for a broken invariant. */
export function bug(msg: string): never {
  throw new Error("BUG: " + msg);
}
