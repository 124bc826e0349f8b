// Public surface of lib/httpserver: the HTTP server mechanism every role uses.
//
// Decisions, following VictoriaMetrics (lib/httpserver at b7ef6cc3ed35):
// - an unhandled path gets 400 "unsupported path requested: \"/x\"" (VM uses
//   Errorf, whose default status is 400), not 404;
// - error bodies carry the message only; the `remoteAddr: ...; requestURI: ...`
//   prefix goes to the log (VM since commit 524f58c78c, July 2025);
// - a thrown non-HttpError is answered 500 (VM would crash on a panic);
// - TLS (-tls, -tlsCertFile, ...) is not implemented: terminate TLS in front.
export { HttpServer, pathPrefixValue } from "./server.ts";
export type { Handler, ServerOptions, StopOptions } from "./server.ts";
export { parseListenAddr } from "./listen_addr.ts";
export type { ListenAddr } from "./listen_addr.ts";
export { Request, parseRequestTarget } from "./request.ts";
export type { RequestTarget, BodyState } from "./request.ts";
export { HttpError, ClientDisconnectedError, isClientDisconnected } from "./http_error.ts";
export { readBody, bodyStream } from "./body.ts";
export type { BodyOptions } from "./body.ts";
export { sendBody, sendText, sendJSON, createResponseWriter } from "./response.ts";
export type { ResponseWriter } from "./response.ts";
export { sendError, errorContext } from "./send_error.ts";
export { checkBasicAuth, checkAuthKey, parseBasicAuth, isProtectedByAuthKey } from "./auth.ts";
export { enableCORS } from "./cors.ts";
export { selectEncoding, compressibleContentType } from "./compression.ts";
export type { ResponseEncoding } from "./compression.ts";
export { Router } from "./router.ts";
export type { RouteHandler, RouteOptions } from "./router.ts";
export { ConcurrencyLimiter } from "./concurrency_limiter.ts";
