//! Offline verification of the registry's Merkle log proofs, RFC 9162 (Certificate
//! Transparency v2) §2.1: leaf hash `SHA-256(0x00 ‖ leaf)`, node hash
//! `SHA-256(0x01 ‖ left ‖ right)`, inclusion proofs checked by §2.1.3.2 and consistency proofs
//! by §2.1.4.2. Nothing here talks to a node: a verifier that holds a tree head (e.g. one it
//! saw earlier, or one from another member's node) checks what any node hands it.

use super::leaf::Leaf;
use super::types::{ConsistencyProof, InclusionProof, TreeHead};
use bayledger_types::Hash;
use sha2::{Digest, Sha256};

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is outside a tree of {size} leaves")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The tree sizes of a consistency proof are not `0 < first <= second`.
    #[error("a consistency proof needs 0 < first <= second, got {first} and {second}")]
    BadSizes {
        /// The older size.
        first: u64,
        /// The newer size.
        second: u64,
    },
    /// The path has the wrong number of nodes for the sizes.
    #[error("the proof has the wrong number of nodes ({0}) for its tree sizes")]
    WrongLength(usize),
    /// The path does not lead to the expected root.
    #[error("the proof does not lead to the root hash {}", super::hex::hash_text(.0))]
    RootMismatch(Hash),
    /// The proof is for another tree than the head it is checked against.
    #[error("the proof is for a tree of {proof} leaves, the tree head has {head}")]
    SizeMismatch {
        /// The proof's tree size.
        proof: u64,
        /// The head's tree size.
        head: u64,
    },
    /// The proof's `leaf_hash` is not `SHA-256(0x00 ‖ leaf)`.
    #[error("leaf_hash is not SHA-256(0x00 || leaf)")]
    LeafHashMismatch,
    /// The leaf commits to another hash than the one the proof claims.
    #[error("the leaf commits to {}, not {}", super::hex::hash_text(.leaf), super::hex::hash_text(.claimed))]
    LeafForOtherHash {
        /// The hash inside the leaf.
        leaf: Hash,
        /// The hash the proof claims.
        claimed: Hash,
    },
    /// The leaf bytes are not a version-1 registration leaf.
    #[error("malformed registration leaf: {0}")]
    MalformedLeaf(String),
}

/// `SHA-256(0x00 ‖ leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    Hash(Sha256::new().chain_update([0x00]).chain_update(leaf).finalize().into())
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Hash(
        Sha256::new()
            .chain_update([0x01])
            .chain_update(left.0)
            .chain_update(right.0)
            .finalize()
            .into(),
    )
}

/// The hash of the empty tree, `SHA-256()`.
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

/// RFC 9162 §2.1.3.2: checks that `path` proves leaf `index` with hash `leaf_hash` is in the
/// tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    path: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut f, mut s, mut r) = (index, size - 1, *leaf_hash);
    for p in path {
        if s == 0 {
            return Err(ProofError::WrongLength(path.len()));
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength(path.len()));
    }
    if r != *root {
        return Err(ProofError::RootMismatch(*root));
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: checks that the tree of `second` leaves with root `second_root` extends
/// the tree of `first` leaves with root `first_root` (an append-only log). Equal sizes need an
/// empty proof and equal roots.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    path: &[Hash],
) -> Result<(), ProofError> {
    if first == 0 || first > second {
        return Err(ProofError::BadSizes { first, second });
    }
    if first == second {
        if !path.is_empty() {
            return Err(ProofError::WrongLength(path.len()));
        }
        return if first_root == second_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch(*second_root))
        };
    }
    if path.is_empty() {
        return Err(ProofError::WrongLength(0));
    }
    let mut nodes = Vec::with_capacity(path.len() + 1);
    if first.is_power_of_two() {
        nodes.push(*first_root);
    }
    nodes.extend_from_slice(path);
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (nodes[0], nodes[0]);
    for c in &nodes[1..] {
        if s == 0 {
            return Err(ProofError::WrongLength(path.len()));
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength(path.len()));
    }
    if fr != *first_root {
        return Err(ProofError::RootMismatch(*first_root));
    }
    if sr != *second_root {
        return Err(ProofError::RootMismatch(*second_root));
    }
    Ok(())
}

impl InclusionProof {
    /// Verifies the proof against `head` (a tree head the verifier holds): the leaf hashes to
    /// `leaf_hash`, commits to `hash`, and the path leads from it to the head's root. Returns
    /// the decoded leaf, whose fields (registrant, time, height, …) the log commits to.
    pub fn verify(&self, head: &TreeHead) -> Result<Leaf, ProofError> {
        if self.tree_size != head.tree_size {
            return Err(ProofError::SizeMismatch { proof: self.tree_size, head: head.tree_size });
        }
        if leaf_hash(&self.leaf) != self.leaf_hash {
            return Err(ProofError::LeafHashMismatch);
        }
        let leaf = Leaf::parse(&self.leaf)?;
        if leaf.hash != self.hash {
            return Err(ProofError::LeafForOtherHash { leaf: leaf.hash, claimed: self.hash });
        }
        verify_inclusion(
            self.leaf_index,
            head.tree_size,
            &self.leaf_hash,
            &self.inclusion_path,
            &head.root_hash,
        )?;
        Ok(leaf)
    }
}

