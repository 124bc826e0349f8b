// SeriesSet remembers a 64-bit fingerprint of every series name the index
// holds, in an open-addressing table of typed arrays (16 bytes per series at
// most). Ingestion asks it before searching the index: a name that is not in
// the set is certainly new, so creating a million new series costs no index
// lookups (each would decode a block once the index outgrows the caches).
// A name that is in the set is looked up as usual (false positives are rare
// and only cost that lookup).

/** fingerprint hashes a string into two independent 32-bit halves. */
function fp(s: string, out: Uint32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  out[0] = h1 >>> 0;
  out[1] = (h2 >>> 0) | 1; // never 0: 0/0 marks an empty slot
}

const tmp = new Uint32Array(2);

export class SeriesSet {
  private slots: Uint32Array; // pairs (h1, h2); h2 == 0 => empty
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    let cap = 1 << 4;
    while (cap < capacity * 2) cap <<= 1;
    this.slots = new Uint32Array(cap * 2);
    this.mask = cap - 1;
  }

  /** add remembers key. */
  add(key: string): void {
    fp(key, tmp);
    this.addFP(tmp[0]!, tmp[1]!);
  }

  private addFP(h1: number, h2: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    let i = h1 & this.mask;
    for (;;) {
      const s2 = this.slots[i * 2 + 1]!;
      if (s2 === 0) {
        this.slots[i * 2] = h1;
        this.slots[i * 2 + 1] = h2;
        this.size++;
        return;
      }
      if (s2 === h2 && this.slots[i * 2] === h1) return;
      i = (i + 1) & this.mask;
    }
  }

  /** mayHave reports false when key was certainly never added. */
  mayHave(key: string): boolean {
    fp(key, tmp);
    const h1 = tmp[0]!, h2 = tmp[1]!;
    let i = h1 & this.mask;
    for (;;) {
      const s2 = this.slots[i * 2 + 1]!;
      if (s2 === 0) return false;
      if (s2 === h2 && this.slots[i * 2] === h1) return true;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.addFP(old[i]!, old[i + 1]!);
  }

  /** sizeBytes is the memory the table takes. */
  get sizeBytes(): number { return this.slots.byteLength; }
}
