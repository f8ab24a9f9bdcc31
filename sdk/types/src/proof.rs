//! Merkle proofs of the state tree, checkable without the node (ADR 0004,
//! ADR 0010).
//!
//! The state is one Jellyfish Merkle tree (jmt 0.12) over SHA3-256: state key
//! `k` sits at [`key_hash`]`(k)` = SHA3-256(`k`), a value `v` is committed as
//! SHA3-256(`v`), and jmt hashes leaf and internal nodes with its own domain
//! prefixes. A [`StateProof`] shows that a key has a value — or is absent —
//! in the state whose root is given; its wire form is the borsh encoding of
//! jmt's `SparseMerkleProof` ([`encode_proof`] / [`decode_proof`]), laid out
//! byte by byte in ADR 0010 so other languages can check proofs too.
//!
//! [`verify_proof`] names what is wrong with a proof that does not hold (a
//! value that is not the proven one, a proof for another key, a proof that
//! leads to another root) rather than returning one opaque failure.

use crate::hash::Hash;
use jmt::{KeyHash, RootHash, SimpleHasher};
use sha3::{Digest, Sha3_256};

/// SHA3-256 as jmt's hasher.
#[derive(Debug, Clone, Default)]
pub struct Sha3Hasher(Sha3_256);

impl SimpleHasher for Sha3Hasher {
    fn new() -> Self {
        Sha3Hasher(Sha3_256::new())
    }

    fn update(&mut self, data: &[u8]) {
        Digest::update(&mut self.0, data);
    }

