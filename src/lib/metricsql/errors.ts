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

/** maxNesting bounds how deeply a query may nest (brackets, calls, operator chains). */
export const maxNesting = 1000;

/**
 * checkNesting rejects, before any recursion, a query whose brackets nest deeper
 * than maxNesting or that chains more binary operators than a tree walk can
 * recurse through. Relying only on catching the stack overflow (guardDepth) is
 * not enough: how deep the stack goes depends on what else the process runs.
 */
export function checkNesting(q: string): void {
  let depth = 0;
  let ops = 0;
  let quote = 0;
  for (let i = 0; i < q.length; i++) {
    const c = q.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92) i++; // backslash escape
      else if (c === quote) quote = 0;
      continue;
    }
    switch (c) {
      case 34: case 39: case 96: quote = c; break; // " ' `
      case 40: case 91: case 123: if (++depth > maxNesting) throw syntaxError(i, "the query is nested too deeply"); break;
      case 41: case 93: case 125: depth--; break;
      case 43: case 45: case 42: case 47: case 37: case 94: case 60: case 62: case 61:
        if (++ops > 20 * maxNesting) throw syntaxError(i, "the query is nested too deeply"); break;
    }
  }
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
