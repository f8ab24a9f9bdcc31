//! The authenticated state tree: a Jellyfish Merkle tree (jmt 0.12) over
//! SHA3-256, one version per block height (ADR 0004).
//!
//! * A state key `k` sits at `KeyHash(SHA3-256(k))`; values are hashed with
//!   SHA3-256 too ([`Sha3Hasher`]), and jmt adds its own domain separation for
//!   leaf and internal nodes. The proof primitives live in
//!   `bayledger_types::proof` (verifiers need them without this crate) and
//!   are re-exported here.
//! * [`PreparedState`] is the result of applying a block's write set to the
//!   parent version *in memory*: the new root and the tree nodes to write. The
//!   block producer puts the root in the header, then hands the prepared state
//!   to `Store::commit_block`, which writes it in the block's batch.
//! * Every version has a root node. jmt copies the parent's root node to the
//!   new version when a write set changes nothing (empty, or deletes of absent
//!   keys), so a block without writes has the same root as its parent and
//!   proofs at its height work like at any other.
//! * [`MemStateTree`] runs the same computation without a database (genesis
//!   tooling, tests, replay checks); `MemChainStore` keeps its tree in one.

use crate::db::SchemaRead;
use crate::error::StorageError;
use crate::schema::{JmtNodeSchema, JmtValueKey, JmtValueSchema};
pub use bayledger_types::proof::{Sha3Hasher, StateProof, key_hash};
use bayledger_types::{Hash, WriteSet, proof};
use jmt::storage::{LeafNode, Node, NodeKey, TreeReader, TreeUpdateBatch};
use jmt::{JellyfishMerkleTree, KeyHash, OwnedValue, Version};
use std::collections::{BTreeMap, HashMap};

/// The tree's root when it holds nothing.
pub fn empty_root() -> Hash {
    Hash(JellyfishMerkleTree::<MemStateTree, Sha3Hasher>::EMPTY_ROOT.0)
}

/// Checks `proof` shows that `key` has `value` (`None`: is absent) in the
/// state whose root is `root` ([`bayledger_types::proof::verify_proof`]).
pub fn verify_proof(
    root: Hash,
    key: &[u8],
    value: Option<&[u8]>,
    proof: &StateProof,
) -> Result<(), StorageError> {
    proof::verify_proof(root, key, value, proof).map_err(|e| StorageError::Proof(e.to_string()))
}

/// A state version computed but not yet written: the output of
/// `Store::prepare_state`, the input of `Store::commit_block`.
#[derive(Debug, Clone)]
pub struct PreparedState {
    /// State root after the writes.
    pub root: Hash,
    /// Version (block height; 0 = genesis).
    pub version: u64,
    pub(crate) batch: TreeUpdateBatch,
    pub(crate) writes: WriteSet,
}

impl PreparedState {
    /// The writes this state applies to its parent.
    pub fn writes(&self) -> &WriteSet {
        &self.writes
    }
}

fn check_keys(writes: &WriteSet) -> Result<(), StorageError> {
    if writes.keys().any(|k| k.is_empty()) { Err(StorageError::EmptyKey) } else { Ok(()) }
}

/// Applies `writes` at `version` on top of version - 1 as read by `reader`.
pub(crate) fn prepare<R: TreeReader>(
    reader: &R,
    version: u64,
    writes: &WriteSet,
) -> Result<PreparedState, StorageError> {
    check_keys(writes)?;
    let tree = JellyfishMerkleTree::<R, Sha3Hasher>::new(reader);
    let (root, batch) = tree
        .put_value_set(writes.iter().map(|(k, v)| (key_hash(k), v.clone())), version)
        .map_err(StorageError::tree)?;
    Ok(PreparedState { root: Hash(root.0), version, batch, writes: writes.clone() })
}

/// Value and proof at `version`.
pub(crate) fn get_with_proof<R: TreeReader>(
    reader: &R,
    key: &[u8],
    version: u64,
) -> Result<(Option<Vec<u8>>, StateProof), StorageError> {
    JellyfishMerkleTree::<R, Sha3Hasher>::new(reader)
        .get_with_proof(key_hash(key), version)
        .map_err(StorageError::tree)
}

