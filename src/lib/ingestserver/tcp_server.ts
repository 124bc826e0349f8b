// A TCP listener for line protocols (Graphite, InfluxDB, OpenTSDB telnet),
// after VictoriaMetrics' lib/ingestserver: each connection is a stream of
// lines handed to onLines as they complete. Lines are processed
// synchronously as chunks arrive, so nothing queues up in memory; the only
// buffered data is each connection's unfinished last line, bounded per
// connection (maxLineLen) and across connections (maxPendingBytes).
import * as net from "node:net";
import { parseListenAddr } from "../httpserver/index.ts";
import * as logger from "../logger/index.ts";
import { type Counter, counter, gauge, unregister } from "../metrics/index.ts";
import type { ConnHttpServer } from "./conn_http_server.ts";
import { LineSplitter, TooLongLineError } from "./line_splitter.ts";

/** Conn describes a client connection (or a UDP sender) to onLines. */
export interface Conn {
  /** remoteAddr is the client's `ip:port`. */
  readonly remoteAddr: string;
  /** net is "tcp" or "udp". */
  readonly net: "tcp" | "udp";
  /** lineNumber is the number of the first line of the data passed now (1-based, per connection). */
  lineNumber: number;
}

/**
 * LinesHandler processes a run of whole lines separated by '\n' (without the
 * final '\n'). data is valid only during the call. It should count and log
 * bad lines itself; a thrown error closes the connection.
 */
export type LinesHandler = (data: Buffer, conn: Conn) => void;

/** TcpServerOptions configures a line-protocol TCP listener. */
export interface TcpServerOptions {
  /** name is the protocol ("graphite", "influx", "opentsdb"), used in logs and metric labels. */
  name: string;
  /** listenAddr is `:2003`, `127.0.0.1:2003`, `[::1]:2003` or `host:0` for a free port. */
  listenAddr: string;
  /** maxLineLen is the longest line accepted, in bytes; a longer one closes the connection. */
  maxLineLen: number;
  onLines: LinesHandler;
  /**
   * http, when set, serves connections whose first byte is not `linesFirstByte`
   * as HTTP (OpenTSDB's port carries telnet `put` lines and HTTP /api/put).
   */
  http?: { server: ConnHttpServer; linesFirstByte: number };
  /** maxConnections limits the open connections (default 10000); more are refused. */
  maxConnections?: number;
  /**
   * maxPendingBytes limits the unfinished lines held across all connections
   * (default 64 MiB); a connection that would go over it is closed.
   */
  maxPendingBytes?: number;
  /** keepAliveMs enables TCP keep-alive probes after that much idle time (default 60s), to find dead peers. */
  keepAliveMs?: number;
}

/** displayName is the protocol name as logs spell it ("Graphite", "InfluxDB", "OpenTSDB"). */
export function displayName(name: string): string {
  switch (name) {
    case "graphite": return "Graphite";
    case "influx": return "InfluxDB";
    case "opentsdb": return "OpenTSDB";
  }
  return name;
}

