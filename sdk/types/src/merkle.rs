//! Binary Merkle roots over ordered lists (transactions, receipts), built as in
//! RFC 6962 §2.1 with SHA3-256: leaf = H(0x00 || data), node = H(0x01 || l || r),
//! the empty list hashes to H(""). The split point is the largest power of two
//! below the length, so roots and audit paths match RFC 6962/9162 tooling given
//! the same hash function.

use crate::hash::Hash;
use sha3::{Digest, Sha3_256};

/// Hash of one leaf.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha3_256::new();
    h.update([0u8]);
    h.update(data);
    Hash(h.finalize().into())
}

/// Hash of an inner node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha3_256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// Root over leaves given as raw data.
pub fn root<T: AsRef<[u8]>>(leaves: &[T]) -> Hash {
    if leaves.is_empty() {
        return Hash::sha3(b"");
    }
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l.as_ref())).collect();
    root_of_leaf_hashes(&hashes)
}

fn root_of_leaf_hashes(hashes: &[Hash]) -> Hash {
    match hashes.len() {
        0 => Hash::sha3(b""),
        1 => hashes[0],
        n => {
            let k = split_point(n);
            node_hash(&root_of_leaf_hashes(&hashes[..k]), &root_of_leaf_hashes(&hashes[k..]))
        }
    }
}

/// Largest power of two strictly below `n` (n >= 2).
fn split_point(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// Audit path for leaf `index` (RFC 6962 §2.1.1), bottom-up.
pub fn inclusion_proof<T: AsRef<[u8]>>(leaves: &[T], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l.as_ref())).collect();
    let mut path = Vec::new();
    path_rec(&hashes, index, &mut path);
    Some(path)
}

fn path_rec(hashes: &[Hash], index: usize, out: &mut Vec<Hash>) {
    if hashes.len() <= 1 {
        return;
    }
    let k = split_point(hashes.len());
    if index < k {
        path_rec(&hashes[..k], index, out);
        out.push(root_of_leaf_hashes(&hashes[k..]));
    } else {
        path_rec(&hashes[k..], index - k, out);
        out.push(root_of_leaf_hashes(&hashes[..k]));
    }
}

/// Verifies an audit path (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &[u8], index: u64, size: u64, path: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = leaf_hash(leaf);
    for p in path {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && r == *root
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_trees_have_the_rfc_6962_shape() {
        let l = |x: &[u8]| leaf_hash(x);
        assert_eq!(root::<&[u8]>(&[]), Hash::sha3(b""));
        assert_eq!(root(&[b"a"]), l(b"a"));
        assert_eq!(root(&[b"a", b"b", b"c"]), node_hash(&node_hash(&l(b"a"), &l(b"b")), &l(b"c")));
    }

    proptest! {
        #[test]
        fn every_inclusion_proof_verifies_and_a_tampered_leaf_does_not(n in 1usize..40, seed in any::<u8>()) {
            let leaves: Vec<Vec<u8>> = (0..n).map(|i| vec![seed, i as u8]).collect();
            let r = root(&leaves);
            for i in 0..n {
                let p = inclusion_proof(&leaves, i).expect("in range");
                prop_assert!(verify_inclusion(&leaves[i], i as u64, n as u64, &p, &r));
                prop_assert!(!verify_inclusion(b"tampered", i as u64, n as u64, &p, &r));
            }
        }
    }
}
