// The HTTP server every Tidemark role runs, after VM's lib/httpserver: one
// handler that returns whether it served the path, built-in routes
// (/health, /metrics, ...), Basic Auth, -http.pathPrefix, keep-alive and
// connection-age limits, per-request cancellation, and a graceful stop that
// waits for in-flight requests. TLS (-tls) is not implemented: terminate TLS
// in a proxy in front of Tidemark.
import * as http from "node:http";
import type * as net from "node:net";
import * as flags from "../flagutil/index.ts";
import * as logger from "../logger/index.ts";
import { counter } from "../metrics/index.ts";
import { parseListenAddr } from "./listen_addr.ts";
import { Request, parseRequestTarget } from "./request.ts";
import { ClientDisconnectedError, HttpError } from "./http_error.ts";
import { sendError } from "./send_error.ts";
import { enableCORS } from "./cors.ts";
import { checkBasicAuth, isProtectedByAuthKey } from "./auth.ts";
import { handleBuiltin } from "./builtin_routes.ts";
import type { BuiltinState } from "./builtin_routes.ts";

const pathPrefix = flags.string("http.pathPrefix", "",
  "An optional prefix to add to all the paths handled by http server. For example, if '-http.pathPrefix=/foo/bar' is set, " +
  "then all the http requests will be handled on '/foo/bar/*' paths. This may be useful for proxied requests. " +
  "See https://www.robustperception.io/using-external-urls-and-proxies-with-prometheus");
const disableKeepAlive = flags.bool("http.disableKeepAlive", false,
  "Whether to disable HTTP keep-alive for incoming connections at -httpListenAddr");
const maxGracefulShutdownDuration = flags.duration("http.maxGracefulShutdownDuration", "7s",
  "The maximum duration for a graceful shutdown of the HTTP server. During this period the server stops accepting new connections, " +
  "but it will continue serving existing connections. The remaining in-flight requests are canceled before the deadline, " +
  "so the shutdown can finish within this duration. A highly loaded server may require increased value for a graceful shutdown");
const shutdownDelay = flags.duration("http.shutdownDelay", "0s",
  "Optional delay before http server shutdown. During this delay, the server returns non-OK responses from /health page, " +
  "so load balancers can route new requests to other servers");
const idleConnTimeout = flags.duration("http.idleConnTimeout", "1m", "Timeout for incoming idle http connections");
const connTimeout = flags.duration("http.connTimeout", "2m",
  "Incoming connections to -httpListenAddr are closed after the configured timeout. This may help evenly spreading load " +
  "among a cluster of services behind TCP-level load balancer. Zero value disables closing of incoming connections");

const requestsTotal = counter("vm_http_requests_all_total");
const unsupportedRequestErrors = counter(`vm_http_request_errors_total{path="*", reason="unsupported"}`);
const connTimeoutClosedConns = counter("vm_http_conn_timeout_closed_conns_total");

/**
 * Handler serves a request and returns true, or returns false when it does
 * not serve req.path (the server then answers 400 "unsupported path
 * requested", as VM does). It must have ended the response when its promise
 * resolves. A thrown HttpError is answered with its status and message; any
 * other thrown error with 500 (and is logged as a bug).
 */
export type Handler = (req: Request, res: http.ServerResponse) => Promise<boolean> | boolean;

/** ServerOptions configures HttpServer.start. */
export interface ServerOptions {
  /** listenAddr is `:8428`, `127.0.0.1:8428`, `[::1]:8428` or `host:0` (a free port). */
  listenAddr: string;
  handler: Handler;
  /** name identifies the server in logs (for example "metrics" or "logs"). */
  name?: string;
  /** maxHeaderSize limits the request headers in bytes (node:http default 16 KiB). */
  maxHeaderSize?: number;
  /** keepAliveTimeoutMs overrides -http.idleConnTimeout. */
  keepAliveTimeoutMs?: number;
  /** disableBuiltinRoutes turns off /health, /metrics, ... and Basic Auth (for proxies with their own auth). */
  disableBuiltinRoutes?: boolean;
}

/** StopOptions overrides the shutdown flags (for tests). */
export interface StopOptions {
  /** maxGracefulShutdownMs overrides -http.maxGracefulShutdownDuration. */
  maxGracefulShutdownMs?: number;
  /** shutdownDelayMs overrides -http.shutdownDelay. */
  shutdownDelayMs?: number;
}

