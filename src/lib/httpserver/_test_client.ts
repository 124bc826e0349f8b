// Test helpers for this folder (not part of the public surface): start a
// server on a free loopback port and issue raw requests with node:http, so
// that tests see exactly the bytes and headers the server sent.
import * as http from "node:http";
import * as logger from "../logger/index.ts";
import { HttpServer } from "./server.ts";
import type { Handler, ServerOptions } from "./server.ts";

// Tests provoke errors on purpose; keep their output readable.
logger.setLevel("FATAL");

/** Reply is a complete response as received. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** withServer runs fn against a server on 127.0.0.1:0 and stops the server afterwards. */
export async function withServer(handler: Handler, fn: (port: number, s: HttpServer) => Promise<void>, opts?: Partial<ServerOptions>): Promise<void> {
  const s = await HttpServer.start({ listenAddr: "127.0.0.1:0", handler, ...opts });
  try {
    await fn(s.port, s);
  } finally {
    await s.stop({ maxGracefulShutdownMs: 1000, shutdownDelayMs: 0 }).catch(() => {});
  }
}

/** RequestOptions describes a test request. */
export interface RequestOptions {
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer | string;
  agent?: http.Agent | false;
}

/** request sends one request on a fresh connection (unless an agent is given) and reads the whole response. */
export function request(port: number, path: string, opts: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { ...opts.headers };
    // Node sends a GET body without framing unless told its length.
    if (opts.body !== undefined && headers["content-length"] === undefined && headers["transfer-encoding"] === undefined) {
      headers["content-length"] = Buffer.byteLength(opts.body);
    }
    const r = http.request({ host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    r.on("error", reject);
    r.end(opts.body);
  });
}

/** sleep resolves after ms milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
