// VictoriaMetrics 1.79.5's float64 <-> decimal conversion (lib/decimal) for native
// blocks: value = mantissa * 10^scale with int64 mantissas and Go's math.Pow10, and
// the int64 codes for +Inf, -Inf and the Prometheus staleness marker. Tidemark's own
// exact decimal form (lib/encoding floatsToDecimal) is tried first on export; this
// module gives what VictoriaMetrics itself would store for the other blocks, and
// decodes every block VictoriaMetrics can write.

import { isStaleNaN, staleNaN } from "../../encoding/index.ts";

/** V_INF_POS, V_INF_NEG and V_STALE_NAN are VictoriaMetrics' special mantissas. */
export const V_INF_POS = (1n << 63n) - 1n;
export const V_INF_NEG = -(1n << 63n);
export const V_STALE_NAN = (1n << 63n) - 2n;
const V_MAX = (1n << 63n) - 3n;
const V_MIN = -(1n << 63n) + 1n;

const INT64_MAX = (1n << 63n) - 1n;

/** isSpecialMantissa reports whether v is one of the special codes (+-Inf, stale marker). */
export function isSpecialMantissa(v: bigint): boolean {
  return v > V_MAX || v < V_MIN;
}

// Go's math.Pow10 multiplies or divides two correctly rounded table entries, so
// 10^n for n > 31 or n < -31 may differ from the correctly rounded value; reproduce it.
const TAB: number[] = [];
for (let i = 0; i < 32; i++) TAB.push(Number(`1e${i}`));
const POS32: number[] = [];
for (let i = 0; i < 10; i++) POS32.push(Number(`1e${i * 32}`));
const NEG32: number[] = [];
for (let i = 0; i < 11; i++) NEG32.push(Number(`1e-${i * 32}`));

/** goPow10 returns Go's math.Pow10(n) bit for bit. */
export function goPow10(n: number): number {
  if (n >= 0 && n <= 308) return POS32[n >> 5]! * TAB[n & 31]!;
  if (n < 0 && n >= -323) return NEG32[(-n) >> 5]! / TAB[(-n) & 31]!;
  return n > 0 ? Infinity : 0;
}

/**
 * decimalToFloatsVM writes mantissas[i] * 10^scale into out[i] for i < n exactly as
 * VictoriaMetrics' decimal.AppendDecimalToFloat does (special codes become +Inf, -Inf
 * and the staleness marker with bits 0x7ff0000000000002).
 */
export function decimalToFloatsVM(out: Float64Array, mantissas: Float64Array | BigInt64Array, scale: number, n: number): void {
  const p = goPow10(Math.abs(scale));
  if (mantissas instanceof Float64Array) {
    // |m| < 2^50: float64(m) is exact and nothing is special.
    if (scale < 0) for (let i = 0; i < n; i++) out[i] = mantissas[i]! / p;
    else if (scale === 0) for (let i = 0; i < n; i++) out[i] = mantissas[i]!;
    else for (let i = 0; i < n; i++) out[i] = mantissas[i]! * p;
    return;
  }
  for (let i = 0; i < n; i++) {
    const m = mantissas[i]!;
    if (isSpecialMantissa(m)) {
      out[i] = m === V_INF_POS ? Infinity : m === V_INF_NEG ? -Infinity : staleNaN;
      continue;
    }
    // Number(bigint) rounds to nearest, ties to even, as Go's float64(int64).
    const f = Number(m);
    out[i] = scale < 0 ? f / p : scale === 0 ? f : f * p;
  }
}

const int16 = (x: number): number => ((x + 32768) & 0xffff) - 32768;
const LOG10_2 = 0.30102999566398119521373889472449302676818988146211;

function frexpExp(f: number): number {
  // f > 0 and finite: the exponent e with f = frac * 2^e, 0.5 <= frac < 1 (Go's math.Frexp).
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, f);
  let biased = (dv.getUint16(0) >> 4) & 0x7ff;
  if (biased === 0) {
    dv.setFloat64(0, f * 2 ** 52);
    biased = ((dv.getUint16(0) >> 4) & 0x7ff) - 52;
  }
  return biased - 1022;
}

