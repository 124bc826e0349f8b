// The one error type the log parsers throw for bad input.

/**
 * LogParseError is malformed log input (a line, a request body, a syslog
 * message). Its message reads like VictoriaLogs' ("cannot parse ...: got X;
 * want Y"). Handlers answer it with HTTP 400 (a whole request) or skip and
 * count the line (one line of many). Every other error a parser throws is a bug.
 */
export class LogParseError extends Error {
  override name = "LogParseError";
}
