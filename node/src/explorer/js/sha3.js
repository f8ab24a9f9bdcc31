// SHA3-256 (FIPS 202): the Keccak-f[1600] permutation on 25 64-bit lanes,
// each held as two 32-bit halves (lane i: low word at 2i, high word at 2i+1),
// rate 136 bytes, domain padding 0x06 … 0x80. Streaming: `new Sha3_256()`,
// `update(bytes)` any number of times, then `digest()`.

// Round constants, [low, high] per round.
const RC = new Uint32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000,
  0x0000808b, 0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000,
  0x0000008a, 0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000,
  0x8000808b, 0x00000000, 0x0000008b, 0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000,
  0x00008002, 0x80000000, 0x00000080, 0x80000000, 0x0000800a, 0x00000000, 0x8000000a, 0x80000000,
  0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001, 0x00000000, 0x80008008, 0x80000000,
]);

// Rotation offsets (rho) by lane index x + 5y.
const RHO = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

// Destination lane of pi for each source lane x + 5y: y + 5((2x + 3y) mod 5).
const PI = RHO.map((_, i) => {
  const x = i % 5;
  const y = (i / 5) | 0;
  return y + 5 * ((2 * x + 3 * y) % 5);
});

const C = new Uint32Array(10);
const B = new Uint32Array(50);

/** Keccak-f[1600] on `s` (a Uint32Array of 50 words), in place. */
export function keccakF1600(s) {
  for (let round = 0; round < 24; round++) {
    // theta
    for (let x = 0; x < 5; x++) {
      C[2 * x] = s[2 * x] ^ s[2 * x + 10] ^ s[2 * x + 20] ^ s[2 * x + 30] ^ s[2 * x + 40];
      C[2 * x + 1] = s[2 * x + 1] ^ s[2 * x + 11] ^ s[2 * x + 21] ^ s[2 * x + 31] ^ s[2 * x + 41];
    }
    for (let x = 0; x < 5; x++) {
      const l = (x + 4) % 5;
      const r = (x + 1) % 5;
      const lo = C[2 * l] ^ ((C[2 * r] << 1) | (C[2 * r + 1] >>> 31));
      const hi = C[2 * l + 1] ^ ((C[2 * r + 1] << 1) | (C[2 * r] >>> 31));
      for (let y = 0; y < 25; y += 5) {
        s[2 * (x + y)] ^= lo;
        s[2 * (x + y) + 1] ^= hi;
      }
    }
    // rho and pi
    for (let i = 0; i < 25; i++) {
      const lo = s[2 * i];
      const hi = s[2 * i + 1];
      const n = RHO[i];
      const j = 2 * PI[i];
      if (n === 0) {
        B[j] = lo;
        B[j + 1] = hi;
      } else if (n < 32) {
        B[j] = (lo << n) | (hi >>> (32 - n));
        B[j + 1] = (hi << n) | (lo >>> (32 - n));
      } else if (n === 32) {
        B[j] = hi;
        B[j + 1] = lo;
      } else {
        const m = n - 32;
        B[j] = (hi << m) | (lo >>> (32 - m));
        B[j + 1] = (lo << m) | (hi >>> (32 - m));
      }
    }
    // chi
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const i = 2 * (x + y);
        const i1 = 2 * (((x + 1) % 5) + y);
        const i2 = 2 * (((x + 2) % 5) + y);
        s[i] = B[i] ^ (~B[i1] & B[i2]);
        s[i + 1] = B[i + 1] ^ (~B[i1 + 1] & B[i2 + 1]);
      }
    }
    // iota
    s[0] ^= RC[2 * round];
    s[1] ^= RC[2 * round + 1];
  }
}

const RATE = 136;

/** Incremental SHA3-256. */
export class Sha3_256 {
  constructor() {
    this.state = new Uint32Array(50);
    this.block = new Uint8Array(RATE);
    this.filled = 0;
    this.done = false;
  }

  /** Absorbs `bytes` (a Uint8Array); returns `this`. */
  update(bytes) {
    if (this.done) throw new Error("sha3: update after digest");
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(RATE - this.filled, bytes.length - at);
      this.block.set(bytes.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === RATE) this.absorbBlock();
    }
    return this;
  }

  absorbBlock() {
    const b = this.block;
    const s = this.state;
    for (let w = 0; w < RATE / 4; w++) {
      s[w] ^= b[4 * w] | (b[4 * w + 1] << 8) | (b[4 * w + 2] << 16) | (b[4 * w + 3] << 24);
    }
    keccakF1600(s);
    this.filled = 0;
  }

  /** The 32-byte digest; the hasher cannot be used afterwards. */
  digest() {
    if (this.done) throw new Error("sha3: digest twice");
    this.block.fill(0, this.filled);
    this.block[this.filled] ^= 0x06;
    this.block[RATE - 1] ^= 0x80;
    this.absorbBlock();
    this.done = true;
    const out = new Uint8Array(32);
    for (let w = 0; w < 8; w++) {
      const v = this.state[w];
      out[4 * w] = v & 0xff;
      out[4 * w + 1] = (v >>> 8) & 0xff;
      out[4 * w + 2] = (v >>> 16) & 0xff;
      out[4 * w + 3] = v >>> 24;
    }
    return out;
  }
}

/** SHA3-256 of the concatenation of the given byte arrays. */
export function sha3_256(...parts) {
  const h = new Sha3_256();
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SHA3-256 of a File or Blob, read in chunks; `onProgress(bytesDone)` is called per chunk. */
export async function sha3File(file, onProgress = () => {}) {
  const h = new Sha3_256();
  const reader = file.stream().getReader();
  let done = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    h.update(chunk.value);
    done += chunk.value.length;
    onProgress(done);
  }
  return h.digest();
}