/// The newest value of `key_hash` written at a version `<= version`
/// (`None` if never written or deleted).
pub(crate) fn value_at<R: SchemaRead>(
    db: &R,
    key_hash: KeyHash,
    version: u64,
) -> Result<Option<Vec<u8>>, StorageError> {
    let mut it = db.iter::<JmtValueSchema>()?;
    it.seek_for_prev(&JmtValueKey { key_hash, version });
    match it.next().transpose()? {
        Some((k, v)) if k.key_hash == key_hash => Ok(v),
        _ => Ok(None),
    }
}

/// jmt's view of the tree stored in RocksDB (live or snapshot).
pub(crate) struct TreeStore<'a, R>(pub(crate) &'a R);

impl<R: SchemaRead> TreeReader for TreeStore<'_, R> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        Ok(self.0.get::<JmtNodeSchema>(node_key)?)
    }

    fn get_value_option(
        &self,
        max_version: Version,
        key_hash: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        Ok(value_at(self.0, key_hash, max_version)?)
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        // Only jmt's state-sync restore uses this; the node does not restore
        // trees from chunks.
        anyhow::bail!(
            "get_rightmost_leaf is not supported by the Bayledger store (tree restore is not implemented)"
        )
    }
}

/// An in-memory state tree with the same hashing as the store: it computes
/// the root the store would compute for the same sequence of write sets.
#[derive(Debug, Default, Clone)]
pub struct MemStateTree {
    nodes: HashMap<NodeKey, Node>,
    values: BTreeMap<(KeyHash, Version), Option<OwnedValue>>,
    latest: Option<u64>,
}

impl MemStateTree {
    /// Applies `writes` as `version`, which must be the next version (0 for
    /// the first), and returns the new root.
    pub fn apply(&mut self, version: u64, writes: &WriteSet) -> Result<Hash, StorageError> {
        let next = self.latest.map_or(0, |l| l + 1);
        if version != next {
            return Err(StorageError::PrepareGap { version, latest: self.latest });
        }
        let prepared = prepare(self, version, writes)?;
        self.write(&prepared);
        Ok(prepared.root)
    }

    /// Adds a state prepared against this tree (by [`prepare`]) for the next
    /// version: its nodes and versioned values.
    pub(crate) fn write(&mut self, prepared: &PreparedState) {
        for (k, n) in prepared.batch.node_batch.nodes() {
            self.nodes.insert(k.clone(), n.clone());
        }
        for ((v, kh), value) in prepared.batch.node_batch.values() {
            self.values.insert((*kh, *v), value.clone());
        }
        self.latest = Some(prepared.version);
    }

    /// Drops what pruning found stale (nodes and superseded values).
    pub(crate) fn remove(&mut self, stale: &crate::prune::Stale) {
        for node in &stale.nodes {
            self.nodes.remove(node);
        }
        for (hash, version) in &stale.values {
            self.values.remove(&(*hash, *version));
        }
    }

    /// Number of stored nodes and versioned values.
    pub fn size(&self) -> (usize, usize) {
        (self.nodes.len(), self.values.len())
    }

    /// Latest applied version.
    pub fn latest_version(&self) -> Option<u64> {
        self.latest
    }

    /// Value of `key` at `version`.
    pub fn get(&self, key: &[u8], version: u64) -> Option<Vec<u8>> {
        self.get_value_option(version, key_hash(key)).ok().flatten()
    }

    /// Every stored node (for codec tests and debugging).
    pub fn nodes(&self) -> impl Iterator<Item = (&NodeKey, &Node)> {
        self.nodes.iter()
    }
}

impl TreeReader for MemStateTree {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        Ok(self.nodes.get(node_key).cloned())
    }

    fn get_value_option(
        &self,
        max_version: Version,
        key_hash: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        Ok(self
            .values
            .range((key_hash, 0)..=(key_hash, max_version))
            .next_back()
            .and_then(|(_, v)| v.clone()))
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        anyhow::bail!("get_rightmost_leaf is not supported (tree restore is not implemented)")
    }
}