/** pathPrefixValue returns -http.pathPrefix normalized to `/prefix/`, or "" when unset (VM's GetPathPrefix). */
export function pathPrefixValue(): string {
  let p = pathPrefix.value;
  if (p === "") return "";
  if (!p.startsWith("/")) p = "/" + p;
  if (!p.endsWith("/")) p += "/";
  return p;
}

interface InFlight {
  ac: AbortController;
  res: http.ServerResponse;
}

/**
 * HttpServer is a running HTTP server. Start it with HttpServer.start and
 * stop it with stop(); `port` is the bound port (useful with port 0).
 */
export class HttpServer {
  /** port is the TCP port the server listens on. */
  readonly port: number;
  /** listenAddr is the address as given to start(). */
  readonly listenAddr: string;
  /** name identifies the server in logs. */
  readonly name: string;
  private readonly server: http.Server;
  private readonly handler: Handler;
  private readonly builtinRoutes: boolean;
  private readonly inflight = new Set<InFlight>();
  private readonly connDeadlines = new WeakMap<net.Socket, number>();
  private readonly state: BuiltinState = { shutdownDeadline: 0 };
  private stopping = false;
  private stopPromise: Promise<void> | undefined;

  private constructor(server: http.Server, opts: ServerOptions, port: number) {
    this.server = server;
    this.handler = opts.handler;
    this.builtinRoutes = opts.disableBuiltinRoutes !== true;
    this.listenAddr = opts.listenAddr;
    this.name = opts.name ?? "http";
    this.port = port;
  }

