// The native format's 16-byte header: the export's time range [minT, maxT] in
// milliseconds, each as VictoriaMetrics' MarshalInt64 (zigzag, then 8 bytes big-endian).

import type { ByteBuffer } from "../../encoding/index.ts";

/** appendZigzagInt64BE appends the integer v (|v| < 2^63) as zigzag int64, 8 bytes big-endian. */
export function appendZigzagInt64BE(dst: ByteBuffer, v: number): void {
  const b = BigInt(v);
  const u = BigInt.asUintN(64, b >= 0n ? b << 1n : ((-b) << 1n) - 1n);
  dst.appendUint32BE(Number(u >> 32n));
  dst.appendUint32BE(Number(u & 0xffffffffn));
}

/** readZigzagInt64BE reads 8 bytes at src[off] written by appendZigzagInt64BE (as a Number, rounded beyond 2^53). */
export function readZigzagInt64BE(src: Uint8Array, off: number): number {
  let u = 0n;
  for (let i = 0; i < 8; i++) u = (u << 8n) | BigInt(src[off + i]!);
  return Number((u & 1n) === 0n ? u >> 1n : -(u >> 1n) - 1n);
}

/** appendHeader appends the native format's time range header. */
export function appendHeader(dst: ByteBuffer, minT: number, maxT: number): void {
  appendZigzagInt64BE(dst, minT);
  appendZigzagInt64BE(dst, maxT);
}
