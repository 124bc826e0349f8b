// Writing responses: whole small bodies (sendText, sendJSON) and streamed
// large ones (createResponseWriter), compressed like VM's gzhttp wrapper and
// with back-pressure, so that a slow client never makes the server buffer a
// whole export in memory.
import type * as http from "node:http";
import type { Writable } from "node:stream";
import type { Request } from "./request.ts";
import { ClientDisconnectedError } from "./http_error.ts";
import { compressSync, compressibleContentType, compressionEnabled, minCompressSize, newCompressor, selectEncoding } from "./compression.ts";
import type { ResponseEncoding } from "./compression.ts";

function addVary(res: http.ServerResponse): void {
  const v = res.getHeader("vary");
  if (v === undefined) { res.setHeader("Vary", "Accept-Encoding"); return; }
  const s = Array.isArray(v) ? v.join(", ") : String(v);
  if (!/(^|,)\s*accept-encoding\s*(,|$)/i.test(s)) res.setHeader("Vary", `${s}, Accept-Encoding`);
}

// closeIfBodyUnfinished asks for `Connection: close` when the handler stopped
// reading the request body midway: the rest cannot be skipped cheaply.
function closeIfBodyUnfinished(res: http.ServerResponse): void {
  const req = res.req;
  if (!req.complete && req.readableDidRead) res.setHeader("Connection", "close");
}

function encodingFor(res: http.ServerResponse, contentType: string, size: number): ResponseEncoding | undefined {
  if (!compressionEnabled()) return undefined;
  addVary(res);
  if (size < minCompressSize || !compressibleContentType(contentType) || res.hasHeader("content-encoding")) return undefined;
  const req = res.req;
  const ae = req.headers["accept-encoding"];
  return selectEncoding(req.method ?? "GET", Array.isArray(ae) ? ae.join(",") : (ae ?? ""));
}

/**
 * sendBody writes a complete response with the given status, Content-Type and
 * body, compressed when the client accepts gzip/zstd and the body is at least
 * 1 KB. The response is ended when sendBody returns. For bodies larger than
 * a few hundred KB prefer createResponseWriter, which compresses off the
 * caller's stack and honours back-pressure.
 */
export function sendBody(res: http.ServerResponse, status: number, contentType: string, body: Buffer | string): void {
  if (res.headersSent) throw new Error("BUG: cannot send a response: the headers were already sent");
  let b = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const enc = encodingFor(res, contentType, b.length);
  if (enc !== undefined) {
    b = compressSync(enc, b);
    res.setHeader("Content-Encoding", enc);
  }
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", b.length);
  closeIfBodyUnfinished(res);
  res.writeHead(status);
  res.end(b);
}

/** sendText sends text as `text/plain; charset=utf-8` with the given status. */
export function sendText(res: http.ServerResponse, status: number, text: string): void {
  sendBody(res, status, "text/plain; charset=utf-8", text);
}

/** sendJSON sends obj as `application/json`; a string is sent as is (it must already be JSON). */
export function sendJSON(res: http.ServerResponse, status: number, obj: unknown): void {
  sendBody(res, status, "application/json", typeof obj === "string" ? obj : JSON.stringify(obj));
}

/**
 * ResponseWriter streams a large response. Writes are buffered up to 64 KB;
 * write() resolves once the chunk is buffered or handed on and the
 * connection can take more (back-pressure). It rejects with
 * ClientDisconnectedError (name "ClientDisconnected") when the client has gone
 * away, or with req.signal's reason when the request was cancelled. flush()
 * sends what is buffered now (for slow, live streams). end() finishes the
 * response and resolves when it has been handed to the OS.
 */
export interface ResponseWriter {
  write(chunk: string | Uint8Array): Promise<void>;
  flush(): Promise<void>;
  end(chunk?: string | Uint8Array): Promise<void>;
  /** encoding is the chosen Content-Encoding once the headers are sent, else undefined. */
  readonly encoding: ResponseEncoding | undefined;
}

/** writeBufferSize is how much a ResponseWriter collects before passing data on. */
const writeBufferSize = 64 * 1024;

/**
 * createResponseWriter starts a streamed response with the given Content-Type
 * (status 200 unless given). Headers are sent with the first flush (64 KB of
 * body, flush() or end()); a body that ends below 1 KB is sent with
 * Content-Length and uncompressed, otherwise the body is compressed with gzip
 * (or zstd) when the client accepts it and -http.disableResponseCompression is
 * not set, as VM does.
 */
export function createResponseWriter(req: Request, res: http.ServerResponse, contentType: string, opts?: { status?: number }): ResponseWriter {
  return new StreamWriter(req, res, contentType, opts?.status ?? 200);
}