impl ConsistencyProof {
    /// Verifies that `new` extends `old` with this proof (the sizes must be the proof's).
    pub fn verify(&self, old: &TreeHead, new: &TreeHead) -> Result<(), ProofError> {
        if self.first != old.tree_size {
            return Err(ProofError::SizeMismatch { proof: self.first, head: old.tree_size });
        }
        if self.second != new.tree_size {
            return Err(ProofError::SizeMismatch { proof: self.second, head: new.tree_size });
        }
        verify_consistency(
            old.tree_size,
            new.tree_size,
            &old.root_hash,
            &new.root_hash,
            &self.consistency_path,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::hash_registry::leaf::tests::leaf_bytes;

    /// `MTH(D[n])` from its definition (RFC 9162 §2.1.1).
    fn mth(leaves: &[Vec<u8>]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaf_hash(&leaves[0]),
            n => {
                let k = split(n);
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn split(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    /// `PATH(m, D[n])` from its definition (§2.1.3.1).
    fn path(m: usize, leaves: &[Vec<u8>]) -> Vec<Hash> {
        let n = leaves.len();
        if n == 1 {
            return Vec::new();
        }
        let k = split(n);
        if m < k {
            let mut p = path(m, &leaves[..k]);
            p.push(mth(&leaves[k..]));
            p
        } else {
            let mut p = path(m - k, &leaves[k..]);
            p.push(mth(&leaves[..k]));
            p
        }
    }

    /// `PROOF(m, D[n])` from its definition (§2.1.4.1).
    fn proof(m: usize, leaves: &[Vec<u8>]) -> Vec<Hash> {
        fn sub(m: usize, leaves: &[Vec<u8>], complete: bool) -> Vec<Hash> {
            let n = leaves.len();
            if m == n {
                return if complete { Vec::new() } else { vec![mth(leaves)] };
            }
            let k = split(n);
            if m <= k {
                let mut p = sub(m, &leaves[..k], complete);
                p.push(mth(&leaves[k..]));
                p
            } else {
                let mut p = sub(m - k, &leaves[k..], false);
                p.push(mth(&leaves[..k]));
                p
            }
        }
        sub(m, leaves, true)
    }

    fn leaves(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("leaf {i}").into_bytes()).collect()
    }

    fn h(hex: &str) -> Hash {
        Hash::from_hex(hex).expect("hex")
    }

    /// The RFC 6962 test data (transparency-dev/merkle `testonly`): roots and proofs.
    #[test]
    fn reference_vectors() {
        let data: [&[u8]; 8] = [
            b"",
            &[0x00],
            &[0x10],
            &[0x20, 0x21],
            &[0x30, 0x31],
            &[0x40, 0x41, 0x42, 0x43],
            &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            &[
                0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
                0x6e, 0x6f,
            ],
        ];
        let root8 = h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
        let root5 = h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4");
        let root2 = h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
        let root6 = h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef");
        let all: Vec<Vec<u8>> = data.iter().map(|d| d.to_vec()).collect();
        assert_eq!(mth(&all), root8);
        let path5 = [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ];
        assert_eq!(verify_inclusion(5, 8, &leaf_hash(data[5]), &path5, &root8), Ok(()));
        let path1 = [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ];
        assert_eq!(verify_inclusion(1, 5, &leaf_hash(data[1]), &path1, &root5), Ok(()));
        let c25 = [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ];
        assert_eq!(verify_consistency(2, 5, &root2, &root5, &c25), Ok(()));
        let c68 = [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ];
        assert_eq!(verify_consistency(6, 8, &root6, &root8, &c68), Ok(()));
        assert_eq!(
            empty_root(),
            h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }

    #[test]
    fn every_inclusion_proof_verifies_and_any_tampering_fails() {
        for n in 1..=33 {
            let l = leaves(n);
            let root = mth(&l);
            for m in 0..n {
                let p = path(m, &l);
                let lh = leaf_hash(&l[m]);
                let (m64, n64) = (m as u64, n as u64);
                assert_eq!(verify_inclusion(m64, n64, &lh, &p, &root), Ok(()), "{m} of {n}");
                assert!(verify_inclusion(m64, n64, &leaf_hash(b"other"), &p, &root).is_err());
                assert!(verify_inclusion(m64, n64, &lh, &p, &leaf_hash(b"root")).is_err());
                assert!(verify_inclusion(n64, n64, &lh, &p, &root).is_err());
                if n > 1 {
                    let other = (m + 1) % n;
                    assert!(verify_inclusion(other as u64, n64, &lh, &p, &root).is_err());
                }
                for i in 0..p.len() {
                    let mut bad = p.clone();
                    bad[i].0[i % 32] ^= 1;
                    assert!(verify_inclusion(m64, n64, &lh, &bad, &root).is_err());
                    let mut short = p.clone();
                    short.remove(i);
                    assert!(verify_inclusion(m64, n64, &lh, &short, &root).is_err());
                }
                let mut long = p.clone();
                long.push(root);
                assert!(verify_inclusion(m64, n64, &lh, &long, &root).is_err());
            }
        }
    }

    #[test]
    fn every_consistency_proof_verifies_and_any_tampering_fails() {
        let l = leaves(33);
        for n in 1..=33 {
            let new_root = mth(&l[..n]);
            for m in 1..=n {
                let old_root = mth(&l[..m]);
                let p = proof(m, &l[..n]);
                let (m64, n64) = (m as u64, n as u64);
                assert_eq!(verify_consistency(m64, n64, &old_root, &new_root, &p), Ok(()));
                assert!(verify_consistency(m64, n64, &leaf_hash(b"x"), &new_root, &p).is_err());
                assert!(verify_consistency(m64, n64, &old_root, &leaf_hash(b"x"), &p).is_err());
                for i in 0..p.len() {
                    let mut bad = p.clone();
                    bad[i].0[0] ^= 0x80;
                    assert!(verify_consistency(m64, n64, &old_root, &new_root, &bad).is_err());
                }
                let mut long = p.clone();
                long.push(new_root);
                assert!(verify_consistency(m64, n64, &old_root, &new_root, &long).is_err());
                if m < n {
                    // A log that rewrote history: the old tree with one leaf changed.
                    let mut forked = l[..n].to_vec();
                    forked[m - 1] = b"rewritten".to_vec();
                    assert!(
                        verify_consistency(m64, n64, &old_root, &mth(&forked), &p).is_err(),
                        "{m} -> {n}"
                    );
                }
            }
        }
        let r = mth(&l[..3]);
        assert_eq!(
            verify_consistency(0, 3, &r, &r, &[]),
            Err(ProofError::BadSizes { first: 0, second: 3 })
        );
        assert!(verify_consistency(4, 3, &r, &r, &[]).is_err());
    }

    fn registry_proof() -> (InclusionProof, TreeHead) {
        let leaves: Vec<Vec<u8>> =
            (0..6u8).map(|i| leaf_bytes([i; 32], (i > 3).then_some([0; 32]))).collect();
        let head = TreeHead { tree_size: 6, root_hash: mth(&leaves) };
        let proof = InclusionProof {
            leaf_index: 4,
            tree_size: 6,
            hash: Hash([4; 32]),
            leaf: leaves[4].clone(),
            leaf_hash: leaf_hash(&leaves[4]),
            inclusion_path: path(4, &leaves),
            root_hash: head.root_hash,
        };
        (proof, head)
    }

    #[test]
    fn a_registry_inclusion_proof_checks_the_leaf_and_the_head() {
        let (proof, head) = registry_proof();
        let leaf = proof.verify(&head).expect("verifies");
        assert_eq!(leaf.hash, Hash([4; 32]));
        assert_eq!(leaf.supersedes, Some(Hash([0; 32])));

        let mut other_hash = proof.clone();
        other_hash.hash = Hash([5; 32]);
        assert!(matches!(other_hash.verify(&head), Err(ProofError::LeafForOtherHash { .. })));
        let mut tampered_leaf = proof.clone();
        tampered_leaf.leaf[60] ^= 1; // the registration time
        assert_eq!(tampered_leaf.verify(&head), Err(ProofError::LeafHashMismatch));
        tampered_leaf.leaf_hash = leaf_hash(&tampered_leaf.leaf);
        assert_eq!(tampered_leaf.verify(&head), Err(ProofError::RootMismatch(head.root_hash)));
        let other_head = TreeHead { tree_size: 7, ..head.clone() };
        assert!(matches!(proof.verify(&other_head), Err(ProofError::SizeMismatch { .. })));
        let forged_head = TreeHead { root_hash: Hash([9; 32]), ..head.clone() };
        assert!(matches!(proof.verify(&forged_head), Err(ProofError::RootMismatch(_))));
        let mut self_consistent = proof.clone();
        self_consistent.root_hash = Hash([9; 32]);
        assert!(self_consistent.verify(&head).is_ok(), "only the held head's root counts");
    }

    #[test]
    fn a_registry_consistency_proof_checks_both_heads() {
        let l = leaves(9);
        let old = TreeHead { tree_size: 5, root_hash: mth(&l[..5]) };
        let new = TreeHead { tree_size: 9, root_hash: mth(&l) };
        let p = ConsistencyProof {
            first: 5,
            second: 9,
            first_root: old.root_hash,
            second_root: new.root_hash,
            consistency_path: proof(5, &l),
        };
        assert_eq!(p.verify(&old, &new), Ok(()));
        assert!(matches!(p.verify(&new, &old), Err(ProofError::SizeMismatch { .. })));
        let forked = TreeHead { tree_size: 9, root_hash: mth(&leaves(10)[1..]) };
        assert!(p.verify(&old, &forked).is_err());
    }
}
