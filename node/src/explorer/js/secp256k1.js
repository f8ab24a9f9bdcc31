// secp256k1 public-key recovery from a 65-byte `r ‖ s ‖ v` signature (ADR
// 0003: low S, v ∈ {0, 1}), with BigInt arithmetic in Jacobian coordinates.
// Used to check commit signatures; it handles only public data, so it needs
// no constant-time care.

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const G = {
  X: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
  Y: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
  Z: 1n,
};
const INF = { X: 0n, Y: 1n, Z: 0n };

const mod = (a, m = P) => ((a % m) + m) % m;

function pow(b, e, m) {
  let r = 1n;
  b = mod(b, m);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

const inv = (a, m) => pow(a, m - 2n, m);

function double(p) {
  if (p.Z === 0n || p.Y === 0n) return INF;
  const A = mod(p.X * p.X);
  const B = mod(p.Y * p.Y);
  const C = mod(B * B);
  const D = mod(2n * (mod((p.X + B) ** 2n) - A - C));
  const E = mod(3n * A);
  const X = mod(E * E - 2n * D);
  return { X, Y: mod(E * (D - X) - 8n * C), Z: mod(2n * p.Y * p.Z) };
}

function add(p, q) {
  if (p.Z === 0n) return q;
  if (q.Z === 0n) return p;
  const z1z1 = mod(p.Z * p.Z);
  const z2z2 = mod(q.Z * q.Z);
  const u1 = mod(p.X * z2z2);
  const u2 = mod(q.X * z1z1);
  const s1 = mod(p.Y * q.Z * z2z2);
  const s2 = mod(q.Y * p.Z * z1z1);
  if (u1 === u2) return s1 === s2 ? double(p) : INF;
  const h = mod(u2 - u1);
  const i = mod(4n * h * h);
  const j = mod(h * i);
  const r = mod(2n * (s2 - s1));
  const v = mod(u1 * i);
  const X = mod(r * r - j - 2n * v);
  return { X, Y: mod(r * (v - X) - 2n * s1 * j), Z: mod((mod((p.Z + q.Z) ** 2n) - z1z1 - z2z2) * h) };
}

function mul(k, p) {
  let r = INF;
  for (let i = BigInt(k.toString(2).length) - 1n; i >= 0n; i--) {
    r = double(r);
    if ((k >> i) & 1n) r = add(r, p);
  }
  return r;
}

const toBig = (bytes) => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);

function toBytes(n) {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** Why a signature cannot be used. */
export class SignatureError extends Error {}

/**
 * The 33-byte compressed public key that signed the 32-byte `digest` with the
 * 65-byte signature `sig`. Throws SignatureError for a malformed or high-S signature.
 */
export function recoverCompressed(digest, sig) {
  if (sig.length !== 65) throw new SignatureError(`a signature is 65 bytes, not ${sig.length}`);
  const r = toBig(sig.subarray(0, 32));
  const s = toBig(sig.subarray(32, 64));
  const v = sig[64];
  if (r === 0n || r >= N || s === 0n || s >= N) throw new SignatureError("r or s out of range");
  if (s > N / 2n) throw new SignatureError("high S");
  if (v > 1) throw new SignatureError(`recovery id ${v}`);
  const y2 = mod(r * r * r + 7n);
  let y = pow(y2, (P + 1n) / 4n, P);
  if (mod(y * y) !== y2) throw new SignatureError("r is not the x of a curve point");
  if (Number(y & 1n) !== v) y = P - y;
  const e = mod(toBig(digest), N);
  const rInv = inv(r, N);
  const q = add(mul(mod(-e * rInv, N), G), mul(mod(s * rInv, N), { X: r, Y: y, Z: 1n }));
  if (q.Z === 0n) throw new SignatureError("recovers the point at infinity");
  const zInv = inv(q.Z, P);
  const x = mod(q.X * zInv * zInv);
  const qy = mod(q.Y * zInv * zInv * zInv);
  const out = new Uint8Array(33);
  out[0] = qy & 1n ? 3 : 2;
  out.set(toBytes(x), 1);
  return out;
}