    fn finalize(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// A Merkle proof of a value (or of its absence) in the state tree.
pub type StateProof = jmt::proof::SparseMerkleProof<Sha3Hasher>;

/// jmt's proofs carry at most one sibling per bit of a key hash.
pub const MAX_SIBLINGS: usize = 256;

/// Longest encoded proof: an `Option` tag and a leaf (1 + 64 bytes), the
/// sibling count (4) and [`MAX_SIBLINGS`] siblings of at most 65 bytes.
pub const MAX_PROOF_BYTES: usize = 1 + 64 + 4 + MAX_SIBLINGS * 65;

/// Position of a state key in the tree: SHA3-256 of the key.
pub fn key_hash(key: &[u8]) -> KeyHash {
    KeyHash::with::<Sha3Hasher>(key)
}

/// Why a proof does not show what it was offered for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The bytes are not a borsh-encoded `SparseMerkleProof`.
    #[error("proof bytes do not decode: {0}")]
    Decode(String),
    /// A value was claimed, but the proof shows the key is absent.
    #[error("a value was claimed, but the proof shows the key is absent")]
    ValueNotProven,
    /// Absence was claimed, but the proof shows the key holds a value.
    #[error("absence was claimed, but the proof shows the key holds a value")]
    AbsenceNotProven,
    /// The proof's leaf is another key's, so it proves nothing about this
    /// key's value.
    #[error("the proof is for key hash {proof_key}, not {key}")]
    OtherKey {
        /// SHA3-256 of the key the proof was offered for.
        key: Hash,
        /// Key hash of the proof's leaf.
        proof_key: Hash,
    },
    /// The claimed value is not the one the proof commits to.
    #[error("wrong value: it hashes to {value_hash}, the proof commits to {proof_value_hash}")]
    WrongValue {
        /// SHA3-256 of the claimed value.
        value_hash: Hash,
        /// Value hash in the proof's leaf.
        proof_value_hash: Hash,
    },
    /// The proof does not lead to the given state root (tampered siblings,
    /// or a root of another state).
    #[error("the proof does not lead to state root {root}: {reason}")]
    WrongRoot {
        /// The root the proof was checked against.
        root: Hash,
        /// jmt's explanation.
        reason: String,
    },
}

/// The borsh encoding of `proof` (ADR 0010).
pub fn encode_proof(proof: &StateProof) -> Vec<u8> {
    borsh::to_vec(proof).expect("borsh encoding into a Vec does not fail")
}

/// Decodes a proof from its borsh encoding. Every byte must be used and the
/// proof must have at most [`MAX_SIBLINGS`] siblings.
pub fn decode_proof(bytes: &[u8]) -> Result<StateProof, ProofError> {
    if bytes.len() > MAX_PROOF_BYTES {
        return Err(ProofError::Decode(format!(
            "{} bytes, more than the largest proof ({MAX_PROOF_BYTES} bytes)",
            bytes.len()
        )));
    }
    borsh::from_slice(bytes).map_err(|e| ProofError::Decode(e.to_string()))
}

/// The key hash and value hash of a proof's leaf (jmt keeps the fields
/// private; its borsh encoding is the two hashes in order).
fn leaf_hashes(proof: &StateProof) -> Option<(Hash, Hash)> {
    let bytes = borsh::to_vec(&proof.leaf()?).ok()?;
    Some((Hash::from_slice(bytes.get(..32)?)?, Hash::from_slice(bytes.get(32..64)?)?))
}

/// Checks that `proof` shows `key` has `value` (`None`: is absent) in the
/// state whose root is `root`.
pub fn verify_proof(
    root: Hash,
    key: &[u8],
    value: Option<&[u8]>,
    proof: &StateProof,
) -> Result<(), ProofError> {
    let kh = key_hash(key);
    match (value, leaf_hashes(proof)) {
        (Some(_), None) => return Err(ProofError::ValueNotProven),
        (Some(v), Some((leaf_key, leaf_value))) => {
            if leaf_key.0 != kh.0 {
                return Err(ProofError::OtherKey { key: Hash(kh.0), proof_key: leaf_key });
            }
            let value_hash = Hash::sha3(v);
            if value_hash != leaf_value {
                return Err(ProofError::WrongValue { value_hash, proof_value_hash: leaf_value });
            }
        }
        (None, Some((leaf_key, _))) if leaf_key.0 == kh.0 => {
            return Err(ProofError::AbsenceNotProven);
        }
        (None, _) => {}
    }
    proof
        .verify(RootHash(root.0), kh, value)
        .map_err(|e| ProofError::WrongRoot { root, reason: format!("{e:#}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An absence proof in the empty tree: no leaf, no siblings.
    fn empty_tree_proof() -> StateProof {
        decode_proof(&[0, 0, 0, 0, 0]).expect("decodes")
    }

    /// The proof of the only key of a one-leaf tree: the leaf, no siblings.
    fn single_leaf(key: &[u8], value: &[u8]) -> (Hash, Vec<u8>) {
        let mut bytes = vec![1];
        bytes.extend_from_slice(&key_hash(key).0);
        bytes.extend_from_slice(&Hash::sha3(value).0);
        bytes.extend_from_slice(&[0, 0, 0, 0]);
        let mut leaf = Sha3_256::new();
        Digest::update(&mut leaf, b"JMT::LeafNode");
        Digest::update(&mut leaf, key_hash(key).0);
        Digest::update(&mut leaf, Hash::sha3(value).0);
        (Hash(leaf.finalize().into()), bytes)
    }

    #[test]
    fn the_empty_tree_proves_absence_of_anything() {
        let root = Hash(*b"SPARSE_MERKLE_PLACEHOLDER_HASH__");
        let p = empty_tree_proof();
        verify_proof(root, b"k", None, &p).expect("absent");
        assert_eq!(verify_proof(root, b"k", Some(b"v"), &p), Err(ProofError::ValueNotProven));
        assert!(matches!(
            verify_proof(Hash([7; 32]), b"k", None, &p),
            Err(ProofError::WrongRoot { .. })
        ));
        assert_eq!(encode_proof(&p), vec![0, 0, 0, 0, 0]);
    }

    #[test]
    fn a_one_leaf_tree_proves_its_value_and_the_absence_of_other_keys() {
        let (root, bytes) = single_leaf(b"acct/a", b"one");
        let p = decode_proof(&bytes).expect("decodes");
        assert_eq!(encode_proof(&p), bytes, "borsh round trip");
        verify_proof(root, b"acct/a", Some(b"one"), &p).expect("included");
        assert!(matches!(
            verify_proof(root, b"acct/a", Some(b"two"), &p),
            Err(ProofError::WrongValue { .. })
        ));
        assert_eq!(verify_proof(root, b"acct/a", None, &p), Err(ProofError::AbsenceNotProven));
        assert!(matches!(
            verify_proof(root, b"acct/b", Some(b"one"), &p),
            Err(ProofError::OtherKey { .. })
        ));
        // A leaf with no siblings is the whole tree: any other key is absent.
        verify_proof(root, b"acct/b", None, &p).expect("other key absent");
        let mut other_root = root;
        other_root.0[0] ^= 1;
        assert!(matches!(
            verify_proof(other_root, b"acct/a", Some(b"one"), &p),
            Err(ProofError::WrongRoot { .. })
        ));
    }

    #[test]
    fn malformed_encodings_are_refused() {
        let (_, bytes) = single_leaf(b"k", b"v");
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(matches!(decode_proof(&trailing), Err(ProofError::Decode(_))));
        assert!(matches!(decode_proof(&bytes[..bytes.len() - 1]), Err(ProofError::Decode(_))));
        let mut bad_tag = bytes.clone();
        bad_tag[0] = 2;
        assert!(matches!(decode_proof(&bad_tag), Err(ProofError::Decode(_))));
        // One sibling with node tag 3 (only 0 Null, 1 Internal, 2 Leaf exist).
        let mut bad_node = bytes[..65].to_vec();
        bad_node.extend_from_slice(&[1, 0, 0, 0, 3]);
        assert!(matches!(decode_proof(&bad_node), Err(ProofError::Decode(_))));
        assert!(matches!(decode_proof(&vec![0; MAX_PROOF_BYTES + 1]), Err(ProofError::Decode(_))));
    }

    #[test]
    fn key_hash_is_sha3_of_the_key() {
        assert_eq!(key_hash(b"acct/x").0, Hash::sha3(b"acct/x").0);
    }
}