/// Encoded `jmt_nodes` key of the root of `version` (for tests).
#[cfg(test)]
pub(crate) fn root_node_key_bytes(version: u64) -> Vec<u8> {
    [version.to_be_bytes().as_slice(), &[0]].concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::KeyCodec;
    use sha3::{Digest, Sha3_256};

    fn ws(entries: &[(&[u8], Option<&[u8]>)]) -> WriteSet {
        entries.iter().map(|(k, v)| (k.to_vec(), v.map(|v| v.to_vec()))).collect()
    }

    /// The state root as ADR 0004 defines it, written independently of jmt:
    /// a sparse Merkle tree over the key hashes' bits (most significant
    /// first) in which an empty subtree is the placeholder and a subtree with
    /// one leaf is that leaf.
    fn spec_root(leaves: &[([u8; 32], [u8; 32])], depth: usize) -> [u8; 32] {
        let sha3 = |parts: &[&[u8]]| {
            let mut h = Sha3_256::new();
            for p in parts {
                Digest::update(&mut h, p);
            }
            <[u8; 32]>::from(h.finalize())
        };
        match leaves {
            [] => *b"SPARSE_MERKLE_PLACEHOLDER_HASH__",
            [(k, v)] => sha3(&[b"JMT::LeafNode", k, v]),
            _ => {
                let bit = |k: &[u8; 32]| (k[depth / 8] >> (7 - depth % 8)) & 1 == 1;
                let split = leaves.iter().take_while(|(k, _)| !bit(k)).count();
                let (left, right) = leaves.split_at(split);
                sha3(&[
                    b"JMT::IntrnalNode",
                    &spec_root(left, depth + 1),
                    &spec_root(right, depth + 1),
                ])
            }
        }
    }

    fn spec_root_of(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Hash {
        let mut leaves: Vec<_> =
            state.iter().map(|(k, v)| (Hash::sha3(k).0, Hash::sha3(v).0)).collect();
        leaves.sort();
        Hash(spec_root(&leaves, 0))
    }

    proptest::proptest! {
        #[test]
        fn root_matches_the_specified_sparse_merkle_tree(
            versions in proptest::collection::vec(
                proptest::collection::btree_map(
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 1..3),
                    proptest::option::of(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3)),
                    0..12,
                ),
                1..5,
            )
        ) {
            let mut tree = MemStateTree::default();
            let mut state = bayledger_types::MemState::default();
            for (v, writes) in versions.iter().enumerate() {
                state.apply(writes);
                let root = tree.apply(v as u64, writes).expect("applies");
                proptest::prop_assert_eq!(root, spec_root_of(&state.0));
            }
        }
    }

    #[test]
    fn key_hash_is_sha3_of_the_key() {
        assert_eq!(key_hash(b"acct/x").0, Hash::sha3(b"acct/x").0);
    }

    #[test]
    fn root_node_key_encoding_matches_jmt() {
        let mut t = MemStateTree::default();
        t.apply(0, &ws(&[(b"a", Some(b"1"))])).expect("applies");
        let root_key =
            t.nodes().map(|(k, _)| k).find(|k| k.nibble_path().num_nibbles() == 0).expect("root");
        assert_eq!(root_key.encode_key(), root_node_key_bytes(0));
    }

    #[test]
    fn mem_tree_roots_depend_on_content_not_history() {
        let mut a = MemStateTree::default();
        let empty = a.apply(0, &WriteSet::new()).expect("applies");
        assert_eq!(empty, empty_root());
        assert_eq!(&empty.0, b"SPARSE_MERKLE_PLACEHOLDER_HASH__");
        let r1 = a.apply(1, &ws(&[(b"x", Some(b"1")), (b"y", Some(b"2"))])).expect("applies");
        let r2 = a.apply(2, &ws(&[(b"z", Some(b"3")), (b"y", None)])).expect("applies");
        let r3 = a.apply(3, &WriteSet::new()).expect("applies");
        assert_ne!(r1, empty);
        assert_ne!(r2, r1);
        assert_eq!(r3, r2, "no writes, same root");

        let mut b = MemStateTree::default();
        let direct = b.apply(0, &ws(&[(b"x", Some(b"1")), (b"z", Some(b"3"))])).expect("applies");
        assert_eq!(direct, r2, "same content, same root");
        assert_eq!(a.get(b"y", 1), Some(b"2".to_vec()));
        assert_eq!(a.get(b"y", 2), None);

        let back = a.apply(4, &ws(&[(b"x", None), (b"z", None)])).expect("applies");
        assert_eq!(back, empty_root(), "deleting everything gives the empty root");
        assert!(matches!(a.apply(9, &WriteSet::new()), Err(StorageError::PrepareGap { .. })));
        assert!(matches!(a.apply(5, &ws(&[(b"", Some(b"1"))])), Err(StorageError::EmptyKey)));
    }
}