function addrText(a: net.AddressInfo | string | null): string {
  if (a === null || typeof a === "string") return String(a);
  return a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

function remoteText(sock: net.Socket): string {
  const ip = sock.remoteAddress ?? "";
  return ip.includes(":") ? `[${ip}]:${sock.remotePort}` : `${ip}:${sock.remotePort}`;
}

/** TcpServer is a running line-protocol TCP listener. */
export class TcpServer {
  /** port is the bound TCP port. */
  readonly port: number;
  /** address is the bound address as `ip:port`. */
  readonly address: string;
  private readonly server: net.Server;
  private readonly opts: TcpServerOptions;
  private readonly conns = new Set<net.Socket>();
  private pendingBytes = 0;
  private stopPromise: Promise<void> | undefined;
  private readonly metricNames: string[];
  private readonly requests: Counter;
  private readonly requestErrors: Counter;
  private readonly accepts: Counter;

  private constructor(server: net.Server, opts: TcpServerOptions) {
    this.server = server;
    this.opts = opts;
    const a = server.address() as net.AddressInfo;
    this.port = a.port;
    this.address = addrText(a);
    this.requests = counter(`vm_ingestserver_requests_total{type="${opts.name}", name="write", net="tcp"}`);
    this.requestErrors = counter(`vm_ingestserver_request_errors_total{type="${opts.name}", name="write", net="tcp"}`);
    const lbl = `name=${JSON.stringify(opts.name)}, addr=${JSON.stringify(opts.listenAddr)}`;
    this.accepts = counter(`vm_tcplistener_accepts_total{${lbl}}`);
    const connsName = `vm_tcplistener_conns{${lbl}}`;
    gauge(connsName, () => this.conns.size);
    this.metricNames = [connsName];
  }

  /**
   * start listens on opts.listenAddr and serves connections until stop().
   * It rejects when the address is invalid or cannot be bound.
   */
  static async start(opts: TcpServerOptions): Promise<TcpServer> {
    const { host, port } = parseListenAddr(opts.listenAddr);
    const server = net.createServer({ pauseOnConnect: false });
    server.maxConnections = opts.maxConnections ?? 10_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host, port }, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (e) {
      throw new Error(`cannot start TCP ${displayName(opts.name)} server at ${JSON.stringify(opts.listenAddr)}: ${(e as Error).message}`, { cause: e });
    }
    const s = new TcpServer(server, opts);
    server.on("error", (e) => logger.error(`TCP ${displayName(opts.name)} server at ${s.address}: ${e.message}`));
    server.on("connection", (sock) => s.onConnection(sock));
    server.on("drop", (d) => {
      logger.warnRateLimited(`${opts.name}:drop`, `TCP ${displayName(opts.name)} server at ${s.address}: refused a connection from ${d?.remoteAddress}: ` +
        `already ${server.maxConnections} connections open`);
    });
    logger.info(`started TCP ${displayName(opts.name)} server at ${JSON.stringify(s.address)}`);
    return s;
  }

  private onConnection(sock: net.Socket): void {
    this.accepts.inc();
    if (this.stopPromise !== undefined) {
      sock.destroy();
      return;
    }
    sock.setKeepAlive(true, this.opts.keepAliveMs ?? 60_000);
    const http = this.opts.http;
    if (http === undefined) {
      this.serveLines(sock, undefined);
      return;
    }
    // Tell telnet from HTTP by the first byte, waiting at most 5s for it (as VM).
    const timer = setTimeout(() => {
      logger.warnRateLimited(`${this.opts.name}:firstbyte`, `${displayName(this.opts.name)}: no data from ${remoteText(sock)} in 5s; closing the connection`);
      sock.destroy();
    }, 5000);
    this.conns.add(sock);
    sock.on("error", () => {});
    sock.once("close", () => {
      clearTimeout(timer);
      this.conns.delete(sock);
    });
    sock.once("data", (first: Buffer) => {
      clearTimeout(timer);
      this.conns.delete(sock);
      if (first[0] === http.linesFirstByte) {
        this.serveLines(sock, first);
        return;
      }
      sock.pause();
      sock.unshift(first);
      http.server.handleConnection(sock);
      process.nextTick(() => sock.resume());
    });
  }

  private serveLines(sock: net.Socket, first: Buffer | undefined): void {
    const opts = this.opts;
    const remoteAddr = remoteText(sock);
    this.conns.add(sock);
    this.requests.inc();
    const splitter = new LineSplitter(opts.maxLineLen);
    const conn: Conn = { remoteAddr, net: "tcp", lineNumber: 1 };
    let held = 0; // this connection's share of pendingBytes
    let failed = false;
    const fail = (msg: string) => {
      if (failed) return;
      failed = true;
      this.requestErrors.inc();
      logger.error(`error in TCP ${displayName(opts.name)} conn ${JSON.stringify(this.address)}<->${JSON.stringify(remoteAddr)}: ${msg}`);
      sock.destroy();
    };
    const account = () => {
      const p = splitter.pending;
      this.pendingBytes += p - held;
      held = p;
    };
    const handle = (data: Buffer) => {
      opts.onLines(data, conn);
      let lines = 1;
      for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) lines++;
      conn.lineNumber += lines;
    };
    const onData = (chunk: Buffer) => {
      if (failed) return;
      try {
        const data = splitter.push(chunk);
        account();
        if (data !== undefined) handle(data);
        const max = opts.maxPendingBytes ?? 64 << 20;
        if (this.pendingBytes > max && held > 0) {
          fail(`the unfinished lines of all connections exceed ${max} bytes; closing this connection, which holds ${held} bytes of an unfinished line`);
        }
      } catch (e) {
        // Lines completed before a too long one are still processed.
        if (e instanceof TooLongLineError && e.lines !== undefined) {
          try { handle(e.lines); } catch { /* reported below */ }
        }
        fail((e as Error).message);
      }
    };
    sock.on("data", onData);
    let ended = false;
    const onEnd = () => {
      if (failed || ended) return;
      ended = true;
      try {
        const rest = splitter.end();
        account();
        if (rest !== undefined) handle(rest);
      } catch (e) {
        fail((e as Error).message);
      }
    };
    sock.on("end", () => {
      onEnd();
      sock.end();
    });
    sock.on("error", (e) => {
      // A reset by the peer ends the stream like EOF does in VM (isEOFLikeError).
      if ((e as NodeJS.ErrnoException).code === "ECONNRESET") onEnd();
      else fail(e.message);
    });
    sock.once("close", () => {
      this.conns.delete(sock);
      this.pendingBytes -= held;
      held = 0;
    });
    if (first !== undefined) onData(first);
  }

  /**
   * stop stops accepting connections and closes the open ones. Lines already
   * received were processed as they arrived; an unfinished last line is
   * dropped. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStop(): Promise<void> {
    // The HTTP side goes first: it lets requests in flight finish (VM stops it first too).
    if (this.opts.http !== undefined) await this.opts.http.server.stop();
    logger.info(`stopping TCP ${displayName(this.opts.name)} server at ${JSON.stringify(this.address)}...`);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.conns) c.destroy();
    await closed;
    for (const n of this.metricNames) unregister(n);
    logger.info(`stopped TCP ${displayName(this.opts.name)} server at ${JSON.stringify(this.address)}`);
  }
}
