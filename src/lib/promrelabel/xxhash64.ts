// xxHash64 (seed 0) for `action: hashmod`, which VictoriaMetrics computes with
// github.com/cespare/xxhash. BigInt arithmetic: hashmod runs once per distinct
// series (results are cached by the caller), not per sample.

const MASK = 0xffffffffffffffffn;
const PRIME1 = 11400714785074694791n;
const PRIME2 = 14029467366897019727n;
const PRIME3 = 1609587929392839161n;
const PRIME4 = 9650029242287828579n;
const PRIME5 = 2870177450012600261n;

function rotateLeft(x: bigint, bits: bigint): bigint {
  return ((x << bits) | (x >> (64n - bits))) & MASK;
}

function mix(acc: bigint, input: bigint): bigint {
  const a = (acc + ((input * PRIME2) & MASK)) & MASK;
  return (rotateLeft(a, 31n) * PRIME1) & MASK;
}

function mergeAcc(h: bigint, acc: bigint): bigint {
  const x = h ^ mix(0n, acc);
  return (((x * PRIME1) & MASK) + PRIME4) & MASK;
}

/** hash64 returns xxHash64 of data with seed 0 as an unsigned 64-bit BigInt. */
export function hash64(data: Uint8Array): bigint {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const len = data.length;
  let off = 0;
  let h: bigint;
  if (len >= 32) {
    let a1 = (PRIME1 + PRIME2) & MASK;
    let a2 = PRIME2;
    let a3 = 0n;
    let a4 = (MASK + 1n - PRIME1) & MASK;
    while (off + 32 <= len) {
      a1 = mix(a1, view.getBigUint64(off, true));
      a2 = mix(a2, view.getBigUint64(off + 8, true));
      a3 = mix(a3, view.getBigUint64(off + 16, true));
      a4 = mix(a4, view.getBigUint64(off + 24, true));
      off += 32;
    }
    h = (rotateLeft(a1, 1n) + rotateLeft(a2, 7n) + rotateLeft(a3, 12n) + rotateLeft(a4, 18n)) & MASK;
    h = mergeAcc(h, a1);
    h = mergeAcc(h, a2);
    h = mergeAcc(h, a3);
    h = mergeAcc(h, a4);
  } else {
    h = PRIME5;
  }
  h = (h + BigInt(len)) & MASK;
  while (off + 8 <= len) {
    h ^= mix(0n, view.getBigUint64(off, true));
    h = (((rotateLeft(h, 27n) * PRIME1) & MASK) + PRIME4) & MASK;
    off += 8;
  }
  if (off + 4 <= len) {
    h ^= (BigInt(view.getUint32(off, true)) * PRIME1) & MASK;
    h = (((rotateLeft(h, 23n) * PRIME2) & MASK) + PRIME3) & MASK;
    off += 4;
  }
  while (off < len) {
    h ^= (BigInt(data[off]!) * PRIME5) & MASK;
    h = (rotateLeft(h, 11n) * PRIME1) & MASK;
    off++;
  }
  h ^= h >> 33n;
  h = (h * PRIME2) & MASK;
  h ^= h >> 29n;
  h = (h * PRIME3) & MASK;
  h ^= h >> 32n;
  return h;
}