class StreamWriter implements ResponseWriter {
  encoding: ResponseEncoding | undefined = undefined;
  private readonly req: Request;
  private readonly res: http.ServerResponse;
  private readonly contentType: string;
  private readonly status: number;
  private buf: Buffer[] = [];
  private bufLen = 0;
  private strs: string[] = [];
  private strsLen = 0;
  private target: Writable | undefined;
  private ended = false;
  private gone = false;
  private readonly waiters = new Set<() => void>();

  constructor(req: Request, res: http.ServerResponse, contentType: string, status: number) {
    this.req = req;
    this.res = res;
    this.contentType = contentType;
    this.status = status;
    res.on("error", () => {});
    res.once("close", () => {
      if (!res.writableFinished) this.gone = true;
      this.wake();
    });
    req.signal.addEventListener("abort", () => this.wake(), { once: true });
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  private check(): void {
    if (this.gone || this.res.destroyed) throw new ClientDisconnectedError();
    if (this.req.signal.aborted) {
      const r: unknown = this.req.signal.reason;
      throw r instanceof Error ? r : new ClientDisconnectedError();
    }
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.ended) throw new Error("BUG: ResponseWriter.write called after end");
    this.check();
    if (typeof chunk === "string") {
      // Strings are joined and encoded once per buffer: encoding each small
      // line separately costs more than producing it.
      this.strs.push(chunk);
      this.strsLen += chunk.length;
    } else {
      if (chunk.byteLength === 0) return;
      this.encodeStrs();
      this.buf.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.bufLen += chunk.byteLength;
    }
    if (this.bufLen + this.strsLen >= writeBufferSize) await this.put();
  }

  private encodeStrs(): void {
    if (this.strs.length === 0) return;
    const b = Buffer.from(this.strs.length === 1 ? this.strs[0]! : this.strs.join(""), "utf8");
    this.strs = [];
    this.strsLen = 0;
    if (b.length === 0) return;
    this.buf.push(b);
    this.bufLen += b.length;
  }

  async flush(): Promise<void> {
    if (this.ended) return;
    this.check();
    await this.put();
    const z = this.target;
    if (z !== undefined && z !== this.res) {
      await new Promise<void>((resolve) => {
        const done = () => { this.waiters.delete(done); resolve(); };
        this.waiters.add(done);
        (z as zlibLike).flush(done);
      });
      this.check();
    }
  }

  async end(chunk?: string | Uint8Array): Promise<void> {
    if (chunk !== undefined) await this.write(chunk);
    if (this.ended) return;
    this.ended = true;
    this.check();
    this.encodeStrs();
    if (this.target === undefined) {
      this.start(true);
      if (this.bufLen > 0) this.target!.write(this.take());
    } else if (this.bufLen > 0) {
      this.target.write(this.take());
    }
    const res = this.res;
    const done = new Promise<void>((resolve, reject) => {
      const onFinish = () => { res.off("close", onClose); resolve(); };
      const onClose = () => { res.off("finish", onFinish); if (res.writableFinished) resolve(); else reject(new ClientDisconnectedError()); };
      res.once("finish", onFinish);
      res.once("close", onClose);
    });
    this.target!.end();
    return done;
  }

  private take(): Buffer {
    const b = this.buf.length === 1 ? this.buf[0]! : Buffer.concat(this.buf, this.bufLen);
    this.buf = [];
    this.bufLen = 0;
    return b;
  }

  // start sends the headers and picks the target: the response itself or a
  // compressor piped into it. final means the whole body is in buf.
  private start(final: boolean): void {
    const res = this.res;
    const enc = encodingFor(res, this.contentType, final ? this.bufLen : minCompressSize);
    res.setHeader("Content-Type", this.contentType);
    if (enc !== undefined) {
      res.setHeader("Content-Encoding", enc);
      const z = newCompressor(enc);
      z.on("error", () => { this.gone = true; res.destroy(); this.wake(); });
      res.once("close", () => z.destroy());
      z.pipe(res);
      this.target = z;
      this.encoding = enc;
    } else {
      if (final) res.setHeader("Content-Length", this.bufLen);
      this.target = res;
    }
    closeIfBodyUnfinished(res);
    res.writeHead(this.status);
  }

  // put passes the buffered data on and waits while the target is full.
  private async put(): Promise<void> {
    this.encodeStrs();
    if (this.target === undefined) this.start(false);
    const t = this.target!;
    if (this.bufLen > 0 && t.write(this.take())) return;
    while (t.writableNeedDrain) {
      this.check();
      await new Promise<void>((resolve) => {
        const done = () => { t.off("drain", done); this.waiters.delete(done); resolve(); };
        t.once("drain", done);
        this.waiters.add(done);
      });
    }
    this.check();
  }
}

type zlibLike = Writable & { flush(cb: () => void): void };
