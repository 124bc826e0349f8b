// Float64 values <-> decimal mantissas with one common exponent per block
// (the idea of VictoriaMetrics' lib/decimal, bounded for JS numbers).
//
// A block of values v[i] becomes integers m[i] and one exponent e with
// v[i] = m[i] * 10^e, |m[i]| <= 2^49, -22 <= e <= 22. Decoding computes
// m * 10^e (e >= 0) or m / 10^-e (e < 0). Both m and 10^|e| are exact doubles
// then, so IEEE 754 rounds the exact real value m*10^e, and the encoder only
// accepts an (m, e) whose decoding gives back v bit for bit. A value that is
// exact at exponent e is exact at e-1 too (with 10*m), so the block exponent
// is the smallest per-value exponent, reached by rescaling earlier mantissas
// when a later value needs more digits. Trailing decimal zeros common to the
// whole block move into the exponent afterwards (1000, 2000 -> 1, 2 at e=3).
//
// Special values use mantissas just outside +-2^49 (see SPECIAL_*). Values
// with no such form (17-digit floats, |e| > 22, other NaN payloads, mixed
// magnitudes that overflow 2^49) make floatsToDecimal return undefined and
// the caller falls back to the float64 encoding.
//
// NaN bit patterns are never moved through JS arithmetic or plain arrays.
// Observed in Node 26 (V8) with the stale marker 0x7ff0000000000002, a
// signaling NaN: locals, function arguments, object fields and typed arrays
// keep its bits; storing it in a plain JS array of numbers (also
// Float64Array.from(array), Map values) or adding 0 to it quiets it into
// 0x7ff8000000000002, which is no longer the marker. So the decoder writes
// special bit patterns through a Uint32Array view, and the encoder reads NaN
// payloads the same way.

/** MAX_MANTISSA bounds ordinary mantissas: |m| <= 2^49. */
export const MAX_MANTISSA = 2 ** 49;

/** SPECIAL_POS_INF is the mantissa of +Inf. */
export const SPECIAL_POS_INF = MAX_MANTISSA + 1;
/** SPECIAL_NEG_INF is the mantissa of -Inf. */
export const SPECIAL_NEG_INF = -(MAX_MANTISSA + 1);
/** SPECIAL_STALE_NAN is the mantissa of the Prometheus staleness marker (bits 0x7ff0000000000002). */
export const SPECIAL_STALE_NAN = MAX_MANTISSA + 2;
/** SPECIAL_NEG_ZERO is the mantissa of -0 (a plain 0 mantissa would decode as +0). */
export const SPECIAL_NEG_ZERO = -(MAX_MANTISSA + 2);
/** SPECIAL_NAN is the mantissa of the default quiet NaN (bits 0x7ff8000000000000). */
export const SPECIAL_NAN = MAX_MANTISSA + 3;
/** SPECIAL_NEG_NAN is the mantissa of the negative quiet NaN (bits 0xfff8000000000000, what x86 computes for 0/0). */
export const SPECIAL_NEG_NAN = -(MAX_MANTISSA + 3);

/** MAX_DECIMAL_EXPONENT bounds block exponents: |e| <= 22, so 10^|e| is an exact double. */
export const MAX_DECIMAL_EXPONENT = 22;

/** STALE_NAN_BITS_HI is the high 32 bits of the Prometheus staleness marker NaN. */
export const STALE_NAN_BITS_HI = 0x7ff00000;
/** STALE_NAN_BITS_LO is the low 32 bits of the Prometheus staleness marker NaN. */
export const STALE_NAN_BITS_LO = 2;

// Word order of a float64 seen through a Uint32Array on this host.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);

/**
 * staleNaN is a number whose bits are the Prometheus staleness marker
 * 0x7ff0000000000002. Store it into typed arrays directly: a plain JS array
 * (or arithmetic) turns it into 0x7ff8000000000002. Test values with
 * isStaleNaN, never with ===.
 */
export const staleNaN: number = (() => {
  scratchU32[HI] = STALE_NAN_BITS_HI;
  scratchU32[LO] = STALE_NAN_BITS_LO;
  return scratchF64[0]!;
})();

/**
 * isStaleNaN reports whether v is the Prometheus staleness marker: bits
 * 0x7ff0000000000002, or the same payload with the quiet bit set
 * (0x7ff8000000000002), which is what the signaling marker becomes when V8 or
 * the CPU quiets it on the way (plain arrays, Float64Array.from, arithmetic).
 */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  scratchF64[0] = v;
  const hi = scratchU32[HI]!;
  return (hi === STALE_NAN_BITS_HI || hi === (STALE_NAN_BITS_HI | 0x80000)) && scratchU32[LO] === STALE_NAN_BITS_LO;
}

const POW10: number[] = [];
for (let i = 0; i <= 2 * MAX_DECIMAL_EXPONENT; i++) POW10.push(Number(`1e${i}`));

