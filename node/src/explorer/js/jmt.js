// Jellyfish Merkle tree proofs (ADR 0004, jmt 0.12): decoding the Borsh bytes
// of `SparseMerkleProof<Sha3_256>` (ADR 0010) and checking one state key's
// value — or its absence — against a state root, as `SparseMerkleProof::verify` does.
//
// Borsh layout: Option<leaf> (u8 0 | u8 1 ‖ key_hash[32] ‖ value_hash[32]),
// then Vec<SparseMerkleNode> (u32 LE count, each u8 kind: 0 placeholder,
// 1 internal ‖ left[32] ‖ right[32], 2 leaf ‖ key_hash[32] ‖ value_hash[32]),
// siblings from the bottom of the tree to the root.

import { sha3_256 } from "./sha3.js";
import { equal, utf8 } from "./bytes.js";

const PLACEHOLDER = utf8("SPARSE_MERKLE_PLACEHOLDER_HASH__");
const LEAF_TAG = utf8("JMT::LeafNode");
const INTERNAL_TAG = utf8("JMT::IntrnalNode");

/** Why a proof does not hold. */
export class ProofError extends Error {}

const leafHash = (keyHash, valueHash) => sha3_256(LEAF_TAG, keyHash, valueHash);
const internalHash = (left, right) => sha3_256(INTERNAL_TAG, left, right);

/** Decodes the Borsh bytes of a proof: `{ leaf: {keyHash, valueHash} | null, siblings: [hash] }`. */
export function decodeProof(bytes) {
  let at = 0;
  const take = (n) => {
    if (at + n > bytes.length) throw new ProofError("proof bytes are truncated");
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  let leaf = null;
  const tag = take(1)[0];
  if (tag === 1) leaf = { keyHash: take(32), valueHash: take(32) };
  else if (tag !== 0) throw new ProofError(`bad leaf tag ${tag}`);
  const c = take(4);
  const count = (c[0] | (c[1] << 8) | (c[2] << 16) | (c[3] << 24)) >>> 0;
  if (count > 256) throw new ProofError(`${count} siblings (at most 256)`);
  const siblings = [];
  for (let i = 0; i < count; i++) {
    const kind = take(1)[0];
    if (kind === 0) siblings.push(PLACEHOLDER);
    else if (kind === 1) siblings.push(internalHash(take(32), take(32)));
    else if (kind === 2) siblings.push(leafHash(take(32), take(32)));
    else throw new ProofError(`bad sibling kind ${kind}`);
  }
  if (at !== bytes.length) throw new ProofError("trailing bytes after the proof");
  return { leaf, siblings };
}

const bit = (hash, i) => (hash[i >> 3] >> (7 - (i & 7))) & 1;

function commonPrefixBits(a, b) {
  let n = 0;
  while (n < 256 && bit(a, n) === bit(b, n)) n++;
  return n;
}

/**
 * Checks that state key `key` has value `value` (a Uint8Array), or is absent
 * (`value` null), in the tree with root `root`. Throws ProofError otherwise.
 */
export function verifyStateProof(root, key, value, proofBytes) {
  const proof = decodeProof(proofBytes);
  const keyHash = sha3_256(key);
  const { leaf, siblings } = proof;
  if (value !== null) {
    if (!leaf) throw new ProofError("an absence proof was given for a present value");
    if (!equal(leaf.keyHash, keyHash)) throw new ProofError("the proof is for another key");
    if (!equal(leaf.valueHash, sha3_256(value))) {
      throw new ProofError("the value does not match the proven value hash");
    }
  } else if (leaf) {
    if (equal(leaf.keyHash, keyHash)) throw new ProofError("the key exists: not an absence proof");
    if (commonPrefixBits(keyHash, leaf.keyHash) < siblings.length) {
      throw new ProofError("the proven leaf is not on the key's path");
    }
  }
  let hash = leaf ? leafHash(leaf.keyHash, leaf.valueHash) : PLACEHOLDER;
  siblings.forEach((sibling, i) => {
    const depth = siblings.length - 1 - i;
    hash = bit(keyHash, depth) ? internalHash(sibling, hash) : internalHash(hash, sibling);
  });
  if (!equal(hash, root)) throw new ProofError("the proof does not lead to the state root");
}
