//! [`MemStateView`]: the [`StateView`] of the in-memory store. It reads the
//! per-key version maps at its version, taking the store's read lock for each
//! read only, so a view never blocks a commit and never sees one.

use super::{Inner, Versions};
use crate::chain_store::StateView;
use crate::error::StorageError;
use bayledger_types::{Hash, StateError, StateReader};
use parking_lot::RwLock;
use std::ops::Bound;

/// The state after one committed version of a [`super::MemChainStore`].
pub(super) struct MemStateView<'a> {
    inner: &'a RwLock<Inner>,
    version: u64,
    root: Hash,
    /// Prefix iteration is offered on the latest state only, as by the
    /// RocksDB store.
    iterable: bool,
}

impl<'a> MemStateView<'a> {
    /// The latest state (`version` is the latest committed version).
    pub(super) fn latest(inner: &'a RwLock<Inner>, version: u64, root: Hash) -> Self {
        MemStateView { inner, version, root, iterable: true }
    }

    /// A historical state: point reads only.
    pub(super) fn historical(inner: &'a RwLock<Inner>, version: u64, root: Hash) -> Self {
        MemStateView { inner, version, root, iterable: false }
    }
}

/// The value in `versions` as of `version` (`None`: never written or deleted).
fn value_at(versions: &Versions, version: u64) -> Option<Vec<u8>> {
    versions.range(..=version).next_back().and_then(|(_, v)| v.clone())
}

impl StateReader for MemStateView<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.inner.read().state.get(key).and_then(|v| value_at(v, self.version)))
    }

    fn next(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, StateError> {
        if !self.iterable {
            return Err(StorageError::IterationUnsupported.into());
        }
        let lower = match after {
            Some(a) if a >= prefix => Bound::Excluded(a),
            _ => Bound::Included(prefix),
        };
        let inner = self.inner.read();
        Ok(inner
            .state
            .range::<[u8], _>((lower, Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .find_map(|(k, versions)| value_at(versions, self.version).map(|v| (k.clone(), v))))
    }
}

impl StateView for MemStateView<'_> {
    fn version(&self) -> u64 {
        self.version
    }

    fn root(&self) -> Hash {
        self.root
    }
}