const M = MAX_MANTISSA;
// NONE marks "no exponent works" for exponentOf.
const NONE = 99;

// mantissaAt returns the mantissa m with decode(m, e) === v, or NaN.
function mantissaAt(v: number, e: number): number {
  let m: number;
  if (e === 0) {
    m = v;
    if (Math.floor(m) !== m) return NaN;
  } else if (e < 0) {
    const p = POW10[-e]!;
    m = Math.round(v * p);
    if (m / p !== v) return NaN;
  } else {
    const p = POW10[e]!;
    m = Math.round(v / p);
    if (m * p !== v) return NaN;
  }
  return m >= -M && m <= M ? m : NaN;
}

// exponentOf returns the largest exponent e in [-22, 22] at which v (finite)
// has a mantissa, or NONE.
function exponentOf(v: number): number {
  if (v >= -M && v <= M) {
    if (Math.floor(v) === v) return 0;
    for (let k = 1; k <= MAX_DECIMAL_EXPONENT; k++) {
      const s = v * POW10[k]!;
      if (!(s >= -M - 1 && s <= M + 1)) return NONE;
      if (Math.round(s) / POW10[k]! === v) return -k;
    }
    return NONE;
  }
  for (let e = 1; e <= MAX_DECIMAL_EXPONENT; e++) {
    if (!Number.isNaN(mantissaAt(v, e))) return e;
  }
  return NONE;
}

// nanMantissa returns the special code of the NaN at values[i], or NaN
// when its payload has no special code.
function nanMantissa(bits: Uint32Array, i: number): number {
  const hi = bits[2 * i + HI]!;
  const lo = bits[2 * i + LO]!;
  if (lo === STALE_NAN_BITS_LO && hi === STALE_NAN_BITS_HI) return SPECIAL_STALE_NAN;
  if (lo === 0 && hi === 0x7ff80000) return SPECIAL_NAN;
  if (lo === 0 && hi === 0xfff80000) return SPECIAL_NEG_NAN;
  return NaN;
}

/**
 * floatsToDecimal converts values[0:n] to mantissas[0:n] (mantissas.length >= n,
 * a different array than values) with a common exponent and returns the
 * exponent, in [-22, 22]; decimalToFloats(out, mantissas, e, n) then gives
 * back values[0:n] bit for bit. It returns undefined (mantissas[0:n] then
 * hold garbage) when the block has no such form and must use the float64
 * fallback. Mantissas are integers with |m| <= 2^49, or one of the SPECIAL_*
 * codes for +-Inf, -0, the stale marker and the two default quiet NaNs.
 */
export function floatsToDecimal(mantissas: Float64Array, values: Float64Array, n: number): number | undefined {
  if (!(n >= 0 && n <= values.length && n <= mantissas.length && Number.isInteger(n))) {
    throw new Error(`BUG: floatsToDecimal: got n=${n} with ${values.length} values and ${mantissas.length} mantissas; want n <= both`);
  }
  let e = 0;
  let haveE = false;
  let p = 1; // POW10[-e] while e <= 0
  let bits: Uint32Array | undefined;
  let i = 0;
  while (i < n) {
    // Hot path: runs of ordinary values at the block exponent found so far.
    if (haveE) {
      if (e === 0) i = integerRun(mantissas, values, i, n);
      else if (e < 0) i = fractionRun(mantissas, values, i, n, p);
      if (i >= n) break;
    }
    // Slow path: one value that the runs do not handle.
    const v = values[i]!;
    let m: number;
    if (v !== v) {
      bits ??= new Uint32Array(values.buffer, values.byteOffset, 2 * n);
      m = nanMantissa(bits, i);
      if (m !== m) return undefined;
    } else if (v === Infinity) {
      m = SPECIAL_POS_INF;
    } else if (v === -Infinity) {
      m = SPECIAL_NEG_INF;
    } else if (Object.is(v, -0)) {
      m = SPECIAL_NEG_ZERO;
    } else {
      if (!haveE) {
        // The first ordinary value sets the block exponent.
        e = exponentOf(v);
        if (e === NONE) return undefined;
        haveE = true;
        if (e <= 0) p = POW10[-e]!;
      }
      m = mantissaAt(v, e);
      if (m !== m) {
        // v needs more decimal digits than the block so far: lower the
        // exponent and rescale the earlier mantissas.
        const ev = exponentOf(v);
        if (ev === NONE || ev >= e) return undefined;
        const f = POW10[e - ev]!;
        for (let j = 0; j < i; j++) {
          const mj = mantissas[j]!;
          if (mj >= -M && mj <= M) {
            const r = mj * f;
            if (!(r >= -M && r <= M)) return undefined;
            mantissas[j] = r;
          }
        }
        e = ev;
        if (e <= 0) p = POW10[-e]!;
        m = mantissaAt(v, e);
        if (m !== m) return undefined;
      }
      if (m === 0) m = 0; // never store -0
    }
    mantissas[i] = m;
    i++;
  }
  if (!haveE) return 0;
  return stripCommonZeros(mantissas, n, e);
}

