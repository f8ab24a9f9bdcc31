//! The registration log in contract storage: appends, the committed tree head, and proofs,
//! using [`crate::merkle`] over the stored complete subtrees.

use crate::merkle::{self, Digest, Nodes};
use crate::state::{Bytes32, LEAVES, LOG_HEAD, NODES, NodeId, TreeHead};
use crate::validate::Hash;
use alloc::format;
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;

/// Reads complete subtrees from storage.
#[derive(Debug, Clone, Copy)]
pub struct StoredNodes;

impl Nodes for StoredNodes {
    fn node(&self, level: u8, index: u64) -> Result<Digest, Error> {
        NODES.get(&NodeId(level, index))?.map(|b| b.0).ok_or_else(|| {
            Error::new(format!("corrupt state: log node ({level}, {index}) is missing"))
        })
    }
}

/// The committed tree head (size 0 and the empty root right after instantiation).
pub fn head() -> Result<TreeHead, Error> {
    LOG_HEAD.load()
}

/// Starts the empty log.
pub fn init() {
    LOG_HEAD.set(&TreeHead { size: 0, root: merkle::empty_root() });
}

/// Appends within one call; [`Appender::commit`] writes the new tree head once at the end.
#[derive(Debug)]
pub struct Appender {
    size: u64,
}

impl Appender {
    /// Continues after the committed head.
    pub fn open() -> Result<Appender, Error> {
        Ok(Appender { size: head()?.size })
    }

    /// Appends `leaf` (the leaf bytes of the registration of `hash`); returns its log index.
    pub fn append(&mut self, hash: &Hash, leaf: &[u8]) -> Result<u64, Error> {
        let index = self.size;
        for (level, at, node) in merkle::append(&StoredNodes, index, merkle::leaf_hash(leaf))? {
            NODES.set(&NodeId(level, at), &Bytes32(node));
        }
        LEAVES.set(&index, &Bytes32(*hash));
        self.size += 1;
        Ok(index)
    }

    /// Commits the tree head over everything appended; returns it.
    pub fn commit(self) -> Result<TreeHead, Error> {
        let head = TreeHead { size: self.size, root: merkle::root(&StoredNodes, self.size)? };
        LOG_HEAD.set(&head);
        Ok(head)
    }
}

/// The tree head at `size` leaves (the committed one when `None`); a `size` beyond the log is
/// refused as `invalid <field>: …`.
pub fn head_at(field: &str, size: Option<u64>) -> Result<TreeHead, Error> {
    let current = head()?;
    match size {
        None => Ok(current),
        Some(size) => {
            check_size(field, size, current.size)?;
            Ok(TreeHead { size, root: merkle::root(&StoredNodes, size)? })
        }
    }
}

/// The registered hash at `index`, or `not found: …`.
pub fn hash_at(index: u64) -> Result<Hash, Error> {
    LEAVES
        .get(&index)?
        .map(|b| b.0)
        .ok_or_else(|| Error::new(format!("not found: no leaf at log index {index}")))
}

/// The inclusion path of leaf `index` in the tree of `size` leaves.
pub fn inclusion_path(index: u64, size: u64) -> Result<Vec<Digest>, Error> {
    merkle::inclusion_path(&StoredNodes, index, size)
}

/// The consistency path between the trees of `first` and `second` leaves.
pub fn consistency_path(first: u64, second: u64) -> Result<Vec<Digest>, Error> {
    merkle::consistency_path(&StoredNodes, first, second)
}

/// Refuses a tree size beyond the log.
fn check_size(field: &str, size: u64, log_size: u64) -> Result<(), Error> {
    if size > log_size {
        return Err(Error::new(format!("invalid {field}: {size} exceeds the log size {log_size}")));
    }
    Ok(())
}
