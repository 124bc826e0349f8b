import { test } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import * as flags from "../flagutil/index.ts";
import { compressSync, compressibleContentType, selectEncoding } from "./compression.ts";

test("selectEncoding follows Accept-Encoding q-values, gzip on a tie", () => {
  const f = (method: string, ae: string, want: string | undefined) =>
    assert.equal(selectEncoding(method, ae), want, `method=${method} accept-encoding=${JSON.stringify(ae)}`);
  f("GET", "", undefined);
  f("GET", "gzip", "gzip");
  f("GET", "GZIP", "gzip");
  f("GET", "gzip, deflate, br, zstd", "gzip");
  f("GET", "zstd", "zstd");
  f("GET", "zstd;q=1, gzip;q=0.9", "zstd");
  f("GET", "gzip; q=0.8, zstd; q=0.9", "zstd");
  f("GET", "gzip;q=0", undefined);
  f("GET", "gzip;q=0, zstd", "zstd");
  f("GET", "deflate, br", undefined);
  f("GET", "*", undefined);
  f("GET", "x-gzip", undefined);
  f("HEAD", "gzip", undefined);
  f("POST", "gzip", "gzip");
});

test("selectEncoding honours -http.disableResponseCompression", () => {
  const flag = flags.lookup("http.disableResponseCompression")!;
  flag.set("true");
  try {
    assert.equal(selectEncoding("GET", "gzip"), undefined);
  } finally {
    flag.set("false");
  }
  assert.equal(selectEncoding("GET", "gzip"), "gzip");
});

test("compressibleContentType skips media and compressed formats", () => {
  const f = (ct: string, want: boolean) => assert.equal(compressibleContentType(ct), want, `content-type=${ct}`);
  f("", true);
  f("text/plain; charset=utf-8", true);
  f("application/json", true);
  f("application/x-protobuf", true);
  f("application/zip", false);
  f("application/x-snappy-framed", false);
  f("application/zstd", false);
  f("application/x-gzip", false);
  f("image/jpeg", false);
  f("image/png", true);
  f("video/mp4", false);
  f(" Audio/ogg", false);
});

test("compressSync output decodes back", () => {
  const body = Buffer.from("abc".repeat(1000));
  assert.equal(zlib.gunzipSync(compressSync("gzip", body)).toString(), body.toString());
  assert.equal(zlib.zstdDecompressSync(compressSync("zstd", body)).toString(), body.toString());
});