// integerRun stores values[i:] as mantissas at exponent 0 up to the first
// value that is not an integer with |v| <= 2^49 or is -0; it returns its
// index (n when there is none).
function integerRun(mantissas: Float64Array, values: Float64Array, i: number, n: number): number {
  for (; i < n; i++) {
    const v = values[i]!;
    if (!(v >= -M && v <= M) || Math.floor(v) !== v || Object.is(v, -0)) return i;
    mantissas[i] = v;
  }
  return n;
}

// fractionRun is integerRun for a negative exponent with p = 10^-e.
function fractionRun(mantissas: Float64Array, values: Float64Array, i: number, n: number, p: number): number {
  for (; i < n; i++) {
    const v = values[i]!;
    const m = Math.round(v * p);
    if (m / p !== v || !(m >= -M && m <= M) || Object.is(v, -0)) return i;
    mantissas[i] = m;
  }
  return n;
}

// stripCommonZeros divides all ordinary mantissas by 10 while they all are
// multiples of 10 and one is non-zero, raising the exponent; it returns it.
function stripCommonZeros(mantissas: Float64Array, n: number, e: number): number {
  while (e < MAX_DECIMAL_EXPONENT) {
    let nonZero = false;
    for (let i = 0; i < n; i++) {
      const m = mantissas[i]!;
      if (m >= -M && m <= M) {
        if (m % 10 !== 0) return e;
        if (m !== 0) nonZero = true;
      }
    }
    if (!nonZero) return e;
    for (let i = 0; i < n; i++) {
      const m = mantissas[i]!;
      if (m >= -M && m <= M) mantissas[i] = m / 10;
    }
    e++;
  }
  return e;
}

/**
 * decimalToFloats is the exact inverse of floatsToDecimal: it writes
 * mantissas[0:n] * 10^exponent into values[0:n] (values may be the same array
 * as mantissas). Special codes become their exact bit patterns. It throws a
 * RangeError "cannot unmarshal ..." for an exponent outside [-22, 22] or a
 * mantissa that is neither ordinary nor a special code. With from > 0 only
 * items [from, n) are converted (values[0:from] are left as they are).
 */
export function decimalToFloats(values: Float64Array, mantissas: Float64Array, exponent: number, n: number, from = 0): void {
  if (!(n >= 0 && n <= values.length && n <= mantissas.length && Number.isInteger(n))) {
    throw new Error(`BUG: decimalToFloats: got n=${n} with ${values.length} values and ${mantissas.length} mantissas; want n <= both`);
  }
  if (!(exponent >= -MAX_DECIMAL_EXPONENT && exponent <= MAX_DECIMAL_EXPONENT && Number.isInteger(exponent))) {
    throw new RangeError(`cannot unmarshal decimal values: got exponent ${exponent}; want an integer in [-22, 22]`);
  }
  let bits: Uint32Array | undefined;
  const p = POW10[Math.abs(exponent)]!;
  let i = from;
  while (i < n) {
    // Tight loops over ordinary mantissas; they stop at a special code.
    if (exponent < 0) {
      for (; i < n; i++) {
        const m = mantissas[i]!;
        if (!(m >= -M && m <= M)) break;
        values[i] = m / p;
      }
    } else if (exponent > 0) {
      for (; i < n; i++) {
        const m = mantissas[i]!;
        if (!(m >= -M && m <= M)) break;
        values[i] = m * p;
      }
    } else if (values === mantissas) {
      // Integers decoded in place (counters): only special codes change.
      for (; i < n; i++) {
        const m = mantissas[i]!;
        if (!(m >= -M && m <= M)) break;
      }
    } else {
      for (; i < n; i++) {
        const m = mantissas[i]!;
        if (!(m >= -M && m <= M)) break;
        values[i] = m;
      }
    }
    if (i >= n) break;
    bits ??= new Uint32Array(values.buffer, values.byteOffset, 2 * n);
    setSpecial(bits, i, mantissas[i]!);
    i++;
  }
}

function setSpecial(bits: Uint32Array, i: number, m: number): void {
  let hi: number;
  let lo = 0;
  switch (m) {
    case SPECIAL_POS_INF: hi = 0x7ff00000; break;
    case SPECIAL_NEG_INF: hi = 0xfff00000; break;
    case SPECIAL_STALE_NAN: hi = STALE_NAN_BITS_HI; lo = STALE_NAN_BITS_LO; break;
    case SPECIAL_NEG_ZERO: hi = 0x80000000; break;
    case SPECIAL_NAN: hi = 0x7ff80000; break;
    case SPECIAL_NEG_NAN: hi = 0xfff80000; break;
    default:
      throw new RangeError(`cannot unmarshal decimal value ${i}: got mantissa ${m}; want |m| <= 2^49 or a special code`);
  }
  bits[2 * i + HI] = hi;
  bits[2 * i + LO] = lo;
}
