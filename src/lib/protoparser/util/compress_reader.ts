// Request body decompression by Content-Encoding, as VictoriaMetrics' protoparserutil
// does it: gzip, deflate (zlib), zstd stream; snappy as one block read in full.
import { Readable, type Transform, pipeline } from "node:stream";
import * as zlib from "node:zlib";
import { decodeSnappyBlock } from "./snappy_block.ts";

/** MAX_SNAPPY_BLOCK_SIZE limits both the compressed and the decoded size of a snappy body (VictoriaMetrics' limit). */
export const MAX_SNAPPY_BLOCK_SIZE = 56_000_000;

const sourceErrors = new WeakSet<object>();

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function* markSourceErrors(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (e) {
    if (typeof e === "object" && e !== null) sourceErrors.add(e);
    throw e;
  }
}

async function* throughTransform(body: AsyncIterable<Uint8Array>, t: Transform, what: string): AsyncGenerator<Uint8Array> {
  const src = Readable.from(markSourceErrors(body), { objectMode: false });
  // Errors reach us through the iteration of t; pipeline only wires destruction.
  pipeline(src, t, () => {});
  try {
    for await (const chunk of t) yield chunk as Buffer;
  } catch (e) {
    if (typeof e === "object" && e !== null && sourceErrors.has(e)) throw e;
    throw new Error(`cannot decompress ${what} data: ${errorMessage(e)}`, { cause: e });
  } finally {
    t.destroy();
    src.destroy();
  }
}

async function* snappyBody(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > MAX_SNAPPY_BLOCK_SIZE) {
      throw new Error(`cannot read snappy-encoded data block because its size exceeds ${MAX_SNAPPY_BLOCK_SIZE} bytes`);
    }
    chunks.push(c);
  }
  let out: Buffer;
  try {
    out = decodeSnappyBlock(Buffer.concat(chunks, size), MAX_SNAPPY_BLOCK_SIZE);
  } catch (e) {
    throw new Error(`cannot decode snappy-encoded data block: ${errorMessage(e)}`, { cause: e });
  }
  if (out.length > 0) yield out;
}

/**
 * uncompressedStream returns body decoded according to its Content-Encoding:
 * "gzip", "deflate" (zlib format), "zstd", "snappy" (one block, read in full, at most
 * MAX_SNAPPY_BLOCK_SIZE bytes) or "", "none", "identity" (as is). It throws at once for
 * any other encoding ("unsupported contentType: X"). Iterating the result rejects with
 * "cannot decompress gzip data: ..." (or the other encodings' names) when the data is
 * corrupt or truncated; errors of body itself pass through unchanged.
 */
export function uncompressedStream(body: AsyncIterable<Uint8Array>, encoding: string): AsyncIterable<Uint8Array> {
  switch (encoding) {
    case "":
    case "none":
    case "identity":
      return body;
    case "gzip":
      return throughTransform(body, zlib.createGunzip(), "gzip");
    case "deflate":
      return throughTransform(body, zlib.createInflate(), "deflate");
    case "zstd":
      return throughTransform(body, zlib.createZstdDecompress(), "zstd");
    case "snappy":
      return snappyBody(body);
    default:
      throw new Error(`unsupported contentType: ${encoding}`);
  }
}
