//! RFC 9162 (Certificate Transparency v2) Merkle tree hashing and proofs over stored subtrees.
//!
//! - Leaf hash: `SHA-256(0x00 ‖ leaf)`; node hash: `SHA-256(0x01 ‖ left ‖ right)`; the hash of
//!   the empty tree is `SHA-256()` (§2.1.1).
//! - The tree of `n` leaves is the RFC's `MTH(D[n])`: for `n > 1`, with `k` the largest power of
//!   two below `n`, `MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n]))`.
//! - Inclusion proofs are the RFC's `PATH(m, D[n])` (§2.1.3.1) and consistency proofs
//!   `PROOF(m, D[n])` (§2.1.4.1), nodes ordered from the leaf (or the old tree) upwards, so the
//!   verification algorithms of §2.1.3.2 and §2.1.4.2 accept them unchanged.
//!
//! **Storage.** The only stored hashes are those of *complete* subtrees: node `(level, index)`
//! covers leaves `[index·2^level, (index+1)·2^level)` and exists once all of them are appended.
//! Appending a leaf stores its hash and every subtree it completes (amortised 2, at most
//! `1 + log₂ n` nodes). Any subtree the RFC recursion needs, complete or not, is rebuilt from at
//! most `log₂ n` stored nodes, and a root, a path or a consistency proof rebuilds at most one
//! incomplete subtree, so every operation reads `O(log n)` nodes: never `O(n)`.
//!
//! The algorithms read nodes through [`Nodes`], so they are independent of contract storage.

use alloc::vec::Vec;
use bayledger_contract_sdk::Error;
use sha2::{Digest as _, Sha256};

/// A SHA-256 digest.
pub type Digest = [u8; 32];

/// Stored complete subtrees.
pub trait Nodes {
    /// The hash of complete subtree `index` at `level` (level 0: leaf hashes). Asked only for
    /// subtrees the log has completed; a missing one is corrupted state.
    fn node(&self, level: u8, index: u64) -> Result<Digest, Error>;
}

/// The hash of the empty tree, `SHA-256()`.
pub fn empty_root() -> Digest {
    Sha256::digest([]).into()
}

/// `SHA-256(0x00 ‖ leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> Digest {
    Sha256::new().chain_update([0x00]).chain_update(leaf).finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    Sha256::new().chain_update([0x01]).chain_update(left).chain_update(right).finalize().into()
}

/// The nodes to store when leaf number `index` (0-based, so the tree had `index` leaves) with
/// hash `leaf` is appended: `(level, index, hash)` of the leaf and of every subtree it
/// completes, lowest first. Reads the left siblings from `nodes`.
pub fn append(
    nodes: &impl Nodes,
    index: u64,
    leaf: Digest,
) -> Result<Vec<(u8, u64, Digest)>, Error> {
    let mut out = alloc::vec![(0, index, leaf)];
    let (mut level, mut at, mut hash) = (0u8, index, leaf);
    while at % 2 == 1 {
        hash = node_hash(&nodes.node(level, at - 1)?, &hash);
        level += 1;
        at /= 2;
        out.push((level, at, hash));
    }
    Ok(out)
}

/// `MTH(D[size])`, the root of the first `size` leaves (the empty-tree hash for 0).
pub fn root(nodes: &impl Nodes, size: u64) -> Result<Digest, Error> {
    if size == 0 { Ok(empty_root()) } else { subtree(nodes, 0, size) }
}

/// `PATH(index, D[size])`: the inclusion proof of leaf `index` in the tree of `size` leaves.
/// Requires `index < size`.
pub fn inclusion_path(nodes: &impl Nodes, index: u64, size: u64) -> Result<Vec<Digest>, Error> {
    if index >= size {
        return Err(Error::new("merkle: leaf index outside the tree"));
    }
    let mut path = Vec::new();
    inclusion(nodes, index, 0, size, &mut path)?;
    Ok(path)
}

/// `PROOF(first, D[second])`: the consistency proof between the trees of `first` and `second`
/// leaves. Requires `0 < first <= second`; empty when they are equal (`SUBPROOF(m, D[m], true)`).
pub fn consistency_path(nodes: &impl Nodes, first: u64, second: u64) -> Result<Vec<Digest>, Error> {
    if first == 0 || first > second {
        return Err(Error::new("merkle: a consistency proof needs 0 < first <= second"));
    }
    let mut path = Vec::new();
    subproof(nodes, first, 0, second, true, &mut path)?;
    Ok(path)
}

/// The largest power of two strictly below `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// `MTH(D[start:end])` for a range the RFC recursion produces: `start` is a multiple of the
/// largest power of two not above `end - start`, so the range is one stored subtree when its
/// size is a power of two, or splits into a stored left part and a smaller right range.
fn subtree(nodes: &impl Nodes, start: u64, end: u64) -> Result<Digest, Error> {
    let n = end - start;
    if n.is_power_of_two() {
        let level = n.trailing_zeros() as u8;
        return nodes.node(level, start >> level);
    }
    let k = split(n);
    Ok(node_hash(&subtree(nodes, start, start + k)?, &subtree(nodes, start + k, end)?))
}

