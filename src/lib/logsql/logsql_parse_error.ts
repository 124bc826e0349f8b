// LogsQLParseError: the error every LogsQL parse failure throws.

/** LogsQLParseError is thrown for a query that cannot be parsed; `position` is the offset (UTF-16 units) in the query where the problem is. */
export class LogsQLParseError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message}; at position ${position}`);
    this.name = "LogsQLParseError";
    this.position = position;
  }
}
