// RFC 9162 (Certificate Transparency v2) Merkle tree hashing and inclusion
// proof verification (§2.1.3.2) with SHA-256 from WebCrypto: leaf hash =
// SHA-256(0x00 ‖ leaf), node hash = SHA-256(0x01 ‖ left ‖ right).

import { concat, equal } from "./bytes.js";

/** Why an inclusion proof does not hold (or cannot be checked here). */
export class InclusionError extends Error {}

async function sha256(...parts) {
  if (!globalThis.crypto || !crypto.subtle) {
    throw new InclusionError(
      "WebCrypto is not available: this page is not a secure context (use HTTPS or localhost)",
    );
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concat(...parts)));
}

/** SHA-256(0x00 ‖ leaf). */
export function leafHash(leaf) {
  return sha256(Uint8Array.of(0), leaf);
}

/**
 * Checks that the leaf with hash `leafHashBytes` is at `leafIndex` in the tree
 * of `treeSize` leaves whose root is `root`, given the audit `path`
 * (Uint8Arrays, bottom up). Indices are BigInt or numbers. Throws InclusionError.
 */
export async function verifyInclusion(leafIndex, treeSize, leafHashBytes, path, root) {
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize) - 1n;
  if (fn > sn) throw new InclusionError(`leaf index ${leafIndex} is outside a tree of ${treeSize}`);
  let r = leafHashBytes;
  for (const p of path) {
    if (sn === 0n) throw new InclusionError("the audit path is longer than the tree is deep");
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new InclusionError("the audit path is shorter than the tree is deep");
  if (!equal(r, root)) throw new InclusionError("the audit path does not lead to the tree head's root");
}
