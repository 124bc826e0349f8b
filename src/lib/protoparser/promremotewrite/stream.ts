// A remote write request body: decompression (snappy block or zstd), protocol version
// from Content-Type, decoding into rows. The whole body is decoded before anything is
// handed on, so a malformed request is rejected as a whole.
import * as zlib from "node:zlib";
import { counter } from "../../metrics/index.ts";
import { ProtoError } from "../../protobuf/index.ts";
import { decodeSnappyBlock, decodeSnappyBlockReused } from "../util/index.ts";
import { parseWriteRequest } from "./write_request.ts";
import { parseWriteRequestV2 } from "./write_request_v2.ts";
import type { WriteRows } from "./write_rows.ts";

const readCalls = counter(`vm_protoparser_read_calls_total{type="promremotewrite"}`);
const readErrors = counter(`vm_protoparser_read_errors_total{type="promremotewrite"}`);
const rowsRead = counter(`vm_protoparser_rows_read_total{type="promremotewrite"}`);
const metadataRead = counter(`vm_protoparser_metadata_read_total{type="promremotewrite"}`);
const exemplarsRead = counter(`vm_protoparser_exemplars_read_total{type="promremotewrite"}`);
const histogramsRead = counter(`vm_protoparser_native_histograms_read_total{type="promremotewrite"}`);
const unmarshalErrors = counter(`vm_protoparser_unmarshal_errors_total{type="promremotewrite"}`);

/** RemoteWriteVersion is the remote write protocol of a request: 1 (1.0) or 2 (2.0). */
export type RemoteWriteVersion = 1 | 2;

/** UnsupportedMediaTypeError is a request the receiver cannot read at all; the spec answers it with 415. */
export class UnsupportedMediaTypeError extends Error {
  override name = "UnsupportedMediaTypeError";
}

/** PROTO_V1 and PROTO_V2 are the `proto` parameters of the remote write Content-Types. */
export const PROTO_V1 = "prometheus.WriteRequest";
export const PROTO_V2 = "io.prometheus.write.v2.Request";

/**
 * remoteWriteVersion tells the protocol from a Content-Type header:
 * `application/x-protobuf;proto=io.prometheus.write.v2.Request` is 2.0; no `proto`
 * parameter, `proto=prometheus.WriteRequest`, or no Content-Type at all is 1.0 (as
 * clients before 2.0 send). Another `proto` throws UnsupportedMediaTypeError.
 */
export function remoteWriteVersion(contentType: string): RemoteWriteVersion {
  const parts = contentType.split(";");
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!.trim();
    const eq = p.indexOf("=");
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== "proto") continue;
    let v = p.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    if (v === PROTO_V2) return 2;
    if (v === PROTO_V1) return 1;
    throw new UnsupportedMediaTypeError(`unsupported remote write protobuf message proto=${JSON.stringify(v)}; want ${PROTO_V1} or ${PROTO_V2}`);
  }
  return 1;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function zstdDecode(data: Uint8Array, maxSize: number): Buffer {
  try {
    return zlib.zstdDecompressSync(data, { maxOutputLength: Math.max(1, maxSize) });
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw new Error(`too big unpacked request; mustn't exceed ${maxSize} bytes`);
    throw e;
  }
}

/**
 * decompressRequestBody decodes a remote write body by its Content-Encoding as
 * VictoriaMetrics does: "zstd" is tried as zstd and then as a snappy block; "snappy" or
 * none is tried as a snappy block and then as zstd (vmagent may have sent either from
 * its persistent queue; VictoriaMetrics issue 5301). The decoded size is limited to
 * maxSize. Another encoding throws UnsupportedMediaTypeError; undecodable data throws
 * Error("cannot decompress snappy-encoded request with length N: ...").
 */
export function decompressRequestBody(data: Uint8Array, encoding: string, maxSize: number): Buffer {
  return decompress(data, encoding, maxSize, decodeSnappyBlock);
}

// decompress is decompressRequestBody with the snappy decoder to use: parseRequestBody
// decodes into a reused buffer, since nothing it returns refers to the decoded bytes.
function decompress(data: Uint8Array, encoding: string, maxSize: number, snappy: (src: Uint8Array, maxSize: number) => Buffer): Buffer {
  const enc = encoding.trim().toLowerCase();
  if (enc === "zstd") {
    try {
      return zstdDecode(data, maxSize);
    } catch (e) {
      try {
        return snappy(data, maxSize);
      } catch {
        throw new Error(`cannot decompress zstd-encoded request with length ${data.length}: ${errorMessage(e)}`);
      }
    }
  }
  if (enc !== "" && enc !== "snappy") {
    throw new UnsupportedMediaTypeError(`unsupported Content-Encoding ${JSON.stringify(encoding)} for remote write; want snappy or zstd`);
  }
  try {
    return snappy(data, maxSize);
  } catch (e) {
    try {
      return zstdDecode(data, maxSize);
    } catch {
      throw new Error(`cannot decompress snappy-encoded request with length ${data.length}: ${errorMessage(e)}`);
    }
  }
}

/** ParseRequestOptions describe a remote write request body. */
export interface ParseRequestOptions {
  /** encoding is the Content-Encoding header ("" for none). */
  encoding: string;
  /** version is the protocol, from remoteWriteVersion(Content-Type). */
  version: RemoteWriteVersion;
  /** maxSize limits the decompressed size in bytes. */
  maxSize: number;
}

/**
 * parseRequestBody decompresses and decodes a whole remote write request body into rows
 * (which it resets first). It throws UnsupportedMediaTypeError for an encoding it cannot
 * read, and Error naming the problem ("cannot decompress ...", "cannot unmarshal
 * prompb.WriteRequest with size N bytes: ...") for a body that cannot be decoded; rows is
 * then empty. It counts VictoriaMetrics' vm_protoparser_*{type="promremotewrite"} metrics.
 */
export function parseRequestBody(data: Uint8Array, opts: ParseRequestOptions, rows: WriteRows): void {
  readCalls.inc();
  rows.reset();
  let raw: Buffer;
  try {
    raw = decompress(data, opts.encoding, opts.maxSize, decodeSnappyBlockReused);
  } catch (e) {
    readErrors.inc();
    throw e;
  }
  const what = opts.version === 2 ? "io.prometheus.write.v2.Request" : "prompb.WriteRequest";
  try {
    if (opts.version === 2) parseWriteRequestV2(raw, rows);
    else parseWriteRequest(raw, rows);
  } catch (e) {
    rows.reset();
    if (!(e instanceof ProtoError)) throw e;
    unmarshalErrors.inc();
    throw new Error(`cannot unmarshal ${what} with size ${raw.length} bytes: ${e.message}`, { cause: e });
  }
  rowsRead.add(rows.samples);
  metadataRead.add(rows.metadata);
  exemplarsRead.add(rows.exemplars);
  histogramsRead.add(rows.histograms);
}
