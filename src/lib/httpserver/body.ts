// Reading request bodies with size limits and Content-Encoding support
// (gzip, deflate, zstd), as VM's protoparserutil.ReadUncompressedData does.
// Snappy is not here: its block format belongs to the remote-write protocol.
import * as zlib from "node:zlib";
import { Readable, pipeline } from "node:stream";
import type { Request } from "./request.ts";
import { ClientDisconnectedError, HttpError } from "./http_error.ts";

/** BodyOptions limits and decodes a request body. */
export interface BodyOptions {
  /** maxSize is the maximum body size in bytes, both as received and after decompression. */
  maxSize: number;
  /** decompress applies the Content-Encoding (gzip, deflate, zstd); default true. */
  decompress?: boolean;
  /** limitName is the flag that sets maxSize (e.g. "maxInsertRequestSize"), named in errors. */
  limitName?: string;
}

function limitText(o: BodyOptions): string {
  return o.limitName === undefined ? `${o.maxSize} bytes` : `-${o.limitName}=${o.maxSize} bytes`;
}

type Decoder = "gzip" | "deflate" | "zstd" | undefined;

// contentDecoder maps a Content-Encoding header to a decoder. "identity" and
// "none" mean no encoding (Datadog agents send "identity"; see
// https://github.com/VictoriaMetrics/VictoriaMetrics/issues/8649 ).
function contentDecoder(enc: string): Decoder {
  switch (enc.trim().toLowerCase()) {
    case "": case "identity": case "none": return undefined;
    case "gzip": case "x-gzip": return "gzip";
    case "deflate": return "deflate";
    case "zstd": return "zstd";
  }
  throw new HttpError(400, `cannot decompress request body: unsupported Content-Encoding ${JSON.stringify(enc)}; want gzip, deflate, zstd or identity`);
}

function newDecompressor(d: "gzip" | "deflate" | "zstd"): zlib.Gunzip | zlib.Inflate | zlib.ZstdDecompress {
  const chunkSize = 64 * 1024;
  switch (d) {
    case "gzip": return zlib.createGunzip({ chunkSize });
    // HTTP "deflate" is the zlib format (RFC 9110, 8.4.1.2), as Go's zlib reader expects.
    case "deflate": return zlib.createInflate({ chunkSize });
    case "zstd": return zlib.createZstdDecompress({ chunkSize });
  }
}

/**
 * bodyStream yields the request body in chunks, decompressed according to
 * Content-Encoding unless `decompress: false`. It throws HttpError 413 before
 * reading when Content-Length exceeds maxSize, and as soon as the received or
 * the decompressed bytes exceed maxSize (so a decompression bomb is stopped
 * after maxSize bytes of output). A corrupt compressed body throws HttpError
 * 400, an unknown Content-Encoding HttpError 400 (as VM), and a client that goes away
 * ClientDisconnectedError. Yielded chunks may be reused by nothing else; the
 * consumer owns them. The body can be read only once.
 */
export async function* bodyStream(req: Request, opts: BodyOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const dec = opts.decompress === false ? undefined : contentDecoder(req.header("content-encoding"));
  const cl = req.header("content-length");
  if (cl !== "" && Number(cl) > opts.maxSize) {
    req.bodyState = "abandoned";
    throw new HttpError(413, `too big request body: Content-Length=${cl} exceeds ${limitText(opts)}`);
  }
  if (req.bodyState !== "unread") throw new Error("BUG: the request body can be read only once");
  req.bodyState = "reading";
  let ok = false;
  try {
    if (dec === undefined) {
      yield* receive(req, opts);
    } else {
      yield* decompress(receive(req, opts), dec, opts, req);
    }
    ok = true;
  } finally {
    req.bodyState = ok || req.raw.complete ? "done" : "abandoned";
  }
}

/** readBody reads the whole request body with the limits and decoding of bodyStream. */
export async function readBody(req: Request, opts: BodyOptions): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of bodyStream(req, opts)) {
    chunks.push(c);
    n += c.length;
  }
  if (chunks.length === 1) return Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength);
  return Buffer.concat(chunks, n);
}

// receive yields the raw body chunks, counting them against maxSize. It
// never destroys the request stream on early exit, so that the server can
// still answer (with Connection: close).
async function* receive(req: Request, opts: BodyOptions): AsyncGenerator<Buffer, void, undefined> {
  let n = 0;
  const it = req.raw.iterator({ destroyOnReturn: false });
  try {
    for await (const chunk of it) {
      const b = chunk as Buffer;
      n += b.length;
      if (n > opts.maxSize) throw new HttpError(413, `too big data size exceeding ${limitText(opts)}`);
      yield b;
    }
  } catch (e) {
    if (e instanceof HttpError) throw e;
    // The request stream fails only when the connection breaks mid-body.
    throw new ClientDisconnectedError(`the client closed the connection while sending the request body: ${(e as Error).message}`);
  }
  if (!req.raw.complete) throw new ClientDisconnectedError("the client closed the connection while sending the request body");
}

async function* decompress(src: AsyncGenerator<Buffer>, dec: "gzip" | "deflate" | "zstd", opts: BodyOptions, req: Request): AsyncGenerator<Uint8Array, void, undefined> {
  const d = newDecompressor(dec);
  // pipeline destroys d with the source's error (413, disconnect), and
  // returns the source when d fails or the consumer stops early.
  pipeline(Readable.from(src), d, () => {});
  let n = 0;
  try {
    for await (const chunk of d) {
      const b = chunk as Buffer;
      n += b.length;
      if (n > opts.maxSize) throw new HttpError(413, `too big decompressed data size exceeding ${limitText(opts)}`);
      yield b;
    }
  } catch (e) {
    if (e instanceof HttpError || e instanceof ClientDisconnectedError) throw e;
    if (req.signal.aborted) throw new ClientDisconnectedError();
    throw new HttpError(400, `cannot decompress request body with Content-Encoding ${JSON.stringify(req.header("content-encoding"))}: ${(e as Error).message}`);
  } finally {
    d.destroy();
  }
}
