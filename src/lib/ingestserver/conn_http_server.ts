// A small HTTP server for ingestion listeners: it serves connections handed
// to it (OpenTSDB's port carries telnet and HTTP, told apart by the first
// byte) or accepted on its own port, with Basic Auth (-httpAuth.*) and
// VictoriaMetrics' error answers, and nothing else: no /metrics, no
// -http.pathPrefix, as VictoriaMetrics' lib/ingestserver/opentsdbhttp.
import * as http from "node:http";
import type * as net from "node:net";
import { ClientDisconnectedError, Request, checkBasicAuth, parseListenAddr, sendError } from "../httpserver/index.ts";
import * as logger from "../logger/index.ts";

/** ConnHttpHandler serves one request; the response must be ended when its promise resolves. */
export type ConnHttpHandler = (req: Request, res: http.ServerResponse) => Promise<void> | void;

interface InFlight {
  ac: AbortController;
  res: http.ServerResponse;
}

/**
 * ConnHttpServer serves HTTP requests with one handler on connections given
 * to handleConnection or accepted after listen. stop() lets in-flight
 * requests finish (up to a grace period) and closes every connection.
 */
export class ConnHttpServer {
  /** name identifies the server in logs. */
  readonly name: string;
  private readonly server: http.Server;
  private readonly handler: ConnHttpHandler;
  private readonly inflight = new Set<InFlight>();
  private readonly sockets = new Set<net.Socket>();
  private listening = false;
  private stopping = false;
  private stopPromise: Promise<void> | undefined;

  constructor(name: string, handler: ConnHttpHandler) {
    this.name = name;
    this.handler = handler;
    this.server = http.createServer({
      // Only the headers must arrive quickly (VM's ReadHeaderTimeout: 5s); bodies may be slow.
      requestTimeout: 0,
      headersTimeout: 5000,
      keepAliveTimeout: 60_000,
    });
    // node:http tracks only connections it accepted itself: track them all here.
    this.server.on("connection", (sock: net.Socket) => {
      this.sockets.add(sock);
      sock.once("close", () => this.sockets.delete(sock));
    });
    this.server.on("request", (raw: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(raw, res));
    this.server.on("clientError", (err: Error, sock: net.Socket) => {
      if (sock.writable) sock.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      else sock.destroy();
      logger.warnRateLimited(`${this.name}:clientError`, `${this.name}: cannot parse HTTP request from ${sock.remoteAddress}: ${err.message}`);
    });
  }

  /** handleConnection serves HTTP on sock, which may already have unshifted bytes to read. */
  handleConnection(sock: net.Socket): void {
    if (this.stopping) {
      sock.destroy();
      return;
    }
    this.server.emit("connection", sock);
  }

  /** listen binds listenAddr (`:4242`, `127.0.0.1:0`, ...) and resolves with the bound port. */
  async listen(listenAddr: string): Promise<number> {
    const { host, port } = parseListenAddr(listenAddr);
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen({ host, port }, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.listening = true;
    this.server.on("error", (e) => logger.error(`${this.name} at ${listenAddr}: ${e.message}`));
    return (this.server.address() as net.AddressInfo).port;
  }

  private onRequest(raw: http.IncomingMessage, res: http.ServerResponse): void {
    res.on("error", () => {});
    const ac = new AbortController();
    const entry: InFlight = { ac, res };
    this.inflight.add(entry);
    const req = new Request(raw, ac.signal);
    res.once("finish", () => {
      // A half-read body cannot be skipped cheaply: close the connection instead.
      if (!raw.complete && req.bodyState !== "unread") raw.socket?.destroySoon();
    });
    res.once("close", () => {
      this.inflight.delete(entry);
      if (!res.writableFinished) ac.abort(new ClientDisconnectedError());
    });
    if (this.stopping) res.setHeader("Connection", "close");
    void this.serve(req, res);
  }

  private async serve(req: Request, res: http.ServerResponse): Promise<void> {
    try {
      if (!checkBasicAuth(req, res)) return;
      await this.handler(req, res);
      if (!res.writableEnded) {
        logger.error(`BUG: ${this.name}: the handler for ${JSON.stringify(req.path)} returned without ending the response`);
        res.end();
      }
    } catch (e) {
      sendError(req, res, e);
    }
  }

  /**
   * stop stops accepting connections, closes idle ones, waits up to graceMs
   * for in-flight requests, then closes every connection. Calling it again
   * returns the same promise.
   */
  stop(graceMs = 5000): Promise<void> {
    this.stopPromise ??= this.doStop(graceMs);
    return this.stopPromise;
  }

  private async doStop(graceMs: number): Promise<void> {
    this.stopping = true;
    const closed = this.listening ? new Promise<void>((resolve) => this.server.close(() => resolve())) : Promise.resolve();
    const deadline = Date.now() + graceMs;
    while (this.inflight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.inflight.size > 0) {
      logger.warn(`${this.name}: closing ${this.inflight.size} requests still in flight after ${graceMs}ms`);
    }
    // Idle keep-alive connections and those of unfinished requests alike.
    for (const sock of this.sockets) sock.destroy();
    await closed;
  }
}