/// `PATH(index - start, D[start:end])`, appended to `out` from the leaf up.
fn inclusion(
    nodes: &impl Nodes,
    index: u64,
    start: u64,
    end: u64,
    out: &mut Vec<Digest>,
) -> Result<(), Error> {
    let n = end - start;
    if n == 1 {
        return Ok(());
    }
    let k = split(n);
    if index < start + k {
        inclusion(nodes, index, start, start + k, out)?;
        out.push(subtree(nodes, start + k, end)?);
    } else {
        inclusion(nodes, index, start + k, end, out)?;
        out.push(subtree(nodes, start, start + k)?);
    }
    Ok(())
}

/// `SUBPROOF(m, D[start:end], complete)`, appended to `out` from the old tree up.
fn subproof(
    nodes: &impl Nodes,
    m: u64,
    start: u64,
    end: u64,
    complete: bool,
    out: &mut Vec<Digest>,
) -> Result<(), Error> {
    let n = end - start;
    if m == n {
        if !complete {
            out.push(subtree(nodes, start, end)?);
        }
        return Ok(());
    }
    let k = split(n);
    if m <= k {
        subproof(nodes, m, start, start + k, complete, out)?;
        out.push(subtree(nodes, start + k, end)?);
    } else {
        subproof(nodes, m - k, start + k, end, false, out)?;
        out.push(subtree(nodes, start, start + k)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;
    use alloc::string::ToString;
    use core::cell::{Cell, RefCell};

    /// Nodes in memory, counting reads.
    #[derive(Default)]
    struct Memory {
        nodes: RefCell<BTreeMap<(u8, u64), Digest>>,
        reads: Cell<usize>,
    }

    impl Nodes for Memory {
        fn node(&self, level: u8, index: u64) -> Result<Digest, Error> {
            self.reads.set(self.reads.get() + 1);
            self.nodes
                .borrow()
                .get(&(level, index))
                .copied()
                .ok_or_else(|| Error::new("missing node"))
        }
    }

    impl Memory {
        fn with_leaves(n: u64) -> Memory {
            let m = Memory::default();
            for i in 0..n {
                for (level, at, hash) in append(&m, i, leaf_hash(&i.to_be_bytes())).expect("append")
                {
                    m.nodes.borrow_mut().insert((level, at), hash);
                }
            }
            m
        }
    }

    #[test]
    fn known_answers() {
        // SHA-256("") and SHA-256(0x00): the empty tree and the empty leaf (RFC 6962 test data).
        let hex = |d: Digest| crate::hex::encode(&d);
        assert_eq!(
            hex(empty_root()),
            "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(leaf_hash(b"")),
            "0x6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    /// The reference vectors of transparency-dev/merkle (`testonly/reference_test.go`), the
    /// RFC 6962 test data: eight leaves, the roots of every prefix, and some proofs.
    #[test]
    fn reference_test_vectors() {
        let leaves: [&[u8]; 8] = [
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
        let m = Memory::default();
        for (i, leaf) in leaves.iter().enumerate() {
            for (level, at, hash) in append(&m, i as u64, leaf_hash(leaf)).expect("append") {
                m.nodes.borrow_mut().insert((level, at), hash);
            }
        }
        let hex = |d: &[Digest]| {
            d.iter().map(|x| crate::hex::encode(x)[2..].to_string()).collect::<Vec<_>>()
        };
        let roots: Vec<Digest> = (1..=8).map(|n| root(&m, n).expect("root")).collect();
        assert_eq!(
            hex(&roots),
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
            ]
        );
        assert_eq!(
            hex(&inclusion_path(&m, 5, 8).expect("path")),
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        );
        assert_eq!(
            hex(&inclusion_path(&m, 1, 5).expect("path")),
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        );
        assert_eq!(
            hex(&consistency_path(&m, 2, 5).expect("proof")),
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        );
        assert_eq!(
            hex(&consistency_path(&m, 6, 8).expect("proof")),
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        );
    }

    #[test]
    fn appends_store_every_complete_subtree_and_nothing_else() {
        let m = Memory::with_leaves(11);
        let keys: Vec<(u8, u64)> = m.nodes.borrow().keys().copied().collect();
        let mut expected: Vec<(u8, u64)> = (0..11).map(|i| (0, i)).collect();
        expected.extend([(1, 0), (1, 1), (1, 2), (1, 3), (1, 4), (2, 0), (2, 1), (3, 0)]);
        expected.sort();
        assert_eq!(keys, expected);
    }

    #[test]
    fn reads_grow_logarithmically() {
        let n = 1u64 << 12;
        let m = Memory::with_leaves(n + 3);
        for size in [n - 1, n, n + 3] {
            m.reads.set(0);
            root(&m, size).expect("root");
            inclusion_path(&m, size / 3, size).expect("path");
            consistency_path(&m, size / 2 + 1, size).expect("proof");
            assert!(m.reads.get() <= 3 * 2 * 13, "{size}: {} reads", m.reads.get());
        }
    }

    #[test]
    fn out_of_range_requests_are_errors() {
        let m = Memory::with_leaves(3);
        assert!(inclusion_path(&m, 3, 3).is_err());
        assert!(consistency_path(&m, 0, 3).is_err());
        assert!(consistency_path(&m, 3, 2).is_err());
        assert_eq!(consistency_path(&m, 3, 3), Ok(Vec::new()));
        assert_eq!(root(&m, 0), Ok(empty_root()));
    }
}
