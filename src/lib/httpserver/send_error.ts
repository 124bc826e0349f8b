// Answering a failed request the way VM's httpserver.Errorf does: the status
// from HttpError (500 for anything else), the message as text/plain, and a
// log line naming the client and the request URI. When the headers are
// already out, the message is appended and the connection is broken, so the
// client notices the truncated response.
import type * as http from "node:http";
import * as logger from "../logger/index.ts";
import type { Request } from "./request.ts";
import { HttpError, isClientDisconnected } from "./http_error.ts";
import { sendText } from "./response.ts";

function escapeHTML(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&#34;" : "&#39;"));
}

/**
 * errorContext returns the prefix VM puts on logged request errors:
 * `remoteAddr: "127.0.0.1:34567"; requestURI: /api/v1/import`.
 */
export function errorContext(req: Request): string {
  return `remoteAddr: ${req.quotedRemoteAddr()}; requestURI: ${req.requestURI()}`;
}

/**
 * sendError answers req with err and logs it. HttpError gives its status and
 * message and is logged as a rate-limited warning (error for 5xx); any other
 * error is answered 500 with its message and logged with its stack, as it
 * means a bug. A ClientDisconnectedError is not answered (the client is gone)
 * and not logged. If the response headers were already sent, the message is
 * appended to the body (unless it is compressed) and the connection is
 * aborted. If the request body was left half-read, the response carries
 * `Connection: close`. Never throws.
 */
export function sendError(req: Request, res: http.ServerResponse, err: unknown): void {
  if (isClientDisconnected(err)) {
    if (!res.writableFinished) res.destroy();
    return;
  }
  const status = err instanceof HttpError ? err.status : 500;
  const msg = err instanceof Error ? err.message : String(err);
  const line = `${errorContext(req)}; ${msg}`;
  if (status >= 500) {
    const stack = !(err instanceof HttpError) && err instanceof Error && err.stack !== undefined ? `\n${err.stack}` : "";
    logger.error(line + stack);
  } else {
    logger.warnRateLimited(`httpserver:${status}:${req.path}`, line);
  }
  try {
    if (res.headersSent) {
      abortResponse(res, msg);
      return;
    }
    if (req.bodyState === "abandoned" || req.bodyState === "reading") res.setHeader("Connection", "close");
    res.removeHeader("Content-Encoding");
    res.removeHeader("Content-Length");
    res.setHeader("X-Content-Type-Options", "nosniff");
    sendText(res, status, msg + "\n");
  } catch (e) {
    logger.error(`${errorContext(req)}; cannot send the error response: ${(e as Error).message}`);
    res.destroy();
  }
}

// abortResponse appends msg to a response whose headers are out and then
// breaks the connection without finishing the chunked body, so the client
// sees an error instead of a silently truncated result.
function abortResponse(res: http.ServerResponse, msg: string): void {
  const sock = res.socket;
  if (res.writableEnded || sock === null || sock.destroyed) {
    res.destroy();
    return;
  }
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    sock.end("\nthe connection has been aborted; see the last line in the response and/or in the server log for the reason\n", () => sock.destroy());
  };
  // node:http may still hold the last chunks (it coalesces the headers with
  // the first chunk until the next tick): end the socket only after they are out.
  const timer = setTimeout(finish, 1000);
  if (res.hasHeader("content-encoding")) setImmediate(finish);
  else res.write(`\n${escapeHTML(msg)}\n`, finish);
}
