//! [`MemStateView`]: the [`StateView`] of the in-memory store. It reads the
//! state history at its version, taking the store's read lock for each read
//! only, so a view never blocks a commit and never sees one.

use super::Inner;
use crate::chain_store::StateView;
use crate::history;
use bayledger_types::{Hash, StateError, StateReader};
use parking_lot::RwLock;

/// The state after one committed version of a [`super::MemChainStore`].
pub(super) struct MemStateView<'a> {
    inner: &'a RwLock<Inner>,
    version: u64,
    root: Hash,
}

impl<'a> MemStateView<'a> {
    /// The state after `version` (committed, with root `root`).
    pub(super) fn new(inner: &'a RwLock<Inner>, version: u64, root: Hash) -> Self {
        MemStateView { inner, version, root }
    }
}

impl StateReader for MemStateView<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        let inner = self.inner.read();
        inner.check_readable(self.version)?;
        Ok(history::value_at(&inner.kv, key, self.version)?)
    }

    fn next(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, StateError> {
        let inner = self.inner.read();
        inner.check_readable(self.version)?;
        Ok(history::next_at(&inner.kv, self.version, prefix, after)?)
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
