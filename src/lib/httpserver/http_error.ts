// The two error kinds a request handler deals with: HttpError carries the
// status to answer with (VM's httpserver.ErrorWithStatusCode), and
// ClientDisconnectedError says the client went away mid-request.

/**
 * HttpError is a request failure with the HTTP status to answer. Thrown from a
 * handler, it becomes a response with that status and the message as
 * text/plain. Use 400 for bad input ("cannot parse ...: got X; want Y"),
 * 413 for oversized bodies, 503 when the server is overloaded.
 */
export class HttpError extends Error {
  override name = "HttpError";
  readonly status: number;

  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`BUG: HttpError status must be 4xx or 5xx; got ${status}`);
    this.status = status;
  }
}

/**
 * ClientDisconnectedError is thrown by response writers and body readers when
 * the client closed the connection before the request was served. Its name
 * is "ClientDisconnected"; handlers that stream long responses stop on it.
 */
export class ClientDisconnectedError extends Error {
  override name = "ClientDisconnected";

  constructor(message = "the client closed the connection") {
    super(message);
  }
}

/** isClientDisconnected tells whether e is (or was caused by) a client disconnect. */
export function isClientDisconnected(e: unknown): boolean {
  return e instanceof Error && e.name === "ClientDisconnected";
}