function getDecimalAndScale(u: bigint): [bigint, number] {
  let scale = 0;
  while (u >= 1n << 55n) {
    u /= 10n;
    scale++;
  }
  if (u % 10n !== 0n) return [u, scale];
  u /= 10n;
  scale++;
  while (u !== 0n && u % 10n === 0n) {
    u /= 10n;
    scale++;
  }
  return [u, scale];
}

function positiveFloatToDecimalSlow(f: number): [bigint, number] {
  let scale = 0;
  let prec = 1e12;
  if (f > 1e6 || f < 1e-6) {
    if (f > 1e6) prec = 1e15;
    let exp = frexpExp(f);
    if (exp < -1022) exp = -1022;
    else if (exp > 1023) exp = 1023;
    scale = Math.trunc(exp * LOG10_2);
    f *= goPow10(-scale);
  }
  while (f < prec) {
    const x = Math.trunc(f);
    const frac = f - x;
    if (frac * prec < x) {
      f = x;
      break;
    }
    if ((1 - frac) * prec < x) {
      f = x + 1;
      break;
    }
    f *= 100;
    scale -= 2;
  }
  let u = BigInt(Math.trunc(f));
  if (u % 10n !== 0n) return [BigInt.asIntN(64, u), int16(scale)];
  u /= 10n;
  return [BigInt.asIntN(64, u), int16(scale + 1)];
}

function positiveFloatToDecimal(f: number): [bigint, number] {
  if (!(Number.isInteger(f) && f < 2 ** 64)) return positiveFloatToDecimalSlow(f);
  const u = BigInt(f);
  if (u < 1n << 55n && u % 10n !== 0n) return [u, 0];
  return getDecimalAndScale(u);
}

/**
 * fromFloatVM converts one float64 (not a NaN other than the staleness marker) to
 * VictoriaMetrics' (mantissa, exponent) as its decimal.FromFloat does.
 */
export function fromFloatVM(f: number): [bigint, number] {
  if (f === 0) return [0n, 0];
  if (isStaleNaN(f)) return [V_STALE_NAN, 0];
  if (f === Infinity) return [V_INF_POS, 0];
  if (f === -Infinity) return [V_INF_NEG, 0];
  if (f > 0) {
    const [v, e] = positiveFloatToDecimal(f);
    return [v > V_MAX ? V_MAX : v, e];
  }
  const [v, e] = positiveFloatToDecimal(-f);
  return [-v < V_MIN ? V_MIN : -v, e];
}

function maxUpExponent(v: bigint): number {
  if (v === 0n || isSpecialMantissa(v)) return 1024;
  if (v < 0n) v = -v;
  let p = 10n ** 18n;
  for (let k = 18; k >= 1; k--, p /= 10n) {
    if (v <= INT64_MAX / p) return k;
  }
  return 0;
}

/**
 * floatsToDecimalVM converts values[0:n] (no NaN other than the staleness marker) to
 * int64 mantissas in out[0:n] with one common exponent, which it returns, exactly as
 * VictoriaMetrics 1.79.5's decimal.AppendFloatToDecimal does (so values needing more
 * precision are rounded the way VictoriaMetrics would store them).
 */
export function floatsToDecimalVM(out: BigInt64Array, values: Float64Array, n: number): number {
  let zeros = true, ones = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== 0) zeros = false;
    if (v !== 1) ones = false;
  }
  if (zeros || ones) {
    out.fill(ones ? 1n : 0n, 0, n);
    return 0;
  }
  const ea = new Int16Array(n);
  let minExp = 32767;
  for (let i = 0; i < n; i++) {
    const [v, e] = fromFloatVM(values[i]!);
    out[i] = v;
    ea[i] = e;
    if (e < minExp && !isSpecialMantissa(v)) minExp = e;
  }
  let downExp = 0;
  for (let i = 0; i < n; i++) {
    const upExp = int16(ea[i]! - minExp);
    const d = int16(upExp - maxUpExponent(out[i]!));
    if (d > downExp) downExp = d;
  }
  minExp = int16(minExp + downExp);
  for (let i = 0; i < n; i++) {
    let v = out[i]!;
    if (isSpecialMantissa(v)) continue;
    let adj = int16(ea[i]! - minExp);
    for (; adj > 0; adj--) v = BigInt.asIntN(64, v * 10n);
    for (; adj < 0; adj++) v /= 10n;
    out[i] = v;
  }
  return minExp;
}