  /**
   * start listens on opts.listenAddr and serves requests with opts.handler.
   * It resolves once the server accepts connections and rejects when the
   * address is invalid or cannot be bound.
   */
  static async start(opts: ServerOptions): Promise<HttpServer> {
    const { host, port } = parseListenAddr(opts.listenAddr);
    const server = http.createServer({
      maxHeaderSize: opts.maxHeaderSize,
      keepAliveTimeout: opts.keepAliveTimeoutMs ?? idleConnTimeout.value,
      // Handlers control their own time limits (long exports, slow uploads);
      // only the headers must arrive quickly, as VM's ReadHeaderTimeout.
      requestTimeout: 0,
      headersTimeout: 5000,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host, port }, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (e) {
      throw new Error(`cannot start http server at ${opts.listenAddr}: ${(e as Error).message}`, { cause: e });
    }
    const addr = server.address() as net.AddressInfo;
    const s = new HttpServer(server, opts, addr.port);
    server.on("error", (e) => logger.error(`http server ${s.name} at ${s.listenAddr}: ${e.message}`));
    server.on("connection", (sock: net.Socket) => s.onConnection(sock));
    server.on("request", (raw: http.IncomingMessage, res: http.ServerResponse) => s.onRequest(raw, res));
    const shown = addr.family === "IPv6" ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
    logger.info(`started ${s.name} server at http://${shown}/`);
    return s;
  }

  private onConnection(sock: net.Socket): void {
    const t = connTimeout.value;
    if (t <= 0) return;
    // Jitter spreads the closing of connections opened together (thundering herd).
    this.connDeadlines.set(sock, Date.now() + t + Math.floor(Math.random() * (t / 10)));
  }

  private onRequest(raw: http.IncomingMessage, res: http.ServerResponse): void {
    requestsTotal.inc();
    res.on("error", () => {});
    const ac = new AbortController();
    const entry: InFlight = { ac, res };
    this.inflight.add(entry);
    const target = parseRequestTarget(raw.url ?? "/");
    const req = new Request(raw, ac.signal, target);
    res.once("finish", () => {
      // A half-read body cannot be skipped cheaply: close the connection instead of waiting on it.
      if (!raw.complete && req.bodyState !== "unread") raw.socket?.destroySoon();
    });
    res.once("close", () => {
      this.inflight.delete(entry);
      if (!res.writableFinished) ac.abort(new ClientDisconnectedError());
      if (this.stopping) setImmediate(() => this.server.closeIdleConnections());
    });
    if (this.stopping || disableKeepAlive.value) {
      res.setHeader("Connection", "close");
    } else {
      const deadline = raw.socket === null ? undefined : this.connDeadlines.get(raw.socket);
      if (deadline !== undefined && Date.now() > deadline) {
        connTimeoutClosedConns.inc();
        res.setHeader("Connection", "close");
      }
    }
    void this.serve(req, res, target.error);
  }

  private async serve(req: Request, res: http.ServerResponse, uriError: string | undefined): Promise<void> {
    try {
      if (uriError !== undefined) throw new HttpError(400, uriError);
      await this.dispatch(req, res);
      if (!res.writableEnded) {
        if (res.headersSent) {
          logger.error(`BUG: the handler for ${JSON.stringify(req.path)} returned without ending the response`);
          res.end();
        } else {
          throw new Error(`BUG: the handler for ${JSON.stringify(req.path)} returned without a response`);
        }
      }
    } catch (e) {
      sendError(req, res, e);
    }
  }

  private async dispatch(req: Request, res: http.ServerResponse): Promise<void> {
    const prefix = pathPrefixValue();
    if (prefix !== "") {
      if (req.path === prefix.slice(0, -1)) {
        // Redirect to the prefix with "/" so that browsers resolve relative URLs right.
        res.setHeader("Location", prefix);
        res.writeHead(302);
        res.end();
        return;
      }
      if (!req.path.startsWith(prefix)) {
        unsupportedRequestErrors.inc();
        throw new HttpError(400, `missing -http.pathPrefix=${JSON.stringify(pathPrefix.value)} in the requested path ${JSON.stringify(req.path)}`);
      }
      req.path = req.path.slice(prefix.length - 1);
    }
    if (req.method === "OPTIONS") {
      enableCORS(res);
      res.writeHead(204);
      res.end();
      return;
    }
    if (this.builtinRoutes) {
      if (await handleBuiltin(req, res, this.state)) return;
      if (!isProtectedByAuthKey(req.path) && !checkBasicAuth(req, res)) return;
    }
    if (await this.handler(req, res)) return;
    unsupportedRequestErrors.inc();
    throw new HttpError(400, `unsupported path requested: ${JSON.stringify(req.path)}`);
  }

  /**
   * stop shuts the server down: /health turns 503 for -http.shutdownDelay,
   * then no new connections are accepted, idle keep-alive connections are
   * closed, and in-flight requests may finish (their responses carry
   * `Connection: close`). Shortly before -http.maxGracefulShutdownDuration the
   * signals of remaining requests are aborted with HttpError 503; at the
   * deadline all connections are closed and stop rejects. Calling stop again
   * returns the same promise.
   */
  stop(opts?: StopOptions): Promise<void> {
    this.stopPromise ??= this.doStop(opts ?? {});
    return this.stopPromise;
  }

  private async doStop(opts: StopOptions): Promise<void> {
    const delay = opts.shutdownDelayMs ?? shutdownDelay.value;
    const graceful = opts.maxGracefulShutdownMs ?? maxGracefulShutdownDuration.value;
    this.state.shutdownDeadline = Date.now() + delay;
    if (delay > 0) {
      // Let load balancers see the failing /health first: https://github.com/VictoriaMetrics/VictoriaMetrics/issues/463
      logger.info(`waiting for ${(delay / 1000).toFixed(3)}s before shutdown of ${this.name} server at ${this.listenAddr}, so load balancers could re-route requests to other servers`);
      await new Promise((r) => setTimeout(r, delay));
    }
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    // Cancel in-flight requests a bit before the deadline (20% of it, at most
    // 2s), so that they unwind and the stop completes in time; see
    // https://github.com/VictoriaMetrics/VictoriaLogs/issues/1502
    const cancelTimer = setTimeout(() => {
      for (const e of this.inflight) e.ac.abort(new HttpError(503, "the request was cancelled because the server is shutting down"));
    }, graceful - Math.min(graceful / 5, 2000));
    let deadlineTimer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => { deadlineTimer = setTimeout(() => resolve(true), graceful); });
    const late = await Promise.race([closed.then(() => false), timedOut]);
    clearTimeout(cancelTimer);
    clearTimeout(deadlineTimer);
    if (late) {
      this.server.closeAllConnections();
      await closed;
      throw new Error(`cannot gracefully shutdown ${this.name} server at ${this.listenAddr} in ${(graceful / 1000).toFixed(3)}s; ` +
        "probably, `-http.maxGracefulShutdownDuration` command-line flag value must be increased");
    }
  }
}
