// A UDP listener for line protocols, after VictoriaMetrics' lib/ingestserver:
// every datagram is a complete batch of lines (the last one needs no '\n'),
// processed synchronously when it arrives, so memory is bounded by one
// datagram (at most 64 KiB).
import * as dgram from "node:dgram";
import { parseListenAddr } from "../httpserver/index.ts";
import * as logger from "../logger/index.ts";
import { counter } from "../metrics/index.ts";
import { type Conn, type LinesHandler, displayName } from "./tcp_server.ts";

/** UdpServerOptions configures a line-protocol UDP listener. */
export interface UdpServerOptions {
  /** name is the protocol ("graphite", "influx", "opentsdb"), used in logs and metric labels. */
  name: string;
  /** listenAddr is `:2003`, `127.0.0.1:2003`, `[::1]:2003` or `host:0` for a free port. */
  listenAddr: string;
  /** onLines gets each datagram's data; a thrown error is logged and counted. */
  onLines: LinesHandler;
}

/** UdpServer is a running line-protocol UDP listener. */
export class UdpServer {
  /** port is the bound UDP port. */
  readonly port: number;
  /** address is the bound address as `ip:port`. */
  readonly address: string;
  private readonly sock: dgram.Socket;
  private readonly name: string;
  private stopPromise: Promise<void> | undefined;

  private constructor(sock: dgram.Socket, name: string) {
    this.sock = sock;
    this.name = name;
    const a = sock.address();
    this.port = a.port;
    this.address = a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  }

  /**
   * start binds opts.listenAddr and serves datagrams until stop(). An empty
   * host binds every IPv4 address (VictoriaMetrics listens on udp4 unless
   * told otherwise); a bracketed IPv6 host binds that address. It rejects
   * when the address is invalid or cannot be bound.
   */
  static async start(opts: UdpServerOptions): Promise<UdpServer> {
    const { host, port } = parseListenAddr(opts.listenAddr);
    const sock = dgram.createSocket({ type: host !== undefined && host.includes(":") ? "udp6" : "udp4" });
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once("error", reject);
        sock.bind({ port, address: host }, () => {
          sock.off("error", reject);
          resolve();
        });
      });
    } catch (e) {
      sock.close();
      throw new Error(`cannot start UDP ${displayName(opts.name)} server at ${JSON.stringify(opts.listenAddr)}: ${(e as Error).message}`, { cause: e });
    }
    const s = new UdpServer(sock, opts.name);
    const requests = counter(`vm_ingestserver_requests_total{type="${opts.name}", name="write", net="udp"}`);
    const errors = counter(`vm_ingestserver_request_errors_total{type="${opts.name}", name="write", net="udp"}`);
    sock.on("error", (e) => {
      errors.inc();
      logger.error(`cannot read ${displayName(opts.name)} UDP data at ${s.address}: ${e.message}`);
    });
    sock.on("message", (msg: Buffer, rinfo: dgram.RemoteInfo) => {
      requests.inc();
      const remoteAddr = rinfo.family === "IPv6" ? `[${rinfo.address}]:${rinfo.port}` : `${rinfo.address}:${rinfo.port}`;
      const conn: Conn = { remoteAddr, net: "udp", lineNumber: 1 };
      try {
        opts.onLines(msg, conn);
      } catch (e) {
        errors.inc();
        logger.warnRateLimited(`${opts.name}:udp`, `error in UDP ${displayName(opts.name)} conn ${JSON.stringify(s.address)}<->${JSON.stringify(remoteAddr)}: ${(e as Error).message}`);
      }
    });
    logger.info(`started UDP ${displayName(opts.name)} server at ${JSON.stringify(s.address)}`);
    return s;
  }

  /** stop closes the socket; datagrams already received were processed. Calling it again returns the same promise. */
  stop(): Promise<void> {
    this.stopPromise ??= new Promise<void>((resolve) => {
      this.sock.close(() => {
        logger.info(`stopped UDP ${displayName(this.name)} server at ${JSON.stringify(this.address)}`);
        resolve();
      });
    });
    return this.stopPromise;
  }
}
