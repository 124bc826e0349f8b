// Response compression as VictoriaMetrics does it (klauspost gzhttp with
// level 1, gzip preferred over zstd): responses of at least 1 KB whose
// Content-Type is not already compressed are compressed when the client
// accepts it, unless -http.disableResponseCompression is set.
import * as zlib from "node:zlib";
import * as flags from "../flagutil/index.ts";

const disableResponseCompression = flags.bool("http.disableResponseCompression", false,
  "Disable compression of HTTP responses to save CPU resources. By default, compression is enabled to save network bandwidth");

/** minCompressSize is the smallest response body that gets compressed (gzhttp's DefaultMinSize). */
export const minCompressSize = 1024;

/** ResponseEncoding is a Content-Encoding the server produces. */
export type ResponseEncoding = "gzip" | "zstd";

// qValue returns the q-value the Accept-Encoding header gives to coding, 0 when absent.
function qValue(header: string, coding: string): number {
  for (const part of header.split(",")) {
    const semi = part.indexOf(";");
    const name = (semi < 0 ? part : part.slice(0, semi)).trim().toLowerCase();
    if (name !== coding) continue;
    if (semi < 0) return 1;
    const m = /(?:^|;)\s*q\s*=\s*([0-9.]+)/i.exec(part.slice(semi));
    if (m === null) return 1;
    const q = Number(m[1]);
    return Number.isFinite(q) ? q : 0;
  }
  return 0;
}

/** compressionEnabled tells whether responses may be compressed (the -http.disableResponseCompression flag). */
export function compressionEnabled(): boolean {
  return !disableResponseCompression.value;
}

/**
 * selectEncoding picks the response encoding for a request's method and
 * Accept-Encoding header: gzip or zstd, whichever has the higher q-value,
 * gzip on a tie (some proxies mishandle zstd; see
 * https://github.com/VictoriaMetrics/VictoriaMetrics/issues/10535 ). HEAD
 * requests and a disabled -http.disableResponseCompression get undefined.
 */
export function selectEncoding(method: string, acceptEncoding: string): ResponseEncoding | undefined {
  if (!compressionEnabled() || method === "HEAD" || acceptEncoding === "") return undefined;
  const g = qValue(acceptEncoding, "gzip");
  const z = qValue(acceptEncoding, "zstd");
  if (g <= 0 && z <= 0) return undefined;
  return z > g ? "zstd" : "gzip";
}

/**
 * compressibleContentType tells whether a body of this Content-Type is worth
 * compressing: not audio, video, JPEG, or an archive/compressed format.
 */
export function compressibleContentType(ct: string): boolean {
  ct = ct.trim().toLowerCase();
  for (const s of ["compress", "zip", "snappy", "lzma", "xz", "zstd", "brotli", "stuffit"]) {
    if (ct.includes(s)) return false;
  }
  return !(ct.startsWith("video/") || ct.startsWith("audio/") || ct.startsWith("image/jp"));
}

/** newCompressor returns a streaming compressor for enc at the fastest level, as VM uses. */
export function newCompressor(enc: ResponseEncoding): zlib.Gzip | zlib.ZstdCompress {
  if (enc === "gzip") return zlib.createGzip({ level: 1 });
  return zlib.createZstdCompress({ params: { [zlib.constants.ZSTD_c_compressionLevel]: 1 } });
}

/** compressSync compresses a whole small body for enc at the fastest level. */
export function compressSync(enc: ResponseEncoding, body: Buffer): Buffer {
  if (enc === "gzip") return zlib.gzipSync(body, { level: 1 });
  return zlib.zstdCompressSync(body, { params: { [zlib.constants.ZSTD_c_compressionLevel]: 1 } });
}
